"""`mwatch db`: the database schema of DATABASE_URL, by Alembic migrations."""

import argparse

from cli.common import (
    EXIT_OK,
    database_url,
    existing_database,
    sqlite_path,
    writable_sqlite,
)

# Alembic, which storage.db loads, is imported when a command runs, so that
# `mwatch --help` starts fast.


def cmd_upgrade(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    path = sqlite_path(url)
    if path is not None:
        writable_sqlite(url, path)
    db.upgrade(url, args.revision)
    print(f"database {db.safe_url(url)} is at revision {args.revision}")
    return EXIT_OK


def cmd_downgrade(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    existing_database(url)
    db.downgrade(url, args.revision)
    print(f"database {db.safe_url(url)} is at revision {args.revision}")
    return EXIT_OK


def cmd_current(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    existing_database(url)
    engine = db.make_engine(url)
    try:
        current = db.current_revision(engine)
    finally:
        engine.dispose()
    head = db.head_revision(url)
    state = "up to date" if current == head else f"behind head {head}"
    print(f"{db.safe_url(url)}: revision {current or 'none'} ({state})")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    existing_database(url)
    db.check(url)
    print(f"models and migrations agree ({db.safe_url(url)} is at head)")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch db` and its actions."""
    db = commands.add_parser(
        "db",
        help="create or migrate the database schema",
        description="Manage the database schema (Alembic migrations) of DATABASE_URL.",
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade",
        help="migrate the database to the newest schema (creates it if missing)",
        description="Apply the migrations up to REVISION (default: head, the "
        "newest). Safe to run again: an up-to-date database is left as it is.",
    )
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(handler=cmd_upgrade)
    downgrade = actions.add_parser(
        "downgrade",
        help="migrate the database back to REVISION ('base' drops every table)",
        description="Undo migrations down to REVISION. 'base' drops every table "
        "and the data in them.",
    )
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=cmd_downgrade)
    current = actions.add_parser("current", help="show the database's schema revision")
    current.set_defaults(handler=cmd_current)
    check = actions.add_parser(
        "check",
        help="check that the models and the migrations agree (alembic check)",
        description="Compare the models with an up-to-date database: fails when a "
        "model changed without a migration.",
    )
    check.set_defaults(handler=cmd_check)
