"""Fixtures: the shared source samples, fresh databases (SQLite and PostgreSQL)
and a running replica of the sources."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

import settings
from tests.databases import postgres_database

SAMPLES = Path(
    os.environ.get(
        "MWATCH_SAMPLES_DIR", settings.PROJECT_ROOT.parent / "shared" / "sources"
    )
)


@pytest.fixture(scope="session", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data folder of the test run's own for every `mwatch` the tests start.

    The default database and the crawl lock live there, not in the checkout's
    data/: a developer's own crawl never holds the tests' lock, and each of the
    parallel test processes (pytest-xdist) has a lock of its own.
    """
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MWATCH_DATA_DIR", str(folder))
        patch.setenv("MWATCH_LOCK_FILE", str(folder / "crawl.lock"))
        yield folder


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
    with postgres_database() as url:
        yield url


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
