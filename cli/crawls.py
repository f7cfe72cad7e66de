"""`mwatch crawl` and `mwatch backfill`: crawl sources into the database, each
source recorded as a run, then match the meetings again."""

import argparse
import json
import sys
import urllib.request
from datetime import date
from typing import TYPE_CHECKING

from cli.common import (
    EXIT_OK,
    UsageError,
    add_logging,
    checked_database,
    database_url,
    day,
    log_overrides,
    positive,
    stop_on_sigterm,
)
from cli.meetings import match_after_crawl
from cli.status import print_runs, succeeded_after, unfinished_sources

if TYPE_CHECKING:
    from cli.crawling import CrawlResult

# Scrapy (cli.crawling, cli.workers) and Alembic (storage.db) are imported when
# a crawl runs, so that `mwatch --help` starts fast.


def cmd_crawl(args: argparse.Namespace) -> int:
    from cli.crawling import crawl_sources, exit_code

    stop_on_sigterm()
    sources = args.sources
    mode, window = "nightly", {}
    if args.resume:
        sources, mode, window = _to_resume(args.sources)
        if not sources:
            print("nothing to resume: the latest run of every source succeeded")
            return EXIT_OK
        what = "" if mode == "nightly" else f" ({mode} {_described(window)})"
        print(f"resuming {', '.join(sources)}{what}")
    overrides = log_overrides(args)
    if args.worker:
        from cli.workers import worker_overrides

        overrides |= worker_overrides()
    lock = "shared" if args.worker else "alone"
    results = crawl_sources(
        sources,
        overrides,
        dated_only=mode == "backfill",
        lock=lock,
        mode=mode,
        **window,
    )
    print_runs(database_url(), [r.run_id for r in results if r.run_id])
    if _interrupted(results):
        return exit_code(results)
    if not args.worker:
        _match_meetings(results)
    return exit_code(results)


def _described(window: dict) -> str:
    return ", ".join(f"--{name} {value}" for name, value in window.items())


def _interrupted(results: list["CrawlResult"]) -> bool:
    """Say so when Ctrl-C or SIGTERM stopped the crawl, which then ends there
    (no matching of the meetings)."""
    from cli.crawling import interrupted

    if interrupted(results):
        print(
            "mwatch: interrupted; run it again to finish (running again is "
            "safe; `mwatch crawl --resume` crawls only what did not finish)",
            file=sys.stderr,
        )
        return True
    return False


def _match_meetings(results: list["CrawlResult"]) -> None:
    """Match the meetings again after a crawl that stored posts or activities
    (not after a worker's: each sees part of the crawl; `mwatch meetings match`
    follows theirs)."""
    stored = [r.source for r in results if r.outcome != "failed"]
    match_after_crawl(database_url(), stored)


def _to_resume(named: list[str]) -> tuple[list[str], str, dict]:
    """What `--resume` crawls, of the named sources (all when none): the sources
    of the last crawl command that did not finish (killed, or stopped by Ctrl-C
    or SIGTERM) without a successful run since, in its mode and window; when
    every command finished, the sources whose latest run did not end well. A new
    run takes up from the last successful one, so nothing is lost."""
    import settings
    from cli.scheduling import last_command
    from storage import db

    url = database_url()
    checked_database(url)
    command = last_command(settings.LOCK_FILE, url)
    with db.session_for(url) as session:
        if command is not None and command.finished is None:
            done = succeeded_after(session, command.after_run)
            left = [
                s
                for s in command.sources
                if s not in done and (not named or s in named)
            ]
            if left:
                return left, command.mode, command.window
        unfinished = unfinished_sources(session)
    return [s for s in unfinished if not named or s in named], "nightly", {}


def cmd_backfill(args: argparse.Namespace) -> int:
    from cli.crawling import crawl_sources, exit_code

    stop_on_sigterm()
    if args.session is not None and args.convocation is None:
        raise UsageError("--session needs --convocation (e.g. --convocation 8)")
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}")
    since, until = args.since, args.until
    if args.convocation is not None:
        # The social sources have no sessions of their own: they read the
        # session's days (the Mazhilis's spiders narrow to it themselves).
        start, end = _session_window(args.convocation, args.session)
        if start and (since is None or start > since):
            since = start
        if end and (until is None or end < until):
            until = end
    results = crawl_sources(
        args.sources,
        log_overrides(args),
        dated_only=True,
        mode="backfill",
        convocation=args.convocation,
        session=args.session,
        deputy=args.deputy,
        since=since,
        until=until,
    )
    print_runs(database_url(), [r.run_id for r in results if r.run_id])
    if not _interrupted(results):
        _match_meetings(results)
    return exit_code(results)


def _session_window(
    convocation: int, session: int | None
) -> tuple[date | None, date | None]:
    """The first and last days of the convocation's session (or of the whole
    convocation), as the Mazhilis lists them; UsageError, before any run is
    recorded, when it lists no such convocation or session. The list is the one
    the spiders read first; when it cannot be read, the crawl's own runs say so
    (and the window is the dates given)."""
    import settings

    url = settings.MAZHILIS_URL.rstrip("/") + "/api/core/convocations/"
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": settings.USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.DOWNLOAD_TIMEOUT) as got:
            convocations = {int(c["number"]): c for c in json.load(got)}
    except (OSError, ValueError, KeyError, TypeError):
        return None, None
    if convocation not in convocations:
        known = ", ".join(map(str, sorted(convocations))) or "none"
        raise UsageError(
            f"--convocation {convocation}: the Mazhilis lists no such convocation "
            f"(its convocations: {known}; {url})"
        )
    sessions = sorted(
        int(s["number"]) for s in convocations[convocation].get("sessions") or []
    )
    if session is not None and session not in sessions:
        raise UsageError(
            f"--session {session}: convocation {convocation} has no such session "
            f"(its sessions: {', '.join(map(str, sessions)) or 'none'}; {url})"
        )
    chosen = convocations[convocation]
    if session is not None:
        chosen = next(s for s in chosen["sessions"] if int(s["number"]) == session)
    return _day(chosen.get("start_date")), _day(chosen.get("end_date"))


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch crawl` and `mwatch backfill`."""
    crawl = commands.add_parser(
        "crawl",
        help="crawl sources into the database (the nightly job)",
        description="Crawl the named sources, or every available source when none "
        "is named, into DATABASE_URL; each source is recorded as a run (see "
        "`mwatch status`). Exits 1 when a run did not succeed.",
    )
    crawl.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="mazhilis-deputies, mazhilis-requests, mazhilis-activities, "
        "telegram, instagram, facebook or amanat",
    )
    crawl.add_argument(
        "--resume",
        action="store_true",
        help="finish the last crawl command that did not finish (killed, or "
        "stopped by Ctrl-C or SIGTERM): each of its sources without a successful "
        "run since, in its mode and window; else the sources whose latest run "
        "was killed, interrupted, failed or partial (running again is always "
        "safe: writes are idempotent)",
    )
    crawl.add_argument(
        "--worker",
        action="store_true",
        help="crawl as one of several workers sharing a request queue in Redis "
        "(MWATCH_REDIS_URL), on this machine or others; see the README",
    )
    add_logging(crawl)
    crawl.set_defaults(handler=cmd_crawl)

    backfill = commands.add_parser(
        "backfill",
        help="crawl everything dated in one session or between two dates",
        description="Crawl every request, activity and post dated in the window, "
        "whatever was stored before (a nightly crawl stops at what it holds, and a "
        "first one reads the social accounts MWATCH_TELEGRAM_HISTORY_DAYS / "
        "MWATCH_SOCIAL_HISTORY_DAYS back). A session's window is its days, for "
        "the posts too. Running it again changes nothing. Example: mwatch "
        "backfill --convocation 8 --session 2",
    )
    backfill.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="mazhilis-requests, mazhilis-activities, telegram, instagram, "
        "facebook (default: all; with --deputy the first two)",
    )
    backfill.add_argument(
        "--convocation", type=positive, help="the convocation's number, e.g. 8"
    )
    backfill.add_argument(
        "--session", type=positive, help="the session's number in it, e.g. 2"
    )
    backfill.add_argument(
        "--deputy",
        type=positive,
        help="only this deputy's records (the Mazhilis id, as in /ru/deputies/71)",
    )
    backfill.add_argument("--since", type=day, help="first day, YYYY-MM-DD")
    backfill.add_argument("--until", type=day, help="last day, YYYY-MM-DD")
    add_logging(backfill)
    backfill.set_defaults(handler=cmd_backfill)
