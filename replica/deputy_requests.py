"""Deputies' requests (SOURCES.md §1.3): the list API and the documents' PDFs.

The requests are the same whatever the Accept-Language (the site gives them in
Russian). A document is written each time it is asked for (a couple of
milliseconds, the same bytes every time: as good as a stored file); the dataset's
`documents` may give it a fault: missing (404), broken (not a PDF), oversized
(60 MiB, streamed) or no_text (a scan without a text layer). A document whose
link is absolute on the site's host (`http://mazhilis.parlam.kz/media/...`) is
served at its path here, as the site would serve it; its percent-encoded name
is decoded once, as nginx does.
"""

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from aiohttp import web
from multidict import MultiMapping

from replica import params, pdfs
from replica.http import add_get, json_response

# nginx serves /media/ itself: a missing file is its own 404 page.
NGINX_404 = (
    "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found"
    "</h1></center><hr><center>nginx</center></body></html>"
)


class RequestsApi:
    """Serves the dataset's requests, newest first, and their documents."""

    def __init__(self, dataset: dict) -> None:
        self.requests = sorted(
            dataset["requests"],
            key=lambda r: (r["request_date"], r["id"]),
            reverse=True,
        )
        self.documents: dict[str, tuple[dict, Callable[[dict], bytes]]] = {}
        for request in self.requests:
            url = served_path(request["document_url"])
            self.documents[url] = (request, pdfs.request_pdf)
            if request["answer"] is not None:
                answer_url = served_path(request["answer"]["document_url"])
                self.documents[answer_url] = (request, pdfs.answer_pdf)
        self.faults = {
            served_path(url): document.get("fault")
            for url, document in dataset["documents"].items()
        }
        # What the API's count overstates (or understates) for a deputy's filter.
        self.count_errors = {
            int(deputy): error
            for deputy, error in dataset["count_errors"].get("requests", {}).items()
        }

    async def list_requests(self, request: web.Request) -> web.Response:
        """GET /api/core/deputy-requests?limit=&offset= and the filters."""
        try:
            matching = self._matching(request.query)
            page = params.page(matching, request.query)
        except params.QueryError as error:
            return json_response({"detail": str(error)}, status=400)
        deputy_id = params.integer(request.query, "deputy_id")
        page["count"] += self.count_errors.get(deputy_id, 0) if deputy_id else 0
        return json_response(page)

    def _matching(self, query: MultiMapping[str]) -> list[dict]:
        """The requests the query's filters select, in the list's order."""
        convocation_id = params.integer(query, "convocation_id")
        session_id = params.integer(query, "session_id")
        deputy_id = params.integer(query, "deputy_id")
        day = params.day(query, "request_date")
        answered = params.boolean(query, "answer")
        words = params.text(query, "q")
        words = words and words.casefold()
        return [
            r
            for r in self.requests
            if convocation_id in (None, r["convocation_id"])
            and session_id in (None, r["session_id"])
            and day in (None, r["request_date"])
            and answered in (None, r["answer"] is not None)
            and (words is None or words in r["title"].casefold())
            and (
                deputy_id is None
                or any(p["id"] == deputy_id for p in r["initiators"] + r["signatories"])
            )
        ]

    async def document(self, request: web.Request) -> web.StreamResponse:
        """GET /media/requests/<name>.pdf, or /media/requests/2023/10/<name>.pdf."""
        # aiohttp's path is decoded once: %D0%94 is Д, %25D0 (encoded twice) is not.
        url = request.path
        fault = self.faults.get(url)
        if url not in self.documents or fault == "missing":
            return web.Response(status=404, text=NGINX_404, content_type="text/html")
        if fault == "oversized":
            return await _stream_oversized(request)
        body = self._render(url, fault)
        return web.Response(body=body, content_type="application/pdf")

    def _render(self, url: str, fault: str | None) -> bytes:
        if fault == "broken":
            return pdfs.broken_pdf(url)
        if fault == "no_text":
            return pdfs.scan_pdf(url)
        request, make = self.documents[url]
        return make(request)


def served_path(url: str) -> str:
    """Where a document link is served: its path, decoded once."""
    return unquote(urlsplit(url).path)


async def _stream_oversized(request: web.Request) -> web.StreamResponse:
    """60 MiB in chunks of 64 KiB, the same chunk over and over; a client that
    stops reading early just ends the response."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "application/pdf",
            "Content-Length": str(pdfs.OVERSIZED_LENGTH),
        }
    )
    first, chunk = pdfs.oversized_chunks()
    try:
        await response.prepare(request)
        await response.write(first)
        for _ in range(pdfs.OVERSIZED_LENGTH // pdfs.CHUNK_LENGTH - 1):
            await response.write(chunk)
        await response.write_eof()
    # A reset while sending, or "Connection lost" while waiting to send more.
    except ConnectionError:
        pass
    return response


def add_routes(app: web.Application, dataset: dict) -> None:
    """Route the requests API (with and without its final slash) and documents."""
    api = RequestsApi(dataset)
    add_get(app, "/api/core/deputy-requests/", api.list_requests)
    app.router.add_get(r"/media/requests/{name:.+\.pdf}", api.document)
