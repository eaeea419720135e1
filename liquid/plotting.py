"""Plots of liquids and their diagnostics (matplotlib, an optional dependency: ``pip install matplotlib``).

Every function draws on ``ax`` (a new figure's axes when None), labels its
axes with units, and returns the axes.
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def headless_pyplot():
    """``matplotlib.pyplot`` drawing to files only (Agg), or None, with a one-line note on stderr,
    when matplotlib is not installed: scripts then skip their plots and still print their results."""
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)", file=sys.stderr)
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axes(ax):
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError('plotting needs matplotlib: pip install matplotlib') from None
    return plt.subplots(figsize=(7, 4))[1]


def raster(spikes, *, is_inhibitory=None, ax=None, markersize: float = 1.5):
    """Spike raster from ``LiquidStateMachine.raster``: its ``(spikes, traces)`` pair or the spikes alone, a
    DataFrame with columns ``time`` (ms) and ``neuron``."""
    if isinstance(spikes, tuple) and len(spikes) == 2 and isinstance(spikes[0], pd.DataFrame):
        spikes = spikes[0]
    if not isinstance(spikes, pd.DataFrame) or not {"time", "neuron"} <= set(spikes.columns):
        raise TypeError("raster draws the spikes of LiquidStateMachine.raster: a DataFrame with columns 'time' "
                        f"and 'neuron' or the (spikes, traces) pair, got {type(spikes).__name__}")
    ax = _axes(ax)
    times, neurons = spikes["time"].to_numpy(), spikes["neuron"].to_numpy()
    if is_inhibitory is None:
        ax.plot(times, neurons, "|", color="black", markersize=markersize)
    else:
        inhibitory = np.asarray(is_inhibitory)[neurons]
        ax.plot(times[~inhibitory], neurons[~inhibitory], "|", color="tab:blue", markersize=markersize,
                label="excitatory")
        ax.plot(times[inhibitory], neurons[inhibitory], "|", color="tab:red", markersize=markersize,
                label="inhibitory")
        ax.legend(loc="upper right", markerscale=4)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    return ax


def population_rate(spikes: pd.DataFrame, n_neurons: int, *, bin_ms: float = 5.0, ax=None):
    """Population firing rate (Hz per neuron) in bins of ``bin_ms``."""
    ax = _axes(ax)
    end = spikes["time"].max() if len(spikes) else bin_ms
    edges = np.arange(0.0, end + bin_ms, bin_ms)
    counts, _ = np.histogram(spikes["time"], bins=edges)
    ax.step(edges[:-1], counts / n_neurons / (bin_ms / 1000.0), where="post")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz per neuron)")
    return ax


def membrane_traces(traces: np.ndarray, *, dt: float, neurons=None, ax=None):
    """Membrane potentials (mV) of the neurons recorded by ``LiquidStateMachine.raster(x, trace_neurons)``."""
    ax = _axes(ax)
    time = dt * np.arange(1, traces.shape[0] + 1)
    labels = neurons if neurons is not None else range(traces.shape[1])
    for column, label in zip(traces.T, labels):
        ax.plot(time, column, label=f"neuron {label}")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("membrane potential (mV)")
    ax.legend(loc="upper right")
    return ax


def weight_histogram(lsm, *, bins: int = 50, ax=None):
    """Recurrent weight magnitudes (mV), before and after STDP when the liquid learned."""
    ax = _axes(ax)
    after = np.abs(lsm.reservoir_.weights.data)
    if hasattr(lsm, "initial_weights_"):
        before = np.abs(lsm.initial_weights_.data)
        edges = np.linspace(0, max(before.max(), after.max()), bins + 1)
        ax.hist(before, bins=edges, alpha=0.6, label="before STDP")
        ax.hist(after, bins=edges, alpha=0.6, label="after STDP")
        ax.legend()
    else:
        ax.hist(after, bins=bins)
    ax.set_xlabel("|weight| (mV)")
    ax.set_ylabel("synapses")
    return ax


def state_trajectories(lsm, X, y, *, n_points: int = 20, tau: float = 30.0, ax=None):
    """Liquid-state trajectories projected on their first two principal components, one colour per class."""
    from sklearn.decomposition import PCA

    from .diagnostics import _states

    ax = _axes(ax)
    states = _states(lsm, lsm._check_input(X), n_points, tau)  # (samples, points, neurons)
    flat = PCA(n_components=2).fit_transform(states.reshape(-1, states.shape[2])).reshape(len(states), n_points, 2)
    y = np.asarray(y)
    colours = {label: f"C{i % 10}" for i, label in enumerate(np.unique(y))}
    for path, label in zip(flat, y):
        ax.plot(path[:, 0], path[:, 1], color=colours[label], alpha=0.4, linewidth=0.8)
    for label, colour in colours.items():
        ax.plot([], [], color=colour, label=str(label))
    ax.legend(title="class", fontsize="small")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    return ax


def separation_curve(table: pd.DataFrame, *, ax=None):
    """Separation (state distance) against time, one line per input distance (from ``diagnostics.separation``)."""
    ax = _axes(ax)
    for distance, group in table.groupby("input_distance"):
        ax.plot(group["time_ms"], group["separation"], label=f"d = {distance:g}")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("state distance")
    ax.legend(title="input distance")
    return ax


def memory_curve(curve: pd.DataFrame, *, ax=None):
    """Memory function ``MC_k`` against delay (from ``diagnostics.memory_capacity``)."""
    ax = _axes(ax)
    ax.plot(curve["delay"], curve["capacity"], marker="o")
    total = curve.attrs.get("total")
    if total is not None:
        ax.set_title(f"memory capacity {total:.2f}")
    ax.set_xlabel("delay (frames)")
    ax.set_ylabel("squared correlation")
    return ax
