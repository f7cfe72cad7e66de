"""Wording of deputies' social posts in Kazakh, Russian and English.

Meetings with voters and receptions of citizens are worded many ways, with or
without their date; the other posts include some that say "встреча" or "кездесу"
in another sense (a minister's working meeting, a football match: "футбол
кездесуі"), so that a keyword alone does not tell a meeting.
"""

import random
from dataclasses import dataclass
from datetime import date

from replica import names
from replica.activity_data import APPEALS, GROUPS, ISSUES, WOMEN_FIRST_NAMES
from replica.places import locality_genitive

LANGUAGES = ("kk", "ru", "en")
MONTHS_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
    "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
# The month in the locative: "5 шілдеде" (on 5 July).
MONTHS_KK = (
    "қаңтарда", "ақпанда", "наурызда", "сәуірде", "мамырда", "маусымда", "шілдеде",
    "тамызда", "қыркүйекте", "қазанда", "қарашада", "желтоқсанда",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
# ISSUES (Russian genitive) in Kazakh and English, in the same order.
ISSUES_KK = (
    "су жеткізу", "жол жөндеу", "жастарды жұмыспен қамту", "газдандыру",
    "коммуналдық тарифтер", "ауылдық амбулатория", "мектеп салу", "абаттандыру",
    "жайылым жерлер", "фермерлерді субсидиялау", "суармалы су", "интернет",
)  # fmt: skip
ISSUES_EN = (
    "water supply", "road repair", "youth employment", "gas supply",
    "utility tariffs", "the rural clinic", "a new school", "landscaping",
    "pasture land", "farm subsidies", "irrigation water", "internet access",
)  # fmt: skip

# Placeholders: {Met}/{met} and {Held}/{held} take the deputy's gender in Russian;
# {ru_gen}, {kk}, {kk_gen}, {en} the locality; {date_*} the day, when stated.
MEETINGS = {
    "ru": (
        "{Met} с жителями {ru_gen}. Обсудили вопросы {issues_ru}.",
        "Встреча с избирателями {ru_gen} 👉 Подняты вопросы {issues_ru}. "
        "Спасибо всем, кто пришел!",
        "Продолжаю работу в округе. {Held} встречу {group} {ru_gen}.\n"
        "Главные темы: вопросы {issues_ru}.",
    ),
    "kk": (
        "{kk_gen} тұрғындарымен кездесу өтті. {issues_kk} мәселелері талқыланды.",
        "Сайлаушылармен кездесу 📍 {kk}\nТұрғындардың ұсыныстары мен өтініштері "
        "тыңдалды.",
    ),
    "en": (
        "Met with residents of {en} to discuss {issues_en}.",
        "Meeting with voters in {en} 🤝 Thank you for your questions!",
    ),
}
DATED_MEETINGS = {
    "ru": (
        "{date_ru} {met} с жителями {ru_gen}. Обсудили вопросы {issues_ru}.",
        "{date_ru} {held} встречу с избирателями {ru_gen}.\n"
        "Главные темы: вопросы {issues_ru}.",
    ),
    "kk": (
        "{date_kk} {kk_gen} тұрғындарымен кездестім. {issues_kk} мәселелері көтерілді.",
        "{date_kk} {kk} сайлаушылармен кездесу өткіздім.",
    ),
    "en": ("On {date_en} I met with residents of {en}. We discussed {issues_en}.",),
}
RECEPTIONS = {
    "ru": (
        "{Held} прием граждан {where_ru}. Поступило {appeals} по {about}.",
        "Личный прием граждан {where_ru}: {appeals} по {about}.",
    ),
    "kk": ("Азаматтарды жеке қабылдау өткіздім ({where_kk}). {count} өтініш түсті.",),
    "en": ("Held a reception of citizens {where_en}: {count} appeals.",),
}
DATED_RECEPTIONS = {
    "ru": (
        "Азаматтарды қабылдау / Прием граждан {where_ru} {date_ru}, 10:00–13:00. "
        "Запись по телефону.",
        "{date_ru} {held} личный прием граждан {where_ru}: {appeals} по {about}.",
    ),
    "kk": ("{date_kk} азаматтарды қабылдау өтті ({where_kk}). {count} өтініш түсті.",),
    "en": ("On {date_en} I received citizens {where_en}: {count} appeals.",),
}
# (place as the dataset's truth gives it, Russian, Kazakh, English).
MAZHILIS_RECEPTION = (
    "Астана, Мажилис Парламента",
    "в Мажилисе",
    "Мәжілісте",
    "at the Mazhilis",
)
AMANAT_RECEPTION = (
    "Астана, общественная приемная партии «AMANAT»",
    "в общественной приемной партии «AMANAT»",
    "«AMANAT» партиясының қоғамдық қабылдау бөлмесінде",
    "at the AMANAT public office",
)

# (Russian, Kazakh, English) of each subject of the other posts.
LAWS = (
    ("О средствах массовой информации", "Бұқаралық ақпарат құралдары туралы",
     "mass media"),
    ("Об искусственном интеллекте", "Жасанды интеллект туралы",
     "artificial intelligence"),
    ("О местном государственном управлении", "Жергілікті мемлекеттік басқару туралы",
     "local government"),
    ("Об образовании", "Білім туралы", "education"),
    ("О здоровье народа", "Халық денсаулығы туралы", "public health"),
    ("О дорожном движении", "Жол жүрісі туралы", "road traffic"),
)  # fmt: skip
CODES = (
    ("Налоговый кодекс", "Салық кодексіне", "the Tax Code"),
    ("Водный кодекс", "Су кодексіне", "the Water Code"),
    ("Земельный кодекс", "Жер кодексіне", "the Land Code"),
)
MINISTRIES = (
    ("энергетики", "Энергетика", "Energy"),
    ("здравоохранения", "Денсаулық сақтау", "Health"),
    ("просвещения", "Оқу-ағарту", "Education"),
    ("сельского хозяйства", "Ауыл шаруашылығы", "Agriculture"),
    ("транспорта", "Көлік", "Transport"),
)
TOPICS = (
    ("тарифной политике", "tariff policy"),
    ("цифровизации", "digitalization"),
    ("развитии села", "rural development"),
    ("поддержке фермеров", "support for farmers"),
)
COUNTRIES = ("Японии", "Германии", "Южной Кореи", "Турции", "Франции")
TEAMS = ("Кайрат", "Астана", "Ордабасы", "Тобол", "Актобе", "Елимай")
CHANNELS = ("Хабар 24", "Qazaqstan", "Atameken Business", "Jibek Joly")
# The holidays of the posting year, each greeted on its day.
HOLIDAYS = {
    date(2025, 7, 6): ("Днем столицы", "Астана күні", "Capital Day"),
    date(2025, 8, 30): ("Днем Конституции", "Конституция күні", "Constitution Day"),
    date(2025, 10, 25): ("Днем Республики", "Республика күні", "Republic Day"),
    date(2025, 12, 16): ("Днем Независимости", "Тәуелсіздік күні",
                         "Independence Day"),
    date(2026, 1, 1): ("Новым годом", "Жаңа жыл", "New Year"),
    date(2026, 3, 8): ("Международным женским днем", "Халықаралық әйелдер күні",
                       "International Women's Day"),
    date(2026, 3, 22): ("праздником Наурыз", "Наурыз мейрамы", "Nauryz"),
    date(2026, 5, 1): ("Днем единства народа Казахстана",
                       "Қазақстан халқының бірлігі күні", "Unity Day"),
    date(2026, 5, 9): ("Днем Победы", "Жеңіс күні", "Victory Day"),
}  # fmt: skip
OTHERS = {
    "ru": (
        "Мажилис одобрил в первом чтении законопроект «{law_ru}».",
        "Сегодня на пленарном заседании Мажилиса приняли закон «{law_ru}».\n"
        "Благодарю коллег за работу над документом.",
        "Заседание комитета: обсудили поправки в {code_ru}.",
        "Дал интервью телеканалу {channel} о {topic_ru}.",
        "Рабочая встреча с министром {ministry_ru}: обсудили вопросы {issues_ru}.",
        "Встреча с послом {country} в Мажилисе: сотрудничество в образовании и "
        "энергетике.",
        "Футбол ⚽ Встреча «{team}» и «{rival}» завершилась со счетом {score}. "
        "Поздравляю болельщиков!",
        "Встреча выпускников школы № {school} — спасибо нашим учителям!",
    ),
    "kk": (
        "Мәжілістің жалпы отырысында «{law_kk}» заң жобасы бірінші оқылымда "
        "мақұлданды.",
        "Комитет отырысы: {code_kk} түзетулер талқыланды.",
        "{ministry_kk} министрімен жұмыс кездесуі өтті.",
        "«{team}» мен «{rival}» командаларының футбол кездесуі {score} есебімен "
        "аяқталды ⚽",
        "{channel} арнасына сұхбат бердім.",
    ),
    "en": (
        "The Mazhilis passed the bill on {law_en} in the first reading.",
        "Met with the Minister of {ministry_en} to discuss {topic_en}.",
        "Great football match: {team} vs {rival}, {score}.",
        "Interview with {channel} on {topic_en}.",
    ),
}
HOLIDAY_GREETINGS = {
    "ru": "Поздравляю с {holiday_ru}! 🎉",
    "kk": "{holiday_kk} құтты болсын! 🎉",
    "en": "Happy {holiday_en}! 🎉",
}
# What a long Facebook post adds after its report (over 300 characters in all).
FOLLOW_UPS = {
    "ru": "Благодарю всех, кто пришел и задал вопросы. Все обращения взяты на "
    "контроль: по каждому будет направлен депутатский запрос или письмо в "
    "профильное ведомство, а о результатах я обязательно расскажу здесь. Если вы не "
    "смогли прийти, пишите в личные сообщения или звоните в приемную.",
    "kk": "Келген барлық азаматтарға рахмет. Барлық өтініштер бақылауға алынды: "
    "әрқайсысы бойынша депутаттық сауал немесе тиісті мекемеге хат жіберіледі, ал "
    "нәтижесі туралы осы парақшада міндетті түрде хабарлаймын. Келе алмағандар жеке "
    "хабарлама жазыңыздар немесе қабылдау бөлмесіне қоңырау шалыңыздар.",
    "en": "Thank you to everyone who came and asked questions. Every appeal is "
    "being followed up: each will get a deputy's request or a letter to the "
    "ministry in charge, and I will report the results here. If you could not "
    "come, send me a message or call my office.",
}
HASHTAGS = {
    "meeting": ("кездесу", "встреча", "избиратели", "сайлаушылар"),
    "reception": ("прием", "қабылдау"),
    "other": ("Мажилис", "Мәжіліс", "закон", "заң"),
}


@dataclass(frozen=True)
class Locality:
    """A place of a meeting in the three languages ("г. Темиртау": "города
    Темиртау", "Темиртау қаласы", "Temirtau")."""

    ru: str
    ru_genitive: str
    kk: str
    kk_genitive: str
    en: str


def _kazakh_part(part: str) -> tuple[str, str]:
    """A part of a locality in Kazakh, nominative and genitive: "с. Сайхин" ->
    "Сайхин ауылы", "Сайхин ауылының"; "Бокейординский район" -> "Бокейордин
    ауданы"."""
    if part.endswith(" район") or part.startswith("район "):
        base = part.removesuffix(" район").removeprefix("район ").removesuffix("ский")
        base = base.removesuffix("й") if base.endswith("ий") else base
        return f"{base} ауданы", f"{base} ауданының"
    kind, _, name = part.partition(" ")
    if kind == "г.":
        return f"{name} қаласы", f"{name} қаласының"
    if kind == "с.":
        return f"{name} ауылы", f"{name} ауылының"
    return f"{name} кенті", f"{name} кентінің"


def _english_part(part: str) -> str:
    """ "г. Темиртау" -> "Temirtau", "с. Сайхин" -> "Saikhin village"."""
    kazakh = _kazakh_part(part)[0]
    name, _, kind = kazakh.rpartition(" ")
    latin = names.to_latin(name).title()
    suffix = {"қаласы": "", "ауылы": " village", "ауданы": " district"}
    return latin + suffix.get(kind, " settlement")


def locality(ru: str) -> Locality:
    """The locality of places.py ("Бокейординский район, с. Сайхин") in full."""
    parts = ru.split(", ")
    kazakh = [_kazakh_part(part) for part in parts]
    return Locality(
        ru=ru,
        ru_genitive=locality_genitive(parts[-1]),
        kk=", ".join(nominative for nominative, _ in kazakh),
        kk_genitive=" ".join([n for n, _ in kazakh[:-1]] + [kazakh[-1][1]]),
        en=_english_part(parts[-1]),
    )


def day_in(language: str, day: date) -> str:
    """The day as a post states it: "5 июля", "5 шілдеде", "July 5"."""
    month = day.month - 1
    if language == "ru":
        return f"{day.day} {MONTHS_RU[month]}"
    if language == "kk":
        return f"{day.day} {MONTHS_KK[month]}"
    return f"{MONTHS_EN[month]} {day.day}"


def _appeals(count: int) -> str:
    """ "14 обращений", "3 обращения", "1 обращение"."""
    if count % 10 == 1 and count % 100 != 11:
        return f"{count} обращение"
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return f"{count} обращения"
    return f"{count} обращений"


def _verbs(deputy: dict) -> dict[str, str]:
    """Russian past tenses for the deputy (a woman "встретилась", "провела")."""
    woman = deputy["first_name"] in WOMEN_FIRST_NAMES or (
        deputy["patronymic"] or ""
    ).endswith(("овна", "кызы"))
    met, held = ("встретилась", "провела") if woman else ("встретился", "провел")
    return {"met": met, "Met": met.capitalize(), "held": held, "Held": held.title()}


def _fill(template: str, values: dict[str, str]) -> str:
    text = template.format(**values)
    return text[0].upper() + text[1:]


def _issues(rng: random.Random) -> dict[str, str]:
    picked = rng.sample(range(len(ISSUES)), 2)
    kazakh = ", ".join(ISSUES_KK[i] for i in picked)
    return {
        "issues_ru": " и ".join(ISSUES[i] for i in picked),
        "issues_kk": kazakh[0].upper() + kazakh[1:],
        "issues_en": " and ".join(ISSUES_EN[i] for i in picked),
    }


def meeting_text(
    rng: random.Random,
    deputy: dict,
    place: Locality,
    languages: tuple[str, ...],
    day: date | None,
) -> str:
    """A meeting post in the given languages (paragraphs), dated when `day`."""
    values = {
        **_verbs(deputy),
        **_issues(rng),
        "ru_gen": place.ru_genitive,
        "kk": place.kk,
        "kk_gen": place.kk_genitive,
        "en": place.en,
        "group": rng.choice(GROUPS),
    }
    templates = MEETINGS if day is None else DATED_MEETINGS
    if day is not None:
        values |= {f"date_{lang}": day_in(lang, day) for lang in LANGUAGES}
    return "\n\n".join(_fill(rng.choice(templates[lang]), values) for lang in languages)


def reception_text(
    rng: random.Random,
    deputy: dict,
    where: tuple[str, str, str, str],
    languages: tuple[str, ...],
    day: date | None,
) -> str:
    """A reception of citizens `where` (MAZHILIS_RECEPTION...), dated when `day`."""
    count = rng.randint(3, 25)
    values = {
        **_verbs(deputy),
        "where_ru": where[1],
        "where_kk": where[2],
        "where_en": where[3],
        "count": str(count),
        "appeals": _appeals(count),
        "about": " и ".join(rng.sample(APPEALS, 2)),
    }
    templates = RECEPTIONS if day is None else DATED_RECEPTIONS
    if day is not None:
        values |= {f"date_{lang}": day_in(lang, day) for lang in LANGUAGES}
    return "\n\n".join(_fill(rng.choice(templates[lang]), values) for lang in languages)


def other_text(rng: random.Random, language: str, day: date) -> str:
    """Any other post: a holiday's greeting on its day, else plenary sittings,
    laws, committees, interviews and meetings that are not with voters."""
    if day in HOLIDAYS:
        ru, kk, en = HOLIDAYS[day]
        values = {"holiday_ru": ru, "holiday_kk": kk, "holiday_en": en}
        return HOLIDAY_GREETINGS[language].format(**values)
    law, code = rng.choice(LAWS), rng.choice(CODES)
    ministry, topic = rng.choice(MINISTRIES), rng.choice(TOPICS)
    team, rival = rng.sample(TEAMS, 2)
    values = {
        **_issues(rng),
        "law_ru": law[0],
        "law_kk": law[1],
        "law_en": law[2],
        "code_ru": code[0],
        "code_kk": code[1],
        "ministry_ru": ministry[0],
        "ministry_kk": ministry[1],
        "ministry_en": ministry[2],
        "topic_ru": topic[0],
        "topic_en": topic[1],
        "country": rng.choice(COUNTRIES),
        "channel": rng.choice(CHANNELS),
        "team": team,
        "rival": rival,
        "score": f"{rng.randint(0, 3)}:{rng.randint(0, 3)}",
        "school": str(rng.randint(1, 60)),
    }
    return _fill(rng.choice(OTHERS[language]), values)


def hashtags(rng: random.Random, kind: str) -> list[str]:
    """No, one or two hashtags for a post of `kind`."""
    return rng.sample(HASHTAGS[kind], rng.choice((0, 1, 1, 2)))
