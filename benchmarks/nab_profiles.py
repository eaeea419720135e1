"""NAB's three profiles on the 31 labelled series in ``../shared/data/nab``, as NAB scores its entrants.

Every entrant of NAB reports a score per point and one threshold per profile (standard,
reward_low_FP_rate, reward_low_FN_rate), chosen by NAB's optimiser on the labelled corpus. Here:

* liquid detect (seed k): ``OnlineAnomalyDetector(random_state=k)``, k = 0, 1, 2, fitted on the
  probationary period, then ``detect`` over the rest: its own alarms at its default
  ``alarm_probability`` (1e-4), the default for unlabelled use;
* liquid events (seed k): the same detector's alarm events with ``alarm_probability`` chosen per
  profile on all 31 series (``online_anomaly.event_alarms`` on the stored probabilities, a grid of 27
  values), which is how NAB sets every entrant's threshold;
* liquid points (seed k): every point whose ``-log10`` probability reaches a threshold chosen per
  profile (``liquid.nab_threshold.optimise_threshold``): the detector's scores read as NAB reads a
  point-wise score, without its event logic;
* NAB's published detectors: their per-file scores at their own thresholds
  (``results/<detector>/<detector>_<profile>_scores.csv``), and their anomaly scores for window F1.

Printed: NAB's normalised score (0 = never alarms, 100 = perfect) per profile over all 31 series and,
for the standard profile, per folder (artificialNoAnomaly has no window: it only costs false alarms,
so it has no score of its own); window F1 / precision / recall at the standard threshold over the
series with windows. Then the held-out check of the alarm level (liquid events, standard profile):
chosen on realKnownCause, artificialWithAnomaly and artificialNoAnomaly, scored on realTraffic and
realAdExchange, against the level chosen on those two themselves.

Usage: python benchmarks/nab_profiles.py [--nab DIR] [--seeds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from liquid.datasets import read_timeseries_csv
from liquid.metrics import window_scores
from liquid.nab import PROFILES, nab_score, normalised_score, probation_length
from liquid.nab_threshold import optimise_threshold
from liquid.online_anomaly import OnlineAnomalyDetector, event_alarms

FOLDERS = ("realKnownCause", "artificialWithAnomaly", "artificialNoAnomaly", "realTraffic", "realAdExchange")
DESIGN, HELD_OUT = FOLDERS[:3], FOLDERS[3:]
#: Alarm probabilities swept for the liquid's events.
ALARM_LEVELS = np.logspace(-8, -1.5, 27)
PUBLISHED = ("ARTime", "numenta", "contextOSE", "relativeEntropy", "knncad", "randomCutForest", "windowedGaussian")


def liquid_run(values: np.ndarray, probation: int, seed: int) -> tuple[np.ndarray, float]:
    """Tail probabilities per point (1 in the probation) and the seconds per point streamed."""
    detector = OnlineAnomalyDetector(random_state=seed, n_jobs=1).fit(values[:probation])
    start = time.perf_counter()
    probability = np.ones(values.shape[0])
    probability[probation:] = detector.score_stream(values[probation:])
    return probability, (time.perf_counter() - start) / (values.shape[0] - probation)


def events(probability: np.ndarray, probation: int, level: float) -> np.ndarray:
    """``detect``'s alarms at another ``alarm_probability``, from the probabilities after the probation."""
    alarms = np.zeros(probability.shape[0], dtype=bool)
    alarms[probation:] = event_alarms(probability[probation:], level, OnlineAnomalyDetector().rearm)
    return alarms


def best_level(probabilities: dict, series: dict, windows: dict, keys: list, profile: str) -> float:
    """The alarm probability of ``ALARM_LEVELS`` with the best normalised score on ``keys``."""
    scores = [normalised([nab_score(events(probabilities[k], series[k][1], level), series[k][0]["timestamp"],
                                    windows[k], profile=profile) for k in keys]) for level in ALARM_LEVELS]
    return float(ALARM_LEVELS[int(np.nanargmax(scores))])


def window_f1(flags: np.ndarray, frame: pd.DataFrame, windows: list, probation: int) -> dict:
    """Window F1 / precision / recall after the probation, over the windows ending after it."""
    times = frame["timestamp"]
    after = pd.Timestamp(times.iloc[probation])
    scored = [w for w in windows if pd.Timestamp(w[1]) >= after]
    return window_scores(flags[probation:], times.iloc[probation:], scored)


def normalised(results: list) -> float:
    try:
        return normalised_score(results)
    except ValueError:  # no window: no normalised score
        return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Path(os.environ.get("LIQUID_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")) / "nab"
    parser.add_argument("--nab", type=Path, default=default, help="NAB folder with data/, results/ and labels")
    parser.add_argument("--seeds", type=int, default=3, help="liquids, random_state 0..N-1")
    args = parser.parse_args()
    windows = json.loads((args.nab / "combined_windows.json").read_text())
    keys = sorted(k for k in windows if k.split("/")[0] in FOLDERS)
    series = {}
    for key in keys:
        frame = read_timeseries_csv(args.nab / "data" / key, keep_order=True)
        series[key] = (frame, probation_length(len(frame)))
    print(f"{len(keys)} series: " + ", ".join(f"{f} {sum(k.startswith(f) for k in keys)}" for f in FOLDERS))

    # Per method: per series, the detections for each profile (a method's threshold may differ by profile).
    detections: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    f1_flags: dict[str, dict[str, np.ndarray]] = {}
    held_out_rows, costs = [], []
    chosen_levels = []
    for seed in range(args.seeds):
        probabilities = {}
        for key, (frame, probation) in series.items():
            probabilities[key], seconds = liquid_run(frame["value"].to_numpy(), probation, seed)
            costs.append(seconds)
        detect, chosen, points = (f"liquid detect (seed {seed})", f"liquid events (seed {seed})",
                                  f"liquid points (seed {seed})")
        default = {k: events(probabilities[k], series[k][1], OnlineAnomalyDetector().alarm_probability) for k in keys}
        detections[detect], detections[chosen], detections[points] = {}, {}, {}
        for profile in PROFILES:
            detections[detect][profile] = default
            level = best_level(probabilities, series, windows, keys, profile)
            chosen_levels.append({"seed": seed, "profile": profile, "alarm_probability": level})
            detections[chosen][profile] = {k: events(probabilities[k], series[k][1], level) for k in keys}
            scores = [-np.log10(np.maximum(probabilities[k], 1e-300)) for k in keys]
            choice = optimise_threshold(scores, [series[k][0]["timestamp"] for k in keys], [windows[k] for k in keys],
                                        profile=profile)
            detections[points][profile] = {k: s >= choice.threshold for k, s in zip(keys, scores)}
        for name in (detect, chosen, points):
            f1_flags[name] = detections[name]["standard"]
        # The alarm level's held-out check: chosen on the design folders, scored on the others.
        held_out = [k for k in keys if k.split("/")[0] in HELD_OUT]
        for chosen_on in (DESIGN, HELD_OUT):
            level = best_level(probabilities, series, windows, [k for k in keys if k.split("/")[0] in chosen_on],
                               "standard")
            result = normalised([nab_score(events(probabilities[k], series[k][1], level), series[k][0]["timestamp"],
                                           windows[k]) for k in held_out])
            held_out_rows.append({"seed": seed, "level chosen on": " + ".join(chosen_on), "alarm_probability": level,
                                  "standard score on " + " + ".join(HELD_OUT): result})

    table = []
    for name, by_profile in detections.items():
        row = {"method": name}
        for profile, flags in by_profile.items():
            results = {k: nab_score(flags[k], series[k][0]["timestamp"], windows[k], profile=profile) for k in keys}
            row[profile] = normalised(list(results.values()))
            if profile == "standard":
                for folder in FOLDERS:
                    row[folder] = normalised([r for k, r in results.items() if k.startswith(folder)])
        table.append(row)
    for detector in PUBLISHED:
        row = {"method": f"NAB {detector}"}
        for profile in PROFILES:
            published = pd.read_csv(args.nab / "results" / detector / f"{detector}_{profile}_scores.csv")
            published = published[published["File"].isin(keys)].set_index("File")["Score"]
            rules = {k: nab_score(np.zeros(len(series[k][0]), bool), series[k][0]["timestamp"], windows[k],
                                  profile=profile) for k in published.index}
            for k, raw in published.items():
                rules[k].score = float(raw)
            row[profile] = normalised(list(rules.values()))
            if profile == "standard":
                for folder in FOLDERS:
                    row[folder] = normalised([r for k, r in rules.items() if k.startswith(folder)])
        table.append(row)
        thresholds = json.loads((args.nab / "thresholds.json").read_text())[detector]["standard"]["threshold"]
        f1_flags[f"NAB {detector}"] = {}
        for key in keys:
            folder, file = key.split("/")
            path = args.nab / "results" / detector / folder / f"{detector}_{file}.gz"
            f1_flags[f"NAB {detector}"][key] = pd.read_csv(path)["anomaly_score"].to_numpy() >= thresholds
    for row in table:
        flags = f1_flags[row["method"]]
        found = [window_f1(flags[k], series[k][0], windows[k], series[k][1]) for k in keys if windows[k]]
        row.update(f1=np.mean([f["f1"] for f in found]), precision=np.mean([f["precision"] for f in found]),
                   recall=np.mean([f["recall"] for f in found]))
    table = pd.DataFrame(table).set_index("method")
    for prefix in ("liquid detect (seed", "liquid events (seed", "liquid points (seed"):
        seeds = table[table.index.str.startswith(prefix)]
        table.loc[prefix.replace(" (seed", "") + " (mean of seeds)"] = seeds.mean()
    pd.set_option("display.width", 250)
    print("\nNAB normalised score over the 31 series per profile; standard per folder; window F1 at the standard "
          "threshold")
    print(table.round(3).to_string(na_rep="-"))
    print("\nliquid events: the alarm probability chosen per profile")
    print(pd.DataFrame(chosen_levels).pivot(index="seed", columns="profile", values="alarm_probability").to_string())
    print("\nheld-out check of the liquid's alarm level (standard profile)")
    print(pd.DataFrame(held_out_rows).to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(f"# liquid: {1e6 * np.median(costs):.1f} us per point median ({1 / np.median(costs):,.0f} points/s, "
          "one stream)")


if __name__ == "__main__":
    main()
