"""The replica's AMANAT site (SOURCES.md §5) over real HTTP, read with the
crawler's own parsers: every news item reachable by paging, the programme."""

import copy
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime

import pytest

from replica import DatasetError, ReplicaProcess, generate_dataset, validate_dataset
from replica.amanat import PER_PAGE
from spiders.amanat_page import parse_news_article, parse_news_list, parse_program


def fetch(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
        return response.read().decode()


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset()


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaProcess]:
    with ReplicaProcess() as running:
        yield running


def test_paging_reaches_every_news_item_newest_first(replica, dataset):
    base = replica.urls["amanat"]
    url, pages, links = f"{base}/ru/news?page=1", 0, []
    while url:
        page = parse_news_list(fetch(url))
        pages += 1
        assert len(page.items) <= PER_PAGE
        links += page.items
        url = page.next_href and replica.url + page.next_href
    news = dataset["amanat"]["news"]
    assert pages == -(-len(news) // PER_PAGE) > 1
    assert [link.href.rsplit("/", 1)[-1] for link in links] == [n["slug"] for n in news]
    times = [link.published_at for link in links]
    assert times == sorted(times, reverse=True)


def test_a_news_item_page_says_what_the_dataset_says(replica, dataset):
    item = dataset["amanat"]["news"][2]
    article = parse_news_article(
        fetch(f"{replica.urls['amanat']}/ru/news/{item['slug']}")
    )
    assert article.title == item["title"]
    assert article.paragraphs == item["paragraphs"]
    assert article.published_at == datetime.fromisoformat(item["date"])


def test_the_news_name_deputies_in_several_forms(dataset):
    forms = {m["form"] for n in dataset["amanat"]["news"] for m in n["mentions"]}
    assert forms == {
        "first_last", "formal", "initials_after", "initials_before", "kazakh",
        "surname", "outsider",
    }  # fmt: skip


def test_the_programme_has_the_samples_ten_theses(replica, samples):
    served = parse_program(fetch(f"{replica.urls['amanat']}/ru/program"))
    sample = parse_program((samples / "amanat" / "program.html").read_text("utf-8"))
    assert served == sample


def test_a_missing_news_item_is_404(replica):
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(f"{replica.urls['amanat']}/ru/news/no-such-item")
    assert error.value.code == 404


def test_a_bad_news_item_in_a_dataset_is_named(dataset):
    broken = copy.deepcopy(dataset)
    broken["amanat"]["news"][3]["date"] = "2025-07-01T10:00:00"
    with pytest.raises(DatasetError, match=r"amanat.news\[3\]: .* has no time zone"):
        validate_dataset(broken, "edited.json")
