"""The AMANAT site: the real crawler against the replica, news linked to the
deputies they name through name matching."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from replica import ReplicaProcess, generate_dataset
from storage import db
from storage.models import (
    CrawlRun,
    Deputy,
    PartyNews,
    PartyNewsMention,
    ProgrammeThesis,
    Topic,
    TopicTag,
)
from tests.e2e import mwatch, rows
from topics.keywords import Tagger, load_topics

pytestmark = pytest.mark.e2e
# Forms of a name that say enough to link it: all but a surname alone.
LINKABLE = {"first_last", "formal", "initials_after", "initials_before", "kazakh"}


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset()


def crawl(database_url: str, faults: str = "none", again: bool = False) -> list:
    """Crawl the deputies and the party's site (and, `again`, the party's site
    once more): each run's result and the replica's stats of it."""
    db.upgrade(database_url)
    results: list = []
    with ReplicaProcess(faults=faults) as replica:
        environment = {
            "DATABASE_URL": database_url,
            "MWATCH_MAZHILIS_URL": replica.urls["mazhilis"],
            "MWATCH_AMANAT_URL": replica.urls["amanat"],
            "MWATCH_AUTOTHROTTLE": "off",
            "MWATCH_RETRY_BACKOFF": "0.05",
        }
        results.append(mwatch("crawl", "mazhilis-deputies", "amanat", env=environment))
        results.append(replica.stats())
        if again:
            replica.reset()
            results.append(mwatch("crawl", "amanat", env=environment))
            results.append(replica.stats())
    return results


def assert_stored_equals_dataset(database_url: str, dataset: dict) -> None:
    news = dataset["amanat"]["news"]
    expected = {
        (
            n["slug"],
            datetime.fromisoformat(n["date"]).astimezone(UTC),
            n["title"],
            "\n\n".join(n["paragraphs"]),
        )
        for n in news
    }
    stored = rows(
        database_url,
        select(PartyNews.slug, PartyNews.published_at, PartyNews.title, PartyNews.text),
    )
    assert len(stored) == len(expected)
    assert {(s, t.astimezone(UTC), ti, x) for s, t, ti, x in stored} == expected

    theses = rows(
        database_url,
        select(ProgrammeThesis.party, ProgrammeThesis.number, ProgrammeThesis.text),
    )
    assert sorted(theses) == [
        ("AMANAT", t["number"], t["text"]) for t in dataset["amanat"]["program"]
    ]

    mentions = rows(
        database_url,
        select(
            PartyNews.slug,
            PartyNewsMention.name_as_given,
            PartyNewsMention.status,
            Deputy.mazhilis_id,
            PartyNewsMention.score,
        )
        .join(PartyNews, PartyNewsMention.news_id == PartyNews.id)
        .outerjoin(Deputy, PartyNewsMention.deputy_id == Deputy.id),
    )
    stored_links = {(s, n): (st, d, sc) for s, n, st, d, sc in mentions}
    truth = {(n["slug"], m["name"]): m for n in news for m in n["mentions"]}
    for key, mention in truth.items():
        if mention["form"] in LINKABLE:
            # Every full name, and every initials form, links to its deputy.
            assert stored_links[key][:2] == ("linked", mention["deputy_id"]), key
        elif mention["form"] == "surname":
            # A surname alone is kept for review, linked to nobody.
            assert stored_links[key][:2] == ("review", None), key
        else:
            assert key not in stored_links, key
    # Nothing is linked that the text does not name, and links are confident.
    assert set(stored_links) <= set(truth)
    assert all(sc >= 0.9 for st, _, sc in stored_links.values() if st == "linked")

    # The crawl tagged each news item with the topics of its text.
    tagger = Tagger(load_topics())
    expected_tags = {
        (n["slug"], key)
        for n in news
        for key in tagger.tag("\n".join([n["title"], *n["paragraphs"]]))
    }
    stored_tags = rows(
        database_url,
        select(PartyNews.slug, Topic.key)
        .join(TopicTag, TopicTag.record_id == PartyNews.id)
        .join(Topic, TopicTag.topic_id == Topic.id)
        .where(TopicTag.record_type == "party_news"),
    )
    assert expected_tags and set(map(tuple, stored_tags)) == expected_tags


def test_news_and_programme_are_stored_and_news_linked_to_deputies(
    postgres_url, dataset
):
    first, _, again, stats = crawl(postgres_url, again=True)
    assert first.code == 0, first.stdout + first.stderr
    assert_stored_equals_dataset(postgres_url, dataset)

    # The nightly run over unchanged news reads the list's first page only.
    assert again.code == 0, again.stdout + again.stderr
    assert stats["by_path"].get("/amanat/ru/news") == 1
    assert not any(path.startswith("/amanat/ru/news/") for path in stats["by_path"])
    [run] = rows(
        postgres_url,
        select(CrawlRun.items_inserted, CrawlRun.items_updated)
        .where(CrawlRun.source == "amanat")
        .order_by(CrawlRun.id.desc())
        .limit(1),
    )
    assert tuple(run) == (0, 0)
    assert_stored_equals_dataset(postgres_url, dataset)
    reports = rows(
        postgres_url,
        select(CrawlRun.report)
        .where(CrawlRun.source == "amanat")
        .order_by(CrawlRun.id),
    )
    first_topics, again_topics = (report["topics"] for (report,) in reports)
    # The first run tagged every news item; the nightly one wrote none anew.
    assert first_topics["party_news"]["records"] == len(dataset["amanat"]["news"])
    assert first_topics["party_news"]["added"] > 0
    assert again_topics == {}


def test_a_flaky_site_still_gives_every_news_item(sqlite_url, dataset):
    first, stats = crawl(sqlite_url, faults="flaky")
    assert first.code == 0, first.stdout + first.stderr
    assert sum(stats["faults"].values()) > 0
    assert_stored_equals_dataset(sqlite_url, dataset)
