"""Crawl throughput of the project's HTTP spiders against the replica, next to
`scrapy bench` on the same machine. (The nightly run over an unchanged replica
is measured by the growth benchmark, at every scale.)"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import HTTP_SOURCES, Replica, crawl, fresh_sqlite, table


def scrapy_bench() -> tuple[int, float]:
    """`scrapy bench` (a local server and a spider following its links for ten
    seconds), outside the project so none of its settings apply: pages, seconds."""
    with tempfile.TemporaryDirectory() as outside:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", "LOGSTATS_INTERVAL=0"],
            capture_output=True,
            text=True,
            cwd=outside,
            check=True,
        )
    pages = re.search(r"'response_received_count': (\d+)", done.stderr)
    seconds = re.search(r"'elapsed_time_seconds': ([\d.]+)", done.stderr)
    if pages is None or seconds is None:
        raise RuntimeError(f"scrapy bench printed no stats:\n{done.stderr[-2000:]}")
    return int(pages.group(1)), float(seconds.group(1))


def run(folder: Path, scale: int = 1) -> str:
    bench_pages, bench_seconds = scrapy_bench()
    baseline = 60 * bench_pages / bench_seconds
    with Replica(scale, folder) as replica:
        url = fresh_sqlite(folder, "throughput")
        full = crawl(replica, url, folder, HTTP_SOURCES)
    if full.code:
        raise RuntimeError(f"the crawl failed: exit {full.code}")
    throughput = table(
        ["crawl", "pages", "seconds", "pages/min", "ratio"],
        [
            ["`scrapy bench` (baseline)", bench_pages, f"{bench_seconds:.1f}",
             f"{baseline:.0f}", "1.00"],
            [f"mwatch crawl, {scale}x replica (HTTP sources, stored)", full.pages,
             f"{full.seconds:.1f}", f"{full.pages_per_minute:.0f}",
             f"{full.pages_per_minute / baseline:.2f}"],
        ],
    )  # fmt: skip
    return f"Crawl throughput (goal: ratio at least 1.0)\n\n{throughput}"
