"""Meetings stored: every post (any platform) and Mazhilis activity that reports a
meeting with voters or a reception of citizens, clustered into `meetings` with
one `meeting_sources` row per report.

Each run classifies every stored post and activity again and clusters them all
(matching/meeting_clusters.py), then keeps the stored meetings' ids: a cluster
takes the id most of its already-stored sources have (the smallest on a tie), so
a new post joins its meeting's id and a second run changes nothing. A source no
longer recognised as a meeting (its text was edited) leaves its meeting; a
meeting left without sources is deleted.

Each run stores a digest of what it read (`meeting_matches`): the posts' and
activities' fields it uses, the decisions and the matching code itself. A crawl
ends by matching again only when that digest changed, so a nightly run over
unchanged sources does not classify every stored post again.

A person's decisions (`meeting_decisions`: two reports merged into one meeting,
or split into two) are kept by natural key (the reports' records) and honoured on
every later run, whatever the rules say.
"""

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Row, delete, select
from sqlalchemy.orm import Session

import matching.meeting_clusters
import matching.meetings
import matching.names
from matching.meeting_clusters import Cluster, Report, cluster, days_of, pair
from matching.meetings import activity_locality, classify, place_stems
from storage.models import (
    Activity,
    Meeting,
    MeetingDecision,
    MeetingMatch,
    MeetingSource,
    Post,
)

# Posts are dated by Kazakhstan's clock (UTC+5): a post at 00:40 local on 6 July
# is 19:40 UTC on 5 July.
LOCAL = timezone(timedelta(hours=5))


@dataclass
class MeetingCounts:
    """What a run did."""

    reports: int = 0
    # True when nothing the matching reads changed since its last run.
    skipped: bool = False
    candidate_pairs: int = 0
    meetings_created: int = 0
    meetings_updated: int = 0
    meetings_unchanged: int = 0
    meetings_deleted: int = 0
    sources_added: int = 0
    sources_moved: int = 0
    sources_updated: int = 0
    sources_removed: int = 0

    @property
    def meetings(self) -> int:
        return self.meetings_created + self.meetings_updated + self.meetings_unchanged

    def changed(self) -> bool:
        return any(
            (
                self.meetings_created,
                self.meetings_updated,
                self.meetings_deleted,
                self.sources_added,
                self.sources_moved,
                self.sources_updated,
                self.sources_removed,
            )
        )


@dataclass(frozen=True)
class _Found:
    """A stored record recognised as a meeting's report, with what it states."""

    report: Report
    deputy_id: int | None
    rule: str | None
    stated_date: date | None
    authoritative: bool


@dataclass
class _Inputs:
    """What a run reads: the posts, the activities and the people's decisions."""

    posts: Sequence[Row]
    activities: Sequence[Row]
    decisions: Sequence[Row]

    @classmethod
    def read(cls, session: Session) -> "_Inputs":
        posts = select(
            Post.id,
            Post.platform,
            Post.account_id,
            Post.deputy_id,
            Post.posted_at,
            Post.text,
        ).order_by(Post.id)
        activities = (
            select(
                Activity.id,
                Activity.deputy_id,
                Activity.source_deputy_id,
                Activity.activity_date,
                Activity.title,
                Activity.text,
                Activity.place,
            )
            .where(Activity.activity_date.is_not(None))
            .order_by(Activity.id)
        )
        decisions = select(
            MeetingDecision.first_key,
            MeetingDecision.second_key,
            MeetingDecision.action,
        ).order_by(MeetingDecision.first_key, MeetingDecision.second_key)
        return cls(
            session.execute(posts).all(),
            session.execute(activities).all(),
            session.execute(decisions).all(),
        )

    def digest(self) -> str:
        """A hash of every value read and of the matching code: equal digests
        make equal meetings."""
        digest = hashlib.sha256(_CODE_DIGEST)
        for name, rows in (
            ("posts", self.posts),
            ("activities", self.activities),
            ("decisions", self.decisions),
        ):
            digest.update(f"\x1e{name}".encode())
            for row in rows:
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\x1f")
        return digest.hexdigest()


# The code that turns the inputs into meetings: a new release's rules match again.
_CODE_DIGEST = hashlib.sha256(
    b"".join(
        Path(module.__file__).read_bytes()
        for module in (matching.meetings, matching.meeting_clusters, matching.names)
    )
    + Path(__file__).read_bytes()
).digest()


def _post_reports(rows: Sequence[Row]) -> list[_Found]:
    found = []
    for post_id, platform, account_id, deputy_id, posted_at, text in rows:
        posted = posted_at.astimezone(LOCAL).date()
        result = classify(text, posted)
        if result.kind is None:
            continue
        first, last = days_of(result.day, posted)
        who = f"deputy:{deputy_id}" if deputy_id else f"account:{account_id}"
        report = Report(
            key=f"post:{post_id}",
            who=who,
            kind=result.kind,
            first=first,
            last=last,
            place=result.place,
            text=text or "",
            source=f"{platform}:{account_id}",
        )
        found.append(_Found(report, deputy_id, result.rule, result.day, False))
    return found


def _activity_reports(rows: Sequence[Row]) -> list[_Found]:
    """Activities are reports by nature; their date is the meeting's. One that
    reads as neither kind (say, "Работа в округе") is a meeting."""
    found = []
    for activity_id, deputy_id, source_deputy, day, title, text, place in rows:
        words = f"{title}\n{text or ''}"
        result = classify(words, day)
        who = f"deputy:{deputy_id}" if deputy_id else f"mazhilis-deputy:{source_deputy}"
        report = Report(
            key=f"activity:{activity_id}",
            who=who,
            kind=result.kind or "meeting",
            first=day,
            last=day,
            place=activity_locality(place) or result.place,
            text=words,
            source="mazhilis",
        )
        rule = result.rule or "mazhilis: activity"
        found.append(_Found(report, deputy_id, rule, day, True))
    return found


def _meeting_values(cluster_: Cluster, found: dict[str, _Found]) -> dict:
    """The meeting's deputy, kind, day and place from its reports: an activity's
    day and place first, else the day most reports state, else the latest day
    they all allow; the place most reports name."""
    members = [found[r.key] for r in cluster_.reports]
    activity = next((m for m in members if m.authoritative), None)
    stated = Counter(m.stated_date for m in members if m.stated_date)
    if activity:
        day = activity.report.first
    elif stated:
        day = min(stated, key=lambda d: (-stated[d], d))
    else:
        day = cluster_.last
    places = Counter(r.place for r in cluster_.reports if place_stems(r.place))
    place = activity.report.place if activity and activity.report.place else None
    if place is None and places:
        place = min(places, key=lambda p: (-places[p], p))
    deputy_ids = [m.deputy_id for m in members if m.deputy_id]
    return {
        "deputy_id": deputy_ids[0] if deputy_ids else None,
        "who": cluster_.reports[0].who,
        "kind": cluster_.reports[0].kind,
        "meeting_date": day,
        "place": place,
    }


def _source_values(report: Report, found: _Found, cluster_: Cluster) -> dict:
    kind, _, number = report.key.partition(":")
    link = cluster_.links.get(report.key)
    return {
        "post_id": int(number) if kind == "post" else None,
        "activity_id": int(number) if kind == "activity" else None,
        "source": "mazhilis" if kind == "activity" else report.source.split(":")[0],
        "rule": found.rule,
        "stated_date": found.stated_date,
        "stated_place": report.place,
        "score": link.score if link else None,
        "reason": link.reason if link else None,
    }


def _source_key(source: MeetingSource) -> str:
    if source.post_id is not None:
        return f"post:{source.post_id}"
    return f"activity:{source.activity_id}"


def _update(record: object, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def last_match(session: Session) -> MeetingMatch | None:
    """The latest run of the matching."""
    return session.scalar(
        select(MeetingMatch).order_by(MeetingMatch.id.desc()).limit(1)
    )


def match_meetings(
    session: Session, now: datetime | None = None, if_changed: bool = False
) -> MeetingCounts:
    """Classify and cluster every stored post and activity into meetings, keeping
    the stored meetings' ids; with `if_changed`, only when something it reads
    changed since its last run (else the counts say `skipped`). The caller
    commits."""
    now = now or datetime.now(UTC)
    inputs = _Inputs.read(session)
    digest = inputs.digest()
    if if_changed:
        last = last_match(session)
        if last is not None and last.inputs_hash == digest:
            return MeetingCounts(
                reports=last.reports,
                skipped=True,
                meetings_unchanged=last.meetings,
            )
    found = {
        f.report.key: f
        for f in _post_reports(inputs.posts) + _activity_reports(inputs.activities)
    }
    decisions = inputs.decisions
    result = cluster(
        [f.report for f in found.values()],
        together=[(a, b) for a, b, action in decisions if action == "merge"],
        apart=[(a, b) for a, b, action in decisions if action == "split"],
    )
    counts = MeetingCounts(reports=len(found), candidate_pairs=result.candidate_pairs)
    stored = {_source_key(s): s for s in session.scalars(select(MeetingSource))}
    meetings = {m.id: m for m in session.scalars(select(Meeting))}
    claimed: set[int] = set()
    for cluster_ in result.clusters:
        values = _meeting_values(cluster_, found)
        held = Counter(
            stored[r.key].meeting_id
            for r in cluster_.reports
            if r.key in stored and stored[r.key].meeting_id not in claimed
        )
        if held:
            meeting_id = min(held, key=lambda i: (-held[i], i))
            meeting = meetings[meeting_id]
            if _update(meeting, values):
                meeting.updated_at = now
                counts.meetings_updated += 1
            else:
                counts.meetings_unchanged += 1
        else:
            meeting = Meeting(**values, created_at=now, updated_at=now)
            session.add(meeting)
            session.flush()
            counts.meetings_created += 1
        claimed.add(meeting.id)
        for report in cluster_.reports:
            source_values = _source_values(report, found[report.key], cluster_)
            source = stored.pop(report.key, None)
            if source is None:
                session.add(
                    MeetingSource(
                        **source_values, meeting_id=meeting.id, matched_at=now
                    )
                )
                counts.sources_added += 1
                continue
            if source.meeting_id != meeting.id:
                source.meeting_id = meeting.id
                source.matched_at = now
                counts.sources_moved += 1
            if _update(source, source_values):
                source.matched_at = now
                counts.sources_updated += 1
    for source in stored.values():
        session.delete(source)
        counts.sources_removed += 1
    session.flush()
    empty = [i for i in meetings if i not in claimed]
    if empty:
        session.execute(delete(Meeting).where(Meeting.id.in_(empty)))
        counts.meetings_deleted = len(empty)
    session.add(
        MeetingMatch(
            inputs_hash=digest,
            reports=counts.reports,
            meetings=counts.meetings,
            matched_at=now,
        )
    )
    session.flush()
    return counts


class DecisionError(ValueError):
    """A decision that cannot be taken; the message says why."""


def source_key(session: Session, source_id: int) -> tuple[str, int]:
    """The report a `meeting_sources` id stands for, and its meeting."""
    source = session.get(MeetingSource, source_id)
    if source is None:
        raise DecisionError(
            f"no meeting source has id {source_id} (see `mwatch meetings list`)"
        )
    return _source_key(source), source.meeting_id


def decide(
    session: Session, action: str, pairs: list[tuple[str, str]], by: str
) -> None:
    """Record a person's decision on each pair of reports, replacing an earlier
    one on the same pair."""
    now = datetime.now(UTC)
    for a, b in pairs:
        first, second = pair(a, b)
        decision = session.scalar(
            select(MeetingDecision).where(
                MeetingDecision.first_key == first,
                MeetingDecision.second_key == second,
            )
        )
        if decision is None:
            session.add(
                MeetingDecision(
                    first_key=first,
                    second_key=second,
                    action=action,
                    decided_by=by,
                    decided_at=now,
                )
            )
        elif decision.action != action:
            decision.action, decision.decided_by, decision.decided_at = action, by, now
    session.flush()


def merge(session: Session, source_ids: list[int], by: str) -> None:
    """The reports of these sources are one meeting."""
    keys = [source_key(session, i)[0] for i in source_ids]
    if len(set(keys)) < 2:
        raise DecisionError("merge needs two different meeting sources")
    decide(session, "merge", [(keys[0], key) for key in keys[1:]], by)


def split(session: Session, source_id: int, by: str) -> None:
    """This source's report is a meeting apart from its meeting's other sources."""
    key, meeting_id = source_key(session, source_id)
    others = [
        _source_key(s)
        for s in session.scalars(
            select(MeetingSource).where(MeetingSource.meeting_id == meeting_id)
        )
        if _source_key(s) != key
    ]
    if not others:
        raise DecisionError(f"meeting source {source_id} is its meeting's only source")
    decide(session, "split", [(key, other) for other in others], by)
