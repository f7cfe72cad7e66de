"""`mwatch`: crawl the Mazhilis and deputies' channels into a database.

Exit codes: 0 done, 1 a crawl run did not succeed or raised an alert (see `mwatch
status`), 2 bad input (the message names it and says how to fix it), 3 another
crawl holds the lock (cli/scheduling.py), 130 interrupted (Ctrl-C, SIGTERM), 141
the output's reader went away (`mwatch status | head`).
"""

import argparse
import os
import sys
from collections.abc import Callable

from cli import (
    accounts,
    changes,
    crawls,
    demo,
    match,
    meetings,
    reporting,
    schema,
    site,
    social,
    status,
    topics,
)
from cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_USAGE,
    UsageError,
)

DESCRIPTION = """\
mazhilis-watch: collects what Kazakhstan's Mazhilis deputies do (profiles,
requests, meetings with voters) into a SQL database with provenance.

The database is DATABASE_URL (an SQLAlchemy URL; default an SQLite file in the
project's data/ folder). Sources' base URLs come from MWATCH_MAZHILIS_URL,
MWATCH_TELEGRAM_URL, MWATCH_INSTAGRAM_URL, MWATCH_FACEBOOK_URL and
MWATCH_AMANAT_URL. Try it offline with `mwatch demo`."""

# The command groups, each adding its commands in this order to `mwatch --help`.
GROUPS = (
    schema,
    crawls,
    accounts,
    match,
    status,
    demo,
    reporting,
    changes,
    meetings,
    social,
    topics,
    site,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mwatch",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.register(commands)
    # `main` hands `mwatch replica ...` to the replica's own command line.
    commands.add_parser(
        "replica",
        help="serve the local replica of the sources (see `mwatch replica --help`)",
        add_help=False,
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["replica"]:
        # The replica (aiohttp, fpdf2) is imported only for its own command.
        import replica

        return replica.main(argv[1:])
    try:
        args = build_parser().parse_args(argv)
        code = run_handler(args.handler, args)
        # Written here, not when Python exits, where a closed pipe is a traceback.
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()
    return code


def _reader_gone() -> int:
    """End quietly when the output's reader went away (`mwatch status | head`):
    what is still buffered goes nowhere instead of raising again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


def run_handler(
    handler: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """Run a command; expected mistakes print one clear line, not a traceback."""
    # Scrapy (cli.scheduling) and Alembic (storage.db) wait until a command
    # runs, so that `mwatch --help` starts fast.
    from cli.scheduling import CrawlLocked
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
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt:
        print("mwatch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("MWATCH_DEBUG"):
            raise
        print(
            f"mwatch: error: {exc.__class__.__name__}: {exc} "
            "(set MWATCH_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
