"""The database that mazhilis-watch fills and other tools read.

Each table has a natural key with a unique constraint, so a crawl upserts by what the
source itself identifies, and a second crawl of the same data changes nothing but
`last_seen_at`. Records point to the raw source document they were last seen in
(`source_document_id`): its URL, fetch time, status and the payload itself.
docs/database.md describes the tables for downstream users.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class Seen:
    """When a record was first and last seen by a crawl, and in which document.

    A record that a complete crawl of its source no longer finds is never deleted:
    `no_longer_seen_at` says since when it is gone (null while it is there).
    """

    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    no_longer_seen_at: Mapped[datetime | None]
    source_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_documents.id")
    )


class SourceDocument(Base):
    """A raw payload as fetched: kept so a fixed parser can re-run without a crawl."""

    __tablename__ = "source_documents"
    __table_args__ = (UniqueConstraint("url", "variant", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(2000))
    # What else selected the payload than its URL: the Accept-Language, say.
    variant: Mapped[str] = mapped_column(String(40), default="")
    http_status: Mapped[int]
    content_type: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    first_fetched_at: Mapped[datetime]
    fetched_at: Mapped[datetime]


class Convocation(Seen, Base):
    __tablename__ = "convocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    source_id: Mapped[int | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    sessions: Mapped[list["ConvocationSession"]] = relationship(
        back_populates="convocation"
    )


class ConvocationSession(Seen, Base):
    """A session of a convocation (сессия), from September to June."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("convocation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convocation_id: Mapped[int] = mapped_column(ForeignKey("convocations.id"))
    number: Mapped[int]
    source_id: Mapped[int | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    convocation: Mapped[Convocation] = relationship(back_populates="sessions")


class Deputy(Seen, Base):
    """A person; the names are the Mazhilis's default (Kazakh) form."""

    __tablename__ = "deputies"

    id: Mapped[int] = mapped_column(primary_key=True)
    mazhilis_id: Mapped[int | None] = mapped_column(unique=True)
    last_name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str] = mapped_column(String(200))
    patronymic: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(100))
    avatar_url: Mapped[str | None] = mapped_column(String(2000))
    is_active: Mapped[bool | None]

    names: Mapped[list["DeputyName"]] = relationship(back_populates="deputy")
    mandates: Mapped[list["Mandate"]] = relationship(back_populates="deputy")
    social_accounts: Mapped[list["SocialAccount"]] = relationship(
        back_populates="deputy"
    )


class DeputyName(Seen, Base):
    """One form of a deputy's name as a source wrote it, tagged with its language."""

    __tablename__ = "deputy_names"
    __table_args__ = (UniqueConstraint("deputy_id", "source", "lang", "full_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"))
    source: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(8))
    script: Mapped[str] = mapped_column(String(8))
    full_name: Mapped[str] = mapped_column(String(600))
    last_name: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(200))
    patronymic: Mapped[str | None] = mapped_column(String(200))

    deputy: Mapped[Deputy] = relationship(back_populates="names")


class Mandate(Seen, Base):
    """A deputy's seat in one convocation: how elected, where, faction, committee."""

    __tablename__ = "mandates"
    __table_args__ = (UniqueConstraint("deputy_id", "convocation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"))
    convocation_id: Mapped[int] = mapped_column(ForeignKey("convocations.id"))
    # "single_mandate" (deputy_type 1, elected in a district) or "party_list" (2).
    deputy_type: Mapped[str] = mapped_column(String(20))
    district_number: Mapped[int | None]
    region_kk: Mapped[str | None] = mapped_column(String(300))
    region_ru: Mapped[str | None] = mapped_column(String(300))
    # The party's name inside the faction's, e.g. "AMANAT"; None for independents.
    party: Mapped[str | None] = mapped_column(String(200))
    faction_kk: Mapped[str | None] = mapped_column(String(300))
    faction_ru: Mapped[str | None] = mapped_column(String(300))
    committee_kk: Mapped[str | None] = mapped_column(String(300))
    committee_ru: Mapped[str | None] = mapped_column(String(300))
    committee_role: Mapped[str | None] = mapped_column(String(100))
    position_kk: Mapped[str | None] = mapped_column(String(300))
    position_ru: Mapped[str | None] = mapped_column(String(300))
    party_role: Mapped[str | None] = mapped_column(String(100))
    dep_group_role: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    deputy: Mapped[Deputy] = relationship(back_populates="mandates")


class SocialAccount(Seen, Base):
    """A deputy's account on a platform, and where the crawler learned of it."""

    __tablename__ = "social_accounts"
    __table_args__ = (UniqueConstraint("platform", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    platform: Mapped[str] = mapped_column(String(20))
    # Lower-cased, as the platforms treat handles case-insensitively.
    handle: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    # "mazhilis-api" for the deputies' *_link fields.
    learned_from: Mapped[str] = mapped_column(String(40))

    deputy: Mapped[Deputy | None] = relationship(back_populates="social_accounts")


class CrawlRun(Base):
    """One run of one source: what it fetched and wrote, and how it ended."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    mode: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items_inserted: Mapped[int] = mapped_column(Integer, default=0)
    items_updated: Mapped[int] = mapped_column(Integer, default=0)
    items_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    # "running", "success", "partial" (some pages failed) or "failed".
    outcome: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)
    # Counts per table, failed pages and the like, for `mwatch status`.
    report: Mapped[dict | None] = mapped_column(JSON)
    # The process that ran it: a run still "running" whose process is gone was
    # killed, and `mwatch status` says so.
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None]


class DeputyRequest(Seen, Base):
    """A deputy request (депутатский запрос): a formal question to the government."""

    __tablename__ = "deputy_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    mazhilis_id: Mapped[int] = mapped_column(unique=True)
    number: Mapped[str | None] = mapped_column(String(100))
    request_date: Mapped[date | None] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text)
    addressee: Mapped[str | None] = mapped_column(Text)
    convocation_id: Mapped[int | None] = mapped_column(ForeignKey("convocations.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    # The source's own ids, kept when the convocation or session is not stored.
    source_convocation_id: Mapped[int | None]
    source_session_id: Mapped[int | None]
    document_url: Mapped[str | None] = mapped_column(String(2000))
    answer_date: Mapped[date | None]
    answer_document_url: Mapped[str | None] = mapped_column(String(2000))
    # SHA-256 of the API's item: tells a nightly crawl what changed.
    item_hash: Mapped[str] = mapped_column(String(64))

    participants: Mapped[list["RequestParticipant"]] = relationship(
        back_populates="request"
    )
    files: Mapped[list["RequestFile"]] = relationship(back_populates="request")


class RequestParticipant(Seen, Base):
    """An initiator or co-signatory of a request, linked to a deputy when possible."""

    __tablename__ = "request_participants"
    __table_args__ = (UniqueConstraint("request_id", "role", "name_as_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("deputy_requests.id"))
    # "initiator" or "signatory".
    role: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    name_as_given: Mapped[str] = mapped_column(String(600))
    source_deputy_id: Mapped[int | None]
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"), index=True)
    # "linked" (to a stored deputy by the source's id), "unknown_deputy" (an id no
    # stored deputy has yet) or "unlinked" (the source gave only a name).
    link_status: Mapped[str] = mapped_column(String(20))

    request: Mapped[DeputyRequest] = relationship(back_populates="participants")


class RequestFile(Seen, Base):
    """The PDF of a request or of its answer, and its text where it has a layer."""

    __tablename__ = "request_files"
    __table_args__ = (UniqueConstraint("request_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("deputy_requests.id"))
    # "request" or "answer".
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(2000))
    # "ok", "no_text" (a scan without a text layer), "missing" (404/410),
    # "broken" (not a readable PDF), "oversized" (over the size limit), "offsite"
    # (on another host than the source's: not fetched) or
    # "failed" (the download failed; tried again on the next crawl).
    status: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    pages: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)

    request: Mapped[DeputyRequest] = relationship(back_populates="files")


class Activity(Seen, Base):
    """A deputy's reported work: a meeting with voters, a reception of citizens."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    mazhilis_id: Mapped[int] = mapped_column(unique=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"), index=True)
    source_deputy_id: Mapped[int]
    activity_date: Mapped[date | None] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    # "api" (the JSON endpoint) or "page" (the page rendered in a browser).
    fetched_via: Mapped[str] = mapped_column(String(10))
    # SHA-256 of the title, text, place and date: tells a nightly crawl what changed.
    item_hash: Mapped[str] = mapped_column(String(64))


class Post(Seen, Base):
    """A post of a deputy's social account (a Telegram channel's, ...)."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("platform", "source_post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    # The platform's own id: "<channel>/<number>" on Telegram.
    source_post_id: Mapped[str] = mapped_column(String(300))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("social_accounts.id"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"), index=True)
    # The post's address on the real platform (https://t.me/<channel>/<number>).
    url: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(index=True)
    text: Mapped[str | None] = mapped_column(Text)
    hashtags: Mapped[list | None] = mapped_column(JSON)
    photos: Mapped[list | None] = mapped_column(JSON)
    views: Mapped[int | None]
    edited: Mapped[bool | None]
    forwarded_from: Mapped[str | None] = mapped_column(Text)
    # Likes and comments as of the last fetch (Instagram's counts).
    likes: Mapped[int | None]
    comments: Mapped[int | None]
    # SHA-256 of what the post says (not its views, which grow every day).
    item_hash: Mapped[str] = mapped_column(String(64))


# The party's site (SOURCES.md §5): its news, the deputies they name, and its
# election programme.


class PartyNews(Seen, Base):
    """A news item of a party's site (AMANAT's `/ru/news/<slug>`)."""

    __tablename__ = "party_news"
    __table_args__ = (UniqueConstraint("party", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The party's short name, as in `mandates.party`: "AMANAT".
    party: Mapped[str] = mapped_column(String(40))
    # The item's own id on the site: the last part of its path.
    slug: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))
    published_at: Mapped[datetime] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text)
    # The body's paragraphs, separated by blank lines.
    text: Mapped[str] = mapped_column(Text)
    # SHA-256 of the title, time and text: tells a nightly crawl what changed.
    item_hash: Mapped[str] = mapped_column(String(64))


class PartyNewsMention(Seen, Base):
    """A name in a news item that name matching takes for a deputy's.

    "linked": above the link threshold and clearly ahead of any other deputy
    (`deputy_id` set); "review": in the grey zone (a surname alone, two deputies
    too close), with the best candidate proposed but not linked.
    """

    __tablename__ = "party_news_mentions"
    __table_args__ = (UniqueConstraint("news_id", "name_as_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    news_id: Mapped[int] = mapped_column(ForeignKey("party_news.id"), index=True)
    name_as_given: Mapped[str] = mapped_column(String(600))
    status: Mapped[str] = mapped_column(String(20))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"), index=True)
    candidate_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)


class ProgrammeThesis(Seen, Base):
    """A thesis of a party's election programme (AMANAT 2023 has ten)."""

    __tablename__ = "programme_theses"
    __table_args__ = (UniqueConstraint("party", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party: Mapped[str] = mapped_column(String(40))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class Meeting(Base):
    """A meeting with voters or a reception of citizens, however many sources
    report it (`mwatch meetings match` clusters them; the id stays as sources join).
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"), index=True)
    # Who, when no deputy is stored for the sources: "account:<id>" of a post's
    # account, "mazhilis-deputy:<id>" of an activity's.
    who: Mapped[str] = mapped_column(String(60))
    # "meeting" (with voters) or "reception" (of citizens).
    kind: Mapped[str] = mapped_column(String(20))
    meeting_date: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    sources: Mapped[list["MeetingSource"]] = relationship(back_populates="meeting")


class MeetingMatch(Base):
    """One run of the meetings' matching and a digest of what it read (the
    posts, activities, decisions and matching code): a crawl whose records leave
    the digest as it was does not match again."""

    __tablename__ = "meeting_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    reports: Mapped[int]
    meetings: Mapped[int]
    matched_at: Mapped[datetime]


class MeetingSource(Base):
    """A post or a Mazhilis activity reporting a meeting: what it states, and why
    it was put with the meeting's other sources."""

    __tablename__ = "meeting_sources"
    __table_args__ = (UniqueConstraint("post_id"), UniqueConstraint("activity_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    # "telegram", "instagram", "facebook" (the post's platform) or "mazhilis".
    source: Mapped[str] = mapped_column(String(20))
    # The classifier's rule that recognised it ("ru: прием граждан", ...).
    rule: Mapped[str | None] = mapped_column(String(100))
    # The day and place the source states (None when it states none).
    stated_date: Mapped[date | None]
    stated_place: Mapped[str | None] = mapped_column(Text)
    # The link that joined it to the meeting: null for the first source.
    score: Mapped[float | None]
    reason: Mapped[str | None] = mapped_column(Text)
    matched_at: Mapped[datetime]

    meeting: Mapped[Meeting] = relationship(back_populates="sources")


class NameMention(Seen, Base):
    """A person named by a source without the Mazhilis's deputy id, and the deputy
    that name matching (storage/mentions.py) or a person's decision links it to.

    The matcher's proposal (`candidate_deputy_id`, `score`, `reason`, ...) is
    recomputed on every write; the link (`status`, `deputy_id`) follows it until a
    person decides (`decided`), and then follows the decision (`match_decisions`).
    """

    __tablename__ = "name_mentions"
    __table_args__ = (UniqueConstraint("source_kind", "source_key", "raw_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "request_participant", "social_account", "party_news", ...
    source_kind: Mapped[str] = mapped_column(String(40))
    # The mentioning record's natural key within its kind ("5012/initiator").
    source_key: Mapped[str] = mapped_column(String(300))
    raw_name: Mapped[str] = mapped_column(String(600))
    convocation: Mapped[int | None]
    region: Mapped[str | None] = mapped_column(String(300))
    party: Mapped[str | None] = mapped_column(String(200))
    # "linked", "review" or "unlinked".
    status: Mapped[str] = mapped_column(String(20), index=True)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"), index=True)
    decided: Mapped[bool] = mapped_column(default=False)
    # What the matcher proposes: "linked", "review" or "unlinked".
    proposal: Mapped[str] = mapped_column(String(20))
    candidate_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    score: Mapped[float] = mapped_column(Float)
    runner_up_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    runner_up_score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)


class MatchDecision(Base):
    """A person's decision on a name mention; the latest one stands."""

    __tablename__ = "match_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("name_mentions.id"), index=True)
    # "accept", "reject", "link", "unlink" or "reset" (back to the matcher).
    action: Mapped[str] = mapped_column(String(20))
    # The deputy the mention is linked to after the decision (null: unlinked).
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    # The matcher's proposal the person saw, for the record.
    candidate_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id"))
    score: Mapped[float] = mapped_column(Float)
    matcher_reason: Mapped[str] = mapped_column(Text)
    # Why the person decided so, in their words (may be empty).
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]


# Reconciliation: what the sources publish about themselves.


class PublishedCount(Seen, Base):
    """A total a source publishes about itself, and what the database held then.

    The requests API's `count` for a filter (all requests, a session's, a
    deputy's), a deputy's activities `count`, the deputies listed in Kazakh and in
    Russian. `collected` is what the database held in the same scope when the
    crawl run that read the figure ended: the two should be equal.
    """

    __tablename__ = "published_counts"
    __table_args__ = (UniqueConstraint("source", "subject", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The crawl source that read it: "mazhilis-requests", ...
    source: Mapped[str] = mapped_column(String(40))
    # What is counted: "requests", "activities" or "deputies".
    subject: Mapped[str] = mapped_column(String(40))
    # The filter it counts under: "all", "session:82", "deputy:71",
    # "session:82 deputy:71", "lang:kk", ... (source ids, as the API takes them).
    scope: Mapped[str] = mapped_column(String(200))
    published: Mapped[int]
    # Anything more the source said: the ids a deputies list holds.
    detail: Mapped[dict | None] = mapped_column(JSON)
    collected: Mapped[int | None]
    collected_at: Mapped[datetime | None]


# Topics (topics/topics.toml): what requests, activities, posts, meetings, party
# news and deputies' own programme items are about.


class Topic(Base):
    """A programme thesis or a monitored issue, as the topics file defines it."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    # "programme" (a thesis of AMANAT's 2023 programme) or "issue".
    kind: Mapped[str] = mapped_column(String(20))
    # The thesis's party and number (programme_theses), for kind "programme".
    party: Mapped[str | None] = mapped_column(String(40))
    thesis_number: Mapped[int | None]
    name_en: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str] = mapped_column(Text)
    name_kk: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)


class TopicTag(Base):
    """A record tagged with a topic, and the keywords that made it so."""

    __tablename__ = "topic_tags"
    __table_args__ = (
        UniqueConstraint("topic_id", "record_type", "record_id"),
        Index("ix_topic_tags_record", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    # "request", "activity", "post", "meeting", "party_news" or "programme_item";
    # record_id is that table's id.
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    keywords: Mapped[list] = mapped_column(JSON)
    tagged_at: Mapped[datetime]


class DeputyProgrammeItem(Seen, Base):
    """An item of a deputy's own election programme, from a programme file."""

    __tablename__ = "deputy_programme_items"
    __table_args__ = (UniqueConstraint("deputy_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    # The file and line it was loaded from.
    source_file: Mapped[str] = mapped_column(String(2000))
    line: Mapped[int]


class MeetingDecision(Base):
    """A person's decision on two reports: "merge" (one meeting) or "split" (two
    meetings). `mwatch meetings match` honours it on every later run."""

    __tablename__ = "meeting_decisions"
    __table_args__ = (UniqueConstraint("first_key", "second_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The reports, "post:<posts.id>" or "activity:<activities.id>", first < second.
    first_key: Mapped[str] = mapped_column(String(40))
    second_key: Mapped[str] = mapped_column(String(40))
    # "merge" or "split"; a later decision on the same pair replaces it.
    action: Mapped[str] = mapped_column(String(10))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime]


# History (storage/changes.py): every insert, update, disappearance and return of
# a stored record, kept for good.


class RecordChange(Base):
    """One change of one stored record, as a crawl (or `mwatch changes rebuild`,
    from the raw documents already stored) wrote it; no crawl removes one.

    An insert, a disappearance and a return are one row each (`field` null); an
    update is one row per field that changed, with its old and new value.
    """

    __tablename__ = "record_changes"
    __table_args__ = (Index("ix_record_changes_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The record's table ("deputy_requests", "posts", ...), its id there and its
    # natural key as text ("5012"; "telegram/channel/41"; "71/8").
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int]
    record_key: Mapped[str] = mapped_column(String(600))
    # "insert", "update", "gone" (a complete crawl no longer found it) or "return".
    change: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(60))
    # The values as text: dates ISO 8601, lists and objects JSON, null as null.
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    # The crawl run that wrote it (null: rebuilt from stored documents, or written
    # outside a crawl, by `mwatch accounts load` say).
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(index=True)
