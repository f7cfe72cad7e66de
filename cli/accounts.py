"""`mwatch accounts`: the social accounts the parliament does not list, kept by
hand in an accounts file."""

import argparse
import sys
from pathlib import Path

from cli.common import EXIT_FAILED, EXIT_OK, checked_database, database_url

# storage.db (Alembic) and storage.accounts (the name matcher) are imported when
# the command runs, so that `mwatch --help` starts fast.


def cmd_load(args: argparse.Namespace) -> int:
    from storage import db
    from storage.accounts import load_accounts, read_accounts

    path = Path(args.file)
    accounts, problems = read_accounts(path)
    url = database_url()
    checked_database(url)
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
    return EXIT_FAILED if problems or refused else EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch accounts` and its action."""
    accounts = commands.add_parser(
        "accounts",
        help="social accounts the parliament does not list (the accounts file)",
        description="Manage the accounts kept by hand, in a file of lines "
        "'DEPUTY, PLATFORM, HANDLE_OR_URL' (DEPUTY: the Mazhilis id or a name; # "
        'starts a comment). docs/sources.md, "Accounts the parliament does not list", '
        "shows the format.",
    )
    actions = accounts.add_subparsers(
        dest="accounts_command", metavar="ACTION", required=True
    )
    load = actions.add_parser(
        "load",
        help="store the accounts of an accounts file, tied to their deputies",
        description="Read FILE and store its accounts. A line that cannot be read, "
        "or that names a deputy not stored, is reported with its number and the "
        "rest still load; the exit status is then 1.",
    )
    load.add_argument("file", metavar="FILE")
    load.set_defaults(handler=cmd_load)
