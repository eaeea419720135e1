"""Plot helpers draw labelled axes (Agg backend, no screen)."""
import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from liquid import STDP, LiquidStateMachine, plotting  # noqa: E402
from liquid.datasets import make_spike_pattern, make_temporal_order  # noqa: E402
from liquid.diagnostics import memory_capacity, separation  # noqa: E402


@pytest.fixture(scope="module")
def fitted():
    X, y = make_temporal_order(30, random_state=0)
    return LiquidStateMachine(n_neurons=100, random_state=0).fit(X), X, y


def _labelled(ax, xlabel):
    assert ax.get_xlabel() == xlabel and ax.get_ylabel()
    assert ax.lines or ax.patches
    plt.close(ax.figure)


def test_raster_rate_and_traces(fitted):
    lsm, X, _ = fitted
    spikes, traces = lsm.raster(X[0], trace_neurons=[0, 1])
    _labelled(plotting.raster(spikes, is_inhibitory=lsm.reservoir_.is_inhibitory), "time (ms)")
    _labelled(plotting.population_rate(spikes, lsm.n_neurons), "time (ms)")
    _labelled(plotting.membrane_traces(traces, dt=lsm.dt, neurons=[0, 1]), "time (ms)")


def test_raster_draws_what_lsm_raster_returns(fitted):
    lsm, X, _ = fitted
    pair = lsm.raster(X[0])
    assert isinstance(pair, tuple) and pair[1].shape[1] == 0  # always (spikes, traces)
    ax = plotting.raster(pair)
    assert len(ax.lines[0].get_xdata()) == len(pair[0])
    _labelled(ax, "time (ms)")
    with pytest.raises(TypeError, match="'time' and 'neuron'"):
        plotting.raster(np.zeros((3, 2)))


def test_state_trajectories_and_diagnostics(fitted, tmp_path):
    lsm, X, y = fitted
    ax = plotting.state_trajectories(lsm, X, y)
    assert len(ax.get_legend().get_texts()) == len(set(y))
    ax.figure.savefig(tmp_path / "pca.png")
    assert (tmp_path / "pca.png").stat().st_size > 1000
    _labelled(ax, "PC 1")
    _labelled(plotting.separation_curve(separation(lsm, distances=(0.1, 1.0), n_pairs=3, random_state=0)), "time (ms)")
    ax = plotting.memory_curve(memory_capacity(lsm, max_delay=5, n_frames=300, random_state=0))
    assert ax.get_title().startswith("memory capacity")
    _labelled(ax, "delay (frames)")


def test_weight_histogram_before_and_after_stdp():
    X, _ = make_spike_pattern(20, random_state=0)
    lsm = LiquidStateMachine(n_neurons=80, encoder="spikes", plasticity=STDP(), random_state=0).fit(X)
    ax = plotting.weight_histogram(lsm)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["before STDP", "after STDP"]
    _labelled(ax, "|weight| (mV)")
