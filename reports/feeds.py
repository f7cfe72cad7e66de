"""What changed, as Atom feeds and JSON Lines (`mwatch export --format atom|jsonl`).

Every change row (storage/changes.py) is an entry, and so is each request past
its deadline without an answer ("request overdue", dated the day after its
deadline; storage/deadlines.py). An entry's id is built from what it is about
(the record's type and natural key, the change, the field and its time), never
from a row id, so it stays the same across exports and rebuilt databases; its
link is the public page or PDF (https://mazhilis.parlam.kz, never the host a
crawl read); it names the deputies it concerns. The same database always gives
the same bytes.

Files: all.atom (everything), answers.atom ("answer arrived"), overdue.atom (the
requests overdue now), deputies/<person id>.atom (one per stored deputy),
topics/<topic key>.atom (one per topic); changes.jsonl (every entry, one JSON
object a line, newest first).
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator
from sqlalchemy import select
from sqlalchemy.orm import Session

from reports import ids
from reports.records import person_ids
from reports.scorecard import PUBLIC_BASES, public_url
from storage.changes import OVERDUE, kind_of, list_changes
from storage.deadlines import Deadline, request_deadlines
from storage.models import (
    Activity,
    Deputy,
    DeputyName,
    DeputyProgrammeItem,
    DeputyRequest,
    Mandate,
    PartyNews,
    Post,
    RecordChange,
    RequestFile,
    RequestParticipant,
    SocialAccount,
    Topic,
    TopicTag,
)

FEED_ID = "urn:mazhilis-watch:feed:"
ENTRY_ID = "urn:mazhilis-watch:change:"
# An empty feed's date: fixed, so that its bytes do not change either.
EMPTY_FEED_DATE = datetime(2023, 3, 29, tzinfo=UTC)
MAZHILIS = PUBLIC_BASES["mazhilis"]
ANSWER_ARRIVED = "answer arrived"
# The topic tags' record types of the tables whose changes a topic's feed takes.
TAGGED = {"deputy_requests": "request", "activities": "activity", "posts": "post"}
# Tables whose rows belong to a request, and the column naming it.
OF_REQUEST = {"request_files": RequestFile, "request_participants": RequestParticipant}
# Tables whose rows name their deputy in `deputy_id`.
OF_DEPUTY = {
    "deputy_names": DeputyName,
    "mandates": Mandate,
    "social_accounts": SocialAccount,
    "activities": Activity,
    "posts": Post,
    "deputy_programme_items": DeputyProgrammeItem,
}


@dataclass(frozen=True)
class Entry:
    """One change as a feed shows it."""

    id: str
    kind: str
    at: datetime
    title: str
    summary: str
    link: str
    record_type: str
    record_key: str
    change: str
    field: str | None
    old_value: str | None
    new_value: str | None
    deputies: tuple[tuple[str, str], ...] = ()  # (person id, name)
    topics: tuple[str, ...] = ()
    deputy_ids: tuple[int, ...] = field(default=(), compare=False)

    def as_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["at"] = self.at.isoformat()
        record["deputies"] = [{"id": i, "name": n} for i, n in self.deputies]
        record["topics"] = list(self.topics)
        del record["deputy_ids"]
        return record


def entry_id(*parts: Any) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return ENTRY_ID + hashlib.sha256(text.encode()).hexdigest()[:32]


class Context:
    """What entries name: deputies, requests, records' labels and links, topics;
    read once."""

    def __init__(self, session: Session) -> None:
        self.person_ids = person_ids(session)
        self.deputies = {
            d.id: d for d in session.scalars(select(Deputy).order_by(Deputy.id))
        }
        self.requests = {r.id: r for r in session.scalars(select(DeputyRequest))}
        self.request_deputies: dict[int, list[int]] = defaultdict(list)
        for request_id, deputy_id in session.execute(
            select(RequestParticipant.request_id, RequestParticipant.deputy_id)
            .where(RequestParticipant.deputy_id.is_not(None))
            .order_by(RequestParticipant.role, RequestParticipant.position)
        ):
            if deputy_id not in self.request_deputies[request_id]:
                self.request_deputies[request_id].append(deputy_id)
        self.of_request = {
            table: dict(session.execute(select(model.id, model.request_id)).all())
            for table, model in OF_REQUEST.items()
        }
        self.of_deputy = {
            table: dict(session.execute(select(model.id, model.deputy_id)).all())
            for table, model in OF_DEPUTY.items()
        }
        self.activities = {a.id: a for a in session.scalars(select(Activity))}
        self.posts = {p.id: p for p in session.scalars(select(Post))}
        self.accounts = {a.id: a for a in session.scalars(select(SocialAccount))}
        self.files = {f.id: f for f in session.scalars(select(RequestFile))}
        self.news = {n.id: n for n in session.scalars(select(PartyNews))}
        self.topics: dict[tuple[str, int], list[str]] = defaultdict(list)
        for record_type, record_id, key in session.execute(
            select(TopicTag.record_type, TopicTag.record_id, Topic.key)
            .join(Topic, TopicTag.topic_id == Topic.id)
            .order_by(Topic.key)
        ):
            self.topics[(record_type, record_id)].append(key)

    def name(self, deputy_id: int) -> str:
        deputy = self.deputies.get(deputy_id)
        if deputy is None:
            return str(deputy_id)
        parts = (deputy.last_name, deputy.first_name, deputy.patronymic)
        return " ".join(p for p in parts if p)

    def request_of(self, record_type: str, record_id: int) -> int | None:
        if record_type == "deputy_requests":
            return record_id
        return self.of_request.get(record_type, {}).get(record_id)

    def deputies_of(self, record_type: str, record_id: int) -> list[int]:
        if record_type == "deputies":
            return [record_id]
        request = self.request_of(record_type, record_id)
        if request is not None:
            return self.request_deputies.get(request, [])
        deputy = self.of_deputy.get(record_type, {}).get(record_id)
        return [deputy] if deputy is not None else []

    def topics_of(self, record_type: str, record_id: int) -> list[str]:
        request = self.request_of(record_type, record_id)
        if request is not None:
            return self.topics.get(("request", request), [])
        tagged = TAGGED.get(record_type)
        return self.topics.get((tagged, record_id), []) if tagged else []

    def label_and_link(
        self, record_type: str, record_id: int, kind: str
    ) -> tuple[str, str]:
        """What the record is, in a few words, and its public page or PDF."""
        request = self.requests.get(self.request_of(record_type, record_id) or -1)
        if request is not None:
            url = request.document_url
            if kind == ANSWER_ARRIVED and request.answer_document_url:
                url = request.answer_document_url
            if record_type == "request_files" and record_id in self.files:
                url = self.files[record_id].url
            return request.title, public_url(url, "mazhilis") or MAZHILIS
        if record_type == "activities" and record_id in self.activities:
            activity = self.activities[record_id]
            url = public_url(activity.url, "mazhilis") or self._deputy_page(
                activity.deputy_id
            )
            return activity.title, url
        if record_type == "posts" and record_id in self.posts:
            post = self.posts[record_id]
            text = " ".join((post.text or "").split())
            label = text[:100] + ("…" if len(text) > 100 else "") or post.url
            return label, _public(post.url, post.platform)
        if record_type == "social_accounts" and record_id in self.accounts:
            account = self.accounts[record_id]
            label = f"{account.platform} {account.handle}"
            return label, _public(account.url, account.platform)
        if record_type == "party_news" and record_id in self.news:
            news = self.news[record_id]
            return news.title, public_url(news.url, "amanat") or news.url
        deputies = self.deputies_of(record_type, record_id)
        if deputies:
            return self.name(deputies[0]), self._deputy_page(deputies[0])
        return f"{record_type} {record_id}", MAZHILIS

    def _deputy_page(self, deputy_id: int | None) -> str:
        deputy = self.deputies.get(deputy_id or -1)
        if deputy is None or deputy.mazhilis_id is None:
            return MAZHILIS
        return f"{MAZHILIS}/ru/deputies/{deputy.mazhilis_id}"


def _public(url: str, platform: str) -> str:
    """A platform's address on its public site; one of a platform no crawl reads
    (a YouTube channel the Mazhilis lists) as the source gave it."""
    if platform in PUBLIC_BASES:
        return public_url(url, platform) or url
    return url


def _summary(change: RecordChange) -> str:
    if change.change == "update":
        return f"{change.field}: {change.old_value!r} → {change.new_value!r}"
    return {
        "insert": "first seen",
        "gone": "no longer found by a complete crawl of its source",
        "return": "found again after it was gone",
    }.get(change.change, change.change)


def entries(session: Session, deadline: Deadline) -> list[Entry]:
    """Every change and every overdue request, newest first."""
    context = Context(session)
    found = []
    for change in list_changes(session):
        kind = kind_of(change)
        label, link = context.label_and_link(change.record_type, change.record_id, kind)
        deputies = context.deputies_of(change.record_type, change.record_id)
        found.append(
            Entry(
                id=entry_id(
                    change.record_type,
                    change.record_key,
                    change.change,
                    change.field,
                    change.changed_at.isoformat(),
                ),
                kind=kind,
                at=change.changed_at,
                title=f"{kind}: {label}",
                summary=_summary(change),
                link=link,
                record_type=change.record_type,
                record_key=change.record_key,
                change=change.change,
                field=change.field,
                old_value=change.old_value,
                new_value=change.new_value,
                deputies=tuple(
                    (context.person_ids.get(d, str(d)), context.name(d))
                    for d in deputies
                ),
                topics=tuple(context.topics_of(change.record_type, change.record_id)),
                deputy_ids=tuple(deputies),
            )
        )
    found += overdue_entries(session, deadline, context)
    found.sort(key=lambda e: (e.at, e.id), reverse=True)
    return found


def overdue_entries(
    session: Session, deadline: Deadline, context: Context | None = None
) -> list[Entry]:
    """The requests overdue as of the deadline's day, each dated the day after
    its deadline."""
    context = context or Context(session)
    found = []
    for request in request_deadlines(session, deadline):
        if not request.answer.overdue:
            continue
        due = request.answer.answer_due_date
        assert due is not None
        deputies = list(request.deputy_ids)
        found.append(
            Entry(
                id=entry_id("overdue", request.mazhilis_id, due.isoformat()),
                kind=OVERDUE,
                at=datetime.combine(due + timedelta(days=1), time(), UTC),
                title=f"{OVERDUE}: {request.title}",
                summary=(
                    f"addressed to {request.addressee}; due {due.isoformat()} "
                    f"({deadline.term}); no answer after "
                    f"{request.answer.days_waiting} days"
                ),
                link=public_url(request.document_url, "mazhilis") or MAZHILIS,
                record_type="deputy_requests",
                record_key=str(request.mazhilis_id),
                change="overdue",
                field=None,
                old_value=None,
                new_value=due.isoformat(),
                deputies=tuple(
                    (context.person_ids.get(d, str(d)), context.name(d))
                    for d in deputies
                ),
                topics=tuple(context.topics.get(("request", request.request_id), [])),
                deputy_ids=tuple(deputies),
            )
        )
    return found


def atom(feed_id: str, title: str, found: Iterable[Entry]) -> bytes:
    """An Atom feed of the entries, in the order given."""
    found = list(found)
    feed = FeedGenerator()
    feed.id(FEED_ID + feed_id)
    feed.title(title)
    feed.link(href=MAZHILIS, rel="alternate")
    feed.language("ru")
    feed.updated(max((e.at for e in found), default=EMPTY_FEED_DATE))
    for item in found:
        entry = feed.add_entry(order="append")
        entry.id(item.id)
        entry.title(item.title)
        entry.updated(item.at)
        entry.published(item.at)
        entry.link(href=item.link, rel="alternate")
        entry.summary(item.summary)
        for person_id, name in item.deputies:
            entry.author({"name": name, "uri": f"urn:mazhilis-watch:{person_id}"})
        entry.category(term=item.kind)
        for topic in item.topics:
            entry.category(term=f"topic:{topic}")
    return feed.atom_str(pretty=True)


def export(
    session: Session,
    fmt: str,
    out: Path,
    deadline: Deadline,
    replace: Callable[[Path, Callable[[Any], None], str | None], None],
) -> dict[str, int]:
    """Write the feeds (`atom`) or changes.jsonl (`jsonl`) into `out` with
    `replace` (reports/export.py: a temporary file renamed over the old one);
    the entries written, by file name."""
    found = entries(session, deadline)
    written: dict[str, int] = {}

    def put(name: str, data: bytes, count: int) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        replace(path, lambda file: file.write(data.decode()), "")
        written[name] = count

    if fmt == "jsonl":
        lines = [json.dumps(e.as_record(), ensure_ascii=False) for e in found]
        text = "".join(f"{line}\n" for line in lines)
        put("changes.jsonl", text.encode(), len(lines))
        return written
    feeds: list[tuple[str, str, str, list[Entry]]] = [
        ("all.atom", "all", "mazhilis-watch: every change", found),
        (
            "answers.atom",
            "answers",
            "mazhilis-watch: answers arrived",
            [e for e in found if e.kind == ANSWER_ARRIVED],
        ),
        (
            "overdue.atom",
            "overdue",
            f"mazhilis-watch: requests overdue ({deadline.term})",
            [e for e in found if e.kind == OVERDUE],
        ),
    ]
    context_ids = person_ids(session)
    by_deputy: dict[int, list[Entry]] = defaultdict(list)
    for entry in found:
        for deputy_id in entry.deputy_ids:
            by_deputy[deputy_id].append(entry)
    for deputy in session.scalars(select(Deputy).order_by(Deputy.id)):
        person = context_ids[deputy.id]
        name = " ".join(
            p for p in (deputy.last_name, deputy.first_name, deputy.patronymic) if p
        )
        feeds.append(
            (
                f"deputies/{ids.slug(person)}.atom",
                person,
                f"mazhilis-watch: {name}",
                by_deputy[deputy.id],
            )
        )
    for topic in session.scalars(select(Topic).order_by(Topic.key)):
        feeds.append(
            (
                f"topics/{ids.slug(topic.key)}.atom",
                f"topic/{topic.key}",
                f"mazhilis-watch: {topic.name_en}",
                [e for e in found if topic.key in e.topics],
            )
        )
    for name, feed_id, title, chosen in feeds:
        put(name, atom(feed_id, title, chosen), len(chosen))
    return written
