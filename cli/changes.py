"""`mwatch changes` (what changed, newest first), `mwatch changes rebuild` (the
history of records stored before changes were kept, from their raw documents)
and `mwatch deadlines` (how requests' answers keep to their deadline)."""

import argparse
import json
from datetime import date
from typing import Any

import settings
from cli.common import EXIT_OK, UsageError, checked_database, database_url, day
from storage.changes import KINDS

# Alembic (storage.db), the parsers and the reports are imported when a command
# runs, so that `mwatch --help` starts fast.


def deadline_from_settings() -> Any:
    """The answer term (MWATCH_ANSWER_DAYS) and the day figures are read on
    (MWATCH_TODAY, else today); UsageError naming a setting that cannot be read."""
    from storage.deadlines import AnswerTerm, Deadline, DeadlineError

    try:
        term = AnswerTerm.parse(settings.ANSWER_DAYS)
    except DeadlineError as exc:
        raise UsageError(str(exc)) from None
    text = settings.TODAY
    try:
        today = date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise UsageError(f"MWATCH_TODAY={text}: not a date (YYYY-MM-DD)") from None
    return Deadline(term, today)


def _kind(text: str) -> str:
    if text not in KINDS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a kind of change; the kinds: {', '.join(KINDS)}"
        )
    return text


def cmd_changes(args: argparse.Namespace) -> int:
    from reports import feeds, lookup
    from storage import db

    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}")
    deadline = deadline_from_settings()
    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        deputy_id = None
        if args.deputy:
            try:
                deputy_id = lookup.find_deputy(session, url, args.deputy)
            except LookupError as exc:
                raise UsageError(f"--deputy {args.deputy}: {exc}") from None
        found = [
            entry
            for entry in feeds.entries(session, deadline)
            if (not args.kind or entry.kind in args.kind)
            and (deputy_id is None or deputy_id in entry.deputy_ids)
            and (args.since is None or entry.at.date() >= args.since)
            and (args.until is None or entry.at.date() <= args.until)
        ]
    if args.json:
        for entry in found:
            print(json.dumps(entry.as_record(), ensure_ascii=False))
        return EXIT_OK
    for entry in found:
        print(format_entry(entry))
    if not found:
        print("no changes match")
    return EXIT_OK


def format_entry(entry: Any) -> str:
    """An entry as two or three lines: when, kind and what; what changed; who."""
    lines = [
        f"{entry.at:%Y-%m-%d %H:%M}  {entry.kind}  "
        f"{entry.record_type} {entry.record_key}: {entry.title.split(': ', 1)[-1]}",
        f"    {entry.summary}  {entry.link}",
    ]
    if entry.deputies:
        lines.append("    " + ", ".join(name for _, name in entry.deputies))
    return "\n".join(lines)


def cmd_rebuild(args: argparse.Namespace) -> int:
    from storage import db
    from storage.changes import rebuild

    url = database_url()
    checked_database(url)
    with db.session_for(url, write=True) as session:
        added = rebuild(session, stored_versions(session))
    print(f"history rebuilt from the stored raw documents: {added} changes added")
    return EXIT_OK


def stored_versions(session: Any) -> dict[tuple[str, tuple], list]:
    """Each request's and Telegram post's versions the stored raw documents hold,
    oldest first: {(table, natural key): [(first fetched, {field: value})]}."""
    from sqlalchemy import select

    from spiders.mazhilis_requests_page import parse_request
    from spiders.telegram_page import parse_channel_page
    from storage.models import SourceDocument

    versions: dict[tuple[str, tuple], list] = {}
    documents = session.execute(
        select(
            SourceDocument.source,
            SourceDocument.url,
            SourceDocument.payload,
            SourceDocument.first_fetched_at,
        )
        .where(SourceDocument.http_status == 200)
        .order_by(SourceDocument.first_fetched_at, SourceDocument.id)
    )
    for source, url, payload, fetched in documents:
        if source == "mazhilis" and "/api/core/deputy-requests" in url:
            for fields, key in _requests_in(payload, parse_request):
                versions.setdefault(("deputy_requests", key), []).append(
                    (fetched, fields)
                )
        elif source == "telegram":
            for fields, key in _posts_in(payload, parse_channel_page):
                versions.setdefault(("posts", key), []).append((fetched, fields))
    return versions


def _requests_in(payload: bytes, parse: Any) -> list[tuple[dict, tuple]]:
    try:
        items = json.loads(payload).get("result") or []
    except (ValueError, AttributeError):
        return []
    found = []
    for item in items:
        try:
            request = parse(item)
        except (ValueError, KeyError, TypeError):
            continue
        fields = {
            "number": request.number,
            "request_date": request.request_date,
            "title": request.title,
            "addressee": request.addressee,
            "document_url": request.document_url,
            "answer_date": request.answer_date,
            "answer_document_url": request.answer_document_url,
        }
        found.append((fields, (request.mazhilis_id,)))
    return found


def _posts_in(payload: bytes, parse: Any) -> list[tuple[dict, tuple]]:
    try:
        page = parse(payload.decode("utf-8", "replace"))
    except Exception:  # a page of another layout holds no versions
        return []
    return [
        (
            {
                "text": post.text,
                "hashtags": post.hashtags,
                "photos": post.photos,
                "edited": post.edited,
                "forwarded_from": post.forwarded_from,
            },
            ("telegram", f"{post.channel}/{post.id}"),
        )
        for post in page.posts
        if not post.service
    ]


def cmd_deadlines(args: argparse.Namespace) -> int:
    from storage import db
    from storage.deadlines import figures_by

    deadline = deadline_from_settings()
    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        groups = figures_by(session, deadline, args.by)
    if args.json:
        for group in groups:
            record = {"key": group.key, "name": group.name}
            print(json.dumps(record | group.figures.as_record(), ensure_ascii=False))
        return EXIT_OK
    print(
        f"answers to deputy requests by {args.by}, as of {deadline.today} "
        f"(deadline: {deadline.term} after the request's date)"
    )
    print(format_groups(groups))
    return EXIT_OK


def deadlines_in(
    session: Any, window: Any, by: str, deputy_id: int | None = None
) -> str:
    """The answers' figures of the requests dated in a report's window (those a
    deputy signed, with `deputy_id`) by addressee, deputy or session, as a
    report prints them."""
    from storage.deadlines import figures_by, request_deadlines

    deadline = deadline_from_settings()
    requests = [
        r
        for r in request_deadlines(session, deadline)
        if window.holds(r.request_date)
        and (deputy_id is None or deputy_id in r.deputy_ids)
    ]
    groups = figures_by(session, deadline, by, requests)
    heading = (
        f"answers by {by}, most overdue first (deadline {deadline.term} after "
        f"the request's date, as of {deadline.today}):"
    )
    return "\n".join([heading, format_groups(groups)])


def format_groups(groups: list) -> str:
    """A plain-text table: most overdue first."""
    header = ("sent", "answered", "late", "overdue", "median days")
    lines = ["  ".join(f"{h:>11}" for h in header) + "  name"]
    for group in groups:
        figures = group.figures
        median = figures.median_days_to_answer
        cells = (
            figures.sent,
            figures.answered,
            figures.answered_late,
            figures.overdue,
            "-" if median is None else f"{median:g}",
        )
        lines.append("  ".join(f"{c:>11}" for c in cells) + f"  {group.name}")
    return "\n".join(lines)


def register(commands: argparse._SubParsersAction) -> None:
    """Add `changes` and `deadlines` to the `mwatch` command."""
    changes = commands.add_parser(
        "changes",
        help="what changed in the stored records, newest first",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Every insert, update, disappearance and return of a stored "
        "record that crawls kept, newest first, and the requests past their answer "
        "deadline (MWATCH_ANSWER_DAYS) as of MWATCH_TODAY or today.\n\nkinds:\n  "
        + "\n  ".join(KINDS),
    )
    changes.add_argument("--since", type=day, metavar="DAY", help="from this day on")
    changes.add_argument("--until", type=day, metavar="DAY", help="up to this day")
    changes.add_argument(
        "--deputy", metavar="ID|NAME", help="a deputy's Mazhilis id or name"
    )
    changes.add_argument(
        "--kind",
        type=_kind,
        action="append",
        metavar="KIND",
        help='one of the kinds below (repeat for several), e.g. "answer arrived"',
    )
    changes.add_argument("--json", action="store_true", help="one JSON object a line")
    changes.set_defaults(handler=cmd_changes)
    actions = changes.add_subparsers(dest="action", metavar="ACTION")
    rebuild = actions.add_parser(
        "rebuild",
        help="rebuild the history of records stored before changes were kept",
        description="Give each stored record that has no kept insert its history "
        "from what is stored: its first seen time, the versions of requests and "
        "Telegram posts in the stored raw documents, and its disappearance. No "
        "crawl; a second run adds nothing.",
    )
    rebuild.set_defaults(handler=cmd_rebuild)
    deadlines = commands.add_parser(
        "deadlines",
        help="requests sent, answered, answered late, overdue, per addressee, "
        "deputy or session",
        description="How answers to deputy requests keep to their deadline "
        "(MWATCH_ANSWER_DAYS, default 15 calendar days: docs/database.md says what "
        "of the law's term could be confirmed) "
        "as of MWATCH_TODAY or today: per addressee (however its name is written), "
        "per deputy who signed or per session, most overdue first.",
    )
    deadlines.add_argument(
        "--by", choices=("addressee", "deputy", "session"), default="addressee"
    )
    deadlines.add_argument("--json", action="store_true", help="one JSON object a line")
    deadlines.set_defaults(handler=cmd_deadlines)
