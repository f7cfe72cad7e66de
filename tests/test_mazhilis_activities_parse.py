"""Activities from the JSON sample and from the rendered page sample, unchanged
(SOURCES.md §1.4): the same records either way."""

import json
from datetime import date

import pytest

from records import activity_item
from scrapers.mazhilis_rendered_activities_page import (
    LayoutError,
    parse_activities_page,
)
from spiders.mazhilis_activities_page import parse_activity


@pytest.fixture(scope="module")
def from_api(samples):
    payload = json.loads(
        (samples / "mazhilis" / "deputy_activities.json").read_text("utf-8")
    )
    return [parse_activity(obj, 71) for obj in payload["result"]]


@pytest.fixture(scope="module")
def page(samples):
    html = (samples / "mazhilis" / "deputy_activities.rendered.html").read_text("utf-8")
    return parse_activities_page(html)


@pytest.fixture(scope="module")
def from_page(page):
    return [
        activity_item(a.id, 71, a.date, a.title, a.text, a.place, a.url, "page")
        for a in page.activities
    ]


def test_api_activity_fields(from_api):
    first = from_api[0]
    assert first.mazhilis_id == 900311
    assert first.activity_date == date(2023, 7, 5)
    assert first.title == "Встреча с жителями Бокейординского района"
    assert (
        first.place == "Западно-Казахстанская область, Бокейординский район, с. Сайхин"
    )
    assert first.text.startswith("Депутат Мажилиса Абзал Куспан провел встречу")
    assert first.url == "/ru/deputies/71/activities/900311"
    assert first.fetched_via == "api"


def test_rendered_page_gives_the_same_records_as_the_api(from_api, from_page):
    assert [a.mazhilis_id for a in from_page] == [900311, 900298]
    for api, rendered in zip(from_api, from_page, strict=True):
        assert (api.activity_date, api.title, api.text, api.place, api.url) == (
            rendered.activity_date,
            rendered.title,
            rendered.text,
            rendered.place,
            rendered.url,
        )
        assert api.item_hash == rendered.item_hash


def test_rendered_page_date_is_read_from_day_month_year(page):
    assert page.activities[1].date == date(2023, 6, 21)


def test_rendered_page_header_and_next_page(page):
    assert page.deputy_name == "Куспан Абзал Темиргалиулы"
    assert page.district.startswith("Избирательный округ № 14")
    assert page.next_url == "/ru/deputies/71/activities?page=2"


def test_the_unrendered_shell_is_a_layout_error():
    shell = '<html><body><app-root ng-version="16"></app-root></body></html>'
    with pytest.raises(LayoutError, match="app-deputy-activities"):
        parse_activities_page(shell)


def test_a_card_without_title_costs_itself_not_its_page(samples):
    html = (samples / "mazhilis" / "deputy_activities.rendered.html").read_text("utf-8")
    broken = parse_activities_page(
        html.replace('class="activity-card__title"', 'class="x"', 1)
    )
    whole = parse_activities_page(html)
    assert broken.activities == whole.activities[1:]
    [odd] = broken.unreadable
    assert odd.record == f"activity {whole.activities[0].id}"
    assert "activity-card__title" in odd.reason
