"""The replica's social posts in the dataset: what generation gives, the ground
truth the evaluation relies on, and validation of hand-edited files."""

import copy
import json
from collections import Counter, defaultdict
from datetime import date, datetime

import pytest

from replica import DatasetError, dump_dataset, generate_dataset, load_dataset
from replica.post_data import FIRST_DAY, LAST_DAY, LOCAL, handle_of
from replica.post_texts import LANGUAGES, day_in

PLATFORMS = ("telegram", "instagram", "facebook")
KEYWORDS = ("встреч", "кездес", "met with", "meeting")


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset()


def all_posts(dataset: dict) -> list[tuple[str, str, dict]]:
    """(platform, handle, post) of every post."""
    return [
        (platform, handle, post)
        for platform in PLATFORMS
        for handle, account in dataset[platform].items()
        for post in account["posts"]
    ]


def text_of(platform: str, post: dict) -> str:
    return post.get("text") or post.get("caption") or ""


def local_day(platform: str, post: dict) -> date:
    if platform == "telegram":
        moment = datetime.fromisoformat(post["date"])
    else:
        timestamp = post.get("utime", post.get("taken_at_timestamp"))
        moment = datetime.fromtimestamp(timestamp, LOCAL)
    return moment.astimezone(LOCAL).date()


def test_every_account_of_a_deputy_has_a_year_of_posts(dataset):
    for pair in dataset["deputies"]:
        for platform in PLATFORMS:
            link = pair["ru"][f"{platform}_link"]
            if link:
                assert dataset[platform][handle_of(link)]["posts"], link
    for platform, _, post in all_posts(dataset):
        assert FIRST_DAY <= local_day(platform, post) <= LAST_DAY


def test_telegram_posts_more_than_instagram_and_facebook(dataset):
    per_account = {
        platform: sum(len(a["posts"]) for a in dataset[platform].values())
        / len(dataset[platform])
        for platform in PLATFORMS
    }
    assert per_account["telegram"] > 2 * 52 * 0.9
    assert per_account["telegram"] > per_account["instagram"]
    assert per_account["telegram"] > per_account["facebook"]


def test_kinds_and_truth(dataset):
    kinds = Counter(post["truth"]["kind"] for _, _, post in all_posts(dataset))
    assert kinds["other"] > kinds["meeting"] + kinds["reception"]
    assert kinds["meeting"] > 300 and kinds["reception"] > 200
    for _, _, post in all_posts(dataset):
        truth = post["truth"]
        if truth["kind"] == "other":
            assert truth["event"] is None and truth["date"] is None
        else:
            assert truth["event"] and truth["place"]


def test_meetings_concentrate_in_the_regional_weeks(dataset):
    days = [
        local_day(platform, post)
        for platform, _, post in all_posts(dataset)
        if post["truth"]["kind"] == "meeting"
    ]
    regional = [d for d in days if d.year == 2025 and d.month in (7, 8)]
    assert len(regional) > 0.7 * len(days)


def test_dates_stated_in_the_text_when_truth_has_them(dataset):
    stated = Counter()
    unstated = 0
    for _, _, post in all_posts(dataset):
        truth = post["truth"]
        if truth["kind"] == "other":
            continue
        if truth["date"] is None:
            unstated += 1
            continue
        day = date.fromisoformat(truth["date"])
        text = text_of("", post)
        languages = [lang for lang in LANGUAGES if day_in(lang, day) in text]
        assert languages, (truth, text)
        stated.update(languages)
    assert unstated > 100
    assert all(stated[lang] > 5 for lang in LANGUAGES), stated


def test_keywords_alone_do_not_tell_meetings(dataset):
    """Posts saying "встреча" or "кездесу" in another sense, and meetings without
    either word."""
    others_with_keyword = [
        text_of(platform, post)
        for platform, _, post in all_posts(dataset)
        if post["truth"]["kind"] == "other"
        and any(k in text_of(platform, post).lower() for k in KEYWORDS)
    ]
    assert len(others_with_keyword) > 100
    assert any("футбол кездесуі" in text for text in others_with_keyword)
    assert any("министр" in text.lower() for text in others_with_keyword)


def test_cross_posted_events_differ_in_wording_and_time(dataset):
    by_event = defaultdict(list)
    for platform, _, post in all_posts(dataset):
        if post["truth"]["event"]:
            by_event[post["truth"]["event"]].append((platform, post))
    cross = {
        e: posts for e, posts in by_event.items() if len({p for p, _ in posts}) > 1
    }
    assert len(cross) > 100
    assert any(len({p for p, _ in posts}) == 3 for posts in cross.values())
    for posts in cross.values():
        texts = [text_of(platform, post) for platform, post in posts]
        assert len(set(texts)) == len(texts)
        moments = [
            datetime.fromisoformat(post["date"]).timestamp()
            if platform == "telegram"
            else post.get("utime", post.get("taken_at_timestamp"))
            for platform, post in posts
        ]
        # Reports within a day; announcements of receptions come days earlier.
        if all(post["truth"]["kind"] == "meeting" for _, post in posts):
            assert max(moments) - min(moments) < 24 * 3600
    linked = [e for e in by_event if e.startswith("activity-")]
    activity_ids = {a["id"] for items in dataset["activities"].values() for a in items}
    assert linked and all(int(e.split("-")[1]) in activity_ids for e in linked)


def test_two_meetings_of_one_deputy_on_one_day(dataset):
    meetings = defaultdict(set)
    for platform, handle, post in all_posts(dataset):
        truth = post["truth"]
        if platform == "telegram" and truth["kind"] == "meeting":
            meetings[handle, truth["event"]].add(local_day(platform, post))
    events_by_day = Counter()
    for (handle, _), days in meetings.items():
        events_by_day[handle, min(days)] += 1
    assert sum(1 for count in events_by_day.values() if count >= 2) >= 3


def test_some_channels_are_not_public(dataset):
    private = [c for c, a in dataset["telegram"].items() if not a["public"]]
    assert 1 <= len(private) < len(dataset["telegram"]) / 4


def test_generation_is_deterministic():
    first, second = generate_dataset(seed=3), generate_dataset(seed=3)
    for key in (*PLATFORMS, "logins"):
        assert first[key] == second[key]
    assert generate_dataset(seed=4)["telegram"] != first["telegram"]


def test_a_file_without_social_keys_still_loads(tmp_path, dataset):
    old = {k: v for k, v in dataset.items() if k not in (*PLATFORMS, "logins")}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    loaded = load_dataset(path)
    assert loaded["telegram"] == {} and loaded["logins"] == {}
    later = tmp_path / "later.json"
    later.write_text(json.dumps({**old, "senate": []}), encoding="utf-8")
    assert load_dataset(later)["deputies"] == dataset["deputies"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["telegram"]["kuspan_abzal"]["posts"][3].pop("views"),
            "telegram['kuspan_abzal'].posts[3]: missing key 'views'",
        ),
        (
            lambda d: d["telegram"]["kuspan_abzal"]["posts"][4].update(
                date="2025-07-05 10:00"
            ),
            "is not ISO 8601 with offset",
        ),
        (
            lambda d: d["instagram"]["arman.kalykov"]["posts"][1]["truth"].update(
                kind="rally"
            ),
            "instagram['arman.kalykov'].posts[1] (id ",
        ),
        (
            lambda d: d["facebook"]["abzal.kuspan"]["posts"].append(
                copy.deepcopy(d["facebook"]["abzal.kuspan"]["posts"][0])
            ),
            "duplicate id",
        ),
        (lambda d: d.update(logins={"twitter": {}}), "logins['twitter']"),
    ],
)
def test_validation_names_the_file_and_the_post(tmp_path, dataset, edit, message):
    broken = copy.deepcopy(dataset)
    edit(broken)
    path = tmp_path / "broken.json"
    dump_dataset(broken, path)
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)
