"""The AMANAT party's site (SOURCES.md §5): its news and its election programme.

The news list pages from `/ru/news?page=1` to older pages; each item is read
from its own page, and the deputies it names are found by name matching
(matching/names_in_text.py) against the stored deputies, in the context of the
party: a name above the link threshold is linked, one in the grey zone is kept
for review, unlinked. A nightly crawl stops paging at a page whose items are all
stored and older than its last success, and does not fetch those items again.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from crawl.base import SourceSpider
from crawl.selectors import LayoutError
from matching.names_in_text import find_names
from matching.people import Context, PeopleIndex
from records import NewsMentionItem, Page, PartyNewsItem, Scope, ThesisItem, item_hash
from spiders.amanat_page import (
    NewsArticle,
    parse_news_article,
    parse_news_list,
    parse_program,
)
from storage.state import crawl_state, deputy_candidates

PARTY = "AMANAT"


def slug_of(href: str) -> str:
    """The item's id on the site: "/ru/news/deputaty-...-pavlodar" ->
    "deputaty-...-pavlodar"."""
    return urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]


def mention_items(article: NewsArticle, people: PeopleIndex) -> list[NewsMentionItem]:
    """The deputies an article names (in its title or body), each name once."""
    context = Context(party=PARTY)
    found = find_names(f"{article.title}\n\n{article.text}", people, context)
    items: dict[str, NewsMentionItem] = {}
    for name in found:
        resolution = name.resolution
        candidate = int(resolution.candidate.id) if resolution.candidate else None
        linked = resolution.decision == "link"
        mention = NewsMentionItem(
            name_as_given=name.name,
            status="linked" if linked else "review",
            deputy_id=candidate if linked else None,
            candidate_deputy_id=candidate,
            score=resolution.score,
            reason=resolution.reason,
        )
        # A name written twice: the reading that links wins.
        if name.name not in items or linked:
            items[name.name] = mention
    return list(items.values())


def news_item(
    slug: str, url: str, article: NewsArticle, people: PeopleIndex
) -> PartyNewsItem:
    """A news item as stored; its hash covers what it says."""
    content = {
        "title": article.title,
        "published_at": article.published_at.isoformat(),
        "text": article.text,
    }
    return PartyNewsItem(
        party=PARTY,
        slug=slug,
        url=url,
        published_at=article.published_at,
        title=article.title,
        text=article.text,
        mentions=mention_items(article, people),
        item_hash=item_hash(content),
    )


class AmanatSpider(SourceSpider):
    name = "amanat"
    site = "amanat"
    base_setting = "AMANAT_URL"

    async def start(self) -> Any:
        url = self.settings["DATABASE_URL"]
        self.cutoff, self.known = None, {}
        self.program_read = False
        if self.mode == "nightly":
            last, self.known = crawl_state(url, self.name, "party_news")
            self.cutoff = self.nightly_cutoff(last)
        candidates = deputy_candidates(url)
        if not candidates:
            self.warn(
                "no deputy is stored: news are stored without links to deputies "
                "(crawl mazhilis-deputies first)"
            )
        self.people = PeopleIndex(candidates)
        yield Request(
            f"{self.base_url}/ru/program",
            callback=self.parse_program,
            errback=self.on_error,
        )
        yield Request(
            f"{self.base_url}/ru/news?page=1",
            callback=self.parse_news_list,
            errback=self.on_index_error,
        )

    def complete_scopes(self) -> list[Scope]:
        """The programme read whole: a thesis it no longer has is gone."""
        if not self.program_read:
            return []
        return [Scope("programme", party=PARTY)]

    def parse_program(self, response: Response) -> Iterator[Page]:
        """The programme's theses."""
        document = self.document(response)
        try:
            theses = parse_program(response.text)
        except LayoutError as exc:
            yield self.unreadable(document, "program", str(exc))
            return
        self.layout.records_read("program", response.url, len(theses))
        self.program_read = True
        self.report["theses"] = len(theses)
        yield Page(
            [document],
            [
                ThesisItem(PARTY, thesis.number, thesis.text, document.ref)
                for thesis in theses
            ],
        )

    def parse_news_list(self, response: Response) -> Iterator[Any]:
        """A page of the news list: its items' pages, then the next page if the
        crawl needs it."""
        document = self.document(response)
        try:
            page = parse_news_list(response.text)
        except LayoutError as exc:
            yield self.unreadable(document, "news-list", str(exc))
            return
        self.layout.records_read(
            "news-list", response.url, len(page.items), page.unreadable
        )
        for odd in page.unreadable:
            self.logger.warning("news item %s unreadable: %s", odd.record, odd.reason)
        yield Page([document])
        settled, older = bool(page.items), False
        for link in page.items:
            slug = slug_of(link.href)
            day = link.published_at.date()
            position = self.window.position(day)
            older = older or position < 0
            stored_and_old = slug in self.known and self.before_cutoff(day)
            settled = settled and stored_and_old
            if position == 0 and not stored_and_old:
                yield Request(
                    response.urljoin(link.href),
                    callback=self.parse_article,
                    errback=self.on_error,
                    cb_kwargs={"slug": slug},
                )
        if page.next_href and not settled and not older:
            yield Request(
                response.urljoin(page.next_href),
                callback=self.parse_news_list,
                errback=self.on_error,
            )

    def parse_article(self, response: Response, slug: str) -> Iterator[Page]:
        """One news item, with the deputies it names."""
        document = self.document(response)
        try:
            article = parse_news_article(response.text)
        except LayoutError as exc:
            yield self.unreadable(document, "news-item", str(exc))
            return
        self.layout.records_read("news-item", response.url, 1)
        item = news_item(slug, response.url, article, self.people)
        item.document = document.ref
        yield Page([document], [item])
