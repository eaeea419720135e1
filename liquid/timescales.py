"""Time scales: the same liquid reads a sequence at several temporal resolutions.

A liquid remembers tens of milliseconds, a few input frames; on a gesture of
hundreds of timesteps its features see each moment with little of its
context. Coarser views of the sequence, block means of ``k`` consecutive
timesteps, put ``k`` times more of the series inside that memory, as
MiniRocket's dilated kernels see a series at several scales. A sequence too
short for blocks (a spoken vowel of 15 frames, a pen stroke of 8, held tens of
ms per frame so that they last 300 ms) is played ``k`` times faster instead:
each frame held ``k`` times fewer steps. Each view is simulated through the
same liquid and its features are concatenated; the cost is ``1 + 1/k + ...``
times one simulation, and as many feature blocks as scales.
"""
from __future__ import annotations

import numpy as np

#: Coarsest block accepted (timesteps).
MAX_TIME_SCALE = 100_000
#: A coarse view is read only when the median training sequence keeps at least this many of its
#: blocks: fewer blocks than the features' readout points and bins repeat the finer views' content.
MIN_BLOCKS = 4
#: A view played faster (``plan_time_scales``) is read only when the median training sequence lasts at
#: least this long (ms) in it: as long as ``MIN_BLOCKS`` blocks of 10 ms, the shortest coarse view read
#: at the default frame duration.
MIN_FAST_VIEW_MS = 40.0


def strip_padding(sequence: np.ndarray) -> np.ndarray:
    """``sequence`` (n_timesteps, n_channels) without the trailing frames that repeat its last frame
    exactly, but the first of them: where a series padded to a common length (with its last value, or
    with zeros after a zero) ended. A sequence constant throughout has no end to find and stays whole."""
    differs = np.flatnonzero(np.any(sequence != sequence[-1], axis=1))
    return sequence[: differs[-1] + 2] if differs.size else sequence


def check_time_scales(time_scales) -> tuple[int, ...]:
    """The scales as a tuple of distinct positive ints; ValueError naming the problem otherwise."""
    if isinstance(time_scales, (int, np.integer)) and not isinstance(time_scales, bool):
        time_scales = (time_scales,)
    if isinstance(time_scales, (str, bytes)) or not hasattr(time_scales, "__iter__"):
        raise ValueError(f"time_scales must be a sequence of positive integers (timesteps per block), "
                         f"got {time_scales!r}")
    scales = tuple(time_scales)
    if not scales:
        raise ValueError("time_scales must hold at least one scale, e.g. (1,)")
    for scale in scales:
        if isinstance(scale, (bool, np.bool_)) or not isinstance(scale, (int, np.integer)):
            raise ValueError(f"time_scales must hold positive integers (timesteps per block), got {scale!r}")
        if not 1 <= scale <= MAX_TIME_SCALE:
            raise ValueError(f"time_scales must be between 1 and {MAX_TIME_SCALE} timesteps, got {scale}")
    if len(set(scales)) != len(scales):
        raise ValueError(f"time_scales must be distinct, got {scales}")
    return tuple(int(scale) for scale in scales)


def plan_time_scales(time_scales: tuple[int, ...], lengths, steps_per_frame: int,
                     dt: float) -> tuple[tuple[int, int, int], ...]:
    """How each time scale worth reading is read on sequences of these lengths (timesteps), held
    ``steps_per_frame`` steps of ``dt`` ms per timestep: ``(scale, block, steps)``, the view of block
    means of ``block`` timesteps, each held ``steps`` steps.

    Scale ``k`` puts ``k`` timesteps of the series into the time the finest scale gives one. The finest
    is always read; a coarser one as block means of ``k`` timesteps when the median sequence holds at
    least ``MIN_BLOCKS`` of them (as MiniRocket's largest dilation follows the series length), else, on
    sequences too short for that, by playing the finest view about ``k`` times faster (each timestep held
    ``steps_per_frame * finest // k`` steps) when the median sequence still lasts ``MIN_FAST_VIEW_MS``
    at that speed and no scale before it gave the same view.
    """
    median_length = float(np.median(lengths))
    finest = min(time_scales)
    plan = []
    for scale in time_scales:
        fast_steps = steps_per_frame * finest // scale
        if scale == finest or median_length >= MIN_BLOCKS * scale:
            plan.append((scale, scale, steps_per_frame))
        elif (fast_steps >= 1 and median_length / finest * fast_steps * dt >= MIN_FAST_VIEW_MS
              and (finest, fast_steps) not in [(block, steps) for _, block, steps in plan]):
            plan.append((scale, finest, fast_steps))
    return tuple(plan)


def coarsen(sequence: np.ndarray, scale: int) -> np.ndarray:
    """Block means of ``scale`` consecutive timesteps of a (n_timesteps, n_channels) sequence; a
    last, shorter block is the mean of the timesteps it has."""
    if scale == 1:
        return sequence
    n_timesteps = sequence.shape[0]
    starts = np.arange(0, n_timesteps, scale)
    sums = np.add.reduceat(sequence, starts, axis=0)
    sizes = np.diff(np.append(starts, n_timesteps))
    return sums / sizes[:, None]
