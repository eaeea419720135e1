"""Watch a sensor stream and flag anomalies with a Liquid State Machine.

Reads a CSV of ``timestamp,value`` (NAB layout) or every CSV in a directory,
learns normal behaviour on a training period at the start of each series,
and writes, per series: a CSV of per-point scores and flags, and a PNG plot
of the series with its anomaly score, threshold, detections and (when a
labels file is given) the labelled anomaly windows. Prints a summary.

Usage:
  python examples/anomaly_detection.py data/nyc_taxi.csv --train 0.15
  python examples/anomaly_detection.py NAB/data/realKnownCause --windows NAB/labels/combined_windows.json
  python examples/anomaly_detection.py series.csv --method mahalanobis --threshold 8 --output-dir results
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from liquid import LiquidStateMachine, LSMAnomalyDetector
from liquid.datasets import read_timeseries_csv
from liquid.metrics import load_windows, point_auc_pr, window_scores


def training_length(spec: str, n_points: int) -> int:
    """``--train``: a number of points, or a fraction of the series."""
    value = float(spec)
    n = int(round(value * n_points)) if value < 1 else int(value)
    if n >= n_points:
        raise ValueError(f"--train {spec} leaves no points to score (the series has {n_points})")
    return n


def plot(path: Path, frame: pd.DataFrame, score: np.ndarray, threshold: float, flags: np.ndarray, windows, n_train):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 6), sharex=True)
    time = frame["timestamp"]
    top.plot(time, frame.iloc[:, 1], linewidth=0.7, color="black")
    top.plot(time[flags], frame.iloc[:, 1][flags], "o", color="tab:red", markersize=3, label="flagged")
    bottom.plot(time, score, linewidth=0.7, color="tab:blue", label="anomaly score")
    bottom.axhline(threshold, color="tab:red", linestyle="--", label="threshold")
    for ax in (top, bottom):
        ax.axvspan(time.iloc[0], time.iloc[n_train - 1], color="grey", alpha=0.15)
        for start, end in windows:
            ax.axvspan(start, end, color="tab:orange", alpha=0.25)
    top.set_ylabel(frame.columns[1])
    top.legend(loc="upper left")
    bottom.set_ylabel("anomaly score (robust z)")
    bottom.set_xlabel("time (grey: training period, orange: labelled windows)")
    bottom.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(csv: Path, args) -> dict:
    frame = read_timeseries_csv(csv, keep_order=args.keep_order)
    values = frame.iloc[:, 1:].to_numpy()
    if args.quick:
        values, frame = values[:1500], frame.iloc[:1500]
    n_train = training_length(args.train, len(frame))
    detector = LSMAnomalyDetector(
        args.method,
        liquid=LiquidStateMachine(n_neurons=args.n_neurons, random_state=args.seed),
        threshold=args.threshold,
        random_state=args.seed,
    ).fit(values[:n_train])
    score = -detector.score_samples(values)  # higher = more anomalous
    threshold = -detector.offset_
    flags = score > threshold
    flags[:n_train] = False  # the training period is assumed normal
    windows = load_windows(args.windows, csv.name) if args.windows else []
    out = args.output_dir / csv.stem
    pd.DataFrame({"timestamp": frame["timestamp"], "value": values[:, 0], "anomaly_score": score,
                  "anomaly": flags}).to_csv(out.with_suffix(".csv"), index=False)
    if not args.no_plot:
        plot(out.with_suffix(".png"), frame, score, threshold, flags, windows, n_train)
    summary = {"series": csv.name, "points": len(frame), "trained_on": n_train, "flagged": int(flags.sum())}
    if windows:
        after = np.arange(len(frame)) >= n_train
        summary.update(window_scores(flags[after], frame["timestamp"][after], windows))
        summary["auc_pr"] = point_auc_pr(score[after], frame["timestamp"][after], windows)
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, help="a timestamp,value CSV or a directory of them")
    parser.add_argument("--train", default="0.15", help="training period: points (>= 1) or fraction (< 1)")
    parser.add_argument("--method", choices=["prediction", "mahalanobis"], default="prediction")
    parser.add_argument("--threshold", type=float, help="robust z-score threshold (default: from the training period)")
    parser.add_argument("--windows", type=Path, help="labelled windows (NAB combined_windows.json)")
    parser.add_argument("--output-dir", type=Path, default=Path("anomaly_results"))
    parser.add_argument("--n-neurons", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-order", action="store_true",
                        help="take rows as consecutive samples even where timestamps go back")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--quick", action="store_true", help="first 1,500 points of each series only")
    args = parser.parse_args(argv)
    files = sorted(args.path.glob("*.csv")) if args.path.is_dir() else [args.path]
    if not files:
        print(f"error: no CSV files in {args.path}", file=sys.stderr)
        return 2
    args.output_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for csv in files:
        try:
            rows.append(run(csv, args))
        except (ValueError, FileNotFoundError, KeyError) as error:
            print(f"error: {csv.name}: {error}", file=sys.stderr)
            return 2
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if "f1" in table:
        print(f"\nmean window F1 {table['f1'].mean():.3f}, mean AUC-PR {table['auc_pr'].mean():.3f}")
    print(f"scores and plots in {args.output_dir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
