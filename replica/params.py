"""Query parameters of the list endpoints: paging by limit/offset and filters.

A filter given as the literal `null` or empty means "no filter"
(`?answer=null&deputy_id=null&q=`, as the site's own pages send them).
"""

import re
from datetime import date

from multidict import MultiMapping

DEFAULT_LIMIT = 12
MAX_LIMIT = 100
NO_VALUE = ("", "null")
DIGITS = re.compile(r"\d+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class QueryError(ValueError):
    """A parameter the API cannot use; its message is the 400 answer's detail."""


def text(query: MultiMapping[str], name: str) -> str | None:
    """The parameter's value, None for no filter."""
    value = query.get(name, "")
    return None if value in NO_VALUE else value


def integer(query: MultiMapping[str], name: str) -> int | None:
    """A non-negative integer, None for no filter."""
    value = text(query, name)
    if value is None:
        return None
    if not DIGITS.fullmatch(value):
        raise QueryError(f"{name} must be a non-negative integer, not {value!r}")
    return int(value)


def day(query: MultiMapping[str], name: str) -> str | None:
    """A YYYY-MM-DD date (as given), None for no filter."""
    value = text(query, name)
    if value is None:
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{name} must be a YYYY-MM-DD date, not {value!r}") from None
    return value


def boolean(query: MultiMapping[str], name: str) -> bool | None:
    """`true` or `false` (any case), None for no filter."""
    value = text(query, name)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise QueryError(f"{name} must be true, false or null, not {value!r}")
    return value.lower() == "true"


def paging(query: MultiMapping[str]) -> tuple[int, int]:
    """(limit, offset): limit 12 by default and at most 100, offset 0 by default."""
    limit = integer(query, "limit")
    if limit == 0:
        raise QueryError("limit must be a positive integer, not '0'")
    offset = integer(query, "offset") or 0
    return min(limit or DEFAULT_LIMIT, MAX_LIMIT), offset


def page(items: list[dict], query: MultiMapping[str]) -> dict:
    """`{"count", "result"}`: the items of the page the query asks for."""
    limit, offset = paging(query)
    return {"count": len(items), "result": items[offset : offset + limit]}
