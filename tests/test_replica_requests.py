"""The replica's deputies' requests (SOURCES.md §1.3) and their PDFs, over real HTTP
against a running server."""

import io
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from replica import DatasetError, ReplicaProcess, generate_dataset, load_dataset
from replica.faults import FaultPlan
from replica.pdfs import OVERSIZED_LENGTH
from replica.process import SERVING_LINE
from replica.request_data import document_urls
from replica.samples import SAMPLE_REQUESTS, site_link

API = "/api/core/deputy-requests"
SAMPLE_IDS = {5012, 5013, 5020}


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {})
        ) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def at(base: str, link: str) -> str:
    """A document link (a path, or absolute on the site's host) on the replica."""
    return base + urllib.parse.urlsplit(link).path


def get_json(replica: ReplicaProcess, path: str, **query: object) -> dict:
    url = replica.url + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    status, _, body = fetch(url)
    assert status == 200, (url, status, body[:200])
    return json.loads(body)


def pdf_text(body: bytes) -> str:
    """The PDF's text, whitespace collapsed (a long title wraps over lines)."""
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaProcess]:
    with ReplicaProcess() as running:
        yield running


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset()


@pytest.fixture(scope="module")
def newest_first(dataset) -> list[dict]:
    return sorted(
        dataset["requests"], key=lambda r: (r["request_date"], r["id"]), reverse=True
    )


@pytest.fixture(scope="module")
def sample(samples) -> dict:
    path = samples / "mazhilis" / "deputy_requests.absolute_urls.json"
    return json.loads(path.read_text("utf-8"))


def test_sample_requests_served_as_in_the_sample(replica, sample):
    served = {
        r["id"]: r
        for day in ("2023-10-04", "2023-10-11")
        for r in get_json(replica, API, request_date=day, limit=100)["result"]
    }
    for item in sample["result"]:
        assert served[item["id"]] == item


def test_items_have_the_sample_shape(replica, sample):
    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {key: shape(v) for key, v in value.items()}
        if isinstance(value, list):
            return "list"
        return type(value).__name__

    expected = shape(sample["result"][0])
    unanswered = {**expected, "answer": "NoneType"}
    people = shape(sample["result"][1]["signatories"][0])
    page = get_json(replica, API, limit=100)
    assert set(page) == set(sample) == {"count", "result"}
    for item in page["result"]:
        assert shape(item) in (expected, unanswered)
        for person in item["initiators"] + item["signatories"]:
            assert shape(person) in (people, {**people, "id": "NoneType"})


def test_paging_by_limit_and_offset(replica, newest_first):
    first = get_json(replica, API)
    assert first["count"] == len(newest_first)
    assert [r["id"] for r in first["result"]] == [r["id"] for r in newest_first[:12]]
    second = get_json(replica, API, limit=12, offset=12)
    assert second["result"] == newest_first[12:24]
    collected = []
    for offset in range(0, len(newest_first), 100):
        collected += get_json(replica, API, limit=100, offset=offset)["result"]
    assert collected == newest_first
    clamped = get_json(replica, API, limit=1000)
    assert len(clamped["result"]) == 100
    past = get_json(replica, API, offset=len(newest_first))
    assert past == {"count": len(newest_first), "result": []}


def test_newest_first_by_date_then_id(replica):
    items = get_json(replica, API, limit=100)["result"]
    keys = [(r["request_date"], r["id"]) for r in items]
    assert keys == sorted(keys, reverse=True)
    day = get_json(replica, API, request_date="2023-10-04")["result"]
    assert [r["id"] for r in day] == list(range(5019, 5011, -1))


def _matches(request: dict, name: str, value: str) -> bool:
    """What a filter selects, from the contract."""
    people = request["initiators"] + request["signatories"]
    return {
        "convocation_id": lambda: request["convocation_id"] == int(value),
        "session_id": lambda: request["session_id"] == int(value),
        "deputy_id": lambda: any(p["id"] == int(value) for p in people),
        "request_date": lambda: request["request_date"] == value,
        "answer": lambda: (request["answer"] is not None) == (value == "true"),
        "q": lambda: value.casefold() in request["title"].casefold(),
    }[name]()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("convocation_id", "8"),
        ("convocation_id", "7"),
        ("session_id", "81"),
        ("session_id", "84"),
        ("deputy_id", "71"),
        ("deputy_id", "56"),
        ("request_date", "2023-10-04"),
        ("request_date", "2023-10-05"),
        ("answer", "true"),
        ("answer", "false"),
        ("q", "ДОРОГ"),
        ("q", "очистных"),
    ],
)
def test_each_filter(replica, newest_first, name, value):
    expected = [r for r in newest_first if _matches(r, name, value)]
    page = get_json(replica, API, limit=100, **{name: value})
    assert page["count"] == len(expected)
    assert page["result"] == expected[:100]


def test_deputy_matches_initiators_and_signatories(replica):
    ids = {r["id"] for r in get_json(replica, API, deputy_id=71, limit=100)["result"]}
    assert {5012, 5013} <= ids  # initiator of 5012, signatory of 5013
    assert 5020 not in ids


def test_filters_combine_and_null_or_empty_means_none(replica, newest_first):
    everything = get_json(replica, API, limit=5)
    assert everything["count"] == len(newest_first)
    for blank in ("null", ""):
        query = dict.fromkeys(
            (
                "convocation_id",
                "session_id",
                "deputy_id",
                "request_date",
                "answer",
                "q",
            ),
            blank,
        )
        assert get_json(replica, API, limit=5, **query) == everything
    both = get_json(replica, API, deputy_id=71, answer="true", q="АКТИВ")
    assert [r["id"] for r in both["result"]] == [5012]


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("deputy_id=71.0", "deputy_id"),
        ("session_id=x", "session_id"),
        ("convocation_id=eight", "convocation_id"),
        ("request_date=2023-10-4", "request_date"),
        ("request_date=2023-02-30", "request_date"),
        ("answer=maybe", "answer"),
    ],
)
def test_bad_parameters_give_400(replica, query, word):
    status, headers, body = fetch(f"{replica.url}{API}?{query}")
    assert status == 400
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert word in json.loads(body)["detail"]


def test_same_whatever_the_language_and_the_slash(replica):
    url = f"{replica.url}{API}?limit=30"
    bodies = {
        fetch(url, {"Accept-Language": language})[2] for language in ("kk", "ru", "en")
    }
    bodies.add(fetch(f"{replica.url}{API}/?limit=30")[2])
    assert len(bodies) == 1


def test_request_and_answer_pdfs_hold_their_text(replica, dataset):
    by_id = {r["id"]: r for r in dataset["requests"]}
    signed = next(
        r
        for r in dataset["requests"]
        if r["signatories"] and dataset["documents"][r["document_url"]]["fault"] is None
    )
    for request in (by_id[5012], by_id[5013], signed):
        status, headers, body = fetch(at(replica.url, request["document_url"]))
        assert (status, headers["Content-Type"]) == (200, "application/pdf")
        text = pdf_text(body)
        for part in (request["title"], request["number"], request["addressee"]):
            assert part in text
        assert date.fromisoformat(request["request_date"]).strftime("%d.%m.%Y") in text
        for person in request["initiators"] + request["signatories"]:
            assert person["full_name"] in text
        assert fetch(at(replica.url, request["document_url"]))[2] == body
    status, headers, body = fetch(
        at(replica.url, by_id[5012]["answer"]["document_url"])
    )
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    text = pdf_text(body)
    assert "03.11.2023" in text and "ДЗ-8-1-112" in text
    assert "Премьер-Министр Республики Казахстан" in text


def _with_fault(dataset: dict, fault: str) -> list[str]:
    return sorted(u for u, d in dataset["documents"].items() if d["fault"] == fault)


def test_missing_and_unknown_documents_are_404(replica, dataset):
    for url in _with_fault(dataset, "missing")[:3] + ["/media/requests/1.pdf"]:
        status, _, body = fetch(at(replica.url, url))
        assert status == 404
        assert b"404 Not Found" in body


def test_broken_documents_are_not_pdfs(replica, dataset):
    for url in _with_fault(dataset, "broken")[:3]:
        status, headers, body = fetch(at(replica.url, url))
        assert (status, headers["Content-Type"]) == (200, "application/pdf")
        assert body.startswith(b"%PDF-1.") and b"%%EOF" not in body
        with pytest.raises(PdfReadError):
            PdfReader(io.BytesIO(body)).pages[0].extract_text()


def test_no_text_documents_are_pdfs_without_text(replica, dataset):
    for url in _with_fault(dataset, "no_text")[:3]:
        status, headers, body = fetch(at(replica.url, url))
        assert (status, headers["Content-Type"]) == (200, "application/pdf")
        reader = PdfReader(io.BytesIO(body))
        assert len(reader.pages) == 1
        assert reader.pages[0].extract_text().strip() == ""


def _peak_memory_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def test_oversized_documents_stream_60_mib(dataset):
    """The first chunk comes at once, the server's memory does not grow by the
    document's size, and clients that stop early leave it serving."""
    url = _with_fault(dataset, "oversized")[0]
    process = subprocess.Popen(
        [sys.executable, "-m", "replica", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = SERVING_LINE.match(process.stdout.readline()).group(1)
        fetch(at(base, SAMPLE_REQUESTS[0]["document_url"]))  # warm up: fonts

        before = _peak_memory_kib(process.pid)
        with urllib.request.urlopen(at(base, url)) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert int(response.headers["Content-Length"]) == OVERSIZED_LENGTH
            assert response.read(64 * 1024).startswith(b"%PDF-")
            total = 64 * 1024
            while chunk := response.read(1024 * 1024):
                total += len(chunk)
        assert total == OVERSIZED_LENGTH
        assert _peak_memory_kib(process.pid) - before < 20 * 1024
        for _ in range(10):
            response = urllib.request.urlopen(at(base, url))
            response.read(100_000)
            response.close()
        assert fetch(base + "/api/core/convocations/")[0] == 200
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert (process.returncode, err) == (0, "")


def test_flaky_faults_reach_requests_and_documents():
    plan = FaultPlan("flaky", seed=8)
    paths = [f"{API}?limit=12&offset={n}" for n in range(0, 600, 12)]
    paths += [f"/media/requests/{n}.pdf" for n in range(5021, 5100)]
    failing = [p for p in paths if plan.decide(p, 0).status == 503][:4]
    assert failing
    with ReplicaProcess(faults="flaky") as replica:
        for path in failing:
            statuses = [fetch(replica.url + path)[0] for _ in range(3)]
            assert statuses[:2] == [503, 503]
            assert statuses[2] in (200, 404)  # a missing document stays missing


def _is_wednesday_in_session(request: dict, sessions: dict[int, dict]) -> bool:
    day = date.fromisoformat(request["request_date"])
    session = sessions[request["session_id"]]
    return day.weekday() == 2 and (
        session["start_date"] <= request["request_date"] <= session["end_date"]
    )


def test_generated_requests_look_real(dataset):
    requests = dataset["requests"]
    sessions = {s["id"]: s for c in dataset["convocations"] for s in c["sessions"]}
    assert 400 <= len(requests) <= 600
    per_session = Counter(r["session_id"] for r in requests)
    assert set(per_session) == {81, 82, 83, 84}
    assert all(_is_wednesday_in_session(r, sessions) for r in requests)
    assert len({r["id"] for r in requests}) == len(requests)
    by_date = sorted(requests, key=lambda r: (r["request_date"], r["id"]))
    assert [r["id"] for r in by_date] == sorted(r["id"] for r in requests)
    assert by_date[0]["id"] >= 4000
    for request in requests:
        if request["id"] not in SAMPLE_IDS:
            session = sessions[request["session_id"]]["number"]
            assert re.fullmatch(rf"ДЗ-8-{session}-\d+", request["number"])
    answered = [r for r in requests if r["answer"]]
    assert 0.5 < len(answered) / len(requests) < 0.7
    for request in answered:
        asked = date.fromisoformat(request["request_date"])
        replied = date.fromisoformat(request["answer"]["answer_date"])
        assert 14 <= (replied - asked).days <= 58
        assert replied <= date(2026, 6, 30)
        assert request["answer"]["document_url"] in (
            f"/media/requests/{request['id']}-answer.pdf",
            site_link(
                f"/media/requests/{replied:%Y/%m}/Ответ на запрос №{request['id']}.pdf"
            ),
        )


def test_addressed_mostly_to_the_prime_minister_of_the_day(dataset):
    requests = dataset["requests"]
    to_pm = [r for r in requests if r["addressee"].startswith("Премьер-Министру")]
    assert 0.5 < len(to_pm) / len(requests) < 0.8
    for request in to_pm:
        before = request["request_date"] < "2024-02-06"
        name = "Смаилову А.А." if before else "Бектенову О.А."
        assert request["addressee"].endswith(name)
    others = {r["addressee"].split()[0] for r in requests} - {"Премьер-Министру"}
    assert {"Министру", "Акиму"} <= others


def test_initiators_and_signatories_are_skewed(dataset):
    requests = dataset["requests"]
    initiated = Counter(p["id"] for r in requests for p in r["initiators"])
    signed = Counter(p["id"] for r in requests for p in r["signatories"])
    assert all(1 <= len(r["initiators"]) <= 3 for r in requests)
    assert all(len(r["signatories"]) <= 50 for r in requests)
    assert max(initiated.values()) >= 10
    assert sorted(initiated.values())[len(initiated) // 2] <= 5
    assert max(signed.values()) >= 50
    assert sum(count <= 5 for count in signed.values()) >= 20
    sitting = {d["kk"]["id"] for d in dataset["deputies"] if d["kk"]["is_active"]}
    assert set(initiated) - {None} <= sitting


def test_participants_named_as_on_the_site(dataset):
    ru = {d["ru"]["id"]: d["ru"] for d in dataset["deputies"]}
    people = [
        p for r in dataset["requests"] for p in r["initiators"] + r["signatories"]
    ]
    unlinked = [p for p in people if p["id"] is None]
    assert 0.003 < len(unlinked) / len(people) < 0.03
    # Who each of them is, for name matching's tests: a former deputy of the
    # 8th convocation, a typo of a sitting deputy's surname, or a deputy of the
    # 7th (None). A sitting deputy always comes with the id (SOURCES.md §1.3).
    unlisted = dataset["unlisted_names"]
    assert {p["full_name"] for p in unlinked} == set(unlisted)
    assert set(unlisted.values()) - {None} <= set(ru)
    former = {i for i, d in ru.items() if not d["is_active"]}
    for name, who in unlisted.items():
        if who is not None and who not in former:
            assert not name.startswith(ru[who]["last_name"] + " "), name  # a typo
    signed = Counter(unlisted[p["full_name"]] for p in unlinked)
    assert all(signed[i] >= 2 for i in former), signed
    assert unlisted["Смагулов Р.Б."] == 23  # the sample's
    # A surname and an initial alone, read like sitting 56 Калыков Арман's.
    assert unlisted["Калыков А."] == 27 and ru[56]["is_active"]
    assert unlisted["Куспан А."] == 31 and ru[71]["is_active"]
    linked = [p for p in people if p["id"] is not None]
    assert all(re.fullmatch(r"\S+ \S\.( ?\S\.)?", p["full_name"]) for p in linked)
    forms = Counter()
    for person in people:
        if person["id"] is not None:
            deputy = ru[person["id"]]
            assert person["full_name"].startswith(
                f"{deputy['last_name']} {deputy['first_name'][0]}."
            )
            forms[len(person["full_name"].split())] += 1
            forms["one initial"] += person["full_name"].count(".") == 1
    assert forms[3] > 0 and forms["one initial"] > 0


def test_document_faults_by_kind(dataset):
    documents = dataset["documents"]
    urls = [r["document_url"] for r in dataset["requests"]]
    urls += [r["answer"]["document_url"] for r in dataset["requests"] if r["answer"]]
    assert sorted(documents) == sorted(urls)
    faults = Counter(d["fault"] for d in documents.values())
    share = len(documents) / 100
    assert 1.5 * share <= faults["missing"] <= 2.5 * share
    assert 0.5 * share <= faults["broken"] <= 1.5 * share
    assert 0.5 * share <= faults["no_text"] <= 1.5 * share
    assert faults["oversized"] >= 1
    for request in SAMPLE_REQUESTS:
        for url in document_urls(request):
            assert documents[url]["fault"] is None


def test_scale_multiplies_requests():
    one, two = generate_dataset(), generate_dataset(scale=2)
    assert 1.7 < len(two["requests"]) / len(one["requests"]) < 2.3
    assert len({r["id"] for r in two["requests"]}) == len(two["requests"])
    assert [r for r in two["requests"] if r["id"] in SAMPLE_IDS] == [
        r for r in one["requests"] if r["id"] in SAMPLE_IDS
    ]


def _write(path: Path, dataset: dict) -> Path:
    path.write_text(json.dumps(dataset, ensure_ascii=False), "utf-8")
    return path


def _set(key: str, value: object) -> Callable[[dict], None]:
    return lambda dataset: dataset["requests"][7].__setitem__(key, value)


def _duplicate(dataset: dict) -> None:
    dataset["requests"][9]["id"] = dataset["requests"][7]["id"]


def _unknown_signatory(dataset: dict) -> None:
    dataset["requests"][7]["signatories"] = [{"id": 99999, "full_name": "Нет Н.Н."}]


def _document_fault(url: str, fault: str | None) -> Callable[[dict], None]:
    return lambda dataset: dataset["documents"].__setitem__(url, {"fault": fault})


ITEM = r"requests\[7\] \(id \d+\)"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda d: d["requests"][7].pop("addressee"),
            r"requests\[7\]: missing key 'addressee'",
        ),
        (_set("id", "4100"), r"requests\[7\]: 'id' has the wrong type"),
        (_set("answer", "yes"), r"requests\[7\]: 'answer' has the wrong type"),
        (
            _set("initiators", [{"id": 71}]),
            ITEM + r"\.initiators\[0\]: missing key 'full_name'",
        ),
        (_set("request_date", "4.10.2023"), ITEM + ": '4.10.2023' is not a YYYY-MM-DD"),
        (_set("session_id", 72), ITEM + ": session 72 is not one of convocation 8"),
        (_set("document_url", "/files/x.pdf"), ITEM + ": document '/files/x.pdf'"),
        (_duplicate, r"requests\[9\] \(id \d+\): duplicate id \(also requests\[7\]\)"),
        (_unknown_signatory, ITEM + r"\.signatories\[0\]: no deputy has id 99999"),
        (
            _document_fault("/media/requests/4003.pdf", "lost"),
            r"documents\['/media/requests/4003.pdf'\]: 'fault' is not null",
        ),
        (
            _document_fault("/media/requests/1.pdf", None),
            r"documents\['/media/requests/1.pdf'\]: no request or answer",
        ),
        (lambda d: d.__setitem__("requests", {}), "'requests' is not a list"),
    ],
)
def test_invalid_requests_name_file_and_item(tmp_path, change, problem):
    dataset = generate_dataset()
    change(dataset)
    path = _write(tmp_path / "dataset.json", dataset)
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert str(error.value).startswith(f"{path}: ")
    assert re.search(problem, str(error.value)), str(error.value)


def test_datasets_without_requests_still_load(tmp_path, replica):
    old = generate_dataset()
    for key in ("requests", "documents", "activities", "activities_api"):
        del old[key]
    dataset = load_dataset(_write(tmp_path / "old.json", old))
    assert dataset["requests"] == [] and dataset["documents"] == {}
    assert dataset["activities"] == {} and dataset["activities_api"] == "open"
    with ReplicaProcess(dataset=tmp_path / "old.json") as running:
        assert get_json(running, API) == {"count": 0, "result": []}
        assert fetch(running.url + "/media/requests/5012.pdf")[0] == 404


def test_documents_on_the_site_host_are_served_at_their_path_encoded_once(
    replica, dataset
):
    requests = dataset["requests"]
    absolute = [
        r
        for r in requests
        if r["document_url"].startswith("http://mazhilis.parlam.kz/media/requests/")
        and dataset["documents"][r["document_url"]]["fault"] is None
    ]
    assert 0.3 < len(absolute) / len(requests) < 0.7
    path = urllib.parse.urlsplit(absolute[0]["document_url"]).path
    assert urllib.parse.unquote(path).endswith(
        f"Депутатский запрос №{absolute[0]['id']}.pdf"
    )
    status, headers, body = fetch(replica.url + path)
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    assert absolute[0]["number"] in pdf_text(body)
    # Encoded twice (%25D0%2594...), it names no file.
    assert fetch(replica.url + path.replace("%", "%25"))[0] == 404
