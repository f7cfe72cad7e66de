"""Deputies' scorecards: what each did in a convocation's session, with sources.

A scorecard counts, for one deputy and one window (a session, a convocation, or
all that is stored): requests initiated and co-signed, and of those initiated the
answered and unanswered; meetings the Mazhilis site reports, in the region of the
deputy's district or elsewhere, and receptions of citizens; meetings across all
sources when `mwatch meetings match` has clustered them; posts by platform; and
the topics and programme theses of the requests (tagged after every crawl). Every
figure keeps the links to the records it counts.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.meetings import classify
from storage.models import (
    Activity,
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyRequest,
    Mandate,
    Meeting,
    MeetingSource,
    Post,
    RequestFile,
    RequestParticipant,
    SourceDocument,
)

# The figures of a scorecard, in the order they are shown, with their labels.
REQUEST_FIGURES = {
    "initiated": "requests initiated",
    "cosigned": "requests co-signed",
    "answered": "initiated, answered",
    "unanswered": "initiated, not answered",
}
ACTIVITY_FIGURES = {
    "meetings_own": "meetings in own district's region",
    "meetings_elsewhere": "meetings elsewhere",
    "meetings_unplaced": "meetings, place unknown",
    "receptions": "receptions of citizens",
}
CLUSTER_FIGURES = {
    "all_meetings": "meetings, all sources",
    "all_receptions": "receptions, all sources",
}
PLATFORMS = ("telegram", "instagram", "facebook")
POST_FIGURES = {f"posts_{platform}": f"posts on {platform}" for platform in PLATFORMS}
# A party-list deputy has no district: "in own district's region" means nothing.
DISTRICT_FIGURES = frozenset({"meetings_own"})
# The sources' public sites: a link names these, never the host a crawl read
# (the replica's http://127.0.0.1:<port> is gone when the demo ends).
PUBLIC_BASES = {
    "mazhilis": "https://mazhilis.parlam.kz",
    "telegram": "https://t.me",
    "instagram": "https://www.instagram.com",
    "facebook": "https://www.facebook.com",
    "amanat": "https://amanatpartiyasy.kz",
}


def public_url(url: str | None, source: str) -> str | None:
    """`url` on its source's public site ("mazhilis", "telegram", ...): the
    path, query and fragment kept, the host that was crawled replaced."""
    if not url:
        return url
    base = urlsplit(PUBLIC_BASES[source])
    parts = urlsplit(url)
    if parts.netloc.removeprefix("www.") == base.netloc.removeprefix("www."):
        return urlunsplit(parts._replace(scheme="https"))
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", *parts[3:]))


class ReportError(ValueError):
    """A report that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None
    # The record counted: ("request", its row id), ...
    record: tuple[str, int] | None = field(default=None, compare=False)


@dataclass
class Figure:
    label: str
    links: list[Link] = field(default_factory=list)

    @property
    def value(self) -> int:
        return len(self.links)


@dataclass(frozen=True)
class Window:
    """The dates a report covers (both ends included) and the session's ids."""

    title: str
    since: date | None = None
    until: date | None = None
    convocation_id: int | None = None
    session_id: int | None = None

    def holds(self, day: date | None) -> bool:
        if day is None:
            return self.since is None and self.until is None
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


@dataclass
class Scorecard:
    deputy_id: int
    mazhilis_id: int | None
    name: str
    name_ru: str | None
    single_mandate: bool
    district: int | None
    region: str | None
    party: str | None
    figures: dict[str, Figure]
    # Topic or thesis label -> requests touching it, when the requests are tagged.
    topics: dict[str, Figure] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """ "single-mandate, independent", "single-mandate, AMANAT", "party list"."""
        if not self.single_mandate:
            return "party list"
        return f"single-mandate, {self.party or 'independent'}"

    def value(self, key: str) -> int:
        return self.figures[key].value

    def applies(self, key: str) -> bool:
        """Whether the figure means something for this deputy: a party-list
        deputy has no district, so no meetings in its region."""
        return self.single_mandate or key not in DISTRICT_FIGURES


def window_of(session: Session, convocation: int | None, number: int | None) -> Window:
    """The window of a convocation's session (or of the whole convocation)."""
    if number is not None and convocation is None:
        raise ReportError("--session needs --convocation (e.g. --convocation 8)")
    if convocation is None:
        return Window("everything stored")
    found = session.scalar(select(Convocation).where(Convocation.number == convocation))
    if found is None:
        known = session.scalars(select(Convocation.number).order_by(Convocation.number))
        raise ReportError(
            f"--convocation {convocation}: not stored (stored: "
            f"{', '.join(map(str, known)) or 'none; run mwatch crawl'})"
        )
    if number is None:
        return Window(
            f"convocation {convocation}",
            found.start_date,
            found.end_date,
            convocation_id=found.id,
        )
    chosen = session.scalar(
        select(ConvocationSession).where(
            ConvocationSession.convocation_id == found.id,
            ConvocationSession.number == number,
        )
    )
    if chosen is None:
        known = session.scalars(
            select(ConvocationSession.number)
            .where(ConvocationSession.convocation_id == found.id)
            .order_by(ConvocationSession.number)
        )
        raise ReportError(
            f"--session {number}: convocation {convocation} has sessions "
            f"{', '.join(map(str, known)) or 'none stored'}"
        )
    # Deputies meet voters mostly in the recess after a session (early July,
    # late August): the window runs until the next session opens.
    following = session.scalar(
        select(ConvocationSession.start_date).where(
            ConvocationSession.convocation_id == found.id,
            ConvocationSession.number == number + 1,
        )
    )
    until = following - timedelta(days=1) if following else chosen.end_date
    return Window(
        f"convocation {convocation}, session {number} and the recess after it",
        chosen.start_date,
        until,
        convocation_id=found.id,
        session_id=chosen.id,
    )


def _site_url(document_url: str | None, path: str | None) -> str | None:
    """A path of the Mazhilis site, made absolute against the document it was
    read in, on the site's public host."""
    if not path:
        return public_url(document_url, "mazhilis")
    return public_url(urljoin(document_url, path) if document_url else path, "mazhilis")


class Collector:
    """Reads the window's records once and deals them out to deputies."""

    def __init__(self, session: Session, window: Window) -> None:
        self.session = session
        self.window = window
        self.documents = dict(
            session.execute(select(SourceDocument.id, SourceDocument.url)).all()
        )

    def requests(self) -> dict[int, dict[str, list[Link]]]:
        """Per deputy: initiated, cosigned, answered, unanswered."""
        window = self.window
        query = select(DeputyRequest).where(DeputyRequest.no_longer_seen_at.is_(None))
        if window.session_id is not None:
            query = query.where(DeputyRequest.session_id == window.session_id)
        elif window.convocation_id is not None:
            query = query.where(DeputyRequest.convocation_id == window.convocation_id)
        requests = {r.id: r for r in self.session.scalars(query)}
        pdfs = dict(
            self.session.execute(
                select(RequestFile.request_id, RequestFile.url).where(
                    RequestFile.kind == "request"
                )
            ).all()
        )
        found: dict[int, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        participants = self.session.execute(
            select(
                RequestParticipant.request_id,
                RequestParticipant.deputy_id,
                RequestParticipant.role,
            ).where(
                RequestParticipant.deputy_id.is_not(None),
                RequestParticipant.no_longer_seen_at.is_(None),
            )
        ).all()
        for request_id, deputy_id, role in participants:
            request = requests.get(request_id)
            if request is None:
                continue
            link = Link(
                f"{request.number or request.mazhilis_id} of "
                f"{request.request_date}: {request.title}",
                public_url(pdfs.get(request.id), "mazhilis")
                or _site_url(
                    self.documents.get(request.source_document_id),
                    request.document_url,
                ),
                ("request", request.id),
            )
            if role == "initiator":
                found[deputy_id]["initiated"].append(link)
                answer = "answered" if request.answer_date else "unanswered"
                found[deputy_id][answer].append(link)
            else:
                found[deputy_id]["cosigned"].append(link)
        return found

    def activities(
        self, regions: dict[int, str | None], known_regions: set[str]
    ) -> dict[int, dict[str, list[Link]]]:
        """Per deputy: meetings in the district's region, elsewhere, unplaced, and
        receptions, as the Mazhilis site reports them."""
        found: dict[int, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        for activity in self.session.scalars(
            select(Activity).where(
                Activity.deputy_id.is_not(None), Activity.no_longer_seen_at.is_(None)
            )
        ):
            if not self.window.holds(activity.activity_date):
                continue
            link = Link(
                f"{activity.activity_date}: {activity.title}",
                _site_url(
                    self.documents.get(activity.source_document_id), activity.url
                ),
            )
            found[activity.deputy_id][
                _activity_kind(activity, regions.get(activity.deputy_id), known_regions)
            ].append(link)
        return found

    def posts(self) -> dict[int, dict[str, list[Link]]]:
        """Per deputy: posts on each platform in the window."""
        query = select(Post.deputy_id, Post.platform, Post.posted_at, Post.url).where(
            Post.deputy_id.is_not(None), Post.no_longer_seen_at.is_(None)
        )
        if self.window.since:
            start = datetime.combine(self.window.since, time(), UTC)
            query = query.where(Post.posted_at >= start)
        if self.window.until:
            end = datetime.combine(self.window.until + timedelta(days=1), time(), UTC)
            query = query.where(Post.posted_at < end)
        found: dict[int, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        for deputy_id, platform, posted_at, url in self.session.execute(query):
            found[deputy_id][f"posts_{platform}"].append(
                Link(f"{posted_at:%Y-%m-%d %H:%M} UTC", public_url(url, platform))
            )
        return found

    def clustered_meetings(self) -> dict[int, dict[str, list[Link]]] | None:
        """Per deputy: meetings and receptions across all sources, when `mwatch
        meetings match` has made them; None when it has not run."""
        if self.session.scalar(select(Meeting.id).limit(1)) is None:
            return None
        post_urls = {
            post_id: public_url(url, platform)
            for post_id, url, platform in self.session.execute(
                select(Post.id, Post.url, Post.platform)
            )
        }
        activity_urls = {
            activity_id: _site_url(self.documents.get(document_id), path)
            for activity_id, document_id, path in self.session.execute(
                select(Activity.id, Activity.source_document_id, Activity.url)
            )
        }
        sources: dict[int, list[str]] = defaultdict(list)
        for meeting_id, post_id, activity_id in self.session.execute(
            select(
                MeetingSource.meeting_id,
                MeetingSource.post_id,
                MeetingSource.activity_id,
            )
        ):
            url = post_urls.get(post_id) if post_id else activity_urls.get(activity_id)
            if url:
                sources[meeting_id].append(url)
        found: dict[int, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        for meeting in self.session.scalars(
            select(Meeting).where(Meeting.deputy_id.is_not(None))
        ):
            if not self.window.holds(meeting.meeting_date):
                continue
            key = "all_receptions" if meeting.kind == "reception" else "all_meetings"
            urls = sorted(sources[meeting.id])
            label = f"{meeting.meeting_date}: {meeting.place or 'place not stated'}"
            if len(urls) > 1:
                label += f" ({len(urls)} sources: {' '.join(urls[1:])})"
            found[meeting.deputy_id][key].append(Link(label, urls[0] if urls else None))
        return found


def _activity_kind(
    activity: Activity, region: str | None, known_regions: set[str]
) -> str:
    """ "receptions", "meetings_own", "meetings_elsewhere" or "meetings_unplaced".

    The site's place starts with the region ("Карагандинская область, г.
    Балхаш"): a meeting is in the district's region when that part is the
    region of the deputy's district, elsewhere when it is another region.
    """
    text = " ".join(filter(None, (activity.title, activity.text)))
    if classify(text, activity.activity_date or date.min).kind == "reception":
        return "receptions"
    first = (activity.place or "").split(",")[0].strip()
    if region and first == region:
        return "meetings_own"
    if first in known_regions or (first and region is None):
        return "meetings_elsewhere"
    return "meetings_unplaced"


def _mandates(session: Session, window: Window) -> list[tuple[Deputy, Mandate]]:
    """The deputies with a mandate in the window's convocation (the latest
    mandate of each, for a report of everything)."""
    # The sitting deputies: a former one (by-alphabet's is_active false) is
    # stored for name matching, not reported.
    query = (
        select(Deputy, Mandate, Convocation.number)
        .join(Mandate, Mandate.deputy_id == Deputy.id)
        .where(Deputy.is_active.is_not(False))
    )
    query = query.join(Convocation, Mandate.convocation_id == Convocation.id)
    if window.convocation_id is not None:
        query = query.where(Mandate.convocation_id == window.convocation_id)
    latest: dict[int, tuple[int, Deputy, Mandate]] = {}
    for deputy, mandate, number in session.execute(query):
        if deputy.id not in latest or number > latest[deputy.id][0]:
            latest[deputy.id] = (number, deputy, mandate)
    return [(deputy, mandate) for _, deputy, mandate in latest.values()]


def scorecards(
    session: Session, window: Window, deputy_ids: set[int] | None = None
) -> list[Scorecard]:
    """The scorecards of the window's deputies (or of `deputy_ids` among them),
    sorted by name."""
    from reports import topics

    chosen = [
        (deputy, mandate)
        for deputy, mandate in _mandates(session, window)
        if deputy_ids is None or deputy.id in deputy_ids
    ]
    collector = Collector(session, window)
    regions = {deputy.id: mandate.region_ru for deputy, mandate in chosen}
    known_regions = {
        region
        for (region,) in session.execute(select(Mandate.region_ru).distinct())
        if region
    }
    requests = collector.requests()
    activities = collector.activities(
        {k: v for k, v in regions.items() if v}, known_regions
    )
    posts = collector.posts()
    clustered = collector.clustered_meetings()
    tagged = topics.request_topics(session)
    russian = _russian_names(session)
    cards = []
    for deputy, mandate in chosen:
        figures: dict[str, Figure] = {}
        for group, labels in (
            (requests, REQUEST_FIGURES),
            (activities, ACTIVITY_FIGURES),
            (posts, POST_FIGURES),
        ):
            for key, label in labels.items():
                figures[key] = Figure(label, group.get(deputy.id, {}).get(key, []))
        if clustered is not None:
            for key, label in CLUSTER_FIGURES.items():
                figures[key] = Figure(label, clustered.get(deputy.id, {}).get(key, []))
        cards.append(
            Scorecard(
                deputy_id=deputy.id,
                mazhilis_id=deputy.mazhilis_id,
                name=" ".join(
                    p
                    for p in (deputy.last_name, deputy.first_name, deputy.patronymic)
                    if p
                ),
                name_ru=russian.get(deputy.id),
                single_mandate=mandate.deputy_type == "single_mandate",
                district=mandate.district_number,
                region=mandate.region_ru or mandate.region_kk,
                party=mandate.party,
                figures=figures,
                topics=_topics_of(tagged, figures["initiated"], figures["cosigned"]),
            )
        )
    return sorted(cards, key=lambda card: (card.name_ru or card.name).casefold())


def _topics_of(tagged: dict[int, list[str]], *figures: Figure) -> dict[str, Figure]:
    """The topics of the deputy's requests (initiated or co-signed), by label."""
    found: dict[str, Figure] = {}
    for figure in figures:
        for link in figure.links:
            request_id = link.record[1] if link.record else -1
            for label in tagged.get(request_id, []):
                found.setdefault(label, Figure(label)).links.append(link)
    return dict(sorted(found.items(), key=lambda item: (-item[1].value, item[0])))


def _russian_names(session: Session) -> dict[int, str]:
    from storage.models import DeputyName

    return dict(
        session.execute(
            select(DeputyName.deputy_id, DeputyName.full_name).where(
                DeputyName.lang == "ru", DeputyName.no_longer_seen_at.is_(None)
            )
        ).all()
    )


def group_order(group: str) -> tuple:
    """Single-mandate independents first, then party members, then the list."""
    return (group == "party list", group != "single-mandate, independent", group)


def group_means(cards: list[Scorecard], key: str) -> dict[str, float]:
    """Per group (in group_order, then "all"): the figure's mean over the
    deputies it applies to; a group it applies to none of is left out."""
    groups: dict[str, list[int]] = defaultdict(list)
    for card in cards:
        if card.applies(key):
            groups[card.group].append(card.value(key))
            groups["all"].append(card.value(key))
    ordered = sorted(groups, key=lambda g: (g == "all", group_order(g)))
    return {group: sum(groups[group]) / len(groups[group]) for group in ordered}


def totals(cards: list[Scorecard]) -> dict[str, dict[str, float]]:
    """Per group (and "all"): deputies, and each figure's sum and mean."""
    groups: dict[str, list[Scorecard]] = defaultdict(list)
    for card in cards:
        groups[card.group].append(card)
        groups["all"].append(card)
    result = {}
    for group, members in sorted(groups.items(), key=lambda g: (g[0] == "all", g[0])):
        sums = Counter()
        for card in members:
            for key in card.figures:
                sums[key] += card.value(key)
        result[group] = {"deputies": len(members)} | {
            key: sums[key] for key in members[0].figures
        }
    return result
