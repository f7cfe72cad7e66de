"""A Telegram channel's public preview, `/s/<channel>` (SOURCES.md §2, sample
`telegram/channel.html`)."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote

from parsel import Selector

from crawl.selectors import LayoutError, at_most_one, exactly_one, text_of

_BACKGROUND_URL = re.compile(r"background-image:url\('([^']+)'\)")
# Views as Telegram abbreviates them: "987", "3.1K", "1.2M".
_VIEWS = re.compile(r"^([\d.]+)\s*([KM]?)$")
_MULTIPLIERS = {"": 1, "K": 1_000, "M": 1_000_000}


@dataclass
class TelegramPost:
    channel: str
    id: int
    url: str
    posted_at: datetime
    text: str | None
    service: bool = False
    hashtags: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    views: int | None = None
    edited: bool = False
    forwarded_from: str | None = None


@dataclass
class ChannelPage:
    title: str | None
    username: str | None
    posts: list[TelegramPost]
    # The id to page back from (`?before=`); None on the oldest page.
    before: int | None


def parse_views(text: str | None) -> int | None:
    """1.2K -> 1200, 3M -> 3000000, 987 -> 987."""
    if not text:
        return None
    match = _VIEWS.match(text.strip().upper())
    if match is None:
        raise LayoutError(f"views {text!r} are not a count")
    return round(float(match.group(1)) * _MULTIPLIERS[match.group(2)])


def message_text(node: Selector | None) -> str | None:
    """The text with its line breaks (<br/>) and emoji, without markup."""
    if node is None:
        return None
    root = node.root
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = "".join(root.itertext()).split("\n")
    text = "\n".join(" ".join(line.split()) for line in lines).strip()
    return text or None


def parse_post(message: Selector) -> TelegramPost:
    channel, _, number = message.attrib["data-post"].partition("/")
    date_link = exactly_one(message, "a.tgme_widget_message_date")
    moment = exactly_one(date_link, "time").attrib["datetime"]
    text = at_most_one(message, "div.tgme_widget_message_text")
    meta = at_most_one(message, "span.tgme_widget_message_meta")
    return TelegramPost(
        channel=channel,
        id=int(number),
        url=date_link.attrib["href"],
        posted_at=datetime.fromisoformat(moment),
        text=message_text(text),
        service="service_message" in message.attrib.get("class", "").split(),
        hashtags=[
            unquote(href.removeprefix("?q=")).lstrip("#")
            for href in message.css(
                'div.tgme_widget_message_text a[href^="?q=%23"]::attr(href)'
            ).getall()
        ],
        photos=[
            match.group(1)
            for style in message.css(
                "a.tgme_widget_message_photo_wrap::attr(style)"
            ).getall()
            if (match := _BACKGROUND_URL.search(style))
        ],
        views=parse_views(
            text_of(at_most_one(message, "span.tgme_widget_message_views"))
        ),
        edited="edited" in (text_of(meta) or "").split(),
        forwarded_from=text_of(
            at_most_one(message, "a.tgme_widget_message_forwarded_from_name")
        ),
    )


def parse_channel_page(html: str) -> ChannelPage:
    """The channel's header, its posts (oldest first, as on the page), and where
    older posts are."""
    page = Selector(text=html)
    history = exactly_one(page, "section.tgme_channel_history")
    before = history.css("a.tme_messages_more::attr(data-before)").get()
    return ChannelPage(
        title=text_of(at_most_one(page, ".tgme_channel_info_header_title")),
        username=text_of(at_most_one(page, ".tgme_channel_info_header_username")),
        posts=[
            parse_post(message)
            for message in history.css("div.tgme_widget_message[data-post]")
        ],
        before=int(before) if before else None,
    )
