"""What a scheduled crawl needs: one run at a time, and a log file that rotates.

The lock is an advisory lock (flock) on a file: the kernel releases it when its
process ends, however it ends, so a crawl killed with SIGKILL never leaves a stale
lock behind. A nightly crawl or a backfill takes it alone; `--worker` processes
share it, so several workers may run on one machine but never beside a plain crawl.
"""

import fcntl
import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
