"""Records per second of the storage pipeline (upserts, pages written in groups,
each page whole or not at all) into SQLite and PostgreSQL, next to a plain
SQLAlchemy Core executemany insert of the same rows in one transaction: the
activities (written a table at a time) and the Telegram posts (written a post
at a time, as the writers store them), as the spiders yield them."""

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from twisted.python.failure import Failure

from bench.common import fresh_sqlite, table
from cli.crawling import project_settings
from crawl.pipeline import StoragePipeline
from records import Page, RawDocument
from replica import generate_dataset
from replica.telegram import PAGE, PER_PAGE, PREFIX, render_message
from spiders.mazhilis_activities import MazhilisActivitiesSpider
from spiders.mazhilis_activities_page import parse_activity
from spiders.telegram import TelegramSpider, post_item
from spiders.telegram_page import parse_channel_page
from storage import db
from storage.models import Activity, Base, Post, SourceDocument

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PAGE_SIZE = 100
REPEATS = 3


def pages(scale: int, per_deputy: bool) -> list[Page]:
    """The replica's activities as the spider yields them, each page with its raw
    document: a deputy's page (5 to 40 records, as the API serves them), or, when
    not `per_deputy`, pages of 100 (as full pages of requests come)."""
    dataset = generate_dataset(scale=scale)
    by_deputy = sorted(dataset["activities"].items())
    if not per_deputy:
        flat = [(d, obj) for d, objects in by_deputy for obj in objects]
        by_deputy = [
            (flat[start][0], [obj for _, obj in flat[start : start + PAGE_SIZE]])
            for start in range(0, len(flat), PAGE_SIZE)
        ]
    result = []
    for deputy, objects in by_deputy:
        for start in range(0, len(objects), PAGE_SIZE):
            chunk = objects[start : start + PAGE_SIZE]
            document = RawDocument(
                source="mazhilis",
                url=f"https://mazhilis.example/api/core/deputies/{deputy}/"
                f"activities/?offset={start}",
                http_status=200,
                body=json.dumps({"count": len(objects), "result": chunk}).encode(),
                fetched_at=datetime.now(UTC),
                content_type="application/json",
            )
            items = [parse_activity(obj, int(deputy)) for obj in chunk]
            for item in items:
                item.document = document.ref
            result.append(Page([document], items))
    return result


def post_pages(scale: int) -> list[Page]:
    """The replica's Telegram posts as the spider yields them: each channel's
    pages of 20 as the preview serves them, parsed, each page with its HTML."""
    dataset = generate_dataset(scale=scale)
    result = []
    for name, account in sorted(dataset["telegram"].items()):
        posts = sorted(account["posts"], key=lambda post: post["id"])
        for end in range(len(posts), 0, -PER_PAGE):
            page = posts[max(0, end - PER_PAGE) : end]
            html = PAGE.format(
                prefix=PREFIX, channel=name, title="", description="",
                subscribers="", prev="", more="",
                messages="".join(
                    render_message(name, account, post, i)
                    for i, post in enumerate(page, start=1)
                ),
            )  # fmt: skip
            document = RawDocument(
                source="telegram",
                url=f"https://t.me/s/{name}?before={page[-1]['id'] + 1}",
                http_status=200,
                body=html.encode(),
                fetched_at=datetime.now(UTC),
                content_type="text/html",
            )
            items = [
                post_item(post)
                for post in parse_channel_page(html).posts
                if not post.service
            ]
            for item in items:
                item.document = document.ref
            if items:
                result.append(Page([document], items))
    return result


def through_pipeline(url: str, batch: list[Page], spider: type) -> float:
    """Seconds the storage pipeline takes to write the pages."""
    settings = project_settings({"DATABASE_URL": url})
    if not is_reactor_installed():
        install_reactor(settings["TWISTED_REACTOR"])
    crawler = get_crawler(spider, settings.copy_to_dict())
    crawler.spider = crawler._create_spider()
    pipeline = StoragePipeline.from_crawler(crawler)
    pipeline.open_spider()
    started = time.perf_counter()
    # As `process_item` does, without a running reactor to await the groups in;
    # the last group is written when the spider closes.
    stored = [pipeline.enqueue(page) for page in batch]
    pipeline.flush()
    elapsed = time.perf_counter() - started
    failed = [result for result in stored if isinstance(result.result, Failure)]
    if failed:
        raise RuntimeError(f"{len(failed)} pages not stored: {failed[0].result}")
    pipeline.engine.dispose()
    return elapsed


def through_executemany(
    source_url: str, url: str, model: type[Base]
) -> tuple[int, float]:
    """The rows the pipeline stored (documents and `model`'s), inserted into a
    fresh database by one Core executemany per table in one transaction:
    records, seconds."""
    source = create_engine(source_url)
    with source.connect() as connection:
        documents = [
            dict(row._mapping)
            for row in connection.execute(select(SourceDocument.__table__))
        ]
        stored = [
            dict(row._mapping)
            for row in connection.execute(select(model.__table__))  # type: ignore[arg-type]
        ]
    source.dispose()
    target = db.make_engine(url)
    started = time.perf_counter()
    with target.begin() as connection:
        connection.execute(insert(SourceDocument.__table__), documents)
        connection.execute(insert(model.__table__), stored)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    target.dispose()
    return len(stored), elapsed


class PostgresDatabase:
    """A new PostgreSQL database, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"mwatch_bench_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> str:
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        url = make_url(POSTGRES_URL).set(database=self.name)
        url = url.render_as_string(hide_password=False)
        db.upgrade(url)
        return url

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as connection:
            drop = f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'
            connection.execute(text(drop))
        self.admin.dispose()


def run(folder: Path, scale: int = 3) -> str:
    rows = []
    for what, batch, model in (
        ("activities, a deputy's pages", pages(scale, per_deputy=True), Activity),
        ("activities, pages of 100", pages(scale, per_deputy=False), Activity),
        ("Telegram posts, pages of 20", post_pages(1), Post),
    ):
        rows += [[what, *row] for row in measure(folder, batch, model)]
    return "Storage (goal: ratio at least 0.9)\n\n" + table(
        ["what", "database", "records", "pages", "pipeline records/s",
         "executemany records/s (baseline)", "ratio"],
        rows,
    )  # fmt: skip


def measure(folder: Path, batch: list[Page], model: type[Base]) -> list[list[object]]:
    """Each database's rates, each the best of `REPEATS` runs (the machine's
    other work only ever slows a run down)."""
    spider = TelegramSpider if model is Post else MazhilisActivitiesSpider
    records = sum(len(page.records) for page in batch)
    rows: list[list[object]] = []
    for name in ("SQLite", "PostgreSQL"):
        seconds, plain_seconds = [], []
        for repeat in range(REPEATS):
            if name == "SQLite":
                pipeline_url = fresh_sqlite(folder, f"pipeline-{repeat}")
                plain_url = fresh_sqlite(folder, f"plain-{repeat}")
                seconds.append(through_pipeline(pipeline_url, batch, spider))
                stored, plain = through_executemany(pipeline_url, plain_url, model)
            else:
                with (
                    PostgresDatabase() as pipeline_url,
                    PostgresDatabase() as plain_url,
                ):
                    seconds.append(through_pipeline(pipeline_url, batch, spider))
                    stored, plain = through_executemany(pipeline_url, plain_url, model)
            plain_seconds.append(plain)
            if stored != records:
                raise RuntimeError(f"{name}: {stored} records stored of {records}")
        ours, plain = records / min(seconds), records / min(plain_seconds)
        rows.append(
            [name, records, len(batch), f"{ours:.0f}", f"{plain:.0f}",
             f"{ours / plain:.2f}"]
        )  # fmt: skip
    return rows
