"""Reading the payloads sites send, whatever they say of their encoding."""

import json
import re
from typing import Any

from scrapy.http import Response

_CHARSET = re.compile(rb"charset=([\w-]+)", re.IGNORECASE)
# A site's error message served with status 200: {"detail": "..."} and the like.
ERROR_KEYS = frozenset({"detail", "error", "message", "status", "code"})


class BadPayload(ValueError):
    """A page whose content is not what was asked for: an error of that page."""


def declared_charset(response: Response) -> str | None:
    match = _CHARSET.search(response.headers.get("Content-Type") or b"")
    return match.group(1).decode("ascii").lower() if match else None


def decoded(body: bytes, declared: str | None) -> str:
    """The text of `body`: UTF-8 when it is valid UTF-8 (whatever the header says:
    sites mislabel it), else the declared charset, else cp1251 (Cyrillic sites'
    old default)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for charset in (declared, "cp1251"):
        if charset:
            try:
                return body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("utf-8", errors="replace")


def json_of(response: Response) -> Any:
    """The JSON payload of a response; `BadPayload` for malformed JSON or a 200
    that holds an error message instead of data."""
    text = decoded(response.body, declared_charset(response))
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise BadPayload(f"malformed JSON ({exc})") from None
    if isinstance(payload, dict) and payload and set(payload) <= ERROR_KEYS:
        raise BadPayload(f"an error message instead of data: {payload}")
    return payload
