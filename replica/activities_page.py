"""The page /<language>/deputies/<id>/activities: an Angular-like shell whose script
renders the deputy's activities (the DOM of deputy_activities.rendered.html).

The served HTML holds no activity: a moment after loading, the script sets the
`ng_session` cookie (the answer to the page's challenge, which the JSON API asks
for in browser-only mode), fetches the deputy and the page's activities and builds
the cards. On failure it renders `div.not-found` (unknown deputy) or
`div.load-error` instead.
"""

import json

TITLES = {
    "ru": "Мажилис Парламента Республики Казахстан",
    "kk": "Қазақстан Республикасы Парламентінің Мәжілісі",
}
LABELS = {
    "ru": {
        "district": "Избирательный округ № {number}, {name}",
        "next": "Далее",
        "notFound": "Депутат не найден",
        "error": "Не удалось загрузить данные",
    },
    "kk": {
        "district": "№ {number} сайлау округі, {name}",
        "next": "Келесі",
        "notFound": "Депутат табылмады",
        "error": "Деректерді жүктеу мүмкін болмады",
    },
}
# What the script waits before it runs, as an app does while it boots.
BOOT_DELAY_MS = 200

SCRIPT = """
(() => {
  const config = __CONFIG__;
  // The challenge's answer: FNV-1a of the challenge, as 8 hex digits.
  function fnv1a(text) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0).toString(16).padStart(8, "0");
  }
  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  async function getJson(url) {
    const response = await fetch(url, {
      headers: {"Accept": "application/json", "Accept-Language": config.language},
      credentials: "same-origin",
    });
    if (!response.ok) {
      const error = new Error(url + " answered " + response.status);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }
  function header(deputy) {
    const box = element("div", "deputy-header");
    const name = [deputy.last_name, deputy.first_name, deputy.patronymic]
      .filter((part) => part && part !== "None").join(" ");
    box.append(element("h1", "deputy-header__name", name));
    let district = "";
    if (deputy.deputy_type === 1 && deputy.region) {
      district = config.labels.district
        .replace("{number}", deputy.region.number)
        .replace("{name}", deputy.region.name);
    }
    box.append(element("div", "deputy-header__region", district));
    return box;
  }
  function card(activity) {
    const box = element("div", "activity-card");
    box.dataset.id = activity.id;
    const [year, month, day] = activity.date.split("-");
    box.append(element("div", "activity-card__date", day + "." + month + "." + year));
    const title = element("a", "activity-card__title", activity.title);
    title.href = activity.url;
    box.append(title);
    box.append(element("div", "activity-card__place", activity.place));
    box.append(element("div", "activity-card__text", activity.text));
    return box;
  }
  async function render() {
    const host = document.querySelector("app-deputy-activities");
    const api = "/api/core/deputies/" + config.deputyId + "/";
    const offset = (config.page - 1) * config.perPage;
    let deputy, activities;
    try {
      [deputy, activities] = await Promise.all([
        getJson(api),
        getJson(api + "activities/?type=meeting&limit=" + config.perPage +
          "&offset=" + offset),
      ]);
    } catch (error) {
      const notFound = error.status === 404;
      host.append(element("div", notFound ? "not-found" : "load-error",
        notFound ? config.labels.notFound : config.labels.error));
      return;
    }
    host.append(header(deputy));
    const list = element("div", "activities");
    list.append(...activities.result.map(card));
    host.append(list);
    const pager = element("nav", "pager");
    if (offset + activities.result.length < activities.count) {
      const next = element("a", "pager__next", config.labels.next);
      next.href = "/" + config.language + "/deputies/" + config.deputyId +
        "/activities?page=" + (config.page + 1);
      pager.append(next);
    }
    host.append(pager);
  }
  const token = config.challenge + "." + fnv1a(config.challenge);
  document.cookie = "ng_session=" + token + "; path=/; SameSite=Lax";
  setTimeout(render, config.bootDelay);
})();
"""

SHELL = """<!DOCTYPE html>
<html lang="__LANGUAGE__">
<head><meta charset="utf-8"><title>__TITLE__</title><base href="/"></head>
<body>
<app-root ng-version="16.2.12">
  <app-header></app-header>
  <main class="content">
    <app-deputy-activities></app-deputy-activities>
  </main>
</app-root>
<script>__SCRIPT__</script>
</body>
</html>
"""


def render_shell(
    language: str, deputy_id: int, page: int, per_page: int, challenge: str
) -> str:
    """The page as served, before its script runs."""
    config = {
        "language": language,
        "deputyId": deputy_id,
        "page": page,
        "perPage": per_page,
        "challenge": challenge,
        "bootDelay": BOOT_DELAY_MS,
        "labels": LABELS[language],
    }
    # "<" escaped so that no value can close the script element.
    script = SCRIPT.replace(
        "__CONFIG__", json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    )
    return (
        SHELL.replace("__LANGUAGE__", language)
        .replace("__TITLE__", TITLES[language])
        .replace("__SCRIPT__", script)
    )
