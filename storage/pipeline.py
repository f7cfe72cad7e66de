"""The item pipeline: every item a spider yields is written here, and the crawl
is recorded as a run (`crawl_runs`) with what it fetched, wrote and how it ended."""

import logging
import os
import socket
from datetime import UTC, date, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from matching.mentions import PeopleCache, resolve_pending
from spiders.base import SourceSpider
from spiders.items import DocumentRef, Page
from storage import gates, published
from storage.db import make_engine, make_sessionmaker, require_current_schema
from storage.models import CrawlRun
from storage.upsert import Counts
from storage.writers import Writer
from topics.keywords import TopicsFileError
from topics.store import tag_after_crawl

logger = logging.getLogger(__name__)
# How many failed pages a run's report lists (the count is always whole).
REPORTED_PAGES = 50


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

    def process_item(self, item: Any) -> Any:
        """Write one item (a page: its documents and records) in one transaction."""
        now = datetime.now(UTC)
        counts = Counts()
        learned: list[DocumentRef] = []
        try:
            with self.sessions.begin() as session:
                writer = Writer(session, counts, self.document_ids, self.people)
                learned = writer.learned
                if isinstance(item, Page):
                    writer.write_all([*item.documents, *item.records], now)
                else:
                    writer.write(item, now)
        except (SQLAlchemyError, LookupError, TypeError, ValueError) as exc:
            for ref in learned:
                self.document_ids.pop(ref, None)
            self.storage_errors += 1
            logger.error("could not store %s: %s", type(item).__name__, exc)
            raise DropItem(f"not stored: {exc}") from exc
        self.counts.merge(counts)
        self.deputies_changed |= writer.deputies_changed
        return item

    def spider_closed(self, spider: SourceSpider, reason: str) -> None:
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
        """Tag the records this run wrote with their topics (topics/store.py);
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
            today = date.fromisoformat(settings["TODAY"]) if settings["TODAY"] else None
            found.append(
                gates.silence(
                    session,
                    spider.name,
                    today or datetime.now(UTC).date(),
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
