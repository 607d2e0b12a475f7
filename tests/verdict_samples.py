"""Realistic verdict records for tests (not a test module): the example of verdict-export-v1.md.

Pseudonymous ids only (`P-88213`, `J-0412`); never real names.  `record()` returns a fresh deep
copy, so a test mutates it freely.
"""

from __future__ import annotations

import copy
from typing import Any

EXAMPLE: dict[str, Any] = {
    "format": "legality.verdict/1",
    "case_id": "2024-0153-17",
    "court": {"code": "ALM-AUEZ-01", "name": "Ауэзовский районный суд г. Алматы", "region": "Алматы"},
    "judge_id": "J-0412",
    "verdict_date": "2024-03-15",
    "procedure": "general",
    "defendant": {
        "person_id": "P-88213",
        "sex": "M",
        "birth_date": "1991-06-02",
        "prior_convictions": [
            {"verdict_date": "2019-05-20", "articles": [{"article": "188", "part": 2}], "category": "medium",
             "intent": "intentional", "sentence_kind": "imprisonment", "real_imprisonment": True,
             "expunged": False, "release_date": "2021-05-19"},
        ],
    },
    "offences": [
        {"id": "1", "article": "188", "part": 3, "paragraph": 1, "committed_on": "2023-11-02",
         "stage": "attempt", "mitigating": ["53.1.9"], "aggravating": ["54.1.1"],
         "damage_kzt": 950000, "damage_compensated": False,
         "sentence": {"principal": {"kind": "imprisonment", "term": {"years": 4, "months": 6}}}},
    ],
    "final_sentence": {
        "combination": "single",
        "principal": {"kind": "imprisonment", "term": {"years": 4, "months": 6}},
        "regime": "medium",
        "probation": None,
    },
}

SECOND_OFFENCE: dict[str, Any] = {
    "id": "2", "article": "190", "part": 1, "committed_on": "2023-12-20",
    "sentence": {"principal": {"kind": "imprisonment", "term": {"years": 1}}},
}


def record(**top: Any) -> dict[str, Any]:
    """A valid record (the format's own example), with top-level fields replaced."""
    r = copy.deepcopy(EXAMPLE)
    r.update(top)
    return r


def two_offences() -> dict[str, Any]:
    r = record()
    r["offences"].append(copy.deepcopy(SECOND_OFFENCE))
    r["final_sentence"]["combination"] = "partial_addition"
    r["final_sentence"]["principal"]["term"] = {"years": 5}
    return r
