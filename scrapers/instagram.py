"""Deputies' Instagram profiles in a real browser (SOURCES.md §3).

The profile page's script fetches `web_profile_info` (the first 12 posts); each
scroll to the bottom fetches the next 12 from `graphql/query` (v1 media objects),
whatever its doc_id. The crawler reads those answers as the browser receives
them, not the page's markup, and stores each as the raw document of its posts,
until the timeline passes the window; a pinned post, older and first, neither
stops it nor is lost. Without a logged-in session the second fetch answers 401
and the page shows a login wall: the first 12 are kept and the run says what is
missing and how to get it. Each other way a profile can stay closed (401 or 403
to the first fetch, 429, a checkpoint, a session logged out) leaves the account
in its state (browser_social.ACCOUNT_STATES) and the crawl goes on.
"""

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from playwright.async_api import Page as BrowserPage
from playwright.async_api import Response as BrowserResponse
from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

import records
from crawl.selectors import LayoutError
from records import Page, PostItem
from scrapers.browser_social import BrowserSocialSpider, ResponseCapture
from scrapers.instagram_page import (
    InstagramPost,
    TimelinePage,
    parse_timeline,
    session_page,
)

# The profile's JSON: the first posts, then each next page.
PROFILE_INFO = "/api/v1/users/web_profile_info/"
TIMELINE_QUERY = "/graphql/query"


def post_item(post: InstagramPost, username: str, base_url: str) -> PostItem:
    """A post as stored, keyed by its shortcode; its hash covers what it says (not
    its counts, nor its picture's address, which the CDN signs anew)."""
    return records.post_item(
        "instagram",
        username,
        post.shortcode,
        f"{base_url}/p/{post.shortcode}/",
        post.posted_at,
        post.text,
        post.hashtags,
        photos=post.photos,
        likes=post.likes,
        comments=post.comments,
    )


class InstagramSpider(BrowserSocialSpider):
    name = "instagram"
    site = "instagram"
    platform = "instagram"
    base_setting = "INSTAGRAM_URL"
    state_setting = "INSTAGRAM_STATE"
    state_variable = "MWATCH_INSTAGRAM_STATE"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The answers each open profile page got so far.
        self.captures: dict[BrowserPage, ResponseCapture] = {}

    def account_request(self, handle: str) -> Request:
        return Request(
            f"{self.base_url}/{handle}/",
            callback=self.parse_profile,
            errback=self.on_browser_error,
            cb_kwargs={"username": handle},
            # By name, so that the request can be queued in Redis (workers).
            meta=self.browser_meta(
                playwright_page_event_handlers={"response": "on_page_response"}
            ),
            dont_filter=True,
        )

    def on_page_response(self, response: BrowserResponse) -> None:
        """Each answer a profile page gets goes to that page's capture."""
        page = response.frame.page
        capture = self.captures.get(page)
        if capture is None:
            capture = self.captures[page] = ResponseCapture(
                PROFILE_INFO, TIMELINE_QUERY
            )
        capture.on_response(response)

    async def on_browser_error(self, failure: Failure) -> None:
        page = failure.request.meta.get("playwright_page")  # type: ignore[attr-defined]
        self.captures.pop(page, None)
        await super().on_browser_error(failure)

    async def parse_profile(
        self, response: Response, username: str
    ) -> AsyncIterator[Any]:
        """Every answer the profile page gets while it is scrolled, as posts."""
        page = response.meta["playwright_page"]
        capture = self.captures.setdefault(
            page, ResponseCapture(PROFILE_INFO, TIMELINE_QUERY)
        )
        try:
            async for page_or_nothing in self.read_timeline(
                response, page, username, capture
            ):
                yield page_or_nothing
        finally:
            self.captures.pop(page, None)
            await self.release(page, response.meta["playwright_context"])

    async def read_timeline(
        self, response: Response, page: Any, username: str, capture: ResponseCapture
    ) -> AsyncIterator[Page]:
        sent_to = session_page(response.url)
        if sent_to == "checkpoint":
            self.sent_away(
                response.url,
                username,
                "checkpoint",
                f"the session was sent to a checkpoint ({response.url})",
            )
            return
        if sent_to == "login":
            self.needs_session(
                response.url, username, "the profile sent the visitor to log in", 0
            )
            return
        navigation = self.settings.getint("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT")
        if not await capture.wait_for(1, navigation / 1000):
            self.page_failed(response.url, "the page fetched no web_profile_info")
            return
        handled, read, total = 0, 0, None
        while True:
            more = False
            for answer in capture.answers[handled:]:
                handled += 1
                first = handled == 1
                if answer.status == 429:
                    self.rate_limited(
                        response.url,
                        username,
                        read,
                        f"{'web_profile_info' if first else 'the timeline'} "
                        "answered 429",
                    )
                    return
                if answer.status in (401, 403) and first:
                    self.needs_session(
                        response.url,
                        username,
                        f"web_profile_info answered {answer.status}: nothing is "
                        "visible",
                        0,
                    )
                    return
                if answer.status == 401:
                    self.login_wall(response.url, username, read, total)
                    return
                document = self.captured_document(answer)
                if answer.status != 200:
                    self.page_failed(answer.url, f"HTTP {answer.status}")
                    yield Page([document])
                    return
                try:
                    timeline = parse_timeline(answer.body)
                except (LayoutError, ValueError, TypeError) as exc:
                    yield self.unreadable(document, "profile-json", str(exc))
                    return
                self.posts_unreadable(answer.url, timeline.unreadable)
                self.layout.records_read(
                    "profile-json", answer.url, len(timeline.posts)
                )
                total = timeline.total if timeline.total is not None else total
                read += len(timeline.posts)
                kept, older, settled = self.timeline_in_window(timeline, username)
                for item in kept:
                    item.document = document.ref
                yield Page([document], kept)
                more = timeline.has_next_page and not older and not settled
            if not more:
                return
            answered = partial(capture.wait_for, handled + 1)
            if not await self.scroll_until(page, answered):
                self.page_failed(
                    response.url,
                    f"no more posts came after scrolling ({read} read of {total})",
                )
                return

    def timeline_in_window(
        self, timeline: TimelinePage, username: str
    ) -> tuple[list[PostItem], bool, bool]:
        """The page's posts in the window, and whether the timeline reached past
        it or into what is stored: a pinned post, older than those after it,
        is kept when in the window but says nothing of where the timeline is."""
        items = [post_item(p, username, self.base_url) for p in timeline.posts]
        kept, _, _ = self.posts_in_window(items)
        unpinned = [
            i for i, p in zip(items, timeline.posts, strict=True) if not p.pinned
        ]
        if not unpinned:
            return kept, False, False
        _, older, settled = self.posts_in_window(unpinned)
        return kept, older, settled

    def posts_unreadable(self, url: str, reasons: list[str]) -> None:
        """Posts of a page that could not be read cost themselves: said, the
        others stored."""
        if reasons:
            self.warn(
                f"instagram {url}: {len(reasons)} posts could not be read and are "
                f"not stored, e.g. {reasons[0]}"
            )
