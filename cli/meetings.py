"""`mwatch meetings`: meetings with voters and receptions of citizens, clustered
from the stored posts and Mazhilis activities.

    mwatch meetings match       classify and cluster (a crawl of posts or
                                activities does it too, when what it reads
                                changed), then tag their topics
    mwatch meetings list [--deputy ID] [--since DAY] [--until DAY] [--limit N]
    mwatch meetings merge SOURCE SOURCE...   a person's decision: one meeting
    mwatch meetings split SOURCE             a person's decision: a meeting apart

SOURCE is a `meeting_sources` id, shown in brackets by `list`. Decisions are kept
and honoured by every later `match`.
"""

import argparse
import getpass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import settings
from cli.common import (
    EXIT_OK,
    UsageError,
    checked_database,
    database_url,
    day,
    positive,
)
from storage.models import Activity, Deputy, Meeting, Post
from storage.topics import tag_records
from topics.keywords import Tagger, TopicsFileError, load_topics

if TYPE_CHECKING:
    from storage.meetings import MeetingCounts

# Alembic (storage.db) and the meeting matcher (storage.meetings) are imported
# when a command runs, so that `mwatch --help` starts fast.

# The sources whose records can report a meeting: a crawl of any of them ends by
# matching the meetings again.
MEETING_SOURCES = frozenset(
    {"mazhilis-activities", "telegram", "instagram", "facebook"}
)


def match_and_tag(
    session: Session, topics_file: str | Path, if_changed: bool = False
) -> "MeetingCounts":
    """Cluster the stored reports into meetings (with `if_changed`, only when
    what the matching reads changed since its last run), then tag every meeting
    with the topics of its sources' texts; a topics file that cannot be read is
    reported and leaves the meetings matched."""
    from storage.meetings import match_meetings

    counts = match_meetings(session, if_changed=if_changed)
    if counts.skipped:
        return counts
    try:
        tagger = Tagger(load_topics(Path(topics_file)))
    except TopicsFileError as exc:
        print(f"meetings not tagged with topics: {exc}")
    else:
        tag_records(session, tagger, record_types=["meeting"])
    return counts


def match_after_crawl(url: str, sources: list[str]) -> None:
    """After a crawl that stored posts or activities, match the meetings if
    anything the matching reads changed."""
    from storage import db

    if not MEETING_SOURCES.intersection(sources):
        return
    with db.session_for(url, write=True) as session:
        counts = match_and_tag(session, settings.TOPICS_FILE, if_changed=True)
    if not counts.skipped:
        print("meetings matched:", end=" ")
    _print_counts(counts)


def cmd_match(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    checked_database(url)
    with db.session_for(url, write=True) as session:
        counts = match_and_tag(session, settings.TOPICS_FILE)
    _print_counts(counts)
    return EXIT_OK


def _print_counts(counts: "MeetingCounts") -> None:
    if counts.skipped:
        print(
            "meetings not matched again: no post, activity or decision changed "
            f"since the last match ({counts.reports} reports of meetings in "
            f"{counts.meetings} meetings)"
        )
        return
    print(
        f"{counts.reports} reports of meetings ({counts.candidate_pairs} pairs "
        f"compared) in {counts.meetings} meetings: {counts.meetings_created} new, "
        f"{counts.meetings_updated} changed, {counts.meetings_unchanged} as they "
        f"were, {counts.meetings_deleted} gone; sources {counts.sources_added} "
        f"added, {counts.sources_moved} moved, {counts.sources_removed} removed"
    )


def _decide(args: argparse.Namespace) -> int:
    from storage import db
    from storage.meetings import DecisionError, match_meetings, merge, split

    url = database_url()
    checked_database(url)
    with db.session_for(url, write=True) as session:
        try:
            if args.meetings_command == "merge":
                merge(session, args.sources, args.by)
            else:
                split(session, args.source, args.by)
        except DecisionError as exc:
            raise UsageError(str(exc)) from None
        counts = match_meetings(session)
    print(f"decision stored ({args.meetings_command}, by {args.by}); meetings matched:")
    _print_counts(counts)
    return EXIT_OK


def meetings_table(
    session: Session,
    deputy: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 50,
) -> str:
    """Meetings newest first, each with its sources (platform and address)."""
    query = (
        select(Meeting)
        .options(selectinload(Meeting.sources))
        .order_by(Meeting.meeting_date.desc(), Meeting.id.desc())
        .limit(limit)
    )
    if deputy is not None:
        query = query.join(Deputy, Meeting.deputy_id == Deputy.id).where(
            Deputy.mazhilis_id == deputy
        )
    if since is not None:
        query = query.where(Meeting.meeting_date >= since)
    if until is not None:
        query = query.where(Meeting.meeting_date <= until)
    meetings = list(session.scalars(query))
    post_ids = [s.post_id for m in meetings for s in m.sources if s.post_id]
    activity_ids = [s.activity_id for m in meetings for s in m.sources if s.activity_id]
    urls = dict(
        session.execute(select(Post.id, Post.url).where(Post.id.in_(post_ids))).all()
    )
    pages = dict(
        session.execute(
            select(Activity.id, Activity.url).where(Activity.id.in_(activity_ids))
        ).all()
    )
    names = dict(
        session.execute(
            select(Deputy.id, Deputy.last_name).where(
                Deputy.id.in_({m.deputy_id for m in meetings if m.deputy_id})
            )
        ).all()
    )
    lines = []
    for meeting in meetings:
        who = names.get(meeting.deputy_id) or meeting.who
        lines.append(
            f"#{meeting.id} {meeting.meeting_date} {meeting.kind:9} {who}: "
            f"{meeting.place or 'place not stated'} ({len(meeting.sources)} sources)"
        )
        for source in sorted(meeting.sources, key=lambda s: (s.source, s.id)):
            where = urls.get(source.post_id) or pages.get(source.activity_id) or ""
            lines.append(f"    [{source.id}] {source.source:9} {where}")
    return (
        "\n".join(lines) if lines else "no meetings stored: run mwatch meetings match"
    )


def cmd_list(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        print(meetings_table(session, args.deputy, args.since, args.until, args.limit))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch meetings` and its actions."""
    meetings = commands.add_parser(
        "meetings",
        help="meetings with voters and receptions of citizens, from posts and "
        "the Mazhilis site",
        description="Posts (Telegram, Instagram, Facebook) and Mazhilis activities "
        "that report a meeting with voters or a reception of citizens are "
        "clustered into meetings: one meeting, several sources. A crawl of "
        "posts or activities matches them when it ends; `mwatch meetings match` "
        "does it on demand (after workers' crawls, say).",
    )
    actions = meetings.add_subparsers(
        dest="meetings_command", metavar="ACTION", required=True
    )
    match = actions.add_parser(
        "match",
        help="recognise and cluster the stored posts and activities into meetings",
        description="Classify every stored post and activity, cluster those "
        "reporting one meeting and tag the meetings with topics. Meetings keep "
        "their ids: new sources join them, and running it again changes nothing.",
    )
    match.set_defaults(handler=cmd_match)
    listing = actions.add_parser(
        "list",
        help="show meetings with their sources, newest first",
        description="Meetings newest first, each with its sources' addresses.",
    )
    listing.add_argument(
        "--deputy", type=positive, help="only this deputy's (the Mazhilis id)"
    )
    listing.add_argument("--since", type=day, help="first day, YYYY-MM-DD")
    listing.add_argument("--until", type=day, help="last day, YYYY-MM-DD")
    listing.add_argument("--limit", type=positive, default=50, help="at most N")
    listing.set_defaults(handler=cmd_list)
    merging = actions.add_parser(
        "merge",
        help="decide that these sources report one meeting",
        description="Store a person's decision that the reports of these "
        "meeting sources (ids in brackets in `list`) are one meeting, then match "
        "again. Every later `match` honours it.",
    )
    merging.add_argument("sources", nargs="+", type=positive, metavar="SOURCE")
    merging.set_defaults(handler=_decide)
    splitting = actions.add_parser(
        "split",
        help="decide that this source reports a meeting of its own",
        description="Store a person's decision that this meeting source's report "
        "is not the same meeting as its meeting's other sources, then match again. "
        "Every later `match` honours it.",
    )
    splitting.add_argument("source", type=positive, metavar="SOURCE")
    splitting.set_defaults(handler=_decide)
    for parser in (merging, splitting):
        parser.add_argument(
            "--by", default=getpass.getuser(), help="who decides (default: you)"
        )
