"""The page /facebook/<page>: a shell whose script renders the feed
(the DOM of facebook/page.rendered.html).

The page carries its newest 5 posts; each time it is scrolled to the bottom the
script asks /facebook/api/graphql/ for 5 more and appends them to
`div[role="feed"]`. Without a login that answers 401 and the script unhides the
login wall (`div[role=dialog]`). A text over 300 characters is cut, with a
`div[role=button]` ("Ещё" / "See more") that shows the whole text in place.
"""

import json
from html import escape

LABELS = {
    "ru": {
        "more": "Ещё",
        "months": [
            "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
            "августа", "сентября", "октября", "ноября", "декабря",
        ],
    },
    "en": {
        "more": "See more",
        "months": [
            "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December",
        ],
    },
}  # fmt: skip
LONG_TEXT = 300
CUT_AT = 250

SCRIPT = """
(() => {
  const config = __CONFIG__;
  const feed = document.querySelector('div[role="feed"]');
  let cursor = config.cursor;
  let more = config.hasNext;
  let loading = false;
  // Facebook shows the page's local time; Kazakhstan is at UTC+5.
  function labels(utime) {
    const local = new Date((utime + 5 * 3600) * 1000);
    const day = local.getUTCDate();
    const month = config.labels.months[local.getUTCMonth()];
    const year = local.getUTCFullYear();
    const hours = local.getUTCHours();
    const minutes = String(local.getUTCMinutes()).padStart(2, "0");
    if (config.language === "ru") {
      const date = day + " " + month + " " + year + " г.";
      return {short: day + " " + month, date: date,
        title: date + ", " + hours + ":" + minutes};
    }
    const date = month + " " + day + ", " + year;
    const clock = ((hours + 11) % 12 + 1) + ":" + minutes +
      (hours < 12 ? " AM" : " PM");
    return {short: month + " " + day, date: date, title: date + " at " + clock};
  }
  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function message(text) {
    const box = element("div", {"dir": "auto"});
    if (text.length <= config.longText) {
      box.textContent = text;
      return box;
    }
    let cut = text.lastIndexOf(" ", config.cutAt);
    if (cut < 1) cut = config.cutAt;
    box.textContent = text.slice(0, cut) + "… ";
    const button = element("div", {"role": "button", "tabindex": "0"},
      config.labels.more);
    button.addEventListener("click", () => { box.textContent = text; });
    box.append(button);
    return box;
  }
  function article(post) {
    const box = element("div", {"role": "article",
      "aria-posinset": String(feed.children.length + 1)});
    const author = element("div", {"class": "x1y332i5"});
    const home = element("a", {"href": config.pageUrl});
    const strong = element("strong", {});
    strong.append(element("span", {}, config.name));
    home.append(strong);
    author.append(home);
    const when = labels(post.utime);
    const link = element("a", {"class": "x1i10hfl", "href": post.url,
      "aria-label": when.date});
    link.append(element("abbr", {"data-utime": String(post.utime),
      "title": when.title}, when.short));
    const preview = element("div", {"data-ad-preview": "message"});
    preview.append(message(post.text));
    box.append(author, link, preview);
    return box;
  }
  function add(posts) {
    feed.append(...posts.map(article));
  }
  async function next() {
    if (!more || loading) return;
    loading = true;
    const body = new URLSearchParams({
      variables: JSON.stringify({page: config.page, cursor: cursor, count: 5}),
    });
    const response = await fetch(config.api, {method: "POST", body: body,
      credentials: "same-origin"});
    if (response.status === 401) {
      more = false;
      document.querySelector('div[role="dialog"]').removeAttribute("hidden");
    } else if (response.ok) {
      const data = (await response.json()).data;
      add(data.posts);
      cursor = data.end_cursor;
      more = data.has_next_page;
    }
    loading = false;
  }
  window.addEventListener("scroll", () => {
    const bottom = window.innerHeight + window.scrollY;
    if (bottom >= document.documentElement.scrollHeight - 200) next();
  });
  add(config.posts);
})();
"""

SHELL = """<!DOCTYPE html>
<html lang="__LANGUAGE__">
<head><meta charset="utf-8"><title>__TITLE__ | Facebook</title>
<style>
div[role="article"] { min-height: 360px; }
div[role="dialog"] { position: fixed; inset: 0; background: rgba(255, 255, 255, 0.9); }
</style>
</head>
<body>
<div id="mount_0_0_x1">
  <div role="main">
    <h1>__TITLE__</h1>
    <div role="feed"></div>
  </div>
  <div role="dialog" aria-label="Log in" hidden>
    <form action="__LOGIN__" method="post"><input name="email"><input name="pass" type="password"><button type="submit">Log in</button></form>
  </div>
</div>
<script>__SCRIPT__</script>
</body>
</html>
"""  # noqa: E501


def render_shell(config: dict, login: str) -> str:
    """The page as served, before its script runs; `config` gives the page and
    its first posts."""
    config = {
        **config,
        "labels": LABELS[config["language"]],
        "longText": LONG_TEXT,
        "cutAt": CUT_AT,
    }
    # "<" escaped so that no value can close the script element.
    data = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return (
        SHELL.replace("__LANGUAGE__", config["language"])
        .replace("__TITLE__", escape(config["name"]))
        .replace("__LOGIN__", login)
        .replace("__SCRIPT__", SCRIPT.replace("__CONFIG__", data))
    )
