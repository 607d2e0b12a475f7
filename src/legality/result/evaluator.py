"""What the scan pipeline, the rule tests and the commands need of an engine, as a Protocol.

Why a Protocol and why here: `ruletest` sits on the same floor as `engine` and must not import it,
and the scan pipeline also runs test doubles (`tests/support/fakes.FakeEngine`) and the engine a
worker process builds for itself.  Typing the seam by its shape, one floor below all of them, lets
each of them say what it hands over without an import that runs up a floor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .candidate import Evaluation, RuleInfo

if TYPE_CHECKING:  # annotations only: importing the pydantic model costs start-up time
    from ..model.verdict import Verdict


class Evaluator(Protocol):
    """A compiled rule set: its version, its rules, and evaluation of one record."""

    @property
    def version(self) -> str: ...

    @property
    def rules(self) -> list[RuleInfo]: ...

    def evaluate(self, verdict: Verdict, *, trace: bool = False, only_rule: str | None = None) -> Evaluation: ...

    def evaluate_many(self, verdicts: list[Verdict]) -> list[Evaluation]: ...
