"""Stable ids for exported records, made from their natural keys.

A record's id never depends on the database's own row ids: exporting twice, or
from a database filled by another crawl of the same sources, gives the same ids.
"""

import re
import uuid

# Names outside ASCII (a faction's Kazakh name, say) become a UUID in this space.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_OID, "mazhilis-watch")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ "Ak Zhol" -> "ak-zhol"; a name without Latin letters -> a UUID of it."""
    plain = _SLUG.sub("-", text.lower()).strip("-")
    if plain and text.isascii():
        return plain
    return str(uuid.uuid5(NAMESPACE, text))


def person_id(
    mazhilis_id: int | None, last_name: str, first_name: str, patronymic: str | None
) -> str:
    """`person:mazhilis:71`; a person the Mazhilis gave no id is named by name."""
    if mazhilis_id is not None:
        return f"person:mazhilis:{mazhilis_id}"
    name = " ".join(part for part in (last_name, first_name, patronymic) if part)
    return f"person:name:{uuid.uuid5(NAMESPACE, name)}"


def request_id(mazhilis_id: int) -> str:
    return f"request:mazhilis:{mazhilis_id}"


def activity_id(mazhilis_id: int) -> str:
    return f"activity:mazhilis:{mazhilis_id}"


def post_id(platform: str, source_post_id: str) -> str:
    return f"post:{platform}:{source_post_id}"


def meeting_id(first_report_id: str) -> str:
    """`meeting:activity:mazhilis:4411`: a meeting by its first report's id."""
    return f"meeting:{first_report_id}"


LEGISLATURE_ID = "organization:mazhilis"


def party_id(party: str) -> str:
    return f"organization:party:{slug(party)}"


def faction_id(name: str) -> str:
    """A faction by its party's short name when known, else by its own name."""
    return f"organization:faction:{slug(name)}"


def committee_id(name_ru: str) -> str:
    return f"organization:committee:{slug(name_ru)}"


def convocation_id(number: int) -> str:
    return f"event:convocation:{number}"


def district_id(number: int) -> str:
    return f"area:district:{number}"
