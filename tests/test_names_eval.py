"""The names evaluation set (tests/data/names_eval/): precision and recall of the
matcher at the link threshold on its tuning part and on its held-out part, which
no tuning step looks at (docs/matching.md says how it is built and split).

`pytest -s tests/test_names_eval.py` prints the figures of both parts.
"""

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from matching.people import LINK_THRESHOLD, compare, score

DATA = Path(__file__).parent / "data" / "names_eval"
PARTS = ("tuning", "heldout")


def _generator():
    spec = importlib.util.spec_from_file_location(
        "names_eval_generate", DATA / "generate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pairs() -> list[dict[str, str]]:
    with (DATA / "pairs.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def linked(pairs) -> list[bool]:
    """Whether the matcher links each pair on the names alone."""
    return [score(row["a"], row["b"]) >= LINK_THRESHOLD for row in pairs]


def figures(pairs, linked, part: str) -> tuple[float, float, int, int, int]:
    """(precision, recall, true links, wrong links, missed links) on one part."""
    counts: Counter[tuple[bool, bool]] = Counter(
        (row["link"] == "1", link)
        for row, link in zip(pairs, linked, strict=True)
        if row["part"] == part
    )
    true, wrong, missed = counts[True, True], counts[False, True], counts[True, False]
    precision = true / (true + wrong) if true + wrong else 0.0
    recall = true / (true + missed) if true + missed else 0.0
    return precision, recall, true, wrong, missed


def test_the_committed_set_is_what_the_generator_writes(pairs, samples):
    assert _generator().generate(samples) == pairs


def test_a_person_is_wholly_in_one_part_and_both_parts_are_big_enough(pairs):
    part_of = _generator().part_of
    for row in pairs:
        assert {part_of(who) for who in row["person"].split("+")} == {row["part"]}
    counts = Counter((row["part"], row["link"]) for row in pairs)
    for part in PARTS:
        assert counts[part, "1"] >= 500 and counts[part, "0"] >= 500, counts
    # Every romanization and every hard negative is in both parts.
    kinds = {part: {row["kind"].split("/")[0] for row in pairs if row["part"] == part}
             for part in PARTS}  # fmt: skip
    systems = {
        part: {row["kind"].split("/")[0].split("-vs-")[-1] for row in pairs
               if row["part"] == part}
        for part in PARTS
    }  # fmt: skip
    assert kinds["tuning"] == kinds["heldout"]
    assert systems["tuning"] >= {
        "lat2017", "lat2018", "lat2021", "bgn-kk", "iso9-kk", "iso9-ru", "bgn-ru",
        "icao", "mvd782",
    }  # fmt: skip
    assert systems["heldout"] == systems["tuning"]


def test_precision_and_recall_at_the_link_threshold(pairs, linked):
    for part in PARTS:
        precision, recall, true, wrong, missed = figures(pairs, linked, part)
        print(
            f"\nnames_eval {part}: precision {precision:.3f} recall {recall:.3f} "
            f"({true} linked, {wrong} wrong links, {missed} missed)"
        )
    precision, recall, *_ = figures(pairs, linked, "heldout")
    assert precision >= 0.99
    assert recall >= 0.97


@pytest.mark.parametrize(
    ("without", "full"),
    [
        ("Куспан Абзал", "ҚҰСПАН Абзал Темірғалиұлы"),
        ("Abzal Kuspan", "ҚҰСПАН Абзал Темірғалиұлы"),
        ("A. Kuspan", "Куспан Абзал Темиргалиулы"),
        ("Куспан А.", "ҚҰСПАН Абзал Темірғалиұлы"),
        ("Yedil Zhanbyrshin", "ЖАНБЫРШИН Еділ Хамитұлы"),
    ],
)
def test_a_patronymic_on_one_side_only_is_unknown_not_agreement(without, full):
    comparison = compare(without, full)
    assert comparison.score < LINK_THRESHOLD
    assert "patronymic unknown on one side" in comparison.reasons


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Abzal Kuspan", "Куспан Абзал"),
        ("Тау Нургуль", "ТАУ Нұргүл None"),
        ("Nurgul Tau", "ТАУ Нұргүл None"),
    ],
)
def test_two_forms_without_a_patronymic_still_link(a, b):
    assert score(a, b) >= LINK_THRESHOLD


def test_the_rule_holds_on_every_such_pair_of_the_set(pairs, linked):
    shapes = ("/english", "/initial-first", "/no-patronymic")
    unknown = [
        (row, link)
        for row, link in zip(pairs, linked, strict=True)
        if row["kind"].endswith(shapes) and row["link"] == "0"
    ]
    assert len(unknown) >= 300
    assert [row["b"] for row, link in unknown if link] == []
