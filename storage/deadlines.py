"""When a deputy request must be answered, and how the answers kept to it.

One definition, derived whenever it is read from the stored dates, the setting
(`MWATCH_ANSWER_DAYS`, settings.py) and the day it is read on (`MWATCH_TODAY` or
today); nothing of it is stored, so that a changed setting or a new day never
leaves a stale figure behind:

- `answer_due_date`: the request's date plus the term, in calendar days or in
  working days (Monday to Friday; public holidays are not known to it);
- `overdue`: no answer, and the day is past the due date;
- `answered_late`: an answer dated after the due date;
- `days_to_answer`: answer date minus request date (answered requests);
- `days_waiting`: the day minus the request date (requests not answered).

docs/database.md ("Answer deadlines") says where the default term comes from.
"""

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyRequest,
    RequestParticipant,
)

KINDS = ("calendar", "working")


class DeadlineError(ValueError):
    """A term that cannot be read; the message names it."""


@dataclass(frozen=True)
class AnswerTerm:
    """How many days an answer may take, and which days count."""

    days: int
    kind: str = "calendar"

    @classmethod
    def parse(cls, text: str) -> "AnswerTerm":
        """ "15", "15 calendar" or "10 working"."""
        parts = text.split()
        if not parts or len(parts) > 2 or not parts[0].isdigit():
            raise DeadlineError(
                f"MWATCH_ANSWER_DAYS={text!r}: give a number of days, "
                'optionally followed by "calendar" or "working" (e.g. "15 calendar")'
            )
        kind = parts[1] if len(parts) == 2 else "calendar"
        if kind not in KINDS:
            raise DeadlineError(
                f"MWATCH_ANSWER_DAYS={text!r}: {kind!r} is not calendar or working"
            )
        if int(parts[0]) < 1:
            raise DeadlineError(f"MWATCH_ANSWER_DAYS={text!r}: at least one day")
        return cls(int(parts[0]), kind)

    def __str__(self) -> str:
        return f"{self.days} {self.kind} days"

    def due(self, sent: date) -> date:
        """The last day an answer to a request of that date is in time."""
        if self.kind == "calendar":
            return sent + timedelta(days=self.days)
        day, left = sent, self.days
        while left:
            day += timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day


@dataclass(frozen=True)
class Deadline:
    """The term and the day the figures are read on."""

    term: AnswerTerm
    today: date


# The default term (settings.py's MWATCH_ANSWER_DAYS, not yet confirmed against
# the law: docs/database.md, "Answer deadlines"), for readers given no setting.
DEFAULT_TERM = AnswerTerm(15, "calendar")


@dataclass(frozen=True)
class AnswerState:
    """A request's deadline and where its answer stands, as of `Deadline.today`."""

    answer_due_date: date | None
    overdue: bool
    answered_late: bool
    days_to_answer: int | None
    days_waiting: int | None

    def as_record(self) -> dict[str, Any]:
        return {
            "answer_due_date": (
                self.answer_due_date.isoformat() if self.answer_due_date else None
            ),
            "overdue": self.overdue,
            "answered_late": self.answered_late,
            "days_to_answer": self.days_to_answer,
            "days_waiting": self.days_waiting,
        }


def state(sent: date | None, answered: date | None, deadline: Deadline) -> AnswerState:
    """The deadline and state of a request sent and answered on these days (a
    request without a date has none)."""
    if sent is None:
        return AnswerState(None, False, False, None, None)
    due = deadline.term.due(sent)
    if answered is not None:
        return AnswerState(due, False, answered > due, (answered - sent).days, None)
    return AnswerState(
        due, deadline.today > due, False, None, (deadline.today - sent).days
    )


# Forms of the country's name an addressee is written with, and the one kept.
_COUNTRY = re.compile(
    r"(?<!\w)(республики\s+казахстан|р\.\s*к\.|рк|"
    r"казахстан\s+республикасы(ның)?|қр)(?!\w)"
)
# An addressee's name after the office: "Премьер-Министру РК Бектенову О.А.".
_PERSON = re.compile(
    r"\s+[а-яёәғқңөұүһі-]+\s+[а-яёәғқңөұүһі]\.\s*([а-яёәғқңөұүһі]\.)?$"
)


def addressee_key(addressee: str | None) -> str:
    """The office a request is addressed to, however it is written:
    "Министру транспорта РК" and "Министру транспорта Республики Казахстан" are
    one ("министру транспорта рк"); the person's name after the office is
    dropped, as offices outlast their holders."""
    if not addressee:
        return ""
    text = " ".join(addressee.lower().replace("ё", "е").split())
    text = _COUNTRY.sub("рк", text)
    text = _PERSON.sub("", text).strip(" .,;:")
    return " ".join(text.replace("«", "").replace("»", "").replace('"', "").split())


@dataclass
class Figures:
    """A group's requests and their answers."""

    sent: int = 0
    answered: int = 0
    answered_late: int = 0
    overdue: int = 0
    days: list[int] = field(default_factory=list)

    def add(self, answer: AnswerState) -> None:
        self.sent += 1
        if answer.days_to_answer is not None:
            self.answered += 1
            self.days.append(answer.days_to_answer)
        self.answered_late += answer.answered_late
        self.overdue += answer.overdue

    @property
    def median_days_to_answer(self) -> float | None:
        return statistics.median(self.days) if self.days else None

    def as_record(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "answered": self.answered,
            "answered_late": self.answered_late,
            "overdue": self.overdue,
            "median_days_to_answer": self.median_days_to_answer,
        }


@dataclass(frozen=True)
class RequestDeadline:
    """A stored request with its answer state, its session and its deputies."""

    request_id: int
    mazhilis_id: int
    title: str
    addressee: str | None
    request_date: date | None
    answer_date: date | None
    document_url: str | None
    session: tuple[int, int] | None
    deputy_ids: tuple[int, ...]
    answer: AnswerState


def request_deadlines(
    session: Session, deadline: Deadline, request_ids: Iterable[int] | None = None
) -> list[RequestDeadline]:
    """Every stored request (or those of `request_ids`), with its state, in the
    order of their Mazhilis ids; requests gone from the source included."""
    sessions = {
        row.id: (row.convocation, row.number)
        for row in session.execute(
            select(
                ConvocationSession.id,
                Convocation.number.label("convocation"),
                ConvocationSession.number,
            ).join(Convocation, ConvocationSession.convocation_id == Convocation.id)
        )
    }
    deputies: dict[int, list[int]] = defaultdict(list)
    for request_id, deputy_id in session.execute(
        select(RequestParticipant.request_id, RequestParticipant.deputy_id)
        .where(RequestParticipant.deputy_id.is_not(None))
        .order_by(RequestParticipant.role, RequestParticipant.position)
    ):
        if deputy_id not in deputies[request_id]:
            deputies[request_id].append(deputy_id)
    statement = select(DeputyRequest).order_by(DeputyRequest.mazhilis_id)
    if request_ids is not None:
        statement = statement.where(DeputyRequest.id.in_(sorted(set(request_ids))))
    return [
        RequestDeadline(
            request_id=r.id,
            mazhilis_id=r.mazhilis_id,
            title=r.title,
            addressee=r.addressee,
            request_date=r.request_date,
            answer_date=r.answer_date,
            document_url=r.document_url,
            session=sessions.get(r.session_id) if r.session_id else None,
            deputy_ids=tuple(deputies[r.id]),
            answer=state(r.request_date, r.answer_date, deadline),
        )
        for r in session.scalars(statement)
    ]


BY = ("addressee", "deputy", "session")


@dataclass
class Group:
    """The figures of one addressee, deputy or session, and its name."""

    key: str
    name: str
    figures: Figures


def figures_by(
    session: Session,
    deadline: Deadline,
    by: str,
    requests: list[RequestDeadline] | None = None,
) -> list[Group]:
    """The figures per addressee (normalized), deputy (each signer) or session,
    the latest first: most requests still overdue, then answered late."""
    if by not in BY:
        raise DeadlineError(f"--by {by}: not one of {', '.join(BY)}")
    found = requests if requests is not None else request_deadlines(session, deadline)
    figures: dict[str, Figures] = defaultdict(Figures)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for request in found:
        if by == "addressee":
            key = addressee_key(request.addressee)
            spellings[key][request.addressee or "(none)"] += 1
            keys = [key]
        elif by == "session":
            keys = [
                f"{request.session[0]}/{request.session[1]}"
                if request.session
                else "unknown"
            ]
        else:
            keys = [str(d) for d in request.deputy_ids]
        for key in keys:
            figures[key].add(request.answer)
    names = _names(session, by, figures, spellings)
    groups = [Group(key, names[key], found) for key, found in figures.items()]
    groups.sort(
        key=lambda g: (-g.figures.overdue, -g.figures.answered_late, g.name, g.key)
    )
    return groups


def _names(
    session: Session, by: str, figures: dict[str, Figures], spellings: dict
) -> dict[str, str]:
    if by == "addressee":
        # The most common spelling, the first in order between equals.
        return {
            key: sorted(spellings[key].items(), key=lambda s: (-s[1], s[0]))[0][0]
            for key in figures
        }
    if by == "session":
        return {
            key: key
            if key == "unknown"
            else "convocation {}, session {}".format(*key.split("/"))
            for key in figures
        }
    rows = session.execute(
        select(Deputy.id, Deputy.last_name, Deputy.first_name, Deputy.patronymic)
    )
    names = {str(row.id): " ".join(p for p in row[1:] if p) for row in rows}
    return {key: names.get(key, key) for key in figures}
