"""`mwatch site build`: the static site, a folder per language.

Every page is plain HTML with inline SVG charts; the only scripts are the
site's own (assets/site.js: the index's filters and the search) and MiniSearch
(assets/minisearch.js, vendored with its licence), so the folder can be put on
any static host, or opened from the disk, as it is.
"""

import json
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import median

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from matching import names
from reports.scorecard import (
    ACTIVITY_FIGURES,
    CLUSTER_FIGURES,
    POST_FIGURES,
    REQUEST_FIGURES,
    Scorecard,
    group_means,
    group_order,
)
from reports.site.charts import bar_chart, monthly_chart
from reports.site.data import GROUPS, DeputyInfo, SessionInfo, SiteData
from reports.site.i18n import LANGUAGES, Formats, translations

HERE = Path(__file__).parent
ASSETS = HERE / "static"
# The scorecard's figures shown in the site's tables, in order.
FIGURES = (
    *REQUEST_FIGURES,
    *ACTIVITY_FIGURES,
    *CLUSTER_FIGURES,
    *POST_FIGURES,
)
SHOWN = 50


class SiteError(ValueError):
    """A site that cannot be built as asked; the message says why."""


@dataclass
class Built:
    pages: int
    bytes: int


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _group_name(_, group: str) -> str:
    return {
        "single_independent": _("Single-mandate, independent"),
        "single_party": _("Single-mandate, party member"),
        "party_list": _("Party list"),
    }[group]


def _card_group(card: Scorecard) -> str:
    if not card.single_mandate:
        return "party_list"
    return "single_party" if card.party else "single_independent"


def _months(deputy: DeputyInfo, data: SiteData) -> tuple[list[date], dict]:
    """The deputy's records month by month, from the first to the last."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for kind, ids in (("initiated", deputy.initiated), ("cosigned", deputy.cosigned)):
        for request_id in ids:
            day = data.requests[request_id].day
            if day:
                counts[kind][day.replace(day=1)] += 1
    if deputy.meetings:
        for meeting in deputy.meetings:
            counts["meetings"][meeting.day.replace(day=1)] += 1
    else:
        for activity in deputy.activities:
            if activity.day:
                counts["meetings"][activity.day.replace(day=1)] += 1
    for post in deputy.posts:
        if post.day:
            counts["posts"][post.day.replace(day=1)] += 1
    every = sorted({month for counter in counts.values() for month in counter})
    if not every:
        return [], counts
    months, month = [], every[0]
    while month <= every[-1]:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months, counts


class Site:
    """Renders every page of one language."""

    def __init__(self, data: SiteData, lang: str, out: Path, env: Environment):
        self.data, self.lang, self.out = data, lang, out / lang
        self.fmt = Formats(lang)
        self.translations = translations(lang)
        self._ = self.translations.gettext
        self.env = env
        self.pages = 0
        self.cards = self._cards_by_deputy()

    def _cards_by_deputy(self) -> dict[int, list[tuple[SessionInfo, Scorecard]]]:
        found: dict[int, list] = defaultdict(list)
        for info in self.data.sessions:
            for card in info.cards:
                found[card.deputy_id].append((info, card))
        return found

    def render(self, path: str, template: str, **context) -> None:
        depth = path.count("/")
        self.env.install_gettext_translations(self.translations, newstyle=True)
        page = self.env.get_template(template).render(
            lang=self.lang,
            languages=LANGUAGES,
            path=path,
            root="../" * depth,
            site="../" * (depth + 1),
            fmt=self.fmt,
            group_name=lambda group: _group_name(self._, group),
            figure_name=self.figure_name,
            topic_name=self.topic_name,
            data=self.data,
            **context,
        )
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        self.pages += 1

    def figure_name(self, key: str) -> str:
        labels = REQUEST_FIGURES | ACTIVITY_FIGURES | CLUSTER_FIGURES | POST_FIGURES
        return self._(labels[key])

    def topic_name(self, key: str) -> str:
        topic = self.data.topics.get(key)
        if topic is None:
            return key
        name = topic.name[self.lang]
        if topic.kind == "programme" and topic.number is not None:
            return self._("{party} thesis {number}: {name}").format(
                party=topic.party, number=topic.number, name=name
            )
        return name

    def build(self) -> None:
        self.index()
        for deputy in self.data.deputies.values():
            self.deputy(deputy)
        for request in self.data.requests.values():
            self.render(
                f"request/{request.mazhilis_id}.html", "request.html", r=request
            )
        self.render("sessions.html", "sessions.html")
        for info in self.data.sessions:
            self.session(info)
        self.render("topics.html", "topics.html", counts=self._topic_counts())
        for key in self.data.topics:
            self.topic(key)
        self.search_index()

    def _topic_counts(self) -> dict[str, Counter]:
        return {
            key: Counter(record.kind for record in self.data.tagged.get(key, []))
            for key in self.data.topics
        }

    def index(self) -> None:
        deputies = sorted(
            self.data.deputies.values(),
            key=lambda d: (GROUPS.index(d.group), d.name[self.lang].casefold()),
        )

        def options(values):
            return sorted({v for v in values if v}, key=str.casefold)

        mandates = [d.mandate for d in deputies if d.mandate]
        self.render(
            "index.html",
            "index.html",
            deputies=deputies,
            regions=options(m.region[self.lang] for m in mandates),
            factions=options(m.faction[self.lang] for m in mandates),
            groups=GROUPS,
        )

    def deputy(self, deputy: DeputyInfo) -> None:
        _ = self._
        months, counts = _months(deputy, self.data)
        series = [
            (_("requests initiated"), "initiated"),
            (_("requests co-signed"), "cosigned"),
            (_("meetings and receptions"), "meetings"),
            (_("posts"), "posts"),
        ]
        chart = (
            monthly_chart(
                "chart-months",
                _("Activity month by month"),
                months,
                [(label, [counts[key][m] for m in months]) for label, key in series],
                (_("month"), _("records")),
                self.fmt.month,
                self.fmt.number,
            )
            if months
            else ""
        )
        requests = self.data.requests
        beside = []
        for item in deputy.programme:
            keys = set(item.topics)
            beside.append(
                (
                    item,
                    [
                        requests[i]
                        for i in deputy.initiated + deputy.cosigned
                        if keys & set(requests[i].topics)
                    ],
                    [m for m in deputy.meetings if keys & set(m.topics)],
                    [p for p in deputy.posts if keys & set(p.topics)],
                )
            )
        self.render(
            f"deputy/{deputy.mazhilis_id}.html",
            "deputy.html",
            d=deputy,
            chart=chart,
            months=months,
            counts=counts,
            series=series,
            beside=beside,
            initiated=[requests[i] for i in reversed(deputy.initiated)],
            cosigned=[requests[i] for i in reversed(deputy.cosigned)],
            cards=self.cards.get(deputy.id, []),
            figures=FIGURES,
            shown=SHOWN,
        )

    def session(self, info: SessionInfo) -> None:
        _ = self._
        cards = info.cards
        figures = [key for key in FIGURES if key in cards[0].figures]
        means = {key: group_means(cards, key) for key in figures}
        groups = sorted({card.group for card in cards}, key=group_order)

        def group_label(group: str) -> str:
            if group == "all":
                return _("All deputies")
            for card in cards:
                if card.group == group:
                    label = _group_name(_, _card_group(card))
                    if card.single_mandate and card.party:
                        return f"{label}: {card.party}"
                    return label
            return group

        charts = [
            bar_chart(
                f"chart-groups-{key}",
                title,
                [(group_label(g), v) for g, v in means[key].items()],
                _("mean per deputy"),
                self.fmt.number,
            )
            for key, title in (
                ("initiated", _("Requests initiated per deputy, by group")),
                (
                    "meetings_own",
                    _(
                        "Meetings in the district's region per single-mandate "
                        "deputy, by group"
                    ),
                ),
                ("posts_telegram", _("Telegram posts per deputy, by group")),
            )
            if key in means
        ]
        ranked = sorted(cards, key=lambda c: -c.value("initiated"))[:20]
        charts.append(
            bar_chart(
                "chart-deputies-requests",
                _("Requests initiated: the 20 deputies with most"),
                [
                    (
                        self.data.deputies[c.deputy_id].name[self.lang],
                        c.value("initiated"),
                    )
                    if c.deputy_id in self.data.deputies
                    else (c.name, c.value("initiated"))
                    for c in ranked
                ],
                _("requests"),
                self.fmt.number,
            )
        )
        self.render(
            f"session/{info.slug}.html",
            "session.html",
            s=info,
            charts=charts,
            figures=figures,
            means=means,
            groups=[*groups, "all"],
            group_label=group_label,
            card_group=_card_group,
            addressees=self._addressees(info),
            differences=self.data.differences,
        )

    def _addressees(self, info: SessionInfo) -> list[dict]:
        """The session's requests by addressee: how many, answered, the median
        wait for an answer and the longest wait of those unanswered."""
        found: dict[str, list] = defaultdict(list)
        for request in self.data.requests.values():
            if request.session == (info.convocation, info.number) and request.day:
                found[request.addressee or "—"].append(request)
        rows = []
        for addressee, requests in found.items():
            answered = [
                r.days_waited(self.data.today) for r in requests if r.answer_date
            ]
            waiting = [
                r.days_waited(self.data.today) for r in requests if not r.answer_date
            ]
            rows.append(
                {
                    "addressee": addressee,
                    "requests": len(requests),
                    "answered": len(answered),
                    "median": median(answered) if answered else None,
                    "waiting": max(waiting) if waiting else None,
                }
            )
        return sorted(
            rows,
            key=lambda r: (r["median"] is None, -(r["median"] or 0), -r["requests"]),
        )

    def topic(self, key: str) -> None:
        records = self.data.tagged.get(key, [])
        requests = sorted(
            (self.data.requests[r.record_id] for r in records if r.kind == "request"),
            key=lambda r: r.day or date.min,
            reverse=True,
        )
        others = sorted(
            (r for r in records if r.kind != "request"),
            key=lambda r: r.day or date.min,
            reverse=True,
        )
        per_deputy = Counter()
        owners = {}
        for deputy in self.data.deputies.values():
            for record in (*deputy.activities, *deputy.posts):
                if key in record.topics:
                    per_deputy[deputy.id] += 1
                    owners[record.kind, record.record_id] = deputy
            for request_id in deputy.initiated:
                if key in self.data.requests[request_id].topics:
                    per_deputy[deputy.id] += 1
        self.render(
            f"topic/{key}.html",
            "topic.html",
            t=self.data.topics[key],
            requests=requests,
            others=others[:SHOWN],
            more=max(0, len(others) - SHOWN),
            owners=owners,
            leaders=[(self.data.deputies[i], n) for i, n in per_deputy.most_common(10)],
        )

    def search_index(self) -> None:
        """The search's documents, as a script the pages load (a page opened
        from the disk may not fetch a file), with the folding tables of
        matching/names.py so that the browser folds a query as the keys were."""
        documents = [
            {
                "id": f"d{d.mazhilis_id}",
                "kind": "deputy",
                "title": d.name[self.lang],
                "names": " ".join(d.names),
                "keys": " ".join(d.keys),
                "url": f"deputy/{d.mazhilis_id}.html",
            }
            for d in self.data.deputies.values()
        ] + [
            {
                "id": f"r{r.mazhilis_id}",
                "kind": "request",
                "title": r.title,
                "names": r.number or "",
                "keys": "",
                "url": f"request/{r.mazhilis_id}.html",
            }
            for r in self.data.requests.values()
        ]
        folding = {
            "cyrillic": {c: forms[0] for c, forms in names._CYRILLIC.items()},
            "latin": {c: forms[0] for c, forms in names._LATIN.items()},
            "digraphs": names._DIGRAPH_FOLDS,
            "y": names._Y_FOLDS,
        }
        labels = {
            "deputy": self._("Deputy"),
            "request": self._("Request"),
            "none": self._("Nothing found."),
        }
        script = (
            "window.MWATCH_SEARCH = "
            + json.dumps(
                {"documents": documents, "folding": folding, "labels": labels},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + ";\n"
        )
        (self.out / "search-index.js").write_text(script, encoding="utf-8")


def build(data: SiteData, out: Path, langs: tuple[str, ...] = LANGUAGES) -> Built:
    """Write the site into `out` (emptied of a previous build's pages first)."""
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        raise SiteError(
            f"--lang {','.join(langs)}: the site's languages are {', '.join(LANGUAGES)}"
        )
    if out.exists() and not out.is_dir():
        raise SiteError(f"--out {out}: not a folder")
    if not out.parent.is_dir():
        raise SiteError(f"--out {out}: its folder {out.parent} does not exist")
    out.mkdir(exist_ok=True)
    for lang in LANGUAGES:
        shutil.rmtree(out / lang, ignore_errors=True)
    shutil.rmtree(out / "assets", ignore_errors=True)
    shutil.copytree(ASSETS, out / "assets")
    env = _environment()
    pages = 0
    for lang in langs:
        site = Site(data, lang, out, env)
        site.build()
        pages += site.pages
    env.install_gettext_translations(translations("en"), newstyle=True)
    (out / "index.html").write_text(
        env.get_template("languages.html").render(
            langs=langs, name=lambda lang: Formats(lang).language_name(lang)
        ),
        encoding="utf-8",
    )
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    return Built(pages + 1, size)
