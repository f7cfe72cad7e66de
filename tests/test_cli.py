"""The command line: help everywhere, and clear errors for expected mistakes."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import settings
from replica import ReplicaProcess, generate_dataset
from storage import db
from storage.models import CrawlRun, Post, SourceDocument
from tests.e2e import Result, mwatch, replica_today, rows

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


READ_ONLY = [
    ["status"],
    ["report", "session", "--convocation", "8"],
    ["report", "deputy", "71"],
    ["export", "--format", "csv", "--out", "{tmp}/export"],
    ["browse", "--no-open"],
    ["meetings", "list"],
    ["topics", "list"],
    ["db", "current"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_a_mistyped_database_path_is_named_and_never_created(command, tmp_path):
    mistyped = tmp_path / "data" / "mwatch.sqlit"
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
    result = mwatch(*args, env={"DATABASE_URL": f"sqlite:///{mistyped}"})
    assert result.code == 2, result.stdout + result.stderr
    assert str(mistyped) in result.stderr
    assert "no database file" in result.stderr or "no such database" in result.stderr
    assert "Traceback" not in result.stderr
    assert not mistyped.exists()
    assert not mistyped.parent.exists()


@pytest.mark.parametrize(
    "command", [["status"], ["meetings", "list"], ["db", "current"]], ids=" ".join
)
def test_output_cut_short_by_a_closed_pipe_ends_quietly(command, sqlite_url):
    """`mwatch status | head`: the reader goes away, mwatch ends without a
    traceback (the read end is closed before mwatch writes, so it always is)."""
    assert mwatch("db", "upgrade", env={"DATABASE_URL": sqlite_url}).code == 0
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", *command],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ) | {"DATABASE_URL": sqlite_url},
            cwd=settings.PROJECT_ROOT,
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 141


def in_read_only(folder: Path, *args: str, env: dict[str, str]) -> Result:
    """`mwatch` run where `folder` cannot be written: a read-only bind mount in
    a mount namespace of its own (root writes a folder whatever its mode), or,
    for another user, the folder's mode."""
    command = [sys.executable, "-m", "cli.main", *args]
    if os.geteuid() == 0:
        remount = (
            'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
        )
        command = ["unshare", "--map-root-user", "--mount", "sh", "-c", remount]
        command += [str(folder), sys.executable, "-m", "cli.main", *args]
    else:
        folder.chmod(0o555)
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=dict(os.environ) | {"MWATCH_TODAY": replica_today()} | env,
            cwd=settings.PROJECT_ROOT,
            timeout=600,
        )
    finally:
        folder.chmod(0o755)
    return Result(done.returncode, done.stdout, done.stderr)


def test_a_database_in_a_folder_that_cannot_be_written_is_named(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "mwatch.sqlite"
    url = f"sqlite:///{path}"
    assert mwatch("db", "upgrade", env={"DATABASE_URL": url}).code == 0
    for command in (["status"], ["crawl", "mazhilis-deputies"], ["db", "upgrade"]):
        result = in_read_only(folder, *command, env={"DATABASE_URL": url})
        assert result.code == 2, result.stdout + result.stderr
        # On a read-only file system the file is named, in a folder of mode 555
        # the folder; each with the reason.
        assert f"{folder} cannot be written (" in result.stderr or (
            f"{path} cannot be written (" in result.stderr
        )
        assert "unable to open database file" not in result.stderr
        assert "Traceback" not in result.stderr


def test_a_lock_file_that_cannot_be_opened_is_named(tmp_path, sqlite_url):
    """MWATCH_LOCK_FILE set to a folder, or in a read-only folder: a clear
    error naming it, exit 2, and no run recorded."""
    assert mwatch("db", "upgrade", env={"DATABASE_URL": sqlite_url}).code == 0
    environment = {
        "DATABASE_URL": sqlite_url,
        "MWATCH_MAZHILIS_URL": "http://127.0.0.1:9",
    }
    result = mwatch(
        "crawl",
        "mazhilis-deputies",
        env=environment | {"MWATCH_LOCK_FILE": str(tmp_path)},
    )
    assert result.code == 2, result.stdout + result.stderr
    assert f"MWATCH_LOCK_FILE {tmp_path}: cannot be opened" in result.stderr
    assert "set it to a file's path" in result.stderr
    assert "OSError" not in result.stderr and "Traceback" not in result.stderr

    locks = tmp_path / "locks"
    locks.mkdir()
    lock = locks / "crawl.lock"
    result = in_read_only(
        locks,
        "crawl",
        "mazhilis-deputies",
        env=environment | {"MWATCH_LOCK_FILE": str(lock)},
    )
    assert result.code == 2, result.stdout + result.stderr
    assert f"MWATCH_LOCK_FILE {lock}: cannot be opened" in result.stderr
    assert "Traceback" not in result.stderr
    assert rows(sqlite_url, select(CrawlRun.id)) == []


def test_a_report_page_that_cannot_be_written_is_refused_before_the_report(
    tmp_path, sqlite_url
):
    assert mwatch("db", "upgrade", env={"DATABASE_URL": sqlite_url}).code == 0
    pages = tmp_path / "pages"
    pages.mkdir()
    page = pages / "session.html"
    result = in_read_only(
        pages,
        "report",
        "session",
        "--convocation",
        "8",
        "--html",
        str(page),
        env={"DATABASE_URL": sqlite_url},
    )
    assert result.code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert f"--html {page}: its folder {pages} cannot be written" in result.stderr
    assert not page.exists()


@pytest.mark.e2e
@pytest.mark.parametrize(
    "stop", [signal.SIGTERM, signal.SIGINT], ids=lambda stop: stop.name
)
def test_a_crawl_stopped_by_a_signal_exits_130(stop, sqlite_url, tmp_path):
    """systemd's SIGTERM or Ctrl-C in the middle of a crawl: it stops, its run
    is closed (not left "running"), and it exits 130 as the README says."""
    db.upgrade(sqlite_url)
    output = tmp_path / "output.txt"
    with ReplicaProcess(faults="slow") as replica, open(output, "w") as file:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "crawl", "mazhilis-requests"],
            stdout=file,
            stderr=subprocess.STDOUT,
            env=dict(os.environ)
            | {
                "DATABASE_URL": sqlite_url,
                "MWATCH_MAZHILIS_URL": replica.url,
                "MWATCH_TODAY": replica_today(),
            },
            cwd=settings.PROJECT_ROOT,
        )
        try:
            deadline = time.monotonic() + 120
            # In the middle of the crawl: pages read and stored.
            while not rows(sqlite_url, select(SourceDocument.id).limit(1)):
                assert crawl.poll() is None, output.read_text()
                assert time.monotonic() < deadline, "nothing stored in 120 s"
                time.sleep(0.2)
            crawl.send_signal(stop)
            code = crawl.wait(timeout=120)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait()
    printed = output.read_text()
    assert code == 130, printed
    assert "interrupted" in printed
    assert "Traceback" not in printed
    [(outcome, message)] = rows(sqlite_url, select(CrawlRun.outcome, CrawlRun.message))
    assert outcome == "interrupted", message
    assert "`mwatch crawl --resume` finishes it" in message
    status = mwatch("status", env={"DATABASE_URL": sqlite_url})
    assert "interrupted" in status.stdout


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("window", "message"),
    [
        (
            ["--convocation", "99", "--session", "7"],
            "--convocation 99: the Mazhilis lists no such convocation "
            "(its convocations: 7, 8;",
        ),
        (
            ["--convocation", "8", "--session", "7"],
            "--session 7: convocation 8 has no such session (its sessions: 1, 2, 3, 4;",
        ),
    ],
    ids=["convocation", "session"],
)
def test_a_backfill_of_a_session_that_does_not_exist_records_nothing(
    window, message, sqlite_url
):
    """Bad input, not a failed crawl: exit 2 naming it, and no failed runs
    left for `mwatch status` and `--resume` to take as the night's."""
    db.upgrade(sqlite_url)
    with ReplicaProcess() as replica:
        environment = {"DATABASE_URL": sqlite_url, "MWATCH_MAZHILIS_URL": replica.url}
        result = mwatch("backfill", *window, env=environment)
    assert result.code == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert rows(sqlite_url, select(CrawlRun.id)) == []


@pytest.mark.e2e
def test_the_replica_served_by_hand_is_crawled_with_the_environment_it_prints(
    sqlite_url,
):
    """`mwatch replica serve` prints the environment that crawls it, its present
    day too: a crawl with that alone (no MWATCH_TODAY of the test's) raises no
    silence alert and exits 0."""
    db.upgrade(sqlite_url)
    serve = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "replica", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=settings.PROJECT_ROOT,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in serve.stdout], daemon=True
    ).start()

    def line() -> str:
        return lines.get(timeout=60)

    try:
        assert line().startswith("replica serving on http://")
        assert "environment" in line()
        printed = {}
        while len(printed) < 7:
            name, _, value = line().strip().partition("=")
            assert name.startswith("MWATCH_"), name
            printed[name] = value
        assert printed["MWATCH_TODAY"] == replica_today()
        for site in ("telegram", "instagram", "facebook", "amanat"):
            url = printed[f"MWATCH_{site.upper()}_URL"]
            assert url == f"{printed['MWATCH_MAZHILIS_URL']}/{site}"
        environment = {
            name: value for name, value in os.environ.items() if name != "MWATCH_TODAY"
        }
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", "crawl", "mazhilis-deputies"]
            + ["mazhilis-requests", "amanat"],
            capture_output=True,
            text=True,
            env=environment | printed | {"DATABASE_URL": sqlite_url},
            cwd=settings.PROJECT_ROOT,
            timeout=600,
        )
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ALERT" not in done.stdout
    outcomes = {o for (o,) in rows(sqlite_url, select(CrawlRun.outcome))}
    assert outcomes == {"success"}


@pytest.mark.e2e
def test_a_backfill_of_a_session_reads_its_posts_beyond_the_history_window(
    sqlite_url,
):
    """A first crawl of Telegram reads MWATCH_TELEGRAM_HISTORY_DAYS back (30
    here); a backfill of a session reads the session's posts, all of its days
    and none outside it."""
    db.upgrade(sqlite_url)
    [convocation] = [c for c in generate_dataset()["convocations"] if c["number"] == 8]
    [chosen] = [s for s in convocation["sessions"] if s["number"] == 4]
    start = date.fromisoformat(chosen["start_date"])
    end = date.fromisoformat(chosen["end_date"])
    with ReplicaProcess() as replica:
        environment = {
            "DATABASE_URL": sqlite_url,
            "MWATCH_MAZHILIS_URL": replica.url,
            "MWATCH_TELEGRAM_URL": replica.urls["telegram"],
            "MWATCH_TELEGRAM_HISTORY_DAYS": "30",
        }
        assert mwatch("crawl", "mazhilis-deputies", env=environment).code == 0
        window = ["--convocation", "8", "--session", "4"]
        result = mwatch("backfill", *window, "telegram", env=environment)
    assert result.code == 0, result.stdout + result.stderr
    posted = rows(sqlite_url, select(Post.posted_at))
    days = sorted(when.date() for (when,) in posted)
    assert days, "no post stored"
    assert start <= days[0] and days[-1] <= end, (days[0], days[-1])
    # The session's first week, months before the 30 days of history.
    assert days[0] < start + timedelta(days=7), days[0]
