"""Instagram profiles (SOURCES.md §3), under /instagram.

- `/<username>/`: the page rendered by script (instagram_page.py);
- `/api/v1/users/web_profile_info/?username=<u>`: the profile and its first 12
  posts (400 without the header `x-ig-app-id: 936619743392459`), nodes shaped as
  in the sample `instagram/web_profile_info.json`;
- `/graphql/query?doc_id=7898261790222653&variables={"username", "after",
  "first"}`: the next posts as v1 media objects (the sample
  `instagram/timeline_graphql.json`), 401 without the `sessionid` a login set;
- `/p/<shortcode>/`: a post; `/accounts/login/`: the login form.

A profile with more than 12 posts has its oldest post pinned: it comes first, before
the newest (SOURCES.md §3), marked in the timeline by `timeline_pinned_user_ids`
and in `web_profile_info` by its place alone. What a session or visitor may be
met with instead (401, 403 and 429 answers, a checkpoint) is faults.py's.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from html import escape

from aiohttp import web

from replica.http import add_get, json_response
from replica.instagram_page import render_shell
from replica.logins import LoginForm, session_cookie, token

PREFIX = "/instagram"
APP_ID = "936619743392459"
DOC_ID = "7898261790222653"
CONNECTION = "xdt_api__v1__feed__user_timeline_graphql_connection"
PER_PAGE = 12
COOKIE = "sessionid"
PLEASE_WAIT = {
    "message": "Please wait a few minutes before you try again.",
    "status": "fail",
}
# Without the app id header the API answers as to a foreign client.
USERAGENT_MISMATCH = {"message": "useragent mismatch", "status": "fail"}
USER_NOT_FOUND = {"message": "User not found", "status": "fail"}
BAD_QUERY = {"message": "Invalid query", "status": "fail"}
NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><body><h2>Sorry, this page isn't available.</h2>"
    "</body></html>"
)
POST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{full_name} on Instagram</title></head>
<body>
<main role="main">
  <article>
    <header><a href="{prefix}/{username}/">{username}</a></header>
    <img src="{display_url}" alt="">
    <h1 dir="auto">{caption}</h1>
    <time datetime="{time}">{time}</time>
  </article>
</main>
</body>
</html>
"""
HOME = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Instagram</title>'
    '</head><body><main role="main"><h1>Instagram</h1></main></body></html>'
)


def cursor_of(offset: int) -> str:
    """The cursor of the posts from `offset` on, as the sample's
    "QVFDX2N1cnNvcl8xMg==" ("AQC_cursor_12")."""
    return base64.b64encode(f"AQC_cursor_{offset}".encode()).decode()


def offset_of(cursor: str) -> int | None:
    """The offset a cursor stands for, None if it is not one of ours."""
    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    number = text.removeprefix("AQC_cursor_")
    return int(number) if number != text and number.isdigit() else None


def user_pk(username: str) -> str:
    """The profile's numeric id, as the API gives it: "48211937702"."""
    return str(int(token(0, "instagram-user", username)[:12], 16))


def node(post: dict) -> dict:
    """A post as web_profile_info gives it (the sample's node, `truth` left
    out)."""
    caption = post["caption"]
    return {
        "__typename": "GraphImage",
        "id": post["id"],
        "shortcode": post["shortcode"],
        "taken_at_timestamp": post["taken_at_timestamp"],
        "display_url": post["display_url"],
        "is_video": False,
        "edge_media_to_caption": {
            "edges": [] if caption is None else [{"node": {"text": caption}}]
        },
    }


def _candidates(url: str, width: int, height: int) -> dict:
    return {"candidates": [{"url": url, "width": width, "height": height}]}


def media(post: dict, username: str, pinned: bool) -> dict:
    """A post as a timeline page gives it: a v1 media object (the sample's
    node). Every fifth post is an album of two pictures, every fifth after it a
    reel, the others pictures."""
    pk, owner = post["id"], user_pk(username)
    caption = post["caption"]
    kind = int(pk) % 5
    item = {
        "code": post["shortcode"],
        "pk": pk,
        "id": f"{pk}_{owner}",
        "media_type": {0: 8, 1: 2}.get(kind, 1),
        "product_type": {0: "carousel_container", 1: "clips"}.get(kind, "feed"),
        "taken_at": post["taken_at_timestamp"],
        "caption": None
        if caption is None
        else {"text": caption, "created_at": post["taken_at_timestamp"]},
        "like_count": int(pk) % 997,
        "comment_count": int(pk) % 61,
        "image_versions2": _candidates(post["display_url"], 1080, 1350),
        "user": {"pk": owner, "username": username},
    }
    if pinned:
        item["timeline_pinned_user_ids"] = [owner]
    if kind == 0:
        second = post["display_url"].replace(".jpg", "_2.jpg")
        item["carousel_media"] = [
            {
                "pk": f"{pk}{n}",
                "media_type": 1,
                "image_versions2": _candidates(u, 1080, 1080),
            }
            for n, u in enumerate((post["display_url"], second), start=1)
        ]
    elif kind == 1:
        video = post["display_url"].replace("/t51/", "/t50/").replace(".jpg", ".mp4")
        item["video_versions"] = [{"url": video, "width": 720, "height": 1280}]
    return item


def timeline_order(posts: list[dict]) -> list[dict]:
    """A profile's posts as it shows them: newest first, but with more than one
    page of them the oldest pinned at the top."""
    newest_first = sorted(
        posts, key=lambda p: (p["taken_at_timestamp"], p["id"]), reverse=True
    )
    if len(newest_first) > PER_PAGE:
        return [newest_first[-1], *newest_first[:-1]]
    return newest_first


def pinned_post(posts: list[dict]) -> dict | None:
    """The post a profile pinned, if any."""
    return timeline_order(posts)[0] if len(posts) > PER_PAGE else None


class InstagramSite:
    """Serves the dataset's Instagram accounts, newest posts first."""

    def __init__(self, dataset: dict) -> None:
        self.accounts = {
            username: {
                **account,
                "posts": timeline_order(account["posts"]),
                "pinned": pinned_post(account["posts"]),
            }
            for username, account in dataset["instagram"].items()
        }
        self.by_shortcode = {
            post["shortcode"]: (username, post)
            for username, account in self.accounts.items()
            for post in account["posts"]
        }
        login = dataset["logins"].get("instagram")
        self.session = (
            token(dataset["seed"], "instagram", login["username"]) if login else None
        )
        self.login = LoginForm(
            site="Instagram",
            action=f"{PREFIX}/accounts/login/",
            user_field="username",
            password_field="password",
            account=login,
            cookies={COOKIE: self.session} if login else {},
            path=PREFIX,
            error="Sorry, your password was incorrect. Please double-check your "
            "password.",
        )

    def connection(self, username: str, offset: int, timeline: bool) -> dict:
        """`{"count", "page_info", "edges"}` of the 12 posts from `offset`, as
        web_profile_info gives them or as a `timeline` page does."""
        account = self.accounts[username]
        posts = account["posts"]
        page = posts[offset : offset + PER_PAGE]
        end = offset + len(page)
        return {
            "count": len(posts),
            "page_info": {
                "has_next_page": end < len(posts),
                "end_cursor": cursor_of(end),
            },
            "edges": [
                {
                    "node": media(post, username, post is account["pinned"])
                    if timeline
                    else node(post)
                }
                for post in page
            ],
        }

    async def profile_info(self, request: web.Request) -> web.Response:
        """GET /api/v1/users/web_profile_info/?username=<u>."""
        if request.headers.get("x-ig-app-id") != APP_ID:
            return json_response(USERAGENT_MISMATCH, status=400)
        username = request.query.get("username", "")
        account = self.accounts.get(username)
        if account is None:
            return json_response(USER_NOT_FOUND, status=404)
        user = {
            "id": user_pk(username),
            "username": username,
            "full_name": account["full_name"],
            "biography": "Мәжіліс депутаты",
            "is_private": False,
            "edge_owner_to_timeline_media": self.connection(username, 0, False),
        }
        return json_response({"data": {"user": user}, "status": "ok"})

    async def graphql(self, request: web.Request) -> web.Response:
        """GET /graphql/query?doc_id=...&variables=<JSON>: the next posts."""
        if self.session is None or session_cookie(request, COOKIE) != self.session:
            return json_response(PLEASE_WAIT, status=401)
        try:
            variables = json.loads(request.query.get("variables", ""))
            username, after = variables["username"], variables["after"]
        except (ValueError, TypeError, KeyError):
            return json_response(BAD_QUERY, status=400)
        offset = offset_of(after) if isinstance(after, str) else None
        if request.query.get("doc_id") != DOC_ID or offset is None:
            return json_response(BAD_QUERY, status=400)
        if username not in self.accounts:
            return json_response(USER_NOT_FOUND, status=404)
        connection = self.connection(username, offset, True)
        del connection["count"]
        return json_response({"data": {CONNECTION: connection}, "status": "ok"})

    async def profile(self, request: web.Request) -> web.Response:
        """GET /<username>/: the page that renders the profile by script."""
        username = request.match_info["username"]
        if username not in self.accounts:
            return web.Response(
                status=404, text=NOT_FOUND_PAGE, content_type="text/html"
            )
        config = {
            "username": username,
            "prefix": PREFIX,
            "appId": APP_ID,
            "docId": DOC_ID,
            "perPage": PER_PAGE,
            "connection": CONNECTION,
        }
        return web.Response(
            text=render_shell(config), content_type="text/html", charset="utf-8"
        )

    async def post(self, request: web.Request) -> web.Response:
        """GET /p/<shortcode>/: one post."""
        found = self.by_shortcode.get(request.match_info["shortcode"])
        if found is None:
            return web.Response(
                status=404, text=NOT_FOUND_PAGE, content_type="text/html"
            )
        username, post = found
        moment = datetime.fromtimestamp(post["taken_at_timestamp"], UTC)
        html = POST_PAGE.format(
            prefix=PREFIX,
            username=username,
            full_name=escape(self.accounts[username]["full_name"]),
            display_url=escape(post["display_url"]),
            caption=escape(post["caption"] or ""),
            time=moment.isoformat(),
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def home(self, request: web.Request) -> web.Response:
        """GET /: where a login leads."""
        return web.Response(text=HOME, content_type="text/html", charset="utf-8")


def add_routes(app: web.Application, dataset: dict) -> None:
    """Mount the accounts under /instagram."""
    site = InstagramSite(dataset)
    instagram = web.Application()
    instagram.router.add_get("/", site.home)
    add_get(instagram, "/api/v1/users/web_profile_info/", site.profile_info)
    add_get(instagram, "/graphql/query", site.graphql)
    add_get(instagram, "/accounts/login/", site.login.show)
    instagram.router.add_post("/accounts/login/", site.login.submit)
    add_get(instagram, "/p/{shortcode}/", site.post)
    add_get(instagram, "/{username}/", site.profile)
    app.add_subapp(PREFIX, instagram)
