"""What every source's routes share: JSON responses, languages, optional slashes."""

import functools
import json

from aiohttp import web
from aiohttp.typedefs import Handler

_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(
    data: object, status: int = 200, language: str | None = None
) -> web.Response:
    """UTF-8 JSON; with a language, the headers of a page that depends on it."""
    response = web.json_response(data, status=status, dumps=_dumps)
    if language is not None:
        response.headers["Content-Language"] = language
        response.headers["Vary"] = "Accept-Language"
    return response


def request_language(request: web.Request) -> str:
    """The page's language: Russian when Accept-Language starts with a Russian tag
    ("ru", "ru-RU,ru;q=0.9"), else Kazakh, the site's default."""
    first = request.headers.get("Accept-Language", "").split(",")[0]
    tag = first.split(";")[0].strip().lower()
    return "ru" if tag.split("-")[0] == "ru" else "kk"


def add_get(app: web.Application, path: str, handler: Handler) -> None:
    """Route GET `path` with and without its trailing slash."""
    app.router.add_get(path.rstrip("/"), handler)
    app.router.add_get(path.rstrip("/") + "/", handler)
