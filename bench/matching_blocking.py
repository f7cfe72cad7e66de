"""Clustering 100,000 reports of meetings with blocking, against rapidfuzz's
all-pairs `process.cdist` on a sample, extrapolated to the same number.

    .venv/bin/python -m bench.matching_blocking [--reports 100000] [--sample 2000]
    .venv/bin/python -m bench matching        (with the other benchmarks: make bench)

The reports are synthetic but worded as deputies word them (the replica's
templates, in Kazakh, Russian and English): 1,000 deputies (a Senate and
maslikhats' worth) each with a year of meetings and receptions, each reported by
one to four sources (Telegram, Instagram, Facebook, the Mazhilis site), dated or
not, posted up to a day late. Printed: the time to cluster them with blocking
(deputy, kind, overlapping days), the candidate pairs it compares against all
pairs, the all-pairs time extrapolated from the sample (n² / sample²), the ratio
of the two, and the clustering's B-cubed F1 against the generator's events.
Times are CPU seconds of this process (both sides single-threaded), so that other
work on a shared machine does not skew the ratio.
"""

import argparse
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rapidfuzz import fuzz, process

from matching.meeting_clusters import Report, bcubed, cluster, days_of, folded
from matching.meetings import classify
from replica import post_texts
from replica.places import REGIONS
from replica.post_texts import AMANAT_RECEPTION, MAZHILIS_RECEPTION

FIRST_DAY = date(2025, 7, 1)
SOURCES = ("telegram", "instagram", "facebook", "mazhilis")
LANGUAGES = (("kk", "ru"), ("kk",), ("ru",), ("en",))
DEPUTY = {"first_name": "Арман", "patronymic": "Кобыландыулы"}


@dataclass(frozen=True)
class Synthetic:
    """A post (or activity) of a deputy about an event: what the bench knows."""

    key: str
    deputy: int
    source: str
    posted: date
    text: str
    event: str


def synthetic_posts(count: int, deputies: int, seed: int = 8) -> list[Synthetic]:
    """About `count` posts of `deputies` deputies' meetings, deterministic."""
    rng = random.Random(seed)
    regions = sorted(REGIONS)
    localities = {
        name: [post_texts.locality(ru) for ru in REGIONS[name].localities]
        for name in regions
    }
    found: list[Synthetic] = []
    per_deputy = count / deputies
    for deputy in range(deputies):
        region = rng.choice(regions)
        made = event = 0
        while made < per_deputy:
            event += 1
            day = FIRST_DAY + timedelta(days=rng.randrange(365))
            reception = rng.random() < 0.3
            where = rng.choice((MAZHILIS_RECEPTION, AMANAT_RECEPTION))
            locality = rng.choice(localities[region])
            for source in rng.sample(SOURCES, rng.randint(1, 4)):
                stated = source == "mazhilis" or rng.random() < 0.4
                posted = day if stated else day + timedelta(days=rng.randint(0, 1))
                languages = rng.choice(LANGUAGES)
                text_day = day if stated else None
                if reception:
                    text = post_texts.reception_text(
                        rng, DEPUTY, where, languages, text_day
                    )
                else:
                    text = post_texts.meeting_text(
                        rng, DEPUTY, locality, languages, text_day
                    )
                key = f"{deputy}-{event}-{source}"
                found.append(
                    Synthetic(key, deputy, source, posted, text, f"{deputy}-{event}")
                )
                made += 1
    return found


def reports_of(posts: list[Synthetic]) -> list[Report]:
    """What the classifier recognises in the posts, as reports to cluster."""
    reports = []
    for post in posts:
        found = classify(post.text, post.posted)
        if found.kind is None:
            continue
        first, last = days_of(found.day, post.posted)
        reports.append(
            Report(
                post.key,
                str(post.deputy),
                found.kind,
                first,
                last,
                found.place,
                post.text,
                post.source,
            )
        )
    return reports


def all_pairs_seconds(texts: list[str], workers: int) -> float:
    """Time rapidfuzz's cdist takes to score every pair of `texts`."""
    started = time.process_time()
    process.cdist(texts, texts, scorer=fuzz.token_set_ratio, workers=workers)
    return time.process_time() - started


def measure(reports_wanted: int, deputies: int, sample_size: int, workers: int) -> str:
    """The benchmark's lines: generation, classification, blocking, all pairs."""
    lines = []
    started = time.process_time()
    posts = synthetic_posts(reports_wanted, deputies)
    generated = time.process_time() - started
    lines.append(f"{len(posts)} synthetic posts generated in {generated:.1f} s")
    started = time.process_time()
    reports = reports_of(posts)
    n = len(reports)
    lines.append(
        f"classified in {time.process_time() - started:.1f} s: {n} reports of "
        f"meetings ({len(posts) - n} missed)"
    )

    started = time.process_time()
    result = cluster(reports)
    blocking = time.process_time() - started
    all_pairs = n * (n - 1) // 2
    reduction = 1 - result.candidate_pairs / all_pairs
    gold = {post.key: post.event for post in posts}
    found = {r.key: i for i, c in enumerate(result.clusters) for r in c.reports}
    precision, recall, f1 = bcubed(gold, found)
    lines.append(
        f"blocking: {blocking:.1f} s to cluster {n} reports into "
        f"{len(result.clusters)} meetings ({len(set(gold.values()))} real); "
        f"B-cubed precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}"
    )
    lines.append(
        f"candidate pairs: {result.candidate_pairs:,} of {all_pairs:,} "
        f"({reduction:.4%} fewer)"
    )

    sample = random.Random(1).sample(reports, min(sample_size, n))
    texts = [folded(r.text) for r in sample]
    seconds = all_pairs_seconds(texts, workers)
    extrapolated = seconds * (n / len(sample)) ** 2
    lines.append(
        f"all pairs (rapidfuzz cdist, token_set_ratio, {workers} worker): "
        f"{seconds:.1f} s for {len(sample)}² pairs, {extrapolated:,.0f} s "
        f"extrapolated to {n}² ({extrapolated / 3600:.1f} h)"
    )
    lines.append(
        f"ratio: blocking is {extrapolated / blocking:,.0f}x faster than all pairs"
    )
    return "\n".join(lines)


def run(_folder: Path) -> str:
    """The benchmark at its default size, for `python -m bench`."""
    return measure(100_000, 1_000, 2_000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--deputies", type=int, default=1_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument(
        "--workers", type=int, default=1, help="cdist's threads (clustering uses 1)"
    )
    args = parser.parse_args()
    print(measure(args.reports, args.deputies, args.sample, args.workers))


if __name__ == "__main__":
    main()
