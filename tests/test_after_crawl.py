"""The steps after a crawl (storage/after_crawl.py), each run alone on SQLite and
PostgreSQL over records written by the storage writers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from records import ActivityItem, RequestItem, Scope, item_hash
from storage import db
from storage.after_crawl import (
    Closing,
    GateLimits,
    after_crawl,
    gate_alerts,
    mark_gone,
    scope_conditions,
    tag_topics,
)
from storage.models import Activity, CrawlRun, DeputyRequest, TopicTag
from storage.runs import close_run, open_run
from storage.upsert import Counts
from storage.writers import Writer

FIRST = datetime(2026, 11, 1, 3, tzinfo=UTC)
SECOND = FIRST + timedelta(days=1)
LIMITS = GateLimits(max_count_drop=0.5, silence_factor=3.0, silence_min_days=14)


def request(mazhilis_id: int, day: date, session: int = 7) -> RequestItem:
    return RequestItem(
        mazhilis_id=mazhilis_id,
        number=str(mazhilis_id),
        request_date=day,
        title=f"Запрос {mazhilis_id}",
        addressee=None,
        source_convocation_id=None,
        source_session_id=session,
        document_url=None,
        answer_date=None,
        answer_document_url=None,
        participants=[],
        item_hash=item_hash(mazhilis_id),
    )


def activity(mazhilis_id: int, deputy: int, day: date) -> ActivityItem:
    return ActivityItem(
        mazhilis_id=mazhilis_id,
        source_deputy_id=deputy,
        activity_date=day,
        title=f"Встреча {mazhilis_id}",
        text=None,
        place=None,
        url=None,
        fetched_via="api",
        item_hash=item_hash(mazhilis_id),
    )


def write(url: str, items: list, now: datetime) -> None:
    with db.session_for(url, write=True) as session:
        Writer(session, Counts(), {}).write_all(items, now)


def gone(url: str, model) -> set[int]:  # noqa: ANN001
    with db.session_for(url) as session:
        return set(
            session.scalars(
                select(model.mazhilis_id).where(model.no_longer_seen_at.is_not(None))
            )
        )


@pytest.fixture
def url(database_url: str) -> str:
    db.upgrade(database_url)
    write(
        database_url,
        [
            request(1, date(2026, 9, 10)),
            request(2, date(2026, 10, 5)),
            request(3, date(2026, 10, 20), session=8),
            activity(11, 71, date(2026, 10, 5)),
            activity(12, 56, date(2026, 10, 5)),
        ],
        FIRST,
    )
    return database_url


def test_a_window_that_was_read_whole_marks_only_its_unseen_records_gone(url):
    # The second run sees request 2 again, and not 1 (before its window) nor 3.
    write(url, [request(2, date(2026, 10, 5))], SECOND)
    scope = Scope("requests", since=date(2026, 10, 1), until=date(2026, 10, 31))
    with db.session_for(url, write=True) as session:
        marked = mark_gone(session, [scope], SECOND)
    assert marked == {"deputy_requests": 1}
    assert gone(url, DeputyRequest) == {3}


def test_a_session_scope_leaves_other_sessions_alone(url):
    with db.session_for(url, write=True) as session:
        mark_gone(session, [Scope("requests", session=7)], SECOND)
    assert gone(url, DeputyRequest) == {1, 2}


def test_activities_are_gone_only_for_the_deputies_whose_pages_were_read(url):
    scope = Scope("activities", deputies=frozenset({71}))
    with db.session_for(url, write=True) as session:
        mark_gone(session, [scope], SECOND)
    assert gone(url, Activity) == {11}


def test_a_scope_of_unknown_records_is_an_error_naming_them():
    with pytest.raises(ValueError, match="'votes'"):
        scope_conditions(Scope("votes"))


def closing(outcome: str, started_at: datetime, **changes) -> Closing:  # noqa: ANN003
    values = {
        "source": "mazhilis-requests",
        "outcome": outcome,
        "started_at": started_at,
        "today": date(2026, 11, 2),
        "limits": LIMITS,
        "topics_file": "topics/topics.toml",
        "complete": [Scope("requests")],
    }
    return Closing(**(values | changes))


@pytest.mark.parametrize("outcome", ["failed", "interrupted"])
def test_a_run_that_failed_or_was_stopped_proves_nothing(url, outcome):
    with db.session_for(url, write=True) as session:
        run = open_run(session, "mazhilis-requests", "backfill")
        close_run(run, "success", None, 10, 0, Counts(), {"total": 400})
    with db.session_for(url, write=True) as session:
        done = after_crawl(session, closing(outcome, SECOND, total=1))
    assert done["no_longer_seen"] == {}
    # Its total of 1 against 400 before is no drop: a half-read is no count.
    assert done["alerts"] == []
    assert gone(url, DeputyRequest) == set()


def test_a_successful_run_marks_gone_and_tags_what_it_wrote(url):
    write(url, [request(2, date(2026, 10, 5))], SECOND)
    with db.session_for(url, write=True) as session:
        done = after_crawl(session, closing("success", SECOND))
    assert done["no_longer_seen"] == {"deputy_requests": 2}
    assert done["alerts"] == []
    assert "error" not in done["topics"]


def test_a_topics_file_that_cannot_be_read_is_reported_and_fails_nothing(url, tmp_path):
    broken = tmp_path / "topics.toml"
    broken.write_text("[[topic", encoding="utf-8")
    with db.session_for(url, write=True) as session:
        done = after_crawl(session, closing("success", SECOND, topics_file=broken))
    assert str(broken) in done["topics"]["error"]
    assert done["no_longer_seen"] == {"deputy_requests": 3}


def test_a_total_that_fell_by_more_than_the_limit_raises_an_alert(url):
    with db.session_for(url, write=True) as session:
        run = open_run(session, "mazhilis-requests", "backfill")
        close_run(run, "success", None, 10, 0, Counts(), {"total": 400})
    with db.session_for(url, write=True) as session:
        alerts = gate_alerts(session, closing("success", SECOND, total=100))
        assert any("400" in alert and "100" in alert for alert in alerts), alerts
        # A worker's total is its share of the source's: not compared.
        assert (
            gate_alerts(
                session, closing("success", SECOND, total=100, compare_total=False)
            )
            == []
        )


def test_a_run_opened_and_closed_keeps_what_it_wrote(url):
    counts = Counts()
    counts.add("deputy_requests", 2, 1, 0)
    with db.session_for(url, write=True) as session:
        run_id = open_run(session, "mazhilis-requests", "nightly").id
    with db.session_for(url, write=True) as session:
        run = session.get(CrawlRun, run_id)
        close_run(run, "partial", "2 pages failed", 40, 2, counts, {"warnings": []})
    with db.session_for(url) as session:
        run = session.get(CrawlRun, run_id)
        assert (run.outcome, run.pages, run.errors) == ("partial", 40, 2)
        assert (run.items_inserted, run.items_updated) == (2, 1)
        assert run.report["tables"] == {
            "deputy_requests": {"inserted": 2, "updated": 1, "unchanged": 0}
        }


def test_two_crawls_tagging_the_same_records_at_once_both_succeed(postgres_url):
    """Distributed workers end together and tag the same records: the one whose
    inserts wait on the other's tags tags again instead of failing."""
    import threading

    db.upgrade(postgres_url)
    write(
        postgres_url,
        [
            request(7, date(2026, 10, 5)),
            RequestItem(
                **(
                    vars(request(8, date(2026, 10, 6)))
                    | {"title": "О пенсионном обеспечении и пенсиях"}
                )
            ),
        ],
        FIRST,
    )
    first = db.session_for(postgres_url, write=True)
    session = first.__enter__()
    tagged = tag_topics(session, FIRST - timedelta(days=1), "topics/topics.toml")
    assert "error" not in tagged and tagged, tagged
    second: dict = {}

    def tag_beside() -> None:
        try:
            with db.session_for(postgres_url, write=True) as other:
                second["report"] = tag_topics(
                    other, FIRST - timedelta(days=1), "topics/topics.toml"
                )
        except Exception as exc:  # noqa: BLE001 - the test reports it
            second["error"] = exc

    beside = threading.Thread(target=tag_beside)
    beside.start()
    # The other waits on this transaction's uncommitted tags until it ends.
    beside.join(timeout=2)
    first.__exit__(None, None, None)
    beside.join(timeout=120)
    assert not beside.is_alive()
    assert "error" not in second, second.get("error")
    with db.session_for(postgres_url) as check:
        assert check.scalar(select(func.count(TopicTag.id))) >= 1
