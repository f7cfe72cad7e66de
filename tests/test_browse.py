"""`mwatch browse`: Datasette serves the database read-only, its tables described."""

import json
import os
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
        pytest.fail("mwatch browse did not start within 60 s")

    def __exit__(self, *exc):
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
