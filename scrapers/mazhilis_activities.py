"""The Mazhilis activities page rendered in a real browser (SOURCES.md §1.4): the
crawl's fallback when the activities API refuses it, or when
`MAZHILIS_ACTIVITIES_VIA_BROWSER` is set.

`RenderedActivities` is mixed into the activities spider (spiders/
mazhilis_activities.py), which gives it `base_url`, `document`, `unreadable`,
`layout` and `in_window`.
"""

from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy_playwright.page import PageMethod

from crawl.selectors import LayoutError
from records import Page, activity_item
from scrapers.mazhilis_rendered_activities_page import parse_activities_page


class RenderedActivities:
    """Requests and parses the rendered pages of a deputy's activities."""

    def page_request(self, deputy: int, page: int) -> Request:
        return Request(
            f"{self.base_url}/ru/deputies/{deputy}/activities?page={page}",
            callback=self.parse_page,
            errback=self.on_error,
            cb_kwargs={"deputy": deputy, "page": page},
            meta={
                "playwright": True,
                # The page is an empty shell until its script has rendered it.
                "playwright_page_methods": [
                    PageMethod("wait_for_selector", "app-deputy-activities .activities")
                ],
            },
        )

    def parse_page(self, response: Response, deputy: int, page: int) -> Iterator[Any]:
        """One page as the browser rendered it."""
        document = self.document(response, variant="rendered")
        try:
            rendered = parse_activities_page(response.text)
        except (LayoutError, ValueError, KeyError) as exc:
            yield self.unreadable(document, "activities-page", str(exc))
            return
        self.layout.records_read(
            "activities-page",
            response.url,
            len(rendered.activities),
            rendered.unreadable,
        )
        items = [
            activity_item(a.id, deputy, a.date, a.title, a.text, a.place, a.url, "page")
            for a in rendered.activities
        ]
        kept, go_on = self.in_window(items, document.ref)
        yield Page([document], kept)
        if go_on and rendered.next_url:
            yield self.page_request(deputy, page + 1)
