"""The static site (`mwatch site build`) built from a crawl of the replica, read in
Debian's Chromium: every page loads without an error and fetches nothing outside
its folder, every link inside it resolves, the search finds a deputy in each
script, the filters and figures hold, and axe-core finds no serious violation."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import settings
from replica import ReplicaProcess
from tests.e2e import mwatch
from tests.reports_data import crawl, small_dataset, write_small_dataset
from tests.test_e2e_reports import TERMINAL_COLUMNS, expected_figures

pytestmark = pytest.mark.e2e

LANGUAGES = ("kk", "ru", "en")
AXE = settings.PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC_HOSTS = {
    "mazhilis.parlam.kz",
    "t.me",
    "www.instagram.com",
    "www.facebook.com",
    "www.youtube.com",
    "twitter.com",
}
SCREENSHOTS = Path("/tmp/mwatch-site-screenshots")
# Deputy 71 in each script: the Mazhilis's Kazakh and Russian pages, and Latin.
KUSPAN = {"kk": "Құспан Абзал", "ru": "Куспан", "en": "Abzal Kuspan"}


@pytest.fixture(scope="module")
def dataset():
    return small_dataset()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The database the crawler filled from the small dataset."""
    path = write_small_dataset(tmp_path_factory.mktemp("dataset"))
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'crawled.sqlite'}"
    with ReplicaProcess(dataset=path) as replica:
        crawl(url, replica)
    return url


@pytest.fixture(scope="module")
def site(crawled, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    result = mwatch("site", "build", "--out", str(out), env={"DATABASE_URL": crawled})
    assert result.code == 0, result.stdout + result.stderr
    assert "pages" in result.stdout
    return out


class Links(HTMLParser):
    """Every href and src of a page, and its html element's lang."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name])


def parsed(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_internal_link_resolves_and_sources_name_public_sites(site):
    found = pages(site)
    assert len(found) > 3 * 100
    external = set()
    for page in found:
        links = parsed(page)
        assert links.lang in (*LANGUAGES, None) or page == site / "index.html"
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                external.add(parts.hostname)
                assert parts.scheme == "https", (page, link)
                continue
            assert not parts.scheme and not parts.netloc, (page, link)
            target = (page.parent / unquote(parts.path)).resolve()
            if not parts.path:
                target = page.resolve()
            assert target.is_file(), (page.relative_to(site), link)
            assert target.is_relative_to(site.resolve()), (page, link)
            if parts.fragment:
                assert f'id="{parts.fragment}"' in target.read_text(), (page, link)
    # The replica's base is gone when a demo ends: links name the public sites.
    assert external <= PUBLIC_HOSTS, external
    assert {"mazhilis.parlam.kz", "t.me"} <= external


def test_the_languages_and_their_pages(site, dataset):
    assert [p.name for p in sorted(site.iterdir())] == [
        "assets",
        "en",
        "index.html",
        "kk",
        "ru",
    ]
    top = parsed(site / "index.html").links
    for lang in LANGUAGES:
        assert f"{lang}/index.html" in top
        folder = site / lang
        assert parsed(folder / "index.html").lang == lang
        sitting = [p["ru"]["id"] for p in dataset["deputies"] if p["ru"]["is_active"]]
        assert {int(p.stem) for p in (folder / "deputy").glob("*.html")} == set(sitting)
        assert {int(p.stem) for p in (folder / "request").glob("*.html")} == {
            r["id"] for r in dataset["requests"]
        }
        assert {p.stem for p in (folder / "session").glob("*.html")} >= {"8-2", "8-4"}
    # Interface strings and dates in the page's language.
    kuspan = {
        lang: (site / lang / "deputy" / "71.html").read_text() for lang in LANGUAGES
    }
    assert '<h2 id="mandates">Мандаттар</h2>' in kuspan["kk"]
    assert '<h2 id="mandates">Мандаты</h2>' in kuspan["ru"]
    assert '<h2 id="mandates">Mandates</h2>' in kuspan["en"]
    assert re.search(r"\d{4}\sж\.\s\d+\s[а-яәіңғүұқөһ]+", kuspan["kk"])
    assert re.search(r"\d+\s[а-я]+\s\d{4}\sг\.", kuspan["ru"])
    assert re.search(r"[A-Z][a-z]+ \d+, \d{4}", kuspan["en"])


def test_a_party_list_deputy_has_no_district_figure(site, dataset):
    party_list = next(
        p["ru"]["id"]
        for p in dataset["deputies"]
        if p["ru"]["is_active"] and p["ru"]["deputy_type"] == 2
    )
    page = (site / "en" / "deputy" / f"{party_list}.html").read_text()
    assert "party list (no district)" in page
    cell = re.search(r'data-figure="meetings_own">(.*?)</td>', page).group(1)
    assert "n/a" in cell and "not applicable" in cell


@pytest.fixture(scope="module")
def tab(browser, site):
    """A page that fails the test on a console error, an uncaught exception or a
    request outside the site's folder (which it refuses)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    root = site.resolve().as_uri() + "/"

    def guard(route):
        url = route.request.url
        if url.startswith(root):
            route.continue_()
        else:
            problems.append(f"request outside the site: {url}")
            route.abort()

    page.route("**/*", guard)
    page.on(
        "console",
        lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.problems = problems
    yield page
    page.close()


def test_every_page_loads_without_an_error_or_a_request_outside(site, tab):
    for page in pages(site):
        tab.goto(page.as_uri(), wait_until="load")
        assert tab.problems == [], page.relative_to(site)
    assert tab.title()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_deputy_is_found_in_each_script(site, tab, lang, dataset):
    tab.goto((site / lang / "index.html").as_uri())
    search = tab.locator("#search")
    for query in KUSPAN.values():
        search.fill(query)
        first = tab.locator("#results li a").first
        first.wait_for()
        assert first.get_attribute("href") == "deputy/71.html", (lang, query)
    # A request by words of its title.
    request = dataset["requests"][0]
    words = " ".join(request["title"].split()[:4])
    search.fill(words)
    tab.locator(f'#results a[href="request/{request["id"]}.html"]').wait_for()
    assert tab.problems == []


def test_the_index_filters_by_group_region_and_faction(site, tab, dataset):
    tab.goto((site / "en" / "index.html").as_uri())
    rows = tab.locator("#deputies tbody tr")
    sitting = [p["ru"] for p in dataset["deputies"] if p["ru"]["is_active"]]
    assert rows.count() == len(sitting)
    tab.select_option("#filter-group", "party_list")
    shown = tab.locator("#deputies tbody tr:not([hidden])")
    assert shown.count() == sum(1 for d in sitting if d["deputy_type"] == 2)
    assert set(shown.evaluate_all("rows => rows.map(r => r.dataset.group)")) == {
        "party_list"
    }
    assert "none: party list" in shown.first.inner_text()
    tab.select_option("#filter-group", "")
    region = next(d["region"]["name"] for d in sitting if d["region"])
    options = tab.locator("#filter-region option").all_inner_texts()
    assert region in options or any(o for o in options[1:])
    tab.select_option("#filter-region", index=1)
    chosen = tab.locator("#filter-region").input_value()
    regions = shown.evaluate_all("rows => rows.map(r => r.dataset.region)")
    assert regions and set(regions) == {chosen}
    assert tab.locator("#shown").inner_text().startswith(f"{len(regions)} of ")
    tab.select_option("#filter-region", "")
    tab.select_option("#filter-faction", index=1)
    factions = shown.evaluate_all("rows => rows.map(r => r.dataset.faction)")
    assert factions and len(set(factions)) == 1
    assert tab.problems == []


def test_session_figures_are_the_reports(site, tab, dataset):
    """The session page shows `mwatch report`'s figures, from the dataset."""
    expected = expected_figures(dataset, 2)
    tab.goto((site / "en" / "session" / "8-2.html").as_uri())
    cells = tab.locator("table.deputies td[data-figure]").evaluate_all(
        "cells => cells.map(c => [c.dataset.deputy, c.dataset.figure, c.innerText])"
    )
    shown: dict[int, dict[str, str]] = {}
    for deputy, figure, value in cells:
        if figure in TERMINAL_COLUMNS:
            shown.setdefault(int(deputy), {})[figure] = value
    assert set(shown) == set(expected)
    party_list = {
        p["ru"]["id"] for p in dataset["deputies"] if p["ru"]["deputy_type"] == 2
    }
    for deputy, figures in expected.items():
        for key, value in figures.items():
            if key == "meetings_own" and deputy in party_list:
                assert shown[deputy][key] == "n/a"
            else:
                assert shown[deputy][key] == str(value), (deputy, key)
    # Charts with a title, labelled axes and bars.
    for chart in tab.locator("svg.chart").all():
        assert chart.locator("title").first.text_content()
        assert chart.locator("text.axis").count() >= 1
    assert tab.locator("table.addressees tbody tr").count() > 0
    assert tab.locator("ul.differences li").count() > 0


def axe_violations(tab) -> list[str]:
    tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = tab.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => [v.impact, v.id, v.nodes.length, v.help])"
    )
    return [v for v in found if v[0] in ("serious", "critical")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_serious_accessibility_violation(site, browser, lang):
    assert AXE.is_file(), f"{AXE} is missing: run make setup (it installs axe-core)"
    chosen = [
        site / "index.html",
        site / lang / "index.html",
        site / lang / "deputy" / "71.html",
        site / lang / "session" / "8-2.html",
        site / lang / "sessions.html",
        site / lang / "topics.html",
        next((site / lang / "topic").glob("*.html")),
        next((site / lang / "request").glob("*.html")),
    ]
    page = browser.new_page()
    try:
        for path in chosen:
            page.goto(path.as_uri())
            assert axe_violations(page) == [], path.relative_to(site)
    finally:
        page.close()


def test_screenshots_of_each_language(site, browser):
    """The index, a deputy's and a session's page in each language, for a
    person to look at (/tmp/mwatch-site-screenshots)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        for lang in LANGUAGES:
            for name, path in (
                ("index", "index.html"),
                ("deputy", "deputy/71.html"),
                ("session", "session/8-2.html"),
            ):
                page.goto((site / lang / path).as_uri())
                shot = SCREENSHOTS / f"{lang}-{name}.png"
                page.screenshot(path=shot, full_page=True)
                assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_a_language_not_offered_is_refused(crawled, tmp_path):
    result = mwatch(
        "site", "build", "--out", str(tmp_path / "s"), "--lang", "kk,de",
        env={"DATABASE_URL": crawled},
    )  # fmt: skip
    assert result.code == 2
    assert "kk,ru,en" in result.stderr
    assert not (tmp_path / "s").exists()
