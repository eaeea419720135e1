"""``liquid`` command line: cross-validate Liquid State Machines without writing Python.

examples:
  liquid cv                                      embedded Japanese Vowels, 5-fold stratified CV
  liquid cv --folds 3 --repeats 2 --n-neurons 500 --output results.csv
  liquid cv --dataset spike_pattern --features counts state --stdp
  liquid cv --data sensors.csv --label-col activity --groups subject
  liquid cv --grid n_neurons=300,1000 --grid input_scale=2,5
  liquid cv --params config.toml --n-jobs 2
  liquid cv --backend dask --scheduler tcp://10.0.0.5:8786
  liquid cv --dataset mackey_glass --task regression
  liquid datasets
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import parallel_config
from sklearn.base import clone

from . import __version__
from .cli_config import CLIError, check_fits, check_grid_size, parse_grid, read_config
from .cli_output import claim_output, release_output, save_results
from .datasets.long import from_long_frame, read_table
from .datasets.registry import BUILTIN
from .encoders import ENCODERS
from .estimators import LIQUID_PARAMS, LiquidStateMachine, LSMClassifier, LSMRegressor
from .evaluation import (
    CLASSIFICATION_METRICS,
    REGRESSION_METRICS,
    cross_validate_configs,
    expand_grid,
    make_splits,
    model_params,
)
from .features import EXTRACTORS
from .topology import TOPOLOGIES

#: command-line option -> estimator parameter, for the model options
MODEL_OPTIONS = {
    "n_neurons": "n_neurons",
    "frac_inhibitory": "frac_inhibitory",
    "topology": "topology",
    "encoder": "encoder",
    "features": "features",
    "input_scale": "input_scale",
    "input_fraction": "input_fraction",
    "frame_duration": "frame_duration",
    "dt": "dt",
    "readout": "readout",
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liquid", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"liquid {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{cv,datasets,warmup}")

    cv = sub.add_parser(
        "cv", help="cross-validate an LSM on a dataset", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = cv.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", help=f"built-in dataset (default japanese_vowels): {', '.join(BUILTIN)}")
    source.add_argument("--data", type=Path, help="your file: long-format .csv/.tsv/.parquet, or .npz (X, y[, lengths])")
    data.add_argument("--task", choices=["classification", "regression"], help="default: the dataset's task")
    data.add_argument("--sample-col", default="sample", help="column of sequence ids (default: sample)")
    data.add_argument("--time-col", default="time", help="column ordering rows in a sequence (default: time)")
    data.add_argument("--label-col", default="label", help="column of the target (default: label)")
    data.add_argument("--value-cols", help="comma-separated channel columns (default: every other column of numbers; "
                      "text columns are skipped with a note)")
    data.add_argument("--groups", help="column (or 'speaker' for fsdd) for group-aware folds")

    model = cv.add_argument_group("model (override --params)")
    model.add_argument("--n-neurons", type=int)
    model.add_argument("--frac-inhibitory", type=float)
    model.add_argument("--topology", choices=sorted(TOPOLOGIES))
    model.add_argument("--encoder", choices=sorted(ENCODERS))
    model.add_argument("--features", nargs="+", choices=sorted(EXTRACTORS))
    model.add_argument("--input-scale", type=float)
    model.add_argument("--input-fraction", type=float)
    model.add_argument("--frame-duration", type=float, help="ms of simulation per input timestep")
    model.add_argument("--dt", type=float, help="integration step (ms)")
    model.add_argument("--readout", choices=["ridge", "logistic", "svm"])
    model.add_argument("--stdp", action=argparse.BooleanOptionalAction, default=None,
                       help="tune the liquid by STDP during fit (default: off; settings via --params [plasticity])")
    model.add_argument("--seed", type=int, default=0, help="random_state of the liquid and the splits (default 0)")
    model.add_argument("--params", type=Path, help="model configuration file (.json, .toml, .yaml)")
    model.add_argument(
        "--grid", action="append", default=[], metavar="PARAM=V1,V2",
        help="grid over a parameter (repeatable); every configuration is cross-validated on the same folds",
    )

    folds = cv.add_argument_group("evaluation")
    folds.add_argument("--folds", type=int, default=5, help="K of (stratified) K-fold (default 5)")
    folds.add_argument("--repeats", type=int, default=1, help="repetitions with reshuffled folds (default 1)")
    folds.add_argument("--test-size", type=float, help="one hold-out split of this fraction instead of K folds")

    run = cv.add_argument_group("execution and output")
    run.add_argument("--n-jobs", type=int, default=1, help="folds/configurations run in parallel (default 1)")
    run.add_argument("--backend", choices=["loky", "threading", "dask"], default="loky")
    run.add_argument("--scheduler", help="Dask scheduler address (tcp://host:port); default: start a LocalCluster")
    run.add_argument("--output", type=Path, help="save per-fold results: .csv, .json or .parquet")
    run.add_argument("--force", action="store_true", help="overwrite an existing --output file")
    run.add_argument("--debug", action="store_true", help="show tracebacks")

    sub.add_parser("datasets", help="list the built-in datasets and whether they are available here")
    sub.add_parser("warmup", help="compile the simulation kernels now (they are cached for every later run)")
    return parser


# -- data ------------------------------------------------------------------------------------
def _load_data(args) -> tuple[list, np.ndarray, np.ndarray | None, str, str]:
    """X, y, groups, task, dataset label."""
    if args.data is not None:
        X, y, groups = _load_file(args)
        if args.task is None and _looks_continuous(y):
            raise CLIError(f"the target column {args.label_col!r} looks continuous ({len(np.unique(y))} distinct "
                           "values, not all whole numbers): pass --task regression (or --task classification to "
                           "treat each value as a class)")
        task = args.task or "classification"
        return X, y, groups, task, args.data.name
    name = args.dataset or "japanese_vowels"
    if name not in BUILTIN:
        raise CLIError(f"unknown dataset {name!r}; built-in datasets: {', '.join(BUILTIN)}")
    dataset = BUILTIN[name]
    if not dataset.available():
        raise CLIError(f"dataset {name!r} is not on this machine; set LIQUID_DATA to the folder holding it, "
                       f"or download it with: python -c \"{dataset.fetch}\"")
    loaded = dataset.loader()
    X, y = loaded[0], np.asarray(loaded[1])
    groups = None
    if args.groups is not None:
        if len(loaded) < 3:
            raise CLIError(f"dataset {name!r} has no groups; --groups works with fsdd (speaker) and --data files")
        groups = np.asarray(loaded[2])
    task = args.task or dataset.task
    return list(X), y, groups, task, name


def _looks_continuous(y: np.ndarray) -> bool:
    """A numeric target with fractional values that mostly differ: a regression target, not classes."""
    if y.dtype.kind != "f" or not np.isfinite(y).all():
        return False
    return bool(np.any(y != np.round(y))) and len(np.unique(y)) > len(y) / 2


def _text_columns(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The columns none of whose cells is a number (names, ids): not channels. A column of numbers with a
    bad cell is not one of them: it is refused later, naming the cell."""
    return [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c]) and pd.to_numeric(frame[c], errors="coerce").isna().all()]


def _load_file(args) -> tuple[list, np.ndarray, np.ndarray | None]:
    path = args.data
    if not path.is_file():
        raise CLIError(f"no such file: {path}")
    if path.suffix.lower() == ".npz":
        if args.groups is not None:
            raise CLIError("--groups needs a table (.csv/.tsv/.parquet), not .npz")
        return (*_load_npz(path), None)
    frame = read_table(path)
    values = args.value_cols.split(",") if args.value_cols else None
    for option, column in (("--label-col", args.label_col), ("--sample-col", args.sample_col),
                           ("--groups", args.groups)):
        if column is not None and column not in frame.columns:
            raise CLIError(f"{option} {column!r} is not a column of {path.name}; columns: {list(frame.columns)}")
    excluded = [args.groups] if args.groups else []
    if values is None:
        named = {args.sample_col, args.time_col, args.label_col, *excluded}
        values = [c for c in frame.columns if c not in named]
        text = _text_columns(frame, values)
        if text:
            print(f"liquid: note: text column(s) {', '.join(map(repr, text))} are not channels and are skipped; "
                  "choose the channels with --value-cols, or fold by groups with --groups COLUMN", file=sys.stderr)
            values = [c for c in values if c not in text]
    bunch = from_long_frame(frame, sample=args.sample_col, time=args.time_col, values=values, label=args.label_col)
    groups = None
    if args.groups is not None:
        per_sample = frame.groupby(args.sample_col, sort=False)[args.groups].first()
        groups = per_sample.loc[bunch.sample_ids].to_numpy()
    return bunch.X, bunch.y, groups


def _load_npz(path: Path) -> tuple[list, np.ndarray]:
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if "X" not in data or "y" not in data:
                raise CLIError(f"{path.name} must hold arrays 'X' and 'y' (and optionally 'lengths')")
            for name in ("X", "y", "lengths"):
                if name in data:
                    try:
                        arrays[name] = data[name]
                    except ValueError as error:
                        if "allow_pickle" not in str(error):
                            raise
                        hint = ("store ragged X as stacked frames plus 'lengths'" if name == "X"
                                else "store it as numbers or fixed-width strings")
                        raise CLIError(f"{path.name}: array {name!r} holds Python objects; {hint}") from None
    except (ValueError, OSError, EOFError) as error:
        raise CLIError(f"cannot read {path}: {error}") from None
    X, y, lengths = arrays["X"], arrays["y"], arrays.get("lengths")
    if y.ndim != 1:
        raise CLIError(f"{path.name}: y must be 1-D, got shape {y.shape}")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise CLIError(f"{path.name}: y has NaN or infinite values (first at index {np.flatnonzero(~np.isfinite(y))[0]})")
    if lengths is not None:
        if lengths.ndim != 1 or lengths.dtype.kind not in "iu":
            raise CLIError(f"{path.name}: 'lengths' must be a 1-D array of integers, got {lengths.dtype} {lengths.shape}")
        if lengths.size == 0 or lengths.min() < 1:
            raise CLIError(f"{path.name}: every entry of 'lengths' must be >= 1, got {lengths.tolist()[:10]}")
        if X.ndim != 2 or lengths.sum() != X.shape[0]:
            raise CLIError(
                f"{path.name}: with 'lengths', X must be (sum(lengths) = {lengths.sum()}, n_channels), got {X.shape}"
            )
        sequences = np.split(X, np.cumsum(lengths)[:-1])
    else:
        if X.ndim not in (2, 3):
            raise CLIError(f"{path.name}: X must be 3-D (samples, time, channels) or 2-D with 'lengths'")
        sequences = list(X)
    if len(sequences) != len(y):
        raise CLIError(f"{path.name}: X has {len(sequences)} sequences but y has {len(y)} labels")
    return sequences, y


# -- configuration ------------------------------------------------------------------------------
def _model_and_configs(args, task: str, parallel_tasks: bool):
    config = read_config(args.params) if args.params else {}
    grid = config.pop("grid", {})
    if not isinstance(grid, dict):
        raise CLIError("the config's 'grid' must be a table of {parameter: [values]}")
    grid.update(parse_grid(args.grid))  # the command line's values of a parameter replace the file's
    check_grid_size(grid)
    for option, param in MODEL_OPTIONS.items():
        value = getattr(args, option)
        if value is not None:
            config[param] = list(value) if isinstance(value, list) else value
    if args.stdp is not None:
        config["plasticity"] = config.get("plasticity") or "stdp" if args.stdp else None
    builtin = BUILTIN.get(args.dataset or "japanese_vowels") if args.data is None else None
    if builtin is not None and "encoder" not in config:
        config["encoder"] = builtin.encoder
    # Threads inside each liquid when tasks run one at a time; one thread each when they run side by side.
    config.update(random_state=args.seed, n_jobs=1 if parallel_tasks else -1)
    estimator = LSMClassifier if task == "classification" else LSMRegressor
    model = estimator(**model_params(config, task))
    configs = [model_params(c, task) for c in expand_grid(grid)]
    labels = [", ".join(f"{k}={v}" for k, v in c.items()) or "default" for c in expand_grid(grid)]
    return model, configs, labels, grid


# -- output ---------------------------------------------------------------------------------------
def _fold_columns(metrics: tuple[str, ...], several_configs: bool) -> list[str]:
    return (["config"] if several_configs else []) + ["fold", *metrics, "fit_s", "predict_s", "rate_hz"]


def _fold_header(columns: list[str]) -> str:
    return " ".join(f"{c:>{max(len(c), 6)}}" for c in columns)


def _fold_line(row: dict, columns: list[str]) -> str:
    cells = []
    for c in columns:
        value = row[c]
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        cells.append(f"{text:>{max(len(c), 6)}}")
    return " ".join(cells)


def _summary(results: pd.DataFrame, metrics: tuple[str, ...], labels: list[str]) -> str:
    rows = []
    for config_id, group in results.groupby("config"):
        row = {"configuration": labels[config_id]}
        for metric in (*metrics, "fit_s", "predict_s"):
            row[metric] = f"{group[metric].mean():.3f} ± {group[metric].std(ddof=0):.3f}"
        rows.append(row)
    return "\nmean ± std over folds:\n" + pd.DataFrame(rows).to_string(index=False)


class _Progress:
    """A progress bar on stderr (tqdm when installed), shown only on a terminal."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.bar = None
        if sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, desc="folds", file=sys.stderr, leave=False)
            except ImportError:
                self.bar = None
        self.plain = self.bar is None and sys.stderr.isatty()

    def update(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update()
        elif self.plain:
            print(f"\rfolds {self.done}/{self.total}", end="", file=sys.stderr, flush=True)

    def write(self, line: str) -> None:
        """Print a result line on stdout without garbling the bar."""
        if self.bar is not None:
            self.bar.write(line, file=sys.stdout)
            sys.stdout.flush()
            return
        if self.plain:
            print("\r" + " " * 30 + "\r", end="", file=sys.stderr, flush=True)
        print(line, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.plain:
            print("\r" + " " * 30 + "\r", end="", file=sys.stderr, flush=True)


def _backend_context(args):
    if args.backend != "dask":
        if args.scheduler:
            raise CLIError("--scheduler needs --backend dask")
        return None, args.backend
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise CLIError("--backend dask needs dask.distributed: pip install 'dask[distributed]'") from None
    if args.scheduler:
        try:
            client = Client(args.scheduler, timeout=10)
        except (OSError, TimeoutError) as error:
            raise CLIError(f"cannot reach the Dask scheduler at {args.scheduler}: {error}") from None
    else:
        client = Client(LocalCluster(n_workers=max(1, args.n_jobs), threads_per_worker=1, processes=True))
    return client, "dask"


class _Terminated(Exception):
    """SIGTERM arrived: stop like Ctrl-C, saving the finished folds."""


def _raise_terminated(signum, frame):
    raise _Terminated()


def _stop_workers(client) -> None:
    """No worker outlives the command: close the Dask client and cluster, kill loky's reusable pool."""
    if client is not None:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=False, kill_workers=True)


def _cv(args) -> int:
    claimed = args.output is not None and claim_output(args.output, args.force)
    try:
        return _run_cv(args)
    finally:
        if claimed:
            release_output(args.output)  # only if nothing was written to it


def _run_cv(args) -> int:
    X, y, groups, task, dataset = _load_data(args)
    if task == "regression":
        try:
            y = y.astype(np.float64)
        except ValueError:
            raise CLIError("--task regression needs a numeric target column") from None
    parallel_tasks = args.n_jobs != 1 or args.backend == "dask"
    model, configs, labels, grid = _model_and_configs(args, task, parallel_tasks)
    for config in configs:  # bad parameters fail here, in one line, before the header
        candidate = clone(model).set_params(**config)
        LiquidStateMachine(**{name: getattr(candidate, name) for name in LIQUID_PARAMS})._validate_params()
    check_fits(len(configs), args.repeats * (1 if args.test_size else args.folds), len(y))
    splits = make_splits(y, task=task, folds=args.folds, repeats=args.repeats, groups=groups,
                         test_size=args.test_size, seed=args.seed)
    metrics = CLASSIFICATION_METRICS if task == "classification" else REGRESSION_METRICS
    split_name = f"hold-out {args.test_size}" if args.test_size else f"{args.folds}-fold x {args.repeats}"
    # The header and every fold's row are printed as soon as they are known, also when piped.
    print(f"liquid cv: {dataset} ({task}, {len(X)} sequences), {split_name}"
          f"{', grouped by ' + args.groups if groups is not None else ''}, seed {args.seed}", flush=True)
    columns = _fold_columns(metrics, len(configs) > 1)
    print(_fold_header(columns), flush=True)
    rows: list[dict] = []
    progress = _Progress(len(configs) * len(splits))
    client = None
    previous_handler = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        client, backend = _backend_context(args)
        with parallel_config(backend=backend):
            n_jobs = -1 if backend == "dask" else args.n_jobs
            for row in cross_validate_configs(model, configs, X, y, splits, task=task, n_jobs=n_jobs):
                rows.append(row)
                progress.write(_fold_line(row, columns))
                progress.update()
    except (KeyboardInterrupt, _Terminated) as stop:
        progress.close()
        what = "terminated" if isinstance(stop, _Terminated) else "interrupted"
        if rows:
            target = args.output or _free_name(Path("liquid-cv-interrupted.csv"))
            written = save_results(_with_config_columns(pd.DataFrame(rows), grid, model, dataset, args.seed), target)
            print(f"{what}: saved {len(rows)} finished folds to {written}", file=sys.stderr)
        else:
            print(f"{what} before any fold finished; nothing saved", file=sys.stderr)
        return 130 if isinstance(stop, KeyboardInterrupt) else 143
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        _stop_workers(client)
    progress.close()
    results = _with_config_columns(pd.DataFrame(rows), grid, model, dataset, args.seed)
    print(_summary(results, metrics, labels), flush=True)
    if args.output is not None:
        written = save_results(results, args.output)
        print(f"saved {len(results)} rows to {written}", file=sys.stderr)
    return 0


def _free_name(path: Path) -> Path:
    """``path``, or ``stem-2.suffix``, ``stem-3.suffix``, ... : the first that does not exist."""
    candidate, k = path, 1
    while candidate.exists():
        k += 1
        candidate = path.with_name(f"{path.stem}-{k}{path.suffix}")
    return candidate


def _with_config_columns(results: pd.DataFrame, grid, model, dataset: str, seed: int) -> pd.DataFrame:
    """Per-fold rows with every setting of the model (defaults included; the grid's per row) as columns."""
    results = results.sort_values(["config", "fold"]).reset_index(drop=True)
    combos = expand_grid(grid)
    for name, value in sorted(model.get_params(deep=False).items()):
        if name not in grid and name not in ("random_state", "n_jobs", "verbose"):
            results[name] = value if value is None or isinstance(value, (bool, int, float, str)) else repr(value)
    for name in grid:
        results[name] = [combos[c][name] for c in results["config"]]
    results.insert(0, "dataset", dataset)
    results["seed"] = seed
    return results


def _datasets() -> int:
    rows = [
        {"name": d.name, "task": d.task, "size": d.size, "classes": d.classes, "source": d.source,
         "available": "yes" if d.available() else "no (set LIQUID_DATA)"}
        for d in BUILTIN.values()
    ]
    print(pd.DataFrame(rows).to_string(index=False))
    return 0


def _warmup() -> int:
    """Run every kernel once on tiny inputs, so that numba compiles (or loads) and caches them."""
    from .online_anomaly import OnlineAnomalyDetector
    from .readout_passes import sparse_sketch
    from .sequence import LSMSequenceRegressor, memory_liquid

    rng = np.random.default_rng(0)
    X = [rng.standard_normal((20, 2)) for _ in range(4)]
    series = rng.standard_normal(200)
    steps = [
        ("liquid fit / transform", lambda: LSMClassifier(50, random_state=0).fit(X, [0, 1, 0, 1]).predict(X)),
        ("raster", lambda: LSMClassifier(50, random_state=0).fit(X, [0, 1, 0, 1]).liquid_.raster(X[0], [0])),
        ("streaming and per-timestep readout",
         lambda: LSMSequenceRegressor(memory_liquid(50, random_state=0)).fit(series, series).predict(series)),
        ("online anomaly detector", lambda: OnlineAnomalyDetector(memory_liquid(20, random_state=0)).fit(series)),
        ("readout sketch (beyond 4,000 rows and columns)", lambda: sparse_sketch(
            rng.standard_normal((3, 4)), np.arange(4), np.zeros(4), np.ones(4), np.zeros((4, 2), dtype=np.int64),
            np.ones((4, 2), dtype=np.float32), np.zeros((3, 2), dtype=np.float32))),
    ]
    for label, step in steps:
        start = time.perf_counter()
        step()
        print(f"{label}: {time.perf_counter() - start:.1f} s", flush=True)
    print("kernels compiled and cached")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)
        commands = {"datasets": _datasets, "warmup": _warmup}
        return commands[args.command]() if args.command in commands else _cv(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the command line shows one line, --debug the traceback
        if "--debug" in (sys.argv[1:] if argv is None else argv):
            raise
        text = str(error).strip()
        message = text.splitlines()[0] if text else type(error).__name__
        user_error = isinstance(error, (CLIError, ValueError, TypeError, OSError, ImportError, MemoryError))
        if not user_error:
            message = f"{type(error).__name__}: {message} (run with --debug for the traceback)"
        print(f"liquid: error: {message}", file=sys.stderr)
        return 2 if user_error else 1


if __name__ == "__main__":
    sys.exit(main())
