"""Nothing let in: links off a source's host are not followed, hostile values are
stored as text (never as SQL), and credentials never reach logs or the database."""

import copy
import csv
import json

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
        sitting = select(func.count(Deputy.id)).where(Deputy.is_active)
        assert session.scalar(sitting) == 98
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


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+7 701 000 00 00",
    "-2+3",
    "@SUM(A1:A9)",
]
# U+202E RIGHT-TO-LEFT OVERRIDE, a zero-width space, a soft hyphen and a byte order
# mark; the zero-width joiner of "👩‍💻" is kept.
INVISIBLE = "Отчёт\u202etxt.exe\u200b об\u00adразовании\ufeff 👩\u200d💻"
SHOWN = "Отчётtxt.exe образовании 👩\u200d💻"


@pytest.mark.e2e
def test_formulas_are_neutralised_in_csv_and_format_characters_dropped(
    sqlite_url, tmp_path
):
    """A monitor opening the CSV export in a spreadsheet runs no formula a
    source slipped into a title; the JSON export keeps the title as it is; an
    invisible character that reorders or hides text never reaches the database."""
    hostile = copy.deepcopy(generate_dataset())
    requests = hostile["requests"][: len(FORMULAS) + 1]
    for request, value in zip(requests, [*FORMULAS, INVISIBLE], strict=True):
        request["title"] = value
    deputy = next(d for d in hostile["deputies"] if d["kk"]["is_active"])
    deputy["kk"]["first_name"] = deputy["ru"]["first_name"] = "Аб\u202eзал"
    path = tmp_path / "hostile.json"
    dump_dataset(hostile, path)
    db.upgrade(sqlite_url)
    with ReplicaProcess(dataset=path) as replica:
        environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
        result = mwatch(
            "crawl", "mazhilis-deputies", "mazhilis-requests", env=environment
        )
    assert result.code == 0, result.stdout + result.stderr
    expected = dict(zip([r["id"] for r in requests], [*FORMULAS, SHOWN], strict=True))
    with db.session_for(sqlite_url) as session:
        stored = dict(
            session.execute(
                select(DeputyRequest.mazhilis_id, DeputyRequest.title).where(
                    DeputyRequest.mazhilis_id.in_(expected)
                )
            ).all()
        )
        names = set(
            session.scalars(
                select(DeputyName.first_name)
                .join(DeputyName.deputy)
                .where(Deputy.mazhilis_id == deputy["kk"]["id"])
            )
        )
    assert stored == expected
    assert names == {"Абзал"}

    for fmt in ("csv", "json"):
        done = mwatch(
            "export", "--format", fmt, "--out", str(tmp_path / fmt), env=environment
        )
        assert done.code == 0, done.stderr
    with open(tmp_path / "csv" / "requests.csv", encoding="utf-8", newline="") as file:
        in_csv = {
            int(row["mazhilis_id"]): row["title"]
            for row in csv.DictReader(file)
            if int(row["mazhilis_id"]) in expected
        }
    assert in_csv == {
        mazhilis_id: ("'" + title if title in FORMULAS else title)
        for mazhilis_id, title in expected.items()
    }
    in_json = json.loads((tmp_path / "json" / "requests.json").read_text("utf-8"))
    assert {
        r["mazhilis_id"]: r["title"] for r in in_json if r["mazhilis_id"] in expected
    } == expected
