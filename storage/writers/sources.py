"""Raw documents and the totals a source publishes about itself."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import DocumentRef, PublishedCountItem, RawDocument
from storage.models import PublishedCount, SourceDocument
from storage.upsert import Counts, upsert


class SourceWrites:
    """Raw documents and published totals: the `Writer`'s methods for them."""

    session: Session
    counts: Counts

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
        return self.write_documents([document])[document.ref]

    def write_documents(self, documents: list[RawDocument]) -> dict[DocumentRef, int]:
        """Raw documents in one upsert, each seen at its own fetch time."""
        refs = [document.ref for document in documents]  # each hashes the body
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
                    "fetched_at": document.fetched_at,
                }
                for ref, document in zip(refs, documents, strict=True)
            ],
            key=("url", "variant", "content_hash"),
            now=documents[0].fetched_at,
            counts=self.counts,
            # The payload is in the key through its hash: never read it back.
            compare=("http_status", "content_type", "source"),
            seen=("first_fetched_at", "fetched_at"),
        )
        written = {}
        for ref in refs:
            self.learned.append(ref)
            self.document_ids[ref] = ids[(ref.url, ref.variant, ref.content_hash)]
            written[ref] = self.document_ids[ref]
        return written

    def write_published_count(self, item: PublishedCountItem, now: datetime) -> int:
        key = (item.source, item.subject, item.scope)
        ids = upsert(
            self.session,
            PublishedCount,
            [
                {
                    "source": item.source,
                    "subject": item.subject,
                    "scope": item.scope,
                    "published": item.published,
                    "detail": item.detail,
                    "source_document_id": self.document_id(item.document),
                }
            ],
            key=("source", "subject", "scope"),
            now=now,
            counts=self.counts,
        )
        return ids[key]
