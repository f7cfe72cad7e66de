"""Reconciliation: the totals sources publish about themselves against what the
database holds (`published_counts`).

A spider stores each total it reads with its scope: `all`, or `key:value` filters
separated by spaces (`session:82 deputy:71`; the source's own ids, as its API
takes them; `lang:kk` for a deputies list). When the run ends, `collect` counts
what the database holds in each scope read in that run.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, exists, func, select, true
from sqlalchemy.orm import Session

from records import parse_scope
from storage.db import session_for
from storage.models import (
    Activity,
    Convocation,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    PublishedCount,
    RequestParticipant,
    SourceDocument,
)


def _requests(filters: dict[str, str]) -> ColumnElement[bool]:
    conditions = [DeputyRequest.no_longer_seen_at.is_(None)]
    if "convocation" in filters:
        conditions.append(
            DeputyRequest.source_convocation_id == int(filters["convocation"])
        )
    if "session" in filters:
        conditions.append(DeputyRequest.source_session_id == int(filters["session"]))
    if "date" in filters:
        conditions.append(
            DeputyRequest.request_date == datetime.fromisoformat(filters["date"]).date()
        )
    if "deputy" in filters:
        conditions.append(
            exists().where(
                RequestParticipant.request_id == DeputyRequest.id,
                RequestParticipant.source_deputy_id == int(filters["deputy"]),
                RequestParticipant.no_longer_seen_at.is_(None),
            )
        )
    return and_(true(), *conditions)


def collected(session: Session, subject: str, scope: str) -> int | None:
    """What the database holds of `subject` in `scope` (None: not countable)."""
    filters = parse_scope(scope)
    if subject == "requests":
        query = select(func.count()).where(_requests(filters))
    elif subject == "activities":
        query = select(func.count()).where(Activity.no_longer_seen_at.is_(None))
        if "deputy" in filters:
            query = query.where(Activity.source_deputy_id == int(filters["deputy"]))
    elif subject == "deputies" and "lang" in filters:
        # The lists publish the sitting deputies: the former ones (by-alphabet's
        # `is_active: false`) are stored beside them and not counted.
        query = (
            select(func.count())
            .select_from(DeputyName)
            .join(Deputy, DeputyName.deputy_id == Deputy.id)
            .where(
                DeputyName.source == "mazhilis",
                DeputyName.lang == filters["lang"],
                DeputyName.no_longer_seen_at.is_(None),
                Deputy.is_active.is_not(False),
            )
        )
    else:
        return None
    return session.scalar(query)


def countable(subject: str, scope: str) -> bool:
    """Whether the database's side of such a total can be counted."""
    return subject in ("requests", "activities") or (
        subject == "deputies" and "lang" in parse_scope(scope)
    )


def collect(session: Session, source: str, since: datetime) -> int:
    """Fill `collected` for the totals `source` read since `since` (its run's
    start), and for those no run counted yet (a distributed worker's read, which
    another worker ended); how many."""
    now = datetime.now(UTC)
    rows = session.scalars(
        select(PublishedCount).where(
            PublishedCount.source == source,
            (PublishedCount.last_seen_at >= since) | PublishedCount.collected.is_(None),
        )
    ).all()
    for row in rows:
        row.collected = collected(session, row.subject, row.scope)
        row.collected_at = now
    return len(rows)


def sitting_deputies(url: str) -> list[int]:
    """The Mazhilis ids of the sitting convocation's deputies still listed and
    sitting (not those whose mandate ended)."""
    with session_for(url) as session:
        sitting = (
            select(Convocation.id).order_by(Convocation.number.desc()).limit(1)
        ).scalar_subquery()
        return list(
            session.scalars(
                select(Deputy.mazhilis_id)
                .join(Mandate, Mandate.deputy_id == Deputy.id)
                .where(
                    Mandate.convocation_id == sitting,
                    Mandate.no_longer_seen_at.is_(None),
                    Deputy.no_longer_seen_at.is_(None),
                    Deputy.mazhilis_id.is_not(None),
                    Deputy.is_active.is_not(False),
                )
                .order_by(Deputy.mazhilis_id)
            )
        )


@dataclass
class Difference:
    """A published total that disagrees with what was collected, or with the
    same total in the other language."""

    source: str
    subject: str
    scope: str
    published: int
    collected: int | None
    problem: str
    checked_at: datetime | None
    url: str | None


def differences(session: Session) -> list[Difference]:
    """Every disagreement the last crawls found, in (source, subject, scope) order."""
    rows = session.execute(
        select(PublishedCount, SourceDocument.url)
        .outerjoin(
            SourceDocument, PublishedCount.source_document_id == SourceDocument.id
        )
        .order_by(PublishedCount.source, PublishedCount.subject, PublishedCount.scope)
    ).all()
    found = []
    languages: dict[str, tuple[PublishedCount, str | None]] = {}
    for row, url in rows:
        if row.subject == "deputies" and row.scope.startswith("lang:"):
            languages[row.scope.removeprefix("lang:")] = (row, url)
        if row.collected is None and countable(row.subject, row.scope):
            found.append(
                Difference(
                    row.source,
                    row.subject,
                    row.scope,
                    row.published,
                    None,
                    f"the source says {row.published}; what the database holds was "
                    "never counted (a crawl ended before it could: run "
                    f"`mwatch crawl {row.source}`)",
                    row.last_seen_at,
                    url,
                )
            )
        elif row.collected is not None and row.collected != row.published:
            found.append(
                Difference(
                    row.source,
                    row.subject,
                    row.scope,
                    row.published,
                    row.collected,
                    f"the source says {row.published}, the database holds "
                    f"{row.collected} ({row.collected - row.published:+d})",
                    row.collected_at,
                    url,
                )
            )
    found.extend(_language_differences(languages))
    return found


def _language_differences(
    languages: dict[str, tuple[PublishedCount, str | None]],
) -> list[Difference]:
    """The deputies lists in Kazakh and Russian: the same ids, the same count."""
    if "kk" not in languages or "ru" not in languages:
        return []
    (kk, url), (ru, _) = languages["kk"], languages["ru"]
    kk_ids = set((kk.detail or {}).get("ids", []))
    ru_ids = set((ru.detail or {}).get("ids", []))
    if kk.published == ru.published and kk_ids == ru_ids:
        return []
    parts = [f"kk lists {kk.published}, ru lists {ru.published}"]
    if kk_ids - ru_ids:
        parts.append(f"only in kk: {', '.join(map(str, sorted(kk_ids - ru_ids)))}")
    if ru_ids - kk_ids:
        parts.append(f"only in ru: {', '.join(map(str, sorted(ru_ids - kk_ids)))}")
    return [
        Difference(
            kk.source,
            "deputies",
            "lang:kk lang:ru",
            kk.published,
            ru.published,
            "; ".join(parts),
            kk.last_seen_at,
            url,
        )
    ]


def format_differences(found: list[Difference]) -> str:
    """The differences as lines for a terminal."""
    if not found:
        return "reconciliation: every published total matches what was collected"
    totals = "total disagrees" if len(found) == 1 else "totals disagree"
    lines = [f"reconciliation: {len(found)} published {totals}"]
    for difference in found:
        when = (
            difference.checked_at.strftime("%Y-%m-%d %H:%M")
            if difference.checked_at
            else "-"
        )
        lines.append(
            f"  {difference.subject} [{difference.scope}]: {difference.problem}"
            f" (read {when} by {difference.source})"
        )
        if difference.url:
            lines.append(f"      {difference.url}")
    return "\n".join(lines)
