"""``liquid`` command line: cross-validate a Liquid State Machine on a dataset.

Examples::

    liquid cv                                   # embedded Japanese Vowels, 5-fold CV
    liquid cv --folds 3 --n-neurons 500 --output results.csv
    liquid cv --dataset temporal_order --encoder poisson --features counts
    liquid datasets
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import RepeatedStratifiedKFold

from . import __version__
from .datasets import load_japanese_vowels, make_temporal_order
from .encoders import ENCODERS
from .estimators import LSMClassifier
from .features import EXTRACTORS
from .topology import TOPOLOGIES

DATASETS = {
    "japanese_vowels": (lambda: _xy(load_japanese_vowels("all")), "embedded; 640 utterances, 9 speakers, 12 channels"),
    "temporal_order": (lambda: make_temporal_order(300, random_state=0), "synthetic; 300 sequences, 6 classes, 4 channels"),
}


class CLIError(Exception):
    """A user error: printed as one line, exit code 2."""


def _xy(bunch):
    return bunch.X, bunch.y


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liquid", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"liquid {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    cv = sub.add_parser("cv", help="cross-validate an LSM classifier on a dataset")
    cv.add_argument("--dataset", default="japanese_vowels", help=f"built-in dataset: {', '.join(DATASETS)}")
    cv.add_argument("--folds", type=int, default=5, help="stratified folds (default 5)")
    cv.add_argument("--repeats", type=int, default=1, help="repetitions of the K-fold split (default 1)")
    cv.add_argument("--n-neurons", type=int, default=1000)
    cv.add_argument("--topology", choices=sorted(TOPOLOGIES), default="fixed_indegree")
    cv.add_argument("--encoder", choices=sorted(ENCODERS), default="current")
    cv.add_argument("--features", nargs="+", choices=sorted(EXTRACTORS), default=["state"])
    cv.add_argument("--input-scale", type=float, default=5.0)
    cv.add_argument("--seed", type=int, default=0, help="random_state of the liquid and the splits")
    cv.add_argument("--n-jobs", type=int, default=-1, help="threads simulating samples (default: all cores)")
    cv.add_argument("--output", type=Path, help="save per-fold results (.csv or .json)")
    cv.add_argument("--debug", action="store_true", help="show tracebacks")

    sub.add_parser("datasets", help="list the built-in datasets")
    return parser


def _load(name: str):
    if name not in DATASETS:
        raise CLIError(f"unknown dataset {name!r}; built-in datasets: {', '.join(DATASETS)}")
    return DATASETS[name][0]()


def _cross_validate(args) -> pd.DataFrame:
    X, y = _load(args.dataset)
    y = np.asarray(y)
    smallest = np.unique(y, return_counts=True)[1].min()
    if args.folds < 2 or smallest < args.folds:
        raise CLIError(f"--folds {args.folds} needs 2 <= folds <= {smallest} (the smallest class has {smallest} samples)")
    model = LSMClassifier(
        n_neurons=args.n_neurons,
        topology=args.topology,
        encoder=args.encoder,
        features=list(args.features),
        input_scale=args.input_scale,
        random_state=args.seed,
        n_jobs=args.n_jobs,
    )
    splitter = RepeatedStratifiedKFold(n_splits=args.folds, n_repeats=args.repeats, random_state=args.seed)
    rows = []
    for fold, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        start = time.perf_counter()
        fitted = clone(model).fit([X[i] for i in train], y[train])
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        predicted = fitted.predict([X[i] for i in test])
        predict_s = time.perf_counter() - start
        rows.append(
            {
                "fold": fold,
                "accuracy": accuracy_score(y[test], predicted),
                "balanced_accuracy": balanced_accuracy_score(y[test], predicted),
                "macro_f1": f1_score(y[test], predicted, average="macro"),
                "fit_s": fit_s,
                "predict_s": predict_s,
                "rate_hz": fitted.liquid_.firing_rate_,
            }
        )
        print(f"fold {fold + 1}/{splitter.get_n_splits()}: accuracy {rows[-1]['accuracy']:.3f}", file=sys.stderr)
    return pd.DataFrame(rows)


def _summary(results: pd.DataFrame) -> str:
    table = results.to_string(index=False, float_format=lambda v: f"{v:.3f}")
    metrics = ["accuracy", "balanced_accuracy", "macro_f1", "fit_s", "predict_s"]
    means = "  ".join(f"{m} {results[m].mean():.3f} ± {results[m].std(ddof=0):.3f}" for m in metrics[:3])
    return f"{table}\n\nmean ± std: {means}"


def _save(results: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        results.to_csv(path, index=False)
    elif suffix == ".json":
        results.to_json(path, orient="records", indent=2)
    else:
        raise CLIError(f"--output must end in .csv or .json, got {path.name!r}")


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "datasets":
            for name, (_, about) in DATASETS.items():
                print(f"{name:<18} {about}")
            return 0
        if args.output is not None and args.output.suffix.lower() not in (".csv", ".json"):
            raise CLIError(f"--output must end in .csv or .json, got {args.output.name!r}")
        results = _cross_validate(args)
        print(f"liquid cv: {args.dataset}, {args.folds}-fold x {args.repeats}, {args.n_neurons} neurons, seed {args.seed}")
        print(_summary(results))
        if args.output is not None:
            _save(results, args.output)
            print(f"saved {len(results)} folds to {args.output}", file=sys.stderr)
        return 0
    except (CLIError, ValueError, TypeError, OSError) as error:
        if getattr(args, "debug", False):
            raise
        print(f"liquid: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
