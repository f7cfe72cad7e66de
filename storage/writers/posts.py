"""Social posts, tied to their account and its deputy."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import PostItem
from storage.models import Post, SocialAccount
from storage.upsert import Counts, upsert


class PostWrites:
    """Posts: the `Writer`'s methods for them."""

    session: Session
    counts: Counts

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
