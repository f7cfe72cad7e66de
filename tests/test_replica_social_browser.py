"""The replica's Instagram (SOURCES.md §3) and Facebook (§4) pages in a real
headless Chromium: the first posts, the login walls, logging in through the forms,
scrolling to the end, "See more", and every fetch and link under its prefix."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from replica import ReplicaProcess, generate_dataset
from replica.facebook_page import LONG_TEXT
from replica.instagram import APP_ID, DOC_ID

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
    posts = newest_first(
        dataset["instagram"][instagram_user]["posts"], "taken_at_timestamp"
    )
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
    posts = newest_first(
        dataset["instagram"][instagram_user]["posts"], "taken_at_timestamp"
    )
    assert scroll_to_the_end(page, INSTAGRAM_POSTS) == len(posts)
    links = page.eval_on_selector_all(
        "a[href]", "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert links == [f"/instagram/p/{p['shortcode']}/" for p in posts]
    assert page.locator('div[role="dialog"]').count() == 0
    assert_under(requests, links, replica, "/instagram")
    html = page.content()
    assert "truth" not in html and "event-" not in html


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
    assert fetch(f"{base}/nobody.at.all/")[0] == 404
    shortcode = media["edges"][0]["node"]["shortcode"]
    status, post = fetch(f"{base}/p/{shortcode}/")
    assert status == 200 and f'href="/instagram/{instagram_user}/"' in post
    wrong = urllib.parse.urlencode({"username": "x", "password": "y"}).encode()
    status, form = fetch(f"{base}/accounts/login/", data=wrong)
    assert status == 200 and 'id="login_error"' in form and "<form" in form


@pytest.fixture(scope="module")
def facebook_page(dataset) -> str:
    """A page with over 10 posts and a long one among its newest 5."""
    return next(
        name
        for name, account in dataset["facebook"].items()
        if len(account["posts"]) > 10
        and any(
            len(p["text"]) > LONG_TEXT
            for p in newest_first(account["posts"], "utime")[:5]
        )
    )


def test_facebook_five_posts_then_login_wall(page, replica, dataset, facebook_page):
    posts = newest_first(dataset["facebook"][facebook_page]["posts"], "utime")
    page.goto(f"{replica.urls['facebook']}/{facebook_page}")
    page.wait_for_selector(FACEBOOK_POSTS)
    assert page.locator('div[role="dialog"]').is_hidden()
    articles = page.locator(FACEBOOK_POSTS)
    assert articles.count() == 5
    for i, post in enumerate(posts[:5]):
        article = articles.nth(i)
        href = article.locator('a[href*="/posts/"]').get_attribute("href")
        assert href == f"/facebook/{facebook_page}/posts/{post['id']}"
        utime = article.locator("abbr[data-utime]").get_attribute("data-utime")
        assert utime == str(post["utime"])
    with page.expect_response(lambda r: "/api/graphql/" in r.url) as more:
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert more.value.status == 401
    page.locator('div[role="dialog"]').wait_for(state="visible")
    assert articles.count() == 5
    assert page.locator('div[role="dialog"] form').get_attribute("action") == (
        "/facebook/login/"
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
