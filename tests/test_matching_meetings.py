"""Meetings with voters and receptions of citizens among the posts: measured on a
hand-labelled set of posts in Kazakh, Russian, English and mixed (with hard
negatives: ministers, delegations, football, holidays, laws adopted), and on the
replica's generated posts, whose truth the generator keeps."""

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from matching.meetings import (
    activity_locality,
    classify,
    place_stems,
    same_place,
    stated_days,
)

DATA = Path(__file__).parent / "data" / "meetings"
KAZAKHSTAN = timezone(timedelta(hours=5))


def labelled_posts() -> list[dict]:
    rows = []
    for path in sorted(DATA.glob("posts_*.jsonl")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            rows.append(json.loads(line) | {"at": f"{path.name}:{number}"})
    return rows


def place_right(gold: str | None, found: str | None) -> bool:
    return same_place(gold, found) is True if gold else found is None


def measure(posts: list[tuple[str, date, dict]]) -> dict[str, float]:
    """Precision and recall of the kind; date and place accuracy on the posts
    whose kind was found."""
    true_pos = false_pos = false_neg = dates_right = places_right = 0
    for text, posted, gold in posts:
        found = classify(text, posted)
        if found.kind and found.kind == gold["kind"]:
            true_pos += 1
            dates_right += str(found.day or None) == str(gold["date"])
            places_right += place_right(gold["place"], found.place)
            continue
        false_pos += found.kind is not None
        false_neg += gold["kind"] is not None
    return {
        "posts": len(posts),
        "positives": true_pos + false_neg,
        "precision": true_pos / (true_pos + false_pos),
        "recall": true_pos / (true_pos + false_neg),
        "date accuracy": dates_right / true_pos,
        "place accuracy": places_right / true_pos,
    }


def report(name: str, figures: dict[str, float]) -> None:
    shown = ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
        for k, v in figures.items()
    )
    print(f"\n{name}: {shown}")


def test_the_labelled_set_is_large_and_mixed():
    rows = labelled_posts()
    assert len(rows) >= 200
    kinds = {kind: sum(r["kind"] == kind for r in rows) for kind in (None, "meeting")}
    assert kinds[None] >= 80 and kinds["meeting"] >= 80
    assert sum(r["kind"] == "reception" for r in rows) >= 30
    assert sum(r["date"] is not None for r in rows) >= 60


def test_precision_and_recall_on_the_labelled_posts():
    rows = labelled_posts()
    figures = measure([(r["text"], date.fromisoformat(r["posted"]), r) for r in rows])
    report("labelled posts", figures)
    assert figures["precision"] >= 0.9
    assert figures["recall"] >= 0.9
    assert figures["date accuracy"] >= 0.9
    assert figures["place accuracy"] >= 0.9


def test_precision_and_recall_on_the_replica_posts(replica_dataset):
    posts = []
    for platform, key, text_key in (
        ("telegram", "date", "text"),
        ("instagram", "taken_at_timestamp", "caption"),
        ("facebook", "utime", "text"),
    ):
        for account in replica_dataset[platform].values():
            for post in account["posts"]:
                if post.get("service"):
                    continue
                when = post[key]
                moment = (
                    datetime.fromisoformat(when)
                    if isinstance(when, str)
                    else datetime.fromtimestamp(when, KAZAKHSTAN)
                )
                truth = post["truth"]
                gold = {
                    "kind": None if truth["kind"] == "other" else truth["kind"],
                    "date": truth["date"],
                    # The truth's place is "Region, locality" or an office's.
                    "place": truth["place"] and truth["place"].split(", ")[-1],
                }
                text = post[text_key]
                posts.append((text, moment.astimezone(KAZAKHSTAN).date(), gold))
    figures = measure(posts)
    report("replica posts", figures)
    assert figures["precision"] >= 0.95 and figures["recall"] >= 0.95
    assert figures["date accuracy"] >= 0.95


@pytest.fixture(scope="module")
def replica_dataset() -> dict:
    from replica import generate_dataset

    return generate_dataset()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Встретился с жителями села Коянды.", "meeting"),
        ("Сайлаушылармен кездесу 📍 Қарқаралы қаласы", "meeting"),
        ("Met with residents of Temirtau.", "meeting"),
        ("Провел прием граждан в Мажилисе.", "reception"),
        ("Азаматтарды жеке қабылдау өткіздім.", "reception"),
        ("Held a reception of citizens at the Mazhilis.", "reception"),
        # The same words in another sense.
        ("Рабочая встреча с министром энергетики.", None),
        ("Футбол ⚽ Встреча «Кайрат» и «Астана» завершилась со счетом 2:1.", None),
        ("Энергетика министрімен жұмыс кездесуі өтті.", None),
        ("«Қайрат» пен «Тобыл» футбол кездесуі 1:1 есебімен аяқталды", None),
        ("Мәжіліс «Білім туралы» заңды қабылдады.", None),
        ("Халық денсаулығы туралы кодекс қабылданды.", None),
        ("Прием документов от граждан ведется через портал eGov.", None),
        ("Met with the Minister of Energy to discuss tariffs for residents.", None),
        ("Reception at the Embassy of France.", None),
        ("Поздравляю избирателей с Днем Республики!", None),
        ("", None),
    ],
)
def test_kind(text, kind):
    assert classify(text, date(2025, 7, 10)).kind == kind


def test_the_rule_that_decided_is_named():
    found = classify("Сайлаушылармен кездесу өтті.", date(2025, 7, 10))
    assert found.rule == "kk: сайлаушылармен кездесу"


@pytest.mark.parametrize(
    ("text", "posted", "day"),
    [
        ("5 июля встретился с жителями", date(2025, 7, 6), date(2025, 7, 5)),
        ("5 шілдеде тұрғындармен кездестім", date(2025, 7, 6), date(2025, 7, 5)),
        ("On July 5 I met residents", date(2025, 7, 6), date(2025, 7, 5)),
        ("5 July: met residents", date(2025, 7, 6), date(2025, 7, 5)),
        ("05.07.2025 встреча с жителями", date(2025, 7, 6), date(2025, 7, 5)),
        (
            "2025 жылғы 5 шілдеде сайлаушылармен кездесу",
            date(2025, 7, 6),
            date(2025, 7, 5),
        ),
        # The year is the one nearest the post: a December day posted in January.
        ("30 декабря встреча с жителями", date(2026, 1, 2), date(2025, 12, 30)),
        ("Вчера встретился с жителями", date(2025, 7, 6), date(2025, 7, 5)),
        ("Кеше тұрғындармен кездестім", date(2025, 7, 6), date(2025, 7, 5)),
        ("Yesterday I met residents", date(2025, 7, 6), date(2025, 7, 5)),
        # A time of day is not a date.
        ("Встреча с жителями в 10.07, в 15:00 и в 10.00", date(2025, 7, 6), None),
        # Days of something else: a law's, a deadline, a start.
        (
            "Закон от 5 июля 2023 года. 23 августа встреча с жителями.",
            date(2025, 8, 25),
            date(2025, 8, 23),
        ),
        ("Встреча с жителями: ремонт до 1 сентября", date(2025, 8, 25), None),
        ("Тұрғындармен кездесу: 1 қыркүйекке дейін", date(2025, 8, 25), None),
        ("Встреча с жителями. Закон действует с 1 января", date(2025, 8, 25), None),
        # A day far from the post's is another event's.
        ("Встреча с жителями, как и 5 марта", date(2025, 8, 25), None),
    ],
)
def test_day(text, posted, day):
    assert classify(text, posted).day == day


def test_the_day_nearest_the_meeting_wins():
    text = (
        "16 декабря поздравил ветеранов.\n\n18 декабря провел встречу с жителями "
        "села Коянды."
    )
    assert classify(text, date(2025, 12, 19)).day == date(2025, 12, 18)
    assert len(stated_days(text, date(2025, 12, 19))) == 2


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Встретился с жителями села Сайхин.", "Сайхин"),
        ("Сайхин ауылының тұрғындарымен кездестім.", "Сайхин"),
        ("Meeting with voters in Saikhin village.", "Saikhin"),
        ("Встреча с жителями Бокейординского района.", "Бокейорда"),
        ("В Аральске встретился с жителями.", "Аральск"),
        ("Провел прием граждан в Мажилисе.", "Мажилис"),
        ("Азаматтарды қабылдау («AMANAT» қабылдау бөлмесінде).", "AMANAT"),
        ("Провел встречу с жителями.", None),
    ],
)
def test_place(text, place):
    found = classify(text, date(2025, 7, 10))
    assert place_right(place, found.place), found.place


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("села Сайхин", "Saikhin village", True),
        ("Темиртау қаласының", "города Темиртау", True),
        ("Балқаш", "Балхаш", True),
        ("Есика", "Есик", True),
        ("Абайский район", "Abai district", True),
        ("г. Темиртау", "г. Шахтинск", False),
        ("Шу", "Щучинск", False),
        ("Мажилис", "AMANAT", False),
        ("Мәжілісте", "at the Mazhilis", True),
        (None, "Темиртау", None),
    ],
)
def test_same_place(a, b, same):
    assert same_place(a, b) is same


def test_place_stems_drop_the_kind_of_place():
    assert place_stems("Сайхин ауылының") == place_stems("с. Сайхин")


# An activity's `place` as §1.4 gives it: free text in Russian or Kazakh, the
# locality first or last, a region before it or a venue after it.
@pytest.mark.parametrize(
    ("place", "locality"),
    [
        ("Карагандинская область, г. Темиртау", "г. Темиртау"),
        ("г. Темиртау, Карагандинская область", "г. Темиртау"),
        ("г. Шымкент, Дом культуры", "г. Шымкент"),
        ("Дом культуры, г. Темиртау", "г. Темиртау"),
        ("с. Сайхин, сельский клуб", "с. Сайхин"),
        ("Мажилис Парламента", "Мажилис Парламента"),
        ("Астана, Мажилис Парламента", "Мажилис Парламента"),
        (
            "Западно-Казахстанская область, Бокейординский район, с. Сайхин",
            "с. Сайхин",
        ),
        (
            "с. Сайхин, Бокейординский район, Западно-Казахстанская область",
            "с. Сайхин",
        ),
        ("Акмолинская область, Бурабайский район, г. Щучинск", "г. Щучинск"),
        ("Теміртау қаласы, Қарағанды облысы", "Теміртау қаласы"),
        ("Қарағанды облысы, Теміртау қаласы", "Теміртау қаласы"),
        ("Сайхин ауылы, мәдениет үйі", "Сайхин ауылы"),
        ("Бурабай ауданы, Щучинск қаласы", "Щучинск қаласы"),
        ("Темиртау, Дом культуры", "Темиртау"),
        ("Қарағанды облысы, Теміртау", "Теміртау"),
        # A city with a region's standing is the region beside its district.
        ("г. Шымкент, Абайский район", "Абайский район"),
        ("Абайский район, г. Шымкент", "Абайский район"),
        ("г. Астана, район Есиль", "район Есиль"),
        ("сельский клуб", None),
        ("Карагандинская область", None),
        (None, None),
    ],
)
def test_an_activity_s_locality_is_found_in_any_order(place, locality):
    assert activity_locality(place) == locality


def test_one_locality_in_either_order_and_language_is_one_place():
    forms = [
        "Карагандинская область, г. Темиртау",
        "г. Темиртау, Дом культуры",
        "Теміртау қаласы, Қарағанды облысы",
        "Темиртау қаласының мәдениет үйі",
    ]
    places = [activity_locality(form) for form in forms]
    assert all(same_place(places[0], other) for other in places[1:]), places
    assert same_place(activity_locality("г. Шымкент, Дом культуры"), "Шымкент")
    assert not same_place(
        activity_locality("г. Шымкент, Дом культуры"), "Дом культуры Темиртау"
    )
