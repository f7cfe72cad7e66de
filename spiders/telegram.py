"""Deputies' Telegram channels through their public preview (SOURCES.md §2).

The channels are the stored Telegram accounts (from the deputies' `telegram_link`).
Each preview page holds 20 posts; `?before=<id>` pages back, until a page without a
"more" link (or the empty page before the channel's first post). A post the parser
cannot read costs itself, counted in the run's report. A nightly crawl stops
at posts stored unchanged and older than its last success; a first crawl reads
`TELEGRAM_HISTORY_DAYS` back; a backfill its window.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from scrapy import Request
from scrapy.http import Response

import records
from crawl.posts import AccountsSpider
from crawl.selectors import LayoutError
from records import Page, PostItem
from spiders.telegram_page import TelegramPost, parse_channel_page

REDIRECTS = (301, 302, 303, 307, 308)
# Public scrapers of the previews pace themselves at about half a second between
# requests (SOURCES.md §2): the least delay AutoThrottle may choose here.
PACE = 0.5


def post_item(post: TelegramPost) -> PostItem:
    """A post as stored, keyed by "<channel>/<id>"; its hash covers what it says
    (text, photos, whether edited or forwarded), not its views."""
    return records.post_item(
        "telegram",
        post.channel,
        f"{post.channel}/{post.id}",
        post.url,
        post.posted_at,
        post.text,
        post.hashtags,
        photos=post.photos,
        views=post.views,
        edited=post.edited,
        forwarded_from=post.forwarded_from,
        hashed=("text", "photos", "edited", "forwarded_from"),
    )


class TelegramSpider(AccountsSpider):
    name = "telegram"
    site = "telegram"
    platform = "telegram"
    base_setting = "TELEGRAM_URL"
    history_setting = "TELEGRAM_HISTORY_DAYS"
    no_accounts = "no Telegram channel is stored: crawl mazhilis-deputies first"

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Paced as public scrapers are, unless throttling is off (a replica)."""
        super().update_settings(settings)
        if settings.getbool("AUTOTHROTTLE_ENABLED"):
            settings.set("DOWNLOAD_DELAY", PACE, priority="spider")

    async def start(self) -> Any:
        # The day each channel was read back to, once its last page is read.
        self.read_back: dict[str, date | None] = {}
        for channel in self.accounts():
            yield self.channel_request(channel)

    def channel_request(self, channel: str, before: int | None = None) -> Request:
        query = f"?before={before}" if before else ""
        return Request(
            f"{self.base_url}/s/{channel}{query}",
            callback=self.parse_channel,
            errback=self.on_error,
            cb_kwargs={"channel": channel},
            # A channel without a public preview redirects to /<channel>.
            meta={"dont_redirect": True, "handle_httpstatus_list": list(REDIRECTS)},
        )

    def parse_channel(self, response: Response, channel: str) -> Iterator[Any]:
        """One page of a channel: its posts, then the older page if needed."""
        if response.status in REDIRECTS:
            location = response.headers.get("Location", b"").decode("latin-1")
            self.warn(
                f"telegram channel {channel} has no public preview (it redirects "
                f"to {location}): its posts need another way in"
            )
            self.report.setdefault("no_public_preview", []).append(channel)
            return
        document = self.document(response)
        try:
            page = parse_channel_page(response.text)
        except (LayoutError, ValueError, KeyError) as exc:
            yield self.unreadable(document, "channel-page", str(exc))
            return
        # An odd post costs itself: counted here, named in the run's report.
        self.layout.records_read(
            "channel-page", response.url, len(page.posts), page.unreadable
        )
        for odd in page.unreadable:
            self.logger.warning("post %s unreadable: %s", odd.record, odd.reason)
        # The empty page `?before=` a channel's first post has no posts and no
        # "more" link: the channel's history ends there.
        posts = [post for post in page.posts if not post.service]
        items = [post_item(post) for post in posts]
        for item in items:
            item.document = document.ref
        kept, older, settled = self.posts_in_window(items)
        yield Page([document], kept)
        if page.before and not settled and not older:
            yield self.channel_request(channel, page.before)
        elif settled:
            # Read back to this page, whose posts were stored unchanged: what is
            # older was not read again (a day's margin: the scope counts days).
            oldest = min(item.posted_at for item in items).date()
            self.read_back[channel] = oldest + timedelta(days=1)
        else:
            # Back to the window's start, or to the channel's first post.
            self.read_back[channel] = self.window.since

    def complete_scopes(self) -> list[records.Scope]:
        """Each channel read back to a day (its window's start, its first post,
        or where a nightly crawl found its posts stored unchanged): a stored
        post since then that it did not see is gone."""
        return [
            records.Scope(
                "posts",
                since=since,
                until=self.window.until,
                platform=self.platform,
                accounts=frozenset({channel}),
            )
            for channel, since in sorted(self.read_back.items())
        ]
