"""Spoken-digit recognition from raw audio: cochleagram -> liquid -> linear readout, tuned by GridSearchCV.

Uses the Free Spoken Digit Dataset (official split: recordings 0-4 of each
speaker and digit are the test set) from --data, $LIQUID_DATA or the cache
filled by ``liquid.datasets.fetch_fsdd()``; without it, falls back to the
embedded Japanese Vowels (already LPC features, so the audio front-end is
skipped) and says so. Prints a classification report and saves a
confusion-matrix plot.

Usage: python examples/spoken_digits.py [--data DIR] [--output confusion.png] [--quick]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.linear_model import RidgeClassifierCV
from sklearn.metrics import ConfusionMatrixDisplay, classification_report
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from liquid import LiquidStateMachine, plotting
from liquid.audio import Cochleagram
from liquid.datasets import load_fsdd, load_japanese_vowels


def load(data: Path | None, quick: bool):
    """(X_train, y_train, X_test, y_test, steps before the liquid, title)."""
    try:
        fsdd = load_fsdd(data)
    except FileNotFoundError as error:
        print(f"FSDD not found ({error}); using the embedded Japanese Vowels instead")
        train, test = load_japanese_vowels("train"), load_japanese_vowels("test")
        return train.X, train.y, test.X, test.y, [], "Japanese Vowels speakers"
    train = fsdd.split == "train"
    if quick:  # every 10th recording
        subset = np.arange(len(fsdd.X)) % 10 == 0
        train, test = train & subset, ~train & (np.arange(len(fsdd.X)) % 3 == 0)
    else:
        test = ~train
    X_train = [x for x, keep in zip(fsdd.X, train) if keep]
    X_test = [x for x, keep in zip(fsdd.X, test) if keep]
    front_end = [("cochleagram", Cochleagram(sample_rate=fsdd.sample_rate))]
    return X_train, fsdd.y[train], X_test, fsdd.y[test], front_end, "FSDD spoken digits"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="folder of the FSDD recordings")
    parser.add_argument("--output", type=Path, default=Path("confusion.png"))
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, small liquids, a 2-point grid")
    args = parser.parse_args(argv)
    X_train, y_train, X_test, y_test, front_end, title = load(args.data, args.quick)

    pipeline = Pipeline(front_end + [
        ("liquid", LiquidStateMachine(n_neurons=200 if args.quick else 1000, random_state=0, n_jobs=-1,
                                       verbose=0 if args.quick else 1)),
        ("readout", RidgeClassifierCV(alphas=np.logspace(-3, 4, 15))),
    ])
    grid = {"liquid__input_scale": [2.0, 5.0]}
    if not args.quick:
        grid.update({"liquid__features": ["state", "counts"], "liquid__frame_duration": [5.0, 10.0]})
    # verbose: scikit-learn names each fit as it ends (GridSearchCV), the liquid reports its sequences
    # simulated every few seconds (the full run takes minutes).
    search = GridSearchCV(pipeline, grid, cv=3, n_jobs=1, verbose=2).fit(X_train, y_train)
    print(f"{title}: best parameters {search.best_params_} (CV accuracy {search.best_score_:.3f})")
    predicted = search.predict(X_test)
    print(classification_report(y_test, predicted, digits=3))

    plt = plotting.headless_pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(6, 6))
    ConfusionMatrixDisplay.from_predictions(y_test, predicted, ax=ax, colorbar=False)
    ax.set_title(f"{title}: test accuracy {np.mean(predicted == y_test):.3f}")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
