"""What every `mwatch` command shares: the database, exit codes, argument types
and the logging options of the commands that crawl."""

import argparse
import os
import signal
import sys
import tempfile
from datetime import date
from pathlib import Path
from types import FrameType

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
# Ctrl-C or SIGTERM (128 + SIGINT, as a shell reports an interrupted command).
EXIT_INTERRUPTED = 130
# The reader of the output went away (`mwatch status | head`): 128 + SIGPIPE, as
# any Unix tool ends then, quietly.
EXIT_BROKEN_PIPE = 141


def stop_on_sigterm() -> None:
    """SIGTERM (systemd stopping a unit, `kill`) stops the command as Ctrl-C
    does, through KeyboardInterrupt: what it opened is closed, exit 130."""
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class UsageError(Exception):
    """A command-line input that cannot be used; the message says why."""


def database_url() -> str:
    return settings.DATABASE_URL


def checked_database(url: str) -> None:
    """DatabaseError unless the database at `url` has the newest schema;
    UsageError, before anything is opened, for an SQLite file that is not there
    (never created empty by a mistyped path) or that cannot be written."""
    from storage import db

    existing_database(url)
    engine = db.make_engine(url)
    try:
        db.require_current_schema(engine, url)
    finally:
        engine.dispose()


def existing_database(url: str) -> None:
    """UsageError unless an SQLite `url`'s file is there and can be written:
    a mistyped path is named, never created as an empty database."""
    from storage import db

    path = sqlite_path(url)
    if path is None:
        return
    if not path.is_file():
        raise UsageError(
            f"DATABASE_URL {db.safe_url(url)}: there is no database file {path} "
            "(is the path right?); run `mwatch db upgrade` first to create it"
        )
    writable_sqlite(url, path)


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite `url`; None for another database or one in memory
    (an unparseable URL is left for storage.db to name)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (
        None,
        "",
        ":memory:",
    ):
        return None
    return Path(parsed.database)


def writable_sqlite(url: str, path: Path) -> None:
    """UsageError naming the path and the reason unless SQLite can write the
    database `path` (or create it) and its journal beside it (-wal, -shm): even
    reading opens the journal."""
    from storage import db

    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    where = f"DATABASE_URL {db.safe_url(url)}"
    if path.is_dir():
        raise UsageError(f"{where}: the database {path} is a folder")
    if path.exists():
        try:
            os.close(os.open(path, os.O_RDWR))
        except OSError as exc:
            raise UsageError(
                f"{where}: the database {path} cannot be written ({exc.strerror})"
            ) from None
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".mwatch-probe-"):
            pass
    except OSError as exc:
        raise UsageError(
            f"{where}: the folder {folder} cannot be written ({exc.strerror}), and "
            f"SQLite writes its journal ({path.name}-wal, {path.name}-shm) beside "
            "the database: make the folder writable or move the database"
        ) from None


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
