"""Nothing lost: records that vanish are marked, never deleted; a crawl killed in
the middle ends, when run again, with exactly what a clean run stores."""

import copy
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

import settings
from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import (
    CrawlRun,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    RequestFile,
    RequestParticipant,
    SocialAccount,
)
from tests.e2e import mwatch, rows

pytestmark = pytest.mark.e2e


def test_a_deputy_gone_from_the_list_is_marked_not_deleted(sqlite_url, tmp_path):
    dataset = generate_dataset()
    db.upgrade(sqlite_url)
    leaving = next(d for d in dataset["deputies"] if d["kk"]["id"] == 71)
    without = copy.deepcopy(dataset)
    for deputy in without["deputies"]:
        if deputy["kk"]["id"] == 71:
            deputy["kk"]["is_active"] = deputy["ru"]["is_active"] = False
    path = tmp_path / "without-71.json"
    dump_dataset(without, path)

    def crawl(replica):
        environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
        return mwatch("crawl", "mazhilis-deputies", env=environment)

    def gone(model, condition):
        return rows(sqlite_url, select(model.no_longer_seen_at).where(condition))

    with ReplicaProcess() as full:
        assert crawl(full).code == 0
    with ReplicaProcess(dataset=path) as fewer:
        assert crawl(fewer).code == 0
    deputy = rows(sqlite_url, select(Deputy.id).where(Deputy.mazhilis_id == 71))
    assert len(deputy) == 1, "the deputy is kept"
    deputy_id = deputy[0][0]
    assert gone(Deputy, Deputy.id == deputy_id)[0][0] is not None
    assert all(
        r[0] is not None for r in gone(DeputyName, DeputyName.deputy_id == deputy_id)
    )
    assert gone(Mandate, Mandate.deputy_id == deputy_id)[0][0] is not None
    accounts = gone(SocialAccount, SocialAccount.deputy_id == deputy_id)
    assert accounts and all(r[0] is not None for r in accounts)
    others = gone(Deputy, Deputy.id != deputy_id)
    assert len(others) == 97 and all(r[0] is None for r in others)
    assert leaving["kk"]["last_name"] == "ҚҰСПАН"

    with ReplicaProcess() as back:
        assert crawl(back).code == 0
    assert gone(Deputy, Deputy.id == deputy_id)[0][0] is None
    [report] = rows(
        sqlite_url, select(CrawlRun.report).order_by(CrawlRun.id.desc()).limit(1)
    )
    assert report[0]["tables"]["deputies"]["updated"] == 1


def snapshot(url):
    """What a crawl of requests stores, without ids and times."""
    return {
        "requests": set(
            rows(url, select(DeputyRequest.mazhilis_id, DeputyRequest.item_hash))
        ),
        "participants": set(
            rows(
                url,
                select(
                    DeputyRequest.mazhilis_id,
                    RequestParticipant.role,
                    RequestParticipant.name_as_given,
                    RequestParticipant.link_status,
                ).join(RequestParticipant.request),
            )
        ),
        "files": set(
            rows(
                url,
                select(
                    DeputyRequest.mazhilis_id,
                    RequestFile.kind,
                    RequestFile.status,
                    RequestFile.content_hash,
                    RequestFile.text,
                ).join(RequestFile.request),
            )
        ),
    }


def test_a_crawl_killed_in_the_middle_ends_as_a_clean_one(tmp_path):
    clean_url = f"sqlite:///{tmp_path / 'clean.sqlite'}"
    killed_url = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    db.upgrade(clean_url)
    db.upgrade(killed_url)
    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": clean_url, "MWATCH_MAZHILIS_URL": replica.url}
        assert mwatch("crawl", "mazhilis-requests", env=environment).code == 0
    clean = snapshot(clean_url)
    assert len(clean["requests"]) > 400

    with ReplicaProcess(faults="slow") as slow:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "crawl", "mazhilis-requests"],
            env={
                **os.environ,
                "DATABASE_URL": killed_url,
                "MWATCH_MAZHILIS_URL": slow.url,
            },
            cwd=settings.PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
            stored = rows(killed_url, select(RequestFile.id))
            if len(stored) > 50:
                break
        process.send_signal(signal.SIGKILL)
        process.wait()
    partial = snapshot(killed_url)
    assert 0 < len(partial["files"]) < len(clean["files"]), "killed in the middle"
    status = mwatch("status", env={"DATABASE_URL": killed_url})
    assert "killed" in status.stdout
    # The killed run shows what it fetched and wrote, not "pages 0, inserted 0".
    [(pages, inserted)] = rows(
        killed_url, select(CrawlRun.pages, CrawlRun.items_inserted)
    )
    assert pages > 0 and inserted >= len(partial["files"]), (pages, inserted)

    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": killed_url, "MWATCH_MAZHILIS_URL": replica.url}
        again = mwatch("crawl", "--resume", env=environment)
        assert again.code == 0, again.stdout + again.stderr
        assert "resuming mazhilis-requests" in again.stdout
        nothing_left = mwatch("crawl", "--resume", env=environment)
    assert "nothing to resume" in nothing_left.stdout
    assert snapshot(killed_url) == clean
    outcomes = [o for (o,) in rows(killed_url, select(CrawlRun.outcome))]
    assert outcomes == ["killed", "success"]
