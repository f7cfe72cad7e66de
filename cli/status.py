"""`mwatch status`: the last crawl runs as a table, the social accounts left in a
state a person must see to, the published totals that disagree with what was
collected, and the review queue."""

import argparse
import socket
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli.common import EXIT_OK, checked_database, database_url, positive
from cli.match import queue_line
from storage.models import CrawlRun

# Scrapy (crawl.pipeline) and Alembic (storage.db) are imported when used, so
# that `mwatch --help` starts fast.

COLUMNS = (
    ("run", 4),
    ("source", 19),
    ("mode", 8),
    ("started (UTC)", 16),
    ("finished (UTC)", 16),
    ("pages", 6),
    ("inserted", 8),
    ("updated", 7),
    ("unchanged", 9),
    ("errors", 6),
    ("outcome", 8),
)


def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def last_runs(
    session: Session,
    limit: int,
    source: str | None = None,
    ids: list[int] | None = None,
) -> list[CrawlRun]:
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    if source:
        query = query.where(CrawlRun.source == source)
    if ids is not None:
        query = query.where(CrawlRun.id.in_(ids))
    return list(session.scalars(query))


def outcome_of(run: CrawlRun) -> str:
    """A run "running" on this host whose process is gone was killed."""
    from storage.runs import process_alive

    if (
        run.outcome == "running"
        and run.host == socket.gethostname()
        and run.pid is not None
        and not process_alive(run.pid)
    ):
        return "killed"
    return run.outcome


# The outcomes of a run that `mwatch crawl --resume` crawls again.
UNFINISHED = ("killed", "interrupted", "failed", "partial")


def unfinished_sources(session: Session) -> list[str]:
    """The sources whose latest run did not succeed (killed, interrupted, failed,
    partial)."""
    latest: dict[str, CrawlRun] = {}
    for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id)):
        latest[run.source] = run
    return [source for source, run in latest.items() if outcome_of(run) in UNFINISHED]


def newest_run_id(session: Session) -> int:
    """The id of the newest run (0 when none): later runs have greater ids."""
    return session.scalar(select(func.max(CrawlRun.id))) or 0


def succeeded_after(session: Session, run_id: int) -> set[str]:
    """The sources with a successful run after the run `run_id`."""
    return set(
        session.scalars(
            select(CrawlRun.source).where(
                CrawlRun.id > run_id, CrawlRun.outcome == "success"
            )
        )
    )


def unreadable_lines(report: dict) -> list[str]:
    """The records a run could not read (and stored without): how many, and a few
    by the source's name for them, with why."""
    unreadable = report.get("unreadable")
    if not unreadable:
        return []
    kinds = ", ".join(
        f"{n} on {kind} pages" for kind, n in unreadable["by_page_type"].items()
    )
    lines = [
        f"      unreadable records: {unreadable['count']} ({kinds}), not stored; "
        "the rest of their pages was"
    ]
    lines += [
        f"      unreadable: {odd['record']} on {odd['url']}: {odd['reason']}"
        for odd in unreadable["examples"][:5]
    ]
    return lines


# How many of an account state's handles a run's line names.
NAMED_ACCOUNTS = 5
# The sources whose runs leave accounts in a state (scrapers.browser_social).
ACCOUNT_SOURCES = ("instagram", "facebook")
# Each state as a person reads it, most urgent first.
STATE_NAMES = {
    "checkpoint": "checkpoint: a person must confirm the session",
    "identity-check": "identity check: a person must confirm the session",
    "unsupported-browser": "unsupported browser",
    "session-expired": "session logged out (expired)",
    "rate-limited": "rate limited",
    "needs-session": "needs a session",
}


def _by_state(accounts: dict[str, dict]) -> dict[str, list[str]]:
    """{state: handles}, the states in STATE_NAMES's order."""
    grouped: dict[str, list[str]] = {}
    order = list(STATE_NAMES)
    for handle, account in sorted(
        accounts.items(),
        key=lambda item: (
            order.index(item[1]["state"]) if item[1]["state"] in order else 99,
            item[0],
        ),
    ):
        grouped.setdefault(account["state"], []).append(handle)
    return grouped


def account_lines(run: CrawlRun, indent: str = "      ") -> list[str]:
    """A line per state the run left accounts in: how many, which, what to do."""
    accounts = (run.report or {}).get("accounts") or {}
    lines = []
    for state, handles in _by_state(accounts).items():
        named = ", ".join(handles[:NAMED_ACCOUNTS])
        if len(handles) > NAMED_ACCOUNTS:
            named += f" and {len(handles) - NAMED_ACCOUNTS} more"
        todo = accounts[handles[0]].get("todo")
        lines.append(
            f"{indent}{run.source} {STATE_NAMES.get(state, state)} "
            f"({len(handles)}): {named}" + (f"; to do: {todo}" if todo else "")
        )
    return lines


def latest_account_runs(session: Session) -> list[CrawlRun]:
    """The latest finished run of each source that reads accounts in a browser."""
    found = []
    for source in ACCOUNT_SOURCES:
        run = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source == source, CrawlRun.finished_at.is_not(None))
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        if run is not None:
            found.append(run)
    return found


def format_account_states(runs: list[CrawlRun]) -> str | None:
    """The accounts the latest Instagram and Facebook runs could not read as
    they should, each state with what a person should do; None when none."""
    lines = []
    for run in runs:
        lines += [f"{line} (run {run.id})" for line in account_lines(run, "  ")]
    if not lines:
        return None
    return "\n".join(["social accounts to see to:", *lines])


def format_runs(runs: list[CrawlRun]) -> str:
    """A plain-text table, newest run first, with each problem under its run."""
    header = "  ".join(title.ljust(width) for title, width in COLUMNS).rstrip()
    lines = [header, "-" * len(header)]
    for run in runs:
        cells = (
            run.id,
            run.source,
            run.mode,
            _time(run.started_at),
            _time(run.finished_at),
            run.pages,
            run.items_inserted,
            run.items_updated,
            run.items_unchanged,
            run.errors,
            outcome_of(run),
        )
        lines.append(
            "  ".join(
                str(cell).ljust(width)
                for cell, (_, width) in zip(cells, COLUMNS, strict=True)
            ).rstrip()
        )
        if run.message:
            lines.append(f"      {run.message}")
        report = run.report or {}
        lines += account_lines(run)
        if report.get("changes_added"):
            lines.append(f"      changes kept: {report['changes_added']}")
        for page in report.get("failed_pages", [])[:5]:
            lines.append(f"      failed page: {page['url']}: {page['reason']}")
        lines += unreadable_lines(report)
        for alert in report.get("alerts", []):
            lines.append(f"      ALERT: {alert}")
        for warning in report.get("warnings", [])[:5]:
            lines.append(f"      warning: {warning}")
    if not runs:
        lines.append("no crawl runs yet: run `mwatch crawl`")
    return "\n".join(lines)


NOTHING_REACHED = (
    "no source could be reached (no network, a firewall, or a wrong "
    "MWATCH_*_URL?). To try mwatch without the internet, run `make demo` or "
    "`mwatch demo`: it crawls a local replica of the sites."
)


def nothing_reached(runs: list[CrawlRun]) -> bool:
    """Every run failed without a single response: no site could be reached."""
    return bool(runs) and all(run.outcome == "failed" and not run.pages for run in runs)


def print_runs(url: str, run_ids: list[int]) -> None:
    """The table of these runs, as a crawl prints it when it ends; when no
    site could be reached, what to try instead."""
    from storage import db

    with db.session_for(url) as session:
        runs = last_runs(session, len(run_ids) or 1, ids=run_ids)
        print(format_runs(runs))
        if run_ids and nothing_reached(runs):
            print(f"\n{NOTHING_REACHED}")


def cmd_status(args: argparse.Namespace) -> int:
    from storage import db
    from storage.published import differences, format_differences

    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        print(format_runs(last_runs(session, args.limit, args.source)))
        print()
        states = format_account_states(latest_account_runs(session))
        if states:
            print(states)
            print()
        print(format_differences(differences(session)))
        queue = queue_line(session)
        if queue:
            print(queue)
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch status`."""
    status = commands.add_parser(
        "status",
        help="show the last crawl runs",
        description="The last crawl runs: source, mode, start, end, pages, "
        "records inserted/updated/unchanged, errors and outcome, with the "
        "problems of each; then the Instagram and Facebook accounts the latest "
        "runs left in a state a person must see to (a session needed or logged "
        "out, rate limited, a checkpoint, an identity check, an unsupported "
        "browser), with what to do; then every total a source publishes (the requests "
        "API's count, per deputy, the deputies listed in kk and ru) that "
        "disagrees with what was collected.",
    )
    status.add_argument("--limit", type=positive, default=20, help="runs to show")
    status.add_argument("--source", help="only this source's runs")
    status.set_defaults(handler=cmd_status)
