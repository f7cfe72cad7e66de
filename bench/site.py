"""Building the static site (`mwatch site build`, three languages) from a crawl of
the default replica, against `mwatch export --format json` of the same database,
measured in the same run: the export reads every record once and writes it to
files, the least a site of those records can cost.

    .venv/bin/python -m bench.site
    .venv/bin/python -m bench site        (with the other benchmarks: make bench)

Printed: each command's wall time (the median of three runs), the ratio, and the
site's pages and size.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import settings
from bench.common import HTTP_SOURCES, Replica, crawl, fresh_sqlite, table

RUNS = 3


def _timed(args: list[str], environment: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env={**os.environ, **environment},
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"mwatch {' '.join(args)}: {done.stderr.strip()}")
    return time.monotonic() - started, done.stdout


def _size(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    pages = sum(1 for path in files if path.suffix == ".html")
    return pages, sum(path.stat().st_size for path in files)


def run(folder: Path) -> str:
    url = fresh_sqlite(folder, "site")
    with Replica(1, folder) as replica:
        done = crawl(replica, url, folder, HTTP_SOURCES)
        if done.code:
            raise RuntimeError(f"the crawl of the replica ended with exit {done.code}")
        environment = replica.environment(url, folder)
    export, site = [], []
    for _ in range(RUNS):
        seconds, _out = _timed(
            ["export", "--format", "json", "--out", str(folder / "export")],
            environment,
        )
        export.append(seconds)
        seconds, _out = _timed(
            ["site", "build", "--out", str(folder / "site")], environment
        )
        site.append(seconds)
    pages, size = _size(folder / "site")
    baseline, measured = statistics.median(export), statistics.median(site)
    return table(
        ["command", "seconds", "ratio", "pages", "size"],
        [
            ["mwatch export --format json", f"{baseline:.1f}", "1.00", "", ""],
            [
                "mwatch site build (kk, ru, en)",
                f"{measured:.1f}",
                f"{measured / baseline:.2f}",
                pages,
                f"{size / 1e6:.1f} MB",
            ],
        ],
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="mwatch-bench-") as work:
        print(run(Path(work)))
