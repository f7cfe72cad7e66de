"""Fixtures: the shared source samples, fresh databases (SQLite and PostgreSQL)
and a running replica of the sources."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import settings

SAMPLES = Path(
    os.environ.get(
        "MWATCH_SAMPLES_DIR", settings.PROJECT_ROOT.parent / "shared" / "sources"
    )
)
# A server where the tests may create and drop databases of their own.
POSTGRES_URL = os.environ.get(
    "MWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def samples() -> Path:
    if not (SAMPLES / "SOURCES.md").exists():
        pytest.fail(f"the shared source samples are not at {SAMPLES}")
    return SAMPLES


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped after the test."""
    name = f"mwatch_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(POSTGRES_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on both databases."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(fixture)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched as the crawler launches it (settings.py)."""
    options = settings.PLAYWRIGHT_LAUNCH_OPTIONS
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=options["executable_path"], args=options["args"]
        )
        yield chromium
        chromium.close()
