"""Small helpers for the text values sources give."""

import re

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


def clean(value: object) -> str | None:
    """A stripped string, or None for null, empty and the literal string "None"."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    # The API gives a missing patronymic as null or as "None" (deputy 88's kk form).
    return None if text in ("", "None", "null") else text


def clean_email(value: object) -> str | None:
    """An email without the stray spaces the API has ("a.kalykov @parlam.kz")."""
    text = clean(value)
    return re.sub(r"\s+", "", text) if text else None


def party_in(faction: str | None) -> str | None:
    """The party's name quoted in a faction's («AMANAT» партиясының фракциясы)."""
    if not faction:
        return None
    match = _GUILLEMETS.search(faction)
    return match.group(1).strip() if match else None
