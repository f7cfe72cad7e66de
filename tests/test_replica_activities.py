"""The replica's activities (SOURCES.md §1.4): the JSON API, its browser-only mode
and the page rendered by script, in a real headless Chromium."""

import json
import re
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from playwright.sync_api import Browser, Page

from matching.meetings import activity_locality, same_place
from replica import (
    DatasetError,
    ReplicaProcess,
    dump_dataset,
    generate_dataset,
    load_dataset,
)
from replica.activities import challenge_of, fnv1a
from replica.activity_data import KAZAKH_REGIONS, KAZAKH_VENUES, VENUES
from replica.places import REGIONS

DENIED = {"detail": "Access denied: enable JavaScript"}


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def api(deputy_id: int, query: str = "") -> str:
    return f"/api/core/deputies/{deputy_id}/activities/{query}"


def get_json(replica: ReplicaProcess, path: str, cookie: str | None = None) -> dict:
    headers = {"Cookie": f"ng_session={cookie}"} if cookie else {}
    status, _, body = fetch(replica.url + path, headers)
    assert status == 200, (path, status, body[:200])
    return json.loads(body)


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset()


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaProcess]:
    with ReplicaProcess() as running:
        yield running


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[ReplicaProcess]:
    """A replica whose activities API answers browsers only."""
    path = tmp_path_factory.mktemp("guarded") / "dataset.json"
    dump_dataset({**generate_dataset(), "activities_api": "browser-only"}, path)
    with ReplicaProcess(dataset=path) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def newest_first(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda a: (a["date"], a["id"]), reverse=True)


def test_paging_count_and_order(replica, dataset):
    items = newest_first(dataset["activities"]["71"])
    first = get_json(replica, api(71, "?type=meeting&limit=12&offset=0"))
    assert first == {"count": len(items), "result": items[:12]}
    collected = []
    for offset in range(0, len(items), 5):
        collected += get_json(replica, api(71, f"?limit=5&offset={offset}"))["result"]
    assert collected == items
    assert get_json(replica, api(71))["result"] == items[:12]
    assert get_json(replica, api(71, f"?offset={len(items)}"))["result"] == []
    assert len(get_json(replica, api(71, "?limit=1000"))["result"]) == len(items)
    without_slash = get_json(replica, "/api/core/deputies/71/activities?limit=3")
    assert without_slash["result"] == items[:3]


def test_sample_activities_served_as_in_the_sample(replica, samples):
    sample = json.loads((samples / "mazhilis" / "deputy_activities.json").read_text())
    served = get_json(replica, api(71, "?limit=100"))["result"]
    for item in sample["result"]:
        assert item in served
    assert set(served[0]) == set(sample["result"][0])


def test_type_filter_unknown_deputy_and_bad_paging(replica, dataset):
    everything = get_json(replica, api(71))
    for query in ("?type=meeting", "?type=null", "?type="):
        assert get_json(replica, api(71, query)) == everything
    assert get_json(replica, api(71, "?type=speech")) == {"count": 0, "result": []}
    status, _, body = fetch(replica.url + api(99999))
    assert (status, json.loads(body)) == (404, {"detail": "Not found."})
    former = next(
        d["kk"]["id"] for d in dataset["deputies"] if not d["kk"]["is_active"]
    )
    assert get_json(replica, api(former)) == {"count": 0, "result": []}
    for query in ("?limit=x", "?offset=-3", "?limit=0"):
        status, _, body = fetch(replica.url + api(71, query))
        assert status == 400 and "detail" in json.loads(body)


def test_browser_only_api_wants_the_page_cookie(guarded):
    status, headers, body = fetch(guarded.url + api(71))
    assert (status, json.loads(body)) == (403, DENIED)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    wrong = {"Cookie": "ng_session=0123456789abcdef.00000000"}
    assert fetch(guarded.url + api(71), wrong)[0] == 403
    challenge = challenge_of(8)
    page = fetch(guarded.url + "/ru/deputies/71/activities")[2].decode()
    assert f'"challenge": "{challenge}"' in page
    token = f"{challenge}.{fnv1a(challenge)}"
    assert get_json(guarded, api(71), cookie=token)["count"] > 12


def _cards(page: Page) -> list[dict]:
    """What the rendered page shows of each activity."""
    return page.eval_on_selector_all(
        "div.activities > div.activity-card",
        """cards => cards.map(card => ({
            id: Number(card.dataset.id),
            date: card.querySelector(".activity-card__date").textContent,
            title: card.querySelector("a.activity-card__title").textContent,
            url: card.querySelector("a.activity-card__title").getAttribute("href"),
            place: card.querySelector(".activity-card__place").textContent,
            text: card.querySelector(".activity-card__text").textContent,
        }))""",
    )


def _as_card(activity: dict) -> dict:
    shown = date.fromisoformat(activity["date"]).strftime("%d.%m.%Y")
    return {**activity, "date": shown}


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("nav.pager, div.not-found, div.load-error", state="attached")


def test_page_renders_the_api_items_in_chromium(guarded, page):
    """In browser-only mode too: the page's script answers the challenge."""
    items = newest_first(generate_dataset()["activities"]["71"])
    _open(page, guarded.url + "/ru/deputies/71/activities")
    assert _cards(page) == [_as_card(a) for a in items[:12]]
    assert page.text_content("h1.deputy-header__name") == "Куспан Абзал Темиргалиулы"
    assert page.text_content("div.deputy-header__region") == (
        "Избирательный округ № 14, Западно-Казахстанская область"
    )
    assert page.get_attribute("nav.pager > a.pager__next", "href") == (
        "/ru/deputies/71/activities?page=2"
    )
    page.click("a.pager__next")
    page.wait_for_url("**/activities?page=2")
    page.wait_for_selector("nav.pager", state="attached")
    assert _cards(page) == [_as_card(a) for a in items[12:24]]
    has_next = len(items) > 24
    assert (page.query_selector("a.pager__next") is not None) == has_next


def _outline(node: Tag) -> list:
    """The element tree as (tag, classes, attributes) without text or values."""
    return [
        (child.name, child.get("class"), sorted(child.attrs), _outline(child))
        for child in node.find_all(recursive=False)
    ]


def test_rendered_dom_is_the_samples(replica, page, samples):
    sample = BeautifulSoup(
        (samples / "mazhilis" / "deputy_activities.rendered.html").read_text(),
        "html.parser",
    )
    _open(page, replica.url + "/ru/deputies/71/activities")
    rendered = BeautifulSoup(page.content(), "html.parser")
    expected = _outline(sample.select_one("app-deputy-activities"))
    outline = _outline(rendered.select_one("app-deputy-activities"))
    cards = outline[1][3]
    assert outline[0] == expected[0] and outline[2] == expected[2]
    assert cards[:2] == expected[1][3] and len(cards) == 12
    assert rendered.select_one("app-root")["ng-version"] == "16.2.12"
    assert rendered.select_one("base")["href"] == "/"


def test_raw_html_is_an_empty_shell(replica):
    status, headers, body = fetch(replica.url + "/ru/deputies/71/activities?page=1")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    shell = BeautifulSoup(body.decode("utf-8"), "html.parser")
    assert shell.select("div.activity-card, div.deputy-header, nav.pager") == []
    host = shell.select_one("app-root app-deputy-activities")
    assert host is not None and list(host.children) == []
    assert shell.select_one("app-root")["ng-version"] == "16.2.12"


def test_kazakh_page_list_deputy_and_unknown_deputy(replica, page):
    _open(page, replica.url + "/kk/deputies/71/activities")
    assert page.text_content("h1.deputy-header__name") == "ҚҰСПАН Абзал Темірғалиұлы"
    assert page.text_content("div.deputy-header__region") == (
        "№ 14 сайлау округі, Батыс Қазақстан облысы"
    )
    assert page.get_attribute("a.pager__next", "href") == (
        "/kk/deputies/71/activities?page=2"
    )
    _open(page, replica.url + "/ru/deputies/88/activities")
    assert page.text_content("h1.deputy-header__name") == "Тау Нургуль"
    assert page.text_content("div.deputy-header__region") == ""
    _open(page, replica.url + "/ru/deputies/99999/activities")
    assert page.query_selector("div.not-found") is not None
    assert page.query_selector("div.activity-card") is None


def _is_reception(activity: dict) -> bool:
    return activity["title"].startswith("Прием граждан")


def _in_regional_weeks(day: str) -> bool:
    month, dom = int(day[5:7]), int(day[8:10])
    return (month == 7 and dom <= 15) or (month == 8 and dom >= 15)


def test_generated_activities_look_real(dataset):
    ru = {d["ru"]["id"]: d["ru"] for d in dataset["deputies"]}
    sitting = {i for i, d in ru.items() if d["is_active"]}
    activities = {int(k): v for k, v in dataset["activities"].items()}
    assert set(activities) == sitting
    assert all(5 <= len(items) <= 40 for items in activities.values())
    every = [a for items in activities.values() for a in items]
    assert len({a["id"] for a in every}) == len(every)
    for deputy_id, items in activities.items():
        assert items == newest_first(items)
        for activity in items:
            assert activity["url"] == (
                f"/ru/deputies/{deputy_id}/activities/{activity['id']}"
            )
            assert "2023-03-29" <= activity["date"] <= "2026-06-30"
    receptions = [a for a in every if _is_reception(a)]
    meetings = [a for a in every if not _is_reception(a)]
    assert all(a["place"].startswith("Астана, ") for a in receptions)
    sessions = [
        (s["start_date"], s["end_date"]) for s in dataset["convocations"][0]["sessions"]
    ]
    assert all(
        any(start <= a["date"] <= end for start, end in sessions) for a in receptions
    )
    in_weeks = sum(_in_regional_weeks(a["date"]) for a in meetings)
    assert in_weeks / len(meetings) > 0.75
    assert {a["date"][:4] for a in meetings} >= {"2023", "2024", "2025"}
    single = [i for i in sitting if ru[i]["deputy_type"] == 1]
    listed = [i for i in sitting if ru[i]["deputy_type"] == 2]
    per_deputy = Counter(
        deputy_id
        for deputy_id, items in activities.items()
        for a in items
        if not _is_reception(a)
    )
    assert sum(per_deputy[i] for i in single) / len(single) > 2 * (
        sum(per_deputy[i] for i in listed) / len(listed)
    )
    for deputy_id in single:
        region = REGIONS[ru[deputy_id]["region"]["name"]]
        own = [a for a in activities[deputy_id] if not _is_reception(a)]
        for activity in own:
            locality = activity_locality(activity["place"])
            assert any(
                same_place(locality, place.split(", ")[-1])
                for place in region.localities
            ), activity["place"]


def test_meeting_places_come_in_no_fixed_order(dataset):
    """SOURCES.md §1.4: the locality first or last, a region before it or a
    venue after it, in Russian or Kazakh."""
    meetings = [
        a["place"]
        for items in dataset["activities"].values()
        for a in items
        if not _is_reception(a)
    ]
    regions = {*REGIONS, *KAZAKH_REGIONS.values()}
    first = Counter()
    for place in meetings:
        head, *_, tail = place.split(", ")
        if head in regions:
            first["region first"] += 1
        elif tail in regions:
            first["region last"] += 1
        elif tail in VENUES or tail in KAZAKH_VENUES:
            first["venue last"] += 1
        if re.search(r"ауылы|қаласы|кенті|облысы", place):
            first["kazakh"] += 1
    assert first["region first"] / len(meetings) > 0.5
    for form in ("region last", "venue last", "kazakh"):
        assert first[form] / len(meetings) > 0.03, (form, first)


def test_scale_multiplies_activities_with_the_deputies():
    two = generate_dataset(scale=2)
    sitting = [d for d in two["deputies"] if d["kk"]["is_active"]]
    assert len(two["activities"]) == len(sitting) == 196
    ids = [a["id"] for items in two["activities"].values() for a in items]
    assert len(ids) == len(set(ids))


def _change(key: str, value: object) -> Callable[[dict], None]:
    return lambda dataset: dataset.__setitem__(key, value)


def _move_to_unknown_deputy(dataset: dict) -> None:
    dataset["activities"]["99999"] = dataset["activities"].pop("71")


def _duplicate_activity(dataset: dict) -> None:
    dataset["activities"]["56"].append(dict(dataset["activities"]["71"][0]))


def _undated_activity(dataset: dict) -> None:
    dataset["activities"]["71"][2]["date"] = "05.07.2023"


def _untitled_activity(dataset: dict) -> None:
    del dataset["activities"]["71"][1]["title"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_move_to_unknown_deputy, r"activities\['99999'\]: no deputy has id 99999"),
        (
            _duplicate_activity,
            r"activities\['56'\]\[\d+\] \(id \d+\): duplicate id "
            r"\(also activities\['71'\]\[0\]",
        ),
        (
            _undated_activity,
            r"activities\['71'\]\[2\] \(id \d+\): '05.07.2023' is not a YYYY-MM-DD",
        ),
        (_untitled_activity, r"activities\['71'\]\[1\]: missing key 'title'"),
        (_change("activities", []), r"'activities' is not a JSON object"),
        (_change("activities_api", "closed"), r"'activities_api' is 'closed'"),
    ],
)
def test_invalid_activities_name_file_and_item(tmp_path, change, problem):
    dataset = generate_dataset()
    change(dataset)
    path: Path = tmp_path / "dataset.json"
    path.write_text(json.dumps(dataset, ensure_ascii=False), "utf-8")
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert str(error.value).startswith(f"{path}: ")
    assert re.search(problem, str(error.value)), str(error.value)
