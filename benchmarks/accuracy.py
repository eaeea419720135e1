"""Accuracy of the default LSM classifier against simple and strong baselines, on the official splits.

Sets: every UEA/UCR set found under --data (default $LIQUID_DATA, else
../shared/data: uea/<name>/<name>_{TRAIN,TEST}.ts), the embedded Japanese
Vowels, and FSDD spoken digits from raw audio (Cochleagram front-end):
official split and leave-one-speaker-out. The liquid reads the cochleagram's
envelopes (its encoder adds their rises and falls); the baselines read the
envelopes with the cochleagram's own onset and offset channels
(``onset_ms=20``, the same information), which serve them better. Columns, all
measured in this run:

* liquid: ``LSMClassifier(random_state=seed)`` with every default, mean of
  ``--seeds`` seeds (default 3: 0, 1, 2; the tables' differences to the ESN are a
  few test series, as large as the spread between seeds); its time split into
  the liquid (simulation, features accumulated in the kernel) and the readout
  (fit + predict), means per run;
* search: ``LSMClassifierCV(random_state=0)``, the one-line search on the
  training data only (successive halving over ``liquid.search.DEFAULT_SPACE``),
  fit + predict seconds; not on the leave-one-speaker-out folds unless
  ``--search-loso`` (six searches on 2,500 recordings);
* MiniRocket: aeon's ``MiniRocketClassifier`` (10,000 kernels + ridge), mean of
  3 seeds, unequal lengths zero-padded (needs the bench extra);
* ESN: 500 leaky tanh units (leak 0.3, spectral radius 0.9), last and mean
  state, ridge readout (``RidgeClassifierCV``), written here in numpy; mean of
  the same seeds;
* static: per-channel mean and standard deviation, logistic regression.

Usage: python benchmarks/accuracy.py [--data DIR] [--sets NAME ...] [--seeds N] [--no-fsdd] [--no-search]
                                     [--search-loso] [--quick]

After the table, each set's accuracy per seed for the liquid and the ESN.
"""
from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression, RidgeClassifierCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from liquid import LiquidStateMachine, LSMClassifier
from liquid.audio import Cochleagram
from liquid.datasets import load_fsdd, load_japanese_vowels, load_uea
from liquid.search import LSMClassifierCV

UEA_SETS = ("JapaneseVowels", "BasicMotions", "NATOPS", "Handwriting", "PenDigits", "StandWalkJump",
            "AllGestureWiimoteX", "AllGestureWiimoteY", "AllGestureWiimoteZ", "GesturePebbleZ1",
            "ShakeGestureWiimoteZ", "PickupGestureWiimoteZ")


def static_model(X_train, y_train, X_test):
    def summary(sequences):
        return np.array([np.concatenate([s.mean(axis=0), s.std(axis=0)]) for s in sequences])

    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
    return model.fit(summary(X_train), y_train).predict(summary(X_test))


def esn_model(X_train, y_train, X_test, n_units: int = 500, seed: int = 0):
    rng = np.random.default_rng(seed)
    n_channels = X_train[0].shape[1]
    W = rng.standard_normal((n_units, n_units)) * (rng.random((n_units, n_units)) < 0.1)
    W *= 0.9 / np.max(np.abs(np.linalg.eigvals(W)))
    W_in = rng.uniform(-1, 1, (n_units, n_channels))
    frames = np.vstack(X_train)
    mean, scale = frames.mean(axis=0), np.where(frames.std(axis=0) > 1e-12, frames.std(axis=0), 1.0)

    def features(sequences):
        rows = []
        for s in sequences:
            x, states = np.zeros(n_units), []
            for u in (s - mean) / scale:
                x = 0.7 * x + 0.3 * np.tanh(W @ x + W_in @ u)
                states.append(x)
            states = np.array(states)
            rows.append(np.concatenate([states[-1], states.mean(axis=0)]))
        return np.array(rows)

    readout = RidgeClassifierCV(alphas=np.logspace(-3, 4, 15)).fit(features(X_train), y_train)
    return readout.predict(features(X_test))


def minirocket_model(X_train, y_train, X_test, seed: int):
    from aeon.classification.convolution_based import MiniRocketClassifier

    length = max(max(len(s) for s in X_train), max(len(s) for s in X_test), 9)

    def padded(sequences):  # (n, channels, length), zero-padded
        out = np.zeros((len(sequences), sequences[0].shape[1], length))
        for i, s in enumerate(sequences):
            out[i, :, : len(s)] = s.T
        return out

    model = MiniRocketClassifier(random_state=seed, n_jobs=-1)
    return model.fit(padded(X_train), y_train).predict(padded(X_test))


def liquid_model(X_train, y_train, X_test, seed: int):
    clf = LSMClassifier(random_state=seed, n_jobs=-1)
    start = time.perf_counter()
    liquid = LiquidStateMachine(**{k: v for k, v in clf.get_params().items() if k != "readout"})
    train_features = liquid.fit_transform(X_train)
    test_features = liquid.transform(X_test)
    liquid_s = time.perf_counter() - start
    start = time.perf_counter()
    predicted = clf._default_readout(liquid).fit(train_features, y_train).predict(test_features)
    return predicted, liquid_s, time.perf_counter() - start


def timed(function, *args):
    start = time.perf_counter()
    predicted = function(*args)
    return predicted, time.perf_counter() - start


def search_model(X_train, y_train, X_test):
    return LSMClassifierCV(random_state=0, n_jobs=-1).fit(X_train, y_train).predict(X_test)


def evaluate(name, X_train, y_train, X_test, y_test, minirocket: bool, search: bool, seeds: int,
             baseline_X=None) -> dict:
    """One row of the table; ``baseline_X``: (train, test) sequences the baselines read instead."""
    row = {"set": name, "train": len(X_train), "test": len(X_test)}
    runs = [liquid_model(X_train, y_train, X_test, seed) for seed in range(seeds)]
    sim_s, readout_s = np.mean([r[1] for r in runs]), np.mean([r[2] for r in runs])
    row.update(liquid_seeds=[np.mean(p == y_test) for p, _, _ in runs], liquid_s=sim_s + readout_s, sim_s=sim_s,
               readout_s=readout_s)
    if search:
        predicted, seconds = timed(search_model, X_train, y_train, X_test)
        row.update(search=np.mean(predicted == y_test), search_s=seconds)
    if baseline_X is not None:
        X_train, X_test = baseline_X
    if minirocket:
        runs = [timed(minirocket_model, X_train, y_train, X_test, seed) for seed in range(3)]
        row.update(minirocket=np.mean([np.mean(p == y_test) for p, _ in runs]),
                   minirocket_s=np.mean([s for _, s in runs]))
    runs = [timed(esn_model, X_train, y_train, X_test, 500, seed) for seed in range(seeds)]
    row.update(esn_seeds=[np.mean(p == y_test) for p, _ in runs], esn_s=np.mean([s for _, s in runs]))
    row.update(liquid=np.mean(row["liquid_seeds"]), esn=np.mean(row["esn_seeds"]))
    predicted, _ = timed(static_model, X_train, y_train, X_test)
    row["static"] = np.mean(predicted == y_test)
    return row


def fsdd_sets(data: Path, quick: bool):
    """(name, X_train, y_train, X_test, y_test, (baseline X_train, baseline X_test)) per split."""
    try:
        bunch = load_fsdd(data / "fsdd")
    except FileNotFoundError:
        return []
    X = list(Cochleagram(sample_rate=bunch.sample_rate).fit_transform(bunch.X))
    X_onsets = list(Cochleagram(sample_rate=bunch.sample_rate, onset_ms=20.0).fit_transform(bunch.X))
    y, groups, split = bunch.y, bunch.groups, bunch.split
    if quick:
        keep = np.arange(len(X)) % 10 == 0
        X, X_onsets = [x for x, k in zip(X, keep) if k], [x for x, k in zip(X_onsets, keep) if k]
        y, groups, split = y[keep], groups[keep], split[keep]

    def divided(name, test):
        def pick(sequences, chosen):
            return [x for x, c in zip(sequences, chosen) if c]

        return (name, pick(X, ~test), y[~test], pick(X, test), y[test], (pick(X_onsets, ~test), pick(X_onsets, test)))

    sets = [divided("FSDD official", split == "test")]
    sets += [divided(f"FSDD LOSO {speaker}", groups == speaker) for speaker in np.unique(groups)]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Path(os.environ.get("LIQUID_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--sets", nargs="+", default=list(UEA_SETS))
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the liquid and the ESN (mean reported)")
    parser.add_argument("--no-fsdd", action="store_true")
    parser.add_argument("--quick", action="store_true", help="two small sets, a tenth of FSDD")
    parser.add_argument("--no-search", dest="search", action="store_false", help="skip the LSMClassifierCV column")
    parser.add_argument("--search-loso", action="store_true", help="also search on every leave-one-speaker-out fold")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    try:
        import aeon  # noqa: F401

        minirocket = True
        # aeon compiles its numba kernels on first use: compile them before the first timed set, as the
        # liquid's kernels are (cached) before this script runs.
        warm = [np.random.default_rng(0).standard_normal((30, 2)) for _ in range(6)]
        for channels in (1, 2):
            minirocket_model([w[:, :channels] for w in warm], np.arange(6) % 2, [w[:, :channels] for w in warm], 0)
    except ImportError:
        minirocket = False
        print("# MiniRocket column skipped: pip install 'liquid-lsm[bench]'")
    sets = ["JapaneseVowels", "BasicMotions"] if args.quick else args.sets
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    rows, loso = [], []
    header = f"{'set':<24} {'liquid':>7} {'search':>7} {'MiniRkt':>7} {'ESN':>7} {'static':>7} | {'liquid s':>8} " \
             f"{'(sim':>6} {'readout)':>8} {'search s':>8} {'MiniRkt s':>9} {'ESN s':>6}"
    print(header)
    for name in sets:
        if name == "JapaneseVowels":
            train, test = load_japanese_vowels("train"), load_japanese_vowels("test")
        else:
            try:
                train, test = load_uea(name, "train", path=args.data / "uea"), load_uea(name, "test", path=args.data / "uea")
            except FileNotFoundError:
                print(f"{name:<24} not found under {args.data / 'uea'}")
                continue
        row = evaluate(name, list(train.X), train.y, list(test.X), test.y, minirocket, args.search, args.seeds)
        rows.append(row)
        print_row(row)
    if not args.no_fsdd:
        for name, X_train, y_train, X_test, y_test, baseline_X in fsdd_sets(args.data, args.quick):
            row = evaluate(name, X_train, y_train, X_test, y_test, minirocket,
                           args.search and ("LOSO" not in name or args.search_loso), args.seeds, baseline_X)
            (loso if "LOSO" in name else rows).append(row)
            print_row(row)
        if loso:
            print(f"{'FSDD LOSO mean':<24} " + " ".join(
                f"{np.mean([r[k] for r in loso]):>7.3f}" if k in loso[0] else f"{'-':>7}"
                for k in ("liquid", "search", "minirocket", "esn", "static")))
    uea = [r for r in rows if not r["set"].startswith("FSDD")]
    if uea:
        print(f"{'UEA mean':<24} " + " ".join(
            f"{np.mean([r[k] for r in uea]):>7.3f}" if k in uea[0] else f"{'-':>7}"
            for k in ("liquid", "search", "minirocket", "esn", "static")))
    print(f"# accuracy per seed (0, 1, ...): {'liquid':<{8 * args.seeds}} ESN")
    for row in rows + loso:
        print(f"# {row['set']:<24} " + " ".join(f"{a:.3f}" for a in row["liquid_seeds"]) + "   "
              + " ".join(f"{a:.3f}" for a in row["esn_seeds"]))


def print_row(row: dict) -> None:
    mr = f"{row['minirocket']:>7.3f}" if "minirocket" in row else f"{'-':>7}"
    mr_s = f"{row['minirocket_s']:>9.1f}" if "minirocket_s" in row else f"{'-':>9}"
    se = f"{row['search']:>7.3f}" if "search" in row else f"{'-':>7}"
    se_s = f"{row['search_s']:>8.1f}" if "search_s" in row else f"{'-':>8}"
    print(f"{row['set']:<24} {row['liquid']:>7.3f} {se} {mr} {row['esn']:>7.3f} {row['static']:>7.3f} | "
          f"{row['liquid_s']:>8.1f} {row['sim_s']:>6.1f} {row['readout_s']:>8.1f} {se_s} {mr_s} {row['esn_s']:>6.1f}",
          flush=True)


if __name__ == "__main__":
    main()
