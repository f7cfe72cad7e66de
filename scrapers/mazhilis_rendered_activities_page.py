"""The deputy's activities page as the browser renders it (SOURCES.md §1.4, [A]:
`mazhilis/deputy_activities.rendered.html`). A card that cannot be read costs
itself: reported as `Unreadable`, the page's other cards are read."""

from dataclasses import dataclass, field
from datetime import date, datetime

from parsel import Selector

from crawl.layout import Unreadable
from crawl.selectors import LayoutError, at_most_one, exactly_one, text_of


@dataclass
class RenderedActivity:
    id: int
    date: date | None
    title: str
    text: str | None
    place: str | None
    url: str | None


@dataclass
class ActivitiesPage:
    deputy_name: str | None
    district: str | None
    activities: list[RenderedActivity]
    next_url: str | None
    # The cards that could not be read, each with the reason.
    unreadable: list[Unreadable] = field(default_factory=list)


def _card_date(text: str | None) -> date | None:
    # Cards give the day as "05.07.2023".
    return datetime.strptime(text, "%d.%m.%Y").date() if text else None


def parse_activity_card(card: Selector) -> RenderedActivity:
    title = exactly_one(card, "a.activity-card__title")
    name = text_of(title)
    if not name:
        raise LayoutError("an activity card without a title")
    return RenderedActivity(
        id=int(card.attrib["data-id"]),
        date=_card_date(text_of(exactly_one(card, ".activity-card__date"))),
        title=name,
        text=text_of(at_most_one(card, ".activity-card__text")),
        place=text_of(at_most_one(card, ".activity-card__place")),
        url=title.attrib.get("href"),
    )


def parse_activities_page(html: str) -> ActivitiesPage:
    """The header, the cards, those that could not be read and the next page's
    link of one rendered page; LayoutError when the page has no header."""
    page = Selector(text=html)
    root = exactly_one(page, "app-deputy-activities")
    header = exactly_one(root, ".deputy-header")
    following = at_most_one(root, "nav.pager a.pager__next")
    activities, unreadable = [], []
    for position, card in enumerate(root.css("div.activity-card"), start=1):
        try:
            activities.append(parse_activity_card(card))
        except (LayoutError, ValueError, KeyError) as exc:
            name = card.attrib.get("data-id") or f"card {position} of the page"
            unreadable.append(Unreadable(f"activity {name}", str(exc)))
    return ActivitiesPage(
        deputy_name=text_of(at_most_one(header, ".deputy-header__name")),
        district=text_of(at_most_one(header, ".deputy-header__region")),
        activities=activities,
        next_url=following.attrib.get("href") if following is not None else None,
        unreadable=unreadable,
    )
