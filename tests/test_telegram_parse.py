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


# An album (channel_album.html): one post whose media are grouped, its text in a
# text div nested in another.


@pytest.fixture(scope="module")
def album_page(samples):
    return parse_channel_page(
        (samples / "telegram" / "channel_album.html").read_text("utf-8")
    )


@pytest.fixture(scope="module")
def album(album_page):
    return {post.id: post for post in album_page.posts}[1307]


def test_an_album_is_one_post_named_by_one_id(album_page):
    assert [p.id for p in album_page.posts] == [1304, 1307]


def test_an_album_is_not_an_unreadable_post(album_page):
    assert album_page.unreadable == []


def test_an_albums_nested_text_is_read_once(album):
    assert album.text == (
        "Шыңғырлау ауданы, Алмаз ауылының тұрғындарымен кездестім. 15 наурызда "
        "жиналысқа 120 адам келді.\n"
        "Встретился с жителями села Алмаз Чингирлауского района."
    )


def test_an_albums_media_are_every_photo_and_the_videos_thumbnail(album):
    assert album.photos == [
        "https://cdn4.telesco.pe/file/album1305.jpg",
        "https://cdn4.telesco.pe/file/album1306.jpg",
        "https://cdn4.telesco.pe/file/album1307.jpg",
    ]


def test_an_albums_date_and_url(album):
    assert album.posted_at == datetime(2024, 3, 15, 12, 20, tzinfo=UTC)
    assert album.url == "https://t.me/kuspan_abzal/1307"


def test_an_albums_views(album):
    assert album.views == 5600


def test_the_post_beside_an_album_keeps_its_text(album_page):
    assert album_page.posts[0].text == (
        "Сенбі күні Орал қаласында азаматтарды қабылдаймын. "
        "В субботу веду прием граждан в Уральске."
    )


def test_the_album_page_leads_to_older_posts(album_page):
    assert album_page.before == 1304


# The page `?before=` the channel's first post (channel_before_first.html).


@pytest.fixture(scope="module")
def before_first(samples):
    return parse_channel_page(
        (samples / "telegram" / "channel_before_first.html").read_text("utf-8")
    )


def test_the_page_before_the_first_post_has_the_channels_header(before_first):
    assert (before_first.title, before_first.username) == (
        "Абзал Құспан",
        "@kuspan_abzal",
    )


def test_the_page_before_the_first_post_has_no_post(before_first):
    assert before_first.posts == [] and before_first.unreadable == []


def test_the_page_before_the_first_post_leads_nowhere_older(before_first):
    assert before_first.before is None


# One odd post costs itself, not its page.


def with_messages(sample, change):
    """The sample with `change` applied to its markup."""
    return parse_channel_page(change(sample.read_text("utf-8")))


def test_a_post_without_its_time_is_unreadable_and_the_others_are_read(samples):
    page = with_messages(
        samples / "telegram" / "channel.html",
        lambda html: html.replace(
            '<time datetime="2023-07-06T06:05:00+00:00"', "<time"
        ),
    )
    assert [p.id for p in page.posts] == [1201, 1202, 1204]
    [odd] = page.unreadable
    assert (odd.record, odd.reason) == (
        "kuspan_abzal/1203",
        "the post's time has no datetime",
    )


def test_a_post_with_two_texts_side_by_side_is_unreadable(samples):
    page = with_messages(
        samples / "telegram" / "channel_album.html",
        lambda html: html.replace(
            "</div></div>\n",
            '</div></div><div class="tgme_widget_message_text">?</div>\n',
            1,
        ),
    )
    assert [p.id for p in page.posts] == [1304]
    [odd] = page.unreadable
    assert (odd.record, odd.reason) == (
        "kuspan_abzal/1307",
        "expected at most one message text, found 2",
    )
