"""Instagram and Facebook: the real crawlers, through Debian's Chromium, against
the replica's profiles and pages, anonymous and with a saved session."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from replica.facebook_page import LONG_TEXT
from storage import db
from storage.models import CrawlRun, Post
from tests.e2e import mwatch, rows

pytestmark = pytest.mark.e2e

# Anonymous visitors see this many of an account's newest posts (SOURCES.md §3-4).
ANONYMOUS = {"instagram": 12, "facebook": 5}


def small_dataset() -> dict:
    """The default dataset with two Instagram profiles and two Facebook pages (one
    with a text long enough to be cut) of sitting deputies, the others' links
    removed, so the crawl stays quick."""
    dataset = generate_dataset()
    sitting = [d for d in dataset["deputies"] if d["kk"]["is_active"]]

    def handle(link: str | None) -> str | None:
        return link.rstrip("/").rsplit("/", 1)[-1] if link else None

    instagram = [handle(d["kk"]["instagram_link"]) for d in sitting]
    facebook = [handle(d["kk"]["facebook_link"]) for d in sitting]
    keep = {
        "instagram": [h for h in instagram if h][:2],
        "facebook": [
            h
            for h in facebook
            if h
            and any(len(p["text"]) > LONG_TEXT for p in dataset["facebook"][h]["posts"])
        ][:2],
    }
    for platform, kept in keep.items():
        dataset[platform] = {h: dataset[platform][h] for h in kept}
        for deputy in dataset["deputies"]:
            for form in deputy.values():
                if handle(form[f"{platform}_link"]) not in kept:
                    form[f"{platform}_link"] = None
    return dataset


@pytest.fixture(scope="module")
def dataset() -> dict:
    return small_dataset()


@pytest.fixture(scope="module")
def replica(dataset, tmp_path_factory) -> ReplicaProcess:
    path = tmp_path_factory.mktemp("replica") / "dataset.json"
    dump_dataset(dataset, path)
    with ReplicaProcess(dataset=path) as running:
        yield running


def environment(replica: ReplicaProcess, url: str, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "MWATCH_MAZHILIS_URL": replica.urls["mazhilis"],
        "MWATCH_INSTAGRAM_URL": replica.urls["instagram"],
        "MWATCH_FACEBOOK_URL": replica.urls["facebook"],
        "MWATCH_AUTOTHROTTLE": "off",
        **extra,
    }


def expected_posts(dataset: dict, base: dict[str, str], newest: dict | None) -> set:
    """(platform, id, url, time, text) of the posts a crawl should store: the
    `newest[platform]` of each account, or all."""
    found = set()
    for account in dataset["instagram"].values():
        posts = sorted(account["posts"], key=lambda p: p["taken_at_timestamp"])[::-1]
        for post in posts[: newest["instagram"] if newest else None]:
            found.add(
                (
                    "instagram",
                    post["shortcode"],
                    f"{base['instagram']}/p/{post['shortcode']}/",
                    datetime.fromtimestamp(post["taken_at_timestamp"], UTC),
                    post["caption"],
                )
            )
    for page, account in dataset["facebook"].items():
        posts = sorted(account["posts"], key=lambda p: p["utime"])[::-1]
        for post in posts[: newest["facebook"] if newest else None]:
            found.add(
                (
                    "facebook",
                    f"{page}/{post['id']}",
                    f"{base['facebook']}/{page}/posts/{post['id']}",
                    datetime.fromtimestamp(post["utime"], UTC),
                    post["text"],
                )
            )
    return found


def stored_posts(url: str) -> set:
    return {
        (platform, post_id, link, moment.astimezone(UTC), text)
        for platform, post_id, link, moment, text in rows(
            url,
            select(
                Post.platform, Post.source_post_id, Post.url, Post.posted_at, Post.text
            ),
        )
    }


def last_run(url: str, source: str) -> CrawlRun:
    with db.session_for(url) as session:
        run = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source == source)
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).one()
        session.expunge(run)
        return run


def test_anonymous_crawl_keeps_what_a_visitor_sees_and_says_the_rest_needs_a_session(
    replica, dataset, sqlite_url
):
    db.upgrade(sqlite_url)
    env = environment(replica, sqlite_url)
    result = mwatch("crawl", "mazhilis-deputies", "instagram", "facebook", env=env)

    # Partial, not failed: what was seen is stored, the rest is reported.
    assert result.code == 1, result.stdout + result.stderr
    expected = expected_posts(dataset, replica.urls, ANONYMOUS)
    assert len(expected) == 2 * 12 + 2 * 5
    assert stored_posts(sqlite_url) == expected
    for platform, variable in (
        ("instagram", "MWATCH_INSTAGRAM_STATE"),
        ("facebook", "MWATCH_FACEBOOK_STATE"),
    ):
        run = last_run(sqlite_url, platform)
        assert run.outcome == "partial"
        walled = run.report["login_wall"]
        assert sorted(walled) == sorted(dataset[platform])
        assert {w["read"] for w in walled.values()} == {ANONYMOUS[platform]}
        assert run.report["session"] is False
        hint = f"run `mwatch login {platform} --state FILE`"
        assert any(hint in w and variable in w for w in run.report["warnings"])
        assert hint in result.stdout
    totals = last_run(sqlite_url, "instagram").report["login_wall"]
    assert {u: w["total"] for u, w in totals.items()} == {
        u: len(a["posts"]) for u, a in dataset["instagram"].items()
    }
    status = mwatch("status", env=env)
    assert "login wall after 12 of" in status.stdout
    assert "login wall after 5 posts: the rest needs a session" in status.stdout


def save_session(browser: Browser, login_url: str, fields: dict, path: Path) -> None:
    """Log in through the replica's form, as a person would, and keep the state."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(login_url)
    for name, value in fields.items():
        page.fill(f'input[name="{name}"]', value)
    with page.expect_navigation():
        page.click('button[type="submit"]')
    context.storage_state(path=str(path))
    context.close()
    path.chmod(0o600)


def test_with_saved_sessions_every_post_is_stored_once(
    replica, dataset, postgres_url, browser, tmp_path
):
    logins = dataset["logins"]
    instagram_state = tmp_path / "instagram.json"
    facebook_state = tmp_path / "facebook.json"
    save_session(
        browser,
        f"{replica.urls['instagram']}/accounts/login/",
        logins["instagram"],
        instagram_state,
    )
    save_session(
        browser,
        f"{replica.urls['facebook']}/login/",
        {
            "email": logins["facebook"]["username"],
            "pass": logins["facebook"]["password"],
        },
        facebook_state,
    )
    db.upgrade(postgres_url)
    env = environment(
        replica,
        postgres_url,
        MWATCH_INSTAGRAM_STATE=str(instagram_state),
        MWATCH_FACEBOOK_STATE=str(facebook_state),
    )
    first = mwatch("crawl", "mazhilis-deputies", "instagram", "facebook", env=env)
    assert first.code == 0, first.stdout + first.stderr

    expected = expected_posts(dataset, replica.urls, None)
    stored = stored_posts(postgres_url)
    assert len(stored) == len(expected)
    assert stored == expected
    # "See more" was opened: the long texts are whole.
    assert any(
        text and len(text) > LONG_TEXT
        for platform, *_, text in stored
        if platform == "facebook"
    )
    for platform in ("instagram", "facebook"):
        run = last_run(postgres_url, platform)
        assert run.report["session"] is True
        assert "login_wall" not in run.report

    # Running again changes nothing: the nightly run stops at stored posts.
    again = mwatch("crawl", "instagram", "facebook", env=env)
    assert again.code == 0, again.stdout + again.stderr
    assert stored_posts(postgres_url) == expected
    for platform in ("instagram", "facebook"):
        posts = last_run(postgres_url, platform).report["tables"]["posts"]
        assert (posts["inserted"], posts["updated"]) == (0, 0)


def test_a_bad_session_file_fails_the_run_naming_it(replica, sqlite_url, tmp_path):
    db.upgrade(sqlite_url)
    broken = tmp_path / "state.json"
    broken.write_text("{not json")
    env = environment(
        replica,
        sqlite_url,
        MWATCH_INSTAGRAM_STATE=str(tmp_path / "missing.json"),
        MWATCH_FACEBOOK_STATE=str(broken),
    )
    result = mwatch("crawl", "instagram", "facebook", env=env)
    assert result.code == 1
    instagram = last_run(sqlite_url, "instagram")
    facebook = last_run(sqlite_url, "facebook")
    assert instagram.outcome == facebook.outcome == "failed"
    assert instagram.message == (
        f"MWATCH_INSTAGRAM_STATE={tmp_path / 'missing.json'}: no such file"
    )
    assert facebook.message.startswith(
        f"MWATCH_FACEBOOK_STATE={broken}: not a storage-state JSON"
    )
    assert rows(sqlite_url, select(Post.id)) == []
