"""Worker threads that leave Ctrl-C to the main thread.

The kernel delivers a process-directed SIGINT to any thread that does not block it. When a probe
thread got it, the main thread (waiting on the probes, with no timeout) was not woken, so Ctrl-C
went unanswered until the probe ended; and the probe's own `cancel.wait(...)` returned early as if
its time were up (seen as a flaky test on a loaded machine). Blocking the signals in every worker
makes the main thread the one that receives them, at once.
"""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

_LEFT_TO_MAIN = {signal.SIGINT, signal.SIGTERM}


def leave_signals_to_main() -> None:
    """Block SIGINT/SIGTERM in the calling thread (a no-op where threads cannot mask signals)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, _LEFT_TO_MAIN)


def worker_pool(max_workers: int, prefix: str) -> ThreadPoolExecutor:
    """A thread pool whose threads never take Ctrl-C from the main thread."""
    return ThreadPoolExecutor(
        max_workers=max_workers, thread_name_prefix=prefix, initializer=leave_signals_to_main
    )
