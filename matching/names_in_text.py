"""Deputies named in running text, such as the party's news.

A news item writes names as `Салтанат Абенова`, `Абенов С.Ж.`, `Е. Бердибеков`,
`Аманжол Советханұлы Жолдасбеков` or, on second mention, a surname alone. The
text is cut into runs of capitalised words and initials (punctuation ends a run:
`«AMANAT» Салтанат Абенова` gives `Салтанат Абенова`); each window of one to
three of a run's words is resolved against the known people (`PeopleIndex`), and
the best non-overlapping windows that come near a person are the names found,
with their resolution: linked above the threshold, for review in the grey zone.
A word alone counts only where it is a person's surname exactly (a lone
capitalised word rarely names anyone: `Жители`, `Комитет`).
"""

import re
from dataclasses import dataclass

from matching.people import Context, PeopleIndex, Resolution

# A capitalised word (Абенова, Қожаназаров, O'Brien, Sairov-Kim) or initials
# (А., С.Ж., Zh.).
_TOKEN = re.compile(
    r"(?P<initials>(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ](?:[a-z]{1,3})?\.\s?)+)"
    r"|(?P<word>[^\W\d_][^\W\d_]*(?:[-'’][^\W\d_]+)*)"
)
# What may stand between two words of one name: spaces only.
_GAP = re.compile(r"\s+")
LONGEST = 3
# A word alone must agree with a surname exactly: a surname alone scores 0.73,
# a surname one letter off at most 0.62.
SINGLE_WORD_SCORE = 0.7


@dataclass(frozen=True)
class FoundName:
    """A name as the text writes it, where, and whom it resolves to."""

    name: str
    start: int
    resolution: Resolution


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Runs of capitalised words and initials separated by spaces only."""
    runs: list[list[re.Match[str]]] = []
    previous_end = -1
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not token[0].isupper():
            previous_end = -1
            continue
        joined = previous_end >= 0 and (
            previous_end == match.start()
            or _GAP.fullmatch(text, previous_end, match.start()) is not None
        )
        if joined:
            runs[-1].append(match)
        else:
            runs.append([match])
        previous_end = match.end()
    return runs


def _window_text(text: str, tokens: list[re.Match[str]]) -> str:
    return " ".join(text[tokens[0].start() : tokens[-1].end()].split())


def find_names(
    text: str, people: PeopleIndex, context: Context | None = None
) -> list[FoundName]:
    """The names of known people in `text`, in order, each with the resolution
    of its best reading ("link" or "review"; what comes near no one is left
    out)."""
    found = []
    for run in _runs(text):
        windows = []
        for start in range(len(run)):
            for length in range(1, min(LONGEST, len(run) - start) + 1):
                tokens = run[start : start + length]
                words = [t for t in tokens if t.group("word")]
                if not words:
                    continue
                name = _window_text(text, tokens)
                resolution = people.resolve(name, context)
                if resolution.decision == "none":
                    continue
                if len(tokens) == 1 and resolution.score < SINGLE_WORD_SCORE:
                    continue
                windows.append((resolution.score, length, start, name, resolution))
        windows.sort(key=lambda w: (w[0], w[1]), reverse=True)
        taken: set[int] = set()
        for _, length, start, name, resolution in windows:
            span = set(range(start, start + length))
            if span & taken:
                continue
            taken |= span
            found.append(FoundName(name, run[start].start(), resolution))
    return sorted(found, key=lambda f: f.start)
