"""The chaos suite: the whole crawl against each of the replica's fault profiles
that a crawler can recover from ends with every record of the dataset stored."""

import copy

import pytest
from sqlalchemy import select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from storage import db
from storage.models import Activity, Deputy, DeputyRequest, RequestFile
from tests.e2e import mwatch

pytestmark = pytest.mark.e2e
SOURCES = ("mazhilis-deputies", "mazhilis-requests", "mazhilis-activities")
RECOVERABLE = ("none", "slow", "flaky", "chaos", "encodings", "garbled")


@pytest.fixture(scope="module")
def dataset():
    """The default dataset, with fewer requests and activities to keep it quick."""
    full = generate_dataset()
    small = copy.deepcopy(full)
    small["requests"] = full["requests"][:60]
    urls = {
        url
        for r in small["requests"]
        for url in (r["document_url"], (r["answer"] or {}).get("document_url"))
    }
    small["documents"] = {u: d for u, d in full["documents"].items() if u in urls}
    keep = sorted(small["activities"])[:10]
    small["activities"] = {k: small["activities"][k] for k in keep}
    return small


@pytest.fixture(scope="module")
def dataset_file(dataset, tmp_path_factory):
    path = tmp_path_factory.mktemp("chaos") / "dataset.json"
    dump_dataset(dataset, path)
    return path


def public(link: str) -> str:
    """A document's link as stored: on the site's public host, https."""
    return "https://mazhilis.parlam.kz" + link.removeprefix("http://mazhilis.parlam.kz")


def expected(dataset):
    sitting = {d["kk"]["id"] for d in dataset["deputies"] if d["kk"]["is_active"]}
    files = {
        (public(path), doc["fault"] or "ok")
        for path, doc in dataset["documents"].items()
        if doc["fault"] != "no_text"
    } | {
        (public(path), "no_text")
        for path, doc in dataset["documents"].items()
        if doc["fault"] == "no_text"
    }
    return {
        # The former deputies too, from by-alphabet.
        "deputies": {d["kk"]["id"] for d in dataset["deputies"]},
        "requests": {r["id"] for r in dataset["requests"]},
        "files": files,
        "activities": {
            a["id"]
            for deputy, items in dataset["activities"].items()
            if int(deputy) in sitting
            for a in items
        },
    }


def stored(url):
    engine = db.make_engine(url)
    try:
        with db.make_sessionmaker(engine)() as session:
            return {
                "deputies": set(session.scalars(select(Deputy.mazhilis_id))),
                "requests": set(session.scalars(select(DeputyRequest.mazhilis_id))),
                "files": {
                    (u, s)
                    for u, s in session.execute(
                        select(RequestFile.url, RequestFile.status)
                    )
                },
                "activities": set(session.scalars(select(Activity.mazhilis_id))),
            }
    finally:
        engine.dispose()


@pytest.mark.parametrize("profile", RECOVERABLE)
def test_every_record_is_stored_despite_the_faults(
    profile, dataset, dataset_file, tmp_path
):
    url = f"sqlite:///{tmp_path / 'chaos.sqlite'}"
    db.upgrade(url)
    with ReplicaProcess(dataset=dataset_file, faults=profile) as replica:
        environment = {
            "DATABASE_URL": url,
            "MWATCH_MAZHILIS_URL": replica.url,
            "MWATCH_RETRY_BACKOFF": "0.2",
            # The replica is the tests' own server: no need to spare it.
            "MWATCH_AUTOTHROTTLE": "off",
            # The trimmed data has gaps no real source has: silence is tested in
            # test_gates, not here.
            "MWATCH_SILENCE_MIN_DAYS": "100000",
        }
        result = mwatch("crawl", *SOURCES, env=environment)
        stats = replica.stats()
    want, got = expected(dataset), stored(url)
    faults = {kind: n for kind, n in stats["faults"].items() if n}
    print(
        f"\n{profile:>10}: {stats['requests']} requests, faults {faults or 'none'}; "
        + "; ".join(
            f"{kind} expected {len(want[kind])} stored {len(got[kind])}"
            for kind in want
        )
    )
    assert result.code == 0, result.stdout + result.stderr
    assert got == want
    if profile != "none":
        assert faults, "the profile injected faults"
