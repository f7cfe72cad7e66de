"""Counts of what the replica served and the faults it injected."""

from collections import Counter
from dataclasses import dataclass, field

FAULT_KINDS = (
    "503",
    "429",
    "500",
    "delay",
    "renamed-fields",
    "empty-lists",
    "encodings",
    "garbled",
)


@dataclass
class ReplicaStats:
    """Requests by path, faults by kind, and attempts by path and query.

    The attempt count of a path+query is what fault decisions depend on.
    """

    requests: int = 0
    by_path: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    attempts: Counter[str] = field(default_factory=Counter)

    def record(self, path: str, path_qs: str) -> int:
        """Count a request; return how many times its path+query came before."""
        self.requests += 1
        self.by_path[path] += 1
        attempt = self.attempts[path_qs]
        self.attempts[path_qs] += 1
        return attempt

    def reset(self) -> None:
        self.requests = 0
        for counter in (self.by_path, self.faults, self.attempts):
            counter.clear()

    def as_json(self) -> dict:
        return {
            "requests": self.requests,
            "faults": {kind: self.faults[kind] for kind in FAULT_KINDS},
            "by_path": dict(sorted(self.by_path.items())),
        }
