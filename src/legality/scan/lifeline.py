"""Worker processes end with the scan that started them.

Why: a forked worker keeps the write end of its own task queue, so it never sees EOF when the
parent is killed with SIGKILL (cron's timeout, the OOM killer, an operator's `kill -9`).  Orphans
then live for many minutes, holding memory, the store's files and — worst — the stderr pipe, so
whoever reads the job's output (cron mail, a CI runner) hangs until they are found and killed.

On Linux the kernel sends SIGKILL to the worker when its parent dies (`PR_SET_PDEATHSIG`); SIGKILL
rather than SIGTERM because a forked worker inherits the scan's Python signal handlers, and a worker
has nothing to clean up (only the main process writes).  Elsewhere, and if `prctl` is unavailable,
a daemon thread notices the new parent within a second.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 1.0


def die_with_parent(parent_pid: int | None) -> None:
    """Call first thing in a worker; `parent_pid` is the scan's pid as the parent saw it."""
    if parent_pid is None:
        return
    if not _pdeathsig():
        _watch(parent_pid)
    # the parent may have died before the signal was armed: then nobody will send it
    if os.getppid() != parent_pid:
        os._exit(1)


def _pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here, not at the top: only a worker process arms the signal, and ctypes costs every start
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    def poll() -> None:
        while os.getppid() == parent_pid:
            time.sleep(POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=poll, name="legality-parent-watch", daemon=True).start()
