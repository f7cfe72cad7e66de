"""What every mazhilis-watch spider shares: raw documents, failed pages, verdicts."""

import logging
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders.items import RawDocument

MODES = ("nightly", "backfill")


class SourceSpider(scrapy.Spider):
    """A spider of one source; the storage pipeline records its run from these."""

    # The source's name on the command line, e.g. "mazhilis-deputies".
    name: str
    # The site, as recorded with raw documents and provenance: "mazhilis", ...
    site: str

    def __init__(self, *args: Any, mode: str = "nightly", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
        self.mode = mode
        # Pages given up on: {"url", "reason"}; they make the run "partial".
        self.failed_pages: list[dict[str, str]] = []
        # Things a person should look at that did not stop the crawl.
        self.warnings: list[str] = []
        # Why the run is broken, when it is: the run is then "failed".
        self.failure: str | None = None

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

    def on_error(self, failure: Failure) -> None:
        """Errback: the page is recorded as failed and the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"HTTP {response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.page_failed(request.url, reason)

    def fail(self, reason: str) -> None:
        """Stop the crawl and mark its run failed: the source looks broken."""
        self.failure = reason
        self.logger.log(logging.ERROR, "run failed: %s", reason)
        raise CloseSpider("source_broken")
