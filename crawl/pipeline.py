"""The item pipeline: every item a spider yields is written here, and the crawl
is recorded as a run (`crawl_runs`) with what it fetched, wrote and how it ended.

Pages are written in groups: those that arrive within `STORAGE_FLUSH_SECONDS`
(or until `STORAGE_FLUSH_RECORDS` records wait) go into one transaction, their
rows merged into one upsert per table, as a commit per page (a disk flush each,
on PostgreSQL) and statements per page cost more than the rows. A page is still
stored whole or not at all: when a group fails, its pages are written again one
by one, and only the page that fails alone is dropped and counted as a storage
error. A killed crawl loses at most the group it had not written, which `mwatch
crawl --resume` fetches again. A distributed worker writes each page at once
(`STORAGE_FLUSH_SECONDS` 0): the requests a page yields go to the shared queue,
and another worker may fetch one (a request's PDF) before a group is written.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawl.base import SourceSpider
from records import DocumentRef, Page
from storage import gates, published
from storage.db import make_engine, make_sessionmaker, require_current_schema
from storage.mentions import PeopleCache, resolve_pending
from storage.models import CrawlRun
from storage.topics import tag_after_crawl
from storage.upsert import Counts
from storage.writers import Writer
from topics.keywords import TopicsFileError

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


def outcome_of(
    verdict: str | None, spider: SourceSpider, reason: str, storage_errors: int
) -> str:
    """A run is "failed" when the source looked broken (`verdict`) or the crawl did
    not finish, "partial" when some pages or records failed, else "success"."""
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
        self.timer: Any = None
        logging.getLogger().addHandler(self.error_log)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StoragePipeline":
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def spider(self) -> SourceSpider:
        return self.crawler.spider  # type: ignore[return-value]

    def open_spider(self) -> None:
        with self.sessions.begin() as session:
            mark_killed_runs(session)
            run = CrawlRun(
                source=self.spider.name,
                mode=self.spider.mode,
                started_at=datetime.now(UTC),
                outcome="running",
                host=socket.gethostname(),
                pid=os.getpid(),
            )
            session.add(run)
            session.flush()
            self.run_id = run.id
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
        records = [
            record
            for item in items
            for record in (item.records if isinstance(item, Page) else [item])
        ]
        writer: Writer | None = None
        try:
            with self.sessions.begin() as session:
                writer = Writer(session, counts, self.document_ids, self.people)
                writer.write_all([*documents, *records], now)
        except BaseException:
            if writer is not None:
                for ref in writer.learned:
                    self.document_ids.pop(ref, None)
            # The deputies it read may include some that were rolled back.
            self.people.invalidate()
            raise
        self.counts.merge(counts)
        self.deputies_changed |= writer.deputies_changed

    def spider_closed(self, spider: SourceSpider, reason: str) -> None:
        # What the run's close reads (totals, gates, mentions) includes every page.
        self.flush()
        stats = self.crawler.stats
        verdict = spider.verdict()
        outcome = outcome_of(verdict, spider, reason, self.storage_errors)
        logging.getLogger().removeHandler(self.error_log)
        message = verdict
        if message is None and reason != "finished":
            message = "; ".join([reason, *self.error_log.messages[:1]])
        with self.sessions.begin() as session:
            run = session.get(CrawlRun, self.run_id)
            assert run is not None
            gone = {}
            # A worker of a distributed crawl sees only part of the source.
            if outcome == "success" and not self.crawler.settings.getbool("WORKER"):
                gone = mark_gone(session, spider.complete_scopes(), run.started_at)
            if outcome != "failed":
                published.collect(session, spider.name, run.started_at)
            alerts = self.alerts(session, spider) if outcome != "failed" else []
            # Names stored before their deputy was are matched again.
            relinked = resolve_pending(session) if self.deputies_changed else 0
            topics = self.tag_topics(session, run.started_at)
            run.finished_at = datetime.now(UTC)
            run.pages = stats.get_value("response_received_count", 0)
            run.items_inserted = self.counts.inserted
            run.items_updated = self.counts.updated
            run.items_unchanged = self.counts.unchanged
            run.errors = len(spider.failed_pages) + self.storage_errors
            run.outcome = outcome
            run.message = message
            run.report = {
                "close_reason": reason,
                "tables": self.counts.by_table,
                "failed_pages": spider.failed_pages[:REPORTED_PAGES],
                "warnings": spider.warnings,
                "errors_logged": self.error_log.messages,
                "no_longer_seen": gone,
                "alerts": alerts,
                "mentions_relinked": relinked,
                "topics": topics,
                **spider.report,
            }
        stats.set_value("mwatch/outcome", outcome)
        stats.set_value("mwatch/alerts", len(alerts))
        self.engine.dispose()

    def tag_topics(self, session, since: datetime) -> dict:  # noqa: ANN001
        """Tag the records this run wrote with their topics (storage/topics.py);
        a topics file that cannot be read is reported, and fails nothing else."""
        try:
            return tag_after_crawl(session, since, self.crawler.settings["TOPICS_FILE"])
        except TopicsFileError as exc:
            logger.error("records not tagged with topics: %s", exc)
            return {"error": str(exc)}

    def alerts(self, session, spider: SourceSpider) -> list[str]:  # noqa: ANN001
        """The count-drop and silence gates, for this run's source."""
        settings = self.crawler.settings
        found = []
        total = spider.report.get("total")
        # A worker's total is its share of the source's, not comparable.
        if total is not None and not settings.getbool("WORKER"):
            found.append(
                gates.count_drop(
                    session, spider.name, total, settings.getfloat("MAX_COUNT_DROP")
                )
            )
        if spider.mode == "nightly" and spider.unfiltered:
            # A backfill reads the past: its newest record may well be old.
            found.append(
                gates.silence(
                    session,
                    spider.name,
                    spider.today(),
                    settings.getfloat("SILENCE_FACTOR"),
                    settings.getint("SILENCE_MIN_DAYS"),
                )
            )
        for alert in filter(None, found):
            logger.error("alert: %s", alert)
        return [alert for alert in found if alert]


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def mark_killed_runs(session) -> None:  # noqa: ANN001
    """Runs of this host still "running" whose process is gone were killed."""
    host = socket.gethostname()
    for run in session.scalars(
        select(CrawlRun).where(CrawlRun.outcome == "running", CrawlRun.host == host)
    ):
        if run.pid is not None and not process_alive(run.pid):
            run.outcome = "killed"
            run.message = (
                f"process {run.pid} ended before the run finished (killed?); "
                "a new crawl takes up where the last successful run left off"
            )


def mark_gone(session, scopes, started_at: datetime) -> dict[str, int]:  # noqa: ANN001
    """Mark the records a complete crawl should have seen and did not as gone."""
    gone = {}
    for model, condition in scopes:
        count = session.execute(
            update(model)
            .where(
                condition,
                model.last_seen_at < started_at,
                model.no_longer_seen_at.is_(None),
            )
            .values(no_longer_seen_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        ).rowcount
        if count:
            gone[model.__tablename__] = gone.get(model.__tablename__, 0) + count
    return gone
