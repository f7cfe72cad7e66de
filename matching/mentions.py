"""Name mentions: people the sources name without the Mazhilis's deputy id, as
plain values.

A request's participant given only as `Куспан А.Т.`, an account of the accounts
file given by a name, a deputy named in party news: each is a `Mention`, resolved
with `matching.people` against the stored deputies, using the context the source
gives (convocation, region, party):

- at or above the link threshold, and clearly ahead of the runner-up: `linked`;
- in the grey zone (or two candidates too close): `review`, for a person to
  decide with `mwatch match review`;
- below it: `unlinked`.

Nothing is guessed silently: every mention keeps the matcher's `Proposal` (best
candidate, score, runner-up, reason). Their rows, a person's decisions and the
copying of links to the mentioning records are storage's (storage/mentions.py).
"""

from dataclasses import dataclass

from matching.people import Candidate, Context, Resolution

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


def _deputy(candidate: Candidate | None) -> int | None:
    return int(candidate.id) if candidate is not None else None


def proposal_of(resolution: Resolution) -> Proposal:
    """The matcher's proposal for a mention from its resolution."""
    return Proposal(
        proposal=_PROPOSALS[resolution.decision],
        candidate_deputy_id=_deputy(resolution.candidate),
        score=resolution.score,
        reason=resolution.reason,
        runner_up_deputy_id=_deputy(resolution.runner_up_candidate),
        runner_up_score=resolution.runner_up,
    )


def linked_to(proposal: Proposal) -> int | None:
    """The deputy a proposal links to, if it links."""
    return proposal.candidate_deputy_id if proposal.proposal == "linked" else None


def participant_status(link: MentionLink) -> str:
    """A request participant's `link_status` from its mention's link."""
    return "matched" if link.status == "linked" else link.status


# What each action does to a mention: its status afterwards, and whether it
# links to the matcher's candidate ("candidate"), to a named deputy ("given"),
# or to nobody.
ACTIONS = {
    "accept": ("linked", "candidate"),
    "reject": ("unlinked", None),
    "link": ("linked", "given"),
    "unlink": ("unlinked", None),
}
