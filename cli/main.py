"""`mwatch`: crawl the Mazhilis and deputies' channels into a database.

Exit codes: 0 done, 1 a crawl run did not succeed or raised an alert (see `mwatch
status`), 2 bad input (the message names it and says how to fix it), 3 another
crawl holds the lock (cli/scheduling.py), 130 interrupted.
"""

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cli import reporting

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
mazhilis-watch: collects what Kazakhstan's Mazhilis deputies do (profiles,
requests, meetings with voters) into a SQL database with provenance.

The database is DATABASE_URL (an SQLAlchemy URL; default an SQLite file in the
project's data/ folder). Sources' base URLs come from MWATCH_MAZHILIS_URL,
MWATCH_TELEGRAM_URL, MWATCH_INSTAGRAM_URL, MWATCH_FACEBOOK_URL and
MWATCH_AMANAT_URL. Try it offline with `mwatch demo`."""


def _database_url() -> str:
    import settings

    return settings.DATABASE_URL


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage import db

    url = _database_url()
    db.upgrade(url, args.revision)
    print(f"database {db.safe_url(url)} is at revision {args.revision}")
    return EXIT_OK


def cmd_db_downgrade(args: argparse.Namespace) -> int:
    from storage import db

    url = _database_url()
    db.downgrade(url, args.revision)
    print(f"database {db.safe_url(url)} is at revision {args.revision}")
    return EXIT_OK


def cmd_db_current(args: argparse.Namespace) -> int:
    from storage import db

    url = _database_url()
    engine = db.make_engine(url)
    try:
        current = db.current_revision(engine)
    finally:
        engine.dispose()
    head = db.head_revision(url)
    state = "up to date" if current == head else f"behind head {head}"
    print(f"{db.safe_url(url)}: revision {current or 'none'} ({state})")
    return EXIT_OK


def cmd_db_check(args: argparse.Namespace) -> int:
    from storage import db

    url = _database_url()
    db.check(url)
    print(f"models and migrations agree ({db.safe_url(url)} is at head)")
    return EXIT_OK


def _checked_database(url: str) -> None:
    from storage import db

    engine = db.make_engine(url)
    try:
        db.require_current_schema(engine, url)
    finally:
        engine.dispose()


def _crawl(
    sources: list[str],
    overrides: dict[str, str],
    dated_only: bool = False,
    lock: str | None = "alone",
    **args,
) -> list:
    """Crawl the sources holding the crawl lock, so that two scheduled crawls
    never overlap: "alone", or "shared" with other workers; None for the demo's
    own database."""
    from cli.crawling import project_settings, resolve_sources, run_crawls
    from cli.scheduling import crawl_lock

    settings = project_settings(overrides)
    chosen = resolve_sources(sources, settings, dated_only)
    _checked_database(settings["DATABASE_URL"])
    if lock is None:
        return run_crawls(chosen, settings, **args)
    with crawl_lock(settings["LOCK_FILE"], shared=lock == "shared"):
        return run_crawls(chosen, settings, **args)


def _log_overrides(args: argparse.Namespace) -> dict[str, str]:
    overrides = {"LOG_LEVEL": args.log_level or _default_log_level()}
    if getattr(args, "log_file", None):
        overrides["LOG_FILE"] = args.log_file
    return overrides


def _default_log_level() -> str:
    """Quiet on a terminal, where a progress line shows; plain logs elsewhere."""
    return "WARNING" if sys.stderr.isatty() else "INFO"


def _print_runs(url: str, run_ids: list[int]) -> None:
    from cli.status import format_runs, last_runs
    from storage import db

    with db.session_for(url) as session:
        print(format_runs(last_runs(session, len(run_ids) or 1, ids=run_ids)))


def _exit_code(results: list) -> int:
    """0 when every run succeeded and raised no alert (count drop, silence)."""
    ok = results and all(r.outcome == "success" and not r.alerts for r in results)
    return EXIT_OK if ok else EXIT_RUN_FAILED


def cmd_crawl(args: argparse.Namespace) -> int:
    sources = args.sources
    if args.resume:
        sources = _unfinished(args.sources)
        if not sources:
            print("nothing to resume: the latest run of every source succeeded")
            return EXIT_OK
        print(f"resuming {', '.join(sources)}")
    overrides = _log_overrides(args)
    if args.worker:
        from cli.workers import worker_overrides

        overrides |= worker_overrides()
    lock = "shared" if args.worker else "alone"
    results = _crawl(sources, overrides, lock=lock, mode="nightly")
    _print_runs(_database_url(), [r.run_id for r in results if r.run_id])
    if not args.worker:
        _match_meetings(results)
    return _exit_code(results)


def _match_meetings(results: list) -> None:
    """Match the meetings again after a crawl that stored posts or activities
    (not after a worker's: each sees part of the crawl; `mwatch meetings match`
    follows theirs)."""
    from cli.meetings import match_after_crawl

    stored = [r.source for r in results if r.outcome != "failed"]
    match_after_crawl(_database_url(), stored)


def cmd_accounts_load(args: argparse.Namespace) -> int:
    from storage import db
    from storage.accounts import load_accounts, read_accounts

    path = Path(args.file)
    accounts, problems = read_accounts(path)
    url = _database_url()
    _checked_database(url)
    with db.session_for(url, write=True) as session:
        counts, refused, notes = load_accounts(session, path, accounts)
    for problem in problems + refused:
        print(f"mwatch: {problem}", file=sys.stderr)
    for note in notes:
        print(f"mwatch: {note}", file=sys.stderr)
    print(
        f"{path}: {counts.inserted} accounts added, {counts.updated} changed, "
        f"{counts.unchanged} as they were; {len(problems + refused)} lines refused"
    )
    return EXIT_RUN_FAILED if problems or refused else EXIT_OK


def _unfinished(named: list[str]) -> list[str]:
    """Of the named sources (all when none), those whose latest run did not end
    well: a new run takes up from the last successful one, so nothing is lost."""
    from cli.status import unfinished_sources
    from storage import db

    url = _database_url()
    _checked_database(url)
    with db.session_for(url) as session:
        unfinished = unfinished_sources(session)
    return [s for s in unfinished if not named or s in named]


def cmd_backfill(args: argparse.Namespace) -> int:
    from cli.crawling import UsageError

    if args.session is not None and args.convocation is None:
        raise UsageError("--session needs --convocation (e.g. --convocation 8)")
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}")
    results = _crawl(
        args.sources,
        _log_overrides(args),
        dated_only=True,
        mode="backfill",
        convocation=args.convocation,
        session=args.session,
        deputy=args.deputy,
        since=args.since,
        until=args.until,
    )
    _print_runs(_database_url(), [r.run_id for r in results if r.run_id])
    _match_meetings(results)
    return _exit_code(results)


def cmd_status(args: argparse.Namespace) -> int:
    from cli import match
    from cli.status import format_runs, last_runs
    from storage import db
    from storage.published import differences, format_differences

    url = _database_url()
    _checked_database(url)
    with db.session_for(url) as session:
        print(format_runs(last_runs(session, args.limit, args.source)))
        print()
        print(format_differences(differences(session)))
        queue = match.queue_line(session)
        if queue:
            print(queue)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from cli.crawling import SOURCES
    from cli.demo import summary
    from cli.social import BROWSER_SOURCES
    from replica import ReplicaProcess, generate_dataset, present_day
    from storage import db

    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="mwatch-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "demo.sqlite"
    for stale in folder.glob("demo.sqlite*"):
        stale.unlink()
    url = f"sqlite:///{database}"
    print(f"starting the replica of the sources (faults: {args.faults}) ...")
    with ReplicaProcess(faults=args.faults) as replica:
        print(f"replica at {replica.url}; database {database}")
        db.upgrade(url)
        overrides = _log_overrides(args) | {
            "DATABASE_URL": url,
            "MAZHILIS_URL": replica.urls["mazhilis"],
            "TELEGRAM_URL": replica.urls["telegram"],
            "AMANAT_URL": replica.urls["amanat"],
            # The replica's data stands for its own present, not today.
            "TODAY": present_day(generate_dataset()).isoformat(),
        }
        # The browser's sources take minutes: README, "Social media", shows them.
        sources = [source for source in SOURCES if source not in BROWSER_SOURCES]
        results = _crawl(sources, overrides, lock=None, mode="nightly")
    print()
    print(summary(url))
    print()
    _print_runs(url, [r.run_id for r in results if r.run_id])
    print(f"\nthe demo database stays at {database}: try")
    print(f"  DATABASE_URL=sqlite:///{database} mwatch status")
    return _exit_code(results)


def cmd_replica(argv: list[str]) -> int:
    import replica

    return replica.main(argv)


def build_parser() -> argparse.ArgumentParser:
    from cli import match, meetings, social
    from cli import topics as topic_commands

    parser = argparse.ArgumentParser(
        prog="mwatch",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    db = commands.add_parser(
        "db",
        help="create or migrate the database schema",
        description="Manage the database schema (Alembic migrations) of DATABASE_URL.",
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser(
        "upgrade",
        help="migrate the database to the newest schema (creates it if missing)",
        description="Apply the migrations up to REVISION (default: head, the "
        "newest). Safe to run again: an up-to-date database is left as it is.",
    )
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=cmd_db_upgrade)
    downgrade = db_commands.add_parser(
        "downgrade",
        help="migrate the database back to REVISION ('base' drops every table)",
        description="Undo migrations down to REVISION. 'base' drops every table "
        "and the data in them.",
    )
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=cmd_db_downgrade)
    current = db_commands.add_parser(
        "current", help="show the database's schema revision"
    )
    current.set_defaults(handler=cmd_db_current)
    check = db_commands.add_parser(
        "check",
        help="check that the models and the migrations agree (alembic check)",
        description="Compare the models with an up-to-date database: fails when a "
        "model changed without a migration.",
    )
    check.set_defaults(handler=cmd_db_check)

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
        help="crawl only the sources whose latest run was killed, failed or "
        "partial (running again is always safe: writes are idempotent)",
    )
    crawl.add_argument(
        "--worker",
        action="store_true",
        help="crawl as one of several workers sharing a request queue in Redis "
        "(MWATCH_REDIS_URL), on this machine or others; see the README",
    )
    _add_logging(crawl)
    crawl.set_defaults(handler=cmd_crawl)

    backfill = commands.add_parser(
        "backfill",
        help="crawl everything dated in one session or between two dates",
        description="Crawl every request and activity dated in the window, "
        "whatever was stored before (a nightly crawl stops at what it holds). "
        "Running it again changes nothing. Example: mwatch backfill "
        "--convocation 8 --session 2",
    )
    backfill.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="mazhilis-requests and/or mazhilis-activities (default: both)",
    )
    backfill.add_argument(
        "--convocation", type=_positive, help="the convocation's number, e.g. 8"
    )
    backfill.add_argument(
        "--session", type=_positive, help="the session's number in it, e.g. 2"
    )
    backfill.add_argument(
        "--deputy",
        type=_positive,
        help="only this deputy's records (the Mazhilis id, as in /ru/deputies/71)",
    )
    backfill.add_argument("--since", type=_day, help="first day, YYYY-MM-DD")
    backfill.add_argument("--until", type=_day, help="last day, YYYY-MM-DD")
    _add_logging(backfill)
    backfill.set_defaults(handler=cmd_backfill)

    accounts = commands.add_parser(
        "accounts",
        help="social accounts the parliament does not list (the accounts file)",
        description="Manage the accounts kept by hand, in a file of lines "
        "'DEPUTY, PLATFORM, HANDLE_OR_URL' (DEPUTY: the Mazhilis id or a name; # "
        "starts a comment). See the README.",
    )
    accounts_commands = accounts.add_subparsers(
        dest="accounts_command", metavar="ACTION", required=True
    )
    load = accounts_commands.add_parser(
        "load",
        help="store the accounts of an accounts file, tied to their deputies",
        description="Read FILE and store its accounts. A line that cannot be read, "
        "or that names a deputy not stored, is reported with its number and the "
        "rest still load; the exit status is then 1.",
    )
    load.add_argument("file", metavar="FILE")
    load.set_defaults(handler=cmd_accounts_load)

    match.register(commands)

    status = commands.add_parser(
        "status",
        help="show the last crawl runs",
        description="The last crawl runs: source, mode, start, end, pages, "
        "records inserted/updated/unchanged, errors and outcome, with the "
        "problems of each; then every total a source publishes (the requests "
        "API's count, per deputy, the deputies listed in kk and ru) that "
        "disagrees with what was collected.",
    )
    status.add_argument("--limit", type=_positive, default=20, help="runs to show")
    status.add_argument("--source", help="only this source's runs")
    status.set_defaults(handler=cmd_status)

    demo = commands.add_parser(
        "demo",
        help="crawl the bundled replica into a fresh SQLite file (no internet)",
        description="Start the local replica of the sources, crawl it into a "
        "fresh SQLite database and print what was stored.",
    )
    demo.add_argument("--dir", help="folder for demo.sqlite (default: a new one)")
    demo.add_argument(
        "--faults",
        default="none",
        help="the replica's fault profile: none, slow, flaky or chaos",
    )
    _add_logging(demo, default="WARNING")
    demo.set_defaults(handler=cmd_demo)

    reporting.register(commands)
    meetings.register(commands)
    social.register(commands)
    topic_commands.register(commands)

    commands.add_parser(
        "replica",
        help="serve the local replica of the sources (see `mwatch replica --help`)",
        add_help=False,
    )
    return parser


def _add_logging(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    parser.add_argument(
        "--log-level",
        default=default,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much the crawler logs (default: "
        + (default or "WARNING on a terminal, which shows a progress line, else INFO")
        + ")",
    )
    parser.add_argument(
        "--log-file",
        help="log to this file instead of stderr; it is rotated at "
        "MWATCH_LOG_MAX_BYTES (10 MiB), keeping MWATCH_LOG_BACKUPS (5) older files",
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2023-09-01"
        ) from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["replica"]:
        return cmd_replica(argv[1:])
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return run_handler(handler, args)


def run_handler(handler: Callable[[argparse.Namespace], int], args) -> int:  # noqa: ANN001
    """Run a command; expected mistakes print one clear line, not a traceback."""
    from cli.crawling import UsageError
    from cli.scheduling import EXIT_LOCKED, CrawlLocked
    from storage.accounts import AccountsFileError
    from storage.db import DatabaseError

    try:
        return handler(args)
    except (UsageError, DatabaseError, AccountsFileError) as exc:
        print(f"mwatch: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CrawlLocked as exc:
        print(f"mwatch: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except KeyboardInterrupt:
        print("mwatch: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("MWATCH_DEBUG"):
            raise
        print(
            f"mwatch: error: {exc.__class__.__name__}: {exc} "
            "(set MWATCH_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED


if __name__ == "__main__":
    sys.exit(main())
