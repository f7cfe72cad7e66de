"""A Facebook page's feed as the browser renders it (SOURCES.md §4, sample
`facebook/page.rendered.html`), and the pages a visitor can be sent to instead."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector

from crawl.selectors import LayoutError, at_most_one, exactly_one, text_of
from crawl.text import hashtags_of

# The button that cuts a long text: "Ещё" / "See more".
SEE_MORE = 'div[role="button"]'
# A cut text ends with "… " before its button.
ELLIPSIS = "…"
# Where Facebook sends a visitor instead of the page (SOURCES.md §4), by path:
# "/login/?next=https%3A%2F%2Fwww.facebook.com%2Fabzal.kuspan" for one it wants
# logged in, "/unsupportedbrowser" for a browser it refuses, and
# "/checkpoint/828281030927956/" for a session it wants a person to confirm.
LOGIN_PATH = "/login/"
UNSUPPORTED_BROWSER_PATH = "/unsupportedbrowser"
CHECKPOINT_PATH = "/checkpoint/"


@dataclass
class FacebookPost:
    id: str
    page: str
    url: str
    posted_at: datetime
    text: str | None
    # Still cut ("See more" not clicked): the text is its beginning only.
    truncated: bool = False
    hashtags: list[str] = field(default_factory=list)


@dataclass
class FacebookFeed:
    name: str | None
    posts: list[FacebookPost]
    # The login form covers the page (`div[role=dialog]` no longer `hidden`).
    login_wall: bool


def message_text(message: Selector) -> tuple[str | None, bool]:
    """The post's text with its line breaks, without the "See more" button, and
    whether the button was there."""
    truncated = bool(message.css(SEE_MORE))
    text = "".join(
        message.xpath('.//text()[not(ancestor::div[@role="button"])]').getall()
    ).strip()
    if truncated:
        text = text.removesuffix(ELLIPSIS).rstrip()
    return text or None, truncated


def parse_article(article: Selector, page_url: str) -> FacebookPost:
    """One `div[role="article"]`: permalink, time and text."""
    link = exactly_one(article, 'a[href*="/posts/"]')
    url = urljoin(page_url, link.attrib["href"])
    # ".../<page>/posts/<id>": the id is the last part, the page the one before.
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if len(parts) < 3 or parts[-2] != "posts":
        raise LayoutError(f"permalink {url!r} is not .../<page>/posts/<id>")
    utime = exactly_one(article, "abbr[data-utime]").attrib["data-utime"]
    message = at_most_one(article, 'div[data-ad-preview="message"]')
    text, truncated = message_text(message) if message is not None else (None, False)
    return FacebookPost(
        id=parts[-1],
        page=parts[-3],
        url=url,
        posted_at=datetime.fromtimestamp(int(utime), UTC),
        text=text,
        truncated=truncated,
        hashtags=hashtags_of(text),
    )


def parse_feed(html: str, page_url: str) -> FacebookFeed:
    """The page's name, its posts (newest first, as shown) and whether the login
    wall is up; links are resolved against `page_url`."""
    page = Selector(text=html)
    feed = exactly_one(page, 'div[role="feed"]')
    wall = at_most_one(page, 'div[role="dialog"]')
    return FacebookFeed(
        name=text_of(at_most_one(page, 'div[role="main"] h1')),
        posts=[
            parse_article(article, page_url)
            for article in feed.css('div[role="article"]')
        ],
        login_wall=wall is not None and "hidden" not in wall.attrib,
    )


def session_page(url: str) -> str | None:
    """What the page a Facebook page's address led to is, when it is not the
    page: "login" (a login form, with the page to come back to in `next`),
    "unsupported-browser" or "identity-check"."""
    parts = urlsplit(url)
    if parts.path.endswith(LOGIN_PATH) and "next" in parse_qs(parts.query):
        return "login"
    if parts.path.endswith(UNSUPPORTED_BROWSER_PATH):
        return "unsupported-browser"
    if CHECKPOINT_PATH in parts.path:
        return "identity-check"
    return None
