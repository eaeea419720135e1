"""One alarm threshold for a corpus and a NAB profile, chosen as NAB's optimiser chooses it.

A NAB entrant reports an anomaly score per point; a point is a detection when
its score reaches the threshold, and the entrant's threshold for each profile
is the one with the best normalised score over the labelled corpus. The
standard, reward_low_FP_rate and reward_low_FN_rate profiles weigh false
positives and misses differently, so they want different alarm rates.

The sweep is exact and evaluates every candidate threshold at once
(``threshold_curve``): with the series' rules in hand (``nab.scoring_rules``:
the reward of a detection at each point), the false positives' cost at a
threshold is a prefix sum of the outside points sorted by score, and a window's
credit is the reward at its first point whose running maximum reaches the
threshold, both found by binary search: ``O(n log n + T (W + 1) log n)`` for
``n`` points, ``W`` windows and ``T`` thresholds, against ``O(T n)`` detections
scored one by one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .nab import PROBATION_PERCENT, scores_in_time_order, scoring_rules

#: Most candidate thresholds swept: all distinct scores up to this many, else this many quantiles of them.
MAX_THRESHOLDS = 100_000


@dataclass
class ThresholdChoice:
    """The chosen threshold, its normalised NAB score (0 = the null detector, 100 = perfect), and the
    score of every candidate (``thresholds`` ascending, ``scores`` alike)."""

    threshold: float
    score: float
    thresholds: np.ndarray
    scores: np.ndarray


def threshold_curve(anomaly_scores, timestamps, windows, thresholds: np.ndarray, profile: str = "standard",
                    probation_percent: float = PROBATION_PERCENT) -> tuple[np.ndarray, float, float]:
    """Raw NAB score of one series at every threshold (detections: ``anomaly_scores >= threshold``), with
    the series' null and perfect scores: ``(raw (len(thresholds),), null, perfect)``."""
    times, values = scores_in_time_order(timestamps, anomaly_scores, "anomaly scores")
    rules = scoring_rules(times, windows, profile, probation_percent)
    scored = np.arange(values.shape[0]) >= rules.probation
    # False positives: the outside points at or above a threshold, the highest scores first.
    outside = np.flatnonzero(scored & (rules.window_of < 0))
    by_score = outside[np.argsort(-values[outside], kind="stable")]
    costs = np.concatenate([[0.0], np.cumsum(rules.reward[by_score])])
    raw = costs[np.searchsorted(-values[by_score], -thresholds, side="right")]
    for first, last in rules.spans:
        first = max(first, rules.probation)
        if first > last:  # inside the probation: NAB counts it missed, as nab_score does
            raw -= rules.fn_weight
            continue
        running = np.maximum.accumulate(values[first : last + 1])
        hit = np.searchsorted(running, thresholds, side="left")  # the first point reaching the threshold
        credit = rules.reward[first : last + 1][np.minimum(hit, last - first)]
        raw += np.where(hit <= last - first, credit, -rules.fn_weight)
    return raw, rules.null_score, rules.perfect_score


def optimise_threshold(anomaly_scores: list, timestamps: list, windows: list, profile: str = "standard",
                       probation_percent: float = PROBATION_PERCENT) -> ThresholdChoice:
    """The threshold with the best normalised NAB score over a labelled corpus, as NAB's optimiser sets
    one per profile for each detector (ties: the highest threshold, the fewest alarms).

    Parameters
    ----------
    anomaly_scores : list of arrays (n_points_i,)
        Per series, the detector's score at every point (higher = more anomalous).
    timestamps : list of array-likes (n_points_i,)
    windows : list of lists of (start, end)
        Per series, its labelled windows (as :func:`liquid.nab.nab_score` takes them).
    profile : {"standard", "reward_low_FP_rate", "reward_low_FN_rate"}
    probation_percent : float in [0, 1]

    Returns
    -------
    ThresholdChoice
    """
    if not (len(anomaly_scores) == len(timestamps) == len(windows)) or not len(anomaly_scores):
        raise ValueError(f"give one array of scores, timestamps and windows per series: got {len(anomaly_scores)}, "
                         f"{len(timestamps)} and {len(windows)}")
    pooled = np.concatenate([np.asarray(s, dtype=np.float64).ravel() for s in anomaly_scores])
    if not np.isfinite(pooled).all():
        raise ValueError("anomaly scores must be finite")
    candidates = np.unique(pooled)
    if candidates.size > MAX_THRESHOLDS:
        candidates = np.unique(np.quantile(candidates, np.linspace(0.0, 1.0, MAX_THRESHOLDS)))
    raw = np.zeros(candidates.size)
    null = perfect = 0.0
    for scores, times, series_windows in zip(anomaly_scores, timestamps, windows):
        series_raw, series_null, series_perfect = threshold_curve(scores, times, series_windows, candidates, profile,
                                                                  probation_percent)
        raw += series_raw
        null += series_null
        perfect += series_perfect
    if perfect == null:
        raise ValueError("the corpus has no anomaly windows: no threshold can be chosen by NAB's score")
    normalised = 100.0 * (raw - null) / (perfect - null)
    best = int(np.flatnonzero(normalised == normalised.max())[-1])
    return ThresholdChoice(threshold=float(candidates[best]), score=float(normalised[best]), thresholds=candidates,
                           scores=normalised)
