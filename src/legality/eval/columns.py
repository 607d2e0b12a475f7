"""Frames and columns of the batch evaluator: a batch of records laid out as tables.

Why numpy arrays of Python objects, and bool arrays for truth values: every value a rule computes
with — an exact `Fraction`, a `Term`, a `Quantity` with its unit, a date, an enum member, a set of
codes — stays the very object the row evaluator computes with, and every comparison or sum is the
same Python operation on it (numpy calls it element by element, in C), so the two evaluators cannot
disagree on arithmetic, rounding or order (a term of 2/3 of a maximum is exact in both).  Truth
values, which most nodes of a rule set are (conditions, `and`/`or`, `when`), are plain bool arrays,
and the row numbers a node is evaluated on are int arrays: selecting the rows a clause still needs,
and gathering a fact or a record's field for them, is numpy indexing, not Python loops.

A frame is a table of rows: the records of the batch (`R`), all their offences (`O`), or the
elements a quantifier ranges over (`Q`: one row per element, pointing to the row it came from).
Every row knows its record (`rec`) and its row in the base frame (`R` or `O`) whose scope it
belongs to, so a fact, a `let` or a law parameter read inside a quantifier is read at the base row.
A quantifier over a record's `offences` ranges over rows of `O` itself (the very offence objects, in
the same order), so its frame also knows each element's `O` row (`orow`): `o.sentence.principal.kind`
inside it is the `O` column of `offence.sentence.principal.kind`, read once per batch, not per element.
A column is the values at a list of rows (`v`) and which of them are missing (`m`, None: none).
"""

from __future__ import annotations

from itertools import repeat
from operator import is_
from typing import Any, Iterable

import numpy as np

from .runtime import MISSING

try:  # the C function itself: `np.count_nonzero` and `ndarray.any` add a Python layer that costs more
    from numpy._core.multiarray import count_nonzero as count_nonzero  # than a node's work on a small batch
except ImportError:  # numpy < 2
    from numpy.core.multiarray import count_nonzero as count_nonzero  # type: ignore[no-redef]

M = MISSING
IntArr = np.ndarray
EMPTY = np.zeros(0, dtype=np.int64)


def any_(a: np.ndarray) -> bool:
    """Whether any element of a bool array is true (`a.any()`, without numpy's Python wrapper)."""
    return bool(count_nonzero(a))


def nnz(a: np.ndarray) -> int:
    """How many elements of a bool array are true (`np.count_nonzero`, without its wrapper)."""
    return int(count_nonzero(a))


def all_(a: np.ndarray) -> bool:
    """Whether every element of a bool array is true (`a.all()`)."""
    return bool(count_nonzero(a) == len(a))


def trues(n: int) -> np.ndarray:
    """A bool array of n true values (`np.ones`, which is Python code)."""
    a = np.empty(n, dtype=bool)
    a.fill(True)
    return a


def where(a: np.ndarray) -> np.ndarray:
    """The positions of the true elements of a 1-d bool array (`np.flatnonzero`, without its wrappers)."""
    return a.nonzero()[0]


def obj_array(values: Iterable[Any], n: int) -> np.ndarray:
    """An object array holding each value as it is (a list stays one element, never a row of them)."""
    return np.fromiter(values, dtype=object, count=n)


def const_array(value: Any, n: int) -> np.ndarray:
    a = np.empty(n, dtype=object)
    a.fill(value)
    return a


class Col:
    """Values at some rows (`v`: an object or bool array) and which are missing (`m`: bool array or None)."""

    __slots__ = ("v", "m")

    def __init__(self, v: np.ndarray, m: np.ndarray | None = None):
        self.v = v
        self.m = m if m is not None and count_nonzero(m) else None

    def __len__(self) -> int:
        return len(self.v)

    def take(self, idx: np.ndarray) -> "Col":
        return Col(self.v[idx], None if self.m is None else self.m[idx])

    @staticmethod
    def missing(n: int, dtype: Any = object) -> "Col":
        return Col(np.zeros(n, dtype=dtype) if dtype is bool else np.empty(n, dtype=object), trues(n))

    @staticmethod
    def scatter(n: int, pos: np.ndarray, sub: "Col") -> "Col":
        """A column of n rows: `sub` at positions `pos`, missing elsewhere."""
        if len(pos) == n:
            return sub
        v = np.zeros(n, dtype=bool) if sub.v.dtype == bool else np.empty(n, dtype=object)
        v[pos] = sub.v
        m = trues(n)
        m[pos] = False if sub.m is None else sub.m
        return Col(v, m)

    def present(self) -> np.ndarray:
        """Positions of the values that are not missing."""
        return np.arange(len(self.v)) if self.m is None else where(~self.m)


def none_missing(v: np.ndarray) -> Col:
    """An object array whose None values are missing (a getter's "no value")."""
    if v.dtype != object or not len(v):
        return Col(v)
    return Col(v, none_mask(v.tolist()))


def none_missing_list(vals: list[Any]) -> Col:
    """`none_missing` of the values of a list (an attribute read over a column), made an object array."""
    return Col(obj_array(vals, len(vals)), none_mask(vals))


def none_mask(vals: list[Any]) -> np.ndarray | None:
    """Which values are None (`is None`: by identity, never `__eq__`), or None if none is.

    C-level passes (`map` of `operator.is_`) instead of a Python comprehension: most columns hold no None
    (a required field), and for those one `any` over the map decides it without building the mask."""
    if not any(map(is_, vals, repeat(None))):
        return None
    return np.fromiter(map(is_, vals, repeat(None)), bool, len(vals))


class Frame:
    """A table of rows: the records (`R`), the offences (`O`), a quantifier's elements (`Q`), or all the
    elements of a domain flattened over a batch (`D`: where their members are read once per batch)."""

    __slots__ = ("kind", "n", "rec", "base", "basef", "parent", "pidx", "var", "vals", "objs", "ref_date", "orow")

    def __init__(self, kind: str, n: int, rec: np.ndarray, base: np.ndarray | None = None,
                 basef: "Frame | None" = None, parent: "Frame | None" = None, pidx: np.ndarray | None = None,
                 var: str | None = None, vals: np.ndarray | None = None, objs: np.ndarray | None = None,
                 ref_date: np.ndarray | None = None, orow: np.ndarray | None = None):
        self.kind = kind
        self.n = n
        self.rec = rec
        self.base = base if base is not None else np.arange(n)
        self.basef = basef if basef is not None else self
        self.parent = parent
        self.pidx = pidx if pidx is not None else EMPTY
        self.var = var
        self.vals = vals
        self.objs = objs            # R: the verdicts; O: the offences
        self.ref_date = ref_date    # base frames: the date law parameters are read on
        self.orow = orow            # Q frames over a domain flattened per batch: each element's position in it
        #                             (over a record's offences: its row in O)

    def child(self, var: str, pidx: np.ndarray, vals: np.ndarray, orow: np.ndarray | None = None) -> "Frame":
        """The frame of a quantifier over this one: one row per element, `pidx` its row here."""
        return Frame("Q", len(pidx), self.rec[pidx], self.base[pidx], self.basef, self, pidx, var, vals, orow=orow)

    def lookup_var(self, name: str, rows: np.ndarray) -> np.ndarray | None:
        """The values of quantifier variable `name` at `rows` (None: not bound here or above)."""
        f: Frame | None = self
        idx = rows
        while f is not None and f.kind == "Q":
            if f.var == name:
                assert f.vals is not None
                out: np.ndarray = f.vals[idx]
                return out
            idx = f.pidx[idx]
            f = f.parent
        return None

    def lookup_orow(self, name: str, rows: np.ndarray) -> np.ndarray | None:
        """Where the elements of quantifier variable `name` at `rows` lie in its domain flattened per batch — over
        offences, their `O` rows (None: not bound, or not over such a domain)."""
        f: Frame | None = self
        idx = rows
        while f is not None and f.kind == "Q":
            if f.var == name:
                return None if f.orow is None else f.orow[idx]
            idx = f.pidx[idx]
            f = f.parent
        return None
