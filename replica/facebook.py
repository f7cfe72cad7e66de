"""Facebook pages (SOURCES.md §4), under /facebook.

- `/<page>`: the feed rendered by script (facebook_page.py), newest first;
- `POST /api/graphql/` with `variables={"page", "cursor", "count"}`: the next
  posts, 401 without the `c_user` a login set;
- `/<page>/posts/<id>`: a post; `/login/`: the login form (`email`, `pass`).

How many posts an anonymous visitor sees before the login wall varies by page,
5 to 10 (`first_posts`); one page in five (`redirects_anonymous`) sends a visitor
without a session straight to `/login/?next=<the page's URL>` instead
(SOURCES.md §4). What a session may be met with instead (an unsupported-browser
page, an identity check) is faults.py's.
"""

import json
from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from aiohttp import web

from replica.facebook_page import render_shell
from replica.http import add_get, json_response, request_language
from replica.logins import LoginForm, session_cookie, token

PREFIX = "/facebook"
# The posts a page carries before any scroll: FIRST_POSTS to MAX_FIRST_POSTS.
FIRST_POSTS = 5
MAX_FIRST_POSTS = 10
MAX_POSTS = 10
NOT_LOGGED_IN = {"error": 1357001, "errorSummary": "You must log in to continue"}
BAD_QUERY = {"error": 1357004, "errorSummary": "Invalid request"}
NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><body><h2>This content isn't available right now</h2>"
    "</body></html>"
)
POST_PAGE = """<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>{name} | Facebook</title></head>
<body>
<div role="main">
  <div role="article">
    <div class="x1y332i5"><a href="{prefix}/{page}"><strong><span>{name}</span></strong></a></div>
    <a class="x1i10hfl" href="{prefix}/{page}/posts/{id}"><abbr data-utime="{utime}" title="{time}">{time}</abbr></a>
    <div data-ad-preview="message"><div dir="auto">{text}</div></div>
  </div>
</div>
</body>
</html>
"""  # noqa: E501
HOME = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Facebook</title>'
    '</head><body><div role="main"><h1>Facebook</h1></div></body></html>'
)


def _share(seed: int, *parts: str) -> int:
    return int(token(seed, *parts)[:8], 16)


def first_posts(seed: int, page: str) -> int:
    """How many posts `page` shows before anyone scrolls (and an anonymous
    visitor at all): 5 to 10."""
    spread = MAX_FIRST_POSTS - FIRST_POSTS + 1
    return FIRST_POSTS + _share(seed, "facebook-first-posts", page) % spread


def redirects_anonymous(seed: int, page: str) -> bool:
    """Whether `page` sends a visitor without a session to the login form."""
    return _share(seed, "facebook-login-redirect", page) % 5 == 0


class FacebookSite:
    """Serves the dataset's Facebook pages, newest posts first."""

    def __init__(self, dataset: dict) -> None:
        self.pages = {
            page: {
                **account,
                "posts": sorted(
                    account["posts"], key=lambda p: (p["utime"], p["id"]), reverse=True
                ),
            }
            for page, account in dataset["facebook"].items()
        }
        self.seed = dataset["seed"]
        login = dataset["logins"].get("facebook")
        self.user = None
        cookies = {}
        if login:
            seed = dataset["seed"]
            # c_user is the account's numeric id, xs its session: "100089...".
            self.user = str(10**14 + int(token(seed, "facebook", "c_user")[:10], 16))
            cookies = {"c_user": self.user, "xs": token(seed, "facebook", "xs")}
        self.login = LoginForm(
            site="Facebook",
            action=f"{PREFIX}/login/",
            user_field="email",
            password_field="pass",
            account=login,
            cookies=cookies,
            path=PREFIX,
            error="The password that you've entered is incorrect.",
        )

    def posts(self, page: str, offset: int, count: int) -> dict:
        """`{"posts", "has_next_page", "end_cursor"}` from `offset` on."""
        posts = self.pages[page]["posts"]
        chosen = posts[offset : offset + count]
        return {
            "posts": [
                {
                    "id": post["id"],
                    "utime": post["utime"],
                    "text": post["text"],
                    "url": f"{PREFIX}/{page}/posts/{post['id']}",
                }
                for post in chosen
            ],
            "has_next_page": offset + len(chosen) < len(posts),
            "end_cursor": str(offset + len(chosen)),
        }

    async def feed(self, request: web.Request) -> web.Response:
        """GET /<page>: the page that renders the feed by script."""
        page = request.match_info["page"]
        account = self.pages.get(page)
        if account is None:
            return web.Response(
                status=404, text=NOT_FOUND_PAGE, content_type="text/html"
            )
        logged_in = self.logged_in(request)
        if not logged_in and redirects_anonymous(self.seed, page):
            # Encoded as Facebook does: "/login/?next=https%3A%2F%2Fwww...".
            login = f"{PREFIX}/login/?next={quote(str(request.url), safe='')}"
            return web.Response(status=302, headers={"Location": login})
        first = self.posts(page, 0, first_posts(self.seed, page))
        config = {
            "language": "ru" if request_language(request) == "ru" else "en",
            "page": page,
            "name": account["name"],
            "pageUrl": f"{PREFIX}/{page}",
            "api": f"{PREFIX}/api/graphql/",
            "posts": first["posts"],
            "cursor": first["end_cursor"],
            "hasNext": first["has_next_page"],
        }
        html = render_shell(config, self.login.action)
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    def logged_in(self, request: web.Request) -> bool:
        """Whether the request carries the session a login set."""
        return self.user is not None and session_cookie(request, "c_user") == self.user

    async def graphql(self, request: web.Request) -> web.Response:
        """POST /api/graphql/: more posts of a page, for a logged-in browser."""
        if not self.logged_in(request):
            return json_response(NOT_LOGGED_IN, status=401)
        form = await request.post()
        try:
            variables = json.loads(str(form.get("variables", "")))
            page, cursor = variables["page"], variables["cursor"]
            count = min(int(variables.get("count", FIRST_POSTS)), MAX_POSTS)
        except (ValueError, TypeError, KeyError, AttributeError):
            return json_response(BAD_QUERY, status=400)
        if page not in self.pages or not str(cursor).isdigit() or count < 1:
            return json_response(BAD_QUERY, status=400)
        return json_response({"data": self.posts(page, int(cursor), count)})

    async def post(self, request: web.Request) -> web.Response:
        """GET /<page>/posts/<id>: one post, its whole text."""
        page = request.match_info["page"]
        posts = self.pages.get(page, {"posts": []})["posts"]
        post = next((p for p in posts if p["id"] == request.match_info["id"]), None)
        if post is None:
            return web.Response(
                status=404, text=NOT_FOUND_PAGE, content_type="text/html"
            )
        moment = datetime.fromtimestamp(post["utime"], UTC)
        html = POST_PAGE.format(
            prefix=PREFIX,
            page=page,
            name=escape(self.pages[page]["name"]),
            id=post["id"],
            utime=post["utime"],
            time=moment.isoformat(),
            text=escape(post["text"]),
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def home(self, request: web.Request) -> web.Response:
        """GET /: where a login leads."""
        return web.Response(text=HOME, content_type="text/html", charset="utf-8")


def add_routes(app: web.Application, dataset: dict) -> None:
    """Mount the pages under /facebook."""
    site = FacebookSite(dataset)
    facebook = web.Application()
    facebook.router.add_get("/", site.home)
    add_get(facebook, "/login/", site.login.show)
    facebook.router.add_post("/login/", site.login.submit)
    facebook.router.add_post("/api/graphql/", site.graphql)
    add_get(facebook, "/{page}/posts/{id}", site.post)
    add_get(facebook, "/{page}", site.feed)
    app.add_subapp(PREFIX, facebook)
