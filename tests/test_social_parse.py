"""The Instagram profile JSON and the rendered Facebook feed, parsed from the
shared samples unchanged (SOURCES.md §3-4)."""

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crawl.selectors import LayoutError
from scrapers.facebook import post_item as facebook_post_item
from scrapers.facebook_page import parse_feed
from scrapers.instagram import post_item as instagram_post_item
from scrapers.instagram_page import TIMELINE_CONNECTION, parse_timeline

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


def test_instagram_graphql_page_has_the_same_nodes(profile_json):
    media = json.loads(profile_json)["data"]["user"]["edge_owner_to_timeline_media"]
    del media["count"]
    media["page_info"] = {"has_next_page": False, "end_cursor": None}
    page = parse_timeline(json.dumps({"data": {TIMELINE_CONNECTION: media}}))
    assert [p.shortcode for p in page.posts] == ["CvQk1aBtR2x", "CvNp8LrtQ0b"]
    assert (page.has_next_page, page.username, page.total) == (False, None, None)


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
