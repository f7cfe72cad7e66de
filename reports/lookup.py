"""Finding the deputy a report is asked for, by Mazhilis id or by any name form."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.people import LINK_MARGIN, REVIEW_THRESHOLD, Candidate, score
from storage.models import Deputy
from storage.state import deputy_candidates


@dataclass(frozen=True)
class Match:
    deputy_id: int
    name: str
    score: float
    # What a person types to name the deputy: the Mazhilis id, else the name.
    handle: str = ""


class AmbiguousName(LookupError):
    """Several deputies answer to the name; `candidates` lists them, best first."""

    def __init__(self, query: str, candidates: list[Match]) -> None:
        self.query = query
        self.candidates = candidates
        lines = [f"{query!r} could be {len(candidates)} deputies; name one by its id:"]
        lines += [
            f"  {c.name} (score {c.score:.2f}): mwatch report deputy {c.handle}"
            for c in candidates
        ]
        super().__init__("\n".join(lines))


class NoSuchDeputy(LookupError):
    pass


def find_deputy(session: Session, url: str, query: str) -> int:
    """The stored id of the deputy `query` names: a Mazhilis id (`71`) or a name
    in any script or form ("Куспан А.Т.", "Abzal Kuspan"). A name that fits
    several deputies about equally raises AmbiguousName; none, NoSuchDeputy."""
    text = query.strip()
    if text.isdigit():
        found = session.scalar(select(Deputy.id).where(Deputy.mazhilis_id == int(text)))
        if found is None:
            raise NoSuchDeputy(f"no stored deputy has the Mazhilis id {text}")
        return found
    matches = rank(deputy_candidates(url), text)
    if not matches:
        raise NoSuchDeputy(f"no stored deputy's name comes near {query!r}")
    if len(matches) > 1 and matches[0].score - matches[1].score < LINK_MARGIN:
        ids = dict(session.execute(select(Deputy.id, Deputy.mazhilis_id)).all())
        close = [
            Match(m.deputy_id, m.name, m.score, str(ids.get(m.deputy_id) or m.name))
            for m in matches
            if matches[0].score - m.score < LINK_MARGIN
        ]
        raise AmbiguousName(query, close)
    return matches[0].deputy_id


def rank(candidates: list[Candidate], text: str) -> list[Match]:
    """The candidates whose names come near `text`, best first."""
    matches = []
    for candidate in candidates:
        best = max(score(text, name) for name in candidate.names)
        if best >= REVIEW_THRESHOLD:
            matches.append(Match(int(candidate.id), candidate.names[0], best))
    return sorted(matches, key=lambda m: (-m.score, m.name))
