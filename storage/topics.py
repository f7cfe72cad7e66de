"""Topic tags in the database.

`sync_topics` makes the `topics` table follow the topics file; `tag_records`
tags stored records by their text (topics/keywords.py) and writes only what
differs from the tags stored: tagging the same records again changes nothing.
Crawls tag what they wrote (`tag_after_crawl`, from the storage pipeline);
`mwatch topics tag` tags everything again, after the keywords changed.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Activity,
    DeputyProgrammeItem,
    DeputyRequest,
    Meeting,
    MeetingSource,
    PartyNews,
    Post,
    Topic,
    TopicTag,
)
from topics.keywords import Tagger, load_topics

CHUNK = 1000
PARTY = "AMANAT"
# Each record type: its table and the columns whose text is tagged.
TEXTS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    # A request by its title: its addressee ("Генеральному прокурору") says
    # whom it asks, not what about.
    "request": (DeputyRequest, (DeputyRequest.title,)),
    "activity": (Activity, (Activity.title, Activity.text)),
    "post": (Post, (Post.text,)),
    "party_news": (PartyNews, (PartyNews.title, PartyNews.text)),
    "programme_item": (DeputyProgrammeItem, (DeputyProgrammeItem.text,)),
}
RECORD_TYPES = (*TEXTS, "meeting")


@dataclass
class TagCounts:
    records: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return vars(self).copy()


def sync_topics(session: Session, tagger: Tagger) -> dict[str, int]:
    """Make the `topics` table the file's topics; {key: id}. A topic gone from
    the file goes with its tags."""
    stored = {topic.key: topic for topic in session.scalars(select(Topic))}
    for topic in tagger.topics:
        values = {
            "kind": topic.kind,
            "party": PARTY if topic.kind == "programme" else None,
            "thesis_number": topic.thesis,
            "name_en": topic.name_en,
            "name_ru": topic.name_ru,
            "name_kk": topic.name_kk,
            "scope": topic.scope,
        }
        row = stored.pop(topic.key, None)
        if row is None:
            session.add(Topic(key=topic.key, **values))
        else:
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
    for gone in stored.values():
        session.execute(delete(TopicTag).where(TopicTag.topic_id == gone.id))
        session.delete(gone)
    session.flush()
    return {
        key: topic_id for key, topic_id in session.execute(select(Topic.key, Topic.id))
    }


def _texts(
    session: Session, record_type: str, ids: list[int]
) -> Iterator[tuple[int, str]]:
    """(record id, its text) of some records of a type."""
    if record_type == "meeting":
        texts: dict[int, list[str]] = {}
        rows = session.execute(
            select(MeetingSource.meeting_id, Post.text, Activity.title, Activity.text)
            .outerjoin(Post, MeetingSource.post_id == Post.id)
            .outerjoin(Activity, MeetingSource.activity_id == Activity.id)
            .where(MeetingSource.meeting_id.in_(ids))
            .order_by(MeetingSource.id)
        )
        for meeting_id, *parts in rows:
            texts.setdefault(meeting_id, []).extend(p for p in parts if p)
        for meeting_id in ids:
            yield meeting_id, "\n".join(texts.get(meeting_id, []))
        return
    model, columns = TEXTS[record_type]
    for record_id, *parts in session.execute(
        select(model.id, *columns).where(model.id.in_(ids))
    ):
        yield record_id, "\n".join(p for p in parts if p)


def _record_ids(
    session: Session, record_type: str, since: datetime | None
) -> list[int]:
    """The ids of the records to tag: all, or those written since `since`."""
    if record_type == "meeting":
        model, written = Meeting, Meeting.updated_at
    else:
        model = TEXTS[record_type][0]
        written = model.last_seen_at
    query = select(model.id).order_by(model.id)
    if since is not None:
        query = query.where(written >= since)
    return list(session.scalars(query))


def _sync_tags(
    session: Session,
    record_type: str,
    desired: dict[tuple[int, int], list[str]],
    ids: list[int],
    counts: TagCounts,
    now: datetime,
) -> None:
    """Write the tags of records `ids`: `desired` {(topic id, record id): keywords}."""
    stored = {
        (topic_id, record_id): (tag_id, keywords)
        for tag_id, topic_id, record_id, keywords in session.execute(
            select(
                TopicTag.id, TopicTag.topic_id, TopicTag.record_id, TopicTag.keywords
            ).where(TopicTag.record_type == record_type, TopicTag.record_id.in_(ids))
        )
    }
    new = [
        {
            "topic_id": topic_id,
            "record_type": record_type,
            "record_id": record_id,
            "keywords": keywords,
            "tagged_at": now,
        }
        for (topic_id, record_id), keywords in desired.items()
        if (topic_id, record_id) not in stored
    ]
    changed = [
        {"tag_id": stored[key][0], "new_keywords": keywords, "now": now}
        for key, keywords in desired.items()
        if key in stored and stored[key][1] != keywords
    ]
    gone = [tag_id for key, (tag_id, _) in stored.items() if key not in desired]
    if new:
        session.execute(insert(TopicTag), new)
    if changed:
        table = TopicTag.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("tag_id"))
            .values(keywords=bindparam("new_keywords"), tagged_at=bindparam("now")),
            changed,
        )
    if gone:
        session.execute(
            delete(TopicTag)
            .where(TopicTag.id.in_(gone))
            .execution_options(synchronize_session=False)
        )
    counts.added += len(new)
    counts.changed += len(changed)
    counts.removed += len(gone)


def tag_records(
    session: Session,
    tagger: Tagger,
    since: datetime | None = None,
    record_types: Iterable[str] | None = None,
) -> dict[str, dict[str, int]]:
    """Tag the stored records (those written since `since`, or all) of the given
    types (default: all); {record type: counts of records seen and tags added,
    changed, removed}."""
    topic_ids = sync_topics(session, tagger)
    now = datetime.now(UTC)
    report = {}
    for record_type in record_types or RECORD_TYPES:
        counts = TagCounts()
        ids = _record_ids(session, record_type, since)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            desired = {
                (topic_ids[key], record_id): keywords
                for record_id, text in _texts(session, record_type, chunk)
                for key, keywords in tagger.tag(text).items()
            }
            _sync_tags(session, record_type, desired, chunk, counts, now)
            counts.records += len(chunk)
        report[record_type] = counts.as_dict()
    session.flush()
    return report


def tag_after_crawl(
    session: Session, since: datetime, topics_file: str | Path
) -> dict[str, dict[str, int]]:
    """Tag what a crawl that started at `since` wrote."""
    tagger = Tagger(load_topics(Path(topics_file)))
    report = tag_records(session, tagger, since)
    return {kind: counts for kind, counts in report.items() if counts["records"]}
