"""`mwatch export`: the database as Popolo JSON, JSON or CSV files in a folder,
or what changed as Atom feeds or JSON Lines (reports/feeds.py).

Every file is written whole to a temporary name and then renamed, so an export
that fails leaves the files of the previous one as they were. storage/README.md
("Exports") documents every file and field.
"""

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from reports import records
from reports.popolo import popolo
from reports.records import Record
from storage.deadlines import DEFAULT_TERM, Deadline

FORMATS = ("popolo", "csv", "json", "atom", "jsonl")


class ExportError(Exception):
    """An output folder that cannot be written; the message names it."""


# The record types of the json and csv formats, and how to read each.
TABLES: dict[str, Callable[[Session, records.Sources], list[Record]]] = {
    "persons": records.persons,
    "requests": records.requests,
    "activities": records.activities,
    "posts": records.posts,
    "meetings": records.meetings,
}

PERSON_COLUMNS = (
    "id", "mazhilis_id", "name", "family_name", "given_name", "patronymic_name",
    "name_kk", "name_ru", "email", "phone", "image", "is_active", "accounts",
)  # fmt: skip
REQUEST_COLUMNS = (
    "id", "mazhilis_id", "number", "request_date", "title", "addressee",
    "convocation", "session", "answered", "answer_date", "answer_due_date",
    "overdue", "answered_late", "days_to_answer", "days_waiting", "document_url",
    "answer_document_url", "initiators", "initiator_ids", "signatories",
    "signatory_ids",
)  # fmt: skip
PARTICIPANT_COLUMNS = (
    "request_id", "role", "position", "name_as_given", "person_id",
    "source_deputy_id", "link_status",
)  # fmt: skip
ACTIVITY_COLUMNS = (
    "id", "mazhilis_id", "person_id", "source_deputy_id", "date", "title", "text",
    "place", "url", "fetched_via",
)  # fmt: skip
POST_COLUMNS = (
    "id", "platform", "source_post_id", "person_id", "account", "url", "posted_at",
    "text", "hashtags", "photos", "views", "edited", "forwarded_from",
)  # fmt: skip
MEETING_COLUMNS = (
    "id", "person_id", "kind", "date", "place", "reports", "platforms",
)  # fmt: skip
SOURCE_COLUMNS = ("source_url", "source_fetched_at", "source_content_hash")
SEEN_COLUMNS = ("first_seen_at", "last_seen_at", "no_longer_seen_at")
CSV_COLUMNS = {
    "persons": PERSON_COLUMNS,
    "requests": REQUEST_COLUMNS,
    "activities": ACTIVITY_COLUMNS,
    "posts": POST_COLUMNS,
    "meetings": MEETING_COLUMNS,
}


def check_out(out: Path) -> None:
    """The output folder exists or can be made, and can be written."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out}: is a file, not a folder")
    parent = out if out.exists() else out.parent
    if not parent.is_dir():
        raise ExportError(f"--out {out}: its folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"--out {out}: {parent} is not writable")


def export(
    session: Session, fmt: str, out: Path, deadline: Deadline | None = None
) -> dict[str, int]:
    """Write the export; the records written, by file name. `deadline` is the
    requests' answer term and the day it is read on (default: the law's, today)."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt}: not one of {', '.join(FORMATS)}")
    check_out(out)
    out.mkdir(exist_ok=True)
    deadline = deadline or Deadline(DEFAULT_TERM, date.today())
    if fmt in ("atom", "jsonl"):
        from reports import feeds

        return feeds.export(session, fmt, out, deadline, _replace)
    sources = records.Sources(session)
    written: dict[str, int] = {}
    if fmt == "popolo":
        document = popolo(session, sources)
        _write_json(out / "popolo.json", document)
        for key, items in document.items():
            written[f"popolo.json {key}"] = len(items)
        return written
    for table, read in TABLES.items():
        if table == "requests":
            rows = records.requests(session, sources, deadline)
        else:
            rows = read(session, sources)
        if fmt == "json":
            _write_json(out / f"{table}.json", rows)
            written[f"{table}.json"] = len(rows)
            continue
        columns = CSV_COLUMNS[table] + SOURCE_COLUMNS + SEEN_COLUMNS
        _write_csv(out / f"{table}.csv", columns, (_flat(table, r) for r in rows))
        written[f"{table}.csv"] = len(rows)
        if table == "requests":
            participants = [
                {"request_id": r["id"], **p} for r in rows for p in r["participants"]
            ]
            _write_csv(
                out / "request_participants.csv", PARTICIPANT_COLUMNS, participants
            )
            written["request_participants.csv"] = len(participants)
    return written


def _flat(table: str, record: Record) -> dict[str, Any]:
    """A record as one CSV row: lists joined by spaces, the first source in
    its own columns (a request's PDFs follow its page in `sources` of JSON)."""
    row = dict(record)
    for key in ("hashtags", "photos", "reports", "platforms"):
        if key in row:
            row[key] = " ".join(row[key])
    if table == "persons":
        for lang in ("kk", "ru"):
            row[f"name_{lang}"] = next(
                (n["name"] for n in record["other_names"] if n["lang"] == lang), None
            )
        row["accounts"] = " ".join(a["url"] for a in record["accounts"])
    if table == "requests":
        for role, plural in (("initiator", "initiators"), ("signatory", "signatories")):
            mine = [p for p in record["participants"] if p["role"] == role]
            row[plural] = "; ".join(p["name_as_given"] for p in mine)
            row[f"{role}_ids"] = " ".join(p["person_id"] or "" for p in mine).strip()
    first = record["sources"][0] if record["sources"] else {}
    row["source_url"] = first.get("url")
    row["source_fetched_at"] = first.get("fetched_at")
    row["source_content_hash"] = first.get("content_hash")
    return row


def _replace(path: Path, write: Callable[[Any], None], newline: str | None) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as file:
            write(file)
        # mkstemp makes the file private; an export is for others to read.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _write_json(path: Path, value: Any) -> None:
    def write(file: Any) -> None:
        json.dump(value, file, ensure_ascii=False, indent=1)
        file.write("\n")

    _replace(path, write, None)


# What a spreadsheet reads as the start of a formula: a cell such as
# =HYPERLINK("http://evil.example","x") in a request's title would run when a
# monitor opens the CSV file. OWASP's rule: such a cell starts with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula, with a single
    quote before it (the JSON exports keep it as it is); other values as given."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[dict]) -> None:
    def write(file: Any) -> None:
        writer = csv.DictWriter(file, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(
            {key: spreadsheet_safe(value) for key, value in row.items()} for row in rows
        )

    _replace(path, write, "")
