"""A small cut of the replica's default dataset, crawled end to end, for the tests
of exports and reports: every deputy and activity, an eighth of the requests and
the samples, and three Telegram channels."""

import copy
import functools
from pathlib import Path

from replica import ReplicaProcess, dump_dataset, generate_dataset
from replica.request_data import document_urls
from replica.samples import SAMPLE_REQUESTS
from storage import db
from tests.e2e import mwatch

SOURCES = ("mazhilis-deputies", "mazhilis-requests", "mazhilis-activities", "telegram")
CHANNELS = 3
LINKS = ("telegram_link", "instagram_link", "facebook_link")


def channel_of(link: str | None) -> str | None:
    return link.rstrip("/").rsplit("/", 1)[-1].lower() if link else None


def small_dataset() -> dict:
    return copy.deepcopy(_small_dataset())


@functools.cache
def _small_dataset() -> dict:
    dataset = copy.deepcopy(generate_dataset())
    samples = {r["id"] for r in SAMPLE_REQUESTS}
    kept = [
        r for i, r in enumerate(dataset["requests"]) if r["id"] in samples or i % 8 == 0
    ]
    urls = {url for r in kept for url in document_urls(r)}
    dataset["requests"] = kept
    dataset["documents"] = {
        url: doc for url, doc in dataset["documents"].items() if url in urls
    }
    channels = sorted(dataset["telegram"])[:CHANNELS]
    dataset["telegram"] = {c: dataset["telegram"][c] for c in channels}
    kept_channels = {c.lower() for c in channels}
    # Only Telegram is crawled here: other accounts would only be listed.
    for pair in dataset["deputies"]:
        for deputy in pair.values():
            if channel_of(deputy["telegram_link"]) not in kept_channels:
                deputy["telegram_link"] = None
            deputy["instagram_link"] = deputy["facebook_link"] = None
    dataset["instagram"], dataset["facebook"] = {}, {}
    return dataset


def crawl(url: str, replica: ReplicaProcess) -> None:
    """Every source of the small dataset into the database at `url`."""
    db.upgrade(url)
    environment = {
        "DATABASE_URL": url,
        "MWATCH_MAZHILIS_URL": replica.urls["mazhilis"],
        "MWATCH_TELEGRAM_URL": replica.urls["telegram"],
        # The replica is our own site: no need to spare it.
        "MWATCH_AUTOTHROTTLE": "off",
    }
    result = mwatch("crawl", *SOURCES, env=environment)
    assert result.code == 0, result.stdout + result.stderr


def write_small_dataset(folder: Path) -> Path:
    path = folder / "small.json"
    dump_dataset(small_dataset(), path)
    return path
