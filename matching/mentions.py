"""Name mentions: people the sources name without the Mazhilis's deputy id.

A request's participant given only as `Куспан А.Т.`, an account of the accounts
file given by a name, a deputy named in party news: each is a `name_mentions` row,
resolved with `matching.people` against the stored deputies, using the context
the source gives (convocation, region, party):

- at or above the link threshold, and clearly ahead of the runner-up: `linked`;
- in the grey zone (or two candidates too close): `review`, for a person to
  decide with `mwatch match review`;
- below it: `unlinked`.

Nothing is guessed silently: every mention keeps the matcher's proposal (best
candidate, score, runner-up, reason). A person's decision (`decide`) is stored in
`match_decisions` and fixes the mention's link until another decision; later
crawls recompute the proposal but never the decided link.

Other parts of the crawler call `record_mentions` with what they store; the link
is copied to the mentioning record where it has a deputy column (request
participants, social accounts and their posts).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from matching.people import Candidate, Context, PeopleIndex, Resolution
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

# The kinds of mentions the crawler records, and the key of each within its kind.
REQUEST_PARTICIPANT = "request_participant"  # "<request's Mazhilis id>/<role>"
SOCIAL_ACCOUNT = "social_account"  # "<platform>:<handle>"
PARTY_NEWS = "party_news"  # "<party>/<news item's slug>"
# Kinds whose names are found in running text: the caller resolves them (the
# name as found may be inflected), and `resolve_pending` leaves them be.
RESOLVED_BY_CALLER = frozenset({PARTY_NEWS})
STATUSES = ("linked", "review", "unlinked")
_PROPOSALS = {"link": "linked", "review": "review", "none": "unlinked"}
KEY_CHUNK = 400


@dataclass(frozen=True)
class Proposal:
    """What the matcher proposes for a mention (the matcher's columns)."""

    proposal: str  # "linked", "review" or "unlinked"
    candidate_deputy_id: int | None
    score: float
    reason: str
    runner_up_deputy_id: int | None = None
    runner_up_score: float = 0.0


@dataclass(frozen=True)
class Mention:
    """A name as a source wrote it, where, and what the source says around it.

    `source_key` identifies the mentioning record within `source_kind`; together
    with `raw_name` it is the mention's natural key. `region` is in the language
    of the deputies' `region_ru`, `party` the short name of `mandates.party`
    (`AMANAT`). `resolved` is the caller's own proposal, for names it found and
    resolved in running text; without it the name is resolved here.
    """

    raw_name: str
    source_kind: str
    source_key: str
    convocation: int | None = None
    region: str | None = None
    party: str | None = None
    source_document_id: int | None = None
    resolved: Proposal | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source_kind, self.source_key, self.raw_name)

    @property
    def context(self) -> Context:
        return Context(self.convocation, self.region, self.party)


@dataclass(frozen=True)
class MentionLink:
    """Where a mention stands: its row, its link and the matcher's score."""

    id: int
    status: str
    deputy_id: int | None
    score: float
    decided: bool


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


class PeopleCache:
    """The candidates index, built once and rebuilt after deputies change."""

    def __init__(self) -> None:
        self._index: PeopleIndex | None = None

    def index(self, session: Session) -> PeopleIndex:
        if self._index is None:
            self._index = load_people(session)
        return self._index

    def invalidate(self) -> None:
        self._index = None


def _deputy(candidate: Candidate | None) -> int | None:
    return int(candidate.id) if candidate is not None else None


def _proposal(resolution: Resolution) -> dict:
    """The matcher's columns of a mention row from a resolution."""
    return vars(
        Proposal(
            proposal=_PROPOSALS[resolution.decision],
            candidate_deputy_id=_deputy(resolution.candidate),
            score=resolution.score,
            reason=resolution.reason,
            runner_up_deputy_id=_deputy(resolution.runner_up_candidate),
            runner_up_score=resolution.runner_up,
        )
    ).copy()


def _linked_to(proposal: dict) -> int | None:
    return proposal["candidate_deputy_id"] if proposal["proposal"] == "linked" else None


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
) -> dict[tuple[str, str, str], MentionLink]:
    """Store the mentions, resolve each against the stored deputies and return
    where each stands, by its natural key (`Mention.key`).

    Idempotent: recording the same mentions again changes nothing but their
    `last_seen_at`. A mention a person decided on keeps the decided link; only the
    matcher's proposal is refreshed. `people` is the candidates index
    (`load_people`), built here when not given.
    """
    batch = {mention.key: mention for mention in mentions}
    if not batch:
        return {}
    if people is None and any(m.resolved is None for m in batch.values()):
        people = load_people(session)
    now = now or datetime.now(UTC)
    stored = _stored(session, list(batch))
    rows = []
    for key, mention in batch.items():
        if mention.resolved is not None:
            proposal = vars(mention.resolved).copy()
        else:
            assert people is not None
            proposal = _proposal(people.resolve(mention.raw_name, mention.context))
        decided, status, deputy_id = stored.get(key, (False, None, None))
        if not decided:
            status, deputy_id = proposal["proposal"], _linked_to(proposal)
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
                **proposal,
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


def participant_status(link: MentionLink) -> str:
    """A request participant's `link_status` from its mention's link."""
    return "matched" if link.status == "linked" else link.status


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
    changed = 0
    for mention in session.scalars(
        select(NameMention).where(
            NameMention.decided.is_(False),
            NameMention.source_kind.not_in(RESOLVED_BY_CALLER),
        )
    ):
        context = Context(mention.convocation, mention.region, mention.party)
        proposal = _proposal(people.resolve(mention.raw_name, context))
        for name, value in proposal.items():
            setattr(mention, name, value)
        status, deputy_id = proposal["proposal"], _linked_to(proposal)
        if (status, deputy_id) != (mention.status, mention.deputy_id):
            mention.status, mention.deputy_id = status, deputy_id
            _propagate(session, mention)
            changed += 1
    session.flush()
    return changed


# What each action does to a mention: its status afterwards, and whether it
# links to the matcher's candidate ("candidate"), to a named deputy ("given"),
# or to nobody.
ACTIONS = {
    "accept": ("linked", "candidate"),
    "reject": ("unlinked", None),
    "link": ("linked", "given"),
    "unlink": ("unlinked", None),
}


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
