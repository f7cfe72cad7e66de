"""Tagging texts with topics by keywords (topics.toml says how a keyword matches).

`load_topics()` reads the topics file; `Tagger(topics).tag(text)` gives the
topics a text touches, each with the keywords that matched, so every tag can be
explained. Pure: no database, no network.
"""

import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

TOPICS_FILE = Path(__file__).with_name("topics.toml")
KINDS = ("programme", "issue")
# A keyword's first word is looked up by its first letters: at least this many
# (or, shorter, it matches a whole word: "аз= қамтыл").
PREFIX = 3
_WORD = re.compile(r"[^\W\d_]+")
# "women's" -> "women", "citizens’" -> "citizens".
_POSSESSIVE = re.compile(r"['’]s?\b")


class TopicsFileError(ValueError):
    """A topics file that cannot be used; the message names the file and entry."""


@dataclass(frozen=True)
class Topic:
    key: str
    kind: str
    thesis: int | None
    name_en: str
    name_ru: str
    name_kk: str
    scope: str
    keywords: tuple[str, ...]
    # Phrases whose words never count for this topic: "жол бер" ("кемсітушілікке
    # жол бермеу", no way for discrimination) keeps "жол=" (a road) from matching.
    exceptions: tuple[str, ...] = ()


def words_of(text: str) -> list[str]:
    """A text's words, lower-cased, ё as е, possessives dropped."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    return _WORD.findall(_POSSESSIVE.sub("", text))


@dataclass(frozen=True)
class _Part:
    text: str
    whole: bool

    def matches(self, word: str) -> bool:
        return word == self.text if self.whole else word.startswith(self.text)


def _parts(keyword: str) -> tuple[_Part, ...]:
    """ "прав человек" -> (прав…, человек…); "сот=" -> (сот, whole word)."""
    parts = []
    for word in keyword.lower().replace("ё", "е").split():
        whole = word.endswith("=")
        word = word.rstrip("=")
        if not _WORD.fullmatch(word):
            raise ValueError(f"{word!r} is not a word of letters")
        parts.append(_Part(word, whole))
    if not parts:
        raise ValueError("empty keyword")
    if len(parts[0].text) < PREFIX and not parts[0].whole:
        raise ValueError(
            f"its first word has fewer than {PREFIX} letters: match it whole (=)"
        )
    return tuple(parts)


class Tagger:
    """Topics by keyword, indexed by the first letters of each keyword's first
    word: a text costs a dictionary look-up per word, whatever the keywords."""

    def __init__(self, topics: list[Topic]) -> None:
        self.topics = topics
        self._index = _index((topic.key, k) for topic in topics for k in topic.keywords)
        self._exceptions = _index(
            (topic.key, k) for topic in topics for k in topic.exceptions
        )

    def tag(self, text: str | None) -> dict[str, list[str]]:
        """{topic key: the keywords that matched, sorted} of a text."""
        words = words_of(text or "")
        excepted: set[tuple[str, int]] = set()
        for key, _, i, length in _matches(self._exceptions, words):
            excepted.update((key, i + j) for j in range(length))
        found: dict[str, set[str]] = defaultdict(set)
        for key, keyword, i, _ in _matches(self._index, words):
            if (key, i) not in excepted:
                found[key].add(keyword)
        return {key: sorted(keywords) for key, keywords in found.items()}


_Index = dict[str, list[tuple[str, str, tuple[_Part, ...]]]]


def _index(keywords: Iterable[tuple[str, str]]) -> _Index:
    """(topic key, keyword) pairs by the first letters of the keyword's first word."""
    index: _Index = defaultdict(list)
    for key, keyword in keywords:
        parts = _parts(keyword)
        index[parts[0].text[:PREFIX]].append((key, keyword, parts))
    return index


def _matches(index: _Index, words: list[str]) -> Iterator[tuple[str, str, int, int]]:
    """(topic key, keyword, first word's position, words) of each match."""
    for i, word in enumerate(words):
        for key, keyword, parts in index.get(word[:PREFIX], ()):
            if i + len(parts) <= len(words) and all(
                part.matches(words[i + j]) for j, part in enumerate(parts)
            ):
                yield key, keyword, i, len(parts)


def load_topics(path: Path = TOPICS_FILE) -> list[Topic]:
    """The topics of a topics file; TopicsFileError names what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TopicsFileError(f"{path}: no such file") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TopicsFileError(f"{path}: not a TOML file ({exc})") from None
    entries = data.get("topics")
    if not isinstance(entries, list) or not entries:
        raise TopicsFileError(f"{path}: no [[topics]] entries")
    by_key = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: topic {number} ({entry.get('key', 'no key')})"
        for field in ("key", "kind", "name_en", "name_ru", "name_kk", "scope"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise TopicsFileError(f"{where}: {field!r} is missing or empty")
        if entry["kind"] not in KINDS:
            raise TopicsFileError(f"{where}: kind {entry['kind']!r} is not {KINDS}")
        thesis = entry.get("thesis")
        if (entry["kind"] == "programme") != isinstance(thesis, int):
            raise TopicsFileError(
                f"{where}: a programme topic has a thesis number, an issue none"
            )
        if entry["key"] in by_key:
            raise TopicsFileError(f"{where}: key {entry['key']!r} repeats")
        by_key[entry["key"]] = entry
    topics = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: topic {number} ({entry['key']})"
        source = entry
        if "keywords_of" in entry:
            source = by_key.get(entry["keywords_of"], {})
        keywords = source.get("keywords")
        if not isinstance(keywords, list) or not keywords:
            raise TopicsFileError(f"{where}: no keywords")
        exceptions = source.get("exceptions", [])
        if not isinstance(exceptions, list):
            raise TopicsFileError(f"{where}: exceptions is not a list")
        for field, phrases in (("keyword", keywords), ("exception", exceptions)):
            for phrase in phrases:
                try:
                    _parts(phrase)
                except (ValueError, AttributeError) as exc:
                    raise TopicsFileError(
                        f"{where}: {field} {phrase!r}: {exc}"
                    ) from None
        topics.append(
            Topic(
                key=entry["key"],
                kind=entry["kind"],
                thesis=entry.get("thesis"),
                name_en=entry["name_en"],
                name_ru=entry["name_ru"],
                name_kk=entry["name_kk"],
                scope=entry["scope"],
                keywords=tuple(dict.fromkeys(keywords)),
                exceptions=tuple(dict.fromkeys(exceptions)),
            )
        )
    return topics
