"""The command line: help everywhere, and clear errors for expected mistakes."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import mwatch

COMMANDS = [
    [],
    ["db"],
    ["db", "upgrade"],
    ["db", "downgrade"],
    ["db", "current"],
    ["db", "check"],
    ["crawl"],
    ["backfill"],
    ["status"],
    ["accounts"],
    ["accounts", "load"],
    ["demo"],
    ["replica"],
    ["replica", "serve"],
    ["replica", "generate"],
    ["match"],
    ["match", "review"],
    ["meetings"],
    ["meetings", "match"],
    ["report"],
    ["report", "deputy"],
    ["report", "session"],
    ["export"],
    ["browse"],
    ["login"],
    ["topics"],
    ["programme"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_explains_itself(command):
    result = mwatch(*command, "--help")
    assert result.code == 0, result.stderr
    assert "usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 3


@pytest.mark.parametrize("command", [[], ["report", "session"], ["topics", "tag"]])
def test_the_installed_command_runs_outside_the_checkout(command, tmp_path):
    """`mwatch` as installed (not `python -m` in the checkout) finds every
    package it is made of."""
    installed = Path(sys.executable).parent / "mwatch"
    done = subprocess.run(
        [installed, *command, "--help"], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


def test_crawl_help_names_the_sources():
    assert "mazhilis-deputies" in mwatch("crawl", "--help").stdout


def test_unparseable_database_url_is_named(tmp_path):
    result = mwatch("status", env={"DATABASE_URL": "not a url"})
    assert result.code == 2
    assert "DATABASE_URL 'not a url'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_named_without_its_password():
    url = "postgresql+psycopg://someone:secret@127.0.0.1:1/nowhere"
    result = mwatch("db", "upgrade", env={"DATABASE_URL": url})
    assert result.code == 2
    assert "cannot open the database" in result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_crawl_before_upgrade_says_what_to_run(sqlite_url):
    result = mwatch("crawl", env={"DATABASE_URL": sqlite_url})
    assert result.code == 2
    assert "run `mwatch db upgrade` first" in result.stderr


def test_unknown_source_lists_the_sources(sqlite_url):
    result = mwatch("crawl", "parliament", env={"DATABASE_URL": sqlite_url})
    assert result.code == 2
    assert "unknown source 'parliament'" in result.stderr
    assert "mazhilis-deputies" in result.stderr


def test_status_of_a_new_database(sqlite_url):
    assert mwatch("db", "upgrade", env={"DATABASE_URL": sqlite_url}).code == 0
    result = mwatch("status", env={"DATABASE_URL": sqlite_url})
    assert result.code == 0
    assert "no crawl runs yet" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--session", "2"], "--session needs --convocation"),
        (["--since", "2024-02-01", "--until", "2024-01-01"], "is after --until"),
        (["--since", "1.2.2024"], "is not a date: write it as YYYY-MM-DD"),
        (["mazhilis-deputies"], "has no dated records to backfill"),
        (["--convocation", "0"], "0 is not a positive number"),
    ],
)
def test_backfill_refuses_a_window_that_makes_no_sense(args, message, sqlite_url):
    result = mwatch("backfill", *args, env={"DATABASE_URL": sqlite_url})
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
