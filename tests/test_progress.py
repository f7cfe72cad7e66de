"""A crawl shows its progress: on a terminal a progress line that log lines never
run into, elsewhere a log line now and then; its figures are the rows written,
as the closing table says. Scrapy's own INFO lines show only at DEBUG, and a
site that cannot be reached costs a line, not a traceback."""

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

# A terminal's "erase the line": what the progress line is redrawn after.
ERASE = re.compile(r"\r?\x1b\[2?K")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def replica():
    with ReplicaProcess() as running:
        yield running


def table_figures(stdout: str, source: str) -> tuple[int, int]:
    """The pages and rows inserted of `source`'s run in the closing table."""
    [line] = [
        line for line in stdout.splitlines() if re.match(rf"\d+ +{source} ", line)
    ]
    cells = line.split()
    return int(cells[-6]), int(cells[-5])


def screen_lines(output: str) -> list[str]:
    """The lines a terminal shows of `output`: each what is left after its last
    erase, without colours."""
    return [
        ANSI.sub("", ERASE.split(line)[-1]).rstrip("\r") for line in output.split("\n")
    ]


def test_without_a_terminal_progress_is_logged_as_the_table_counts(sqlite_url, replica):
    db.upgrade(sqlite_url)
    environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
    result = mwatch(
        "crawl", "--log-level", "INFO", "mazhilis-deputies", env=environment
    )
    assert result.code == 0, result.stderr
    done = re.search(
        r"done: mazhilis-deputies: (\d+) pages, (\d+) inserted, 0 updated, "
        r"0 unchanged, 0 errors",
        result.stderr,
    )
    assert done, result.stderr
    assert (int(done[1]), int(done[2])) == table_figures(
        result.stdout, "mazhilis-deputies"
    )
    assert int(done[2]) > 98
    assert "\r" not in result.stderr
    # Scrapy's settings, middlewares and stats are not logged below DEBUG.
    assert "[scrapy" not in result.stderr
    assert len(result.stderr.splitlines()) < 10, result.stderr


def test_scrapy_logs_its_own_lines_at_debug(sqlite_url, replica):
    db.upgrade(sqlite_url)
    environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
    result = mwatch(
        "crawl", "--log-level", "DEBUG", "mazhilis-deputies", env=environment
    )
    assert result.code == 0, result.stderr
    assert "[scrapy.statscollectors] INFO: Dumping Scrapy stats" in result.stderr
    assert "[scrapy.crawler] INFO: Overridden settings" in result.stderr


def test_on_a_terminal_log_lines_never_run_into_the_progress_line(sqlite_url, replica):
    """Amanat's crawl with no deputy stored warns while its progress shows."""
    db.upgrade(sqlite_url)
    leader, follower = pty.openpty()
    environment = dict(os.environ) | {
        "DATABASE_URL": sqlite_url,
        "MWATCH_MAZHILIS_URL": replica.url,
        "MWATCH_AMANAT_URL": replica.urls["amanat"],
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "crawl", "amanat"],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=environment,
        cwd=settings.PROJECT_ROOT,
        text=True,
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
    stdout = process.stdout.read()
    assert process.wait(timeout=60) == 0, stdout
    os.close(leader)
    lines = screen_lines(output.decode())
    warned = [line for line in lines if "no deputy is stored" in line]
    assert warned, lines
    # The warning starts a line of its own: no progress text before it.
    assert all("errors" not in line for line in warned), warned
    progress = [line for line in lines if "amanat: " in line]
    final = re.search(
        r"amanat: (\d+) pages, (\d+) inserted, 0 updated, 0 unchanged, 0 errors",
        progress[-1],
    )
    assert final, progress[-1]
    assert (int(final[1]), int(final[2])) == table_figures(stdout, "amanat")
    assert int(final[2]) > 0
    # Quiet on a terminal: no INFO log lines between the updates.
    assert "[scrapy" not in "\n".join(lines)


def test_an_unreachable_site_costs_a_line_not_a_traceback(sqlite_url):
    """A closed port: each failure is one line, the table says what happened
    and suggests the demo, which needs no network."""
    db.upgrade(sqlite_url)
    closed = "http://127.0.0.1:1"
    environment = {
        "DATABASE_URL": sqlite_url,
        "MWATCH_MAZHILIS_URL": closed,
        "MWATCH_AMANAT_URL": closed,
        "MWATCH_LOG_LEVEL": "INFO",
    }
    result = mwatch("crawl", "mazhilis-deputies", "amanat", env=environment)
    assert result.code == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "DownloadConnectionRefusedError" in result.stderr
    assert len(result.stderr.splitlines()) < 30, result.stderr
    assert "no source could be reached" in result.stdout
    assert "`make demo` or `mwatch demo`" in result.stdout
