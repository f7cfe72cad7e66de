"""Exports and reports of a database the real crawler filled from the replica."""

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from replica import ReplicaProcess
from storage.models import (
    Activity,
    Deputy,
    DeputyRequest,
    Mandate,
    Post,
    RequestParticipant,
)
from tests.e2e import mwatch, rows
from tests.reports_data import crawl, small_dataset, write_small_dataset

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dataset():
    return small_dataset()


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    path = write_small_dataset(tmp_path_factory.mktemp("dataset"))
    with ReplicaProcess(dataset=path) as running:
        yield running


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, replica):
    """The database the crawler filled from the small dataset."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'crawled.sqlite'}"
    crawl(url, replica)
    return url


def export(url, fmt, out):
    result = mwatch(
        "export", "--format", fmt, "--out", str(out), env={"DATABASE_URL": url}
    )
    assert result.code == 0, result.stdout + result.stderr
    return result


def count(url, model):
    return rows(url, select(func.count()).select_from(model))[0][0]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def test_json_and_csv_exports_hold_every_record(crawled, dataset, tmp_path):
    export(crawled, "json", tmp_path / "json")
    export(crawled, "csv", tmp_path / "csv")
    tables = {
        "persons": Deputy,
        "requests": DeputyRequest,
        "activities": Activity,
        "posts": Post,
    }
    for name, model in tables.items():
        stored = count(crawled, model)
        assert stored > 0, name
        as_json = read_json(tmp_path / "json" / f"{name}.json")
        as_csv = read_csv(tmp_path / "csv" / f"{name}.csv")
        assert len(as_json) == len(as_csv) == stored, name
        assert [r["id"] for r in as_json] == [r["id"] for r in as_csv], name
        assert len({r["id"] for r in as_json}) == stored, name
        # Every record carries where it was read.
        assert all(r["sources"] and r["sources"][0]["url"] for r in as_json), name
        assert all(r["source_url"] and r["source_content_hash"] for r in as_csv), name

    # Ids come from the sources' own keys.
    persons = read_json(tmp_path / "json" / "persons.json")
    assert {p["id"] for p in persons} == {
        f"person:mazhilis:{d['kk']['id']}"
        for d in dataset["deputies"]
        if d["kk"]["is_active"]
    }
    requests = read_json(tmp_path / "json" / "requests.json")
    assert {r["id"] for r in requests} == {
        f"request:mazhilis:{r['id']}" for r in dataset["requests"]
    }

    # The participants, as the dataset lists them, with their persons.
    person_ids = {p["id"] for p in persons}
    exported = {
        (r["mazhilis_id"], p["role"], p["source_deputy_id"], p["name_as_given"])
        for r in requests
        for p in r["participants"]
    }
    expected = {
        (r["id"], role, p["id"], p["full_name"].strip())
        for r in dataset["requests"]
        for field, role in (("initiators", "initiator"), ("signatories", "signatory"))
        for p in r[field]
    }
    assert exported == expected
    assert all(
        p["person_id"] in person_ids
        for r in requests
        for p in r["participants"]
        if p["person_id"]
    )
    participants = read_csv(tmp_path / "csv" / "request_participants.csv")
    assert len(participants) == count(crawled, RequestParticipant) == len(expected)
    answered = sum(1 for r in dataset["requests"] if r["answer"])
    assert sum(r["answered"] for r in requests) == answered


def test_popolo_export_holds_persons_organizations_and_memberships(
    crawled, dataset, tmp_path
):
    export(crawled, "popolo", tmp_path)
    popolo = read_json(tmp_path / "popolo.json")
    assert len(popolo["persons"]) == count(crawled, Deputy)
    mandates = rows(
        crawled, select(Mandate.party, Mandate.faction_ru, Mandate.committee_ru)
    )
    parties = {party for party, _, _ in mandates if party}
    organizations = {o["id"]: o for o in popolo["organizations"]}
    kinds = [o["classification"] for o in organizations.values()]
    assert kinds.count("legislature") == 1
    assert kinds.count("party") == len(parties) == 6
    assert kinds.count("faction") == len({f for _, f, _ in mandates if f})
    # A seat in the Mazhilis for every mandate, a faction for party members,
    # and a committee for each.
    by_org = {}
    for membership in popolo["memberships"]:
        kind = organizations[membership["organization_id"]]["classification"]
        by_org[kind] = by_org.get(kind, 0) + 1
        assert membership["person_id"].startswith("person:mazhilis:")
    assert by_org["legislature"] == len(mandates)
    assert by_org["faction"] == sum(1 for _, f, _ in mandates if f)
    assert by_org["committee"] == sum(1 for _, _, c in mandates if c)
    seats = [
        m for m in popolo["memberships"] if m["organization_id"].endswith("mazhilis")
    ]
    single = [m for m in seats if m["label"] == "single-mandate district"]
    assert len(single) == 29 == len(popolo["areas"])
    independents = [m["person_id"] for m in single if "on_behalf_of_id" not in m]
    assert sorted(independents) == sorted(
        f"person:mazhilis:{d['kk']['id']}"
        for d in dataset["deputies"]
        if d["kk"]["is_active"] and d["kk"]["deputy_type"] == 1 and not d["kk"]["party"]
    )


def test_ids_are_stable_across_exports_and_crawls(crawled, replica, tmp_path):
    first, second, third = tmp_path / "1", tmp_path / "2", tmp_path / "3"
    export(crawled, "json", first)
    export(crawled, "json", second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    crawl(crawled, replica)
    export(crawled, "json", third)
    for path in first.iterdir():
        before = [r["id"] for r in read_json(path)]
        assert before == [r["id"] for r in read_json(third / path.name)], path.name


def test_a_bad_out_or_format_is_refused(crawled, tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("keep me")
    env = {"DATABASE_URL": crawled}
    result = mwatch("export", "--format", "json", "--out", str(afile), env=env)
    assert result.code == 2
    assert str(afile) in result.stderr and "not a folder" in result.stderr
    assert afile.read_text() == "keep me"
    missing = tmp_path / "no" / "such" / "folder"
    result = mwatch("export", "--format", "csv", "--out", str(missing), env=env)
    assert result.code == 2 and str(missing) in result.stderr
    assert not missing.parent.exists()
    result = mwatch("export", "--format", "xml", "--out", str(tmp_path), env=env)
    assert result.code == 2 and "xml" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
