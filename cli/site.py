"""`mwatch site build`: the static site in Kazakh, Russian and English."""

import argparse
import os
from datetime import date
from pathlib import Path

from cli.common import EXIT_OK, UsageError, checked_database, database_url

LANGUAGES = ("kk", "ru", "en")


def _languages(text: str) -> tuple[str, ...]:
    langs = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part))
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        raise argparse.ArgumentTypeError(
            f"{text}: the site's languages are {','.join(LANGUAGES)}"
        )
    return langs


def _today() -> date:
    """The site's present, from which unanswered requests' waits are counted:
    MWATCH_TODAY when set (a replica's data stands at its own date), else today."""
    text = os.environ.get("MWATCH_TODAY")
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise UsageError(f"MWATCH_TODAY={text}: not a date (YYYY-MM-DD)") from None


def cmd_site_build(args: argparse.Namespace) -> int:
    from reports.site import build, data
    from storage import db

    out = Path(args.out)
    today = _today()
    url = database_url()
    checked_database(url)
    with db.session_for(url) as session:
        loaded = data.load(session, today)
    try:
        built = build.build(loaded, out, args.lang)
    except build.SiteError as exc:
        raise UsageError(str(exc)) from None
    print(
        f"wrote {built.pages} pages ({built.bytes / 1e6:.1f} MB) in "
        f"{', '.join(args.lang)} to {out}; open {out / 'index.html'}"
    )
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add `site build` to the `mwatch` command."""
    site = commands.add_parser(
        "site",
        help="write the static site in Kazakh, Russian and English",
        description="A static site to publish on any host as it is: a folder per "
        "language and an index.html linking them; the deputies with every name "
        "form, a page per deputy, request, session and topic, and search in the "
        "browser. docs/reports.md describes it.",
    )
    actions = site.add_subparsers(dest="site", metavar="ACTION", required=True)
    building = actions.add_parser(
        "build",
        help="build the site from the database",
        description="Build the site from DATABASE_URL into --out (a previous "
        "build's pages there are replaced). Unanswered requests' waits are counted "
        "to MWATCH_TODAY when set, else to today.",
    )
    building.add_argument("--out", required=True, metavar="DIR", help="the folder")
    building.add_argument(
        "--lang",
        type=_languages,
        default=LANGUAGES,
        metavar="LANGS",
        help="comma-separated languages (default kk,ru,en)",
    )
    building.set_defaults(handler=cmd_site_build)
