"""Instagram and Facebook: the real crawlers, through Debian's Chromium, against
the replica's profiles and pages, anonymous and with a saved session."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from replica.facebook import first_posts, redirects_anonymous
from replica.facebook_page import LONG_TEXT
from replica.faults import targeted
from replica.instagram import pinned_post, timeline_order
from storage import db
from storage.models import CrawlRun, Post
from tests.e2e import mwatch, replica_today, rows

pytestmark = pytest.mark.e2e

# Anonymous visitors see an Instagram profile's first 12 posts (SOURCES.md §3).
INSTAGRAM_ANONYMOUS = 12


def handle(link: str | None) -> str | None:
    return link.rstrip("/").rsplit("/", 1)[-1] if link else None


def small_dataset(pick: Callable[[str, list[str], dict], list[str]]) -> dict:
    """The default dataset with the Instagram profiles and Facebook pages of
    sitting deputies that `pick(platform, handles, dataset)` chooses, the others'
    links removed, so the crawl stays quick."""
    dataset = generate_dataset()
    sitting = [d for d in dataset["deputies"] if d["kk"]["is_active"]]
    for platform in ("instagram", "facebook"):
        handles = [h for d in sitting if (h := handle(d["kk"][f"{platform}_link"]))]
        kept = pick(platform, handles, dataset)
        dataset[platform] = {h: dataset[platform][h] for h in kept}
        for deputy in dataset["deputies"]:
            for form in deputy.values():
                if handle(form[f"{platform}_link"]) not in kept:
                    form[f"{platform}_link"] = None
    return dataset


def has_long_text(dataset: dict, page: str) -> bool:
    return any(len(p["text"]) > LONG_TEXT for p in dataset["facebook"][page]["posts"])


def two_of_each(platform: str, handles: list[str], dataset: dict) -> list[str]:
    """Two profiles; two Facebook pages with a text long enough to be cut, and
    one that sends anonymous visitors to the login form."""
    if platform == "instagram":
        return handles[:2]
    seed = dataset["seed"]
    shown = [
        h
        for h in handles
        if has_long_text(dataset, h) and not redirects_anonymous(seed, h)
    ]
    return shown[:2] + [h for h in handles if redirects_anonymous(seed, h)][:1]


@pytest.fixture(scope="module")
def dataset() -> dict:
    return small_dataset(two_of_each)


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


def instagram_posts(dataset: dict, base: str, username: str, count: int | None):
    """The first `count` posts (all) of a profile as it shows them: its pinned
    post first."""
    for post in timeline_order(dataset["instagram"][username]["posts"])[:count]:
        yield (
            "instagram",
            post["shortcode"],
            f"{base}/p/{post['shortcode']}/",
            datetime.fromtimestamp(post["taken_at_timestamp"], UTC),
            post["caption"],
        )


def facebook_posts(dataset: dict, base: str, page: str, count: int | None):
    posts = sorted(dataset["facebook"][page]["posts"], key=lambda p: p["utime"])
    for post in posts[::-1][:count]:
        yield (
            "facebook",
            f"{page}/{post['id']}",
            f"{base}/{page}/posts/{post['id']}",
            datetime.fromtimestamp(post["utime"], UTC),
            post["text"],
        )


def anonymous_count(dataset: dict, platform: str, account: str) -> int:
    """How many of an account's posts an anonymous visitor sees."""
    if platform == "instagram":
        return INSTAGRAM_ANONYMOUS
    seed = dataset["seed"]
    return 0 if redirects_anonymous(seed, account) else first_posts(seed, account)


def expected_posts(
    dataset: dict, base: dict[str, str], anonymous: bool, skip: tuple = ()
) -> set:
    """(platform, id, url, time, text) of the posts a crawl should store: what an
    anonymous visitor sees of each account, or all; none of those in `skip`."""
    found = set()
    for platform, posts in (
        ("instagram", instagram_posts),
        ("facebook", facebook_posts),
    ):
        for account in dataset[platform]:
            if account in skip:
                continue
            count = anonymous_count(dataset, platform, account) if anonymous else None
            found |= set(posts(dataset, base[platform], account, count))
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
    expected = expected_posts(dataset, replica.urls, anonymous=True)
    walls = [first_posts(dataset["seed"], page) for page in dataset["facebook"]][:2]
    assert len(expected) == 2 * 12 + sum(walls)
    assert stored_posts(sqlite_url) == expected
    # The pinned post, the oldest, comes first and is stored with the newest 11.
    for account in dataset["instagram"].values():
        pinned = pinned_post(account["posts"])
        assert ("instagram", pinned["shortcode"]) in {p[:2] for p in expected}
    redirecting = [
        p for p in dataset["facebook"] if redirects_anonymous(dataset["seed"], p)
    ]
    assert len(redirecting) == 1
    for platform, variable in (
        ("instagram", "MWATCH_INSTAGRAM_STATE"),
        ("facebook", "MWATCH_FACEBOOK_STATE"),
    ):
        run = last_run(sqlite_url, platform)
        assert run.outcome == "partial"
        # The page that sent the visitor to the login form is no layout failure.
        assert "layout" not in run.report and run.message is None
        walled = run.report["login_wall"]
        assert sorted(walled) == sorted(set(dataset[platform]) - set(redirecting))
        assert {a: w["read"] for a, w in walled.items()} == {
            a: anonymous_count(dataset, platform, a) for a in walled
        }
        states = run.report["accounts"]
        assert sorted(states) == sorted(dataset[platform])
        assert {s["state"] for s in states.values()} == {"needs-session"}
        assert run.report["session"] is False
        hint = f"run `mwatch login {platform} --state FILE`"
        assert any(hint in w and variable in w for w in run.report["warnings"])
        assert hint in result.stdout
    [page] = redirecting
    assert last_run(sqlite_url, "facebook").report["accounts"][page] == {
        "state": "needs-session",
        "detail": "the page sent the visitor to log in (/login/?next=)",
        "read": 0,
        "todo": "log in once with `mwatch login facebook --state FILE` and set "
        "MWATCH_FACEBOOK_STATE=FILE",
    }
    totals = last_run(sqlite_url, "instagram").report["login_wall"]
    assert {u: w["total"] for u, w in totals.items()} == {
        u: len(a["posts"]) for u, a in dataset["instagram"].items()
    }
    status = mwatch("status", env=env)
    assert "login wall after 12 of" in status.stdout
    assert f"login wall after {walls[0]} posts: the rest needs a session" in (
        status.stdout
    )
    assert "social accounts to see to:" in status.stdout
    assert (
        f"facebook needs a session (3): {', '.join(sorted(dataset['facebook']))}; "
        "to do: log in once with `mwatch login facebook --state FILE`"
    ) in status.stdout


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


def saved_sessions(
    browser: Browser, replica: ReplicaProcess, dataset: dict, folder: Path
) -> dict[str, str]:
    """Log in to both sites through the replica's forms; the variables naming
    the saved sessions."""
    logins = dataset["logins"]
    instagram_state = folder / "instagram.json"
    facebook_state = folder / "facebook.json"
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
    return {
        "MWATCH_INSTAGRAM_STATE": str(instagram_state),
        "MWATCH_FACEBOOK_STATE": str(facebook_state),
    }


def shortcodes(account: dict) -> set[str]:
    return {post["shortcode"] for post in account["posts"]}


def test_with_saved_sessions_every_post_is_stored_once(
    replica, dataset, postgres_url, browser, tmp_path
):
    db.upgrade(postgres_url)
    env = environment(
        replica, postgres_url, **saved_sessions(browser, replica, dataset, tmp_path)
    )
    first = mwatch("crawl", "mazhilis-deputies", "instagram", "facebook", env=env)
    assert first.code == 0, first.stdout + first.stderr

    expected = expected_posts(dataset, replica.urls, anonymous=False)
    stored = stored_posts(postgres_url)
    # Every post of every profile, not the first 12; the pinned one too.
    for account in dataset["instagram"].values():
        assert len(account["posts"]) > 2 * INSTAGRAM_ANONYMOUS
        assert len({p for p in stored if p[1] in shortcodes(account)}) == len(
            account["posts"]
        )
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
        assert "login_wall" not in run.report and "accounts" not in run.report

    # Running again changes nothing: the nightly run stops at stored posts.
    again = mwatch("crawl", "instagram", "facebook", env=env)
    assert again.code == 0, again.stdout + again.stderr
    assert stored_posts(postgres_url) == expected
    for platform in ("instagram", "facebook"):
        posts = last_run(postgres_url, platform).report["tables"]["posts"]
        assert (posts["inserted"], posts["updated"]) == (0, 0)


def test_a_pinned_post_older_than_the_window_does_not_end_the_timeline(
    replica, dataset, sqlite_url, browser, tmp_path
):
    """A first crawl reads 200 days back: each profile's pinned post, its
    oldest, comes first and is outside the window; the timeline is still read
    to the window's start."""
    db.upgrade(sqlite_url)
    env = environment(
        replica,
        sqlite_url,
        MWATCH_SOCIAL_HISTORY_DAYS="200",
        **saved_sessions(browser, replica, dataset, tmp_path),
    )
    result = mwatch("crawl", "mazhilis-deputies", "instagram", env=env)
    assert result.code == 0, result.stdout + result.stderr
    since = date.fromisoformat(replica_today()) - timedelta(days=200)
    expected = {
        post
        for username in dataset["instagram"]
        for post in instagram_posts(dataset, replica.urls["instagram"], username, None)
        if post[3].date() >= since
    }
    for account in dataset["instagram"].values():
        pinned = pinned_post(account["posts"])
        assert datetime.fromtimestamp(pinned["taken_at_timestamp"], UTC).date() < since
        # More in the window than the first page holds.
        assert len([p for p in expected if p[1] in shortcodes(account)]) > 12
    assert stored_posts(sqlite_url) == expected


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


# What each fault profile leaves an account in, targeted or not, and what of it
# is stored: "all" its posts, what an "anonymous" visitor sees, or "none".
NEEDS = ("needs-session", "anonymous")
FAULTS = {
    "anonymous-401": (
        False,
        {
            ("instagram", True): ("needs-session", "none"),
            ("instagram", False): NEEDS,
            ("facebook", True): NEEDS,
            ("facebook", False): NEEDS,
        },
    ),
    "anonymous-403": (
        False,
        {
            ("instagram", True): ("needs-session", "none"),
            ("instagram", False): NEEDS,
            ("facebook", True): NEEDS,
            ("facebook", False): NEEDS,
        },
    ),
    "rate-limited": (
        True,
        {
            ("instagram", True): ("rate-limited", "none"),
            ("instagram", False): (None, "all"),
            ("facebook", True): (None, "all"),
            ("facebook", False): (None, "all"),
        },
    ),
    "checkpoint": (
        True,
        {
            ("instagram", True): ("checkpoint", "none"),
            ("instagram", False): (None, "all"),
            ("facebook", True): ("identity-check", "none"),
            ("facebook", False): (None, "all"),
        },
    ),
    "unsupported-browser": (
        True,
        {
            ("instagram", True): (None, "all"),
            ("instagram", False): (None, "all"),
            ("facebook", True): ("unsupported-browser", "none"),
            ("facebook", False): (None, "all"),
        },
    ),
    "expired-session": (
        True,
        {
            (platform, hit): ("session-expired", "anonymous")
            for platform in ("instagram", "facebook")
            for hit in (True, False)
        },
    ),
}
# What `mwatch status` says of each state, and a part of what to do about it.
SAID = {
    "needs-session": (
        "needs a session",
        "log in once with `mwatch login {platform} --state FILE`",
    ),
    "session-expired": (
        "session logged out (expired)",
        "log in again with `mwatch login {platform} --state FILE`",
    ),
    "rate-limited": ("rate limited", "wait: rate limited until the next run"),
    "checkpoint": (
        "checkpoint: a person must confirm the session",
        "pass the check it asks for, then log in again",
    ),
    "identity-check": (
        "identity check: a person must confirm the session",
        "confirm its identity as asked, then log in again",
    ),
    "unsupported-browser": ("unsupported browser", "if the page stays, update"),
}


def one_hit_one_spared(profile: str):
    """Of each platform, an account the profile's fault falls on and one it
    spares (Facebook pages that show their feed to anonymous visitors)."""

    def pick(platform: str, handles: list[str], dataset: dict) -> list[str]:
        seed = dataset["seed"]
        if platform == "facebook":
            handles = [h for h in handles if not redirects_anonymous(seed, h)]
        hit = next(h for h in handles if targeted(seed, profile, h))
        spared = next(h for h in handles if not targeted(seed, profile, h))
        return [hit, spared]

    return pick


@pytest.mark.parametrize("profile", list(FAULTS))
def test_each_way_an_account_stays_closed_is_told_apart_and_the_others_are_crawled(
    profile, sqlite_url, browser, tmp_path
):
    session, outcomes = FAULTS[profile]
    dataset = small_dataset(one_hit_one_spared(profile))
    path = tmp_path / "dataset.json"
    dump_dataset(dataset, path)
    with ReplicaProcess(dataset=path, faults=profile) as replica:
        sessions = saved_sessions(browser, replica, dataset, tmp_path)
        db.upgrade(sqlite_url)
        env = environment(replica, sqlite_url, **(sessions if session else {}))
        result = mwatch("crawl", "mazhilis-deputies", "instagram", "facebook", env=env)
        status = mwatch("status", env=env).stdout

    assert result.code == 1, result.stdout + result.stderr
    expected = set()
    posts = {"instagram": instagram_posts, "facebook": facebook_posts}
    for platform in ("instagram", "facebook"):
        run = last_run(sqlite_url, platform)
        closed = any(
            state for (site, _), (state, _) in outcomes.items() if site == platform
        )
        # Every account was crawled: none of this is a broken source.
        assert run.outcome == ("partial" if closed else "success"), run.message
        assert "layout" not in run.report
        states = run.report.get("accounts", {})
        for account in dataset[platform]:
            hit = targeted(dataset["seed"], profile, account)
            state, stored = outcomes[(platform, hit)]
            assert states.get(account, {}).get("state") == state, (account, states)
            if stored != "none":
                count = anonymous_count(dataset, platform, account)
                expected |= set(
                    posts[platform](
                        dataset,
                        replica.urls[platform],
                        account,
                        count if stored == "anonymous" else None,
                    )
                )
            if state is not None:
                name, todo = SAID[state]
                assert f"{platform} {name} (" in status
                assert todo.format(platform=platform) in states[account]["todo"]
                assert todo.format(platform=platform) in status
    assert stored_posts(sqlite_url) == expected
    if profile == "rate-limited":
        [warning] = [
            w
            for w in last_run(sqlite_url, "instagram").report["warnings"]
            if "rate limited" in w
        ]
        assert "web_profile_info answered 429" in warning
        assert "the other accounts go on" in warning
