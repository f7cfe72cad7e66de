"""The Telegram channel preview parser on the shared sample, unchanged
(SOURCES.md §2)."""

from datetime import UTC, datetime

import pytest

from crawl.selectors import LayoutError
from spiders.telegram_page import parse_channel_page, parse_views


@pytest.fixture(scope="module")
def page(samples):
    return parse_channel_page(
        (samples / "telegram" / "channel.html").read_text("utf-8")
    )


@pytest.fixture(scope="module")
def posts(page):
    return {post.id: post for post in page.posts}


def test_channel_header_and_the_way_to_older_posts(page):
    assert page.title == "Абзал Құспан"
    assert page.username == "@kuspan_abzal"
    assert page.before == 1201


def test_posts_run_oldest_first_and_service_messages_are_marked(page):
    assert [p.id for p in page.posts] == [1201, 1202, 1203, 1204]
    assert [p.service for p in page.posts] == [True, False, False, False]


def test_text_keeps_line_breaks_emoji_and_hashtags(posts):
    assert posts[1202].text == (
        "Бөкейорда ауданының тұрғындарымен кездесу өтті 👉\n\n"
        "Встретился с жителями Бокейординского района. Обсудили водоснабжение, "
        "ремонт дорог и занятость молодежи.\n#встреча #избиратели"
    )
    assert posts[1202].hashtags == ["встреча", "избиратели"]


def test_photo_url_from_the_background_style(posts):
    assert posts[1202].photos == ["https://cdn4.telesco.pe/file/photo1202.jpg"]


def test_time_is_timezone_aware_and_url_is_the_posts(posts):
    assert posts[1202].posted_at == datetime(2023, 7, 5, 11, 42, 17, tzinfo=UTC)
    assert posts[1202].url == "https://t.me/kuspan_abzal/1202"


def test_views_edited_and_forwarded(posts):
    assert (posts[1202].views, posts[1203].views, posts[1204].views) == (
        3100,
        987,
        1_200_000,
    )
    assert posts[1203].edited and not posts[1202].edited
    assert posts[1203].forwarded_from == "Мәжіліс | Мажилис"


@pytest.mark.parametrize(
    ("text", "count"),
    [("1.2K", 1200), ("3M", 3_000_000), ("987", 987), ("12.4K", 12400)],
)
def test_views_abbreviations(text, count):
    assert parse_views(text) == count


def test_views_that_are_no_count_are_a_layout_error():
    with pytest.raises(LayoutError):
        parse_views("many")


def test_a_page_without_history_is_a_layout_error():
    with pytest.raises(LayoutError, match="tgme_channel_history"):
        parse_channel_page("<html><body><div class='tgme_page'></div></body></html>")
