"""One meeting, however many sources report it: the posts on Telegram, Instagram
and Facebook and the Mazhilis site's activity that report one meeting are
clustered together; distinct meetings of one deputy on one day stay apart.

Each report says who (the deputy), what kind (meeting or reception), which days
the event can be on and, where stated, the place. A day the text states, or the
activity's date, is the day; a post that states none reports a meeting of the day
it was posted or the day before (deputies post in the evening or next morning), so
reports in different languages and dates off by a day still meet.

Blocking: only reports of one deputy and kind whose days overlap are compared, so
candidate pairs grow with the number of reports, not its square. A pair is
refused when the places differ; its score says how sure the rest is (the same
place named, the same day stated, rapidfuzz's similarity of the texts
transliterated into one alphabet). Pairs merge best first, and only when the
merged cluster stays consistent: its reports' days still share a day, its
places agree, and it holds at most one report of each source (one channel, one
page, the Mazhilis site) — two posts of one channel on one day are two meetings.

A person's decisions outrank the rules: two reports merged by a person are one
meeting, two split apart never share one (`mwatch meetings merge` and `split`).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz

from matching.meetings import same_place
from matching.names import word_key

# A post that states no day reports a meeting of its day or the day before.
REPORTED_WITHIN_DAYS = 1
_WORDS = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Report:
    """One source's report of a meeting: `key` names the record ("post:12",
    "activity:900001"); `source` the account or site it came from."""

    key: str
    who: str
    kind: str
    first: date
    last: date
    place: str | None
    text: str
    source: str


@dataclass(frozen=True)
class Link:
    """Why two reports were put together."""

    score: float
    reason: str


@dataclass
class Cluster:
    """Reports of one meeting, with the link that brought each one in (none for
    the first)."""

    reports: list[Report]
    links: dict[str, Link] = field(default_factory=dict)

    @property
    def first(self) -> date:
        return max(r.first for r in self.reports)

    @property
    def last(self) -> date:
        return min(r.last for r in self.reports)


def days_of(stated: date | None, posted: date) -> tuple[date, date]:
    """The days a post's meeting can be on."""
    if stated is not None:
        return stated, stated
    return posted - timedelta(days=REPORTED_WITHIN_DAYS), posted


def folded(text: str) -> str:
    """The text's words in one Latin alphabet, so that Cyrillic and Latin spellings
    of names and places compare: "Темиртау" and "Temirtau" give "temirtau"."""
    return " ".join(word_key(word) for word in _WORDS.findall(text))


def candidate_pairs(reports: Iterable[Report]) -> Iterator[tuple[Report, Report]]:
    """Pairs of one deputy and kind whose days overlap: the blocking."""
    blocks: dict[tuple[str, str], list[Report]] = {}
    for report in reports:
        blocks.setdefault((report.who, report.kind), []).append(report)
    for block in blocks.values():
        block.sort(key=lambda r: (r.first, r.key))
        for i, report in enumerate(block):
            for other in block[i + 1 :]:
                if other.first > report.last:
                    break
                yield report, other


def compare(a: Report, b: Report, texts: dict[str, str]) -> Link | None:
    """The link between two reports of one deputy and kind, None when their
    places differ."""
    place = same_place(a.place, b.place)
    if place is False:
        return None
    similarity = fuzz.token_set_ratio(texts[a.key], texts[b.key]) / 100
    score = 0.6 + 0.1 * similarity
    reasons = []
    if place:
        score += 0.25
        reasons.append(f"same place ({a.place} / {b.place})")
    else:
        reasons.append("a place unknown")
    if a.first == a.last == b.first == b.last:
        score += 0.05
        reasons.append(f"same day {a.first}")
    else:
        reasons.append(f"days overlap ({max(a.first, b.first)})")
    reasons.append(f"text similarity {similarity:.2f}")
    return Link(round(score, 4), "; ".join(reasons))


def _split(a: Cluster, b: Cluster, apart: set[tuple[str, str]]) -> bool:
    """Whether a person split a report of one from a report of the other."""
    return any(pair(x.key, y.key) in apart for x in a.reports for y in b.reports)


def _consistent(a: Cluster, b: Cluster) -> bool:
    if max(a.first, b.first) > min(a.last, b.last):
        return False
    if {r.source for r in a.reports} & {r.source for r in b.reports}:
        return False
    return not any(
        same_place(x.place, y.place) is False for x in a.reports for y in b.reports
    )


def pair(a: str, b: str) -> tuple[str, str]:
    """Two reports' keys in the order decisions store them."""
    return (a, b) if a < b else (b, a)


@dataclass
class Clustering:
    clusters: list[Cluster]
    candidate_pairs: int


PERSON = Link(1.0, "merged by a person")


def cluster(
    reports: list[Report],
    together: Iterable[tuple[str, str]] = (),
    apart: Iterable[tuple[str, str]] = (),
) -> Clustering:
    """The reports grouped into meetings; deterministic for a given set. A
    person's decisions come first: pairs `together` are one meeting whatever the
    rules say, pairs `apart` never share one."""
    texts = {r.key: folded(r.text) for r in reports}
    of: dict[str, Cluster] = {r.key: Cluster([r]) for r in reports}
    split = {pair(*keys) for keys in apart}
    links = [
        (PERSON, of[a].reports[0], of[b].reports[0])
        for a, b in sorted(pair(*keys) for keys in together)
        if a in of and b in of and (a, b) not in split
    ]
    pairs = 0
    for a, b in candidate_pairs(reports):
        pairs += 1
        link = compare(a, b, texts)
        if link is not None:
            links.append((link, a, b))
    links.sort(
        key=lambda item: (
            item[0] is not PERSON,
            -item[0].score,
            item[1].key,
            item[2].key,
        )
    )
    for link, a, b in links:
        first, second = of[a.key], of[b.key]
        if first is second or _split(first, second, split):
            continue
        if link is not PERSON and not _consistent(first, second):
            continue
        seed = next(r for r in second.reports if r.key not in second.links)
        first.reports.extend(second.reports)
        first.links.update(second.links)
        first.links[seed.key] = link
        for report in second.reports:
            of[report.key] = first
    unique = {id(c): c for c in of.values()}
    clusters = sorted(unique.values(), key=lambda c: min(r.key for r in c.reports))
    for found in clusters:
        found.reports.sort(key=lambda r: r.key)
    return Clustering(clusters, pairs)


# Measures of a clustering against labels, for the tests and the benchmark.


def bcubed(gold: dict[str, str], found: dict[str, int]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of `found` clusters against `gold`, over
    every item either labels (an item without a label is alone)."""
    items = set(gold) | set(found)
    gold_groups: dict[str, set[str]] = {}
    found_groups: dict[str, set[str]] = {}
    for item in items:
        gold_groups.setdefault(gold.get(item, f"alone:{item}"), set()).add(item)
        found_groups.setdefault(str(found.get(item, f"alone:{item}")), set()).add(item)
    precision = recall = 0.0
    for item in items:
        mine = gold_groups[gold.get(item, f"alone:{item}")]
        theirs = found_groups[str(found.get(item, f"alone:{item}"))]
        common = len(mine & theirs)
        precision += common / len(theirs)
        recall += common / len(mine)
    precision, recall = precision / len(items), recall / len(items)
    return precision, recall, 2 * precision * recall / (precision + recall)


def pairwise(gold: dict[str, str], found: dict[str, int]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the pairs put together."""

    def pairs(labels: dict) -> set[tuple[str, str]]:
        groups: dict[object, list[str]] = {}
        for item, label in labels.items():
            groups.setdefault(label, []).append(item)
        return {
            (a, b)
            for members in groups.values()
            for a in members
            for b in members
            if a < b
        }

    gold_pairs, found_pairs = pairs(gold), pairs(found)
    common = len(gold_pairs & found_pairs)
    precision = common / len(found_pairs)
    recall = common / len(gold_pairs)
    return precision, recall, 2 * precision * recall / (precision + recall)
