"""The page /instagram/<username>/: a shell whose script renders the profile.

The script fetches `web_profile_info` (with the app id header) and renders the
first posts as `article a[href="/instagram/p/<shortcode>/"]`; each time the page is
scrolled to the bottom it fetches the next 12 from `/instagram/graphql/query`,
whose nodes are v1 media objects (`code`, `caption.text`, `image_versions2`). A
401 there (no session) shows the login wall, `div[role=dialog]` with "Log in", and
nothing more loads.
"""

import json

SCRIPT = """
(() => {
  const config = __CONFIG__;
  const feed = document.querySelector("div.posts");
  let cursor = null;
  let more = false;
  let loading = false;
  // A web_profile_info node, or a timeline page's v1 media object.
  function article(node) {
    const box = document.createElement("article");
    const link = document.createElement("a");
    const image = document.createElement("img");
    if ("code" in node) {
      link.href = config.prefix + "/p/" + node.code + "/";
      image.alt = node.caption ? node.caption.text : "";
      image.src = node.image_versions2.candidates[0].url;
    } else {
      const captions = node.edge_media_to_caption.edges;
      link.href = config.prefix + "/p/" + node.shortcode + "/";
      image.alt = captions.length ? captions[0].node.text : "";
      image.src = node.display_url;
    }
    link.append(image);
    box.append(link);
    return box;
  }
  function add(connection) {
    feed.append(...connection.edges.map((edge) => article(edge.node)));
    cursor = connection.page_info.end_cursor;
    more = connection.page_info.has_next_page;
  }
  function wall() {
    const dialog = document.createElement("div");
    dialog.setAttribute("role", "dialog");
    dialog.className = "login-wall";
    const title = document.createElement("h2");
    title.textContent = "Log in to see more from " + config.username;
    const link = document.createElement("a");
    link.href = config.prefix + "/accounts/login/";
    link.textContent = "Log in";
    dialog.append(title, link);
    document.body.append(dialog);
  }
  async function first() {
    const response = await fetch(config.prefix +
      "/api/v1/users/web_profile_info/?username=" +
      encodeURIComponent(config.username),
      {headers: {"x-ig-app-id": config.appId}, credentials: "same-origin"});
    if (response.status === 401 || response.status === 403) {
      wall();
      return;
    }
    if (!response.ok) return;
    const user = (await response.json()).data.user;
    document.querySelector("header h2").textContent = user.username;
    document.querySelector("header .full-name").textContent = user.full_name;
    add(user.edge_owner_to_timeline_media);
  }
  async function next() {
    if (!more || loading) return;
    loading = true;
    const variables = JSON.stringify(
      {username: config.username, after: cursor, first: config.perPage});
    const response = await fetch(config.prefix + "/graphql/query?doc_id=" +
      config.docId + "&variables=" + encodeURIComponent(variables),
      {credentials: "same-origin"});
    if (response.status === 401) {
      more = false;
      wall();
    } else if (response.ok) {
      add((await response.json()).data[config.connection]);
    }
    loading = false;
  }
  window.addEventListener("scroll", () => {
    const bottom = window.innerHeight + window.scrollY;
    if (bottom >= document.documentElement.scrollHeight - 200) next();
  });
  first();
})();
"""

SHELL = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Instagram</title>
<style>
article { height: 320px; }
article img { width: 300px; height: 300px; }
.login-wall { position: fixed; inset: 0; background: rgba(0, 0, 0, 0.65); }
</style>
</head>
<body>
<main role="main">
  <header><h2></h2><span class="full-name"></span></header>
  <div class="posts"></div>
</main>
<script>__SCRIPT__</script>
</body>
</html>
"""


def render_shell(config: dict) -> str:
    """The page as served, before its script runs."""
    # "<" escaped so that no value can close the script element.
    data = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return SHELL.replace("__SCRIPT__", SCRIPT.replace("__CONFIG__", data))
