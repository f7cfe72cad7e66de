"""What every mazhilis-watch spider shares: raw documents, failed pages, verdicts."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import Request
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawl.layout import LayoutAudit
from crawl.text import parse_date
from records import Page, PostsRead, RawDocument, Scope

MODES = ("nightly", "backfill")


@dataclass
class Window:
    """The dates a crawl covers, and the source's ids of a chosen session."""

    since: date | None = None
    until: date | None = None
    source_convocation_id: int | None = None
    source_session_id: int | None = None

    def position(self, day: date | None) -> int:
        """-1 before the window, 1 after it, 0 inside (an undated record too)."""
        if day is None:
            return 0
        if self.since and day < self.since:
            return -1
        if self.until and day > self.until:
            return 1
        return 0


class SourceSpider(scrapy.Spider):
    """A spider of one source; the storage pipeline records its run from these."""

    # The source's name on the command line, e.g. "mazhilis-deputies".
    name: str
    # The site, as recorded with raw documents and provenance: "mazhilis", ...
    site: str

    def __init__(
        self,
        *args: Any,
        mode: str = "nightly",
        since: date | str | None = None,
        until: date | str | None = None,
        convocation: int | str | None = None,
        session: int | str | None = None,
        deputy: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
        self.mode = mode
        self.window = Window(since=parse_date(since), until=parse_date(until))
        # A convocation's session by their numbers (8, 2), resolved at start.
        self.convocation = int(convocation) if convocation else None
        self.session = int(session) if session else None
        # Only this deputy's records (by the source's id), when given.
        self.deputy = int(deputy) if deputy else None
        # Figures the run's report keeps, e.g. the count a source publishes.
        self.report: dict[str, Any] = {}
        # Pages given up on: {"url", "reason"}; they make the run "partial".
        self.failed_pages: list[dict[str, str]] = []
        # Things a person should look at that did not stop the crawl.
        self.warnings: list[str] = []
        # Why the run is broken, when it is: the run is then "failed".
        self.failure: str | None = None
        self.layout = LayoutAudit(max_missing_rate=0.1)

    # The setting naming the source's base URL, whose host alone is crawled.
    base_setting: str

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.layout.max_missing_rate = crawler.settings.getfloat("MAX_MISSING_RATE")
        # Scrapy's offsite filter drops every request to another host: a link off
        # the source (a document_url on some other site) is never followed.
        spider.allowed_domains = [urlsplit(crawler.settings[cls.base_setting]).hostname]
        return spider

    @property
    def base_url(self) -> str:
        """The source's base URL, from its setting (`base_setting`)."""
        return self.settings[self.base_setting].rstrip("/")

    def today(self) -> date:
        """The crawl's present: `MWATCH_TODAY` when set (a replica's data stands
        for its own present), else today."""
        today = self.settings["TODAY"]
        return date.fromisoformat(today) if today else datetime.now(UTC).date()

    def verdict(self) -> str | None:
        """Why the run failed, if it did: a stop, or a layout that changed. The
        records that could not be read, if any, go into the run's report."""
        unreadable = self.layout.unreadable_records()
        if unreadable:
            self.report["unreadable"] = unreadable
        return self.failure or self.layout_changed()

    def layout_changed(self) -> str | None:
        """What of the source's layout changed, also kept in the run's report."""
        problems = self.layout.problems()
        if not problems:
            return None
        self.report["layout"] = problems
        return "; ".join(map(self.describe_problem, problems))

    def describe_problem(self, problem: dict[str, Any]) -> str:
        """One layout problem in words, leaving out the parts it has none of (an
        empty list lacks no field)."""
        text = f"{self.name} {problem['page_type']}: {problem['problem']}"
        if problem["fields_missing"]:
            text += f"; missing {', '.join(problem['fields_missing'])}"
        if problem["example_urls"]:
            text += f"; e.g. {', '.join(problem['example_urls'])}"
        return text

    def nightly_cutoff(self, last_success: datetime | None) -> date | None:
        """Records older than this and stored unchanged end a nightly crawl's paging;
        None (no successful run yet) reads everything."""
        if last_success is None:
            return None
        overlap = self.settings.getint("NIGHTLY_OVERLAP_DAYS")
        return last_success.date() - timedelta(days=overlap)

    def before_cutoff(self, day: date | None) -> bool:
        cutoff = getattr(self, "cutoff", None)
        return cutoff is not None and day is not None and day < cutoff

    @property
    def unfiltered(self) -> bool:
        """Whether the run reads all the source has (no window, no deputy)."""
        window = self.window
        return not (window.since or window.until or self.deputy)

    def posts_read(self) -> PostsRead | None:
        """What a run of social accounts read, for the empty-window gate; None
        for other sources."""
        return None

    def complete_scopes(self) -> list[Scope]:
        """What a successful run of this spider saw all of (records.Scope): stored
        records there that it did not see are gone from the source. None by
        default: a run that reads part of a source proves nothing."""
        return []

    def document(self, response: Response, variant: str = "") -> RawDocument:
        """The response as a raw document, to yield before what is parsed from it."""
        content_type = response.headers.get("Content-Type")
        return RawDocument(
            source=self.site,
            url=response.url,
            variant=variant,
            http_status=response.status,
            body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
            fetched_at=datetime.now(UTC),
        )

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            self.logger.warning(message)

    def page_failed(self, url: str, reason: str) -> None:
        self.failed_pages.append({"url": url, "reason": reason})
        self.logger.error("page failed: %s: %s", url, reason)

    def unreadable(self, document: RawDocument, page_type: str, reason: str) -> Page:
        """A page its parser cannot read (its layout changed): recorded as failed
        and audited; only its raw document is stored."""
        self.page_failed(document.url, f"{page_type} unreadable: {reason}")
        self.layout.page_broken(page_type, document.url, reason)
        return Page([document])

    def on_error(self, failure: Failure) -> None:
        """Errback: the page is recorded as failed and the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"HTTP {response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.page_failed(request.url, reason)

    def on_index_error(self, failure: Failure) -> None:
        """Errback of a page the rest hangs on (a list, the first page): the run
        fails, as nothing else can be reached."""
        self.on_error(failure)
        page = self.failed_pages[-1]
        self.fail(f"{page['url']} failed ({page['reason']}): nothing to crawl")

    def retry_or_fail(
        self, response: Response, reason: str, index: bool = False
    ) -> Iterator[Request]:
        """A page whose content came back broken: fetched again (as a failed
        download would be), and once the retries are spent recorded as failed
        (an `index` page, that the rest hangs on, fails the run)."""
        retry = get_retry_request(response.request, spider=self, reason=reason)
        if retry is not None:
            yield retry
        elif index:
            self.fail(f"{response.url}: {reason}")
        else:
            self.page_failed(response.url, reason)

    def fail(self, reason: str) -> None:
        """Stop the crawl and mark its run failed: the source looks broken."""
        self.failure = reason
        self.logger.log(logging.ERROR, "run failed: %s", reason)
        raise CloseSpider("source_broken")
