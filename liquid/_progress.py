"""Progress lines on stderr for long runs (``verbose`` on the estimators and detectors)."""
from __future__ import annotations

import sys
import time


class Progress:
    """Counts work done and prints ``liquid: {done}/{total} {what} in {s} s ({rate}/s)``.

    At most one line every ``interval`` seconds, and always the line that reaches ``total``;
    nothing at all when ``verbose`` is 0.
    """

    def __init__(self, verbose: int, total: int, what: str, interval: float = 2.0):
        self.verbose = verbose
        self.total = total
        self.what = what
        self.interval = interval
        self.done = 0
        self.started = self.last = time.perf_counter()

    def advance(self, n: int) -> None:
        self.done += n
        if not self.verbose:
            return
        now = time.perf_counter()
        if now - self.last >= self.interval or self.done >= self.total:
            self.last = now
            elapsed = now - self.started
            print(f"liquid: {self.done:,}/{self.total:,} {self.what} in {elapsed:.1f} s "
                  f"({self.done / max(elapsed, 1e-9):,.0f}/s)", file=sys.stderr, flush=True)
