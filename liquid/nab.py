"""The Numenta Anomaly Benchmark score (Lavin & Ahmad 2015), written from its published description.

Detections are the points whose anomaly score reaches a threshold; points of
the probationary period (the first 15% of a series, at most 750 points) are
not scored. Each labelled window counts once: the first detection inside it
earns ``tp_weight * sigma(y) / sigma(-1)``, where ``y`` in ``[-1, 0)`` is its
position relative to the window's end (the window's first point earns the
full ``tp_weight``) and ``sigma(y) = 2 / (1 + exp(5 y)) - 1``; a window without detection costs
``fn_weight``. A detection outside every window costs ``fp_weight`` times
``-sigma(y)``, with ``y`` its distance past the end of the previous window in
window lengths (a late detection just after a window costs little), or the
full ``fp_weight`` before any window. A detector's final score is normalised
over a whole corpus, ``100 (raw - null) / (perfect - null)``, against the null
detector (never detects: every window missed) and the perfect one (detects
every window at its first point).
"""
from __future__ import annotations

from dataclasses import dataclass
from math import exp, floor

import numpy as np
import pandas as pd

#: NAB's application profiles: (true-positive, false-negative, false-positive) weights.
PROFILES = {
    "standard": (1.0, 1.0, 0.11),
    "reward_low_FP_rate": (1.0, 1.0, 0.22),
    "reward_low_FN_rate": (1.0, 2.0, 0.11),
}
PROBATION_PERCENT = 0.15


def scaled_sigmoid(position: float) -> float:
    """NAB's reward curve: ~1 far before a window's end, 0 at its end, -> -1 after it (-1 beyond 3)."""
    if position > 3.0:
        return -1.0
    return 2.0 / (1.0 + exp(5.0 * position)) - 1.0


#: The reward of a detection at a window's first point, which NAB scales to ``tp_weight``.
MAX_TP = scaled_sigmoid(-1.0)


def probation_length(n_points: int, percent: float = PROBATION_PERCENT) -> int:
    """Points at the start of a series that are not scored: 15% of them, at most 750."""
    return int(min(floor(percent * n_points), percent * 5000))


def window_indices(timestamps, windows) -> list[tuple[int, int]]:
    """Windows ``[(start, end), ...]`` (timestamps, inclusive) as (first, last) point indices."""
    times = pd.to_datetime(pd.Series(timestamps)).to_numpy()
    spans = []
    for start, end in windows:
        inside = np.flatnonzero((times >= np.datetime64(pd.Timestamp(start))) & (times <= np.datetime64(pd.Timestamp(end))))
        if inside.size:
            spans.append((int(inside[0]), int(inside[-1])))
    return spans


@dataclass
class NABResult:
    """The NAB score of one series: ``score`` (raw) and its parts."""

    score: float
    null_score: float
    perfect_score: float
    detected_windows: int
    missed_windows: int
    false_positives: int


def nab_score(detections, timestamps, windows, profile: str = "standard",
              probation_percent: float = PROBATION_PERCENT) -> NABResult:
    """Raw NAB score of binary detections on one series.

    Parameters
    ----------
    detections : array of bool (n_points,)
        Whether the detector fired at each point (e.g. ``scores >= threshold``).
    timestamps : array-like of datetimes (n_points,)
    windows : list of (start, end) timestamps
    profile : {"standard", "reward_low_FP_rate", "reward_low_FN_rate"}

    Returns
    -------
    NABResult
        ``score`` is NAB's per-file raw score; ``null_score`` and
        ``perfect_score`` are the same series' raw scores of the null and
        perfect detectors, for :func:`normalised_score`.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {sorted(PROFILES)}")
    tp_weight, fn_weight, fp_weight = PROFILES[profile]
    detections = np.asarray(detections, dtype=bool)
    if detections.ndim != 1 or detections.shape[0] != len(timestamps):
        raise ValueError(f"{detections.shape} detections for {len(timestamps)} timestamps")
    spans = window_indices(timestamps, windows)
    probation = probation_length(detections.shape[0], probation_percent)
    window_of = np.full(detections.shape[0], -1)
    for w, (first, last) in enumerate(spans):
        window_of[first : last + 1] = w

    credited = np.full(len(spans), np.nan)  # the reward of each window's first detection
    score, false_positives = 0.0, 0
    previous = None  # (last index, width) of the latest window that ended before the current point
    for i in np.flatnonzero(detections):
        if i < probation:
            continue
        w = window_of[i]
        if w >= 0:
            if np.isnan(credited[w]):
                first, last = spans[w]
                width = last - first + 1
                credited[w] = tp_weight * scaled_sigmoid(-(last - i + 1) / width) / MAX_TP
            continue
        ended = [s for s in spans if s[1] < i]
        if ended:
            first, last = ended[-1]
            width = last - first + 1
            unweighted = scaled_sigmoid(abs(last - i) / (width - 1)) if width > 1 else -1.0
        else:
            unweighted = -1.0
        score += fp_weight * unweighted
        false_positives += 1
    detected = int(np.sum(~np.isnan(credited)))
    score += float(np.nansum(credited)) - fn_weight * (len(spans) - detected)
    perfect = tp_weight * len(spans)
    return NABResult(score=score, null_score=-fn_weight * len(spans), perfect_score=perfect,
                     detected_windows=detected, missed_windows=len(spans) - detected,
                     false_positives=false_positives)


def normalised_score(results: list[NABResult]) -> float:
    """NAB's final score of a detector over a corpus: 100 (raw - null) / (perfect - null), summed over series."""
    raw = sum(r.score for r in results)
    null = sum(r.null_score for r in results)
    perfect = sum(r.perfect_score for r in results)
    if perfect == null:
        raise ValueError("the corpus has no anomaly windows: the normalised NAB score is undefined")
    return 100.0 * (raw - null) / (perfect - null)
