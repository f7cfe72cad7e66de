"""The topics and programme theses requests are tagged with (`topics`,
`topic_tags`, written by the topic tagger after every crawl)."""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Topic, TopicTag


def label(kind: str, party: str | None, number: int | None, name: str) -> str:
    """ "AMANAT thesis 3: ..." for a programme thesis, the name for an issue."""
    if kind == "programme" and number is not None:
        return f"{party or 'programme'} thesis {number}: {name}"
    return name


def request_topics(session: Session) -> dict[int, list[str]]:
    """Each tagged request's topic labels, by the request's row id."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(
            TopicTag.record_id,
            Topic.kind,
            Topic.party,
            Topic.thesis_number,
            Topic.name_en,
        )
        .join(Topic, TopicTag.topic_id == Topic.id)
        .where(TopicTag.record_type == "request")
        .order_by(Topic.kind, Topic.key)
    )
    for record_id, kind, party, number, name in rows:
        found[record_id].append(label(kind, party, number, name))
    return found
