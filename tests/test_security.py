"""Nothing let in: links off a source's host are not followed, hostile values are
stored as text (never as SQL), and credentials never reach logs or the database."""

import copy

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from cli.crawling import project_settings
from replica import ReplicaProcess, dump_dataset, generate_dataset
from spiders.mazhilis_requests import MazhilisRequestsSpider
from storage import db
from storage.models import CrawlRun, Deputy, DeputyName, DeputyRequest
from tests.e2e import mwatch

HOSTILE = [
    'O\'Brien "Robert"; DROP TABLE deputies;--',
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "Robert'); DELETE FROM deputy_requests WHERE ('1'='1",
    "bell\x07 escape\x1b[31m nul\x00 end",
    "Ә" * 100_000,
]


def test_links_off_the_source_host_are_not_followed():
    settings = project_settings({"MAZHILIS_URL": "https://mazhilis.parlam.kz"})
    if not is_reactor_installed():
        install_reactor(settings["TWISTED_REACTOR"])
    crawler = get_crawler(MazhilisRequestsSpider, settings.copy_to_dict())
    crawler.spider = MazhilisRequestsSpider.from_crawler(crawler)
    middleware = OffsiteMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    assert crawler.spider.allowed_domains == ["mazhilis.parlam.kz"]
    middleware.process_request(Request("https://mazhilis.parlam.kz/media/r/1.pdf"))
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("https://evil.example/media/r/1.pdf"))


@pytest.mark.e2e
def test_hostile_names_and_titles_are_stored_as_text(database_url, tmp_path):
    dataset = generate_dataset()
    hostile = copy.deepcopy(dataset)
    deputies = [d for d in hostile["deputies"] if d["kk"]["is_active"]][: len(HOSTILE)]
    for deputy, value in zip(deputies, HOSTILE, strict=True):
        deputy["kk"]["first_name"] = deputy["ru"]["first_name"] = value
    requests = hostile["requests"][: len(HOSTILE)]
    for request, value in zip(requests, HOSTILE, strict=True):
        request["title"] = value
    path = tmp_path / "hostile.json"
    dump_dataset(hostile, path)
    db.upgrade(database_url)
    with ReplicaProcess(dataset=path) as replica:
        environment = {"DATABASE_URL": database_url, "MWATCH_MAZHILIS_URL": replica.url}
        result = mwatch(
            "crawl", "mazhilis-deputies", "mazhilis-requests", env=environment
        )
    assert result.code == 0, result.stdout + result.stderr

    engine = db.make_engine(database_url)
    with db.make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count(Deputy.id))) == 98
        assert session.scalar(select(func.count(DeputyRequest.id))) == len(
            dataset["requests"]
        )
        for deputy, value in zip(deputies, HOSTILE, strict=True):
            names = set(
                session.scalars(
                    select(DeputyName.first_name)
                    .join(DeputyName.deputy)
                    .where(Deputy.mazhilis_id == deputy["kk"]["id"])
                )
            )
            # Control characters go (PostgreSQL refuses NUL), a name is cut at 200
            # characters; the rest is kept as it was.
            assert names == {clipped(value, 200)}
        titles = {
            r.mazhilis_id: r.title
            for r in session.scalars(
                select(DeputyRequest).where(
                    DeputyRequest.mazhilis_id.in_([r["id"] for r in requests])
                )
            )
        }
        for request, value in zip(requests, HOSTILE, strict=True):
            assert titles[request["id"]] == clipped(value, len(value))
    engine.dispose()


CONTROLS = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def clipped(value: str, limit: int) -> str:
    text = " ".join(value.translate(CONTROLS).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@pytest.mark.e2e
def test_the_database_password_is_never_logged_or_stored(postgres_url):
    password = "S3cret-pass-4-test"
    with_password = postgres_url.replace("postgres@", f"postgres:{password}@", 1)
    assert password in with_password
    db.upgrade(with_password)
    with ReplicaProcess() as replica:
        environment = {
            "DATABASE_URL": with_password,
            "MWATCH_MAZHILIS_URL": replica.url,
            "MWATCH_LOG_LEVEL": "DEBUG",
        }
        result = mwatch(
            "crawl", "--log-level", "DEBUG", "mazhilis-deputies", env=environment
        )
        status = mwatch("status", env=environment)
    assert result.code == 0
    assert password not in result.stdout + result.stderr + status.stdout
    engine = db.make_engine(postgres_url)
    with db.make_sessionmaker(engine)() as session:
        reports = [str(r) for r in session.scalars(select(CrawlRun.report))]
    engine.dispose()
    assert reports and all(password not in report for report in reports)
