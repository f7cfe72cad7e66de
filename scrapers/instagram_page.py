"""The JSON an Instagram profile page loads (SOURCES.md §3, sample
`instagram/web_profile_info.json`): `web_profile_info` with the newest posts, and
the `graphql/query` pages of older posts that scrolling fetches."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawl.selectors import LayoutError
from crawl.text import hashtags_of

# The connection a `graphql/query` page answers with (doc_id 7898261790222653).
TIMELINE_CONNECTION = "xdt_api__v1__feed__user_timeline_graphql_connection"


@dataclass
class InstagramPost:
    id: str
    shortcode: str
    posted_at: datetime
    text: str | None
    hashtags: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    likes: int | None = None
    comments: int | None = None
    location: str | None = None


@dataclass
class TimelinePage:
    """One answer: some of a profile's posts, newest first, and where the next
    ones start."""

    posts: list[InstagramPost]
    has_next_page: bool
    end_cursor: str | None
    # Only `web_profile_info` names the profile and counts all its posts.
    username: str | None = None
    full_name: str | None = None
    total: int | None = None


def _get(obj: Any, *path: str) -> Any:
    """`obj[path[0]][path[1]]...`, or LayoutError naming the missing key."""
    for depth, key in enumerate(path):
        if not isinstance(obj, dict) or key not in obj:
            raise LayoutError(f"no {'.'.join(path[: depth + 1])!r} in the JSON")
        obj = obj[key]
    return obj


def _count(node: dict, edge: str) -> int | None:
    """`node[edge].count` ("edge_liked_by": {"count": 311}), None when absent."""
    count = (node.get(edge) or {}).get("count")
    return int(count) if count is not None else None


def parse_node(node: dict) -> InstagramPost:
    """One `edges[].node`."""
    captions = _get(node, "edge_media_to_caption", "edges")
    text = _get(captions[0], "node", "text") if captions else None
    display_url = node.get("display_url")
    location = node.get("location") or {}
    return InstagramPost(
        id=str(_get(node, "id")),
        shortcode=_get(node, "shortcode"),
        posted_at=datetime.fromtimestamp(int(_get(node, "taken_at_timestamp")), UTC),
        text=text or None,
        hashtags=hashtags_of(text),
        photos=[display_url] if display_url else [],
        likes=_count(node, "edge_liked_by"),
        comments=_count(node, "edge_media_to_comment"),
        location=location.get("name"),
    )


def _connection(connection: dict) -> tuple[list[InstagramPost], bool, str | None]:
    edges = _get(connection, "edges")
    page_info = _get(connection, "page_info")
    posts = [parse_node(_get(edge, "node")) for edge in edges]
    return posts, bool(page_info.get("has_next_page")), page_info.get("end_cursor")


def parse_timeline(text: str | bytes) -> TimelinePage:
    """Either answer: `{"data": {"user": ...}}` (web_profile_info) or
    `{"data": {TIMELINE_CONNECTION: ...}}` (graphql/query)."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise LayoutError(f"not JSON: {exc}") from None
    data = _get(payload, "data")
    if isinstance(data, dict) and TIMELINE_CONNECTION in data:
        posts, more, cursor = _connection(data[TIMELINE_CONNECTION])
        return TimelinePage(posts, more, cursor)
    user = _get(data, "user")
    media = _get(user, "edge_owner_to_timeline_media")
    posts, more, cursor = _connection(media)
    return TimelinePage(
        posts,
        more,
        cursor,
        username=_get(user, "username"),
        full_name=user.get("full_name"),
        total=media.get("count"),
    )
