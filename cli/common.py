"""What every `mwatch` command shares: the database, exit codes, argument types
and the logging options of the commands that crawl."""

import argparse
import sys
from datetime import date

import settings

# Alembic, which storage.db loads, is imported only by the commands that open a
# database, so that `mwatch --help` starts fast.

EXIT_OK = 0
# Something did not succeed: a crawl run (or it raised an alert), lines of a
# file, a login, or the command itself.
EXIT_FAILED = 1
EXIT_USAGE = 2
# Another crawl holds the crawl lock (cli/scheduling.py).
EXIT_LOCKED = 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A command-line input that cannot be used; the message says why."""


def database_url() -> str:
    return settings.DATABASE_URL


def checked_database(url: str) -> None:
    """DatabaseError unless the database at `url` has the newest schema."""
    from storage import db

    engine = db.make_engine(url)
    try:
        db.require_current_schema(engine, url)
    finally:
        engine.dispose()


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2023-09-01"
        ) from None


def add_logging(parser: argparse.ArgumentParser, default: str | None = None) -> None:
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


def log_overrides(args: argparse.Namespace) -> dict[str, str]:
    """The crawler's settings for the options `add_logging` added."""
    overrides = {"LOG_LEVEL": args.log_level or _default_log_level()}
    if getattr(args, "log_file", None):
        overrides["LOG_FILE"] = args.log_file
    return overrides


def _default_log_level() -> str:
    """Quiet on a terminal, where a progress line shows; plain logs elsewhere."""
    return "WARNING" if sys.stderr.isatty() else "INFO"
