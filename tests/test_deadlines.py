"""Answer deadlines (storage/deadlines.py): the term, each request's state and
the figures per addressee, deputy and session, on SQLite and PostgreSQL."""

import json
from datetime import UTC, date, datetime

import pytest

from records import ParticipantItem, RequestItem, item_hash
from storage import db
from storage.deadlines import (
    AnswerTerm,
    Deadline,
    DeadlineError,
    addressee_key,
    figures_by,
    request_deadlines,
    state,
)
from storage.models import Deputy
from storage.upsert import Counts
from storage.writers import Writer
from tests.e2e import mwatch

NOW = datetime(2026, 6, 1, tzinfo=UTC)
TODAY = date(2026, 6, 1)
LAW = Deadline(AnswerTerm(15), TODAY)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("15", AnswerTerm(15, "calendar")),
        ("15 calendar", AnswerTerm(15, "calendar")),
        ("10 working", AnswerTerm(10, "working")),
    ],
)
def test_the_term_reads_days_and_their_kind(text, term):
    assert AnswerTerm.parse(text) == term


@pytest.mark.parametrize(
    ("text", "named"),
    [("", "give a number"), ("15 lunar", "'lunar'"), ("0", "at least one"), ("x", "")],
)
def test_a_term_that_cannot_be_read_names_itself(text, named):
    with pytest.raises(DeadlineError, match=f"MWATCH_ANSWER_DAYS={text!r}.*{named}"):
        AnswerTerm.parse(text)


def test_calendar_days_count_every_day_and_working_days_skip_weekends():
    friday = date(2026, 5, 1)
    assert AnswerTerm(15).due(friday) == date(2026, 5, 16)
    # Monday 4 May is the first working day after; the tenth is Friday 15 May.
    assert AnswerTerm(10, "working").due(friday) == date(2026, 5, 15)
    assert AnswerTerm(1, "working").due(friday) == date(2026, 5, 4)


def test_each_state_of_a_request():
    sent = date(2026, 5, 1)
    in_time = state(sent, date(2026, 5, 16), LAW)
    assert (in_time.answer_due_date, in_time.answered_late) == (
        date(2026, 5, 16),
        False,
    )
    assert (in_time.days_to_answer, in_time.days_waiting) == (15, None)
    late = state(sent, date(2026, 5, 17), LAW)
    assert (late.answered_late, late.overdue, late.days_to_answer) == (True, False, 16)
    waiting = state(sent, None, LAW)
    assert (waiting.overdue, waiting.days_waiting, waiting.days_to_answer) == (
        True,
        31,
        None,
    )
    # On its due day a request is not overdue yet.
    assert not state(sent, None, Deadline(AnswerTerm(15), date(2026, 5, 16))).overdue
    assert state(None, None, LAW).answer_due_date is None


@pytest.mark.parametrize(
    "spelling",
    [
        "Министру транспорта РК",
        "Министру транспорта Республики Казахстан",
        "министру  транспорта Р.К.",
        "Министру транспорта Республики Казахстан Сауранбаеву Н.Б.",
    ],
)
def test_an_addressee_is_one_however_it_is_written(spelling):
    assert addressee_key(spelling) == "министру транспорта рк"


def test_different_offices_stay_apart():
    assert addressee_key("Министру финансов РК") != addressee_key(
        "Министру транспорта РК"
    )


def request(
    mazhilis_id: int,
    sent: date,
    answered: date | None,
    addressee: str,
    deputies: list[int],
    session: int = 82,
) -> RequestItem:
    return RequestItem(
        mazhilis_id=mazhilis_id,
        number=str(mazhilis_id),
        request_date=sent,
        title=f"Запрос {mazhilis_id}",
        addressee=addressee,
        source_convocation_id=None,
        source_session_id=session,
        document_url=None,
        answer_date=answered,
        answer_document_url=None,
        participants=[
            ParticipantItem("initiator", n, f"Депутат {d}", d)
            for n, d in enumerate(deputies)
        ],
        item_hash=item_hash(mazhilis_id),
    )


@pytest.fixture
def url(database_url):
    db.upgrade(database_url)
    with db.session_for(database_url, write=True) as session:
        for mazhilis_id in (71, 56):
            session.add(
                Deputy(
                    mazhilis_id=mazhilis_id,
                    last_name=f"Депутатов{mazhilis_id}",
                    first_name="Имя",
                    first_seen_at=NOW,
                    last_seen_at=NOW,
                )
            )
        session.flush()
        Writer(session, Counts(), {}).write_all(
            [
                # Answered in time, late, and not at all (overdue), to one office
                # written two ways.
                request(
                    1,
                    date(2026, 5, 1),
                    date(2026, 5, 10),
                    "Министру транспорта РК",
                    [71],
                ),
                request(
                    2,
                    date(2026, 5, 1),
                    date(2026, 5, 31),
                    "Министру транспорта Республики Казахстан",
                    [71, 56],
                ),
                request(3, date(2026, 4, 1), None, "Министру финансов РК", [56]),
                # Not due yet.
                request(4, date(2026, 5, 25), None, "Министру финансов РК", [56], 83),
            ],
            NOW,
        )
    return database_url


def figures(url: str, by: str) -> dict[str, dict]:
    with db.session_for(url) as session:
        return {g.name: g.figures.as_record() for g in figures_by(session, LAW, by)}


def test_figures_per_addressee_take_its_spellings_as_one(url):
    found = figures(url, "addressee")
    assert found == {
        "Министру финансов РК": {
            "sent": 2,
            "answered": 0,
            "answered_late": 0,
            "overdue": 1,
            "median_days_to_answer": None,
        },
        # Both spellings once: the first in order names the office.
        "Министру транспорта РК": {
            "sent": 2,
            "answered": 2,
            "answered_late": 1,
            "overdue": 0,
            "median_days_to_answer": 19.5,
        },
    }
    # Most overdue first.
    assert list(found) == ["Министру финансов РК", "Министру транспорта РК"]


def test_figures_per_deputy_count_each_signer(url):
    found = figures(url, "deputy")
    assert found["Депутатов71 Имя"] == {
        "sent": 2,
        "answered": 2,
        "answered_late": 1,
        "overdue": 0,
        "median_days_to_answer": 19.5,
    }
    assert found["Депутатов56 Имя"]["sent"] == 3
    assert found["Депутатов56 Имя"]["overdue"] == 1
    assert found["Депутатов56 Имя"]["median_days_to_answer"] == 30


def test_figures_per_session(url):
    found = figures(url, "session")
    # The sessions are not stored: their requests fall under "unknown".
    assert found == {
        "unknown": {
            "sent": 4,
            "answered": 2,
            "answered_late": 1,
            "overdue": 1,
            "median_days_to_answer": 19.5,
        }
    }


def test_working_days_move_the_deadline(url):
    working = Deadline(AnswerTerm(22, "working"), TODAY)
    with db.session_for(url) as session:
        law = {r.mazhilis_id: r.answer for r in request_deadlines(session, LAW)}
        late = {r.mazhilis_id: r.answer for r in request_deadlines(session, working)}
    # 22 working days from Friday 1 May 2026 is Tuesday 2 June: the answer of
    # 31 May, late by the calendar, is in time.
    assert law[2].answered_late and not late[2].answered_late
    assert late[2].answer_due_date == date(2026, 6, 2)


def test_mwatch_deadlines_prints_the_figures(url):
    environment = {"DATABASE_URL": url, "MWATCH_TODAY": TODAY.isoformat()}
    result = mwatch("deadlines", "--by", "addressee", "--json", env=environment)
    assert result.code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(g["name"], g["overdue"], g["answered_late"]) for g in found] == [
        ("Министру финансов РК", 1, 0),
        ("Министру транспорта РК", 0, 1),
    ]
    table = mwatch("deadlines", env=environment | {"MWATCH_ANSWER_DAYS": "30"})
    assert "30 calendar days" in table.stdout
    assert "Министру транспорта РК" in table.stdout
    bad = mwatch("deadlines", "--by", "party", env=environment)
    assert bad.code == 2 and "--by" in bad.stderr
