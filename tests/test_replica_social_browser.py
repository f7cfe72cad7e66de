"""The replica's Instagram (SOURCES.md §3) and Facebook (§4) pages in a real
headless Chromium: the first posts (a pinned one first), the login walls after
each page's own count, the login redirect, logging in through the forms,
scrolling to the end, "See more", and every fetch and link under its prefix; the
social fault profiles over HTTP."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from replica import ReplicaProcess, generate_dataset
from replica.facebook import first_posts, redirects_anonymous
from replica.facebook_page import LONG_TEXT
from replica.faults import SOCIAL_PROFILES, targeted
from replica.instagram import APP_ID, DOC_ID, PER_PAGE, pinned_post, timeline_order

INSTAGRAM_POSTS = 'article a[href^="/instagram/p/"]'
FACEBOOK_POSTS = 'div[role="feed"] > div[role="article"]'


def fetch(
    url: str, headers: dict | None = None, data: bytes | None = None
) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def first_answer(url: str, cookie: str | None = None) -> tuple[int, str, str]:
    """Status, Location and body of a GET, redirects not followed."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request) as response:
            return response.status, "", response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset()


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaProcess]:
    with ReplicaProcess() as running:
        yield running


@pytest.fixture
def requests() -> list[tuple[str, str]]:
    """(resource type, URL) of what the page asked the replica for."""
    return []


@pytest.fixture
def page(browser: Browser, replica: ReplicaProcess, requests) -> Iterator[Page]:
    """A Russian-speaking browser that reaches nothing but the replica (pictures
    on the real CDNs are refused)."""
    context = browser.new_context(locale="ru-RU")

    def only_replica(route: Route) -> None:
        if route.request.url.startswith(replica.url + "/"):
            requests.append((route.request.resource_type, route.request.url))
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_replica)
    yield context.new_page()
    context.close()


def scroll_to_the_end(page: Page, selector: str, limit: int = 30) -> int:
    """Scroll to the bottom until no new item comes; the number of items."""
    count = page.locator(selector).count()
    for _ in range(limit):
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        try:
            page.wait_for_function(
                "([selector, count]) => "
                "document.querySelectorAll(selector).length > count",
                arg=[selector, count],
                timeout=1500,
            )
        except PlaywrightTimeout:
            return count
        count = page.locator(selector).count()
    return count


def log_in(page: Page, url: str, fields: dict[str, str]) -> None:
    page.goto(url)
    for name, value in fields.items():
        page.fill(f'input[name="{name}"]', value)
    with page.expect_navigation():
        page.click('button[type="submit"]')


def newest_first(posts: list[dict], key: str) -> list[dict]:
    return sorted(posts, key=lambda p: (p[key], p["id"]), reverse=True)


def assert_under(requests: list, links: list[str], replica, prefix: str) -> None:
    """Every document and fetch went to the prefix; every link stays in it."""
    for kind, url in requests:
        if kind in ("document", "fetch", "xhr"):
            assert url.startswith(f"{replica.url}{prefix}/"), url
    for href in links:
        assert href.startswith(f"{prefix}/"), href


@pytest.fixture(scope="module")
def instagram_user(dataset) -> str:
    return max(
        dataset["instagram"], key=lambda u: len(dataset["instagram"][u]["posts"])
    )


def test_instagram_first_12_then_login_wall(page, replica, dataset, instagram_user):
    posts = timeline_order(dataset["instagram"][instagram_user]["posts"])
    # The oldest post is pinned: it comes first, before the newest 11.
    newest = newest_first(
        dataset["instagram"][instagram_user]["posts"], "taken_at_timestamp"
    )
    assert posts[0] is newest[-1] and posts[1:12] == newest[:11]
    with page.expect_response(lambda r: "web_profile_info" in r.url) as info:
        page.goto(f"{replica.urls['instagram']}/{instagram_user}/")
    assert info.value.request.headers["x-ig-app-id"] == APP_ID
    page.wait_for_function(f"document.querySelectorAll('{INSTAGRAM_POSTS}').length")
    links = page.eval_on_selector_all(
        INSTAGRAM_POSTS, "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert links == [f"/instagram/p/{p['shortcode']}/" for p in posts[:12]]
    with page.expect_response(lambda r: "/graphql/query" in r.url) as more:
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert more.value.status == 401
    assert more.value.json() == {
        "message": "Please wait a few minutes before you try again.",
        "status": "fail",
    }
    wall = page.locator('div[role="dialog"]')
    wall.wait_for(state="visible")
    assert "Log in" in wall.inner_text()
    assert page.locator(INSTAGRAM_POSTS).count() == 12
    variables = json.loads(
        urllib.parse.parse_qs(urllib.parse.urlsplit(more.value.url).query)["variables"][
            0
        ]
    )
    assert variables == {
        "username": instagram_user,
        "after": "QVFDX2N1cnNvcl8xMg==",
        "first": 12,
    }


def test_instagram_logged_in_scrolls_to_every_post(
    page, replica, dataset, instagram_user, requests
):
    login = dataset["logins"]["instagram"]
    base = replica.urls["instagram"]
    log_in(page, f"{base}/accounts/login/", login)
    assert page.url == f"{base}/"
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert cookie["httpOnly"]
    page.goto(f"{base}/{instagram_user}/")
    page.wait_for_function(f"document.querySelectorAll('{INSTAGRAM_POSTS}').length")
    posts = timeline_order(dataset["instagram"][instagram_user]["posts"])
    assert scroll_to_the_end(page, INSTAGRAM_POSTS) == len(posts)
    links = page.eval_on_selector_all(
        "a[href]", "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert links == [f"/instagram/p/{p['shortcode']}/" for p in posts]
    assert page.locator('div[role="dialog"]').count() == 0
    assert_under(requests, links, replica, "/instagram")
    html = page.content()
    assert "truth" not in html and "event-" not in html


def session_of(replica: ReplicaProcess) -> str:
    """The sessionid a login through the replica's form sets."""
    login = generate_dataset()["logins"]["instagram"]
    request = urllib.request.Request(
        f"{replica.urls['instagram']}/accounts/login/",
        data=urllib.parse.urlencode(login).encode(),
    )
    try:
        urllib.request.build_opener(NoRedirect).open(request)
    except urllib.error.HTTPError as answer:
        cookie = answer.headers["Set-Cookie"]
        return cookie.split("sessionid=", 1)[1].split(";", 1)[0]
    raise AssertionError("the login set no cookie")


def test_instagram_pinned_post_is_marked_in_the_timeline(replica, dataset):
    """Every profile has more than a page of posts, and its pinned post, its
    oldest, is the first node of web_profile_info."""
    accounts = dataset["instagram"]
    assert all(len(a["posts"]) > PER_PAGE for a in accounts.values())
    username, account = next(iter(accounts.items()))
    pinned = pinned_post(account["posts"])
    info = f"{replica.urls['instagram']}/api/v1/users/web_profile_info/?username="
    _, body = fetch(info + username, {"x-ig-app-id": APP_ID})
    edges = json.loads(body)["data"]["user"]["edge_owner_to_timeline_media"]["edges"]
    assert edges[0]["node"]["shortcode"] == pinned["shortcode"]
    assert (
        edges[0]["node"]["taken_at_timestamp"] < edges[1]["node"]["taken_at_timestamp"]
    )


def test_instagram_api_over_http(replica, dataset, instagram_user):
    base = replica.urls["instagram"]
    info = f"{base}/api/v1/users/web_profile_info/?username={instagram_user}"
    assert fetch(info)[0] == 400
    status, body = fetch(info, {"x-ig-app-id": APP_ID})
    media = json.loads(body)["data"]["user"]["edge_owner_to_timeline_media"]
    assert status == 200 and len(media["edges"]) == 12
    assert media["count"] == len(dataset["instagram"][instagram_user]["posts"])
    assert set(media["edges"][0]["node"]) >= {
        "id",
        "shortcode",
        "taken_at_timestamp",
        "display_url",
        "edge_media_to_caption",
    }
    assert "truth" not in body
    variables = json.dumps(
        {"username": instagram_user, "after": media["page_info"]["end_cursor"]}
    )
    query = f"{base}/graphql/query?doc_id={DOC_ID}&variables="
    query += urllib.parse.quote(variables)
    assert fetch(query)[0] == 401
    assert fetch(query, {"Cookie": "sessionid=made-up"})[0] == 401
    status, body = fetch(query, {"Cookie": f"sessionid={session_of(replica)}"})
    connection = json.loads(body)["data"][
        "xdt_api__v1__feed__user_timeline_graphql_connection"
    ]
    posts = timeline_order(dataset["instagram"][instagram_user]["posts"])
    nodes = [edge["node"] for edge in connection["edges"]]
    assert status == 200 and [n["code"] for n in nodes] == [
        p["shortcode"] for p in posts[PER_PAGE : 2 * PER_PAGE]
    ]
    # v1 media objects, as the sample timeline_graphql.json: no pinned post here.
    for node, post in zip(nodes, posts[PER_PAGE:], strict=False):
        assert (
            node["pk"] == post["id"] and node["taken_at"] == post["taken_at_timestamp"]
        )
        assert (node["caption"] or {}).get("text") == post["caption"]
        assert "timeline_pinned_user_ids" not in node
        assert "shortcode" not in node and "edge_media_to_caption" not in node
    assert {n["media_type"] for n in nodes} <= {1, 2, 8}
    assert any(n.get("carousel_media") for n in nodes)
    assert fetch(f"{base}/nobody.at.all/")[0] == 404
    shortcode = media["edges"][0]["node"]["shortcode"]
    status, post = fetch(f"{base}/p/{shortcode}/")
    assert status == 200 and f'href="/instagram/{instagram_user}/"' in post
    wrong = urllib.parse.urlencode({"username": "x", "password": "y"}).encode()
    status, form = fetch(f"{base}/accounts/login/", data=wrong)
    assert status == 200 and 'id="login_error"' in form and "<form" in form


@pytest.fixture(scope="module")
def facebook_page(dataset) -> str:
    """A page with over 10 posts and a long one among its newest 5, that shows
    its feed to anonymous visitors."""
    return next(
        name
        for name, account in dataset["facebook"].items()
        if len(account["posts"]) > 10
        and not redirects_anonymous(dataset["seed"], name)
        and any(
            len(p["text"]) > LONG_TEXT
            for p in newest_first(account["posts"], "utime")[:5]
        )
    )


def test_facebook_first_posts_then_login_wall(page, replica, dataset, facebook_page):
    posts = newest_first(dataset["facebook"][facebook_page]["posts"], "utime")
    shown = first_posts(dataset["seed"], facebook_page)
    page.goto(f"{replica.urls['facebook']}/{facebook_page}")
    page.wait_for_selector(FACEBOOK_POSTS)
    assert page.locator('div[role="dialog"]').is_hidden()
    articles = page.locator(FACEBOOK_POSTS)
    assert articles.count() == shown
    for i, post in enumerate(posts[:shown]):
        article = articles.nth(i)
        href = article.locator('a[href*="/posts/"]').get_attribute("href")
        assert href == f"/facebook/{facebook_page}/posts/{post['id']}"
        utime = article.locator("abbr[data-utime]").get_attribute("data-utime")
        assert utime == str(post["utime"])
    with page.expect_response(lambda r: "/api/graphql/" in r.url) as more:
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert more.value.status == 401
    page.locator('div[role="dialog"]').wait_for(state="visible")
    assert articles.count() == shown
    assert page.locator('div[role="dialog"] form').get_attribute("action") == (
        "/facebook/login/"
    )


def test_facebook_walls_after_different_counts_and_some_pages_redirect(
    replica, dataset
):
    seed = dataset["seed"]
    counts = {first_posts(seed, page) for page in dataset["facebook"]}
    assert min(counts) == 5 and max(counts) == 10
    redirecting = [p for p in dataset["facebook"] if redirects_anonymous(seed, p)]
    assert 0 < len(redirecting) < len(dataset["facebook"]) / 2
    url = f"{replica.urls['facebook']}/{redirecting[0]}"
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.build_opener(NoRedirect).open(url)
    assert answer.value.code == 302
    assert answer.value.headers["Location"] == (
        f"/facebook/login/?next={urllib.parse.quote(url, safe='')}"
    )


def test_facebook_see_more_expands_the_text(page, replica, dataset, facebook_page):
    posts = newest_first(dataset["facebook"][facebook_page]["posts"], "utime")
    page.goto(f"{replica.urls['facebook']}/{facebook_page}")
    page.wait_for_selector(FACEBOOK_POSTS)
    index = next(i for i, p in enumerate(posts[:5]) if len(p["text"]) > LONG_TEXT)
    message = (
        page.locator(FACEBOOK_POSTS)
        .nth(index)
        .locator('div[data-ad-preview="message"]')
    )
    button = message.locator('div[role="button"]')
    assert button.inner_text() == "Ещё"
    assert len(message.text_content()) < len(posts[index]["text"])
    button.click()
    assert message.text_content() == posts[index]["text"]
    short = next(i for i, p in enumerate(posts[:5]) if len(p["text"]) <= LONG_TEXT)
    assert (
        page.locator(FACEBOOK_POSTS)
        .nth(short)
        .locator('div[data-ad-preview="message"]')
        .text_content()
        == posts[short]["text"]
    )


def test_facebook_logged_in_scrolls_to_every_post(
    page, replica, dataset, facebook_page, requests
):
    login = dataset["logins"]["facebook"]
    base = replica.urls["facebook"]
    log_in(
        page,
        f"{base}/login/",
        {"email": login["username"], "pass": login["password"]},
    )
    names = {c["name"] for c in page.context.cookies()}
    assert {"c_user", "xs"} <= names
    page.goto(f"{base}/{facebook_page}")
    page.wait_for_selector(FACEBOOK_POSTS)
    posts = newest_first(dataset["facebook"][facebook_page]["posts"], "utime")
    assert scroll_to_the_end(page, FACEBOOK_POSTS) == len(posts)
    links = page.eval_on_selector_all(
        'a[href*="/posts/"]', "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert links == [f"/facebook/{facebook_page}/posts/{p['id']}" for p in posts]
    assert page.locator('div[role="dialog"]').is_hidden()
    every_link = page.eval_on_selector_all(
        "a[href], form[action]",
        "(nodes) => nodes.map((n) => n.getAttribute('href') || "
        "n.getAttribute('action'))",
    )
    assert_under(requests, every_link, replica, "/facebook")
    assert "truth" not in page.content()
    status, post = fetch(replica.url + links[-1])
    assert status == 200 and posts[-1]["id"] in post
    assert fetch(f"{base}/no.such.page.here")[0] == 404


def hit_and_spared(dataset: dict, profile: str, platform: str) -> tuple[str, str]:
    accounts = [
        a
        for a in dataset[platform]
        if platform == "instagram" or not redirects_anonymous(dataset["seed"], a)
    ]
    seed = dataset["seed"]
    return (
        next(a for a in accounts if targeted(seed, profile, a)),
        next(a for a in accounts if not targeted(seed, profile, a)),
    )


@pytest.mark.parametrize("profile", SOCIAL_PROFILES)
def test_social_fault_profiles_fall_on_the_accounts_they_target(profile, dataset):
    with ReplicaProcess(faults=profile) as replica:
        instagram, facebook = replica.urls["instagram"], replica.urls["facebook"]
        session = f"sessionid={session_of(replica)}"
        c_user = "c_user=100000000000001"
        user, spared = hit_and_spared(dataset, profile, "instagram")
        page, spared_page = hit_and_spared(dataset, profile, "facebook")
        info = f"{instagram}/api/v1/users/web_profile_info/?username="

        def profile_info(username: str, cookie: str | None = None) -> int:
            request = urllib.request.Request(
                info + username,
                headers={"x-ig-app-id": APP_ID}
                | ({"Cookie": cookie} if cookie else {}),
            )
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        assert profile_info(spared) == profile_info(spared, session) == 200
        assert first_answer(f"{instagram}/{spared}/", session)[0] == 200
        assert first_answer(f"{facebook}/{spared_page}", c_user)[0] == 200
        anonymous = {"anonymous-401": 401, "anonymous-403": 403, "rate-limited": 429}
        assert profile_info(user) == anonymous.get(profile, 200)
        assert profile_info(user, session) == (
            429 if profile == "rate-limited" else 200
        )
        checkpoint = first_answer(f"{instagram}/{user}/", session)
        identity = first_answer(f"{facebook}/{page}", c_user)
        if profile == "checkpoint":
            assert checkpoint[0] == 302
            assert checkpoint[1].startswith("/instagram/challenge/")
            assert checkpoint[1].endswith(f"/?next=/instagram/{user}/")
            assert "confirm it's you" in first_answer(replica.url + checkpoint[1])[2]
            assert identity[0] == 302
            assert identity[1].startswith("/facebook/checkpoint/")
            assert "Confirm your identity" in first_answer(replica.url + identity[1])[2]
        elif profile == "unsupported-browser":
            assert checkpoint[0] == 200
            assert identity[:2] == (302, "/facebook/unsupportedbrowser")
            assert (
                "not available on this browser"
                in (first_answer(replica.url + identity[1])[2])
            )
        else:
            assert checkpoint[0] == identity[0] == 200
        # Anonymous visitors are never sent to a check.
        assert first_answer(f"{instagram}/{user}/")[0] == 200
        variables = json.dumps({"username": user, "after": "QVFDX2N1cnNvcl8xMg=="})
        query = f"{instagram}/graphql/query?doc_id={DOC_ID}&variables="
        query += urllib.parse.quote(variables)
        assert first_answer(query, session)[0] == (
            401 if profile == "expired-session" else 200
        )
