"""What the benchmarks share: a replica at a scale, a crawl in a subprocess with
its time, pages and peak memory, and the table they print."""

import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

import settings
from replica import ReplicaProcess, dump_dataset, generate_dataset, present_day
from storage import db
from storage.models import Base, CrawlRun

# The spiders that fetch over plain HTTP (no browser), in crawl order.
HTTP_SOURCES = (
    "mazhilis-deputies",
    "mazhilis-requests",
    "mazhilis-activities",
    "telegram",
)


@dataclass
class Crawl:
    """One `mwatch crawl`: pages fetched, the crawl's own time (from its runs:
    first start to last end, as `scrapy bench` counts), the process's wall time
    and peak resident memory, and the requests the replica served."""

    pages: int
    seconds: float
    wall: float
    peak_mb: float
    served: int
    code: int

    @property
    def pages_per_minute(self) -> float:
        return 60 * self.pages / self.seconds if self.seconds else 0.0


class Replica:
    """The replica serving the default dataset at `scale`, written to `folder`."""

    def __init__(self, scale: int, folder: Path) -> None:
        dataset = generate_dataset(scale=scale)
        self.scale = scale
        self.today = present_day(dataset).isoformat()
        self.path = folder / f"dataset-{scale}x.json"
        dump_dataset(dataset, self.path)
        self.process = ReplicaProcess(dataset=self.path, startup_timeout=300)

    def __enter__(self) -> "Replica":
        self.process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.stop()

    def environment(self, url: str, folder: Path) -> dict[str, str]:
        return {
            "DATABASE_URL": url,
            "MWATCH_MAZHILIS_URL": self.process.urls["mazhilis"],
            "MWATCH_TELEGRAM_URL": self.process.urls["telegram"],
            # A site of one's own: no throttling (as `scrapy bench` has none).
            "MWATCH_AUTOTHROTTLE": "off",
            "MWATCH_TODAY": self.today,
            "MWATCH_MAZHILIS_DEPUTIES_MAX": str(110 * self.scale),
            "MWATCH_LOCK_FILE": str(folder / "crawl.lock"),
            "MWATCH_LOG_LEVEL": "ERROR",
        }


# The tables of records a crawl of the HTTP sources stores, and the columns that
# only say when or from which payload a record was last seen (a nightly run moves
# them on without finding anything new).
RECORD_TABLES = (
    "deputies",
    "deputy_names",
    "mandates",
    "social_accounts",
    "deputy_requests",
    "request_participants",
    "request_files",
    "activities",
    "posts",
)
SEEN_COLUMNS = {"id", "first_seen_at", "last_seen_at", "source_document_id"}


def records(url: str) -> dict[str, tuple[int, str]]:
    """Each record table's rows and a digest of their contents: every column but
    the row id and when or where it was last seen, whether it is gone (not since
    when) and whether each link is set (not the linked row's id, which depends on
    the order of the writes). Two databases that found the same records give the
    same digests."""
    found = {}
    with db.session_for(url) as session:
        for name in RECORD_TABLES:
            table = Base.metadata.tables[name]
            kept = [c for c in table.columns if c.name not in SEEN_COLUMNS]
            flags = {c.name for c in kept if c.foreign_keys} | {"no_longer_seen_at"}
            digests = sorted(
                hashlib.sha256(
                    repr(
                        [
                            (value is None) if column.name in flags else value
                            for column, value in zip(kept, row, strict=True)
                        ]
                    ).encode()
                ).digest()
                for row in session.execute(select(*kept))
            )
            found[name] = (len(digests), hashlib.sha256(b"".join(digests)).hexdigest())
    return found


def fresh_sqlite(folder: Path, name: str) -> str:
    path = folder / f"{name}.sqlite"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    db.upgrade(url)
    return url


def crawl(replica: Replica, url: str, folder: Path, sources: tuple[str, ...]) -> Crawl:
    """Run `mwatch crawl SOURCES` against the replica into `url`."""
    with db.session_for(url) as session:
        before = session.scalar(select(func.max(CrawlRun.id))) or 0
    replica.process.reset()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "crawl", *sources],
        env={**os.environ, **replica.environment(url, folder)},
        cwd=settings.PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak_kb = 0
    while process.poll() is None:
        # The crawl's own high-water mark, or its processes' together (the
        # requests spider reads PDFs in worker processes), whichever is larger.
        peak_kb = max(peak_kb, _peak_kb(process.pid), _tree_rss_kb(process.pid))
        time.sleep(0.2)
    status = process.returncode
    wall = time.monotonic() - started
    with db.session_for(url) as session:
        runs = session.execute(
            select(CrawlRun.pages, CrawlRun.started_at, CrawlRun.finished_at).where(
                CrawlRun.id > before
            )
        ).all()
    pages = sum(run.pages or 0 for run in runs)
    ends = [run.finished_at for run in runs if run.finished_at]
    if not ends:
        command = " ".join(sources)
        raise RuntimeError(f"mwatch crawl {command} ended no run (exit {status})")
    seconds = (max(ends) - min(run.started_at for run in runs)).total_seconds()
    return Crawl(
        pages=pages,
        seconds=seconds,
        wall=wall,
        peak_mb=peak_kb / 1024,
        served=replica.process.stats()["requests"],
        code=process.returncode,
    )


def _peak_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in kB; 0 once it ended.

    Not the child's ru_maxrss: Linux keeps the larger of it across the exec that
    starts the crawl, and subprocess starts it with vfork from this process, so it
    would be the benchmark's own peak (the dataset it generated), not the crawl's.
    """
    return kilobytes(Path(f"/proc/{pid}/status"), "VmHWM")


def _tree_rss_kb(pid: int) -> int:
    """The resident memory of the process and every process below it, in kB."""
    return sum(
        kilobytes(Path(f"/proc/{child}/status"), "VmRSS") for child in descendants(pid)
    )


def descendants(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (name) state ppid ...": the name may hold spaces and parentheses.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def kilobytes(path: Path, field: str) -> int:
    """A `field: N kB` line of a /proc file; 0 when the process is gone."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def table(header: list[str], rows: list[list[object]]) -> str:
    """A Markdown table, as the README holds them."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
