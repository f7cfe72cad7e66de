"""Idempotent writes by natural key, counting what each write did.

A batch of rows is compared with what is stored under the same keys: new keys are
inserted, rows whose values differ are updated, and the rest only get their
`last_seen_at` moved. Statements run per batch (executemany), never per row.
Each insert, each field an update changes and each return of a record that was
gone is kept as a change row (storage/changes.py).
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.changes import (
    UNTRACKED,
    UNTRACKED_FIELDS,
    Change,
    encode,
    record_key,
    write_changes,
)
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


def _dialect(session: Session) -> str:
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(
            f"upserts are written for SQLite and PostgreSQL, not {dialect}"
        )
    return dialect


# Statements built once per table and shape: building one (its `excluded`
# columns above all) costs more than running it on a small batch.
_statements: dict[tuple, Any] = {}


def _select_statement(
    how: str, table: Table, key: tuple[str, ...], columns: tuple[str, ...]
):
    """SELECT `columns` of the rows whose `key` is one of the bound `keys`:
    `how` they are bound is "one" (a single key: `k0`, `k1`... equal to its
    columns), "json" (SQLite: one JSON array, of values or of key tuples),
    "array" (PostgreSQL, a one-column key: one array) or "expanding" (a
    parameter per value, which SQLAlchemy expands slowly)."""
    cache_key = ("select", how, table.name, key, columns)
    if cache_key not in _statements:
        key_columns = [table.c[name] for name in key]
        target = key_columns[0] if len(key) == 1 else tuple_(*key_columns)
        keys = bindparam("keys")
        if how == "one":
            condition = and_(
                *(c == bindparam(f"k{n}") for n, c in enumerate(key_columns))
            )
        elif how == "json":
            value = literal_column("value")
            wanted = (
                [value]
                if len(key) == 1
                else [func.json_extract(value, f"$[{n}]") for n in range(len(key))]
            )
            condition = target.in_(select(*wanted).select_from(func.json_each(keys)))
        elif how == "array":
            (column,) = key_columns
            keys = bindparam("keys", type_=postgresql.ARRAY(column.type))
            condition = column == any_(keys)
        else:
            condition = target.in_(bindparam("keys", expanding=True))
        _statements[cache_key] = select(*(table.c[n] for n in columns)).where(condition)
    return _statements[cache_key]


def _insert_statement(
    dialect: str,
    table: Table,
    key: tuple[str, ...],
    names: tuple[str, ...],
    first: str,
    returning: bool = False,
):
    """INSERT rows of `names`, a key another writer stored meanwhile updated
    instead (all but its first-seen column); `returning` the row's id."""
    cache_key = ("insert", dialect, table.name, key, names, first, returning)
    if cache_key not in _statements:
        statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={
                name: statement.excluded[name]
                for name in names
                if name not in key and name != first
            },
        )
        if returning:
            statement = statement.returning(table.c.id)
        _statements[cache_key] = statement
    return _statements[cache_key]


def _update_statement(table: Table, names: tuple[str, ...]):
    """UPDATE the row of id `_id` with the values `v_<name>` of `names`."""
    cache_key = ("update", table.name, names)
    if cache_key not in _statements:
        _statements[cache_key] = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(f"v_{name}") for name in names})
        )
    return _statements[cache_key]


def _select_existing(
    connection: Connection,
    table: Table,
    key: tuple[str, ...],
    keys: list[tuple],
    columns,
) -> dict[tuple, Any]:
    found: dict[tuple, Any] = {}
    dialect = connection.dialect.name
    single = len(key) == 1
    values: list = [k[0] for k in keys] if single else keys
    if len(keys) == 1:
        # One key (a post, a request, a file: written one at a time): equality,
        # which the database plans at once, bound a parameter per column.
        chunks = [{f"k{n}": value for n, value in enumerate(keys[0])}]
        how = "one"
    elif dialect == "sqlite" and all(
        type(v) in (int, str)
        for k in keys
        for v in k  # exactly as JSON has them
    ):
        chunks = [json.dumps(values)]
        how = "json"
    elif dialect == "postgresql" and single:
        chunks = [values]
        how = "array"
    else:
        chunks = [values[s : s + KEY_CHUNK] for s in range(0, len(values), KEY_CHUNK)]
        how = "expanding"
    statement = _select_statement(how, table, key, columns)
    for chunk in chunks:
        bound = chunk if how == "one" else {"keys": chunk}
        for row in connection.execute(statement, bound):
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
    `now`, or from the row's own last-seen value when it has one (a document's
    fetch time). `compare` names the columns whose change makes a row updated
    (default: every data column). Rows repeating a key within the batch: the
    last one wins. Every row of a batch holds the same columns.
    """
    table: Table = model.__table__  # type: ignore[assignment]
    key = tuple(key)
    first_column, last_column = seen
    batch: dict[tuple, dict[str, Any]] = {}
    # A record written is a record seen: one that was gone is back.
    back = {"no_longer_seen_at": None} if "no_longer_seen_at" in table.c else {}
    for row in rows:
        batch[tuple(row[name] for name in key)] = {last_column: now} | row | back
    if not batch:
        return {}
    compared = tuple(
        sorted(
            compare
            if compare is not None
            else {name for row in batch.values() for name in row}
            - BOOKKEEPING
            - set(key)
            - set(seen)
        )
    )
    tracked = table.name not in UNTRACKED
    gone_column = ("no_longer_seen_at",) if tracked and back else ()
    # The statements run on the session's connection, after the flush that
    # session.execute would do first: the ORM's execute costs more than these
    # small statements do (a post, a request or a file is written alone).
    session.flush()
    connection = session.connection()
    dialect = _dialect(session)
    existing = _select_existing(
        connection,
        table,
        key,
        list(batch),
        ("id", *key, *dict.fromkeys((*compared, *gone_column))),
    )

    new, changed, same = [], [], []
    for key_value, row in batch.items():
        stored = existing.get(key_value)
        if stored is None:
            new.append(row | {first_column: row[last_column]})
        elif any(getattr(stored, name) != row[name] for name in compared):
            changed.append(row | {"_id": stored.id})
        else:
            same.append(row | {"_id": stored.id})

    ids = {k: existing[k].id for k in existing}
    if len(new) == 1:
        # One row: its id comes back with the insert.
        (row,) = new
        statement = _insert_statement(
            dialect, table, key, tuple(row), first_column, returning=True
        )
        ids[tuple(row[name] for name in key)] = connection.execute(
            statement, row
        ).scalar_one()
    elif new:
        names = tuple(new[0])
        statement = _insert_statement(dialect, table, key, names, first_column)
        # A plain executemany, then one select of the new ids: RETURNING would
        # make it one statement of thousands of parameters per 1,000 rows, which
        # psycopg parses again each time (slower, even on SQLite).
        connection.execute(statement, new)
        inserted = [tuple(row[name] for name in key) for row in new]
        for found, row in _select_existing(
            connection, table, key, inserted, ("id", *key)
        ).items():
            ids[found] = row.id
    if changed:
        names = tuple(name for name in changed[0] if name != "_id")
        connection.execute(
            _update_statement(table, names),
            [{"_id": r["_id"]} | {f"v_{n}": r[n] for n in names} for r in changed],
        )
    if same:
        # Only when and where it was seen moves.
        names = tuple(n for n in (last_column, "source_document_id") if n in same[0])
        connection.execute(
            _update_statement(table, names),
            [{"_id": r["_id"]} | {f"v_{n}": r[n] for n in names} for r in same],
        )
    counts.add(table.name, len(new), len(changed), len(same))
    if tracked:
        _keep_changes(session, table.name, batch, existing, ids, compared, now)
    return ids


def _keep_changes(
    session: Session,
    table: str,
    batch: dict[tuple, dict[str, Any]],
    existing: dict[tuple, Any],
    ids: dict[tuple, int],
    compared: tuple[str, ...],
    now: datetime,
) -> None:
    """Change rows for the batch: an insert per new key, a return per record
    that was gone, a row per field whose value changed."""
    fields = [name for name in compared if name not in UNTRACKED_FIELDS]
    changes = []
    for key_value, row in batch.items():
        text_key = record_key(key_value)
        stored = existing.get(key_value)
        if stored is None:
            changes.append(Change(table, ids[key_value], text_key, "insert"))
            continue
        if getattr(stored, "no_longer_seen_at", None) is not None:
            changes.append(Change(table, stored.id, text_key, "return"))
        for name in fields:
            old, new = getattr(stored, name), row[name]
            if old != new:
                changes.append(
                    Change(
                        table,
                        stored.id,
                        text_key,
                        "update",
                        name,
                        encode(old),
                        encode(new),
                    )
                )
    write_changes(session, changes, now)
