"""Deputies' social posts in the dataset (SOURCES.md §2-4): generation and
validation.

- `telegram`: `{channel: {"title", "username", "description", "public": bool,
  "posts": [{"id", "date" (ISO 8601 UTC), "text", "hashtags", "photos", "views",
  "edited", "forwarded_from", "service", "truth"}]}}`, posts by id. Optional: a
  channel's `first_id`, where its history starts when its first posts were deleted
  (below its first post's id: the oldest page still offers older posts, and that
  page is empty); a post's `album`, the kinds ("photo", "video") of an album's
  media, one a photo URL (a video's is its thumbnail), the post's id being the
  last medium's; a post's `markup`, "plain" or "no-datetime" (its time without
  the datetime attribute: a post no parser can date, for tests of odd posts);
- `instagram`: `{username: {"full_name", "posts": [{"id", "shortcode",
  "taken_at_timestamp", "display_url", "caption", "truth"}]}}`, oldest first;
- `facebook`: `{page: {"name", "posts": [{"id", "utime", "text", "truth"}]}}`,
  oldest first;
- `logins`: `{"instagram": {"username", "password"}, "facebook": {...}}`.

`truth` is never served: `{"kind": "meeting" | "reception" | "other", "date": the
day the text states or null, "place": str | null, "event": str | null}`; `event`
is shared by every post on any platform reporting one real event, and is
"activity-<id>" for an event of the deputy's Mazhilis activities.

Every deputy with an account posts from 2025-07-01 to 2026-06-30: meetings mostly
in the regional weeks of early July and late August, receptions during the
session, and a majority of other posts.
"""

import hashlib
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from replica import post_texts
from replica.places import REGIONS
from replica.post_texts import AMANAT_RECEPTION, MAZHILIS_RECEPTION, Locality
from replica.request_data import Types, check_date, check_types

PLATFORMS = ("telegram", "instagram", "facebook")
KINDS = ("meeting", "reception", "other")
FIRST_DAY, LAST_DAY = date(2025, 7, 1), date(2026, 6, 30)
REGIONAL_WEEKS = (
    (date(2025, 7, 1), date(2025, 7, 15)),
    (date(2025, 8, 15), date(2025, 8, 31)),
)
SESSION = (date(2025, 9, 1), LAST_DAY)
# Kazakhstan's clocks, UTC+5 since March 2024: a post at 00:40 local on 6 July is
# "2025-07-05T19:40:00+00:00" in Telegram's markup.
LOCAL = timezone(timedelta(hours=5))
# Posts a week: (least, most) for a deputy on each platform.
WEEKLY_POSTS = {"telegram": (2.0, 4.0), "instagram": (0.6, 1.4), "facebook": (0.4, 1.0)}
# How likely an event is posted on each platform the deputy has.
EVENT_SHARES = {"telegram": 0.9, "instagram": 0.55, "facebook": 0.45}
# The languages of one post (several: paragraphs of each).
POST_LANGUAGES = {
    "telegram": (("kk", "ru"), ("kk", "ru"), ("kk",), ("ru",), ("ru",), ("en",)),
    "instagram": (("kk",), ("ru",), ("kk", "ru"), ("en",)),
    "facebook": (("ru",), ("ru",), ("en",), ("kk",)),
}
DATED_SHARE = 0.4
NOT_PUBLIC_SHARE = 0.1
SAME_DAY_SHARE = 0.25
# (name shown, channel) of what deputies forward.
FORWARD_SOURCES = (
    ("Мәжіліс | Мажилис", "mazhilis_kz"),
    ("AMANAT", "amanatpartiasy"),
    ("Хабар 24", "khabar24"),
)
SERVICE_TEXTS = ("Channel photo updated", "Live stream started", "Live stream finished")
# Telegram's albums (SOURCES.md §2): which posts of several photos are sent as
# one, and how likely its last medium is a video.
ALBUM_SHARE = 0.5
ALBUM_VIDEO_SHARE = 0.3
# Channels whose first posts were deleted: their oldest page offers older posts.
DELETED_START_SHARE = 0.3
MEDIA_KINDS = ("photo", "video")
MARKUPS = ("plain", "no-datetime")
SHORTCODE_ALPHABET = string.ascii_letters + string.digits + "-_"
LOGINS = {"instagram": "mwatch.monitor", "facebook": "monitor@mwatch.example"}

TELEGRAM_CHANNEL_TYPES: Types = {
    "title": str,
    "username": str,
    "description": str,
    "public": bool,
    "posts": list,
}
TELEGRAM_POST_TYPES: Types = {
    "id": int,
    "date": str,
    "text": str,
    "hashtags": list,
    "photos": list,
    "views": int,
    "edited": bool,
    "forwarded_from": (str, type(None)),
    "service": bool,
    "truth": dict,
}
INSTAGRAM_ACCOUNT_TYPES: Types = {"full_name": str, "posts": list}
INSTAGRAM_POST_TYPES: Types = {
    "id": str,
    "shortcode": str,
    "taken_at_timestamp": int,
    "display_url": str,
    "caption": (str, type(None)),
    "truth": dict,
}
FACEBOOK_PAGE_TYPES: Types = {"name": str, "posts": list}
FACEBOOK_POST_TYPES: Types = {"id": str, "utime": int, "text": str, "truth": dict}
TRUTH_TYPES: Types = {
    "kind": str,
    "date": (str, type(None)),
    "place": (str, type(None)),
    "event": (str, type(None)),
}
LOGIN_TYPES: Types = {"username": str, "password": str}


@dataclass(frozen=True)
class Event:
    """A meeting or reception that the deputy's posts report."""

    id: str
    kind: str
    day: date
    place: str
    locality: Locality | None = None
    where: tuple[str, str, str, str] = MAZHILIS_RECEPTION


@dataclass
class Draft:
    """A post before its platform's ids: when, what, and the truth about it."""

    moment: datetime
    text: str
    truth: dict
    hashtags: list[str]
    service: bool = False


def handle_of(link: str) -> str:
    """The handle in a link: "https://www.instagram.com/arman.kalykov/" ->
    "arman.kalykov"."""
    return urlsplit(link).path.strip("/").split("/")[-1]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _session_day(rng: random.Random, weekdays: tuple[int, ...]) -> date:
    """A day of the session on one of `weekdays` (0 = Monday)."""
    while True:
        day = _day_between(rng, *SESSION)
        if day.weekday() in weekdays:
            return day


def _local(day: date, minutes: int) -> datetime:
    """`minutes` after the local midnight of `day`, in UTC."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


class _Events:
    """Draws a deputy's meetings and receptions; numbers them across the dataset."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def _id(self) -> str:
        self.count += 1
        return f"event-{self.count}"

    def meeting(self, region: str, day: date, locality: str) -> Event:
        place = f"{region}, {locality}"
        return Event(self._id(), "meeting", day, place, post_texts.locality(locality))

    def of_deputy(self, deputy: dict, activities: list[dict]) -> list[Event]:
        """Events of the Mazhilis activities in the year, then others drawn."""
        rng = self.rng
        events = [
            _activity_event(a)
            for a in sorted(activities, key=lambda a: a["id"])
            if FIRST_DAY.isoformat() <= a["date"] <= LAST_DAY.isoformat()
        ]
        district = deputy["deputy_type"] == 1
        region_name = (
            deputy["region"]["name"] if district else rng.choice(sorted(REGIONS))
        )
        region = REGIONS[region_name]
        for _ in range(rng.randint(6, 14) if district else rng.randint(2, 6)):
            if rng.random() < 0.85:
                day = _day_between(rng, *rng.choice(REGIONAL_WEEKS))
            else:
                day = _session_day(rng, (4, 5))
            events.append(self.meeting(region.name, day, rng.choice(region.localities)))
        # Now and then two meetings in one day, in two localities.
        if rng.random() < SAME_DAY_SHARE:
            last = events[-1]
            other = rng.choice([p for p in region.localities if p != last.locality.ru])
            events.append(self.meeting(region.name, last.day, other))
        amanat = bool(deputy["party"]) and "AMANAT" in deputy["party"]["name"]
        for _ in range(rng.randint(2, 6)):
            where = AMANAT_RECEPTION if amanat and rng.random() < 0.4 else None
            where = where or MAZHILIS_RECEPTION
            day = _session_day(rng, (0, 3, 4))
            events.append(Event(self._id(), "reception", day, where[0], where=where))
        return events


def _activity_event(activity: dict) -> Event:
    """The event an activity of the Mazhilis site reports: "Встреча с жителями..."
    at "Карагандинская область, г. Темиртау", or "Прием граждан..." at
    "Астана, Мажилис Парламента"."""
    day = date.fromisoformat(activity["date"])
    event_id = f"activity-{activity['id']}"
    if activity["title"].startswith("Прием"):
        amanat = activity["place"] == AMANAT_RECEPTION[0]
        where = AMANAT_RECEPTION if amanat else MAZHILIS_RECEPTION
        return Event(event_id, "reception", day, activity["place"], where=where)
    locality = activity["place"].split(", ", 1)[1]
    return Event(
        event_id, "meeting", day, activity["place"], post_texts.locality(locality)
    )


def _event_draft(
    rng: random.Random, deputy: dict, event: Event, platform: str, taken: set[str]
) -> Draft:
    """A post reporting `event` on `platform`, worded unlike those in `taken`."""
    announced = event.kind == "reception" and platform != "instagram"
    announced = announced and rng.random() < 0.25
    stated = announced or rng.random() < DATED_SHARE
    day = event.day if stated else None
    if announced:
        # Receptions are announced 1-3 days ahead, in office hours.
        moment = _local(
            event.day - timedelta(days=rng.randint(1, 3)), rng.randrange(540, 1080)
        )
    else:
        # Reported in the 24 hours from noon of the day, so cross-posts of one
        # event are less than a day apart.
        moment = _local(event.day, rng.randrange(720, 2160))
    for _ in range(8):
        languages = rng.choice(POST_LANGUAGES[platform])
        if event.kind == "meeting":
            text = post_texts.meeting_text(rng, deputy, event.locality, languages, day)
        else:
            text = post_texts.reception_text(rng, deputy, event.where, languages, day)
        if text not in taken:
            break
    taken.add(text)
    if platform == "facebook" and rng.random() < 0.4:
        text += "\n\n" + post_texts.FOLLOW_UPS[languages[-1]]
    truth = {
        "kind": event.kind,
        "date": event.day.isoformat() if stated else None,
        "place": event.place,
        "event": event.id,
    }
    return Draft(moment, text, truth, post_texts.hashtags(rng, event.kind))


def _other_drafts(rng: random.Random, platform: str, count: int) -> list[Draft]:
    """`count` posts that are neither meetings nor receptions, holidays first."""
    days = [d for d in post_texts.HOLIDAYS if rng.random() < 0.6]
    days += [_day_between(rng, FIRST_DAY, LAST_DAY) for _ in range(count)]
    drafts = []
    for day in days[:count]:
        language = rng.choice(rng.choice(POST_LANGUAGES[platform]))
        # Some post after midnight: their UTC date is the day before.
        late = rng.random() < 0.05
        minutes = rng.randrange(5, 90) if late else rng.randrange(480, 1320)
        truth = {"kind": "other", "date": None, "place": None, "event": None}
        drafts.append(
            Draft(
                _local(day, minutes),
                post_texts.other_text(rng, language, day),
                truth,
                post_texts.hashtags(rng, "other"),
            )
        )
    return drafts


def _in_year(draft: Draft) -> bool:
    day = draft.moment.astimezone(LOCAL).date()
    return FIRST_DAY <= day <= LAST_DAY


def _kazakh_name(pair: dict) -> str:
    """ "Абзал Құспан": first name and capitalized surname in Kazakh."""
    return f"{pair['kk']['first_name']} {pair['kk']['last_name'].capitalize()}"


def _views(rng: random.Random, audience: int) -> int:
    # Views run from hundreds ("987") to millions for the rare viral post ("1.2M").
    if rng.random() < 0.004:
        return rng.randint(1_000_000, 3_500_000)
    return max(50, int(audience * rng.lognormvariate(0, 0.6)))


def _telegram_channel(
    rng: random.Random,
    media: random.Random,
    pair: dict,
    handle: str,
    drafts: list[Draft],
) -> dict:
    """The channel with ids in time order, gaps where posts were deleted; albums
    and deleted first posts are drawn from `media`, so that the rest of the
    dataset stays as it was before them."""
    deputy = pair["kk"]
    district = deputy["region"] and deputy["region"]["number"]
    description = "Мәжіліс депутаты. Депутат Мажилиса."
    if district:
        description = f"Мәжіліс депутаты, №{district} сайлау округі. Депутат Мажилиса."
    audience = rng.randint(300, 30000)
    drafts = list(drafts)
    for _ in range(rng.randint(1, 3)):
        day = _day_between(rng, FIRST_DAY, LAST_DAY)
        other = {"kind": "other", "date": None, "place": None, "event": None}
        moment = _local(day, rng.randrange(480, 1320))
        drafts.append(Draft(moment, rng.choice(SERVICE_TEXTS), other, [], True))
    drafts.sort(key=lambda d: d.moment)
    posts, post_id = [], rng.randint(100, 3000)
    for draft in drafts:
        service = draft.service
        forwarded = None
        if not service and draft.truth["kind"] == "other" and rng.random() < 0.06:
            forwarded = rng.choice(FORWARD_SOURCES)[0]
        photos = []
        if not service and rng.random() < (0.8 if draft.truth["event"] else 0.4):
            photos = [
                f"https://cdn4.telesco.pe/file/{rng.getrandbits(64):016x}.jpg"
                for _ in range(rng.randint(1, 3))
            ]
        album = []
        if len(photos) > 1 and media.random() < ALBUM_SHARE:
            video = media.random() < ALBUM_VIDEO_SHARE
            album = ["photo"] * (len(photos) - video) + ["video"] * video
            # An album's media take an id each; the post is named by the last.
            post_id += len(album) - 1
        posts.append(
            {
                "id": post_id,
                "date": draft.moment.isoformat(),
                "text": draft.text,
                "hashtags": [] if service else draft.hashtags,
                "photos": photos,
                "views": 0 if service else _views(rng, audience),
                "edited": not service and rng.random() < 0.1,
                "forwarded_from": forwarded,
                "service": service,
                "truth": draft.truth,
                **({"album": album} if album else {}),
            }
        )
        post_id += 1 if rng.random() < 0.8 else rng.randint(2, 6)
    channel = {
        "title": _kazakh_name(pair),
        "username": handle,
        "description": description,
        "public": rng.random() >= NOT_PUBLIC_SHARE,
        "posts": posts,
    }
    if posts and media.random() < DELETED_START_SHARE:
        channel["first_id"] = max(1, posts[0]["id"] - media.randint(1, 5))
    return channel


def _instagram_account(
    rng: random.Random, pair: dict, drafts: list[Draft], shortcodes: set[str]
) -> dict:
    posts = []
    for draft in sorted(drafts, key=lambda d: d.moment):
        while True:
            shortcode = "".join(rng.choices(SHORTCODE_ALPHABET, k=11))
            if shortcode not in shortcodes:
                break
        shortcodes.add(shortcode)
        timestamp = int(draft.moment.timestamp())
        media_id = f"{timestamp}{rng.randrange(10**9):09d}"
        display_url = f"https://scontent.cdninstagram.com/v/t51/{media_id}.jpg"
        caption = draft.text + "".join(f" #{tag}" for tag in draft.hashtags)
        # A post may have no caption at all (edge_media_to_caption.edges == []).
        if draft.truth["kind"] == "other" and rng.random() < 0.04:
            caption = None
        posts.append(
            {
                "id": media_id,
                "shortcode": shortcode,
                "taken_at_timestamp": timestamp,
                "display_url": display_url,
                "caption": caption,
                "truth": draft.truth,
            }
        )
    return {"full_name": _kazakh_name(pair), "posts": posts}


def _facebook_page(rng: random.Random, pair: dict, drafts: list[Draft]) -> dict:
    ru = pair["ru"]
    posts = []
    for draft in sorted(drafts, key=lambda d: d.moment):
        post_id = "pfbid0" + "".join(rng.choices(string.ascii_letters[:52], k=30))
        posts.append(
            {
                "id": post_id,
                "utime": int(draft.moment.timestamp()),
                "text": draft.text,
                "truth": draft.truth,
            }
        )
    return {"name": f"{ru['first_name']} {ru['last_name']}", "posts": posts}


def generate_posts(
    seed: int, deputies: list[dict], activities: dict[str, list[dict]]
) -> dict[str, dict]:
    """`telegram`, `instagram`, `facebook` and `logins` for the dataset."""
    rng = random.Random(f"{seed}|posts")
    media = random.Random(f"{seed}|telegram-media")
    events = _Events(rng)
    result: dict[str, dict] = {platform: {} for platform in PLATFORMS}
    shortcodes: set[str] = set()
    for pair in deputies:
        deputy = pair["ru"]
        handles = {
            p: handle_of(deputy[f"{p}_link"]) for p in PLATFORMS if deputy[f"{p}_link"]
        }
        if not handles:
            continue
        drafts: dict[str, list[Draft]] = {p: [] for p in handles}
        for event in events.of_deputy(deputy, activities.get(str(deputy["id"]), [])):
            platforms = [p for p in handles if rng.random() < EVENT_SHARES[p]]
            taken: set[str] = set()
            for platform in platforms or list(handles)[:1]:
                draft = _event_draft(rng, deputy, event, platform, taken)
                drafts[platform].append(draft)
        for platform, handle in handles.items():
            weeks = (LAST_DAY - FIRST_DAY).days / 7
            target = int(weeks * rng.uniform(*WEEKLY_POSTS[platform]))
            own = [d for d in drafts[platform] if _in_year(d)]
            others = _other_drafts(rng, platform, max(10, target - len(own)))
            if platform == "telegram":
                account = _telegram_channel(rng, media, pair, handle, own + others)
            elif platform == "instagram":
                account = _instagram_account(rng, pair, own + others, shortcodes)
            else:
                account = _facebook_page(rng, pair, own + others)
            result[platform][handle] = account
    result["logins"] = {
        site: {"username": username, "password": password(seed, site)}
        for site, username in LOGINS.items()
    }
    return result


def password(seed: int, site: str) -> str:
    """The generated login's password on `site`."""
    return "mw-" + hashlib.sha256(f"{seed}|{site}|password".encode()).hexdigest()[:12]


def _check_truth(truth: dict, where: str, fail: Callable[[str], Exception]) -> None:
    check_types(truth, TRUTH_TYPES, f"{where}.truth", fail)
    if truth["kind"] not in KINDS:
        raise fail(f"{where}.truth: kind {truth['kind']!r} is not one of {KINDS}")
    if truth["date"] is not None:
        check_date(truth["date"], f"{where}.truth", fail)


def _check_posts(
    account: dict,
    where: str,
    types: Types,
    fail: Callable[[str], Exception],
) -> list[tuple[str, dict]]:
    """Each post's place in the file and the post, its types and truth checked."""
    checked = []
    seen: dict[object, str] = {}
    for i, post in enumerate(account["posts"]):
        check_types(post, types, f"{where}.posts[{i}]", fail)
        at = f"{where}.posts[{i}] (id {post['id']})"
        if post["id"] in seen:
            raise fail(f"{at}: duplicate id (also {seen[post['id']]})")
        seen[post["id"]] = at
        _check_truth(post["truth"], at, fail)
        checked.append((at, post))
    return checked


def _check_telegram_quirks(
    post: dict, at: str, fail: Callable[[str], Exception]
) -> None:
    """A post's optional `album` (a kind per photo, two or more) and `markup`."""
    album = post.get("album", [])
    if album and (
        not isinstance(album, list)
        or len(album) < 2
        or len(album) != len(post["photos"])
        or not all(kind in MEDIA_KINDS for kind in album)
    ):
        raise fail(f"{at}: album {album!r} is not a kind {MEDIA_KINDS} per photo")
    if post.get("markup", "plain") not in MARKUPS:
        raise fail(f"{at}: markup {post['markup']!r} is not one of {MARKUPS}")


def validate_posts(dataset: dict, fail: Callable[[str], Exception]) -> None:
    """Check `telegram`, `instagram`, `facebook` and `logins`; every error names
    the account and the post."""
    for channel, account in dataset["telegram"].items():
        where = f"telegram[{channel!r}]"
        check_types(account, TELEGRAM_CHANNEL_TYPES, where, fail)
        for at, post in _check_posts(account, where, TELEGRAM_POST_TYPES, fail):
            try:
                moment = datetime.fromisoformat(post["date"])
            except ValueError:
                moment = None
            if moment is None or moment.utcoffset() is None:
                raise fail(f"{at}: date {post['date']!r} is not ISO 8601 with offset")
            for key in ("hashtags", "photos"):
                if not all(isinstance(item, str) for item in post[key]):
                    raise fail(f"{at}: {key!r} is not a list of strings")
            _check_telegram_quirks(post, at, fail)
        first_id = account.get("first_id")
        if first_id is not None and (
            not isinstance(first_id, int)
            or any(p["id"] < first_id for p in account["posts"])
        ):
            raise fail(f"{where}: first_id {first_id!r} is above a post's id")
    shortcodes: dict[str, str] = {}
    for username, account in dataset["instagram"].items():
        where = f"instagram[{username!r}]"
        check_types(account, INSTAGRAM_ACCOUNT_TYPES, where, fail)
        for at, post in _check_posts(account, where, INSTAGRAM_POST_TYPES, fail):
            if post["shortcode"] in shortcodes:
                other = shortcodes[post["shortcode"]]
                raise fail(f"{at}: duplicate shortcode (also {other})")
            shortcodes[post["shortcode"]] = at
    for page, account in dataset["facebook"].items():
        where = f"facebook[{page!r}]"
        check_types(account, FACEBOOK_PAGE_TYPES, where, fail)
        _check_posts(account, where, FACEBOOK_POST_TYPES, fail)
    for site, login in dataset["logins"].items():
        if site not in LOGINS:
            sites = ", ".join(LOGINS)
            raise fail(f"logins[{site!r}]: not a site with logins ({sites})")
        check_types(login, LOGIN_TYPES, f"logins[{site!r}]", fail)
