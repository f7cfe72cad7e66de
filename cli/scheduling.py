"""What a scheduled crawl needs: one run at a time, and a log file that rotates.

The lock is an advisory lock (flock) on a file: the kernel releases it when its
process ends, however it ends, so a crawl killed with SIGKILL never leaves a stale
lock behind. A nightly crawl or a backfill takes it alone; `--worker` processes
share it, so several workers may run on one machine but never beside a plain crawl.
"""

import fcntl
import hashlib
import json
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from scrapy.settings import Settings

from cli.common import UsageError


class CrawlLocked(Exception):
    """Another crawl holds the lock; the message names it and the lock file."""


@contextmanager
def crawl_lock(path: str | Path, shared: bool = False) -> Iterator[None]:
    """Hold the crawl lock at `path` (created if missing) for the block.

    CrawlLocked when another process holds it: a crawl when `shared` (a worker),
    a crawl or a worker when not.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as exc:
        advice = (
            f"set it to a file's path, e.g. {path / 'crawl.lock'}"
            if path.is_dir()
            else "set it to a file in a folder this user can write"
        )
        raise UsageError(
            f"MWATCH_LOCK_FILE {path}: cannot be opened as the crawl lock "
            f"({exc.strerror}); {advice}"
        ) from None
    with file:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(file, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "a crawl worker"
            raise CrawlLocked(
                f"another crawl is running ({holder}); it holds the lock {path}, "
                "so this one exits without crawling"
            ) from None
        if not shared:
            file.seek(0)
            file.truncate()
            file.write(
                f"pid {os.getpid()} on {socket.gethostname()}, started "
                f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC: {' '.join(sys.argv)}\n"
            )
            file.flush()
        try:
            yield
        finally:
            if not shared:
                file.truncate(0)
            fcntl.flock(file, fcntl.LOCK_UN)


@dataclass
class CrawlCommand:
    """What a crawl command was asked for, kept beside the crawl lock so that
    `mwatch crawl --resume` finishes it whatever stopped it (kill -9 before its
    first run, Ctrl-C after its first source)."""

    sources: list[str]
    mode: str
    # The spiders' window arguments (convocation, session, deputy, since, until).
    window: dict[str, str | int | None] = field(default_factory=dict)
    # The newest run of the database when the command started: its own runs
    # come after it.
    after_run: int = 0
    started: str = ""
    # Set when every source was crawled (whatever each run's outcome).
    finished: str | None = None


def commands_file(lock_path: str | Path) -> Path:
    """The file beside the lock that keeps the last crawl command of each
    database: crawl.lock -> crawl.lock.commands.json."""
    path = Path(lock_path)
    return path.with_name(path.name + ".commands.json")


def _database_key(url: str) -> str:
    """The database a command crawled into, without its URL (and password)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _read_commands(path: Path) -> dict[str, dict]:
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def record_command(lock_path: str | Path, url: str, command: CrawlCommand) -> None:
    """Keep `command` as the last one of the database at `url`, written whole
    (a temporary file renamed) so that no kill leaves half a record."""
    path = commands_file(lock_path)
    kept = _read_commands(path)
    kept[_database_key(url)] = asdict(command)
    try:
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, prefix=".commands-", delete=False, encoding="utf-8"
        ) as file:
            json.dump(kept, file, indent=1)
        os.replace(file.name, path)
    except OSError as exc:
        raise UsageError(
            f"cannot keep the crawl command in {path} ({exc.strerror}), which "
            "`mwatch crawl --resume` reads: make its folder writable"
        ) from None


def last_command(lock_path: str | Path, url: str) -> CrawlCommand | None:
    """The last crawl command of the database at `url`, if one was kept."""
    kept = _read_commands(commands_file(lock_path)).get(_database_key(url))
    if not isinstance(kept, dict):
        return None
    try:
        return CrawlCommand(**kept)
    except TypeError:  # a record of another version
        return None


def install_log_file(settings: Settings) -> None:
    """Log to settings' LOG_FILE through a size-rotating handler, in Scrapy's
    format and at its LOG_LEVEL, instead of Scrapy's own (never rotated) file."""
    path = settings.get("LOG_FILE")
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        path,
        maxBytes=settings.getint("LOG_MAX_BYTES"),
        backupCount=settings.getint("LOG_BACKUPS"),
        encoding=settings.get("LOG_ENCODING") or "utf-8",
    )
    handler.setFormatter(
        logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
    )
    handler.setLevel(settings.get("LOG_LEVEL"))
    root = logging.getLogger()
    root.setLevel(logging.NOTSET)
    root.addHandler(handler)
    # Scrapy must not install its own handler (a plain FileHandler) beside it.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
