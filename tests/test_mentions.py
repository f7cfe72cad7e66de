"""Name mentions in the database (SQLite and PostgreSQL): recorded and resolved
against the stored deputies, idempotent, and a person's decision holds when the
mentioning record is written again."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matching.mentions import PARTY_NEWS, Mention
from records import NewsMentionItem, PartyNewsItem
from storage import db
from storage.accounts import load_accounts, read_accounts
from storage.mentions import MentionError, decide, record_mentions
from storage.models import (
    Deputy,
    DeputyName,
    MatchDecision,
    NameMention,
    PartyNewsMention,
    SocialAccount,
)
from storage.upsert import Counts
from storage.writers import Writer

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SEEN = {"first_seen_at": NOW, "last_seen_at": NOW}
# Two deputies: 71 Куспан, 56 Калыков.
DEPUTIES = (
    (71, "ҚҰСПАН", "Абзал", "Темірғалиұлы", "Куспан Абзал Темиргалиулы"),
    (56, "ҚАЛЫҚОВ", "Арман", "Қобыландыұлы", "Калыков Арман Кобыландынович"),
)


@pytest.fixture
def url(database_url: str) -> str:
    db.upgrade(database_url)
    with db.session_for(database_url, write=True) as session:
        for mazhilis_id, last, first, patronymic, russian in DEPUTIES:
            deputy = Deputy(
                mazhilis_id=mazhilis_id,
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                **SEEN,
            )
            session.add(deputy)
            session.flush()
            session.add(
                DeputyName(
                    deputy_id=deputy.id,
                    source="mazhilis",
                    lang="ru",
                    script="Cyrl",
                    full_name=russian,
                    **SEEN,
                )
            )
    return database_url


def stored_id(session, mazhilis_id: int) -> int:  # noqa: ANN001
    return session.scalar(select(Deputy.id).where(Deputy.mazhilis_id == mazhilis_id))


MENTIONS = [
    Mention("A. Kuspan", "request_participant", "5100/signatory", convocation=8),
    Mention("Калыкв А.К.", "request_participant", "5100/signatory", convocation=8),
    Mention("Рахметов Е.Е.", "request_participant", "5101/initiator", convocation=8),
]


def test_mentions_are_linked_reviewed_or_left_unlinked(url):
    with db.session_for(url, write=True) as session:
        links = record_mentions(session, MENTIONS)
        kuspan, kalykov = stored_id(session, 71), stored_id(session, 56)
    outcome = {key[2]: (link.status, link.deputy_id) for key, link in links.items()}
    assert outcome == {
        "A. Kuspan": ("linked", kuspan),
        "Калыкв А.К.": ("review", None),
        "Рахметов Е.Е.": ("unlinked", None),
    }
    with db.session_for(url) as session:
        review = session.scalars(
            select(NameMention).where(NameMention.raw_name == "Калыкв А.К.")
        ).one()
    assert review.candidate_deputy_id == kalykov
    assert 0.6 <= review.score < 0.9
    assert "below the link threshold" in review.reason


def test_recording_again_changes_nothing(url):
    with db.session_for(url, write=True) as session:
        first = record_mentions(session, MENTIONS, now=NOW)
    counts = Counts()
    with db.session_for(url, write=True) as session:
        again = record_mentions(session, MENTIONS, counts=counts)
    assert again == first
    assert counts.by_table["name_mentions"] == {
        "inserted": 0,
        "updated": 0,
        "unchanged": 3,
    }


def news(status: str, candidate: int | None) -> PartyNewsItem:
    return PartyNewsItem(
        party="AMANAT",
        slug="deputat-kuspan",
        url="/ru/news/deputat-kuspan",
        published_at=NOW,
        title="Куспан встретился с избирателями",
        text="Депутат Куспан провёл встречу.",
        mentions=[
            NewsMentionItem(
                name_as_given="Куспан",
                status=status,
                deputy_id=None,
                candidate_deputy_id=candidate,
                score=0.72,
                reason="surname agrees; first name unknown",
            )
        ],
        item_hash="0" * 64,
    )


def test_a_decision_on_party_news_holds_when_the_news_is_written_again(url):
    def write(item: PartyNewsItem) -> Counts:
        counts = Counts()
        with db.session_for(url, write=True) as session:
            Writer(session, counts, {}).write(item, NOW)
        return counts

    with db.session_for(url) as session:
        kuspan = stored_id(session, 71)
    write(news("review", kuspan))

    def links() -> tuple:
        with db.session_for(url) as session:
            mention = session.scalars(
                select(NameMention).where(NameMention.source_kind == PARTY_NEWS)
            ).one()
            row = session.scalars(select(PartyNewsMention)).one()
            return (mention.id, mention.status, mention.deputy_id), (
                row.status,
                row.deputy_id,
            )

    (mention_id, status, _), in_news = links()
    assert (status, in_news) == ("review", ("review", None))

    with db.session_for(url, write=True) as session:
        decide(session, mention_id, "accept", "monitor", note="the article's photo")
    assert links() == ((mention_id, "linked", kuspan), ("linked", kuspan))

    counts = write(news("review", kuspan))
    assert links() == ((mention_id, "linked", kuspan), ("linked", kuspan))
    assert counts.by_table["name_mentions"]["updated"] == 0

    with db.session_for(url, write=True) as session:
        decide(session, mention_id, "reject", "monitor")
    write(news("review", kuspan))
    assert links() == ((mention_id, "unlinked", None), ("unlinked", None))
    with db.session_for(url) as session:
        actions = session.execute(
            select(MatchDecision.action, MatchDecision.decided_by, MatchDecision.note)
        ).all()
    assert sorted(actions) == [
        ("accept", "monitor", "the article's photo"),
        ("reject", "monitor", ""),
    ]


def test_deciding_on_what_is_not_there_is_refused(url):
    with db.session_for(url, write=True) as session:
        links = record_mentions(session, MENTIONS[2:])
        (link,) = links.values()
        with pytest.raises(MentionError, match="no name mention has id 99999"):
            decide(session, 99999, "unlink", "monitor")
        with pytest.raises(MentionError, match="has no candidate to accept"):
            decide(session, link.id, "accept", "monitor")
        assert session.scalars(select(MatchDecision)).all() == []


def test_a_decision_on_an_account_given_by_name_holds_when_the_file_is_reloaded(
    url, tmp_path
):
    path = tmp_path / "accounts.txt"
    path.write_text("Куспан, telegram, kuspan_channel\n", encoding="utf-8")
    accounts, problems = read_accounts(path)
    assert problems == []

    def load() -> tuple[str, int | None]:
        with db.session_for(url, write=True) as session:
            _, refused, notes = load_accounts(session, path, accounts)
        assert refused == []
        with db.session_for(url) as session:
            deputy = session.scalars(select(SocialAccount.deputy_id)).one()
        return notes, deputy

    notes, deputy = load()
    # A surname alone is not enough to link: the account waits for review.
    assert deputy is None
    assert "'Куспан' is in review (name mention" in notes[0]
    with db.session_for(url, write=True) as session:
        mention = session.scalars(select(NameMention)).one()
        assert mention.source_key == "telegram:kuspan_channel"
        decide(session, mention.id, "accept", "monitor")
        kuspan = stored_id(session, 71)
    assert load() == ([], kuspan)
    assert load() == ([], kuspan)
