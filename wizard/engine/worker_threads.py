"""Worker threads that leave Ctrl-C to the main thread.

The kernel delivers a process-directed SIGINT to any thread that does not block it. When a probe
thread got it, the main thread (waiting on the probes, with no timeout) was not woken, so Ctrl-C
went unanswered until the probe ended; and the probe's own `cancel.wait(...)` returned early as if
its time were up (seen as a flaky test on a loaded machine). Blocking the signals in every worker
makes the main thread the one that receives them; and since a thread we do not own (a library's,
a test's) may still take one, the main thread never waits without a timeout: it wakes every
`_POLL` seconds, which is when Python runs a pending signal handler.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
_POLL = 0.1

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


def map_interruptibly(
    pool: ThreadPoolExecutor, fn: Callable[[T], R], items: Iterable[T]
) -> Iterator[R]:
    """`pool.map(fn, items)`, results in order, but waiting in short slices so that Ctrl-C
    interrupts the wait within `_POLL` seconds whichever thread the kernel gave the signal."""
    futures = [pool.submit(fn, item) for item in items]
    pending = set(futures)
    try:
        while pending:
            _, pending = wait(pending, timeout=_POLL)
        for future in futures:
            yield future.result()
    finally:
        for future in futures:
            future.cancel()
