"""The item pipeline: every item a spider yields is written here, and the crawl
is recorded as a run (`crawl_runs`) with what it fetched, wrote and how it ended.

Pages are written in groups: those that arrive within `STORAGE_FLUSH_SECONDS`
(or until `STORAGE_FLUSH_RECORDS` records wait) go into one transaction, their
rows merged into one upsert per table, as a commit per page (a disk flush each,
on PostgreSQL) and statements per page cost more than the rows. A page is still
stored whole or not at all: when a group fails, its pages are written again one
by one, and only the page that fails alone is dropped and counted as a storage
error. A killed crawl loses at most the group it had not written, which `mwatch
crawl --resume` fetches again. The totals a source publishes about itself
(`PublishedCountItem`) wait for the run's end and are written only if the run did
not fail: a list read broken is no total. A distributed worker writes each page at once
(`STORAGE_FLUSH_SECONDS` 0): the requests a page yields go to the shared queue,
and another worker may fetch one (a request's PDF) before a group is written.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawl.base import SourceSpider
from records import DocumentRef, Page, PublishedCountItem
from storage.after_crawl import Closing, GateLimits, after_crawl
from storage.changes import RUN_ID
from storage.db import make_engine, make_sessionmaker, require_current_schema
from storage.mentions import PeopleCache
from storage.models import CrawlRun
from storage.runs import close_run, open_run, record_progress
from storage.upsert import Counts
from storage.writers import Writer

logger = logging.getLogger(__name__)
# How many failed pages a run's report lists (the count is always whole).
REPORTED_PAGES = 50
# A group of pages is written once its first page waited this long (kept short:
# `mwatch status` and the crawl's readers see what is written), or once this
# many records wait; 0 seconds writes each page at once, before the requests it
# yields are scheduled (a distributed worker's). Settings of the same names
# override them.
STORAGE_FLUSH_SECONDS = 1.0
STORAGE_FLUSH_RECORDS = 5000
# What an item that cannot be stored raises; it is dropped and counted.
STORAGE_ERRORS = (SQLAlchemyError, LookupError, TypeError, ValueError)


# Scrapy's close reason when Ctrl-C or SIGTERM stopped the crawl.
SHUTDOWN = "shutdown"
INTERRUPTED_MESSAGE = (
    "interrupted (Ctrl-C or SIGTERM) before it finished; `mwatch crawl --resume` "
    "finishes it"
)


def outcome_of(
    verdict: str | None, spider: SourceSpider, reason: str, storage_errors: int
) -> str:
    """A run is "interrupted" when Ctrl-C or SIGTERM stopped it (what it read may
    look broken: it is not judged), "failed" when the source looked broken
    (`verdict`) or the crawl did not finish, "partial" when some pages or records
    failed, else "success"."""
    if reason == SHUTDOWN:
        return "interrupted"
    if verdict or reason != "finished":
        return "failed"
    if spider.failed_pages or storage_errors:
        return "partial"
    return "success"


class ErrorLog(logging.Handler):
    """Keeps the first errors logged during a run, for its report."""

    def __init__(self, limit: int = 10) -> None:
        super().__init__(logging.ERROR)
        self.limit = limit
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) >= self.limit:
            return
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f": {error.__class__.__name__}: {error}"
        self.messages.append(message)


@dataclass
class Waiting:
    """An item waiting for its group to be written, and what fires once it is."""

    item: Any
    stored: Deferred


def records_in(item: Any) -> int:
    return len(item.records) + len(item.documents) if isinstance(item, Page) else 1


class StoragePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = crawler.settings["DATABASE_URL"]
        self.engine = make_engine(self.url)
        require_current_schema(self.engine, self.url)
        self.sessions = make_sessionmaker(self.engine)
        self.counts = Counts()
        self.storage_errors = 0
        self.run_id: int | None = None
        # Whether the run is closed (by the spider's close or the engine's stop).
        self.closed = False
        self.document_ids: dict[DocumentRef, int] = {}
        self.error_log = ErrorLog()
        self.people = PeopleCache()
        self.deputies_changed = False
        settings = crawler.settings
        self.flush_seconds = settings.getfloat(
            "STORAGE_FLUSH_SECONDS", STORAGE_FLUSH_SECONDS
        )
        self.flush_records = settings.getint(
            "STORAGE_FLUSH_RECORDS", STORAGE_FLUSH_RECORDS
        )
        self.waiting: list[Waiting] = []
        self.waiting_records = 0
        # The published totals read, written when the run ends unless it failed.
        self.totals: list[PublishedCountItem] = []
        self.timer: Any = None
        logging.getLogger().addHandler(self.error_log)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StoragePipeline":
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.close_unclosed, signal=signals.engine_stopped)
        return pipeline

    @property
    def spider(self) -> SourceSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def open_spider(self) -> None:
        with self.sessions.begin() as session:
            self.run_id = open_run(session, self.spider.name, self.spider.mode).id
        self.crawler.stats.set_value("mwatch/run_id", self.run_id)

    async def process_item(self, item: Any) -> Any:
        """Write one item (a page: its documents and records) with its group;
        return once it is stored."""
        return await maybe_deferred_to_future(self.enqueue(item))

    def enqueue(self, item: Any) -> Deferred:
        """Add the item to the group being gathered; the Deferred fires with the
        item once it is stored, or fails with `DropItem` if it could not be."""
        stored: Deferred = Deferred()
        self.waiting.append(Waiting(item, stored))
        self.waiting_records += records_in(item)
        if self.flush_seconds <= 0 or self.waiting_records >= self.flush_records:
            self.flush()
        elif self.timer is None:
            from twisted.internet import reactor

            self.timer = reactor.callLater(self.flush_seconds, self.flush)
        return stored

    def flush(self) -> None:
        """Write the waiting items: all in one transaction or, if that fails, one
        by one, so that only an item that cannot be stored is lost."""
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None
        group, self.waiting, self.waiting_records = self.waiting, [], 0
        if not group:
            return
        now = datetime.now(UTC)
        try:
            self.write([waiting.item for waiting in group], now)
        except Exception as exc:  # each item is then tried alone
            if len(group) == 1:
                self.fail(group[0], exc)
                return
            for waiting in group:
                try:
                    self.write([waiting.item], now)
                except Exception as alone:
                    self.fail(waiting, alone)
                else:
                    waiting.stored.callback(waiting.item)
        else:
            for waiting in group:
                waiting.stored.callback(waiting.item)

    def fail(self, waiting: Waiting, exc: Exception) -> None:
        """An item that could not be stored: counted and dropped, or, for an error
        that is no storage error (a bug), handed to Scrapy as it was raised."""
        if not isinstance(exc, STORAGE_ERRORS):
            waiting.stored.errback(Failure(exc))
            return
        self.storage_errors += 1
        logger.error("could not store %s: %s", type(waiting.item).__name__, exc)
        waiting.stored.errback(Failure(DropItem(f"not stored: {exc}")))

    def write(self, items: list[Any], now: datetime) -> None:
        """Write items in one transaction: their raw documents first, then their
        records in order, each table's rows merged into one upsert where records
        of one kind follow each other."""
        counts = Counts()
        documents = [
            doc for item in items if isinstance(item, Page) for doc in item.documents
        ]
        records, totals = [], []
        for item in items:
            for record in item.records if isinstance(item, Page) else [item]:
                if isinstance(record, PublishedCountItem):
                    totals.append(record)
                else:
                    records.append(record)
        writer: Writer | None = None
        try:
            with self.sessions.begin() as session:
                session.info[RUN_ID] = self.run_id  # its change rows' run
                writer = Writer(session, counts, self.document_ids, self.people)
                writer.write_all([*documents, *records], now)
                record_progress(
                    session,
                    self.run_id,
                    pages=self.crawler.stats.get_value("response_received_count", 0),
                    inserted=self.counts.inserted + counts.inserted,
                    updated=self.counts.updated + counts.updated,
                    unchanged=self.counts.unchanged + counts.unchanged,
                )
        except BaseException:
            if writer is not None:
                for ref in writer.learned:
                    self.document_ids.pop(ref, None)
            # The deputies it read may include some that were rolled back.
            self.people.invalidate()
            raise
        self.counts.merge(counts)
        self.deputies_changed |= writer.deputies_changed
        self.totals.extend(totals)

    def spider_closed(self, spider: SourceSpider, reason: str) -> None:
        # What the run's close reads (totals, gates, mentions) includes every page.
        self.flush()
        settings, stats = self.crawler.settings, self.crawler.stats
        verdict = spider.verdict()
        outcome = outcome_of(verdict, spider, reason, self.storage_errors)
        logging.getLogger().removeHandler(self.error_log)
        message = INTERRUPTED_MESSAGE if outcome == "interrupted" else verdict
        if message is None and reason != "finished":
            message = "; ".join([reason, *self.error_log.messages[:1]])
        # A worker of a distributed crawl sees only part of the source: it proves
        # nothing gone, and its total is its share of the source's.
        worker = settings.getbool("WORKER")
        with self.sessions.begin() as session:
            session.info[RUN_ID] = self.run_id
            run = session.get(CrawlRun, self.run_id)
            assert run is not None
            closing = Closing(
                source=spider.name,
                outcome=outcome,
                started_at=run.started_at,
                today=spider.today(),
                limits=GateLimits(
                    max_count_drop=settings.getfloat("MAX_COUNT_DROP"),
                    silence_factor=settings.getfloat("SILENCE_FACTOR"),
                    silence_min_days=settings.getint("SILENCE_MIN_DAYS"),
                    min_read_files=settings.getfloat("MIN_READ_FILES"),
                ),
                topics_file=settings["TOPICS_FILE"],
                complete=[] if worker else spider.complete_scopes(),
                total=spider.report.get("total"),
                compare_total=not worker,
                watch_silence=spider.mode == "nightly" and spider.unfiltered,
                deputies_changed=self.deputies_changed,
                posts=spider.posts_read(),
            )
            if outcome not in ("failed", "interrupted") and self.totals:
                Writer(session, self.counts, self.document_ids).write_all(
                    self.totals, datetime.now(UTC)
                )
            done = after_crawl(session, closing)
            close_run(
                run,
                outcome,
                message,
                pages=stats.get_value("response_received_count", 0),
                errors=len(spider.failed_pages) + self.storage_errors,
                counts=self.counts,
                report={
                    "close_reason": reason,
                    "failed_pages": spider.failed_pages[:REPORTED_PAGES],
                    "warnings": spider.warnings,
                    "errors_logged": self.error_log.messages,
                    **done,
                    **spider.report,
                },
            )
        stats.set_value("mwatch/outcome", outcome)
        stats.set_value("mwatch/alerts", len(done["alerts"]))
        self.engine.dispose()
        self.closed = True

    def close_unclosed(self) -> None:
        """A run the spider's close never reached (a signal during its start-up):
        closed "interrupted", never left "running". Called when the engine stops,
        and by the command when the reactor stopped before the engine did."""
        if self.run_id is None or self.closed:
            return
        with self.sessions.begin() as session:
            run = session.get(CrawlRun, self.run_id)
            if run is not None and run.outcome == "running":
                close_run(
                    run,
                    "interrupted",
                    INTERRUPTED_MESSAGE,
                    pages=self.crawler.stats.get_value("response_received_count", 0),
                    errors=self.storage_errors,
                    counts=self.counts,
                    report={"close_reason": SHUTDOWN},
                )
        self.crawler.stats.set_value("mwatch/outcome", "interrupted")
        self.closed = True
        self.engine.dispose()
