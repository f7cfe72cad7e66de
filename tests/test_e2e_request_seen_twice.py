"""A request seen several times (through each deputy who signed it, and again on
a later run) is stored once, with each participant once: the real crawler
against the running replica."""

from collections import Counter

import pytest
from sqlalchemy import select

from replica import ReplicaProcess, generate_dataset
from storage import db
from storage.models import CrawlRun, DeputyRequest, RequestParticipant
from tests.e2e import mwatch, rows

pytestmark = pytest.mark.e2e


def signers(request: dict) -> set[int]:
    return {p["id"] for p in request["initiators"] + request["signatories"] if p["id"]}


def test_a_request_seen_through_several_deputies_and_runs_is_stored_once(
    sqlite_url,
):
    # Half a year keeps the crawl short (and its PDFs few).
    since, until = "2024-12-01", "2025-06-30"
    requests = [
        r for r in generate_dataset()["requests"] if since <= r["request_date"] <= until
    ]
    first = 71
    mine = [r for r in requests if first in signers(r)]
    # The deputy who signed most of the same requests.
    together = Counter(d for r in mine for d in signers(r) if d != first)
    second, shared = together.most_common(1)[0]
    assert shared >= 2
    expected = {r["id"] for r in requests if signers(r) & {first, second}}
    participants = sum(
        len(r["initiators"]) + len(r["signatories"])
        for r in requests
        if r["id"] in expected
    )

    db.upgrade(sqlite_url)
    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
        for deputy in (first, second, first):
            result = mwatch(
                "backfill",
                *("--deputy", str(deputy), "--since", since, "--until", until),
                "mazhilis-requests",
                env=environment,
            )
            assert result.code == 0, result.stdout + result.stderr

    stored = [r[0] for r in rows(sqlite_url, select(DeputyRequest.mazhilis_id))]
    assert len(stored) == len(set(stored)) == len(expected)
    assert set(stored) == expected
    people = rows(
        sqlite_url,
        select(RequestParticipant.request_id, RequestParticipant.name_as_given),
    )
    assert len(people) == len(set(people)) == participants
    # The third run saw only requests already stored, unchanged.
    last = rows(
        sqlite_url,
        select(CrawlRun.items_inserted, CrawlRun.items_updated)
        .order_by(CrawlRun.id.desc())
        .limit(1),
    )
    assert last == [(0, 0)]
