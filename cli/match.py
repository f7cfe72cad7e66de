"""`mwatch match`: the review queue of name mentions and people's decisions.

    mwatch match review [--status review] [--kind KIND] [--name TEXT] ...
    mwatch match accept ID | reject ID | link ID DEPUTY | unlink ID | reset ID
    mwatch match decisions [--mention ID]
    mwatch match resolve

Merging and splitting: a deputy is one `deputies` row per Mazhilis id, and the
Mazhilis gives one person one id, so the records name matching joins or parts are
mentions and deputies. Merging a mention into a deputy is `link`; splitting it off
is `unlink` (or `reject`, when it was the matcher's candidate).
"""

import argparse
import getpass
import os
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli.common import EXIT_OK, UsageError, checked_database, database_url
from storage.models import Deputy, MatchDecision, NameMention

# Alembic (storage.db) and the name mentions (storage.mentions) are imported
# when a command runs, so that `mwatch --help` starts fast.

REVIEW_COLUMNS = (
    ("id", 5),
    ("kind", 19),
    ("source", 18),
    ("name", 30),
    ("status", 8),
    ("score", 5),
)


def _mention_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a mention id (a number from `mwatch match review`)"
        )
    return int(text)


def _deputy_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a deputy's Mazhilis id (a number, as in /ru/deputies/71)"
        )
    return int(text)


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a score between 0 and 1")
    return value


@dataclass(frozen=True)
class Person:
    mazhilis_id: int | None
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.mazhilis_id if self.mazhilis_id else '-'})"


def _people(session: Session, ids: set[int]) -> dict[int, Person]:
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return {}
    rows = session.execute(
        select(
            Deputy.id,
            Deputy.mazhilis_id,
            Deputy.last_name,
            Deputy.first_name,
            Deputy.patronymic,
        ).where(Deputy.id.in_(ids))
    )
    return {
        row.id: Person(
            row.mazhilis_id,
            " ".join(p for p in (row.last_name, row.first_name, row.patronymic) if p),
        )
        for row in rows
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_review(session: Session, mentions: list[NameMention]) -> str:
    """The mentions as a table, each with its candidates and the matcher's
    reason on the lines below it."""
    people = _people(
        session,
        {m.candidate_deputy_id for m in mentions}
        | {m.runner_up_deputy_id for m in mentions}
        | {m.deputy_id for m in mentions},
    )
    lines = ["  ".join(name.ljust(width) for name, width in REVIEW_COLUMNS)]
    for m in mentions:
        values = (
            str(m.id),
            m.source_kind,
            m.source_key,
            m.raw_name,
            m.status + ("*" if m.decided else ""),
            f"{m.score:.2f}",
        )
        lines.append(
            "  ".join(
                _cut(value, width).ljust(width)
                for value, (_, width) in zip(values, REVIEW_COLUMNS, strict=True)
            ).rstrip()
        )
        if m.deputy_id is not None:
            lines.append(f"      linked to: {people[m.deputy_id]}")
        if m.candidate_deputy_id is not None:
            lines.append(
                f"      candidate: {people[m.candidate_deputy_id]} {m.score:.2f}"
            )
        if m.runner_up_deputy_id is not None:
            lines.append(
                f"      runner-up: {people[m.runner_up_deputy_id]} "
                f"{m.runner_up_score:.2f}"
            )
        lines.append(f"      why: {m.reason}")
    return "\n".join(lines)


def queue_line(session: Session) -> str | None:
    """What `mwatch status` says of the review queue, when it is not empty."""
    waiting = session.scalar(select(func.count()).where(NameMention.status == "review"))
    if not waiting:
        return None
    return f"{waiting} names without a deputy id wait for review: mwatch match review"


def cmd_review(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    checked_database(url)
    query = select(NameMention)
    if args.status != "all":
        query = query.where(NameMention.status == args.status)
    if args.kind:
        query = query.where(NameMention.source_kind == args.kind)
    if args.name:
        query = query.where(NameMention.raw_name.contains(args.name))
    if args.min_score is not None:
        query = query.where(NameMention.score >= args.min_score)
    if args.max_score is not None:
        query = query.where(NameMention.score <= args.max_score)
    if args.decided is not None:
        query = query.where(NameMention.decided.is_(args.decided))
    with db.session_for(url) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        mentions = list(
            session.scalars(
                query.order_by(NameMention.score.desc(), NameMention.id).limit(
                    args.limit
                )
            )
        )
        if mentions:
            print(format_review(session, mentions))
    print(
        f"{len(mentions)} of {total} mentions shown ({args.status}; * = decided by "
        "a person). Decide with: mwatch match accept ID | reject ID | "
        "link ID DEPUTY | unlink ID | reset ID"
    )
    return EXIT_OK


def _decided_by(args: argparse.Namespace) -> str:
    if args.by:
        return args.by
    try:
        return os.environ.get("MWATCH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def cmd_decide(args: argparse.Namespace) -> int:
    from storage import db
    from storage.mentions import MentionError, decide

    url = database_url()
    checked_database(url)
    with db.session_for(url, write=True) as session:
        deputy_id = None
        if args.action == "link":
            deputy_id = session.scalar(
                select(Deputy.id).where(Deputy.mazhilis_id == args.deputy)
            )
            if deputy_id is None:
                raise UsageError(
                    f"no deputy with Mazhilis id {args.deputy} is stored "
                    "(as in /ru/deputies/71; run `mwatch crawl mazhilis-deputies`?)"
                )
        try:
            decision = decide(
                session,
                args.id,
                args.action,
                _decided_by(args),
                deputy_id=deputy_id,
                note=args.note,
            )
        except MentionError as exc:
            raise UsageError(
                f"{exc} (mention id {args.id}; see `mwatch match review`)"
            ) from None
        linked = _people(session, {decision.deputy_id} if decision.deputy_id else set())
        target = f"linked to {linked[decision.deputy_id]}" if linked else "unlinked"
        print(
            f"mention {args.id}: {args.action} by {decision.decided_by}: now "
            f"{target}; decision {decision.id} stands until another"
        )
    return EXIT_OK


def cmd_decisions(args: argparse.Namespace) -> int:
    from storage import db

    url = database_url()
    checked_database(url)
    query = (
        select(MatchDecision, NameMention.raw_name)
        .join(NameMention, MatchDecision.mention_id == NameMention.id)
        .order_by(MatchDecision.id)
    )
    if args.mention:
        query = query.where(MatchDecision.mention_id == args.mention)
    with db.session_for(url) as session:
        found = session.execute(query).all()
        people = _people(session, {d.deputy_id for d, _ in found})
        for decision, name in found:
            target = people[decision.deputy_id] if decision.deputy_id else "nobody"
            note = f": {decision.note}" if decision.note else ""
            print(
                f"{decision.id}  {decision.decided_at:%Y-%m-%d %H:%M}  "
                f"{decision.decided_by}  {decision.action} mention "
                f"{decision.mention_id} {name!r} -> {target} "
                f"(matcher {decision.score:.2f}){note}"
            )
    print(f"{len(found)} decisions")
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace) -> int:
    from storage import db
    from storage.mentions import resolve_pending

    url = database_url()
    checked_database(url)
    with db.session_for(url, write=True) as session:
        changed = resolve_pending(session)
    print(f"{changed} mentions changed their link (decided ones are kept)")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `mwatch match` and its actions."""
    match = commands.add_parser(
        "match",
        help="review how names without a deputy id were matched, and decide",
        description="Names the sources give without a deputy id (request "
        "participants, accounts-file accounts given by name, party news) are "
        "matched to deputies: linked above the link threshold, put in the review "
        "queue in the grey zone, else left unlinked. A person's decision is "
        "stored and outlives every later crawl. Merging a mention into a deputy "
        "is `link`, splitting it off is `unlink`.",
    )
    actions = match.add_subparsers(
        dest="match_command", metavar="ACTION", required=True
    )

    review = actions.add_parser(
        "review",
        help="list the mentions waiting for review (or others), with candidates",
        description="List name mentions with the matcher's score, candidates and "
        "reason, best score first.",
    )
    review.add_argument(
        "--status",
        choices=("review", "linked", "unlinked", "all"),
        default="review",
        help="which mentions (default: the review queue)",
    )
    review.add_argument(
        "--kind", help="only this source kind, e.g. request_participant"
    )
    review.add_argument("--name", help="only names containing this text")
    review.add_argument("--min-score", type=_score, help="only scores at least this")
    review.add_argument("--max-score", type=_score, help="only scores at most this")
    decided = review.add_mutually_exclusive_group()
    decided.add_argument(
        "--decided",
        dest="decided",
        action="store_const",
        const=True,
        help="only mentions a person decided on",
    )
    decided.add_argument(
        "--undecided",
        dest="decided",
        action="store_const",
        const=False,
        help="only mentions no person decided on",
    )
    review.add_argument("--limit", type=_mention_id, default=50, help="at most N")
    review.set_defaults(handler=cmd_review)

    helps = {
        "accept": "link the mention to the matcher's candidate",
        "reject": "the candidate is not this person: leave the mention unlinked",
        "link": "link (merge) the mention to DEPUTY, by Mazhilis id",
        "unlink": "link (split) the mention to nobody",
        "reset": "forget the decision: the matcher decides again",
    }
    for action, text in helps.items():
        parser = actions.add_parser(
            action, help=text, description=text[0].upper() + text[1:] + "."
        )
        parser.add_argument(
            "id", type=_mention_id, metavar="ID", help="the mention's id"
        )
        if action == "link":
            parser.add_argument(
                "deputy",
                type=_deputy_id,
                metavar="DEPUTY",
                help="the deputy's Mazhilis id, as in /ru/deputies/71",
            )
        parser.add_argument("--note", default="", help="why, for the record")
        parser.add_argument(
            "--by", help="who decides (default: MWATCH_USER or the login name)"
        )
        parser.set_defaults(handler=cmd_decide, action=action)

    history = actions.add_parser(
        "decisions", help="list the decisions people made, oldest first"
    )
    history.add_argument("--mention", type=_mention_id, help="only this mention's")
    history.set_defaults(handler=cmd_decisions)

    resolve = actions.add_parser(
        "resolve",
        help="match again every mention no person decided on",
        description="Resolve every undecided mention against the stored deputies "
        "again (crawls do this themselves after deputies change).",
    )
    resolve.set_defaults(handler=cmd_resolve)
