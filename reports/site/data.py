"""What the site shows, read from the database once: deputies with every name
form, mandates and accounts; requests with participants, files and answers;
meetings, activities and posts; topics and their tags; and the scorecards of
each session (reports/scorecard.py, the figures `mwatch report` shows)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.names import word_forms
from reports.scorecard import (
    Scorecard,
    Window,
    public_url,
    scorecards,
    window_of,
)
from storage.models import (
    Activity,
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyName,
    DeputyProgrammeItem,
    DeputyRequest,
    Mandate,
    Meeting,
    MeetingSource,
    Post,
    ProgrammeThesis,
    RequestFile,
    RequestParticipant,
    SocialAccount,
    SourceDocument,
    Topic,
    TopicTag,
)
from storage.published import Difference, differences

# The deputies' groups, in the order they are compared.
GROUPS = ("single_independent", "single_party", "party_list")


@dataclass
class MandateInfo:
    convocation: int
    single_mandate: bool
    district: int | None
    region: dict[str, str | None]
    party: str | None
    faction: dict[str, str | None]
    committee: dict[str, str | None]
    position: dict[str, str | None]
    start: date | None
    end: date | None


@dataclass
class Account:
    platform: str
    handle: str
    url: str


@dataclass
class Tagged:
    """A record a topic can tag: a request, meeting, activity, post or item."""

    kind: str
    record_id: int
    day: date | None
    title: str
    url: str | None
    topics: list[str] = field(default_factory=list)


@dataclass
class ProgrammeItem:
    number: int
    text: str
    # "own" (the deputy's programme file) or the party's thesis.
    source: str
    topics: list[str]


@dataclass
class Participant:
    role: str
    name: str
    deputy_id: int | None


@dataclass
class RequestInfo:
    id: int
    mazhilis_id: int
    number: str | None
    day: date | None
    title: str
    addressee: str | None
    session: tuple[int, int] | None
    participants: list[Participant]
    answer_date: date | None
    document_url: str | None
    answer_url: str | None
    text: str | None
    text_status: str | None
    answer_text: str | None
    first_seen: datetime
    last_seen: datetime
    gone_since: datetime | None
    topics: list[str]

    def days_waited(self, today: date) -> int | None:
        """Days from the request to its answer, or to today when unanswered."""
        if self.day is None:
            return None
        return ((self.answer_date or today) - self.day).days


@dataclass
class MeetingInfo:
    day: date
    kind: str
    place: str | None
    sources: list[tuple[str, str]]
    topics: list[str]


@dataclass
class DeputyInfo:
    id: int
    mazhilis_id: int
    name: dict[str, str]
    # Every name form the sources wrote, and their phonetic keys for search.
    names: list[str]
    keys: list[str]
    mandates: list[MandateInfo]
    accounts: list[Account]
    programme: list[ProgrammeItem]
    initiated: list[int]
    cosigned: list[int]
    meetings: list[MeetingInfo]
    activities: list[Tagged]
    posts: list[Tagged]

    @property
    def mandate(self) -> MandateInfo | None:
        return self.mandates[-1] if self.mandates else None

    @property
    def group(self) -> str:
        mandate = self.mandate
        if mandate is None or not mandate.single_mandate:
            return "party_list"
        return "single_party" if mandate.party else "single_independent"


@dataclass
class TopicInfo:
    key: str
    kind: str
    party: str | None
    number: int | None
    name: dict[str, str]
    scope: str


@dataclass
class SessionInfo:
    convocation: int
    number: int
    window: Window
    cards: list[Scorecard]

    @property
    def slug(self) -> str:
        return f"{self.convocation}-{self.number}"


@dataclass
class SiteData:
    today: date
    deputies: dict[int, DeputyInfo]
    requests: dict[int, RequestInfo]
    topics: dict[str, TopicInfo]
    sessions: list[SessionInfo]
    differences: list[Difference]
    # Per topic key: what it tags, by kind.
    tagged: dict[str, list[Tagged]]


def _by_lang(kk: str | None, ru: str | None) -> dict[str, str | None]:
    # The sources have no English: an English page shows the Russian text.
    return {"kk": kk or ru, "ru": ru or kk, "en": ru or kk}


def _tags(session: Session) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    for record_type, record_id, key in session.execute(
        select(TopicTag.record_type, TopicTag.record_id, Topic.key)
        .join(Topic, TopicTag.topic_id == Topic.id)
        .order_by(Topic.kind, Topic.id)
    ):
        found[record_type, record_id].append(key)
    return found


def _topics(session: Session) -> dict[str, TopicInfo]:
    return {
        t.key: TopicInfo(
            t.key,
            t.kind,
            t.party,
            t.thesis_number,
            {"kk": t.name_kk, "ru": t.name_ru, "en": t.name_en},
            t.scope,
        )
        for t in session.scalars(select(Topic).order_by(Topic.kind.desc(), Topic.id))
    }


def _requests(
    session: Session, tags: dict[tuple[str, int], list[str]]
) -> dict[int, RequestInfo]:
    documents = dict(
        session.execute(select(SourceDocument.id, SourceDocument.url)).all()
    )
    sessions = {
        s.id: (s.convocation.number, s.number)
        for s in session.scalars(select(ConvocationSession))
    }
    files: dict[tuple[int, str], RequestFile] = {
        (f.request_id, f.kind): f for f in session.scalars(select(RequestFile))
    }
    participants: dict[int, list[Participant]] = defaultdict(list)
    for row in session.scalars(
        select(RequestParticipant)
        .where(RequestParticipant.no_longer_seen_at.is_(None))
        .order_by(RequestParticipant.role.desc(), RequestParticipant.position)
    ):
        participants[row.request_id].append(
            Participant(row.role, row.name_as_given, row.deputy_id)
        )
    found = {}
    for request in session.scalars(select(DeputyRequest)):
        pdf, answer = (
            files.get((request.id, "request")),
            files.get((request.id, "answer")),
        )
        base = documents.get(request.source_document_id)
        found[request.id] = RequestInfo(
            id=request.id,
            mazhilis_id=request.mazhilis_id,
            number=request.number,
            day=request.request_date,
            title=request.title,
            addressee=request.addressee,
            session=sessions.get(request.session_id),
            participants=participants[request.id],
            answer_date=request.answer_date,
            document_url=_absolute(pdf.url if pdf else request.document_url, base),
            answer_url=_absolute(
                answer.url if answer else request.answer_document_url, base
            ),
            text=pdf.text if pdf else None,
            text_status=pdf.status if pdf else None,
            answer_text=answer.text if answer else None,
            first_seen=request.first_seen_at,
            last_seen=request.last_seen_at,
            gone_since=request.no_longer_seen_at,
            topics=tags.get(("request", request.id), []),
        )
    return found


def _absolute(url: str | None, base: str | None) -> str | None:
    from urllib.parse import urljoin

    if not url:
        return None
    return public_url(urljoin(base, url) if base else url, "mazhilis")


def _names(session: Session) -> dict[int, list[DeputyName]]:
    found: dict[int, list[DeputyName]] = defaultdict(list)
    for name in session.scalars(
        select(DeputyName).where(DeputyName.no_longer_seen_at.is_(None))
    ):
        found[name.deputy_id].append(name)
    return found


def _search_keys(names: list[str]) -> list[str]:
    """Every phonetic key of every word of the names (matching/names.py): what
    a search in any script or romanization is folded to."""
    keys: dict[str, None] = {}
    for name in names:
        for word in name.replace(".", " ").split():
            keys.update(dict.fromkeys(word_forms(word)))
    return [key for key in keys if key]


def _meetings(
    session: Session, tags: dict[tuple[str, int], list[str]]
) -> dict[int, list[MeetingInfo]]:
    documents = dict(
        session.execute(select(SourceDocument.id, SourceDocument.url)).all()
    )
    posts = {
        post_id: public_url(url, platform)
        for post_id, url, platform in session.execute(
            select(Post.id, Post.url, Post.platform)
        )
    }
    activities = {
        row.id: _absolute(row.url, documents.get(row.source_document_id))
        for row in session.scalars(select(Activity))
    }
    sources: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for source in session.scalars(select(MeetingSource)):
        url = posts.get(source.post_id) or activities.get(source.activity_id)
        if url:
            sources[source.meeting_id].append((source.source, url))
    found: dict[int, list[MeetingInfo]] = defaultdict(list)
    for meeting in session.scalars(
        select(Meeting)
        .where(Meeting.deputy_id.is_not(None))
        .order_by(Meeting.meeting_date.desc())
    ):
        found[meeting.deputy_id].append(
            MeetingInfo(
                meeting.meeting_date,
                meeting.kind,
                meeting.place,
                sorted(sources[meeting.id]),
                tags.get(("meeting", meeting.id), []),
            )
        )
    return found


def _records(
    session: Session, tags: dict[tuple[str, int], list[str]]
) -> tuple[dict[int, list[Tagged]], dict[int, list[Tagged]]]:
    """Per deputy: the Mazhilis site's activities and the posts, newest first."""
    documents = dict(
        session.execute(select(SourceDocument.id, SourceDocument.url)).all()
    )
    activities: dict[int, list[Tagged]] = defaultdict(list)
    for row in session.scalars(
        select(Activity)
        .where(Activity.deputy_id.is_not(None), Activity.no_longer_seen_at.is_(None))
        .order_by(Activity.activity_date.desc())
    ):
        activities[row.deputy_id].append(
            Tagged(
                "activity",
                row.id,
                row.activity_date,
                row.title,
                _absolute(row.url, documents.get(row.source_document_id)),
                tags.get(("activity", row.id), []),
            )
        )
    posts: dict[int, list[Tagged]] = defaultdict(list)
    for row in session.execute(
        select(
            Post.id, Post.deputy_id, Post.platform, Post.posted_at, Post.url, Post.text
        )
        .where(Post.deputy_id.is_not(None), Post.no_longer_seen_at.is_(None))
        .order_by(Post.posted_at.desc())
    ):
        text = " ".join((row.text or "").split())
        posts[row.deputy_id].append(
            Tagged(
                row.platform,
                row.id,
                row.posted_at.date(),
                text[:160] + ("…" if len(text) > 160 else ""),
                public_url(row.url, row.platform),
                tags.get(("post", row.id), []),
            )
        )
    return activities, posts


def _programmes(
    session: Session, tags: dict[tuple[str, int], list[str]], topics: dict
) -> tuple[dict[int, list[ProgrammeItem]], dict[str, list[ProgrammeItem]]]:
    """Each deputy's own programme items, and each party's theses."""
    own: dict[int, list[ProgrammeItem]] = defaultdict(list)
    for item in session.scalars(
        select(DeputyProgrammeItem).order_by(DeputyProgrammeItem.number)
    ):
        own[item.deputy_id].append(
            ProgrammeItem(
                item.number, item.text, "own", tags.get(("programme_item", item.id), [])
            )
        )
    theses: dict[str, list[ProgrammeItem]] = defaultdict(list)
    by_thesis = {
        (t.party, t.number): key for key, t in topics.items() if t.kind == "programme"
    }
    for thesis in session.scalars(
        select(ProgrammeThesis)
        .where(ProgrammeThesis.no_longer_seen_at.is_(None))
        .order_by(ProgrammeThesis.number)
    ):
        key = by_thesis.get((thesis.party, thesis.number))
        theses[thesis.party.casefold()].append(
            ProgrammeItem(
                thesis.number, thesis.text, thesis.party, [key] if key else []
            )
        )
    if not theses:
        # No programme crawled: the theses the topics file names stand for it.
        for key, topic in topics.items():
            if topic.kind == "programme" and topic.party:
                theses[topic.party.casefold()].append(
                    ProgrammeItem(
                        topic.number or 0, topic.name["ru"], topic.party, [key]
                    )
                )
    return own, theses


def load(session: Session, today: date) -> SiteData:
    """Everything the site shows."""
    tags = _tags(session)
    topics = _topics(session)
    requests = _requests(session, tags)
    names = _names(session)
    meetings = _meetings(session, tags)
    activities, posts = _records(session, tags)
    own, theses = _programmes(session, tags, topics)
    roles: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for request in sorted(requests.values(), key=lambda r: r.day or date.min):
        if request.gone_since is not None:
            continue
        for participant in request.participants:
            if participant.deputy_id is not None:
                roles[participant.deputy_id][participant.role].append(request.id)
    accounts: dict[int, list[Account]] = defaultdict(list)
    for account in session.scalars(
        select(SocialAccount)
        .where(SocialAccount.deputy_id.is_not(None))
        .order_by(SocialAccount.platform)
    ):
        url = (
            public_url(account.url, account.platform)
            if account.platform in ("telegram", "instagram", "facebook")
            else account.url
        )
        accounts[account.deputy_id].append(
            Account(account.platform, account.handle, url)
        )
    mandates: dict[int, list[MandateInfo]] = defaultdict(list)
    for mandate, number in session.execute(
        select(Mandate, Convocation.number)
        .join(Convocation, Mandate.convocation_id == Convocation.id)
        .order_by(Convocation.number)
    ):
        mandates[mandate.deputy_id].append(
            MandateInfo(
                number,
                mandate.deputy_type == "single_mandate",
                mandate.district_number,
                _by_lang(mandate.region_kk, mandate.region_ru),
                mandate.party,
                _by_lang(mandate.faction_kk, mandate.faction_ru),
                _by_lang(mandate.committee_kk, mandate.committee_ru),
                _by_lang(mandate.position_kk, mandate.position_ru),
                mandate.start_date,
                mandate.end_date,
            )
        )
    deputies = {}
    for deputy in session.scalars(
        select(Deputy).where(Deputy.mazhilis_id.is_not(None), Deputy.is_active)
    ):
        forms = {name.lang: name.full_name for name in names[deputy.id]}
        stored = " ".join(
            p for p in (deputy.last_name, deputy.first_name, deputy.patronymic) if p
        )
        every = list(dict.fromkeys([*forms.values(), stored]))
        name = {
            "kk": forms.get("kk", stored),
            "ru": forms.get("ru", stored),
            "en": forms.get("ru", stored),
        }
        party = (mandates[deputy.id][-1].party or "") if mandates[deputy.id] else ""
        programme = own.get(deputy.id, []) + theses.get(party.casefold(), [])
        deputies[deputy.id] = DeputyInfo(
            id=deputy.id,
            mazhilis_id=deputy.mazhilis_id,
            name=name,
            names=every,
            keys=_search_keys(every),
            mandates=mandates[deputy.id],
            accounts=accounts[deputy.id],
            programme=programme,
            initiated=roles[deputy.id]["initiator"],
            cosigned=roles[deputy.id]["signatory"],
            meetings=meetings[deputy.id],
            activities=activities[deputy.id],
            posts=posts[deputy.id],
        )
    tagged: dict[str, list[Tagged]] = defaultdict(list)
    for request in requests.values():
        for key in request.topics:
            tagged[key].append(
                Tagged("request", request.id, request.day, request.title, None)
            )
    for deputy in deputies.values():
        for record in (*deputy.activities, *deputy.posts):
            for key in record.topics:
                tagged[key].append(record)
    return SiteData(
        today=today,
        deputies=deputies,
        requests=requests,
        topics=topics,
        sessions=_sessions(session),
        differences=differences(session),
        tagged=tagged,
    )


def _sessions(session: Session) -> list[SessionInfo]:
    """Every stored session's scorecards, newest first."""
    found = []
    for number, convocation in session.execute(
        select(ConvocationSession.number, Convocation.number)
        .join(Convocation, ConvocationSession.convocation_id == Convocation.id)
        .order_by(Convocation.number.desc(), ConvocationSession.number.desc())
    ):
        window = window_of(session, convocation, number)
        cards = scorecards(session, window)
        if cards:
            found.append(SessionInfo(convocation, number, window, cards))
    return found
