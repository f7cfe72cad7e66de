"""The gates of a nightly job nobody watches: each is shown failing.

A layout that changed (fields renamed, lists empty) fails the run and stores
nothing over what was stored; a sharp drop in what a source lists, or a silence
longer than its rhythm, is an alert that makes `mwatch crawl` exit 1."""

import copy
import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import (
    Activity,
    CrawlRun,
    Deputy,
    DeputyRequest,
    PublishedCount,
    RequestFile,
)
from tests.e2e import mwatch, replica_today, rows
from tests.test_e2e_telegram import crawl_telegram, few_channels

pytestmark = pytest.mark.e2e
SOURCES = ("mazhilis-deputies", "mazhilis-requests", "mazhilis-activities")


# What a failed run must leave as it was, published totals included: a broken
# read of a list is no total (`{'ids': []}`, 498 requests read as 0).
STORED = (Deputy, DeputyRequest, RequestFile, Activity, PublishedCount)


def snapshot(url):
    """Every stored record of the three sources, with its values."""
    return [
        sorted(map(tuple, rows(url, select(*model.__table__.c))), key=repr)
        for model in STORED
    ]


def without_times(tables):
    """The snapshot without the columns a crawl may move (seen and fetch times)."""
    names = [[c.name for c in model.__table__.c] for model in STORED]
    skipped = {"last_seen_at", "source_document_id"}
    return [
        [
            tuple(
                v for v, name in zip(row, columns, strict=True) if name not in skipped
            )
            for row in table
        ]
        for table, columns in zip(tables, names, strict=True)
    ]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A database holding one successful crawl of the default dataset."""
    path = tmp_path_factory.mktemp("gates") / "crawled.sqlite"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": url, "MWATCH_MAZHILIS_URL": replica.url}
        result = mwatch("crawl", *SOURCES, env=environment)
    assert result.code == 0, result.stdout + result.stderr
    return path


@pytest.fixture
def database(crawled, tmp_path):
    copy_path = tmp_path / "db.sqlite"
    shutil.copy(crawled, copy_path)
    return f"sqlite:///{copy_path}"


def last_run(url, source):
    return rows(
        url,
        select(CrawlRun.outcome, CrawlRun.message, CrawlRun.report)
        .where(CrawlRun.source == source)
        .order_by(CrawlRun.id.desc())
        .limit(1),
    )[0]


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            "renamed-fields",
            {
                "mazhilis-deputies": "deputies-kk: 98 of 98 records lack expected "
                "fields (more than 10%); missing last_name",
                "mazhilis-requests": "requests-list: ",
                "mazhilis-activities": "activities-api: ",
            },
        ),
        (
            "empty-lists",
            {
                "mazhilis-deputies": "convocations: the list is empty",
                "mazhilis-requests": "requests-list: its 1 pages yielded no record",
                "mazhilis-activities": "no deputies listed",
            },
        ),
    ],
)
def test_a_changed_layout_fails_the_run_and_keeps_what_was_stored(
    database, profile, expected
):
    before = snapshot(database)
    with ReplicaProcess(faults=profile) as changed:
        environment = {"DATABASE_URL": database, "MWATCH_MAZHILIS_URL": changed.url}
        result = mwatch("crawl", *SOURCES, env=environment)
    assert result.code == 1
    for source, message in expected.items():
        outcome, text, report = last_run(database, source)
        print(f"{profile} {source}: {outcome}: {text}")
        assert outcome == "failed", source
        assert message in text, source
        # An empty list lacks no field: no "missing ; e.g. " with both parts empty.
        assert "missing ;" not in text and not text.endswith("e.g. "), text
    _, requests_message, report = last_run(database, "mazhilis-requests")
    if profile == "renamed-fields":
        [layout] = report["layout"]
        # The first page (100 requests) shows it; the crawl reads no further.
        assert layout["fields_missing"] == {"title": 100}
        assert "/api/core/deputy-requests" in layout["example_urls"][0]
        assert "title" in requests_message
    assert without_times(snapshot(database)) == without_times(before)
    assert "failed" in mwatch("status", env={"DATABASE_URL": database}).stdout


def test_a_sharp_drop_in_what_a_source_lists_is_an_alert(database, tmp_path):
    dataset = generate_dataset()
    shrunk = copy.deepcopy(dataset)
    shrunk["requests"] = shrunk["requests"][: len(dataset["requests"]) // 3]
    kept = {
        url
        for r in shrunk["requests"]
        for url in (r["document_url"], (r["answer"] or {}).get("document_url"))
    }
    shrunk["documents"] = {u: d for u, d in shrunk["documents"].items() if u in kept}
    path = tmp_path / "shrunk.json"
    dump_dataset(shrunk, path)
    with ReplicaProcess(dataset=path) as replica:
        environment = {"DATABASE_URL": database, "MWATCH_MAZHILIS_URL": replica.url}
        result = mwatch("crawl", "mazhilis-requests", env=environment)
    assert result.code == 1
    outcome, _, report = last_run(database, "mazhilis-requests")
    assert outcome == "success"
    [alert] = report["alerts"]
    assert f"lists {len(shrunk['requests'])} records, 498 at its last" in alert
    assert "ALERT" in mwatch("status", env={"DATABASE_URL": database}).stdout


def test_a_source_silent_longer_than_its_rhythm_is_an_alert(database):
    with ReplicaProcess() as replica:
        environment = {
            "DATABASE_URL": database,
            "MWATCH_MAZHILIS_URL": replica.url,
            "MWATCH_TODAY": "2027-06-01",
        }
        result = mwatch(
            "crawl", "mazhilis-requests", "mazhilis-activities", env=environment
        )
    assert result.code == 1
    for source in ("mazhilis-requests", "mazhilis-activities"):
        outcome, _, report = last_run(database, source)
        assert outcome == "success"
        [alert] = report["alerts"]
        assert f"{source} has been silent for" in alert
    status = mwatch("status", env={"DATABASE_URL": database}).stdout
    assert "ALERT: mazhilis-requests has been silent" in status


def test_no_alert_when_nothing_changed(database):
    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": database, "MWATCH_MAZHILIS_URL": replica.url}
        result = mwatch("crawl", *SOURCES, env=environment)
    assert result.code == 0, result.stdout
    for source in SOURCES:
        assert last_run(database, source)[2]["alerts"] == []


def test_a_channel_page_type_where_most_posts_are_unreadable_fails_the_run(
    sqlite_url, tmp_path
):
    # One odd post costs itself (tests/test_e2e_telegram.py); most posts of every
    # channel odd is a changed layout, and the run fails.
    dataset = few_channels(2)
    posts = [p for account in dataset["telegram"].values() for p in account["posts"]]
    odd = 0
    for i, post in enumerate(posts):
        if not post["service"] and i % 3:
            post["markup"] = "no-datetime"
            odd += 1

    result, (outcome, message, report) = crawl_telegram(dataset, sqlite_url, tmp_path)

    assert result.code == 1
    assert outcome == "failed"
    assert f"channel-page: {odd} of {len(posts)} records could not be read" in message
    assert report["unreadable"]["count"] == odd
    [layout] = report["layout"]
    assert layout["page_type"] == "channel-page"
    status = mwatch("status", env={"DATABASE_URL": sqlite_url}).stdout
    assert "failed" in status and f"unreadable records: {odd} " in status


def test_a_run_whose_request_pdfs_cannot_be_read_is_an_alert(tmp_path):
    """Every PDF an HTML error page or missing: stored as such, and an alert that
    makes the crawl exit 1 instead of a silent success."""
    dataset = generate_dataset()
    newest = sorted(dataset["requests"], key=lambda r: r["request_date"])
    dataset["requests"] = newest[-40:]
    linked = {
        url
        for r in dataset["requests"]
        for url in (r["document_url"], (r["answer"] or {}).get("document_url"))
        if url
    }
    dataset["documents"] = {
        url: {"fault": "missing" if n % 4 == 0 else "broken"}
        for n, url in enumerate(sorted(linked))
    }
    path = tmp_path / "broken.json"
    dump_dataset(dataset, path)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    db.upgrade(url)
    with ReplicaProcess(dataset=path) as replica:
        environment = {"DATABASE_URL": url, "MWATCH_MAZHILIS_URL": replica.url}
        result = mwatch("crawl", "mazhilis-requests", env=environment)
    assert result.code == 1, result.stdout + result.stderr
    _, _, report = last_run(url, "mazhilis-requests")
    assert len(report["alerts"]) == 1, report["alerts"]
    [alert] = report["alerts"]
    assert f"read 0 of the {len(linked)} request PDFs it fetched" in alert
    assert "broken" in alert and "missing" in alert
    assert "ALERT" in mwatch("status", env={"DATABASE_URL": url}).stdout


def test_a_first_social_crawl_whose_window_holds_no_post_is_an_alert(tmp_path):
    """Posts all older than the history a first crawl reads: 0 stored, and an
    alert naming the setting to raise, not "success"."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    later = date.fromisoformat(replica_today()) + timedelta(days=3 * 365)
    result, (outcome, _, report) = crawl_telegram(
        few_channels(3), url, tmp_path, env={"MWATCH_TODAY": later.isoformat()}
    )
    assert result.code == 1, result.stdout + result.stderr
    [alert] = report["alerts"]
    assert "telegram: 3 accounts read, and no post of theirs is stored" in alert
    assert "MWATCH_TELEGRAM_HISTORY_DAYS" in alert
    # With the history reaching the posts, the same crawl is a quiet success.
    again, (outcome, _, report) = crawl_telegram(
        few_channels(3), f"sqlite:///{tmp_path / 'again.sqlite'}", tmp_path
    )
    assert again.code == 0 and report["alerts"] == [], again.stderr
