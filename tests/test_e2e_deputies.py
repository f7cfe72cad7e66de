"""The real crawler against the running replica, into SQLite and PostgreSQL: the
sitting deputies from the plain lists, the former ones from by-alphabet."""

import copy
import re
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import func, select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import (
    Convocation,
    CrawlRun,
    Deputy,
    DeputyName,
    Mandate,
    Meeting,
    Post,
    SocialAccount,
)
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


def former(dataset):
    return [d for d in dataset["deputies"] if not d["kk"]["is_active"]]


def public_avatar(obj) -> str:
    """The avatar on the site's public host, its name percent-encoded once."""
    path = unquote(obj["avatar_url"].removeprefix("http://mazhilis.parlam.kz"))
    return "https://mazhilis.parlam.kz" + quote(path)


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
        for d in dataset["deputies"]
        for lang in ("kk", "ru")
    }
    names = rows(
        database_url,
        select(Deputy.mazhilis_id, DeputyName.lang, DeputyName.full_name).join(
            DeputyName.deputy
        ),
    )
    assert len(sitting(dataset)) == 98 and len(former(dataset)) == 6
    assert set(names) == expected
    assert len(names) == len(expected) == 2 * 104
    # Former deputies are stored, not sitting, with the avatar's public link.
    stored = {
        mazhilis_id: (active, avatar)
        for mazhilis_id, active, avatar in rows(
            database_url,
            select(Deputy.mazhilis_id, Deputy.is_active, Deputy.avatar_url),
        )
    }
    assert stored == {
        d["kk"]["id"]: (d["kk"]["is_active"], public_avatar(d["kk"]))
        for d in dataset["deputies"]
    }
    assert stored[19] == (
        False,
        "https://mazhilis.parlam.kz/media/deputy_avatars/19/2023-03-29/"
        "%D0%9A%D0%B5%D0%BD%D0%B6%D0%B5%D0%B1%D0%B5%D0%BA%D0%BE%D0%B2_2023_22.JPG",
    )
    types = dict(
        rows(
            database_url,
            select(Mandate.deputy_type, func.count())
            .join(Deputy)
            .where(Deputy.is_active)
            .group_by(Mandate.deputy_type),
        )
    )
    assert types == {"single_mandate": 29, "party_list": 69}
    links = sum(
        1
        for d in dataset["deputies"]
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
    assert runs[0][:3] == ("success", runs[0][1], 0) and runs[0][1] > 104 * 3
    assert runs[1] == ("success", 0, 0, runs[0][1])

    status = mwatch("status", env={"DATABASE_URL": database_url})
    assert status.code == 0
    lines = [line for line in status.stdout.splitlines() if "mazhilis-deputies" in line]
    assert len(lines) == 2
    assert all("success" in line for line in lines)
    # The published lists count the sitting deputies, as the database does.
    assert "reconciliation: every published total matches" in status.stdout


def test_a_deputy_whose_mandate_ends_is_kept_not_sitting(sqlite_url, replica, dataset):
    db.upgrade(sqlite_url)
    assert crawl(sqlite_url, replica.url, "mazhilis-deputies").code == 0
    (before,) = rows(sqlite_url, select(func.count(DeputyName.id)))[0]
    leaving = copy.deepcopy(dataset)
    pair = next(d for d in leaving["deputies"] if d["kk"]["id"] == 56)
    pair["kk"]["is_active"] = pair["ru"]["is_active"] = False
    # A former deputy the site no longer lists at all is kept too.
    leaving["deputies"] = [d for d in leaving["deputies"] if d["kk"]["id"] != 120]
    leaving["requests"], leaving["documents"], leaving["activities"] = [], {}, {}
    leaving["count_errors"] = {}
    path = sqlite_url.removeprefix("sqlite:///") + ".json"
    dump_dataset(leaving, path)
    with ReplicaProcess(dataset=path) as changed:
        result = crawl(sqlite_url, changed.url, "mazhilis-deputies")
    assert result.code == 0, result.stdout + result.stderr
    stored = {
        mazhilis_id: (active, gone is not None)
        for mazhilis_id, active, gone in rows(
            sqlite_url,
            select(Deputy.mazhilis_id, Deputy.is_active, Deputy.no_longer_seen_at),
        )
    }
    assert len(stored) == 104
    assert stored[56] == (False, False)  # listed in by-alphabet, not sitting
    assert stored[120] == (False, True)  # listed nowhere: gone, not deleted
    assert stored[71] == (True, False)
    assert rows(sqlite_url, select(func.count(DeputyName.id)))[0][0] == before


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
    assert rows(sqlite_url, select(func.count(Deputy.id)))[0][0] == 104
    assert rows(sqlite_url, select(func.count(DeputyName.id)))[0][0] == 208


def test_crawl_survives_the_flaky_profile(sqlite_url):
    db.upgrade(sqlite_url)
    with ReplicaProcess(faults="flaky") as flaky:
        result = crawl(sqlite_url, flaky.url, "mazhilis-deputies")
        stats = flaky.stats()
    print(f"flaky replica: {stats['requests']} requests, faults {stats['faults']}")
    assert result.code == 0, result.stdout + result.stderr
    assert rows(sqlite_url, select(func.count(Deputy.id)))[0][0] == 104


def test_demo_crawls_the_replica_into_a_fresh_database(tmp_path):
    result = mwatch("demo", "--dir", str(tmp_path))
    assert result.code == 0, result.stderr
    # 98 sitting deputies and 6 former ones.
    assert re.search(r"^  deputies +104$", result.stdout, re.MULTILINE)
    assert re.search(r"^  deputy_names +208$", result.stdout, re.MULTILINE)
    assert "success" in result.stdout
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert rows(url, select(func.count(Deputy.id)))[0][0] == 104
    # The meetings are matched after the crawl, as `mwatch crawl` does.
    assert "meetings matched:" in result.stdout
    assert rows(url, select(func.count(Meeting.id)))[0][0] > 0
    # The report it suggests covers every post it stored.
    suggested = re.search(
        r"mwatch report session --convocation (\d+)$", result.stdout, re.MULTILINE
    )
    assert suggested, result.stdout
    [(start, end)] = rows(
        url,
        select(Convocation.start_date, Convocation.end_date).where(
            Convocation.number == int(suggested[1])
        ),
    )
    days = [posted.date() for (posted,) in rows(url, select(Post.posted_at))]
    assert days and all(start <= day and (end is None or day <= end) for day in days)
    report = mwatch(
        "report", "session", "--convocation", suggested[1], env={"DATABASE_URL": url}
    )
    assert report.code == 0, report.stderr
