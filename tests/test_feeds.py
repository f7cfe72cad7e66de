"""What changed, end to end: the real crawler reads the replica twice, its dataset
changed in between as the sites change (a request's title corrected, an answer
that arrives late, a post edited), on SQLite and PostgreSQL; the kept changes,
the answer deadlines' figures, the Atom feeds and the JSON Lines hold what the
dataset holds."""

import copy
import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from sqlalchemy import func, select

from replica import ReplicaProcess, dump_dataset, generate_dataset
from replica.request_data import document_urls
from storage.models import CrawlRun, Deputy, DeputyRequest, RecordChange
from tests.databases import postgres_database
from tests.e2e import mwatch, replica_today, rows
from tests.reports_data import channel_of

pytestmark = pytest.mark.e2e

SINCE, UNTIL = "2026-03-01", "2026-06-30"
ATOM = "{http://www.w3.org/2005/Atom}"
TERM = 15


def first_dataset() -> dict:
    """The default dataset's requests of spring 2026 and one Telegram channel; a
    ministry named in two spellings."""
    dataset = copy.deepcopy(generate_dataset())
    requests = [r for r in dataset["requests"] if SINCE <= r["request_date"] <= UNTIL]
    urls = {url for r in requests for url in document_urls(r)}
    dataset["requests"] = requests
    dataset["documents"] = {u: d for u, d in dataset["documents"].items() if u in urls}
    channel = sorted(dataset["telegram"])[0]
    dataset["telegram"] = {channel: dataset["telegram"][channel]}
    for pair in dataset["deputies"]:
        for deputy in pair.values():
            if channel_of(deputy["telegram_link"]) != channel.lower():
                deputy["telegram_link"] = None
            deputy["instagram_link"] = deputy["facebook_link"] = None
    dataset["instagram"], dataset["facebook"] = {}, {}
    # The same ministry, written as the site sometimes writes it.
    transport = [r for r in requests if "транспорта" in r["addressee"]]
    assert transport
    short = next(r for r in requests if r not in transport)
    short["addressee"] = "Министру транспорта РК"
    return dataset


@dataclass
class Crawled:
    url: str
    first: dict
    second: dict
    corrected: int  # the request whose title was corrected
    answered: int  # the request whose answer arrived, late
    edited: str  # the post edited: "telegram/<channel>/<id>"
    deleted: str  # the post deleted
    runs: list[int]  # the second crawl's runs
    again: list[int]  # the runs of a third crawl, over unchanged sources


def second_dataset(first: dict) -> tuple[dict, int, int, str, str]:
    dataset = copy.deepcopy(first)
    requests = dataset["requests"]
    corrected = next(r for r in requests if r["answer"])
    corrected["title"] += " (текст уточнён)"
    waiting = [r for r in requests if r["answer"] is None]
    # The oldest request still waiting gets its answer the day before today.
    answered = min(waiting, key=lambda r: (r["request_date"], r["id"]))
    path = f"/media/requests/{answered['id']}-answer.pdf"
    answered["answer"] = {
        "answer_date": (
            date.fromisoformat(replica_today()) - timedelta(days=1)
        ).isoformat(),
        "document_url": path,
    }
    dataset["documents"][path] = {"fault": None}
    (channel,) = dataset["telegram"]
    posts = sorted(
        (p for p in dataset["telegram"][channel]["posts"] if not p["service"]),
        key=lambda p: p["id"],
    )
    newest, deleted = posts[-1], posts[-2]
    newest["text"] = (newest["text"] or "") + " (исправлено)"
    newest["edited"] = True
    dataset["telegram"][channel]["posts"].remove(deleted)
    return (
        dataset,
        corrected["id"],
        answered["id"],
        f"telegram/{channel}/{newest['id']}",
        f"telegram/{channel}/{deleted['id']}",
    )


def environment(url: str, replica: ReplicaProcess) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "MWATCH_MAZHILIS_URL": replica.urls["mazhilis"],
        "MWATCH_TELEGRAM_URL": replica.urls["telegram"],
        "MWATCH_AUTOTHROTTLE": "off",
    }


def crawl_requests(env: dict[str, str]) -> None:
    result = mwatch(
        "backfill", "--since", SINCE, "--until", UNTIL, "mazhilis-requests", env=env
    )
    assert result.code == 0, result.stdout + result.stderr


def last_run_id(url: str) -> int:
    return rows(url, select(func.max(CrawlRun.id)))[0][0]


def crawl_twice(url: str, folder: Path) -> Crawled:
    first = first_dataset()
    second, corrected, answered, edited, deleted = second_dataset(first)
    assert mwatch("db", "upgrade", env={"DATABASE_URL": url}).code == 0
    dump_dataset(first, folder / "first.json")
    dump_dataset(second, folder / "second.json")
    with ReplicaProcess(dataset=folder / "first.json") as replica:
        env = environment(url, replica)
        result = mwatch("crawl", "mazhilis-deputies", "telegram", env=env)
        assert result.code == 0, result.stdout + result.stderr
        crawl_requests(env)
    before = last_run_id(url)
    with ReplicaProcess(dataset=folder / "second.json") as replica:
        env = environment(url, replica)
        crawl_requests(env)
        result = mwatch("crawl", "telegram", env=env)
        assert result.code == 0, result.stdout + result.stderr
        runs = list(range(before + 1, last_run_id(url) + 1))
        crawl_requests(env)
        result = mwatch("crawl", "telegram", env=env)
        assert result.code == 0, result.stdout + result.stderr
        again = list(range(runs[-1] + 1, last_run_id(url) + 1))
    return Crawled(
        url, first, second, corrected, answered, edited, deleted, runs, again
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("feeds")
    if request.param == "sqlite":
        yield crawl_twice(f"sqlite:///{folder / 'crawled.sqlite'}", folder)
        return
    with postgres_database() as url:
        yield crawl_twice(url, folder)


def kept(url: str, runs: list[int] | None = None) -> list[RecordChange]:
    statement = select(
        RecordChange.record_type,
        RecordChange.record_key,
        RecordChange.change,
        RecordChange.field,
        RecordChange.new_value,
        RecordChange.run_id,
    )
    if runs is not None:
        statement = statement.where(RecordChange.run_id.in_(runs))
    return rows(url, statement)


def test_the_second_crawl_keeps_exactly_what_changed(crawled):
    second = kept(crawled.url, crawled.runs)
    requests = {
        (row.record_key, row.field)
        for row in second
        if row.record_type == "deputy_requests"
    }
    assert requests == {
        (str(crawled.corrected), "title"),
        (str(crawled.answered), "answer_date"),
        (str(crawled.answered), "answer_document_url"),
    }
    posts = {
        (r.record_key, r.change, r.field) for r in second if r.record_type == "posts"
    }
    assert posts == {
        (crawled.edited, "update", "edited"),
        (crawled.edited, "update", "text"),
        (crawled.deleted, "gone", None),
    }
    # The answer's PDF is a new file of its request; the corrected request's PDFs
    # (whose text holds the title) changed with it; nothing else changed.
    ids = dict(rows(crawled.url, select(DeputyRequest.mazhilis_id, DeputyRequest.id)))
    answered, corrected = ids[crawled.answered], ids[crawled.corrected]
    others = {
        (r.record_type, r.record_key, r.change, r.field)
        for r in second
        if r.record_type not in ("deputy_requests", "posts")
    }
    assert others == {("request_files", f"{answered}/answer", "insert", None)} | {
        ("request_files", f"{corrected}/{kind}", "update", field)
        for kind in ("request", "answer")
        for field in ("content_hash", "size", "text")
    }
    # Each run's report says how many it added.
    for run_id in crawled.runs:
        report = rows(crawled.url, select(CrawlRun.report).where(CrawlRun.id == run_id))
        added = sum(1 for row in second if row.run_id == run_id)
        assert report[0][0]["changes_added"] == added


def test_a_crawl_over_unchanged_sources_keeps_nothing(crawled):
    assert len(crawled.again) == 2
    assert kept(crawled.url, crawled.again) == []
    for run_id in crawled.again:
        report = rows(crawled.url, select(CrawlRun.report).where(CrawlRun.id == run_id))
        assert report[0][0]["changes_added"] == 0


def test_the_first_crawl_kept_an_insert_per_record(crawled):
    later = crawled.runs + crawled.again
    first = [r for r in kept(crawled.url) if r.run_id not in later]
    requests = [r for r in first if r.record_type == "deputy_requests"]
    assert {r.change for r in first} == {"insert"}
    assert sorted(int(r.record_key) for r in requests) == sorted(
        r["id"] for r in crawled.first["requests"]
    )
    (channel,) = crawled.first["telegram"]
    posts = [r for r in first if r.record_type == "posts"]
    assert len(posts) == len(
        [p for p in crawled.first["telegram"][channel]["posts"] if not p["service"]]
    )


def expected_states(dataset: dict) -> dict[int, dict]:
    today = date.fromisoformat(replica_today())
    found = {}
    for request in dataset["requests"]:
        sent = date.fromisoformat(request["request_date"])
        due = sent + timedelta(days=TERM)
        answer = request["answer"]
        answered = date.fromisoformat(answer["answer_date"]) if answer else None
        found[request["id"]] = {
            "due": due,
            "overdue": answered is None and today > due,
            "late": answered is not None and answered > due,
            "days": (answered - sent).days if answered else None,
        }
    return found


def export(url: str, fmt: str, out: Path) -> None:
    result = mwatch(
        "export", "--format", fmt, "--out", str(out), env={"DATABASE_URL": url}
    )
    assert result.code == 0, result.stdout + result.stderr


def test_deadline_figures_equal_the_datasets(crawled):
    states = expected_states(crawled.second)
    env = {"DATABASE_URL": crawled.url}
    by_addressee = mwatch("deadlines", "--by", "addressee", "--json", env=env)
    assert by_addressee.code == 0, by_addressee.stderr
    groups = [json.loads(line) for line in by_addressee.stdout.splitlines()]
    transport = [
        r
        for r in crawled.second["requests"]
        if r["addressee"].startswith("Министру транспорта")
    ]
    (found,) = [g for g in groups if g["key"] == "министру транспорта рк"]
    assert found["sent"] == len(transport) >= 2
    assert len({r["addressee"] for r in transport}) == 2
    assert sum(g["sent"] for g in groups) == len(crawled.second["requests"])
    assert sum(g["overdue"] for g in groups) == sum(
        s["overdue"] for s in states.values()
    )
    assert sum(g["answered_late"] for g in groups) == sum(
        s["late"] for s in states.values()
    )
    # Most overdue first.
    assert [g["overdue"] for g in groups] == sorted(
        (g["overdue"] for g in groups), reverse=True
    )
    sessions = {
        s["id"]: (c["number"], s["number"])
        for c in crawled.second["convocations"]
        for s in c["sessions"]
    }
    expected: dict[str, list] = defaultdict(list)
    for request in crawled.second["requests"]:
        convocation, number = sessions[request["session_id"]]
        expected[f"{convocation}/{number}"].append(states[request["id"]])
    by_session = mwatch("deadlines", "--by", "session", "--json", env=env)
    found_sessions = {
        g["key"]: g for g in map(json.loads, by_session.stdout.splitlines())
    }
    assert set(found_sessions) == set(expected)
    for key, states_of in expected.items():
        days = [s["days"] for s in states_of if s["days"] is not None]
        assert found_sessions[key] == found_sessions[key] | {
            "sent": len(states_of),
            "answered": len(days),
            "answered_late": sum(s["late"] for s in states_of),
            "overdue": sum(s["overdue"] for s in states_of),
            "median_days_to_answer": statistics.median(days) if days else None,
        }
    by_deputy = mwatch("deadlines", "--by", "deputy", "--json", env=env)
    deputies = dict(rows(crawled.url, select(Deputy.id, Deputy.mazhilis_id)))
    found_deputies = {
        deputies[int(g["key"])]: g
        for g in map(json.loads, by_deputy.stdout.splitlines())
    }
    signed: dict[int, list] = defaultdict(list)
    for request in crawled.second["requests"]:
        for person in {p["id"] for p in request["initiators"] + request["signatories"]}:
            if person is not None:
                signed[person].append(states[request["id"]])
    assert set(found_deputies) == set(signed)
    for person, states_of in signed.items():
        assert found_deputies[person]["sent"] == len(states_of)
        assert found_deputies[person]["overdue"] == sum(s["overdue"] for s in states_of)


def test_exports_carry_each_requests_deadline(crawled, tmp_path):
    export(crawled.url, "json", tmp_path)
    states = expected_states(crawled.second)
    records = json.loads((tmp_path / "requests.json").read_text(encoding="utf-8"))
    assert len(records) == len(states)
    for record in records:
        state = states[record["mazhilis_id"]]
        assert record["answer_due_date"] == state["due"].isoformat()
        assert record["overdue"] == state["overdue"]
        assert record["answered_late"] == state["late"]
        assert record["days_to_answer"] == state["days"]
        assert (record["days_waiting"] is None) == (state["days"] is not None)
    export(crawled.url, "csv", tmp_path)
    header = (tmp_path / "requests.csv").read_text(encoding="utf-8").splitlines()[0]
    for column in ("answer_due_date", "overdue", "days_to_answer", "days_waiting"):
        assert column in header.split(",")


def entries(path: Path) -> list:
    return etree.parse(str(path)).getroot().findall(f"{ATOM}entry")


def test_feeds_parse_back_to_what_the_database_holds(crawled, tmp_path):
    export(crawled.url, "atom", tmp_path / "one")
    export(crawled.url, "atom", tmp_path / "two")
    files = sorted(
        p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.atom")
    )
    assert files == sorted(
        p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.atom")
    )
    # Unchanged data, byte-identical feeds.
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (
            tmp_path / "two" / name
        ).read_bytes()
    out = tmp_path / "one"
    states = expected_states(crawled.second)
    overdue = {i for i, s in states.items() if s["overdue"]}
    stored = rows(crawled.url, select(func.count()).select_from(RecordChange))[0][0]
    everything = entries(out / "all.atom")
    assert len(everything) == stored + len(overdue)
    ids = [e.findtext(f"{ATOM}id") for e in everything]
    assert len(set(ids)) == len(ids)
    updated = [e.findtext(f"{ATOM}updated") for e in everything]
    assert updated == sorted(updated, reverse=True)
    for entry in everything:
        link = urlsplit(entry.find(f"{ATOM}link").get("href"))
        assert link.scheme == "https" and link.hostname != "127.0.0.1", link
        kind = entry.find(f"{ATOM}category").get("term")
        if "request" in kind or "answer" in kind:
            assert link.hostname == "mazhilis.parlam.kz", link
    for path in out.rglob("*.atom"):
        assert b"127.0.0.1" not in path.read_bytes()
    # The answer that arrived, with its PDF and its deputies.
    (answer,) = entries(out / "answers.atom")
    assert answer.find(f"{ATOM}link").get("href") == (
        f"https://mazhilis.parlam.kz/media/requests/{crawled.answered}-answer.pdf"
    )
    request = next(r for r in crawled.second["requests"] if r["id"] == crawled.answered)
    assert answer.findtext(f"{ATOM}updated").startswith(
        str(
            rows(
                crawled.url,
                select(func.max(RecordChange.changed_at)).where(
                    RecordChange.field == "answer_date"
                ),
            )[0][0].date()
        )
    )
    signers = {p["id"] for p in request["initiators"] + request["signatories"]}
    names = {
        " ".join(p for p in (d.last_name, d.first_name, d.patronymic) if p)
        for d in rows(
            crawled.url,
            select(Deputy.last_name, Deputy.first_name, Deputy.patronymic).where(
                Deputy.mazhilis_id.in_(signers - {None})
            ),
        )
    }
    authors = {a.findtext(f"{ATOM}name") for a in answer.findall(f"{ATOM}author")}
    assert authors == names and names
    # Each deputy's feed has their changes: the answer's signers theirs.
    deputies = rows(crawled.url, select(Deputy.mazhilis_id))
    assert len(list((out / "deputies").glob("*.atom"))) == len(deputies)
    for mazhilis_id in signers - {None}:
        mine = entries(out / "deputies" / f"person-mazhilis-{mazhilis_id}.atom")
        assert answer.findtext(f"{ATOM}id") in {e.findtext(f"{ATOM}id") for e in mine}
    # The overdue requests, each dated the day after its deadline.
    late = entries(out / "overdue.atom")
    assert len(late) == len(overdue)
    for entry in late:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith("https://mazhilis.parlam.kz/media/requests/")
    due_days = sorted(
        (states[i]["due"] + timedelta(days=1)).isoformat() for i in overdue
    )
    assert sorted(e.findtext(f"{ATOM}updated")[:10] for e in late) == due_days
    # A topic's feed holds its tagged records' changes.
    topics = list((out / "topics").glob("*.atom"))
    assert topics
    tagged = sum(len(entries(path)) for path in topics)
    assert tagged > 0


def test_json_lines_hold_every_change(crawled, tmp_path):
    export(crawled.url, "jsonl", tmp_path)
    lines = (tmp_path / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    found = [json.loads(line) for line in lines]
    stored = rows(crawled.url, select(func.count()).select_from(RecordChange))[0][0]
    overdue = sum(s["overdue"] for s in expected_states(crawled.second).values())
    assert len(found) == stored + overdue
    kinds = {e["kind"] for e in found}
    assert {
        "new request",
        "answer arrived",
        "request title corrected",
        "post edited",
    } <= kinds
    (title,) = [e for e in found if e["kind"] == "request title corrected"]
    assert title["new_value"].endswith("(текст уточнён)")
    assert title["record_key"] == str(crawled.corrected)


def test_session_report_has_the_addressees_by_lateness(crawled):
    sessions = {
        s["id"]: (c["number"], s["number"])
        for c in crawled.second["convocations"]
        for s in c["sessions"]
    }
    request = next(r for r in crawled.second["requests"] if r["id"] == crawled.answered)
    convocation, number = sessions[request["session_id"]]
    mine = [
        r
        for r in crawled.second["requests"]
        if r["session_id"] == request["session_id"]
    ]
    states = expected_states(crawled.second)
    result = mwatch(
        "report",
        "session",
        *("--convocation", str(convocation), "--session", str(number)),
        env={"DATABASE_URL": crawled.url},
    )
    assert result.code == 0, result.stderr
    table = result.stdout.split("answers by addressee, most overdue first", 1)[1]
    lines = table.splitlines()[2:]
    cells = [line.split(None, 5) for line in lines if line.strip()]
    assert sum(int(c[0]) for c in cells) == len(mine)
    assert sum(int(c[3]) for c in cells) == sum(
        states[r["id"]]["overdue"] for r in mine
    )
    assert sum(int(c[2]) for c in cells) == sum(states[r["id"]]["late"] for r in mine)
    overdue = [int(c[3]) for c in cells]
    assert overdue == sorted(overdue, reverse=True)
