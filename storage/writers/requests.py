"""Deputy requests, their participants (by id, or by name as mentions) and their
files."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.mentions import REQUEST_PARTICIPANT, Mention, participant_status
from records import ParticipantItem, RequestFileItem, RequestItem
from storage.mentions import record_mentions
from storage.models import (
    Convocation,
    ConvocationSession,
    DeputyRequest,
    RequestFile,
    RequestParticipant,
)
from storage.upsert import Counts, upsert


class RequestWrites:
    """Requests and their files: the `Writer`'s methods for them."""

    session: Session
    counts: Counts

    def _id_by_source_id(self, model, source_id: int | None) -> int | None:  # noqa: ANN001
        if source_id is None:
            return None
        return self.session.scalars(
            select(model.id).where(model.source_id == source_id)
        ).one_or_none()

    def write_request(self, item: RequestItem, now: datetime) -> int:
        (request_id,) = upsert(
            self.session,
            DeputyRequest,
            [
                {
                    "mazhilis_id": item.mazhilis_id,
                    "number": item.number,
                    "request_date": item.request_date,
                    "title": item.title,
                    "addressee": item.addressee,
                    "convocation_id": self._id_by_source_id(
                        Convocation, item.source_convocation_id
                    ),
                    "session_id": self._id_by_source_id(
                        ConvocationSession, item.source_session_id
                    ),
                    "source_convocation_id": item.source_convocation_id,
                    "source_session_id": item.source_session_id,
                    "document_url": item.document_url,
                    "answer_date": item.answer_date,
                    "answer_document_url": item.answer_document_url,
                    "item_hash": item.item_hash,
                    "source_document_id": self.document_id(item.document),
                }
            ],
            key=("mazhilis_id",),
            now=now,
            counts=self.counts,
        ).values()
        document_id = self.document_id(item.document)
        deputies = self.deputy_ids(
            {p.source_deputy_id for p in item.participants if p.source_deputy_id}
        )
        links = self.match_participants(item, document_id)
        rows = []
        for participant in item.participants:
            deputy_id = deputies.get(participant.source_deputy_id)  # type: ignore[arg-type]
            if deputy_id is not None:
                status = "linked"
            elif participant.source_deputy_id is not None:
                status = "unknown_deputy"
            else:
                link = links[self.participant_key(item, participant)]
                deputy_id, status = link.deputy_id, participant_status(link)
            rows.append(
                {
                    "request_id": request_id,
                    "role": participant.role,
                    "name_as_given": participant.name_as_given,
                    "position": participant.position,
                    "source_deputy_id": participant.source_deputy_id,
                    "deputy_id": deputy_id,
                    "link_status": status,
                    "source_document_id": document_id,
                }
            )
        upsert(
            self.session,
            RequestParticipant,
            rows,
            key=("request_id", "role", "name_as_given"),
            now=now,
            counts=self.counts,
        )
        return request_id

    @staticmethod
    def participant_key(
        item: RequestItem, participant: ParticipantItem
    ) -> tuple[str, str, str]:
        return (
            REQUEST_PARTICIPANT,
            f"{item.mazhilis_id}/{participant.role}",
            participant.name_as_given,
        )

    def match_participants(self, item: RequestItem, document_id: int | None) -> dict:
        """Record the participants named without an id as name mentions, resolved
        against the stored deputies in the request's convocation: the API gives
        every sitting deputy's id, so such a name is never linked to a sitting
        deputy on the names alone (`storage.mentions.resolve_named`)."""
        named = [p for p in item.participants if p.source_deputy_id is None]
        if not named:
            return {}
        convocation = self.session.scalars(
            select(Convocation.number).where(
                Convocation.source_id == item.source_convocation_id
            )
        ).one_or_none()
        return record_mentions(
            self.session,
            [
                Mention(
                    raw_name=participant.name_as_given,
                    source_kind=REQUEST_PARTICIPANT,
                    source_key=f"{item.mazhilis_id}/{participant.role}",
                    convocation=convocation,
                    source_document_id=document_id,
                )
                for participant in named
            ],
            people=self.people.index(self.session),
            counts=self.counts,
            sitting=self.people.sitting(self.session),
        )

    def write_request_file(self, item: RequestFileItem, now: datetime) -> int | None:
        request_id = self.session.scalars(
            select(DeputyRequest.id).where(
                DeputyRequest.mazhilis_id == item.request_mazhilis_id
            )
        ).one_or_none()
        if request_id is None:
            raise LookupError(f"request {item.request_mazhilis_id} is not stored")
        if item.status == "failed":
            stored = self.session.scalars(
                select(RequestFile.status).where(
                    RequestFile.request_id == request_id, RequestFile.kind == item.kind
                )
            ).one_or_none()
            if stored not in (None, "failed"):
                # A download that failed now does not erase what an earlier one read.
                self.counts.add(RequestFile.__tablename__, 0, 0, 1)
                return None
        ids = upsert(
            self.session,
            RequestFile,
            [
                {
                    "request_id": request_id,
                    "kind": item.kind,
                    "url": item.url,
                    "status": item.status,
                    "http_status": item.http_status,
                    "content_hash": item.content_hash,
                    "size": item.size,
                    "pages": item.pages,
                    "text": item.text,
                    "detail": item.detail,
                    "source_document_id": self.document_id(item.document),
                }
            ],
            key=("request_id", "kind"),
            now=now,
            counts=self.counts,
        )
        return ids[(request_id, item.kind)]
