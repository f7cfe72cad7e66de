"""The database's records as plain dictionaries, for exports and reports.

Every record has a stable `id` (reports/ids.py) and its `sources`: the raw
documents it was read from (URL, fetch time, SHA-256 of the payload). Lists are
in natural-key order, so the same database always gives the same output.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports import ids
from storage.deadlines import DEFAULT_TERM, Deadline, state
from storage.models import (
    Activity,
    Convocation,
    ConvocationSession,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    Meeting,
    MeetingSource,
    Post,
    RequestFile,
    RequestParticipant,
    SocialAccount,
    SourceDocument,
)

Record = dict[str, Any]


def iso(value: date | datetime | None) -> str | None:
    """Dates as YYYY-MM-DD, times as ISO 8601 in UTC with their offset."""
    return value.isoformat() if value is not None else None


class Sources:
    """The source documents' provenance by row id, read once."""

    def __init__(self, session: Session) -> None:
        self.by_id = {
            row.id: {
                "url": row.url,
                "fetched_at": iso(row.fetched_at),
                "content_hash": row.content_hash,
            }
            for row in session.execute(
                select(
                    SourceDocument.id,
                    SourceDocument.url,
                    SourceDocument.fetched_at,
                    SourceDocument.content_hash,
                )
            )
        }

    def of(self, *document_ids: int | None) -> list[dict]:
        """The documents, each once, in the order given."""
        seen: list[dict] = []
        for document_id in document_ids:
            source = self.by_id.get(document_id) if document_id else None
            if source is not None and source not in seen:
                seen.append(source)
        return seen


def person_ids(session: Session) -> dict[int, str]:
    """Each stored deputy's export id, by the database's row id."""
    return {
        row.id: ids.person_id(
            row.mazhilis_id, row.last_name, row.first_name, row.patronymic
        )
        for row in session.execute(
            select(
                Deputy.id,
                Deputy.mazhilis_id,
                Deputy.last_name,
                Deputy.first_name,
                Deputy.patronymic,
            )
        )
    }


def _seen(row: Any) -> Record:
    return {
        "first_seen_at": iso(row.first_seen_at),
        "last_seen_at": iso(row.last_seen_at),
        "no_longer_seen_at": iso(row.no_longer_seen_at),
    }


def persons(session: Session, sources: Sources) -> list[Record]:
    """Deputies with every name form and social account."""
    names: dict[int, list[DeputyName]] = defaultdict(list)
    for name in session.scalars(
        select(DeputyName).order_by(DeputyName.lang, DeputyName.full_name)
    ):
        names[name.deputy_id].append(name)
    accounts: dict[int, list[SocialAccount]] = defaultdict(list)
    for account in session.scalars(
        select(SocialAccount).order_by(SocialAccount.platform, SocialAccount.handle)
    ):
        if account.deputy_id is not None:
            accounts[account.deputy_id].append(account)
    by_id = person_ids(session)
    records = []
    for deputy in session.scalars(select(Deputy)):
        records.append(
            {
                "id": by_id[deputy.id],
                "mazhilis_id": deputy.mazhilis_id,
                "family_name": deputy.last_name,
                "given_name": deputy.first_name,
                "patronymic_name": deputy.patronymic,
                "name": " ".join(
                    part
                    for part in (deputy.last_name, deputy.first_name, deputy.patronymic)
                    if part
                ),
                "other_names": [
                    {
                        "name": name.full_name,
                        "family_name": name.last_name,
                        "given_name": name.first_name,
                        "patronymic_name": name.patronymic,
                        "lang": name.lang,
                        "script": name.script,
                        "note": f"as written by {name.source}",
                    }
                    for name in names[deputy.id]
                ],
                "email": deputy.email,
                "phone": deputy.phone,
                "image": deputy.avatar_url,
                "is_active": deputy.is_active,
                "accounts": [
                    {
                        "platform": account.platform,
                        "handle": account.handle,
                        "url": account.url,
                        "learned_from": account.learned_from,
                    }
                    for account in accounts[deputy.id]
                ],
                "sources": sources.of(
                    deputy.source_document_id,
                    *(name.source_document_id for name in names[deputy.id]),
                ),
                **_seen(deputy),
            }
        )
    return sorted(records, key=lambda record: record["id"])


def mandates(session: Session) -> Iterator[tuple[str, int, Mandate]]:
    """(person id, convocation number, mandate) in natural-key order."""
    by_id = person_ids(session)
    rows = session.execute(
        select(Mandate, Convocation.number).join(
            Convocation, Mandate.convocation_id == Convocation.id
        )
    ).all()
    for mandate, number in sorted(
        rows, key=lambda row: (by_id[row[0].deputy_id], row[1])
    ):
        yield by_id[mandate.deputy_id], number, mandate


def _sessions(session: Session) -> dict[int, tuple[int, int]]:
    """(convocation number, session number) by the session's row id."""
    return {
        row.id: (row.convocation_number, row.number)
        for row in session.execute(
            select(
                ConvocationSession.id,
                ConvocationSession.number,
                Convocation.number.label("convocation_number"),
            ).join(Convocation)
        )
    }


def requests(
    session: Session, sources: Sources, deadline: Deadline | None = None
) -> list[Record]:
    """Requests with their initiators, co-signatories and PDFs, and their answer
    deadline's state (storage/deadlines.py) as of `deadline` (default: the law's
    term, today)."""
    deadline = deadline or Deadline(DEFAULT_TERM, date.today())
    by_id = person_ids(session)
    sessions = _sessions(session)
    participants: dict[int, list[RequestParticipant]] = defaultdict(list)
    for participant in session.scalars(
        select(RequestParticipant).order_by(
            RequestParticipant.role, RequestParticipant.position
        )
    ):
        participants[participant.request_id].append(participant)
    files: dict[int, list[RequestFile]] = defaultdict(list)
    for file in session.scalars(select(RequestFile).order_by(RequestFile.kind)):
        files[file.request_id].append(file)
    records = []
    for request in session.scalars(
        select(DeputyRequest).order_by(DeputyRequest.mazhilis_id)
    ):
        convocation, number = sessions.get(request.session_id or 0, (None, None))
        answer = state(request.request_date, request.answer_date, deadline)
        records.append(
            {
                "id": ids.request_id(request.mazhilis_id),
                "mazhilis_id": request.mazhilis_id,
                "number": request.number,
                "request_date": iso(request.request_date),
                "title": request.title,
                "addressee": request.addressee,
                "convocation": convocation,
                "session": number,
                "document_url": request.document_url,
                "answered": request.answer_date is not None,
                "answer_date": iso(request.answer_date),
                "answer_document_url": request.answer_document_url,
                **answer.as_record(),
                "participants": [
                    {
                        "role": p.role,
                        "position": p.position,
                        "name_as_given": p.name_as_given,
                        "person_id": by_id.get(p.deputy_id) if p.deputy_id else None,
                        "source_deputy_id": p.source_deputy_id,
                        "link_status": p.link_status,
                    }
                    for p in participants[request.id]
                ],
                "files": [
                    {
                        "kind": f.kind,
                        "url": f.url,
                        "status": f.status,
                        "pages": f.pages,
                        "content_hash": f.content_hash,
                    }
                    for f in files[request.id]
                ],
                "sources": sources.of(
                    request.source_document_id,
                    *(f.source_document_id for f in files[request.id]),
                ),
                **_seen(request),
            }
        )
    return records


def activities(session: Session, sources: Sources) -> list[Record]:
    """Meetings with voters and receptions of citizens the Mazhilis site reports."""
    by_id = person_ids(session)
    return [
        {
            "id": ids.activity_id(activity.mazhilis_id),
            "mazhilis_id": activity.mazhilis_id,
            "person_id": by_id.get(activity.deputy_id) if activity.deputy_id else None,
            "source_deputy_id": activity.source_deputy_id,
            "date": iso(activity.activity_date),
            "title": activity.title,
            "text": activity.text,
            "place": activity.place,
            "url": activity.url,
            "fetched_via": activity.fetched_via,
            "sources": sources.of(activity.source_document_id),
            **_seen(activity),
        }
        for activity in session.scalars(select(Activity).order_by(Activity.mazhilis_id))
    ]


def posts(session: Session, sources: Sources) -> list[Record]:
    """Deputies' social posts."""
    by_id = person_ids(session)
    handles = dict(
        session.execute(select(SocialAccount.id, SocialAccount.handle)).all()
    )
    return [
        {
            "id": ids.post_id(post.platform, post.source_post_id),
            "platform": post.platform,
            "source_post_id": post.source_post_id,
            "person_id": by_id.get(post.deputy_id) if post.deputy_id else None,
            "account": handles.get(post.account_id),
            "url": post.url,
            "posted_at": iso(post.posted_at),
            "text": post.text,
            "hashtags": post.hashtags or [],
            "photos": post.photos or [],
            "views": post.views,
            "edited": post.edited,
            "forwarded_from": post.forwarded_from,
            "sources": sources.of(post.source_document_id),
            **_seen(post),
        }
        for post in session.scalars(
            select(Post).order_by(Post.platform, Post.source_post_id)
        )
    ]


def meetings(session: Session, sources: Sources) -> list[Record]:
    """Meetings with voters and receptions of citizens, each with the posts and
    Mazhilis activities reporting it (`reports`, by their export ids). A meeting's
    id is made from its first report's (in id order: a Mazhilis activity before
    posts), so it is stable while its reports are."""
    by_id = person_ids(session)
    activities = {
        row.id: (ids.activity_id(row.mazhilis_id), row.source_document_id)
        for row in session.execute(
            select(Activity.id, Activity.mazhilis_id, Activity.source_document_id)
        )
    }
    posts = {
        row.id: (ids.post_id(row.platform, row.source_post_id), row.source_document_id)
        for row in session.execute(
            select(Post.id, Post.platform, Post.source_post_id, Post.source_document_id)
        )
    }
    reports: dict[int, list[tuple[str, str, int | None]]] = defaultdict(list)
    for source in session.scalars(select(MeetingSource)):
        if source.activity_id is not None:
            record_id, document = activities[source.activity_id]
        else:
            record_id, document = posts[source.post_id]
        reports[source.meeting_id].append((record_id, source.source, document))
    records = []
    for meeting in session.scalars(select(Meeting)):
        mine = sorted(reports[meeting.id])
        if not mine:
            continue
        records.append(
            {
                "id": ids.meeting_id(mine[0][0]),
                "person_id": by_id.get(meeting.deputy_id)
                if meeting.deputy_id
                else None,
                "kind": meeting.kind,
                "date": iso(meeting.meeting_date),
                "place": meeting.place,
                "reports": [record_id for record_id, _, _ in mine],
                "platforms": sorted({platform for _, platform, _ in mine}),
                "sources": sources.of(*(document for _, _, document in mine)),
            }
        )
    return sorted(records, key=lambda record: (record["date"], record["id"]))
