"""Telegram channels: the real crawler against the replica's previews, albums and
the empty page before a channel's first post among them; one odd post costs
itself, not its channel."""

import copy
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import CrawlRun, MeetingSource, Post, SourceDocument, TopicTag
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
            # The replica is our own site: no need to spare it.
            "MWATCH_AUTOTHROTTLE": "off",
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
    [(outcome, report)] = rows(
        database_url,
        select(CrawlRun.outcome, CrawlRun.report)
        .where(CrawlRun.source == "telegram")
        .order_by(CrawlRun.id)
        .limit(1),
    )
    assert sorted(report["no_public_preview"]) == private
    # Albums (their text nested) and the empty pages are read, not failed.
    assert outcome == "success"
    assert "unreadable" not in report and report["failed_pages"] == []
    public = {
        name: channel
        for name, channel in dataset["telegram"].items()
        if name.lower() in channels and channel["public"]
    }
    albums = {
        f"{name}/{post['id']}": post["photos"]
        for name, channel in public.items()
        for post in channel["posts"]
        if post.get("album")
    }
    stored_photos = dict(
        rows(
            database_url,
            select(Post.source_post_id, Post.photos).where(
                Post.source_post_id.in_(albums)
            ),
        )
    )
    assert albums and stored_photos == albums
    # A channel whose first posts were deleted ends on an empty page.
    empty_pages = {
        f"{replica.urls['telegram']}/s/{name}?before={channel['posts'][0]['id']}"
        for name, channel in public.items()
        if "first_id" in channel
    }
    fetched = {url for (url,) in rows(database_url, select(SourceDocument.url))}
    assert empty_pages and empty_pages <= fetched
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


def few_channels(count: int) -> dict:
    """The default dataset with only the first `count` public channels of sitting
    deputies linked (the others' links removed), and no other social account."""
    dataset = copy.deepcopy(generate_dataset())
    sitting = [d["kk"] for d in dataset["deputies"] if d["kk"]["is_active"]]
    linked = {channel_of(d["telegram_link"]) for d in sitting} - {None}
    kept = sorted(
        name
        for name, channel in dataset["telegram"].items()
        if name.lower() in linked and channel["public"]
    )[:count]
    for pair in dataset["deputies"]:
        for deputy in pair.values():
            if channel_of(deputy["telegram_link"]) not in kept:
                deputy["telegram_link"] = None
            deputy["instagram_link"] = deputy["facebook_link"] = None
    dataset["telegram"] = {name: dataset["telegram"][name] for name in kept}
    dataset["instagram"], dataset["facebook"] = {}, {}
    return dataset


def crawl_telegram(
    dataset: dict,
    database_url: str,
    folder,  # noqa: ANN001
    throttle: str = "off",
    env: dict[str, str] | None = None,
) -> tuple:
    """`mwatch crawl mazhilis-deputies telegram` against a replica of `dataset`:
    the result and the Telegram run's outcome, message and report."""
    path = folder / "dataset.json"
    dump_dataset(dataset, path)
    db.upgrade(database_url)
    with ReplicaProcess(dataset=path) as replica:
        environment = {
            "DATABASE_URL": database_url,
            "MWATCH_MAZHILIS_URL": replica.urls["mazhilis"],
            "MWATCH_TELEGRAM_URL": replica.urls["telegram"],
            "MWATCH_AUTOTHROTTLE": throttle,
        } | (env or {})
        result = mwatch("crawl", "mazhilis-deputies", "telegram", env=environment)
    [run] = rows(
        database_url,
        select(CrawlRun.outcome, CrawlRun.message, CrawlRun.report).where(
            CrawlRun.source == "telegram"
        ),
    )
    return result, run


def test_one_odd_post_costs_itself_not_its_channel(database_url, tmp_path):
    dataset = few_channels(3)
    name = sorted(dataset["telegram"])[1]
    posts = [p for p in dataset["telegram"][name]["posts"] if not p["service"]]
    odd = posts[len(posts) // 2]
    odd["markup"] = "no-datetime"
    expected = {
        f"{channel}/{post['id']}"
        for channel, account in dataset["telegram"].items()
        for post in account["posts"]
        if not post["service"] and post is not odd
    }

    result, (outcome, message, report) = crawl_telegram(dataset, database_url, tmp_path)

    assert result.code == 0, result.stdout + result.stderr
    assert outcome == "success" and message is None
    stored = {i for (i,) in rows(database_url, select(Post.source_post_id))}
    assert stored == expected
    odd_id = f"{name}/{odd['id']}"
    assert report["unreadable"]["count"] == 1
    assert report["unreadable"]["by_page_type"] == {"channel-page": 1}
    [example] = report["unreadable"]["examples"]
    assert example["record"] == odd_id and "datetime" in example["reason"]
    assert f"/s/{name}" in example["url"]
    status = mwatch("status", env={"DATABASE_URL": database_url}).stdout
    assert "unreadable records: 1 (1 on channel-page pages)" in status, status
    assert f"unreadable: {odd_id} on " in status


def test_the_previews_are_read_at_a_public_scrapers_pace(sqlite_url, tmp_path):
    # About half a second between requests (SOURCES.md §2), randomized by Scrapy
    # to 0.25-0.75 s; AutoThrottle alone would soon go much faster.
    result, (outcome, _, report) = crawl_telegram(
        few_channels(3), sqlite_url, tmp_path, throttle="on"
    )
    assert result.code == 0, result.stdout + result.stderr
    [(pages, started, finished)] = rows(
        sqlite_url,
        select(CrawlRun.pages, CrawlRun.started_at, CrawlRun.finished_at).where(
            CrawlRun.source == "telegram"
        ),
    )
    assert outcome == "success" and pages > 20
    print(f"{pages} pages in {finished - started}")
    assert (finished - started).total_seconds() >= (pages - 1) * 0.25
