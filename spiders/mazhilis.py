"""What the spiders of the Mazhilis API share: its base URL and the window of a
chosen convocation's session."""

from collections.abc import AsyncIterator, Callable, Iterator

from scrapy import Request
from scrapy.http import Response

from crawl.base import SourceSpider
from crawl.decoding import BadPayload, json_of
from crawl.text import parse_date


class MazhilisSpider(SourceSpider):
    """A spider of the Mazhilis API, whose base URL is `MAZHILIS_URL`."""

    site = "mazhilis"
    base_setting = "MAZHILIS_URL"

    def api(self, path: str) -> str:
        return f"{self.base_url}/api/core/{path}"

    async def start_window(
        self, first: Callable[[], Request]
    ) -> AsyncIterator[Request]:
        """`first()`, after resolving a chosen session into ids and dates."""
        if self.convocation is None:
            yield first()
            return
        yield Request(
            self.api("convocations/"),
            headers={"Accept": "application/json"},
            callback=self.parse_window,
            errback=self.on_index_error,
            cb_kwargs={"first": first},
            dont_filter=True,
        )

    def parse_window(
        self, response: Response, first: Callable[[], Request]
    ) -> Iterator[Request]:
        """Narrow the window to the chosen convocation's session."""
        try:
            convocations = json_of(response)
        except BadPayload as exc:
            yield from self.retry_or_fail(response, str(exc), index=True)
            return
        try:
            convocation = next(
                c for c in convocations if int(c["number"]) == self.convocation
            )
        except (ValueError, KeyError, TypeError) as exc:
            self.fail(f"{response.url}: no convocations list ({exc})")
        except StopIteration:
            self.fail(f"the source has no convocation {self.convocation}")
        window = self.window
        window.source_convocation_id = convocation.get("id")
        if self.session is not None:
            sessions = {int(s["number"]): s for s in convocation.get("sessions") or []}
            if self.session not in sessions:
                known = ", ".join(map(str, sorted(sessions))) or "none"
                self.fail(
                    f"convocation {self.convocation} has no session {self.session}"
                    f" (its sessions: {known})"
                )
            chosen = sessions[self.session]
            window.source_session_id = chosen.get("id")
            start = parse_date(chosen.get("start_date"))
            end = parse_date(chosen.get("end_date"))
        else:
            start = parse_date(convocation.get("start_date"))
            end = parse_date(convocation.get("end_date"))
        if start and (window.since is None or start > window.since):
            window.since = start
        if end and (window.until is None or end < window.until):
            window.until = end
        self.report["window"] = {
            "since": window.since.isoformat() if window.since else None,
            "until": window.until.isoformat() if window.until else None,
        }
        yield first()
