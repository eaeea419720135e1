"""Bounds on what a configuration may ask of the kernels, checked before anything runs.

numba does not bounds-check, so every ms -> step conversion is bounded here, and
the memory a configuration needs is estimated (and refused when absurd) before
a network is drawn or a batch is simulated.
"""
from __future__ import annotations

import os
import warnings
from math import isfinite

#: Largest mean synaptic or input weight (mV).
MAX_WEIGHT_MV = 1e6
#: Longest synaptic delay, in steps (the spike queue holds this many future steps).
MAX_DELAY_STEPS = 10_000
#: Longest refractory period, in steps.
MAX_REFRACTORY_STEPS = 1_000_000
#: Most integration steps per input frame (100 s of simulated time at dt = 1 ms).
MAX_STEPS_PER_FRAME = 100_000
#: Estimated memory (bytes) above which a configuration is refused / warned about.
WARN_BYTES = 2 * 2**30


class LiquidResourceWarning(UserWarning):
    """A configuration will need a lot of memory or time."""


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return 16 * 2**30


def ms_to_steps(name: str, ms: float, dt: float, *, maximum: int, minimum: int = 0) -> int:
    """``ms / dt`` rounded to whole steps, refused outside ``[minimum, maximum]`` steps."""
    steps = ms / dt
    if not isfinite(steps) or steps > maximum + 0.5:
        raise ValueError(
            f"{name}={ms!r} ms is {steps:.3g} steps of dt={dt!r} ms; at most {maximum} steps "
            f"({maximum * dt:g} ms) are supported"
        )
    return max(minimum, int(round(steps)))


def check_memory(what: str, n_bytes: float) -> None:
    """Refuse a job estimated to need more memory than the machine has; warn above WARN_BYTES."""
    limit = 0.8 * _physical_memory()
    if n_bytes > limit:
        raise MemoryError(
            f"{what} would need about {n_bytes / 2**30:.1f} GiB, more than this machine's "
            f"{limit / 2**30:.1f} GiB usable memory: reduce it"
        )
    if n_bytes > WARN_BYTES:
        warnings.warn(f"{what} will need about {n_bytes / 2**30:.1f} GiB of memory", LiquidResourceWarning, stacklevel=3)
