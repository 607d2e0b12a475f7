"""The batch (columnar) backend: the checked IR compiled to column operations over a batch of records.

Why a second backend: the row evaluator (`program`, generated code) pays per record for a function
call per fact and rule, an exception per missing value and a catalogue lookup per rule; over a
batch, each IR node is instead evaluated once, as array operations over all the rows that need it
(`columns` says why the columns hold the same Python values the row evaluator uses).  Fields of
the records are read once per batch (a path like `offence.sentence.principal.kind` is one column,
shared by every rule that reads it, also as `o.sentence.principal.kind` in `any o in offences`),
members computed by Python code (an amount, a sanction's maximum) and facts only on the rows a rule
reads them on, law parameters once per stretch of dates in which no edition changes.

Why the shortcuts are exact (each replaces a Python operation per row by one that gives the same
answer): `in force` compares day numbers (`date.toordinal`), which order plain dates exactly as the
dates do (anything but a plain `date` is compared as before); `add_term` is remembered by the date
and the exact numerator and denominator of the term, the only things it reads; a truth value is a
bool if it is the object `True` or `False` (by id, as `is` does); a category's rank and an enum
member's text are remembered by the member's id, which no other object can have while the enum
class holds its members.  Per node, what remains is numpy's work and Python's, without numpy's
Python wrappers (`columns.any_`, `where`): on a batch of 512 records they cost more than the node.

How it stays equal to the row evaluator, record for record:
- every node mirrors the generated code's semantics (`codegen`): a missing operand makes the result
  missing and the next operand is not evaluated on that row; `and`/`or` are Kleene chains that
  evaluate an operand only on the rows still undecided; `if` evaluates each branch on its rows only;
  quantifiers range over a child frame and reduce back in element order;
- a rule is decided in the row evaluator's sequence (in force → when → unless → overridden → needs →
  violation) on the rows still undecided;
- the batch decides the records on which no rule faults: a fired rule's candidate is built by the row
  evaluator's own code (`BatchPlan.build`), and a record with a gap (an undetermined rule, an offence
  the catalogue lacks) gets its gaps listed by the row evaluator's own `Env` methods, in the order the
  row evaluator meets them (`BatchPlan.gap_coverage`).  Any record on which an operation raised (the
  row evaluator would report a fault, or the batch cannot be sure) is evaluated again by the row
  evaluator.  In a real export few verdicts fault, so few records reach the row evaluator.  The
  differential test (`tests/test_batch_backend.py`) runs both on every fixture and on generated batches
  and requires identical evaluations.
"""

from __future__ import annotations

import datetime as dt
import operator
from enum import Enum
from bisect import bisect_right
from itertools import chain, compress, repeat
from fractions import Fraction
from typing import Any, Callable, Iterator

import numpy as np

from ..model.enums import Category
from ..model.values import Quantity, Term
from ..resolve import schema as S
from ..resolve.ir import Node, RuleDef, chain_operands
from ..resolve.types import BOOL, EnumT, QtyT
from ..result import trace as T
from ..result.candidate import Evaluation
from .columns import (Col, Frame, M, all_, any_, const_array, count_nonzero, nnz, none_mask, none_missing, none_missing_list,
                      obj_array, trues, where)
from .env import APPLICABLE, Env, Runtime
from .runtime import STATUS_CODE, _div, _key, _of, _rank, add_term, age_on

Arr = np.ndarray
Fn = Callable[["Batch", Frame, Arr], Col]
Op = Callable[["Batch", Frame, Arr, list[Arr]], Col]

CODE = STATUS_CODE
APPLICABLE_CODES = np.array(sorted(CODE[s] for s in APPLICABLE), dtype=np.int8)
_NOT_APPLICABLE, _NOT_IN_FORCE, _EXCEPTED, _PASSED = (CODE[s] for s in (T.NOT_APPLICABLE, T.NOT_IN_FORCE, T.EXCEPTED,
                                                                       T.PASSED))


_OFFENCES = operator.attrgetter("offences")
_COMMITTED_ON = operator.attrgetter("committed_on")


class Batch:
    """The state of one batch's evaluation: frames, values read so far, and which records leave it."""

    __slots__ = ("verdicts", "R", "O", "rt", "facts", "paths", "params", "offrow", "ocount", "ostart", "unsure",
                 "gap", "fired",
                 "undet", "nosanction",
                 "status", "lets", "memo", "_dates", "_ords", "cuts", "lookups", "flats", "_live")

    def __init__(self, verdicts: list[Any], catalogue: Any):
        self.verdicts = verdicts
        # the offences in record order, each list read once, with C-level maps rather than a loop per offence
        n = len(verdicts)
        lists = list(map(_OFFENCES, verdicts))
        counts = list(map(len, lists))
        offs = list(chain.from_iterable(lists))
        k = len(offs)
        self.ocount = np.array(counts, dtype=np.int64)
        self.ostart = np.cumsum(self.ocount) - self.ocount  # a record's first row in O
        dates = list(map(_COMMITTED_ON, offs))
        # each record's latest offence date: `max` over the same dates in the same order (a record of one
        # offence: its date, which is what `max` of one value returns)
        starts = self.ostart.tolist()
        latest = dates if counts.count(1) == n else [dates[s] if c == 1 else max(dates[s:s + c])
                                                     for s, c in zip(starts, counts)]
        self.R = Frame("R", n, np.arange(n), objs=obj_array(verdicts, n), ref_date=obj_array(latest, n))
        self.O = Frame("O", k, np.arange(n).repeat(self.ocount), objs=obj_array(offs, k), ref_date=obj_array(dates, k))
        self.offrow = dict(zip(map(id, offs), range(k)))
        self.rt = Runtime(catalogue)
        self.facts: dict[tuple[str, str], _FactCol] = {}  # (frame, fact) -> its column over the frame, so far
        self.paths: dict[Any, Any] = {}     # a record field read once, over its whole frame (or lazily)
        self.params: dict[tuple[Any, ...], Any] = {}  # law parameters by stretch (`_param_column`)
        self.memo: dict[tuple[str, Any], Any] = {}  # (law parameter, date) -> value: the plan's, across batches
        self._dates: dict[str, tuple[list[Any], Arr, Arr]] = {}
        self._ords: dict[str, Any] = {}
        self.cuts: dict[str, Arr | None] = {}
        self.lookups: dict[tuple[Any, ...], Any] = {}
        self.unsure = np.zeros(n, dtype=bool)    # records the batch cannot decide: the row evaluator will
        self.gap = np.zeros(n, dtype=bool)       # records with a coverage gap: decided here, with their gaps
        # (compiled rule, frame, rows, `needs` clause or -1) where a rule was undetermined: the gaps to list
        self.undet: list[tuple[Any, Frame, Arr, int]] = []
        self.nosanction: Arr | None = None  # per O row: the catalogue has no sanction for it (`_catalogue_gaps`)
        self.fired: list[tuple[Any, Frame, Arr]] = []  # (compiled rule, frame, rows) where a rule fired
        self.status: dict[str, tuple[str, Arr]] = {}  # rule -> (frame kind, status code per row)
        self.lets: dict[str, Fn] = {}               # the current rule's `let`s
        self.flats: dict[Any, Any] = {}             # a quantifier's domain flattened over its whole frame
        self._live: dict[str, tuple[int, Arr]] = {}

    def base_frame(self, scope: str) -> Frame:
        return self.O if scope == "offence" else self.R

    def dates(self, frame: Frame) -> tuple[list[Any], Arr, Arr]:
        """The distinct reference dates of a base frame, their ordinals, and each row's index among them."""
        got = self._dates.get(frame.kind)
        if got is None:
            index: dict[Any, int] = {}
            assert frame.ref_date is not None
            inv = np.array([index.setdefault(d, len(index)) for d in frame.ref_date], dtype=np.int64)
            uniq = list(index)
            got = self._dates[frame.kind] = (uniq, np.array([d.toordinal() for d in uniq], dtype=np.int64), inv)
        return got

    def ordinals(self, which: str) -> Arr | None:
        """Day numbers of the dates a rule's `in force` reads ("verdict": each record's verdict date; "R",
        "O": each row's reference date), or None if one is not a plain `date` (then dates are compared)."""
        if which not in self._ords:
            got: Arr | None
            if which == "verdict":
                assert self.R.objs is not None
                ds = [v.verdict_date for v in self.R.objs]
                got = np.fromiter(map(dt.date.toordinal, ds), dtype=np.int64, count=len(ds)) \
                    if all(type(d) is dt.date for d in ds) else None
            else:
                frame = self.O if which == "O" else self.R
                assert frame.ref_date is not None
                if all(type(d) is dt.date for d in frame.ref_date):
                    uniq, ords, inv = self.dates(frame)
                    got = ords[inv]
                else:
                    got = None
            self._ords[which] = got
        return self._ords[which]  # type: ignore[no-any-return]

    def live_rows(self, frame: Frame) -> Arr:
        """The rows of a base frame whose record has no doubt yet: where every rule starts (a record with a
        gap goes on: the batch lists its gaps as the row evaluator does).

        Kept while no record is added to `unsure`.  Exact: records are only ever added to it (never
        removed), so while its count is unchanged the array is.  Read-only, as it is shared."""
        state = nnz(self.unsure)
        got = self._live.get(frame.kind)
        if got is not None and got[0] == state:
            return got[1]
        rows = where(~self.unsure[frame.rec])
        rows.flags.writeable = False
        self._live[frame.kind] = (state, rows)
        return rows

    def doubt(self, frame: Frame, rows: Arr) -> None:
        self.unsure[frame.rec[rows]] = True


class _FactCol:
    """A fact's values over a whole base frame, filled in as rules read it: which rows are computed
    (`done`, `left` of them not yet) and whether any computed row is missing (`anym`)."""

    __slots__ = ("v", "m", "done", "left", "anym")

    def __init__(self, n: int, is_bool: bool):
        self.v = np.zeros(n, dtype=bool) if is_bool else np.empty(n, dtype=object)
        self.m = np.zeros(n, dtype=bool)
        self.done = np.zeros(n, dtype=bool)
        self.left = n
        self.anym = False


# ---- elementwise operations


def _safe(b: Batch, frame: Frame, rows: Arr, f: Callable[..., Any], cols: list[Arr]) -> Col:
    """f over the rows one by one; a row that raises makes its record unsure (and is missing here)."""
    n = len(rows)
    out = np.empty(n, dtype=object)
    m = np.zeros(n, dtype=bool)
    for i in range(n):
        try:
            out[i] = f(*(c[i] for c in cols))
        except Exception:  # noqa: BLE001 - the row evaluator decides this record (a fault, or not)
            m[i] = True
            b.unsure[frame.rec[rows[i]]] = True
    return Col(out, m)


def _py(f: Callable[..., Any], nin: int, *, missing_none: bool = False) -> Op:
    """A Python function applied element by element to present operands (numpy's loop, in C)."""
    uf = np.frompyfunc(f, nin, 1)

    def run(b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
        if not len(rows):
            return Col(np.empty(0, dtype=object))
        try:
            v = uf(*cols)
        except Exception:  # noqa: BLE001
            c = _safe(b, frame, rows, f, cols)
            if missing_none:
                d = none_missing(c.v)
                return Col(c.v, c.m if d.m is None else (d.m if c.m is None else (c.m | d.m)))
            return c
        return none_missing(v) if missing_none else Col(v)
    return run


def _np(f: Callable[..., Arr], py: Callable[..., Any], *, truth: bool = False) -> Op:
    """A numpy operation (comparison, sum) on object arrays; `py` is the same per element, for a row that
    raises.  `truth`: the result is a truth value (Python's comparisons give bools), kept as a bool array."""
    def run(b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
        try:
            r = f(*cols)
        except Exception:  # noqa: BLE001
            return _safe(b, frame, rows, py, cols)
        if truth and r.dtype is not _BOOL_DTYPE and r.dtype != bool:
            try:
                r = np.fromiter((bool(x) for x in r), dtype=bool, count=len(r))
            except Exception:  # noqa: BLE001
                return _safe(b, frame, rows, py, cols)
        return Col(r)
    return run


def _mapped(g: Callable[..., Any]) -> Op:
    """A member (an attribute, a getter) or method read over columns of objects: `_py(g, n,
    missing_none=True)` with Python's `map` over the values as lists, which iterates faster than numpy's
    loop over the arrays and needs no `frompyfunc` per call.  The same calls in the same order, on the
    same objects (the operands are object arrays, whose `tolist` gives their very elements); a value of None
    is missing, and if any call raises, the rows are read one by one (`_safe`), as `_py` does: a row that
    raises makes its record unsure."""
    def run(b: Batch, f: Frame, rows: Arr, cols: list[Arr]) -> Col:
        try:
            vals = list(map(g, *[c.tolist() for c in cols]))
        except Exception:  # noqa: BLE001
            c = _safe(b, f, rows, g, cols)
            d = none_missing(c.v)
            return Col(c.v, d.m if c.m is None else (c.m if d.m is None else c.m | d.m))
        return none_missing_list(vals)
    return run


# record types whose objects come from the law catalogue: one object serves many offences of a batch,
# and what a rule reads of it depends on it alone
_SHARED = frozenset({"Sanction", "AdditionalOption"})


# methods of an offence whose answer depends only on its provision, its date and the arguments
_BY_PROVISION = frozenset({("Offence", "sanction_on"), ("Offence", "milder_sanctions")})


def _once_per_object(f: Callable[..., Any], b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
    """f once per distinct receiver (the first column; the other arguments are constants), spread back.
    A value of None is missing; a receiver on which f raises makes every record that reads it unsure.

    The receivers are told apart by id (the column holds every one of them meanwhile, so no id stands for
    two objects) and f is called in the order of each one's first row, as a loop over the rows would.  From
    `_GROUP_FROM` rows the grouping is numpy's (`unique` of the ids), not a dict lookup and an array store
    per row."""
    objs = cols[0]
    n = len(objs)
    consts = [c[0] for c in cols[1:]] if n else []
    lst = objs.tolist()
    vals: list[Any] = []
    bad: list[int] = []
    if n < _GROUP_FROM:
        index: dict[int, int] = {}
        inv_l: list[int] = []
        for x in lst:
            k = index.get(id(x))
            if k is None:
                k = index[id(x)] = len(vals)
                try:
                    vals.append(f(x, *consts))
                except Exception:  # noqa: BLE001 - the row evaluator decides these records
                    vals.append(None)
                    bad.append(k)
            inv_l.append(k)
        inv = np.array(inv_l, dtype=np.int64)
    else:
        _, first, inv = np.unique(np.fromiter(map(id, lst), dtype=np.intp, count=n), return_index=True,
                                  return_inverse=True)
        # number the receivers by their first row (the loop's numbering), so f is called in that order
        order = np.argsort(first)
        rank = np.empty(len(first), dtype=np.int64)
        rank[order] = np.arange(len(first))
        inv = rank[inv]
        for k, i in enumerate(first[order].tolist()):
            try:
                vals.append(f(lst[i], *consts))
            except Exception:  # noqa: BLE001 - the row evaluator decides these records
                vals.append(None)
                bad.append(k)
    u = obj_array(vals, len(vals))
    um = none_mask(vals)
    if bad:
        hit = np.isin(inv, np.array(bad, dtype=np.int64))
        b.doubt(frame, rows[hit])
    return Col(u[inv], None if um is None else um[inv])


def _once_per_operands(f: Callable[..., Any], b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
    """f once per distinct tuple of operand objects (a sanction of the catalogue and the kind a record names),
    spread back to the rows; a value of None is missing, and where f raises, the rows of that tuple are
    missing and their records unsure (as `_safe` leaves them row by row).

    Why exact: f is a method of an immutable object of the law catalogue (`_SHARED`) that reads the object
    and its arguments only, so rows holding the same objects get the same answer.  Objects are told apart by
    id: the columns hold every one of them meanwhile, so no id stands for two objects.  The grouping is
    numpy's (`unique`): a sanction's method converts its argument to a kind (`PenaltyKind(kind)`, a Python
    call of the enum class) on every call, and a batch asks about few pairs."""
    n = len(rows)
    lists = [c.tolist() for c in cols]
    key = np.zeros(n, dtype=np.int64)
    for col in lists:
        u, inv = np.unique(np.fromiter(map(id, col), dtype=np.intp, count=n), return_inverse=True)
        key = key * len(u) + inv  # < n ** len(cols): a sanction and one argument stay far below 2 ** 63
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    vals: list[Any] = []
    bad: list[int] = []
    for k, i in enumerate(first.tolist()):
        try:
            vals.append(f(*(col[i] for col in lists)))
        except Exception:  # noqa: BLE001 - the row evaluator decides these records
            vals.append(None)
            bad.append(k)
    u = obj_array(vals, len(vals))
    um = np.fromiter([x is None for x in vals], dtype=bool, count=len(vals))
    if bad:
        b.doubt(frame, rows[np.isin(inv, np.array(bad, dtype=np.int64))])
    return Col(u[inv], um[inv])


_GROUP_FROM = 32  # fewer rows: one call each costs less than numpy's fixed cost of grouping


def _by_provision(name: str, call: Callable[..., Any], rt: Any, memo: dict[Any, Any]) -> Callable[..., Any]:
    """`call` (an offence's `sanction_on(d)` or `milder_sanctions(d)`) remembered in `memo` by the offence's
    provision and, for the catalogue's own lookups, by the stretch of dates each date falls in.

    Why a stretch serves: `Catalogue.sanction(ref, on)` reads `on` only as `valid_from <= on <= valid_to` of
    the provision's editions (the first that covers it), and `milder_editions(ref, on, until)` reads `on` and
    `until` only as `valid_from <= until`, `valid_to > on`, `valid_from > on` and that lookup, beside the
    editions' own comparisons (`milder_than`), which no date enters.  Every such test changes its answer
    only where a date reaches an edition's `valid_from`, `valid_to` or the day after `valid_to` (`_edition_cuts`);
    two plain dates between the same two cuts get the same answer.  `sanction_on` does not read the offence
    date at all.  A catalogue of another class, a date that is not a plain `date`, or the first day of the
    calendar (an edition ending on it is not listed by `editions_between(date.min, …)`) is remembered by
    the exact dates, as before."""
    cat = rt.catalogue
    by_stretch = type(cat) is _catalogue_class()
    milder = name == "milder_sanctions"

    def remembered(x: Any, *a: Any) -> Any:
        on = x.committed_on
        prov = (x.article, x.part, x.paragraph)
        key: tuple[Any, ...]
        if by_stretch and len(a) == 1 and type(on) is dt.date and type(a[0]) is dt.date and on > _DAY_ONE \
                and a[0] > _DAY_ONE:
            ck = ("cuts", prov)
            cuts = memo.get(ck)
            if cuts is None:
                cuts = memo[ck] = _edition_cuts(cat, x.ref)
            key = (name, prov, _STRETCH, bisect_right(cuts, on.toordinal()) if milder else 0,
                   bisect_right(cuts, a[0].toordinal()))
        else:
            key = (name, prov, on, *a)
        got = memo.get(key, memo)
        if got is memo:
            got = memo[key] = call(x, rt, *a)
        return got
    return remembered


_DAY_ONE = dt.date.min
_STRETCH = object()  # marks a key by stretches, never equal to a date in a key by dates


def _catalogue_class() -> type:
    from ..law.catalogue import Catalogue  # the law layer, below eval: imported when a method needs it
    return Catalogue


def _edition_cuts(catalogue: Any, ref: Any) -> list[int]:
    """The day numbers on which an answer about `ref`'s editions can change (see `_by_provision`), sorted."""
    days: set[int] = set()
    for s in catalogue.editions_between(ref, dt.date.min, dt.date.max):
        days.add(s.valid_from.toordinal())
        if s.valid_to is not None:
            days.add(s.valid_to.toordinal())
            days.add(s.valid_to.toordinal() + 1)
    return sorted(days)


def _base_rows(f: Frame, rows: Arr, kind: str) -> Arr:
    """The rows of the frame a path's column is kept on (`kind`: O, R, or D, a flattened domain) that `rows`
    of `f` belong to.  A base frame's rows are their own: O's `base` and R's `rec` are `arange(n)`, so the
    gather would copy `rows` (as `_fact` skips it).  A domain's column is read at its elements' positions
    (`Frame.lookup_orow`); without a variable it is read on the domain's own frame, whose rows are its own."""
    if kind == "O":
        return rows if f.kind == "O" else f.base[rows]
    if kind == "R":
        return rows if f.kind == "R" else f.rec[rows]
    return rows


def _path_frame(b: Batch, key: tuple[Any, ...]) -> Frame:
    """The frame a path's column is kept on: O, R, or the frame of a flattened domain (`_domain_frame`)."""
    kind = key[0]
    if kind == "O":
        return b.O
    if kind == "R":
        return b.R
    return _domain_frame(b, key[1])


def _domain_frame(b: Batch, dkey: tuple[Any, ...]) -> Frame:
    """A quantifier domain's elements over the whole batch as a frame of their own (kind D), one row per
    element in the order of `b.flats[dkey]` (flattened by the quantifier before its body reads anything):
    the members of its elements are read there once per batch and gathered at each quantifier's elements,
    as members of an offence are read on O.  Each element's record and base row are its owner's."""
    key = ("frame", dkey)
    fr = b.paths.get(key)
    if fr is None:
        flat = b.flats.get(dkey)
        assert flat is not None, "a domain is read only inside its flattened quantifier"
        _, lens, _, elems, _ = flat
        bf = b.O if dkey[0] == "O" else b.R
        owner = np.arange(bf.n).repeat(lens)
        fr = b.paths[key] = Frame("D", len(elems), bf.rec[owner], owner, bf, objs=elems)
    return fr


def _strict(fns: list[Fn], op: Op) -> Fn:
    """Operands evaluated left to right, each only on the rows where all before it were present;
    a missing operand makes the row missing (the row evaluator's `Miss`).

    A constant operand (`_Const`) is made at the end, on the rows left: it is never missing and reads
    nothing, so making it earlier would only gather it again at every operand that misses a row.
    With one operand that is not a constant (a member, a method with literal arguments, a comparison with
    a literal), `_strict1` does the same with less bookkeeping per call."""
    deferred = [isinstance(fn, _Const) for fn in fns]
    if deferred.count(False) == 1:
        return _strict1(fns, deferred.index(False), op)
    if not any(deferred):
        deferred = []

    def run(b: Batch, f: Frame, rows: Arr) -> Col:
        n = len(rows)
        pos: Arr | None = None
        sub = rows
        vals: list[Arr] = []
        for i, fn in enumerate(fns):
            if deferred and deferred[i]:
                vals.append(_LATER)
            else:
                c = fn(b, f, sub)
                if c.m is not None:
                    idx = where(~c.m)
                    pos = idx if pos is None else pos[idx]
                    sub = sub[idx]
                    vals = [v if v is _LATER else v[idx] for v in vals]
                    vals.append(c.v[idx])
                else:
                    vals.append(c.v)
            if not len(sub):
                return Col.missing(n)
        if deferred:
            vals = [fn.array(len(sub)) if v is _LATER else v for fn, v in zip(fns, vals)]  # type: ignore[attr-defined]
        res = op(b, f, sub, vals)
        return res if pos is None else Col.scatter(n, pos, res)
    return run


def _strict1(fns: list[Fn], j: int, op: Op) -> Fn:
    """`_strict` when every operand but `fns[j]` is a constant: the same calls and the same answer.

    Why the same: the constants come after the one operand that reads anything (`_strict` defers them to the
    end), are never missing and have the same value on every row; so the rows left are those where `fns[j]`
    is present, and the constants are made on them."""
    fa = fns[j]
    consts: list[_Const] = [fn for fn in fns if isinstance(fn, _Const)]
    if not consts:
        def run(b: Batch, f: Frame, rows: Arr) -> Col:
            c = fa(b, f, rows)
            if c.m is None:
                if not len(rows):
                    return Col.missing(0)
                return op(b, f, rows, [c.v])
            pos = where(~c.m)
            if not len(pos):
                return Col.missing(len(rows))
            return Col.scatter(len(rows), pos, op(b, f, rows[pos], [c.v[pos]]))
        return run

    def run_k(b: Batch, f: Frame, rows: Arr) -> Col:
        n = len(rows)
        if not n and j:  # `_strict` stops at a constant before `fns[j]` when no row is left
            return Col.missing(0)
        c = fa(b, f, rows)
        if c.m is None:
            if not n:
                return Col.missing(0)
            vals = [k.array(n) for k in consts]
            vals.insert(j, c.v)
            return op(b, f, rows, vals)
        pos = where(~c.m)
        k = len(pos)
        if not k:
            return Col.missing(n)
        vals = [x.array(k) for x in consts]
        vals.insert(j, c.v[pos])
        return Col.scatter(n, pos, op(b, f, rows[pos], vals))
    return run_k


_LATER = np.empty(0, dtype=object)  # `_strict`: the place of a constant operand until the end


def _as_bool(c: Col, b: Batch, f: Frame, rows: Arr) -> Col:
    """A truth value as a bool array: the values are Python bools (anything else: the row evaluator decides).
    A value is a bool if it is the object `True` or `False` (compared by id, without a Python call each)."""
    if c.v.dtype is _BOOL_DTYPE or c.v.dtype == bool:
        return c
    v = c.v
    vals = v.tolist()
    if c.m is None and vals and set(map(type, vals)) == _BOOL_TYPE:
        # every value is of type bool, so `True` or `False` (bool has no subclasses and no other instances),
        # and its truth is itself: the same answer as comparing ids, with a cheaper pass over the values
        return Col(v.astype(bool))
    ids = np.fromiter(map(id, vals), dtype=np.intp, count=len(v))
    out = ids == _TRUE_ID
    ok = out | (ids == _FALSE_ID)
    if c.m is not None:
        ok |= c.m
        out &= ~c.m
    if not all_(ok):
        b.doubt(f, rows[~ok])
        m = ~ok if c.m is None else (c.m | ~ok)
    else:
        m = c.m
    return Col(out, m)


_TRUE_ID, _FALSE_ID = id(True), id(False)
_BOOL_DTYPE = np.dtype(bool)  # numpy's one bool dtype; another that equals it is checked by `_as_bool`
_OBJ_DTYPE = np.dtype(object)
_BOOL_TYPE = {bool}
_STR_TYPE, _INT_TYPE = {str}, {int}


# ---- the compiler


class Compiler:
    """IR nodes → column functions `fn(batch, frame, rows) -> Col`."""

    def __init__(self, fact_scopes: dict[str, str], fact_exprs: dict[str, Node]):
        self.fact_scopes = fact_scopes
        self.fact_exprs = fact_exprs
        self.fact_fns: dict[str, Fn] = {}
        # quantifier variables in scope while compiling: True for one ranging over the record's offences, the
        # domain's path key for one over a domain flattened once per batch (`_quant`), False for any other
        self.qvars: dict[str, bool | tuple[Any, ...]] = {}
        self.path_fns: dict[tuple[Any, ...], Fn] = {}

    def fact_fn(self, name: str) -> Fn:
        if name not in self.fact_fns:
            outer, self.qvars = self.qvars, {}  # a fact sees no quantifier variable of its reader
            try:
                self.fact_fns[name] = self.node(self.fact_exprs[name], self.fact_scopes.get(name, "record"))
            finally:
                self.qvars = outer
        return self.fact_fns[name]

    def node(self, n: Node, scope: str) -> Fn:
        if n.type == BOOL and n.op in ("member", "method", "root"):
            key = self.path(n, scope)
            if key is not None:  # a truth value read from the records: made a bool column once per batch
                return self._path_fn(n, key, scope, self.offence_var(n), truth=True)
        meth = getattr(self, f"_{n.op}", None)
        fn: Fn = meth(n, scope) if meth is not None else self._binary(n, scope)
        if n.type == BOOL and n.op not in _BOOL_OPS:
            inner = fn

            def to_bool(b: Batch, f: Frame, rows: Arr) -> Col:
                c = inner(b, f, rows)  # most often a bool array already: `_as_bool` would return it as it is
                return c if c.v.dtype is _BOOL_DTYPE else _as_bool(c, b, f, rows)
            return to_bool
        return fn

    # ---- paths: a record's fields, read once per batch over the whole frame
    def path(self, n: Node, scope: str) -> tuple[Any, ...] | None:
        """A key for a node whose value depends only on the scope instance (a field path from a root,
        a getter or method with constant arguments), or None.  A chain from a quantifier variable over
        the record's offences has the key of the same chain from `offence`: its values are that column's
        at the element's `O` row (`offence_var`)."""
        if n.op == "var":
            q = self.qvars.get(n.data)
            if q is True:
                return ("O", "root", "offence")
            return ("D", q, "root") if isinstance(q, tuple) else None
        if n.op == "root":
            base = "O" if n.data == "offence" or (n.data == "sentence" and scope == "offence") else "R"
            if base == "O" and scope != "offence":
                return None
            return (base, "root", n.data)
        if n.op == "member":
            inner = self.path(n.args[0], scope)
            return None if inner is None else inner + (("m",) + tuple(n.data),)
        if n.op == "method" and all(a.op in ("lit", "enum") for a in n.args[1:]):
            inner = self.path(n.args[0], scope)
            if inner is None:
                return None
            return inner + (("f",) + tuple(n.data) + tuple(repr(a.data) for a in n.args[1:]),)
        return None

    @staticmethod
    def offence_var(n: Node) -> str | None:
        """The quantifier variable a chain of members and methods starts from, if any."""
        while n.op in ("member", "method"):
            n = n.args[0]
        return n.data if n.op == "var" else None

    def _path_fn(self, n: Node, key: tuple[Any, ...], scope: str, var: str | None = None,
                 truth: bool = False) -> Fn:
        """The node's column at `rows`: its base frame's column (read once per batch) at their base rows,
        or, for a chain from `var` (a quantifier variable over offences), at the elements' `O` rows.
        One function per key and variable: the same path read by many rules is compiled once.

        `truth`: the column as a bool array (`_as_bool`), converted once per batch rather than at every
        read; a row whose value is not a bool leaves its record to the row evaluator, read or not."""
        got = self.path_fns.get((key, var, truth))
        if got is None and not truth and self._computed(n):
            got = self.path_fns[(key, var, truth)] = self._path_lazy(n, key, scope, var)
        if got is None:
            full = self._path_full(n, key, scope)
            if truth:
                values = full

                def full(b: Batch) -> Col:
                    c = b.paths.get(key)
                    if c is None:
                        c = b.paths[key] = values(b)
                    fr = _path_frame(b, key)
                    return _as_bool(c, b, fr, np.arange(fr.n))
            got = self.path_fns[(key, var, truth)] = self._path_take(full, (key, "bool") if truth else key,
                                                                     key[0], var)
        return got

    @staticmethod
    def _computed(n: Node) -> bool:
        """A member computed by a getter (not a plain attribute) or a method: Python code per row."""
        if n.op == "method":
            return True
        return n.op == "member" and S.MEMBERS[n.data[0]][n.data[1]].attr is None

    def _path_lazy(self, n: Node, key: tuple[Any, ...], scope: str, var: str | None) -> Fn:
        """A computed member's column, kept for the batch like a path's, but computed only on the base rows
        read so far (as facts are): a rule reads an amount or a sanction's maximum on the few rows its
        `when` left, and the getter is Python code per row, where a plain attribute is one cheap gather."""
        kind = key[0]
        inner = self._path_fn(n.args[0], key[:-1], scope)
        op = self._member_op(n) if n.op == "member" else self._method_op(n)
        compute = _strict([inner] + [_const_fn(a.data) for a in n.args[1:]], op)
        cache = (key, "rows")

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            if var is not None:
                idx = f.lookup_orow(var, rows)
                if idx is None:  # not bound here (the row code raises): the row evaluator decides
                    b.doubt(f, rows)
                    return Col.missing(len(rows))
            else:
                idx = _base_rows(f, rows, kind)
            fr = _path_frame(b, key)
            got = b.paths.get(cache)
            if got is None:
                got = b.paths[cache] = (np.empty(fr.n, dtype=object), np.zeros(fr.n, dtype=bool),
                                        np.zeros(fr.n, dtype=bool))
            v, m, done = got
            need = idx[~done[idx]]
            if len(need):
                mark = np.zeros(fr.n, dtype=bool)
                mark[need] = True
                need = where(mark)
                c = compute(b, fr, need)
                v[need] = c.v
                if c.m is not None:
                    m[need] = c.m
                done[need] = True
            return Col(v[idx], m[idx])
        return fn

    @staticmethod
    def _path_take(full: Callable[[Batch], Col], key: tuple[Any, ...], kind: str, var: str | None) -> Fn:
        """Reads of the column cached under `key` (computed by `full` at the first read of the batch) over
        the frame O, R or D (`kind`)."""

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            # where the rows are first: a variable over a domain that could not be flattened this batch has no
            # positions, and that domain's column cannot be made (the row evaluator decides those records)
            at = f.lookup_orow(var, rows) if var is not None else _base_rows(f, rows, kind)
            if at is None:  # not bound here (the row code raises), or no flattened domain: the row evaluator decides
                b.doubt(f, rows)
                return Col.missing(len(rows))
            col = b.paths.get(key)
            if col is None:
                col = b.paths[key] = full(b)
            return col.take(at)
        return fn

    def _path_full(self, n: Node, key: tuple[Any, ...], scope: str) -> Callable[[Batch], Col]:
        """The node's value on every row of its base frame."""
        if n.op == "var" and key[0] == "D":  # a variable over a flattened domain: the domain's elements
            return lambda b: Col(_domain_frame(b, key[1]).objs)  # type: ignore[arg-type]
        if n.op in ("root", "var"):
            name = "offence" if n.op == "var" else n.data
            attrs: tuple[str, ...]
            if key[0] == "O":
                attrs = ("sentence",) if name == "sentence" else ()
            else:
                attrs = {"verdict": (), "defendant": ("defendant",), "offences": ("offences",),
                         "final": ("final_sentence",), "final_sentence": ("final_sentence",),
                         "sentence": ("final_sentence",), "procedure": ("procedure",)}[name]

            def root(b: Batch) -> Col:
                fr = b.O if key[0] == "O" else b.R
                v = fr.objs
                assert v is not None
                for a in attrs:
                    v = obj_array(list(map(operator.attrgetter(a), v.tolist())), len(v))
                return Col(v)
            return root
        parent_key = key[:-1]
        inner = self._path_fn(n.args[0], parent_key, scope)
        op = self._member_op(n) if n.op == "member" else self._method_op(n)
        args = [a.data for a in n.args[1:]]

        def full(b: Batch) -> Col:
            fr = _path_frame(b, key)
            rows = np.arange(fr.n)
            if args:
                return _strict([inner] + [_const_fn(a) for a in args], op)(b, fr, rows)
            return _strict([inner], op)(b, fr, rows)
        return full

    def _member_op(self, n: Node) -> Op:
        rec_t, name = n.data
        m = S.MEMBERS[rec_t][name]
        if m.attr is not None:
            return _mapped(operator.attrgetter(m.attr))
        get = m.get
        shared = rec_t in _SHARED
        one = m.one  # the getter reads the object alone: mapped as it is, without a wrapper call per row
        if one is not None:
            if shared:
                return lambda b, f, rows, cols: _once_per_object(one, b, f, rows, cols)
            return _mapped(one)

        def getter(b: Batch, f: Frame, rows: Arr, cols: list[Arr]) -> Col:
            rt = b.rt
            if shared:
                return _once_per_object(lambda x: get(x, rt), b, f, rows, cols)
            return _mapped(lambda x: get(x, rt))(b, f, rows, cols)
        return getter

    def _method_op(self, n: Node) -> Op:
        rec_t, name = n.data
        spec = S.METHODS[rec_t][name]
        nin = len(n.args)

        shared = rec_t in _SHARED and all(a.op in ("lit", "enum") for a in n.args[1:])
        by_provision = (rec_t, name) in _BY_PROVISION
        catalogue_obj = rec_t in _SHARED

        def call(b: Batch, f: Frame, rows: Arr, cols: list[Arr]) -> Col:
            rt = b.rt
            # `_mapped` needs object operands (a literal truth value is a bool array: numpy's loop then)
            per_row = _mapped if all(c.dtype == object for c in cols) else lambda g: _py(g, nin, missing_none=True)
            if by_provision:  # the same provision and stretch of dates: the same answer (kept across batches)
                return per_row(_by_provision(name, spec.call, rt, b.lookups))(b, f, rows, cols)
            if shared:
                return _once_per_object(lambda x, *a: spec.call(x, rt, *a), b, f, rows, cols)
            if catalogue_obj and len(rows) >= _GROUP_FROM and nin <= 2:  # a sanction's answer for a kind read from the records
                return _once_per_operands(lambda x, *a: spec.call(x, rt, *a), b, f, rows, cols)
            return per_row(lambda x, *a: spec.call(x, rt, *a))(b, f, rows, cols)
        return call

    def _member(self, n: Node, scope: str) -> Fn:
        key = self.path(n, scope)
        if key is not None:
            return self._path_fn(n, key, scope, self.offence_var(n))
        return _strict([self.node(n.args[0], scope)], self._member_op(n))

    def _method(self, n: Node, scope: str) -> Fn:
        key = self.path(n, scope)
        if key is not None:
            return self._path_fn(n, key, scope, self.offence_var(n))
        return _strict([self.node(a, scope) for a in n.args], self._method_op(n))

    def _root(self, n: Node, scope: str) -> Fn:
        key = self.path(n, scope)
        if key is None:  # `offence` outside an offence scope: the row code's None
            return lambda b, f, rows: Col(const_array(None, len(rows)))
        return self._path_fn(n, key, scope)

    # ---- leaves
    def _lit(self, n: Node, scope: str) -> Fn:
        return _const_fn(n.data)

    _enum = _lit

    def _var(self, n: Node, scope: str) -> Fn:
        name = n.data

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            vals = f.lookup_var(name, rows)
            if vals is None:  # an unbound variable: the row code raises
                b.doubt(f, rows)
                return Col.missing(len(rows))
            return Col(vals)
        return fn

    def _let(self, n: Node, scope: str) -> Fn:
        name = n.data

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            let = b.lets.get(name)
            if let is None:
                b.doubt(f, rows)
                return Col.missing(len(rows))
            return let(b, f.basef, rows if f.kind != "Q" else f.base[rows])  # a base frame's rows are its base rows
        return fn

    def _fact(self, n: Node, scope: str) -> Fn:
        name = n.data
        on_o = self.fact_scopes.get(name, "record") == "offence" and scope == "offence"

        key = ("O" if on_o else "R", name)  # `fact_at`'s key of the fact in `b.facts`
        fact_at = self.fact_at

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            # O's rows are their own base rows and R's their own records: no gather for the frames rules start on
            if on_o:
                at = rows if f.kind == "O" else f.base[rows]
            else:
                at = rows if f.kind == "R" else f.rec[rows]
            st = b.facts.get(key)
            if st is not None and not st.left:  # computed on every row: `fact_at`'s gather, without its call
                return Col(st.v[at], st.m[at]) if st.anym else Col(st.v[at])
            return fact_at(b, name, b.O if on_o else b.R, at)
        return fn

    def fact_at(self, b: Batch, name: str, frame: Frame, rows: Arr) -> Col:
        """A fact at base rows, computed on the rows not computed yet (facts are read lazily).

        Once every row of the frame is computed, a read is a gather; while no computed row is missing, the
        missing mask is not gathered (it is all false there, which `Col` holds as None anyway)."""
        key = (frame.kind, name)
        st = b.facts.get(key)
        if st is None:
            st = b.facts[key] = _FactCol(frame.n, self.fact_exprs[name].type == BOOL)
        if st.left:
            done = st.done[rows]
            nd = count_nonzero(done)
            if nd != len(rows):  # most reads are of rows computed already: then nothing is selected
                need = rows[~done] if nd else rows
                if len(need) > 1 and count_nonzero(need[1:] <= need[:-1]):
                    # not strictly increasing (a quantifier's rows repeat their base rows): each row once, in order;
                    # rows that increase already are that (a rule's rows, as selected from its frame)
                    mark = np.zeros(frame.n, dtype=bool)
                    mark[need] = True
                    need = where(mark)
                c = self.fact_fn(name)(b, frame, need)
                if st.v.dtype == bool and c.v.dtype != bool:
                    c = _as_bool(c, b, frame, need)
                st.v[need] = c.v
                if c.m is not None and any_(c.m):
                    st.m[need] = c.m
                    st.anym = True
                st.done[need] = True
                st.left -= len(need)
        return Col(st.v[rows], st.m[rows]) if st.anym else Col(st.v[rows])

    def _ofact(self, n: Node, scope: str) -> Fn:
        name = n.data
        arg = n.args[0]
        if arg.op == "var" and self.qvars.get(arg.data) is True:  # an element of `offences`: its O row is known
            var = arg.data

            def at(b: Batch, f: Frame, rows: Arr) -> Col:
                orow = f.lookup_orow(var, rows)
                if orow is None:
                    b.doubt(f, rows)
                    return Col.missing(len(rows))
                return self.fact_at(b, name, b.O, orow)
            return at
        obj = self.node(arg, scope)

        def op(b: Batch, f: Frame, rows: Arr, cols: list[Arr]) -> Col:
            (offs,) = cols
            orows = np.fromiter((b.offrow.get(id(o), -1) for o in offs), dtype=np.int64, count=len(offs))
            bad = orows < 0
            if any_(bad):
                b.doubt(f, rows[bad])
                ok = where(~bad)
                return Col.scatter(len(rows), ok, self.fact_at(b, name, b.O, orows[ok]))
            return self.fact_at(b, name, b.O, orows)
        return _strict([obj], op)

    def _law(self, n: Node, scope: str) -> Fn:
        name = str(n.data)

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            """The parameter at `rows`: its value on each row's stretch of dates (`_param_column`), gathered
            for the rows read only (a rule reads a parameter on the few rows its `when` left)."""
            bf = f.basef
            key = (bf.kind, name)
            got = b.params.get(key)
            if got is None:
                got = b.params[key] = _param_column(b, bf, name)
            per, pm, at = got
            s = at[rows if f.kind != "Q" else f.base[rows]]  # a base frame's rows are its base rows
            return Col(per[s]) if pm is None else Col(per[s], pm[s])
        return fn

    def _fired(self, n: Node, scope: str) -> Fn:
        rid = n.data
        fired = CODE[T.FIRED]

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            """`Env.fired`: on the same scope instance if the rule has one there, else anywhere in the record."""
            st = b.status.get(rid)
            k = len(rows)
            if st is None:  # not decided yet (or never read): no outcome
                return Col(np.zeros(k, dtype=bool))
            kind, codes = st
            bf = f.basef
            if kind == "R":
                return Col(codes[f.rec[rows]] == fired)
            if bf.kind == "O":
                return Col(codes[f.base[rows]] == fired)
            # a record-level reader of an offence rule: fired on any offence of the record
            per_rec = np.zeros(b.R.n, dtype=bool)
            per_rec[b.O.rec[codes == fired]] = True
            return Col(per_rec[f.rec[rows]])
        return fn

    def _index(self, n: Node, scope: str) -> Fn:
        return _strict([self.node(a, scope) for a in n.args[:2]],
                       _lookup(_py(lambda t, k: t.get(_enum_key(k)), 2, missing_none=True)))

    # ---- built-ins
    def _call(self, n: Node, scope: str) -> Fn:
        fname = n.data
        if fname == "default":
            fa, fb = self.node(n.args[0], scope), self.node(n.args[1], scope)

            def dflt(b: Batch, f: Frame, rows: Arr) -> Col:
                a = fa(b, f, rows)
                if a.m is None:
                    return a
                miss = where(a.m)
                c = fb(b, f, rows[miss])
                v = a.v.copy() if a.v.dtype == c.v.dtype else a.v.astype(object)
                v[miss] = c.v
                m = a.m.copy()
                m[miss] = False if c.m is None else c.m
                return Col(v, m)
            return dflt
        fns = [self.node(a, scope) for a in n.args]
        if fname in ("min", "max"):
            if len(fns) == 1:
                return fns[0]
            g = min if fname == "min" else max
            return _strict(fns, _py(lambda *xs: g(*xs), len(fns)))
        if fname == "sum":
            def add(*xs: Any) -> Any:
                acc = xs[0]
                for x in xs[1:]:
                    acc = acc + x
                return acc
            return _strict(fns, _py(add, len(fns)))
        if fname == "count":
            return _strict(fns, _mapped_or(len, _py(len, 1)))
        if fname in ("age", "years_between"):
            return _strict(fns, _ages(_py(age_on, 2)))
        if fname == "same_unit":
            return _strict(fns, _py(lambda a, c: a.unit == c.unit, 2))
        raise AssertionError(fname)

    def _set(self, n: Node, scope: str) -> Fn:
        if all(a.op in ("lit", "enum") for a in n.args):
            return _const_fn(frozenset(a.data for a in n.args))
        fns = [self.node(a, scope) for a in n.args]
        return _strict(fns, _py(lambda *xs: frozenset(xs), len(fns)))

    # ---- logic
    def _not(self, n: Node, scope: str) -> Fn:
        inner = self.node(n.args[0], scope)

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            c = inner(b, f, rows)
            if c.v.dtype is _BOOL_DTYPE or c.v.dtype == bool:
                return Col(~c.v, c.m)
            return _strict([lambda b_, f_, r_: c], _py(operator.not_, 1))(b, f, rows)
        return fn

    def _neg(self, n: Node, scope: str) -> Fn:
        return _strict([self.node(n.args[0], scope)], _py(operator.neg, 1))

    def _present(self, n: Node, scope: str) -> Fn:
        fa = self.node(n.args[0], scope)
        want = n.op == "present"

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            c = fa(b, f, rows)
            if c.m is None:
                return Col(trues(len(rows)) if want else np.zeros(len(rows), dtype=bool))
            return Col(~c.m if want else c.m.copy())
        return fn

    _missing = _present

    def _and(self, n: Node, scope: str) -> Fn:
        stop = n.op != "and"  # and: False stops the chain; or: True
        fns = [self.node(x, scope) for x in chain_operands(n)]

        def kleene(b: Batch, f: Frame, rows: Arr) -> Col:
            """The chain on `rows`: each operand only on the rows the ones before it left open.  The row
            bookkeeping (`active`: positions still open; `stopped`, `missing`) is made at the first operand
            that decides or misses a row: until then every row is open, and `sub` is `rows` itself."""
            k = len(rows)
            stopped: Arr | None = None
            missing: Arr | None = None
            active: Arr | None = None
            sub = rows
            last = len(fns) - 1
            for i, fn in enumerate(fns):
                if not len(sub):
                    break
                c = fn(b, f, sub)
                v = c.v
                if v.dtype is _BOOL_DTYPE or v.dtype == bool:
                    if c.m is None:
                        # no row decided (`or`: none true, `and`: all true): nothing to mark, every row stays open
                        if count_nonzero(v) == (0 if stop else len(v)):
                            continue
                    hit = v if stop else ~v
                else:
                    hit = v == stop
                if c.m is not None:
                    if active is None:
                        active = np.arange(k)
                    if missing is None:
                        missing = np.zeros(k, dtype=bool)
                    missing[active[c.m]] = True
                    hit = hit & ~c.m
                if any_(hit):
                    if active is None:
                        active = np.arange(k)
                    if stopped is None:
                        stopped = np.zeros(k, dtype=bool)
                    stopped[active[hit]] = True
                    if i < last:  # the rows still open, for the next operand
                        keep = ~hit
                        active = active[keep]
                        sub = sub[keep]
            if stopped is None:
                return Col(np.zeros(k, dtype=bool) if stop else trues(k), missing)
            return Col(stopped if stop else ~stopped, None if missing is None else missing & ~stopped)
        return kleene

    _or = _and

    def _if(self, n: Node, scope: str) -> Fn:
        fc, fa, fb = (self.node(a, scope) for a in n.args)
        is_bool = n.type == BOOL

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            cond = fc(b, f, rows)
            k = len(rows)
            cv = cond.v if cond.v.dtype is _BOOL_DTYPE or cond.v.dtype == bool else cond.v.astype(bool)
            if cond.m is None and k:
                t = count_nonzero(cv)
                if t == 0 or t == k:  # one branch on every row: its column is the answer, not scattered into a copy
                    c = (fa if t else fb)(b, f, rows)
                    if is_bool and c.v.dtype is not _BOOL_DTYPE and c.v.dtype != bool:
                        c = _as_bool(c, b, f, rows)
                    if c.v.dtype is (_BOOL_DTYPE if is_bool else _OBJ_DTYPE):  # the dtype the copy would have
                        return c
                    out = np.zeros(k, dtype=bool) if is_bool else np.empty(k, dtype=object)
                    out[:] = c.v
                    return Col(out, c.m)
            out = np.zeros(k, dtype=bool) if is_bool else np.empty(k, dtype=object)
            m = trues(k)
            if cond.m is None:
                yes, no = cv, ~cv
            else:
                ok = ~cond.m
                yes, no = ok & cv, ok & ~cv
            for sel, g in (yes, fa), (no, fb):
                idx = where(sel)
                if len(idx):
                    c = g(b, f, rows[idx])
                    if is_bool and c.v.dtype is not _BOOL_DTYPE and c.v.dtype != bool:
                        c = _as_bool(c, b, f, rows[idx])
                    out[idx] = c.v
                    m[idx] = False if c.m is None else c.m
            return Col(out, m)
        return fn

    # ---- quantifiers
    def _quant(self, n: Node, scope: str) -> Fn:
        kind, var = n.data
        fit = self.node(n.args[0], scope)
        # over `offences` (the record's own list, so the O rows of its record, in order): see `path`
        key = self.path(n.args[0], scope)
        over_offences = key == ("R", "root", "offences")
        # a domain read from a path by plain attributes is flattened once per batch (`flattened`), and its
        # elements' members are read once per batch on its own frame (`path`, `_domain_frame`)
        flat = key is not None and self.offence_var(n.args[0]) is None and _plain_chain(n.args[0])
        outer = self.qvars.get(var)
        self.qvars[var] = True if over_offences else (key if flat and key is not None else False)
        try:
            fbody = self.node(n.args[1], scope)
        finally:
            if outer is None:
                del self.qvars[var]
            else:
                self.qvars[var] = outer

        def op(b: Batch, f: Frame, rows: Arr, cols: list[Arr]) -> Col:
            (its,) = cols
            k = len(rows)
            try:
                lists = its.tolist()
                lens = np.fromiter(map(len, lists), dtype=np.int64, count=k)
            except Exception:  # noqa: BLE001 - not a collection: the row code raises
                b.doubt(f, rows)
                return Col.missing(k)
            owner = np.arange(k).repeat(lens)
            if not len(owner):
                body = Col(np.zeros(0, dtype=bool))
            else:
                try:
                    flat = obj_array(chain.from_iterable(lists), len(owner))
                except Exception:  # noqa: BLE001 - iterating raised: the row code raises too
                    b.doubt(f, rows)
                    return Col.missing(k)
                body = fbody(b, f.child(var, rows[owner], flat), np.arange(len(owner)))
            return _reduce(kind, body, owner, lens, k)
        per_call = _strict([fit], op)
        if not flat or key is None:
            return per_call
        on_o = key[0] == "O"

        def flattened(b: Batch) -> tuple[Arr | None, Arr, Arr, Arr, bool] | None:
            """The domain on every row of the base frame, flattened once per batch: which rows are missing,
            each row's length and first element, and all elements in row order (None: not every row is a
            collection, so each call flattens its own rows and the row code's errors arise as before)."""
            got = b.flats.get(key, b)
            if got is b:
                if over_offences:  # the record's own list: its elements are the rows of O, in order
                    assert b.O.objs is not None
                    got = (None, b.ocount, b.ostart, b.O.objs, True)
                else:
                    fr = b.O if on_o else b.R
                    got = _flatten(fit(b, fr, np.arange(fr.n)))
                b.flats[key] = got
            return got  # type: ignore[no-any-return]

        def fn(b: Batch, f: Frame, rows: Arr) -> Col:
            """`per_call` with the domain's elements gathered from the batch's flattened domain.

            Why the same: the elements are the very objects of the very lists the row's value holds, in their
            iteration order; a missing domain makes the row missing, and only present rows are evaluated."""
            got = flattened(b)
            if got is None:
                return per_call(b, f, rows)
            fm, flens, fstart, felems, _ = got
            k = len(rows)
            at = f.base[rows] if on_o else f.rec[rows]
            pos: Arr | None = None
            sub = rows
            if fm is not None:
                miss = fm[at]
                if any_(miss):
                    pos = where(~miss)
                    if not len(pos):
                        return Col.missing(k)
                    sub, at = rows[pos], at[pos]
            lens = flens[at]
            total = int(np.add.reduce(lens))  # `lens.sum()` without its Python wrapper
            owner = np.arange(len(at)).repeat(lens)
            if not total:
                body = Col(np.zeros(0, dtype=bool))
            else:
                idx = (fstart[at] - (lens.cumsum() - lens))[owner] + np.arange(total)
                # each element's position in the domain (for offences, its O row): where its members are read
                body = fbody(b, f.child(var, sub[owner], felems[idx], idx), np.arange(total))
            res = _reduce(kind, body, owner, lens, len(at))
            return res if pos is None else Col.scatter(k, pos, res)
        return fn

    # ---- comparisons and arithmetic
    def _binary(self, n: Node, scope: str) -> Fn:
        op = n.op
        fns = [self.node(a, scope) for a in n.args[:2]]
        if op in ("eq", "ne"):
            py, np_op = (operator.eq, np.equal) if op == "eq" else (operator.ne, np.not_equal)
            if any(isinstance(x.type, QtyT) for x in n.args):
                return _strict(fns, _np(_quantity_cmp(py, np_op), py, truth=True))
            return _strict(fns, _np(np_op, py, truth=True))
        if op in ("in", "notin"):
            text = n.data == "text"
            pos = op == "in"
            right = n.args[1]
            if right.op in ("lit", "set") and all(a.op in ("lit", "enum") for a in right.args):
                const = right.data if right.op == "lit" else frozenset(a.data for a in right.args)
                if isinstance(const, (frozenset, set)):
                    keyed = const
                    # the answer for an enum member, by its id: members live as long as their class, and
                    # hashing one runs Python code (`Enum.__hash__`), looking up its id does not
                    seen: dict[int, bool] = {}

                    def test(x: Any) -> bool:
                        r = seen.get(id(x))
                        if r is None:
                            r = (_enum_key(x) if text else x) in keyed
                            if isinstance(x, Enum):
                                seen[id(x)] = r
                        return r

                    contains = keyed.__contains__  # `x in keyed`, as a function

                    def member(b: Batch, f: Frame, rows: Arr, cols: list[Arr]) -> Col:
                        a = cols[0]
                        n = len(a)
                        vals = a.tolist()
                        types = set(map(type, vals))
                        try:
                            if text and (types == _INT_TYPE or types == _STR_TYPE):
                                v = np.fromiter(map(contains, _enum_keys(vals)), dtype=bool, count=n)
                            elif not (text or any(issubclass(t, Enum) for t in types)):
                                # `contains` is what `in` calls (an enum member's hash is Python code: by id below)
                                v = np.fromiter(map(contains, vals), dtype=bool, count=n)
                            else:  # enum members: the answers by id, `test` only for those not met before
                                got = list(map(seen.get, map(id, vals)))
                                if None in got:
                                    for i in compress(range(n), map(operator.is_, got, repeat(None))):
                                        got[i] = test(vals[i])
                                v = np.fromiter(got, dtype=bool, count=n)
                        except Exception:  # noqa: BLE001
                            return _safe(b, f, rows, lambda x, _c: ((_key(x) if text else x) in keyed) is pos, cols)
                        return Col(v if pos else ~v)
                    return _strict(fns, member)
            if text:
                g = (lambda a, c: _enum_key(a) in c) if pos else (lambda a, c: _enum_key(a) not in c)
            else:
                g = (lambda a, c: a in c) if pos else (lambda a, c: a not in c)
            return _strict(fns, _member_of(text, pos, _py(g, 2)))
        if op == "cmp":
            cmp = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
                   "==": operator.eq, "!=": operator.ne}[n.data]
            ncmp = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
                    "==": np.equal, "!=": np.not_equal}[n.data]
            if any(isinstance(x.type, EnumT) for x in n.args):
                rank = np.frompyfunc(_fast_rank, 1, 1)
                return _strict(fns, _np(lambda a, c: ncmp(rank(a), rank(c)),
                                        lambda a, c: cmp(_rank(a), _rank(c)), truth=True))
            if any(isinstance(x.type, QtyT) for x in n.args):
                return _strict(fns, _np(_quantity_cmp(cmp, ncmp), cmp, truth=True))
            return _strict(fns, _np(ncmp, cmp, truth=True))
        if op == "arith":
            f = _ARITH[n.data]
            if n.data in ("date+", "date-"):
                return _strict(fns, _add_terms(1 if n.data == "date+" else -1))
            if n.data in ("+", "-", "*"):
                nf = {"+": np.add, "-": np.subtract, "*": np.multiply}[n.data]
                return _strict(fns, _np(lambda a, c: nf(a.astype(object), c.astype(object)), f))
            return _strict(fns, _py(f, 2))
        raise AssertionError(f"no column code for {op}")


_QUANTITY_TYPES = frozenset({Quantity, Term})
_FRACTION_TYPE = frozenset({Fraction})
_UNIT, _VALUE = operator.attrgetter("unit"), operator.attrgetter("value")
# a Fraction's numerator and denominator as stored (its `numerator` property is Python code)
_NUMER, _DENOM = operator.attrgetter("_numerator"), operator.attrgetter("_denominator")


def _quantity_cmp(cmp: Callable[[Any, Any], bool], ncmp: Callable[..., Arr]) -> Callable[[Arr, Arr], Arr]:
    """`ncmp(a, c)` on columns of quantities, in Python's integers where it can be: each comparison of two
    quantities otherwise runs `Quantity.__lt__` (`functools.total_ordering` for the others) and `Fraction`'s
    comparison, all Python code.

    Why exact: when every value on both sides is a plain `Quantity` or `Term` and both of a row have the
    same unit, each of `<`, `<=`, `>`, `>=` (`__lt__`, and `total_ordering`'s versions from it and
    `__eq__`), `==` and `!=` (`__eq__`) answers as the same comparison of the two values does; with both
    values plain Fractions (kept in lowest terms, the denominator positive) that is what Fraction's own
    comparison computes, `cmp(a.num * c.den, c.num * a.den)`, on Python's integers (no overflow).  Any other
    column (another type, a unit that differs on a row, which raises or answers False) is compared by
    `ncmp` as before."""
    def f(a: Arr, c: Arr) -> Arr:
        la, lc = a.tolist(), c.tolist()
        n = len(la)
        if (n and set(map(type, la)).union(map(type, lc)) <= _QUANTITY_TYPES
                and list(map(_UNIT, la)) == list(map(_UNIT, lc))):
            va, vc = list(map(_VALUE, la)), list(map(_VALUE, lc))
            if set(map(type, va)).union(map(type, vc)) == _FRACTION_TYPE:
                left = map(operator.mul, map(_NUMER, va), map(_DENOM, vc))
                right = map(operator.mul, map(_NUMER, vc), map(_DENOM, va))
                return np.fromiter(map(cmp, left, right), dtype=bool, count=n)
        return ncmp(a, c)
    return f


# the text of each enum member (`_key`), by its id (members live as long as their class)
_ENUM_KEYS: dict[int, str] = {}


def _enum_key(x: Any) -> str:
    """`_key(x)`: an enum member's text remembered (its `value` is a Python property), anything else as is."""
    k = _ENUM_KEYS.get(id(x))
    if k is None:
        k = _key(x)
        if isinstance(x, Enum):
            _ENUM_KEYS[id(x)] = k
    return k


def _enum_keys(vals: list[Any]) -> list[Any]:
    """`_enum_key` of each value, without a Python call per value where the answer is known: a str is its own
    key (`str` of a str that has no `value`), an int's is its `str` (an int has no `value` either; exact
    types only, so no bool or subclass), an enum member's is remembered by id (`_ENUM_KEYS`)."""
    types = set(map(type, vals))
    if types == _STR_TYPE:
        return vals
    if types == _INT_TYPE:
        return list(map(str, vals))
    got = list(map(_ENUM_KEYS.get, map(id, vals)))  # a value that is no member: None (its id is no member's)
    if None in got:
        for i in compress(range(len(got)), map(operator.is_, got, repeat(None))):
            got[i] = _enum_key(vals[i])
    return got


def _member_of(text: bool, pos: bool, rowwise: Op) -> Op:
    """`a in c` (`not in`: `not pos`) with a column of collections `c`: `operator.contains(c, a)` is what `in`
    computes, called by `map` (in C); `text`: of `_enum_key(a)` (`_enum_keys`).  A column on which anything
    raises is computed as before (`rowwise`: a row that raises makes its record unsure)."""
    def run(b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
        n = len(rows)
        try:
            keys = cols[0].tolist()
            v = np.fromiter(map(operator.contains, cols[1].tolist(), _enum_keys(keys) if text else keys),
                            dtype=bool, count=n)
        except Exception:  # noqa: BLE001
            return rowwise(b, frame, rows, cols)
        return Col(v if pos else ~v)
    return run


def _mapped_or(g: Callable[..., Any], rowwise: Op) -> Op:
    """`g` (a C function: `len`) over the operands' values by `map`, without numpy's per-element call of
    `frompyfunc`: the same calls on the same objects in the same order, into an object array as `rowwise`
    makes it.  A column on which `g` raises is computed by `rowwise` (`_py`: a row that raises makes its
    record unsure), which repeats only pure operations."""
    def run(b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
        n = len(rows)
        try:
            vals = obj_array(map(g, *[c.tolist() for c in cols]), n)
        except Exception:  # noqa: BLE001
            return rowwise(b, frame, rows, cols)
        return Col(vals)
    return run


def _ages(rowwise: Op) -> Op:
    """`age_on(born, on)` on a column of plain dates, in numpy's integers: with a date's key
    `10000 * year + 100 * month + day`, the age is `(key(on) - key(born)) // 10000`.

    Why exact: the difference is `10000 * (on.year - born.year) + r`, with `r` the difference of
    `100 * month + day`, which lies within ±1130 and is negative exactly when `(on.month, on.day) <
    (born.month, born.day)` (a day is below 100); floor division by 10000 subtracts 1 exactly then, as
    `age_on` does.  The values are Python ints (`tolist`), as `age_on` gives them.  Only when every value on
    both sides is a plain `date` (a datetime is computed as before); keys are remembered by date (dates
    repeat: birth dates and offence dates of a batch)."""
    def run(b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
        la, lo = cols[0].tolist(), cols[1].tolist()
        n = len(la)
        if not n or set(map(type, la)) != _DATE_TYPE or set(map(type, lo)) != _DATE_TYPE:
            return rowwise(b, frame, rows, cols)
        ka, ko = _day_keys(la), _day_keys(lo)
        return Col(obj_array(((ko - ka) // 10000).tolist(), n))
    return run


_DAY_KEYS: dict[dt.date, int] = {}  # `_ages`: a plain date's 10000 * year + 100 * month + day


def _day_keys(ds: list[dt.date]) -> Arr:
    got = list(map(_DAY_KEYS.get, ds))
    unknown = list(compress(range(len(ds)), map(operator.is_, got, repeat(None))))
    if unknown:
        if len(_DAY_KEYS) > 200_000:
            _DAY_KEYS.clear()
        for i in unknown:
            d = ds[i]
            got[i] = _DAY_KEYS[d] = 10000 * d.year + 100 * d.month + d.day
    return np.fromiter(got, dtype=np.int64, count=len(ds))


_DICT_TYPE = {dict}


def _lookup(rowwise: Op) -> Op:
    """`t[k]` (`t.get(_enum_key(k))`, None is missing) with every table a plain `dict`: `dict.get` called by
    `map` (in C) on the keys of `_enum_keys`.  Any other column, or one on which a key raises, is computed
    as before (`rowwise`).  Most often every row holds the one table of a law parameter (a stretch of dates
    in which it does not change): then its own `get` is mapped over the keys, without the check of each
    row's type (the same object on every row, by `is`), and the answers are kept as the list they are
    (`none_missing_list`: no array read back into a list)."""
    def run(b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
        tables = cols[0].tolist()
        if not tables:
            return rowwise(b, frame, rows, cols)
        t0 = tables[0]
        one = type(t0) is dict and all(map(operator.is_, tables, repeat(t0)))
        if not one and set(map(type, tables)) != _DICT_TYPE:
            return rowwise(b, frame, rows, cols)
        try:
            keys = _enum_keys(cols[1].tolist())
        except Exception:  # noqa: BLE001
            return rowwise(b, frame, rows, cols)
        return none_missing_list(list(map(t0.get, keys) if one else map(dict.get, tables, keys)))
    return run


# each category's rank (`_rank`), by the member's id: `Category.rank` searches the enum on every call
_CATEGORY_RANK = {id(c): c.rank for c in Category}


def _fast_rank(x: Any) -> Any:
    """`_rank`: a category's rank, anything else as it is (a category is one of its class's members)."""
    r = _CATEGORY_RANK.get(id(x))
    return x if r is None else r


# ops whose column is always a bool array when their type is bool (the others are checked: `_as_bool`)
_BOOL_OPS = frozenset({"and", "or", "present", "missing", "fired", "if", "fact"})


def _param_column(b: Batch, frame: Frame, name: str) -> tuple[Arr, Arr | None, Arr]:
    """A law parameter on every row's reference date, looked up once per stretch of dates it cannot change in:
    (the value per stretch, which of them are missing or None if none is, each base row's stretch).

    Why exact: whether an edition is in force, and whether its text was read, on a date `on` are
    comparisons of `on` with the edition's dates (`law.dated`), so the value can change only at an
    edition's first day, or the day after its last one; between two such days one lookup serves.
    The stretches of a frame's rows depend on the cuts alone (`_stretches`), so parameters with the same
    editions' days share them; a value is kept across batches by the stretch's number among its cuts."""
    uniq, ords, inv = b.dates(frame)
    cuts = b.cuts.get(name)
    if cuts is None and name not in b.cuts:
        cuts = b.cuts[name] = _param_cuts(b.rt.catalogue, name)
    memo = b.memo
    vals: list[Any] = []
    if cuts is None:  # a catalogue that does not list its editions: one lookup per date
        for d in uniq:
            k = (name, d)
            x = memo.get(k, memo)
            if x is memo:
                x = memo[k] = b.rt.param(name, d)
            vals.append(x)
        at = inv
    else:  # one lookup per stretch between two cuts present (kept across batches), spread to the rows in it
        present, first, at = _stretches(b, frame, cuts)
        for i, j in zip(present, first):
            k2 = (name, i)
            x = memo.get(k2, memo)
            if x is memo:
                x = memo[k2] = b.rt.param(name, uniq[j])
            vals.append(x)
    pm = np.fromiter([x is M for x in vals], dtype=bool, count=len(vals))
    return obj_array(vals, len(vals)), (pm if any_(pm) else None), at


def _stretches(b: Batch, frame: Frame, cuts: Arr) -> tuple[list[int], list[int], Arr]:
    """The stretches between `cuts` that a base frame's reference dates fall in (their numbers, sorted), a
    distinct date in each (the first: any one serves), and each row's position among them; once per batch
    per frame and distinct cuts (many parameters change on the same days, most never)."""
    key = ("stretches", frame.kind, cuts.tobytes())
    got = b.params.get(key)
    if got is None:
        uniq, ords, inv = b.dates(frame)
        iv = np.searchsorted(cuts, ords, side="right")  # each distinct date's stretch
        present, first, pos = np.unique(iv, return_index=True, return_inverse=True)
        got = b.params[key] = (present.tolist(), first.tolist(), pos[inv])
    return got


def _param_cuts(catalogue: Any, name: str) -> Arr | None:
    """The days (as ordinals) on which the parameter's value may change, sorted."""
    editions = getattr(catalogue, "param_editions", None)
    if editions is None:
        return None
    days: set[int] = set()
    for e in editions(name):
        for d in (getattr(e, "valid_from", None), getattr(e, "verified_from", None)):
            if d is not None:
                days.add(d.toordinal())
        for d in (getattr(e, "valid_to", None), getattr(e, "verified_until", None)):
            if d is not None:
                days.add(d.toordinal() + 1)
    return np.array(sorted(days), dtype=np.int64)


class _Const:
    """A constant's column: `v` on every row (truth values as a bool array).

    An object constant's column is a read-only view of one array of it, kept by this function and grown to
    the longest column asked for (at most `_CONST_KEEP` rows): a new object array is filled slot by slot,
    a view costs nothing.  Exact: the view holds the very object at every row, as a filled array does, and
    nothing writes into an operand's array (a write into the view would raise, not pass unseen).  The
    array lives as long as the compiled plan that holds this function.  `_strict` makes a constant
    operand's column only on the rows left at its end."""

    __slots__ = ("v", "arr")

    def __init__(self, v: Any):
        self.v = v
        self.arr = _NO_ROWS

    def __call__(self, b: Batch, f: Frame, rows: Arr) -> Col:
        return Col(self.array(len(rows)))

    def array(self, n: int) -> Arr:
        """The values of the column on n rows (what `__call__` holds: `_strict` needs no `Col` of them)."""
        v = self.v
        if v is True or v is False:
            return trues(n) if v else np.zeros(n, dtype=bool)
        if n > len(self.arr):
            if n > _CONST_KEEP:
                return const_array(v, n)
            arr = const_array(v, n)
            arr.flags.writeable = False
            self.arr = arr
        return self.arr[:n]


_NO_ROWS = np.empty(0, dtype=object)
_NO_ROWS.flags.writeable = False
_CONST_KEEP = 1 << 14  # rows: a chunk's frames are shorter; a longer column is made afresh, not kept


def _const_fn(v: Any) -> Fn:
    return _Const(v)


def _reduce(kind: str, body: Col, owner: Arr, lens: Arr, k: int) -> Col:
    """Each quantifier's value from its body's values, in element order (codegen `_quant`).

    `any`/`all` mark the rows (`owner`) of the elements that hit by assignment: a row is found if any
    of its elements hits, whichever of them is marked last."""
    bm = body.m  # None: no element is missing (then neither is any row)
    if kind in ("any", "all"):
        hit = kind == "any"
        v = body.v
        if v.dtype is _BOOL_DTYPE or v.dtype == bool:
            is_hit = v if hit else ~v
        else:
            is_hit = np.fromiter((x is hit for x in v), bool, len(v))
        if bm is not None:
            is_hit = is_hit & ~bm
        found = np.zeros(k, dtype=bool)
        found[owner[is_hit]] = True
        out = found if hit else ~found
        return Col(out) if bm is None else Col(out, (np.bincount(owner[bm], minlength=k) > 0) & ~found)
    if bm is None:
        bm = np.zeros(len(owner), dtype=bool)
    miss = np.bincount(owner[bm], minlength=k) > 0 if any_(bm) else np.zeros(k, dtype=bool)
    if kind == "count":
        v = body.v
        truth = v if v.dtype is _BOOL_DTYPE or v.dtype == bool else np.fromiter((bool(x) for x in v), bool, len(v))
        counts = np.bincount(owner[~bm & truth], minlength=k)
        return Col(obj_array((int(c) for c in counts), k), miss)
    # sum / max / min: in element order, per group
    out = np.empty(k, dtype=object)
    m = miss | (lens == 0)
    starts = np.concatenate(([0], np.cumsum(lens)[:-1])) if k else lens
    vals = body.v
    for j in where(~m):
        g = list(vals[starts[j]:starts[j] + lens[j]])
        if kind == "max":
            out[j] = max(g)
        elif kind == "min":
            out[j] = min(g)
        else:
            acc = g[0]
            for x in g[1:]:
                acc = acc + x
            out[j] = acc
    return Col(out, m)


def _plain_chain(n: Node) -> bool:
    """A chain of plain attributes from a root (no getter or method): its column is read on every row of its
    base frame at its first read of a batch anyway, so reading it there for a quantifier adds no work and
    raises nothing new."""
    while n.op == "member":
        if S.MEMBERS[n.data[0]][n.data[1]].attr is None:
            return False
        n = n.args[0]
    return n.op == "root"


def _flatten(dom: Col) -> tuple[Arr | None, Arr, Arr, Arr, bool] | None:
    """A quantifier's domain over a whole frame as (missing rows, lengths, first elements, elements);
    None if a present value is not a collection whose iteration gives `len` elements."""
    n = len(dom)
    vals = dom.v.tolist()
    if dom.m is not None:
        for i in where(dom.m).tolist():
            vals[i] = ()
    try:
        lens = np.fromiter(map(len, vals), dtype=np.int64, count=n)
        elems = list(chain.from_iterable(vals))
    except Exception:  # noqa: BLE001 - each call meets this on its own rows, as the row code would
        return None
    if len(elems) != int(lens.sum()):
        return None
    return dom.m, lens, lens.cumsum() - lens, obj_array(elems, len(elems)), False


def _qdiv(a: Any, c: Any) -> Any:
    return a.scale(Fraction(1) / Fraction(c))


# add_term's answers by (date, exact month count), one table per sign, kept for the process: a batch
# adds the same few terms (limitation periods, probation) to dates that repeat, and the calendar
# arithmetic is dear
def _add_term_memo(sign: int) -> Callable[[Any, Any], Any]:
    """`add_term(a, c, sign)`, remembered.  Exact: add_term reads only the date and `c.value`, and the key
    holds both exactly (a plain `date`; the value's numerator and denominator); anything else is computed."""
    def f(a: Any, c: Any) -> Any:
        v: Any = getattr(c, "value", None)
        if type(a) is not dt.date or type(v) not in (Fraction, int):
            return add_term(a, c, sign)
        key = (a, v.numerator, v.denominator)
        got = memo.get(key)
        if got is None:
            if len(memo) > 200_000:
                memo.clear()
            got = memo[key] = add_term(a, c, sign)
        return got
    memo = _ADD_TERM_MEMOS[sign]
    return f


_ADD_TERM_MEMOS: dict[int, dict[tuple[Any, ...], Any]] = {1: {}, -1: {}}  # shared with `_add_terms`


def _of_memo() -> Callable[[Any, Any], Any]:
    """`_of(k, y)` (`k of y`), remembered for the process by the exact operands.  Exact: for a Fraction or
    int `k` and a `Quantity` or `Term` `y`, `_of` is `y.scale(k)`, which reads `k`'s value (its numerator and
    denominator), `y.value` (a Fraction: numerator and denominator) and `y.unit` only; the key holds these,
    and the answer is an immutable value, so one object serves every row that asks.  Any other operands are
    computed as before.  A share (1/2, 2/3, 3/4) of a sanction's maximum repeats over a batch, and each
    computation is several Fraction operations and a new `Term`."""
    memo: dict[tuple[Any, ...], Any] = {}

    def f(k: Any, y: Any) -> Any:
        tk, ty = type(k), type(y)
        if (tk is not Fraction and tk is not int) or (ty is not Term and ty is not Quantity):
            return _of(k, y)
        v = y.value
        key = (k.numerator, k.denominator, y.unit, v.numerator, v.denominator)
        got = memo.get(key)
        if got is None:
            if len(memo) > 200_000:
                memo.clear()
            got = memo[key] = _of(k, y)
        return got
    return f


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": _div, "of": _of_memo(),
    "scale": lambda a, c: a.scale(c), "ratio": lambda a, c: a.ratio(c), "qdiv": _qdiv,
    "date+": _add_term_memo(1), "date-": _add_term_memo(-1),
}


_DATE_TYPE = frozenset({dt.date})


def _add_terms(sign: int) -> Op:
    """`date ± term` on a column: add_term's answers looked up for all rows at once, and computed only for the
    pairs not met before.  A column holds few distinct terms (a law's periods, a fact's terms) and many dates:
    the rows are grouped by the term object (numpy's `unique` of the ids), and each term's answers are a table
    by date, kept in `_add_term_memo`'s memo under the term's exact value, looked up by `map` (in C) with
    the dates alone (no key tuple made and hashed per row).  A column with many distinct terms for its rows
    (a pass over the rows per term would cost more) is looked up by one key per row (`by_row`).

    Why exact: add_term reads only the date and the term's value, and the tables are keyed by both exactly (a
    plain `date`, which equals only the dates of its day; the value's numerator and denominator).  Only when
    every row holds a plain `date` and each term is a `Quantity` or `Term` whose value is a plain Fraction;
    any other column, and any column on which add_term raises, is computed row by row as before (`_safe`:
    such a row's record is unsure)."""
    rowwise = _py(_ARITH["date+" if sign > 0 else "date-"], 2)
    memo = _ADD_TERM_MEMOS[sign]

    def run(b: Batch, frame: Frame, rows: Arr, cols: list[Arr]) -> Col:
        ld, lt = cols[0].tolist(), cols[1].tolist()
        n = len(ld)
        if not n or set(map(type, ld)) != _DATE_TYPE:
            return rowwise(b, frame, rows, cols)
        t0 = lt[0]
        if all(map(operator.is_, lt, repeat(t0))):  # one term on every row (most columns)
            firsts, inv = [0], None
        else:
            _, first, inv = np.unique(np.fromiter(map(id, lt), dtype=np.intp, count=n), return_index=True,
                                      return_inverse=True)
            firsts = first.tolist()
            if len(firsts) * 16 > n:  # many terms for the rows: one key per row, as `_add_term_memo` keys them
                return by_row(b, frame, rows, cols, ld, lt)
        out = np.empty(n, dtype=object)
        for u, i in enumerate(firsts):
            t = lt[i]
            v = getattr(t, "value", None)
            if type(t) not in _QUANTITY_TYPES or type(v) is not Fraction:
                return rowwise(b, frame, rows, cols)
            key = (_BY_TERM, v.numerator, v.denominator)  # no date: never a key of `_add_term_memo`'s own
            table = memo.get(key)
            if table is None or len(table) > 200_000:
                table = memo[key] = {}
            at = where(inv == u).tolist() if inv is not None else None
            dates = ld if at is None else list(map(ld.__getitem__, at))
            got = list(map(table.get, dates))
            if any(map(operator.is_, got, repeat(None))):
                try:
                    for j in compress(range(len(dates)), map(operator.is_, got, repeat(None))):
                        got[j] = table[dates[j]] = add_term(dates[j], t, sign)
                except Exception:  # noqa: BLE001 - the rows are computed as before, each raising one unsure
                    return rowwise(b, frame, rows, cols)
            if at is None:  # the one term's answers are the column
                return Col(obj_array(got, n))
            out[at] = obj_array(got, len(got))
        return Col(out)

    def by_row(b: Batch, frame: Frame, rows: Arr, cols: list[Arr], ld: list[Any], lt: list[Any]) -> Col:
        n = len(ld)
        if not set(map(type, lt)) <= _QUANTITY_TYPES:
            return rowwise(b, frame, rows, cols)
        vals = list(map(_VALUE, lt))
        if set(map(type, vals)) != _FRACTION_TYPE:
            return rowwise(b, frame, rows, cols)
        keys = list(zip(ld, map(_NUMER, vals), map(_DENOM, vals)))
        got = list(map(memo.get, keys))
        if None in got:
            if len(memo) > 200_000:
                memo.clear()
            try:
                for i in compress(range(n), map(operator.is_, got, repeat(None))):
                    got[i] = memo[keys[i]] = add_term(ld[i], lt[i], sign)
            except Exception:  # noqa: BLE001 - the rows are computed as before, each raising one unsure
                return rowwise(b, frame, rows, cols)
        return Col(obj_array(got, n))
    return run


_BY_TERM = object()  # `_add_terms`: marks a term's table of answers by date in `_add_term_memo`'s memo


# ---- rules


def _candidate_nodes(r: Any) -> Iterator[Node]:
    """Every IR node a rule's candidate evaluates: its `let`s, message (both languages), citations,
    actual and allowed values — what `BatchPlan.build` must give the row `Env` for."""
    stack: list[Any] = [lt.expr for lt in r.lets] + [p for p in r.message if not isinstance(p, str)] + \
        [p for p in r.message_kk or () if not isinstance(p, str)] + list(r.dynamic_cites) + [r.actual]
    if isinstance(r.allowed, list):
        stack += [x for _, x in r.allowed]
    else:
        stack.append(r.allowed)
    while stack:
        x = stack.pop()
        if x is None:
            continue
        yield x
        stack.extend(x.args)


def _build_facts(r: RuleDef, facts: dict[str, Any]) -> set[str]:
    """The facts a rule's candidate reads: in its `let`s, message, actual, allowed values, citations and
    listed facts (the row evaluator had them all computed; the batch computes these on the fired rows)."""
    out = {name for name in r.facts if name in facts}
    out.update(x.data for x in _candidate_nodes(r) if x.op in ("fact", "ofact"))
    return out


def _build_fired(r: Any) -> frozenset[str]:
    """The rules whose outcome a rule's candidate reads (`fired(…)` in its `let`s, message, actual,
    allowed values or citations): the only outcomes `BatchPlan.build` gives its `Env`."""
    return frozenset(x.data for x in _candidate_nodes(r) if x.op == "fired")


class BatchPlan:
    """A rule set compiled for batches: its rules' column functions, in plan order."""

    def __init__(self, facts: dict[str, Any], rules: dict[str, RuleDef], order: list[str], compiled: dict[str, Any]):
        c = self.comp = Compiler({k: f.scope for k, f in facts.items()}, {k: f.expr for k, f in facts.items()})
        # outcomes other rules read: every overriding rule (its applicability decides), and fired(R) targets
        self.keep_status = {r.id for r in rules.values() if r.overrides} | \
            {d for r in rules.values() for d in r.deps_rules} | {d for f in facts.values() for d in f.deps_rules}
        self.overridden_by: dict[str, list[str]] = {}
        for r in rules.values():
            for t in r.overrides:
                self.overridden_by.setdefault(t, []).append(r.id)
        for k in self.overridden_by:
            self.overridden_by[k].sort()
        self.build_facts = {rid: _build_facts(r, facts) for rid, r in rules.items()}
        for name in facts:  # compiled now, not at the first batch that reads them
            c.fact_fn(name)
        self._memo_of: Any = None
        self._memo: dict[tuple[str, Any], Any] = {}
        self._cuts: dict[str, Arr | None] = {}
        self._lookups: dict[tuple[Any, ...], Any] = {}
        self.rules: list[tuple[RuleDef, Any, dict[str, Fn], list[Fn], list[Fn], list[Fn], Fn]] = []
        for node in order:
            kind, name = node.split(":", 1)
            if kind != "rule":
                continue
            r = rules[name]
            sc = r.scope
            self.rules.append((r, compiled[name], {lt.name: c.node(lt.expr, sc) for lt in r.lets},
                               [c.node(x.expr, sc) for x in r.whens], [c.node(x.expr, sc) for x in r.needs],
                               [c.node(x.expr, sc) for x in r.unlesses], c.node(r.violation.expr, sc)))

    def run(self, b: Batch) -> None:
        """Decide every rule on the rows of the records still undecided, in plan order."""
        if self._memo_of is not b.rt.catalogue:  # law parameters by date, kept across batches of one catalogue
            self._memo_of, self._memo, self._cuts, self._lookups = b.rt.catalogue, {}, {}, {}
        if len(self._memo) > 1_000_000 or len(self._lookups) > 1_000_000:
            self._memo, self._lookups = {}, {}
        b.memo, b.cuts, b.lookups = self._memo, self._cuts, self._lookups
        self._catalogue_gaps(b)
        for r, cr, lets, whens, needs, unlesses, violation in self.rules:
            b.lets = lets
            self._decide(b, r, cr, whens, needs, unlesses, violation)

    def build(self, b: Batch, program: Any, todo: Arr) -> dict[int, list[tuple[tuple[int, str], Any]]]:
        """The candidates of the rules that fired on the records in `todo`, by the row evaluator's code.

        Each record gets a row `Env` holding the facts the row evaluator would have computed (taken from
        the batch's columns) and the outcomes other rules read; then `build_candidate` runs exactly as
        when the row evaluator fires a rule.  A record whose candidate cannot be built is left to the
        row evaluator (which reports the fault).

        Why only what the record's own fired rules read: building a candidate reads the facts of
        `build_facts` of its rule (an offence's fact on any offence of the record) and the outcomes of
        the rules its `fired(…)` names (`_build_fired`), nothing else of the `Env`.  So a fact is
        computed on the records whose fired rules read it (a fact's value on a row does not depend on
        which other rows are computed with it), and a record's `Env` holds those facts and outcomes.
        Should a fact be wanted that is not there, the lookup raises and the record goes to the row
        evaluator, as any record whose candidate cannot be built."""
        from .env import Env
        from .runtime import STATUS

        build_candidate = program.candidate_builder
        fired_of: dict[str, frozenset[str]] | None = self.__dict__.get("_fired_of")
        if fired_of is None:
            fired_of = {}
            self._fired_of = fired_of

        inst: dict[int, list[tuple[Any, Frame, int]]] = {}
        need: dict[str, Arr] = {}  # fact -> the records (of `todo`) whose fired rules read it
        for cr, frame, rows in b.fired:
            recs_of = frame.rec[rows]
            keep = todo[recs_of]
            if not keep.all():
                rows, recs_of = rows[keep], recs_of[keep]
                if not len(rows):
                    continue
            for r, j in zip(rows.tolist(), recs_of.tolist()):
                inst.setdefault(j, []).append((cr, frame, r))
            for name in self.build_facts[cr.d.id]:
                mark = need.get(name)
                if mark is None:
                    mark = need[name] = np.zeros(b.R.n, dtype=bool)
                mark[recs_of] = True
        rvals: dict[str, dict[int, Any]] = {}  # record fact -> record -> value
        ovals: dict[str, dict[int, Any]] = {}  # offence fact -> offence row -> value
        for name in sorted(need):
            on_o = self.comp.fact_scopes.get(name, "record") == "offence"
            mark = need[name]
            rows = where(mark[b.O.rec]) if on_o else where(mark)
            c = self.comp.fact_at(b, name, b.O if on_o else b.R, rows)
            vals = c.v.tolist()
            if c.m is not None:
                for k in where(c.m):
                    vals[k] = M
            (ovals if on_o else rvals)[name] = dict(zip(rows.tolist(), vals))
        kept = b.status
        assert b.O.objs is not None
        out: dict[int, list[tuple[tuple[int, str], Any]]] = {}
        for j in where(todo).tolist():
            if b.unsure[j]:
                continue
            v = b.verdicts[j]
            mine = inst.get(j, [])
            try:
                env = Env(v, b.rt, build_candidate)  # the batch's lookups: the same answers, asked once
                names: set[str] = set()
                reads: set[str] = set()
                for cr, _, _ in mine:
                    rid = cr.d.id
                    names |= self.build_facts[rid]
                    got_fired = fired_of.get(rid)
                    if got_fired is None:
                        got_fired = fired_of[rid] = _build_fired(cr.d)
                    reads |= got_fired
                env.facts = {name: rvals[name][j] for name in names if name in rvals}
                onames = [name for name in names if name in ovals]
                for o in v.offences:
                    ko = b.offrow[id(o)]
                    env.ofacts[id(o)] = {name: ovals[name][ko] for name in onames}
                for rid in reads:
                    st = kept.get(rid)
                    if st is None:
                        continue
                    kind, codes = st
                    if kind == "R":
                        env.outcomes[rid] = {None: STATUS[codes[j]]}
                    else:
                        env.outcomes[rid] = {o.id: STATUS[codes[b.offrow[id(o)]]] for o in v.offences}
                got = []
                for cr, frame, r in mine:
                    if frame is b.O:
                        o = b.O.objs[r]
                        env.offence, env.scope_key, env.ref_date, env.cur = o, o.id, o.committed_on, env.ofacts[id(o)]
                        pos = env.positions[o.id]
                    else:
                        env.offence, env.scope_key, env.ref_date, env.cur = None, None, env.latest, None
                        pos = -1
                    env.let_fns = cr.lets
                    env.lets = {}
                    got.append(((pos, cr.d.id), build_candidate(cr, env)))
                out[j] = got
            except Exception:  # noqa: BLE001 - the row evaluator builds it, or reports the fault
                b.unsure[j] = True
        return out

    def gap_coverage(self, b: Batch, program: Any, recs: Arr) -> dict[int, Any]:
        """The coverage of each record in `recs` (records with a gap, no doubt): the row evaluator's.

        Why it is the same: the row evaluator lists a record's gaps as it meets its undetermined rule
        instances — step by step, offence by offence within a run of offence steps (`program.rule_places`)
        — each by `Env.missing` or `Env.undetermined`, and then the offences the catalogue lacks
        (`Program._coverage`).  The batch noted every undetermined instance (`Batch.undet`); here they are
        put in that order and handed to the same `Env` methods, on the batch's runtime (the same lookups
        and law parameters), and the record's coverage is made by the same `_coverage`."""
        assert b.O.objs is not None
        places = program.driver_places()
        met: dict[int, list[tuple[tuple[int, int, int], Any, int, int]]] = {}
        for cr, frame, rows, k in b.undet:
            start, step = places[cr.d.id]
            on_o = frame is b.O
            for r, j in zip(rows.tolist(), frame.rec[rows].tolist()):
                if recs[j]:
                    pos = r - int(b.ostart[j]) if on_o else -1
                    met.setdefault(j, []).append(((start, pos, step), cr, r if on_o else -1, k))
        out: dict[int, Any] = {}
        for j in where(recs).tolist():
            v = b.verdicts[j]
            env = Env(v, b.rt, program.candidate_builder)
            # a rule instance is decided once: the keys are distinct, so the sort never compares the rules
            for _, cr, r, k in sorted(met.get(j, ()), key=lambda e: e[0]):
                if r >= 0:
                    o = b.O.objs[r]
                    env.offence, env.scope_key, env.ref_date = o, o.id, o.committed_on
                else:
                    env.offence, env.scope_key, env.ref_date = None, None, env.latest
                if k < 0:
                    env.missing(cr)
                else:
                    env.undetermined(cr, k)
            out[j] = program._coverage(env, v, None)
        return out

    def _catalogue_gaps(self, b: Batch) -> None:
        """Each offence's sanction looked up once per provision and date (kept across batches), into the
        batch's runtime as the row evaluator's runtime would hold it; an offence whose article, part or
        edition the catalogue lacks is a gap of its record."""
        rt = b.rt
        memo = self._lookups
        assert b.O.objs is not None
        bad = []
        for i, o in enumerate(b.O.objs):
            key = (o.article, o.part, o.paragraph, o.committed_on)
            lk = memo.get(key)
            if lk is None:
                lk = memo[key] = rt.catalogue.sanction(o.ref, o.committed_on)
            rt.lookups[id(o)] = lk
            rt._sanctions[id(o)] = lk.sanction if lk.status == "found" else None
            if lk.status != "found":
                bad.append(i)
        b.nosanction = np.zeros(b.O.n, dtype=bool)
        if bad:
            b.nosanction[bad] = True
            b.gap[b.O.rec[bad]] = True

    def _decide(self, b: Batch, r: RuleDef, cr: Any, whens: list[Fn], needs: list[Fn], unlesses: list[Fn],
                violation: Fn) -> None:
        frame = b.base_frame(r.scope)
        rec = frame.rec
        rows = b.live_rows(frame)
        status: Arr | None = None
        if r.id in self.keep_status:
            status = np.full(frame.n, _NOT_APPLICABLE, dtype=np.int8)
            b.status[r.id] = (frame.kind, status)

        def settle(idx: Arr, code: str) -> None:
            if status is not None and len(idx):
                status[idx] = CODE[code]

        # below, a clause that settles no row leaves `rows` as it is (no gather), and rows are gathered for
        # `status` only if another rule reads this one's outcomes
        if r.in_force is not None and len(rows):
            start, until, basis = r.in_force
            ords = b.ordinals("verdict" if basis == "verdict" else frame.kind)
            if ords is not None and type(start) is dt.date and (until is None or type(until) is dt.date):
                # plain dates compare as their day numbers: the same answer, without a Python call per row
                d = ords[rec[rows]] if basis == "verdict" else ords[rows]
                out = (d < start.toordinal()) if until is None else \
                    ((d < start.toordinal()) | (d >= until.toordinal()))
            else:
                if basis == "verdict":
                    assert b.R.objs is not None
                    dates = obj_array((v.verdict_date for v in b.R.objs), b.R.n)[rec[rows]]
                else:
                    assert frame.ref_date is not None
                    dates = frame.ref_date[rows]
                out = (dates < start) if until is None else ((dates < start) | (dates >= until))
                out = out.astype(bool)
            if any_(out):
                if status is not None:
                    status[rows[out]] = _NOT_IN_FORCE
                rows = rows[~out]
        mw: Arr | None = None  # rows where a `when`/`unless` lacked a value
        # a false `when` or a true `unless` settles the row; a missing value is noted and decides later
        for fns, stops_on, code in ((whens, False, _NOT_APPLICABLE), (unlesses, True, _EXCEPTED)):
            for fn in fns:
                if not len(rows):
                    return
                c = fn(b, frame, rows)
                if c.m is None and c.v.dtype is _BOOL_DTYPE and count_nonzero(c.v) == (0 if stops_on else len(rows)):
                    continue  # settles no row (`when` true, `unless` false everywhere) and misses none
                stop = c.v if stops_on else ~c.v
                if c.m is not None:
                    if mw is None:
                        mw = np.zeros(frame.n, dtype=bool)
                    mw[rows[c.m]] = True
                    stop = stop & ~c.m
                if any_(stop):
                    if status is not None:
                        status[rows[stop]] = code
                    rows = rows[~stop]
        by = self.overridden_by.get(r.id)
        if by and len(rows):
            rows = self._not_overridden(b, frame, rows, by, settle)
        for k, fn in enumerate(needs):
            if not len(rows):
                return
            c = fn(b, frame, rows)
            if c.m is not None and any_(c.m):  # undetermined (`Env.undetermined`): a gap
                und = rows[c.m]
                b.gap[rec[und]] = True
                b.undet.append((cr, frame, und, k))
                settle(und, T.UNDETERMINED)
                rows = rows[~c.m]
        if not len(rows):
            return
        if mw is not None:
            missed = mw[rows]
            if any_(missed):
                self._missing(b, cr, frame, rows[missed], settle)
                rows = rows[~missed]
                if not len(rows):
                    return
        c = violation(b, frame, rows)
        fired = c.v if c.m is None else (c.v & ~c.m)
        if any_(fired):
            b.fired.append((cr, frame, rows[fired]))
            settle(rows[fired], T.FIRED)
        if status is not None:
            status[rows[~c.v if c.m is None else (~c.v & ~c.m)]] = _PASSED
        if c.m is not None:
            self._missing(b, cr, frame, rows[c.m], settle)

    @staticmethod
    def _not_overridden(b: Batch, frame: Frame, rows: Arr, by: list[str],
                        settle: Callable[[Arr, str], None]) -> Arr:
        """The rows where no overriding rule applied (`Env.overridden`)."""
        hit = np.zeros(len(rows), dtype=bool)
        for s in by:
            st = b.status.get(s)
            if st is None:
                continue
            kind, codes = st
            if kind == frame.kind:
                got = codes[rows]
            elif kind == "R" and frame.kind == "O":
                got = codes[frame.rec[rows]]
            else:
                continue  # an offence rule has no outcome for the record as a whole
            hit |= np.isin(got, APPLICABLE_CODES)
        settle(rows[hit], T.OVERRIDDEN)
        return rows[~hit]

    @staticmethod
    def _missing(b: Batch, cr: Any, frame: Frame, missed: Arr, settle: Callable[[Arr, str], None]) -> None:
        """`Env.missing` on the rows in `missed`: a catalogue gap (undetermined) or simply missing.

        By columns, with `Env.missing`'s tests: a row is undetermined when the rule reads a sanction and
        its offence (for a record-level rule: any offence of its record) has none in the catalogue, or
        reads a law parameter that has no value on the row's reference date — the parameter's column,
        the one `law.…` reads (`_param_column`: `Runtime.param` on each date's stretch)."""
        gap = np.zeros(len(missed), dtype=bool)
        if cr.reads_sanction:
            bad = b.nosanction
            if bad is None:  # `_catalogue_gaps` did not run: each offence asked as `Env.missing` asks it
                rt = b.rt
                assert b.O.objs is not None
                for o in b.O.objs:
                    rt.sanction(o)
                bad = np.fromiter((rt.lookups[id(o)].status != "found" for o in b.O.objs), dtype=bool,
                                  count=b.O.n)
            if frame is b.O:
                gap |= bad[missed]
            else:
                per = np.zeros(b.R.n, dtype=bool)
                per[b.O.rec[bad]] = True
                gap |= per[frame.rec[missed]]
        for name in cr.law_params:
            key = (frame.kind, name)
            got = b.params.get(key)
            if got is None:
                got = b.params[key] = _param_column(b, frame, name)
            _, pm, at = got  # the value per stretch of dates, which are missing, each row's stretch
            if pm is not None:
                gap |= pm[at[missed]]
        if any_(gap):
            und = missed[gap]
            b.gap[frame.rec[und]] = True
            b.undet.append((cr, frame, und, -1))
            settle(und, T.UNDETERMINED)
            missed = missed[~gap]
        settle(missed, T.MISSING)


def evaluate_many(program: Any, plan: BatchPlan, verdicts: list[Any], marks: tuple[Any, Any] | None = None
                  ) -> list[Any]:
    """Every record's evaluation: decided by the batch, with the candidates of the rules that fired built and
    the gaps of a record with gaps listed by the row evaluator's own code; a record with a doubt is
    evaluated by the row evaluator.

    `marks` (`Program.evaluate_many(…, marked=True)`): (plain, warned), the program's two shared
    `CleanMark`s; a record the batch decided clean (nothing fired, no gap, no doubt) is handed back as one of
    them instead of an `Evaluation` — `warned` when an offence of it is dated after the program's edition,
    which is exactly when `Program.clean_coverage` would give it edition warnings."""
    out: list[Any] = [None] * len(verdicts)
    ok = [i for i, v in enumerate(verdicts) if v.offences]
    if ok:
        b = Batch([verdicts[i] for i in ok], program.catalogue)
        plan.run(b)
        fired = np.zeros(b.R.n, dtype=bool)
        for _, frame, rows in b.fired:
            fired[frame.rec[rows]] = True
        todo = fired & ~b.unsure
        built = plan.build(b, program, todo) if any_(todo) else {}
        left = b.unsure  # `build` may add records to it
        gapped = b.gap & ~left
        covs = plan.gap_coverage(b, program, gapped) if any_(gapped) else {}
        # the records the batch decided: each one's evaluation (a clean one's, or its mark)
        decided = ~left
        if marks is not None:
            clean = decided & ~fired & ~gapped
            if any_(clean):
                placed = np.full(len(verdicts), None, dtype=object)
                at = np.array(ok, dtype=np.int64)
                warned = _after_edition(b, program.edition)
                placed[at[clean & ~warned]] = marks[0]
                placed[at[clean & warned]] = marks[1]
                out = placed.tolist()
                decided &= ~clean
        fired_l = fired.tolist()
        gapped_l = gapped.tolist()
        for j in where(decided).tolist():
            i = ok[j]
            cands = [c for _, c in sorted(built[j], key=lambda kc: kc[0])] if fired_l[j] else []
            out[i] = Evaluation(cands, [], None, covs[j] if gapped_l[j] else program.clean_coverage(verdicts[i]))
        # a base frame is its own `basef`: a cycle, which would keep the batch's verdicts alive until the
        # cyclic collector finds it, and make that collection walk every container of the chunk (2 µs a record)
        b.R.basef = b.O.basef = None  # type: ignore[assignment]  # the batch is done: nothing reads them again
    return [ev if ev is not None else program.evaluate(v) for ev, v in zip(out, verdicts)]


def _after_edition(b: Batch, edition: Any) -> Arr:
    """Per record of the batch: has it an offence dated after `edition` (None: no edition, no record)?

    `Program._edition_warnings` warns of each offence whose `committed_on > edition`; the offences' dates
    are the O frame's reference dates, compared here as day numbers when every one is a plain `date`
    (the same order), else one by one as that method compares them."""
    out = np.zeros(b.R.n, dtype=bool)
    if edition is None or not b.O.n:
        return out
    ords = b.ordinals("O") if type(edition) is dt.date else None
    if ords is not None:
        after = ords > edition.toordinal()
    else:
        assert b.O.ref_date is not None
        after = np.fromiter((d > edition for d in b.O.ref_date), dtype=bool, count=b.O.n)
    out[b.O.rec[after]] = True
    return out
