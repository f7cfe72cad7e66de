"""Writes the labelled name pairs used to evaluate `matching` (pairs_same.csv,
pairs_not_same.csv).

Run from the project root: `.venv/bin/python tests/data/names/generate.py`.

The generator is deliberately independent of `matching`: it imports nothing from
it and has its own name lists and its own renderers, one per way a source writes a
name (the Mazhilis's Kazakh and Russian pages, the parliament's English list, the
2021 Kazakh Latin alphabet, BGN/PCGN, initials in reports, typos with mixed
scripts). Each renderer writes from a person's Kazakh (or Russian) spelling, not
from another renderer's output, so two renderings of one person differ the way two
sources do. Hard negative pairs are only made where the two strings carry enough
to tell the people apart (a pair like "Куспан А." / "Куспан Арман" is not a
negative: nothing in it says the two differ). The hand-written pairs from
SOURCES.md §6 and the samples are in pairs_real.csv, not generated.
"""

import csv
import random
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20231004

# How the Russian pages write the Kazakh letters by default (Қалықов -> Калыков).
KK_TO_RU = str.maketrans("ӘәҒғҚқҢңӨөҰұҮүҺһІі", "АаГгКкНнОоУуУуХхИи")

# Men's first names, (Kazakh, Russian) with the Russian form only where it is
# not the default letter mapping (Бақытжан -> Бахытжан, Шыңғыс -> Чингиз).
MEN = (
    ("Арман", ""), ("Абзал", ""), ("Асхат", ""), ("Ерлан", ""), ("Мұрат", ""),
    ("Бауыржан", ""), ("Нұрлан", ""), ("Серік", ""), ("Болат", ""), ("Марат", ""),
    ("Дархан", ""), ("Ержан", ""), ("Қайрат", ""), ("Асқар", ""),
    ("Бақытжан", "Бахытжан"), ("Жанарбек", ""), ("Ерболат", ""), ("Айдос", ""),
    ("Бекболат", ""), ("Ғалымжан", ""), ("Дәурен", ""), ("Жасұлан", ""),
    ("Мақсат", ""), ("Нұржан", ""), ("Руслан", ""), ("Самат", ""), ("Талғат", ""),
    ("Олжас", ""), ("Әділ", "Адиль"), ("Әлібек", ""), ("Төлеген", "Тулеген"),
    ("Ерғали", ""), ("Азат", ""), ("Бағдат", ""), ("Еділ", ""), ("Жандос", ""),
    ("Қанат", ""), ("Мейірбек", ""), ("Нұрсұлтан", ""), ("Рахым", ""),
    ("Сәкен", ""), ("Темірлан", ""), ("Ұлан", ""), ("Шыңғыс", "Чингиз"),
    ("Ербол", ""), ("Аманжол", ""), ("Елдос", ""), ("Жарас", ""),
    ("Ілияс", "Ильяс"), ("Мәжит", ""), ("Қобыланды", ""), ("Темірғали", ""),
    ("Ғабит", ""), ("Ыбырайым", "Ибрагим"), ("Сағындық", ""), ("Жақсылық", ""),
    ("Мұхтар", ""), ("Тоқтар", ""), ("Асылбек", ""), ("Кенжебек", ""),
    ("Амангелді", ""), ("Бейбіт", ""), ("Қуаныш", ""), ("Нұрбол", ""),
    ("Ермек", ""), ("Данияр", ""), ("Мадияр", ""), ("Әлихан", ""), ("Ахмет", ""),
    ("Оразбек", ""), ("Сейілхан", ""), ("Рысбек", ""), ("Жұмабек", ""),
    ("Досжан", ""), ("Ғани", ""), ("Мұхамед-Әли", ""), ("Қасым", ""),
    ("Берік", ""), ("Бекзат", ""), ("Дәулет", ""), ("Ерік", ""), ("Жеңіс", ""),
    ("Құдайберген", ""), ("Мырзахмет", ""), ("Әбілқайыр", ""), ("Өмірзақ", ""),
    ("Үкібай", ""), ("Шәмші", ""), ("Әбдіраш", ""), ("Мәлік", "Малик"),
    ("Хасен", ""),
)  # fmt: skip

# Women's first names; the Russian pages add a soft sign (Нұргүл -> Нургуль).
WOMEN = (
    ("Айгүл", "Айгуль"), ("Гүлнар", "Гульнар"), ("Жанар", ""), ("Динара", ""),
    ("Әсел", "Асель"), ("Айжан", ""), ("Сәуле", ""), ("Ботагөз", ""),
    ("Гүлдана", "Гульдана"), ("Ақмарал", ""), ("Лаура", ""),
    ("Ләззат", "Ляззат"), ("Самал", ""), ("Мәдина", ""), ("Аягөз", ""),
    ("Гүлмира", "Гульмира"), ("Назгүл", "Назгуль"), ("Еркегүл", "Еркегуль"),
    ("Салтанат", ""), ("Толқын", ""), ("Ұлжан", ""), ("Айнұр", ""),
    ("Бибігүл", "Бибигуль"), ("Дана", ""), ("Әйгерім", ""), ("Нұргүл", "Нургуль"),
    ("Меруерт", ""), ("Ақбота", ""), ("Гүлшат", "Гульшат"), ("Жұлдыз", ""),
    ("Зарина", ""), ("Ақерке", ""), ("Мөлдір", ""), ("Індира", "Индира"),
    ("Шынар", ""), ("Қарлығаш", ""),
)  # fmt: skip

# Surnames, men's form (Kazakh in capitals, Russian where not the default
# mapping). Real deputies' surnames from SOURCES.md are among them.
SURNAMES = (
    ("ҚАЛЫҚОВ", ""), ("ҚҰСПАН", ""), ("ТАУ", ""), ("ЖАНБЫРШИН", ""),
    ("АЙМАҒАМБЕТОВ", ""), ("ЖАЙЫМБЕТОВ", ""), ("ИСАБЕКОВ", ""), ("НАЗАРОВ", ""),
    ("ӘБЕНОВ", ""), ("ҚОЖАНАЗАРОВ", "Ходжаназаров"), ("САИРОВ", "Сайыр"),
    ("АСАНҒАЗЫ", ""), ("ЖАҚСЫЛЫҚОВ", ""), ("НҰРЫМБЕТОВ", ""), ("БЕКТАЕВ", ""),
    ("ТӨЛЕУОВ", "Тулеуов"), ("СМАҒҰЛОВ", ""), ("ОМАРОВ", ""), ("ЖҰМАБАЕВ", ""),
    ("ҚАСЫМОВ", ""), ("ЕРМЕКОВ", ""), ("АХМЕТОВ", ""), ("САПАРОВ", ""),
    ("ТОҚТАРОВ", ""), ("ДОСЫМБЕКОВ", ""), ("ҚОНЫСБАЕВ", ""),
    ("МҰХАМЕДЖАНОВ", ""), ("ӘЛІМБЕКОВ", ""), ("БАЙМҰХАНОВ", ""), ("ТАЖИЕВ", ""),
    ("СЕЙТҚАЛИЕВ", ""), ("ЕСЕНБАЕВ", ""), ("ОРАЗБЕКОВ", ""), ("ҚУАНЫШЕВ", ""),
    ("ТҰРСЫНОВ", ""), ("ШАЙМАРДАНОВ", ""), ("ЖОЛДАСБЕКОВ", ""), ("БАЛТАБАЕВ", ""),
    ("ДҮЙСЕНБАЕВ", ""), ("ТІЛЕУБЕРДИН", ""), ("ӨТЕПОВ", "Утепов"), ("МАМЫРОВ", ""),
    ("ИМАНҒАЛИЕВ", ""), ("НИЯЗОВ", ""), ("ОСПАНОВ", ""), ("РАХЫМЖАНОВ", ""),
    ("СҮЛЕЙМЕНОВ", ""), ("ТЕМІРХАНОВ", ""), ("ҮСЕНОВ", ""), ("ХАСЕНОВ", ""),
    ("ШӘКІРОВ", ""), ("ЫСҚАҚОВ", "Искаков"), ("ЕРҒАЛИЕВ", ""), ("БЕРДІБЕКОВ", ""),
    ("КӘРІМОВ", ""), ("ЖАНҰЗАҚОВ", ""), ("ҚҰНАНБАЕВ", ""), ("МАЙЛЫБАЕВ", ""),
    ("НҰРПЕЙІСОВ", "Нурпеисов"), ("ЕЛЕУСІЗОВ", ""), ("САТЫБАЛДИЕВ", ""),
    ("БАЙЖАНОВ", ""), ("ШОҚАНОВ", "Чоканов"), ("ӘМІРЕНОВ", ""), ("ЖЕКСЕНБИН", ""),
    ("ҚАЙЫРБЕКОВ", ""), ("БЕКТҰР", ""), ("ЖАҚЫП", ""), ("СӘРСЕН", ""),
    ("САРЫБАЙ", ""), ("ӘБІЛҚАСЫМ", ""), ("НҰРҒАЛИ", ""), ("ТӨРЕХАН", ""),
    ("ДӘУЛЕТ", ""), ("ӘУЕЗОВ", ""), ("ҚҰСАЙЫНОВ", "Кусаинов"), ("ЖАҚЫПОВ", ""),
    ("ТОҚАЕВ", ""), ("ӘШІМОВ", ""), ("БАЙБЕК", ""), ("ЕРЕЖЕПОВ", ""),
    ("ҚАЖЫМҰРАТ", ""), ("ОМАРХАНОВ", ""), ("СЕЙДАХМЕТОВ", ""), ("МЫРЗАХМЕТОВ", ""),
    ("ТЕРЕЩЕНКО", ""), ("ҒАБДУЛЛИН", ""), ("ЕРТАЕВ", ""), ("ҚАЛИЕВ", ""),
    ("БІРЖАНОВ", ""), ("САҒЫНДЫҚОВ", ""), ("ТЕКЕБАЕВ", ""), ("ШАЙХЫНОВ", ""),
    ("ӨМІРБЕКОВ", ""), ("ҮМБЕТОВ", ""), ("ЖОЛАМАНОВ", ""), ("ЫБЫРАЕВ", ""),
    ("ЕСІМОВ", ""), ("ҚАРАБАЕВ", ""), ("ЖҰМАҒАЛИЕВ", ""), ("ИБРАЕВ", ""),
)  # fmt: skip

# Real pairs of distinct Kazakh surnames that sound alike, (Kazakh, Russian).
SIMILAR_SURNAMES = (
    (("АХМЕТОВ", ""), ("АХМАТОВ", "")),
    (("ҚҰСАЙЫНОВ", "Кусаинов"), ("ҚҰСМАНОВ", "")),
    (("ОМАРОВ", ""), ("ҰМАРОВ", "")),
    (("ЖҰМАБАЕВ", ""), ("ЖҰМАБЕКОВ", "")),
    (("САПАРОВ", ""), ("САБЫРОВ", "")),
    (("ИСАЕВ", ""), ("ИСАҚОВ", "Исаков")),
    (("СЕЙТҚАЛИЕВ", ""), ("СЕЙТҚАЗИЕВ", "")),
    (("ТҰРСЫНОВ", ""), ("ТҰРСЫНБАЕВ", "")),
    (("ҚАСЫМОВ", ""), ("ҚАСЕНОВ", "")),
    (("ӘБІЛОВ", ""), ("ӘБЕНОВ", "")),
    (("НҰРЛАНОВ", ""), ("НҰРЖАНОВ", "")),
    (("ЕРЛАНОВ", ""), ("ЕРЖАНОВ", "")),
    (("ЖАҚСЫБЕКОВ", ""), ("ЖАҚСЫЛЫҚОВ", "")),
    (("ӘЛІМБЕКОВ", ""), ("ӘЛІБЕКОВ", "")),
    (("ОСПАНОВ", ""), ("ОСМАНОВ", "")),
    (("ШАЙМАРДАНОВ", ""), ("ШАЙМЕРДЕНОВ", "")),
    (("ТӨЛЕУОВ", "Тулеуов"), ("ТӨЛЕПОВ", "")),
    (("ҚАЙЫРБЕКОВ", ""), ("ҚАЙЫРБАЕВ", "")),
    (("БАЙМҰХАНОВ", ""), ("БАЙМҰХАМЕДОВ", "")),
    (("МАМЫРОВ", ""), ("МАМЫТОВ", "")),
    (("ҚОНЫСБАЕВ", ""), ("ҚОНЫСОВ", "")),
    (("БАЙЖАНОВ", ""), ("БАЖАНОВ", "")),
    (("ЕСЕНОВ", ""), ("ЕСІМОВ", "")),
    (("ИБРАЕВ", ""), ("ИСРАЕВ", "")),
    (("ҒАБДУЛЛИН", ""), ("ҒАБИДУЛЛИН", "")),
    (("СӘРСЕНОВ", ""), ("СӘРСЕНБИН", "")),
)

# People of Russian and Korean families in the Mazhilis write their names the same
# on both pages; `ё` comes and goes (Пономарёв / Пономарев / Ponomaryov).
# (surname, first name, patronymic, female)
RUSSIAN_PEOPLE = (
    ("Пономарёв", "Артём", "Сергеевич", False),
    ("Королёва", "Ирина", "Петровна", True),
    ("Семёнов", "Пётр", "Алексеевич", False),
    ("Смирнова", "Екатерина", "Николаевна", True),
    ("Ким", "Валерий", "Фёдорович", False),
    ("Журавлёв", "Андрей", "Петрович", False),
    ("Савельева", "Елена", "Юрьевна", True),
    ("Лёвкин", "Сергей", "Иванович", False),
)

VOWELS = "аәеёиоөұүуыіэюяaeiouy"


@dataclass(frozen=True)
class Person:
    """One person's name, spelled as the Mazhilis's Kazakh and Russian pages do."""

    surname_kk: str  # in capitals: ҚҰСПАН
    surname_ru: str  # Куспан
    given_kk: str
    given_ru: str
    father_kk: str | None  # the root of the patronymic: Темірғали
    father_ru: str | None
    female: bool
    ovich: bool  # the Russian page writes -ович/-овна rather than -улы/-кызы
    patronymic_ru_full: str | None = None  # Russian families' own patronymic


def ru_form(pair: tuple[str, str]) -> str:
    """The Russian spelling of a (Kazakh, Russian override) pair."""
    kk, ru = pair
    return ru or kk.translate(KK_TO_RU)


def person(
    surname: tuple[str, str],
    given: tuple[str, str],
    father: tuple[str, str] | None,
    female: bool,
    ovich: bool,
) -> Person:
    """A person from list entries, the surname in the right gender."""
    sur_kk, sur_ru = surname[0], ru_form(surname).capitalize()
    if female and sur_kk.endswith(("ОВ", "ЕВ", "ИН")):
        sur_kk += "А"
        sur_ru += "а"
    return Person(
        surname_kk=sur_kk,
        surname_ru=sur_ru,
        given_kk=given[0],
        given_ru=ru_form(given),
        father_kk=father[0] if father else None,
        father_ru=ru_form(father) if father else None,
        female=female,
        ovich=ovich,
    )


def patronymic_kk(p: Person) -> str | None:
    if p.father_kk is None:
        return None
    return p.father_kk + ("қызы" if p.female else "ұлы")


def patronymic_ru(p: Person) -> str | None:
    """-ович/-овна (Серикович, Кобыландынович as on the Mazhilis page, Темиргалиевич)
    or -улы/-кызы (Темиргалиулы)."""
    if p.patronymic_ru_full:
        return p.patronymic_ru_full
    if p.father_ru is None:
        return None
    root = p.father_ru
    if not p.ovich:
        return root + ("кызы" if p.female else "улы")
    end = "овна" if p.female else "ович"
    if root[-1] == "ы":
        return root + "н" + end
    if root[-1] in "иаеу":
        return root + "е" + end[1:]
    return root + end


# --- Renderers ------------------------------------------------------------------

EN_FROM_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

LATIN_2021 = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d",
    "е": "e", "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k",
    "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü",
    "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ç", "ш": "ş", "щ": "şş",
    "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip

# BGN/PCGN 1979 romanization of Kazakh.
BGN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d",
    "е": "e", "ё": "ë", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k",
    "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "ö",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "w", "ұ": "ū", "ү": "ü",
    "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "\"", "ы": "y", "і": "ī", "ь": "'", "э": "é", "ю": "yu", "я": "ya",
}  # fmt: skip


def romanize(word: str, table: dict[str, str], rng: random.Random, style: str) -> str:
    """Romanize one word letter by letter, keeping its capitalization.

    `style` "en" is the parliament's English (from the Russian spelling): `е`
    at the start and after a vowel is `ye` (Yedil, Bektayev, sometimes Bektaev),
    `й` is `i` or sometimes `y` (Aimagambetov / Aymagambetov). "bgn" writes `е`
    as `ye` at the start and after vowels.
    """
    out = []
    y_for_i = rng.random() < 0.3
    ye_after_vowel = rng.random() < 0.7
    for i, ch in enumerate(word):
        low = ch.lower()
        if low not in table:
            out.append(ch)
            continue
        prev = word[i - 1].lower() if i else ""
        latin = table[low]
        starts_syllable = i == 0 or (prev in VOWELS and ye_after_vowel)
        if style in ("en", "bgn") and low == "е" and (starts_syllable or prev in "ьъ"):
            latin = "ye"
        if style == "en" and low == "й" and y_for_i:
            latin = "y"
        if style == "en" and low == "ё" and rng.random() < 0.4:
            latin = "e"
        if ch.isupper():
            latin = latin.upper() if word.isupper() else latin.capitalize()
        out.append(latin)
    return "".join(out)


def title(word: str) -> str:
    """ҚҰСПАН -> Құспан, МҰХАМЕД-ӘЛИ -> Мұхамед-Әли."""
    return "-".join(part.capitalize() for part in word.split("-"))


def initial(word: str, table: dict[str, str] | None, rng: random.Random) -> str:
    """The initial of a name with a dot: А. / Zh. / Ye. / Y."""
    first = word[0]
    if table is None:
        return first.upper() + "."
    latin = romanize(word, table, rng, "en")
    # The English list abbreviates Ерлан as "Ye." or as "Y.", Жанар as "Zh.".
    if latin.lower().startswith(("zh", "kh", "sh", "ch", "ts", "yu", "ya", "ye")):
        head = latin[:2] if rng.random() < 0.7 else latin[0]
        return head.capitalize() + "."
    return latin[0].upper() + "."


def render_kk(p: Person, rng: random.Random) -> str:
    """The Mazhilis's Kazakh page: ҚҰСПАН Абзал Темірғалиұлы."""
    parts = [p.surname_kk, p.given_kk, patronymic_kk(p) or "None"]
    if patronymic_kk(p) is None and rng.random() < 0.5:
        parts.pop()
    return " ".join(parts)


def render_kk_title(p: Person, rng: random.Random) -> str:
    """Kazakh Cyrillic as a news site writes it: Абзал Темірғалиұлы Құспан or
    Құспан Абзал Темірғалиұлы."""
    pat = patronymic_kk(p)
    if rng.random() < 0.5:
        return " ".join(x for x in (title(p.surname_kk), p.given_kk, pat) if x)
    return " ".join(x for x in (p.given_kk, title(p.surname_kk)) if x)


def render_ru(p: Person, rng: random.Random) -> str:
    """The Mazhilis's Russian page: Калыков Арман Кобыландынович."""
    return " ".join(x for x in (p.surname_ru, p.given_ru, patronymic_ru(p)) if x)


def render_ru_yo(p: Person, rng: random.Random) -> str:
    """Russian with ё written as е (Пономарев Артем Сергеевич)."""
    return render_ru(p, rng).replace("ё", "е").replace("Ё", "Е")


def render_en(p: Person, rng: random.Random) -> str:
    """The parliament's English list: Abzal Kuspan (given name first)."""
    given = romanize(p.given_ru, EN_FROM_RU, rng, "en")
    surname = romanize(p.surname_ru, EN_FROM_RU, rng, "en")
    return f"{given} {surname}"


def render_en_full(p: Person, rng: random.Random) -> str:
    """English with the patronymic, -uly/-kyzy (Mazhituly) or -ovich
    (Mazhitovich), in either order."""
    given = romanize(p.given_ru, EN_FROM_RU, rng, "en")
    surname = romanize(p.surname_ru, EN_FROM_RU, rng, "en")
    if p.patronymic_ru_full:
        pat = romanize(p.patronymic_ru_full, EN_FROM_RU, rng, "en")
    elif p.father_ru is None:
        pat = ""
    elif rng.random() < 0.5:
        root = romanize(p.father_ru, EN_FROM_RU, rng, "en")
        # "-ulu" is rarer than "-uly" but occurs.
        pat = root + ("kyzy" if p.female else rng.choice(("uly", "uly", "ulu")))
    else:
        pat = romanize(
            patronymic_ru(replace(p, ovich=True)) or "", EN_FROM_RU, rng, "en"
        )
    if rng.random() < 0.5:
        return " ".join(x for x in (surname, given, pat) if x)
    return " ".join(x for x in (given, pat, surname) if x)


def render_latin2021(p: Person, rng: random.Random) -> str:
    """The 2021 Kazakh Latin alphabet: Qalyqov Arman Qobylandyuly."""
    words = [title(p.surname_kk), p.given_kk, patronymic_kk(p)]
    if p.patronymic_ru_full:
        words = [p.surname_ru, p.given_ru, p.patronymic_ru_full]
    return " ".join(romanize(w, LATIN_2021, rng, "2021") for w in words if w)


def render_bgn(p: Person, rng: random.Random) -> str:
    """BGN/PCGN: Qŭspan-style diacritics (Qalyqov Arman Qobylandyŭly)."""
    words = [title(p.surname_kk), p.given_kk, patronymic_kk(p)]
    if p.patronymic_ru_full:
        words = [p.surname_ru, p.given_ru, p.patronymic_ru_full]
    return " ".join(romanize(w, BGN, rng, "bgn") for w in words if w)


def render_initials_ru(p: Person, rng: random.Random) -> str:
    """Reports' initials in Russian: Куспан А.Т., Куспан А. Т., А.Т. Куспан."""
    pat = patronymic_ru(p)
    inits = [initial(p.given_ru, None, rng)]
    if pat:
        inits.append(initial(pat, None, rng))
    joined = rng.choice(("", " ")).join(inits)
    if rng.random() < 0.75:
        return f"{p.surname_ru} {joined}"
    return f"{joined} {p.surname_ru}"


def render_initials_kk(p: Person, rng: random.Random) -> str:
    """Initials in Kazakh: Құспан А.Т. (or ҚҰСПАН А.Т.)."""
    pat = patronymic_kk(p)
    inits = [initial(p.given_kk, None, rng)]
    if pat:
        inits.append(initial(pat, None, rng))
    surname = p.surname_kk if rng.random() < 0.3 else title(p.surname_kk)
    return f"{surname} {''.join(inits)}"


def render_initials_en(p: Person, rng: random.Random) -> str:
    """English initials: A. Kuspan, Kuspan A., Ye. Zhanbyrshin."""
    surname = romanize(p.surname_ru, EN_FROM_RU, rng, "en")
    first = initial(p.given_ru, EN_FROM_RU, rng)
    return f"{first} {surname}" if rng.random() < 0.6 else f"{surname} {first}"


def render_no_patronymic(p: Person, rng: random.Random) -> str:
    """A page that drops the patronymic or gives it as the string "None"."""
    if rng.random() < 0.5:
        return f"{p.surname_ru} {p.given_ru}"
    return f"{title(p.surname_kk)} {p.given_kk} None"


def render_spaces(p: Person, rng: random.Random) -> str:
    """Stray spaces: doubled, leading, trailing, before an initial's dot."""
    base = rng.choice((render_ru, render_kk, render_initials_ru))(p, rng)
    base = base.replace(" ", "  ", 1)
    if "." in base and rng.random() < 0.5:
        base = base.replace(".", " .", 1)
    return f" {base} "


# Cyrillic letters a typist leaves in a Latin name when the Kazakh layout is on
# (Asangazyқyzy), and Latin look-alikes left in a Cyrillic name.
LAYOUT_SLIPS = {"q": "қ", "y": "ы", "ğ": "ғ", "ş": "ш", "ä": "ә", "ö": "ө",
                "ü": "ү", "ū": "ұ", "ñ": "ң", "ı": "і"}  # fmt: skip
LOOKALIKES_IN_CYRILLIC = {"а": "a", "е": "e", "о": "o", "с": "c", "р": "p",
                          "х": "x", "у": "y", "к": "k", "А": "A", "Е": "E",
                          "О": "O", "С": "C", "Р": "P", "Т": "T", "Н": "H",
                          "К": "K", "М": "M", "В": "B", "Х": "X"}  # fmt: skip
LOOKALIKES_IN_LATIN = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р",
                       "x": "х", "y": "у", "A": "А", "E": "Е", "O": "О",
                       "K": "К", "M": "М", "T": "Т"}  # fmt: skip


def swap_some(text: str, table: dict[str, str], rng: random.Random) -> str:
    """Replace one or two letters of `text` found in `table`."""
    spots = [i for i, ch in enumerate(text) if ch in table]
    if not spots:
        return text
    chars = list(text)
    for i in rng.sample(spots, min(len(spots), rng.choice((1, 1, 2)))):
        chars[i] = table[chars[i]]
    return "".join(chars)


def render_typo(p: Person, rng: random.Random) -> str:
    """A name with letters of the other script in it."""
    kind = rng.random()
    if kind < 0.4:
        text = render_latin2021(p, rng)
        slipped = swap_some(text, LAYOUT_SLIPS, rng)
        if slipped != text:
            return slipped
    if kind < 0.75:
        return swap_some(rng.choice((render_kk, render_ru))(p, rng),
                         LOOKALIKES_IN_CYRILLIC, rng)  # fmt: skip
    return swap_some(render_en_full(p, rng), LOOKALIKES_IN_LATIN, rng)


RENDERERS = {
    "kk": render_kk,
    "kk-title": render_kk_title,
    "ru": render_ru,
    "en": render_en,
    "en-full": render_en_full,
    "lat2021": render_latin2021,
    "bgn": render_bgn,
    "initials-ru": render_initials_ru,
    "initials-kk": render_initials_kk,
    "initials-en": render_initials_en,
    "no-patronymic": render_no_patronymic,
    "spaces": render_spaces,
    "typo-mixed": render_typo,
}
# Renderers that keep the whole given name and the patronymic (when the person
# has one): the only ones that can tell namesakes apart.
FULL = ("kk", "ru", "en-full", "lat2021", "bgn")


def random_person(rng: random.Random) -> Person:
    female = rng.random() < 0.3
    given = rng.choice(WOMEN if female else MEN)
    father = rng.choice(MEN) if rng.random() < 0.9 else None
    return person(rng.choice(SURNAMES), given, father, female, rng.random() < 0.5)


def russian_person(row: tuple[str, str, str, bool]) -> Person:
    surname, given, pat, female = row
    return Person(
        surname_kk=surname.upper(),
        surname_ru=surname,
        given_kk=given,
        given_ru=given,
        father_kk=None,
        father_ru=None,
        female=female,
        ovich=True,
        patronymic_ru_full=pat,
    )


def render_kk_russian(p: Person, rng: random.Random) -> str:
    """The Kazakh page writes a Russian name as it is, surname in capitals."""
    return f"{p.surname_kk} {p.given_kk} {p.patronymic_ru_full}"


def same_pairs(rng: random.Random) -> list[tuple[str, str, str]]:
    """Pairs of two renderings of one person: (a, b, kind)."""
    rows = []
    names = list(RENDERERS)
    people = [random_person(rng) for _ in range(150)]
    for p in people:
        for left in ("kk", "ru", rng.choice(names)):
            right = rng.choice([n for n in names if n != left])
            a = RENDERERS[left](p, rng)
            b = RENDERERS[right](p, rng)
            rows.append((a, b, f"{left}-vs-{right}"))
    for row in RUSSIAN_PEOPLE:
        p = russian_person(row)
        for right, fn in (
            ("ru-yo", render_ru_yo),
            ("en-full", render_en_full),
            ("en", render_en),
            ("initials-ru", render_initials_ru),
        ):
            rows.append((render_kk_russian(p, rng), fn(p, rng), f"kk-vs-{right}"))
    return rows


def pick_full(rng: random.Random) -> tuple[str, str]:
    left, right = rng.sample(FULL, 2)
    return left, right


def differ_at_initial(a: str | None, b: str | None) -> bool:
    return bool(a and b and a[0].translate(KK_TO_RU) != b[0].translate(KK_TO_RU))


def negative_forms(
    p: Person, q: Person, rng: random.Random, initials_ok: bool
) -> tuple[str, str, str]:
    """Render two different people in two full forms (or in initials where the
    initials differ): (a, b, renderers)."""
    if initials_ok and rng.random() < 0.3:
        left = rng.choice(FULL)
        right = rng.choice(("initials-ru", "initials-kk"))
    else:
        left, right = pick_full(rng)
    if rng.random() < 0.5:
        p, q = q, p
    return RENDERERS[left](p, rng), RENDERERS[right](q, rng), f"{left}-vs-{right}"


def hard_negatives(rng: random.Random) -> list[tuple[str, str, str]]:
    """Pairs of different people whose names a careless matcher would merge."""
    rows = []

    # Namesakes: the same surname and first name, different fathers.
    for _ in range(100):
        female = rng.random() < 0.3
        surname = rng.choice(SURNAMES)
        given = rng.choice(WOMEN if female else MEN)
        f1, f2 = rng.sample(MEN, 2)
        ovich = rng.random() < 0.5
        p = person(surname, given, f1, female, ovich)
        q = person(surname, given, f2, female, ovich)
        a, b, how = negative_forms(p, q, rng, differ_at_initial(f1[0], f2[0]))
        rows.append((a, b, f"namesake-patronymic/{how}"))

    # Fathers and sons: Серік Нұрланұлы and his son Нұрлан Серікұлы.
    for _ in range(60):
        surname = rng.choice(SURNAMES)
        son, father, grandfather = rng.sample(MEN, 3)
        if rng.random() < 0.6:
            son = grandfather  # named after the grandfather
        ovich = rng.random() < 0.5
        dad = person(surname, father, grandfather, False, ovich)
        kid = person(surname, son, father, False, ovich)
        a, b, how = negative_forms(dad, kid, rng, differ_at_initial(son[0], father[0]))
        rows.append((a, b, f"father-son/{how}"))

    # Brothers: one surname and patronymic, first names alike (Ерлан / Ержан).
    alike = (
        ("Ерлан", "Ержан"), ("Нұрлан", "Нұржан"), ("Асқар", "Асхат"),
        ("Марат", "Мұрат"), ("Бекболат", "Ерболат"), ("Дархан", "Дәурен"),
        ("Жандос", "Жасұлан"), ("Қайрат", "Қанат"), ("Самат", "Азат"),
        ("Айдос", "Елдос"), ("Арман", "Абзал"), ("Ербол", "Ерболат"),
        ("Нұрбол", "Нұрсұлтан"), ("Серік", "Берік"), ("Ерік", "Серік"),
    )  # fmt: skip
    index = {kk: (kk, ru) for kk, ru in MEN}
    for _ in range(60):
        g1, g2 = rng.choice(alike)
        surname, father = rng.choice(SURNAMES), rng.choice(MEN)
        ovich = rng.random() < 0.5
        p = person(surname, index[g1], father, False, ovich)
        q = person(surname, index[g2], father, False, ovich)
        forms = (rng.choice(FULL), rng.choice(FULL + ("en",)))
        a, b = RENDERERS[forms[0]](p, rng), RENDERERS[forms[1]](q, rng)
        rows.append((a, b, f"siblings-given/{forms[0]}-vs-{forms[1]}"))

    # Sisters: the same for women.
    sisters = (
        ("Айгүл", "Айжан"), ("Гүлнар", "Гүлмира"), ("Жанар", "Шынар"),
        ("Айнұр", "Нұргүл"), ("Динара", "Дана"), ("Самал", "Салтанат"),
    )  # fmt: skip
    windex = {kk: (kk, ru) for kk, ru in WOMEN}
    for _ in range(20):
        g1, g2 = rng.choice(sisters)
        surname, father = rng.choice(SURNAMES), rng.choice(MEN)
        p = person(surname, windex[g1], father, True, False)
        q = person(surname, windex[g2], father, True, False)
        a, b, how = negative_forms(p, q, rng, False)
        rows.append((a, b, f"siblings-given/{how}"))

    # Surnames that sound alike, everything else the same.
    for _ in range(80):
        s1, s2 = rng.choice(SIMILAR_SURNAMES)
        female = rng.random() < 0.25
        given = rng.choice(WOMEN if female else MEN)
        father = rng.choice(MEN)
        ovich = rng.random() < 0.5
        p = person(s1, given, father, female, ovich)
        q = person(s2, given, father, female, ovich)
        a, b, how = negative_forms(p, q, rng, False)
        rows.append((a, b, f"similar-surname/{how}"))

    # Brother and sister: Абенов / Абенова, initials alike (Арман, Айгүл).
    gendered = [s for s in SURNAMES if s[0].endswith(("ОВ", "ЕВ", "ИН"))]
    for _ in range(40):
        surname, father = rng.choice(gendered), rng.choice(MEN)
        man, woman = rng.choice(MEN), rng.choice(WOMEN)
        ovich = rng.random() < 0.5
        p = person(surname, man, father, False, ovich)
        q = person(surname, woman, father, True, ovich)
        left = rng.choice(("initials-ru", "initials-kk") + FULL)
        right = rng.choice(("initials-ru", "initials-kk"))
        rows.append((RENDERERS[left](p, rng), RENDERERS[right](q, rng),
                     f"gender/{left}-vs-{right}"))  # fmt: skip

    # Relatives sharing a surname: a husband and wife, cousins.
    for _ in range(30):
        surname = rng.choice(SURNAMES)
        p = person(surname, rng.choice(MEN), rng.choice(MEN), False, True)
        wife = rng.random() < 0.5
        given = rng.choice(WOMEN if wife else MEN)
        q = person(surname, given, rng.choice(MEN), wife, True)
        if q.given_kk == p.given_kk:
            continue
        a, b, how = negative_forms(p, q, rng, False)
        rows.append((a, b, f"shared-surname/{how}"))

    # Namesakes whose initials tell them apart: Куспан А.Т. / Куспан Абзал Серікұлы.
    for _ in range(40):
        surname, given = rng.choice(SURNAMES), rng.choice(MEN)
        f1, f2 = rng.sample(MEN, 2)
        if not differ_at_initial(f1[0], f2[0]):
            continue
        p = person(surname, given, f1, False, rng.random() < 0.5)
        q = person(surname, given, f2, False, rng.random() < 0.5)
        left = rng.choice(FULL)
        right = rng.choice(("initials-ru", "initials-kk"))
        rows.append((RENDERERS[left](p, rng), RENDERERS[right](q, rng),
                     f"namesake-initials/{left}-vs-{right}"))  # fmt: skip
    return rows


def write(path: Path, rows: list[tuple[str, str, str]], same: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(("a", "b", "same", "kind"))
        for a, b, kind in rows:
            out.writerow((a, b, int(same), kind))


def main() -> None:
    rng = random.Random(SEED)
    write(HERE / "pairs_same.csv", same_pairs(rng), True)
    write(HERE / "pairs_not_same.csv", hard_negatives(rng), False)


if __name__ == "__main__":
    main()
