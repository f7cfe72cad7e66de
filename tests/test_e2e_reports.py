"""Exports and reports of a database the real crawler filled from the replica."""

import csv
import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from replica import ReplicaProcess
from storage.models import (
    Activity,
    Deputy,
    DeputyRequest,
    Mandate,
    Meeting,
    Post,
    PublishedCount,
    RequestParticipant,
    Topic,
    TopicTag,
)
from tests.e2e import mwatch, rows
from tests.reports_data import (
    channel_of,
    crawl,
    small_dataset,
    write_small_dataset,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dataset():
    return small_dataset()


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    path = write_small_dataset(tmp_path_factory.mktemp("dataset"))
    with ReplicaProcess(dataset=path) as running:
        yield running


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, replica):
    """The database the crawler filled from the small dataset."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'crawled.sqlite'}"
    crawl(url, replica)
    return url


def export(url, fmt, out):
    result = mwatch(
        "export", "--format", fmt, "--out", str(out), env={"DATABASE_URL": url}
    )
    assert result.code == 0, result.stdout + result.stderr
    return result


def count(url, model):
    return rows(url, select(func.count()).select_from(model))[0][0]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def test_json_and_csv_exports_hold_every_record(crawled, dataset, tmp_path):
    export(crawled, "json", tmp_path / "json")
    export(crawled, "csv", tmp_path / "csv")
    tables = {
        "persons": Deputy,
        "requests": DeputyRequest,
        "activities": Activity,
        "posts": Post,
        "meetings": Meeting,
    }
    for name, model in tables.items():
        stored = count(crawled, model)
        assert stored > 0, name
        as_json = read_json(tmp_path / "json" / f"{name}.json")
        as_csv = read_csv(tmp_path / "csv" / f"{name}.csv")
        assert len(as_json) == len(as_csv) == stored, name
        assert [r["id"] for r in as_json] == [r["id"] for r in as_csv], name
        assert len({r["id"] for r in as_json}) == stored, name
        # Every record carries where it was read.
        assert all(r["sources"] and r["sources"][0]["url"] for r in as_json), name
        assert all(r["source_url"] and r["source_content_hash"] for r in as_csv), name

    # Ids come from the sources' own keys.
    persons = read_json(tmp_path / "json" / "persons.json")
    # The sitting deputies and the former ones by-alphabet lists.
    assert {p["id"] for p in persons} == {
        f"person:mazhilis:{d['kk']['id']}" for d in dataset["deputies"]
    }
    requests = read_json(tmp_path / "json" / "requests.json")
    assert {r["id"] for r in requests} == {
        f"request:mazhilis:{r['id']}" for r in dataset["requests"]
    }

    # The participants, as the dataset lists them, with their persons.
    person_ids = {p["id"] for p in persons}
    exported = {
        (r["mazhilis_id"], p["role"], p["source_deputy_id"], p["name_as_given"])
        for r in requests
        for p in r["participants"]
    }
    expected = {
        (r["id"], role, p["id"], p["full_name"].strip())
        for r in dataset["requests"]
        for field, role in (("initiators", "initiator"), ("signatories", "signatory"))
        for p in r[field]
    }
    assert exported == expected
    assert all(
        p["person_id"] in person_ids
        for r in requests
        for p in r["participants"]
        if p["person_id"]
    )
    participants = read_csv(tmp_path / "csv" / "request_participants.csv")
    assert len(participants) == count(crawled, RequestParticipant) == len(expected)
    answered = sum(1 for r in dataset["requests"] if r["answer"])
    assert sum(r["answered"] for r in requests) == answered

    # A meeting names its reports by their own export ids, one of them its id.
    reported = {
        r["id"]
        for name in ("activities", "posts")
        for r in read_json(tmp_path / "json" / f"{name}.json")
    }
    for meeting in read_json(tmp_path / "json" / "meetings.json"):
        assert meeting["reports"] and set(meeting["reports"]) <= reported
        assert meeting["id"] == f"meeting:{min(meeting['reports'])}"


def test_popolo_export_holds_persons_organizations_and_memberships(
    crawled, dataset, tmp_path
):
    export(crawled, "popolo", tmp_path)
    popolo = read_json(tmp_path / "popolo.json")
    assert len(popolo["persons"]) == count(crawled, Deputy)
    mandates = rows(
        crawled, select(Mandate.party, Mandate.faction_ru, Mandate.committee_ru)
    )
    parties = {party for party, _, _ in mandates if party}
    organizations = {o["id"]: o for o in popolo["organizations"]}
    kinds = [o["classification"] for o in organizations.values()]
    assert kinds.count("legislature") == 1
    assert kinds.count("party") == len(parties) == 6
    assert kinds.count("faction") == len({f for _, f, _ in mandates if f})
    # A seat in the Mazhilis for every mandate, a faction for party members,
    # and a committee for each.
    by_org = {}
    for membership in popolo["memberships"]:
        kind = organizations[membership["organization_id"]]["classification"]
        by_org[kind] = by_org.get(kind, 0) + 1
        assert membership["person_id"].startswith("person:mazhilis:")
    assert by_org["legislature"] == len(mandates)
    assert by_org["faction"] == sum(1 for _, f, _ in mandates if f)
    assert by_org["committee"] == sum(1 for _, _, c in mandates if c)
    seats = [
        m for m in popolo["memberships"] if m["organization_id"].endswith("mazhilis")
    ]
    single = [m for m in seats if m["label"] == "single-mandate district"]
    # 29 districts; one held in turn by a former deputy and a sitting one.
    assert len(single) == 29 + 1 and len(popolo["areas"]) == 29
    independents = [m["person_id"] for m in single if "on_behalf_of_id" not in m]
    assert sorted(independents) == sorted(
        f"person:mazhilis:{d['kk']['id']}"
        for d in dataset["deputies"]
        if d["kk"]["deputy_type"] == 1 and not d["kk"]["party"]
    )


def test_ids_are_stable_across_exports_and_crawls(crawled, replica, tmp_path):
    first, second, third = tmp_path / "1", tmp_path / "2", tmp_path / "3"
    export(crawled, "json", first)
    export(crawled, "json", second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    crawl(crawled, replica)
    export(crawled, "json", third)
    for path in first.iterdir():
        before = [r["id"] for r in read_json(path)]
        assert before == [r["id"] for r in read_json(third / path.name)], path.name


def test_a_bad_out_or_format_is_refused(crawled, tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("keep me")
    env = {"DATABASE_URL": crawled}
    result = mwatch("export", "--format", "json", "--out", str(afile), env=env)
    assert result.code == 2
    assert str(afile) in result.stderr and "not a folder" in result.stderr
    assert afile.read_text() == "keep me"
    missing = tmp_path / "no" / "such" / "folder"
    result = mwatch("export", "--format", "csv", "--out", str(missing), env=env)
    assert result.code == 2 and str(missing) in result.stderr
    assert not missing.parent.exists()
    result = mwatch("export", "--format", "xml", "--out", str(tmp_path), env=env)
    assert result.code == 2 and "xml" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def published_counts(url):
    return {
        (subject, scope): (published, collected)
        for subject, scope, published, collected in rows(
            url,
            select(
                PublishedCount.subject,
                PublishedCount.scope,
                PublishedCount.published,
                PublishedCount.collected,
            ),
        )
    }


def test_reconciliation_finds_the_total_the_list_does_not_bear_out(crawled, dataset):
    counts = published_counts(crawled)
    requests = dataset["requests"]
    assert counts["requests", "all"] == (len(requests), len(requests))
    sitting = sorted(d["kk"]["id"] for d in dataset["deputies"] if d["kk"]["is_active"])
    assert counts["deputies", "lang:kk"] == counts["deputies", "lang:ru"]
    assert counts["deputies", "lang:kk"] == (len(sitting), len(sitting))
    errors = {int(k): v for k, v in dataset["count_errors"]["requests"].items()}
    assert errors, "the dataset has its deliberate mismatch"
    for deputy in sitting:
        listed = sum(
            1
            for r in requests
            if deputy in {p["id"] for p in r["initiators"] + r["signatories"]}
        )
        published = listed + errors.get(deputy, 0)
        assert counts["requests", f"deputy:{deputy}"] == (published, listed)
        activities = len(dataset["activities"].get(str(deputy), []))
        assert counts["activities", f"deputy:{deputy}"] == (activities, activities)

    status = mwatch("status", env={"DATABASE_URL": crawled})
    assert status.code == 0, status.stderr
    section = status.stdout.split("reconciliation:", 1)[1]
    assert section.startswith(f" {len(errors)} published total")
    for deputy, error in errors.items():
        assert f"requests [deputy:{deputy}]" in section
        assert f"({-error:+d})" in section
    assert section.count("[deputy:") == len(errors)


def session_window(dataset, number):
    """The session's first day and the day before the next one opens."""
    sessions = next(c for c in dataset["convocations"] if c["number"] == 8)["sessions"]
    chosen = next(s for s in sessions if s["number"] == number)
    following = [s for s in sessions if s["number"] == number + 1]
    until = (
        date.fromisoformat(following[0]["start_date"]) - timedelta(days=1)
        if following
        else date.fromisoformat(chosen["end_date"])
    )
    return chosen["id"], date.fromisoformat(chosen["start_date"]), until


def expected_figures(dataset, number):
    """Every sitting deputy's figures for the session, from the dataset alone."""
    session_id, since, until = session_window(dataset, number)
    requests = [r for r in dataset["requests"] if r["session_id"] == session_id]
    expected = {}
    for pair in dataset["deputies"]:
        deputy = pair["ru"]
        if not deputy["is_active"]:
            continue
        me = deputy["id"]
        initiated = [r for r in requests if me in {p["id"] for p in r["initiators"]}]
        activities = [
            a
            for a in dataset["activities"].get(str(me), [])
            if since <= date.fromisoformat(a["date"]) <= until
        ]
        receptions = [a for a in activities if a["title"].startswith("Прием граждан")]
        meetings = [a for a in activities if a not in receptions]
        region = deputy["region"]["name"] if deputy["region"] else None
        own = [a for a in meetings if a["place"].split(",")[0] == region]
        channel = channel_of(deputy["telegram_link"])
        posts = [
            p
            for name, account in dataset["telegram"].items()
            if name.lower() == channel and account["public"]
            for p in account["posts"]
            if not p["service"]
            and since
            <= datetime.fromisoformat(p["date"]).astimezone(UTC).date()
            <= until
        ]
        expected[me] = {
            "initiated": len(initiated),
            "cosigned": sum(
                1 for r in requests if me in {p["id"] for p in r["signatories"]}
            ),
            "answered": sum(1 for r in initiated if r["answer"]),
            "unanswered": sum(1 for r in initiated if not r["answer"]),
            "meetings_own": len(own),
            "meetings_elsewhere": len(meetings) - len(own),
            "receptions": len(receptions),
            "posts_telegram": len(posts),
            "posts_instagram": 0,
            "posts_facebook": 0,
        }
    return expected


TERMINAL_COLUMNS = (
    "initiated", "cosigned", "answered", "unanswered", "meetings_own",
    "meetings_elsewhere", "receptions", "posts_telegram", "posts_instagram",
    "posts_facebook",
)  # fmt: skip


# With the meetings clustered (a crawl of activities or posts ends by it), the
# table also counts meetings across all sources.
CLUSTERED_COLUMNS = ("id", *TERMINAL_COLUMNS[:7], "all_meetings", *TERMINAL_COLUMNS[7:])


def terminal_figures(stdout):
    """The session table's rows: {Mazhilis id: {figure: value}}, without the
    meetings across sources (test_reports_count_meetings_across_sources...)."""
    found = {}
    for line in stdout.split("Totals by group")[0].splitlines():
        cells = line[34:].split()
        if len(cells) == len(CLUSTERED_COLUMNS) and all(c.isdigit() for c in cells):
            figures = dict(zip(CLUSTERED_COLUMNS, map(int, cells), strict=True))
            found[figures.pop("id")] = {
                k: v for k, v in figures.items() if k in TERMINAL_COLUMNS
            }
    return found


@pytest.mark.parametrize("number", [2, 4])
def test_session_report_figures_equal_the_datasets(
    crawled, dataset, tmp_path, browser, number
):
    expected = expected_figures(dataset, number)
    assert sum(f["initiated"] for f in expected.values()) > 0
    assert sum(f["meetings_own"] for f in expected.values()) > 0
    page = tmp_path / "session.html"
    result = mwatch(
        "report", "session", "--convocation", "8", "--session", str(number),
        "--html", str(page), env={"DATABASE_URL": crawled},
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert terminal_figures(result.stdout) == expected
    # Single-mandate deputies apart: independents, then party members.
    groups = [line.split(" (")[0] for line in result.stdout.splitlines()]
    assert (
        groups.index("single-mandate, independent")
        < groups.index("single-mandate, AMANAT")
        < groups.index("party list")
    )
    assert "requests [deputy:61]: the source says" in result.stdout

    tab = browser.new_page()
    try:
        tab.goto(page.as_uri())
        assert tab.title().startswith("Session report")
        charts = tab.locator("svg.chart")
        assert charts.count() >= 3
        bars = tab.locator("svg#chart-deputies-requests rect.bar")
        assert bars.count() == len(expected)
        assert tab.locator("svg#chart-deputies-requests").bounding_box()["width"] > 0
        cells = tab.locator("table.deputies td[data-figure]").evaluate_all(
            "cells => cells.map(c => [c.dataset.deputy, c.dataset.figure, c.innerText])"
        )
        shown = {}
        for deputy, figure, value in cells:
            shown.setdefault(int(deputy), {})[figure] = int(value)
        assert {
            deputy: {k: v for k, v in figures.items() if k in TERMINAL_COLUMNS}
            for deputy, figures in shown.items()
        } == expected
        warning = tab.locator("ul.differences li").all_inner_texts()
        assert any("deputy:61" in text for text in warning)
    finally:
        tab.close()


def test_deputy_report_by_id_or_name_with_its_sources(
    crawled, dataset, browser, tmp_path
):
    env = {"DATABASE_URL": crawled}
    args = ("--convocation", "8", "--session", "2")
    by_id = mwatch("report", "deputy", "71", *args, env=env)
    assert by_id.code == 0, by_id.stderr
    by_name = mwatch("report", "deputy", "Abzal Kuspan", *args, env=env)
    assert by_name.code == 0, by_name.stderr
    assert by_name.stdout == by_id.stdout
    figures = expected_figures(dataset, 2)[71]
    shown = dict(re.findall(r"^  (\S[^\n]*?) +(\d+)$", by_id.stdout, re.MULTILINE))
    assert int(shown["requests initiated"]) == figures["initiated"]
    assert int(shown["requests co-signed"]) == figures["cosigned"]
    assert int(shown["receptions of citizens"]) == figures["receptions"]
    # Each request counted is listed with its PDF.
    session_id = session_window(dataset, 2)[0]
    for request in dataset["requests"]:
        ids = {p["id"] for p in request["initiators"] + request["signatories"]}
        if request["session_id"] == session_id and 71 in ids:
            path = request["document_url"].removeprefix("http://mazhilis.parlam.kz")
            assert f"{path}  {request['number']}" in by_id.stdout

    page = tmp_path / "deputy.html"
    result = mwatch("report", "deputy", "71", *args, "--html", str(page), env=env)
    assert result.code == 0, result.stderr
    tab = browser.new_page()
    try:
        tab.goto(page.as_uri())
        assert tab.locator("svg.chart").count() == 3
        for key, value in figures.items():
            shown = tab.locator(f'[data-deputy="71"][data-figure="{key}"]')
            assert shown.inner_text() == str(value), key
        # The figures' links (the topics' list the same requests again, and the
        # meetings across all sources the same activities and posts).
        links = tab.locator(
            "details:has(> summary > span.figure:not([data-figure^='topic:'])"
            ":not([data-figure^='all_'])) a[href]"
        ).count()
        assert (
            links
            == sum(figures[k] for k in ("initiated", "cosigned"))
            + sum(
                figures[k]
                for k in (
                    "answered",
                    "unanswered",
                    "meetings_own",
                    "meetings_elsewhere",
                )
            )
            + figures["receptions"]
            + figures["posts_telegram"]
        )
    finally:
        tab.close()


def test_an_ambiguous_name_lists_the_deputies_it_could_be(crawled, dataset):
    surnames = {}
    for pair in dataset["deputies"]:
        if pair["ru"]["is_active"]:
            surnames.setdefault(pair["ru"]["last_name"], []).append(pair["ru"]["id"])
    surname, ids = next((s, i) for s, i in sorted(surnames.items()) if len(i) > 1)
    result = mwatch("report", "deputy", surname, env={"DATABASE_URL": crawled})
    assert result.code == 2
    assert f"{surname!r} could be {len(ids)} deputies" in result.stderr
    for deputy in ids:
        assert f"mwatch report deputy {deputy}\n" in result.stderr + "\n"
    unknown = mwatch("report", "deputy", "Zzyzx Qwerty", env={"DATABASE_URL": crawled})
    assert unknown.code == 2 and "Zzyzx Qwerty" in unknown.stderr
    bad = mwatch(
        "report", "session", "--convocation", "8", "--session", "9",
        env={"DATABASE_URL": crawled},
    )  # fmt: skip
    assert bad.code == 2 and "--session 9" in bad.stderr


def test_reports_count_meetings_across_sources_once_clustered(crawled, tmp_path):
    copy = tmp_path / "clustered.sqlite"
    shutil.copy(crawled.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    env = {"DATABASE_URL": url}
    match = mwatch("meetings", "match", env=env)
    assert match.code == 0, match.stdout + match.stderr
    since, until = date(2025, 9, 1), date(2026, 6, 30)
    stored = rows(
        url,
        select(Deputy.mazhilis_id, Meeting.kind, func.count())
        .join(Deputy, Meeting.deputy_id == Deputy.id)
        .where(Meeting.meeting_date >= since, Meeting.meeting_date <= until)
        .group_by(Deputy.mazhilis_id, Meeting.kind),
    )
    assert stored
    result = mwatch(
        "report", "session", "--convocation", "8", "--session", "4", env=env
    )  # fmt: skip
    assert result.code == 0, result.stderr
    shown = {}
    for line in result.stdout.split("Totals by group")[0].splitlines():
        cells = line[34:].split()
        if len(cells) == len(CLUSTERED_COLUMNS) and all(c.isdigit() for c in cells):
            figures = dict(zip(CLUSTERED_COLUMNS, map(int, cells), strict=True))
            shown[figures["id"]] = figures["all_meetings"]
    expected = {deputy: n for deputy, kind, n in stored if kind == "meeting"}
    assert {d: n for d, n in shown.items() if n} == expected


def test_session_report_counts_the_topics_of_its_requests(crawled):
    tagged = rows(
        crawled,
        select(
            Topic.kind,
            Topic.party,
            Topic.thesis_number,
            Topic.name_en,
            func.count(DeputyRequest.id.distinct()),
        )
        .join(TopicTag, TopicTag.topic_id == Topic.id)
        .join(DeputyRequest, DeputyRequest.id == TopicTag.record_id)
        .join(RequestParticipant, RequestParticipant.request_id == DeputyRequest.id)
        .where(
            TopicTag.record_type == "request",
            DeputyRequest.source_session_id == 82,
            RequestParticipant.deputy_id.is_not(None),
        )
        .group_by(Topic.kind, Topic.party, Topic.thesis_number, Topic.name_en),
    )
    assert tagged, "the crawl tags requests with topics"
    result = mwatch(
        "report", "session", "--convocation", "8", "--session", "2",
        env={"DATABASE_URL": crawled},
    )  # fmt: skip
    assert result.code == 0, result.stderr
    section = result.stdout.split("Topics and programme theses")[1].split("\n\n")[0]
    shown = dict(re.findall(r"^  (\S.*?) +(\d+)$", section, re.MULTILINE))
    expected = {
        (f"{party} thesis {number}: {name}" if kind == "programme" else name): n
        for kind, party, number, name, n in tagged
    }
    assert {label: int(n) for label, n in shown.items()} == expected
