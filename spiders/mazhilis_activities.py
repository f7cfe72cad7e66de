"""Deputies' meetings with voters and work in the districts (SOURCES.md §1.4).

Each sitting deputy's activities come from the JSON API; when the API refuses the
crawler (or `MAZHILIS_ACTIVITIES_VIA_BROWSER` is set), from the page rendered in a
real browser. Paging stops as for requests: at stored, unchanged, older records.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawl.decoding import BadPayload, json_of
from records import ActivityItem, DocumentRef, Page, PublishedCountItem, Scope, scope_of
from scrapers.mazhilis_activities import RenderedActivities
from spiders.mazhilis import MazhilisSpider
from spiders.mazhilis_activities_page import (
    ACTIVITY_FIELDS,
    ACTIVITY_REQUIRED,
    parse_activity,
)
from storage.state import crawl_state

# The API's answers when it wants a browser (a JS challenge) or has no such path.
REFUSALS = (401, 403, 404)


class MazhilisActivitiesSpider(RenderedActivities, MazhilisSpider):
    name = "mazhilis-activities"

    async def start(self) -> Any:
        self.cutoff, self.known = None, {}
        self.crawled: list[int] = []
        self.via_browser = self.settings.getbool("MAZHILIS_ACTIVITIES_VIA_BROWSER")
        if self.mode == "nightly":
            last, self.known = crawl_state(
                self.settings["DATABASE_URL"], self.name, "activities"
            )
            self.cutoff = self.nightly_cutoff(last)
        async for request in self.start_window(self.deputies_request):
            yield request

    def complete_scopes(self) -> list[Scope]:
        """A backfill, or a first crawl, reads every activity of its window, of
        the deputies whose pages were read (a former deputy is not listed)."""
        if self.cutoff is not None:
            return []
        window = self.window
        return [
            Scope(
                "activities",
                since=window.since,
                until=window.until,
                deputies=frozenset(self.crawled),
            )
        ]

    def deputies_request(self) -> Request:
        return Request(
            self.api("deputies/?ord=last_name"),
            headers={"Accept": "application/json", "Accept-Language": "ru"},
            callback=self.parse_deputies,
            errback=self.on_index_error,
        )

    def parse_deputies(self, response: Response) -> Iterator[Request]:
        """Every sitting deputy's first page of activities."""
        try:
            payload = json_of(response)
        except BadPayload as exc:
            yield from self.retry_or_fail(response, str(exc), index=True)
            return
        try:
            deputies = [int(d["id"]) for d in payload]
        except (ValueError, KeyError, TypeError) as exc:
            self.fail(f"{response.url}: not a list of deputies ({exc})")
        if not deputies:
            self.fail(f"{response.url}: no deputies listed")
        if self.deputy is not None:
            # A former deputy is not listed, but their page still answers.
            deputies = [self.deputy]
        self.crawled = deputies
        for deputy in deputies:
            if self.via_browser:
                yield self.page_request(deputy, 1)
            else:
                yield self.api_request(deputy, 0)

    def api_request(self, deputy: int, offset: int) -> Request:
        limit = self.settings.getint("MAZHILIS_ACTIVITIES_PAGE_SIZE")
        return Request(
            self.api(
                f"deputies/{deputy}/activities/?type=meeting&limit={limit}"
                f"&offset={offset}"
            ),
            headers={"Accept": "application/json", "Accept-Language": "ru"},
            callback=self.parse_api,
            errback=self.on_error,
            cb_kwargs={"deputy": deputy, "offset": offset},
            meta={"handle_httpstatus_list": list(REFUSALS)},
        )

    def parse_api(self, response: Response, deputy: int, offset: int) -> Iterator[Any]:
        """One page of the JSON API, or the switch to the browser if refused."""
        if response.status in REFUSALS:
            self.warn(
                f"the activities API answers HTTP {response.status}: reading the "
                "rendered pages in a browser instead"
            )
            self.via_browser = True
            # The API's counts, the source's total, are not to be had.
            self.report.pop("total", None)
            yield self.page_request(deputy, 1)
            return
        document = self.document(response)
        try:
            payload = json_of(response)
        except BadPayload as exc:
            yield from self.retry_or_fail(response, str(exc))
            return
        try:
            count, objects = int(payload["count"]), list(payload["result"])
            complete = self.layout.complete(
                "activities-api",
                response.url,
                objects,
                ACTIVITY_FIELDS,
                ACTIVITY_REQUIRED,
            )
            items = [parse_activity(obj, deputy) for obj in complete]
        except (ValueError, KeyError, TypeError) as exc:
            yield self.unreadable(document, "activities-api", f"no count/result: {exc}")
            return
        if offset == 0 and self.unfiltered and not self.via_browser:
            self.report["total"] = self.report.get("total", 0) + count
        kept, go_on = self.in_window(items, document.ref)
        published: list[PublishedCountItem] = []
        if offset == 0:
            published.append(
                PublishedCountItem(
                    self.name,
                    "activities",
                    scope_of(deputy=deputy),
                    count,
                    document=document.ref,
                )
            )
        yield Page([document], [*kept, *published])
        # The next page starts after every item of this one, stored or not.
        following = offset + len(objects)
        if go_on and following < count:
            yield self.api_request(deputy, following)

    def in_window(
        self, items: Iterable[ActivityItem], ref: DocumentRef
    ) -> tuple[list[ActivityItem], bool]:
        """The items in the window, and whether to read the next page."""
        settled, older, seen = True, False, False
        kept = []
        for item in items:
            seen = True
            item.document = ref
            position = self.window.position(item.activity_date)
            older = older or position < 0
            known = self.known.get(item.mazhilis_id) == item.item_hash
            settled = settled and known and self.before_cutoff(item.activity_date)
            if position == 0:
                kept.append(item)
        return kept, seen and not settled and not older
