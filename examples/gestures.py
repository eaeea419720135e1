"""Gesture classification on a UEA multivariate set (.ts files) with cross_validate.

Reads ``{name}/{name}_TRAIN.ts`` and ``_TEST.ts`` (UEA archive layout) from
--data or $LIQUID_DATA, cross-validates an LSM classifier on the training
part, scores it on the official test part, and plots the liquid's state
trajectories (PCA) per class.

Usage: python examples/gestures.py [--name NATOPS] [--data DIR] [--output gestures.png] [--quick]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from sklearn.model_selection import StratifiedKFold, cross_validate

from liquid import LSMClassifier, plotting
from liquid.datasets import load_japanese_vowels, load_uea


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", default="NATOPS", help="UEA problem name (NATOPS, BasicMotions, ...)")
    parser.add_argument("--data", type=Path, help="folder holding the UEA sets (default: $LIQUID_DATA)")
    parser.add_argument("--output", type=Path, default=Path("gestures.png"))
    parser.add_argument("--quick", action="store_true", help="300 neurons, 3 folds")
    args = parser.parse_args(argv)
    try:
        train = load_uea(args.name, "train", path=args.data)
        test = load_uea(args.name, "test", path=args.data)
    except FileNotFoundError:
        print(f"UEA set {args.name} not found (download it with: python -c \"from liquid.datasets import "
              f"fetch_uea; fetch_uea('{args.name}')\", or pass --data DIR): using the embedded Japanese Vowels instead")
        args.name, train, test = "JapaneseVowels", load_japanese_vowels("train"), load_japanese_vowels("test")
    model = LSMClassifier(n_neurons=300 if args.quick else 1000, random_state=0, n_jobs=-1)

    folds = StratifiedKFold(n_splits=3 if args.quick else 5, shuffle=True, random_state=0)
    scores = cross_validate(model, train.X, train.y, cv=folds, scoring=["accuracy", "balanced_accuracy"],
                            return_estimator=True)
    print(f"{args.name}: {len(train.X)} training sequences, {len(set(train.y))} classes")
    print(f"  cross-validated accuracy {scores['test_accuracy'].mean():.3f} ± {scores['test_accuracy'].std():.3f}, "
          f"balanced {scores['test_balanced_accuracy'].mean():.3f}")
    fitted = model.fit(train.X, train.y)
    print(f"  official test split: accuracy {fitted.score(test.X, test.y):.3f} "
          f"(liquid rate {fitted.liquid_.firing_rate_:.1f} Hz)")

    plt = plotting.headless_pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(7, 6))
    plotting.state_trajectories(fitted.liquid_, test.X, test.y, ax=ax)
    ax.set_title(f"{args.name}: liquid-state trajectories of the test sequences")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
