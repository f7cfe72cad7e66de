"""Names without a deputy id: the real crawler against the replica stores each as
a name mention, resolved to a deputy (linked), to the review queue or to no one,
and the request's participant follows its mention."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from matching.mentions import REQUEST_PARTICIPANT
from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import (
    CrawlRun,
    Deputy,
    DeputyRequest,
    NameMention,
    RequestParticipant,
)
from tests.e2e import mwatch, rows

pytestmark = pytest.mark.e2e
SOURCES = ("mazhilis-deputies", "mazhilis-requests")
# The replica's participants named in the site's short form ("Куспан А.Т.").
SHORT_FORM = re.compile(r"\S+ \S\.( ?\S\.)?")


def named_dataset() -> dict:
    """The default dataset cut down to the requests with a participant named
    without an id, so that the crawl is quick."""
    dataset = generate_dataset()
    kept = [
        r
        for r in dataset["requests"]
        if any(p["id"] is None for p in r["initiators"] + r["signatories"])
    ]
    urls = {r["document_url"] for r in kept} | {
        r["answer"]["document_url"] for r in kept if r["answer"]
    }
    dataset["requests"] = kept
    dataset["documents"] = {
        url: doc for url, doc in dataset["documents"].items() if url in urls
    }
    return dataset


@pytest.fixture(scope="module")
def dataset() -> dict:
    return named_dataset()


@pytest.fixture(scope="module")
def replica(dataset, tmp_path_factory):
    path = tmp_path_factory.mktemp("named") / "dataset.json"
    dump_dataset(dataset, path)
    with ReplicaProcess(dataset=path) as running:
        yield running


def crawl(url: str, replica_url: str, *sources: str):
    environment = {"DATABASE_URL": url, "MWATCH_MAZHILIS_URL": replica_url}
    result = mwatch("crawl", *(sources or SOURCES), env=environment)
    assert result.code == 0, result.stdout + result.stderr
    return result


def stored_mentions(url: str) -> dict[tuple[str, str], tuple]:
    """{(source key, name): (status, deputy's Mazhilis id, candidate's, score)}."""
    linked, candidate = aliased(Deputy), aliased(Deputy)
    found = rows(
        url,
        select(
            NameMention.source_kind,
            NameMention.source_key,
            NameMention.raw_name,
            NameMention.status,
            linked.mazhilis_id,
            candidate.mazhilis_id,
            NameMention.score,
        )
        .outerjoin(linked, NameMention.deputy_id == linked.id)
        .outerjoin(candidate, NameMention.candidate_deputy_id == candidate.id),
    )
    assert {kind for kind, *_ in found} == {REQUEST_PARTICIPANT}
    return {(key, name): tuple(rest) for _, key, name, *rest in found}


def named_participants(dataset: dict) -> set[tuple[str, str]]:
    return {
        (f"{r['id']}/{role}", p["full_name"])
        for r in dataset["requests"]
        for field, role in (("initiators", "initiator"), ("signatories", "signatory"))
        for p in r[field]
        if p["id"] is None
    }


def test_names_without_an_id_are_linked_reviewed_or_left_never_guessed(
    sqlite_url, replica, dataset
):
    db.upgrade(sqlite_url)
    crawl(sqlite_url, replica.url)
    mentions = stored_mentions(sqlite_url)
    assert set(mentions) == named_participants(dataset)

    truth = dataset["unlisted_names"]
    outcome = {"linked": 0, "review": 0, "unlinked": 0}
    for (_, name), (status, deputy, candidate, score) in mentions.items():
        outcome[status] += 1
        who = truth[name]
        if status == "linked":
            # Never a wrong link: a linked name is the deputy it names.
            assert deputy == who, (name, deputy, who)
            assert score >= 0.9
        else:
            assert deputy is None
        if who is None:
            assert status == "unlinked", name  # a former deputy: nobody here
        elif SHORT_FORM.fullmatch(name) and name != "Куспан А.Т.":
            # A typo in the surname is never linked; in review, the deputy it
            # is a typo of is the candidate.
            assert status != "linked", name
            if status == "review":
                assert candidate == who and 0.6 <= score < 0.9, (name, candidate)
        else:
            # Another form of a deputy's name: Kazakh or Russian in full, the
            # English list's, Latin initials.
            assert (status, deputy) == ("linked", who), (name, status, score)
    print(f"\nname mentions: {outcome}")
    assert all(outcome.values())
    assert mentions[next(k for k in mentions if k[1] == "A. Kuspan")][:2] == (
        "linked",
        71,
    )

    participant_deputy = aliased(Deputy)
    participants = rows(
        sqlite_url,
        select(
            DeputyRequest.mazhilis_id,
            RequestParticipant.role,
            RequestParticipant.name_as_given,
            RequestParticipant.link_status,
            participant_deputy.mazhilis_id,
        )
        .join(RequestParticipant.request)
        .outerjoin(
            participant_deputy, RequestParticipant.deputy_id == participant_deputy.id
        )
        .where(RequestParticipant.source_deputy_id.is_(None)),
    )
    expected_status = {"linked": "matched", "review": "review", "unlinked": "unlinked"}
    for request_id, role, name, link_status, deputy in participants:
        status, linked, *_ = mentions[(f"{request_id}/{role}", name)]
        assert (link_status, deputy) == (expected_status[status], linked)

    # A second crawl finds the same names and changes nothing.
    crawl(sqlite_url, replica.url, "mazhilis-requests")
    (report,) = rows(
        sqlite_url,
        select(CrawlRun.report)
        .where(CrawlRun.source == "mazhilis-requests")
        .order_by(CrawlRun.id.desc())
        .limit(1),
    )[0]
    for table in ("name_mentions", "request_participants"):
        assert report["tables"][table]["inserted"] == 0
        assert report["tables"][table]["updated"] == 0
    assert stored_mentions(sqlite_url) == mentions


def test_names_stored_before_the_deputies_are_matched_once_they_are(
    postgres_url, replica, dataset
):
    db.upgrade(postgres_url)
    crawl(postgres_url, replica.url, "mazhilis-requests")
    before = stored_mentions(postgres_url)
    assert {status for status, *_ in before.values()} == {"unlinked"}
    crawl(postgres_url, replica.url, "mazhilis-deputies")
    after = stored_mentions(postgres_url)
    linked = {key: row[1] for key, row in after.items() if row[0] == "linked"}
    assert linked[next(k for k in linked if k[1] == "Куспан А.Т.")] == 71
    assert all(
        dataset["unlisted_names"][name] == who for (_, name), who in linked.items()
    )
    (report,) = rows(
        postgres_url,
        select(CrawlRun.report).order_by(CrawlRun.id.desc()).limit(1),
    )[0]
    moved = [key for key, row in after.items() if row[0] != "unlinked"]
    assert report["mentions_relinked"] == len(moved) > len(linked) > 0
    matched = rows(
        postgres_url,
        select(RequestParticipant.name_as_given).where(
            RequestParticipant.link_status == "matched"
        ),
    )
    assert sorted(name for (name,) in matched) == sorted(n for _, n in linked)
