"""Accuracy of default LSMs on real data, next to a static baseline on the same splits.

Static baseline: logistic regression on the time-averaged channels (what a
model without temporal memory sees). Data: the embedded Japanese Vowels, and
FSDD / UEA sets from --data (default: $LIQUID_DATA, else ../shared/data).

Usage: python benchmarks/accuracy.py [--data DIR] [--seeds 5] [--quick]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from liquid import LSMClassifier
from liquid.audio import MFCC, Cochleagram
from liquid.datasets import load_fsdd, load_japanese_vowels, load_uea


def static_accuracy(X_train, y_train, X_test, y_test) -> float:
    def average(sequences):
        return np.array([s.mean(axis=0) for s in sequences])

    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    return model.fit(average(X_train), y_train).score(average(X_test), y_test)


def lsm_accuracies(X_train, y_train, X_test, y_test, seeds, **params) -> list[float]:
    return [
        LSMClassifier(random_state=seed, n_jobs=-1, **params).fit(X_train, y_train).score(X_test, y_test)
        for seed in seeds
    ]


def report(name: str, accuracies: list[float], static: float, seconds: float) -> None:
    print(f"{name:<34} {np.mean(accuracies):.3f} ± {np.std(accuracies):.3f}   {static:.3f}   "
          f"{len(accuracies):>5}  {seconds:6.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_data = os.environ.get("LIQUID_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="Japanese Vowels only, one seed, 300 neurons")
    args = parser.parse_args()
    seeds = range(1 if args.quick else args.seeds)
    params = {"n_neurons": 300} if args.quick else {}

    print(f"{'dataset (split)':<34} {'LSM mean ± std':<15} static   runs  time s")
    start = time.perf_counter()
    train, test = load_japanese_vowels("train"), load_japanese_vowels("test")
    report("JapaneseVowels (official)", lsm_accuracies(train.X, train.y, test.X, test.y, seeds, **params),
           static_accuracy(train.X, train.y, test.X, test.y), time.perf_counter() - start)
    if args.quick:
        return

    for name in ("BasicMotions", "NATOPS"):
        start = time.perf_counter()
        try:
            train, test = load_uea(name, "train", path=args.data), load_uea(name, "test", path=args.data)
        except FileNotFoundError as error:
            print(f"{name:<34} skipped: {error}")
            continue
        report(f"{name} (official)", lsm_accuracies(train.X, train.y, test.X, test.y, seeds),
               static_accuracy(train.X, train.y, test.X, test.y), time.perf_counter() - start)

    try:
        fsdd = load_fsdd(args.data / "fsdd" if (args.data / "fsdd").is_dir() else args.data)
    except FileNotFoundError as error:
        print(f"{'FSDD':<34} skipped: {error}")
        return
    for front_end in (Cochleagram(), MFCC()):
        start = time.perf_counter()
        features = front_end.fit(fsdd.X).transform(fsdd.X)
        is_train = fsdd.split == "train"
        X_train = [f for f, k in zip(features, is_train) if k]
        X_test = [f for f, k in zip(features, is_train) if not k]
        label = f"FSDD {type(front_end).__name__} (official)"
        report(label, lsm_accuracies(X_train, fsdd.y[is_train], X_test, fsdd.y[~is_train], seeds),
               static_accuracy(X_train, fsdd.y[is_train], X_test, fsdd.y[~is_train]), time.perf_counter() - start)

        start = time.perf_counter()
        per_speaker, static_per_speaker = [], []
        for speaker in np.unique(fsdd.groups):
            held_out = fsdd.groups == speaker
            X_train = [f for f, k in zip(features, held_out) if not k]
            X_test = [f for f, k in zip(features, held_out) if k]
            per_speaker += lsm_accuracies(X_train, fsdd.y[~held_out], X_test, fsdd.y[held_out], [0])
            static_per_speaker.append(static_accuracy(X_train, fsdd.y[~held_out], X_test, fsdd.y[held_out]))
        report(f"FSDD {type(front_end).__name__} (leave-1-speaker-out)", per_speaker,
               float(np.mean(static_per_speaker)), time.perf_counter() - start)


if __name__ == "__main__":
    main()
