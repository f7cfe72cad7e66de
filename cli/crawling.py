"""Running spiders from the command line, one source after another."""

import contextlib
import logging
import signal
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.reactor import install_reactor
from twisted.internet.defer import inlineCallbacks

from cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    checked_database,
)
from cli.scheduling import (
    CrawlCommand,
    crawl_lock,
    install_log_file,
    record_command,
)

logger = logging.getLogger(__name__)

# Every source of SOURCES.md ("Configuration"), in the order a nightly crawl
# runs them: deputies first, as the other sources link to them.
SOURCES = (
    "mazhilis-deputies",
    "mazhilis-requests",
    "mazhilis-activities",
    "telegram",
    "instagram",
    "facebook",
    "amanat",
)

# What stops a crawl as Ctrl-C does (Scrapy's shutdown handlers take them).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# The sources crawled in a real browser: minutes, not seconds, on the replica.
BROWSER_SOURCES = ("instagram", "facebook")


@dataclass
class CrawlResult:
    source: str
    outcome: str
    run_id: int | None
    alerts: int = 0
    # Stopped by Ctrl-C or SIGTERM before it finished; the sources after it were
    # not crawled.
    interrupted: bool = False


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def available_sources(settings: Settings) -> list[str]:
    names = set(get_spider_loader(settings).list())
    return [source for source in SOURCES if source in names]


# The sources whose records are dated, which a backfill can window: the
# Mazhilis's, and the deputies' own accounts (a session's posts, however far back
# MWATCH_TELEGRAM_HISTORY_DAYS / MWATCH_SOCIAL_HISTORY_DAYS reach).
DATED_SOURCES = (
    "mazhilis-requests",
    "mazhilis-activities",
    "telegram",
    "instagram",
    "facebook",
)
# Those a backfill of one deputy's records reads (the accounts are read whole).
DEPUTY_SOURCES = ("mazhilis-requests", "mazhilis-activities")


def resolve_sources(
    requested: list[str],
    settings: Settings,
    dated_only: bool = False,
    deputy: int | None = None,
) -> list[str]:
    """The sources to crawl, in crawl order; all available ones when none named
    (a backfill's: the dated ones, of one `deputy` those of DEPUTY_SOURCES)."""
    available = available_sources(settings)
    if dated_only:
        dated = DEPUTY_SOURCES if deputy is not None else DATED_SOURCES
        for name in requested:
            if name in SOURCES and name not in dated:
                reason = (
                    "reads every account, not one deputy's records"
                    if name in DATED_SOURCES
                    else "has no dated records to backfill"
                )
                raise UsageError(
                    f"{name!r} {reason}; backfill"
                    + (" --deputy" if deputy is not None else "")
                    + f" takes {', '.join(dated)}"
                )
        available = [name for name in available if name in dated]
    for name in requested:
        if name not in SOURCES:
            raise UsageError(
                f"unknown source {name!r}; the sources are: {', '.join(SOURCES)}"
            )
        if name not in available:
            raise UsageError(
                f"source {name!r} is not implemented in this version yet; "
                f"available: {', '.join(available)}"
            )
    chosen = set(requested) if requested else set(available)
    return [source for source in available if source in chosen]


def run_crawls(
    sources: list[str], settings: Settings, **spider_args: Any
) -> list[CrawlResult]:
    """Crawl each source in turn in this process; stop early on Ctrl-C."""
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    # Imported after install_reactor: importing it first installs the default one.
    from twisted.internet import reactor

    from crawl.progress import install_logging

    install_log_file(settings)
    install_logging(settings)
    process = CrawlerProcess(settings)
    crawlers = [process.create_crawler(source) for source in sources]

    results: list[CrawlResult] = []
    done: list[bool] = []

    @inlineCallbacks
    def crawl_all():  # noqa: ANN202
        try:
            for source, crawler in zip(sources, crawlers, strict=True):
                try:
                    yield process.crawl(crawler, **spider_args)
                except Exception as exc:  # the crawler could not even start
                    logger.error("%s could not run: %s", source, exc)
                stats = crawler.stats
                # Scrapy closes a spider with "shutdown" on Ctrl-C or SIGTERM.
                interrupted = stats.get_value("finish_reason") == "shutdown"
                results.append(
                    CrawlResult(
                        source,
                        stats.get_value("mwatch/outcome", "failed"),
                        stats.get_value("mwatch/run_id"),
                        stats.get_value("mwatch/alerts", 0),
                        interrupted,
                    )
                )
                if interrupted:
                    break
            else:
                done.append(True)
        finally:
            with contextlib.suppress(Exception):
                reactor.stop()

    reactor.callWhenRunning(crawl_all)
    handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    try:
        process.start(stop_after_crawl=False)
    finally:
        # Scrapy's handlers are for a running reactor; what follows the crawl
        # (its table, matching) stops on a signal as before it.
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    if (
        not done
        and len(results) < len(sources)
        and not any(r.interrupted for r in results)
    ):
        # A second Ctrl-C or SIGTERM stops the reactor in the middle of a source
        # (or between two), its spider never closed; so does one while the
        # spider opens (Scrapy stops the reactor before the engine started).
        crawler = crawlers[len(results)]
        _close_unclosed(crawler)
        run_id = crawler.stats.get_value("mwatch/run_id")
        results.append(
            CrawlResult(sources[len(results)], "interrupted", run_id, 0, True)
        )
    return results


def _close_unclosed(crawler: Crawler) -> None:
    """Close the run of a crawler whose reactor stopped before its spider closed
    (its storage pipeline's, if it got that far)."""
    from crawl.pipeline import StoragePipeline

    try:
        engine = crawler.engine
    except RuntimeError:  # the crawl never got to create its engine
        return
    for pipeline in engine.scraper.itemproc.middlewares:
        if isinstance(pipeline, StoragePipeline):
            with contextlib.suppress(Exception):  # nothing more to be done
                pipeline.close_unclosed()


def crawl_sources(
    sources: list[str],
    overrides: dict[str, str],
    dated_only: bool = False,
    lock: str | None = "alone",
    **spider_args: Any,
) -> list[CrawlResult]:
    """Crawl the sources holding the crawl lock, so that two scheduled crawls
    never overlap: "alone", or "shared" with other workers; None for the demo's
    own database."""
    settings = project_settings(overrides)
    chosen = resolve_sources(sources, settings, dated_only, spider_args.get("deputy"))
    checked_database(settings["DATABASE_URL"])
    if lock is None:
        return run_crawls(chosen, settings, **spider_args)
    with crawl_lock(settings["LOCK_FILE"], shared=lock == "shared"):
        if lock == "shared":  # a worker crawls a share of a command elsewhere
            return run_crawls(chosen, settings, **spider_args)
        url = settings["DATABASE_URL"]
        command = CrawlCommand(
            sources=chosen,
            mode=spider_args.get("mode", "nightly"),
            window={
                name: value.isoformat() if isinstance(value, date) else value
                for name, value in spider_args.items()
                if name != "mode" and value is not None
            },
            after_run=_newest_run(url),
            started=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        record_command(settings["LOCK_FILE"], url, command)
        results = run_crawls(chosen, settings, **spider_args)
        if not interrupted(results):
            command.finished = datetime.now(UTC).isoformat(timespec="seconds")
            record_command(settings["LOCK_FILE"], url, command)
        return results


def _newest_run(url: str) -> int:
    from cli.status import newest_run_id
    from storage import db

    with db.session_for(url) as session:
        return newest_run_id(session)


def interrupted(results: list[CrawlResult]) -> bool:
    """The crawl was stopped by Ctrl-C or SIGTERM."""
    return any(r.interrupted for r in results)


def exit_code(results: list[CrawlResult]) -> int:
    """0 when every run succeeded and raised no alert (count drop, silence);
    130 when Ctrl-C or SIGTERM stopped the crawl."""
    if interrupted(results):
        return EXIT_INTERRUPTED
    ok = results and all(r.outcome == "success" and not r.alerts for r in results)
    return EXIT_OK if ok else EXIT_FAILED
