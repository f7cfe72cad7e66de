"""The work after a crawl, as named steps over the database, in the order
`after_crawl` runs them:

1. `mark_gone`: what a complete run should have seen and did not is gone from the
   source (`no_longer_seen_at`), within the run's `Scope`s (records.py);
2. `collect_published`: the totals the source publishes, set beside what is stored
   (storage/published.py);
3. `gate_alerts`: the count-drop and silence gates (storage/gates.py);
4. `relink_mentions`: names stored before their deputy was are matched again;
5. `tag_topics`: the records the run wrote get their topic tags.

Each step takes a session and plain values, so that each can be run and tested
alone; the crawler's item pipeline (crawl/pipeline.py) only says how the run
ended (`Closing`) and stores the report this returns.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from records import MAZHILIS_ACCOUNTS, PostsRead, Scope
from storage import gates, published
from storage.changes import (
    RUN_ID,
    Change,
    added_by_run,
    natural_key,
    record_key,
    write_changes,
)
from storage.mentions import resolve_pending
from storage.models import (
    Activity,
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    Post,
    ProgrammeThesis,
    RequestParticipant,
    SocialAccount,
)
from storage.topics import tag_after_crawl
from topics.keywords import TopicsFileError

logger = logging.getLogger(__name__)
# How often tagging is tried when another crawl tags the same records at once.
TAG_ATTEMPTS = 3


@dataclass(frozen=True)
class GateLimits:
    """The gates' settings (MAX_COUNT_DROP, SILENCE_FACTOR, SILENCE_MIN_DAYS)."""

    max_count_drop: float
    silence_factor: float
    silence_min_days: int
    # The share of a run's request PDFs that must be read (MIN_READ_FILES).
    min_read_files: float = 0.5


@dataclass
class Closing:
    """How a crawl of one source ended, as the steps need it.

    `complete` is what it read whole (none for a partial read or a distributed
    worker, which sees only its share); `total` the count of records the source
    said it has, if it says; `watch_silence` whether the silence gate applies (a
    nightly run over the whole source: a backfill reads the past).
    """

    source: str
    outcome: str
    started_at: datetime
    today: date
    limits: GateLimits
    topics_file: str | Path
    complete: list[Scope] = field(default_factory=list)
    total: int | None = None
    compare_total: bool = True
    watch_silence: bool = False
    deputies_changed: bool = False
    posts: PostsRead | None = None


def scope_conditions(scope: Scope) -> list[tuple[Any, Any]]:
    """The tables and conditions a scope covers."""
    if scope.records == "deputies":
        found: list[tuple[Any, Any]] = [
            (Convocation, true()),
            (ConvocationSession, true()),
            (Deputy, Deputy.mazhilis_id.is_not(None)),
            (DeputyName, DeputyName.source == "mazhilis"),
            (SocialAccount, SocialAccount.learned_from == MAZHILIS_ACCOUNTS),
        ]
        if scope.convocation is not None:
            convocation = select(Convocation.id).where(
                Convocation.number == scope.convocation
            )
            found.append(
                (Mandate, Mandate.convocation_id == convocation.scalar_subquery())
            )
        return found
    if scope.records == "requests":
        conditions = _window(DeputyRequest.request_date, scope)
        if scope.session is not None:
            conditions.append(DeputyRequest.source_session_id == scope.session)
        requests = and_(true(), *conditions)
        participants = RequestParticipant.request_id.in_(
            select(DeputyRequest.id).where(requests)
        )
        return [(DeputyRequest, requests), (RequestParticipant, participants)]
    if scope.records == "activities":
        conditions = _window(Activity.activity_date, scope)
        if scope.deputies is not None:
            # Only the deputies whose pages were read: a former one is not listed.
            conditions.append(Activity.source_deputy_id.in_(sorted(scope.deputies)))
        return [(Activity, and_(true(), *conditions))]
    if scope.records == "programme":
        return [(ProgrammeThesis, ProgrammeThesis.party == scope.party)]
    if scope.records == "posts":
        accounts = select(SocialAccount.id).where(
            SocialAccount.platform == scope.platform,
            SocialAccount.handle.in_(sorted(scope.accounts or ())),
        )
        conditions = [Post.platform == scope.platform, Post.account_id.in_(accounts)]
        if scope.since:
            start = datetime.combine(scope.since, time(), UTC)
            conditions.append(Post.posted_at >= start)
        if scope.until:
            end = datetime.combine(scope.until + timedelta(days=1), time(), UTC)
            conditions.append(Post.posted_at < end)
        return [(Post, and_(*conditions))]
    raise ValueError(f"no records are named {scope.records!r} in a scope")


def _window(column: Any, scope: Scope) -> list[Any]:
    conditions = []
    if scope.since:
        conditions.append(column >= scope.since)
    if scope.until:
        conditions.append(column <= scope.until)
    return conditions


def mark_gone(
    session: Session, scopes: list[Scope], started_at: datetime
) -> dict[str, int]:
    """Mark the records a complete crawl should have seen and did not as gone,
    each kept as a change ("gone"); {table: how many}."""
    gone: dict[str, int] = {}
    now = datetime.now(UTC)
    for scope in scopes:
        for model, condition in scope_conditions(scope):
            table = model.__table__
            key = natural_key(table)
            missing = session.execute(
                select(table.c.id, *(table.c[name] for name in key)).where(
                    condition,
                    model.last_seen_at < started_at,
                    model.no_longer_seen_at.is_(None),
                )
            ).all()
            if not missing:
                continue
            ids = [row[0] for row in missing]
            for start in range(0, len(ids), 500):
                session.execute(
                    update(model)
                    .where(model.id.in_(ids[start : start + 500]))
                    .values(no_longer_seen_at=now)
                    .execution_options(synchronize_session=False)
                )
            write_changes(
                session,
                [
                    Change(table.name, row[0], record_key(row[1:]), "gone")
                    for row in missing
                ],
                now,
            )
            gone[table.name] = gone.get(table.name, 0) + len(missing)
    return gone


def collect_published(session: Session, source: str, started_at: datetime) -> None:
    """Set the source's published totals beside what is stored."""
    published.collect(session, source, started_at)


def gate_alerts(session: Session, closing: Closing) -> list[str]:
    """The count-drop and silence gates for the run's source; each alert is
    logged as an error too."""
    found = []
    if closing.total is not None and closing.compare_total:
        found.append(
            gates.count_drop(
                session, closing.source, closing.total, closing.limits.max_count_drop
            )
        )
    if closing.watch_silence:
        found.append(
            gates.silence(
                session,
                closing.source,
                closing.today,
                closing.limits.silence_factor,
                closing.limits.silence_min_days,
            )
        )
    if closing.source == "mazhilis-requests":
        found.append(
            gates.unread_files(
                session, closing.started_at, closing.limits.min_read_files
            )
        )
    if closing.posts is not None:
        found.append(gates.empty_window(session, closing.posts))
    alerts = [alert for alert in found if alert]
    for alert in alerts:
        logger.error("alert: %s", alert)
    return alerts


def relink_mentions(session: Session) -> int:
    """Match again the names no person decided on; how many links changed."""
    return resolve_pending(session)


def tag_topics(
    session: Session, since: datetime, topics_file: str | Path
) -> dict[str, Any]:
    """Tag the records written since `since` with their topics; a topics file that
    cannot be read is reported, and fails nothing else."""
    for attempt in range(TAG_ATTEMPTS):
        try:
            # In a savepoint: distributed workers ending together tag the same
            # records, and the one that loses the race tags again over the other's.
            with session.begin_nested():
                return tag_after_crawl(session, since, topics_file)
        except TopicsFileError as exc:
            logger.error("records not tagged with topics: %s", exc)
            return {"error": str(exc)}
        except IntegrityError:
            if attempt == TAG_ATTEMPTS - 1:
                raise
            logger.warning("another crawl tagged the same records; tagging again")
    raise AssertionError("unreachable")


def after_crawl(session: Session, closing: Closing) -> dict[str, Any]:
    """Run the steps a run's ending calls for; what they did, for its report."""
    gone: dict[str, int] = {}
    alerts: list[str] = []
    if closing.outcome == "success":
        gone = mark_gone(session, closing.complete, closing.started_at)
    # A run that failed, or was stopped half-way, proves nothing about totals.
    if closing.outcome not in ("failed", "interrupted"):
        collect_published(session, closing.source, closing.started_at)
        alerts = gate_alerts(session, closing)
    relinked = relink_mentions(session) if closing.deputies_changed else 0
    run_id = session.info.get(RUN_ID)
    return {
        "changes_added": added_by_run(session, run_id) if run_id else 0,
        "no_longer_seen": gone,
        "alerts": alerts,
        "mentions_relinked": relinked,
        "topics": tag_topics(session, closing.started_at, closing.topics_file),
    }
