"""STDP: the analytic window, bounds, Dale's law, homeostasis, and the classic unsupervised demonstration."""
import numpy as np
import pytest

from liquid import LIF, STDP, FixedInDegree, LiquidStateMachine, RandomSparse, SpikeEncoder
from liquid.kernels import MODE_SPIKES
from liquid.plasticity import learning_arrays, train


def _two_neurons(stdp: STDP):
    """Two excitatory neurons, each made to fire exactly when its own input channel spikes."""
    lsm = LiquidStateMachine(
        n_neurons=2,
        frac_inhibitory=0.0,
        topology=RandomSparse(p_connect=1.0),
        # A synaptic current that lasts one step: an input spike fires its neuron at once, and only once.
        neuron=LIF(bias=0.0, bias_jitter=0.0, tau_syn_exc=0.01),
        encoder=SpikeEncoder(),
        input_fraction=1.0,
        input_scale=1e5,
        frame_duration=1.0,
        random_state=0,
    )
    drive = np.zeros((60, 2))
    with pytest.warns(UserWarning):  # two neurons that fire once in 60 ms count as silent
        lsm.fit([drive])
    res = lsm.reservoir_
    channel = np.repeat([0, 1], np.diff(res.in_indptr))
    res.in_weights[:] = np.where(channel == res.in_indices, 1e5, 0.0)  # channel c drives neuron c only
    learn = learning_arrays(res, stdp, {"ee": 3.0, "ei": 6.0, "ie": 6.0, "ii": 6.0}, lsm.input_scale, True)
    return lsm, res, learn


@pytest.mark.parametrize("rule", ["additive", "multiplicative"])
def test_weight_change_equals_the_analytic_window_for_plus_and_minus_10_ms(rule):
    stdp = STDP(a_plus=0.01, a_minus=0.012, tau_plus=16.8, tau_minus=33.7, rule=rule, plastic_input=False)
    lsm, res, learn = _two_neurons(stdp)
    before = res.weights.toarray()
    drive = np.zeros((60, 2))
    drive[20, 0] = 1.0  # neuron 0 fires at 21 ms
    drive[30, 1] = 1.0  # neuron 1 fires at 31 ms
    raster, _ = lsm.raster(drive)
    np.testing.assert_array_equal(raster["neuron"], [0, 1])
    np.testing.assert_allclose(np.diff(raster["time"]), 10.0)

    train(res, [drive], MODE_SPIKES, np.array([1]), stdp, learn, np.random.default_rng(0), 1)
    change = res.weights.toarray() - before
    high = stdp.w_max * 3.0
    if rule == "additive":
        expected_plus = high * stdp.window(+10.0)  # 0 -> 1: pre 10 ms before post
        expected_minus = high * stdp.window(-10.0)  # 1 -> 0: post 10 ms before pre
    else:
        expected_plus = stdp.a_plus * np.exp(-10.0 / 16.8) * (high - before[0, 1])
        expected_minus = -stdp.a_minus * np.exp(-10.0 / 33.7) * before[1, 0]
    assert change[0, 1] > 0 > change[1, 0]
    assert change[0, 1] == pytest.approx(expected_plus, rel=1e-9)
    assert change[1, 0] == pytest.approx(expected_minus, rel=1e-9)


def test_window_shape():
    stdp = STDP(a_plus=0.02, a_minus=0.01, tau_plus=10.0, tau_minus=30.0)
    assert stdp.window(10.0) == pytest.approx(0.02 * np.exp(-1.0))
    assert stdp.window(-30.0) == pytest.approx(-0.01 * np.exp(-1.0))
    assert stdp.window(0.0) == 0.0


def _poisson_drive(rng, n_frames, n_channels, rate_hz, correlated=0):
    """Spike counts per 1 ms frame; the first ``correlated`` channels copy one shared Poisson source
    (each spike kept with probability 0.5), the others are independent, all at ``rate_hz``."""
    drive = (rng.random((n_frames, n_channels)) < rate_hz / 1000.0).astype(float)
    if correlated:
        source = rng.random(n_frames) < 2 * rate_hz / 1000.0
        drive[:, :correlated] = source[:, None] & (rng.random((n_frames, correlated)) < 0.5)
    return drive


def _single_postsynaptic_neuron(stdp, **params):
    return LiquidStateMachine(
        n_neurons=1,
        frac_inhibitory=0.0,
        topology=FixedInDegree(0),
        neuron=LIF(bias=0.0, bias_jitter=0.0),
        encoder=SpikeEncoder(),
        input_fraction=1.0,
        frame_duration=1.0,
        plasticity=stdp,
        random_state=0,
        **params,
    )


def test_correlated_inputs_win_the_competition():
    """Song, Miller & Abbott (2000) / Gutig et al. (2003): a neuron driven by many Poisson inputs,
    a group of which is correlated, ends up with stronger weights from the correlated group."""
    rng = np.random.default_rng(0)
    n_channels, n_correlated = 100, 30
    X = [_poisson_drive(rng, 1000, n_channels, 10.0, correlated=n_correlated) for _ in range(20)]
    stdp = STDP(a_plus=0.005, a_minus=0.00525, n_epochs=5, batch_size=1)
    lsm = _single_postsynaptic_neuron(stdp, input_scale=4.0).fit(X)
    before = lsm.initial_input_weights_.toarray()[:, 0]
    after = lsm.reservoir_.input_weights.toarray()[:, 0]
    ratio = after[:n_correlated].mean() / after[n_correlated:].mean()
    ratio_before = before[:n_correlated].mean() / before[n_correlated:].mean()
    print(f"\ncorrelated / uncorrelated input weight: {ratio_before:.2f} before, {ratio:.2f} after STDP")
    print(lsm.plasticity_history_.to_string(index=False))
    assert ratio > 1.5 * ratio_before
