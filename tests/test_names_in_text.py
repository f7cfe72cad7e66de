"""Deputies named in running text (party news): which names are found, and what
name matching makes of them."""

import pytest

from matching.names_in_text import find_names
from matching.people import Candidate, Context, PeopleIndex

AMANAT = Context(party="AMANAT")


@pytest.fixture(scope="module")
def people() -> PeopleIndex:
    return PeopleIndex(
        [
            Candidate(
                "1",
                ("ҚҰСПАН Абзал Темірғалиұлы", "Куспан Абзал Темиргалиулы"),
                frozenset({8}),
            ),
            Candidate(
                "2",
                ("АБЕНОВА Салтанат Жұмабекқызы", "Абенова Салтанат Жумабековна"),
                frozenset({8}),
                party="AMANAT",
            ),
            Candidate(
                "3",
                ("АБЕНОВ Серік Жұмабекұлы", "Абенов Серик Жумабекович"),
                frozenset({8}),
                party="AMANAT",
            ),
            Candidate(
                "4",
                ("НАЗАРОВ Асхат Ермекұлы", "Назаров Асхат Ермекович"),
                frozenset({8}),
                party="AMANAT",
            ),
            Candidate(
                "5",
                ("НАЗАРОВ Ерлан Болатұлы", "Назаров Ерлан Болатович"),
                frozenset({7}),
            ),
        ]
    )


def found(text: str, people: PeopleIndex) -> dict[str, tuple[str, str | None]]:
    return {
        name.name: (
            name.resolution.decision,
            name.resolution.candidate.id if name.resolution.candidate else None,
        )
        for name in find_names(text, people, AMANAT)
    }


@pytest.mark.parametrize(
    ("text", "name", "deputy"),
    [
        ("Депутат Мажилиса Салтанат Абенова провела встречу.", "Салтанат Абенова", "2"),
        ("Абенов С.Ж. провел прием граждан.", "Абенов С.Ж.", "3"),
        ("С докладом выступил С. Абенов.", "С. Абенов", "3"),
        ("Выступил Асхат Ермекұлы Назаров.", "Асхат Ермекұлы Назаров", "4"),
        ("Слово взял Назаров Асхат Ермекович.", "Назаров Асхат Ермекович", "4"),
        ("Депутат Абзал Құспан ответил.", "Абзал Құспан", "1"),
        ("Deputy Abzal Kuspan met voters.", "Abzal Kuspan", "1"),
    ],
)
def test_every_form_of_a_name_links_to_its_deputy(people, text, name, deputy):
    assert found(text, people) == {name: ("link", deputy)}


def test_punctuation_ends_a_name(people):
    text = "На встрече партии «AMANAT» Салтанат Абенова, Абенов С.Ж. и другие."
    assert found(text, people) == {
        "Салтанат Абенова": ("link", "2"),
        "Абенов С.Ж.": ("link", "3"),
    }


def test_a_surname_alone_goes_to_review_not_linked(people):
    assert found("Как отметил депутат Абенова, вопросы решаются.", people) == {
        "Абенова": ("review", "2")
    }


def test_namesakes_apart_by_their_first_name(people):
    assert found("Выступили Ерлан Назаров и Асхат Назаров.", people) == {
        "Ерлан Назаров": ("link", "5"),
        "Асхат Назаров": ("link", "4"),
    }


def test_people_who_are_not_deputies_and_capitalised_words_are_left_out(people):
    text = (
        "Комитет партийного контроля подвел итоги. Председатель Комитета Павел "
        "Казанцев указал на слабое планирование. Жители Карагандинской области "
        "ждут решений."
    )
    assert found(text, people) == {}


def test_a_mans_initials_do_not_link_a_womans_name(people):
    # Абенова С. is Салтанат; the man Серік Абенов is written Абенов.
    assert found("Абенова С. провела прием.", people) == {"Абенова С.": ("link", "2")}
