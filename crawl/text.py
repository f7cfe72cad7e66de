"""Small helpers for the text values sources give."""

import re
from datetime import date
from typing import Any

from records import without_controls

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_GUILLEMETS = re.compile(r"«([^»]+)»")


def script_of(text: str) -> str:
    """ISO 15924 code of the letters in `text`: Cyrl, Latn, Mixed, or Zyyy (none)."""
    cyrillic = bool(_CYRILLIC.search(text))
    latin = bool(_LATIN.search(text))
    if cyrillic and latin:
        return "Mixed"
    if cyrillic:
        return "Cyrl"
    return "Latn" if latin else "Zyyy"


def clean(value: object, limit: int = 300) -> str | None:
    """A stripped string, or None for null, empty and the literal string "None";
    one longer than `limit` characters is cut there and ends with "…" (a name of
    100 KB is no name, and would not fit its column)."""
    if value is None:
        return None
    text = " ".join(without_controls(str(value)).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    # The API gives a missing patronymic as null or as "None" (deputy 88's kk form).
    return None if text in ("", "None", "null") else text


def clean_text(value: object) -> str | None:
    """A title or a text: as `clean`, of any length."""
    return clean(value, limit=10**9)


def clean_email(value: object) -> str | None:
    """An email without the stray spaces the API has ("a.kalykov @parlam.kz")."""
    text = clean(value, 320)
    return re.sub(r"\s+", "", text) if text else None


# The parties of the 8th convocation by every name the sources use, so that the
# Kazakh «Ақ жол» and the Russian «Ак жол» are one party.
PARTIES = {
    "amanat": "AMANAT",
    "аманат": "AMANAT",
    "auyl": "Auyl",
    "ауыл": "Auyl",
    "ақ жол": "Ak Zhol",
    "ак жол": "Ak Zhol",
    "ak zhol": "Ak Zhol",
    "respublica": "Respublica",
    "республика": "Respublica",
    "қазақстан халық партиясы": "People's Party",
    "народная партия казахстана": "People's Party",
    "people's party of kazakhstan": "People's Party",
    "жалпыұлттық социал-демократиялық партия": "OSDP",
    "общенациональная социал-демократическая партия": "OSDP",
    "осдп": "OSDP",
}


def party_in(faction: str | None) -> str | None:
    """The party named in «» in a faction's name («AMANAT» партиясының фракциясы),
    by its short English name when it is a known party."""
    if not faction:
        return None
    match = _GUILLEMETS.search(faction)
    if not match:
        return None
    name = " ".join(match.group(1).split())[:200]
    return PARTIES.get(name.lower(), name)


def parse_date(value: Any) -> date | None:
    """A date from the ISO text sources give ("2023-10-04"), or None."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


# "#Теміртау" in a caption: letters, digits and "_" of any script.
HASHTAG = re.compile(r"#(\w+)")


def hashtags_of(text: str | None) -> list[str]:
    """The hashtags of a text, without "#", in order, each once."""
    return list(dict.fromkeys(HASHTAG.findall(text or "")))
