"""The topics and programme theses requests are tagged with, when the topics
tables (`topics`, `topic_tags`, written by the topic tagger) are there."""

from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.orm import Session

TAGS = text(
    "SELECT tags.record_id, topics.kind, topics.party, topics.thesis_number, "
    "topics.name_en FROM topic_tags AS tags "
    "JOIN topics ON topics.id = tags.topic_id "
    "WHERE tags.record_type = 'request' ORDER BY topics.kind, topics.key"
)


def label(kind: str, party: str | None, number: int | None, name: str) -> str:
    """ "AMANAT thesis 3: ..." for a programme thesis, the name for an issue."""
    if kind == "programme" and number is not None:
        return f"{party or 'programme'} thesis {number}: {name}"
    return name


def request_topics(session: Session, tables: set[str]) -> dict[int, list[str]]:
    """Each tagged request's topic labels, by the request's row id; nothing when
    the tables are not there."""
    if not {"topics", "topic_tags"} <= tables:
        return {}
    found: dict[int, list[str]] = defaultdict(list)
    for record_id, kind, party, number, name in session.execute(TAGS):
        found[record_id].append(label(kind, party, number, name))
    return found
