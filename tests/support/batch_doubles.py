"""Stand-ins for the batch evaluator's `Batch` and frame, for testing one operation apart from a plan.

An operation reads only two things of them: the frame's record number per row (`rec`) and the
batch's `doubt(frame, rows)`, which marks those rows' records unsure (sent to the row evaluator).
"""

from __future__ import annotations

from typing import Any

import numpy as np


class FakeBatch:
    def __init__(self, n: int):
        self.unsure = np.zeros(n, dtype=bool)

    def doubt(self, frame: Any, rows: np.ndarray) -> None:
        self.unsure[frame.rec[rows]] = True


class FakeFrame:
    """A base frame whose row i is record i."""

    def __init__(self, n: int):
        self.rec = np.arange(n)
