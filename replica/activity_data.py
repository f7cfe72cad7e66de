"""Deputies' meetings with voters in the dataset (SOURCES.md §1.4): generation and
validation.

`activities` maps a deputy's id (as a string, JSON's keys being strings) to the
API's items, newest first. Deputies spend about 15 days in their regions in early
July and 15 in late August; most meetings fall there, a few on Fridays and
Saturdays during the sessions; receptions of citizens are in Astana during the
sessions.
"""

import random
from collections.abc import Callable
from datetime import date, timedelta

from replica import names
from replica.places import REGIONS, Region, locality_genitive
from replica.request_data import Types, check_date, check_types
from replica.samples import SAMPLE_ACTIVITIES

ACTIVITY_TYPES: Types = {
    "id": int,
    "date": str,
    "title": str,
    "text": str,
    "place": str,
    "url": str,
}
FIRST_ID = 900000
YEARS = (2023, 2024, 2025)
# (month, first day, last day) of the weeks in the regions.
REGIONAL_WEEKS = ((7, 1, 15), (8, 15, 31))
IN_REGIONAL_WEEKS = 0.85
# 88 ТАУ Нұргүл has no patronymic to tell a woman by: "Нургуль" is hers.
WOMEN_FIRST_NAMES = frozenset(ru for _, ru in names.FEMALE_FIRST_NAMES) | {"Нургуль"}
AMANAT = "Фракция партии «AMANAT»"

ISSUES = (
    "водоснабжения", "ремонта дорог", "занятости молодежи", "газификации",
    "тарифов на коммунальные услуги", "работы сельской амбулатории",
    "строительства школы", "благоустройства", "пастбищных земель",
    "субсидирования фермеров", "подачи поливной воды", "доступа к интернету",
)  # fmt: skip
APPEALS = (
    "земельным вопросам", "долговой нагрузке", "жилищному обеспечению",
    "трудоустройству", "пенсионному обеспечению", "социальной помощи",
    "медицинскому обслуживанию", "коммунальным услугам",
)  # fmt: skip
# Whom a deputy meets besides the residents.
GROUPS = (
    "с педагогами", "с медицинскими работниками", "с молодежью",
    "с предпринимателями", "с сельхозпроизводителями",
)  # fmt: skip
# (title, place, what the text says where).
RECEPTIONS = (
    ("Прием граждан в Мажилисе", "Астана, Мажилис Парламента", "в здании Мажилиса"),
    (
        "Прием граждан по личным вопросам",
        "Астана, Мажилис Парламента",
        "в здании Мажилиса",
    ),
)
AMANAT_RECEPTION = (
    "Прием граждан в общественной приемной партии «AMANAT»",
    "Астана, общественная приемная партии «AMANAT»",
    "в общественной приемной партии «AMANAT»",
)


def _feminine(deputy: dict, verb: str) -> str:
    """The verb's past tense for the deputy: "провел", for a woman "провела"
    ("встретился", "встретилась")."""
    woman = deputy["first_name"] in WOMEN_FIRST_NAMES or (
        deputy["patronymic"] or ""
    ).endswith(("овна", "кызы"))
    if not woman:
        return verb
    return verb[:-2] + "ась" if verb.endswith("ся") else verb + "а"


def _listing(items: list[str]) -> str:
    """The items as Russian lists them: "a, b и c"."""
    return ", ".join(items[:-1]) + " и " + items[-1] if len(items) > 1 else items[0]


def _appeals(count: int) -> str:
    """The count with the noun's form: "14 обращений", "3 обращения",
    "1 обращение"."""
    if count % 10 == 1 and count % 100 != 11:
        return f"{count} обращение"
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return f"{count} обращения"
    return f"{count} обращений"


class _Calendar:
    """Days for meetings and receptions."""

    def __init__(self, rng: random.Random, convocations: list[dict]) -> None:
        self.rng = rng
        self.sessions = [
            (date.fromisoformat(s["start_date"]), date.fromisoformat(s["end_date"]))
            for c in convocations
            if c["end_date"] is None
            for s in c["sessions"]
        ]

    def regional_week(self) -> date:
        month, first, last = self.rng.choice(REGIONAL_WEEKS)
        return date(self.rng.choice(YEARS), month, self.rng.randint(first, last))

    def session_day(self, weekdays: tuple[int, ...]) -> date:
        """A day of a session that falls on one of `weekdays` (0 = Monday)."""
        start, end = self.rng.choice(self.sessions)
        while True:
            day = start + timedelta(days=self.rng.randrange((end - start).days + 1))
            if day.weekday() in weekdays:
                return day


def _meeting(rng: random.Random, deputy: dict, region: Region, day: date) -> dict:
    """A meeting in one of the region's localities."""
    locality = rng.choice(region.localities)
    whose = locality_genitive(rng.choice(locality.split(", ")))
    name = f"{deputy['first_name']} {deputy['last_name']}"
    issues = _listing(rng.sample(ISSUES, rng.randint(2, 3)))
    if rng.random() < 0.6:
        title = f"Встреча с жителями {whose}"
        did = f"{_feminine(deputy, 'провел')} встречу с жителями {whose}"
    else:
        whom = rng.choice(GROUPS)
        title = f"Встреча {whom} {whose}"
        did = f"{_feminine(deputy, 'встретился')} {whom} {whose}"
    return {
        "date": day.isoformat(),
        "title": title,
        "text": f"Депутат Мажилиса {name} {did}. Обсуждены вопросы {issues}.",
        "place": f"{region.name}, {locality}",
    }


def _reception(rng: random.Random, deputy: dict, day: date) -> dict:
    """A reception of citizens in Astana."""
    choices = RECEPTIONS
    if deputy["party"] and deputy["party"]["name"] == AMANAT:
        choices += (AMANAT_RECEPTION,)
    title, place, where = rng.choice(choices)
    name = f"{deputy['first_name']} {deputy['last_name']}"
    about = _listing(rng.sample(APPEALS, 2))
    appeals = _appeals(rng.randint(3, 25))
    return {
        "date": day.isoformat(),
        "title": title,
        "text": f"{name} {_feminine(deputy, 'провел')} прием граждан {where}. "
        f"Поступило {appeals} по {about}.",
        "place": place,
    }


def generate_activities(
    rng: random.Random, deputies: list[dict], convocations: list[dict]
) -> dict[str, list[dict]]:
    """5-40 activities for each sitting deputy, the samples of 71 included.

    Single-mandate deputies meet voters more often, in their own region; a list
    deputy works in a region the faction gave them.
    """
    calendar = _Calendar(rng, convocations)
    drafts: list[tuple[int, dict]] = []
    for deputy in (d["ru"] for d in deputies if d["ru"]["is_active"]):
        if deputy["deputy_type"] == 1:
            region, meetings = REGIONS[deputy["region"]["name"]], rng.randint(8, 28)
        else:
            region, meetings = REGIONS[rng.choice(list(REGIONS))], rng.randint(2, 12)
        for _ in range(meetings):
            if rng.random() < IN_REGIONAL_WEEKS:
                day = calendar.regional_week()
            else:
                day = calendar.session_day((4, 5))
            drafts.append((deputy["id"], _meeting(rng, deputy, region, day)))
        for _ in range(rng.randint(3, 10)):
            day = calendar.session_day((0, 3, 4))
            drafts.append((deputy["id"], _reception(rng, deputy, day)))
    drafts.sort(key=lambda draft: (draft[1]["date"], draft[0]))
    activities: dict[str, list[dict]] = {}
    for deputy_id, samples in SAMPLE_ACTIVITIES.items():
        activities[str(deputy_id)] = list(samples)
    reserved = {a["id"] for samples in SAMPLE_ACTIVITIES.values() for a in samples}
    activity_id = FIRST_ID
    for deputy_id, draft in drafts:
        while activity_id in reserved:
            activity_id += 1
        url = f"/ru/deputies/{deputy_id}/activities/{activity_id}"
        activities.setdefault(str(deputy_id), []).append(
            {"id": activity_id, **draft, "url": url}
        )
        activity_id += rng.choice((1, 1, 2, 3))
    for items in activities.values():
        items.sort(key=lambda a: (a["date"], a["id"]), reverse=True)
    return activities


# How offices write a meeting's `place` beside "Region, locality" (SOURCES.md
# §1.4: no fixed order): the locality first, a venue after it, or in Kazakh.
PLACE_FORMS = (("reversed", 0.2), ("venue", 0.15), ("kazakh", 0.1))
VENUES = ("Дом культуры", "сельский клуб", "школа №3", "актовый зал акимата")
KAZAKH_VENUES = ("мәдениет үйі", "ауылдық клуб", "№3 мектеп")
# Settlement kinds in Kazakh, after the name: "с. Сайхин" -> "Сайхин ауылы".
KAZAKH_KINDS = {"с.": "ауылы", "г.": "қаласы", "пос.": "кенті", "пгт": "кенті"}
KAZAKH_REGIONS = {ru: kk for _, _, kk, ru in names.DISTRICTS}


def vary_places(
    seed: int, activities: dict[str, list[dict]], deputies: list[dict]
) -> None:
    """Write some meetings' places as offices do besides "Region, locality":
    "г. Темиртау, Карагандинская область", "с. Сайхин, сельский клуб",
    "Сайхин ауылы, Батыс Қазақстан облысы". Receptions and the samples keep
    theirs, and so do the single-mandate deputies' meetings, which the session
    report counts in or out of the district's region by the place's first part
    (reports/scorecard.py). A separate random stream keeps the rest of the
    dataset as it was."""
    rng = random.Random(f"places-{seed}")
    samples = {a["id"] for items in SAMPLE_ACTIVITIES.values() for a in items}
    receptions = {place for _, place, _ in (*RECEPTIONS, AMANAT_RECEPTION)}
    party_list = {str(d["ru"]["id"]) for d in deputies if d["ru"]["deputy_type"] == 2}
    for key in sorted(activities.keys() & party_list, key=int):
        for activity in activities[key]:
            if activity["id"] in samples or activity["place"] in receptions:
                continue
            draw, form = rng.random(), None
            for name, share in PLACE_FORMS:
                if draw < share:
                    form = name
                    break
                draw -= share
            if form is not None:
                activity["place"] = _place_in(rng, activity["place"], form)


def _place_in(rng: random.Random, place: str, form: str) -> str:
    region, *localities = place.split(", ")
    settlement = localities[-1]
    if form == "reversed":
        return ", ".join([*reversed(localities), region])
    if form == "venue":
        return f"{settlement}, {rng.choice(VENUES)}"
    kind, _, name = settlement.partition(" ")
    if kind in KAZAKH_KINDS:
        settlement = f"{name} {KAZAKH_KINDS[kind]}"
    if rng.random() < 0.5:
        return f"{settlement}, {KAZAKH_REGIONS[region]}"
    return f"{settlement}, {rng.choice(KAZAKH_VENUES)}"


def validate_activities(dataset: dict, fail: Callable[[str], Exception]) -> None:
    """Check `activities`; every error names the deputy and the item."""
    deputy_ids = {d["kk"]["id"] for d in dataset["deputies"]}
    seen: dict[int, str] = {}
    for key, items in dataset["activities"].items():
        where = f"activities[{key!r}]"
        if not key.isdigit() or int(key) not in deputy_ids:
            raise fail(f"{where}: no deputy has id {key}")
        if not isinstance(items, list):
            raise fail(f"{where} is not a list")
        for i, activity in enumerate(items):
            check_types(activity, ACTIVITY_TYPES, f"{where}[{i}]", fail)
            at = f"{where}[{i}] (id {activity['id']})"
            if activity["id"] in seen:
                raise fail(f"{at}: duplicate id (also {seen[activity['id']]})")
            seen[activity["id"]] = at
            check_date(activity["date"], at, fail)
