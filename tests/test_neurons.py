"""Single-neuron behaviour of the LIF model against its analytic solution."""
import numpy as np
import pytest

from liquid import LIF, FixedInDegree, LiquidStateMachine, SpikeEncoder


def _single_neuron(neuron: LIF, dt: float, **params) -> LiquidStateMachine:
    """A one-neuron liquid without recurrent synapses."""
    lsm = LiquidStateMachine(
        n_neurons=1,
        frac_inhibitory=0.0,
        neuron=neuron,
        topology=FixedInDegree(0),
        dt=dt,
        random_state=0,
        **params,
    )
    return lsm


@pytest.mark.parametrize("current", [16.0, 20.0, 40.0])
def test_constant_current_spike_times_match_analytic(current):
    """Driven by constant I from rest, V(t) = I (1 - exp(-t / tau_m)): the first spike
    comes at tau_m ln(I / (I - theta)) and every later one a refractory period plus
    tau_m ln((I - v_reset) / (I - theta)) after the previous."""
    dt = 0.01
    neuron = LIF(tau_m=30.0, v_thresh=15.0, v_reset=0.0, refractory_exc=3.0, bias=current, bias_jitter=0.0)
    lsm = _single_neuron(neuron, dt, frame_duration=1000.0, input_scale=0.0)
    x = np.zeros((1, 1))
    lsm.fit([x])
    raster, _ = lsm.raster(x)
    times = raster["time"].to_numpy()

    first = 30.0 * np.log(current / (current - 15.0))
    isi = 3.0 + 30.0 * np.log(current / (current - 15.0))
    assert times[0] == pytest.approx(first, abs=dt)
    np.testing.assert_allclose(np.diff(times), isi, atol=dt + 1e-9)
    expected_rate = 1 + np.floor((1000.0 - first) / isi)
    assert len(times) == expected_rate
    assert lsm.firing_rate_ == pytest.approx(len(times), rel=1e-12)  # 1 s of simulation


def test_subthreshold_current_never_fires():
    neuron = LIF(v_thresh=15.0, bias=14.9, bias_jitter=0.0)
    lsm = _single_neuron(neuron, 0.1, frame_duration=500.0, input_scale=0.0)
    with pytest.warns(UserWarning, match="silent"):
        lsm.fit([np.zeros((2, 1))])
    raster, traces = lsm.raster(np.zeros((2, 1)), trace_neurons=[0])
    assert raster.empty
    assert traces.max() < 15.0


def test_refractory_period_is_respected_under_strong_drive():
    """An enormous current makes the neuron fire as fast as the refractory period allows."""
    dt = 0.1
    neuron = LIF(refractory_exc=2.0, bias=1e6, bias_jitter=0.0)
    lsm = _single_neuron(neuron, dt, frame_duration=100.0, input_scale=0.0)
    with pytest.warns(UserWarning, match="saturated"):
        lsm.fit([np.zeros((1, 1))])
    raster, traces = lsm.raster(np.zeros((1, 1)), trace_neurons=[0])
    isi = np.diff(raster["time"].to_numpy())
    np.testing.assert_allclose(isi, 2.0 + dt)
    # Held at reset while refractory: the trace sits at v_reset for 20 steps after each spike.
    first_spike_step = int(round(raster["time"].iloc[0] / dt)) - 1
    np.testing.assert_allclose(traces[first_spike_step + 1 : first_spike_step + 21, 0], neuron.v_reset)


def test_postsynaptic_potential_matches_exponential_synapse_solution():
    """One input spike of weight w gives V(t) = w tau_s / (tau_s - tau_m) (e^{-t/tau_s} - e^{-t/tau_m})."""
    dt = 0.5
    neuron = LIF(tau_m=30.0, tau_syn_exc=3.0, bias=0.0, bias_jitter=0.0)
    lsm = _single_neuron(neuron, dt, encoder=SpikeEncoder(), input_fraction=1.0, input_scale=2.0, frame_duration=100.0)
    x = np.array([[1.0], [0.0]])
    with pytest.warns(UserWarning, match="silent"):
        lsm.fit([x])
    w = lsm.reservoir_.input_weights.toarray()[0, 0]
    _, traces = lsm.raster(x, trace_neurons=[0])
    t = dt * np.arange(1, traces.shape[0] + 1)
    expected = w * 3.0 / (3.0 - 30.0) * (np.exp(-t / 3.0) - np.exp(-t / 30.0))
    np.testing.assert_allclose(traces[:, 0], expected, rtol=1e-9, atol=1e-12)


def test_adaptation_lowers_the_rate():
    rates = []
    for adaptation in (0.0, 2.0):
        neuron = LIF(bias=18.0, bias_jitter=0.0, adaptation=adaptation)
        lsm = _single_neuron(neuron, 0.1, frame_duration=1000.0, input_scale=0.0).fit([np.zeros((1, 1))])
        rates.append(lsm.firing_rate_)
    assert rates[1] < 0.7 * rates[0]


def test_membrane_noise_is_seeded_and_has_the_requested_std():
    neuron = LIF(bias=0.0, bias_jitter=0.0, noise_std=2.0, v_thresh=1e3, v_reset=0.0)
    lsm = _single_neuron(neuron, 1.0, frame_duration=20000.0, input_scale=0.0)
    x = np.zeros((1, 1))
    with pytest.warns(UserWarning, match="silent"):
        lsm.fit([x])
    _, first = lsm.raster(x, trace_neurons=[0])
    _, second = lsm.raster(x, trace_neurons=[0])
    np.testing.assert_array_equal(first, second)
    assert first[1000:, 0].std() == pytest.approx(2.0, rel=0.1)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"tau_m": -1.0}, "tau_m"),
        ({"tau_syn_inh": 0.0}, "tau_syn_inh"),
        ({"v_reset": 20.0}, "v_reset"),
        ({"refractory_exc": -1.0}, "refractory_exc"),
        ({"noise_std": float("nan")}, "noise_std"),
        ({"bias": "high"}, "bias"),
    ],
)
def test_invalid_neuron_parameters_are_named(params, match):
    lsm = LiquidStateMachine(n_neurons=10, neuron=LIF(**params))
    with pytest.raises((ValueError, TypeError), match=match):
        lsm.fit([np.zeros((3, 1))])
