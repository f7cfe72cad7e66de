"""The Mazhilis's deputies and convocations lists (SOURCES.md §1.1-1.2, samples
`mazhilis/deputies.*.json`, `mazhilis/convocations.json`): pure functions of the
payload."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from crawl.text import clean, clean_email, parse_date, party_in, script_of
from records import (
    MAZHILIS_ACCOUNTS,
    ConvocationItem,
    DeputyItem,
    DocumentRef,
    MandateItem,
    NameForm,
    SessionItem,
    SocialAccountItem,
    parse_social_link,
)

# The longest name part stored (the columns' size); longer ones are cut.
NAME_MAX = 200

# The site's public address: what a record keeps for people to click, whatever
# host the crawl read (MAZHILIS_URL: a replica, a mirror). Never fetched.
PUBLIC_SITE = "https://mazhilis.parlam.kz"
SITE_HOSTS = frozenset({"mazhilis.parlam.kz", "www.mazhilis.parlam.kz"})
# What a path or query keeps as it is: its %XX escapes are never encoded again.
URL_SAFE = "/%:@!$&'()*+,;=-._~?"


# Every key of a deputy in the contract (SOURCES.md §1.1), and those with a value.
DEPUTY_FIELDS = (
    "id",
    "last_name",
    "first_name",
    "patronymic",
    "email",
    "phone",
    "deputy_type",
    "position",
    "committee_role",
    "party_role",
    "dep_group_role",
    "is_active",
    "committee",
    "party",
    "region",
    "avatar_url",
    "timestamp",
    "public_financial_disclosure",
    "telegram_link",
    "twitter_link",
    "youtube_link",
    "instagram_link",
    "facebook_link",
)


DEPUTY_REQUIRED = ("id", "last_name", "first_name", "deputy_type")


CONVOCATION_FIELDS = ("id", "number", "start_date", "end_date", "sessions")


DEPUTY_TYPES = {1: "single_mandate", 2: "party_list"}


SOCIAL_FIELDS = (
    "telegram_link",
    "instagram_link",
    "facebook_link",
    "youtube_link",
    "twitter_link",
)


# Read and deliberately not stored: timestamp is the site's edit time, the
# disclosure is always null so far.
IGNORED_FIELDS = ("timestamp", "public_financial_disclosure")


class ParseError(ValueError):
    """A source object without a value the crawler cannot do without."""


@dataclass
class DeputyRecord:
    """One deputy object of the API, in one language."""

    mazhilis_id: int
    lang: str
    name: NameForm
    email: str | None
    phone: str | None
    deputy_type: str
    position: str | None
    committee: str | None
    committee_role: str | None
    faction: str | None
    party_role: str | None
    dep_group_role: str | None
    region: str | None
    district_number: int | None
    is_active: bool | None
    avatar_url: str | None
    accounts: list[SocialAccountItem]
    unknown_fields: list[str] = field(default_factory=list)


def file_link(value: Any) -> str | None:
    """A file link of the API on the site's public host, percent-encoded once.

    The API gives a path (`/media/requests/5012.pdf`) or an absolute `http://`
    link on its own host with the Cyrillic file name percent-encoded
    (`http://mazhilis.parlam.kz/media/requests/2023/10/%D0%94...pdf`): both
    become `https://mazhilis.parlam.kz/<path>`. A link to another host is kept
    as given (its crawler never follows it: `site_path`)."""
    link = clean(value, 2000)
    if not link:
        return None
    parts = urlsplit(link)
    path = quote(parts.path, safe=URL_SAFE)
    query = quote(parts.query, safe=URL_SAFE + "=")
    if parts.netloc and (parts.hostname or "") not in SITE_HOSTS:
        return urlunsplit(parts._replace(path=path, query=query))
    if not path.startswith("/"):
        path = "/" + path
    site = urlsplit(PUBLIC_SITE)
    return urlunsplit((site.scheme, site.netloc, path, query, ""))


def site_path(link: str) -> str | None:
    """The path and query of a link on the site's own host, to fetch from the
    configured base; None for a link to another host, which is never followed."""
    parts = urlsplit(link)
    if parts.netloc and (parts.hostname or "") not in SITE_HOSTS:
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _name_of(value: Any) -> str | None:
    """The `name` of a nested {"name": ...} object, which may be null."""
    return clean(value.get("name")) if isinstance(value, dict) else None


def parse_convocations(payload: Any) -> list[ConvocationItem]:
    """Convocations with their sessions, from `/api/core/convocations/`."""
    if not isinstance(payload, list):
        raise ParseError(f"convocations: expected a JSON list, got {type(payload)}")
    convocations = []
    for obj in payload:
        sessions = [
            SessionItem(
                number=int(session["number"]),
                source_id=session.get("id"),
                start_date=parse_date(session.get("start_date")),
                end_date=parse_date(session.get("end_date")),
            )
            for session in obj.get("sessions") or []
        ]
        convocations.append(
            ConvocationItem(
                number=int(obj["number"]),
                source_id=obj.get("id"),
                start_date=parse_date(obj.get("start_date")),
                end_date=parse_date(obj.get("end_date")),
                sessions=sessions,
            )
        )
    return convocations


def sitting_convocation(convocations: list[ConvocationItem]) -> ConvocationItem:
    """The convocation that sits now: the one not ended, else the latest."""
    if not convocations:
        raise ParseError("convocations: the list is empty")
    open_ones = [c for c in convocations if c.end_date is None]
    return max(open_ones or convocations, key=lambda c: c.number)


def parse_deputy(obj: dict[str, Any], lang: str) -> DeputyRecord:
    """One deputy object; every field is popped, what is left is reported."""
    fields = dict(obj)
    try:
        mazhilis_id = int(fields.pop("id"))
    except (KeyError, TypeError, ValueError):
        raise ParseError(f"deputy without a numeric id: {obj.get('id')!r}") from None
    last_name = clean(fields.pop("last_name", None), NAME_MAX)
    first_name = clean(fields.pop("first_name", None), NAME_MAX)
    if not last_name or not first_name:
        raise ParseError(f"deputy {mazhilis_id} ({lang}): no last_name or first_name")
    patronymic = clean(fields.pop("patronymic", None), NAME_MAX)
    deputy_type = DEPUTY_TYPES.get(fields.pop("deputy_type", None))  # type: ignore[arg-type]
    if deputy_type is None:
        raise ParseError(
            f"deputy {mazhilis_id} ({lang}): deputy_type {obj.get('deputy_type')!r}"
            " is neither 1 (single-mandate) nor 2 (party list)"
        )
    region = fields.pop("region", None)
    district = region.get("number") if isinstance(region, dict) else None
    full_name = clean(
        " ".join(part for part in (last_name, first_name, patronymic) if part), 600
    )
    accounts = []
    for link_field in SOCIAL_FIELDS:
        link = clean(fields.pop(link_field, None), 2000)
        account = parse_social_link(link, MAZHILIS_ACCOUNTS) if link else None
        if account is not None:
            accounts.append(account)
    for ignored in IGNORED_FIELDS:
        fields.pop(ignored, None)
    record = DeputyRecord(
        mazhilis_id=mazhilis_id,
        lang=lang,
        name=NameForm(
            lang=lang,
            script=script_of(full_name),
            full_name=full_name,
            last_name=last_name,
            first_name=first_name,
            patronymic=patronymic,
        ),
        email=clean_email(fields.pop("email", None)),
        phone=clean(fields.pop("phone", None), 100),
        deputy_type=deputy_type,
        position=clean(fields.pop("position", None)),
        committee=_name_of(fields.pop("committee", None)),
        committee_role=clean(fields.pop("committee_role", None), 100),
        faction=_name_of(fields.pop("party", None)),
        party_role=clean(fields.pop("party_role", None), 100),
        dep_group_role=clean(fields.pop("dep_group_role", None), 100),
        region=_name_of(region),
        district_number=int(district) if district is not None else None,
        is_active=fields.pop("is_active", None),
        avatar_url=file_link(fields.pop("avatar_url", None)),
        accounts=accounts,
    )
    record.unknown_fields = sorted(fields)
    return record


def merge_deputy(
    forms: dict[str, DeputyRecord],
    convocation: int,
    documents: dict[str, DocumentRef],
) -> DeputyItem:
    """One deputy from its records in each language (Kazakh first)."""
    main = forms.get("kk") or forms["ru"]
    kk, ru = forms.get("kk"), forms.get("ru")
    accounts: dict[tuple[str, str], SocialAccountItem] = {}
    for record in forms.values():
        for account in record.accounts:
            accounts.setdefault((account.platform, account.handle), account)
    names = []
    for lang, record in forms.items():
        record.name.document = documents.get(lang)
        names.append(record.name)
    faction = (kk or main).faction
    return DeputyItem(
        mazhilis_id=main.mazhilis_id,
        last_name=main.name.last_name or "",
        first_name=main.name.first_name or "",
        patronymic=main.name.patronymic,
        email=main.email,
        phone=main.phone,
        avatar_url=main.avatar_url,
        is_active=main.is_active,
        names=names,
        mandate=MandateItem(
            convocation_number=convocation,
            deputy_type=main.deputy_type,
            district_number=main.district_number,
            region_kk=kk.region if kk else None,
            region_ru=ru.region if ru else None,
            party=party_in(faction) or party_in(ru.faction if ru else None),
            faction_kk=kk.faction if kk else None,
            faction_ru=ru.faction if ru else None,
            committee_kk=kk.committee if kk else None,
            committee_ru=ru.committee if ru else None,
            committee_role=main.committee_role,
            position_kk=kk.position if kk else None,
            position_ru=ru.position if ru else None,
            party_role=main.party_role,
            dep_group_role=main.dep_group_role,
        ),
        accounts=list(accounts.values()),
        document=documents.get(main.lang),
    )
