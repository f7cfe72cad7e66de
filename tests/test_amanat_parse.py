"""The AMANAT site's parsers on the shared samples, unchanged (SOURCES.md §5)."""

from datetime import datetime, timedelta, timezone

import pytest

from crawl.selectors import LayoutError
from spiders.amanat import slug_of
from spiders.amanat_page import parse_news_article, parse_news_list, parse_program

ASTANA = timezone(timedelta(hours=5))


def sample(samples, name: str) -> str:
    return (samples / "amanat" / name).read_text("utf-8")


def test_news_list_items_with_link_time_and_title(samples):
    page = parse_news_list(sample(samples, "news_list.html"))
    assert [item.href for item in page.items] == [
        "/ru/news/kontrol-ispolneniya-predvybornoy-programmy-karaganda",
        "/ru/news/deputaty-fraktsii-vstretilis-s-izbiratelyami-pavlodar",
    ]
    assert page.items[1].published_at == datetime(2025, 3, 10, 15, 30, tzinfo=ASTANA)
    assert (
        page.items[1].title == "Депутаты фракции встретились с избирателями в Павлодаре"
    )


def test_a_news_item_without_its_title_costs_itself_not_the_page(samples):
    html = sample(samples, "news_list.html").replace(
        '<h3 class="news-item__title">Отчетность', '<h4 class="other">Отчетность', 1
    )
    page = parse_news_list(html)
    assert [item.href for item in page.items] == [
        "/ru/news/deputaty-fraktsii-vstretilis-s-izbiratelyami-pavlodar"
    ]
    [odd] = page.unreadable
    assert odd.record == "/ru/news/kontrol-ispolneniya-predvybornoy-programmy-karaganda"
    assert "h3.news-item__title" in odd.reason
    assert page.next_href == "/ru/news?page=2"


def test_news_list_links_to_the_next_page(samples):
    assert parse_news_list(sample(samples, "news_list.html")).next_href == (
        "/ru/news?page=2"
    )


def test_last_news_page_has_no_next_page(samples):
    html = sample(samples, "news_list.html").replace("pagination__next", "other")
    assert parse_news_list(html).next_href is None


def test_article_title_time_and_paragraphs(samples):
    article = parse_news_article(sample(samples, "news_article.html"))
    assert article.title.startswith("Отчетность по пунктам: партия усиливает")
    assert article.published_at == datetime(2025, 3, 12, 10, tzinfo=ASTANA)
    assert len(article.paragraphs) == 3
    assert "Карагандинской области: 24" in article.paragraphs[0]
    assert article.paragraphs[2].startswith("Председатель Комитета Павел Казанцев")
    assert article.text == "\n\n".join(article.paragraphs)


def test_programme_has_ten_numbered_theses(samples):
    theses = parse_program(sample(samples, "program.html"))
    assert [t.number for t in theses] == list(range(1, 11))
    assert theses[8].text == "Environmental protection"
    assert theses[9].text == (
        "Protection of citizens' rights and fight against corruption"
    )


def test_slug_is_the_last_part_of_the_path():
    assert slug_of("/ru/news/deputaty-pavlodar") == "deputaty-pavlodar"
    assert slug_of("http://127.0.0.1:1/amanat/ru/news/x-1/") == "x-1"


@pytest.mark.parametrize(
    ("parser", "html", "problem"),
    [
        (parse_news_list, "<html><body><main></main></body></html>", "news-list"),
        (
            parse_news_article,
            "<article class='news'><h1>T</h1><div class='news__body'>x</div></article>",
            "time",
        ),
        (
            parse_news_article,
            "<article class='news'><h1>T</h1><time datetime='2025-03-12'></time>"
            "<div class='news__body'><p>x</p></div></article>",
            "no time zone",
        ),
        (parse_program, "<ol class='program'></ol>", "no theses"),
        (parse_program, "<ol class='program'><li data-thesis='1'> </li></ol>", "text"),
    ],
)
def test_a_changed_layout_is_an_error_naming_what_is_missing(parser, html, problem):
    with pytest.raises(LayoutError, match=problem):
        parser(html)
