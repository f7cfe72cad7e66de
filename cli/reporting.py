"""`mwatch export`: what monitors take away from the database."""

import argparse
from pathlib import Path

EXIT_OK = 0


def _database_url() -> str:
    import settings

    return settings.DATABASE_URL


def _checked(url: str) -> None:
    from storage import db

    engine = db.make_engine(url)
    try:
        db.require_current_schema(engine, url)
    finally:
        engine.dispose()


def cmd_export(args: argparse.Namespace) -> int:
    from cli.crawling import UsageError
    from reports.export import ExportError, check_out, export
    from storage import db

    out = Path(args.out)
    try:
        check_out(out)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    url = _database_url()
    _checked(url)
    with db.session_for(url) as session:
        written = export(session, args.format, out)
    print(f"exported {db.safe_url(url)} to {out} ({args.format}):")
    for name, count in written.items():
        print(f"  {name}: {count} records")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `export` to the `mwatch` command."""
    from reports.export import FORMATS

    export = commands.add_parser(
        "export",
        help="write the database as Popolo JSON, JSON or CSV files",
        description="Write the database into the folder --out: `popolo` writes "
        "popolo.json (persons, organizations, memberships, areas, events); `json` "
        "and `csv` write persons, requests (with participants), activities and "
        "posts, each with its sources. Ids are stable across exports and crawls. "
        "storage/README.md describes every field.",
    )
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument("--out", required=True, metavar="DIR", help="output folder")
    export.set_defaults(handler=cmd_export)
