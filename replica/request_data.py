"""Deputies' requests in the dataset (SOURCES.md §1.3): generation and validation.

`requests` holds the API's items; `documents` maps every document URL of a request
or an answer to `{"fault": null | "missing" | "broken" | "oversized" | "no_text"}`
(the documents' text is made from the request when it is served);
`unlisted_names` maps each name a participant is given by without an id to the
deputy it names: a former deputy (`is_active: false`), the sitting deputy whose
surname it misspells, or null (a deputy of the 7th convocation, in no
convocation of the dataset). It is not served: it is the answer name matching
should find.
"""

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from replica.params import ISO_DATE
from replica.places import REGIONS
from replica.samples import SAMPLE_REQUESTS, SITE, site_link
from replica.topics import TOPICS, Topic

DOCUMENT_FAULTS = ("missing", "broken", "oversized", "no_text")
DOCUMENT_PREFIX = "/media/requests/"
Types = dict[str, type | tuple[type, ...]]
REQUEST_TYPES: Types = {
    "id": int,
    "number": str,
    "request_date": str,
    "title": str,
    "addressee": str,
    "initiators": list,
    "signatories": list,
    "document_url": str,
    "answer": (dict, type(None)),
    "convocation_id": int,
    "session_id": int,
}
ANSWER_TYPES: Types = {
    "answer_date": str,
    "document_url": str,
}
PARTICIPANT_TYPES: Types = {
    "id": (int, type(None)),
    "full_name": str,
}
# A path, or an absolute link on the site's host, percent-encoded (§1.3).
DOCUMENT_URL = re.compile(rf"({re.escape(SITE)})?/media/requests/[^?#\s]+\.pdf")

CONVOCATION = 8
# Bektenov succeeded Smailov as Prime Minister on 6 February 2024.
PRIME_MINISTERS = (
    (date(2024, 2, 6), "Премьер-Министру Республики Казахстан Смаилову А.А."),
    (date.max, "Премьер-Министру Республики Казахстан Бектенову О.А."),
)
LAST_ANSWER = date(2026, 6, 30)
# The samples fix the ids around 4 and 11 October 2023: 5012 and 5013 open
# 4 October, 5014-5019 follow them that day, 5020 opens 11 October; the 111
# requests of the convocation before them draw ids from 4000 up (5012 is the
# 112th, "ДЗ-8-1-112").
SAMPLE_DAYS = (date(2023, 10, 4), date(2023, 10, 11))
REQUESTS_BEFORE_SAMPLES = 111
AFTER_FIRST_SAMPLES = 6
FIRST_ID = 4000
# Requests announced on one Wednesday: about 3.4 on average, some days none.
DAILY_COUNTS = (0, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8)
# No sitting in the New Year, Nauryz and May holidays.
HOLIDAYS = ((1, 1, 7), (3, 20, 23), (5, 1, 9))
ANSWERED_SHARE = 0.6
# Surnames of no deputy here (7th-convocation deputies), for unlinkable names.
SEVENTH_CONVOCATION = ("Рахметов", "Жамалов", "Сулейменова", "Абасов", "Ешенкулов")
# Each former deputy co-signs this many requests without an id, from those
# before the end of the 2nd session (the sitting deputies always come with one).
FORMER_SIGNATURES = 3
FORMER_UNTIL = date(2024, 6, 30)
# The share of requests whose documents are absolute links on the site's host.
SITE_LINK_SHARE = 0.5
FAULT_SHARES = {"missing": 0.02, "broken": 0.01, "no_text": 0.01, "oversized": 0.002}


@dataclass(frozen=True)
class Slot:
    """A request to generate: its day and session."""

    day: date
    session_id: int
    session_number: int


def _wednesdays(start: date, end: date) -> list[date]:
    """Plenary Wednesdays after a session's opening day, holidays left out."""
    day = start + timedelta(days=(2 - start.weekday()) % 7 or 7)
    days = []
    while day <= end:
        if not any(
            day.month == month and first <= day.day <= last
            for month, first, last in HOLIDAYS
        ):
            days.append(day)
        day += timedelta(days=7)
    return days


def _slots(rng: random.Random, convocation: dict, scale: int) -> list[Slot]:
    """Every generated request's day and session, in date order.

    Before the samples' first day the 111 (per scale) requests are spread over the
    Wednesdays at random; the samples' first day gets exactly six more.
    """
    days = [
        (day, session["id"], session["number"])
        for session in convocation["sessions"]
        for day in _wednesdays(
            date.fromisoformat(session["start_date"]),
            date.fromisoformat(session["end_date"]),
        )
    ]
    early = [d for d in days if d[0] < SAMPLE_DAYS[0]]
    counts = dict.fromkeys(early, 0)
    for _ in range(REQUESTS_BEFORE_SAMPLES * scale):
        counts[rng.choice(early)] += 1
    for d in days:
        if d[0] == SAMPLE_DAYS[0]:
            counts[d] = AFTER_FIRST_SAMPLES
        elif d[0] > SAMPLE_DAYS[0]:
            counts[d] = sum(rng.choice(DAILY_COUNTS) for _ in range(scale))
    return [Slot(*d) for d in days for _ in range(counts[d])]


class _People:
    """Draws initiators and signatories among the sitting deputies, skewed: a few
    deputies initiate dozens of requests or co-sign most, many only a few."""

    def __init__(self, rng: random.Random, deputies: list[dict]) -> None:
        self.rng = rng
        self.sitting = [d["ru"] for d in deputies if d["ru"]["is_active"]]
        order = rng.sample(range(len(self.sitting)), len(self.sitting))
        self.initiator_weights = [1 / (rank + 3) for rank in order]
        order = rng.sample(range(len(self.sitting)), len(self.sitting))
        self.signatory_weights = [1 / (rank + 2) ** 1.5 for rank in order]
        self.short_names = {_initials(d["ru"]) for d in deputies}
        # Who each name given without an id is (None: no deputy here).
        self.unlisted: dict[str, int | None] = {}

    def _draw(self, weights: list[float], count: int, skip: set[int]) -> list[dict]:
        """`count` distinct deputies, likelier by weight (Efraimidis-Spirakis)."""
        keys = [
            (self.rng.random() ** (1 / w), i)
            for i, w in enumerate(weights)
            if self.sitting[i]["id"] not in skip
        ]
        keys.sort(reverse=True)
        return [self.sitting[i] for _, i in keys[:count]]

    def initiators(self) -> list[dict]:
        count = self.rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
        return self._draw(self.initiator_weights, count, set())

    def signatories(self, initiators: list[dict]) -> list[dict]:
        """0-50 co-signatories: most requests have none or a few, some fifty."""
        rng = self.rng
        band = rng.choices(((0, 0), (1, 5), (6, 20), (21, 50)), (45, 40, 12, 3))[0]
        skip = {d["id"] for d in initiators}
        return self._draw(self.signatory_weights, rng.randint(*band), skip)

    def participant(self, deputy: dict) -> dict:
        """{"id", "full_name"}; about 1 in 100 named but not linkable (id null)."""
        rng = self.rng
        if rng.random() < 0.01:
            name, named = self._unlinkable(deputy)
            self.unlisted[name] = named
            return {"id": None, "full_name": name}
        return {"id": deputy["id"], "full_name": _initials(deputy, rng)}

    def _unlinkable(self, deputy: dict) -> tuple[str, int | None]:
        """A typo in the deputy's surname ("Калыкв А.К."), or the surname of no
        deputy here (a former deputy of the 7th convocation); and who it names."""
        rng = self.rng
        initials = _initials(deputy).split(" ", 1)[1]
        while True:
            if rng.random() < 0.5:
                last = deputy["last_name"]
                cut = rng.randrange(1, len(last))
                name, named = f"{last[:cut]}{last[cut + 1 :]} {initials}", deputy["id"]
            else:
                name, named = f"{rng.choice(SEVENTH_CONVOCATION)} {initials}", None
            if name not in self.short_names:
                return name, named


def _initials(deputy: dict, rng: random.Random | None = None) -> str:
    """The short name, "Куспан А.Т.", from the Russian names; with `rng`, the
    variations the site shows: "Куспан А. Т." (a space), "Назаров А." (one
    initial)."""
    initials = [deputy["first_name"][0]]
    # A missing patronymic is null or the string "None" (ТАУ Нұргүл, id 88).
    if deputy["patronymic"] not in (None, "None"):
        initials.append(deputy["patronymic"][0])
    separator = ""
    if rng is not None:
        draw = rng.random()
        if draw < 0.05:
            initials = initials[:1]
        elif draw > 0.92:
            separator = " "
    return f"{deputy['last_name']} " + separator.join(f"{c}." for c in initials)


def _prime_minister(day: date) -> str:
    return next(name for until, name in PRIME_MINISTERS if day < until)


def _answer_date(rng: random.Random, day: date) -> date | None:
    """2-8 weeks later on a working day; None if that is past the data's end."""
    answered = day + timedelta(days=rng.randint(14, 56))
    if answered.weekday() >= 5:
        answered += timedelta(days=7 - answered.weekday())
    return answered if answered <= LAST_ANSWER else None


def _title_and_addressee(
    rng: random.Random, day: date, initiators: list[dict]
) -> tuple[str, str]:
    """A topic's title, about the first initiator's region more often than not,
    to the Prime Minister mostly, else a minister or the region's akim."""
    topic: Topic = rng.choice(TOPICS)
    template = rng.choice(topic.titles)
    region = None
    if "{" in template:
        own = initiators[0]["region"]
        name = own["name"] if own and rng.random() < 0.7 else rng.choice(list(REGIONS))
        region = REGIONS[name]
        template = template.format(gen=region.genitive, prep=region.prepositional)
    draw = rng.random()
    if draw < 0.6 or not topic.ministers:
        addressee = _prime_minister(day)
    elif draw < 0.9 or region is None or not topic.local:
        addressee = rng.choice(topic.ministers)
    else:
        addressee = region.akim
    return template, addressee


def _early_ids(rng: random.Random, count: int, scale: int) -> list[int]:
    """Rising ids below the samples' for the `count` requests before them."""
    first_sample = SAMPLE_REQUESTS[0]["id"]
    low = max(1, first_sample - (first_sample - FIRST_ID) * scale)
    if count > first_sample - low:
        raise ValueError(f"scale {scale} leaves too few request ids below 5012")
    return sorted(rng.sample(range(low, first_sample), count))


def generate_requests(
    rng: random.Random, deputies: list[dict], convocations: list[dict], scale: int
) -> tuple[list[dict], dict[str, int | None]]:
    """About 540 requests per scale in the 8th convocation, the samples included,
    and who each name given without an id is (`unlisted_names`).

    Ids and numbers rise with the date: a request's number is its rank in the
    convocation, and the ids leave the samples' to them (see SAMPLE_DAYS).
    """
    convocation = next(c for c in convocations if c["id"] == CONVOCATION)
    slots = _slots(rng, convocation, scale)
    people = _People(rng, deputies)
    early_ids = iter(_early_ids(rng, sum(s.day < SAMPLE_DAYS[0] for s in slots), scale))
    same_day_ids = iter(range(5014, 5014 + AFTER_FIRST_SAMPLES))
    next_id = 5021
    entries: list[tuple[date, int, Slot | dict]] = [
        (date.fromisoformat(r["request_date"]), 0, r) for r in SAMPLE_REQUESTS
    ]
    entries += [(slot.day, 1, slot) for slot in slots]
    entries.sort(key=lambda entry: entry[:2])
    requests: list[dict] = []
    for day, _, slot in entries:
        if isinstance(slot, dict):
            requests.append(slot)
            continue
        if day < SAMPLE_DAYS[0]:
            request_id = next(early_ids)
        elif day == SAMPLE_DAYS[0]:
            request_id = next(same_day_ids)
        else:
            request_id, next_id = next_id, next_id + rng.choice((1, 1, 1, 2, 3))
        requests.append(_request(rng, people, slot, request_id, len(requests) + 1))
    return requests, people.unlisted


def former_signatures(
    seed: int, requests: list[dict], deputies: list[dict]
) -> dict[str, int | None]:
    """Add the former deputies' signatures, without an id, as the API gives them
    (SOURCES.md §1.3): each former deputy co-signs FORMER_SIGNATURES requests of
    their time (before FORMER_UNTIL) in the site's short form (`Калыков А.Е.`);
    the first with a surname and an initial alone (`Калыков А.`); returns who
    each such name is, the samples' (`Смагулов Р.Б.`) included.

    A separate random stream keeps the rest of the dataset as it was."""
    rng = random.Random(f"former-signatures-{seed}")
    former = sorted(
        (d["ru"] for d in deputies if not d["ru"]["is_active"]), key=lambda d: d["id"]
    )
    by_short = {_initials(d): d["id"] for d in former}
    sample_ids = {r["id"] for r in SAMPLE_REQUESTS}
    named: dict[str, int | None] = {
        p["full_name"]: by_short.get(p["full_name"])
        for r in SAMPLE_REQUESTS
        for p in r["initiators"] + r["signatories"]
        if p["id"] is None
    }
    their_time = [
        r
        for r in requests
        if r["id"] not in sample_ids
        and date.fromisoformat(r["request_date"]) < FORMER_UNTIL
    ]
    for deputy in former:
        # A surname and an initial alone first ("Калыков А.", which reads like 56
        # Калыков Арман's), then the short form and its variations.
        short = f"{deputy['last_name']} {deputy['first_name'][0]}."
        names = [short] + [_initials(deputy, rng) for _ in range(FORMER_SIGNATURES - 1)]
        requests_signed = rng.sample(their_time, FORMER_SIGNATURES)
        for name, request in zip(names, requests_signed, strict=True):
            people = request["initiators"] + request["signatories"]
            if name not in {p["full_name"] for p in people}:
                request["signatories"].append({"id": None, "full_name": name})
                named[name] = deputy["id"]
    return named


def site_links(
    seed: int, requests: list[dict], documents: dict[str, dict]
) -> dict[str, dict]:
    """Give about half the requests (not the samples, which are as the contract
    gives them) absolute document links on the site's host with their Cyrillic
    file names percent-encoded, as the API does (SOURCES.md §1.3); returns the
    documents under their new links. A separate random stream keeps the rest of
    the dataset as it was."""
    rng = random.Random(f"site-links-{seed}")
    sample_ids = {r["id"] for r in SAMPLE_REQUESTS}
    moved: dict[str, str] = {}
    for request in requests:
        if request["id"] in sample_ids or rng.random() >= SITE_LINK_SHARE:
            continue
        day = date.fromisoformat(request["request_date"])
        url = _site_pdf(day, f"Депутатский запрос №{request['id']}")
        moved[request["document_url"]], request["document_url"] = url, url
        answer = request["answer"]
        if answer is not None:
            day = date.fromisoformat(answer["answer_date"])
            url = _site_pdf(day, f"Ответ на запрос №{request['id']}")
            moved[answer["document_url"]], answer["document_url"] = url, url
    return {moved.get(url, url): document for url, document in documents.items()}


def _site_pdf(day: date, name: str) -> str:
    """`http://mazhilis.parlam.kz/media/requests/2023/10/%D0%94...pdf`."""
    return site_link(f"{DOCUMENT_PREFIX}{day:%Y/%m}/{name}.pdf")


def _request(
    rng: random.Random, people: _People, slot: Slot, request_id: int, rank: int
) -> dict:
    """One generated request, the `rank`-th of the convocation."""
    initiators = people.initiators()
    signatories = people.signatories(initiators)
    title, addressee = _title_and_addressee(rng, slot.day, initiators)
    answer = None
    answered = rng.random() < ANSWERED_SHARE and _answer_date(rng, slot.day)
    if answered:
        answer = {
            "answer_date": answered.isoformat(),
            "document_url": f"{DOCUMENT_PREFIX}{request_id}-answer.pdf",
        }
    return {
        "id": request_id,
        "number": f"ДЗ-{CONVOCATION}-{slot.session_number}-{rank}",
        "request_date": slot.day.isoformat(),
        "title": title,
        "addressee": addressee,
        "initiators": [people.participant(d) for d in initiators],
        "signatories": [people.participant(d) for d in signatories],
        "document_url": f"{DOCUMENT_PREFIX}{request_id}.pdf",
        "answer": answer,
        "convocation_id": CONVOCATION,
        "session_id": slot.session_id,
    }


def document_urls(request: dict) -> list[str]:
    """The request's document and its answer's, if answered."""
    urls = [request["document_url"]]
    if request["answer"] is not None:
        urls.append(request["answer"]["document_url"])
    return urls


def generate_documents(rng: random.Random, requests: list[dict]) -> dict[str, dict]:
    """Every document with its fault: about 2% missing, 1% broken, 1% without a text
    layer and at least one oversized; the samples' documents are sound."""
    sample_ids = {r["id"] for r in SAMPLE_REQUESTS}
    urls = [url for r in requests for url in document_urls(r)]
    candidates = [
        url for r in requests if r["id"] not in sample_ids for url in document_urls(r)
    ]
    rng.shuffle(candidates)
    documents: dict[str, dict] = {url: {"fault": None} for url in urls}
    for fault, share in FAULT_SHARES.items():
        for _ in range(max(1, round(share * len(urls)))):
            documents[candidates.pop()]["fault"] = fault
    return documents


def check_types(
    value: object, types: Types, where: str, fail: Callable[[str], Exception]
) -> None:
    """`value` is an object with each key of `types`, each of its type."""
    if not isinstance(value, dict):
        raise fail(f"{where} is not a JSON object")
    for key, kind in types.items():
        if key not in value:
            raise fail(f"{where}: missing key {key!r}")
        field = value[key]
        # JSON's true and false are Python ints too.
        if not isinstance(field, kind) or (
            isinstance(field, bool) and not isinstance(True, kind)
        ):
            raise fail(f"{where}: {key!r} has the wrong type ({field!r})")


def check_date(text: str, where: str, fail: Callable[[str], Exception]) -> None:
    """`text` is a YYYY-MM-DD date."""
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise fail(f"{where}: {text!r} is not a YYYY-MM-DD date") from None


def validate_requests(dataset: dict, fail: Callable[[str], Exception]) -> None:
    """Check `requests` and `documents`; every error names the item."""
    deputy_ids = {d["kk"]["id"] for d in dataset["deputies"]}
    sessions = {
        s["id"]: c["id"] for c in dataset["convocations"] for s in c["sessions"]
    }
    seen: dict[int, int] = {}
    for i, request in enumerate(dataset["requests"]):
        check_types(request, REQUEST_TYPES, f"requests[{i}]", fail)
        where = f"requests[{i}] (id {request['id']})"
        if request["id"] in seen:
            raise fail(f"{where}: duplicate id (also requests[{seen[request['id']]}])")
        seen[request["id"]] = i
        _validate_request(request, where, deputy_ids, sessions, fail)
    urls = {url for r in dataset["requests"] for url in document_urls(r)}
    for url, document in dataset["documents"].items():
        where = f"documents[{url!r}]"
        if url not in urls:
            raise fail(f"{where}: no request or answer has this document")
        if not isinstance(document, dict) or document.get("fault") not in (
            None,
            *DOCUMENT_FAULTS,
        ):
            faults = ", ".join(DOCUMENT_FAULTS)
            raise fail(f"{where}: 'fault' is not null or one of {faults}")


def _validate_request(
    request: dict,
    where: str,
    deputy_ids: set[int],
    sessions: dict[int, int],
    fail: Callable[[str], Exception],
) -> None:
    check_date(request["request_date"], where, fail)
    if sessions.get(request["session_id"]) != request["convocation_id"]:
        raise fail(
            f"{where}: session {request['session_id']} is not one of convocation "
            f"{request['convocation_id']}"
        )
    for role in ("initiators", "signatories"):
        for j, participant in enumerate(request[role]):
            at = f"{where}.{role}[{j}]"
            check_types(participant, PARTICIPANT_TYPES, at, fail)
            if participant["id"] is not None and participant["id"] not in deputy_ids:
                raise fail(f"{at}: no deputy has id {participant['id']}")
    if request["answer"] is not None:
        check_types(request["answer"], ANSWER_TYPES, f"{where}.answer", fail)
        check_date(request["answer"]["answer_date"], f"{where}.answer", fail)
    for url in document_urls(request):
        if not DOCUMENT_URL.fullmatch(url):
            raise fail(
                f"{where}: document {url!r} is not /media/requests/<name>.pdf"
                f" (or {SITE}/media/requests/<name>.pdf)"
            )
