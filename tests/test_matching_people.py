"""Scoring, resolving and blocking, evaluated on the labelled name pairs in
tests/data/names/ (written by generate.py there, independently of `matching`,
and by hand in pairs_real.csv)."""

import csv
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from matching.people import (
    LINK_THRESHOLD,
    REVIEW_THRESHOLD,
    Candidate,
    Context,
    PeopleIndex,
    blocking_keys,
    compare,
    resolve,
    score,
)

DATA = Path(__file__).parent / "data" / "names"
PAIR_FILES = ("pairs_same.csv", "pairs_not_same.csv", "pairs_real.csv")


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def pairs() -> list[dict[str, str]]:
    return [row for name in PAIR_FILES for row in read(name)]


@pytest.fixture(scope="module")
def people() -> list[Candidate]:
    return [
        Candidate(
            id=row["id"],
            names=tuple(row["names"].split("|")),
            convocations=frozenset(int(c) for c in row["convocations"].split(";")),
            region=row["region"] or None,
            party=row["party"] or None,
        )
        for row in read("people.csv")
    ]


def pattern(row: dict[str, str]) -> str:
    """The kind without its renderers: namesake-patronymic/kk-vs-ru -> the first
    part for negatives; same-person kinds are the renderers themselves."""
    return row["kind"].split("/")[0]


def test_the_labelled_set_is_big_enough(pairs):
    counts = Counter(row["same"] for row in pairs)
    assert counts["1"] >= 300
    assert counts["0"] >= 300


_RUSSIAN_PATRONYMIC = ("ович", "евич", "овна", "евна", "ovich", "evich", "ovna", "evna")


def gives_patronymic(name: str) -> bool:
    """Whether a name gives a patronymic, in full or as an initial, read here
    apart from the matcher: three parts (`Куспан А.Т.`, `Abzal T. Kuspan`), or a
    Russian patronymic beside a first name (`Nurlan Mazhitovich`)."""
    words = [w.strip(".,") for w in name.replace(".", ". ").split()]
    parts = [w for w in words if w and w.lower() not in ("none", "null")]
    return len(parts) >= 3 or any(
        w.lower().endswith(_RUSSIAN_PATRONYMIC) for w in parts
    )


def should_link(row: dict[str, str]) -> bool:
    """One person, and both forms give a patronymic or neither does: a
    patronymic on one side only is unknown, never a link on the names alone
    (docs/matching.md)."""
    same = row["same"] == "1"
    return same and gives_patronymic(row["a"]) == gives_patronymic(row["b"])


def evaluate(rows, scorer) -> tuple[dict[str, Counter], list[tuple]]:
    """Outcomes of `scorer(a, b) >= LINK_THRESHOLD` per kind against
    `should_link`, and the mistakes."""
    per_kind: dict[str, Counter] = defaultdict(Counter)
    mistakes = []
    for row in rows:
        same = should_link(row)
        linked = scorer(row["a"], row["b"]) >= LINK_THRESHOLD
        outcome = {
            (True, True): "tp",
            (True, False): "fn",
            (False, True): "fp",
            (False, False): "tn",
        }[same, linked]
        per_kind[pattern(row)][outcome] += 1
        if outcome in ("fn", "fp"):
            mistakes.append((outcome, row["a"], row["b"]))
    return per_kind, mistakes


def precision_recall(per_kind: dict[str, Counter]) -> tuple[float, float]:
    total = sum(per_kind.values(), Counter())
    return (
        total["tp"] / max(1, total["tp"] + total["fp"]),
        total["tp"] / max(1, total["tp"] + total["fn"]),
    )


def test_the_evaluation_gate_fails_a_scorer_that_reads_only_surnames(pairs):
    def surname_only(a: str, b: str) -> float:
        return score(a.split()[0], b.split()[0])

    precision, _ = precision_recall(evaluate(pairs, surname_only)[0])
    assert precision < 0.99


def test_precision_and_recall_on_the_labelled_pairs(pairs):
    per_kind, mistakes = evaluate(pairs, score)
    total = sum(per_kind.values(), Counter())
    precision, recall = precision_recall(per_kind)

    print(f"\nlink at score >= {LINK_THRESHOLD}")
    print(f"{'kind':40} {'pairs':>5} {'linked':>6} {'precision':>9} {'recall':>6}")
    for kind in sorted(per_kind):
        c = per_kind[kind]
        linked = c["tp"] + c["fp"]
        kind_precision = f"{c['tp'] / linked:.3f}" if linked else "-"
        positives = c["tp"] + c["fn"]
        kind_recall = f"{c['tp'] / positives:.3f}" if positives else "-"
        print(
            f"{kind:40} {c.total():5} {linked:6} {kind_precision:>9} {kind_recall:>6}"
        )
    print(
        f"all: precision {precision:.4f}, recall {recall:.4f} "
        f"(tp {total['tp']}, fp {total['fp']}, fn {total['fn']}, tn {total['tn']})"
    )
    for outcome, a, b in mistakes:
        comparison = compare(a, b)
        print(f"  {outcome} {comparison.score:.3f} {a!r} / {b!r}: {comparison.reasons}")
    assert precision >= 0.99
    assert recall >= 0.97


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ҚҰСПАН Абзал Темірғалиұлы", "Куспан А.Т."),
        ("Куспан Абзал", "Abzal Kuspan"),
        ("ЖАНБЫРШИН Еділ Хамитұлы", "Žanbyršin Edil Hamitovič"),  # ISO 9
        ("ЖАНБЫРШИН ЕділХамитұлы", "Жанбыршин Едил Хамитович"),  # run together
        ("ЖАЙЫМБЕТОВ Ерлан Мұратұлы", "Zhayymbetov Yerlan Muratuly"),
        ("Naimetdinov Arman Serikuly", "Najmetdinov Arman Serikuly"),  # й as j
        ("QALYQOV Arman Qobylandyuly", "Qalyqov Arman Qobylandyuly"),
        ("ҚАЛЫҚОВ Арман Қобыландыұлы", "Qalyqov Arman Qobylandyūly"),
        ("ТӨЛЕУОВ Асхат Ермекұлы", "TO'LEUOV Ashat Ermekuly"),  # 2017 alphabet
        ("ДӘУЛЕТ Мәдина Оразбекқызы", "DÁÝLET Mádına Orazbekqyzy"),  # 2018
        ("Тажиев Айдос Серикович", "Тажиев Айдоос Серикович"),  # an extra letter
        ("Калыков Арман Кобыландынович", "ҚАЛЫҚОВ Арман Қобыландыұлы"),
        ("Nurlan Mazhitovich Abenov", "Nurlan Mazhituly Abenov"),
        ("Жанбыршин Еділ", "Yedil Zhanbyrshin"),
        ("Аймағамбетов Асхат", "Askhat Aimagambetov"),
        ("ҚОЖАНАЗАРОВ Мұрат", "Ходжаназаров Мурат"),
    ],
)
def test_real_forms_of_one_person_link(a, b):
    assert score(a, b) >= LINK_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Құспан Нұрлан Серікұлы", "Құспан Серік Нұрланұлы"),  # father and son
        ("Калыков Арман Кобыландынович", "Калыков Арман Серикович"),  # namesakes
        ("Абенов А.С.", "Абенова А.С."),  # brother and sister
        ("Ахметов Ерлан Серикович", "Ахматов Ерлан Серикович"),
        ("Куспан А.Т.", "Куспан Абзал Серикович"),
    ],
)
def test_different_people_with_alike_names_score_low(a, b):
    assert score(a, b) < LINK_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Куспан Абзал", "ҚҰСПАН Абзал Темірғалиұлы"),
        ("Abzal Kuspan", "Куспан Абзал Темиргалиулы"),
        ("A. Kuspan", "ҚҰСПАН Абзал Темірғалиұлы"),
        ("Құспан Абзал Темірғалиұлы", "Құспанов Абзал Темірғалиұлы"),  # -ов
        ("САИРОВ Ерлан", "Сайыр Ерлан"),
        ("Тажиев Айдос Серикович", "Тажиев Айдоос"),
    ],
)
def test_the_names_alone_leave_these_to_review(a, b):
    """A patronymic on one side only, or a surname with and without -ов
    (SOURCES.md §6): neither a link nor nothing."""
    assert REVIEW_THRESHOLD <= score(a, b) < LINK_THRESHOLD


def test_a_missing_patronymic_links_only_where_no_namesake_is_a_candidate():
    kuspan = Candidate("71", ("ҚҰСПАН Абзал Темірғалиұлы",))
    namesake = Candidate("72", ("ҚҰСПАН Абзал Серікұлы",))
    alone = resolve("Куспан Абзал", [kuspan])
    assert (alone.decision, alone.candidate) == ("link", kuspan)
    assert "no namesake among the candidates comes near" in alone.reason
    both = resolve("Куспан Абзал", [kuspan, namesake])
    assert both.decision == "review"
    assert "too close" in both.reason
    # The context tells them apart: the namesake sat in another convocation.
    dated = [kuspan, Candidate("72", namesake.names, frozenset({6}))]
    assert resolve("Куспан Абзал", dated, Context(convocation=8)).candidate == kuspan


def test_a_score_says_why():
    comparison = compare("ҚҰСПАН Абзал Темірғалиұлы", "Куспан А.Т.")
    assert comparison.reasons == (
        "surname agrees",
        "first initial A. agrees",
        "patronymic initial agrees",
    )


def test_score_is_symmetric_on_the_labelled_pairs(pairs):
    for row in pairs[::7]:
        assert score(row["a"], row["b"]) == score(row["b"], row["a"])


def mention_context(row: dict[str, str]) -> Context | None:
    if not (row["convocation"] or row["region"] or row["party"]):
        return None
    return Context(
        convocation=int(row["convocation"]) if row["convocation"] else None,
        region=row["region"] or None,
        party=row["party"] or None,
    )


def test_resolve_links_reviews_and_rejects_as_labelled(people):
    silently_wrong, off = [], []
    print()
    for row in read("mentions.csv"):
        result = resolve(row["mention"], people, mention_context(row))
        expected = row["expected"]
        got = result.candidate.id if result.decision == "link" else result.decision
        print(
            f"  {row['mention']!r:34} -> {got:7} ({result.score:.2f} vs "
            f"{result.runner_up:.2f}) {result.reason}"
        )
        if result.decision == "link" and result.candidate.id != expected:
            silently_wrong.append((row["mention"], got, expected))
        if got != expected:
            off.append((row["mention"], got, expected))
    assert not silently_wrong
    assert not off


def test_resolve_explains_a_link(people):
    result = resolve("Назаров А.", people, Context(convocation=8, region="Astana"))
    assert (result.decision, result.candidate.id) == ("link", "62")
    assert "first initial A. agrees" in result.reason
    assert "region matches" in result.reason


def test_resolve_sends_two_equal_namesakes_to_review(people):
    result = resolve("Назаров А.", people)
    assert result.decision == "review"
    assert {result.candidate.id, result.runner_up_candidate.id} == {"61", "62"}
    assert "too close" in result.reason


def test_resolve_without_candidates_finds_none():
    result = resolve("Куспан А.Т.", [])
    assert (result.decision, result.candidate) == ("none", None)


def test_the_index_resolves_as_resolve_over_everyone(people):
    index = PeopleIndex(people)
    for row in read("mentions.csv"):
        context = mention_context(row)
        everyone = resolve(row["mention"], people, context)
        indexed = index.resolve(row["mention"], context)
        assert (indexed.decision, indexed.candidate) == (
            everyone.decision,
            everyone.candidate,
        )


def meet(a: str, b: str) -> bool:
    """Whether an index of `b` offers it as a candidate for `a`, and back."""
    return bool(
        PeopleIndex([Candidate("b", (b,))]).candidates_for(a)
        and PeopleIndex([Candidate("a", (a,))]).candidates_for(b)
    )


def test_blocking_keys_carry_the_surname_and_the_initial():
    assert blocking_keys("Куспан А.Т.") == {"s:kusp|a", "c:kspn|a"}
    assert "s:kusp|a" in blocking_keys("Abzal Kuspan")
    assert blocking_keys("Куспан") == {"s:kusp|", "c:kspn|"}


def test_blocking_keeps_the_labelled_same_person_pairs_together(pairs):
    same = [row for row in pairs if row["same"] == "1"]
    kept = [row for row in same if meet(row["a"], row["b"])]
    share = len(kept) / len(same)
    print(
        f"\nblocking keeps {len(kept)} of {len(same)} same-person pairs ({share:.4f})"
    )
    assert share >= 0.99


# A generated population for the blocking test: Kazakh surnames are mostly a
# man's name with -ов/-ев/-ин (Серіков, Жұмабаев), some without (Құспан).
_ROOTS = """
Абай Абзал Абылай Айдар Айдос Алмас Аман Арман Асан Асқар Асыл Ахмет Әбен Әбіл
Әлім Бақыт Балта Бейсен Бек Бекет Берді Болат Дәулет Досым Дүйсен Ерғали Ержан
Ерлан Ермек Есен Жақып Жақсылық Жаманқұл Жанбыршы Жұмаба Жолдас Ибра Иманғали Иса
Қалық Қасым Қожаназар Қоныс Құнанба Қуаныш Майлыба Мамыр Мұхамеджан Назар Нияз
Нұрым Нұрпейіс Омар Ораз Оспан Өтеп Рахымжан Сапар Сарыба Сәрсен Сейтқали Смағұл
Сүлеймен Тажи Тоқтар Төлеу Тұрсын Үсен Хасен Шайхы Шоқан Ысқақ Ыбыра Елеусіз
Жексен Байжан Бектаев Ертай Қайырбек Әмірен Текеба Үмбет Жоламан Есім Қараба
"""
_FIRST = """
Арман Абзал Асхат Ерлан Мұрат Бауыржан Нұрлан Серік Болат Марат Дархан Ержан Қайрат
Асқар Айдос Жандос Айгүл Гүлнар Жанар Динара Әсел Айжан Сәуле Ботагөз Салтанат
"""
_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d",
    "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k",
    "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u",
    "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def romanized(text: str) -> str:
    return "".join(_LATIN.get(c, c) for c in text.lower())


def population(size: int, rng: random.Random) -> list[str]:
    """`size` names in Kazakh Cyrillic, English and initials, from the lists."""
    roots, firsts = _ROOTS.split(), _FIRST.split()
    names = []
    for _ in range(size):
        surname = rng.choice(roots) + rng.choice(("ов", "ов", "ев", "ин", "", "ұлы"))
        first, father = rng.choice(firsts), rng.choice(firsts)
        form = rng.random()
        if form < 0.4:
            names.append(f"{surname.upper()} {first} {father}ұлы")
        elif form < 0.7:
            names.append(f"{romanized(first).title()} {romanized(surname).title()}")
        else:
            names.append(f"{surname} {first[0]}.{father[0]}.")
    return names


def candidate_pairs(names: list[str]) -> set[tuple[int, int]]:
    """The pairs of names an index of all of them would have compared."""
    index = PeopleIndex(Candidate(str(i), (name,)) for i, name in enumerate(names))
    return {
        (min(i, int(c.id)), max(i, int(c.id)))
        for i, name in enumerate(names)
        for c in index.candidates_for(name)
        if int(c.id) != i
    }


def test_blocking_compares_a_name_with_few_others():
    rng = random.Random(5)
    counts = {}
    for size in (1250, 2500, 5000):
        counts[size] = len(candidate_pairs(population(size, rng)))
    all_pairs = 5000 * 4999 // 2
    reduction = 1 - counts[5000] / all_pairs
    print(
        f"\ncandidate pairs by population size: {counts}; "
        f"all pairs of 5000: {all_pairs}; reduction {reduction:.4f}"
    )
    assert reduction >= 0.99


def test_a_blocking_gate_fails_when_every_name_shares_a_block():
    # The gate above can fail: one surname and no initials give no reduction.
    names = ["Куспан"] * 50
    assert len(candidate_pairs(names)) == 50 * 49 // 2
