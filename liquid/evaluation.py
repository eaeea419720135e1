"""Cross-validation of LSM models over folds x configurations, in parallel through joblib.

Used by ``liquid cv``; plain Python so that it can be tested and reused. Each
(configuration, fold) pair is one task; results stream back as they finish, so
a caller can keep (and save) what is done if the run is interrupted.
"""
from __future__ import annotations

import time
from itertools import product
from typing import Iterator

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    mean_squared_error,
    r2_score,
)
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedShuffleSplit,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from .encoders import ENCODERS
from .estimators import LSMClassifier, LSMRegressor
from .features import EXTRACTORS
from .neurons import NEURON_MODELS
from .plasticity import PLASTICITY_RULES
from .topology import TOPOLOGIES

CLASSIFICATION_METRICS = ("accuracy", "balanced_accuracy", "macro_f1")
REGRESSION_METRICS = ("r2", "rmse")


def make_readout(name: str | None, task: str):
    """A readout by name: "ridge" (the default), "logistic" or "svm" (classification only)."""
    if name in (None, "ridge"):
        return None
    if task == "classification" and name == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    if task == "classification" and name == "svm":
        return make_pipeline(StandardScaler(), LinearSVC(C=0.1, max_iter=20000))
    choices = "ridge, logistic, svm" if task == "classification" else "ridge"
    raise ValueError(f"unknown readout {name!r} for {task}; choose one of: {choices}")


#: The component a settings table without a "name" configures: the estimators' default.
DEFAULT_COMPONENTS = {"neuron": "multiscale", "topology": "fixed_indegree", "encoder": "current",
                      "plasticity": "stdp"}


def _component(value, registry: dict, param: str):
    """A component from a config value: a name, or {"name": ..., **params}."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        settings = dict(value)
        name = settings.pop("name", DEFAULT_COMPONENTS.get(param))
        if name not in registry:
            raise ValueError(f"{param} needs a 'name' in {sorted(registry)}, got {value!r}")
        try:
            return registry[name](**settings)
        except TypeError as error:
            raise ValueError(f"invalid {param} settings {settings}: {error}") from None
    raise ValueError(f"{param} must be a name or a table of settings, got {value!r}")


def model_params(config: dict, task: str) -> dict:
    """Turn a plain configuration (from the command line or a JSON/TOML/YAML file) into estimator params."""
    params = dict(config)
    allowed = set((LSMClassifier if task == "classification" else LSMRegressor)().get_params())
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValueError(f"unknown model parameter(s) {unknown}; known: {sorted(allowed)}")
    if "neuron" in params:
        params["neuron"] = _component(params["neuron"], NEURON_MODELS, "neuron")
    if "topology" in params:
        params["topology"] = _component(params["topology"], TOPOLOGIES, "topology")
    if "encoder" in params:
        params["encoder"] = _component(params["encoder"], ENCODERS, "encoder")
    if "features" in params:
        features = params["features"] if isinstance(params["features"], list) else [params["features"]]
        params["features"] = [_component(f, EXTRACTORS, "features") for f in features]
    if params.get("plasticity") is not None:
        params["plasticity"] = _component(params["plasticity"], PLASTICITY_RULES, "plasticity")
    if "readout" in params:
        params["readout"] = make_readout(params["readout"], task)
    return params


def expand_grid(grid: dict[str, list]) -> list[dict]:
    """All combinations of a {parameter: [values]} grid, in a stable order (one empty config if no grid)."""
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ValueError(f"grid values for {name!r} must be a non-empty list, got {values!r}")
    names = list(grid)
    return [dict(zip(names, combo)) for combo in product(*(grid[n] for n in names))] or [{}]


def make_splits(
    y: np.ndarray,
    *,
    task: str,
    folds: int = 5,
    repeats: int = 1,
    groups: np.ndarray | None = None,
    test_size: float | None = None,
    seed: int = 0,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs: (stratified) K-fold, group-aware when ``groups`` is given, or one hold-out."""
    n = len(y)
    X_dummy = np.zeros(n)
    stratify = task == "classification"
    if test_size is not None:
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"--test-size must be between 0 and 1, got {test_size}")
        if groups is not None:
            splitter = GroupShuffleSplit(n_splits=repeats, test_size=test_size, random_state=seed)
        elif stratify:
            splitter = StratifiedShuffleSplit(n_splits=repeats, test_size=test_size, random_state=seed)
        else:
            splitter = ShuffleSplit(n_splits=repeats, test_size=test_size, random_state=seed)
        return list(splitter.split(X_dummy, y, groups))
    if folds < 2:
        raise ValueError(f"--folds must be at least 2, got {folds}")
    if groups is not None:
        n_groups = len(np.unique(groups))
        if n_groups < folds:
            raise ValueError(f"--folds {folds} needs at least {folds} groups, but there are {n_groups}")
        if repeats != 1:
            raise ValueError("--repeats cannot be combined with --groups (group folds are not random)")
        splitter = StratifiedGroupKFold(n_splits=folds) if stratify else GroupKFold(n_splits=folds)
        return list(splitter.split(X_dummy, y, groups))
    if stratify:
        smallest = np.unique(y, return_counts=True)[1].min()
        if smallest < folds:
            raise ValueError(f"--folds {folds} is more than the {smallest} samples of the smallest class")
        splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    else:
        splitter = RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    return list(splitter.split(X_dummy, y))


def score(task: str, y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    if task == "classification":
        return {
            "accuracy": accuracy_score(y_true, y_pred),
            "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
            "macro_f1": f1_score(y_true, y_pred, average="macro"),
        }
    return {"r2": r2_score(y_true, y_pred), "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred)))}


def _evaluate(model, X, y, task, config_id, fold, train, test) -> dict:
    start = time.perf_counter()
    fitted = clone(model).fit([X[i] for i in train], y[train])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    predicted = fitted.predict([X[i] for i in test])
    predict_s = time.perf_counter() - start
    return {
        "config": config_id,
        "fold": fold,
        **score(task, y[test], predicted),
        "fit_s": fit_s,
        "predict_s": predict_s,
        "rate_hz": fitted.liquid_.firing_rate_,
        "n_train": len(train),
        "n_test": len(test),
    }


def cross_validate_configs(
    model,
    configs: list[dict],
    X: list[np.ndarray],
    y: np.ndarray,
    splits: list[tuple[np.ndarray, np.ndarray]],
    *,
    task: str,
    n_jobs: int = 1,
) -> Iterator[dict]:
    """Yield one result row per (configuration, fold) as tasks finish (in any order).

    ``configs`` are estimator params set on a clone of ``model``. Run inside
    ``joblib.parallel_config(backend=...)`` to choose where tasks run; the
    numbers do not depend on it (each liquid is seeded by its own params).
    """
    tasks = []
    for config_id, config in enumerate(configs):
        configured = clone(model).set_params(**config)
        for fold, (train, test) in enumerate(splits):
            tasks.append(delayed(_evaluate)(configured, X, y, task, config_id, fold, train, test))
    yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(tasks)
