"""Deputies' meetings with voters (SOURCES.md §1.4): the JSON API and the page that
renders it in the browser.

With `"activities_api": "browser-only"` in the dataset, the API answers 403 unless
the request carries the cookie the page's script sets (`ng_session=<challenge>.
<FNV-1a of the challenge in hex>`), as a site behind bot protection does; the
page itself is always served.
"""

import hashlib

from aiohttp import web

from replica import params
from replica.activities_page import render_shell
from replica.http import add_get, json_response
from replica.mazhilis import NOT_FOUND

COOKIE = "ng_session"
ACCESS_DENIED = {"detail": "Access denied: enable JavaScript"}
PER_PAGE = 12
# Every item is a meeting (with voters or citizens at a reception); another type
# (the site's news, speeches) selects nothing here.
MEETING = "meeting"


def fnv1a(text: str) -> str:
    """32-bit FNV-1a of `text`, as 8 hex digits (what the page's script computes)."""
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def challenge_of(seed: int) -> str:
    """The page's challenge, fixed by the dataset's seed."""
    return hashlib.sha256(f"{seed}|{COOKIE}".encode()).hexdigest()[:16]


class ActivitiesApi:
    """Serves each deputy's activities, newest first, and the page showing them."""

    def __init__(self, dataset: dict) -> None:
        self.deputy_ids = {d["kk"]["id"] for d in dataset["deputies"]}
        self.activities = {
            int(key): sorted(items, key=lambda a: (a["date"], a["id"]), reverse=True)
            for key, items in dataset["activities"].items()
        }
        self.browser_only = dataset["activities_api"] == "browser-only"
        self.count_errors = {
            int(deputy): error
            for deputy, error in dataset["count_errors"].get("activities", {}).items()
        }
        self.challenge = challenge_of(dataset["seed"])
        self.token = f"{self.challenge}.{fnv1a(self.challenge)}"

    async def list_activities(self, request: web.Request) -> web.Response:
        """GET /api/core/deputies/<id>/activities/?type=meeting&limit=&offset=."""
        if self.browser_only and request.cookies.get(COOKIE) != self.token:
            return json_response(ACCESS_DENIED, status=403)
        deputy_id = int(request.match_info["deputy_id"])
        if deputy_id not in self.deputy_ids:
            return json_response(NOT_FOUND, status=404)
        items = self.activities.get(deputy_id, [])
        if params.text(request.query, "type") not in (None, MEETING):
            items = []
        try:
            page = params.page(items, request.query)
        except params.QueryError as error:
            return json_response({"detail": str(error)}, status=400)
        page["count"] += self.count_errors.get(deputy_id, 0)
        return json_response(page)

    async def page(self, request: web.Request) -> web.Response:
        """GET /ru/deputies/<id>/activities?page=N (and /kk/...): the app's shell."""
        page = request.query.get("page", "")
        html = render_shell(
            request.match_info["language"],
            int(request.match_info["deputy_id"]),
            # The app takes a page number it cannot use for the first page.
            max(1, int(page)) if params.DIGITS.fullmatch(page) else 1,
            PER_PAGE,
            self.challenge,
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")


def add_routes(app: web.Application, dataset: dict) -> None:
    """Route the activities API and page, each with and without its final slash."""
    api = ActivitiesApi(dataset)
    add_get(app, r"/api/core/deputies/{deputy_id:\d+}/activities/", api.list_activities)
    add_get(app, r"/{language:ru|kk}/deputies/{deputy_id:\d+}/activities", api.page)
