"""Per-timestep tasks: liquid's sequence estimators against reservoirpy's echo state network.

Tasks (NRMSE = RMSE / std of the target, on held-out data):

* NARMA-10: 4,000 steps, train on the first 3,000 (washout 100), test on the rest.
* Mackey-Glass (tau = 17, sampled every time unit, scaled to [-1, 1]): 1-step-ahead
  teacher-forced prediction, and 10-step-ahead free-running forecasts from 100
  origins in the test part (NRMSE of the 10th step).

Both models get the same sizes (500 and 2,000 units), the same data and a ridge
readout; fit and predict seconds are wall time in this run. Two baselines without
a reservoir: ridge regression on the last 10 inputs (scikit-learn's ``RidgeCV``;
free-running by feeding its predictions back) and reservoirpy's NVAR (10 delays,
quadratic monomials, ridge chosen like the ESN's settings). The memory curve: the
NRMSE of reconstructing white-noise input ``k`` steps back (k = 1 ... 20) from the
liquid's own state (no input, no delay line in the readout) and from the ESN's. The ESN is
reservoirpy's (``pip install "liquid-lsm[bench]"``), ridge 1e-6, with its
spectral radius, leak rate and input scaling chosen per task among 8
textbook settings by NRMSE on the last quarter of the training data (the
liquid runs with its defaults, :func:`liquid.sequence.memory_liquid`); its
rows are skipped when reservoirpy is not installed.

Usage: python benchmarks/timeseries.py [--sizes 500 2000] [--quick]
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from liquid.datasets import make_mackey_glass, make_narma
from liquid.forecasting import LSMForecaster
from liquid.sequence import LSMSequenceRegressor, memory_liquid

WASHOUT = 100


def nrmse(predicted, truth) -> float:
    return float(np.sqrt(np.mean((np.asarray(predicted) - truth) ** 2)) / np.std(truth))


def tasks(quick: bool) -> dict:
    n = 1500 if quick else 4000
    u, y = make_narma(n, random_state=0)
    mg = make_mackey_glass(n + 11, random_state=0)
    mg = 2.0 * (mg - mg.min()) / (mg.max() - mg.min()) - 1.0
    return {"narma": (u, y, int(0.75 * n)), "mackey_glass": (mg, int(0.75 * n))}


def liquid_scores(n_units: int, data: dict) -> dict:
    scores = {}
    u, y, split = data["narma"]
    start = time.perf_counter()
    model = LSMSequenceRegressor(memory_liquid(n_units, random_state=0), washout=WASHOUT).fit(u[:split], y[:split])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict(u)
    scores["narma"] = (nrmse(predicted[split:], y[split:]), fit_s, time.perf_counter() - start)

    series, split = data["mackey_glass"]
    start = time.perf_counter()
    forecaster = LSMForecaster(memory_liquid(n_units, random_state=0), washout=WASHOUT).fit(series[:split])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    one_step = forecaster.predict(series[:-1])
    scores["mg_1"] = (nrmse(one_step[split:], series[split + 1 :]), fit_s, time.perf_counter() - start)
    origins = np.linspace(split, series.shape[0] - 11, 100).astype(np.int64)
    start = time.perf_counter()
    free = forecaster.forecast(series, 10, origins=origins)
    scores["mg_10"] = (nrmse(free[:, -1], series[origins + 10]), fit_s, time.perf_counter() - start)
    return scores


LAGS = 10
MEMORY_STEPS = (1, 2, 5, 10, 15, 20)


def _lagged(x: np.ndarray, k: int) -> np.ndarray:
    """(n, k): x[t], x[t - 1], ..., x[t - k + 1] (zeros before the start)."""
    out = np.zeros((x.shape[0], k))
    for j in range(k):
        out[j:, j] = x[: x.shape[0] - j]
    return out


def ridge_lag_scores(data: dict) -> dict:
    """Ridge regression on the last ``LAGS`` inputs: the linear baseline a reservoir must beat."""
    from sklearn.linear_model import RidgeCV

    def ridge():
        return RidgeCV(alphas=np.logspace(-10, 3, 27))

    scores = {}
    u, y, split = data["narma"]
    start = time.perf_counter()
    model = ridge().fit(_lagged(u, LAGS)[WASHOUT:split], y[WASHOUT:split])
    fit_s = time.perf_counter() - start
    scores["narma"] = (nrmse(model.predict(_lagged(u, LAGS))[split:], y[split:]), fit_s, 0.0)
    series, split = data["mackey_glass"]
    lagged = _lagged(series[:-1], LAGS)
    start = time.perf_counter()
    model = ridge().fit(lagged[WASHOUT:split], series[1:][WASHOUT:split])
    fit_s = time.perf_counter() - start
    scores["mg_1"] = (nrmse(model.predict(lagged)[split:], series[split + 1 :]), fit_s, 0.0)
    origins = np.linspace(split, series.shape[0] - 11, 100).astype(np.int64)
    finals = []
    for origin in origins:
        window = list(series[origin - LAGS + 1 : origin + 1][::-1])  # newest first
        for _ in range(10):
            window.insert(0, float(model.predict(np.array(window[:LAGS])[None])[0]))
        finals.append(window[0])
    scores["mg_10"] = (nrmse(np.array(finals), series[origins + 10]), fit_s, 0.0)
    return scores


def nvar_scores(data: dict) -> dict | None:
    """reservoirpy's NVAR: ``LAGS`` delays and their quadratic monomials, ridge chosen on the training data."""
    try:
        from reservoirpy.nodes import NVAR, Ridge
    except ImportError:
        return None

    def fitted(inputs, targets):
        cut = int(0.75 * inputs.shape[0])
        errors = []
        for ridge in (1e-8, 1e-6, 1e-4, 1e-2):
            model = NVAR(delay=LAGS, order=2, strides=1) >> Ridge(ridge=ridge)
            model.fit(inputs[:cut], targets[:cut], warmup=WASHOUT)
            errors.append(nrmse(model.run(inputs)[cut:], targets[cut:]))
        model = NVAR(delay=LAGS, order=2, strides=1) >> Ridge(ridge=(1e-8, 1e-6, 1e-4, 1e-2)[int(np.argmin(errors))])
        return model.fit(inputs, targets, warmup=WASHOUT)

    scores = {}
    u, y, split = data["narma"]
    start = time.perf_counter()
    model = fitted(u[:split, None], y[:split, None])
    fit_s = time.perf_counter() - start
    scores["narma"] = (nrmse(model.run(u[:, None])[split:, 0], y[split:]), fit_s, 0.0)
    series, split = data["mackey_glass"]
    start = time.perf_counter()
    model = fitted(series[: split - 1, None], series[1:split, None])
    fit_s = time.perf_counter() - start
    scores["mg_1"] = (nrmse(model.run(series[:-1, None])[split:, 0], series[split + 1 :]), fit_s, 0.0)
    return scores


def memory_curves(n_units: int, quick: bool) -> dict:
    """NRMSE of recalling white-noise input k steps back, from the liquid's own state and the ESN's."""
    rng = np.random.default_rng(1)
    u = rng.uniform(-1.0, 1.0, 1500 if quick else 4000)
    split = int(0.75 * u.shape[0])
    targets = np.column_stack([np.concatenate([np.zeros(k), u[:-k]]) for k in MEMORY_STEPS])
    liquid = LSMSequenceRegressor(memory_liquid(n_units, random_state=0), washout=WASHOUT, include_input=False,
                                  input_lags=0).fit(u[:split], targets[:split])
    curves = {"liquid": [nrmse(p, t) for p, t in zip(liquid.predict(u)[split:].T, targets[split:].T)]}
    try:
        config = ESN_GRID[0]
        _, esn = _esn(n_units, config)
        esn.fit(u[:split, None], targets[:split], warmup=WASHOUT)
        curves["ESN"] = [nrmse(p, t) for p, t in zip(esn.run(u[:, None])[split:].T, targets[split:].T)]
    except ImportError:
        pass
    return curves


ESN_GRID = [dict(sr=sr, lr=lr, input_scaling=scaling) for sr in (0.9, 1.25) for lr in (0.3, 1.0)
            for scaling in (0.5, 1.0)]


def _esn(n_units: int, config: dict):
    from reservoirpy.nodes import Reservoir, Ridge

    reservoir = Reservoir(n_units, seed=0, **config)
    return reservoir, reservoir >> Ridge(ridge=1e-6)


def _select_esn(n_units: int, inputs: np.ndarray, targets: np.ndarray) -> dict:
    """The ESN settings with the lowest NRMSE on the last quarter of the training data (no test data)."""
    cut = int(0.75 * inputs.shape[0])
    errors = []
    for config in ESN_GRID:
        _, esn = _esn(n_units, config)
        esn.fit(inputs[:cut], targets[:cut], warmup=WASHOUT)
        errors.append(nrmse(esn.run(inputs)[cut:], targets[cut:]))
    return ESN_GRID[int(np.argmin(errors))]


def esn_scores(n_units: int, data: dict) -> dict | None:
    try:
        import reservoirpy  # noqa: F401
    except ImportError:
        return None
    scores = {}
    u, y, split = data["narma"]
    start = time.perf_counter()
    config = _select_esn(n_units, u[:split, None], y[:split, None])
    _, esn = _esn(n_units, config)
    esn.fit(u[:split, None], y[:split, None], warmup=WASHOUT)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    predicted = esn.run(u[:, None])[:, 0]
    scores["narma"] = (nrmse(predicted[split:], y[split:]), fit_s, time.perf_counter() - start)

    series, split = data["mackey_glass"]
    start = time.perf_counter()
    config = _select_esn(n_units, series[: split - 1, None], series[1:split, None])
    reservoir, esn = _esn(n_units, config)
    esn.fit(series[: split - 1, None], series[1:split, None], warmup=WASHOUT)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    one_step = esn.run(series[:-1, None])[:, 0]
    scores["mg_1"] = (nrmse(one_step[split:], series[split + 1 :]), fit_s, time.perf_counter() - start)
    origins = np.linspace(split, series.shape[0] - 11, 100).astype(np.int64)
    start = time.perf_counter()
    finals = []
    reservoir.reset()
    position = 0
    for origin in origins:
        esn.run(series[position:origin, None])  # teacher forcing up to the origin
        position = origin
        saved = {key: value.copy() for key, value in reservoir.state.items()}
        value = esn(series[origin : origin + 1])
        for _ in range(9):
            value = esn(value)  # free-running: the prediction is the next input
        finals.append(value[0])
        reservoir.state = saved
    scores["mg_10"] = (nrmse(np.array(finals), series[origins + 10]), fit_s, time.perf_counter() - start)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--quick", action="store_true", help="short series, 100 units: checks the script runs")
    args = parser.parse_args()
    if args.quick:
        args.sizes = [100]
    warnings.simplefilter("ignore")
    data = tasks(args.quick)
    print(f"{'task':<14} {'units':>6} {'model':<7} {'NRMSE':>7} {'fit s':>7} {'predict s':>10}")
    results = []
    for n in args.sizes:
        for name, scores in (("liquid", liquid_scores(n, data)), ("ESN", esn_scores(n, data))):
            if scores is None:
                print(f"{'(all)':<14} {n:>6} {name:<7} reservoirpy not installed: pip install 'liquid-lsm[bench]'")
                continue
            for task, (error, fit_s, predict_s) in scores.items():
                results.append((task, n, name, error))
                print(f"{task:<14} {n:>6} {name:<7} {error:>7.4f} {fit_s:>7.1f} {predict_s:>10.1f}", flush=True)
    for name, scores in (("ridge10", ridge_lag_scores(data)), ("NVAR", nvar_scores(data))):
        if scores is None:
            print(f"{'(all)':<14} {'-':>6} {name:<7} reservoirpy not installed: pip install 'liquid-lsm[bench]'")
            continue
        for task, (error, fit_s, predict_s) in scores.items():
            results.append((task, 0, name, error))
            print(f"{task:<14} {'-':>6} {name:<7} {error:>7.4f} {fit_s:>7.1f} {predict_s:>10.1f}", flush=True)
    by_key = {(t, n, m): e for t, n, m, e in results}
    for task, n, model, error in results:
        esn, ridge = by_key.get((task, n, "ESN")), by_key.get((task, 0, "ridge10"))
        if model == "liquid":
            ratios = [f"liquid / ESN = {error / esn:.2f}"] if esn else []
            ratios += [f"liquid / ridge on {LAGS} lags = {error / ridge:.2f}"] if ridge else []
            print(f"# {task} at {n} units: NRMSE {'; '.join(ratios)}")
    print(f"\nmemory curve (NRMSE of the input k steps back; 1 = no memory), {args.sizes[0]} units:")
    curves = memory_curves(args.sizes[0], args.quick)
    print(f"{'k':>4} " + " ".join(f"{name:>8}" for name in curves))
    for i, k in enumerate(MEMORY_STEPS):
        print(f"{k:>4} " + " ".join(f"{curve[i]:>8.3f}" for curve in curves.values()))


if __name__ == "__main__":
    main()
