"""The party's news with the deputies it names, and its programme's theses."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from matching.mentions import PARTY_NEWS, Mention, Proposal
from records import PartyNewsItem, ThesisItem
from storage.mentions import record_mentions
from storage.models import PartyNews, PartyNewsMention, ProgrammeThesis
from storage.upsert import Counts, upsert


class PartyWrites:
    """The party's news and theses: the `Writer`'s methods for them."""

    session: Session
    counts: Counts

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
