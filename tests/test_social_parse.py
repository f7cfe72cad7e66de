"""The Instagram profile JSON and the rendered Facebook feed, parsed from the
shared samples unchanged (SOURCES.md §3-4)."""

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crawl.selectors import LayoutError
from scrapers.facebook import post_item as facebook_post_item
from scrapers.facebook_page import parse_feed
from scrapers.facebook_page import session_page as facebook_session_page
from scrapers.instagram import post_item as instagram_post_item
from scrapers.instagram_page import TIMELINE_CONNECTION, parse_timeline, session_page
from spiders.telegram import post_item as telegram_post
from spiders.telegram_page import parse_channel_page

FACEBOOK_PAGE = "https://www.facebook.com/abzal.kuspan"


@pytest.fixture(scope="module")
def profile_json(samples):
    return (samples / "instagram" / "web_profile_info.json").read_text("utf-8")


@pytest.fixture(scope="module")
def profile(profile_json):
    return parse_timeline(profile_json)


@pytest.fixture(scope="module")
def feed(samples):
    html = (samples / "facebook" / "page.rendered.html").read_text("utf-8")
    return parse_feed(html, FACEBOOK_PAGE)


def test_instagram_profile_names_the_account_and_where_older_posts_are(profile):
    assert (profile.username, profile.full_name) == ("arman.kalykov", "Арман Қалықов")
    assert profile.total == 214
    assert profile.has_next_page
    assert profile.end_cursor == "QVFDX2N1cnNvcl8xMg=="


def test_instagram_posts_run_newest_first_with_tz_aware_times(profile):
    assert [p.shortcode for p in profile.posts] == ["CvQk1aBtR2x", "CvNp8LrtQ0b"]
    assert profile.posts[0].posted_at == datetime(2023, 7, 17, 8, 0, tzinfo=UTC)
    assert profile.posts[0].id == "3150000000000000001"


def test_instagram_caption_hashtags_photo_and_counts(profile):
    post = profile.posts[0]
    assert post.text.startswith("Теміртау қаласында сайлаушылармен кездесу.")
    assert post.text.endswith("качество воздуха. #Теміртау")
    assert post.hashtags == ["Теміртау"]
    assert post.photos == ["https://scontent.cdninstagram.com/v/t51/1.jpg"]
    assert (post.likes, post.comments, post.location) == (311, 27, "Temirtau")


def test_instagram_post_without_caption_or_location(profile):
    post = profile.posts[1]
    assert (post.text, post.hashtags, post.location) == (None, [], None)
    assert (post.likes, post.comments) == (98, 3)


@pytest.fixture(scope="module")
def timeline_json(samples):
    return (samples / "instagram" / "timeline_graphql.json").read_text("utf-8")


@pytest.fixture(scope="module")
def timeline(timeline_json):
    return parse_timeline(timeline_json)


def test_instagram_timeline_page_of_v1_media_and_where_the_next_starts(timeline):
    assert [p.shortcode for p in timeline.posts] == [
        "C9xPin0AaQm",
        "CwA7mX2sK9p",
        "Cv1bQ0aN3Zt",
    ]
    assert [p.id for p in timeline.posts] == [
        "3390000000000000009",
        "3160000000000000002",
        "3150000000000000005",
    ]
    assert (timeline.has_next_page, timeline.end_cursor) == (True, "QVFEeXl3X0xiZ0R6")
    # Only web_profile_info names and counts the profile.
    assert (timeline.username, timeline.total, timeline.unreadable) == (None, None, [])


def test_instagram_timeline_pinned_post_comes_first_and_is_marked(timeline):
    pinned, *rest = timeline.posts
    assert pinned.pinned and not any(p.pinned for p in rest)
    assert [p.shortcode for p in timeline.unpinned] == ["CwA7mX2sK9p", "Cv1bQ0aN3Zt"]
    assert pinned.posted_at == datetime(2024, 4, 8, 10, 0, tzinfo=UTC)
    assert pinned.text == (
        "Сайлау бағдарламамның негізгі тармақтары. Основные пункты моей "
        "предвыборной программы."
    )
    assert (pinned.likes, pinned.comments) == (1204, 88)
    assert pinned.photos == ["https://scontent.cdninstagram.com/v/t51/pin.jpg"]


def test_instagram_timeline_album_has_each_picture_and_hashtags(timeline):
    album = timeline.posts[1]
    assert album.posted_at == datetime(2023, 8, 26, 10, 0, tzinfo=UTC)
    assert album.text.endswith("вода, дорога, школа. #встреча")
    assert album.hashtags == ["встреча"]
    assert album.photos == [
        "https://scontent.cdninstagram.com/v/t51/c1.jpg",
        "https://scontent.cdninstagram.com/v/t51/c2.jpg",
    ]
    assert (album.likes, album.comments) == (402, 31)


def test_instagram_timeline_reel_without_caption(timeline):
    reel = timeline.posts[2]
    assert (reel.text, reel.hashtags) == (None, [])
    assert reel.posted_at == datetime(2023, 7, 23, 11, 0, tzinfo=UTC)
    assert reel.photos == ["https://scontent.cdninstagram.com/v/t51/reel.jpg"]
    assert (reel.likes, reel.comments) == (95, 4)


def test_instagram_timeline_and_profile_give_one_post_the_same_item(
    timeline, profile_json
):
    """The same post read from web_profile_info, then from a timeline page, is
    one stored post with one hash."""
    album = timeline.posts[1]
    payload = json.loads(profile_json)
    node = payload["data"]["user"]["edge_owner_to_timeline_media"]["edges"][0]
    node["node"] |= {
        "id": album.id,
        "shortcode": album.shortcode,
        "taken_at_timestamp": int(album.posted_at.timestamp()),
        "edge_media_to_caption": {"edges": [{"node": {"text": album.text}}]},
    }
    first = parse_timeline(json.dumps(payload)).posts[0]
    items = [instagram_post_item(p, "abzal", "http://x") for p in (first, album)]
    assert items[0].source_post_id == items[1].source_post_id == "CwA7mX2sK9p"
    assert items[0].item_hash == items[1].item_hash


def test_instagram_older_post_first_is_pinned_though_unmarked(timeline_json):
    payload = json.loads(timeline_json)
    edges = payload["data"][TIMELINE_CONNECTION]["edges"]
    old = edges[2]["node"] | {"taken_at": 1600000000}
    del edges[0]["node"]["timeline_pinned_user_ids"]
    edges.insert(0, {"node": old | {"code": "Old0ne"}})
    page = parse_timeline(json.dumps(payload))
    assert [p.shortcode for p in page.posts if p.pinned] == ["Old0ne"]
    # The newest post first is not pinned when nothing after it is newer.
    assert not page.posts[1].pinned


def test_instagram_timeline_node_that_cannot_be_read_costs_itself(timeline_json):
    payload = json.loads(timeline_json)
    edges = payload["data"][TIMELINE_CONNECTION]["edges"]
    del edges[1]["node"]["taken_at"]
    page = parse_timeline(json.dumps(payload))
    assert [p.shortcode for p in page.posts] == ["C9xPin0AaQm", "Cv1bQ0aN3Zt"]
    assert page.unreadable == ["node 1: no 'taken_at' in the JSON"]
    for edge in edges:
        edge["node"].pop("code")
    with pytest.raises(LayoutError, match="no node could be read"):
        parse_timeline(json.dumps(payload))


@pytest.mark.parametrize(
    "url, kind",
    [
        (
            "https://www.instagram.com/challenge/AXH2kq/?next=/arman.kalykov/",
            "checkpoint",
        ),
        ("https://www.instagram.com/accounts/login/?next=/arman.kalykov/", "login"),
        ("https://www.instagram.com/arman.kalykov/", None),
    ],
)
def test_instagram_pages_a_session_is_sent_to(url, kind):
    assert session_page(url) == kind


@pytest.mark.parametrize(
    "payload, problem",
    [
        ("<html>", "not JSON"),
        ('{"message": "Please wait a few minutes", "status": "fail"}', "'data'"),
        ('{"data": {"user": {"username": "x"}}}', "edge_owner_to_timeline_media"),
    ],
)
def test_instagram_unexpected_json_is_a_layout_error(payload, problem):
    with pytest.raises(LayoutError, match=problem):
        parse_timeline(payload)


def test_facebook_feed_posts_newest_first_with_permalinks(feed):
    assert feed.name == "Абзал Куспан"
    assert [p.id for p in feed.posts] == ["pfbid02Xk7aQ1", "pfbid0Lq93mZ2"]
    assert {p.page for p in feed.posts} == {"abzal.kuspan"}
    assert feed.posts[0].url == f"{FACEBOOK_PAGE}/posts/pfbid02Xk7aQ1"


def test_facebook_time_is_the_unix_time_tz_aware(feed):
    assert feed.posts[0].posted_at == datetime(2023, 7, 5, 11, 42, 17, tzinfo=UTC)


def test_facebook_text_without_the_see_more_button(feed):
    whole, cut = feed.posts
    assert whole.text == (
        "Встретился с жителями Бокейординского района. Обсудили водоснабжение, "
        "ремонт дорог и занятость молодежи. Спасибо всем, кто пришел!"
    )
    assert not whole.truncated
    assert cut.truncated
    assert cut.text == (
        "Провел прием граждан в Мажилисе: 14 обращений по земельным вопросам и "
        "долговой нагрузке."
    )


def test_facebook_hidden_login_form_is_no_wall(feed):
    assert not feed.login_wall


def test_facebook_wall_and_relative_links_and_line_breaks():
    html = """<div role="main"><div role="feed"><div role="article">
      <a href="/facebook/some.page/posts/pfbid0A"><abbr data-utime="0">1</abbr></a>
      <div data-ad-preview="message"><div dir="auto">Line one #Астана

Line two… <div role="button">See more</div></div></div></div></div></div>
      <div role="dialog" aria-label="Log in"><form></form></div>"""
    feed = parse_feed(html, "http://127.0.0.1:8765/facebook/some.page")
    [post] = feed.posts
    assert feed.login_wall
    assert (post.page, post.id) == ("some.page", "pfbid0A")
    assert post.url == "http://127.0.0.1:8765/facebook/some.page/posts/pfbid0A"
    assert post.text == "Line one #Астана\n\nLine two"
    assert post.truncated and post.hashtags == ["Астана"]


def test_facebook_article_without_a_permalink_is_a_layout_error():
    html = '<div role="feed"><div role="article"><abbr data-utime="1"></div></div>'
    with pytest.raises(LayoutError, match="posts"):
        parse_feed(html, FACEBOOK_PAGE)


def test_instagram_post_item_is_keyed_by_shortcode_on_the_configured_host(profile):
    item = instagram_post_item(profile.posts[0], "arman.kalykov", "http://x/instagram")
    assert (item.platform, item.handle, item.source_post_id) == (
        "instagram",
        "arman.kalykov",
        "CvQk1aBtR2x",
    )
    assert item.url == "http://x/instagram/p/CvQk1aBtR2x/"
    assert item.posted_at.tzinfo is not None
    assert (item.hashtags, item.likes, item.comments) == (["Теміртау"], 311, 27)
    assert item.photos == ["https://scontent.cdninstagram.com/v/t51/1.jpg"]


def test_instagram_item_hash_ignores_counts_and_picture_address(profile):
    post = profile.posts[0]
    before = instagram_post_item(post, "arman.kalykov", "http://x").item_hash
    post = replace(post, likes=400, photos=["https://cdn/other-signature.jpg"])
    assert instagram_post_item(post, "arman.kalykov", "http://x").item_hash == before
    post = replace(post, text="edited")
    assert instagram_post_item(post, "arman.kalykov", "http://x").item_hash != before


def test_facebook_post_item_is_keyed_by_page_and_id(feed):
    item = facebook_post_item(feed.posts[0])
    assert (item.platform, item.handle, item.source_post_id) == (
        "facebook",
        "abzal.kuspan",
        "abzal.kuspan/pfbid02Xk7aQ1",
    )
    assert item.url == f"{FACEBOOK_PAGE}/posts/pfbid02Xk7aQ1"
    assert item.text == feed.posts[0].text


@pytest.mark.parametrize(
    "url, kind",
    [
        (
            "https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com"
            "%2Fabzal.kuspan",
            "login",
        ),
        ("https://www.facebook.com/unsupportedbrowser", "unsupported-browser"),
        ("https://www.facebook.com/checkpoint/828281030927956/", "identity-check"),
        # A login form reached on purpose is not a redirect away from a page.
        ("https://www.facebook.com/login/", None),
        ("https://www.facebook.com/abzal.kuspan", None),
    ],
)
def test_facebook_pages_a_visitor_is_sent_to(url, kind):
    assert facebook_session_page(url) == kind


def test_facebook_wall_after_more_posts_than_five():
    """How many posts come before the wall varies (5 to about 10): all are read."""
    articles = "".join(
        f'<div role="article"><a href="/p.x/posts/{n}"><abbr data-utime="{n}">'
        f"</abbr></a></div>"
        for n in range(8, 0, -1)
    )
    html = (
        f'<div role="feed">{articles}</div>'
        '<div role="dialog" aria-label="Log in"><form></form></div>'
    )
    feed = parse_feed(html, "http://127.0.0.1:8765/facebook/p.x")
    assert [p.id for p in feed.posts] == [str(n) for n in range(8, 0, -1)]
    assert feed.login_wall


# A right-to-left override, a zero-width space and a byte order mark: they draw
# nothing, and in a stored text they turn "txt.exe" into "exe.txt" or make equal
# texts differ. A post keeps none of them, on every platform.
INVISIBLE = "\u202e\u200b\ufeff"


def test_a_telegram_post_as_stored_has_no_invisible_characters(samples):
    html = (samples / "telegram" / "channel.html").read_text("utf-8")
    clean = {p.id: telegram_post(p) for p in parse_channel_page(html).posts}
    dirty_html = html.replace("Встретился", f"Встре{INVISIBLE}тился")
    assert dirty_html != html
    dirty = {p.id: telegram_post(p) for p in parse_channel_page(dirty_html).posts}
    assert dirty[1202].text == clean[1202].text
    assert dirty[1202].item_hash == clean[1202].item_hash


def test_a_facebook_post_as_stored_has_no_invisible_characters(samples):
    html = (samples / "facebook" / "page.rendered.html").read_text("utf-8")
    url = FACEBOOK_PAGE
    clean = [facebook_post_item(p) for p in parse_feed(html, url).posts]
    word = clean[0].text.split()[0]
    dirty_html = html.replace(word, word[:2] + INVISIBLE + word[2:], 1)
    assert dirty_html != html
    dirty = [facebook_post_item(p) for p in parse_feed(dirty_html, url).posts]
    assert [p.text for p in dirty] == [p.text for p in clean]
