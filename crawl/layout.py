"""Noticing a source whose layout changed: pages that suddenly yield nothing, or
whose records lack fields the contract (SOURCES.md) says they carry.

A record lacking an expected field is not stored (it would overwrite what was
stored with nothing); a page type where too many are, or that yields nothing at
all, fails the run with a report of what is missing and where.

A record its parser cannot read at all (a post whose markup is odd) costs itself,
not its page: the parser reports it as `Unreadable`, the page's other records are
stored, and the run's report counts such records and names a few; they weigh in
the same gate as incomplete ones.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

EXAMPLE_URLS = 3
# How many unreadable records the run's report names, of each page type.
EXAMPLE_RECORDS = 5


@dataclass(frozen=True)
class Unreadable:
    """A record a parser could not read, and why; the rest of its page was read.

    `record` names it as the source does, e.g. "kuspan_abzal/1307"."""

    record: str
    reason: str


@dataclass
class PageTypeAudit:
    pages: int = 0
    records: int = 0
    incomplete: int = 0
    broken_pages: int = 0
    unreadable: int = 0
    missing: Counter = field(default_factory=Counter)
    example_urls: list[str] = field(default_factory=list)
    # {"record", "reason", "url"} of the first unreadable records.
    unreadable_examples: list[dict[str, str]] = field(default_factory=list)

    def example(self, url: str) -> None:
        if url not in self.example_urls and len(self.example_urls) < EXAMPLE_URLS:
            self.example_urls.append(url)


class LayoutAudit:
    def __init__(self, max_missing_rate: float) -> None:
        self.max_missing_rate = max_missing_rate
        self.page_types: dict[str, PageTypeAudit] = {}

    def _audit(self, page_type: str) -> PageTypeAudit:
        return self.page_types.setdefault(page_type, PageTypeAudit())

    def complete(
        self,
        page_type: str,
        url: str,
        objects: Iterable[dict[str, Any]],
        expected: Iterable[str],
        required: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        """The objects of a page that carry every expected key (and a value for
        each required one); the others are counted as incomplete."""
        audit = self._audit(page_type)
        audit.pages += 1
        expected, required = tuple(expected), tuple(required)
        kept = []
        for obj in objects:
            audit.records += 1
            absent = [key for key in expected if key not in obj]
            absent += [key for key in required if key in obj and obj[key] in (None, "")]
            if absent:
                audit.incomplete += 1
                audit.missing.update(absent)
                audit.example(url)
            else:
                kept.append(obj)
        return kept

    def page_broken(self, page_type: str, url: str, reason: str) -> None:
        """A page its parser could not read at all (markup or JSON changed)."""
        audit = self._audit(page_type)
        audit.pages += 1
        audit.broken_pages += 1
        audit.missing[reason] += 1
        audit.example(url)

    def records_read(
        self,
        page_type: str,
        url: str,
        count: int,
        unreadable: Iterable[Unreadable] = (),
    ) -> None:
        """A page read by a parser of its own (rendered HTML, say): `count`
        records read, and those it could not read."""
        audit = self._audit(page_type)
        audit.pages += 1
        audit.records += count
        if not count:
            audit.example(url)
        for record in unreadable:
            audit.records += 1
            audit.unreadable += 1
            audit.missing[f"unreadable: {record.reason}"] += 1
            audit.example(url)
            if len(audit.unreadable_examples) < EXAMPLE_RECORDS:
                audit.unreadable_examples.append(
                    {"record": record.record, "reason": record.reason, "url": url}
                )

    def unreadable_records(self) -> dict[str, Any]:
        """For the run's report: how many records could not be read, of each page
        type, and a few of them; empty when every record was read."""
        counts = {t: a.unreadable for t, a in self.page_types.items() if a.unreadable}
        if not counts:
            return {}
        return {
            "count": sum(counts.values()),
            "by_page_type": counts,
            "examples": [
                {"page_type": page_type, **example}
                for page_type, audit in self.page_types.items()
                for example in audit.unreadable_examples
            ],
        }

    def _bad_records(self, audit: PageTypeAudit) -> str:
        """ "98 of 98 records lack expected fields (more than 10%)"."""
        parts = []
        if audit.incomplete:
            parts.append(
                f"{audit.incomplete} of {audit.records} records lack expected fields"
            )
        if audit.unreadable:
            parts.append(
                f"{audit.unreadable} of {audit.records} records could not be read"
            )
        return f"{' and '.join(parts)} (more than {self.max_missing_rate:.0%})"

    def problems(self, may_be_empty: Iterable[str] = ()) -> list[dict[str, Any]]:
        """The page types that look broken, with what is missing and where."""
        found = []
        for page_type, audit in self.page_types.items():
            if audit.broken_pages and audit.broken_pages == audit.pages:
                problem = f"none of its {audit.pages} pages could be read"
            elif audit.records == 0 and page_type not in may_be_empty:
                problem = f"its {audit.pages} pages yielded no record"
            elif (
                audit.records
                and (audit.incomplete + audit.unreadable) / audit.records
                > self.max_missing_rate
            ):
                problem = self._bad_records(audit)
            else:
                continue
            found.append(
                {
                    "page_type": page_type,
                    "problem": problem,
                    "fields_missing": dict(audit.missing.most_common()),
                    "example_urls": audit.example_urls,
                }
            )
        return found
