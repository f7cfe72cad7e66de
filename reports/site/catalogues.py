"""Keep the site's catalogues up to date: `python -m reports.site.catalogues`
extracts every message of the templates and of build.py (Babel's extractors),
adds the scorecard's figure labels (reports/scorecard.py, shown through the
catalogue), writes locale/site.pot and updates each language's site.po, keeping
what translators wrote and marking new messages untranslated."""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from reports.scorecard import (
    ACTIVITY_FIGURES,
    CLUSTER_FIGURES,
    POST_FIGURES,
    REQUEST_FIGURES,
)
from reports.site.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, catalogue_path

HERE = Path(__file__).parent
METHODS = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def template() -> Catalog:
    catalogue = Catalog(domain=DOMAIN, project="mazhilis-watch")
    for filename, lineno, message, comments, _context in extract_from_dir(
        HERE, METHODS, options_map=OPTIONS, keywords={"_": None}
    ):
        catalogue.add(message, locations=[(filename, lineno)], auto_comments=comments)
    for labels in (REQUEST_FIGURES, ACTIVITY_FIGURES, CLUSTER_FIGURES, POST_FIGURES):
        for label in labels.values():
            catalogue.add(label, locations=[("../scorecard.py", 0)])
    return catalogue


def update() -> None:
    pot = template()
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as file:
        write_po(file, pot, width=88, sort_output=True)
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = catalogue_path(lang)
        if path.exists():
            with path.open("rb") as file:
                catalogue = read_po(file, locale=lang, domain=DOMAIN)
        else:
            catalogue = Catalog(locale=lang, domain=DOMAIN, project="mazhilis-watch")
        catalogue.update(pot, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalogue, width=88, sort_output=True, ignore_obsolete=True)


if __name__ == "__main__":
    update()
