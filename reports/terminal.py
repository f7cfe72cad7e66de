"""Scorecards as plain-text tables for a terminal."""

from reports.scorecard import (
    ACTIVITY_FIGURES,
    CLUSTER_FIGURES,
    POST_FIGURES,
    REQUEST_FIGURES,
    Scorecard,
    Window,
    group_order,
    totals,
)
from storage.published import Difference, format_differences

# Links shown under each figure of a deputy's report; the HTML page has all.
SHOWN_LINKS = 10
# The session table's columns: (figure key, heading).
COLUMNS = (
    ("initiated", "init"),
    ("cosigned", "co-sig"),
    ("answered", "answ"),
    ("unanswered", "unansw"),
    ("meetings_own", "mtg-own"),
    ("meetings_elsewhere", "mtg-else"),
    ("receptions", "recep"),
    ("all_meetings", "mtg-all"),
    ("posts_telegram", "tg"),
    ("posts_instagram", "ig"),
    ("posts_facebook", "fb"),
)
NAME_WIDTH = 34
# What the columns' headings mean.
LEGEND = (
    "init/co-sig: requests initiated/co-signed; answ/unansw: of those initiated; "
    "mtg-own/mtg-else: meetings on the Mazhilis site in the district's region "
    "or elsewhere (a party-list deputy has no district: mtg-own is 0 and "
    "mtg-else counts every placed meeting); recep: receptions of citizens; "
    "mtg-all: meetings across all sources; tg/ig/fb: posts on Telegram, "
    "Instagram, Facebook."
)


def period(window: Window) -> str:
    if window.since is None and window.until is None:
        return window.title
    return f"{window.title} ({window.since or '…'} to {window.until or 'now'})"


def describe(card: Scorecard) -> str:
    seat = (
        f"single-mandate district {card.district}, {card.region}"
        if card.single_mandate
        else "party list"
    )
    return f"{seat}; {card.party or 'independent'}"


def format_deputy(card: Scorecard, window: Window) -> str:
    """One deputy's figures, each with the links to what it counts."""
    title = f"{card.name}" + (f" ({card.name_ru})" if card.name_ru else "")
    lines = [
        f"Deputy report: {title}, Mazhilis id {card.mazhilis_id}",
        describe(card),
        period(window),
        "",
    ]
    sections = (
        ("Requests", REQUEST_FIGURES),
        ("Meetings reported on the Mazhilis site", ACTIVITY_FIGURES),
        ("Meetings across all sources", CLUSTER_FIGURES),
        ("Social media", POST_FIGURES),
    )
    for heading, labels in sections:
        shown = [key for key in labels if key in card.figures]
        if not shown:
            continue
        lines.append(heading)
        for key in shown:
            figure = card.figures[key]
            lines.append(f"  {figure.label:<40} {figure.value:>5}")
            lines.extend(_links(figure.links))
        lines.append("")
    if card.topics:
        lines.append("Topics and programme theses of the requests")
        for topic in card.topics.values():
            lines.append(f"  {topic.label:<60} {topic.value:>5}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _links(links: list) -> list[str]:
    lines = [
        f"      {link.url or '-'}  {link.label[:70]}" for link in links[:SHOWN_LINKS]
    ]
    if len(links) > SHOWN_LINKS:
        lines.append(
            f"      ... and {len(links) - SHOWN_LINKS} more (all in the --html page)"
        )
    return lines


def session_topics(cards: list[Scorecard]) -> dict[str, int]:
    """Each topic with the number of requests touching it (each request once)."""
    requests: dict[str, set] = {}
    for card in cards:
        for label, topic in card.topics.items():
            requests.setdefault(label, set()).update(
                link.record for link in topic.links
            )
    return dict(
        sorted(
            ((label, len(found)) for label, found in requests.items()),
            key=lambda item: (-item[1], item[0]),
        )
    )


def format_session(
    cards: list[Scorecard], window: Window, found: list[Difference]
) -> str:
    """Every deputy's figures: single-mandate deputies apart (independents, then
    party members), then the party-list deputies; the groups' totals; and the
    published totals that disagree with what was collected."""
    columns = [
        (key, head) for key, head in COLUMNS if cards and key in cards[0].figures
    ]
    header = f"{'deputy':<{NAME_WIDTH}} {'id':>4} " + " ".join(
        f"{head:>8}" for _, head in columns
    )
    lines = [f"Session report: {period(window)}", ""]
    groups = sorted({card.group for card in cards}, key=group_order)
    for group in groups:
        members = [card for card in cards if card.group == group]
        lines += [f"{group} ({len(members)} deputies)", header, "-" * len(header)]
        for card in members:
            name = (card.name_ru or card.name)[:NAME_WIDTH]
            lines.append(
                f"{name:<{NAME_WIDTH}} {card.mazhilis_id or '':>4} "
                + " ".join(f"{card.value(key):>8}" for key, _ in columns)
            )
        lines.append("")
    lines += ["Totals by group (sum, and per deputy)", header, "-" * len(header)]
    for group, sums in totals(cards).items():
        count = int(sums["deputies"])
        label = f"{group} ({count})"[:NAME_WIDTH]
        lines.append(
            f"{label:<{NAME_WIDTH}} {'':>4} "
            + " ".join(f"{int(sums[key]):>8}" for key, _ in columns)
        )
        lines.append(
            f"{'  per deputy':<{NAME_WIDTH}} {'':>4} "
            + " ".join(f"{sums[key] / count:>8.1f}" for key, _ in columns)
        )
    topics = session_topics(cards)
    if topics:
        lines += ["", "Topics and programme theses of the session's requests"]
        lines += [f"  {label:<70} {count:>5}" for label, count in topics.items()]
    lines += [
        "",
        f"{LEGEND} Sources: mwatch report deputy ID, or --html.",
        "",
        format_differences(found),
    ]
    return "\n".join(lines)
