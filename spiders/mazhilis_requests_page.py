"""A page of the Mazhilis requests API (SOURCES.md §1.3, samples
`mazhilis/deputy_requests.*.json`): pure functions of the payload."""

from typing import Any

from crawl.text import clean, clean_text, parse_date
from records import ParticipantItem, RequestItem, item_hash
from spiders.mazhilis_deputies_page import file_link

ROLES = (("initiators", "initiator"), ("signatories", "signatory"))


# Every key of a request in the contract (SOURCES.md §1.3), and those with a value.
REQUEST_FIELDS = (
    "id",
    "number",
    "request_date",
    "title",
    "addressee",
    "initiators",
    "signatories",
    "document_url",
    "answer",
    "convocation_id",
    "session_id",
)


REQUEST_REQUIRED = ("id", "request_date", "title", "initiators")


def parse_participants(item: dict[str, Any]) -> list[ParticipantItem]:
    """Initiators and co-signatories in the source's order; a name without an id
    (`{"id": null, "full_name": "Смагулов Р.Б."}`: the API gives every sitting
    deputy's id, so a former deputy) is kept as given."""
    participants = []
    for field, role in ROLES:
        for position, person in enumerate(item.get(field) or []):
            name = (
                clean(person.get("full_name"), 600)
                or f"(unnamed {role} {position + 1})"
            )
            deputy_id = person.get("id")
            participants.append(
                ParticipantItem(
                    role=role,
                    position=position,
                    name_as_given=name,
                    source_deputy_id=int(deputy_id) if deputy_id is not None else None,
                )
            )
    return participants


def parse_request(item: dict[str, Any]) -> RequestItem:
    """One item of the requests API; its files' links on the site's public host
    (`file_link`)."""
    answer = item.get("answer") or {}
    title = clean_text(item.get("title"))
    if item.get("id") is None or not title:
        raise ValueError(f"request without an id or a title: {item.get('id')!r}")
    return RequestItem(
        mazhilis_id=int(item["id"]),
        number=clean(item.get("number"), 100),
        request_date=parse_date(item.get("request_date")),
        title=title,
        addressee=clean_text(item.get("addressee")),
        source_convocation_id=item.get("convocation_id"),
        source_session_id=item.get("session_id"),
        document_url=file_link(item.get("document_url")),
        answer_date=parse_date(answer.get("answer_date")),
        answer_document_url=file_link(answer.get("document_url")),
        participants=parse_participants(item),
        item_hash=item_hash(item),
    )
