"""The hook through which a scan talks to the nightly state store (issue 6).

Why a hook: the scan pipeline (reading, workers, ordered output) must not know SQLite; the store must
not know about worker processes.  A scan without `--db` uses `NoState`.  All calls happen in the main
process, in input order, so the store has a single writer.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

import orjson

from ..report.context import RecordContext, context_to_json
from ..report.model import ReportLine, line_to_json
from ..result.candidate import Candidate

SKIP = "skip"  # sentinel returned by `lookup` for an unchanged record (counted as `unchanged`)
AS_IS = "as is"  # sentinel returned by `record_evaluated`: output the evaluated line as it is


class Found(NamedTuple):
    """A candidate as the store keeps it: its key, what the review queue filters by, and its JSON."""

    fingerprint: str
    rule: str
    offence: str | None
    severity: str
    body: str  # the candidate's JSON (`candidates.candidate`)


class Evaluated(NamedTuple):
    """What the store keeps of an evaluated record, made where it was evaluated (`evaluated_of`).

    Why strings and small tuples: with a store, every record's line and context went from the worker to
    the main process as objects, and the main process then serialised both for the store.  On 2,048
    records of the generated mix, a chunk of objects pickled in 8–15 µs a record and unpickled in 7–13 µs
    (in the main process, the bottleneck of `--jobs 2 --db`); these fields pickle in 2–3 µs and unpickle in
    2.5–3 µs, and the JSON is made by the worker (docs/scale.md, «Eighth round»).  A record with candidates
    still travels as objects too: `--new-only` may output it with some of its candidates left out.
    """

    file: str
    line: int
    case_id: str | None
    status: str
    report: str                      # `line_to_json` of the line
    context: str | None              # `context_to_json` of its context
    person_id: str | None            # the defendant (co-defendants share a case id); not part of `context`
    checked: str | None              # the coverage's level (None: not evaluated)
    # the rules whose earlier findings this evaluation cannot resolve (a rule that faulted, or that a
    # coverage gap left undetermined); None: none at all (a fault that names no rule)
    unresolvable: tuple[str, ...] | None
    candidates: tuple[Found, ...]


def evaluated_of(line: ReportLine, context: RecordContext | None) -> Evaluated:
    faulted: set[str | None] = {f.get("rule") if isinstance(f, dict) else None for f in line.faults}
    if line.coverage is not None:
        faulted |= {r for g in line.coverage.gaps for r in g.rules}
    return Evaluated(
        line.file, line.line, line.case_id, line.status, line_to_json(line), context_to_json(context),
        getattr(context, "person_id", None), line.coverage.checked if line.coverage is not None else None,
        None if None in faulted else tuple(sorted(r for r in faulted if r is not None)),
        tuple(found_of(c) for c in line.candidates))


def found_of(c: Candidate) -> Found:
    return Found(c.fingerprint, c.rule, c.offence, c.severity, orjson.dumps(c.to_json()).decode())


class ScanState(Protocol):
    def open(self, *, rules_version: str, inputs: list[str], options: dict[str, Any]) -> None:
        """Start a run (or, with resume, reattach to the interrupted run with the same inputs and rules)."""

    def lookup(self, file: str, line: int, content_hash: str) -> ReportLine | str | None:
        """Before evaluation: a stored ReportLine to re-emit as is (resume), SKIP (unchanged), or None (evaluate).

        A returned ReportLine is the result the interrupted run committed: count it like an evaluated
        one and ask `replay` what to output for it.
        """

    def record(self, result: ReportLine, content_hash: str,
               context: RecordContext | None = None) -> ReportLine | None:
        """After evaluation: persist; return what to output (None or a filtered line, e.g. for --new-only).

        `context` (court, date, articles for the human formats) is kept until the run completes, so a
        resumed run writes the same report in every format.

        A state may also have `record_evaluated(evaluated, content_hash, line)`: the same for what a worker
        made of the record (`Evaluated`, by `evaluated_of`), with `line` the line object, which a worker then
        sends only for a record with candidates or for a format that collects lines.  It returns `AS_IS`
        (output the line as evaluated), None (output nothing) or the line to output instead.  A scan uses it
        when the state has it (`StoreState`), and `record` otherwise.
        """

    def replay(self, result: ReportLine, content_hash: str) -> tuple[ReportLine | None, RecordContext | None]:
        """For a line `lookup` returned: what the interrupted run output for it, and its context."""

    def close(self, summary: dict[str, Any], *, completed: bool) -> None:
        """Finish the run (commit the last batch, store counts)."""


class NoState:
    """No store: every record is evaluated and output as is."""

    def open(self, *, rules_version: str, inputs: list[str], options: dict[str, Any]) -> None:
        return None

    def lookup(self, file: str, line: int, content_hash: str) -> ReportLine | str | None:
        return None

    def record(self, result: ReportLine, content_hash: str,
               context: RecordContext | None = None) -> ReportLine | None:
        return result

    def replay(self, result: ReportLine, content_hash: str) -> tuple[ReportLine | None, RecordContext | None]:
        return result, None

    def close(self, summary: dict[str, Any], *, completed: bool) -> None:
        return None
