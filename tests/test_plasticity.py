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
    res.refresh_dense_input()
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


def test_multiplicative_rule_respects_the_bounds_and_dales_law():
    from liquid.datasets import make_spike_pattern

    X, _ = make_spike_pattern(40, random_state=0)
    stdp = STDP(rule="multiplicative", a_plus=0.2, a_minus=0.1, w_min=0.5, w_max=1.5, synapses="all", n_epochs=3)
    lsm = LiquidStateMachine(n_neurons=200, encoder="spikes", input_scale=10.0, plasticity=stdp, random_state=0)
    lsm.fit(X)
    before, after = lsm.initial_weights_.tocoo(), lsm.reservoir_.weights.tocoo()
    np.testing.assert_array_equal(np.sign(before.data), np.sign(after.data))  # Dale's law
    is_inh = lsm.reservoir_.is_inhibitory
    means = np.select(
        [~is_inh[after.row] & ~is_inh[after.col], ~is_inh[after.row] & is_inh[after.col], is_inh[after.row] & ~is_inh[after.col]],
        [3.0, 6.0, 6.0], default=6.0,
    )
    magnitude = np.abs(after.data) / means
    assert magnitude.min() >= 0.5 - 1e-12 and magnitude.max() <= 1.5 + 1e-12
    assert not np.allclose(np.abs(before.data), np.abs(after.data))  # it did learn
    inputs = lsm.reservoir_.input_weights.data / 10.0
    assert inputs.min() >= 0.5 - 1e-12 and inputs.max() <= 1.5 + 1e-12


def test_homeostasis_brings_the_rate_to_the_target():
    from liquid.datasets import make_temporal_order

    X, _ = make_temporal_order(80, random_state=0)
    target = 4.0  # about half the free liquid's rate
    free = LiquidStateMachine(n_neurons=300, random_state=0).fit(X)
    stdp = STDP(target_rate=target, n_epochs=10)
    tuned = LiquidStateMachine(n_neurons=300, plasticity=stdp, random_state=0).fit(X)
    history = tuned.plasticity_history_
    print(f"\nhomeostasis: rate {free.firing_rate_:.1f} Hz without, {tuned.firing_rate_:.1f} Hz with (target {target})")
    print(history[["epoch", "mean_weight", "mean_bias", "mean_rate"]].to_string(index=False))
    assert abs(free.firing_rate_ - target) > 0.2 * target  # it had work to do
    assert tuned.firing_rate_ == pytest.approx(target, rel=0.2)
    assert history["mean_rate"].iloc[-3:].between(0.8 * target, 1.2 * target).all()  # and it stays there


def test_after_fit_the_weights_are_frozen_and_transform_is_pure():
    from liquid.datasets import make_spike_pattern

    X, _ = make_spike_pattern(30, random_state=1)
    lsm = LiquidStateMachine(n_neurons=100, encoder="spikes", plasticity="stdp", random_state=0, n_jobs=1)
    features = lsm.fit_transform(X)
    weights = lsm.reservoir_.weights.toarray()
    np.testing.assert_array_equal(lsm.transform(X), features)
    np.testing.assert_array_equal(lsm.transform(X), features)
    np.testing.assert_array_equal(lsm.reservoir_.weights.toarray(), weights)
    assert list(lsm.plasticity_history_["epoch"]) == [0, 1]
    # Same seed, same learned liquid, whatever the thread count.
    again = LiquidStateMachine(n_neurons=100, encoder="spikes", plasticity="stdp", random_state=0, n_jobs=2).fit(X)
    np.testing.assert_array_equal(again.reservoir_.weights.toarray(), weights)
    np.testing.assert_array_equal(again.transform(X), features)
    # Refitting without plasticity removes the plasticity attributes.
    lsm.set_params(plasticity=None).fit(X)
    assert not hasattr(lsm, "plasticity_history_")


def test_current_input_synapses_do_not_learn():
    from liquid.datasets import make_temporal_order

    X, _ = make_temporal_order(20, random_state=0)
    lsm = LiquidStateMachine(n_neurons=100, plasticity=STDP(), random_state=0).fit(X)
    np.testing.assert_array_equal(lsm.reservoir_.input_weights.toarray(), lsm.initial_input_weights_.toarray())
    assert not np.array_equal(lsm.reservoir_.weights.toarray(), lsm.initial_weights_.toarray())


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"tau_plus": -5.0}, ValueError, "tau_plus"),
        ({"tau_minus": 0.0}, ValueError, "tau_minus"),
        ({"w_min": 3.0, "w_max": 1.0}, ValueError, "w_min"),
        ({"a_plus": float("nan")}, ValueError, "a_plus"),
        ({"a_minus": "big"}, TypeError, "a_minus"),
        ({"rule": "hebbian"}, ValueError, "rule"),
        ({"synapses": "ie"}, ValueError, "synapses"),
        ({"n_epochs": 0}, ValueError, "n_epochs"),
        ({"max_samples": 1.5}, ValueError, "max_samples"),
        ({"target_rate": -1.0}, ValueError, "target_rate"),
    ],
)
def test_invalid_stdp_parameters_are_named(params, error, match):
    with pytest.raises(error, match=match):
        LiquidStateMachine(n_neurons=10, plasticity=STDP(**params)).fit([np.zeros((3, 1))])


def test_unknown_plasticity_name():
    with pytest.raises(ValueError, match="plasticity='hebb'"):
        LiquidStateMachine(n_neurons=10, plasticity="hebb").fit([np.zeros((3, 1))])
