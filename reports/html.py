"""Scorecards as one static HTML page with inline SVG charts: no script, no
stylesheet or font from elsewhere, so it opens anywhere and can be mailed.

Every number is an element with `data-deputy` (the Mazhilis id) and
`data-figure` (the figure's key), so a reader's tools (and the tests) can check
it against the database.
"""

from html import escape

from reports.scorecard import (
    ACTIVITY_FIGURES,
    CLUSTER_FIGURES,
    POST_FIGURES,
    REQUEST_FIGURES,
    Figure,
    Scorecard,
    Window,
    group_means,
    group_order,
    totals,
)
from reports.terminal import COLUMNS, LEGEND, describe, period
from storage.published import Difference

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border-bottom: 1px solid #ddd; padding: .2em .5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart { display: block; margin: 1em 0; }
.chart text { font-size: 12px; }
details { margin: .3em 0; } summary { cursor: pointer; }
.warning { color: #a00; }
"""
COLORS = ("#3465a4", "#73d216", "#f57900", "#75507b", "#c17d11", "#cc0000")
BAR_HEIGHT, LABEL_WIDTH, CHART_WIDTH = 18, 260, 420


def bar_chart(
    title: str, bars: list[tuple[str, float]], chart_id: str, colored: bool = True
) -> str:
    """A horizontal bar chart as inline SVG, each bar labelled with its value;
    bars of one colour unless `colored`."""
    top = max((value for _, value in bars), default=0) or 1
    height = BAR_HEIGHT * len(bars) + 30
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'width="{LABEL_WIDTH + CHART_WIDTH + 60}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = 24 + i * BAR_HEIGHT
        width = round(CHART_WIDTH * value / top, 1)
        color = COLORS[i % len(COLORS) if colored else 0]
        shown = f"{value:g}" if isinstance(value, int) else f"{value:.1f}"
        parts += [
            f'<text x="0" y="{y + 13}">{escape(label[:40])}</text>',
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 2}" width="{width}" '
            f'height="{BAR_HEIGHT - 4}" fill="{color}">'
            f"<title>{escape(label)}: {shown}</title></rect>",
            f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 13}">{shown}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def _figure(card: Scorecard, key: str, figure: Figure) -> str:
    """A figure's value and, folded, the links to what it counts."""
    if not card.applies(key):
        return (
            f"<li>{escape(figure.label)}: not applicable (a party-list deputy "
            "has no district)</li>"
        )
    value = (
        f'<span class="figure" data-deputy="{card.mazhilis_id}" '
        f'data-figure="{key}">{figure.value}</span>'
    )
    if not figure.links:
        return f"<li>{escape(figure.label)}: {value}</li>"
    links = "".join(
        f'<li><a href="{escape(link.url)}">{escape(link.label)}</a></li>'
        if link.url
        else f"<li>{escape(link.label)}</li>"
        for link in figure.links
    )
    return (
        f"<li><details><summary>{escape(figure.label)}: {value}</summary>"
        f"<ul>{links}</ul></details></li>"
    )


def _card_sections(card: Scorecard) -> list[str]:
    body = []
    for heading, labels in (
        ("Requests", REQUEST_FIGURES),
        ("Meetings reported on the Mazhilis site", ACTIVITY_FIGURES),
        ("Meetings across all sources", CLUSTER_FIGURES),
        ("Social media", POST_FIGURES),
    ):
        keys = [key for key in labels if key in card.figures]
        if keys:
            body.append(f"<h3>{heading}</h3><ul>")
            body += [_figure(card, key, card.figures[key]) for key in keys]
            body.append("</ul>")
    if card.topics:
        body.append("<h3>Topics and programme theses of the requests</h3><ul>")
        body += [
            _figure(card, f"topic:{label}", topic)
            for label, topic in card.topics.items()
        ]
        body.append("</ul>")
    return body


def deputy_page(card: Scorecard, window: Window) -> str:
    title = f"{card.name_ru or card.name}: {period(window)}"
    body = [
        f"<h1>{escape(card.name)}</h1>",
        f"<p>{escape(card.name_ru or '')} · Mazhilis id {card.mazhilis_id} · "
        f"{escape(describe(card))} · {escape(period(window))}</p>",
        bar_chart(
            "Requests",
            [(card.figures[k].label, card.value(k)) for k in REQUEST_FIGURES],
            "chart-requests",
        ),
        bar_chart(
            "Meetings and receptions",
            [
                (card.figures[k].label, card.value(k))
                for k in (*ACTIVITY_FIGURES, *CLUSTER_FIGURES)
                if k in card.figures and card.applies(k)
            ],
            "chart-meetings",
        ),
        bar_chart(
            "Posts by platform",
            [(card.figures[k].label, card.value(k)) for k in POST_FIGURES],
            "chart-posts",
        ),
        *_card_sections(card),
    ]
    return _page(title, body)


def session_page(
    cards: list[Scorecard], window: Window, found: list[Difference]
) -> str:
    """Charts of the groups and of every deputy, the table of all deputies, each
    deputy's figures with their sources, and the reconciliation."""
    columns = [
        (key, head) for key, head in COLUMNS if cards and key in cards[0].figures
    ]
    sums = totals(cards)
    body = [
        f"<h1>Session report: {escape(period(window))}</h1>",
        f"<p>{len(cards)} deputies. Figures link to their sources below.</p>",
        bar_chart(
            "Requests initiated per deputy, by group",
            [
                (group, values["initiated"] / values["deputies"])
                for group, values in sums.items()
            ],
            "chart-groups-requests",
        ),
        bar_chart(
            "Meetings in the district's region per single-mandate deputy, by group",
            list(group_means(cards, "meetings_own").items()),
            "chart-groups-meetings",
        ),
        bar_chart(
            "Requests initiated",
            sorted(
                (
                    (card.name_ru or card.name, card.value("initiated"))
                    for card in cards
                ),
                key=lambda bar: -bar[1],
            ),
            "chart-deputies-requests",
            colored=False,
        ),
    ]
    groups = sorted({card.group for card in cards}, key=group_order)
    heads = "".join(f"<th>{escape(head)}</th>" for _, head in columns)
    legend = f'<p class="legend">{escape(LEGEND)}</p>'
    for group in groups:
        members = [card for card in cards if card.group == group]
        body.append(f"<h2>{escape(group)} ({len(members)})</h2>")
        body.append(f'<table class="deputies"><tr><th>deputy</th>{heads}</tr>')
        for card in members:
            cells = "".join(
                f'<td data-deputy="{card.mazhilis_id}" data-figure="{key}">'
                f"{card.value(key)}</td>"
                for key, _ in columns
            )
            body.append(
                f'<tr><td><a href="#deputy-{card.mazhilis_id}">'
                f"{escape(card.name_ru or card.name)}</a></td>{cells}</tr>"
            )
        body.append("</table>")
        body.append(legend)
    body.append("<h2>Totals by group</h2>")
    body.append(f'<table class="totals"><tr><th>group</th>{heads}</tr>')
    for group, values in sums.items():
        cells = "".join(
            f'<td data-group="{escape(group)}" data-figure="{key}">'
            f"{int(values[key])}</td>"
            for key, _ in columns
        )
        body.append(
            f"<tr><td>{escape(group)} ({int(values['deputies'])})</td>{cells}</tr>"
        )
    body.append("</table>")
    body.append(legend)
    body.append("<h2>Published totals against what was collected</h2>")
    if found:
        body.append('<ul class="differences">')
        body += [
            f'<li class="warning">{escape(d.subject)} [{escape(d.scope)}]: '
            f"{escape(d.problem)}"
            + (f' (<a href="{escape(d.url)}">source</a>)' if d.url else "")
            + "</li>"
            for d in found
        ]
        body.append("</ul>")
    else:
        body.append("<p>Every published total matches what was collected.</p>")
    body.append("<h2>Deputies</h2>")
    for card in cards:
        body.append(
            f'<section id="deputy-{card.mazhilis_id}"><h3>'
            f"{escape(card.name_ru or card.name)}</h3><p>{escape(describe(card))}</p>"
        )
        body += _card_sections(card)
        body.append("</section>")
    return _page(f"Session report: {period(window)}", body)
