"""Every change of a stored record is kept (storage/changes.py), on SQLite and
PostgreSQL: written by the storage writers as a crawl writes, marked gone as a
complete run marks it, rebuilt from stored raw documents, and listed by
`mwatch changes`."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from records import RawDocument, Scope
from spiders.mazhilis_requests_page import parse_request
from storage import db
from storage.after_crawl import mark_gone
from storage.changes import KINDS, RUN_ID, kind_of, rebuild
from storage.models import DeputyRequest, RecordChange
from storage.runs import open_run
from storage.upsert import Counts
from storage.writers import Writer
from tests.e2e import mwatch

FIRST = datetime(2026, 5, 1, 3, tzinfo=UTC)
SECOND = FIRST + timedelta(days=1)
THIRD = SECOND + timedelta(days=1)
API = "https://mazhilis.parlam.kz/api/core/deputy-requests?limit=100&offset=0"


def api_item(mazhilis_id: int, title: str, answer: str | None = None) -> dict:
    return {
        "id": mazhilis_id,
        "number": f"ДЗ-{mazhilis_id}",
        "request_date": "2026-04-01",
        "title": title,
        "addressee": "Министру транспорта РК",
        "initiators": [],
        "signatories": [],
        "document_url": f"/media/requests/{mazhilis_id}.pdf",
        "answer": (
            {"answer_date": answer, "document_url": f"/media/{mazhilis_id}-a.pdf"}
            if answer
            else None
        ),
        "convocation_id": None,
        "session_id": 7,
    }


def write_page(url: str, items: list[dict], now: datetime, run: bool = True) -> int:
    """Write one API page of requests as a crawl run does; the run's id."""
    body = json.dumps({"count": len(items), "result": items}).encode()
    document = RawDocument("mazhilis", API, 200, body, now)
    with db.session_for(url, write=True) as session:
        run_id = open_run(session, "mazhilis-requests", "nightly").id
        if run:
            session.info[RUN_ID] = run_id
        writer = Writer(session, Counts(), {})
        writer.write_document(document, now)
        for item in items:
            request = parse_request(item)
            request.document = document.ref
            writer.write_request(request, now)
    return run_id


def changes(url: str) -> list[tuple]:
    with db.session_for(url) as session:
        return [
            (c.record_type, c.record_key, c.change, c.field, c.old_value, c.new_value)
            for c in session.scalars(select(RecordChange).order_by(RecordChange.id))
        ]


@pytest.fixture
def url(database_url: str) -> str:
    db.upgrade(database_url)
    return database_url


def test_inserts_updates_disappearances_and_returns_are_each_kept(url):
    first = write_page(url, [api_item(1, "О дорогах"), api_item(2, "О мостах")], FIRST)
    assert changes(url) == [
        ("deputy_requests", "1", "insert", None, None, None),
        ("deputy_requests", "2", "insert", None, None, None),
    ]
    # The same page again adds nothing.
    write_page(url, [api_item(1, "О дорогах"), api_item(2, "О мостах")], SECOND)
    assert len(changes(url)) == 2
    # The title corrected and the answer arrived; request 2 gone.
    second = write_page(
        url, [api_item(1, "О дорогах области", answer="2026-04-30")], THIRD
    )
    with db.session_for(url, write=True) as session:
        session.info[RUN_ID] = second
        assert mark_gone(session, [Scope("requests")], THIRD) == {"deputy_requests": 1}
    assert changes(url)[2:] == [
        ("deputy_requests", "1", "update", "answer_date", None, "2026-04-30"),
        (
            "deputy_requests",
            "1",
            "update",
            "answer_document_url",
            None,
            "https://mazhilis.parlam.kz/media/1-a.pdf",
        ),
        ("deputy_requests", "1", "update", "title", "О дорогах", "О дорогах области"),
        ("deputy_requests", "2", "gone", None, None, None),
    ]
    # Request 2 is back.
    write_page(url, [api_item(2, "О мостах")], THIRD + timedelta(days=1))
    assert changes(url)[-1] == ("deputy_requests", "2", "return", None, None, None)
    with db.session_for(url) as session:
        kept = session.scalars(select(RecordChange).order_by(RecordChange.id)).all()
        assert [kind_of(c) for c in kept] == [
            "new request",
            "new request",
            "answer arrived",
            "request changed",
            "request title corrected",
            "request gone",
            "request back",
        ]
        assert {c.run_id for c in kept[:2]} == {first}
        assert {c.run_id for c in kept[2:6]} == {second}
        assert kept[0].changed_at == FIRST and kept[2].changed_at == THIRD


def test_writes_outside_a_crawl_are_kept_without_a_run(url):
    write_page(url, [api_item(1, "О дорогах")], FIRST, run=False)
    with db.session_for(url) as session:
        assert session.scalars(select(RecordChange.run_id)).all() == [None]


def test_a_crawl_never_removes_a_change(url):
    write_page(url, [api_item(1, "О дорогах")], FIRST)
    write_page(url, [api_item(1, "О дорогах 2")], SECOND)
    before = changes(url)
    write_page(url, [api_item(1, "О дорогах")], THIRD)
    assert changes(url)[: len(before)] == before
    assert len(changes(url)) == len(before) + 1


def versions(url: str) -> dict:
    from cli.changes import stored_versions

    with db.session_for(url) as session:
        return stored_versions(session)


def test_history_is_rebuilt_once_from_the_stored_documents(url):
    write_page(url, [api_item(1, "О дорогах"), api_item(2, "О мостах")], FIRST)
    write_page(url, [api_item(1, "О дорогах области", answer="2026-04-30")], SECOND)
    with db.session_for(url, write=True) as session:
        mark_gone(session, [Scope("requests")], SECOND)
    crawled = changes(url)
    # As if crawled before changes were kept.
    with db.session_for(url, write=True) as session:
        session.execute(delete(RecordChange))
    with db.session_for(url, write=True) as session:
        added = rebuild(session, versions(url))
    assert added == len(crawled) == 6
    assert sorted(changes(url)) == sorted(crawled)
    with db.session_for(url) as session:
        times = dict(
            session.execute(
                select(RecordChange.field, RecordChange.changed_at).where(
                    RecordChange.change == "update"
                )
            ).all()
        )
        assert times["title"] == SECOND
        assert (
            session.scalar(
                select(RecordChange.changed_at).where(RecordChange.change == "insert")
            )
            == FIRST
        )
    with db.session_for(url, write=True) as session:
        assert rebuild(session, versions(url)) == 0


def test_a_rebuild_leaves_what_crawls_kept_and_adds_what_came_before(url):
    write_page(url, [api_item(1, "О дорогах")], FIRST)
    with db.session_for(url, write=True) as session:
        session.execute(delete(RecordChange))
    # Kept from here on: the answer.
    write_page(url, [api_item(1, "О дорогах", answer="2026-04-30")], SECOND)
    with db.session_for(url, write=True) as session:
        assert rebuild(session, versions(url)) == 1
    assert [c[2:4] for c in changes(url)] == [
        ("update", "answer_date"),
        ("update", "answer_document_url"),
        ("insert", None),
    ]


def environment(url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "MWATCH_TODAY": "2026-05-10"}


def test_mwatch_changes_lists_newest_first_with_the_overdue(sqlite_url):
    db.upgrade(sqlite_url)
    write_page(sqlite_url, [api_item(1, "О дорогах"), api_item(2, "О мостах")], FIRST)
    write_page(sqlite_url, [api_item(1, "О дорогах", answer="2026-04-30")], SECOND)
    result = mwatch("changes", "--json", env=environment(sqlite_url))
    assert result.code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    by_time = [(e["at"], e["kind"], e["record_key"]) for e in found]
    assert [at for at, _, _ in by_time] == sorted(
        (at for at, _, _ in by_time), reverse=True
    )
    assert sorted(by_time) == sorted(
        [
            (SECOND.isoformat(), "answer arrived", "1"),
            (SECOND.isoformat(), "request changed", "1"),
            (FIRST.isoformat(), "new request", "1"),
            (FIRST.isoformat(), "new request", "2"),
            # Request 2 (2026-04-01, no answer) was due on 2026-04-16.
            ("2026-04-17T00:00:00+00:00", "request overdue", "2"),
        ]
    )
    assert found[-1]["at"] == "2026-04-17T00:00:00+00:00"
    assert all(e["link"].startswith("https://mazhilis.parlam.kz/") for e in found)
    only = mwatch(
        "changes", "--json", "--kind", "answer arrived", env=environment(sqlite_url)
    )
    assert [json.loads(line)["kind"] for line in only.stdout.splitlines()] == [
        "answer arrived"
    ]
    later = mwatch(
        "changes", "--json", "--since", "2026-05-02", env=environment(sqlite_url)
    )
    assert len(later.stdout.splitlines()) == 2
    earlier = mwatch(
        "changes", "--json", "--until", "2026-04-30", env=environment(sqlite_url)
    )
    assert [json.loads(line)["kind"] for line in earlier.stdout.splitlines()] == [
        "request overdue"
    ]


def test_mwatch_changes_help_names_every_kind():
    result = mwatch("changes", "--help")
    assert result.code == 0
    for kind in KINDS:
        assert kind in result.stdout
    for kind in (
        "new request",
        "answer arrived",
        "request overdue",
        "new meeting",
        "post edited",
        "post gone",
        "deputy's mandate changed",
    ):
        assert kind in KINDS


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (("--kind", "votes"), "'votes' is not a kind"),
        (("--since", "2026-13-01"), "'2026-13-01' is not a date"),
        (("--since", "2026-05-02", "--until", "2026-05-01"), "--since 2026-05-02"),
        (("--deputy", "99999"), "--deputy 99999"),
    ],
)
def test_bad_input_exits_2_naming_it(sqlite_url, arguments, named):
    db.upgrade(sqlite_url)
    result = mwatch("changes", *arguments, env=environment(sqlite_url))
    assert result.code == 2, result.stdout + result.stderr
    assert named in result.stderr


def test_a_bad_answer_term_exits_2_naming_it(sqlite_url):
    db.upgrade(sqlite_url)
    result = mwatch(
        "changes", env=environment(sqlite_url) | {"MWATCH_ANSWER_DAYS": "15 lunar"}
    )
    assert result.code == 2
    assert "MWATCH_ANSWER_DAYS='15 lunar'" in result.stderr


def test_a_rebuild_by_command_adds_nothing_the_second_time(sqlite_url):
    db.upgrade(sqlite_url)
    write_page(sqlite_url, [api_item(1, "О дорогах")], FIRST)
    with db.session_for(sqlite_url, write=True) as session:
        session.execute(delete(RecordChange))
    first = mwatch("changes", "rebuild", env=environment(sqlite_url))
    assert first.code == 0, first.stderr
    assert "1 changes added" in first.stdout
    second = mwatch("changes", "rebuild", env=environment(sqlite_url))
    assert "0 changes added" in second.stdout
    with db.session_for(sqlite_url) as session:
        assert session.scalar(select(func.count()).select_from(RecordChange)) == 1
        assert session.scalar(select(func.count()).select_from(DeputyRequest)) == 1


def test_a_deputys_committee_changing_is_a_mandate_change_of_that_deputy(url, samples):
    from tests.test_storage import write_samples

    _, engine = write_samples(url, samples, FIRST)
    engine.dispose()
    committee = {"committee": {"name": "Қаржы және бюджет комитеті"}}
    _, engine = write_samples(url, samples, SECOND, kk_override=committee)
    engine.dispose()
    with db.session_for(url) as session:
        updates = session.scalars(
            select(RecordChange).where(RecordChange.change == "update")
        ).all()
        assert [(c.record_type, c.field, c.new_value) for c in updates] == [
            ("mandates", "committee_kk", "Қаржы және бюджет комитеті")
        ]
        assert kind_of(updates[0]) == "deputy's mandate changed"
    result = mwatch(
        "changes",
        "--json",
        *("--deputy", "56", "--kind", "deputy's mandate changed"),
        env=environment(url),
    )
    assert result.code == 0, result.stderr
    # The mandate's insert on the first crawl is a "new mandate"; its update:
    (found,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (found["change"], found["field"]) == ("update", "committee_kk")
    assert found["deputies"][0]["id"] == "person:mazhilis:56"
    assert found["link"] == "https://mazhilis.parlam.kz/ru/deputies/56"
    other = mwatch(
        "changes",
        "--json",
        *("--deputy", "71", "--kind", "deputy's mandate changed"),
        env=environment(url),
    )
    assert (other.code, other.stdout) == (0, "")
