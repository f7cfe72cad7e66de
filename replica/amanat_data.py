"""The AMANAT party's site in the dataset (SOURCES.md §5): news and programme.

`amanat`: `{"news": [{"slug", "date" (ISO 8601, Astana time), "title",
"paragraphs": [str], "mentions": [{"deputy_id": int | null, "form", "name"}]}],
"program": [{"number", "text"}]}`, news newest first.

`mentions` is never served: it is the truth of whom the text names, each name as
written (`name`) and how (`form`): "first_last" (Асхат Назаров), "formal"
(Назаров Асхат Ермекович), "initials_after" (Назаров А.Е.), "initials_before"
(А. Назаров), "kazakh" (Асхат Ермекұлы Назаров), "surname" (Назаров alone, which
a careful matcher cannot link by itself) or "outsider" (someone who is not a
deputy, such as the Party Oversight Committee's chairman).
"""

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from replica.request_data import Types, check_types

ASTANA = timezone(timedelta(hours=5))
FIRST_DAY = date(2025, 7, 1)
NEWS_COUNT = 36
# The forms a deputy's name takes in the news, dealt in turn.
FORMS = ("first_last", "initials_after", "kazakh", "formal", "initials_before")
# The ten theses of the 2023 election programme, as the sample gives them.
PROGRAM = (
    "Increase in real incomes of citizens, improvement of working conditions and "
    "job security",
    "Guarantees of decent social security, including low-income people and people "
    "with special needs",
    "Providing quality educational and medical services",
    "Providing housing and comfortable infrastructure",
    "Development of production, logistics and scientific solution of applied "
    "economic problems",
    "Revival of the village and improvement of the welfare of rural residents",
    "Support of culture, development of language and strengthening of civil society",
    "Creating conditions for youth development, providing jobs and improving living "
    "conditions for youth",
    "Environmental protection",
    "Protection of citizens' rights and fight against corruption",
)
ISSUES = (
    "ремонт дорог местного значения",
    "водоснабжение сел",
    "строительство школ",
    "нехватка врачей в районной больнице",
    "занятость молодежи",
    "доступное жилье для молодых семей",
    "загрязнение воздуха и вывоз мусора",
    "борьба с коррупцией в госзакупках",
    "поддержка фермеров и сельского хозяйства",
    "профилактика бытового насилия",
    "прозрачность местного бюджета",
    "социальная помощь малообеспеченным семьям",
)
OUTSIDER = "Павел Казанцев"
KINDS = ("meeting", "reception", "faction", "oversight")
SLUGS = {
    "meeting": "vstrecha-s-izbiratelyami",
    "reception": "priem-grazhdan",
    "faction": "zasedanie-fraktsii",
    "oversight": "partiynyy-kontrol",
}

NEWS_TYPES: Types = {
    "slug": str,
    "date": str,
    "title": str,
    "paragraphs": list,
    "mentions": list,
}
MENTION_TYPES: Types = {"deputy_id": (int, type(None)), "form": str, "name": str}
THESIS_TYPES: Types = {"number": int, "text": str}


def _initial(name: str | None) -> str:
    return f"{name[0]}." if name and name != "None" else ""


def name_form(pair: dict, form: str) -> str:
    """How the news writes a deputy's name in `form` (module docstring)."""
    ru, kk = pair["ru"], pair["kk"]
    last, first, patronymic = ru["last_name"], ru["first_name"], ru["patronymic"]
    if form == "first_last":
        return f"{first} {last}"
    if form == "formal":
        return " ".join(part for part in (last, first, patronymic) if part)
    if form == "initials_after":
        return f"{last} {_initial(first)}{_initial(patronymic)}"
    if form == "initials_before":
        return f"{_initial(first)} {last}"
    if form == "kazakh":
        kk_patronymic = kk["patronymic"] if kk["patronymic"] != "None" else None
        parts = (kk["first_name"], kk_patronymic, kk["last_name"].title())
        return " ".join(part for part in parts if part)
    if form == "surname":
        return last
    raise ValueError(f"unknown name form {form!r}")


class _News:
    """Deals the party's members and their name forms into news items."""

    def __init__(self, rng: random.Random, members: list[dict]) -> None:
        self.rng = rng
        self.members = members
        self.dealt = 0

    def mention(self, pair: dict | None = None) -> dict:
        if pair is None:
            pair = self.rng.choice(self.members)
        form = FORMS[self.dealt % len(FORMS)]
        self.dealt += 1
        return {
            "deputy_id": pair["ru"]["id"],
            "form": form,
            "name": name_form(pair, form),
        }

    def item(self, kind: str, day: date, number: int) -> dict:
        rng = self.rng
        issues = rng.sample(ISSUES, 2)
        moment = datetime.combine(day, datetime.min.time(), ASTANA) + timedelta(
            minutes=rng.randrange(9 * 60, 19 * 60, 5)
        )
        mentions: list[dict] = []
        if kind == "meeting":
            pair = rng.choice(self.members)
            mentions.append(self.mention(pair))
            region = (pair["ru"]["region"] or {"name": "г. Астана"})["name"]
            surname = name_form(pair, "surname")
            title = f"Депутат фракции встретился с избирателями ({region})"
            paragraphs = [
                f"Депутат Мажилиса от партии «AMANAT» {mentions[0]['name']} провел "
                f"встречу с избирателями, регион: {region}.",
                f"Жители подняли вопросы: {issues[0]}, {issues[1]}.",
                f"Как отметил депутат {surname}, все обращения взяты на контроль.",
            ]
            mentions.append(
                {"deputy_id": pair["ru"]["id"], "form": "surname", "name": surname}
            )
        elif kind == "reception":
            mentions.append(self.mention())
            title = "Прием граждан в общественной приемной партии"
            paragraphs = [
                f"{mentions[0]['name']} провел прием граждан в общественной "
                f"приемной партии «AMANAT». Обратились {rng.randrange(5, 40)} "
                "человек.",
                f"Вопросы касались тем: {issues[0]}, {issues[1]}.",
            ]
        elif kind == "faction":
            first, second = rng.sample(self.members, 2)
            mentions += [self.mention(first), self.mention(second)]
            title = "Фракция обсудила исполнение предвыборной программы"
            paragraphs = [
                "На заседании фракции партии «AMANAT» в Мажилисе обсудили "
                f"исполнение предвыборной программы: {issues[0]}.",
                f"С докладами выступили депутаты {mentions[0]['name']} и "
                f"{mentions[1]['name']}.",
            ]
        else:
            mentions.append({"deputy_id": None, "form": "outsider", "name": OUTSIDER})
            count = rng.randrange(5, 30)
            title = "Отчетность по пунктам: контроль за исполнением программы"
            paragraphs = [
                "Комитет партийного контроля подвел итоги выездов в регионы: "
                f"{count} пунктов дорожной карты остаются неисполненными.",
                f"Председатель Комитета {OUTSIDER} указал на слабое планирование "
                f"и на такую проблему, как {issues[0]}.",
            ]
        return {
            "slug": f"{SLUGS[kind]}-{day.isoformat()}-{number}",
            "date": moment.isoformat(),
            "title": title,
            "paragraphs": paragraphs,
            "mentions": mentions,
        }


def generate_amanat(seed: int, deputies: list[dict]) -> dict:
    """`amanat` for the dataset: a year of news naming sitting party members."""
    rng = random.Random(f"{seed}|amanat")
    members = [
        pair
        for pair in deputies
        if pair["ru"]["is_active"]
        and pair["ru"]["party"]
        and "AMANAT" in pair["ru"]["party"]["name"]
    ]
    news = _News(rng, members)
    days = sorted(rng.sample(range(365), NEWS_COUNT), reverse=True)
    items = [
        news.item(KINDS[i % len(KINDS)], FIRST_DAY + timedelta(days=offset), i)
        for i, offset in enumerate(days)
    ]
    program = [{"number": n, "text": text} for n, text in enumerate(PROGRAM, 1)]
    return {"amanat": {"news": items, "program": program}}


def validate_amanat(dataset: dict, fail: Callable[[str], Exception]) -> None:
    """Check `amanat`; every error names the item."""
    amanat = dataset["amanat"]
    amanat.setdefault("news", [])
    amanat.setdefault("program", [])
    slugs: set[str] = set()
    for i, item in enumerate(amanat["news"]):
        where = f"amanat.news[{i}]"
        check_types(item, NEWS_TYPES, where, fail)
        if item["slug"] in slugs:
            raise fail(f"{where}: duplicate slug {item['slug']!r}")
        slugs.add(item["slug"])
        try:
            moment = datetime.fromisoformat(item["date"])
        except ValueError:
            raise fail(f"{where}: date {item['date']!r} is not ISO 8601") from None
        if moment.tzinfo is None:
            raise fail(f"{where}: date {item['date']!r} has no time zone")
        for j, mention in enumerate(item["mentions"]):
            check_types(mention, MENTION_TYPES, f"{where}.mentions[{j}]", fail)
    for i, thesis in enumerate(amanat["program"]):
        check_types(thesis, THESIS_TYPES, f"amanat.program[{i}]", fail)
