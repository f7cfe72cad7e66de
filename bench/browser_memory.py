"""Memory of the browser crawler over a long crawl: RSS of the crawler process and
its Chromium processes while `mwatch crawl instagram` reads 1,000 replica
profile pages.

    .venv/bin/python -m bench browser [--pages 1000]

The replica serves the default dataset's Instagram profiles and copies of them
under new names (new shortcodes) up to `--pages` profiles; an accounts file
ties them to sitting deputies. The crawl is anonymous, so each page is loaded,
read (12 posts) and scrolled once to its login wall. Printed while it runs: pages
read, the RSS summed over the crawler and every browser process (and their PSS,
which counts memory the processes share once), and the number of processes.
At the end: the mean RSS over the last quarter of the pages against the first
quarter (the baseline, measured in the same run): about 1 means flat, and pages
per minute.
"""

import copy
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.common import descendants, kilobytes
from replica import ReplicaProcess, dump_dataset, generate_dataset, present_day

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EVERY = 2.0


def memory(root: int) -> tuple[float, float, int]:
    """(RSS MB, PSS MB, processes) of `root` and its descendants."""
    pids = descendants(root)
    rss = sum(kilobytes(Path(f"/proc/{pid}/status"), "VmRSS") for pid in pids)
    pss = sum(kilobytes(Path(f"/proc/{pid}/smaps_rollup"), "Pss") for pid in pids)
    return rss / 1024, pss / 1024, len(pids)


def pages_read(database: Path) -> int:
    """Profiles read so far: each leaves one stored web_profile_info answer."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            (count,) = db.execute(
                "SELECT count(*) FROM source_documents WHERE source = 'instagram'"
            ).fetchone()
        return count
    except sqlite3.Error:
        return -1


def bench_dataset(pages: int) -> tuple[dict, list[tuple[int, str]]]:
    """The default dataset with `pages` Instagram profiles (copies of its own),
    and (deputy id, username) of each for the accounts file."""
    dataset = generate_dataset()
    originals = list(dataset["instagram"].items())
    sitting = [d["kk"]["id"] for d in dataset["deputies"] if d["kk"]["is_active"]]
    accounts = []
    for i in range(pages):
        username, account = originals[i % len(originals)]
        if i >= len(originals):
            name = f"{username}.copy{i}"
            clone = copy.deepcopy(account)
            for post in clone["posts"]:
                post["shortcode"] = f"{i:04d}{post['shortcode']}"
                post["id"] = f"{post['id']}{i:04d}"
            dataset["instagram"][name] = clone
            username = name
        accounts.append((sitting[i % len(sitting)], username))
    return dataset, accounts


def mwatch(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`mwatch ARGS`, its output to `log` (a pipe nobody reads would fill up and
    stop it)."""
    with log.open("a") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "cli.main", *args],
            env={**os.environ, **env},
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def finished(process: subprocess.Popen, what: str, log: Path) -> None:
    if process.wait() not in (0, 1):
        sys.exit(f"{what} failed ({process.returncode}):\n{log.read_text()}")


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def run(folder: Path, pages: int = 1000) -> str:
    """Crawl `pages` Instagram profiles, printing the memory as it goes; the
    summary: pages per minute and last quarter's memory against the first's."""
    folder = folder / "browser"
    folder.mkdir()
    dataset, accounts = bench_dataset(pages)
    dump_dataset(dataset, folder / "dataset.json")
    (folder / "accounts.txt").write_text(
        "".join(f"{deputy}, instagram, {name}\n" for deputy, name in accounts)
    )
    database = folder / "bench.sqlite"
    with ReplicaProcess(dataset=folder / "dataset.json") as replica:
        env = {
            "DATABASE_URL": f"sqlite:///{database}",
            "MWATCH_MAZHILIS_URL": replica.urls["mazhilis"],
            "MWATCH_INSTAGRAM_URL": replica.urls["instagram"],
            "MWATCH_TODAY": present_day(dataset).isoformat(),
            "MWATCH_AUTOTHROTTLE": "off",
            "MWATCH_LOG_LEVEL": "ERROR",
            # Its own crawl lock: the bench keeps no other crawl from running.
            "MWATCH_LOCK_FILE": str(folder / "crawl.lock"),
        }
        log = folder / "mwatch.log"
        finished(mwatch("db", "upgrade", env=env, log=log), "db upgrade", log)
        deputies = mwatch("crawl", "mazhilis-deputies", env=env, log=log)
        finished(deputies, "deputies", log)
        accounts = str(folder / "accounts.txt")
        finished(mwatch("accounts", "load", accounts, env=env, log=log), "load", log)

        print(f"crawling {pages} Instagram profiles from {replica.url}")
        print(f"{'seconds':>8} {'pages':>6} {'RSS MB':>8} {'PSS MB':>8} {'procs':>6}")
        samples: list[tuple[int, float, float]] = []
        started = time.monotonic()
        crawl = mwatch("crawl", "instagram", env=env, log=log)
        step, shown = max(1, pages // 20), -1
        while crawl.poll() is None:
            time.sleep(SAMPLE_EVERY)
            rss, pss, processes = memory(crawl.pid)
            read = pages_read(database)
            # From the first page read to the last (then the browser closes).
            if 0 < read < pages:
                samples.append((read, rss, pss))
            if read // step != shown // step:
                shown = read
                elapsed = time.monotonic() - started
                print(
                    f"{elapsed:8.0f} {read:6} {rss:8.0f} {pss:8.0f} {processes:6}",
                    flush=True,
                )
        elapsed = time.monotonic() - started
        finished(crawl, "instagram crawl", log)
    read = pages_read(database)
    quarter = pages / 4
    lines = [f"{read} pages in {elapsed:.0f} s: {read / elapsed * 60:.0f} pages/min"]
    for name, column in (("RSS", 1), ("PSS", 2)):
        first = mean([s[column] for s in samples if s[0] <= quarter])
        last = mean([s[column] for s in samples if s[0] >= 3 * quarter])
        lines.append(
            f"{name} (crawler + browser), mean over the first quarter of the pages "
            f"{first:.0f} MB, over the last quarter {last:.0f} MB: ratio "
            f"last/first {last / first:.2f}"
        )
    return "\n".join(lines)
