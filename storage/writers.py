"""Records of the spiders' items, written with `upsert` by their natural keys."""

from datetime import datetime
from itertools import groupby

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from matching.mentions import (
    PARTY_NEWS,
    REQUEST_PARTICIPANT,
    Mention,
    Proposal,
    participant_status,
)
from records import (
    ActivityItem,
    ConvocationItem,
    DeputyItem,
    DocumentRef,
    ParticipantItem,
    PartyNewsItem,
    PostItem,
    PublishedCountItem,
    RawDocument,
    RequestFileItem,
    RequestItem,
    ThesisItem,
)
from storage.mentions import PeopleCache, record_mentions
from storage.models import (
    Activity,
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    PartyNews,
    PartyNewsMention,
    Post,
    ProgrammeThesis,
    PublishedCount,
    RequestFile,
    RequestParticipant,
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
        self,
        session: Session,
        counts: Counts,
        document_ids: dict[DocumentRef, int],
        people: PeopleCache | None = None,
    ) -> None:
        self.session = session
        self.counts = counts
        self.document_ids = document_ids
        self.learned: list[DocumentRef] = []
        # The deputies that names without an id are matched against.
        self.people = people if people is not None else PeopleCache()
        self.deputies_changed = False

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
        against the stored deputies in the request's convocation."""
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

    def write_activity(self, item: ActivityItem, now: datetime) -> int:
        (activity_id,) = self.write_activities([item], now).values()
        return activity_id

    def write_activities(
        self, items: list[ActivityItem], now: datetime
    ) -> dict[tuple, int]:
        """A page's activities in one upsert: a handful of statements, not a
        handful per activity (bench/storage.py measures the difference)."""
        deputies = self.deputy_ids({item.source_deputy_id for item in items})
        return upsert(
            self.session,
            Activity,
            [
                {
                    "mazhilis_id": item.mazhilis_id,
                    "deputy_id": deputies.get(item.source_deputy_id),
                    "source_deputy_id": item.source_deputy_id,
                    "activity_date": item.activity_date,
                    "title": item.title,
                    "text": item.text,
                    "place": item.place,
                    "url": item.url,
                    "fetched_via": item.fetched_via,
                    "item_hash": item.item_hash,
                    "source_document_id": self.document_id(item.document),
                }
                for item in items
            ],
            key=("mazhilis_id",),
            now=now,
            counts=self.counts,
        )

    def write_post(self, item: PostItem, now: datetime) -> int:
        account = self.session.execute(
            select(SocialAccount.id, SocialAccount.deputy_id).where(
                SocialAccount.platform == item.platform,
                SocialAccount.handle == item.handle.lower(),
            )
        ).first()
        (post_id,) = upsert(
            self.session,
            Post,
            [
                {
                    "platform": item.platform,
                    "source_post_id": item.source_post_id,
                    "account_id": account[0] if account else None,
                    "deputy_id": account[1] if account else None,
                    "url": item.url,
                    "posted_at": item.posted_at,
                    "text": item.text,
                    "hashtags": item.hashtags,
                    "photos": item.photos,
                    "views": item.views,
                    "edited": item.edited,
                    "forwarded_from": item.forwarded_from,
                    "likes": item.likes,
                    "comments": item.comments,
                    "item_hash": item.item_hash,
                    "source_document_id": self.document_id(item.document),
                }
            ],
            key=("platform", "source_post_id"),
            now=now,
            counts=self.counts,
        ).values()
        return post_id

    def write_party_news(self, item: PartyNewsItem, now: datetime) -> int:
        document_id = self.document_id(item.document)
        (news_id,) = upsert(
            self.session,
            PartyNews,
            [
                {
                    "party": item.party,
                    "slug": item.slug,
                    "url": item.url,
                    "published_at": item.published_at,
                    "title": item.title,
                    "text": item.text,
                    "item_hash": item.item_hash,
                    "source_document_id": document_id,
                }
            ],
            key=("party", "slug"),
            now=now,
            counts=self.counts,
        ).values()
        names = [mention.name_as_given for mention in item.mentions]
        # A name the item no longer has (its text was edited) is no mention.
        removed = self.session.execute(
            delete(PartyNewsMention).where(
                PartyNewsMention.news_id == news_id,
                PartyNewsMention.name_as_given.not_in(names),
            )
        ).rowcount
        if removed:
            self.counts.add(PartyNewsMention.__tablename__, 0, removed, 0)
        # As name mentions, so that a person's decision on one holds.
        links = record_mentions(
            self.session,
            [
                Mention(
                    raw_name=mention.name_as_given,
                    source_kind=PARTY_NEWS,
                    source_key=f"{item.party}/{item.slug}",
                    party=item.party,
                    source_document_id=document_id,
                    resolved=Proposal(
                        proposal=mention.status,
                        candidate_deputy_id=mention.candidate_deputy_id,
                        score=mention.score,
                        reason=mention.reason,
                    ),
                )
                for mention in item.mentions
            ],
            counts=self.counts,
        )
        key = (PARTY_NEWS, f"{item.party}/{item.slug}")
        upsert(
            self.session,
            PartyNewsMention,
            [
                {
                    "news_id": news_id,
                    "name_as_given": mention.name_as_given,
                    "status": links[(*key, mention.name_as_given)].status,
                    "deputy_id": links[(*key, mention.name_as_given)].deputy_id,
                    "candidate_deputy_id": mention.candidate_deputy_id,
                    "score": mention.score,
                    "reason": mention.reason,
                    "source_document_id": document_id,
                }
                for mention in item.mentions
            ],
            key=("news_id", "name_as_given"),
            now=now,
            counts=self.counts,
        )
        return news_id

    def write_thesis(self, item: ThesisItem, now: datetime) -> int:
        ids = upsert(
            self.session,
            ProgrammeThesis,
            [
                {
                    "party": item.party,
                    "number": item.number,
                    "text": item.text,
                    "source_document_id": self.document_id(item.document),
                }
            ],
            key=("party", "number"),
            now=now,
            counts=self.counts,
        )
        return ids[(item.party, item.number)]

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

    def write_all(self, items: list[object], now: datetime) -> None:
        """Write items in their order; runs of raw documents and of activities
        each in one batch."""
        for kind, run in groupby(items, key=type):
            if kind is RawDocument:
                self.write_documents(list(run))  # type: ignore[arg-type]
            elif kind is ActivityItem:
                self.write_activities(list(run), now)  # type: ignore[arg-type]
            else:
                for item in run:
                    self.write(item, now)

    def write(self, item: object, now: datetime) -> None:
        """Write any item the spiders yield."""
        writers = {
            RawDocument: self.write_document,
            ConvocationItem: self.write_convocation,
            DeputyItem: self.write_deputy,
            RequestItem: self.write_request,
            RequestFileItem: self.write_request_file,
            ActivityItem: self.write_activity,
            PostItem: self.write_post,
            PartyNewsItem: self.write_party_news,
            ThesisItem: self.write_thesis,
            PublishedCountItem: self.write_published_count,
        }
        writer = writers.get(type(item))
        if writer is None:
            raise TypeError(f"no writer for {type(item).__name__}")
        writer(item, now)  # type: ignore[operator]
