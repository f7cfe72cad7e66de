"""`mwatch browse`: Datasette serves the database read-only, its tables described."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

import settings
from storage import db
from storage.models import Deputy

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
DEPUTIES = (
    (71, "ҚҰСПАН", "Абзал", "Темірғалиұлы"),
    (56, "ҚАЛЫҚОВ", "Арман", "Қобыландыұлы"),
)


def fill(url):
    db.upgrade(url)
    with db.session_for(url, write=True) as session:
        session.add_all(
            Deputy(
                mazhilis_id=mazhilis_id,
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                first_seen_at=NOW,
                last_seen_at=NOW,
            )
            for mazhilis_id, last, first, patronymic in DEPUTIES
        )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url):
    """(status, JSON) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


class Browse:
    """`mwatch browse --no-open` in a subprocess, until the block ends."""

    def __init__(self, url, *more):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # A file, not a pipe nobody reads while the test runs: Datasette prints a
        # traceback for every refused query (with rich installed, a long one),
        # and a full pipe would stop it answering.
        # Closed in __exit__.
        self.output = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "browse", "--no-open"]
            + ["--port", str(self.port), *more],
            env=dict(os.environ) | {"DATABASE_URL": url},
            cwd=settings.PROJECT_ROOT,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )

    def printed(self) -> str:
        self.output.seek(0)
        return self.output.read()

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"mwatch browse ended: {self.printed()}")
            try:
                get(f"{self.base}/-/versions.json")
                return self
            except OSError:
                time.sleep(0.3)
        # __exit__ does not run when __enter__ fails.
        self.__exit__()
        pytest.fail("mwatch browse did not start within 60 s")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=20)
        self.output.close()


def rows_of(url):
    with db.session_for(url) as session:
        return session.scalar(select(func.count()).select_from(Deputy))


def test_browse_serves_tables_described_and_refuses_writes(sqlite_url):
    fill(sqlite_url)
    name = Path(sqlite_url.removeprefix("sqlite:///")).stem
    with Browse(sqlite_url) as browse:
        status, deputies = get(f"{browse.base}/{name}/deputies.json?_shape=array")
        assert status == 200
        assert {(d["mazhilis_id"], d["last_name"]) for d in deputies} == {
            (71, "ҚҰСПАН"),
            (56, "ҚАЛЫҚОВ"),
        }
        status, described = get(f"{browse.base}/-/metadata.json")
        tables = described["databases"][name]["tables"]
        assert tables["deputies"]["description"].startswith("A person")
        assert "initiator" in tables["request_participants"]["columns"]["role"]
        assert set(tables) >= {"deputy_requests", "posts", "published_counts"}
        for statement in (
            "DELETE FROM deputies",
            "UPDATE deputies SET last_name = 'X'",
            "INSERT INTO deputies (last_name) VALUES ('X')",
            "DROP TABLE deputies",
        ):
            query = urllib.parse.urlencode({"sql": statement})
            status, answer = get(f"{browse.base}/{name}.json?{query}")
            assert status == 400, statement
            assert not answer.get("ok", False), statement
    assert rows_of(sqlite_url) == len(DEPUTIES)


def test_browse_copies_postgresql_into_a_read_only_file(postgres_url, tmp_path):
    fill(postgres_url)
    copy = tmp_path / "copy.sqlite"
    with Browse(postgres_url, "--copy", str(copy)) as browse:
        status, deputies = get(f"{browse.base}/copy/deputies.json?_shape=array")
        assert status == 200
        assert len(deputies) == len(DEPUTIES)
    assert not os.access(copy, os.W_OK) or os.geteuid() == 0
    assert copy.stat().st_mode & 0o222 == 0


def test_browse_refuses_a_database_that_is_not_there(tmp_path):
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "browse", "--no-open"],
        env=dict(os.environ) | {"DATABASE_URL": url},
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "none.sqlite" in done.stderr
    assert not (tmp_path / "none.sqlite").exists()


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # "pid (name) state ppid ...": the name may hold spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """`pid` is a process that has not ended (a zombie has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(condition, what: str, seconds: float = 30) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s")
        time.sleep(0.1)


def answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    "stop",
    [signal.SIGTERM, signal.SIGINT, signal.SIGKILL],
    ids=lambda stop: stop.name,
)
def test_browse_stopped_by_a_signal_stops_datasette(stop, postgres_url):
    """However `mwatch browse` is stopped (systemd's SIGTERM, Ctrl-C, even
    SIGKILL), Datasette stops with it and frees its port; stopped with SIGTERM
    or SIGINT, the temporary SQLite copy it served is removed and it exits 130."""
    fill(postgres_url)
    with Browse(postgres_url) as browse:
        printed = browse.printed()
        copy = Path(printed.split("copying it into ", 1)[1].split(" (read-only)")[0])
        assert copy.is_file()
        datasette = children_of(browse.process.pid)
        assert len(datasette) == 1, datasette
        browse.process.send_signal(stop)
        code = browse.process.wait(timeout=30)
        wait_for(lambda: not running(datasette[0]), "Datasette did not stop")
        wait_for(lambda: not answers(browse.port), "the port was not freed")
        if stop != signal.SIGKILL:
            assert code == 130, browse.printed()
            assert not copy.parent.exists()
            assert "Traceback" not in browse.printed()
        else:
            # Nothing runs in a process killed so: its folder stays behind.
            shutil.rmtree(copy.parent)
