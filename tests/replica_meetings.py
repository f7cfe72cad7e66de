"""The replica's posts and activities as a labelled clustering set: the generator
keeps, for each post, the event it reports (`truth.event`), shared by every post
on any platform and by the Mazhilis activity of one real meeting."""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from replica import generate_dataset
from replica.post_data import FIRST_DAY, LAST_DAY, PLATFORMS, handle_of

KAZAKHSTAN = timezone(timedelta(hours=5))
# (the post's time, its text) in each platform's dataset.
FIELDS = {
    "telegram": ("date", "text"),
    "instagram": ("taken_at_timestamp", "caption"),
    "facebook": ("utime", "text"),
}


@dataclass(frozen=True)
class LabelledPost:
    platform: str
    handle: str
    post_id: str
    deputy: int
    posted_at: datetime
    text: str | None
    event: str | None


@dataclass(frozen=True)
class LabelledActivity:
    activity_id: int
    deputy: int
    day: date
    title: str
    text: str
    place: str
    url: str


@functools.cache
def dataset() -> dict:
    return generate_dataset()


def posts(deputies: int | None = None) -> list[LabelledPost]:
    """The non-service posts of the first `deputies` deputies with accounts."""
    data = dataset()
    owners: dict[tuple[str, str], int] = {}
    for pair in data["deputies"]:
        deputy = pair["ru"]
        for platform in PLATFORMS:
            if deputy[f"{platform}_link"]:
                owners[(platform, handle_of(deputy[f"{platform}_link"]))] = deputy["id"]
    chosen = sorted({d for d in owners.values()})[:deputies]
    found = []
    for platform, (when, text) in FIELDS.items():
        for handle, account in data[platform].items():
            deputy = owners[(platform, handle)]
            if deputy not in chosen:
                continue
            for post in account["posts"]:
                if post.get("service"):
                    continue
                moment = post[when]
                posted_at = (
                    datetime.fromisoformat(moment).astimezone(UTC)
                    if isinstance(moment, str)
                    else datetime.fromtimestamp(moment, UTC)
                )
                found.append(
                    LabelledPost(
                        platform,
                        handle,
                        str(post["id"]),
                        deputy,
                        posted_at,
                        post[text],
                        post["truth"]["event"],
                    )
                )
    return found


def activities(deputies: set[int]) -> list[LabelledActivity]:
    """The deputies' Mazhilis activities in the posts' year."""
    found = []
    for key, items in dataset()["activities"].items():
        if int(key) not in deputies:
            continue
        for item in items:
            day = date.fromisoformat(item["date"])
            if FIRST_DAY <= day <= LAST_DAY:
                found.append(
                    LabelledActivity(
                        item["id"],
                        int(key),
                        day,
                        item["title"],
                        item["text"],
                        item["place"],
                        item["url"],
                    )
                )
    return found
