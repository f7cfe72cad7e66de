"""Distributed crawling: `mwatch crawl --worker` processes sharing the real Redis
queue and writing to one PostgreSQL store what one crawl stores, each record
once, and a worker killed mid-crawl loses nothing."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError
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


def stop_holding_requests(
    worker: subprocess.Popen, redis: Redis, prefix: str, url: str
) -> list[bytes]:
    """Stop (SIGSTOP) the worker once it stored some files and holds leases;
    the requests it holds."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and worker.poll() is None:
        key = leases_of(redis, prefix, worker.pid)
        stored = rows(url, select(func.count(RequestFile.id)))[0][0]
        if key is not None and stored > 20:
            # Stopped, its leases stay as they are until it is killed.
            worker.send_signal(signal.SIGSTOP)
            taken = redis.hvals(key)
            if taken:
                return taken
            worker.send_signal(signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError(
        f"the worker to kill never held a request (exit code {worker.poll()})"
    )


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
        # The worker to kill works alone until it holds requests, and is stopped
        # there before the other joins: on a busy machine the other may
        # otherwise take every page first.
        killed = start_worker(env, tmp_path / "killed.log")
        survivor = None
        try:
            taken = stop_holding_requests(killed, redis, prefix, postgres_url)
            survivor = start_worker(env, tmp_path / "survivor.log")
            killed.send_signal(signal.SIGKILL)
            killed.wait()
            survivor.wait(timeout=600)
        finally:
            for process in (killed, survivor):
                if process is not None and process.poll() is None:
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_worker_whose_redis_goes_away_stops_and_records_the_run_failed(
    postgres_url, tmp_path
):
    """A Redis of the test's own, killed mid-crawl: the worker stops within its
    grace, the run is recorded failed and names Redis, and the log says so once
    rather than at every heartbeat."""
    db.upgrade(postgres_url)
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = Redis(port=port)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client.ping()
                break
            except RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        with ReplicaProcess(faults="slow") as replica:
            env = {
                "DATABASE_URL": postgres_url,
                "MWATCH_MAZHILIS_URL": replica.url,
                "MWATCH_AUTOTHROTTLE": "off",
                "MWATCH_LOCK_FILE": str(tmp_path / "lock"),
                "MWATCH_REDIS_URL": f"redis://127.0.0.1:{port}/0",
                "MWATCH_REDIS_PREFIX": "outage",
                "MWATCH_WORKER_HEARTBEAT": "1",
                "MWATCH_WORKER_REDIS_GRACE": "5",
                "MWATCH_LOG_LEVEL": "WARNING",
            }
            log = tmp_path / "worker.log"
            with open(log, "w") as stderr:
                worker = subprocess.Popen(
                    [sys.executable, "-m", "cli.main", "crawl", "--worker"]
                    + ["mazhilis-requests"],
                    env={**os.environ, "MWATCH_TODAY": replica_today(), **env},
                    cwd=settings.PROJECT_ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            deadline = time.monotonic() + 600
            while not list(client.scan_iter("outage:mazhilis-requests:leases:*")):
                assert worker.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the worker never took a request"
                time.sleep(0.05)
            server.kill()
            server.wait()
            # Hanging for ever was the fault: ten minutes is a hang on any machine.
            code = worker.wait(timeout=600)
    finally:
        client.close()
        for process in (worker, server):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    text = log.read_text()
    assert code == 1, text
    assert "redis unreachable for 5 seconds" in text
    assert text.count("no heartbeat") <= 1, text
    (outcome, message), *_ = rows(
        postgres_url,
        select(CrawlRun.outcome, CrawlRun.message)
        .where(CrawlRun.source == "mazhilis-requests")
        .order_by(CrawlRun.id.desc()),
    )
    assert outcome == "failed"
    assert "redis unreachable" in message
