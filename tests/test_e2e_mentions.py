"""Names without a deputy id: the real crawler against the replica stores each as
a name mention, resolved to a deputy (linked), to the review queue or to no one,
and the request's participant follows its mention. The API gives every sitting
deputy's id (SOURCES.md §1.3), so a name without one links a former deputy at
most, never a sitting namesake."""

import shutil
from pathlib import Path

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
    MatchDecision,
    NameMention,
    RequestParticipant,
)
from tests.e2e import mwatch, rows

pytestmark = pytest.mark.e2e
SOURCES = ("mazhilis-deputies", "mazhilis-requests")


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


@pytest.fixture(scope="module")
def crawled(replica, tmp_path_factory) -> Path:
    """An SQLite database holding one crawl of the deputies and the requests."""
    path = tmp_path_factory.mktemp("crawled") / "crawled.sqlite"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    crawl(url, replica.url)
    return path


@pytest.fixture
def crawled_url(crawled, tmp_path) -> str:
    """A copy of the crawled database, for one test to change."""
    path = tmp_path / "copy.sqlite"
    shutil.copy(crawled, path)
    return f"sqlite:///{path}"


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
    crawled_url, replica, dataset
):
    sqlite_url = crawled_url
    mentions = stored_mentions(sqlite_url)
    assert set(mentions) == named_participants(dataset)

    truth = dataset["unlisted_names"]
    former = {d["kk"]["id"] for d in dataset["deputies"] if not d["kk"]["is_active"]}
    outcome = {"linked": 0, "review": 0, "unlinked": 0}
    for (_, name), (status, deputy, candidate, score) in mentions.items():
        outcome[status] += 1
        who = truth[name]
        # Never a sitting deputy: the API would have given their id.
        assert deputy is None or deputy in former, (name, deputy)
        if who in former:
            # A former deputy: linked, a surname and an initial alone too
            # ("Калыков А." beside sitting 56 Калыков Арман).
            assert (status, deputy) == ("linked", who), (name, status, candidate)
            assert score >= 0.9
        elif who is not None:
            # A typo of a sitting deputy's surname: in review with that deputy as
            # the candidate, or left unlinked.
            assert status != "linked", name
            if status == "review":
                assert candidate == who and 0.6 <= score < 0.9, (name, candidate)
        else:
            assert status == "unlinked", name  # a deputy of the 7th: nobody here
    print(f"\nname mentions: {outcome}")
    assert all(outcome.values())
    assert sum(truth[name] in former for _, name in mentions) >= 15
    assert mentions[next(k for k in mentions if k[1] == "Калыков А.")][:2] == (
        "linked",
        27,
    )
    assert mentions[next(k for k in mentions if k[1] == "Смагулов Р.Б.")][:2] == (
        "linked",
        23,
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
    assert linked[next(k for k in linked if k[1] == "Калыков А.")] == 27
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


def mention_id(url: str, name: str) -> int:
    (found,) = rows(url, select(NameMention.id).where(NameMention.raw_name == name))
    return found[0]


def participant_links(url: str) -> dict[str, tuple[str, int | None]]:
    """{name: (link status, deputy's Mazhilis id)} of the participants named
    without an id."""
    deputy = aliased(Deputy)
    return {
        name: (status, who)
        for name, status, who in rows(
            url,
            select(
                RequestParticipant.name_as_given,
                RequestParticipant.link_status,
                deputy.mazhilis_id,
            )
            .outerjoin(deputy, RequestParticipant.deputy_id == deputy.id)
            .where(RequestParticipant.source_deputy_id.is_(None)),
        )
    }


def test_review_decisions_are_kept_and_survive_a_recrawl(crawled_url, replica, dataset):
    url = crawled_url
    environment = {"DATABASE_URL": url}
    truth = dataset["unlisted_names"]
    queue = rows(
        url,
        select(NameMention.raw_name).where(NameMention.status == "review"),
    )
    to_accept, to_reject = sorted(name for (name,) in queue)[:2]
    lost = "Тотаров К.А."  # a typo the matcher does not find: unlinked
    assert participant_links(url)[lost] == ("unlinked", None)

    status = mwatch("status", env=environment)
    assert f"{len(queue)} names without a deputy id wait for review" in status.stdout

    listed = mwatch("match", "review", env=environment)
    assert listed.code == 0, listed.stderr
    assert f"{len(queue)} of {len(queue)} mentions shown" in listed.stdout
    assert to_accept in listed.stdout and "candidate:" in listed.stdout
    assert "below the link threshold" in listed.stdout

    decisions = [
        ("accept", str(mention_id(url, to_accept))),
        ("reject", str(mention_id(url, to_reject))),
        ("link", str(mention_id(url, lost)), str(truth[lost])),
        ("unlink", str(mention_id(url, "Калыков А."))),
    ]
    for decision in decisions:
        result = mwatch(
            "match", *decision, "--by", "monitor", "--note", "checked", env=environment
        )
        assert result.code == 0, result.stdout + result.stderr
        assert f"mention {decision[1]}: {decision[0]} by monitor" in result.stdout

    def held() -> None:
        links = participant_links(url)
        assert links[to_accept] == ("matched", truth[to_accept])
        assert links[to_reject] == ("unlinked", None)
        assert links[lost] == ("matched", truth[lost])
        assert links["Калыков А."] == ("unlinked", None)
        assert links["Куспан А."] == ("matched", 31)  # undecided: the matcher's
        mentions = {name: row for (_, name), row in stored_mentions(url).items()}
        assert mentions[to_accept][:2] == ("linked", truth[to_accept])
        assert mentions[to_reject][:2] == ("unlinked", None)
        assert mentions[lost][:2] == ("linked", truth[lost])
        assert mentions["Калыков А."][:2] == ("unlinked", None)

    held()
    stored = rows(
        url,
        select(
            MatchDecision.action,
            MatchDecision.decided_by,
            MatchDecision.note,
            MatchDecision.score,
        ).order_by(MatchDecision.id),
    )
    assert [(a, by, note) for a, by, note, _ in stored] == [
        (d[0], "monitor", "checked") for d in decisions
    ]
    assert stored[0][3] >= 0.6 and stored[3][3] >= 0.9  # the score they overrode

    # Later crawls refresh the matcher's proposals, never the decisions.
    crawl(url, replica.url)
    held()
    assert len(rows(url, select(MatchDecision.id))) == len(decisions)
    history = mwatch("match", "decisions", env=environment)
    assert history.code == 0 and "4 decisions" in history.stdout
    assert "monitor  link mention" in history.stdout

    # Reset hands a mention back to the matcher.
    kalykov = str(mention_id(url, "Калыков А."))
    assert mwatch("match", "reset", kalykov, env=environment).code == 0
    assert participant_links(url)["Калыков А."] == ("matched", 27)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accept", "99999"), "no name mention has id 99999"),
        (("unlink", "99999"), "no name mention has id 99999"),
        (("link", "{former}", "99999"), "no deputy with Mazhilis id 99999"),
        (("accept", "{former}"), "has no candidate to accept"),
        (("reject", "abc"), "'abc' is not a mention id"),
        (("link", "{former}", "x71"), "'x71' is not a deputy's Mazhilis id"),
    ],
)
def test_a_bad_decision_is_refused_and_changes_nothing(crawled_url, args, message):
    former = str(mention_id(crawled_url, "Абасов Т.Б."))
    before = stored_mentions(crawled_url)
    args = tuple(a.format(former=former) for a in args)
    result = mwatch("match", *args, env={"DATABASE_URL": crawled_url})
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert stored_mentions(crawled_url) == before
    assert rows(crawled_url, select(MatchDecision.id)) == []
