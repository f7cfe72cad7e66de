"""Distributed crawling: `mwatch crawl --worker` processes sharing the real Redis
queue and writing to one PostgreSQL store what one crawl stores, each record
once, and a worker killed mid-crawl loses nothing."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select

import settings
from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import (
    CrawlRun,
    Deputy,
    DeputyName,
    DeputyRequest,
    RequestFile,
    RequestParticipant,
    SourceDocument,
)
from tests.e2e import mwatch, replica_today, rows

pytestmark = pytest.mark.e2e
REDIS_URL = os.environ.get("MWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SOURCES = ("mazhilis-deputies", "mazhilis-requests")
# The newest requests of the default dataset (with their PDFs): enough pages for
# two workers to share, few enough for a quick test.
REQUESTS = 160


@pytest.fixture
def redis() -> Redis:
    client = Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix(redis: Redis) -> str:
    """A key prefix of this test's own; its keys are deleted after it."""
    name = f"mwatch-test-{uuid.uuid4().hex[:10]}"
    yield name
    keys = list(redis.scan_iter(f"{name}:*"))
    if keys:
        redis.delete(*keys)


def snapshot(url: str) -> dict[str, object]:
    """What a crawl of the deputies and requests stored."""
    documents = rows(
        url,
        select(SourceDocument.url, SourceDocument.variant, SourceDocument.content_hash),
    )
    return {
        "names": sorted(
            rows(
                url,
                select(Deputy.mazhilis_id, DeputyName.lang, DeputyName.full_name).join(
                    DeputyName.deputy
                ),
            )
        ),
        "requests": sorted(
            rows(url, select(DeputyRequest.mazhilis_id, DeputyRequest.item_hash))
        ),
        "participants": sorted(
            rows(
                url,
                select(
                    DeputyRequest.mazhilis_id,
                    RequestParticipant.role,
                    RequestParticipant.position,
                    RequestParticipant.name_as_given,
                    RequestParticipant.deputy_id.is_not(None),
                ).join(RequestParticipant.request),
            )
        ),
        "files": sorted(
            rows(
                url,
                select(
                    DeputyRequest.mazhilis_id,
                    RequestFile.kind,
                    RequestFile.status,
                    RequestFile.content_hash,
                    RequestFile.text,
                ).join(RequestFile.request),
            ),
            key=repr,
        ),
        "documents": sorted(documents),
        "document rows": len(documents),
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "w") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", "crawl", "--worker", *SOURCES],
            env={**os.environ, "MWATCH_TODAY": replica_today(), **env},
            cwd=settings.PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def leases_of(redis: Redis, prefix: str, pid: int) -> bytes | None:
    """The key of the lease hash of the worker with process id `pid`."""
    pattern = f"{prefix}:mazhilis-requests:leases:*:{pid}:*"
    return next(iter(redis.scan_iter(pattern)), None)


def test_two_workers_store_each_record_once_and_finish_a_killed_ones_pages(
    postgres_url, sqlite_url, tmp_path, redis, prefix
):
    db.upgrade(sqlite_url)
    db.upgrade(postgres_url)
    dataset = generate_dataset()
    newest = sorted(dataset["requests"], key=lambda r: r["request_date"])
    dataset["requests"] = newest[-REQUESTS:]
    linked = {r["document_url"] for r in dataset["requests"]} | {
        (r["answer"] or {}).get("document_url") for r in dataset["requests"]
    }
    dataset["documents"] = {
        url: document for url, document in dataset["documents"].items() if url in linked
    }
    dump_dataset(dataset, tmp_path / "dataset.json")
    quick = {"MWATCH_AUTOTHROTTLE": "off", "MWATCH_LOCK_FILE": str(tmp_path / "lock")}
    with ReplicaProcess(dataset=tmp_path / "dataset.json") as replica:
        one = mwatch(
            "crawl",
            *SOURCES,
            env={"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
            | quick,
        )
        assert one.code == 0, one.stderr
        clean = snapshot(sqlite_url)
        assert len(clean["files"]) > REQUESTS

        env = quick | {
            "DATABASE_URL": postgres_url,
            "MWATCH_MAZHILIS_URL": replica.url,
            "MWATCH_REDIS_URL": REDIS_URL,
            "MWATCH_REDIS_PREFIX": prefix,
            "MWATCH_WORKER_HEARTBEAT": "1",
            "MWATCH_LOG_LEVEL": "WARNING",
        }
        killed = start_worker(env, tmp_path / "killed.log")
        survivor = start_worker(env, tmp_path / "survivor.log")
        try:
            deadline = time.monotonic() + 120
            taken: list[bytes] = []
            while not taken and time.monotonic() < deadline:
                key = leases_of(redis, prefix, killed.pid)
                stored = rows(postgres_url, select(func.count(RequestFile.id)))[0][0]
                if key is not None and stored > 20:
                    # Stopped, its leases stay as they are until it is killed.
                    killed.send_signal(signal.SIGSTOP)
                    taken = redis.hvals(key)
                    if not taken:
                        killed.send_signal(signal.SIGCONT)
                time.sleep(0.05)
            assert taken, "the worker to kill never held a request"
            killed.send_signal(signal.SIGKILL)
            killed.wait()
            survivor.wait(timeout=300)
        finally:
            for process in (killed, survivor):
                if process.poll() is None:
                    process.kill()
                    process.wait()
    log = (tmp_path / "survivor.log").read_text()
    assert survivor.returncode == 0, log
    assert (
        f":{killed.pid}:" in log
        and f"is gone: the {len(taken)} requests it had taken are back in the queue"
        in log
    ), log
    # Every record once: what one crawl stores, row for row.
    assert snapshot(postgres_url) == clean
    # The queue drained, no lease left, the seen-set cleared for the next night.
    assert list(redis.scan_iter(f"{prefix}:*")) == []
    outcomes = rows(
        postgres_url, select(CrawlRun.source, CrawlRun.outcome, CrawlRun.pages)
    )
    survived = [(s, o) for s, o, pages in outcomes if o == "success" and pages]
    assert ("mazhilis-requests", "success") in survived


def test_a_worker_without_redis_says_which_setting_to_set(sqlite_url):
    db.upgrade(sqlite_url)
    result = mwatch(
        "crawl",
        "--worker",
        env={"DATABASE_URL": sqlite_url, "MWATCH_REDIS_URL": ""},
    )
    assert result.code == 2
    assert "--worker needs MWATCH_REDIS_URL" in result.stderr
    unreachable = mwatch(
        "crawl",
        "--worker",
        env={
            "DATABASE_URL": sqlite_url,
            "MWATCH_REDIS_URL": "redis://someone:secret@127.0.0.1:1/0",
        },
    )
    assert unreachable.code == 2
    assert "cannot reach Redis at MWATCH_REDIS_URL" in unreachable.stderr
    assert "secret" not in unreachable.stderr


def test_workers_share_the_lock_a_plain_crawl_holds_alone(tmp_path):
    from cli.scheduling import CrawlLocked, crawl_lock

    lock = tmp_path / "crawl.lock"
    with (
        crawl_lock(lock, shared=True),
        crawl_lock(lock, shared=True),
        pytest.raises(CrawlLocked, match="a crawl worker"),
        crawl_lock(lock),
    ):
        pass
    with (
        crawl_lock(lock),
        pytest.raises(CrawlLocked, match=f"pid {os.getpid()}"),
        crawl_lock(lock, shared=True),
    ):
        pass
