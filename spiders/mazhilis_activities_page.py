"""One page of the Mazhilis activities API (SOURCES.md §1.4, sample
`mazhilis/deputy_activities.json`): pure functions of the payload."""

from typing import Any

from crawl.text import clean, clean_text, parse_date
from records import ActivityItem, activity_item

# Every key of an activity in the contract (SOURCES.md §1.4), and those with a value.
ACTIVITY_FIELDS = ("id", "date", "title", "text", "place", "url")


ACTIVITY_REQUIRED = ("id", "date", "title")


def parse_activity(obj: dict[str, Any], deputy: int) -> ActivityItem:
    """One item of `/api/core/deputies/<id>/activities/`."""
    title = clean_text(obj.get("title"))
    if obj.get("id") is None or not title:
        raise ValueError(f"activity without an id or a title: {obj.get('id')!r}")
    return activity_item(
        int(obj["id"]),
        deputy,
        parse_date(obj.get("date")),
        title,
        clean_text(obj.get("text")),
        clean_text(obj.get("place")),
        clean(obj.get("url"), 2000),
        "api",
    )
