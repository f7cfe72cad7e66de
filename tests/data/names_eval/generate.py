"""Writes the names evaluation set (pairs.csv): pairs of name forms labelled with
whether the matcher may link them on the names alone.

Run from the project root: `.venv/bin/python tests/data/names_eval/generate.py`.

Nothing here comes from `matching`: the people are every deputy of the replica's
default dataset (its Kazakh and Russian pages, former deputies included) and of
the contract's samples (SOURCES.md §1.1); the Latin forms come from the
romanization systems in use, each from its own source:

- the Russian page's spelling through `iuliia`'s schemes: ISO 9:1995 (GOST 7.79
  system A), BGN/PCGN, ICAO Doc 9303 (passports since 2013) and MVD 782-2000
  (passports before);
- the Kazakh page's spelling through tables transcribed here from the alphabet
  decrees (Kazakh Latin of 26 October 2017 with apostrophes, of 19 February 2018
  with acutes and sh/ch, of 28 January 2021 with ä ğ ñ ö ū ü ş ç ı), from
  BGN/PCGN's 1979 table for Kazakh and from ISO 9:1995's Kazakh letters. The
  decrees name no Latin for ё ц щ ъ ь э ю я; the tables write them as the
  orthography rules do (ts, йу and йа spelled in the alphabet's letters).

Each person gives true pairs: a form stored by the Mazhilis (Kazakh or Russian
page) against another form, in every system, in the Mazhilis's order and the
English list's, with initials, with the first name and patronymic run together
(`ЖАНБЫРШИН ЕділХамитұлы`, SOURCES.md §6) and with an extra letter in the first
name or patronymic. Hard negatives are made beside each person: namesakes (the
same surname and first name with another father, or another first name), the
surname with and without -ов/-ев, -ов against -ұлы, an extra letter in the
surname, and real pairs of deputies who share a surname.

The label `link` is what SOURCES.md §6 and the contract allow on names alone:
1 only when every part the two forms give agrees and both give a patronymic, or
neither does. A form without a patronymic against one with it is unknown on
that part, so `link` is 0 even for one person (`same` says who it really is);
so is a surname with and without -ов/-ев (САИРОВ / Сайыр on one deputy's two
pages), which only other evidence tells from two people, and a surname with an
extra letter, which names another family as often as a typo.

The split is fixed by a hash of the person's id (`part_of`): a person and every
pair made from them are wholly in `tuning` or in `heldout`; a pair of two
deputies goes to their common part and is left out when they differ.
"""

import csv
import hashlib
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import iuliia

from replica import names as replica_names
from replica.dataset import generate_dataset

HERE = Path(__file__).resolve().parent
# The contract's samples, where tests/conftest.py finds them.
SAMPLES = Path(
    os.environ.get("MWATCH_SAMPLES_DIR", HERE.parents[3] / "shared" / "sources")
)
SEED = 20261203
HELDOUT_SHARE = 0.5


def part_of(person: str) -> str:
    """`heldout` for about half the people, by a hash of their id; else `tuning`."""
    digest = hashlib.sha256(f"names-eval:{person}".encode()).digest()
    return "heldout" if digest[0] < 256 * HELDOUT_SHARE else "tuning"


def _table(spec: str, upper: dict[str, str] | None = None) -> dict[str, str]:
    """{Cyrillic letter: Latin} for both cases from "а=a ә=ä ..."; `upper` gives
    capitals that str.upper() does not (2021: и -> i, И -> İ)."""
    table = {}
    for entry in spec.split():
        cyrillic, latin = entry.split("=")
        table[cyrillic] = latin
        capital = (upper or {}).get(cyrillic, latin[:1].upper() + latin[1:])
        table[cyrillic.upper()] = capital
    return table


# Decree of 26 October 2017 (No. 569): 32 letters, apostrophes.
LAT2017 = _table(
    "а=a ә=a' б=b в=v г=g ғ=g' д=d е=e ж=j з=z и=i' й=i' к=k қ=q л=l м=m н=n "
    "ң=n' о=o ө=o' п=p р=r с=s т=t у=y' ұ=u ү=u' ф=f х=h һ=h ч=c' ш=s' ы=y і=i "
    "ё=i'o ц=ts щ=s' ъ= ь= э=e ю=i'y' я=i'a"
)
# Decree of 19 February 2018 (No. 637): acutes, sh and ch; и and й are ı (I).
LAT2018 = _table(
    "а=a ә=á б=b в=v г=g ғ=ǵ д=d е=e ж=j з=z и=ı й=ı к=k қ=q л=l м=m н=n ң=ń "
    "о=o ө=ó п=p р=r с=s т=t у=ý ұ=u ү=ú ф=f х=h һ=h ч=ch ш=sh ы=y і=i ё=ıo "
    "ц=ts щ=sh ъ= ь= э=e ю=ıý я=ıa",
    {"и": "I", "й": "I"},
)
# The alphabet of 28 January 2021: и and й are i (İ), і is ı (I).
LAT2021 = _table(
    "а=a ә=ä б=b в=v г=g ғ=ğ д=d е=e ж=j з=z и=i й=i к=k қ=q л=l м=m н=n ң=ñ "
    "о=o ө=ö п=p р=r с=s т=t у=u ұ=ū ү=ü ф=f х=h һ=h ч=ç ш=ş ы=y і=ı ё=io "
    "ц=ts щ=ş ъ= ь= э=e ю=iu я=ia",
    {"и": "İ", "й": "İ", "і": "I"},
)
# BGN/PCGN 1979 for Kazakh.
BGN_KK = _table(
    "а=a ә=ä б=b в=v г=g ғ=gh д=d е=e ё=yo ж=zh з=z и=ī й=y к=k қ=q л=l м=m "
    "н=n ң=ng о=o ө=ö п=p р=r с=s т=t у=ū ұ=u ү=ü ф=f х=kh һ=h ц=ts ч=ch ш=sh "
    "щ=shch ъ= ы=y і=i ь= э=ė ю=yu я=ya"
)
# ISO 9:1995's letters for Kazakh; the Russian letters are iuliia's GOST 7.79 A.
ISO9_KK_LETTERS = _table("ә=a̋ ғ=ġ қ=ķ ң=ņ ө=ô ұ=u̇ ү=ù һ=ḥ і=ì")

KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
MASCULINE = ("ОВ", "ЕВ", "ИН")
FEMININE = ("ОВА", "ЕВА", "ИНА")
RU_OF_KK = str.maketrans("ӘҒҚҢӨҰҮҺІ", "АГКНОУУХИ")
WOMEN = {kk for kk, _ in replica_names.FEMALE_FIRST_NAMES}


@dataclass(frozen=True)
class Name:
    """One person's name on one page: surname (as the page writes it), first
    name, patronymic or None."""

    surname: str
    given: str
    patronymic: str | None


@dataclass(frozen=True)
class Person:
    id: str
    kk: Name
    ru: Name
    female: bool


def _with_table(word: str, table: dict[str, str]) -> str:
    """A word letter by letter; a word in capitals stays in capitals."""
    out = "".join(table.get(c, c) for c in word)
    return out.upper() if word.isupper() and len(word) > 1 else out


def _iso9_kk(word: str) -> str:
    return iuliia.GOST_779.translate(_with_table(word, ISO9_KK_LETTERS))


def _name_map(name: Name, convert: Callable[[str], str]) -> Name:
    return Name(
        convert(name.surname),
        convert(name.given),
        convert(name.patronymic) if name.patronymic else None,
    )


def _table_system(table: dict[str, str]) -> Callable[[str], str]:
    return lambda word: _with_table(word, table)


def _iuliia_system(schema: iuliia.Schema) -> Callable[[str], str]:
    """A scheme for Russian; a word in capitals (the Kazakh page's surname
    style) stays in capitals."""

    def convert(word: str) -> str:
        out = schema.translate(word.capitalize() if word.isupper() else word)
        return out.upper() if word.isupper() and len(word) > 1 else out

    return convert


# Systems of the Kazakh page's spelling, then of the Russian page's.
KK_SYSTEMS = {
    "lat2017": _table_system(LAT2017),
    "lat2018": _table_system(LAT2018),
    "lat2021": _table_system(LAT2021),
    "bgn-kk": _table_system(BGN_KK),
    "iso9-kk": _iso9_kk,
}
RU_SYSTEMS = {
    "iso9-ru": _iuliia_system(iuliia.GOST_779),
    "bgn-ru": _iuliia_system(iuliia.BGN_PCGN),
    "icao": _iuliia_system(iuliia.ICAO_DOC_9303),
    "mvd782": _iuliia_system(iuliia.MVD_782),
}


def renderings(person: Person) -> dict[str, Name]:
    """The person's name in each system, plus the two pages themselves."""
    out = {"kk": person.kk, "ru": person.ru}
    for system, convert in KK_SYSTEMS.items():
        out[system] = _name_map(person.kk, convert)
    for system, convert in RU_SYSTEMS.items():
        out[system] = _name_map(person.ru, convert)
    return out


def _title(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _initial(word: str) -> str:
    """The initial a report writes: `Ж.`, `Zh.`, `Sh.` for digraphs of a Latin
    system, one letter otherwise."""
    word = _title(word)
    if len(word) > 1 and word[:2].lower() in ("zh", "sh", "ch", "kh", "gh", "ts"):
        return word[:2] + "."
    return word[:1] + "."


def shape(name: Name, how: str) -> str:
    """The name laid out as a source lays it: the Mazhilis's order ("full"),
    the English list's, initials, or the first name and patronymic run
    together; "english", "initial-first" and "no-patronymic" give none."""
    surname = name.surname if name.surname.isupper() else _title(name.surname)
    plain = _title(name.surname)
    p = name.patronymic
    if how == "full":
        return " ".join(x for x in (surname, name.given, p) if x)
    if how == "english":  # the English list: first name first, no patronymic
        return f"{name.given} {plain}"
    if how == "english-full":
        return " ".join(x for x in (name.given, p, plain) if x)
    if how == "initials":
        return " ".join([plain, _initial(name.given) + (_initial(p) if p else "")])
    if how == "initial-first":  # `A. Kuspan`: no patronymic
        return f"{_initial(name.given)} {plain}"
    if how == "no-patronymic":
        return f"{surname} {name.given}"
    if how == "run-together":  # `BALIEVA ZagipaYahyanovna`, `ЕділХамитұлы`
        return f"{surname.upper()} {name.given}{p or ''}"
    raise ValueError(how)


def _load_people(samples: Path) -> list[Person]:
    """Every replica deputy and every sample deputy, by id (the sample wins)."""
    pages: dict[str, dict[str, dict]] = {}
    for deputy in generate_dataset()["deputies"]:
        pages[str(deputy["kk"]["id"])] = {"kk": deputy["kk"], "ru": deputy["ru"]}
    for lang in ("kk", "ru"):
        path = samples / "mazhilis" / f"deputies.{lang}.json"
        for deputy in json.loads(path.read_text(encoding="utf-8")):
            pages.setdefault(str(deputy["id"]), {})[lang] = deputy
    people = []
    for person_id, page in sorted(pages.items(), key=lambda kv: int(kv[0])):
        kk, ru = (
            Name(
                page[lang]["last_name"],
                page[lang]["first_name"],
                page[lang]["patronymic"]
                if page[lang]["patronymic"] not in (None, "None")
                else None,
            )
            for lang in ("kk", "ru")
        )
        female = (
            kk.given in WOMEN
            or (kk.patronymic or "").endswith("қызы")
            or kk.surname.upper().endswith(FEMININE)
        )
        people.append(Person(person_id, kk, ru, female))
    return people


def _ending_pair(person: Person) -> bool:
    """The Kazakh and Russian pages' surnames differ by the Russian ending
    (САИРОВ / Сайыр)."""
    return person.kk.surname.upper().endswith(MASCULINE) != (
        person.ru.surname.upper().endswith(MASCULINE)
    )


def _base(form: str) -> str:
    """Which page's spelling a form is written from."""
    return "ru" if form == "ru" or form in RU_SYSTEMS else "kk"


class Writer:
    """The rows, each pair once whichever way round."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, a: str, b: str, same: bool, link: bool, kind: str, who: str) -> None:
        key = (a, b)
        if a == b or key in self.seen or (b, a) in self.seen:
            return
        self.seen.add(key)
        self.rows.append(
            {
                "a": a,
                "b": b,
                "same": str(int(same)),
                "link": str(int(link)),
                "kind": kind,
                "person": who,
                "part": part_of(who.split("+")[0]),
            }
        )


# Letters one sound: an extra letter beside its like (ҚКҰСПАН) is no other name.
SOUNDS = ("кқхһ", "нң", "гғ", "kqh", "g")


def _extra_letter(rng: random.Random, word: str) -> str:
    """The word with one consonant more inside it, not beside one of its sound."""
    cyrillic = any("а" <= c.lower() <= "я" for c in word)
    letters = "бдзклмнпрст" if cyrillic else "bdzklmnprst"
    for _ in range(50):
        i = rng.randrange(1, len(word))
        letter = rng.choice(letters)
        like = next((group for group in SOUNDS if letter in group), letter)
        if not set(like) & {word[i - 1].lower(), word[i : i + 1].lower()}:
            return word[:i] + (letter.upper() if word.isupper() else letter) + word[i:]
    raise ValueError(f"no extra letter fits {word}")


def _first_sound(word: str | None) -> str:
    """The letter an initial gives, the same on both pages (Ә and А alike)."""
    return (word or " ")[0].upper().translate(RU_OF_KK)


def _other_father(rng: random.Random, person: Person) -> tuple[str, str]:
    """(Kazakh, Russian) patronymic of another father, with another initial:
    `Куспан А.Т.` cannot tell two fathers of one initial apart."""
    while True:
        father = rng.choice(replica_names.FATHER_NAMES)
        kk, ru = replica_names.patronymic(father, person.female, rng.random() < 0.5)
        if _first_sound(kk) != _first_sound(person.kk.patronymic):
            return kk, ru


def _other_given(rng: random.Random, person: Person) -> tuple[str, str]:
    """(Kazakh, Russian) first name of the same sex, with another initial."""
    pool = (
        replica_names.FEMALE_FIRST_NAMES
        if person.female
        else replica_names.MALE_FIRST_NAMES
    )
    while True:
        kk, ru = rng.choice(pool)
        if _first_sound(kk) != _first_sound(person.kk.given):
            return kk, ru


def _renamed(person: Person, **parts: tuple[str, str]) -> Person:
    """Another person: this one with some parts (Kazakh, Russian) replaced."""
    kk = replace(person.kk, **{k: v[0] for k, v in parts.items()})
    ru = replace(person.ru, **{k: v[1] for k, v in parts.items()})
    return replace(person, kk=kk, ru=ru)


def _ending_surnames(person: Person) -> list[tuple[str, str, str]]:
    """(kind, Kazakh, Russian) surnames of other people: with or without -ов/-ев,
    and -ов against -ұлы (-ова against -қызы)."""
    kk, ru = person.kk.surname, person.ru.surname
    endings = FEMININE if person.female else MASCULINE
    size = len(endings[0])
    if kk.upper().endswith(endings) and ru.upper().endswith(endings):
        end_kk, end_ru = ("ҚЫЗЫ", "кызы") if person.female else ("ҰЛЫ", "улы")
        return [
            ("without-ending", kk[:-size], ru[:-size]),
            ("ov-vs-uly", kk[:-size] + end_kk, ru[:-size] + end_ru),
        ]
    if kk.isupper() and not kk.upper().endswith(MASCULINE + FEMININE):
        end = "ОВА" if person.female else "ОВ"
        return [("with-ending", kk + end, ru + end.lower())]
    return []


def _pick(rng: random.Random, options: list[str], k: int) -> list[str]:
    return rng.sample(options, min(k, len(options)))


def generate(samples: Path = SAMPLES) -> list[dict[str, str]]:
    """Every pair of the set, in a fixed order (the same inputs, the same rows)."""
    rng = random.Random(SEED)
    people = _load_people(samples)
    out = Writer()
    systems = list(KK_SYSTEMS) + list(RU_SYSTEMS)
    for person in people:
        who = person.id
        forms = renderings(person)
        stored = {"kk": forms["kk"], "ru": forms["ru"]}
        ending_pair = _ending_pair(person)
        # The two pages against each other.
        out.add(
            shape(forms["kk"], "full"),
            shape(forms["ru"], "full"),
            True,
            not ending_pair,
            "kk-vs-ru" + ("/ending" if ending_pair else ""),
            who,
        )
        for system in systems:
            page = rng.choice(["kk", "ru"])
            for how in _pick(
                rng, ["full", "english-full", "initials", "run-together"], 2
            ):
                other = forms[system]
                a, b = shape(stored[page], "full"), shape(other, how)
                # A system's surname against the other page's can differ by
                # the ending (САИРОВ / Sayyr): unknown on names alone.
                ending = ending_pair and _base(page) != _base(system)
                out.add(a, b, True, not ending, f"{page}-vs-{system}/{how}", who)
        # Forms without a patronymic against a full one: unknown, never a link.
        for how in ("english", "initial-first", "no-patronymic"):
            system = rng.choice(["kk", "ru", *systems])
            page = rng.choice(["kk", "ru"])
            name = forms[system]
            link = person.kk.patronymic is None
            out.add(
                shape(stored[page], "full"),
                shape(name, how),
                True,
                link,
                f"{page}-vs-{system}/{how}",
                who,
            )
        # The pages' own forms, run together and with an extra letter.
        for page in ("kk", "ru"):
            name = stored[page]
            if name.patronymic:
                out.add(
                    shape(stored["ru" if page == "kk" else "kk"], "full"),
                    shape(name, "run-together"),
                    True,
                    not ending_pair,
                    f"{page}/run-together",
                    who,
                )
            part = rng.choice(["given", "patronymic"] if name.patronymic else ["given"])
            typo = replace(name, **{part: _extra_letter(rng, getattr(name, part))})
            out.add(
                shape(name, "full"),
                shape(typo, "full"),
                True,
                True,
                f"{page}/extra-letter-{part}",
                who,
            )
            surname_typo = replace(name, surname=_extra_letter(rng, name.surname))
            out.add(
                shape(name, "full"),
                shape(surname_typo, "full"),
                True,
                False,
                f"{page}/extra-letter-surname",
                who,
            )
        # Hard negatives: other people made beside this one.
        others = []
        if person.kk.patronymic:
            father = _other_father(rng, person)
            others.append(("namesake-patronymic", _renamed(person, patronymic=father)))
        others.append(
            ("namesake-given", _renamed(person, given=_other_given(rng, person)))
        )
        for kind, kk, ru in _ending_surnames(person):
            others.append((kind, _renamed(person, surname=(kk, ru))))
        for kind, other in others:
            other_forms = renderings(other)
            for _ in range(2):
                page = rng.choice(["kk", "ru"])
                system = rng.choice(["kk", "ru", *systems])
                how = rng.choice(["full", "english-full", "initials", "run-together"])
                out.add(
                    shape(stored[page], "full"),
                    shape(other_forms[system], how),
                    False,
                    False,
                    f"{kind}/{page}-vs-{system}/{how}",
                    who,
                )
            if kind == "namesake-patronymic":
                # The namesake without a patronymic: unknown, not agreement.
                out.add(
                    shape(stored["ru"], "full"),
                    shape(other_forms[rng.choice(systems)], "no-patronymic"),
                    False,
                    False,
                    f"{kind}/no-patronymic",
                    who,
                )
    # Real deputies who share a surname, within one part.
    by_surname: dict[str, list[Person]] = {}
    for person in people:
        by_surname.setdefault(person.ru.surname.lower(), []).append(person)
    for group in by_surname.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if part_of(a.id) != part_of(b.id):
                    continue
                system = rng.choice(systems)
                how = rng.choice(["full", "initials", "english-full"])
                out.add(
                    shape(a.kk, "full"),
                    shape(renderings(b)[system], how),
                    False,
                    False,
                    f"shared-surname/kk-vs-{system}/{how}",
                    f"{a.id}+{b.id}",
                )
    return out.rows


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rows = generate()
    write(rows, HERE / "pairs.csv")
    print(f"{len(rows)} pairs written to {HERE / 'pairs.csv'}")


if __name__ == "__main__":
    main()
