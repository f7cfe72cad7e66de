"""The JSON an Instagram profile page loads (SOURCES.md §3): `web_profile_info`
with the newest posts (sample `instagram/web_profile_info.json`), and the
`graphql/query` pages of older posts that scrolling fetches, whose nodes are v1
media objects (sample `instagram/timeline_graphql.json`); and the pages a
session can be sent to instead of the profile."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from crawl.selectors import LayoutError
from crawl.text import hashtags_of

# The connection a `graphql/query` page answers with (whatever its doc_id).
TIMELINE_CONNECTION = "xdt_api__v1__feed__user_timeline_graphql_connection"
# Where Instagram sends a session it wants a person to confirm:
# "/challenge/AXH2.../?next=/arman.kalykov/".
CHECKPOINT_PATH = "/challenge/"
# Where it sends a visitor it wants logged in: "/accounts/login/?next=...".
LOGIN_PATH = "/accounts/login/"


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
    # Pinned to the top of the profile: it comes first whatever its age.
    pinned: bool = False


@dataclass
class TimelinePage:
    """One answer: some of a profile's posts, newest first (pinned ones before
    them), and where the next ones start."""

    posts: list[InstagramPost]
    has_next_page: bool
    end_cursor: str | None
    # Only `web_profile_info` names the profile and counts all its posts.
    username: str | None = None
    full_name: str | None = None
    total: int | None = None
    # Why each node that could not be read was skipped: it costs itself only.
    unreadable: list[str] = field(default_factory=list)

    @property
    def unpinned(self) -> list[InstagramPost]:
        """The posts in the timeline's order, newest first."""
        return [post for post in self.posts if not post.pinned]


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


def _number(value: Any) -> int | None:
    return int(value) if value is not None else None


def parse_node(node: dict) -> InstagramPost:
    """One `web_profile_info` `edges[].node`."""
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
        pinned=bool(node.get("pinned_for_users")),
    )


def _picture(media: dict) -> str | None:
    """The largest picture of a v1 media object (its first candidate)."""
    candidates = (media.get("image_versions2") or {}).get("candidates") or []
    return candidates[0].get("url") if candidates else None


def parse_media(node: dict) -> InstagramPost:
    """One v1 media object of a `graphql/query` page: `code` is the shortcode,
    `pk` the media id, `caption` null or `{text, created_at}`; an album's
    pictures are its `carousel_media`."""
    caption = node.get("caption")
    if caption is not None and not isinstance(caption, dict):
        raise LayoutError(f"caption {caption!r} is neither null nor an object")
    text = _get(caption, "text") if caption else None
    parts = node.get("carousel_media") or [node]
    location = node.get("location") or {}
    return InstagramPost(
        id=str(_get(node, "pk")),
        shortcode=_get(node, "code"),
        posted_at=datetime.fromtimestamp(int(_get(node, "taken_at")), UTC),
        text=text or None,
        hashtags=hashtags_of(text),
        photos=[url for url in map(_picture, parts) if url],
        likes=_number(node.get("like_count")),
        comments=_number(node.get("comment_count")),
        location=location.get("name"),
        pinned=bool(node.get("timeline_pinned_user_ids")),
    )


def mark_pinned(posts: list[InstagramPost]) -> None:
    """A post older than one after it on the same page is pinned, marked or not
    (SOURCES.md §3: pinned posts come first, older than those after them)."""
    newest_after = None
    for post in reversed(posts):
        if newest_after is not None and post.posted_at < newest_after:
            post.pinned = True
        if newest_after is None or post.posted_at > newest_after:
            newest_after = post.posted_at


def _connection(connection: dict, parse: Any) -> TimelinePage:
    edges = _get(connection, "edges")
    page_info = _get(connection, "page_info")
    if not isinstance(edges, list):
        raise LayoutError("'edges' is not a list")
    posts, unreadable = [], []
    for position, edge in enumerate(edges):
        try:
            posts.append(parse(_get(edge, "node")))
        except (LayoutError, ValueError, TypeError) as exc:
            unreadable.append(f"node {position}: {exc}")
    if edges and not posts:
        raise LayoutError(f"no node could be read ({unreadable[0]})")
    mark_pinned(posts)
    return TimelinePage(
        posts,
        bool(page_info.get("has_next_page")),
        page_info.get("end_cursor"),
        unreadable=unreadable,
    )


def parse_timeline(text: str | bytes) -> TimelinePage:
    """Either answer: `{"data": {"user": ...}}` (web_profile_info) or
    `{"data": {TIMELINE_CONNECTION: ...}}` (graphql/query). A node that cannot
    be read is skipped and named in `unreadable`; a page none of whose nodes can
    be read is a LayoutError."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise LayoutError(f"not JSON: {exc}") from None
    data = _get(payload, "data")
    if isinstance(data, dict) and TIMELINE_CONNECTION in data:
        return _connection(data[TIMELINE_CONNECTION], parse_media)
    user = _get(data, "user")
    media = _get(user, "edge_owner_to_timeline_media")
    page = _connection(media, parse_node)
    page.username = _get(user, "username")
    page.full_name = user.get("full_name")
    page.total = media.get("count")
    return page


def session_page(url: str) -> str | None:
    """What the page a profile's address led to is, when it is not the profile:
    "checkpoint" (a person must confirm the session) or "login" (Instagram
    wants a logged-in visitor)."""
    path = urlsplit(url).path
    if CHECKPOINT_PATH in path:
        return "checkpoint"
    if path.endswith(LOGIN_PATH):
        return "login"
    return None
