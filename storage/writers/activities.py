"""The Mazhilis's activities of deputies, a page's worth in one statement."""

from datetime import datetime

from sqlalchemy.orm import Session

from records import ActivityItem
from storage.models import Activity
from storage.upsert import Counts, upsert


class ActivityWrites:
    """Activities: the `Writer`'s methods for them."""

    session: Session
    counts: Counts

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
