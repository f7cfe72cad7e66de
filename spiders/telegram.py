"""Deputies' Telegram channels through their public preview (SOURCES.md §2).

The channels are the stored Telegram accounts (from the deputies' `telegram_link`).
Each preview page holds 20 posts; `?before=<id>` pages back. A nightly crawl stops
at posts stored unchanged and older than its last success; a first crawl reads
`TELEGRAM_HISTORY_DAYS` back; a backfill its window.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawl.base import SourceSpider
from crawl.selectors import LayoutError
from records import Page, PostItem, item_hash
from spiders.telegram_page import TelegramPost, parse_channel_page
from storage.models import Post
from storage.state import accounts_of, crawl_state

REDIRECTS = (301, 302, 303, 307, 308)


def post_item(post: TelegramPost) -> PostItem:
    """A post as stored; its hash covers what it says, not its views."""
    content = {
        "text": post.text,
        "photos": post.photos,
        "edited": post.edited,
        "forwarded_from": post.forwarded_from,
    }
    return PostItem(
        platform="telegram",
        handle=post.channel,
        source_post_id=f"{post.channel}/{post.id}",
        url=post.url,
        posted_at=post.posted_at,
        text=post.text,
        hashtags=post.hashtags,
        photos=post.photos,
        views=post.views,
        edited=post.edited,
        forwarded_from=post.forwarded_from,
        item_hash=item_hash(content),
    )


class TelegramSpider(SourceSpider):
    name = "telegram"
    site = "telegram"
    base_setting = "TELEGRAM_URL"

    @property
    def base_url(self) -> str:
        return self.settings["TELEGRAM_URL"].rstrip("/")

    def today(self) -> date:
        today = self.settings["TODAY"]
        return date.fromisoformat(today) if today else datetime.now(UTC).date()

    async def start(self) -> Any:
        url = self.settings["DATABASE_URL"]
        self.cutoff, self.known = None, {}
        if self.mode == "nightly":
            last, self.known = crawl_state(url, self.name, Post)
            self.cutoff = self.nightly_cutoff(last)
            if last is None and self.window.since is None:
                days = self.settings.getint("TELEGRAM_HISTORY_DAYS")
                self.window.since = self.today() - timedelta(days=days)
        channels = accounts_of(url, "telegram")
        if not channels:
            self.warn("no Telegram channel is stored: crawl mazhilis-deputies first")
        for channel in channels:
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
        posts = [post for post in page.posts if not post.service]
        self.layout.records_read("channel-page", response.url, len(page.posts))
        items = [post_item(post) for post in posts]
        for item in items:
            item.document = document.ref
        kept, older, settled = self.posts_in_window(items)
        yield Page([document], kept)
        if page.before and not settled and not older:
            yield self.channel_request(channel, page.before)
