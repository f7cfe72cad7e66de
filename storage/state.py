"""What a crawl reads of the database before it starts: where the last one ended."""

from datetime import datetime
from typing import Any

from sqlalchemy import select

from matching.people import Candidate
from storage.db import session_for
from storage.models import (
    Activity,
    Convocation,
    CrawlRun,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    PartyNews,
    Post,
    RequestFile,
    SocialAccount,
)


def crawl_state(
    url: str, source: str, model: type[DeputyRequest | Activity | Post | PartyNews]
) -> tuple[datetime | None, dict[Any, str]]:
    """The start of `source`'s last successful run, and the stored records of
    `model` as {source id: item hash}."""
    if model is Post:
        key = Post.source_post_id
    elif model is PartyNews:
        key = PartyNews.slug
    else:
        key = model.mazhilis_id
    with session_for(url) as session:
        last = session.scalar(
            select(CrawlRun.started_at)
            .where(CrawlRun.source == source, CrawlRun.outcome == "success")
            .order_by(CrawlRun.started_at.desc())
            .limit(1)
        )
        known = {
            source_id: hashed
            for source_id, hashed in session.execute(select(key, model.item_hash))
        }
    return last, known


def request_files_stored(url: str) -> set[tuple[int, str]]:
    """(request's source id, kind) of the PDFs stored, but those whose download
    failed: a crawl fetches the others (never fetched, or killed before)."""
    with session_for(url) as session:
        rows = session.execute(
            select(DeputyRequest.mazhilis_id, RequestFile.kind)
            .join(RequestFile.request)
            .where(RequestFile.status != "failed")
        )
        return {(source_id, kind) for source_id, kind in rows}


def accounts_of(url: str, platform: str) -> list[str]:
    """The handles of the stored accounts on `platform`, still listed."""
    with session_for(url) as session:
        return list(
            session.scalars(
                select(SocialAccount.handle)
                .where(
                    SocialAccount.platform == platform,
                    SocialAccount.no_longer_seen_at.is_(None),
                )
                .order_by(SocialAccount.handle)
            )
        )


def deputy_candidates(url: str) -> list[Candidate]:
    """Every stored deputy as a name-matching candidate (id: the stored id): each
    name form a source wrote, the convocations sat in, the latest party."""
    with session_for(url) as session:
        names: dict[int, list[str]] = {}
        for deputy_id, *parts in session.execute(
            select(Deputy.id, Deputy.last_name, Deputy.first_name, Deputy.patronymic)
        ):
            names[deputy_id] = [" ".join(part for part in parts if part)]
        for deputy_id, full_name in session.execute(
            select(DeputyName.deputy_id, DeputyName.full_name)
        ):
            if full_name not in names[deputy_id]:
                names[deputy_id].append(full_name)
        convocations: dict[int, set[int]] = {}
        party: dict[int, tuple[int, str | None]] = {}
        for deputy_id, number, party_name in session.execute(
            select(Mandate.deputy_id, Convocation.number, Mandate.party).join(
                Convocation, Mandate.convocation_id == Convocation.id
            )
        ):
            convocations.setdefault(deputy_id, set()).add(number)
            if number >= party.get(deputy_id, (0, None))[0]:
                party[deputy_id] = (number, party_name)
    return [
        Candidate(
            id=str(deputy_id),
            names=tuple(forms),
            convocations=frozenset(convocations.get(deputy_id, ())),
            party=party.get(deputy_id, (0, None))[1],
        )
        for deputy_id, forms in names.items()
    ]
