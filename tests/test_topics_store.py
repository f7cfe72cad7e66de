"""Topic tags in the database (SQLite and PostgreSQL): records tagged by their
text with the keywords that matched; tagging again changes nothing; a changed
text changes its tags. And deputies' own programme items from a file."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from records import PartyNewsItem, PostItem, RequestItem
from storage import db
from storage.models import (
    DeputyProgrammeItem,
    Meeting,
    MeetingSource,
    Post,
    Topic,
    TopicTag,
)
from storage.programme import (
    ProgrammeFileError,
    load_programme,
    read_programme,
)
from storage.topics import tag_records
from storage.upsert import Counts
from storage.writers import Writer
from tests.e2e import mwatch
from tests.test_storage import write_samples
from topics.keywords import Tagger, load_topics

NOW = datetime(2025, 7, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_topics())


def write_records(url: str) -> None:
    with db.session_for(url, write=True) as session:
        writer = Writer(session, Counts(), {})
        writer.write_request(
            RequestItem(
                mazhilis_id=5012,
                number="ДЗ-5012",
                request_date=NOW.date(),
                title="О загрязнении атмосферного воздуха в городе Темиртау",
                addressee="Министру экологии и природных ресурсов",
                source_convocation_id=None,
                source_session_id=None,
                document_url=None,
                answer_date=None,
                answer_document_url=None,
                participants=[],
                item_hash="h",
            ),
            NOW,
        )
        writer.write_post(
            PostItem(
                platform="telegram",
                handle="kuspan_abzal",
                source_post_id="kuspan_abzal/1",
                url="https://t.me/kuspan_abzal/1",
                posted_at=NOW,
                text="Пенсионеры спрашивали о перерасчете пенсий.",
                hashtags=[],
                photos=[],
                views=None,
                edited=False,
                forwarded_from=None,
                item_hash="h",
            ),
            NOW,
        )
        writer.write_party_news(
            PartyNewsItem(
                party="AMANAT",
                slug="novost",
                url="https://amanatpartiyasy.kz/ru/news/novost",
                published_at=NOW,
                title="Поздравляем с праздником",
                text="Мира и добра каждой семье!",
                mentions=[],
                item_hash="h",
            ),
            NOW,
        )


def tags(url: str) -> set[tuple[str, str, tuple[str, ...]]]:
    with db.session_for(url) as session:
        return {
            (record_type, key, tuple(keywords))
            for record_type, key, keywords in session.execute(
                select(TopicTag.record_type, Topic.key, TopicTag.keywords).join(Topic)
            )
        }


def test_records_are_tagged_and_tagging_again_changes_nothing(database_url, tagger):
    db.upgrade(database_url)
    write_records(database_url)
    with db.session_for(database_url, write=True) as session:
        first = tag_records(session, tagger)
    assert tags(database_url) == {
        ("request", "environment", ("атмосферн", "воздух", "загрязн")),
        ("request", "programme-9", ("атмосферн", "воздух", "загрязн")),
        ("post", "programme-2", ("пенси",)),
    }
    assert first["request"] == {"records": 1, "added": 2, "changed": 0, "removed": 0}
    assert first["party_news"]["added"] == 0
    with db.session_for(database_url) as session:
        assert session.scalar(select(Topic.name_ru).where(Topic.key == "programme-9"))
        before = session.execute(select(TopicTag.id, TopicTag.tagged_at)).all()

    with db.session_for(database_url, write=True) as session:
        again = tag_records(session, tagger)
    assert all(
        (c["added"], c["changed"], c["removed"]) == (0, 0, 0) for c in again.values()
    )
    with db.session_for(database_url) as session:
        assert session.execute(select(TopicTag.id, TopicTag.tagged_at)).all() == before


def test_a_changed_text_changes_its_tags(database_url, tagger):
    db.upgrade(database_url)
    write_records(database_url)
    with db.session_for(database_url, write=True) as session:
        tag_records(session, tagger)
        session.execute(
            update(Post).values(text="Жалақы мен зейнетақы туралы сұрақтар.")
        )
    with db.session_for(database_url, write=True) as session:
        report = tag_records(session, tagger, record_types=["post"])
    assert report["post"] == {"records": 1, "added": 1, "changed": 1, "removed": 0}
    assert {t for t in tags(database_url) if t[0] == "post"} == {
        ("post", "programme-1", ("жалақ",)),
        ("post", "programme-2", ("зейнет",)),
    }


def test_only_records_written_since_a_time_are_tagged(sqlite_url, tagger):
    db.upgrade(sqlite_url)
    write_records(sqlite_url)
    with db.session_for(sqlite_url, write=True) as session:
        report = tag_records(session, tagger, since=datetime.now(UTC))
    assert all(counts["records"] == 0 for counts in report.values())
    assert tags(sqlite_url) == set()


PROGRAMME = """\
# deputy id, item number, text
71, 1, Построить водопровод в селах Бокейординского района
71, 2, Отремонтировать дорогу Казталовка — Жалпактал, с мостом
71, x, Без номера
999, 1, Поддержка фермеров
71, 2, Повтор второго пункта

71, 3,
"""


def test_a_programme_file_reports_bad_lines_by_number(tmp_path):
    path = tmp_path / "programme.txt"
    path.write_text(PROGRAMME, "utf-8")
    items, problems = read_programme(path)
    assert [(i.line, i.deputy, i.number) for i in items] == [
        (2, 71, 1),
        (3, 71, 2),
        (5, 999, 1),
    ]
    assert items[1].text == "Отремонтировать дорогу Казталовка — Жалпактал, с мостом"
    assert problems == [
        f"{path}:4: item number 'x' is not a positive number",
        f"{path}:6: deputy 71's item 2 is already on line 3",
        f"{path}:8: the item's text is empty",
    ]


def test_a_missing_or_binary_programme_file_is_an_error(tmp_path):
    with pytest.raises(ProgrammeFileError, match="no such file"):
        read_programme(tmp_path / "none.txt")
    binary = tmp_path / "programme.bin"
    binary.write_bytes(b"\xff\xfe71, 1, x")
    with pytest.raises(ProgrammeFileError, match="not UTF-8"):
        read_programme(binary)


def test_programme_items_are_stored_tagged_and_follow_the_file(
    database_url, samples, tmp_path, tagger
):
    db.upgrade(database_url)
    write_samples(database_url, samples, NOW)[1].dispose()
    path = tmp_path / "programme.txt"
    path.write_text(PROGRAMME, "utf-8")
    with db.session_for(database_url, write=True) as session:
        counts, removed, refused = load_programme(
            session, path, read_programme(path)[0]
        )
        tag_records(session, tagger, record_types=["programme_item"])
    assert (counts.inserted, removed) == (2, 0)
    assert refused == [
        f"{path}:5: no deputy 999 is stored (run `mwatch crawl mazhilis-deputies` "
        "first?)"
    ]
    assert {(t[1]) for t in tags(database_url)} == {"programme-4", "programme-6"}

    path.write_text("71, 2, Экология: сохранение лесов\n", "utf-8")
    with db.session_for(database_url, write=True) as session:
        counts, removed, _ = load_programme(session, path, read_programme(path)[0])
        tag_records(session, tagger, record_types=["programme_item"])
        stored = session.execute(
            select(DeputyProgrammeItem.number, DeputyProgrammeItem.text)
        ).all()
    assert (counts.updated, removed) == (1, 1)
    assert stored == [(2, "Экология: сохранение лесов")]
    assert {t[1] for t in tags(database_url)} == {"environment", "programme-9"}


def test_programme_load_command_exit_codes(sqlite_url, samples, tmp_path):
    db.upgrade(sqlite_url)
    write_samples(sqlite_url, samples, NOW)[1].dispose()
    environment = {"DATABASE_URL": sqlite_url}
    good = tmp_path / "good.txt"
    good.write_text("71, 1, Ауыз су және жол жөндеу\n", "utf-8")
    result = mwatch("programme", "load", str(good), env=environment)
    assert result.code == 0, result.stderr
    assert "1 items added" in result.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text(PROGRAMME, "utf-8")
    result = mwatch("programme", "load", str(bad), env=environment)
    assert result.code == 1
    assert f"{bad}:4: item number 'x'" in result.stderr
    missing = mwatch("programme", "load", str(tmp_path / "no.txt"), env=environment)
    assert missing.code == 2
    assert "no such file" in missing.stderr


def test_a_meeting_is_tagged_by_the_texts_of_its_sources(sqlite_url, tagger):
    db.upgrade(sqlite_url)
    write_records(sqlite_url)
    with db.session_for(sqlite_url, write=True) as session:
        post_id = session.scalar(select(Post.id))
        meeting = Meeting(
            who="account:1",
            kind="reception",
            meeting_date=NOW.date(),
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(meeting)
        session.flush()
        session.add(
            MeetingSource(
                meeting_id=meeting.id,
                post_id=post_id,
                source="telegram",
                matched_at=NOW,
            )
        )
        session.flush()
        report = tag_records(session, tagger, record_types=["meeting"])
    assert report["meeting"]["added"] == 1
    assert ("meeting", "programme-2", ("пенси",)) in tags(sqlite_url)
