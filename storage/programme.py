"""The programme file: deputies' own election programmes, item by item.

Format (UTF-8 text, one item a line; a line starting with `#` is a comment):

    # deputy id (the Mazhilis's, as in /ru/deputies/71), item number, the item
    71, 1, Построить водопровод в селах Бокейординского района
    71, 2, Жалпақтал — Казталовка жолын жөндеу

The item's text is everything after the second comma (it may hold commas). The
file is the truth for the deputies it names: their items not in it are removed.
A line that cannot be read is reported with its number and the rest still load.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.files import parsed_lines
from storage.models import Deputy, DeputyProgrammeItem, TopicTag
from storage.upsert import Counts, upsert

MAX_TEXT = 5000


class ProgrammeFileError(Exception):
    """A programme file that cannot be read at all."""


@dataclass
class ProgrammeLine:
    line: int
    deputy: int
    number: int
    text: str


def parse_line(text: str) -> tuple[int, int, str] | None:
    """(deputy id, item number, text) of one line; None for a blank or comment
    line; ValueError saying what is wrong otherwise."""
    if not text.strip() or text.lstrip().startswith("#"):
        return None
    parts = [part.strip() for part in text.split(",", 2)]
    if len(parts) != 3:
        raise ValueError(
            f"expected 3 fields (deputy id, item number, text), got {len(parts)}"
        )
    deputy, number, item = parts
    if not deputy.isdigit():
        raise ValueError(f"deputy id {deputy!r} is not a number")
    if not number.isdigit() or int(number) < 1:
        raise ValueError(f"item number {number!r} is not a positive number")
    if not item:
        raise ValueError("the item's text is empty")
    if len(item) > MAX_TEXT:
        raise ValueError(f"the item's text is longer than {MAX_TEXT} characters")
    return int(deputy), int(number), item


def read_programme(path: Path) -> tuple[list[ProgrammeLine], list[str]]:
    """The items of the file, and a message for each line that is wrong."""
    lines, problems = parsed_lines(path, ProgrammeFileError, parse_line)
    items = []
    first_line: dict[tuple[int, int], int] = {}
    for number, (deputy, item_number, item) in lines:
        if (deputy, item_number) in first_line:
            problems.append(
                (
                    number,
                    f"{path}:{number}: deputy {deputy}'s item {item_number} is "
                    f"already on line {first_line[(deputy, item_number)]}",
                )
            )
            continue
        first_line[(deputy, item_number)] = number
        items.append(ProgrammeLine(number, deputy, item_number, item))
    return items, [message for _, message in sorted(problems)]


def load_programme(
    session: Session, path: Path, items: list[ProgrammeLine]
) -> tuple[Counts, int, list[str]]:
    """Store the items of the deputies that are stored (the others are reported)
    and remove those deputies' items the file no longer has; (counts, removed,
    problems)."""
    known = {
        mazhilis_id: deputy_id
        for mazhilis_id, deputy_id in session.execute(
            select(Deputy.mazhilis_id, Deputy.id)
        )
    }
    rows, problems = [], []
    for item in items:
        deputy_id = known.get(item.deputy)
        if deputy_id is None:
            problems.append(
                f"{path}:{item.line}: no deputy {item.deputy} is stored "
                "(run `mwatch crawl mazhilis-deputies` first?)"
            )
            continue
        rows.append(
            {
                "deputy_id": deputy_id,
                "number": item.number,
                "text": item.text,
                "source_file": str(path),
                "line": item.line,
            }
        )
    counts = Counts()
    upsert(
        session,
        DeputyProgrammeItem,
        rows,
        key=("deputy_id", "number"),
        now=datetime.now(UTC),
        counts=counts,
    )
    kept = {(row["deputy_id"], row["number"]) for row in rows}
    deputies = {row["deputy_id"] for row in rows}
    stale = [
        item_id
        for item_id, deputy_id, number in session.execute(
            select(
                DeputyProgrammeItem.id,
                DeputyProgrammeItem.deputy_id,
                DeputyProgrammeItem.number,
            ).where(DeputyProgrammeItem.deputy_id.in_(deputies))
        )
        if (deputy_id, number) not in kept
    ]
    if stale:
        session.execute(
            delete(TopicTag).where(
                TopicTag.record_type == "programme_item",
                TopicTag.record_id.in_(stale),
            )
        )
        session.execute(
            delete(DeputyProgrammeItem).where(DeputyProgrammeItem.id.in_(stale))
        )
    return counts, len(stale), problems
