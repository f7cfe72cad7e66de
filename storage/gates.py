"""Alerts a nightly job nobody watches must raise: a source that suddenly lists far
fewer records than before, or one silent far longer than its usual rhythm."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Activity, CrawlRun, DeputyRequest

# The dated records of each source, whose rhythm tells silence from a pause.
DATED = {
    "mazhilis-requests": DeputyRequest.request_date,
    "mazhilis-activities": Activity.activity_date,
}
# How many of the newest dates the usual rhythm is read from.
RHYTHM_DATES = 400


def count_drop(
    session: Session, source: str, total: int, max_drop: float
) -> str | None:
    """An alert when `total` (the records the source lists now) fell by more than
    `max_drop` against the last successful run that saw a total."""
    reports = session.scalars(
        select(CrawlRun.report)
        .where(CrawlRun.source == source, CrawlRun.outcome == "success")
        .order_by(CrawlRun.id.desc())
        .limit(20)
    )
    previous = next(
        (r["total"] for r in reports if r and r.get("total") is not None), None
    )
    if not previous or total >= previous * (1 - max_drop):
        return None
    return (
        f"{source} lists {total} records, {previous} at its last successful run "
        f"(down {1 - total / previous:.0%}, more than {max_drop:.0%}): is the source "
        "or its layout broken?"
    )


def silence(
    session: Session, source: str, today: date, factor: float, min_days: int
) -> str | None:
    """An alert when the source's newest record is older than `factor` times the
    longest gap between its records so far (and than `min_days`)."""
    column = DATED.get(source)
    if column is None:
        return None
    days = sorted(
        session.scalars(
            select(column)
            .where(column.is_not(None))
            .distinct()
            .order_by(column.desc())
            .limit(RHYTHM_DATES)
        )
    )
    if len(days) < 2:
        return None
    longest = max((b - a).days for a, b in zip(days, days[1:], strict=False))
    quiet = (today - days[-1]).days
    if quiet <= max(min_days, factor * longest):
        return None
    return (
        f"{source} has been silent for {quiet} days (its newest record is of "
        f"{days[-1]}), longer than {factor:g} times its longest gap so far "
        f"({longest} days)"
    )
