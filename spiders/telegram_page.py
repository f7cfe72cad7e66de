"""A Telegram channel's public preview, `/s/<channel>` (SOURCES.md §2, samples
`telegram/channel.html`, `channel_album.html`, `channel_before_first.html`).

A post that cannot be read costs itself: the page's other posts are read, and the
odd one is reported as `Unreadable` with the reason. Only a page without its
history section is unreadable as a whole.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote

from parsel import Selector

from crawl.layout import Unreadable
from crawl.selectors import LayoutError, at_most_one, exactly_one, text_of

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
# An album's text may sit in a text div nested in another (channel_album.html,
# kuspan_abzal/1307): the outermost holds it all, once.
_TEXT = (
    f".//div[{_CLASS.format('tgme_widget_message_text')}]"
    f"[not(ancestor::div[{_CLASS.format('tgme_widget_message_text')}])]"
)
# Every medium's picture, in the page's order: a photo's own, a video's thumbnail
# (an album's media are `grouped_media_wrap`s of either kind).
_MEDIA = (
    "a.tgme_widget_message_photo_wrap::attr(style), "
    "a.tgme_widget_message_video_player i.tgme_widget_message_video_thumb::attr(style)"
)
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
    # The id to page back from (`?before=`); None on the oldest page, and on the
    # empty page `?before=` the channel's first post (channel_before_first.html).
    before: int | None
    # The posts that could not be read, each with the reason.
    unreadable: list[Unreadable] = field(default_factory=list)


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


def _text_node(message: Selector) -> Selector | None:
    """The post's own text div (the outermost, where one nests in another)."""
    found = message.xpath(_TEXT)
    if len(found) > 1:
        raise LayoutError(f"expected at most one message text, found {len(found)}")
    return found[0] if found else None


def parse_post(message: Selector) -> TelegramPost:
    """One `div.tgme_widget_message`; LayoutError, ValueError or KeyError when
    its markup is not a post's."""
    channel, _, number = message.attrib["data-post"].partition("/")
    date_link = exactly_one(message, "a.tgme_widget_message_date")
    moment = exactly_one(date_link, "time").attrib.get("datetime")
    if not moment:
        raise LayoutError("the post's time has no datetime")
    text = _text_node(message)
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
            for href in (
                text.css('a[href^="?q=%23"]::attr(href)').getall() if text else []
            )
        ],
        photos=[
            match.group(1)
            for style in message.css(_MEDIA).getall()
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
    """The channel's header, its posts (oldest first, as on the page), those that
    could not be read, and where older posts are. LayoutError when the page has
    no history section."""
    page = Selector(text=html)
    history = exactly_one(page, "section.tgme_channel_history")
    before = history.css("a.tme_messages_more::attr(data-before)").get()
    posts, unreadable = [], []
    for position, message in enumerate(
        history.css("div.tgme_widget_message[data-post]"), start=1
    ):
        try:
            posts.append(parse_post(message))
        except (LayoutError, ValueError, KeyError) as exc:
            name = message.attrib.get("data-post") or f"post {position} of the page"
            unreadable.append(Unreadable(name, str(exc)))
    return ChannelPage(
        title=text_of(at_most_one(page, ".tgme_channel_info_header_title")),
        username=text_of(at_most_one(page, ".tgme_channel_info_header_username")),
        posts=posts,
        before=int(before) if before else None,
        unreadable=unreadable,
    )
