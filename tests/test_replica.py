"""The replica of the Mazhilis site, over real HTTP against a running server."""

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from replica import (
    DatasetError,
    ReplicaProcess,
    build_app,
    dump_dataset,
    generate_dataset,
    load_dataset,
    main,
    validate_dataset,
)
from replica.dataset import FORMER_DEPUTIES
from replica.faults import FaultPlan
from replica.names import KAZAKH_ALPHABET, RUSSIAN_ALPHABET, sort_key

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "sources" / "mazhilis"
FACTION_SEATS = {
    "Фракция партии «AMANAT»": 40,
    "Фракция партии «AUYL»": 8,
    "Фракция партии «Ак жол»": 6,
    "Фракция партии «Respublica»": 6,
    "Фракция «Народная партия Казахстана»": 5,
    "Фракция «Общенациональная социал-демократическая партия»": 4,
}


def fetch(url: str, language: str | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET, errors included."""
    headers = {"Accept-Language": language} if language else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(replica: ReplicaProcess, path: str, language: str | None = None):
    status, _, body = fetch(replica.url + path, language)
    assert status == 200, (path, status, body[:200])
    return json.loads(body)


@pytest.fixture(scope="module")
def replica() -> Iterator[ReplicaProcess]:
    with ReplicaProcess() as running:
        yield running


@pytest.fixture(scope="module")
def sitting(replica: ReplicaProcess) -> dict[str, list[dict]]:
    return {
        language: get_json(replica, "/api/core/deputies/?ord=last_name", language)
        for language in ("kk", "ru")
    }


def test_lists_98_sitting_deputies_by_last_name(sitting):
    for language, alphabet in (("kk", KAZAKH_ALPHABET), ("ru", RUSSIAN_ALPHABET)):
        deputies = sitting[language]
        assert len(deputies) == 98
        assert all(d["is_active"] for d in deputies)
        assert len({d["id"] for d in deputies}) == 98
        keys = [sort_key(d["last_name"], alphabet) for d in deputies]
        assert keys == sorted(keys)


def test_29_single_mandate_districts_and_69_list_seats(sitting):
    deputies = sitting["ru"]
    districts = [d["region"] for d in deputies if d["deputy_type"] == 1]
    assert sorted(r["number"] for r in districts) == list(range(1, 30))
    assert all(r["id"] == r["number"] for r in districts)
    assert {r["name"] for r in districts} >= {"г. Астана", "Карагандинская область"}
    assert all(d["region"] is None for d in deputies if d["deputy_type"] == 2)
    list_seats = Counter(d["party"]["name"] for d in deputies if d["deputy_type"] == 2)
    assert list_seats == FACTION_SEATS
    district_parties = Counter(
        d["party"] and d["party"]["name"] for d in deputies if d["deputy_type"] == 1
    )
    assert set(district_parties) == {"Фракция партии «AMANAT»", None}


def test_kazakh_by_default_russian_when_asked(replica, sitting):
    by_id = {d["id"]: d for d in sitting["kk"]}
    assert {d["id"] for d in sitting["ru"]} == set(by_id)
    assert by_id[56]["last_name"] == "ҚАЛЫҚОВ"
    assert any(
        d["region"] and d["region"]["name"] == "Астана қ." for d in by_id.values()
    )
    path = replica.url + "/api/core/deputies/56/"
    for header, language in [
        (None, "kk"),
        ("kk", "kk"),
        ("en-US,en;q=0.9,ru;q=0.8", "kk"),
        ("ru", "ru"),
        ("ru-RU,ru;q=0.9", "ru"),
    ]:
        status, headers, body = fetch(path, header)
        assert status == 200
        assert headers["Content-Language"] == language
        assert headers["Vary"] == "Accept-Language"
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        expected = "Калыков" if language == "ru" else "ҚАЛЫҚОВ"
        assert json.loads(body)["last_name"] == expected
        assert b"\\u" not in body  # UTF-8, not ASCII escapes


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_sample_deputies_served_as_in_the_samples(replica, sitting, language):
    samples = json.loads((SAMPLES / f"deputies.{language}.json").read_text("utf-8"))
    listed = {d["id"]: d for d in sitting[language]}
    for sample in samples:
        assert get_json(replica, f"/api/core/deputies/{sample['id']}/", language) == (
            sample
        )
        assert listed[sample["id"]] == sample


def test_deputies_named_by_the_sample_requests(replica):
    assert get_json(replica, "/api/core/deputies/61/", "ru")["last_name"] == "Назаров"
    assert get_json(replica, "/api/core/deputies/64/", "ru")["last_name"] == "Исабеков"


def test_former_deputy_by_id_only_and_unknown_is_404(replica, sitting):
    sitting_ids = {d["id"] for d in sitting["kk"]}
    former = [
        d["kk"]["id"]
        for d in generate_dataset()["deputies"]
        if not d["kk"]["is_active"]
    ]
    assert len(former) == 2 + len(FORMER_DEPUTIES)
    for deputy_id in former:
        assert deputy_id not in sitting_ids
        assert (
            get_json(replica, f"/api/core/deputies/{deputy_id}")["is_active"] is False
        )
    status, headers, body = fetch(replica.url + "/api/core/deputies/99999/")
    assert (status, json.loads(body)) == (404, {"detail": "Not found."})
    assert headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_by_alphabet_holds_each_sitting_and_former_deputy_once(
    replica, sitting, language
):
    groups = get_json(replica, "/api/core/deputies/by-alphabet/", language)
    alphabet = KAZAKH_ALPHABET if language == "kk" else RUSSIAN_ALPHABET
    letters = [g["letter"] for g in groups]
    assert letters == sorted(set(letters), key=alphabet.index)
    for group in groups:
        assert all(
            d["last_name"][0].upper() == group["letter"] for d in group["deputies"]
        )
    listed = {d["id"]: d for g in groups for d in g["deputies"]}
    assert len(listed) == sum(len(g["deputies"]) for g in groups)
    everyone = {d[language]["id"]: d[language] for d in generate_dataset()["deputies"]}
    assert listed.keys() == everyone.keys()
    former = {i for i, d in listed.items() if d["is_active"] is False}
    assert former == set(listed) - {d["id"] for d in sitting[language]}
    assert {19, 23, 27, 31} <= former
    # Every avatar as an absolute link on the site's host, its name encoded once.
    for deputy_id, deputy in listed.items():
        avatar = deputy["avatar_url"]
        assert avatar.startswith("http://mazhilis.parlam.kz/media/deputy_avatars/")
        assert unquote(avatar) == "http://mazhilis.parlam.kz" + unquote(
            everyone[deputy_id]["avatar_url"].removeprefix("http://mazhilis.parlam.kz")
        )
        assert unquote(avatar).isprintable() and " " not in avatar


def test_by_alphabet_gives_the_samples_as_deputies_by_alphabet_shows(replica):
    sample = json.loads((SAMPLES / "deputies_by_alphabet.ru.json").read_text("utf-8"))
    groups = get_json(replica, "/api/core/deputies/by-alphabet/", "ru")
    served = {d["id"]: d for g in groups for d in g["deputies"]}
    for deputy in (d for g in sample for d in g["deputies"]):
        assert served[deputy["id"]] == deputy


def test_convocations_in_the_sample_shape(replica):
    sample = json.loads((SAMPLES / "convocations.json").read_text("utf-8"))
    served = get_json(replica, "/api/core/convocations/")
    assert served[1] == sample[1]
    assert served[0]["sessions"][:3] == sample[0]["sessions"]
    assert {k: v for k, v in served[0].items() if k != "sessions"} == {
        k: v for k, v in sample[0].items() if k != "sessions"
    }


@pytest.mark.parametrize(
    ("with_slash", "without"),
    [
        ("/api/core/deputies/?ord=last_name", "/api/core/deputies"),
        ("/api/core/deputies/by-alphabet/", "/api/core/deputies/by-alphabet"),
        ("/api/core/deputies/71/", "/api/core/deputies/71"),
        ("/api/core/convocations/", "/api/core/convocations"),
    ],
)
def test_paths_with_and_without_final_slash(replica, with_slash, without):
    assert get_json(replica, with_slash) == get_json(replica, without)


def test_robots_txt_allows_everything(replica):
    status, _, body = fetch(replica.url + "/robots.txt")
    assert status == 200
    assert body.decode().splitlines() == ["User-agent: *", "Allow: /"]


def test_stats_count_requests_and_reset(replica):
    replica.reset()
    fetch(replica.url + "/api/core/convocations/")
    fetch(replica.url + "/api/core/deputies/56/")
    fetch(replica.url + "/api/core/deputies/56/")
    stats = replica.stats()
    assert stats == {
        "requests": 3,
        "faults": {
            "503": 0,
            "429": 0,
            "500": 0,
            "delay": 0,
            "renamed-fields": 0,
            "empty-lists": 0,
            "encodings": 0,
            "garbled": 0,
        },
        "by_path": {"/api/core/convocations/": 1, "/api/core/deputies/56/": 2},
    }
    replica.reset()
    assert replica.stats()["requests"] == 0


def test_generation_is_deterministic(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    dump_dataset(generate_dataset(), first)
    dump_dataset(generate_dataset(), second)
    assert first.read_bytes() == second.read_bytes()
    assert generate_dataset(seed=9) != generate_dataset()
    assert load_dataset(first) == generate_dataset()


def test_generated_deputies_look_real():
    deputies = generate_dataset()["deputies"]
    validate_dataset(generate_dataset())
    fixed = {56, 71, 88, *FORMER_DEPUTIES}
    generated = [d for d in deputies if d["kk"]["id"] not in fixed]
    for deputy in generated:
        kk, ru = deputy["kk"], deputy["ru"]
        assert kk["last_name"].isupper() and ru["last_name"].istitle()
        assert re.fullmatch(r"[а-яё]+", ru["last_name"][1:])  # no Kazakh letters
        if kk["patronymic"] not in (None, "None"):
            assert kk["patronymic"].endswith(("ұлы", "қызы"))
            assert ru["patronymic"].endswith(("ович", "овна", "улы", "кызы"))
        assert kk["timestamp"].endswith("+05:00")
        assert kk["avatar_url"] == (
            f"/media/deputy_avatars/{kk['id']}/2023-03-29/{ru['last_name']}_2023_22.JPG"
        )
    women = [d for d in generated if (d["kk"]["patronymic"] or "").endswith("қызы")]
    assert women and all(d["ru"]["last_name"][-1] != "в" for d in women)
    assert sum(d["kk"]["patronymic"] is None for d in generated) >= 1
    assert any(" @" in d["kk"]["email"] for d in generated)
    telegram = [d["kk"]["telegram_link"] for d in generated if d["kk"]["telegram_link"]]
    assert 0 < len(telegram) < len(generated)
    assert all(link.startswith("https://t.me/") for link in telegram)
    chairs = [d for d in generated if d["ru"]["position"] == "Председатель комитета"]
    assert len(chairs) == 7


def test_scale_multiplies_deputies_with_unique_ids_and_names():
    deputies = [
        d for d in generate_dataset(scale=3)["deputies"] if d["kk"]["is_active"]
    ]
    assert len(deputies) == 3 * 98
    assert len({d["kk"]["id"] for d in deputies}) == len(deputies)
    for language in ("kk", "ru"):
        full_names = {
            (
                d[language]["last_name"],
                d[language]["first_name"],
                d[language]["patronymic"],
            )
            for d in deputies
        }
        assert len(full_names) == len(deputies)


def _write(path: Path, dataset: dict) -> Path:
    path.write_text(json.dumps(dataset, ensure_ascii=False), "utf-8")
    return path


def _without_deputies(path: Path) -> Path:
    dataset = generate_dataset()
    del dataset["deputies"]
    return _write(path, dataset)


def _with_ids_apart(path: Path) -> Path:
    dataset = generate_dataset()
    dataset["deputies"][3]["ru"]["id"] = 1
    return _write(path, dataset)


def _with_duplicate(path: Path) -> Path:
    dataset = generate_dataset()
    dataset["deputies"].append(dataset["deputies"][0])
    return _write(path, dataset)


def _not_json(path: Path) -> Path:
    path.write_text('{"format": ]', "utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda path: path, "no such file"),
        (_not_json, "not JSON (line 1, column 12"),
        (lambda path: _write(path, {"format": "other"}), "format is 'other'"),
        (_without_deputies, "missing key 'deputies'"),
        (_with_ids_apart, "kk id"),
        (_with_duplicate, "duplicate deputy id"),
    ],
)
def test_load_dataset_names_file_and_problem(tmp_path, make, problem):
    path = make(tmp_path / "dataset.json")
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


def test_unknown_keys_are_ignored(tmp_path):
    path = _write(tmp_path / "dataset.json", {**generate_dataset(), "senate": []})
    assert load_dataset(path)["deputies"] == generate_dataset()["deputies"]


def test_serve_rejects_bad_dataset_and_profile(tmp_path, capsys):
    missing = tmp_path / "missing.json"
    assert main(["serve", "--dataset", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: no such file\n"
    assert main(["serve", "--faults", "sometimes"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown fault profile 'sometimes'")
    assert "none, slow, flaky, chaos" in err
    with pytest.raises(ValueError, match="valid: none, slow, flaky, chaos"):
        build_app(generate_dataset(), "sometimes")


def test_replica_process_reports_why_it_did_not_start():
    with pytest.raises(RuntimeError, match="unknown fault profile"):
        ReplicaProcess(faults="sometimes").start()


def test_serve_prints_one_line_and_stops_on_sigint(tmp_path):
    dataset = tmp_path / "dataset.json"
    assert main(["generate", "--out", str(dataset), "--seed", "3"]) == 0
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "replica",
            "serve",
            "--port",
            "0",
            "--dataset",
            str(dataset),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    about = re.escape(f"(dataset: {dataset}, faults: none)")
    assert re.fullmatch(rf"replica serving on http://127\.0\.0\.1:\d+ {about}\n", line)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert (process.returncode, out, err) == (0, "", "")


def test_flaky_faults_recover_within_three_attempts():
    paths = [
        "/api/core/deputies/?ord=last_name",
        "/api/core/deputies/by-alphabet/",
        "/api/core/convocations/",
    ] + [f"/api/core/deputies/{d['kk']['id']}/" for d in generate_dataset()["deputies"]]
    plan = FaultPlan("flaky", seed=8)
    seen: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    with ReplicaProcess(faults="flaky") as replica:
        for path in paths:
            for language in ("kk", "ru"):
                for _ in range(3):
                    status, headers, _ = fetch(replica.url + path, language)
                    assert status == (plan.decide(path, attempts[path]).status or 200)
                    attempts[path] += 1
                    if status == 200:
                        break
                    seen[str(status)] += 1
                    if status == 429:
                        assert headers["Retry-After"] == "1"
                assert status == 200, path
        stats = replica.stats()
    assert set(seen) == {"503", "429", "500"}
    assert stats["faults"] == {
        **dict.fromkeys(("503", "429", "500"), 0),
        **seen,
        "delay": 0,
        "renamed-fields": 0,
        "empty-lists": 0,
        "encodings": 0,
        "garbled": 0,
    }
    assert stats["requests"] == sum(attempts.values())


def test_slow_delays_about_a_third_of_requests():
    plan = FaultPlan("slow", seed=8)
    paths = [f"/api/core/deputies/{n}/" for n in range(40, 200)]
    delays = [plan.decide(path, 0).delay for path in paths]
    assert 0.25 < sum(d > 0 for d in delays) / len(delays) < 0.42
    assert all(d == 0 or 0.3 <= d <= 1.5 for d in delays)
    assert all(plan.decide(path, 0).status is None for path in paths)
    delayed = min((d, p) for d, p in zip(delays, paths, strict=True) if d)
    prompt = next(p for d, p in zip(delays, paths, strict=True) if not d)
    with ReplicaProcess(faults="slow") as replica:
        started = time.monotonic()
        fetch(replica.url + delayed[1])
        assert time.monotonic() - started >= delayed[0]
        started = time.monotonic()
        fetch(replica.url + prompt)
        assert time.monotonic() - started < 0.3
        assert replica.stats()["faults"]["delay"] == 1
        assert replica.stop() == 0


def test_chaos_is_slow_and_flaky_together():
    chaos, slow, flaky = (FaultPlan(p, seed=8) for p in ("chaos", "slow", "flaky"))
    for n in range(200):
        path = f"/api/core/deputies/{n}/"
        for attempt in range(3):
            fault = chaos.decide(path, attempt)
            assert fault.delay == slow.decide(path, attempt).delay
            assert fault.status == flaky.decide(path, attempt).status
