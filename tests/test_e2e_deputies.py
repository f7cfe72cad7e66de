"""The real crawler against the running replica, into SQLite and PostgreSQL."""

import re

import pytest
from sqlalchemy import func, select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import CrawlRun, Deputy, DeputyName, Mandate, SocialAccount
from tests.e2e import mwatch, rows

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset()


@pytest.fixture(scope="module")
def replica():
    with ReplicaProcess() as running:
        yield running


def crawl(url, replica_url, *args):
    env = {"DATABASE_URL": url, "MWATCH_MAZHILIS_URL": replica_url}
    return mwatch("crawl", *args, env=env)


def sitting(dataset):
    return [d for d in dataset["deputies"] if d["kk"]["is_active"]]


def full_name(obj):
    patronymic = obj["patronymic"] if obj["patronymic"] not in (None, "None") else None
    return " ".join(p for p in (obj["last_name"], obj["first_name"], patronymic) if p)


def test_crawl_stores_every_deputy_with_both_name_forms_once(
    database_url, replica, dataset
):
    db.upgrade(database_url)
    first = crawl(database_url, replica.url, "mazhilis-deputies")
    assert first.code == 0, first.stderr
    expected = {
        (d["kk"]["id"], lang, full_name(d[lang]))
        for d in sitting(dataset)
        for lang in ("kk", "ru")
    }
    names = rows(
        database_url,
        select(Deputy.mazhilis_id, DeputyName.lang, DeputyName.full_name).join(
            DeputyName.deputy
        ),
    )
    assert len(expected) == 2 * 98
    assert set(names) == expected
    assert len(names) == len(expected)
    types = dict(
        rows(
            database_url,
            select(Mandate.deputy_type, func.count()).group_by(Mandate.deputy_type),
        )
    )
    assert types == {"single_mandate": 29, "party_list": 69}
    links = sum(
        1
        for d in sitting(dataset)
        for field in ("telegram_link", "instagram_link", "facebook_link")
        if d["kk"][field]
    )
    accounts = rows(
        database_url,
        select(func.count()).where(
            SocialAccount.platform.in_(["telegram", "instagram", "facebook"])
        ),
    )
    assert accounts[0][0] == links

    second = crawl(database_url, replica.url, "mazhilis-deputies")
    assert second.code == 0, second.stderr
    runs = rows(
        database_url,
        select(
            CrawlRun.outcome,
            CrawlRun.items_inserted,
            CrawlRun.items_updated,
            CrawlRun.items_unchanged,
        ).order_by(CrawlRun.id),
    )
    assert runs[0][:3] == ("success", runs[0][1], 0) and runs[0][1] > 98 * 3
    assert runs[1] == ("success", 0, 0, runs[0][1])

    status = mwatch("status", env={"DATABASE_URL": database_url})
    assert status.code == 0
    lines = [line for line in status.stdout.splitlines() if "mazhilis-deputies" in line]
    assert len(lines) == 2
    assert all("success" in line for line in lines)


def test_a_list_outside_the_sanity_band_fails_and_stores_nothing(
    sqlite_url, replica, dataset, tmp_path
):
    db.upgrade(sqlite_url)
    assert crawl(sqlite_url, replica.url, "mazhilis-deputies").code == 0
    broken = dict(
        dataset,
        deputies=sitting(dataset)[:3],
        requests=[],
        documents={},
        activities={},
        count_errors={},
    )
    path = tmp_path / "three-deputies.json"
    dump_dataset(broken, path)
    with ReplicaProcess(dataset=path) as three:
        result = crawl(sqlite_url, three.url, "mazhilis-deputies")
    assert result.code == 1
    assert "lists 3 deputies, outside the sanity band 80..110" in result.stdout
    [(outcome, message, report)] = rows(
        sqlite_url,
        select(CrawlRun.outcome, CrawlRun.message, CrawlRun.report)
        .order_by(CrawlRun.id.desc())
        .limit(1),
    )
    assert outcome == "failed"
    assert "sanity band" in message
    # Only the raw documents and the convocations were written; no deputy.
    assert set(report["tables"]) == {"source_documents", "convocations", "sessions"}
    assert report["tables"]["convocations"]["updated"] == 0
    assert rows(sqlite_url, select(func.count(Deputy.id)))[0][0] == 98
    assert rows(sqlite_url, select(func.count(DeputyName.id)))[0][0] == 196


def test_crawl_survives_the_flaky_profile(sqlite_url):
    db.upgrade(sqlite_url)
    with ReplicaProcess(faults="flaky") as flaky:
        result = crawl(sqlite_url, flaky.url, "mazhilis-deputies")
        stats = flaky.stats()
    print(f"flaky replica: {stats['requests']} requests, faults {stats['faults']}")
    assert result.code == 0, result.stdout + result.stderr
    assert rows(sqlite_url, select(func.count(Deputy.id)))[0][0] == 98


def test_demo_crawls_the_replica_into_a_fresh_database(tmp_path):
    result = mwatch("demo", "--dir", str(tmp_path))
    assert result.code == 0, result.stderr
    assert re.search(r"^  deputies +98$", result.stdout, re.MULTILINE)
    assert re.search(r"^  deputy_names +196$", result.stdout, re.MULTILINE)
    assert "success" in result.stdout
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert rows(url, select(func.count(Deputy.id)))[0][0] == 98
