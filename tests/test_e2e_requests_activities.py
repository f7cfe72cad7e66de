"""Requests and activities: the real crawler against the running replica, into
SQLite and PostgreSQL; nightly increments and session backfills."""

import copy
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import (
    Activity,
    CrawlRun,
    DeputyRequest,
    PublishedCount,
    RequestFile,
    RequestParticipant,
    SourceDocument,
)
from tests.databases import postgres_database
from tests.e2e import Result, mwatch, rows

pytestmark = pytest.mark.e2e
SOURCES = ("mazhilis-deputies", "mazhilis-requests", "mazhilis-activities")


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset()


@pytest.fixture(scope="module")
def replica():
    with ReplicaProcess() as running:
        yield running


def env(url, replica_url, **more):
    return {"DATABASE_URL": url, "MWATCH_MAZHILIS_URL": replica_url} | more


@dataclass
class FullCrawl:
    """A crawl of every Mazhilis source into a new database: what the command
    said and how many requests the replica served it."""

    url: str
    result: Result
    requests: int


def crawl_everything(url: str, replica: ReplicaProcess) -> FullCrawl:
    db.upgrade(url)
    replica.reset()
    result = mwatch("crawl", *SOURCES, env=env(url, replica.url))
    return FullCrawl(url, result, replica.stats()["requests"])


@pytest.fixture(scope="module")
def sqlite_crawl(replica, tmp_path_factory) -> FullCrawl:
    path = tmp_path_factory.mktemp("full") / "full.sqlite"
    return crawl_everything(f"sqlite:///{path}", replica)


@pytest.fixture(scope="module")
def postgresql_crawl(replica) -> Iterator[FullCrawl]:
    with postgres_database() as url:
        yield crawl_everything(url, replica)


@pytest.fixture(params=["sqlite", "postgresql"])
def full_crawl(request: pytest.FixtureRequest) -> FullCrawl:
    """The full crawl into each database, done once for the module's tests."""
    return request.getfixturevalue(f"{request.param}_crawl")


def last_runs(url, count):
    runs = rows(
        url,
        select(
            CrawlRun.source,
            CrawlRun.outcome,
            CrawlRun.items_inserted,
            CrawlRun.items_updated,
            CrawlRun.report,
        )
        .order_by(CrawlRun.id.desc())
        .limit(count),
    )
    return {
        source: (outcome, ins, upd, report)
        for source, outcome, ins, upd, report in runs
    }


def public(link: str) -> str:
    """A document link of the dataset as the crawler keeps it: on the site's
    public host, https."""
    return "https://mazhilis.parlam.kz" + link.removeprefix("http://mazhilis.parlam.kz")


def sitting_ids(dataset):
    return {d["kk"]["id"] for d in dataset["deputies"] if d["kk"]["is_active"]}


def expected_participants(requests):
    return {
        (r["id"], role, p["id"], p["full_name"].strip())
        for r in requests
        for field, role in (("initiators", "initiator"), ("signatories", "signatory"))
        for p in r[field]
    }


def stored_participants(url):
    return set(
        rows(
            url,
            select(
                DeputyRequest.mazhilis_id,
                RequestParticipant.role,
                RequestParticipant.source_deputy_id,
                RequestParticipant.name_as_given,
            ).join(RequestParticipant.request),
        )
    )


def expected_activities(dataset, since=None, until=None):
    sitting = sitting_ids(dataset)
    return {
        (a["id"], int(deputy), date.fromisoformat(a["date"]), a["title"])
        for deputy, items in dataset["activities"].items()
        if int(deputy) in sitting
        for a in items
        if (since is None or a["date"] >= since)
        and (until is None or a["date"] <= until)
    }


def stored_activities(url):
    return set(
        rows(
            url,
            select(
                Activity.mazhilis_id,
                Activity.source_deputy_id,
                Activity.activity_date,
                Activity.title,
            ),
        )
    )


def test_crawl_stores_every_request_and_activity_once(full_crawl, replica, dataset):
    database_url, result = full_crawl.url, full_crawl.result
    runs = last_runs(database_url, 3)
    assert runs["mazhilis-deputies"][0] == "success"
    assert runs["mazhilis-activities"][0] == "success", runs["mazhilis-activities"]
    # Missing and broken PDFs are recorded, not errors of the run.
    assert runs["mazhilis-requests"][0] == "success", runs["mazhilis-requests"]
    assert result.code == 0, result.stdout + result.stderr

    requests = dataset["requests"]
    stored = rows(
        database_url,
        select(
            DeputyRequest.mazhilis_id,
            DeputyRequest.number,
            DeputyRequest.request_date,
            DeputyRequest.answer_date,
        ),
    )
    assert len(stored) == len(requests) == len({r[0] for r in stored})
    assert set(stored) == {
        (
            r["id"],
            r["number"],
            date.fromisoformat(r["request_date"]),
            date.fromisoformat(r["answer"]["answer_date"]) if r["answer"] else None,
        )
        for r in requests
    }
    assert runs["mazhilis-requests"][3]["published_count"] == len(requests)
    assert stored_participants(database_url) == expected_participants(requests)

    statuses = dict(
        rows(
            database_url,
            select(RequestParticipant.link_status, func.count()).group_by(
                RequestParticipant.link_status
            ),
        )
    )
    # Those named without an id are matched by name (test_e2e_mentions.py).
    named = sum(1 for p in expected_participants(requests) if p[2] is None)
    by_name = ("matched", "review", "unlinked")
    assert sum(statuses.get(status, 0) for status in by_name) == named > 0

    # Every PDF is fetched from the replica by its path, none offsite, and kept
    # under its public link: absolute http:// links on the site's host
    # (percent-encoded Cyrillic names) and paths alike.
    files = {
        (url, status): text
        for url, status, text in rows(
            database_url, select(RequestFile.url, RequestFile.status, RequestFile.text)
        )
    }
    faults = {
        public(link): doc["fault"]
        for link, doc in dataset["documents"].items()
        if doc["fault"]
    }
    by_url = {url: status for url, status in files}
    assert len(by_url) == sum(
        1 + (r["answer"] is not None) for r in requests if r["document_url"]
    )
    assert all(url.startswith("https://mazhilis.parlam.kz/media/") for url in by_url)
    assert "offsite" not in by_url.values()
    for url, fault in faults.items():
        assert by_url[url] == fault, url
    ok = [(url, text) for (url, status), text in files.items() if status == "ok"]
    assert len(ok) == len(by_url) - len(faults)
    encoded = [url for url, _ in ok if "%D0%94" in url]
    assert len(encoded) > 100  # "Депутатский запрос №...", encoded once
    titles = {public(r["document_url"]): r["title"] for r in requests}
    for url, text in ok:
        if url in titles:
            assert titles[url][:30] in " ".join(text.split()), url
    links = dict(
        rows(
            database_url, select(DeputyRequest.mazhilis_id, DeputyRequest.document_url)
        )
    )
    assert links == {r["id"]: public(r["document_url"]) for r in requests}

    assert stored_activities(database_url) == expected_activities(dataset)


def nightly(url, replica_url):
    return mwatch(
        "crawl", "mazhilis-requests", "mazhilis-activities", env=env(url, replica_url)
    )


def test_nightly_increment_fetches_only_what_is_new(
    sqlite_crawl, replica, dataset, tmp_path
):
    assert sqlite_crawl.result.code == 0
    full = sqlite_crawl.requests
    # A copy of the full crawl's database, which the nightly runs then grow.
    path = tmp_path / "nightly.sqlite"
    shutil.copy(sqlite_crawl.url.removeprefix("sqlite:///"), path)
    sqlite_url = f"sqlite:///{path}"
    replica.reset()
    assert nightly(sqlite_url, replica.url).code == 0
    unchanged = replica.stats()["requests"]
    deputies = len(sitting_ids(dataset))
    print(f"full crawl: {full} requests; nightly over unchanged data: {unchanged}")
    # One page of requests, one page of activities per deputy, the deputies list
    # and robots.txt: no PDF, no second page.
    assert unchanged <= deputies + 4
    assert unchanged < full / 5

    grown = copy.deepcopy(dataset)
    newest = max(grown["requests"], key=lambda r: (r["request_date"], r["id"]))
    added = []
    for offset in (1, 2):
        request = copy.deepcopy(newest) | {
            "id": newest["id"] + 1000 + offset,
            "number": f"ДЗ-8-4-9{offset:02d}",
            "request_date": "2026-07-01",
            "title": f"О новом запросе номер {offset}",
            "document_url": f"/media/requests/{newest['id'] + 1000 + offset}.pdf",
            "answer": None,
        }
        grown["requests"].append(request)
        grown["documents"][request["document_url"]] = {"fault": None}
        added.append(request["id"])
    deputy = str(next(iter(sorted(sitting_ids(dataset)))))
    activity = {
        "id": 999001,
        "date": "2026-07-03",
        "title": "Встреча с избирателями в новом сезоне",
        "text": "Депутат встретился с жителями.",
        "place": "Астана",
        "url": f"/ru/deputies/{deputy}/activities/999001",
    }
    grown["activities"].setdefault(deputy, []).append(activity)
    path = tmp_path / "grown.json"
    dump_dataset(grown, path)
    with ReplicaProcess(dataset=path) as after:
        result = nightly(sqlite_url, after.url)
        by_path = after.stats()["by_path"]
    assert result.code == 0, result.stdout + result.stderr
    pdfs = sorted(p for p in by_path if p.startswith("/media/"))
    assert pdfs == sorted(f"/media/requests/{i}.pdf" for i in added)
    request_pages = [p for p in by_path if p.startswith("/api/core/deputy-requests")]
    assert len(request_pages) <= 2
    runs = last_runs(sqlite_url, 2)
    tables = runs["mazhilis-requests"][3]["tables"]
    assert tables["deputy_requests"]["inserted"] == 2
    assert tables["deputy_requests"]["updated"] == 0
    assert tables["request_files"]["inserted"] == 2
    activities = runs["mazhilis-activities"][3]["tables"]["activities"]
    assert (activities["inserted"], activities["updated"]) == (1, 0)
    stored = {r[0] for r in rows(sqlite_url, select(DeputyRequest.mazhilis_id))}
    assert set(added) <= stored
    assert 999001 in {a[0] for a in stored_activities(sqlite_url)}


def test_backfill_of_one_session_stores_exactly_that_session(
    database_url, replica, dataset
):
    db.upgrade(database_url)
    environment = env(database_url, replica.url)
    assert mwatch("crawl", "mazhilis-deputies", env=environment).code == 0
    args = ("backfill", "--convocation", "8", "--session", "2")
    args += ("mazhilis-requests", "mazhilis-activities")  # not the social ones
    result = mwatch(*args, env=environment)
    assert result.code == 0, result.stdout + result.stderr

    session = next(
        s
        for c in dataset["convocations"]
        if c["number"] == 8
        for s in c["sessions"]
        if s["number"] == 2
    )
    in_session = [r for r in dataset["requests"] if r["session_id"] == session["id"]]
    assert in_session
    stored = {r[0] for r in rows(database_url, select(DeputyRequest.mazhilis_id))}
    assert stored == {r["id"] for r in in_session}
    assert stored_participants(database_url) == expected_participants(in_session)
    window = expected_activities(dataset, session["start_date"], session["end_date"])
    assert window
    assert stored_activities(database_url) == window

    again = mwatch(*args, env=environment)
    assert again.code == 0
    runs = last_runs(database_url, 2)
    assert runs["mazhilis-requests"][1:3] == (0, 0)
    assert runs["mazhilis-activities"][1:3] == (0, 0)


def test_activities_through_the_browser_when_the_api_refuses(
    sqlite_url, dataset, tmp_path
):
    small = copy.deepcopy(dataset)
    keep = sorted(sitting_ids(dataset))[:6]
    small["deputies"] = [d for d in small["deputies"] if d["kk"]["id"] in keep]
    small["activities"] = {
        k: v for k, v in small["activities"].items() if int(k) in keep
    }
    small["activities_api"] = "browser-only"
    small["requests"], small["documents"], small["count_errors"] = [], {}, {}
    path = tmp_path / "browser-only.json"
    dump_dataset(small, path)
    db.upgrade(sqlite_url)
    with ReplicaProcess(dataset=path) as browser_only:
        result = mwatch(
            "crawl", "mazhilis-activities", env=env(sqlite_url, browser_only.url)
        )
    assert result.code == 0, result.stdout + result.stderr
    assert stored_activities(sqlite_url) == expected_activities(small)
    via = set(rows(sqlite_url, select(Activity.fetched_via).distinct()))
    assert via == {("page",)}


def test_backfill_between_two_dates_and_for_one_deputy(sqlite_url, replica, dataset):
    db.upgrade(sqlite_url)
    environment = env(sqlite_url, replica.url)
    summer = ("--since", "2024-07-01", "--until", "2024-08-31")
    result = mwatch("backfill", *summer, "mazhilis-activities", env=environment)
    assert result.code == 0, result.stdout + result.stderr
    expected = expected_activities(dataset, "2024-07-01", "2024-08-31")
    assert expected
    assert stored_activities(sqlite_url) == expected

    result = mwatch("backfill", "--deputy", "71", "mazhilis-requests", env=environment)
    assert result.code == 0, result.stdout + result.stderr
    signed = {
        r["id"]
        for r in dataset["requests"]
        if 71 in {p["id"] for p in r["initiators"] + r["signatories"]}
    }
    assert len(signed) > 3
    stored = {r[0] for r in rows(sqlite_url, select(DeputyRequest.mazhilis_id))}
    assert stored == signed


def test_a_page_the_database_refuses_costs_that_page_alone(
    sqlite_url, replica, dataset
):
    """Pages are written in groups; when the database refuses one of them (here a
    trigger, as a constraint would), the other pages of its group are stored and
    the refused page is neither half stored nor lost silently."""
    db.upgrade(sqlite_url)
    sitting = sitting_ids(dataset)
    deputy, activities = next(
        (int(d), a)
        for d, a in sorted(dataset["activities"].items())
        if int(d) in sitting and a
    )
    engine = db.make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON activities "
            f"WHEN NEW.mazhilis_id = {activities[0]['id']} "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    engine.dispose()

    result = mwatch("crawl", "mazhilis-activities", env=env(sqlite_url, replica.url))

    assert result.code == 1, result.stdout + result.stderr
    # A deputy's activities are one page (at most 40 of 100).
    expected = {a for a in expected_activities(dataset) if a[1] != deputy}
    assert len(expected) > 500
    assert stored_activities(sqlite_url) == expected
    [(outcome, errors, report)] = rows(
        sqlite_url, select(CrawlRun.outcome, CrawlRun.errors, CrawlRun.report)
    )
    assert (outcome, errors) == ("partial", 1)
    assert any("could not store Page" in e for e in report["errors_logged"])
    # Nothing of the refused page: neither its raw document nor its total.
    urls = [url for (url,) in rows(sqlite_url, select(SourceDocument.url))]
    assert not [url for url in urls if f"/deputies/{deputy}/activities" in url]
    assert len([url for url in urls if "/activities" in url]) == len(sitting) - 1
    scopes = [scope for (scope,) in rows(sqlite_url, select(PublishedCount.scope))]
    assert len(scopes) == len(sitting) - 1
    assert f"deputy:{deputy}" not in scopes


def test_participants_stored_before_their_deputy_are_linked_later(
    sqlite_url, replica, dataset
):
    db.upgrade(sqlite_url)
    environment = env(sqlite_url, replica.url)
    args = ("backfill", "--convocation", "8", "--session", "1", "mazhilis-requests")
    assert mwatch(*args, env=environment).code == 0

    def statuses():
        query = select(RequestParticipant.link_status, func.count()).group_by(
            RequestParticipant.link_status
        )
        return dict(rows(sqlite_url, query))

    before = statuses()
    assert set(before) <= {"unknown_deputy", "unlinked"}
    assert before["unknown_deputy"] > 0
    assert mwatch("crawl", "mazhilis-deputies", env=environment).code == 0
    after = statuses()
    sitting = sitting_ids(dataset)
    participants = rows(sqlite_url, select(RequestParticipant.source_deputy_id))
    assert after["linked"] == sum(1 for (i,) in participants if i in sitting)
    by_name = ("matched", "review", "unlinked")
    assert sum(after.get(s, 0) for s in by_name) == before.get("unlinked", 0)
