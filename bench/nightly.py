"""The nightly run over an unchanged replica: a full crawl of the HTTP sources
into a fresh SQLite, then a nightly run into the same database; the requests the
nightly makes against the full crawl's (the baseline, in the same run), with the
records stored after each compared table by table (the nightly must find the
same records, and change none). Then what the nightly's requests were, by kind:
what is left is what it cannot know without asking."""

import re
from collections import Counter
from pathlib import Path

from bench.common import HTTP_SOURCES, Replica, crawl, fresh_sqlite, records, table

# What the replica served, by the kind of page (first match of its path).
KINDS = (
    ("a deputy's activities page", r"^/api/core/deputies/\d+/activities/"),
    ("a Telegram channel's page", r"^/telegram/s/"),
    ("a page of the requests' list", r"^/api/core/deputy-requests"),
    ("a request's or answer's PDF", r"^/media/requests/"),
    ("robots.txt", r"/robots\.txt$"),
    ("the deputies' lists, convocations", r"^/api/core/"),
)


def kinds(by_path: dict[str, int]) -> Counter[str]:
    counted: Counter[str] = Counter()
    for path, served in by_path.items():
        kind = next((k for k, rule in KINDS if re.search(rule, path)), "other")
        counted[kind] += served
    return counted


def run(folder: Path, scale: int = 1) -> str:
    with Replica(scale, folder) as replica:
        url = fresh_sqlite(folder, f"nightly-{scale}x")
        full = crawl(replica, url, folder, HTTP_SOURCES)
        full_kinds = kinds(replica.process.stats()["by_path"])
        after_full = records(url)
        nightly = crawl(replica, url, folder, HTTP_SOURCES)
        nightly_kinds = kinds(replica.process.stats()["by_path"])
        after_nightly = records(url)
    for name, result in (("full crawl", full), ("nightly run", nightly)):
        if result.code:
            raise RuntimeError(f"the {scale}x {name} failed: exit {result.code}")
    differ = [name for name in after_full if after_full[name] != after_nightly[name]]
    stored = sum(count for count, _ in after_full.values())
    same = "yes" if not differ else "no: " + ", ".join(differ)
    ratios = table(
        ["replica", "full crawl: requests (baseline)", "seconds",
         "nightly run: requests", "seconds", "requests ratio", "time ratio",
         "records stored", "same records after the nightly"],
        [[f"{scale}x", full.served, f"{full.seconds:.1f}", nightly.served,
          f"{nightly.seconds:.1f}", f"{nightly.served / full.served:.3f}",
          f"{nightly.seconds / full.seconds:.2f}", stored, same]],
    )  # fmt: skip
    by_kind = table(
        ["requests for", "full crawl", "nightly run", "share of the full crawl"],
        [[kind, full_kinds[kind], nightly_kinds[kind],
          f"{nightly_kinds[kind] / full.served:.3f}"]
         for kind in sorted(full_kinds | nightly_kinds,
                            key=lambda k: -nightly_kinds[k])],
    )  # fmt: skip
    return (
        "Nightly run over the unchanged replica (goal: requests ratio at most "
        f"0.05, the same records found)\n\n{ratios}\n\n"
        f"The requests by kind\n\n{by_kind}"
    )
