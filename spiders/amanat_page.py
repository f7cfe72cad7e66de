"""The AMANAT party's pages (SOURCES.md §5, samples `amanat/`): the news list, a
news item and the election programme."""

from dataclasses import dataclass, field
from datetime import datetime

from parsel import Selector

from crawl.layout import Unreadable
from crawl.selectors import LayoutError, at_most_one, exactly_one, text_of


@dataclass(frozen=True)
class NewsLink:
    """A news item as the list shows it; `href` as written (site-relative)."""

    href: str
    published_at: datetime
    title: str


@dataclass(frozen=True)
class NewsList:
    items: list[NewsLink]
    # The next (older) page's href, None on the last page.
    next_href: str | None
    # The items that could not be read: each costs itself, not the page.
    unreadable: list[Unreadable] = field(default_factory=list)


@dataclass(frozen=True)
class NewsArticle:
    title: str
    published_at: datetime
    # The body's paragraphs, whitespace folded.
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Thesis:
    number: int
    text: str


def _moment(node: Selector, where: str) -> datetime:
    """The `datetime` of the one `time` in `node`, which must name its zone."""
    value = exactly_one(node, "time").attrib.get("datetime", "")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise LayoutError(f"{where}: time {value!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise LayoutError(f"{where}: time {value!r} has no time zone")
    return moment


def _required_text(node: Selector, css: str) -> str:
    text = text_of(exactly_one(node, css))
    if text is None:
        raise LayoutError(f"{css!r} is empty")
    return text


def parse_news_list(html: str) -> NewsList:
    """`/ru/news?page=N`: the items of `div.news-list` and the next page's link;
    an item without its link, time or title is listed as unreadable, and the
    others are read."""
    page = Selector(text=html)
    listing = exactly_one(page, "div.news-list")
    items, unreadable = [], []
    for position, article in enumerate(listing.css("article.news-item"), start=1):
        try:
            items.append(parse_news_link(article))
        except LayoutError as exc:
            href = article.css("a::attr(href)").get() or f"item {position}"
            unreadable.append(Unreadable(href.strip(), str(exc)))
    following = at_most_one(page, "a.pagination__next")
    next_href = following.attrib.get("href") if following is not None else None
    return NewsList(items=items, next_href=next_href or None, unreadable=unreadable)


def parse_news_link(article: Selector) -> NewsLink:
    """One item of the news list."""
    link = exactly_one(article, "a.news-item__link")
    href = link.attrib.get("href", "").strip()
    if not href:
        raise LayoutError("a news item's link has no href")
    return NewsLink(
        href=href,
        published_at=_moment(link, href),
        title=_required_text(link, "h3.news-item__title"),
    )


def parse_news_article(html: str) -> NewsArticle:
    """`/ru/news/<slug>`: the title, the time and the body's paragraphs."""
    page = Selector(text=html)
    article = exactly_one(page, "article.news")
    body = exactly_one(article, "div.news__body")
    paragraphs = [text for p in body.css("p") if (text := text_of(p))]
    if not paragraphs:
        # A body of bare text, without paragraphs.
        paragraphs = [text] if (text := text_of(body)) else []
    return NewsArticle(
        title=_required_text(article, "h1"),
        published_at=_moment(article, "article.news"),
        paragraphs=paragraphs,
    )


def parse_program(html: str) -> list[Thesis]:
    """`/ru/program`: the theses of `ol.program`, numbered by `data-thesis` (or
    by position where it is absent); there must be some, each with a text."""
    page = Selector(text=html)
    program = exactly_one(page, "ol.program")
    theses = []
    for position, item in enumerate(program.css(":scope > li"), start=1):
        number = item.attrib.get("data-thesis", str(position)).strip()
        if not number.isdigit():
            raise LayoutError(f"thesis {position}: data-thesis {number!r}")
        text = text_of(item)
        if text is None:
            raise LayoutError(f"thesis {number} has no text")
        theses.append(Thesis(int(number), text))
    if not theses:
        raise LayoutError("the programme lists no theses")
    numbers = [t.number for t in theses]
    if len(set(numbers)) != len(numbers):
        raise LayoutError(f"thesis numbers repeat: {numbers}")
    return theses
