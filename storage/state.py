"""What a crawl reads of the database before it starts: where the last one ended."""

from datetime import datetime
from typing import Any

from sqlalchemy import select

from matching.people import Candidate
from storage.db import session_for
from storage.mentions import load_candidates
from storage.models import (
    Activity,
    CrawlRun,
    DeputyRequest,
    PartyNews,
    Post,
    RequestFile,
    SocialAccount,
)

# The records a crawl compares with what it reads, by their source's own key.
KNOWN: dict[str, tuple[Any, Any]] = {
    "requests": (DeputyRequest, DeputyRequest.mazhilis_id),
    "activities": (Activity, Activity.mazhilis_id),
    "posts": (Post, Post.source_post_id),
    "party_news": (PartyNews, PartyNews.slug),
}


def crawl_state(
    url: str, source: str, records: str
) -> tuple[datetime | None, dict[Any, str]]:
    """The start of `source`'s last successful run, and the stored `records`
    ("requests", "activities", "posts" or "party_news") as {source key: item
    hash}."""
    model, key = KNOWN[records]
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
    name form a source wrote, the convocations sat in, the latest region and
    party."""
    with session_for(url) as session:
        return load_candidates(session)
