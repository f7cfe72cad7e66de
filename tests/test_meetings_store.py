"""Meetings stored from the posts of every platform and the Mazhilis activities,
on SQLite and PostgreSQL: the clusters match the replica's events, a second run
changes nothing, and posts stored later join their meetings' ids."""

import hashlib
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from matching.meeting_clusters import bcubed
from matching.meetings import activity_locality, same_place
from replica.places import REGIONS
from storage import db
from storage.meetings import LOCAL, match_meetings, merge, split
from storage.models import (
    Activity,
    Deputy,
    Meeting,
    MeetingDecision,
    MeetingSource,
    Post,
    SocialAccount,
)
from tests import replica_meetings
from tests.e2e import mwatch
from tests.replica_meetings import LabelledPost

NOW = datetime(2026, 7, 1, tzinfo=UTC)
DEPUTIES = 12


def seen() -> dict:
    return {"first_seen_at": NOW, "last_seen_at": NOW}


def store_deputies(session, posts: list[LabelledPost]) -> dict[tuple[str, str], int]:
    """Deputies and their accounts; the accounts' ids by (platform, handle)."""
    deputies = {}
    for number in sorted({p.deputy for p in posts}):
        deputy = Deputy(
            mazhilis_id=number, last_name=f"Депутат{number}", first_name="А", **seen()
        )
        session.add(deputy)
        deputies[number] = deputy
    session.flush()
    accounts = {}
    for platform, handle, number in sorted(
        {(p.platform, p.handle, p.deputy) for p in posts}
    ):
        account = SocialAccount(
            deputy_id=deputies[number].id,
            platform=platform,
            handle=handle,
            url=f"https://{platform}.example/{handle}",
            learned_from="mazhilis-api",
            **seen(),
        )
        session.add(account)
        accounts[(platform, handle)] = account
    session.flush()
    return {key: a.id for key, a in accounts.items()}


def store_posts(session, posts: list[LabelledPost], accounts: dict) -> dict[int, str]:
    """The posts; their gold events by stored id."""
    deputy_of = dict(session.execute(select(Deputy.mazhilis_id, Deputy.id)).all())
    stored = []
    for post in posts:
        row = Post(
            platform=post.platform,
            source_post_id=f"{post.handle}/{post.post_id}",
            account_id=accounts[(post.platform, post.handle)],
            deputy_id=deputy_of[post.deputy],
            url=f"https://{post.platform}.example/{post.handle}/{post.post_id}",
            posted_at=post.posted_at,
            text=post.text,
            item_hash=hashlib.sha256((post.text or "").encode()).hexdigest(),
            **seen(),
        )
        session.add(row)
        stored.append((row, post.event))
    session.flush()
    return {row.id: event for row, event in stored if event}


def store_activities(session, deputies: set[int]) -> dict[int, str]:
    deputy_of = dict(session.execute(select(Deputy.mazhilis_id, Deputy.id)).all())
    stored = []
    for activity in replica_meetings.activities(deputies):
        row = Activity(
            mazhilis_id=activity.activity_id,
            deputy_id=deputy_of[activity.deputy],
            source_deputy_id=activity.deputy,
            activity_date=activity.day,
            title=activity.title,
            text=activity.text,
            place=activity.place,
            url=activity.url,
            fetched_via="api",
            item_hash="0" * 64,
            **seen(),
        )
        session.add(row)
        stored.append((row, f"activity-{activity.activity_id}"))
    session.flush()
    return {row.id: event for row, event in stored}


def clusters_found(session) -> dict[str, int]:
    rows = session.execute(
        select(
            MeetingSource.post_id, MeetingSource.activity_id, MeetingSource.meeting_id
        )
    )
    return {
        f"post:{p}" if p is not None else f"activity:{a}": meeting
        for p, a, meeting in rows
    }


def test_meetings_from_posts_and_activities(database_url):
    db.upgrade(database_url)
    posts = replica_meetings.posts(DEPUTIES)
    # Facebook's posts arrive on a later crawl.
    early = [p for p in posts if p.platform != "facebook"]
    late = [p for p in posts if p.platform == "facebook"]
    gold: dict[str, str] = {}
    with db.session_for(database_url, write=True) as session:
        accounts = store_deputies(session, posts)
        gold |= {
            f"post:{i}": e for i, e in store_posts(session, early, accounts).items()
        }
        activities = store_activities(session, {p.deputy for p in posts})
        gold |= {f"activity:{i}": e for i, e in activities.items()}
        first = match_meetings(session, NOW)
        before = clusters_found(session)

    assert first.meetings_created == first.meetings > 50
    assert first.sources_added == first.reports
    with db.session_for(database_url, write=True) as session:
        again = match_meetings(session, NOW)
        assert not again.changed()
        assert again.meetings_unchanged == first.meetings
        assert clusters_found(session) == before

    with db.session_for(database_url, write=True) as session:
        gold |= {
            f"post:{i}": e for i, e in store_posts(session, late, accounts).items()
        }
        later = match_meetings(session, NOW)
        after = clusters_found(session)
        platforms = dict(
            session.execute(
                select(MeetingSource.source, func.count()).group_by(
                    MeetingSource.source
                )
            ).all()
        )
    # The facebook posts joined the meetings the other sources made.
    kept = sum(after[key] == meeting for key, meeting in before.items())
    event_meeting = {gold[k]: m for k, m in before.items() if k in gold}
    joined = [
        after[k] == event_meeting[gold[k]]
        for k in after
        if k not in before and gold.get(k) in event_meeting
    ]
    precision, recall, f1 = bcubed(gold, after)
    print(
        f"\nstored meetings: {first.meetings} from {first.reports} reports, then "
        f"{later.sources_added} facebook posts: {sum(joined)} of {len(joined)} joined "
        f"their meeting's id, {later.meetings_created} new meetings; {kept} of "
        f"{len(before)} sources kept their meeting; B-cubed F1 {f1:.3f}; "
        f"sources by platform {platforms}"
    )
    assert set(platforms) == {"telegram", "instagram", "facebook", "mazhilis"}
    assert len(joined) >= 20 and sum(joined) / len(joined) >= 0.95
    assert kept / len(before) >= 0.98
    assert f1 >= 0.95


def test_an_edited_post_leaves_its_meeting(database_url):
    db.upgrade(database_url)
    posts = [p for p in replica_meetings.posts(2) if p.event][:6]
    with db.session_for(database_url, write=True) as session:
        accounts = store_deputies(session, posts)
        store_posts(session, posts, accounts)
        match_meetings(session, NOW)
        meetings = session.scalar(select(func.count()).select_from(Meeting))
        alone = session.scalar(
            select(MeetingSource.post_id)
            .group_by(MeetingSource.meeting_id, MeetingSource.post_id)
            .having(
                MeetingSource.meeting_id.in_(
                    select(MeetingSource.meeting_id)
                    .group_by(MeetingSource.meeting_id)
                    .having(func.count() == 1)
                )
            )
            .limit(1)
        )
        assert alone is not None
        session.execute(
            update(Post).where(Post.id == alone).values(text="Поздравляю с Наурызом!")
        )
        counts = match_meetings(session, NOW)
        assert counts.sources_removed == 1 and counts.meetings_deleted == 1
        remaining = session.scalar(select(func.count()).select_from(Meeting))
        assert remaining == meetings - 1


def test_matching_again_skips_only_what_nothing_changed(database_url):
    """After a crawl that changed none of what the matching reads, the meetings
    are not matched again; a changed post, deputy link or decision is."""
    db.upgrade(database_url)
    posts = [p for p in replica_meetings.posts(2) if p.event][:8]
    with db.session_for(database_url, write=True) as session:
        accounts = store_deputies(session, posts)
        store_posts(session, posts, accounts)
        first = match_meetings(session, NOW, if_changed=True)
        assert not first.skipped and first.meetings_created == first.meetings > 1
        # Seen again by a nightly crawl: bookkeeping moves, the inputs do not.
        session.execute(update(Post).values(last_seen_at=datetime.now(UTC)))
        again = match_meetings(session, NOW, if_changed=True)
        assert again.skipped
        assert (again.reports, again.meetings) == (first.reports, first.meetings)

        edited = session.scalar(select(Post.id).order_by(Post.id).limit(1))
        session.execute(
            update(Post).where(Post.id == edited).values(text="С праздником!")
        )
        after_edit = match_meetings(session, NOW, if_changed=True)
        assert not after_edit.skipped and after_edit.sources_removed == 1
        assert match_meetings(session, NOW, if_changed=True).skipped

        sources = session.scalars(
            select(MeetingSource.id).order_by(MeetingSource.id).limit(2)
        ).all()
        merge(session, list(sources), "tester")
        decided = match_meetings(session, NOW, if_changed=True)
        assert not decided.skipped

        # Without `if_changed` (`mwatch meetings match`) it always runs.
        assert not match_meetings(session, NOW).skipped


def test_a_post_is_dated_by_kazakhstan_s_clock():
    late = datetime(2025, 7, 5, 19, 40, tzinfo=UTC)
    assert late.astimezone(LOCAL).date().isoformat() == "2025-07-06"


def test_the_command_matches_and_lists(sqlite_url):
    db.upgrade(sqlite_url)
    posts = [p for p in replica_meetings.posts(1) if p.event][:5]
    with db.session_for(sqlite_url, write=True) as session:
        accounts = store_deputies(session, posts)
        store_posts(session, posts, accounts)
    env = {"DATABASE_URL": sqlite_url}
    done = mwatch("meetings", "match", env=env)
    assert done.code == 0, done.stderr
    assert "new" in done.stdout and "5 reports" in done.stdout
    again = mwatch("meetings", "match", env=env)
    assert "0 new, 0 changed" in again.stdout
    listed = mwatch("meetings", "list", "--limit", "3", env=env)
    shown = [line for line in listed.stdout.splitlines() if line.startswith("#")]
    assert listed.code == 0 and 1 <= len(shown) <= 3
    assert "https://" in listed.stdout
    bad = mwatch("meetings", "list", "--since", "July", env=env)
    assert bad.code == 2 and "'July' is not a date" in bad.stderr
    source = shown_sources(listed.stdout)[0]
    unknown = mwatch("meetings", "split", "99999", env=env)
    assert unknown.code == 2 and "no meeting source has id 99999" in unknown.stderr
    alone = mwatch("meetings", "merge", source, source, env=env)
    assert alone.code == 2 and "two different meeting sources" in alone.stderr


def shown_sources(listing: str) -> list[str]:
    """The meeting sources' ids `mwatch meetings list` shows in brackets."""
    return [
        line.split("]")[0].strip(" [") for line in listing.splitlines() if "[" in line
    ]


def test_decisions_survive_later_runs(database_url):
    db.upgrade(database_url)
    posts = replica_meetings.posts(3)
    with db.session_for(database_url, write=True) as session:
        accounts = store_deputies(session, posts)
        store_posts(session, posts, accounts)
        match_meetings(session, NOW)
        # A meeting of several sources, and another meeting.
        several = session.execute(
            select(MeetingSource.meeting_id)
            .group_by(MeetingSource.meeting_id)
            .having(func.count() >= 2)
            .order_by(MeetingSource.meeting_id)
            .limit(1)
        ).scalar_one()
        sources = session.scalars(
            select(MeetingSource.id)
            .where(MeetingSource.meeting_id == several)
            .order_by(MeetingSource.id)
        ).all()
        other = session.scalar(
            select(MeetingSource.id)
            .where(MeetingSource.meeting_id != several)
            .order_by(MeetingSource.id)
            .limit(1)
        )
        split(session, sources[0], "monitor")
        merge(session, [sources[1], other], "monitor")
        match_meetings(session, NOW)
        for _ in range(2):
            # Later runs, as after every crawl, keep what the person decided.
            counts = match_meetings(session, NOW)
            assert not counts.changed()
            meeting_of = dict(
                session.execute(
                    select(MeetingSource.id, MeetingSource.meeting_id)
                ).all()
            )
            assert meeting_of[sources[0]] != meeting_of[sources[1]]
            assert meeting_of[sources[1]] == meeting_of[other]
            reasons = session.scalars(
                select(MeetingSource.reason).where(
                    MeetingSource.id.in_([sources[1], other])
                )
            ).all()
            assert "merged by a person" in reasons
        # A later decision on the same pair replaces the earlier one.
        merge(session, [sources[0], sources[1]], "monitor")
        decisions = session.execute(
            select(MeetingDecision.action, func.count()).group_by(
                MeetingDecision.action
            )
        ).all()
        expected = {"split": len(sources) - 2, "merge": 2}
        assert dict(decisions) == {k: n for k, n in expected.items() if n}


def test_cross_posts_join_their_activity_whatever_the_place_order(database_url):
    """An activity's place written locality first, with a venue, or in Kazakh
    (SOURCES.md §1.4) joins the posts that report its meeting as often as one
    written "Region, locality" does: its place never refuses them."""
    db.upgrade(database_url)
    posts = replica_meetings.posts(40)
    deputies = {p.deputy for p in posts}
    activities = {
        f"activity-{a.activity_id}": a for a in replica_meetings.activities(deputies)
    }
    with db.session_for(database_url, write=True) as session:
        accounts = store_deputies(session, posts)
        events = store_posts(session, posts, accounts)
        stored = store_activities(session, deputies)
        match_meetings(session, NOW)
        found = clusters_found(session)
        places = dict(
            session.execute(
                select(MeetingSource.post_id, MeetingSource.stated_place).where(
                    MeetingSource.post_id.is_not(None)
                )
            ).all()
        )
    meeting_of = {event: found[f"activity:{i}"] for i, event in stored.items()}
    joined: dict[bool, list[bool]] = {True: [], False: []}
    for post_id, event in events.items():
        activity = activities.get(event)
        if activity is None or "Мажилис" in activity.place:
            continue
        region_first = activity.place.split(", ")[0] in REGIONS
        joined[region_first].append(found[f"post:{post_id}"] == meeting_of[event])
        if not region_first:
            locality = activity_locality(activity.place)
            assert same_place(locality, places[post_id]) is not False, (
                activity.place,
                places[post_id],
            )
    rates = {first: sum(v) / len(v) for first, v in joined.items()}
    print(
        f"\nposts joined to their activity: {sum(joined[False])} of "
        f"{len(joined[False])} whose place is not region first ({rates[False]:.3f}),"
        f" {sum(joined[True])} of {len(joined[True])} region first ({rates[True]:.3f})"
    )
    assert len(joined[False]) >= 50
    assert rates[False] >= 0.93 and rates[False] >= rates[True] - 0.03
