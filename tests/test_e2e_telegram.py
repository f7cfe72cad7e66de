"""Telegram channels: the real crawler against the replica's previews."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from replica import ReplicaProcess, generate_dataset
from storage import db
from storage.models import CrawlRun, MeetingSource, Post, TopicTag
from tests.e2e import mwatch, rows

pytestmark = pytest.mark.e2e


def channel_of(link):
    return link.rstrip("/").rsplit("/", 1)[-1].lower() if link else None


def shown_text(post):
    """The text as the preview shows it: the hashtags on a line of their own."""
    tags = " ".join(f"#{tag}" for tag in post["hashtags"])
    return "\n".join(part for part in (post["text"], tags) if part)


def test_every_public_channels_posts_are_stored_once(database_url):
    dataset = generate_dataset()
    sitting = [d["kk"] for d in dataset["deputies"] if d["kk"]["is_active"]]
    channels = {channel_of(d["telegram_link"]) for d in sitting} - {None}
    expected = {
        (
            f"{name}/{post['id']}",
            datetime.fromisoformat(post["date"]).astimezone(UTC),
            shown_text(post),
            tuple(post["hashtags"]),
        )
        for name, channel in dataset["telegram"].items()
        if name.lower() in channels and channel["public"]
        for post in channel["posts"]
        if not post["service"]
    }
    private = sorted(
        name
        for name, channel in dataset["telegram"].items()
        if name.lower() in channels and not channel["public"]
    )
    assert expected and private

    db.upgrade(database_url)
    with ReplicaProcess() as replica:
        environment = {
            "DATABASE_URL": database_url,
            "MWATCH_MAZHILIS_URL": replica.urls["mazhilis"],
            "MWATCH_TELEGRAM_URL": replica.urls["telegram"],
        }
        first = mwatch("crawl", "mazhilis-deputies", "telegram", env=environment)
        assert first.code == 0, first.stdout + first.stderr
        replica.reset()
        again = mwatch("crawl", "telegram", env=environment)
        requests = replica.stats()["requests"]

    stored = rows(
        database_url,
        select(Post.source_post_id, Post.posted_at, Post.text, Post.hashtags),
    )
    assert len(stored) == len(expected)
    assert {(i, t.astimezone(UTC), x, tuple(h)) for i, t, x, h in stored} == expected
    [report] = rows(
        database_url,
        select(CrawlRun.report)
        .where(CrawlRun.source == "telegram")
        .order_by(CrawlRun.id)
        .limit(1),
    )[0]
    assert sorted(report["no_public_preview"]) == private
    assert all(f"telegram channel {name}" in first.stdout for name in private)

    # The nightly run over unchanged channels reads each channel's newest page.
    assert again.code == 0, again.stdout + again.stderr

    # Each crawl ends by clustering the meetings its posts report, with topics.
    reporting = {
        f"{name}/{post['id']}"
        for name, channel in dataset["telegram"].items()
        if name.lower() in channels and channel["public"]
        for post in channel["posts"]
        if not post["service"] and post["truth"]["kind"] != "other"
    }
    sources = rows(
        database_url,
        select(Post.source_post_id).join(
            MeetingSource, MeetingSource.post_id == Post.id
        ),
    )
    assert reporting and {i for (i,) in sources} == reporting
    assert rows(
        database_url, select(TopicTag.id).where(TopicTag.record_type == "meeting")
    )
    assert "meetings matched:" in first.stdout
    # Nothing the matching reads changed: the meetings are not matched again.
    assert "meetings not matched again" in again.stdout, again.stdout
    print(f"nightly over unchanged channels: {requests} requests")
    assert requests <= len(channels) + 1
