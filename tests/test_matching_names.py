"""Names reduced to comparable parts, on the real forms of SOURCES.md §1.1 and §6
and the samples."""

import json
from pathlib import Path

import pytest

from matching.names import fold_latin, parse, word_forms, word_key


def parts(name: str) -> tuple[str | None, str | None, str | None, tuple[str, ...]]:
    p = parse(name)
    return p.surname, p.given, p.patronymic, p.initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Kazakh page: surname in capitals (SOURCES.md §1.1).
        ("ҚҰСПАН Абзал Темірғалиұлы", ("kuspan", "abzal", "temirgali", ("a", "t"))),
        ("Құспан Абзал Темірғалиұлы", ("kuspan", "abzal", "temirgali", ("a", "t"))),
        ("ҚАЛЫҚОВ Арман Қобыландыұлы", ("kalikov", "arman", "kobilandi", ("a", "k"))),
        # Russian page: -улы or -ович (Кобыландынович keeps the Russian н).
        ("Куспан Абзал Темиргалиулы", ("kuspan", "abzal", "temirgali", ("a", "t"))),
        (
            "Калыков Арман Кобыландынович",
            ("kalikov", "arman", "kobilandin", ("a", "k")),
        ),
        ("ӘБЕНОВ Мұрат", ("abenov", "murat", None, ("m",))),
        ("Абенов Мурат", ("abenov", "murat", None, ("m",))),
        ("ТАУ Нұргүл None", ("tau", "nurgul", None, ("n",))),
        ("Тау Нургуль", ("tau", "nurgul", None, ("n",))),
        # The parliament's English list, first name first.
        ("Abzal Kuspan", ("kuspan", "abzal", None, ("a",))),
        ("Yedil Zhanbyrshin", ("janbirshin", "edil", None, ("e",))),
        ("Askhat Aimagambetov", ("aimagambetov", "ashat", None, ("a",))),
        ("Nurlan Mazhitovich Abenov", ("abenov", "nurlan", "majit", ("n", "m"))),
        ("Nurlan Mazhituly Abenov", ("abenov", "nurlan", "majit", ("n", "m"))),
        # Kazakh Latin of 2021.
        ("Qalyqov Arman Qobylandyuly", ("kalikov", "arman", "kobilandi", ("a", "k"))),
        ("Jaiymbetov", ("jaimbetov", None, None, ())),
        # Initials in reports and requests (deputy_requests.page1.json).
        ("A. Kuspan", ("kuspan", None, None, ("a",))),
        ("Kuspan A.", ("kuspan", None, None, ("a",))),
        ("Куспан А.Т.", ("kuspan", None, None, ("a", "t"))),
        ("Куспан А. Т.", ("kuspan", None, None, ("a", "t"))),
        (" Куспан  А .Т. ", ("kuspan", None, None, ("a", "t"))),
        ("Калыков А.К.", ("kalikov", None, None, ("a", "k"))),
        ("Ye. Zhanbyrshin", ("janbirshin", None, None, ("e",))),
        # ISO 9 (SOURCES.md §6): ž š č, and j for й.
        ("Žanbyršin Edil Hamitovič", ("janbirshin", "edil", "hamit", ("e", "h"))),
        ("Ajdos Temirgaliuly Tažiev", ("tajiev", "aidos", "temirgali", ("a", "t"))),
        # Run together without a space (SOURCES.md §6).
        ("ЖАНБЫРШИН ЕділХамитұлы", ("janbirshin", "edil", "hamit", ("e", "h"))),
        ("BALIEVA ZagipaYahyanovna", ("balieva", "zagipa", "iahian", ("z", "i"))),
        ("USENOVA Nazgul’Toktarovna", ("usenova", "nazgul", "toktar", ("n", "t"))),
        # A typo in the patronymic's ending: still the third word.
        (
            "ҚҰСПАН Абзал Темірғалиұзлы",
            ("kuspan", "abzal", "temirgaliuzli", ("a", "t")),
        ),
        # A patronymic ending written apart, and a mixed-script typo.
        ("Темірғали ұлы Абзал Құспан", ("kuspan", "abzal", "temirgali", ("a", "t"))),
        (
            "Omarova Aigul Asangazyқyzy",
            ("omarova", "aigul", "asanazi", ("a", "a")),
        ),
    ],
)
def test_parse_reduces_each_part_to_its_key(name, expected):
    assert parts(name) == expected


@pytest.mark.parametrize(
    "forms",
    [
        ("Құспан", "Куспан", "Kuspan", "Qūspan", "KUSPAN"),
        ("Қалықов", "Калыков", "Qalyqov", "Kalykov", "Qalyqov"),
        ("Жанбыршин", "Zhanbyrshin", "Janbyrşin", "Dzhanbyrshin"),
        ("Жайымбетов", "Jaiymbetov", "Zhaiymbetov", "Zhayymbetov", "Жаимбетов"),
        ("Аймағамбетов", "Аймагамбетов", "Aimagambetov", "Aymagambetov"),
        ("Еділ", "Едил", "Yedil", "Edil"),
        ("Бектаев", "Bektayev", "Bektaev"),
        ("Тажиев", "Tazhiyev", "Tazhiev"),
        ("Есенов", "Yessenov", "Yesenov"),
        ("Нұргүл", "Нургуль", "Nurgul", "Nūrgül"),
        ("Шыңғыс", "Shyngys", "Shyngghys", "Şyñğys"),
        ("Ләззат", "Läzzat"),
        ("Семёнов", "Семенов", "Semenov"),
        # The Kazakh Latin of 2017 (apostrophes) and 2018 (acutes), ISO 9.
        ("Дәурен", "Da'y'ren", "Dáýren", "Däuren", "Dauren"),
        ("Шынар", "S'ynar", "Shynar", "Şynar", "Šynar"),
        ("Ниязов", "Niâzov", "Niyazov", "Niiazov"),
        ("Жанбыршин", "Žanbyršin", "Janbyrshin"),
    ],
)
def test_spellings_of_one_word_share_its_primary_key(forms):
    assert {word_key(f) for f in forms} == {word_key(forms[0])}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Бақытжан", "Бахытжан"),  # қ written х on the Russian page
        ("ҚОЖАНАЗАРОВ", "Ходжаназаров"),
        ("Өтепов", "Утепов"),  # ө written у
        ("Ботагөз", "Ботагоз"),  # ө written о
        ("Ләззат", "Ляззат"),  # ә written я
        ("Шоқанов", "Чоканов"),  # ш written ч
        ("Артём", "Artyom"),
        ("Qozhanazarov", "Khodzhanazarov"),
        ("Төлеген", "To'legen"),  # ө (2017's o') written у: Тулеген
        ("Тулеген", "Tólegen"),  # 2018's ó
        ("Бахытжан", "Baķytžan"),  # ISO 9's ķ for қ
        # й written j (Najmetdinuly) as well as i or y.
        ("Naimetdinuly", "Najmetdinuly"),
        ("Naymetdinuly", "Najmetdinuly"),
    ],
)
def test_spellings_the_russian_page_varies_share_a_form(a, b):
    assert set(word_forms(a)) & set(word_forms(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Омаров", "Умаров"),
        ("Ахметов", "Ахматов"),
        ("Кусаинов", "Кусманов"),
        ("Абенов", "Абенова"),
        ("Ерлан", "Ержан"),
    ],
)
def test_different_names_keep_different_keys(a, b):
    assert not set(word_forms(a)) & set(word_forms(b))


def test_lookalike_letters_of_the_other_script_are_read_as_the_word_s_own():
    # A Latin "o" and "e" in a Cyrillic surname, a Cyrillic "а" in a Latin one.
    assert word_key("Ахмeтoв") == word_key("Ахметов") == "ahmetov"
    assert word_key("Kuspаn") == "kuspan"
    # Letters only Kazakh has are transliterated (SOURCES.md §6).
    assert word_key("Asangazyқyzy") == word_key("Асанғазықызы")


def test_fold_latin_folds_the_digraphs_romanizations_disagree_on():
    assert fold_latin("khodzhanazarov") == "hojanazarov"
    assert fold_latin("yessenov") == "esenov"
    assert fold_latin("shchukin") == "shukin"


def test_hyphens_and_stray_spaces_do_not_change_a_name():
    assert word_key("Мұхамед-Әли") == word_key("Мухамедали") == "muhamedali"
    assert word_key("Mukhamed-Ali") == "muhamedali"
    assert parts("  Куспан   Абзал  ") == parts("Куспан Абзал")


def test_the_sex_comes_from_the_patronymic_the_surname_or_the_first_name():
    assert parse("Омарова Айгүл Асанғазықызы").female is True
    assert parse("Калыков Арман Кобыландынович").female is False
    assert parse("Абенова А.С.").female is True
    assert parse("Куспан А.Т.").female is None


def test_word_order_is_known_only_when_something_says_it():
    assert parse("ҚҰСПАН Абзал").order_known  # capitals
    assert parse("Abzal Temirgaliuly Kuspan").order_known  # patronymic
    assert not parse("Abzal Kuspan").order_known
    swapped = parse("Kuspan Abzal").swapped()
    assert (swapped.surname, swapped.given) == ("abzal", "kuspan")


def test_every_sample_deputy_s_two_pages_give_one_surname_and_first_name(
    samples: Path,
):
    def load(name: str) -> dict:
        path = samples / "mazhilis" / name
        return {d["id"]: d for d in json.loads(path.read_text(encoding="utf-8"))}

    kk, ru = load("deputies.kk.json"), load("deputies.ru.json")
    for deputy_id in kk:
        names = [
            parse(
                " ".join(str(d[f]) for f in ("last_name", "first_name", "patronymic"))
            )
            for d in (kk[deputy_id], ru[deputy_id])
        ]
        assert names[0].surname_forms & names[1].surname_forms
        assert names[0].given_forms & names[1].given_forms
