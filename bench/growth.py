"""Growth: time and peak memory of a crawl of the replica at several multiples of
its default size (deputies, and with them their activities and posts), against
the 1x crawl: linear growth keeps time per 1x flat and memory far below it."""

from pathlib import Path

from sqlalchemy import func, select

from bench.common import Replica, crawl, fresh_sqlite, table
from storage import db
from storage.models import CrawlRun

# What grows with the replica's scale, without the requests' PDFs (whose
# generation by the replica, not their crawl, would dominate a 30x run).
SOURCES = ("mazhilis-deputies", "mazhilis-activities")


def run(folder: Path, scales: list[int]) -> str:
    rows, first = [], None
    for scale in scales:
        with Replica(scale, folder) as replica:
            url = fresh_sqlite(folder, f"growth-{scale}x")
            result = crawl(replica, url, folder, SOURCES)
        if result.code:
            raise RuntimeError(f"the {scale}x crawl failed: exit {result.code}")
        with db.session_for(url) as session:
            records = session.scalar(select(func.sum(CrawlRun.items_inserted)))
        first = first or (scale, result)
        base_scale, base = first
        per_unit = result.seconds / scale
        rows.append(
            [f"{scale}x", result.pages, records, f"{result.seconds:.1f}",
             f"{per_unit:.1f}", f"{per_unit / (base.seconds / base_scale):.2f}",
             f"{result.peak_mb:.0f}", f"{result.peak_mb / base.peak_mb:.2f}"]
        )  # fmt: skip
    return (
        f"Growth ({', '.join(SOURCES)}; linear: time per 1x stays near 1.00)\n\n"
        + table(
            ["replica", "pages", "records", "seconds", "seconds per 1x",
             "ratio to 1x", "peak MB", "memory ratio to 1x"],
            rows,
        )
    )  # fmt: skip
