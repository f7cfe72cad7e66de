"""Running the real `mwatch` command in a subprocess, as a user or a scheduler does."""

import functools
import os
import subprocess
import sys
from dataclasses import dataclass

import settings
from replica import generate_dataset, present_day
from storage import db


@functools.cache
def replica_today() -> str:
    """The default dataset's present: silence is measured to it, not to today."""
    return present_day(generate_dataset()).isoformat()


def rows(url: str, query) -> list:  # noqa: ANN001
    """What a query finds in the database at `url`, as tuples."""
    with db.session_for(url) as session:
        return session.execute(query).all()


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def mwatch(*args: str, env: dict[str, str] | None = None, timeout: int = 600) -> Result:
    environment = (
        dict(os.environ)
        | {"MWATCH_LOG_LEVEL": "WARNING", "MWATCH_TODAY": replica_today()}
        | (env or {})
    )
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.PROJECT_ROOT,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr)
