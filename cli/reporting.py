"""`mwatch export`, `report` and `browse`: what monitors take from the database."""

import argparse
import os
import tempfile
from pathlib import Path

from cli.changes import deadlines_in
from cli.common import (
    EXIT_OK,
    UsageError,
    checked_database,
    database_url,
    stop_on_sigterm,
)
from reports.export import FORMATS, ExportError, check_out, export

# Alembic (storage.db) and the reports' builders are imported when a command
# runs, so that `mwatch --help` starts fast.


def cmd_export(args: argparse.Namespace) -> int:
    from storage import db

    out = Path(args.out)
    try:
        check_out(out)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    from cli.changes import deadline_from_settings

    deadline = deadline_from_settings()
    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        written = export(session, args.format, out, deadline)
    print(f"exported {db.safe_url(url)} to {out} ({args.format}):")
    for name, count in written.items():
        print(f"  {name}: {count} records")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `export`, `report` and `browse` to the `mwatch` command."""
    exporting = commands.add_parser(
        "export",
        help="write the database as Popolo JSON, JSON or CSV files, or what "
        "changed as Atom feeds or JSON Lines",
        description="Write the database into the folder --out: `popolo` writes "
        "popolo.json (persons, organizations, memberships, areas, events); `json` "
        "and `csv` write persons, requests (with participants), activities and "
        "posts, each with its sources. Ids are stable across exports and crawls. "
        "`atom` writes feeds of what changed (all.atom, answers.atom, overdue.atom, "
        "deputies/*.atom, topics/*.atom) and `jsonl` changes.jsonl; requests' "
        "deadlines follow MWATCH_ANSWER_DAYS and MWATCH_TODAY. "
        "storage/README.md and docs/database.md describe every field.",
    )
    exporting.add_argument("--format", required=True, choices=FORMATS)
    exporting.add_argument("--out", required=True, metavar="DIR", help="output folder")
    exporting.set_defaults(handler=cmd_export)
    register_reports(commands)
    register_browse(commands)


def _check_html(path: str | None) -> None:
    """UsageError unless the page can be written at `path`: asked before the
    report is printed, so that a report is never printed and then refused."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir() or not target.parent.is_dir():
        raise UsageError(f"--html {path}: not a file in an existing folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError(f"--html {path}: the file cannot be written")
    try:
        with tempfile.TemporaryFile(dir=target.parent, prefix=".mwatch-probe-"):
            pass
    except OSError as exc:
        raise UsageError(
            f"--html {path}: its folder {target.parent} cannot be written "
            f"({exc.strerror})"
        ) from None


def _write_html(path: str, page: str) -> None:
    target = Path(path)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--html {path}: cannot be written ({exc.strerror})") from None
    print(f"wrote {target}")


def cmd_report_deputy(args: argparse.Namespace) -> int:
    from reports import html, lookup, scorecard, terminal
    from storage import db

    _check_html(args.html)
    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        try:
            window = scorecard.window_of(session, args.convocation, args.session)
            deputy_id = lookup.find_deputy(session, url, args.deputy)
        except (scorecard.ReportError, LookupError) as exc:
            raise UsageError(str(exc)) from None
        cards = scorecard.scorecards(session, window, {deputy_id})
        if not cards:
            raise UsageError(
                f"{args.deputy}: no mandate in {window.title}; try without "
                "--convocation/--session"
            )
        print(terminal.format_deputy(cards[0], window))
        print()
        print(deadlines_in(session, window, "addressee", deputy_id))
        if args.html:
            _write_html(args.html, html.deputy_page(cards[0], window))
    return EXIT_OK


def cmd_report_session(args: argparse.Namespace) -> int:
    from reports import html, scorecard, terminal
    from storage import db
    from storage.published import differences

    _check_html(args.html)
    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        try:
            window = scorecard.window_of(session, args.convocation, args.session)
        except scorecard.ReportError as exc:
            raise UsageError(str(exc)) from None
        cards = scorecard.scorecards(session, window)
        found = differences(session)
        print(terminal.format_session(cards, window, found))
        print()
        print(deadlines_in(session, window, "addressee"))
        if args.html:
            _write_html(args.html, html.session_page(cards, window, found))
    return EXIT_OK


def register_reports(commands: argparse._SubParsersAction) -> None:
    """Add `report deputy` and `report session` to the `mwatch` command."""
    report = commands.add_parser(
        "report",
        help="what a deputy, or every deputy, did in a session, with sources",
        description="Scorecards: requests initiated and co-signed, answered and "
        "not, meetings in the district's region and elsewhere, receptions, posts "
        "by platform, topics when tagged; each figure with links to its sources.",
    )
    kinds = report.add_subparsers(dest="report", metavar="KIND", required=True)
    deputy = kinds.add_parser(
        "deputy",
        help="one deputy's scorecard",
        description="One deputy's scorecard. DEPUTY is the Mazhilis id (71) or a "
        "name in any script or form (Куспан, 'Abzal Kuspan'); a name several "
        "deputies answer to lists them (exit 2).",
    )
    deputy.add_argument("deputy", metavar="NAME-OR-ID")
    session = kinds.add_parser(
        "session",
        help="every deputy's scorecard in a session, by group, and the "
        "reconciliation of published totals",
    )
    for parser, required in ((deputy, False), (session, True)):
        parser.add_argument("--convocation", type=int, required=required, help="e.g. 8")
        parser.add_argument("--session", type=int, help="the session's number, e.g. 2")
        parser.add_argument(
            "--html", metavar="FILE", help="also write a static HTML page with charts"
        )
    deputy.set_defaults(handler=cmd_report_deputy)
    session.set_defaults(handler=cmd_report_session)


def cmd_browse(args: argparse.Namespace) -> int:
    from reports import browse
    from storage import db

    url = database_url()
    try:
        database = browse.sqlite_file(url)
    except browse.BrowseError as exc:
        raise UsageError(str(exc)) from None
    checked_database(url)
    # SIGTERM (systemd, kill) stops it as Ctrl-C does: Datasette stopped, the
    # temporary copy removed, exit 130.
    stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="mwatch-browse-") as folder:
        if database is None:
            database = Path(args.copy) if args.copy else Path(folder) / "mwatch.sqlite"
            if not database.parent.is_dir():
                raise UsageError(f"--copy {args.copy}: its folder does not exist")
            print(
                f"{db.safe_url(url)} is not SQLite, and Datasette reads SQLite only: "
                f"copying it into {database} (read-only) ..."
            )
            browse.copy_to_sqlite(url, database)
        print(
            f"serving {database} read-only at http://{args.host}:{args.port}/ "
            "(Ctrl-C stops it)",
            flush=True,
        )
        return browse.serve(
            database,
            args.host,
            args.port,
            not args.no_open,
            Path(folder) / "metadata.json",
        )


def _port(text: str) -> int:
    value = int(text) if text.isdigit() else -1
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"{text} is not a port (1-65535)")
    return value


def register_browse(commands: argparse._SubParsersAction) -> None:
    """Add `browse` to the `mwatch` command."""
    browse = commands.add_parser(
        "browse",
        help="open the database in Datasette, read-only, in a web browser",
        description="Serve DATABASE_URL with Datasette: every table, described, "
        "to filter, facet and share as a link, without SQL; only SELECT "
        "statements run and the file is opened read-only. A PostgreSQL database "
        "is copied into a read-only SQLite file first (--copy names it).",
    )
    browse.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    browse.add_argument("--port", type=_port, default=8001, help="default 8001")
    browse.add_argument(
        "--no-open", action="store_true", help="do not open a web browser"
    )
    browse.add_argument(
        "--copy", metavar="FILE", help="the SQLite copy of a PostgreSQL database"
    )
    browse.set_defaults(handler=cmd_browse)
