"""Recognising one person across sources: pairwise scores, resolving a mention
against known people, and blocking so that a mention is compared with a few
people rather than with everyone.

`score` answers "can these two names be one person?" from the names alone; a
score of at least LINK_THRESHOLD means every part either side gives agrees.
`resolve` answers "which of these people is the mention?": it links only when
the best candidate is above LINK_THRESHOLD and clearly ahead of the runner-up,
and sends everything uncertain to review rather than guess.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz.distance import Indel

from matching.names import ParsedName, parse, roots_agree, same_name_group

# A pair at or above this is the same person as far as the names can tell:
# surnames agree, the first names agree or are initials on one side, and both
# give a patronymic that agrees (in full or as an initial) or neither gives one
# (Куспан А.Т. / ҚҰСПАН Абзал Темірғалиұлы scores 0.96).
LINK_THRESHOLD = 0.9
# Below this, resolve reports no match; between the two, a person has to look
# (a surname alone, a surname one letter off, a first name that differs).
REVIEW_THRESHOLD = 0.6
# resolve links only when the best candidate is this far ahead of the next.
LINK_MARGIN = 0.05

# How much each part's evidence weighs (factors multiplied into the score).
_INITIAL_AGREES = 0.96  # А. for Абзал: consistent, not proof
_GIVEN_UNKNOWN = 0.75  # a surname alone (Куспан)
# A patronymic on one side only (Abzal Kuspan / Куспан Абзал Темірғалиұлы) is
# unknown, not agreement: a namesake with another father reads the same, so the
# names alone never link it (below LINK_THRESHOLD even when all else agrees).
# `resolve` may still link it when no other known person comes near.
_PATRONYMIC_UNKNOWN = 0.85
_PATRONYMIC_NEITHER = 0.97  # neither side gives one (Тау Нургуль / Nurgul Tau)
_UNKNOWN_REASON = "patronymic unknown on one side"
_NEITHER_REASON = "no patronymic on either side"
_SAME_NAME_TABLE = 0.97  # Шыңғыс / Чингиз
# Қанат / Қзанат: links only beside an agreeing surname and patronymic.
_EXTRA_LETTER = 0.92
# САИРОВ / Сайыр, Құспан / Құспанов: one person who changed it or two people,
# which only other evidence tells (SOURCES.md §6): never a link on names alone.
_SURNAME_STEM = 0.85
_CONFLICT = 0.1  # initials that contradict the name
_SEX_DIFFERS = 0.4  # Абенов / Абенова
_FUZZY_SURNAME_CAP = 0.85  # a surname one letter off never links by itself
_FUZZY_GIVEN_CAP = 0.8
_FUZZY_PATRONYMIC_CAP = 0.6

# Context: what a matching or contradicting attribute adds to a candidate's score.
_CONTEXT_MATCH = 0.02
_CONTEXT_MISMATCH = {"convocation": -0.15, "region": -0.08, "party": -0.05}

NameLike = str | ParsedName
Decision = Literal["link", "review", "none"]


@dataclass(frozen=True)
class Comparison:
    """A pairwise score and why: ("surname agrees", "initial a. agrees", ...).
    `patronymic_unknown` says one side gave a patronymic and the other none."""

    score: float
    reasons: tuple[str, ...]
    patronymic_unknown: bool = False


@dataclass(frozen=True)
class Candidate:
    """A known person: an id, every form of their name, and what is known of
    them (convocation numbers, region, party) in one spelling the caller chooses."""

    id: str
    names: tuple[str, ...]
    convocations: frozenset[int] = frozenset()
    region: str | None = None
    party: str | None = None


@dataclass(frozen=True)
class Context:
    """What the source says around a mention: a request of the 8th convocation
    from a deputy of Karaganda region, say."""

    convocation: int | None = None
    region: str | None = None
    party: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a mention: the best candidate (None when no
    candidate comes near), its score, the runner-up's, the decision and why."""

    decision: Decision
    candidate: Candidate | None
    score: float
    runner_up: float
    reason: str
    runner_up_candidate: Candidate | None = field(default=None, compare=False)


def _as_parsed(name: NameLike) -> ParsedName:
    return name if isinstance(name, ParsedName) else parse(name)


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The best normalized Indel similarity between two parts' forms."""
    return max(Indel.normalized_similarity(x, y) for x in a for y in b)


def _stem(key: str) -> str:
    """A surname without the Russian masculine ending: sairov -> sair."""
    return key[:-2] if len(key) > 4 and key.endswith(("ov", "ev", "in")) else key


def _surname(a: ParsedName, b: ParsedName) -> tuple[float, str]:
    if not (a.surname_forms and b.surname_forms):
        return 0.0, "no surname on one side"
    if a.surname_forms & b.surname_forms:
        return 1.0, "surname agrees"
    stems_a = {_stem(k) for k in a.surname_forms}
    stems_b = {_stem(k) for k in b.surname_forms}
    if stems_a & b.surname_forms or stems_b & a.surname_forms:
        return _SURNAME_STEM, "surnames differ by the -ov ending alone"
    similarity = _similarity(a.surname_forms, b.surname_forms)
    return (
        min(similarity**4, _FUZZY_SURNAME_CAP),
        f"surnames differ ({a.surname} / {b.surname})",
    )


def _initials_agree(a: ParsedName, b: ParsedName, part: int) -> bool | None:
    """Whether the two names' initials of a part (0 first name, 1 patronymic)
    are consistent, or None if one side has none."""
    if len(a.initial_forms) <= part or len(b.initial_forms) <= part:
        return None
    sounds_a, sounds_b = a.initial_forms[part], b.initial_forms[part]
    if not (sounds_a and sounds_b):
        return None
    return bool(sounds_a & sounds_b)


def _forms_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a & b)


def _roots_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(roots_agree(x, y) for x in a for y in b)


@dataclass(frozen=True)
class _Part:
    """A first name or a patronymic: where ParsedName keeps it, when two agree,
    and what its evidence weighs."""

    label: str  # in reasons: "first name", "patronymic"
    initial_label: str  # "first initials differ"
    index: int  # its place among the initials
    key: str  # the ParsedName fields: the key, its forms, the whole word's forms
    forms: str
    words: str
    agree: Callable[[frozenset[str], frozenset[str]], bool]
    same_name: float
    fuzzy_cap: float
    initial_agrees: float


_GIVEN = _Part(
    "first name", "first", 0, "given", "given_forms", "given_forms", _forms_agree,
    _SAME_NAME_TABLE, _FUZZY_GIVEN_CAP, _INITIAL_AGREES,
)  # fmt: skip
_PATRONYMIC = _Part(
    "patronymic", "patronymic", 1, "patronymic", "patronymic_forms",
    "patronymic_words", _roots_agree, 1.0, _FUZZY_PATRONYMIC_CAP, 1.0,
)  # fmt: skip


def _one_letter_more(a: frozenset[str], b: frozenset[str]) -> bool:
    """One of the forms is another with a letter more inside it: kanat / kzanat
    (not erik / serik: a letter before the first is another name)."""
    return any(
        min(len(x), len(y)) >= 4 and x[0] == y[0] and Indel.distance(x, y) == 1
        for x in a
        for y in b
    )


def _part(a: ParsedName, b: ParsedName, part: _Part) -> tuple[float, str]:
    """How far the first names (or the patronymics) of two names agree."""
    forms_a, forms_b = getattr(a, part.forms), getattr(b, part.forms)
    label = part.label
    if forms_a and forms_b:
        shown = f"{getattr(a, part.key)} / {getattr(b, part.key)}"
        if part.agree(forms_a, forms_b):
            return 1.0, f"{label} agrees"
        if same_name_group(forms_a, forms_b):
            return part.same_name, f"{label}s {shown} are one name"
        words_a, words_b = getattr(a, part.words), getattr(b, part.words)
        if _one_letter_more(forms_a, forms_b) or _one_letter_more(words_a, words_b):
            return _EXTRA_LETTER, f"{label}s one letter apart ({shown})"
        similarity = _similarity(forms_a, forms_b)
        return min(similarity**4, part.fuzzy_cap), f"{label}s differ ({shown})"
    agreed = _initials_agree(a, b, part.index)
    if agreed is None:
        if part is _GIVEN:
            return _GIVEN_UNKNOWN, "first name unknown on one side"
        if _patronymic_unknown(a, b):
            return _PATRONYMIC_UNKNOWN, _UNKNOWN_REASON
        if _gives_patronymic(a) or _gives_patronymic(b):
            return _PATRONYMIC_NEITHER, "patronymic not weighed beside no first name"
        return _PATRONYMIC_NEITHER, _NEITHER_REASON
    if not agreed:
        return _CONFLICT, f"{part.initial_label} initials differ"
    if part is _GIVEN:
        initial = (a.initials or b.initials)[0].upper()
        return part.initial_agrees, f"first initial {initial}. agrees"
    return part.initial_agrees, "patronymic initial agrees"


def _patronymic_unknown(a: ParsedName, b: ParsedName) -> bool:
    """One name gives a patronymic (in full or as an initial), the other none,
    and both give a first name: a surname alone (`Куспан`) is weighed by its
    unknown first name, not twice."""
    return _gives_patronymic(a) != _gives_patronymic(b) and all(
        n.given_forms or (n.initial_forms and n.initial_forms[0]) for n in (a, b)
    )


def _gives_patronymic(name: ParsedName) -> bool:
    """A patronymic in full or as an initial (`Куспан А.Т.`)."""
    return bool(name.patronymic_forms) or (
        len(name.initial_forms) > 1 and bool(name.initial_forms[1])
    )


def _compare_parsed(a: ParsedName, b: ParsedName) -> Comparison:
    surname, why_surname = _surname(a, b)
    if surname == 0.0:
        return Comparison(0.0, (why_surname,))
    given, why_given = _part(a, b, _GIVEN)
    patronymic, why_patronymic = _part(a, b, _PATRONYMIC)
    value = surname * given * patronymic
    reasons = [why_surname, why_given, why_patronymic]
    if a.female is not None and b.female is not None and a.female != b.female:
        value *= _SEX_DIFFERS
        reasons.append("one is a man's name, the other a woman's")
    return Comparison(round(value, 4), tuple(reasons), _patronymic_unknown(a, b))


def compare(a: NameLike, b: NameLike) -> Comparison:
    """Score two names and say why; where a name's word order is unknown
    (`Abzal Kuspan`), both readings are tried."""
    pa, pb = _as_parsed(a), _as_parsed(b)
    readings_a = [pa] if pa.order_known or not pa.given else [pa, pa.swapped()]
    readings_b = [pb] if pb.order_known or not pb.given else [pb, pb.swapped()]
    return max(
        (_compare_parsed(x, y) for x in readings_a for y in readings_b),
        key=lambda c: c.score,
    )


def score(a: NameLike, b: NameLike) -> float:
    """How far two names can be one person, in [0, 1]: 1.0 when every part
    agrees, at least LINK_THRESHOLD when nothing contradicts the surname, first
    name and patronymic, low for namesakes (a patronymic or first name differs),
    fathers and sons, and similar-sounding surnames."""
    return compare(a, b).score


def _context_delta(
    candidate: Candidate, context: Context | None
) -> tuple[float, list[str]]:
    """What the mention's context adds to or takes from a candidate's score."""
    if context is None:
        return 0.0, []
    delta, reasons = 0.0, []
    if context.convocation is not None and candidate.convocations:
        if context.convocation in candidate.convocations:
            delta += _CONTEXT_MATCH
            reasons.append(f"sits in convocation {context.convocation}")
        else:
            delta += _CONTEXT_MISMATCH["convocation"]
            reasons.append(f"not a deputy of convocation {context.convocation}")
    for attribute in ("region", "party"):
        theirs = getattr(candidate, attribute)
        ours = getattr(context, attribute)
        if theirs is None or ours is None:
            continue
        if theirs.casefold().strip() == ours.casefold().strip():
            delta += _CONTEXT_MATCH
            reasons.append(f"{attribute} matches")
        else:
            delta += _CONTEXT_MISMATCH[attribute]
            reasons.append(f"{attribute} differs")
    return delta, reasons


def _best_form(mention: ParsedName, candidate: Candidate) -> Comparison:
    """The mention against the candidate's form it best matches. A patronymic
    one form gives is the candidate's even where the best form leaves it out
    (`Askar Nazarov` beside `НАЗАРОВ Асқар Болатұлы`)."""
    comparisons = [compare(mention, name) for name in candidate.names]
    best = max(comparisons, key=lambda c: c.score)
    if _NEITHER_REASON not in best.reasons or not any(
        c.patronymic_unknown for c in comparisons
    ):
        return best
    reasons = tuple(
        _UNKNOWN_REASON if reason == _NEITHER_REASON else reason
        for reason in best.reasons
    )
    value = best.score * _PATRONYMIC_UNKNOWN / _PATRONYMIC_NEITHER
    return Comparison(round(value, 4), reasons, True)


def resolve(
    mention: str, candidates: Sequence[Candidate], context: Context | None = None
) -> Resolution:
    """Which candidate a mention names: "link" above LINK_THRESHOLD and
    LINK_MARGIN ahead of the runner-up, "review" in the grey zone or when two
    candidates are too close, "none" below REVIEW_THRESHOLD.

    A patronymic the mention lacks (`Салтанат Абенова`, `A. Kuspan`) is unknown,
    which keeps the names alone below LINK_THRESHOLD: it would tell namesakes
    apart. The candidates are everyone known, so when the best is LINK_MARGIN
    ahead of every other (by the names or the context), no namesake is among
    them and the gap is not held against it."""
    parsed = parse(mention)
    scored = []
    for candidate in candidates:
        comparison = _best_form(parsed, candidate)
        delta, context_reasons = _context_delta(candidate, context)
        value = min(1.0, max(0.0, comparison.score + delta))
        scored.append(
            (value, candidate, comparison, comparison.reasons + tuple(context_reasons))
        )
    scored.sort(key=lambda s: s[0], reverse=True)
    value, best, comparison, reasons = scored[0] if scored else (0.0, None, None, ())
    runner_value, runner = (
        (scored[1][0], scored[1][1]) if len(scored) > 1 else (0.0, None)
    )
    if (
        comparison is not None
        and comparison.patronymic_unknown
        and value - runner_value >= LINK_MARGIN
    ):
        lifted = comparison.score / _PATRONYMIC_UNKNOWN - comparison.score
        value = min(1.0, value + lifted)
        reasons += ("no namesake among the candidates comes near",)
    if best is None or value < REVIEW_THRESHOLD:
        return Resolution(
            "none", None, round(value, 4), round(runner_value, 4),
            "no candidate comes near",
        )  # fmt: skip
    why = "; ".join(reasons)
    decision: Decision = "review"
    if value < LINK_THRESHOLD:
        why += f"; {value:.2f} is below the link threshold {LINK_THRESHOLD}"
    if runner is not None and value - runner_value < LINK_MARGIN:
        why += f"; runner-up {runner.id} at {runner_value:.2f} too close"
    elif value >= LINK_THRESHOLD:
        decision = "link"
    return Resolution(
        decision, best, round(value, 4), round(runner_value, 4), why, runner
    )


def blocking_keys(name: NameLike) -> set[str]:
    """Keys that two forms of one person's name share: the first four letters
    of each surname form, and its first four consonants, each with the first
    name's initial ("s:kusp|a", "c:kspn|a"). A name with no first name or
    initial (`Куспан`) gets the keys without one ("s:kusp|"). Where the word
    order is unknown (`Abzal Kuspan`) either word may be the surname."""
    parsed = _as_parsed(name)
    readings = [parsed]
    if not parsed.order_known and parsed.given:
        readings.append(parsed.swapped())
    keys = set()
    for reading in readings:
        initials = reading.initial_forms[0] if reading.initial_forms else frozenset()
        for key in reading.surname_forms:
            consonants = "".join(c for c in key if c not in "aeiou")
            for block in ("s:" + key[:4], "c:" + consonants[:4]):
                keys.update(f"{block}|{sound}" for sound in initials or {""})
    return keys


def _surname_block(key: str) -> str:
    """A blocking key without its initial: "s:kusp|a" -> "s:kusp|"."""
    return key.split("|")[0] + "|"


class PeopleIndex:
    """Known people by blocking key, to find a mention's candidates without
    comparing it with everyone: a mention with an initial meets the people with
    that surname block and initial (and those known by surname alone); a
    mention without one meets everyone in its surname block."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._by_initial: dict[str, list[Candidate]] = defaultdict(list)
        self._by_surname: dict[str, list[Candidate]] = defaultdict(list)
        for candidate in candidates:
            keys = set().union(*(blocking_keys(name) for name in candidate.names))
            for key in keys:
                self._by_initial[key].append(candidate)
            for block in {_surname_block(key) for key in keys}:
                self._by_surname[block].append(candidate)

    def candidates_for(self, mention: NameLike) -> list[Candidate]:
        """The people who share a block with the mention, each once."""
        found: dict[str, Candidate] = {}
        for key in blocking_keys(mention):
            if key.endswith("|"):
                lists = [self._by_surname.get(key, [])]
            else:
                lists = [
                    self._by_initial.get(key, []),
                    self._by_initial.get(_surname_block(key), []),
                ]
            for candidates in lists:
                for candidate in candidates:
                    found.setdefault(candidate.id, candidate)
        return list(found.values())

    def resolve(self, mention: str, context: Context | None = None) -> Resolution:
        """`resolve` against this index's candidates for the mention."""
        return resolve(mention, self.candidates_for(mention), context)
