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

from ._validation import check_number

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


def as_times(timestamps, name: str = "timestamps", ordered: bool = True) -> np.ndarray:
    """Timestamps as a 1-D array of numbers (float64) or datetimes (``datetime64[ns]``).

    Numbers (e.g. epoch seconds or point indices) stay numbers: read as datetimes
    they would be nanoseconds. ValueError unless non-empty, free of NaN / NaT and
    non-decreasing (a series in time order: NAB's rewards depend on it).
    """
    if timestamps is None:
        raise TypeError(f"{name} is None; expected one timestamp per point")
    values = np.asarray(timestamps)
    if values.ndim != 1 or values.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {values.shape}")
    if values.dtype.kind in "iuf":
        times = values.astype(np.float64)
        missing = ~np.isfinite(times)
    elif values.dtype.kind == "b":
        raise TypeError(f"{name} are booleans; expected datetimes or numbers")
    else:
        try:
            times = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]")
        except (ValueError, TypeError, OverflowError) as error:
            raise ValueError(f"{name} cannot be read as datetimes: {error}") from None
        missing = np.isnat(times)
    if missing.any():
        raise ValueError(f"{name}[{int(np.argmax(missing))}] is missing (NaN / NaT); every point needs a time")
    backwards = np.flatnonzero(times[1:] < times[:-1])
    if ordered and backwards.size:
        k = int(backwards[0]) + 1
        raise ValueError(f"{name} must be in time order: point {k} ({values[k]!r}) comes before point {k - 1} "
                         f"({values[k - 1]!r}); sort the series by time")
    return times


def in_time_order(timestamps, detections) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps (:func:`as_times`, order not required) and boolean detections (:func:`as_detections`),
    both sorted by time (stable: points with equal times keep their order). A series' rows may come out
    of order (one of NAB's own files has a point 55 min early); its score must not depend on that."""
    times = as_times(timestamps, ordered=False)
    detections = as_detections(detections, times.shape[0])
    order = np.argsort(times, kind="stable")
    return times[order], detections[order]


def scores_in_time_order(timestamps, scores, name: str = "scores") -> tuple[np.ndarray, np.ndarray]:
    """Timestamps and per-point anomaly scores (finite numbers, one per point), both sorted by time as in
    :func:`in_time_order`."""
    times = as_times(timestamps, ordered=False)
    values = np.asarray(scores, dtype=np.float64)
    if values.shape != times.shape or not np.isfinite(values).all():
        raise ValueError(f"{name} must be {times.shape[0]} finite numbers, one per point; got shape {values.shape}"
                         + ("" if values.shape != times.shape else " with NaN or infinity"))
    order = np.argsort(times, kind="stable")
    return times[order], values[order]


def _as_bound(value, times: np.ndarray, what: str):
    """A window bound in the units of ``times`` (a number for numeric timestamps, else a datetime)."""
    if times.dtype.kind == "f":
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{what} is {value!r}; the timestamps are numbers, so window bounds must be numbers")
        bound = float(value)
        if not np.isfinite(bound):
            raise ValueError(f"{what} is {value!r}; window bounds must be finite")
        return bound
    try:
        bound = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError(f"{what} ({value!r}) is not a datetime: {error}") from None
    if pd.isna(bound):
        raise ValueError(f"{what} is missing (NaT)")
    return np.datetime64(bound.as_unit("ns"))


def window_indices(timestamps, windows) -> list[tuple[int, int]]:
    """Windows ``[(start, end), ...]`` (timestamps, inclusive) as (first, last) point indices, in window order.

    ``timestamps`` as in :func:`as_times`. ValueError for a window that ends
    before it starts or that holds none of the points (a window partly outside
    the data keeps its points inside).
    """
    times = as_times(timestamps)
    if windows is None:
        raise TypeError("windows is None; expected a list of (start, end) pairs ([] for none)")
    spans = []
    for k, window in enumerate(windows):
        if np.ndim(window) != 1 or len(window) != 2:
            raise ValueError(f"window {k} is {window!r}; expected a (start, end) pair")
        start = _as_bound(window[0], times, f"window {k}'s start")
        end = _as_bound(window[1], times, f"window {k}'s end")
        if end < start:
            raise ValueError(f"window {k} ends ({window[1]!r}) before it starts ({window[0]!r})")
        first, stop = np.searchsorted(times, start, side="left"), np.searchsorted(times, end, side="right")
        if stop <= first:
            raise ValueError(f"window {k} ({window[0]!r} to {window[1]!r}) holds none of the series' points, "
                             f"which run from {times[0]} to {times[-1]}")
        spans.append((int(first), int(stop) - 1))
    return spans


def as_detections(detections, n_points: int) -> np.ndarray:
    """Boolean detections of ``n_points`` points; booleans, or numbers that are all 0 or 1.

    Anomaly scores are refused: a threshold turns them into detections (``scores >= threshold``).
    """
    if detections is None:
        raise TypeError("detections is None; expected one boolean per point")
    values = np.asarray(detections)
    if values.ndim != 1 or values.shape[0] != n_points:
        raise ValueError(f"detections have shape {values.shape}; expected one per point ({n_points},)")
    if values.dtype.kind == "b":
        return values
    if values.dtype.kind not in "iuf":
        raise TypeError(f"detections must be booleans, got dtype {values.dtype}")
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise ValueError("detections contain NaN; expected True / False at every point")
    if not np.isin(values, (0, 1)).all():
        raise ValueError("detections must be booleans (or 0 / 1), but hold other values: anomaly scores? "
                         "Threshold them first (scores >= threshold)")
    return values.astype(bool)


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
    timestamps : array-like of datetimes or numbers (n_points,)
        Rows out of time order are scored in time order, with their detections.
    windows : list of (start, end) timestamps
        Disjoint, each holding at least one point.
    profile : {"standard", "reward_low_FP_rate", "reward_low_FN_rate"}
    probation_percent : float in [0, 1]
        Share of the series (at most ``probation_percent * 5000`` points) not scored.

    Returns
    -------
    NABResult
        ``score`` is NAB's per-file raw score; ``null_score`` and
        ``perfect_score`` are the same series' raw scores of the null and
        perfect detectors, for :func:`normalised_score`.
    """
    times, detections = in_time_order(timestamps, detections)
    rules = scoring_rules(times, windows, profile, probation_percent)
    fired = np.flatnonzero(detections)
    fired = fired[fired >= rules.probation]
    outside = fired[rules.window_of[fired] < 0]
    inside = fired[rules.window_of[fired] >= 0]
    # Each window counts once, at its first detection (``inside`` is in time order).
    detected, first = np.unique(rules.window_of[inside], return_index=True)
    score = float(rules.reward[outside].sum() + rules.reward[inside[first]].sum())
    missed = rules.n_windows - detected.size
    return NABResult(score=score - rules.fn_weight * missed, null_score=rules.null_score,
                     perfect_score=rules.perfect_score, detected_windows=int(detected.size), missed_windows=int(missed),
                     false_positives=int(outside.size))


@dataclass
class ScoringRules:
    """NAB's rules for one series in time order: per point, the window it lies in (-1 outside) and the reward
    of a detection there (inside a window: the window's credit if it is the first detection; outside: the
    false positive's cost, negative); points before ``probation`` are not scored."""

    window_of: np.ndarray
    reward: np.ndarray
    spans: list[tuple[int, int]]
    probation: int
    fn_weight: float
    null_score: float
    perfect_score: float

    @property
    def n_windows(self) -> int:
        return len(self.spans)


def scoring_rules(times: np.ndarray, windows, profile: str = "standard",
                  probation_percent: float = PROBATION_PERCENT) -> ScoringRules:
    """The :class:`ScoringRules` of timestamps already in time order (:func:`in_time_order`) and their windows."""
    if not isinstance(profile, str) or profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {sorted(PROFILES)}")
    check_number("probation_percent", probation_percent, 0.0, high=1.0)
    tp_weight, fn_weight, fp_weight = PROFILES[profile]
    spans = sorted(window_indices(times, windows))
    for (_, last), (first, _) in zip(spans[:-1], spans[1:]):
        if first <= last:
            raise ValueError(f"windows overlap (points {first}-{last}): NAB counts each window once, so they must "
                             "be disjoint")
    n = times.shape[0]
    window_of = np.full(n, -1)
    reward = np.empty(n)
    for w, (first, last) in enumerate(spans):
        window_of[first : last + 1] = w
        position = np.arange(first, last + 1)
        # A detection at the window's first point earns the full tp_weight, one at its end nothing.
        reward[first : last + 1] = tp_weight * _scaled_sigmoids(-(last - position + 1) / (last - first + 1)) / MAX_TP
    outside = np.flatnonzero(window_of < 0)
    ends = np.array([last for _, last in spans], dtype=np.int64)
    widths = np.array([last - first + 1 for first, last in spans], dtype=np.int64)
    previous = np.searchsorted(ends, outside, side="left") - 1  # the latest window that ended before the point
    unweighted = np.full(outside.shape[0], -1.0)  # before any window: the full cost
    if spans:
        wide = (previous >= 0) & (widths[np.maximum(previous, 0)] > 1)
        k = previous[wide]
        unweighted[wide] = _scaled_sigmoids(np.abs(ends[k] - outside[wide]) / (widths[k] - 1))
    reward[outside] = fp_weight * unweighted
    return ScoringRules(window_of=window_of, reward=reward, spans=spans,
                        probation=probation_length(n, probation_percent), fn_weight=fn_weight,
                        null_score=-fn_weight * len(spans), perfect_score=tp_weight * len(spans))


def _scaled_sigmoids(positions: np.ndarray) -> np.ndarray:
    """:func:`scaled_sigmoid` of many positions."""
    with np.errstate(over="ignore"):
        values = 2.0 / (1.0 + np.exp(5.0 * positions)) - 1.0
    return np.where(positions > 3.0, -1.0, values)


def normalised_score(results: list[NABResult]) -> float:
    """NAB's final score of a detector over a corpus: 100 (raw - null) / (perfect - null), summed over series."""
    raw = sum(r.score for r in results)
    null = sum(r.null_score for r in results)
    perfect = sum(r.perfect_score for r in results)
    if perfect == null:
        raise ValueError("the corpus has no anomaly windows: the normalised NAB score is undefined")
    return 100.0 * (raw - null) / (perfect - null)
