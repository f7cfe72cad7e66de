"""Telegram's public channel previews (SOURCES.md §2), under /telegram.

`/telegram/s/<channel>` is the preview in Telegram's markup (telegram/channel.html),
20 posts a page, oldest first on the page, `?before=<id>` for older ones. Links
stay under the prefix, except each post's date and an album's media, whose hrefs
name the real host (`https://t.me/<channel>/<id>`, `...?single`) as on the live
site.

An album is one post whose media are grouped, its text in a text div nested in
another (telegram/channel_album.html). A channel whose first posts were deleted
(`first_id` below its first post's) offers older posts on its oldest page, and
`?before=` that page's lowest id answers the header and an empty history
(telegram/channel_before_first.html), as does any `before` at or below the first
post. A post of markup "no-datetime" has a time without its datetime.
"""

import base64
import json
import re
from html import escape
from urllib.parse import quote

from aiohttp import web

from replica.post_data import FORWARD_SOURCES

PREFIX = "/telegram"
PER_PAGE = 20
FORWARD_CHANNELS = dict(FORWARD_SOURCES)
EMOJI = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff]")

PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{title} – Telegram</title>
<meta property="og:title" content="{title}">
<link rel="canonical" href="{prefix}/s/{channel}">{prev}
</head>
<body class="widget_frame_base tgme_webpage">
<header class="tgme_header">
  <div class="tgme_channel_info">
    <div class="tgme_channel_info_header">
      <div class="tgme_channel_info_header_title"><span dir="auto">{title}</span></div>
      <div class="tgme_channel_info_header_username"><a href="{prefix}/{channel}">@{channel}</a></div>
    </div>
    <div class="tgme_channel_info_description">{description}</div>
    <div class="tgme_channel_info_counters">
      <div class="tgme_channel_info_counter"><span class="counter_value">{subscribers}</span> <span class="counter_type">subscribers</span></div>
    </div>
  </div>
</header>
<main class="tgme_main">
<section class="tgme_channel_history js-message_history">
{more}{messages}
</section>
</main>
</body>
</html>
"""  # noqa: E501
MORE = (
    '  <div class="tme_messages_more js-messages_more" data-before="{before}">'
    '<a class="tme_messages_more js-messages_more" data-before="{before}" '
    'href="{prefix}/s/{channel}?before={before}"></a></div>\n'
)
MESSAGE = """
  <div class="tgme_widget_message_wrap js-widget_message_wrap">
    <div class="tgme_widget_message text_not_supported_wrap js-widget_message{service}" data-post="{channel}/{id}" data-view="{view}">{user}
      <div class="tgme_widget_message_bubble">{author}{forward}{photos}
        {text}
        <div class="tgme_widget_message_footer compact js-message_footer">
          <div class="tgme_widget_message_info short js-message_info">
            {views}<span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date" href="https://t.me/{channel}/{id}"><time{datetime} class="time">{time}</time></a></span>
          </div>
        </div>
      </div>
    </div>
  </div>
"""  # noqa: E501
USER = (
    '\n      <div class="tgme_widget_message_user"><a href="{prefix}/{channel}">'
    '<i class="tgme_widget_message_user_photo bgcolor2" data-content-len="1">'
    '<img src="https://cdn4.telesco.pe/file/avatar.jpg"></i></a></div>'
)
AUTHOR = (
    '\n        <div class="tgme_widget_message_author accent_color">'
    '<a class="tgme_widget_message_owner_name" href="{prefix}/{channel}">'
    '<span dir="auto">{title}</span></a></div>'
)
FORWARD = (
    '\n        <div class="tgme_widget_message_forwarded_from accent_color">'
    'Forwarded from <a class="tgme_widget_message_forwarded_from_name" '
    'href="{prefix}/{source}"><span dir="auto">{name}</span></a></div>'
)
PHOTO = (
    '\n        <a class="tgme_widget_message_photo_wrap" '
    'href="{prefix}/{channel}/{id}" '
    "style=\"width:800px;background-image:url('{url}')\">"
    '<div class="tgme_widget_message_photo" style="padding-top:75%"></div></a>'
)
TEXT = '<div class="tgme_widget_message_text js-message_text" dir="auto">{}</div>'
ALBUM = (
    '\n        <div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap" '
    'data-margin-w="2" data-margin-h="2" style="width:800px;">\n'
    '          <div class="tgme_widget_message_grouped js-message_grouped" '
    'style="padding-top:75%">\n'
    '            <div class="tgme_widget_message_grouped_layer '
    'js-message_grouped_layer" style="width:800px;height:600px">{media}\n'
    "            </div>\n          </div>\n        </div>"
)
ALBUM_PHOTO = (
    '\n              <a class="tgme_widget_message_photo_wrap grouped_media_wrap '
    'blured js-message_photo" style="width:398px;height:299px;'
    'background-image:url(\'{url}\')" data-ratio="1.33" '
    'href="https://t.me/{channel}/{id}?single"></a>'
)
ALBUM_VIDEO = (
    '\n              <a class="tgme_widget_message_video_player grouped_media_wrap '
    'blured js-message_video_player" style="width:398px;height:299px" '
    'href="https://t.me/{channel}/{id}?single"><i '
    'class="tgme_widget_message_video_thumb" style="background-image:url(\'{url}\')">'
    "</i></a>"
)
CHANNEL_PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Telegram: Contact @{channel}</title></head>
<body class="tgme_page_body">
<div class="tgme_page">
  <div class="tgme_page_title"><span dir="auto">{title}</span></div>
  <div class="tgme_page_extra">@{channel}</div>
  <div class="tgme_page_description">{description}</div>{preview}
</div>
</body>
</html>
"""
PREVIEW_LINK = (
    '\n  <div class="tgme_page_context_link_wrap"><a class="tgme_page_context_link" '
    'href="{prefix}/s/{channel}">Preview channel</a></div>'
)
NOT_FOUND = "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"


def views_text(count: int) -> str:
    """Telegram's short count: 987, "3.1K", "12.4K", "1.2M", "3M" (cut, not
    rounded)."""
    for size, unit in ((1_000_000, "M"), (1_000, "K")):
        if count >= size:
            tenths = count * 10 // size
            whole, tenth = divmod(tenths, 10)
            return (
                f"{whole}.{tenth}{unit}" if tenth and whole < 100 else f"{whole}{unit}"
            )
    return str(count)


def _emoji(match: re.Match[str]) -> str:
    """An emoji as Telegram draws it: 👉 -> an <i class="emoji"> with F09F9189.png."""
    code = match.group().encode().hex().upper()
    return (
        '<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/'
        f"{code}.png')\"><b>{match.group()}</b></i>"
    )


def message_html(post: dict) -> str:
    """The text with <br/> for line breaks, emoji and hashtag links (?q=%23tag)."""
    text = EMOJI.sub(_emoji, escape(post["text"], quote=False)).replace("\n", "<br/>")
    tags = " ".join(
        f'<a href="?q={quote("#" + tag, safe="")}">#{escape(tag)}</a>'
        for tag in post["hashtags"]
    )
    return f"{text}<br/>{tags}" if tags else text


def media_html(channel: str, post: dict) -> str:
    """The post's photos, each on its own, or its album: media grouped, each with
    its own id (the post's is the last medium's)."""
    album = post.get("album")
    if not album:
        return "".join(
            PHOTO.format(prefix=PREFIX, channel=channel, id=post["id"], url=escape(url))
            for url in post["photos"]
        )
    first = post["id"] - len(album) + 1
    return ALBUM.format(
        media="".join(
            (ALBUM_VIDEO if kind == "video" else ALBUM_PHOTO).format(
                channel=channel, id=first + i, url=escape(url)
            )
            for i, (kind, url) in enumerate(zip(album, post["photos"], strict=True))
        )
    )


def text_html(post: dict) -> str:
    """The text div; an album's sits in another, as on the live site."""
    text = TEXT.format(message_html(post))
    return TEXT.format(text) if post.get("album") else text


def render_message(channel: str, account: dict, post: dict, position: int) -> str:
    """One post in the preview's markup (a service message without author)."""
    names = {"prefix": PREFIX, "channel": channel, "title": escape(account["title"])}
    service, forward = post["service"], post["forwarded_from"]
    own = not service and forward is None
    forward_html = ""
    if forward is not None:
        source = FORWARD_CHANNELS.get(forward, "")
        forward_html = FORWARD.format(
            prefix=PREFIX, source=source, name=escape(forward)
        )
    views = ""
    if not service:
        views = (
            f'<span class="tgme_widget_message_views">{views_text(post["views"])}'
            '</span><span class="copyonly"> views</span>\n            '
        )
    view = base64.b64encode(
        json.dumps({"c": position}, separators=(",", ":")).encode()
    ).decode()
    return MESSAGE.format(
        **names,
        service=" service_message" if service else "",
        id=post["id"],
        view=view.rstrip("="),
        user=USER.format(**names) if own else "",
        author=AUTHOR.format(**names) if own else "",
        forward=forward_html,
        photos=media_html(channel, post),
        text=text_html(post),
        views=views,
        edited="edited " if post["edited"] else "",
        datetime=""
        if post.get("markup") == "no-datetime"
        else f' datetime="{post["date"]}"',
        time=post["date"][11:16],
    )


class TelegramSite:
    """Serves the dataset's channels: previews, single posts, channel pages."""

    def __init__(self, dataset: dict) -> None:
        self.channels = {
            name: {
                **account,
                "posts": sorted(account["posts"], key=lambda p: p["id"]),
                "first_id": account.get(
                    "first_id", min((p["id"] for p in account["posts"]), default=0)
                ),
            }
            for name, account in dataset["telegram"].items()
        }

    def _channel(self, request: web.Request) -> tuple[str, dict]:
        """The channel named in the path: 404 if unknown, to /telegram/<channel>
        (302) if it has no public preview."""
        name = request.match_info["channel"]
        account = self.channels.get(name)
        if account is None:
            raise web.HTTPNotFound(text=NOT_FOUND, content_type="text/html")
        if not account["public"]:
            raise web.HTTPFound(f"{PREFIX}/{name}")
        return name, account

    async def preview(self, request: web.Request) -> web.Response:
        """GET /s/<channel>?before=<id>: the 20 posts with ids just below `before`
        (the newest 20 without it), oldest first."""
        name, account = self._channel(request)
        posts = account["posts"]
        before = request.query.get("before", "")
        if before.isdigit():
            posts = [p for p in posts if p["id"] < int(before)]
        page = posts[-PER_PAGE:]
        lowest = page[0]["id"] if page else 0
        # Older posts, or deleted ones below the oldest (`first_id`).
        older = len(posts) > len(page) or lowest > account["first_id"]
        more = MORE.format(prefix=PREFIX, channel=name, before=lowest) if older else ""
        prev = (
            f'\n<link rel="prev" href="{PREFIX}/s/{name}?before={lowest}">'
            if older
            else ""
        )
        views = sorted(p["views"] for p in account["posts"] if not p["service"])
        audience = views[len(views) // 2] if views else 0
        html = PAGE.format(
            prefix=PREFIX,
            channel=name,
            title=escape(account["title"]),
            description=escape(account["description"]),
            subscribers=views_text(audience * 3),
            prev=prev,
            more=more,
            messages="".join(
                render_message(name, account, post, i)
                for i, post in enumerate(page, start=1)
            ),
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def post(self, request: web.Request) -> web.Response:
        """GET /<channel>/<id>: one post in the same markup."""
        name, account = self._channel(request)
        post_id = int(request.match_info["post_id"])
        post = next((p for p in account["posts"] if p["id"] == post_id), None)
        if post is None:
            raise web.HTTPNotFound(text=NOT_FOUND, content_type="text/html")
        html = PAGE.format(
            prefix=PREFIX,
            channel=name,
            title=escape(account["title"]),
            description=escape(account["description"]),
            subscribers="",
            prev="",
            more="",
            messages=render_message(name, account, post, 1),
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def channel_page(self, request: web.Request) -> web.Response:
        """GET /<channel>: the channel's card, without posts; a link to the preview
        when the channel has one."""
        name = request.match_info["channel"]
        account = self.channels.get(name)
        if account is None:
            raise web.HTTPNotFound(text=NOT_FOUND, content_type="text/html")
        preview = PREVIEW_LINK.format(prefix=PREFIX, channel=name)
        html = CHANNEL_PAGE.format(
            channel=name,
            title=escape(account["title"]),
            description=escape(account["description"]),
            preview=preview if account["public"] else "",
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")


def add_routes(app: web.Application, dataset: dict) -> None:
    """Mount the channels under /telegram."""
    site = TelegramSite(dataset)
    telegram = web.Application()
    telegram.router.add_get("/s/{channel}", site.preview)
    telegram.router.add_get(r"/{channel}/{post_id:\d+}", site.post)
    telegram.router.add_get("/{channel}", site.channel_page)
    app.add_subapp(PREFIX, telegram)
