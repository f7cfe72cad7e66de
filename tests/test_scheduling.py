"""The nightly schedule: the shipped systemd units and cron lines are valid and run
commands mwatch accepts; two crawls never overlap; the log file rotates."""

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import settings
from cli.main import build_parser
from replica import ReplicaProcess
from storage import db
from tests.e2e import mwatch

DEPLOY = settings.PROJECT_ROOT / "deploy"
INSTALLED_ROOT = "/opt/mazhilis-watch"
INSTALLED_ENV = "/etc/mazhilis-watch/mwatch.env"
UNITS = sorted(DEPLOY.glob("mwatch-*.service")) + sorted(DEPLOY.glob("*.timer"))
# Cron's fields: minute, hour, day of month, month, day of week (0 and 7: Sunday).
CRON_FIELDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def environment_file() -> dict[str, str]:
    """deploy/mwatch.env, as systemd's EnvironmentFile= and `. file` read it."""
    values = {}
    for line in (DEPLOY / "mwatch.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def mwatch_arguments(command: list[str]) -> list[str]:
    """The arguments after the mwatch executable of a command line."""
    position = next(i for i, word in enumerate(command) if word.endswith("bin/mwatch"))
    return command[position + 1 :]


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """Verified as installed: paths pointed at this checkout, which has the
    executable, and at the example environment file."""
    assert shutil.which("systemd-analyze"), "systemd-analyze (Debian's systemd)"
    assert len(UNITS) == 4
    for unit in UNITS:
        text = unit.read_text().replace(INSTALLED_ENV, str(DEPLOY / "mwatch.env"))
        text = text.replace(INSTALLED_ROOT, str(settings.PROJECT_ROOT))
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(tmp_path.iterdir())],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    # An unknown key is only a warning (exit 0): any output is a failure here.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_timers_fire_nightly_and_weekly():
    calendars = {}
    for timer in DEPLOY.glob("*.timer"):
        (spec,) = re.findall(r"^OnCalendar=(.+)$", timer.read_text(), re.M)
        done = subprocess.run(
            ["systemd-analyze", "calendar", "--iterations=2", spec],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        calendars[timer.stem] = done.stdout
    assert "Normalized form: *-*-* 02:30:00" in calendars["mwatch-crawl"]
    assert "Normalized form: Sun *-*-* 05:00:00" in calendars["mwatch-backfill"]


@pytest.mark.parametrize("unit", ["mwatch-crawl", "mwatch-backfill"])
def test_each_service_runs_a_command_mwatch_accepts(unit):
    text = (DEPLOY / f"{unit}.service").read_text()
    (line,) = re.findall(r"^ExecStart=(.+)$", text, re.M)
    variables = environment_file()
    expanded = re.sub(r"\$\{(\w+)\}", lambda m: variables[m.group(1)], line)
    arguments = mwatch_arguments(shlex.split(expanded))
    parsed = build_parser().parse_args(arguments)
    assert parsed.command == unit.removeprefix("mwatch-")
    assert parsed.log_file.startswith("/var/log/mazhilis-watch/")


def cron_field_valid(field: str, low: int, high: int) -> bool:
    """One time field: *, numbers, ranges and steps, comma-separated."""
    for part in field.split(","):
        match = re.fullmatch(r"(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?", part)
        if match is None:
            return False
        numbers = [int(n) for n in match.group(2, 3) if n is not None]
        if any(not low <= n <= high for n in numbers) or numbers != sorted(numbers):
            return False
        if match.group(4) is not None and int(match.group(4)) == 0:
            return False
    return True


def cron_jobs() -> list[tuple[list[str], str, str]]:
    """deploy/crontab's jobs as (time fields, user, command); variable lines and
    comments checked and skipped."""
    jobs = []
    for line in (DEPLOY / "crontab").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if re.fullmatch(r"[A-Z_]+=\S+", line):
            continue
        fields = line.split(None, 6)
        assert len(fields) == 7, f"not a /etc/cron.d line: {line}"
        jobs.append((fields[:5], fields[5], fields[6]))
    return jobs


def test_cron_field_check_refuses_bad_fields():
    assert cron_field_valid("*/15", 0, 59) and cron_field_valid("1-5,7", 0, 7)
    assert not cron_field_valid("60", 0, 59)
    assert not cron_field_valid("5-1", 0, 59)
    assert not cron_field_valid("*/0", 0, 59)
    assert not cron_field_valid("mon", 0, 7)


def test_the_cron_lines_parse_and_run_commands_mwatch_accepts():
    jobs = cron_jobs()
    assert [fields for fields, _, _ in jobs] == [
        ["30", "2", "*", "*", "*"],
        ["0", "5", "*", "*", "0"],
    ]
    variables = environment_file()
    commands = []
    for fields, user, command in jobs:
        for field, (low, high) in zip(fields, CRON_FIELDS, strict=True):
            assert cron_field_valid(field, low, high), field
        assert user == "mwatch"
        assert "%" not in command, "cron turns % into a newline"
        syntax = subprocess.run(["sh", "-n", "-c", command], capture_output=True)
        assert syntax.returncode == 0, syntax.stderr
        # The mwatch command: the && step that runs it, its output redirected.
        step = next(s for s in command.split(" && ") if "bin/mwatch" in s)
        words = shlex.split(step.split(" >")[0])
        words = [re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], w) for w in words]
        parsed = build_parser().parse_args(mwatch_arguments(words))
        commands.append(parsed.command)
        assert parsed.log_file.startswith("/var/log/mazhilis-watch/")
    assert commands == ["crawl", "backfill"]


@pytest.fixture(scope="module")
def slow_replica():
    with ReplicaProcess(faults="slow") as running:
        yield running


def start_crawl(url: str, replica_url: str, lock: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "crawl", "mazhilis-requests"],
        env={
            **os.environ,
            "DATABASE_URL": url,
            "MWATCH_MAZHILIS_URL": replica_url,
            "MWATCH_LOCK_FILE": str(lock),
            "MWATCH_LOG_LEVEL": "WARNING",
        },
        cwd=settings.PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_holder(lock: Path, pid: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().startswith(f"pid {pid} "):
            return
        time.sleep(0.2)
    raise AssertionError(f"crawl {pid} never took the lock {lock}")


@pytest.mark.e2e
def test_a_second_crawl_exits_3_while_the_first_runs_and_runs_once_it_died(
    sqlite_url, tmp_path, slow_replica
):
    db.upgrade(sqlite_url)
    lock = tmp_path / "crawl.lock"
    env = {
        "DATABASE_URL": sqlite_url,
        "MWATCH_MAZHILIS_URL": slow_replica.url,
        "MWATCH_LOCK_FILE": str(lock),
    }
    first = start_crawl(sqlite_url, slow_replica.url, lock)
    try:
        wait_for_holder(lock, first.pid)
        # Stopped, the first crawl surely still holds the lock when the second
        # comes, however fast the machine.
        first.send_signal(signal.SIGSTOP)
        second = mwatch("crawl", "mazhilis-deputies", env=env)
        assert second.code == 3, second.stderr
        assert f"another crawl is running (pid {first.pid} on " in second.stderr
        assert str(lock) in second.stderr
        assert "Traceback" not in second.stderr
        backfill = mwatch("backfill", "--since", "2024-01-01", env=env)
        assert backfill.code == 3
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # The kernel released the dead crawl's lock: no stale lock to clear by hand.
    after = mwatch("crawl", "mazhilis-deputies", env=env)
    assert after.code == 0, after.stderr
    assert lock.read_text() == ""


@pytest.mark.e2e
def test_the_log_file_rotates_at_its_size(sqlite_url, tmp_path, slow_replica):
    db.upgrade(sqlite_url)
    log = tmp_path / "logs" / "crawl.log"
    result = mwatch(
        "crawl",
        "mazhilis-deputies",
        "--log-level",
        "DEBUG",
        "--log-file",
        str(log),
        env={
            "DATABASE_URL": sqlite_url,
            "MWATCH_MAZHILIS_URL": slow_replica.url,
            "MWATCH_LOCK_FILE": str(tmp_path / "crawl.lock"),
            "MWATCH_LOG_MAX_BYTES": "4000",
            "MWATCH_LOG_BACKUPS": "3",
        },
    )
    assert result.code == 0, result.stderr
    files = sorted(p.name for p in log.parent.iterdir())
    assert files == ["crawl.log", "crawl.log.1", "crawl.log.2", "crawl.log.3"]
    assert "Spider closed (finished)" in log.read_text()
    assert "DEBUG" in (log.parent / "crawl.log.3").read_text()
    # Nothing logged went to stderr: it all went to the file.
    assert "[scrapy" not in result.stderr
