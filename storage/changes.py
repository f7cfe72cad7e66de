"""Every change of a stored record, kept (`record_changes`).

`storage/upsert.py` writes a change row for each insert, each field an update
changes and each return of a record that was gone; `mark_gone`
(storage/after_crawl.py) one for each disappearance. A crawl over unchanged
sources writes none, and nothing removes one. `kind_of` names what a change means
to a reader ("new request", "answer arrived", ...), as `mwatch changes` lists them.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import UniqueConstraint, func, or_, select
from sqlalchemy.orm import Session

from storage.models import (
    Activity,
    Base,
    Deputy,
    DeputyName,
    Mandate,
    Post,
    RecordChange,
    RequestFile,
    RequestParticipant,
    SocialAccount,
)

# Tables whose rows are bookkeeping or derived, not records a source states:
# the raw documents themselves, the totals a source publishes, the matcher's
# proposals (recomputed on every write).
UNTRACKED = frozenset({"source_documents", "published_counts", "name_mentions"})
# Columns that are no statement of the record's: hashes of the rest, counters
# that grow every day (a post's views, likes and comments) and the gone mark.
UNTRACKED_FIELDS = frozenset(
    {"item_hash", "views", "likes", "comments", "no_longer_seen_at"}
)
# The session's `info` key a crawl sets to its run's id.
RUN_ID = "run_id"


def encode(value: Any) -> str | None:
    """A value as change rows keep it: text as is, dates ISO 8601, booleans
    "true"/"false", lists and objects JSON; null stays null."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def record_key(values: Iterable[Any]) -> str:
    """A natural key as text: its values joined by "/"."""
    return "/".join("" if v is None else str(encode(v)) for v in values)


def natural_key(table: Any) -> tuple[str, ...]:
    """The columns of a table's natural key: its first unique constraint."""
    for constraint in sorted(table.constraints, key=lambda c: c.name or ""):
        if isinstance(constraint, UniqueConstraint):
            return tuple(column.name for column in constraint.columns)
    return ("id",)


@dataclass(frozen=True)
class Change:
    """A change to write: of which record, what, from and to which value."""

    record_type: str
    record_id: int
    record_key: str
    change: str
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None


def write_changes(session: Session, changes: list[Change], changed_at: datetime) -> int:
    """Write change rows of the session's run (none outside a crawl); how many."""
    if not changes:
        return 0
    run_id = session.info.get(RUN_ID)
    session.execute(
        RecordChange.__table__.insert(),  # type: ignore[attr-defined]
        [
            {
                "record_type": c.record_type,
                "record_id": c.record_id,
                "record_key": c.record_key[:600],
                "change": c.change,
                "field": c.field,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "run_id": run_id,
                "changed_at": changed_at,
            }
            for c in changes
        ],
    )
    return len(changes)


def added_by_run(session: Session, run_id: int) -> int:
    """How many change rows a run added."""
    return (
        session.scalar(select(func.count()).where(RecordChange.run_id == run_id)) or 0
    )


# What a change means to a reader: (record type, change, field) → kind, a field
# of None standing for any field. The first match wins.
KIND_RULES: list[tuple[str, str, str | None, str]] = [
    ("deputy_requests", "insert", None, "new request"),
    ("deputy_requests", "update", "answer_date", "answer arrived"),
    ("deputy_requests", "update", "title", "request title corrected"),
    ("deputy_requests", "update", None, "request changed"),
    ("deputy_requests", "gone", None, "request gone"),
    ("deputy_requests", "return", None, "request back"),
    ("request_files", None, None, "request file"),
    ("request_participants", None, None, "request signatories changed"),
    ("activities", "insert", None, "new meeting"),
    ("activities", "update", None, "meeting changed"),
    ("activities", "gone", None, "meeting gone"),
    ("activities", "return", None, "meeting back"),
    ("posts", "insert", None, "new post"),
    ("posts", "update", None, "post edited"),
    ("posts", "gone", None, "post gone"),
    ("posts", "return", None, "post back"),
    ("deputies", "insert", None, "new deputy"),
    ("deputies", None, None, "deputy changed"),
    ("deputy_names", None, None, "deputy changed"),
    ("mandates", "insert", None, "new mandate"),
    ("mandates", None, None, "deputy's mandate changed"),
    ("social_accounts", None, None, "account changed"),
    ("party_news", "insert", None, "new party news"),
    ("party_news", None, None, "party news changed"),
]
# Derived, not stored: a request past its deadline without an answer, dated the
# day after its deadline (storage/deadlines.py).
OVERDUE = "request overdue"
OTHER = "other change"
KINDS: tuple[str, ...] = tuple(
    dict.fromkeys([rule[3] for rule in KIND_RULES] + [OVERDUE, OTHER])
)


def kind_of(row: Any) -> str:
    """The kind of a change row (a RecordChange or any row with its columns)."""
    for record_type, change, field, kind in KIND_RULES:
        if row.record_type != record_type or change not in (None, row.change):
            continue
        if field is not None and row.field != field:
            continue
        if kind == "answer arrived" and not (
            row.old_value is None and row.new_value is not None
        ):
            continue
        return kind
    return OTHER


def deputy_changes(deputy_id: int) -> Any:
    """A condition: the change concerns the deputy (their record, names,
    mandates, accounts, activities, posts, or a request they signed)."""
    requests = select(RequestParticipant.request_id).where(
        RequestParticipant.deputy_id == deputy_id
    )
    owned = {
        "deputies": select(Deputy.id).where(Deputy.id == deputy_id),
        "deputy_names": select(DeputyName.id).where(DeputyName.deputy_id == deputy_id),
        "mandates": select(Mandate.id).where(Mandate.deputy_id == deputy_id),
        "social_accounts": select(SocialAccount.id).where(
            SocialAccount.deputy_id == deputy_id
        ),
        "activities": select(Activity.id).where(Activity.deputy_id == deputy_id),
        "posts": select(Post.id).where(Post.deputy_id == deputy_id),
        "deputy_requests": requests,
        "request_participants": select(RequestParticipant.id).where(
            RequestParticipant.request_id.in_(requests)
        ),
        "request_files": select(RequestFile.id).where(
            RequestFile.request_id.in_(requests)
        ),
    }
    return or_(
        *(
            (RecordChange.record_type == table) & RecordChange.record_id.in_(ids)
            for table, ids in owned.items()
        )
    )


def list_changes(
    session: Session,
    since: date | None = None,
    until: date | None = None,
    deputy_id: int | None = None,
    kinds: Iterable[str] = (),
) -> list[RecordChange]:
    """The change rows within the days (UTC) and of the kinds asked (all when
    none), newest first; "request overdue" is derived (storage/deadlines.py)."""
    statement = select(RecordChange).order_by(
        RecordChange.changed_at.desc(), RecordChange.id.desc()
    )
    if since is not None:
        start = datetime.combine(since, time(), UTC)
        statement = statement.where(RecordChange.changed_at >= start)
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), UTC)
        statement = statement.where(RecordChange.changed_at < end)
    if deputy_id is not None:
        statement = statement.where(deputy_changes(deputy_id))
    wanted = set(kinds)
    return [
        row
        for row in session.scalars(statement)
        if not wanted or kind_of(row) in wanted
    ]


# A record of which no change is kept: (inserted, gone, earliest change).
NOTHING_KEPT: tuple[bool, bool, datetime | None] = (False, False, None)


def rebuild(
    session: Session, versions: dict[tuple[str, tuple], list[tuple[datetime, dict]]]
) -> int:
    """Give each stored record without a kept insert its history: an insert at
    its first seen time, an update per field between the `versions` the stored
    raw documents hold of it (oldest first; only those before its first kept
    change), and its disappearance, if it is gone. How many rows it added; a
    second run adds none."""
    kept: dict[tuple[str, int], tuple[bool, bool, datetime | None]] = {}
    for record_type, record_id, change, first in session.execute(
        select(
            RecordChange.record_type,
            RecordChange.record_id,
            RecordChange.change,
            func.min(RecordChange.changed_at),
        ).group_by(
            RecordChange.record_type, RecordChange.record_id, RecordChange.change
        )
    ):
        inserted, gone, earliest = kept.get(
            (record_type, record_id), (False, False, None)
        )
        kept[(record_type, record_id)] = (
            inserted or change == "insert",
            gone or change == "gone",
            first if earliest is None else min(earliest, first),
        )
    added = 0
    for table in Base.metadata.sorted_tables:
        if table.name in UNTRACKED or "first_seen_at" not in table.c:
            continue
        key = natural_key(table)
        changes: list[tuple[datetime, Change]] = []
        for row in session.execute(
            select(
                table.c.id,
                table.c.first_seen_at,
                table.c.no_longer_seen_at,
                *(table.c[name] for name in key),
            ).order_by(table.c.id)
        ):
            inserted, gone, earliest = kept.get(
                (table.name, row.id), (False, False, None)
            )
            if inserted:
                continue
            values = tuple(row[3:])
            text_key = record_key(values)
            changes.append(
                (row.first_seen_at, Change(table.name, row.id, text_key, "insert"))
            )
            previous = None
            for fetched, fields in versions.get((table.name, values), []):
                if earliest is not None and fetched >= earliest:
                    break
                if previous is not None and fetched > row.first_seen_at:
                    for name, new in fields.items():
                        if previous.get(name) != new:
                            changes.append(
                                (
                                    fetched,
                                    Change(
                                        table.name,
                                        row.id,
                                        text_key,
                                        "update",
                                        name,
                                        encode(previous.get(name)),
                                        encode(new),
                                    ),
                                )
                            )
                previous = fields
            if row.no_longer_seen_at is not None and not gone:
                changes.append(
                    (
                        row.no_longer_seen_at,
                        Change(table.name, row.id, text_key, "gone"),
                    )
                )
        for changed_at in sorted({at for at, _ in changes}):
            added += write_changes(
                session, [c for at, c in changes if at == changed_at], changed_at
            )
    return added
