"""A crawl shows its progress: one updating line on a terminal, log lines
elsewhere."""

import os
import pty
import re
import subprocess
import sys

import pytest

import settings
from replica import ReplicaProcess
from storage import db
from tests.e2e import mwatch

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def replica():
    with ReplicaProcess() as running:
        yield running


def test_without_a_terminal_progress_is_logged(sqlite_url, replica):
    db.upgrade(sqlite_url)
    environment = {
        "DATABASE_URL": sqlite_url,
        "MWATCH_MAZHILIS_URL": replica.url,
        "MWATCH_LOG_LEVEL": "INFO",
    }
    result = mwatch(
        "crawl", "--log-level", "INFO", "mazhilis-deputies", env=environment
    )
    assert result.code == 0
    # 98 deputies, 2 convocations, and the totals the kk and ru lists publish.
    assert re.search(
        r"done: mazhilis-deputies: \d+ pages, 102 records, 0 errors", result.stderr
    )
    assert "\r" not in result.stderr


def test_on_a_terminal_one_line_updates(sqlite_url, replica):
    db.upgrade(sqlite_url)
    leader, follower = pty.openpty()
    environment = dict(os.environ) | {
        "DATABASE_URL": sqlite_url,
        "MWATCH_MAZHILIS_URL": replica.url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "crawl", "mazhilis-deputies"],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=environment,
        cwd=settings.PROJECT_ROOT,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end closed
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=60) == 0
    os.close(leader)
    text = output.decode()
    assert "\r\x1b[Kmazhilis-deputies: " in text
    done = re.search(
        r"mazhilis-deputies: \d+ pages, (\d+) records, 0 errors\r?\n", text
    )
    assert done and int(done[1]) >= 98, text
    # Quiet on a terminal: no INFO log lines between the updates.
    assert "[scrapy" not in text
