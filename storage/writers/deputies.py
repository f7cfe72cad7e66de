"""Convocations and their sessions, deputies with their names, mandates and
accounts, and the records stored before their deputy was."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from records import ConvocationItem, DeputyItem
from storage.models import (
    Activity,
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyName,
    Mandate,
    RequestParticipant,
    SocialAccount,
)
from storage.upsert import Counts, upsert


class DeputyWrites:
    """Convocations and deputies: the `Writer`'s methods for them."""

    session: Session
    counts: Counts

    def write_convocation(self, item: ConvocationItem, now: datetime) -> int:
        document_id = self.document_id(item.document)
        (convocation_id,) = upsert(
            self.session,
            Convocation,
            [
                {
                    "number": item.number,
                    "source_id": item.source_id,
                    "start_date": item.start_date,
                    "end_date": item.end_date,
                    "source_document_id": document_id,
                }
            ],
            key=("number",),
            now=now,
            counts=self.counts,
        ).values()
        upsert(
            self.session,
            ConvocationSession,
            [
                {
                    "convocation_id": convocation_id,
                    "number": session.number,
                    "source_id": session.source_id,
                    "start_date": session.start_date,
                    "end_date": session.end_date,
                    "source_document_id": document_id,
                }
                for session in item.sessions
            ],
            key=("convocation_id", "number"),
            now=now,
            counts=self.counts,
        )
        return convocation_id

    def convocation_id(self, number: int) -> int:
        found = self.session.scalars(
            select(Convocation.id).where(Convocation.number == number)
        ).one_or_none()
        if found is None:
            raise LookupError(f"convocation {number} is not stored yet")
        return found

    def write_deputy(self, item: DeputyItem, now: datetime) -> int:
        document_id = self.document_id(item.document)
        (deputy_id,) = upsert(
            self.session,
            Deputy,
            [
                {
                    "mazhilis_id": item.mazhilis_id,
                    "last_name": item.last_name,
                    "first_name": item.first_name,
                    "patronymic": item.patronymic,
                    "email": item.email,
                    "phone": item.phone,
                    "avatar_url": item.avatar_url,
                    "is_active": item.is_active,
                    "source_document_id": document_id,
                }
            ],
            key=("mazhilis_id",),
            now=now,
            counts=self.counts,
        ).values()
        upsert(
            self.session,
            DeputyName,
            [
                {
                    "deputy_id": deputy_id,
                    "source": name.source,
                    "lang": name.lang,
                    "full_name": name.full_name,
                    "script": name.script,
                    "last_name": name.last_name,
                    "first_name": name.first_name,
                    "patronymic": name.patronymic,
                    "source_document_id": self.document_id(name.document),
                }
                for name in item.names
            ],
            key=("deputy_id", "source", "lang", "full_name"),
            now=now,
            counts=self.counts,
        )
        self.link_records_of(deputy_id, item.mazhilis_id)
        self.people.invalidate()
        self.deputies_changed = True
        if item.mandate is not None:
            mandate = vars(item.mandate).copy()
            number = mandate.pop("convocation_number")
            upsert(
                self.session,
                Mandate,
                [
                    mandate
                    | {
                        "deputy_id": deputy_id,
                        "convocation_id": self.convocation_id(number),
                        "source_document_id": document_id,
                    }
                ],
                key=("deputy_id", "convocation_id"),
                now=now,
                counts=self.counts,
            )
        upsert(
            self.session,
            SocialAccount,
            [
                {
                    "platform": account.platform,
                    "handle": account.handle,
                    "url": account.url,
                    "learned_from": account.learned_from,
                    "deputy_id": deputy_id,
                    "source_document_id": document_id,
                }
                for account in item.accounts
            ],
            key=("platform", "handle"),
            now=now,
            counts=self.counts,
        )
        return deputy_id

    def link_records_of(self, deputy_id: int, mazhilis_id: int) -> None:
        """Link the participants and activities stored before their deputy was."""
        for model, table in (
            (RequestParticipant, "request_participants"),
            (Activity, "activities"),
        ):
            values: dict = {"deputy_id": deputy_id}
            if model is RequestParticipant:
                values["link_status"] = "linked"
            linked = self.session.execute(
                update(model)
                .where(model.source_deputy_id == mazhilis_id, model.deputy_id.is_(None))
                .values(values)
            ).rowcount
            if linked:
                self.counts.add(table, 0, linked, 0)

    def deputy_ids(self, source_ids: set[int]) -> dict[int, int]:
        """{Mazhilis id: stored deputy's id} of those stored."""
        if not source_ids:
            return {}
        rows = self.session.execute(
            select(Deputy.mazhilis_id, Deputy.id).where(
                Deputy.mazhilis_id.in_(source_ids)
            )
        )
        return {source_id: deputy_id for source_id, deputy_id in rows}
