"""Alerts a nightly job nobody watches must raise: a source that suddenly lists far
fewer records than before, one silent far longer than its usual rhythm, a run
whose request PDFs could not be read, and a read of social accounts whose window
holds no post at all."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records import PostsRead
from storage.models import Activity, CrawlRun, DeputyRequest, Post, RequestFile

# The dated records of each source, whose rhythm tells silence from a pause.
DATED = {
    "mazhilis-requests": DeputyRequest.request_date,
    "mazhilis-activities": Activity.activity_date,
}
# How many PDFs a run must have fetched for their share read to mean something.
UNREAD_FILES_MIN = 5
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


def unread_files(session: Session, since: datetime, min_share: float) -> str | None:
    """An alert when fewer than `min_share` of the request PDFs a run fetched
    (those recorded since `since`, its start) could be read: every one broken, an
    error page instead of a PDF, missing or off the host is no success."""
    statuses = dict(
        session.execute(
            select(RequestFile.status, func.count())
            .where(RequestFile.last_seen_at >= since)
            .group_by(RequestFile.status)
        ).all()
    )
    fetched = sum(statuses.values())
    read = statuses.get("ok", 0)
    # A night's one or two new files, one of them broken, are no pattern.
    if fetched < UNREAD_FILES_MIN or read >= min_share * fetched:
        return None
    others = ", ".join(
        f"{status} {count}"
        for status, count in sorted(statuses.items(), key=lambda kv: -kv[1])
        if status != "ok"
    )
    return (
        f"mazhilis-requests read {read} of the {fetched} request PDFs it fetched "
        f"({others}; less than {min_share:.0%} read): are the files broken, or "
        "served from another host? `mwatch status` lists them"
    )


def empty_window(session: Session, read: PostsRead) -> str | None:
    """An alert when a run read accounts whose window holds no stored post of the
    platform at all: a first crawl whose history does not reach the posts, or
    accounts that are all unreadable, stores nothing and is no success."""
    query = select(func.count()).where(
        Post.platform == read.platform, Post.no_longer_seen_at.is_(None)
    )
    if read.since:
        query = query.where(Post.posted_at >= datetime.combine(read.since, time(), UTC))
    if read.until:
        end = datetime.combine(read.until + timedelta(days=1), time(), UTC)
        query = query.where(Post.posted_at < end)
    if session.scalar(query):
        return None
    window = f"{read.since or 'the beginning'} to {read.until or 'today'}"
    hint = (
        f"; a first crawl reads {read.history_setting} days back: raise "
        f"MWATCH_{read.history_setting} if the accounts' posts are older"
        if read.history_setting
        else ""
    )
    return (
        f"{read.platform}: {read.accounts} accounts read, and no post of theirs is "
        f"stored from {window}{hint}"
    )
