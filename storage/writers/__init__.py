"""Records of the crawlers' items, written with `upsert` by their natural keys.

One module per record family (sources, deputies, requests, activities, posts,
party); `Writer` brings them together and dispatches each item to its family's
method.
"""

from datetime import datetime
from itertools import groupby

from sqlalchemy.orm import Session

from records import (
    ActivityItem,
    ConvocationItem,
    DeputyItem,
    DocumentRef,
    PartyNewsItem,
    PostItem,
    PublishedCountItem,
    RawDocument,
    RequestFileItem,
    RequestItem,
    ThesisItem,
)
from storage.mentions import PeopleCache
from storage.upsert import Counts
from storage.writers.activities import ActivityWrites
from storage.writers.deputies import DeputyWrites
from storage.writers.party import PartyWrites
from storage.writers.posts import PostWrites
from storage.writers.requests import RequestWrites
from storage.writers.sources import SourceWrites


class Writer(
    SourceWrites, DeputyWrites, RequestWrites, ActivityWrites, PostWrites, PartyWrites
):
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
