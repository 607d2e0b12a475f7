"""A Dask task that kills its worker process the first time it runs (tests/test_cluster.py: a worker
dying mid-scan).  Module-level, so spawned Dask workers import it by name."""

from __future__ import annotations

import os

from legality.scan import cluster


def evaluate_partition_dying_once(pack, blob, spec, backend):
    """The first call anywhere (a marker file, `LEGALITY_TEST_DIE_ONCE`) ends its process at once, as the
    OOM killer would; every later call is the real task."""
    try:
        fd = os.open(os.environ["LEGALITY_TEST_DIE_ONCE"], os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return cluster.evaluate_partition(pack, blob, spec, backend)
    os.close(fd)
    os._exit(1)
