"""The site's languages: gettext catalogues (locale/<lang>/LC_MESSAGES/site.po,
kept with Babel; the English text is the message id) and dates and numbers in
the page's language (Babel's CLDR data)."""

import gettext
from datetime import date
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "site"
LANGUAGES = ("kk", "ru", "en")


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(lang: str) -> gettext.NullTranslations:
    """The language's messages, compiled from its .po file as the site is built
    (nothing compiled is kept in the tree); English is the messages' own text."""
    path = catalogue_path(lang)
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as file:
        catalogue = read_po(file, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Formats:
    """Dates and numbers as the page's language writes them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.locale = Locale.parse(lang)

    def day(self, value: date | None) -> str:
        return format_date(value, "long", locale=self.locale) if value else "—"

    def month(self, value: date) -> str:
        """The month's short name and year, as a chart's axis shows it."""
        return format_date(value, "LLL yyyy", locale=self.locale)

    def number(self, value: float) -> str:
        if isinstance(value, int):
            return format_decimal(value, locale=self.locale)
        return format_decimal(round(value, 1), "#,##0.0", locale=self.locale)

    def language_name(self, lang: str) -> str:
        return Locale.parse(lang).get_display_name(lang).capitalize()
