"""`mwatch topics` and `mwatch programme`: what records are about.

mwatch topics tag [--type TYPE]   tag stored records again (after the
                                  keywords or the meetings changed)
mwatch topics list                the topics and how many records each has
mwatch programme load FILE        deputies' own programme items, tagged
"""

import argparse
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import settings
from cli.common import EXIT_FAILED, EXIT_OK, UsageError, checked_database, database_url
from storage.models import Topic, TopicTag
from storage.topics import RECORD_TYPES, tag_records
from topics.keywords import Tagger, TopicsFileError, load_topics

# Alembic (storage.db) and the programme file's reader (storage.programme) are
# imported when a command runs, so that `mwatch --help` starts fast.


def _tagger() -> Tagger:
    try:
        return Tagger(load_topics(Path(settings.TOPICS_FILE)))
    except TopicsFileError as exc:
        raise UsageError(str(exc)) from None


def _print_counts(report: dict[str, dict[str, int]]) -> None:
    for record_type, counts in report.items():
        print(
            f"  {record_type:<15} {counts['records']:>7} records: tags "
            f"{counts['added']} added, {counts['changed']} changed, "
            f"{counts['removed']} removed"
        )


def cmd_tag(args: argparse.Namespace) -> int:
    from storage import db

    tagger = _tagger()
    url = database_url()
    checked_database(url)
    with db.session_for(url, write=True) as session:
        report = tag_records(session, tagger, record_types=args.type or None)
    print("tagged with topics:")
    _print_counts(report)
    return EXIT_OK


def topics_table(session: Session) -> str:
    """Each topic with the number of records of each type tagged with it."""
    counts = {
        (topic_id, record_type): count
        for topic_id, record_type, count in session.execute(
            select(TopicTag.topic_id, TopicTag.record_type, func.count()).group_by(
                TopicTag.topic_id, TopicTag.record_type
            )
        )
    }
    header = f"{'topic':<22}" + "".join(f"{t:>15}" for t in RECORD_TYPES)
    lines = [header, "-" * len(header)]
    for topic in session.scalars(select(Topic).order_by(Topic.id)):
        lines.append(
            f"{topic.key:<22}"
            + "".join(f"{counts.get((topic.id, t), 0):>15}" for t in RECORD_TYPES)
            + f"  {topic.name_en}"
        )
    return "\n".join(lines)


def cmd_list(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        print(topics_table(session))
    return EXIT_OK


def cmd_programme_load(args: argparse.Namespace) -> int:
    from storage import db
    from storage.programme import ProgrammeFileError, load_programme, read_programme

    path = Path(args.file)
    try:
        items, problems = read_programme(path)
    except ProgrammeFileError as exc:
        raise UsageError(str(exc)) from None
    tagger = _tagger()
    url = database_url()
    checked_database(url)
    with db.session_for(url, write=True) as session:
        counts, removed, refused = load_programme(session, path, items)
        report = tag_records(session, tagger, record_types=("programme_item",))
    for problem in problems + refused:
        print(f"mwatch: {problem}", file=sys.stderr)
    print(
        f"{path}: {counts.inserted} items added, {counts.updated} changed, "
        f"{counts.unchanged} as they were, {removed} removed; "
        f"{len(problems + refused)} lines refused"
    )
    _print_counts(report)
    return EXIT_FAILED if problems or refused else EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch topics` and `mwatch programme`."""
    topics = commands.add_parser(
        "topics",
        help="topics (programme theses, monitored issues) of the stored records",
        description="Records are tagged with topics by the keywords of the topics "
        "file (MWATCH_TOPICS_FILE, default topics/topics.toml) when a crawl "
        "writes them.",
    )
    actions = topics.add_subparsers(dest="topics_command", metavar="ACTION")
    actions.required = True
    tag = actions.add_parser(
        "tag",
        help="tag the stored records again",
        description="Tag every stored record again: after editing the keywords, "
        "or after `mwatch meetings match`. Only what differs is written.",
    )
    tag.add_argument(
        "--type",
        action="append",
        choices=RECORD_TYPES,
        help="only records of this type (repeatable; default: all)",
    )
    tag.set_defaults(handler=cmd_tag)
    listing = actions.add_parser(
        "list", help="the topics and how many records of each type have each"
    )
    listing.set_defaults(handler=cmd_list)

    programme = commands.add_parser(
        "programme",
        help="deputies' own election programmes (the programme file)",
        description="Manage deputies' own programme items, kept in a file of "
        "lines `deputy id, item number, text` (storage/programme.py).",
    )
    programme_actions = programme.add_subparsers(
        dest="programme_command", metavar="ACTION"
    )
    programme_actions.required = True
    load = programme_actions.add_parser(
        "load",
        help="store the items of a programme file and tag them with topics",
        description="Read FILE and store its items, tied to their deputies, "
        "tagged with topics. A line that cannot be read is reported with its "
        "number and the rest still load (exit 1); the file is the truth for the "
        "deputies it names (their items not in it are removed).",
    )
    load.add_argument("file", metavar="FILE")
    load.set_defaults(handler=cmd_programme_load)
