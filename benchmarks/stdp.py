"""Does STDP help? Accuracy with and without it on the same splits, and what the plastic phase costs.

* spike_pattern: the synthetic temporal task (hidden frozen spike patterns in
  Poisson noise, spike input), 200 train / 200 test, 500 neurons.
  "matched drive" is a control: no STDP, but the input scale set to the mean
  input weight STDP ended with, so that a gain is not just stronger input.
* Japanese Vowels (real, embedded): official split, default 1,000 neurons.

Speed: the plastic phase (one epoch over the training set) against a plain
simulation of the same inputs, both with the same threads, measured in this run.

Usage: python benchmarks/stdp.py [--seeds 5] [--quick]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from liquid import STDP, LiquidStateMachine, LSMClassifier
from liquid.datasets import load_japanese_vowels, make_spike_pattern
from liquid.kernels import MODE_CURRENT
from liquid.plasticity import learning_arrays, train


def accuracies(X_train, y_train, X_test, y_test, seeds, **params) -> tuple[list[float], list[float]]:
    scores, input_means = [], []
    for seed in seeds:
        model = LSMClassifier(random_state=seed, n_jobs=-1, **params).fit(X_train, y_train)
        scores.append(model.score(X_test, y_test))
        input_means.append(np.abs(model.liquid_.reservoir_.in_weights).mean())
    return scores, input_means


def line(name: str, scores: list[float]) -> None:
    print(f"  {name:<34} {np.mean(scores):.3f} ± {np.std(scores):.3f}   {np.round(scores, 3).tolist()}", flush=True)


def speed(X, params: dict, stdp: STDP) -> tuple[float, float]:
    """Seconds of one plastic epoch and of a plain simulation of the same sequences."""
    lsm = LiquidStateMachine(random_state=0, n_jobs=-1, **params).fit(X[:4])  # built and compiled
    sequences = [np.asarray(x, dtype=float) for x in X]
    drives = [lsm.encoder_.encode(x) for x in sequences]
    seeds = lsm._sample_seeds(sequences)
    reservoir = lsm.reservoir_
    start = time.perf_counter()
    reservoir.run(drives, lsm.encoder_.mode, seeds, 0, 5, 30.0, n_threads=2)
    plain = time.perf_counter() - start
    means = {"ee": lsm.w_ee, "ei": lsm.w_ei, "ie": lsm.w_ie, "ii": lsm.w_ii}
    learn = learning_arrays(reservoir, stdp, means, lsm.input_scale, lsm.encoder_.mode != MODE_CURRENT)
    start = time.perf_counter()
    train(reservoir, drives, lsm.encoder_.mode, seeds, stdp, learn, np.random.default_rng(0), 2)
    plastic = time.perf_counter() - start
    return plastic, plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one seed, small sets")
    args = parser.parse_args()
    seeds = range(1 if args.quick else args.seeds)
    n = 100 if args.quick else 400

    X, y = make_spike_pattern(n, random_state=0)
    half = n // 2
    base = dict(n_neurons=100 if args.quick else 500, encoder="spikes", input_scale=10.0)
    print(f"spike_pattern ({half} train / {half} test, {base['n_neurons']} neurons), accuracy mean ± std over seeds")
    plain, _ = accuracies(X[:half], y[:half], X[half:], y[half:], seeds, **base)
    line("no STDP", plain)
    plastic, input_means = accuracies(X[:half], y[:half], X[half:], y[half:], seeds, plasticity=STDP(), **base)
    line("STDP() (defaults, 1 epoch)", plastic)
    matched, _ = accuracies(X[:half], y[:half], X[half:], y[half:], seeds,
                            **{**base, "input_scale": float(np.mean(input_means))})
    line(f"matched drive (input_scale {np.mean(input_means):.1f})", matched)

    if not args.quick:
        train_set, test_set = load_japanese_vowels("train"), load_japanese_vowels("test")
        print("Japanese Vowels (official split, 1,000 neurons)")
        jv_plain, _ = accuracies(train_set.X, train_set.y, test_set.X, test_set.y, seeds)
        line("no STDP", jv_plain)
        jv_stdp, _ = accuracies(train_set.X, train_set.y, test_set.X, test_set.y, seeds, plasticity=STDP())
        line("STDP()", jv_stdp)
        jv_home, _ = accuracies(train_set.X, train_set.y, test_set.X, test_set.y, seeds,
                                plasticity=STDP(target_rate=20.0, n_epochs=3))
        line("STDP(target_rate=20, n_epochs=3)", jv_home)

    print("cost of the plastic phase (one epoch) / plain simulation of the same inputs, 2 threads")
    for name, data, params in (
        ("spike_pattern", X[:half], base),
        ("Japanese Vowels", load_japanese_vowels("train").X, {"n_neurons": 300 if args.quick else 1000}),
    ):
        plastic_s, plain_s = speed(data, params, STDP())
        print(f"  {name:<20} plastic {plastic_s:.3f} s, plain {plain_s:.3f} s, ratio {plastic_s / plain_s:.2f}x")


if __name__ == "__main__":
    main()
