"""Evaluation of anomaly detection against labelled windows (NAB's ``combined_windows.json`` format)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from .nab import as_times, in_time_order, scores_in_time_order, window_indices


def load_windows(path: str | os.PathLike, series: str) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Anomaly windows of one series from a NAB-style JSON file ``{"dir/file.csv": [[start, end], ...]}``.

    ``series`` is the key (e.g. ``"realKnownCause/nyc_taxi.csv"``) or just the file name.
    """
    with open(path, encoding="utf-8") as handle:
        try:
            table = json.load(handle)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not valid JSON: {error}") from None
    matches = [key for key in table if key == series or Path(key).name == Path(series).name]
    if not matches:
        raise KeyError(f"no windows for {series!r} in {path}")
    return [(pd.Timestamp(start), pd.Timestamp(end)) for start, end in table[matches[0]]]


def window_labels(timestamps, windows) -> np.ndarray:
    """Boolean per point: inside one of the windows (inclusive; validated as in :func:`liquid.nab.window_indices`)."""
    times = as_times(timestamps)
    inside = np.zeros(times.shape[0], dtype=bool)
    for first, last in window_indices(times, windows):
        inside[first : last + 1] = True
    return inside


def _events(flags: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive flagged points as (first, last) indices."""
    padded = np.concatenate([[False], flags, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2] - 1))


def window_scores(flags, timestamps, windows) -> dict[str, float]:
    """Window-level detection quality.

    A window counts as detected when at least one flagged point falls in it;
    every run of consecutive flagged points entirely outside the windows is
    one false alarm. Precision = detected / (detected + false alarms),
    recall = detected / windows, F1 their harmonic mean. With no windows and
    no false alarms, precision, recall and F1 are 1. ``flags`` are booleans
    (as :func:`liquid.nab.as_detections` takes them), ``windows`` as in
    :func:`liquid.nab.window_indices`; rows out of time order are scored in
    time order.
    """
    times, flags = in_time_order(timestamps, flags)
    spans = window_indices(times, windows)
    inside_any = np.zeros(flags.shape[0], dtype=bool)
    for first, last in spans:
        inside_any[first : last + 1] = True
    detected = sum(bool(flags[first : last + 1].any()) for first, last in spans)
    false_alarms = sum(1 for first, last in _events(flags) if not inside_any[first : last + 1].any())
    n_windows = len(spans)
    precision = detected / (detected + false_alarms) if detected + false_alarms else float(n_windows == 0)
    recall = detected / n_windows if n_windows else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "detected": detected, "windows": n_windows,
            "false_alarms": false_alarms}


def point_auc_pr(scores, timestamps, windows) -> float:
    """Area under the precision-recall curve of per-point anomaly scores (higher = more anomalous)
    against "inside a window" labels (average precision); NaN when no point is inside a window."""
    times, scores = scores_in_time_order(timestamps, scores)
    labels = window_labels(times, windows)
    if not labels.any():
        return float("nan")
    return float(average_precision_score(labels, scores))
