"""Name mentions in the database: the `name_mentions` rows, a person's decisions
(`match_decisions`) and the copying of each link to the record that mentions it.

`record_mentions` stores what a crawl saw and resolves each against the stored
deputies (matching/mentions.py holds the values, matching/people.py the
matcher). A person's decision (`decide`) fixes the mention's link until another
decision; later crawls recompute the proposal but never the decided link. The
link is copied to the mentioning record where it has a deputy column (request
participants, social accounts and their posts).
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from matching.mentions import (
    ACTIONS,
    KEY_CHUNK,
    PARTY_NEWS,
    REQUEST_PARTICIPANT,
    RESOLVED_BY_CALLER,
    SOCIAL_ACCOUNT,
    Mention,
    MentionLink,
    linked_to,
    proposal_of,
)
from matching.people import Candidate, Context, PeopleIndex, Resolution, resolve
from storage.models import (
    Convocation,
    Deputy,
    DeputyName,
    DeputyRequest,
    Mandate,
    MatchDecision,
    NameMention,
    PartyNews,
    PartyNewsMention,
    Post,
    RequestParticipant,
    SocialAccount,
)
from storage.upsert import Counts, upsert

# Kinds whose names come without a deputy id where the source gives every sitting
# deputy's (SOURCES.md §1.3: a request's participant with `"id": null` is a
# former deputy): such a name is evidence against every sitting deputy.
WITHOUT_AN_ID = frozenset({REQUEST_PARTICIPANT})
NOT_SITTING = "named without an id, which the API gives every sitting deputy"
SITTING_NAMESAKE = f"{NOT_SITTING}: not linked to a sitting deputy on the names alone"


class MentionError(Exception):
    """A decision that cannot be made as asked; the message says why."""


def load_candidates(session: Session) -> list[Candidate]:
    """Every stored deputy as a matching candidate (id: the stored id): every
    name form a source wrote, the convocations they sat in, and their latest
    region and party."""
    names: dict[int, list[str]] = {}
    for deputy_id, last, first, patronymic in session.execute(
        select(Deputy.id, Deputy.last_name, Deputy.first_name, Deputy.patronymic)
    ):
        full = " ".join(part for part in (last, first, patronymic) if part)
        names[deputy_id] = [full]
    for deputy_id, full_name in session.execute(
        select(DeputyName.deputy_id, DeputyName.full_name)
    ):
        if full_name not in names[deputy_id]:
            names[deputy_id].append(full_name)
    convocations: dict[int, set[int]] = {}
    latest: dict[int, tuple[int, str | None, str | None]] = {}
    for deputy_id, number, region, party in session.execute(
        select(
            Mandate.deputy_id, Convocation.number, Mandate.region_ru, Mandate.party
        ).join(Convocation, Mandate.convocation_id == Convocation.id)
    ):
        convocations.setdefault(deputy_id, set()).add(number)
        if number >= latest.get(deputy_id, (0, None, None))[0]:
            latest[deputy_id] = (number, region, party)
    return [
        Candidate(
            id=str(deputy_id),
            names=tuple(forms),
            convocations=frozenset(convocations.get(deputy_id, ())),
            region=latest.get(deputy_id, (0, None, None))[1],
            party=latest.get(deputy_id, (0, None, None))[2],
        )
        for deputy_id, forms in names.items()
    ]


def load_people(session: Session) -> PeopleIndex:
    """The stored deputies indexed for resolving names (`load_candidates`)."""
    return PeopleIndex(load_candidates(session))


def load_sitting(session: Session) -> frozenset[str]:
    """The candidates' ids (`load_candidates`) of the deputies sitting now: those
    the deputies list gives as active. Former deputies (`is_active` false) and
    those no list gave are not."""
    return frozenset(
        str(deputy_id)
        for deputy_id in session.scalars(
            select(Deputy.id).where(Deputy.is_active.is_(True))
        )
    )


class PeopleCache:
    """The candidates index and who sits now, built once and rebuilt after
    deputies change."""

    def __init__(self) -> None:
        self._index: PeopleIndex | None = None
        self._sitting: frozenset[str] | None = None

    def index(self, session: Session) -> PeopleIndex:
        if self._index is None:
            self._index = load_people(session)
        return self._index

    def sitting(self, session: Session) -> frozenset[str]:
        if self._sitting is None:
            self._sitting = load_sitting(session)
        return self._sitting

    def invalidate(self) -> None:
        self._index = None
        self._sitting = None


def resolve_named(
    people: PeopleIndex,
    name: str,
    kind: str,
    context: Context,
    sitting: frozenset[str],
) -> Resolution:
    """Resolve a name; one of a kind that comes without an id (WITHOUT_AN_ID) is
    never linked to a sitting deputy on the names alone.

    Such a name is first resolved among the deputies who do not sit now (a
    sitting namesake is no rival: it would have come with its id), and linked
    to a former deputy where the names tell. Otherwise, where its best
    candidate is a sitting deputy (`Калыков А.` beside 56 Калыков Арман), it
    goes to review at most, the reason saying why."""
    if kind not in WITHOUT_AN_ID:
        return people.resolve(name, context)
    candidates = people.candidates_for(name)
    former = resolve(name, [c for c in candidates if c.id not in sitting], context)
    if former.decision == "link":
        namesakes = sorted(c.names[0] for c in candidates if c.id in sitting)
        if not namesakes:
            return former
        reason = f"{NOT_SITTING}: sitting {', '.join(namesakes)} left out"
        return replace(former, reason=f"{former.reason}; {reason}")
    found = resolve(name, candidates, context)
    if found.candidate is None or found.candidate.id not in sitting:
        return former if former.candidate is not None else found
    if found.decision == "none":
        return found
    reason = f"{found.reason}; {SITTING_NAMESAKE}"
    return replace(found, decision="review", reason=reason)


def _stored(session: Session, keys: list[tuple[str, str, str]]) -> dict[tuple, tuple]:
    """{natural key: (decided, status, deputy_id)} of the stored mentions."""
    found = {}
    columns = (NameMention.source_kind, NameMention.source_key, NameMention.raw_name)
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        for row in session.execute(
            select(
                *columns,
                NameMention.decided,
                NameMention.status,
                NameMention.deputy_id,
            ).where(tuple_(*columns).in_(chunk))
        ):
            found[tuple(row[:3])] = tuple(row[3:])
    return found


def record_mentions(
    session: Session,
    mentions: Iterable[Mention],
    people: PeopleIndex | None = None,
    counts: Counts | None = None,
    now: datetime | None = None,
    sitting: frozenset[str] | None = None,
) -> dict[tuple[str, str, str], MentionLink]:
    """Store the mentions, resolve each against the stored deputies and return
    where each stands, by its natural key (`Mention.key`).

    Idempotent: recording the same mentions again changes nothing but their
    `last_seen_at`. A mention a person decided on keeps the decided link; only the
    matcher's proposal is refreshed. `people` is the candidates index
    (`load_people`) and `sitting` who sits now (`load_sitting`), each read here
    when not given; a name of a kind without an id is resolved by
    `resolve_named`.
    """
    batch = {mention.key: mention for mention in mentions}
    if not batch:
        return {}
    if people is None and any(m.resolved is None for m in batch.values()):
        people = load_people(session)
    if sitting is None and any(m.source_kind in WITHOUT_AN_ID for m in batch.values()):
        sitting = load_sitting(session)
    now = now or datetime.now(UTC)
    stored = _stored(session, list(batch))
    rows = []
    for key, mention in batch.items():
        if mention.resolved is not None:
            proposal = mention.resolved
        else:
            assert people is not None
            resolution = resolve_named(
                people,
                mention.raw_name,
                mention.source_kind,
                mention.context,
                sitting or frozenset(),
            )
            proposal = proposal_of(resolution)
        decided, status, deputy_id = stored.get(key, (False, None, None))
        if not decided:
            status, deputy_id = proposal.proposal, linked_to(proposal)
        rows.append(
            {
                "source_kind": mention.source_kind,
                "source_key": mention.source_key,
                "raw_name": mention.raw_name,
                "convocation": mention.convocation,
                "region": mention.region,
                "party": mention.party,
                "status": status,
                "deputy_id": deputy_id,
                "decided": decided,
                "source_document_id": mention.source_document_id,
                **vars(proposal),
            }
        )
    ids = upsert(
        session,
        NameMention,
        rows,
        key=("source_kind", "source_key", "raw_name"),
        now=now,
        counts=counts if counts is not None else Counts(),
    )
    return {
        key: MentionLink(
            ids[key], row["status"], row["deputy_id"], row["score"], row["decided"]
        )
        for key, row in zip(batch, rows, strict=True)
    }


def _propagate(session: Session, mention: NameMention) -> None:
    """Copy a mention's link to the record that mentions it."""
    if mention.source_kind == REQUEST_PARTICIPANT:
        request_key, role = mention.source_key.rsplit("/", 1)
        request_id = select(DeputyRequest.id).where(
            DeputyRequest.mazhilis_id == int(request_key)
        )
        session.execute(
            update(RequestParticipant)
            .where(
                RequestParticipant.request_id == request_id.scalar_subquery(),
                RequestParticipant.role == role,
                RequestParticipant.name_as_given == mention.raw_name,
                RequestParticipant.source_deputy_id.is_(None),
            )
            .values(
                deputy_id=mention.deputy_id,
                link_status="matched" if mention.status == "linked" else mention.status,
            )
        )
    elif mention.source_kind == PARTY_NEWS:
        party, slug = mention.source_key.split("/", 1)
        news_id = select(PartyNews.id).where(
            PartyNews.party == party, PartyNews.slug == slug
        )
        session.execute(
            update(PartyNewsMention)
            .where(
                PartyNewsMention.news_id == news_id.scalar_subquery(),
                PartyNewsMention.name_as_given == mention.raw_name,
            )
            .values(status=mention.status, deputy_id=mention.deputy_id)
        )
    elif mention.source_kind == SOCIAL_ACCOUNT:
        platform, handle = mention.source_key.split(":", 1)
        account_id = session.scalars(
            select(SocialAccount.id).where(
                SocialAccount.platform == platform, SocialAccount.handle == handle
            )
        ).one_or_none()
        if account_id is None:
            return
        session.execute(
            update(SocialAccount)
            .where(SocialAccount.id == account_id)
            .values(deputy_id=mention.deputy_id)
        )
        session.execute(
            update(Post)
            .where(Post.account_id == account_id)
            .values(deputy_id=mention.deputy_id)
        )


def resolve_pending(session: Session, people: PeopleIndex | None = None) -> int:
    """Resolve again every mention no person decided on (after deputies were
    stored or changed) and copy changed links to their records; returns how many
    links changed."""
    people = people if people is not None else load_people(session)
    sitting = load_sitting(session)
    changed = 0
    for mention in session.scalars(
        select(NameMention).where(
            NameMention.decided.is_(False),
            NameMention.source_kind.not_in(RESOLVED_BY_CALLER),
        )
    ):
        context = Context(mention.convocation, mention.region, mention.party)
        proposal = proposal_of(
            resolve_named(
                people, mention.raw_name, mention.source_kind, context, sitting
            )
        )
        for name, value in vars(proposal).items():
            setattr(mention, name, value)
        status, deputy_id = proposal.proposal, linked_to(proposal)
        if (status, deputy_id) != (mention.status, mention.deputy_id):
            mention.status, mention.deputy_id = status, deputy_id
            _propagate(session, mention)
            changed += 1
    session.flush()
    return changed


def decide(
    session: Session,
    mention_id: int,
    action: str,
    decided_by: str,
    deputy_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> MatchDecision:
    """Record a person's decision on a mention and apply it to the mention and
    the record that mentions it. `deputy_id` (the stored deputy's id) is for
    `link`. `reset` hands the mention back to the matcher."""
    mention = session.get(NameMention, mention_id)
    if mention is None:
        raise MentionError(f"no name mention has id {mention_id}")
    if action == "reset":
        status, target = None, None
    elif action in ACTIONS:
        status, source = ACTIONS[action]
        target = {"candidate": mention.candidate_deputy_id, "given": deputy_id}.get(
            source or ""
        )
        if source == "candidate" and target is None:
            raise MentionError(
                f"mention {mention_id} ({mention.raw_name!r}) has no candidate to "
                "accept; link it to a deputy instead"
            )
    else:
        raise MentionError(f"unknown action {action!r}")
    decision = MatchDecision(
        mention_id=mention.id,
        action=action,
        deputy_id=target,
        candidate_deputy_id=mention.candidate_deputy_id,
        score=mention.score,
        matcher_reason=mention.reason,
        note=note,
        decided_by=decided_by,
        decided_at=now or datetime.now(UTC),
    )
    session.add(decision)
    if action == "reset":
        mention.decided = False
        mention.status = mention.proposal
        mention.deputy_id = (
            mention.candidate_deputy_id if mention.proposal == "linked" else None
        )
    else:
        mention.decided = True
        mention.status, mention.deputy_id = status, target
    _propagate(session, mention)
    session.flush()
    return decision
