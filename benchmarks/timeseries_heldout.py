"""Per-timestep tasks the readout's delay-line base was not designed on (it was on NARMA-10 and
Mackey-Glass, ``benchmarks/timeseries.py``): Lorenz x one step ahead, the next value of a NAB series
(``../shared/data/nab``, skipped when absent) and a delayed XOR of binary input (memory and a
nonlinearity, which no linear model of the inputs has). NRMSE on the held-out end of each series of
ridge regression on the last 11 inputs, the liquid reading its state and the input alone
(``input_lags=0``, the readout before the base) and the default (the state and the delay line).

Usage: python benchmarks/timeseries_heldout.py
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from liquid.forecasting import LSMForecaster
from liquid.sequence import LSMSequenceRegressor, memory_liquid

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab" / "data"


def nrmse(predicted, truth) -> float:
    return float(np.sqrt(np.mean((predicted - truth) ** 2)) / np.std(truth))


def lags(x: np.ndarray, k: int = 11) -> np.ndarray:
    """(n, k): x[t], ..., x[t - k + 1] (zeros before the start)."""
    return np.column_stack([np.concatenate([np.zeros(j), x[: len(x) - j]]) for j in range(k)])


def lorenz(n: int, dt: float = 0.02) -> np.ndarray:
    """x of the Lorenz system (sigma 10, rho 28, beta 8/3) by RK4, after a transient of 500 steps."""
    def slope(v):
        return np.array([10 * (v[1] - v[0]), v[0] * (28 - v[2]) - v[1], v[0] * v[1] - 8 / 3 * v[2]])

    state, out = np.ones(3), []
    for _ in range(n + 500):
        k1 = slope(state)
        k2 = slope(state + dt / 2 * k1)
        k3 = slope(state + dt / 2 * k2)
        k4 = slope(state + dt * k3)
        state = state + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(state[0])
    return np.array(out[500:])


def one_step(name: str, series: np.ndarray, split: int) -> dict:
    series = (series - series[:split].mean()) / series[:split].std()
    L = lags(series[:-1])
    ridge = RidgeCV(alphas=np.logspace(-10, 3, 27)).fit(L[100:split], series[101:split + 1])
    row = {"task": name, "ridge11": nrmse(ridge.predict(L[split:]), series[split + 1:])}
    for label, kw in (("liquid (input only)", dict(input_lags=0)), ("liquid + delay line", {})):
        f = LSMForecaster(memory_liquid(500, random_state=0), washout=100, **kw).fit(series[:split])
        row[label] = nrmse(f.predict(series[:-1])[split:], series[split + 1:])
    return row

def delayed_xor():
    rng = np.random.default_rng(0)
    u = rng.integers(0, 2, 4000).astype(float)
    y = np.r_[0.0, 0.0, np.logical_xor(u[2:] > 0.5, u[:-2] > 0.5).astype(float)]  # u(t) xor u(t - 2)
    L = lags(u)
    ridge = RidgeCV(alphas=np.logspace(-10, 3, 27)).fit(L[100:3000], y[100:3000])
    row = {"task": "delayed XOR u(t) ^ u(t-2)", "ridge11": nrmse(ridge.predict(L[3000:]), y[3000:])}
    for label, kw in (("liquid (input only)", dict(input_lags=0)), ("liquid + delay line", {})):
        m = LSMSequenceRegressor(memory_liquid(500, random_state=0), washout=100, **kw).fit(u[:3000], y[:3000])
        row[label] = nrmse(m.predict(u)[3000:], y[3000:])
    return row


def main() -> None:
    warnings.simplefilter("ignore")
    rows = [one_step("Lorenz x, 1 step", lorenz(4000), 3000)]
    path = NAB / "realKnownCause" / "machine_temperature_system_failure.csv"
    if path.is_file():
        rows.append(one_step("NAB machine_temperature, next value", pd.read_csv(path)["value"].to_numpy()[:6000],
                             4500))
    else:
        print(f"skipping the NAB series: {path} not found")
    rows.append(delayed_xor())
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
