"""Watch sensor streams and raise anomaly alarms with an online liquid detector, scored as NAB scores.

Reads a CSV of ``timestamp,value`` (NAB layout) or every CSV in a directory
(for instance NAB's ``data/realKnownCause``); with no path, makes a synthetic
stream with a spike and a level change. Under NAB's rules for each series: the
detector learns from the probationary period (the first 15%, at most 750
points), then streams the rest point by point, learning as it goes and
raising alarms (events). When labelled windows are found (``--windows``, or
NAB's ``combined_windows.json`` next to the data) it prints window F1 and
NAB's standard score per series. Writes per-point probabilities and alarms
as CSV, and a plot per series when matplotlib is installed.

Usage:
  python examples/anomaly_detection.py
  python examples/anomaly_detection.py NAB/data/realKnownCause
  python examples/anomaly_detection.py series.csv --windows labels.json --output-dir results
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from liquid.datasets import read_timeseries_csv
from liquid.metrics import window_scores
from liquid.nab import nab_score, normalised_score, probation_length
from liquid.online_anomaly import OnlineAnomalyDetector


def synthetic_stream() -> tuple[pd.DataFrame, list]:
    """A daily cycle with noise, a spike on day 12 and a level change on day 20 (5-minute samples)."""
    rng = np.random.default_rng(0)
    times = pd.date_range("2024-01-01", periods=288 * 28, freq="5min")
    t = np.arange(times.size)
    values = 10 + 3 * np.sin(2 * np.pi * t / 288) + 0.3 * rng.standard_normal(t.size)
    spike, change = 288 * 12 + 100, 288 * 20
    values[spike] += 6.0
    values[change:] += 4.0
    windows = [(str(times[i - 50]), str(times[i + 50])) for i in (spike, change)]
    return pd.DataFrame({"timestamp": times, "value": values}), windows


def find_windows(path: Path, explicit: Path | None) -> dict:
    """Labelled windows keyed by file name: --windows, else NAB's combined_windows.json nearby."""
    candidates = [explicit] if explicit else [p / name for p in path.resolve().parents[:3]
                                               for name in ("combined_windows.json", "labels/combined_windows.json")]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            table = json.loads(candidate.read_text())
            return {Path(key).name: value for key, value in table.items()}
    if explicit:
        raise FileNotFoundError(f"no such windows file: {explicit}")
    return {}


def plot(path: Path, frame: pd.DataFrame, probability: np.ndarray, alarms: np.ndarray, windows, probation: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 6), sharex=True)
    time = frame["timestamp"]
    top.plot(time, frame["value"], linewidth=0.7, color="black")
    top.plot(time[alarms], frame["value"][alarms], "v", color="tab:red", markersize=8, label="alarm")
    bottom.plot(time, -np.log10(np.maximum(probability, 1e-300)), linewidth=0.7, color="tab:blue")
    for ax in (top, bottom):
        ax.axvspan(time.iloc[0], time.iloc[probation - 1], color="grey", alpha=0.15)
        for start, end in windows:
            ax.axvspan(pd.Timestamp(start), pd.Timestamp(end), color="tab:orange", alpha=0.25)
    top.legend(loc="upper left")
    bottom.set_ylabel("-log10 tail probability")
    bottom.set_xlabel("time (grey: probationary period, orange: labelled windows)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(name: str, frame: pd.DataFrame, windows: list, args) -> tuple[dict, object]:
    values = frame["value"].to_numpy()
    probation = probation_length(len(values))
    detector = OnlineAnomalyDetector(random_state=args.seed).fit(values[:probation])
    probability = np.ones(len(values))
    alarms = np.zeros(len(values), dtype=bool)
    probability[probation:] = detector.score_stream(values[probation:])
    replay = OnlineAnomalyDetector(random_state=args.seed).fit(values[:probation])
    alarms[probation:] = replay.detect(values[probation:])
    out = args.output_dir / Path(name).stem
    pd.DataFrame({"timestamp": frame["timestamp"], "value": values, "tail_probability": probability,
                  "alarm": alarms}).to_csv(out.with_suffix(".csv"), index=False)
    if args.plot:
        plot(out.with_suffix(".png"), frame, probability, alarms, windows, probation)
    summary = {"series": name, "points": len(values), "probation": probation, "alarms": int(alarms.sum())}
    first, last = frame["timestamp"].iloc[probation], frame["timestamp"].iloc[-1]
    # Only the windows that reach into the streamed part are scored (--quick streams the first points only).
    scored = [w for w in windows if pd.Timestamp(w[1]) >= first and pd.Timestamp(w[0]) <= last]
    summary["windows scored"] = f"{len(scored)} of {len(windows)}"
    result = None
    if windows:
        summary.update({k: v for k, v in window_scores(alarms[probation:], frame["timestamp"][probation:], scored)
                        .items() if k in ("f1", "precision", "recall")})
        result = nab_score(alarms, frame["timestamp"], scored)
        summary["nab_raw"] = result.score
    return summary, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, nargs="?", help="a timestamp,value CSV or a directory of them")
    parser.add_argument("--windows", type=Path, help="labelled windows (NAB combined_windows.json)")
    parser.add_argument("--output-dir", type=Path, default=Path("anomaly_results"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-plot", dest="plot", action="store_false")
    parser.add_argument("--quick", action="store_true", help="first 1,500 points of each file only")
    args = parser.parse_args(argv)
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("matplotlib is not installed: no plots (pip install matplotlib)", file=sys.stderr)
            args.plot = False
    if args.path is None:
        print("no data given: a synthetic stream with a spike and a level change")
        series = [("synthetic.csv", *synthetic_stream())]
    else:
        files = sorted(args.path.glob("*.csv")) if args.path.is_dir() else [args.path]
        if not files:
            print(f"error: no CSV files in {args.path}", file=sys.stderr)
            return 2
        try:
            labels = find_windows(args.path, args.windows)
            # NAB scores rows in file order, clock jumps included.
            series = [(f.name, read_timeseries_csv(f, keep_order=True), labels.get(f.name, [])) for f in files]
            if args.quick:
                series = [(name, frame.iloc[:1500].reset_index(drop=True), w) for name, frame, w in series]
        except (ValueError, FileNotFoundError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    args.output_dir.mkdir(parents=True, exist_ok=True)
    rows, results = [], []
    for name, frame, windows in series:
        summary, result = run(name, frame, windows, args)
        rows.append(summary)
        if result is not None:
            results.append(result)
        print(f"{name}: {summary['alarms']} alarms; {summary['windows scored']} labelled windows scored (those "
              "inside the streamed part)", flush=True)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if results and any(r.perfect_score != r.null_score for r in results):
        print(f"\nmean window F1 {table['f1'].mean():.3f}, NAB standard score {normalised_score(results):.1f} "
              "(0 = never alarms, 100 = perfect)")
    print(f"probabilities and alarms in {args.output_dir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
