"""`mwatch browse`: the database in Datasette, read-only, with its tables described.

Datasette serves an SQLite file as web pages and JSON where a journalist can
filter, facet and share a query as a link, without writing SQL. The file is
opened read-only and Datasette runs only SELECT statements. A PostgreSQL
database is first copied into a read-only SQLite file (`copy_to_sqlite`), since
Datasette reads SQLite only.
"""

import ctypes
import json
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

from storage import db
from storage.models import Base

# Tables whose models carry no docstring, or whose docstring says too little.
TABLE_DESCRIPTIONS = {
    "convocations": "A convocation (созыв) of the Mazhilis; number 8 was elected "
    "in March 2023.",
    "alembic_version": "The schema's migration revision (mwatch db current).",
}
# Columns that mean the same in every table.
COMMON_COLUMNS = {
    "id": "The row's id in this database (not stable across databases: use the "
    "source's ids).",
    "first_seen_at": "When a crawl first saw the record (UTC).",
    "last_seen_at": "When a crawl last saw the record (UTC).",
    "no_longer_seen_at": "Since when a complete crawl no longer finds the record "
    "(null while the source has it).",
    "source_document_id": "The raw document (source_documents) the record was "
    "last read from: its URL, fetch time and payload.",
    "deputy_id": "The deputy (deputies.id).",
    "mazhilis_id": "The Mazhilis API's and site's own id.",
    "item_hash": "SHA-256 of the source's item, to tell what changed.",
}
COLUMNS = {
    "deputies": {
        "last_name": "Surname as the Mazhilis publishes it in Kazakh (capitals).",
        "is_active": "Sits now.",
    },
    "deputy_names": {
        "lang": "Language of the name form: kk or ru.",
        "script": "ISO 15924 script: Cyrl, Latn or Mixed.",
    },
    "mandates": {
        "deputy_type": "single_mandate (elected in a district) or party_list.",
        "party": "The party's short name (AMANAT, Auyl, ...); null for independents.",
        "district_number": "The single-mandate district.",
    },
    "deputy_requests": {
        "number": "The request's number, e.g. ДЗ-8-1-112.",
        "answer_date": "When the government answered (null: not answered).",
        "document_url": "The request's PDF, relative to the Mazhilis site.",
    },
    "request_participants": {
        "role": "initiator or signatory (co-signed).",
        "name_as_given": "The name exactly as the source wrote it.",
        "link_status": "linked (to a deputy by the source's id), unknown_deputy "
        "or unlinked (only a name).",
    },
    "request_files": {
        "status": "ok (text read), no_text (a scan), missing, broken, oversized, "
        "offsite or failed.",
        "text": "The PDF's text layer.",
    },
    "activities": {
        "place": "Where, as the site says: region, locality.",
        "fetched_via": "api (JSON) or page (rendered in a browser).",
    },
    "posts": {
        "url": "The post on its platform.",
        "views": "Views as a number (1.2K is 1200).",
    },
    "published_counts": {
        "scope": "The filter the total counts under: all, session:82, "
        "deputy:71, lang:kk, ...",
        "published": "What the source says.",
        "collected": "What the database held in that scope when the run ended.",
    },
    "crawl_runs": {
        "outcome": "running, success, partial (some pages failed), failed, "
        "interrupted (Ctrl-C or SIGTERM: `mwatch crawl --resume` finishes it) "
        "or killed.",
        "report": "JSON: counts per table, failed pages, warnings, alerts.",
    },
}


# prctl(2)'s option: the signal a process gets when its parent ends.
PR_SET_PDEATHSIG = 1


class BrowseError(Exception):
    """A database that cannot be browsed as asked; the message says why."""


def _first_paragraph(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(text.strip().split("\n\n")[0].split())


def metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata for the database named `database` (its file's stem):
    a title, and every table and column described."""
    tables: dict[str, Any] = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table.name
        description = TABLE_DESCRIPTIONS.get(table) or _first_paragraph(
            mapper.class_.__doc__
        )
        columns = {
            column.name: COLUMNS.get(table, {}).get(column.name)
            or COMMON_COLUMNS.get(column.name)
            for column in mapper.local_table.columns
        }
        tables[table] = {
            "description": description or "",
            "columns": {name: text for name, text in columns.items() if text},
        }
    tables["alembic_version"] = {"description": TABLE_DESCRIPTIONS["alembic_version"]}
    return {
        "title": "mazhilis-watch",
        "description": "What Kazakhstan's Mazhilis deputies do: profiles, requests, "
        "meetings with voters, posts, with the provenance of every record. The "
        "tables are described in storage/README.md.",
        "databases": {database: {"tables": tables}},
    }


def sqlite_file(url: str) -> Path | None:
    """The SQLite file of `url`; None for another database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if parsed.database in (None, "", ":memory:"):
        raise BrowseError(f"DATABASE_URL {url}: an in-memory database has no file")
    path = Path(parsed.database)
    if not path.is_file():
        raise BrowseError(f"{path}: no such database file; run mwatch crawl first")
    return path


def copy_to_sqlite(url: str, target: Path) -> Path:
    """Copy every table of the database at `url` into a new SQLite file, then
    make the file read-only: Datasette reads SQLite, not PostgreSQL."""
    if target.exists():
        target.chmod(target.stat().st_mode | stat.S_IWUSR)
        target.unlink()
    copy_url = f"sqlite:///{target}"
    source, copy = db.make_engine(url), db.make_engine(copy_url)
    try:
        Base.metadata.create_all(copy)
        with source.connect() as reading, copy.begin() as writing:
            for table in Base.metadata.sorted_tables:
                rows = reading.execute(select(table)).mappings()
                while batch := rows.fetchmany(1000):
                    writing.execute(insert(table), [dict(row) for row in batch])
    finally:
        source.dispose()
        copy.dispose()
    target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return target


def serve(
    database: Path, host: str, port: int, open_browser: bool, metadata_file: Path
) -> int:
    """Run Datasette on the file until it is stopped; its exit status."""
    described = metadata(database.stem)
    metadata_file.write_text(json.dumps(described, ensure_ascii=False, indent=1))
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(database),
        "--host",
        host,
        "--port",
        str(port),
        "--metadata",
        str(metadata_file),
    ]
    if open_browser:
        command.append("--open")
    datasette = subprocess.Popen(command, preexec_fn=_stop_with_parent)
    try:
        return datasette.wait()
    finally:
        stop(datasette)


def stop(process: subprocess.Popen) -> None:
    """End `process` (SIGTERM, then SIGKILL after 10 s) unless it has ended."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _stop_with_parent() -> None:
    """In Datasette's process, before it starts: the kernel sends it SIGTERM
    when `mwatch browse` ends, even killed with SIGKILL, so that it never keeps
    serving the database (and its port) alone."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
