"""The AMANAT party's site (SOURCES.md §5), under /amanat.

`/amanat/ru/news?page=N` lists the news newest first, 10 a page, with a link to
the next page; `/amanat/ru/news/<slug>` is one item; `/amanat/ru/program` the
election programme's ten theses. The markup is the samples' (`amanat/`).
"""

from html import escape

from aiohttp import web

PREFIX = "/amanat"
PER_PAGE = 10
MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
    "сентября", "октября", "ноября", "декабря",
)  # fmt: skip

PAGE = """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>{title} — партия AMANAT</title></head>
<body>
<main>
{main}
</main>
</body>
</html>
"""
LIST_ITEM = """    <article class="news-item">
      <a class="news-item__link" href="{prefix}/ru/news/{slug}">
        <time datetime="{date}">{shown}</time>
        <h3 class="news-item__title">{title}</h3>
      </a>
    </article>
"""
NEXT = (
    '  <nav class="pagination"><a class="pagination__next" '
    'href="{prefix}/ru/news?page={page}">Следующая</a></nav>\n'
)
ARTICLE = """  <article class="news">
    <h1>{title}</h1>
    <time datetime="{date}">{shown}</time>
    <div class="news__body">
{paragraphs}    </div>
  </article>"""
NOT_FOUND = "<!DOCTYPE html><html><body><h1>Страница не найдена</h1></body></html>"


def shown_date(moment: str) -> str:
    """ "2025-03-12T10:00:00+05:00" -> "12 марта 2025"."""
    year, month, day = int(moment[:4]), int(moment[5:7]), int(moment[8:10])
    return f"{day} {MONTHS[month - 1]} {year}"


def _html(title: str, main: str) -> web.Response:
    text = PAGE.format(title=escape(title), main=main)
    return web.Response(text=text, content_type="text/html", charset="utf-8")


class AmanatSite:
    """Serves the dataset's party news and programme."""

    def __init__(self, dataset: dict) -> None:
        amanat = dataset["amanat"]
        self.news = sorted(
            amanat.get("news", []), key=lambda n: (n["date"], n["slug"]), reverse=True
        )
        self.by_slug = {item["slug"]: item for item in self.news}
        self.program = sorted(amanat.get("program", []), key=lambda t: t["number"])

    async def news_list(self, request: web.Request) -> web.Response:
        """GET /ru/news?page=N (N from 1; a page past the end is empty)."""
        page = request.query.get("page", "1")
        number = int(page) if page.isdigit() and int(page) > 0 else 1
        start = (number - 1) * PER_PAGE
        shown = self.news[start : start + PER_PAGE]
        items = "".join(
            LIST_ITEM.format(
                prefix=PREFIX,
                slug=item["slug"],
                date=item["date"],
                shown=shown_date(item["date"]),
                title=escape(item["title"]),
            )
            for item in shown
        )
        more = start + PER_PAGE < len(self.news)
        main = f'  <div class="news-list">\n{items}  </div>\n'
        if more:
            main += NEXT.format(prefix=PREFIX, page=number + 1)
        return _html("Новости", main)

    async def news_item(self, request: web.Request) -> web.Response:
        """GET /ru/news/<slug>."""
        item = self.by_slug.get(request.match_info["slug"])
        if item is None:
            raise web.HTTPNotFound(text=NOT_FOUND, content_type="text/html")
        paragraphs = "".join(
            f"      <p>{escape(text)}</p>\n" for text in item["paragraphs"]
        )
        main = ARTICLE.format(
            title=escape(item["title"]),
            date=item["date"],
            shown=shown_date(item["date"]),
            paragraphs=paragraphs,
        )
        return _html(item["title"], main)

    async def program_page(self, request: web.Request) -> web.Response:
        """GET /ru/program: the ten theses as `ol.program > li`."""
        theses = "".join(
            f'    <li data-thesis="{t["number"]}">{escape(t["text"])}</li>\n'
            for t in self.program
        )
        main = (
            "  <h1>Предвыборная программа 2023</h1>\n"
            f'  <ol class="program">\n{theses}  </ol>'
        )
        return _html("Предвыборная программа", main)


def add_routes(app: web.Application, dataset: dict) -> None:
    """Mount the party's site under /amanat."""
    site = AmanatSite(dataset)
    amanat = web.Application()
    amanat.router.add_get("/ru/news", site.news_list)
    amanat.router.add_get("/ru/news/{slug}", site.news_item)
    amanat.router.add_get("/ru/program", site.program_page)
    app.add_subapp(PREFIX, amanat)
