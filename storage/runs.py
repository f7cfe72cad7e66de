"""Crawl runs (`crawl_runs`): opened when a spider starts, closed with how it
ended, and marked killed when their process is gone."""

import os
import socket
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import CrawlRun
from storage.upsert import Counts


def process_alive(pid: int) -> bool:
    """Whether a process of this host with that id runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def mark_killed_runs(session: Session) -> None:
    """Runs of this host still "running" whose process is gone were killed."""
    host = socket.gethostname()
    for run in session.scalars(
        select(CrawlRun).where(CrawlRun.outcome == "running", CrawlRun.host == host)
    ):
        if run.pid is not None and not process_alive(run.pid):
            run.outcome = "killed"
            run.message = (
                f"process {run.pid} ended before the run finished (killed?); "
                "a new crawl takes up where the last successful run left off"
            )


def open_run(session: Session, source: str, mode: str) -> CrawlRun:
    """A new run of `source`, "running" in this process, after marking the runs
    whose process was killed."""
    mark_killed_runs(session)
    run = CrawlRun(
        source=source,
        mode=mode,
        started_at=datetime.now(UTC),
        outcome="running",
        host=socket.gethostname(),
        pid=os.getpid(),
    )
    session.add(run)
    session.flush()
    return run


def record_progress(
    session: Session,
    run_id: int,
    pages: int,
    inserted: int,
    updated: int,
    unchanged: int,
) -> None:
    """Keep the run's figures as it goes, so that a run killed mid-way shows what
    it had fetched and written (not 0)."""
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(
            pages=pages,
            items_inserted=inserted,
            items_updated=updated,
            items_unchanged=unchanged,
        )
    )


def close_run(
    run: CrawlRun,
    outcome: str,
    message: str | None,
    pages: int,
    errors: int,
    counts: Counts,
    report: dict[str, Any],
) -> None:
    """Record how the run ended, what it wrote and its report."""
    run.finished_at = datetime.now(UTC)
    run.pages = pages
    run.items_inserted = counts.inserted
    run.items_updated = counts.updated
    run.items_unchanged = counts.unchanged
    run.errors = errors
    run.outcome = outcome
    run.message = message
    run.report = {"tables": counts.by_table, **report}
