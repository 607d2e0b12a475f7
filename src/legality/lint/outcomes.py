"""What the rule tests showed of each rule, read from their traces: the input of W601-W603 (lint/tested.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..result import trace as T


@dataclass
class Outcomes:
    """What the tests showed of each rule: the test records (by number) it fired on, whether it was ever
    not applicable, and which rules the tests name (`rule:` or `expect:`)."""

    fired: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    not_applicable: set[str] = field(default_factory=set)
    named: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, results: Iterable[Any]) -> "Outcomes":
        """`results`: the rule tests run, each with `.test` (its `rule` and `expect`) and `.statuses` ("rule" or
        "rule@offence" -> status, of every rule on the test's record)."""
        out = cls()
        for i, res in enumerate(results):
            t = res.test
            if t.rule:
                out.named.add(t.rule)
            out.named.update(t.expect or ())
            for key, status in res.statuses.items():
                rid = key.split("@", 1)[0]
                if status == T.FIRED:
                    out.fired[rid].add(i)
                elif status == T.NOT_APPLICABLE:
                    out.not_applicable.add(rid)
        return out
