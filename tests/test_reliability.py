"""Nothing lost: records that vanish are marked, never deleted; a crawl killed in
the middle ends, when run again, with exactly what a clean run stores."""

import copy
import os
import signal
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

import settings
from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import (
    Base,
    CrawlRun,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    RequestFile,
    RequestParticipant,
    SocialAccount,
    SourceDocument,
)
from tests.e2e import mwatch, replica_today, rows

pytestmark = pytest.mark.e2e


def test_a_deputy_gone_from_the_list_is_marked_not_deleted(sqlite_url, tmp_path):
    dataset = generate_dataset()
    db.upgrade(sqlite_url)
    leaving = next(d for d in dataset["deputies"] if d["kk"]["id"] == 71)
    without = copy.deepcopy(dataset)
    # Listed nowhere, not even by-alphabet (which keeps the former deputies).
    without["deputies"] = [d for d in without["deputies"] if d["kk"]["id"] != 71]
    without["requests"], without["documents"], without["activities"] = [], {}, {}
    without["count_errors"] = {}
    path = tmp_path / "without-71.json"
    dump_dataset(without, path)

    def crawl(replica):
        environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
        return mwatch("crawl", "mazhilis-deputies", env=environment)

    def gone(model, condition):
        return rows(sqlite_url, select(model.no_longer_seen_at).where(condition))

    with ReplicaProcess() as full:
        assert crawl(full).code == 0
    with ReplicaProcess(dataset=path) as fewer:
        assert crawl(fewer).code == 0
    deputy = rows(sqlite_url, select(Deputy.id).where(Deputy.mazhilis_id == 71))
    assert len(deputy) == 1, "the deputy is kept"
    deputy_id = deputy[0][0]
    assert gone(Deputy, Deputy.id == deputy_id)[0][0] is not None
    assert all(
        r[0] is not None for r in gone(DeputyName, DeputyName.deputy_id == deputy_id)
    )
    assert gone(Mandate, Mandate.deputy_id == deputy_id)[0][0] is not None
    accounts = gone(SocialAccount, SocialAccount.deputy_id == deputy_id)
    assert accounts and all(r[0] is not None for r in accounts)
    others = gone(Deputy, Deputy.id != deputy_id)
    assert len(others) == 97 + 6 and all(r[0] is None for r in others)
    assert leaving["kk"]["last_name"] == "ҚҰСПАН"

    with ReplicaProcess() as back:
        assert crawl(back).code == 0
    assert gone(Deputy, Deputy.id == deputy_id)[0][0] is None
    [report] = rows(
        sqlite_url, select(CrawlRun.report).order_by(CrawlRun.id.desc()).limit(1)
    )
    assert report[0]["tables"]["deputies"]["updated"] == 1


def snapshot(url):
    """What a crawl of requests stores, without ids and times."""
    return {
        "requests": set(
            rows(url, select(DeputyRequest.mazhilis_id, DeputyRequest.item_hash))
        ),
        "participants": set(
            rows(
                url,
                select(
                    DeputyRequest.mazhilis_id,
                    RequestParticipant.role,
                    RequestParticipant.name_as_given,
                    RequestParticipant.link_status,
                ).join(RequestParticipant.request),
            )
        ),
        "files": set(
            rows(
                url,
                select(
                    DeputyRequest.mazhilis_id,
                    RequestFile.kind,
                    RequestFile.status,
                    RequestFile.content_hash,
                    RequestFile.text,
                ).join(RequestFile.request),
            )
        ),
    }


def test_a_crawl_killed_in_the_middle_ends_as_a_clean_one(tmp_path):
    clean_url = f"sqlite:///{tmp_path / 'clean.sqlite'}"
    killed_url = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    db.upgrade(clean_url)
    db.upgrade(killed_url)
    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": clean_url, "MWATCH_MAZHILIS_URL": replica.url}
        assert mwatch("crawl", "mazhilis-requests", env=environment).code == 0
    clean = snapshot(clean_url)
    assert len(clean["requests"]) > 400

    with ReplicaProcess(faults="slow") as slow:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "crawl", "mazhilis-requests"],
            env={
                **os.environ,
                "DATABASE_URL": killed_url,
                "MWATCH_MAZHILIS_URL": slow.url,
            },
            cwd=settings.PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
            stored = rows(killed_url, select(RequestFile.id))
            if len(stored) > 50:
                break
        process.send_signal(signal.SIGKILL)
        process.wait()
    partial = snapshot(killed_url)
    assert 0 < len(partial["files"]) < len(clean["files"]), "killed in the middle"
    status = mwatch("status", env={"DATABASE_URL": killed_url})
    assert "killed" in status.stdout
    # The killed run shows what it fetched and wrote, not "pages 0, inserted 0".
    [(pages, inserted)] = rows(
        killed_url, select(CrawlRun.pages, CrawlRun.items_inserted)
    )
    assert pages > 0 and inserted >= len(partial["files"]), (pages, inserted)

    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": killed_url, "MWATCH_MAZHILIS_URL": replica.url}
        again = mwatch("crawl", "--resume", env=environment)
        assert again.code == 0, again.stdout + again.stderr
        assert "resuming mazhilis-requests" in again.stdout
        nothing_left = mwatch("crawl", "--resume", env=environment)
    assert "nothing to resume" in nothing_left.stdout
    assert snapshot(killed_url) == clean
    outcomes = [o for (o,) in rows(killed_url, select(CrawlRun.outcome))]
    assert outcomes == ["killed", "success"]


# A crawl of three sources, the second the slow one on the slow replica.
THREE_SOURCES = ("mazhilis-deputies", "mazhilis-requests", "amanat")


def replica_env(replica, url, lock):
    """The environment crawling `replica` into `url`, with a crawl lock (and the
    crawl command kept beside it) of the test's own."""
    return {
        "DATABASE_URL": url,
        "MWATCH_MAZHILIS_URL": replica.url,
        "MWATCH_AMANAT_URL": replica.urls["amanat"],
        "MWATCH_LOCK_FILE": str(lock),
    }


def stored(url):
    """How many rows each table holds, but the runs and their change rows, and
    the raw documents by their path (each replica has a port of its own)."""
    counts = {}
    with db.session_for(url) as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in ("crawl_runs", "record_changes", "source_documents"):
                counts[table.name] = session.scalar(
                    select(func.count()).select_from(table)
                )
    documents = rows(
        url,
        select(SourceDocument.url, SourceDocument.variant, SourceDocument.content_hash),
    )
    paths = {(urlsplit(u)._replace(netloc="").geturl(), v, h) for u, v, h in documents}
    return counts, paths


@pytest.fixture(scope="module")
def clean_three(tmp_path_factory):
    """What a clean crawl of THREE_SOURCES stores."""
    folder = tmp_path_factory.mktemp("clean")
    url = f"sqlite:///{folder / 'clean.sqlite'}"
    db.upgrade(url)
    with ReplicaProcess() as replica:
        environment = replica_env(replica, url, folder / "crawl.lock")
        result = mwatch("crawl", *THREE_SOURCES, env=environment)
    assert result.code == 0, result.stdout + result.stderr
    counts, _ = stored(url)
    assert counts["deputy_requests"] > 400 and counts["party_news"] > 0, counts
    return stored(url), snapshot(url)


def resumed(url, lock, *expected):
    """`mwatch crawl --resume` against the replica: it resumes `expected`, exits
    0, and a second resume finds nothing left."""
    with ReplicaProcess() as replica:
        environment = replica_env(replica, url, lock)
        again = mwatch("crawl", "--resume", env=environment)
        assert again.code == 0, again.stdout + again.stderr
        assert f"resuming {', '.join(expected)}\n" in again.stdout, again.stdout
        nothing_left = mwatch("crawl", "--resume", env=environment)
    assert "nothing to resume" in nothing_left.stdout, nothing_left.stdout


def test_a_crawl_killed_before_its_first_run_is_resumed_whole(tmp_path, clean_three):
    """kill -9 before any run is recorded: `--resume` crawls every source the
    command was asked for. The test holds the database's write lock, so that
    the crawl can record no run before it is killed."""
    url = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    db.upgrade(url)
    lock = tmp_path / "crawl.lock"
    output = tmp_path / "output.txt"
    holder = sqlite3.connect(tmp_path / "killed.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with ReplicaProcess() as replica, open(output, "w") as file:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "crawl", "--log-level", "DEBUG"]
            + list(THREE_SOURCES),
            env={**os.environ, **replica_env(replica, url, lock)},
            cwd=settings.PROJECT_ROOT,
            stdout=file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            # Scrapy says so just before the pipeline records the first run.
            while "Spider opened" not in output.read_text():
                assert process.poll() is None, output.read_text()
                assert time.monotonic() < deadline, "no spider opened in 120 s"
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
    holder.execute("ROLLBACK")
    holder.close()
    assert rows(url, select(CrawlRun.id)) == [], "killed before its first run"

    resumed(url, lock, *THREE_SOURCES)
    counts, requests = clean_three
    assert stored(url) == counts
    assert snapshot(url) == requests


def test_a_crawl_interrupted_after_its_first_source_is_resumed_whole(
    tmp_path, clean_three
):
    """Ctrl-C in the second of three sources: its run is recorded
    "interrupted", and `--resume` crawls it and the third, never started."""
    url = f"sqlite:///{tmp_path / 'interrupted.sqlite'}"
    db.upgrade(url)
    lock = tmp_path / "crawl.lock"
    output = tmp_path / "output.txt"
    with ReplicaProcess(faults="slow") as slow, open(output, "w") as file:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "crawl", *THREE_SOURCES],
            env={
                **os.environ,
                **replica_env(slow, url, lock),
                "MWATCH_TODAY": replica_today(),
            },
            cwd=settings.PROJECT_ROOT,
            stdout=file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 300
            # The first source done, the second under way with pages stored.
            query = select(CrawlRun.id).where(CrawlRun.source == "mazhilis-requests")
            while not rows(url, query) or not rows(url, select(RequestFile.id)):
                assert process.poll() is None, output.read_text()
                assert time.monotonic() < deadline, "the requests not reached"
                time.sleep(0.2)
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    printed = output.read_text()
    assert code == 130, printed
    runs = rows(url, select(CrawlRun.source, CrawlRun.outcome, CrawlRun.message))
    assert [(s, o) for s, o, _ in runs] == [
        ("mazhilis-deputies", "success"),
        ("mazhilis-requests", "interrupted"),
    ]
    assert "`mwatch crawl --resume` finishes it" in runs[1][2]
    status = mwatch("status", env={"DATABASE_URL": url})
    assert "interrupted" in status.stdout

    resumed(url, lock, "mazhilis-requests", "amanat")
    counts, requests = clean_three
    assert stored(url) == counts
    assert snapshot(url) == requests


def test_a_signal_during_start_up_leaves_no_run_running(tmp_path):
    """Ctrl-C while the spider is still opening (its run being recorded, the
    database's write lock held by the test): the run is closed "interrupted",
    as is any run Ctrl-C stopped, never left "running"."""
    url = f"sqlite:///{tmp_path / 'starting.sqlite'}"
    db.upgrade(url)
    output = tmp_path / "output.txt"
    holder = sqlite3.connect(tmp_path / "starting.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with ReplicaProcess() as replica, open(output, "w") as file:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "crawl", "--log-level", "DEBUG"]
            + ["mazhilis-deputies"],
            env={
                **os.environ,
                **replica_env(replica, url, tmp_path / "crawl.lock"),
                "MWATCH_TODAY": replica_today(),
            },
            cwd=settings.PROJECT_ROOT,
            stdout=file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            # Scrapy says so just before the pipeline records the run.
            while "Spider opened" not in output.read_text():
                assert process.poll() is None, output.read_text()
                assert time.monotonic() < deadline, "no spider opened in 120 s"
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        try:
            code = process.wait(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    printed = output.read_text()
    assert code == 130, printed
    runs = rows(url, select(CrawlRun.outcome, CrawlRun.finished_at))
    assert [outcome for outcome, _ in runs] == ["interrupted"], printed[-3000:]
    assert runs[0][1] is not None
