"""Per-timestep tasks with a liquid: forecast Mackey-Glass, identify the NARMA-10 system.

* Mackey-Glass (tau = 17): an ``LSMForecaster`` learns one step ahead, then
  runs free for 50 steps from the end of the known data, feeding its own
  predictions back.
* NARMA-10: an ``LSMSequenceRegressor`` maps the input series to the system's
  output at every timestep.

Prints NRMSE (RMSE / std of the truth) on held-out data and plots prediction
against truth (when matplotlib is installed). Both series are generated, so
the example needs no data on disk.

Usage: python examples/forecasting.py [--neurons 500] [--output forecasting.png] [--quick]
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

from liquid.datasets import make_mackey_glass, make_narma
from liquid.forecasting import LSMForecaster
from liquid.sequence import LSMSequenceRegressor, memory_liquid


def nrmse(predicted: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(np.mean((predicted - truth) ** 2)) / np.std(truth))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--neurons", type=int, default=500)
    parser.add_argument("--output", default="forecasting.png")
    parser.add_argument("--quick", action="store_true", help="shorter series and 200 neurons")
    args = parser.parse_args(argv)
    n_steps, neurons = (1200, 200) if args.quick else (3000, args.neurons)
    split = int(0.75 * n_steps)

    series = make_mackey_glass(n_steps, random_state=0)
    forecaster = LSMForecaster(memory_liquid(neurons, random_state=0)).fit(series[:split])
    one_step = forecaster.predict(series[:-1])
    free = forecaster.forecast(series[:split], 50)
    print(f"Mackey-Glass, {neurons} neurons: 1-step NRMSE {nrmse(one_step[split:], series[split + 1:]):.3f}, "
          f"50 free-running steps NRMSE {nrmse(free, series[split:split + 50]):.3f}")

    u, y = make_narma(n_steps, random_state=0)
    narma = LSMSequenceRegressor(memory_liquid(neurons, random_state=0), washout=100).fit(u[:split], y[:split])
    predicted = narma.predict(u)
    print(f"NARMA-10, {neurons} neurons: NRMSE {nrmse(predicted[split:], y[split:]):.3f} "
          f"(predicting the mean: 1.000)")

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return 0
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6))
    shown = np.arange(split - 100, split + 150)
    top.plot(shown, series[shown], color="black", linewidth=1, label="truth")
    top.plot(shown[:-1], one_step[shown[:-1]], color="tab:blue", linewidth=1, alpha=0.8, label="1 step ahead")
    top.plot(np.arange(split, split + 50), free, color="tab:red", linewidth=2, label="free running")
    top.axvline(split, color="grey", linestyle="--")
    top.set_title("Mackey-Glass: teacher-forced and free-running forecasts")
    top.legend(loc="upper left")
    window = np.arange(split, split + 200)
    bottom.plot(window, y[window], color="black", linewidth=1, label="NARMA-10 output")
    bottom.plot(window, predicted[window], color="tab:blue", linewidth=1, label="liquid")
    bottom.set_xlabel("timestep")
    bottom.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(args.output, dpi=100)
    print(f"plot saved to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
