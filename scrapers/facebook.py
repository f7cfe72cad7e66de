"""Deputies' Facebook pages in a real browser (SOURCES.md §4).

The page renders its newest posts by script and appends older ones each time it
is scrolled to the bottom. The crawler opens "See more" on every cut text,
scrolls until no new post comes (or the crawl window is passed), and reads the
rendered posts, storing the rendered page as their raw document. Without a
logged-in session a login wall covers the page after its first posts (5 to about
10): those are kept and the run says what is missing and how to get it. A page
that sends the visitor to `/login/?next=` instead needs a session (or the given
one is logged out); an unsupported-browser page or an identity check wants a
person. Each leaves the account in its state (browser_social.ACCOUNT_STATES),
none is a layout failure, and the crawl goes on with the other pages.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy import Request
from scrapy.http import Response

import records
from crawl.selectors import LayoutError
from records import Page, PostItem, RawDocument
from scrapers.browser_social import BrowserSocialSpider
from scrapers.facebook_page import (
    FacebookFeed,
    FacebookPost,
    parse_feed,
    session_page,
)

ARTICLES = 'div[role="feed"] div[role="article"]'
# A click in the page's own script: the button expands its text in place, even
# under the login wall that would catch a mouse click.
EXPAND_TEXTS = """() => {
  const buttons = document.querySelectorAll(
    'div[data-ad-preview="message"] div[role="button"]');
  buttons.forEach((button) => button.click());
  return buttons.length;
}"""
# More posts came, or the login wall is up.
GREW_OR_WALLED = """(count) =>
  document.querySelectorAll('div[role="feed"] div[role="article"]').length > count
  || document.querySelector('div[role="dialog"]:not([hidden])') !== null"""


async def grew_or_walled(page: Any, shown: int, timeout: float) -> bool:
    """Whether more than `shown` posts, or the login wall, came within `timeout`
    seconds."""
    try:
        await page.wait_for_function(GREW_OR_WALLED, arg=shown, timeout=timeout * 1000)
    except PlaywrightTimeout:
        return False
    return True


def post_item(post: FacebookPost) -> PostItem:
    """A post as stored, keyed by "<page>/<id>"; its hash covers its text."""
    # Page names are case-insensitive, as stored accounts' handles are.
    page = post.page.lower()
    return records.post_item(
        "facebook",
        page,
        f"{page}/{post.id}",
        post.url,
        post.posted_at,
        post.text,
        post.hashtags,
    )


class FacebookSpider(BrowserSocialSpider):
    name = "facebook"
    site = "facebook"
    platform = "facebook"
    base_setting = "FACEBOOK_URL"
    state_setting = "FACEBOOK_STATE"
    state_variable = "MWATCH_FACEBOOK_STATE"

    def account_request(self, handle: str) -> Request:
        return Request(
            f"{self.base_url}/{handle}",
            callback=self.parse_page,
            errback=self.on_browser_error,
            cb_kwargs={"handle": handle},
            meta=self.browser_meta(),
            dont_filter=True,
        )

    async def parse_page(self, response: Response, handle: str) -> AsyncIterator[Any]:
        """The page scrolled as far as needed, its posts read once rendered."""
        page = response.meta["playwright_page"]
        try:
            async for item in self.read_feed(response, page, handle):
                yield item
        finally:
            await self.release(page, response.meta["playwright_context"])

    async def rendered(self, page: Any, url: str) -> tuple[str, FacebookFeed]:
        """The page's markup with every text expanded, and its feed."""
        await page.evaluate(EXPAND_TEXTS)
        html = await page.content()
        return html, parse_feed(html, url)

    def sent_elsewhere(self, response: Response, handle: str) -> bool:
        """Whether the page's address led to a page that is not the feed (a
        login form, an unsupported-browser page, an identity check): the
        account is left in that state, which is no layout failure."""
        sent_to = session_page(response.url)
        if sent_to is None:
            return False
        if sent_to == "login":
            self.needs_session(
                response.url,
                handle,
                "the page sent the visitor to log in (/login/?next=)",
                0,
            )
        elif sent_to == "unsupported-browser":
            self.sent_away(
                response.url,
                handle,
                sent_to,
                "the session was shown Facebook's unsupported-browser page",
            )
        else:
            self.sent_away(
                response.url,
                handle,
                sent_to,
                f"the session was sent to an identity check ({response.url})",
            )
        return True

    async def read_feed(
        self, response: Response, page: Any, handle: str
    ) -> AsyncIterator[Page]:
        if self.sent_elsewhere(response, handle):
            return
        html = ""
        try:
            html, feed = await self.rendered(page, response.url)
            shown = 0
            while not self.read_enough(feed, shown):
                shown = len(feed.posts)
                answered = partial(grew_or_walled, page, shown)
                if not await self.scroll_until(page, answered):
                    break
                html, feed = await self.rendered(page, response.url)
        except LayoutError as exc:
            yield self.unreadable(self.feed_document(response, html), "feed", str(exc))
            return
        document = self.feed_document(response, html)
        self.layout.records_read("feed", response.url, len(feed.posts))
        items = [post_item(post) for post in feed.posts]
        for item in items:
            item.document = document.ref
        kept, _, _ = self.posts_in_window(items)
        cut = [post.url for post in feed.posts if post.truncated]
        if cut:
            self.warn(
                f"facebook {handle}: {len(cut)} texts stayed cut after 'See more' "
                f"(stored as shown), e.g. {cut[0]}"
            )
        yield Page([document], kept)
        if feed.login_wall:
            self.login_wall(response.url, handle, len(feed.posts), None)

    def read_enough(self, feed: FacebookFeed, shown: int) -> bool:
        """The wall is up, or the posts reach past the window, or those that came
        after the first `shown` were all stored before the nightly cutoff."""
        _, older, settled = self.posts_in_window(
            [post_item(p) for p in feed.posts[shown:]]
        )
        return feed.login_wall or older or settled

    def feed_document(self, response: Response, html: str) -> RawDocument:
        """The page as rendered and expanded, the raw document of its posts."""
        return RawDocument(
            source=self.site,
            url=response.url,
            variant="rendered",
            http_status=response.status,
            body=html.encode(),
            content_type="text/html; charset=utf-8",
            fetched_at=datetime.now(UTC),
        )
