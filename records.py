"""The records spiders hand to the storage pipeline, as dataclasses.

A record names the raw document it was read from by `DocumentRef` (URL, variant and
content hash), which the pipeline has stored as a `RawDocument` before.
"""

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Characters that draw nothing and only steer how text around them shows, dropped
# with the control characters (PostgreSQL refuses NUL in text). Tab and newlines
# stay. So do the zero-width joiner and non-joiner (U+200D, U+200C), which change
# the letters they join in Persian and Indic scripts and build emoji such as
# "👩‍💻"; the rest of Unicode's format characters (Cf) go: U+202E RIGHT-TO-LEFT
# OVERRIDE in a title shows "txt.exe" as "exe.txt", and a soft hyphen or a
# zero-width space makes two equal names differ.
_KEPT = {"\t", "\n", "\r", "\u200c", "\u200d"}


class _Invisible(dict):
    """str.translate's table: None (drop) for a control or format character, each
    character's category looked up once, when first met."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        drop = unicodedata.category(char) in ("Cc", "Cf") and char not in _KEPT
        self[code] = None if drop else code
        return self[code]


_INVISIBLE = _Invisible()


def without_controls(text: str) -> str:
    """`text` without control characters (NUL, escape, bell ...) and invisible
    format characters (U+202E, U+200B, U+FEFF ...); tabs, newlines and the
    zero-width (non-)joiner kept."""
    return text.translate(_INVISIBLE)


def item_hash(obj: Any) -> str:
    """SHA-256 of a JSON value in canonical form: equal for equal content."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class DocumentRef:
    url: str
    variant: str
    content_hash: str


@dataclass
class RawDocument:
    """A payload as fetched, stored before the records parsed from it."""

    source: str
    url: str
    http_status: int
    body: bytes
    fetched_at: datetime
    content_type: str | None = None
    variant: str = ""

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def ref(self) -> DocumentRef:
        return DocumentRef(self.url, self.variant, self.content_hash)


@dataclass
class Page:
    """What one fetch gives: its raw documents and the records read from them.

    The pipeline stores a page whole or not at all (in one transaction with the
    pages that arrived with it, or alone if that group fails).
    """

    documents: list[RawDocument]
    records: list[object] = field(default_factory=list)


@dataclass
class SessionItem:
    number: int
    source_id: int | None
    start_date: date | None
    end_date: date | None


@dataclass
class ConvocationItem:
    number: int
    source_id: int | None
    start_date: date | None
    end_date: date | None
    sessions: list[SessionItem]
    document: DocumentRef | None = None


@dataclass
class NameForm:
    """A name as one source wrote it, in one language."""

    lang: str
    script: str
    full_name: str
    last_name: str | None
    first_name: str | None
    patronymic: str | None
    source: str = "mazhilis"
    document: DocumentRef | None = None


@dataclass
class MandateItem:
    convocation_number: int
    deputy_type: str
    district_number: int | None = None
    region_kk: str | None = None
    region_ru: str | None = None
    party: str | None = None
    faction_kk: str | None = None
    faction_ru: str | None = None
    committee_kk: str | None = None
    committee_ru: str | None = None
    committee_role: str | None = None
    position_kk: str | None = None
    position_ru: str | None = None
    party_role: str | None = None
    dep_group_role: str | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass
class SocialAccountItem:
    platform: str
    handle: str
    url: str
    learned_from: str


@dataclass
class DeputyItem:
    """A deputy of the Mazhilis with the name forms of every language fetched."""

    mazhilis_id: int
    last_name: str
    first_name: str
    patronymic: str | None
    email: str | None
    phone: str | None
    avatar_url: str | None
    is_active: bool | None
    names: list[NameForm]
    mandate: MandateItem | None
    accounts: list[SocialAccountItem] = field(default_factory=list)
    document: DocumentRef | None = None


@dataclass
class ParticipantItem:
    """An initiator or a co-signatory, as the request lists them."""

    role: str
    position: int
    name_as_given: str
    source_deputy_id: int | None


@dataclass
class RequestItem:
    """A deputy request of the Mazhilis API (SOURCES.md §1.3)."""

    mazhilis_id: int
    number: str | None
    request_date: date | None
    title: str
    addressee: str | None
    source_convocation_id: int | None
    source_session_id: int | None
    document_url: str | None
    answer_date: date | None
    answer_document_url: str | None
    participants: list[ParticipantItem]
    item_hash: str
    document: DocumentRef | None = None


@dataclass
class RequestFileItem:
    """What became of a request's or an answer's PDF."""

    request_mazhilis_id: int
    kind: str
    url: str
    status: str
    http_status: int | None = None
    content_hash: str | None = None
    size: int | None = None
    pages: int | None = None
    text: str | None = None
    detail: str | None = None
    document: DocumentRef | None = None


@dataclass
class ActivityItem:
    """A meeting with voters or other reported work (SOURCES.md §1.4)."""

    mazhilis_id: int
    source_deputy_id: int
    activity_date: date | None
    title: str
    text: str | None
    place: str | None
    url: str | None
    fetched_via: str
    item_hash: str
    document: DocumentRef | None = None


def activity_item(
    activity_id: int,
    deputy: int,
    day: date | None,
    title: str,
    text: str | None,
    place: str | None,
    url: str | None,
    fetched_via: str,
) -> ActivityItem:
    """An activity; its hash covers what it says, however it was fetched."""
    content = {
        "date": day.isoformat() if day else None,
        "title": title,
        "text": text,
        "place": place,
        "url": url,
    }
    return ActivityItem(
        mazhilis_id=activity_id,
        source_deputy_id=deputy,
        activity_date=day,
        title=title,
        text=text,
        place=place,
        url=url,
        fetched_via=fetched_via,
        item_hash=item_hash(content),
    )


@dataclass
class PostItem:
    """A post of a deputy's account (SOURCES.md §2-4)."""

    platform: str
    handle: str
    source_post_id: str
    url: str
    posted_at: datetime
    text: str | None
    hashtags: list[str]
    photos: list[str]
    views: int | None
    edited: bool | None
    forwarded_from: str | None
    item_hash: str
    document: DocumentRef | None = None
    # Instagram's counts of likes and comments, as of the fetch.
    likes: int | None = None
    comments: int | None = None


def post_item(
    platform: str,
    handle: str,
    source_post_id: str,
    url: str,
    posted_at: datetime,
    text: str | None,
    hashtags: list[str],
    *,
    photos: list[str] | None = None,
    views: int | None = None,
    edited: bool | None = None,
    forwarded_from: str | None = None,
    likes: int | None = None,
    comments: int | None = None,
    hashed: tuple[str, ...] = ("text",),
) -> PostItem:
    """A post as stored; its hash covers the fields named in `hashed`: what the
    post says, never its counts of views, likes or comments, which change."""
    item = PostItem(
        platform=platform,
        handle=handle,
        source_post_id=source_post_id,
        url=url,
        posted_at=posted_at,
        # What a post says, as stored: no control or invisible format characters.
        text=without_controls(text) if text is not None else None,
        hashtags=hashtags,
        photos=photos or [],
        views=views,
        edited=edited,
        forwarded_from=(
            without_controls(forwarded_from) if forwarded_from is not None else None
        ),
        item_hash="",
        likes=likes,
        comments=comments,
    )
    item.item_hash = item_hash({field: getattr(item, field) for field in hashed})
    return item


@dataclass
class NewsMentionItem:
    """A name in a news item and what name matching made of it."""

    name_as_given: str
    # "linked" or "review".
    status: str
    # The stored deputy linked ("linked") and the one proposed (both).
    deputy_id: int | None
    candidate_deputy_id: int | None
    score: float
    reason: str


@dataclass
class PartyNewsItem:
    """A news item of a party's site (SOURCES.md §5)."""

    party: str
    slug: str
    url: str
    published_at: datetime
    title: str
    text: str
    mentions: list[NewsMentionItem]
    item_hash: str
    document: DocumentRef | None = None


@dataclass
class ThesisItem:
    """A thesis of a party's election programme."""

    party: str
    number: int
    text: str
    document: DocumentRef | None = None


@dataclass
class PublishedCountItem:
    """A total the source publishes about itself (`published_counts`)."""

    source: str
    subject: str
    scope: str
    published: int
    detail: dict | None = None
    document: DocumentRef | None = None


@dataclass(frozen=True)
class Scope:
    """What a successful run read all of, so that a stored record there it did not
    see is gone from the source (storage/after_crawl.py turns it into tables and
    conditions). `records` names the family:

    - "deputies": the sitting convocation's lists (`convocation`, its number):
      convocations, deputies, their Mazhilis name forms, the accounts the API
      gave, and that convocation's mandates;
    - "requests": the requests dated in [`since`, `until`] (and of the
      convocation session whose source id is `session`), and their participants;
    - "activities": the activities dated in [`since`, `until`] of the deputies
      whose pages were read (`deputies`, Mazhilis ids);
    - "programme": the theses of `party`'s programme;
    - "posts": the posts on `platform` dated in [`since`, `until`] of the
      `accounts` (handles) read back that far.
    """

    records: str
    since: date | None = None
    until: date | None = None
    session: int | None = None
    convocation: int | None = None
    deputies: frozenset[int] | None = None
    party: str | None = None
    platform: str | None = None
    accounts: frozenset[str] | None = None


@dataclass(frozen=True)
class PostsRead:
    """What a run of deputies' accounts on `platform` read: how many accounts,
    over which days (None: no bound). A window whose stored posts are none at all
    is a useless read, not a quiet night (storage/gates.py)."""

    platform: str
    accounts: int
    since: date | None
    until: date | None
    history_setting: str | None = None


# A published total's scope: "all", or `key:value` filters separated by spaces
# (`session:82 deputy:71`: the source's own ids, as its API takes them).
SCOPE_KEYS = ("convocation", "session", "deputy", "date", "lang")


def scope_of(**filters: object) -> str:
    """`scope_of(session=82, deputy=71)` -> "session:82 deputy:71"; none -> "all"."""
    parts = [
        f"{key}:{filters[key]}"
        for key in SCOPE_KEYS
        if filters.get(key) not in (None, "")
    ]
    return " ".join(parts) or "all"


def parse_scope(scope: str) -> dict[str, str]:
    """The filters of a scope; "all" has none."""
    if scope == "all":
        return {}
    filters = dict(part.split(":", 1) for part in scope.split())
    unknown = set(filters) - set(SCOPE_KEYS)
    if unknown:
        raise ValueError(f"scope {scope!r}: unknown filters {sorted(unknown)}")
    return filters


# Social accounts from the links sources give (https://t.me/<channel>, ...).
# The accounts the Mazhilis API names for its deputies are `learned_from` it.
MAZHILIS_ACCOUNTS = "mazhilis-api"
PLATFORMS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "youtube.com": "youtube",
    "twitter.com": "twitter",
    "x.com": "twitter",
}


def parse_social_link(url: str, learned_from: str) -> SocialAccountItem | None:
    """The account a link points to, or None when it is not a profile link."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        host = host.removeprefix(prefix)
    platform = PLATFORMS.get(host)
    segments = [segment for segment in parts.path.split("/") if segment]
    if platform is None or not segments:
        return None
    handle = segments[0]
    if platform == "telegram" and handle == "s" and len(segments) > 1:
        handle = segments[1]
    elif platform == "facebook" and handle == "profile.php":
        ids = parse_qs(parts.query).get("id")
        if not ids:
            return None
        handle = ids[0]
    # The column holds 200 characters; no platform allows a handle that long.
    handle = handle.lstrip("@").lower()[:200]
    if not handle:
        return None
    return SocialAccountItem(
        platform=platform, handle=handle, url=url.strip(), learned_from=learned_from
    )
