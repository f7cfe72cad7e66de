"""The deputies, the Mazhilis, parties, factions and committees in Popolo JSON.

Popolo (popoloproject.com) is the data standard for legislators that civic
tools such as EveryPolitician read: `persons`, `organizations`, `memberships`,
with `areas` for the single-mandate districts and `events` for the convocations
(legislative periods).
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports import ids, records
from reports.records import Record, iso
from storage.models import Convocation, Mandate

LEGISLATURE = {
    "id": ids.LEGISLATURE_ID,
    "name": "Мажилис Парламента Республики Казахстан",
    "other_names": [
        {"name": "Қазақстан Республикасы Парламентінің Мәжілісі", "lang": "kk"},
        {"name": "Mazhilis of the Parliament of Kazakhstan", "lang": "en"},
    ],
    "classification": "legislature",
    "identifiers": [{"scheme": "mazhilis", "identifier": "mazhilis"}],
}


def popolo_person(person: Record) -> Record:
    """A person in Popolo's terms (`links` for the social accounts)."""
    return {
        "id": person["id"],
        "name": person["name"],
        "family_name": person["family_name"],
        "given_name": person["given_name"],
        "patronymic_name": person["patronymic_name"],
        "other_names": person["other_names"],
        "identifiers": (
            [{"scheme": "mazhilis", "identifier": str(person["mazhilis_id"])}]
            if person["mazhilis_id"] is not None
            else []
        ),
        "email": person["email"],
        "contact_details": (
            [{"type": "voice", "value": person["phone"]}] if person["phone"] else []
        ),
        "image": person["image"],
        "links": [
            {"url": account["url"], "note": account["platform"]}
            for account in person["accounts"]
        ],
        "sources": person["sources"],
    }


def _faction_key(mandate: Mandate) -> str | None:
    """A faction by its party's short name, else by its Russian or Kazakh name."""
    return mandate.party or mandate.faction_ru or mandate.faction_kk


def _organizations(session: Session) -> tuple[list[Record], list[Record]]:
    """Parties, factions and committees the mandates name; districts as areas."""
    organizations: dict[str, Record] = {ids.LEGISLATURE_ID: LEGISLATURE}
    areas: dict[str, Record] = {}
    for _, _, mandate in records.mandates(session):
        if mandate.party:
            organizations.setdefault(
                ids.party_id(mandate.party),
                {
                    "id": ids.party_id(mandate.party),
                    "name": mandate.party,
                    "classification": "party",
                },
            )
        faction = _faction_key(mandate)
        if faction and (mandate.faction_ru or mandate.faction_kk):
            organizations.setdefault(
                ids.faction_id(faction),
                {
                    "id": ids.faction_id(faction),
                    "name": mandate.faction_ru or mandate.faction_kk,
                    "other_names": _kk(mandate.faction_kk),
                    "classification": "faction",
                    "parent_id": ids.LEGISLATURE_ID,
                },
            )
        if mandate.committee_ru:
            organizations.setdefault(
                ids.committee_id(mandate.committee_ru),
                {
                    "id": ids.committee_id(mandate.committee_ru),
                    "name": mandate.committee_ru,
                    "other_names": _kk(mandate.committee_kk),
                    "classification": "committee",
                    "parent_id": ids.LEGISLATURE_ID,
                },
            )
        if mandate.district_number is not None:
            areas.setdefault(
                ids.district_id(mandate.district_number),
                {
                    "id": ids.district_id(mandate.district_number),
                    "identifier": str(mandate.district_number),
                    "name": mandate.region_ru or mandate.region_kk,
                    "other_names": _kk(mandate.region_kk),
                    "type": "single-mandate district",
                },
            )
    return (
        sorted(organizations.values(), key=lambda o: o["id"]),
        sorted(areas.values(), key=lambda a: a["id"]),
    )


def _kk(name: str | None) -> list[dict]:
    return [{"name": name, "lang": "kk"}] if name else []


def _memberships(session: Session) -> list[Record]:
    """Each mandate: a seat in the Mazhilis (on behalf of a party, for a
    district), and membership of a faction and a committee."""
    memberships = []
    for person, convocation, mandate in records.mandates(session):
        period = ids.convocation_id(convocation)
        seat: Record = {
            "id": f"membership:{person}:mazhilis:{convocation}",
            "person_id": person,
            "organization_id": ids.LEGISLATURE_ID,
            "legislative_period_id": period,
            "role": "member",
            "label": (
                "single-mandate district"
                if mandate.deputy_type == "single_mandate"
                else "party list"
            ),
            "start_date": iso(mandate.start_date),
            "end_date": iso(mandate.end_date),
        }
        if mandate.party:
            seat["on_behalf_of_id"] = ids.party_id(mandate.party)
        if mandate.district_number is not None:
            seat["area_id"] = ids.district_id(mandate.district_number)
        memberships.append(seat)
        faction = _faction_key(mandate)
        if faction and (mandate.faction_ru or mandate.faction_kk):
            memberships.append(
                {
                    "id": f"membership:{person}:faction:{convocation}",
                    "person_id": person,
                    "organization_id": ids.faction_id(faction),
                    "legislative_period_id": period,
                    "role": mandate.party_role or "member",
                }
            )
        if mandate.committee_ru:
            memberships.append(
                {
                    "id": f"membership:{person}:committee:{convocation}",
                    "person_id": person,
                    "organization_id": ids.committee_id(mandate.committee_ru),
                    "legislative_period_id": period,
                    "role": mandate.committee_role or "member",
                    "label": mandate.position_ru or mandate.position_kk,
                }
            )
    return memberships


def _events(session: Session) -> list[Record]:
    """The convocations as legislative periods of the Mazhilis."""
    return [
        {
            "id": ids.convocation_id(convocation.number),
            "name": f"Convocation {convocation.number}",
            "classification": "legislative period",
            "organization_id": ids.LEGISLATURE_ID,
            "start_date": iso(convocation.start_date),
            "end_date": iso(convocation.end_date),
        }
        for convocation in session.scalars(
            select(Convocation).order_by(Convocation.number)
        )
    ]


def popolo(session: Session, sources: records.Sources) -> dict[str, Any]:
    """The whole Popolo document."""
    organizations, areas = _organizations(session)
    return {
        "persons": [popolo_person(p) for p in records.persons(session, sources)],
        "organizations": organizations,
        "memberships": _memberships(session),
        "areas": areas,
        "events": _events(session),
    }
