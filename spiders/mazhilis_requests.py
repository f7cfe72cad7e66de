"""Deputy requests of the Mazhilis and their PDFs (SOURCES.md §1.3).

Pages of `/api/core/deputy-requests` run newest first. A nightly crawl stops paging
at the first page whose requests are all stored unchanged and older than the last
successful run (less an overlap); a backfill reads every page of its window.
"""

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawl.decoding import BadPayload, json_of
from crawl.pdf import PdfReaders
from records import (
    Page,
    PublishedCountItem,
    RawDocument,
    RequestFileItem,
    RequestItem,
    Scope,
    scope_of,
)
from spiders.mazhilis import MazhilisSpider
from spiders.mazhilis_deputies_page import site_path
from spiders.mazhilis_requests_page import (
    REQUEST_FIELDS,
    REQUEST_REQUIRED,
    parse_request,
)
from storage.published import sitting_deputies
from storage.state import crawl_state, request_files_stored

MISSING_STATUSES = (404, 410)


class MazhilisRequestsSpider(MazhilisSpider):
    name = "mazhilis-requests"
    site = "mazhilis"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.pdf_readers = PdfReaders(crawler.settings.getint("PDF_READERS"))
        return spider

    def one_day(self) -> date | None:
        """The day a one-day window selects through the API's own filter."""
        window = self.window
        return window.since if window.since and window.since == window.until else None

    def request_page(
        self, offset: int, deputy: int | None = None, limit: int | None = None
    ) -> Request:
        """A page of the list; with `deputy`, only that deputy's total is read."""
        window = self.window
        one_day = self.one_day()
        query = {
            "limit": limit or self.settings.getint("MAZHILIS_REQUESTS_PAGE_SIZE"),
            "offset": offset,
            "q": "",
            "answer": "null",
            "convocation_id": window.source_convocation_id or "null",
            "deputy_id": deputy or self.deputy or "null",
            "request_date": one_day.isoformat() if one_day else "null",
            "session_id": window.source_session_id or "null",
        }
        if deputy is not None:
            return Request(
                self.api(f"deputy-requests?{urlencode(query)}"),
                headers={"Accept": "application/json"},
                callback=self.parse_total,
                errback=self.on_error,
                cb_kwargs={"deputy": deputy},
            )
        return Request(
            self.api(f"deputy-requests?{urlencode(query)}"),
            headers={"Accept": "application/json"},
            callback=self.parse_page,
            errback=self.on_index_error if offset == 0 else self.on_error,
            cb_kwargs={"offset": offset},
        )

    def published(
        self, count: int, document: RawDocument, deputy: int | None
    ) -> PublishedCountItem:
        """The API's `count` under the filters this crawl uses."""
        window, one_day = self.window, self.one_day()
        scope = scope_of(
            convocation=None
            if window.source_session_id
            else window.source_convocation_id,
            session=window.source_session_id,
            deputy=deputy,
            date=one_day.isoformat() if one_day else None,
        )
        return PublishedCountItem(
            self.name, "requests", scope, count, document=document.ref
        )

    def parse_total(self, response: Response, deputy: int) -> Iterator[Any]:
        """A deputy's total: the `count` of the list filtered by that deputy."""
        document = self.document(response)
        try:
            count = int(json_of(response)["count"])
        except BadPayload as exc:
            yield from self.retry_or_fail(response, str(exc))
            return
        except (ValueError, KeyError, TypeError) as exc:
            yield self.unreadable(document, "requests-list", f"no count: {exc}")
            return
        yield Page([document], [self.published(count, document, deputy)])

    async def start(self) -> Any:
        self.cutoff, self.known = None, {}
        self.files_stored: set[tuple[int, str]] = set()
        if self.mode == "nightly":
            url = self.settings["DATABASE_URL"]
            last, self.known = crawl_state(url, self.name, "requests")
            self.cutoff = self.nightly_cutoff(last)
            self.files_stored = request_files_stored(url)
        async for request in self.start_window(lambda: self.request_page(0)):
            yield request

    def complete_scopes(self) -> list[Scope]:
        """A backfill, or a first crawl, reads every request of its window: those
        stored there and not seen are gone, and so are the participants no longer
        listed on a request that was seen."""
        if self.cutoff is not None or self.deputy is not None:
            return []
        window = self.window
        return [
            Scope(
                "requests",
                since=window.since,
                until=window.until,
                session=window.source_session_id or None,
            )
        ]

    def parse_page(self, response: Response, offset: int) -> Iterator[Any]:
        """One page: its requests, their PDFs where new, then the next page."""
        document = self.document(response)
        try:
            payload = json_of(response)
        except BadPayload as exc:
            yield from self.retry_or_fail(response, str(exc), index=offset == 0)
            return
        try:
            count, items = int(payload["count"]), list(payload["result"])
        except (ValueError, KeyError, TypeError) as exc:
            yield self.unreadable(document, "requests-list", f"no count/result: {exc}")
            return
        # The next page starts after every item of this one, stored or not.
        following = offset + len(items)
        items = self.layout.complete(
            "requests-list", response.url, items, REQUEST_FIELDS, REQUEST_REQUIRED
        )
        published: list[PublishedCountItem] = []
        if offset == 0:
            self.report["published_count"] = count
            if self.unfiltered:
                self.report["total"] = count
            published.append(self.published(count, document, self.deputy))
        settled, older = bool(items), False
        records: list[RequestItem] = []
        files: list[Request | Page] = []
        for obj in items:
            try:
                request = parse_request(obj)
            except ValueError as exc:
                self.page_failed(response.url, str(exc))
                continue
            request.document = document.ref
            position = self.window.position(request.request_date)
            older = older or position < 0
            known = self.known.get(request.mazhilis_id) == request.item_hash
            settled = settled and known and self.before_cutoff(request.request_date)
            if position != 0:
                continue
            records.append(request)
            files.extend(self.file_requests(request, fetch_all=not known))
        yield Page([document], [*records, *published])
        yield from files
        if offset == 0 and self.deputy is None and self.cutoff is None:
            # A complete crawl also reads each deputy's total, to reconcile.
            for deputy in sitting_deputies(self.settings["DATABASE_URL"]):
                yield self.request_page(0, deputy=deputy, limit=1)
        if settled:
            self.logger.info("stopped at offset %s: the rest is stored", offset)
        elif items and following < count and not older:
            yield self.request_page(following)

    def file_requests(self, request: RequestItem, fetch_all: bool) -> Iterator[Any]:
        """The request's and the answer's PDFs: all of a new or changed request's
        (and all in a backfill), and those not stored (never fetched, or failed).

        A link names the site's public host (or another): only its path is
        fetched, from the configured base; the file keeps the public URL. A
        link to another host is recorded `offsite` and never followed."""
        for kind, url in (
            ("request", request.document_url),
            ("answer", request.answer_document_url),
        ):
            missing = (request.mazhilis_id, kind) not in self.files_stored
            if not url or not (fetch_all or missing or self.mode == "backfill"):
                continue
            path = site_path(url)
            if path is None:
                yield self.offsite_file(request.mazhilis_id, kind, url)
                continue
            yield Request(
                self.base_url + path,
                callback=self.parse_file,
                errback=self.on_file_error,
                cb_kwargs={
                    "request_id": request.mazhilis_id,
                    "kind": kind,
                    "public_url": url,
                },
                meta={
                    "download_maxsize": self.settings.getint("MAX_PDF_BYTES"),
                    "handle_httpstatus_list": list(MISSING_STATUSES),
                },
            )

    def offsite_file(self, request_id: int, kind: str, url: str) -> Page:
        """A document on another host: recorded, not fetched."""
        file = RequestFileItem(
            request_mazhilis_id=request_id,
            kind=kind,
            url=url,
            status="offsite",
            detail="not on the source's host: not followed",
        )
        self.warn_file(file)
        return Page([], [file])

    def closed(self, reason: str) -> None:
        self.pdf_readers.close()

    async def parse_file(
        self, response: Response, request_id: int, kind: str, public_url: str
    ) -> AsyncIterator[Any]:
        """A PDF: its text where it has a layer; a missing or broken one recorded."""
        file = RequestFileItem(
            request_mazhilis_id=request_id,
            kind=kind,
            url=public_url,
            status="missing",
            http_status=response.status,
        )
        documents = []
        if response.status not in MISSING_STATUSES:
            document = self.document(response)
            documents.append(document)
            reading = await self.pdf_readers.read(response.body)
            file.status, file.pages = reading.status, reading.pages
            file.text, file.detail = reading.text, reading.detail
            file.content_hash, file.size = document.content_hash, len(response.body)
            file.document = document.ref
        if file.status != "ok":
            self.warn_file(file)
        yield Page(documents, [file])

    def on_file_error(self, failure: Failure) -> Iterator[Page]:
        """A PDF that could not be downloaded: too large, or failed for good."""
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        file = RequestFileItem(
            request_mazhilis_id=request.cb_kwargs["request_id"],
            kind=request.cb_kwargs["kind"],
            url=request.cb_kwargs["public_url"],
            status="failed",
            http_status=response.status if response is not None else None,
            detail=f"{failure.type.__name__}: {failure.getErrorMessage()}",
        )
        if failure.check(DownloadCancelledError) and "max size" in file.detail:
            file.status = "oversized"
        elif failure.check(IgnoreRequest) and not file.http_status:
            # The offsite filter: the site's host redirected to another one.
            file.status, file.detail = "offsite", "redirected off the source's host"
        else:
            self.page_failed(request.url, file.detail)
        self.warn_file(file)
        yield Page([], [file])

    def warn_file(self, file: RequestFileItem) -> None:
        self.logger.warning(
            "request %s: %s PDF %s: %s",
            file.request_mazhilis_id,
            file.kind,
            file.url,
            file.status,
        )
