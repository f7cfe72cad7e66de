"""Idempotent writes by natural key, counting what each write did.

A batch of rows is compared with what is stored under the same keys: new keys are
inserted, rows whose values differ are updated, and the rest only get their
`last_seen_at` moved. Statements run per batch (executemany), never per row.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Base

# Columns that record when and where a row was seen, not what it says: changing
# them does not make a row "updated".
BOOKKEEPING = frozenset({"id", "first_seen_at", "last_seen_at", "source_document_id"})
KEY_CHUNK = 400


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    by_table: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, table: str, inserted: int, updated: int, unchanged: int) -> None:
        self.inserted += inserted
        self.updated += updated
        self.unchanged += unchanged
        row = self.by_table.setdefault(
            table, {"inserted": 0, "updated": 0, "unchanged": 0}
        )
        row["inserted"] += inserted
        row["updated"] += updated
        row["unchanged"] += unchanged

    def merge(self, other: "Counts") -> None:
        for table, row in other.by_table.items():
            self.add(table, row["inserted"], row["updated"], row["unchanged"])


def _insert(session: Session, table: Table):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(table)
    if dialect == "sqlite":
        return sqlite_insert(table)
    raise NotImplementedError(
        f"upserts are written for SQLite and PostgreSQL, not {dialect}"
    )


def _select_existing(
    session: Session, table: Table, key: Sequence[str], keys: list[tuple], columns
) -> dict[tuple, Any]:
    found: dict[tuple, Any] = {}
    key_columns = [table.c[name] for name in key]
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        if len(key_columns) == 1:
            condition = key_columns[0].in_([k[0] for k in chunk])
        else:
            condition = tuple_(*key_columns).in_(chunk)
        for row in session.execute(select(*columns).where(condition)):
            found[tuple(getattr(row, name) for name in key)] = row
    return found


def upsert(
    session: Session,
    model: type[Base],
    rows: Iterable[dict[str, Any]],
    key: Sequence[str],
    now: datetime,
    counts: Counts,
    compare: Sequence[str] | None = None,
    seen: tuple[str, str] = ("first_seen_at", "last_seen_at"),
) -> dict[tuple, int]:
    """Write `rows` of `model` by their natural `key`; return each key's row id.

    Each row holds the key and the data columns (and may hold
    `source_document_id`); the `seen` columns (first and last seen) are set from
    `now`. `compare` names the columns whose change makes a row updated (default:
    every data column). Rows repeating a key within the batch: the last one wins.
    """
    table: Table = model.__table__  # type: ignore[assignment]
    batch: dict[tuple, dict[str, Any]] = {}
    # A record written is a record seen: one that was gone is back.
    back = {"no_longer_seen_at": None} if "no_longer_seen_at" in table.c else {}
    for row in rows:
        batch[tuple(row[name] for name in key)] = row | back
    if not batch:
        return {}
    first_column, last_column = seen
    compared = sorted(
        compare
        if compare is not None
        else {name for row in batch.values() for name in row} - BOOKKEEPING - set(key)
    )
    existing = _select_existing(
        session,
        table,
        key,
        list(batch),
        [table.c.id, *(table.c[n] for n in key), *(table.c[n] for n in compared)],
    )

    first_seen = {first_column: now, last_column: now}
    last_seen = {last_column: now}
    new, changed, same = [], [], []
    for key_value, row in batch.items():
        stored = existing.get(key_value)
        if stored is None:
            new.append(row | first_seen)
        elif any(getattr(stored, name) != row[name] for name in compared):
            changed.append(row | {"_id": stored.id} | last_seen)
        else:
            same.append(row | {"_id": stored.id})

    if new:
        statement = _insert(session, table)
        # Another writer may have inserted the same key since the select above.
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={
                name: statement.excluded[name]
                for name in new[0]
                if name not in key and name != first_column
            },
        )
        session.execute(statement, new)
    if changed:
        names = [name for name in changed[0] if name != "_id"]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(f"v_{name}") for name in names}),
            [{"_id": r["_id"]} | {f"v_{n}": r[n] for n in names} for r in changed],
        )
    if same:
        values: dict[str, Any] = {last_column: now}
        params = [{"_id": row["_id"]} for row in same]
        if "source_document_id" in same[0]:
            values["source_document_id"] = bindparam("v_source_document_id")
            for param, row in zip(params, same, strict=True):
                param["v_source_document_id"] = row["source_document_id"]
        session.execute(
            update(table).where(table.c.id == bindparam("_id")).values(values),
            params,
        )
    counts.add(table.name, len(new), len(changed), len(same))

    ids = {k: existing[k].id for k in existing}
    if new:
        inserted = _select_existing(
            session,
            table,
            key,
            [tuple(row[name] for name in key) for row in new],
            [table.c.id, *(table.c[name] for name in key)],
        )
        ids.update({k: row.id for k, row in inserted.items()})
    return ids
