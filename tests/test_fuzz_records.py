"""Issue 11, item 6: mutated verdict records through the real `legality scan` — no crash, and every
record counted once (records == clean + flagged + invalid + partial == records read)."""

from __future__ import annotations

import pytest

from mutators.records import mutated_records, run_record_fuzz


def test_the_mutator_is_deterministic_and_writes_one_line_per_record():
    a = list(mutated_records(300, 5))
    assert a == list(mutated_records(300, 5)) and a != list(mutated_records(300, 6))
    assert len(a) == 300 and all(x.strip() and b"\n" not in x and b"\r" not in x for x in a)


@pytest.mark.parametrize("seed, jobs", [(11, 1), (12, 2)])
def test_mutated_records_never_crash_a_scan_and_are_all_counted(seed, jobs):
    stats = run_record_fuzz(3000, seed, jobs=jobs)
    assert stats["crashes"] == 0, stats["examples"]
    assert stats["conservation_violations"] == 0, stats["examples"]
    assert stats["malformed_lines"] == 0, stats["examples"]
    assert stats["lines"] == stats["records"] == 3000
    assert stats["clean"] + stats["flagged"] + stats["invalid"] + stats["partial"] == 3000
    assert stats["flagged"] and stats["invalid"] and stats["clean"]  # the mutations reach every outcome
