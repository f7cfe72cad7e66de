"""Progress of a crawl: pages, records and errors, on a terminal as one line that
updates, and otherwise as a plain log line now and then."""

import logging
import sys
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task

from records import Page, RawDocument

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, crawler: Crawler, interactive: bool) -> None:
        self.crawler = crawler
        self.interactive = interactive
        self.interval = 0.5 if interactive else 30.0
        self.records = 0
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Progress":
        interactive = crawler.settings.getbool("PROGRESS_ON_TERMINAL") and (
            sys.stderr.isatty()
        )
        progress = cls(crawler, interactive)
        crawler.signals.connect(progress.opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.scraped, signal=signals.item_scraped)
        crawler.signals.connect(progress.closed, signal=signals.spider_closed)
        return progress

    def line(self, spider: Spider) -> str:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        failed = len(getattr(spider, "failed_pages", []))
        return f"{spider.name}: {pages} pages, {self.records} records, {failed} errors"

    def opened(self, spider: Spider) -> None:
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(self.interval, now=False)

    def scraped(self, item: Any, spider: Spider) -> None:
        if isinstance(item, Page):
            self.records += len(item.records)
        elif not isinstance(item, RawDocument):
            self.records += 1

    def show(self, spider: Spider) -> None:
        if self.interactive:
            sys.stderr.write("\r\033[K" + self.line(spider))
            sys.stderr.flush()
        else:
            logger.info("progress: %s", self.line(spider))

    def closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.interactive:
            sys.stderr.write("\r\033[K" + self.line(spider) + "\n")
            sys.stderr.flush()
        else:
            logger.info("done: %s", self.line(spider))
