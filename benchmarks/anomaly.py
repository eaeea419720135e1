"""Anomaly detection on NAB: liquid's detectors against NAB's published detectors, NAB's own score.

For every series of realKnownCause and artificialWithAnomaly, under NAB's rules:
the first 15% of the series (at most 750 points) is the probationary period —
detectors learn from it and are not scored there; after it they stream the
series point by point, never looking ahead.

* liquid online: ``OnlineAnomalyDetector`` (default parameters): fitted on the
  probationary period, then ``detect`` on the rest, learning as it goes.
* liquid batch: ``LSMAnomalyDetector`` (Mahalanobis), trained once on the
  probationary period, points flagged above its learned threshold.
* NAB's detectors: their published anomaly scores (../shared/data/nab/results),
  flagged at their standard-profile threshold (thresholds.json).

Per series and on average: window F1 / precision / recall over the windows that
end after the probationary period (a window is found by any detection in it;
each run of detections outside all windows is one false alarm), point AUC-PR,
and NAB's standard score (per-file raw score; the last row normalises the
sum over the series, 0 = null detector, 100 = perfect). Also the cost per point
(one thread). The liquid is random: the table shows ``random_state=0``, and a
last block repeats the online detector with ``--seeds`` liquids (mean, sd,
worst), since one seed can be lucky or unlucky on 13 series.

Usage: python benchmarks/anomaly.py [--nab DIR] [--seeds 8] [--quick]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from liquid import LiquidStateMachine, LSMAnomalyDetector
from liquid.datasets import read_timeseries_csv
from liquid.metrics import point_auc_pr, window_scores
from liquid.nab import nab_score, normalised_score, probation_length
from liquid.online_anomaly import OnlineAnomalyDetector

SETS = ("realKnownCause", "artificialWithAnomaly")
PUBLISHED = ("numenta", "ARTime", "contextOSE", "randomCutForest", "windowedGaussian", "knncad", "relativeEntropy")


def liquid_online(values: np.ndarray, probation: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, float]:
    detector = OnlineAnomalyDetector(random_state=seed, n_jobs=1).fit(values[:probation])
    start = time.perf_counter()
    probability = detector.score_stream(values[probation:])
    seconds = time.perf_counter() - start
    replay = OnlineAnomalyDetector(random_state=seed, n_jobs=1).fit(values[:probation])
    alarms = replay.detect(values[probation:])
    return alarms, -np.log10(np.maximum(probability, 1e-300)), seconds


def liquid_batch(values: np.ndarray, probation: int) -> tuple[np.ndarray, np.ndarray, float]:
    detector = LSMAnomalyDetector("mahalanobis", liquid=LiquidStateMachine(300, random_state=0),
                                  washout=20, random_state=0).fit(values[:probation])
    start = time.perf_counter()
    scores = -detector.decision_function(values)[probation:]
    return scores > 0, scores, time.perf_counter() - start


def evaluate(flags, scores, frame, windows, probation) -> dict:
    timestamps = frame["timestamp"]
    full_flags = np.zeros(len(frame), dtype=bool)
    full_flags[probation:] = flags
    nab = nab_score(full_flags, timestamps, windows)
    after = pd.Timestamp(timestamps.iloc[probation])
    scored_windows = [w for w in windows if pd.Timestamp(w[1]) >= after]
    window = window_scores(flags, timestamps.iloc[probation:], scored_windows)
    return {"f1": window["f1"], "precision": window["precision"], "recall": window["recall"],
            "auc_pr": point_auc_pr(scores, timestamps.iloc[probation:], scored_windows), "nab": nab}


def published(root: Path, detector: str, key: str, thresholds: dict, n_points: int) -> tuple | None:
    folder, name = key.split("/")
    path = root / "results" / detector / folder / f"{detector}_{name}.gz"
    if not path.is_file():
        return None
    scores = pd.read_csv(path)["anomaly_score"].to_numpy()
    if scores.shape[0] != n_points:
        return None
    return scores >= thresholds[detector]["standard"]["threshold"], scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Path(os.environ.get("LIQUID_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")) / "nab"
    parser.add_argument("--nab", type=Path, default=default, help="NAB folder with data/, results/ and labels")
    parser.add_argument("--quick", action="store_true", help="two series only")
    parser.add_argument("--seeds", type=int, default=8, help="liquids (random_state 0..N-1) for the spread")
    args = parser.parse_args()
    windows = json.loads((args.nab / "combined_windows.json").read_text())
    thresholds = json.loads((args.nab / "thresholds.json").read_text())
    keys = sorted(k for k in windows if k.startswith(SETS))[: 2 if args.quick else None]

    rows, totals, by_seed = [], {}, {seed: [] for seed in range(1, args.seeds)}
    for key in keys:
        frame = read_timeseries_csv(args.nab / "data" / key, keep_order=True)
        values = frame["value"].to_numpy()
        probation = probation_length(len(values))
        methods = {}
        for name, run in (("liquid online", liquid_online), ("liquid batch", liquid_batch)):
            flags, scores, seconds = run(values, probation)
            methods[name] = (flags, scores)
            totals.setdefault(name + " s/point", []).append(seconds / (len(values) - probation))
        for seed in by_seed:
            flags, scores, _ = liquid_online(values, probation, seed)
            by_seed[seed].append(evaluate(flags, scores, frame, windows[key], probation))
        for detector in PUBLISHED:
            found = published(args.nab, detector, key, thresholds, len(values))
            if found is not None:
                methods[f"NAB {detector}"] = (found[0][probation:], found[1][probation:])
        for name, (flags, scores) in methods.items():
            result = evaluate(flags, scores, frame, windows[key], probation)
            rows.append({"series": key.split("/")[1].removesuffix(".csv"), "method": name, **result})
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    per_series = table.assign(nab=table["nab"].map(lambda r: r.score)).pivot(index="series", columns="method",
                                                                            values=["f1", "nab"])
    print("per series: window F1 and NAB standard raw score")
    print(per_series.round(3).to_string())
    summary = table.groupby("method").agg(f1=("f1", "mean"), precision=("precision", "mean"),
                                          recall=("recall", "mean"), auc_pr=("auc_pr", "mean"),
                                          nab_standard=("nab", lambda r: normalised_score(list(r))))
    print("\nmean over the series (NAB standard: normalised over all of them)")
    print(summary.sort_values("nab_standard", ascending=False).round(3).to_string())
    if by_seed:
        online = table[table["method"] == "liquid online"]
        spread = pd.DataFrame([{"seed": 0, "f1": online["f1"].mean(), "nab_standard": normalised_score(list(online["nab"]))}]
                              + [{"seed": seed, "f1": np.mean([r["f1"] for r in results]),
                                  "nab_standard": normalised_score([r["nab"] for r in results])}
                                 for seed, results in by_seed.items()])
        print(f"\nliquid online over {len(spread)} liquids (random_state 0..{len(spread) - 1}):")
        print(spread.round(3).to_string(index=False))
        print(spread[["f1", "nab_standard"]].agg(["mean", "std", "min", "median"]).round(3).to_string())
    for name, costs in totals.items():
        print(f"# {name}: {1e6 * np.median(costs):.1f} us median ({1 / np.median(costs):,.0f} points/s, one stream)")


if __name__ == "__main__":
    main()
