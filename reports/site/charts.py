"""Charts as inline SVG, every one with its title, labelled axes and, for
several series, a legend; sized to print on A4 and to read on a phone (they
scale to the page's width)."""

import math
from collections.abc import Callable
from datetime import date
from html import escape

# Colours told apart by the colour-blind (Okabe and Ito), each darker than the
# text contrast needs on white.
COLORS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
BAR, LABEL_WIDTH, PLOT_WIDTH = 20, 300, 380


def _svg(chart_id: str, title: str, width: int, height: int, parts: list[str]) -> str:
    return (
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )


def _ticks(top: float) -> list[float]:
    """Round values for an axis running from 0 to at least `top`."""
    if top <= 0:
        return [0, 1]
    scale = 10 ** math.floor(math.log10(top))
    step = next(f * scale for f in (0.2, 0.5, 1, 2, 5, 10) if top / (f * scale) <= 5)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 6) for i in range(count + 1)]


def bar_chart(
    chart_id: str,
    title: str,
    bars: list[tuple[str, float]],
    axis: str,
    number: Callable[[float], str],
) -> str:
    """Horizontal bars, one per label, each with its value; `axis` names what
    the bars measure, under the scale."""
    ticks = _ticks(max((value for _, value in bars), default=0))
    top = ticks[-1]
    height = 30 + BAR * len(bars) + 40
    parts = [f'<text x="0" y="16" class="title">{escape(title)}</text>']
    base = 30
    for tick in ticks:
        x = LABEL_WIDTH + PLOT_WIDTH * tick / top
        y = base + BAR * len(bars)
        parts.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{y}" class="grid"/>'
            f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle">'
            f"{escape(number(tick if tick % 1 else int(tick)))}</text>"
        )
    for i, (label, value) in enumerate(bars):
        y = base + i * BAR
        width = PLOT_WIDTH * value / top
        shown = escape(number(value))
        short = label if len(label) <= 44 else label[:43] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(short)}</text>"
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" '
            f'height="{BAR - 6}" fill="{COLORS[0]}"><title>{escape(label)}: {shown}'
            f"</title></rect>"
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 14}">{shown}</text>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH + PLOT_WIDTH / 2}" y="{height - 8}" '
        f'text-anchor="middle" class="axis">{escape(axis)}</text>'
    )
    return _svg(chart_id, title, LABEL_WIDTH + PLOT_WIDTH + 60, height, parts)


def monthly_chart(
    chart_id: str,
    title: str,
    months: list[date],
    series: list[tuple[str, list[int]]],
    labels: tuple[str, str],
    month_name: Callable[[date], str],
    number: Callable[[float], str],
) -> str:
    """Stacked columns, one per month, a colour per series, with the legend
    above; `labels` names the axes (months, and what is counted)."""
    slot = max(8, min(40, 620 // max(len(months), 1)))
    left, plot_height = 50, 180
    width = left + slot * len(months) + 20
    width = max(width, 420)
    totals = [sum(values[i] for _, values in series) for i in range(len(months))]
    ticks = _ticks(max(totals, default=0))
    top = ticks[-1]
    parts = [f'<text x="0" y="16" class="title">{escape(title)}</text>']
    # The legend, a row of series as long as the chart is wide (a letter is
    # taken as 8 pixels, enough for Cyrillic at 12 pixels).
    x, y = 0, 28
    for i, (label, _) in enumerate(series):
        item = 28 + 8 * len(label)
        if x and x + item > width:
            x, y = 0, y + 18
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLORS[i]}"/>'
            f'<text x="{x + 16}" y="{y + 11}">{escape(label)}</text>'
        )
        x += item
    top_margin = y + 32
    height = top_margin + plot_height + 45
    bottom = top_margin + plot_height
    for tick in ticks:
        y = bottom - plot_height * tick / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
            f'class="grid"/><text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(number(int(tick)))}</text>"
        )
    every = max(1, -(-len(months) * 60 // (width - left)))
    for i, month in enumerate(months):
        x = left + i * slot
        y = bottom
        for j, (label, values) in enumerate(series):
            if values[i]:
                h = plot_height * values[i] / top
                y -= h
                parts.append(
                    f'<rect x="{x + 1}" y="{y:.1f}" width="{slot - 2}" '
                    f'height="{h:.1f}" fill="{COLORS[j]}"><title>'
                    f"{escape(month_name(month))}, {escape(label)}: {values[i]}"
                    "</title></rect>"
                )
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{bottom + 14}" '
                f'text-anchor="middle">{escape(month_name(month))}</text>'
            )
    parts += [
        f'<text x="{left + (width - left) / 2:.0f}" y="{height - 12}" '
        f'text-anchor="middle" class="axis">{escape(labels[0])}</text>',
        f'<text transform="translate(12 {bottom - plot_height / 2}) rotate(-90)" '
        f'text-anchor="middle" class="axis">{escape(labels[1])}</text>',
    ]
    return _svg(chart_id, title, width, height, parts)
