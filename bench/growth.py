"""Growth: time and peak memory of a crawl of the replica at several multiples of
its default size (deputies, requests with their PDFs, activities, Telegram posts),
against the 1x crawl: linear growth keeps time per 1x flat and memory far below
it. After each full crawl, a nightly run over the unchanged replica into the same
database: the requests it makes and its time, against the full crawl's."""

from pathlib import Path

from sqlalchemy import func, select

from bench.common import HTTP_SOURCES, Crawl, Replica, crawl, fresh_sqlite, table
from storage import db
from storage.models import CrawlRun


def run(folder: Path, scales: list[int]) -> str:
    growth, nightly_rows, first = [], [], None
    for scale in scales:
        with Replica(scale, folder) as replica:
            url = fresh_sqlite(folder, f"growth-{scale}x")
            full = crawl(replica, url, folder, HTTP_SOURCES)
            nightly = crawl(replica, url, folder, HTTP_SOURCES)
        for name, result in (("full crawl", full), ("nightly run", nightly)):
            if result.code:
                raise RuntimeError(f"the {scale}x {name} failed: exit {result.code}")
        with db.session_for(url) as session:
            records = session.scalar(select(func.sum(CrawlRun.items_inserted)))
        first = first or (scale, full)
        growth.append(_growth_row(scale, full, records, *first))
        nightly_rows.append(
            [f"{scale}x", full.served, f"{full.seconds:.1f}", nightly.served,
             f"{nightly.seconds:.1f}", f"{nightly.served / full.served:.2f}",
             f"{nightly.seconds / full.seconds:.2f}", f"{nightly.peak_mb:.0f}"]
        )  # fmt: skip
    return (
        f"Growth ({', '.join(HTTP_SOURCES)}; linear: time per 1x stays near 1.00)"
        "\n\n"
        + table(
            ["replica", "pages", "records", "seconds", "seconds per 1x",
             "ratio to 1x", "peak MB", "memory ratio to 1x"],
            growth,
        )
        + "\n\nNightly run over the unchanged replica, after the full crawl\n\n"
        + table(
            ["replica", "full crawl: requests", "seconds", "nightly run: requests",
             "seconds", "requests ratio", "time ratio", "nightly peak MB"],
            nightly_rows,
        )
    )  # fmt: skip


def _growth_row(
    scale: int, full: Crawl, records: int, base_scale: int, base: Crawl
) -> list[object]:
    per_unit = full.seconds / scale
    return [
        f"{scale}x", full.pages, records, f"{full.seconds:.1f}", f"{per_unit:.1f}",
        f"{per_unit / (base.seconds / base_scale):.2f}", f"{full.peak_mb:.0f}",
        f"{full.peak_mb / base.peak_mb:.2f}",
    ]  # fmt: skip
