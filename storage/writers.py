"""Records of the spiders' items, written with `upsert` by their natural keys."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from spiders.items import ConvocationItem, DeputyItem, DocumentRef, RawDocument
from storage.models import (
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyName,
    Mandate,
    SocialAccount,
    SourceDocument,
)
from storage.upsert import Counts, upsert


class Writer:
    """Writes items into one database transaction.

    `document_ids` remembers stored documents' ids across transactions; the ids
    this transaction learns are in `learned`, to forget if it rolls back.
    """

    def __init__(
        self, session: Session, counts: Counts, document_ids: dict[DocumentRef, int]
    ) -> None:
        self.session = session
        self.counts = counts
        self.document_ids = document_ids
        self.learned: list[DocumentRef] = []

    def document_id(self, ref: DocumentRef | None) -> int | None:
        if ref is None:
            return None
        if ref not in self.document_ids:
            self.learned.append(ref)
            self.document_ids[ref] = self.session.scalars(
                select(SourceDocument.id).where(
                    SourceDocument.url == ref.url,
                    SourceDocument.variant == ref.variant,
                    SourceDocument.content_hash == ref.content_hash,
                )
            ).one()
        return self.document_ids[ref]

    def write_document(self, document: RawDocument, now: datetime) -> int:
        ref = document.ref
        ids = upsert(
            self.session,
            SourceDocument,
            [
                {
                    "url": ref.url,
                    "variant": ref.variant,
                    "content_hash": ref.content_hash,
                    "source": document.source,
                    "http_status": document.http_status,
                    "content_type": document.content_type,
                    "size": len(document.body),
                    "payload": document.body,
                }
            ],
            key=("url", "variant", "content_hash"),
            now=document.fetched_at,
            counts=self.counts,
            # The payload is in the key through its hash: never read it back.
            compare=("http_status", "content_type", "source"),
            seen=("first_fetched_at", "fetched_at"),
        )
        self.learned.append(ref)
        self.document_ids[ref] = ids[(ref.url, ref.variant, ref.content_hash)]
        return self.document_ids[ref]

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
