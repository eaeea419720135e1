"""Pools of threads kept between calls, for kernels that release the GIL."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def thread_pool(n_threads: int) -> ThreadPoolExecutor:
    """A pool of ``n_threads`` kept for later calls: starting threads costs milliseconds, as much as
    simulating a short batch. Keyed by process id, since a forked child inherits no threads."""
    key = (os.getpid(), n_threads)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ThreadPoolExecutor(n_threads, thread_name_prefix="liquid")
        return _pools[key]
