"""The replica's Telegram previews (SOURCES.md §2) over real HTTP: paging with
`before`, the markup a spider reads, non-public channels, the /telegram prefix."""

import copy
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup

from replica import (
    DatasetError,
    ReplicaProcess,
    dump_dataset,
    generate_dataset,
    load_dataset,
)
from replica.telegram import views_text

CHANNEL = "kuspan_abzal"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None


def fetch(url: str, follow: bool = True) -> tuple[int, dict, str]:
    """(status, headers, text) of a GET, errors and redirects included."""
    opener = urllib.request.build_opener(*([] if follow else [NoRedirect()]))
    try:
        with opener.open(url) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset()


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaProcess]:
    with ReplicaProcess() as running:
        yield running


def page(replica: ReplicaProcess, query: str = "", channel: str = CHANNEL):
    status, _, text = fetch(f"{replica.urls['telegram']}/s/{channel}{query}")
    assert status == 200, (query, status)
    return BeautifulSoup(text, "html.parser")


def ids_of(soup: BeautifulSoup) -> list[int]:
    return [
        int(m["data-post"].split("/")[1])
        for m in soup.select("section.tgme_channel_history div.tgme_widget_message")
    ]


def test_paging_with_before_walks_every_post(replica, dataset):
    expected = sorted(p["id"] for p in dataset["telegram"][CHANNEL]["posts"])
    soup, collected, pages = page(replica), [], 0
    while True:
        ids = ids_of(soup)
        pages += 1
        assert ids == sorted(ids) and len(ids) <= 20
        collected = ids + collected
        more = soup.select_one("a.tme_messages_more")
        if more is None:
            break
        assert len(ids) == 20
        assert more["data-before"] == str(ids[0])
        assert more["href"] == f"/telegram/s/{CHANNEL}?before={ids[0]}"
        soup = page(replica, f"?before={ids[0]}")
    assert collected == expected
    assert pages == -(-len(expected) // 20)
    assert ids_of(page(replica))[-1] == expected[-1]
    # Ids have gaps: `before` a missing id still gives the 20 below it.
    gap = next(i for i in range(expected[0], expected[-1]) if i not in expected)
    assert ids_of(page(replica, f"?before={gap}"))[-1] == max(
        i for i in expected if i < gap
    )


def test_markup_of_posts(replica, dataset):
    channel = dataset["telegram"][CHANNEL]
    by_id = {p["id"]: p for p in channel["posts"]}
    seen = set()
    soup = page(replica)
    while True:
        for message in soup.select("div.tgme_widget_message"):
            post = by_id[int(message["data-post"].split("/")[1])]
            assert ("service_message" in message["class"]) == post["service"]
            date = message.select_one("a.tgme_widget_message_date")
            assert date["href"] == f"https://t.me/{CHANNEL}/{post['id']}"
            assert date.time["datetime"] == post["date"]
            meta = message.select_one("span.tgme_widget_message_meta")
            assert meta.get_text().startswith("edited") == post["edited"]
            views = message.select_one("span.tgme_widget_message_views")
            if not post["service"]:
                assert views.get_text() == views_text(post["views"])
            text = message.select_one("div.tgme_widget_message_text")
            tags = [a.get_text() for a in text.select('a[href^="?q=%23"]')]
            assert tags == ["#" + t for t in post["hashtags"]]
            for br in text.find_all("br"):
                br.replace_with("\n")
            written = post["text"] + "".join(f"\n{' '.join(tags)}" for _ in tags[:1])
            assert text.get_text() == written
            photos = message.select(
                "a.tgme_widget_message_photo_wrap, i.tgme_widget_message_video_thumb"
            )
            assert [
                re.search(r"url\('(.+?)'\)", p["style"]).group(1) for p in photos
            ] == post["photos"]
            forward = message.select_one("a.tgme_widget_message_forwarded_from_name")
            assert (forward and forward.get_text()) == (post["forwarded_from"] or None)
            seen |= {
                "service" if post["service"] else "post",
                "edited" if post["edited"] else "",
                "forward" if forward else "",
                "emoji" if text.select("i.emoji") else "",
                "album" if post.get("album") else "",
            }
        more = soup.select_one("a.tme_messages_more")
        if more is None or seen >= {
            "service",
            "post",
            "edited",
            "forward",
            "emoji",
            "album",
        }:
            break
        soup = page(replica, f"?before={more['data-before']}")
    assert seen >= {"service", "post", "edited", "forward", "emoji", "album"}
    header = soup.select_one("div.tgme_channel_info")
    assert (
        header.select_one(".tgme_channel_info_header_title").get_text()
        == (channel["title"])
    )
    assert header.select_one(".tgme_channel_info_header_username").get_text() == (
        f"@{CHANNEL}"
    )


def test_views_formats():
    assert [views_text(n) for n in (987, 3100, 12_449, 1_234_567, 3_000_000)] == [
        "987",
        "3.1K",
        "12.4K",
        "1.2M",
        "3M",
    ]


def test_served_views_include_thousands_and_millions(replica, dataset):
    channel, post = next(
        (name, post)
        for name, account in dataset["telegram"].items()
        if account["public"]
        for post in account["posts"]
        if post["views"] >= 1_000_000
    )
    soup = page(replica, f"?before={post['id'] + 1}", channel)
    last = soup.select("div.tgme_widget_message")[-1]
    assert last["data-post"] == f"{channel}/{post['id']}"
    assert last.select_one(".tgme_widget_message_views").get_text().endswith("M")


def test_non_public_channel_redirects(replica, dataset):
    channel = next(c for c, a in dataset["telegram"].items() if not a["public"])
    base = replica.urls["telegram"]
    status, headers, _ = fetch(f"{base}/s/{channel}", follow=False)
    assert status == 302 and headers["Location"] == f"/telegram/{channel}"
    status, _, text = fetch(f"{base}/s/{channel}")
    soup = BeautifulSoup(text, "html.parser")
    assert status == 200 and not soup.select("div.tgme_widget_message")
    assert (
        soup.select_one(".tgme_page_title").get_text()
        == (dataset["telegram"][channel]["title"])
    )
    assert fetch(f"{base}/s/no_such_channel_here")[0] == 404


def test_links_stay_under_the_prefix_and_truth_is_not_served(replica, dataset):
    soup = page(replica)
    for node in soup.select("[href]"):
        href = node["href"]
        if "tgme_widget_message_date" in node.get("class", []):
            assert href.startswith("https://t.me/")
        elif "grouped_media_wrap" in node.get("class", []):
            assert re.fullmatch(rf"https://t\.me/{CHANNEL}/\d+\?single", href), href
        else:
            assert href.startswith(("/telegram/", "?q=")), href
    html = str(soup)
    assert "truth" not in html and "activity-" not in html
    stats = replica.stats()["by_path"]
    assert f"/telegram/s/{CHANNEL}" in stats


def test_an_album_is_one_post_its_media_grouped_its_text_nested(replica, dataset):
    channel, post = next(
        (name, post)
        for name, account in dataset["telegram"].items()
        if account["public"]
        for post in account["posts"]
        if "video" in post.get("album", [])
    )
    soup = page(replica, f"?before={post['id'] + 1}", channel)
    message = soup.select("div.tgme_widget_message")[-1]
    assert message["data-post"] == f"{channel}/{post['id']}"
    media = message.select("div.tgme_widget_message_grouped_wrap a.grouped_media_wrap")
    first = post["id"] - len(post["album"]) + 1
    assert [m["href"] for m in media] == [
        f"https://t.me/{channel}/{i}?single" for i in range(first, post["id"] + 1)
    ]
    assert [
        "video" if "tgme_widget_message_video_player" in m["class"] else "photo"
        for m in media
    ] == post["album"]
    # The album's other ids are its media, never posts of their own.
    assert not soup.select(f'div[data-post="{channel}/{first}"]')
    outer, inner = message.select("div.tgme_widget_message_text")
    assert inner.parent is outer
    assert inner.get_text().startswith(post["text"].split("\n")[0])


def test_the_oldest_page_of_a_channel_missing_its_first_posts_leads_to_an_empty_one(
    replica, dataset
):
    channel, account = next(
        (name, account)
        for name, account in dataset["telegram"].items()
        if account["public"] and "first_id" in account
    )
    first = min(p["id"] for p in account["posts"])
    assert account["first_id"] < first
    oldest = page(replica, f"?before={first + 1}", channel)
    assert ids_of(oldest) == [first]
    more = oldest.select_one("a.tme_messages_more")
    assert more["data-before"] == str(first)
    empty = page(replica, f"?before={first}", channel)
    assert empty.select_one("section.tgme_channel_history") is not None
    assert ids_of(empty) == [] and empty.select_one("a.tme_messages_more") is None
    assert (
        empty.select_one(".tgme_channel_info_header_title").get_text()
        == (account["title"])
    )


def test_a_channel_with_its_first_post_has_no_more_link_on_its_oldest_page(
    replica, dataset
):
    channel, account = next(
        (name, account)
        for name, account in dataset["telegram"].items()
        if account["public"] and "first_id" not in account
    )
    first = min(p["id"] for p in account["posts"])
    assert (
        page(replica, f"?before={first + 1}", channel).select_one("a.tme_messages_more")
        is None
    )
    assert ids_of(page(replica, f"?before={first}", channel)) == []


def test_a_post_of_markup_no_datetime_has_a_time_without_it(dataset, tmp_path):
    changed = copy.deepcopy(dataset)
    post = changed["telegram"][CHANNEL]["posts"][-1]
    post["markup"] = "no-datetime"
    path = tmp_path / "dataset.json"
    dump_dataset(changed, path)
    with ReplicaProcess(dataset=path) as odd:
        soup = page(odd)
    times = [m.select_one("time") for m in soup.select("div.tgme_widget_message")]
    assert [t.has_attr("datetime") for t in times] == [True] * (len(times) - 1) + [
        False
    ]
    assert times[-1].get_text() == post["date"][11:16]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda post: post.update(album=["photo"] * 9), "is not a kind"),
        (lambda post: post.update(album=["photo", "audio"]), "is not a kind"),
        (lambda post: post.update(markup="nested"), "markup 'nested'"),
    ],
)
def test_a_dataset_with_an_odd_album_or_markup_is_refused(
    dataset, tmp_path, change, message
):
    changed = copy.deepcopy(dataset)
    post = next(
        p for p in changed["telegram"][CHANNEL]["posts"] if len(p["photos"]) == 2
    )
    change(post)
    path = tmp_path / "dataset.json"
    dump_dataset(changed, path)
    with pytest.raises(DatasetError, match=message):
        load_dataset(path)


def test_a_dataset_whose_first_id_is_above_a_post_is_refused(dataset, tmp_path):
    changed = copy.deepcopy(dataset)
    channel = changed["telegram"][CHANNEL]
    channel["first_id"] = channel["posts"][1]["id"]
    path = tmp_path / "dataset.json"
    dump_dataset(changed, path)
    with pytest.raises(DatasetError, match="first_id"):
        load_dataset(path)
