"""What a crawl shows on stderr: its progress (pages fetched, rows written,
errors), on a terminal as rich's progress line with the log lines printed above
it, and otherwise as a plain log line now and then; Scrapy's own INFO logs
(settings, middlewares, stats) only at DEBUG, and a site that cannot be reached
as one line, without the download error's traceback."""

import logging
import sys
from typing import Any

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.settings import Settings
from twisted.internet import error as twisted_errors
from twisted.internet import task

from storage.upsert import Counts

logger = logging.getLogger(__name__)

# The loggers whose INFO lines are Scrapy's (and its helpers') own.
LIBRARY_LOGGERS = ("scrapy", "scrapy-playwright", "alembic", "twisted", "asyncio")
# What a site that cannot be reached raises: no traceback tells more than its name.
DOWNLOAD_ERRORS = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    twisted_errors.ConnectError,
    twisted_errors.DNSLookupError,
    twisted_errors.TimeoutError,
)


def interactive(settings: Settings) -> bool:
    """Whether the progress is a line on a terminal (else plain log lines)."""
    return settings.getbool("PROGRESS_ON_TERMINAL") and sys.stderr.isatty()


_console: Console | None = None


def console() -> Console:
    """The terminal's console, which the progress line and the log lines share."""
    global _console  # noqa: PLW0603 (one terminal per process)
    if _console is None:
        _console = Console(stderr=True)
    return _console


class QuietLogs(logging.Filter):
    """Below DEBUG: no INFO line of Scrapy's own, and a download error logged
    with its traceback becomes one line naming the error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and record.name.startswith(LIBRARY_LOGGERS):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and _download_error(error):
            message = record.getMessage()
            reason = f"{type(error).__name__}: {error}"
            if str(error) not in message:
                message += f" ({reason})"
            record.msg, record.args = message, None
            record.exc_info, record.exc_text = None, None
        return True


def _download_error(error: BaseException) -> bool:
    """Whether the error, or one it was raised from, is a download's."""
    while error is not None:
        if isinstance(error, DOWNLOAD_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


def install_logging(settings: Settings) -> None:
    """Log to stderr (unless a log file was installed): through rich, on the
    progress line's console, on a terminal; with QuietLogs below DEBUG. Scrapy
    then installs no handler of its own."""
    root = logging.getLogger()
    if settings.getbool("LOG_INSTALL_ROOT_HANDLER"):
        handler: logging.Handler
        if interactive(settings):
            handler = RichHandler(console=console(), show_path=False)
            handler.setFormatter(logging.Formatter("[%(name)s] %(message)s"))
        else:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(
                logging.Formatter(
                    settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")
                )
            )
        handler.setLevel(settings.get("LOG_LEVEL"))
        root.setLevel(logging.NOTSET)
        root.addHandler(handler)
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    if logging.getLevelName(settings.get("LOG_LEVEL")) > logging.DEBUG:
        for handler in root.handlers:
            handler.addFilter(QuietLogs())


class Progress:
    def __init__(self, crawler: Crawler, interactive: bool) -> None:
        self.crawler = crawler
        self.interactive = interactive
        self.interval = 0.5 if interactive else 30.0
        self.loop: task.LoopingCall | None = None
        self.display: RichProgress | None = None
        self.task: TaskID | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Progress":
        progress = cls(crawler, interactive(crawler.settings))
        crawler.signals.connect(progress.opened, signal=signals.spider_opened)
        return progress

    def written(self) -> tuple[Counts, int]:
        """The rows the storage pipeline wrote so far, and the records it could
        not store: what the run's row will say."""
        for pipeline in self.crawler.engine.scraper.itemproc.middlewares:
            counts = getattr(pipeline, "counts", None)
            if isinstance(counts, Counts):
                return counts, pipeline.storage_errors
        return Counts(), 0

    def line(self, spider: Spider) -> str:
        pages = self.crawler.stats.get_value("response_received_count", 0)
        counts, storage_errors = self.written()
        errors = len(getattr(spider, "failed_pages", [])) + storage_errors
        return (
            f"{spider.name}: {pages} pages, {counts.inserted} inserted, "
            f"{counts.updated} updated, {counts.unchanged} unchanged, "
            f"{errors} errors"
        )

    def opened(self, spider: Spider) -> None:
        # Connected now, after the pipeline's own: the last rows are written.
        self.crawler.signals.connect(self.closed, signal=signals.spider_closed)
        if self.interactive:
            self.display = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console(),
            )
            self.task = self.display.add_task(self.line(spider), total=None)
            self.display.start()
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(self.interval, now=False)

    def show(self, spider: Spider) -> None:
        if self.display is not None and self.task is not None:
            self.display.update(self.task, description=self.line(spider))
        else:
            logger.info("progress: %s", self.line(spider))

    def closed(self, spider: Spider, reason: Any = None) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.display is not None and self.task is not None:
            self.display.update(self.task, description=self.line(spider))
            self.display.stop()
            self.display = None
        else:
            logger.info("done: %s", self.line(spider))
