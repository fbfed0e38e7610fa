"""The fake clock: a deterministic stand-in for the timer, for golden-output tests of the whole pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeClock:
    """Replaces the clock in every worker of a run: each timed call still runs the routine once (so the
    benchmark's code is exercised), but reports ``iterations × cost`` with a small jitter seeded by
    (``seed``, benchmark id, process), so a whole run's output is the same every time.

    ``costs_ns`` maps a benchmark's full id to its cost per iteration; others cost ``default_ns``. In
    ``critbench ab`` revision A costs ``costs_ns`` and revision B ``costs_b_ns`` where it names the id.
    ``commit_factors`` keys the cost by the code under test instead: under ``ab`` and ``bisect`` every cost
    of a revision whose commit it names is multiplied by its factor (a planted regression in one commit of
    a history, seen by every comparison that measures that commit's code).
    """

    default_ns: float = 1000.0
    costs_ns: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    costs_b_ns: dict[str, float] = field(default_factory=dict)
    commit_factors: dict[str, float] = field(default_factory=dict)
    busy: float | None = None

    def cost_ns(self, benchmark_id: str, *, side_b: bool = False) -> float:
        if side_b and benchmark_id in self.costs_b_ns:
            return self.costs_b_ns[benchmark_id]
        return self.costs_ns.get(benchmark_id, self.default_ns)

    def for_commit(self, commit: str | None) -> FakeClock:
        """The clock as the code of ``commit`` sees it: every cost times the commit's factor (if any)."""
        factor = self.commit_factors.get(commit or "", 1.0)
        if factor == 1.0:
            return self
        return FakeClock(
            self.default_ns * factor,
            {key: cost * factor for key, cost in self.costs_ns.items()},
            self.seed,
            {key: cost * factor for key, cost in self.costs_b_ns.items()},
            self.commit_factors,
            self.busy,
        )

    def to_json(self) -> str:
        """The form ``critbench --fake-clock JSON`` reads (a hidden option for tests)."""
        return json.dumps(
            {
                "default_ns": self.default_ns,
                "costs_ns": dict(self.costs_ns),
                "seed": self.seed,
                "costs_b_ns": dict(self.costs_b_ns),
                "commit_factors": dict(self.commit_factors),
                "busy": self.busy,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> FakeClock:
        """Read :meth:`to_json`'s form; ValueError saying what is wrong otherwise."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--fake-clock: not JSON: {exc}") from None
        known = {"default_ns", "costs_ns", "seed", "costs_b_ns", "commit_factors", "busy"}
        if not isinstance(data, dict) or not set(data) <= known:
            raise ValueError(f"--fake-clock: expected an object with {', '.join(sorted(known))}")
        try:
            return cls(
                default_ns=float(data.get("default_ns", 1000.0)),
                costs_ns={str(k): float(v) for k, v in data.get("costs_ns", {}).items()},
                seed=int(data.get("seed", 0)),
                costs_b_ns={str(k): float(v) for k, v in data.get("costs_b_ns", {}).items()},
                commit_factors={str(k): float(v) for k, v in data.get("commit_factors", {}).items()},
                busy=None if data.get("busy") is None else float(data["busy"]),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"--fake-clock: {exc}") from None
