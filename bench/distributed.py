"""Distributed crawling on this machine: 1, 2 and 3 `mwatch crawl --worker`
processes sharing the real Redis queue (127.0.0.1:6379, `MWATCH_BENCH_REDIS_URL`)
crawl the replica's requests (with their PDFs), activities and Telegram posts
into one fresh PostgreSQL database each time (after a plain crawl of the
deputies, not timed). Pages per minute of the workers together, from the first
run's start to the last one's end; against one worker's (the baseline, in the
same run): the speed-up and the efficiency per worker (speed-up / workers, 1.00
when each worker adds what the first does). Each count of workers must store
the same records as one worker does.

The workers tag the records with a topic that matches none (the tagging runs,
writes no tag): two workers each tagging what the crawl wrote, at its end, at
once, collide on PostgreSQL (`uq_topic_tags_topic_id_record_type_record_id`,
the second worker exits 1), which this benchmark is not about."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from redis import Redis
from sqlalchemy import func, select

import settings
from bench.common import Replica, descendants, kilobytes, records, table
from bench.storage import PostgresDatabase
from storage import db
from storage.models import CrawlRun

REDIS_URL = os.environ.get("MWATCH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SOURCES = ("mazhilis-requests", "mazhilis-activities", "telegram")
WORKERS = (1, 2, 3)
NO_TOPIC = """[[topics]]
key = "bench"
kind = "issue"
name_en = "bench"
name_ru = "bench"
name_kk = "bench"
scope = "a word no record holds"
keywords = ["zzqxjv="]
"""


def run(folder: Path, scale: int = 1) -> str:
    rows, found, base = [], {}, None
    with Replica(scale, folder) as replica:
        for workers in WORKERS:
            with PostgresDatabase() as url:
                pages, seconds, peak = crawl_with(replica, url, folder, workers)
                found[workers] = records(url)
            rate = 60 * pages / seconds
            base = base or rate
            speedup = rate / base
            rows.append(
                [workers, pages, f"{seconds:.1f}", f"{rate:.0f}",
                 f"{speedup:.2f}", f"{speedup / workers:.2f}", f"{peak:.0f}",
                 "yes" if found[workers] == found[1] else "no"]
            )  # fmt: skip
    cores = os.cpu_count()
    return (
        f"Distributed: workers on this machine ({cores} cores), one Redis queue "
        f"and one PostgreSQL database, {scale}x replica ({', '.join(SOURCES)})\n\n"
        + table(
            ["workers", "pages", "seconds", "pages/min", "speed-up (1 worker: "
             "baseline)", "efficiency per worker", "peak MB (all workers)",
             "same records as 1 worker"],
            rows,
        )
    )  # fmt: skip


def crawl_with(
    replica: Replica, url: str, folder: Path, workers: int
) -> tuple[int, float, float]:
    """The deputies crawled plainly, then `workers` workers crawling SOURCES
    together: their pages, seconds and peak resident memory (MB, all together)."""
    prefix = f"mwatch-bench-{uuid.uuid4().hex[:10]}"
    topics = folder / "no-topic.toml"
    topics.write_text(NO_TOPIC)
    env = {
        **os.environ,
        **replica.environment(url, folder),
        "MWATCH_REDIS_URL": REDIS_URL,
        "MWATCH_REDIS_PREFIX": prefix,
        "MWATCH_TOPICS_FILE": str(topics),
    }
    command = [sys.executable, "-m", "cli.main", "crawl"]
    deputies = subprocess.run(
        [*command, "mazhilis-deputies"], env=env, cwd=settings.PROJECT_ROOT,
        capture_output=True, text=True,
    )  # fmt: skip
    if deputies.returncode:
        raise RuntimeError(f"the deputies' crawl failed:\n{deputies.stderr[-2000:]}")
    with db.session_for(url) as session:
        before = session.scalar(select(func.max(CrawlRun.id))) or 0
    logs = [folder / f"worker-{workers}-{n}.log" for n in range(workers)]
    processes = []
    for log in logs:
        with open(log, "w") as stderr:
            processes.append(
                subprocess.Popen(
                    [*command, "--worker", *SOURCES],
                    env=env,
                    cwd=settings.PROJECT_ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            )
    peak_kb = 0
    try:
        while any(process.poll() is None for process in processes):
            pids = [pid for p in processes for pid in descendants(p.pid)]
            rss = sum(kilobytes(Path(f"/proc/{pid}/status"), "VmRSS") for pid in pids)
            peak_kb = max(peak_kb, rss)
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        redis = Redis.from_url(REDIS_URL)
        keys = list(redis.scan_iter(f"{prefix}:*"))
        if keys:
            redis.delete(*keys)
        redis.close()
    for process, log in zip(processes, logs, strict=True):
        if process.returncode:
            lines = log.read_text().splitlines()
            errors = [line[:500] for line in lines if "Error" in line]
            raise RuntimeError(
                f"a worker exited {process.returncode}:\n" + "\n".join(errors[-10:])
            )
    with db.session_for(url) as session:
        runs = session.execute(
            select(CrawlRun.pages, CrawlRun.started_at, CrawlRun.finished_at).where(
                CrawlRun.id > before
            )
        ).all()
    pages = sum(run.pages or 0 for run in runs)
    ends = [run.finished_at for run in runs if run.finished_at]
    if len(ends) != len(runs) or not runs:
        raise RuntimeError(f"{workers} workers: a run did not end")
    seconds = (max(ends) - min(run.started_at for run in runs)).total_seconds()
    return pages, seconds, peak_kb / 1024
