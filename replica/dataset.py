"""The replica's dataset: generation, loading and validation.

A dataset is one JSON object:
`{"format": "mazhilis-watch-replica", "version": 1, "seed": int,
"convocations": [...], "deputies": [{"kk": {...}, "ru": {...}}, ...], "requests": [...],
"documents": {url: {"fault": ...}}, "activities": {deputy id: [...]},
"activities_api": "open" | "browser-only", "telegram": {...}, "instagram": {...},
"facebook": {...}, "logins": {...}, "amanat": {...}, "count_errors": {...}}`,
where the convocations, each language's deputy, the requests and the activities
are exactly what the API serves (request_data.py and activity_data.py describe
them), "telegram" to "logins" are the deputies' social accounts and the replica's
logins (post_data.py) and "amanat" is the party's site (amanat_data.py);
`"unlisted_names"` says who the participants named without an id are (not
served; request_data.py). "count_errors" makes the APIs' `count` disagree with
their lists, as the 2023 monitors found published totals that the lists did not
bear out: `{"requests": {deputy id: n}, "activities": {deputy id: n}}` adds n to
the `count` of the requests filtered by that deputy, or of the deputy's
activities, and nothing to the items listed. All keys after
"deputies" are optional (empty, or "open", when absent). Keys this version does not
know (added for later sources) are ignored.
"""

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from replica import names
from replica.activity_data import (
    generate_activities,
    validate_activities,
    vary_places,
)
from replica.amanat_data import generate_amanat, validate_amanat
from replica.post_data import generate_posts, validate_posts
from replica.request_data import (
    former_signatures,
    generate_documents,
    generate_requests,
    site_links,
    validate_requests,
)
from replica.samples import SAMPLE_DEPUTIES, site_link
from storage.files import read_text

FORMAT = "mazhilis-watch-replica"
VERSION = 1
LANGUAGES = ("kk", "ru")
ACTIVITIES_API_MODES = ("open", "browser-only")
# The optional keys, each with its type and its value when absent.
OPTIONAL_KEYS: tuple[tuple[str, type, object], ...] = (
    ("requests", list, []),
    ("documents", dict, {}),
    ("activities", dict, {}),
    ("activities_api", str, "open"),
    ("telegram", dict, {}),
    ("instagram", dict, {}),
    ("facebook", dict, {}),
    ("logins", dict, {}),
    ("amanat", dict, {}),
    ("unlisted_names", dict, {}),
    ("count_errors", dict, {}),
)
# The default dataset's deliberate mismatch: the requests API counts three more
# requests for 61 Назаров than it lists.
COUNT_ERRORS = {"requests": {"61": 3}}
COUNT_ERROR_SUBJECTS = ("requests", "activities")

# The API's fields of a deputy, in the order the site gives them.
DEPUTY_FIELDS = (
    "id", "last_name", "first_name", "patronymic", "email", "phone", "deputy_type",
    "position", "committee_role", "party_role", "dep_group_role", "is_active",
    "committee", "party", "region", "avatar_url", "timestamp",
    "public_financial_disclosure", "telegram_link", "twitter_link", "youtube_link",
    "instagram_link", "facebook_link",
)  # fmt: skip
# Fields whose value depends on the language; all others are the same in kk and ru.
LANGUAGE_FIELDS = frozenset(
    (
        "last_name",
        "first_name",
        "patronymic",
        "position",
        "committee",
        "party",
        "region",
    )
)
CONVOCATION_FIELDS = ("id", "number", "start_date", "end_date", "sessions")
LINK_FIELDS = (
    "telegram_link",
    "twitter_link",
    "youtube_link",
    "instagram_link",
    "facebook_link",
)


def _convocation(
    number: int, start: str, end: str | None, sessions: list[tuple[str, str]]
) -> dict:
    """A convocation as the API gives it; session ids are 81, 82... for the 8th."""
    return {
        "id": number,
        "number": number,
        "start_date": start,
        "end_date": end,
        "sessions": [
            {"id": number * 10 + i, "number": i, "start_date": s, "end_date": e}
            for i, (s, e) in enumerate(sessions, start=1)
        ],
    }


CONVOCATIONS = [
    _convocation(
        8,
        "2023-03-29",
        None,
        [
            ("2023-03-29", "2023-06-30"),
            ("2023-09-01", "2024-06-30"),
            ("2024-09-02", "2025-06-30"),
            ("2025-09-01", "2026-06-30"),
        ],
    ),
    _convocation(
        7,
        "2021-01-15",
        "2023-01-19",
        [
            ("2021-01-15", "2021-06-30"),
            ("2021-09-01", "2022-06-30"),
            ("2022-09-01", "2023-01-19"),
        ],
    ),
]

# Districts won by independents (71 Куспан holds 14); AMANAT won the other 22.
INDEPENDENT_DISTRICTS = frozenset({5, 7, 14, 17, 23, 26, 29})
FIRST_SITTING = "2023-03-29"
MEMBER_POSITION = ("Комитет мүшесі", "Член комитета")
CHAIR_POSITION = ("Комитет төрағасы", "Председатель комитета")
FACTION_NAMES = {key: (kk, ru) for key, kk, ru, _ in names.FACTIONS}
REGION_NAMES = {
    n: (kk, ru)
    for first, last, kk, ru in names.DISTRICTS
    for n in range(first, last + 1)
}
ASTANA_TZ = timezone(timedelta(hours=5))


_KIND_NAMES = {int: "number", list: "list", dict: "JSON object", str: "string"}


class DatasetError(ValueError):
    """A dataset file that cannot be served, with the file and the problem named."""


@dataclass(frozen=True)
class Seat:
    """One seat: 1 = single-mandate district, 2 = party list."""

    deputy_type: int
    faction: str | None
    district: int | None


@dataclass(frozen=True)
class Person:
    """A deputy's name in both languages; a missing patronymic is None or "None"."""

    female: bool
    last_name: tuple[str, str]
    first_name: tuple[str, str]
    patronymic: tuple[str | None, str | None]


# Deputies the sample requests name: 61 "Назаров А." (roads of Almaty Region)
# and 64 "Исабеков Д.Д." (Shymkent's sewage works).
NAMED_DEPUTIES = {
    61: (
        Person(
            False, ("НАЗАРОВ", "Назаров"), ("Асхат", "Асхат"), ("Ермекұлы", "Ермекович")
        ),
        Seat(1, "amanat", 12),
    ),
    64: (
        Person(
            False,
            ("ИСАБЕКОВ", "Исабеков"),
            ("Дархан", "Дархан"),
            ("Дәуренбекұлы", "Дауренбекович"),
        ),
        Seat(1, None, 7),
    ),
}


# Former deputies of the 8th convocation, at fixed ids below the generated ones
# (SOURCES.md §1.1: by-alphabet lists them with `is_active: false`; requests name
# them without an id, §1.3). 19 Кенжебеков is deputies_by_alphabet.ru.json's, 23
# is the sample request's `Смагулов Р.Б.`; 27 and 31 share a surname and a first
# initial with sitting deputies (56 Калыков Арман, 71 Куспан Абзал), so that their
# short names (`Калыков А.Е.`) read like a sitting deputy's.
FORMER_DEPUTIES = {
    19: Person(False, ("КЕНЖЕБЕКОВ", "Кенжебеков"), ("Ержан", "Ержан"), (None, None)),
    23: Person(
        False, ("СМАҒҰЛОВ", "Смагулов"), ("Руслан", "Руслан"), ("Бақытұлы", "Бакытович")
    ),
    27: Person(
        False, ("ҚАЛЫҚОВ", "Калыков"), ("Асылбек", "Асылбек"), ("Ерланұлы", "Ерланович")
    ),
    31: Person(
        False, ("ҚҰСПАН", "Куспан"), ("Айдос", "Айдос"), ("Маратұлы", "Маратович")
    ),
}
# Their committee (names.COMMITTEES: 2 is finance and budget, 19's in the sample).
FORMER_COMMITTEES = {19: 2, 23: 3, 27: 0, 31: 4}
# The sample's values for what the API does not vary between them.
FORMER_PHONE = "+7 (7172) 74-00-00"
FORMER_TIMESTAMP = "2024-11-02T08:15:00+05:00"


def former_deputy(deputy_id: int) -> dict[str, dict]:
    """A fixed former deputy's kk and ru objects (party list, AMANAT), as the
    sample gives 19: no e-mail, the switchboard's phone, no party role, no links,
    the avatar an absolute link on the site's host, percent-encoded."""
    person = FORMER_DEPUTIES[deputy_id]
    committee = names.COMMITTEES[FORMER_COMMITTEES[deputy_id]]
    avatar = (
        f"/media/deputy_avatars/{deputy_id}/{FIRST_SITTING}/"
        f"{person.last_name[1]}_2023_22.JPG"
    )
    pair = {}
    for i, language in enumerate(LANGUAGES):
        own = {
            "id": deputy_id,
            "last_name": person.last_name[i],
            "first_name": person.first_name[i],
            "patronymic": person.patronymic[i],
            "email": None,
            "phone": FORMER_PHONE,
            "deputy_type": 2,
            "position": MEMBER_POSITION[i],
            "committee_role": "member",
            "party_role": None,
            "dep_group_role": None,
            "is_active": False,
            "committee": {"name": committee[i]},
            "party": {"name": FACTION_NAMES["amanat"][i]},
            "region": None,
            "avatar_url": site_link(avatar),
            "timestamp": FORMER_TIMESTAMP,
            "public_financial_disclosure": None,
        }
        pair[language] = {f: own.get(f) for f in DEPUTY_FIELDS}
    return pair


def seat_plan() -> list[Seat]:
    """The 98 seats of the 8th convocation: 29 districts, then the party lists."""
    districts = [
        n for first, last, _, _ in names.DISTRICTS for n in range(first, last + 1)
    ]
    seats = [
        Seat(1, None if n in INDEPENDENT_DISTRICTS else "amanat", n) for n in districts
    ]
    for faction, _, _, list_seats in names.FACTIONS:
        seats += [Seat(2, faction, None)] * list_seats
    return seats


def _sample_seat(deputy: dict) -> Seat:
    """The seat a sample deputy holds (they all sit for AMANAT or no party)."""
    region = deputy["region"]
    faction = "amanat" if deputy["party"] else None
    return Seat(deputy["deputy_type"], faction, region and region["number"])


def _full_names(person: Person) -> set[tuple[str, str, str | None]]:
    """The Kazakh and the Russian full name, a missing patronymic as None."""
    return {
        (person.last_name[i], person.first_name[i], person.patronymic[i] or None)
        for i in range(len(LANGUAGES))
    }


class _Generator:
    """Draws people, contacts and links, keeping names, e-mails and handles unique."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names: set[tuple[str, str, str | None]] = set()
        self.emails: set[str] = set()
        self.links: set[str] = set()
        for sample in SAMPLE_DEPUTIES:
            deputy = sample["kk"]
            self.emails.add(deputy["email"].split("@")[0].strip())
            self.links |= {deputy[field] for field in LINK_FIELDS if deputy[field]}
        for person, _ in NAMED_DEPUTIES.values():
            self.names |= _full_names(person)

    def person(self) -> Person:
        """A new person whose Kazakh and Russian full names are both unused."""
        rng = self.rng
        while True:
            female = rng.random() < 0.2
            if female:
                first = rng.choice(names.FEMALE_FIRST_NAMES)
                last = names.feminine_surname(*rng.choice(names.SURNAMES))
                if last is None:
                    continue
            else:
                first = rng.choice(names.MALE_FIRST_NAMES)
                last = rng.choice(names.SURNAMES)
            person = Person(female, last, first, self._patronymic(female))
            full_names = _full_names(person)
            if not full_names & self.names:
                self.names |= full_names
                return person

    def _patronymic(self, female: bool) -> tuple[str | None, str | None]:
        rng = self.rng
        if rng.random() < 0.05:
            # No patronymic: null, or in Kazakh the string "None" (ТАУ Нұргүл, id 88).
            return rng.choice((None, "None")), None
        father = rng.choice(names.FATHER_NAMES)
        return names.patronymic(father, female, russian_style=rng.random() < 0.6)

    def email(self, person: Person) -> str:
        """first initial.surname@parlam.kz, sometimes with a stray space."""
        first = names.to_latin(person.first_name[1])
        last = names.to_latin(person.last_name[1])
        for local in (f"{first[0]}.{last}", f"{first}.{last}"):
            if local not in self.emails:
                break
        else:
            local = f"{first}.{last}{len(self.emails)}"
        self.emails.add(local)
        # The site has e-mails with a space before the @: "a.kalykov @parlam.kz".
        space = " " if self.rng.random() < 0.06 else ""
        return f"{local}{space}@parlam.kz"

    def links_of(self, person: Person) -> dict[str, str | None]:
        """Social links on the real hosts, each present for some deputies."""
        rng = self.rng
        first = names.to_latin(person.first_name[1])
        last = names.to_latin(person.last_name[1])
        patterns = (
            ("telegram_link", 0.55, "https://t.me/{}", f"{last}_{first}"),
            ("twitter_link", 0.05, "https://twitter.com/{}", f"{last}{first[0]}"),
            ("youtube_link", 0.12, "https://www.youtube.com/@{}", last),
            ("instagram_link", 0.6, "https://www.instagram.com/{}/", f"{first}.{last}"),
            ("facebook_link", 0.35, "https://www.facebook.com/{}", f"{first}.{last}"),
        )
        links: dict[str, str | None] = {}
        for field, share, url, handle in patterns:
            links[field] = None
            if rng.random() < share:
                links[field] = self._unique_link(url, handle)
        return links

    def _unique_link(self, url: str, handle: str) -> str:
        link, n = url.format(handle), 1
        while link in self.links:
            n += 1
            link = url.format(f"{handle}{n}")
        self.links.add(link)
        return link

    def phone(self) -> str | None:
        if self.rng.random() < 0.3:
            return None
        return (
            f"+7 (7172) 74-{self.rng.randrange(100):02d}-{self.rng.randrange(100):02d}"
        )

    def timestamp(self) -> str:
        """When the profile was last edited, in Astana time."""
        start = datetime(2023, 4, 1, 8, tzinfo=ASTANA_TZ)
        minutes = self.rng.randrange(0, 2 * 365 * 24 * 60, 5)
        return (start + timedelta(minutes=minutes)).isoformat()

    def deputy(
        self,
        deputy_id: int,
        person: Person,
        seat: Seat,
        committee: int,
        chair: bool = False,
        active: bool = True,
    ) -> dict[str, dict]:
        """A deputy's kk and ru API objects."""
        shared = {
            "id": deputy_id,
            "email": self.email(person),
            "phone": self.phone(),
            "deputy_type": seat.deputy_type,
            "committee_role": "chairman" if chair else "member",
            "party_role": "member" if seat.deputy_type == 2 else None,
            "dep_group_role": None,
            "is_active": active,
            "avatar_url": (
                f"/media/deputy_avatars/{deputy_id}/{FIRST_SITTING}/"
                f"{person.last_name[1]}_2023_22.JPG"
            ),
            "timestamp": self.timestamp(),
            "public_financial_disclosure": None,
            **self.links_of(person),
        }
        positions = CHAIR_POSITION if chair else MEMBER_POSITION
        pair = {}
        for i, language in enumerate(LANGUAGES):
            region = None
            if seat.district is not None:
                name = REGION_NAMES[seat.district][i]
                region = {"id": seat.district, "number": seat.district, "name": name}
            own = {
                "last_name": person.last_name[i],
                "first_name": person.first_name[i],
                "patronymic": person.patronymic[i],
                "position": positions[i],
                "committee": {"name": names.COMMITTEES[committee][i]},
                "party": seat.faction and {"name": FACTION_NAMES[seat.faction][i]},
                "region": region,
            }
            pair[language] = {
                f: own[f] if f in own else shared[f] for f in DEPUTY_FIELDS
            }
        return pair


def generate_dataset(seed: int = 8, scale: int = 1) -> dict:
    """A deterministic dataset: 98 sitting deputies and 2 former ones per scale 1
    (and the 4 fixed FORMER_DEPUTIES),
    about 540 requests and their documents, each sitting deputy's activities, and
    a year of posts of every deputy with a Telegram, Instagram or Facebook account.

    At scale k the seat plan is filled k times (98k sitting deputies), for growth
    benchmarks, and there are k times the requests; the sample deputies, requests
    and activities and 61/64 are in the first filling only.
    """
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    generator = _Generator(seed)
    rng = generator.rng
    fixed = {
        sample["kk"]["id"]: _sample_seat(sample["kk"]) for sample in SAMPLE_DEPUTIES
    }
    fixed |= {deputy_id: seat for deputy_id, (_, seat) in NAMED_DEPUTIES.items()}
    fillings = []
    for filling in range(scale):
        seats = seat_plan()
        if filling == 0:
            for seat in fixed.values():
                seats.remove(seat)
        rng.shuffle(seats)
        fillings.append(seats)
    # Two seats fell vacant: a district (by-election) and a list seat.
    former_seats = [next(s for s in fillings[0] if s.deputy_type == t) for t in (1, 2)]
    needed = sum(map(len, fillings)) + len(former_seats)
    free_ids = sorted(set(range(40, 40 + 160 * scale)) - fixed.keys())
    ids = iter(rng.sample(free_ids, needed))

    committees = len(names.COMMITTEES)
    deputies = copy.deepcopy(list(SAMPLE_DEPUTIES))
    for deputy_id, (person, seat) in NAMED_DEPUTIES.items():
        deputies.append(
            generator.deputy(deputy_id, person, seat, rng.randrange(committees))
        )
    for seat in former_seats:
        person = generator.person()
        committee = rng.randrange(committees)
        deputies.append(
            generator.deputy(next(ids), person, seat, committee, active=False)
        )
    for seats in fillings:
        # Committees dealt round the shuffled seats; the first seven chair them.
        for i, seat in enumerate(seats):
            person = generator.person()
            deputies.append(
                generator.deputy(
                    next(ids), person, seat, i % committees, i < committees
                )
            )
    deputies += [former_deputy(deputy_id) for deputy_id in FORMER_DEPUTIES]
    deputies.sort(key=lambda deputy: deputy["kk"]["id"])
    requests, unlisted_names = generate_requests(rng, deputies, CONVOCATIONS, scale)
    unlisted_names |= former_signatures(seed, requests, deputies)
    documents = generate_documents(rng, requests)
    documents = site_links(seed, requests, documents)
    activities = generate_activities(rng, deputies, CONVOCATIONS)
    posts = generate_posts(seed, deputies, activities)
    # After the posts, which name the locality as the activity gave it first.
    vary_places(seed, activities, deputies)
    return {
        "format": FORMAT,
        "version": VERSION,
        "seed": seed,
        "convocations": copy.deepcopy(CONVOCATIONS),
        "deputies": deputies,
        "requests": requests,
        "documents": documents,
        "activities": activities,
        "activities_api": "open",
        "unlisted_names": unlisted_names,
        **posts,
        **generate_amanat(seed, deputies),
        "count_errors": copy.deepcopy(COUNT_ERRORS),
    }


def present_day(dataset: dict) -> date:
    """The day the dataset stands for: the day after its newest dated record.

    A crawl replaying the dataset measures silence to this day (MWATCH_TODAY),
    not to the calendar's: the data of a past year is not a silent source.
    """
    days = [date.fromisoformat(r["request_date"]) for r in dataset.get("requests", [])]
    days += [
        date.fromisoformat(a["date"])
        for items in dataset.get("activities", {}).values()
        for a in items
    ]
    return max(days) + timedelta(days=1) if days else date.today()


def dump_dataset(dataset: dict, path: str | Path) -> None:
    """Write a dataset as UTF-8 JSON with sorted keys (same dataset, same bytes)."""
    text = json.dumps(dataset, ensure_ascii=False, sort_keys=True, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_dataset(path: str | Path) -> dict:
    """Read and validate a dataset file; DatasetError names the file and problem."""
    text = read_text(Path(path), DatasetError)
    try:
        dataset = json.loads(text)
    except json.JSONDecodeError as error:
        raise DatasetError(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    return validate_dataset(dataset, str(path))


def validate_dataset(dataset: object, source: str = "dataset") -> dict:
    """Check a dataset's structure; every error message starts with `source`."""

    def fail(problem: str) -> DatasetError:
        return DatasetError(f"{source}: {problem}")

    if not isinstance(dataset, dict):
        raise fail("the top level is not a JSON object")
    if dataset.get("format") != FORMAT:
        raise fail(f"format is {dataset.get('format')!r}, expected {FORMAT!r}")
    if dataset.get("version") != VERSION:
        raise fail(f"version {dataset.get('version')!r} is not supported (expected 1)")
    for key, kind in (("seed", int), ("convocations", list), ("deputies", list)):
        if key not in dataset:
            raise fail(f"missing key {key!r}")
        if not isinstance(dataset[key], kind):
            raise fail(f"{key!r} is not a {_KIND_NAMES[kind]}")
    for i, convocation in enumerate(dataset["convocations"]):
        _require_fields(convocation, CONVOCATION_FIELDS, f"convocations[{i}]", fail)
    seen: dict[int, int] = {}
    for i, deputy in enumerate(dataset["deputies"]):
        where = f"deputies[{i}]"
        _require_fields(deputy, LANGUAGES, where, fail)
        for language in LANGUAGES:
            _require_fields(
                deputy[language], DEPUTY_FIELDS, f"{where}.{language}", fail
            )
        kk, ru = deputy["kk"], deputy["ru"]
        if kk["id"] != ru["id"]:
            raise fail(f"{where}: kk id {kk['id']!r} differs from ru id {ru['id']!r}")
        for field in DEPUTY_FIELDS:
            if field not in LANGUAGE_FIELDS and kk[field] != ru[field]:
                raise fail(f"{where} (id {kk['id']}): {field!r} differs in kk and ru")
        if kk["id"] in seen:
            raise fail(
                f"duplicate deputy id {kk['id']} (deputies[{seen[kk['id']]}], {where})"
            )
        seen[kk["id"]] = i
    for key, kind, default in OPTIONAL_KEYS:
        dataset.setdefault(key, copy.deepcopy(default))
        if not isinstance(dataset[key], kind):
            raise fail(f"{key!r} is not a {_KIND_NAMES[kind]}")
    if dataset["activities_api"] not in ACTIVITIES_API_MODES:
        modes = " or ".join(map(repr, ACTIVITIES_API_MODES))
        raise fail(f"'activities_api' is {dataset['activities_api']!r}, not {modes}")
    _validate_count_errors(dataset, fail)
    validate_requests(dataset, fail)
    validate_activities(dataset, fail)
    validate_posts(dataset, fail)
    validate_amanat(dataset, fail)
    return dataset


def _require_fields(
    value: object,
    fields: tuple[str, ...],
    where: str,
    fail: Callable[[str], DatasetError],
) -> None:
    if not isinstance(value, dict):
        raise fail(f"{where} is not a JSON object")
    for field in fields:
        if field not in value:
            raise fail(f"{where}: missing key {field!r}")


def _validate_count_errors(dataset: dict, fail: Callable[[str], DatasetError]) -> None:
    """`count_errors`: per subject, a deputy's id (as a string) and an integer."""
    deputy_ids = {str(d["kk"]["id"]) for d in dataset["deputies"]}
    for subject, errors in dataset["count_errors"].items():
        where = f"count_errors[{subject!r}]"
        if subject not in COUNT_ERROR_SUBJECTS:
            raise fail(f"{where}: not one of {', '.join(COUNT_ERROR_SUBJECTS)}")
        if not isinstance(errors, dict):
            raise fail(f"{where} is not a JSON object")
        for deputy, error in errors.items():
            if deputy not in deputy_ids:
                raise fail(f"{where}: no deputy has id {deputy}")
            if not isinstance(error, int) or isinstance(error, bool):
                raise fail(f"{where}[{deputy!r}]: {error!r} is not a whole number")
