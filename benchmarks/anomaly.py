"""Anomaly detection on NAB: the liquid detector (both scoring methods) against a rolling z-score.

For every series of realKnownCause and artificialWithAnomaly: train on the
first 15% (NAB's probationary period), score every point, flag points above
the threshold learned on the training period, and evaluate the points after
it against NAB's labelled windows: window precision / recall / F1 (a window
is found by any flag inside it; each run of flags outside all windows is one
false alarm) and AUC-PR of the point scores.

Baseline (same run, same thresholding rule): |x(t) - mean| / std over the
previous 100 points.

Usage: python benchmarks/anomaly.py [--nab DIR] [--quick]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from liquid import LiquidStateMachine, LSMAnomalyDetector
from liquid.anomaly import CALIBRATION_FRACTION
from liquid.datasets import read_timeseries_csv
from liquid.metrics import load_windows, point_auc_pr, window_scores

SETS = ("realKnownCause", "artificialWithAnomaly")
CONTAMINATION = 0.002


def rolling_z(values: np.ndarray, window: int = 100) -> np.ndarray:
    series = pd.Series(values)
    past = series.shift(1).rolling(window, min_periods=10)
    z = ((series - past.mean()).abs() / (past.std() + 1e-9)).fillna(0.0)
    return z.to_numpy()


def baseline_threshold(score: np.ndarray, n_train: int) -> float:
    """The detector's rule: a high quantile of the scores on the last part of the training period."""
    held_out = score[int(n_train * (1 - CALIBRATION_FRACTION)) : n_train]
    return float(np.quantile(held_out, 1 - CONTAMINATION))


def evaluate(score, threshold, timestamps, windows, n_train) -> dict:
    after = np.arange(len(score)) >= n_train
    flags = score[after] > threshold
    result = window_scores(flags, timestamps[after], windows)
    return {"f1": result["f1"], "precision": result["precision"], "recall": result["recall"],
            "auc_pr": point_auc_pr(score[after], timestamps[after], windows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Path(os.environ.get("LIQUID_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data") / "nab"
    parser.add_argument("--nab", type=Path, default=default)
    parser.add_argument("--quick", action="store_true", help="two series, first 2,000 points")
    args = parser.parse_args()
    labels = args.nab / "combined_windows.json"
    files = [f for s in SETS for f in sorted((args.nab / "data" / s).glob("*.csv"))]
    if args.quick:
        files = files[:1] + files[-1:]
    rows = []
    for csv in files:
        frame = read_timeseries_csv(csv, keep_order=True)
        if args.quick:
            frame = frame.iloc[:2000]
        values, timestamps = frame["value"].to_numpy(), frame["timestamp"]
        windows = load_windows(labels, f"{csv.parent.name}/{csv.name}")
        n_train = int(0.15 * len(values))
        for method in ("prediction", "mahalanobis"):
            start = time.perf_counter()
            detector = LSMAnomalyDetector(
                method, liquid=LiquidStateMachine(n_neurons=300, random_state=0), contamination=CONTAMINATION,
                random_state=0,
            ).fit(values[:n_train])
            score = -detector.score_samples(values)
            rows.append({"series": csv.stem, "method": f"liquid-{method}", "seconds": time.perf_counter() - start,
                         **evaluate(score, -detector.offset_, timestamps, windows, n_train)})
        start = time.perf_counter()
        z = rolling_z(values)
        rows.append({"series": csv.stem, "method": "rolling-z", "seconds": time.perf_counter() - start,
                     **evaluate(z, baseline_threshold(z, n_train), timestamps, windows, n_train)})
        print(pd.DataFrame(rows[-3:]).to_string(index=False, header=len(rows) == 3,
                                                float_format=lambda v: f"{v:.3f}"), flush=True)
    table = pd.DataFrame(rows)
    print("\nmean over series:")
    print(table.groupby("method")[["f1", "precision", "recall", "auc_pr", "seconds"]].mean().round(3).to_string())


if __name__ == "__main__":
    main()
