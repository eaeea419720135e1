"""The simulation engine seen through the transformer: features, encoders, rasters, determinism."""
import pickle

import numpy as np
import pytest

from liquid import (
    LIF,
    DeltaEncoder,
    FilteredState,
    FirstSpikeLatency,
    FiringRate,
    LiquidActivityWarning,
    LiquidStateMachine,
    PeakRate,
    PoissonEncoder,
    RandomSparse,
    SpikeCounts,
    SpikeEncoder,
    events_to_counts,
)
from liquid.kernels import delta_encode


def test_feature_shapes_and_names(temporal_order):
    X, _ = temporal_order
    lsm = LiquidStateMachine(
        n_neurons=80,
        features=[SpikeCounts(n_bins=3), FilteredState(n_points=2), FiringRate(), FirstSpikeLatency()],
        random_state=0,
    )
    features = lsm.fit_transform(X)
    # the state reads traces and membrane potentials; of the default time scales (1, 4, 16), sequences of
    # ~31 timesteps hold enough blocks of 1 and 4
    assert lsm.time_scales_ == (1, 4)
    assert features.shape == (len(X), 2 * 80 * (3 + 2 * 2 + 1 + 1))
    names = lsm.get_feature_names_out()
    assert names.shape == (features.shape[1],)
    assert names[0] == "counts0_n0_scale1" and names[80] == "counts1_n0_scale1" and names[-1] == "latency_n79_scale4"
    assert names[240] == "state0_n0_scale1" and names[320] == "voltage0_n0_scale1" and names[400] == "state1_n0_scale1"
    np.testing.assert_allclose(lsm.transform(X), features)


def test_features_are_consistent_with_the_raster(temporal_order):
    """Counts, rates and latencies computed in the kernel agree with the recorded spikes."""
    X, _ = temporal_order
    lsm = LiquidStateMachine(
        n_neurons=60, features=[SpikeCounts(n_bins=4), FiringRate(), FirstSpikeLatency()], random_state=2
    ).fit(X)
    x = X[3]
    features = lsm.transform([x])[0]
    # the first block of features is time scale 1, the sequence as it is (the raster's)
    counts, rate, latency = features[:240].reshape(4, 60), features[240:300], features[300:360]
    raster, _ = lsm.raster(x)
    duration = x.shape[0] * lsm.frame_duration_
    per_neuron = np.bincount(raster["neuron"], minlength=60)
    np.testing.assert_array_equal(counts.sum(axis=0), per_neuron)
    np.testing.assert_allclose(rate, per_neuron * 1000.0 / duration)
    first = raster.groupby("neuron")["time"].min().reindex(range(60), fill_value=duration)
    np.testing.assert_allclose(latency, first.to_numpy())
    bins = np.minimum((raster["time"].to_numpy() - lsm.dt) * 4 // duration, 3).astype(int)
    for k in range(4):
        np.testing.assert_array_equal(counts[k], np.bincount(raster["neuron"][bins == k], minlength=60))


@pytest.mark.parametrize("features, tau", [(PeakRate(tau=15.0), 15.0),
                                           ([FilteredState(tau=40.0, n_points=1), PeakRate()], 40.0)])
def test_peak_rate_is_the_highest_filtered_rate_of_the_raster(features, tau):
    """The peak is the filtered spike train's maximum (in Hz) over the sample, wherever it occurs; without
    its own tau it takes the filtered state's."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((40, 2))
    lsm = LiquidStateMachine(n_neurons=50, features=features, time_scales=(1,), random_state=0).fit([x])
    raster, _ = lsm.raster(x)
    times, neurons = raster["time"].to_numpy(), raster["neuron"].to_numpy()
    expected = np.zeros(50)
    for n in range(50):  # the filtered train peaks just after a spike
        spikes = times[neurons == n]
        if spikes.size:
            expected[n] = max(np.exp(-(t - spikes[spikes <= t]) / tau).sum() for t in spikes) * 1000.0 / tau
    assert np.count_nonzero(expected) > 10 and np.ptp(expected[expected > 0]) > 0
    np.testing.assert_allclose(lsm.transform([x])[0, -50:], expected, rtol=1e-9)


def test_filtered_state_is_the_exponential_filter_of_the_raster():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 2))
    lsm = LiquidStateMachine(n_neurons=50, features=FilteredState(tau=20.0, n_points=1, voltage=False),
                             time_scales=(1,), random_state=0).fit([x])
    raster, _ = lsm.raster(x)
    end = x.shape[0] * lsm.frame_duration_
    expected = np.zeros(50)
    np.add.at(expected, raster["neuron"].to_numpy(), np.exp(-(end - raster["time"].to_numpy()) / 20.0))
    np.testing.assert_allclose(lsm.transform([x])[0], expected, rtol=1e-9)


def test_same_seed_same_features_on_any_n_jobs_and_batch(temporal_order):
    X, _ = temporal_order
    params = dict(n_neurons=120, encoder="poisson", neuron=LIF(noise_std=1.0, adaptation=0.5), random_state=7)
    one = LiquidStateMachine(n_jobs=1, **params).fit_transform(X)
    two = LiquidStateMachine(n_jobs=2, **params).fit(X).transform(X)
    np.testing.assert_array_equal(one, two)
    # A sample's features do not depend on what else is in its batch, nor on the samples its thread
    # simulated before it (each thread reuses one state, put at rest before every sample).
    lsm = LiquidStateMachine(n_jobs=2, **params).fit(X)
    np.testing.assert_array_equal(lsm.transform(X[5:9]), one[5:9])
    np.testing.assert_array_equal(lsm.transform([X[7]]), one[7:8])
    np.testing.assert_array_equal(lsm.transform(X[::-1]), one[::-1])
    other = LiquidStateMachine(n_jobs=1, **{**params, "random_state": 8}).fit_transform(X)
    assert not np.array_equal(one, other)


def test_drives_held_for_different_steps_in_one_batch_are_each_their_own_run():
    rng = np.random.default_rng(3)
    X = [rng.standard_normal((int(n), 2)) for n in (6, 9, 12)]
    lsm = LiquidStateMachine(n_neurons=80, random_state=0).fit(X)
    res, mode = lsm.reservoir_, lsm.encoder_.mode
    drives = [lsm.encoder_.encode(x) for x in X]
    steps, seeds = np.array([lsm.reservoir_.steps_per_frame, 3, 7]), np.array([4, 5, 6])
    batch = [res.run(drives, mode, seeds, 2, 3, 30.0, n_threads, peak=True, steps_per_frame=steps)
             for n_threads in (1, 2)]
    for i, drive in enumerate(drives):
        alone = res.run([drive], mode, seeds[i:i + 1], 2, 3, 30.0, 1, peak=True, steps_per_frame=steps[i:i + 1])
        for key in ("counts", "state", "total", "latency", "peak"):
            for out in batch:
                np.testing.assert_array_equal(out[key][i], alone[key][0])
    default = res.run(drives[:1], mode, seeds[:1], 2, 3, 30.0, 1)
    np.testing.assert_array_equal(default["state"][0], batch[0]["state"][0])  # the liquid's own steps
    assert batch[0]["latency"][2].max() <= 12 * 7 * res.dt  # latencies within the drive's own duration
    assert not np.array_equal(batch[0]["state"][1], res.run(drives[1:2], mode, seeds[1:2], 2, 3, 30.0, 1)["state"][0])


@pytest.mark.parametrize("input_fraction, dense", [(0.3, True), (0.05, False)])
def test_dense_input_weights_give_the_sums_of_the_sparse_ones(input_fraction, dense):
    """A frame's input currents are summed along dense rows when enough neurons receive each channel:
    the same terms in the same order as through the synapse list, so the same features, bit for bit."""
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((n, 12)) for n in (30, 45, 60)]
    lsm = LiquidStateMachine(n_neurons=200, input_fraction=input_fraction, drive_every_neuron=False,
                             random_state=0).fit(X)
    res = lsm.reservoir_
    assert (res.in_dense.shape[0] > 0) == dense
    if dense:
        np.testing.assert_array_equal(res.in_dense, res.input_weights.toarray())
    with_dense = lsm.transform(X)
    res.in_dense = np.zeros((0, res.n_neurons))  # the synapse list alone
    np.testing.assert_array_equal(lsm.transform(X), with_dense)
    res.in_dense = np.zeros((3, res.n_neurons))  # a stale shape is refused before the kernel
    with pytest.raises(ValueError, match="in_dense"):
        lsm.transform(X)
    res.refresh_dense_input()
    np.testing.assert_array_equal(lsm.transform(X), with_dense)


def test_pickle_round_trip_gives_identical_features(temporal_order):
    X, _ = temporal_order
    lsm = LiquidStateMachine(n_neurons=100, encoder="poisson", random_state=0).fit(X)
    restored = pickle.loads(pickle.dumps(lsm))
    np.testing.assert_array_equal(restored.transform(X), lsm.transform(X))


def test_variable_lengths_give_equal_width_features():
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((n, 3)) for n in (1, 5, 40, 200)]
    features = LiquidStateMachine(n_neurons=50, random_state=0).fit_transform(X)
    # median length 22.5 holds 4 blocks of 4 but not of 16: scales 1 and 4 x (traces and potentials at
    # 5 points, 5 counts, 1 peak)
    assert features.shape == (4, 2 * 50 * (2 * 5 + 5 + 1))
    assert np.all(np.isfinite(features))


def test_accepts_3d_2d_and_list_inputs_consistently():
    rng = np.random.default_rng(0)
    cube = rng.standard_normal((6, 15, 2))
    lsm = LiquidStateMachine(n_neurons=50, random_state=0)
    from_cube = lsm.fit_transform(cube)
    np.testing.assert_array_equal(lsm.fit_transform(list(cube)), from_cube)
    rows = cube[:, :, 0]
    np.testing.assert_array_equal(lsm.fit_transform(rows), lsm.fit_transform([r[:, None] for r in rows]))
    assert lsm.fit(rows).n_features_in_ == 15
    assert not hasattr(lsm.fit(list(cube)), "n_features_in_")


@pytest.mark.parametrize("encoder", ["current", "poisson", "delta"])
def test_every_encoder_drives_the_liquid(encoder, temporal_order):
    X, _ = temporal_order
    lsm = LiquidStateMachine(n_neurons=100, encoder=encoder, random_state=0).fit(X)
    assert 1.0 < lsm.firing_rate_ < 100.0
    # 4 channels; "current" adds each one's rise and fall, "delta" sends up and down spikes.
    assert lsm.reservoir_.input_weights.shape[0] == {"current": 12, "poisson": 4, "delta": 8}[encoder]


def test_input_changes_the_liquid_state(temporal_order):
    X, _ = temporal_order
    lsm = LiquidStateMachine(n_neurons=100, random_state=0).fit(X)
    silent_input = lsm.transform([np.zeros_like(X[0])])
    assert not np.allclose(lsm.transform(X[:1]), silent_input)


def test_poisson_encoder_rates():
    encoder = PoissonEncoder(max_rate=80.0).fit([np.array([[0.0], [2.0]]), np.array([[4.0]])])
    np.testing.assert_allclose(encoder.encode(np.array([[0.0], [2.0], [4.0], [9.0]]))[:, 0], [0, 40, 80, 80])
    raw = PoissonEncoder(normalize=False)
    with pytest.raises(ValueError, match="negative"):
        raw.fit([np.array([[1.0], [-1.0]])])


def test_poisson_input_rate_reaches_the_liquid():
    """A channel at rate r delivers ~r * T input spikes to each target (one target here).

    The synaptic current lasts a single step and every input spike pushes V over
    a tiny threshold, so the neuron's rate equals its input rate."""
    lsm = LiquidStateMachine(
        n_neurons=1,
        frac_inhibitory=0.0,
        topology="random",
        neuron=LIF(bias=0.0, bias_jitter=0.0, v_thresh=1e-6, v_reset=0.0, refractory_exc=0.0, tau_syn_exc=0.01),
        encoder=PoissonEncoder(max_rate=50.0, normalize=False),
        input_fraction=1.0,
        frame_duration=1000.0,
        features="rate",
        random_state=0,
    )
    rate = lsm.fit_transform([np.full((20, 1), 50.0)])[0, 0]
    assert rate == pytest.approx(50.0, rel=0.1)


def test_delta_encoder_counts_threshold_crossings():
    signal = np.array([[0.0], [0.5], [0.75], [-0.5], [-0.5]])
    spikes = delta_encode(signal, 0.25, np.zeros(1), np.zeros(1, dtype=np.int64))
    # Reference level: 0 -> 0.5 (2 up) -> 0.75 (1 up) -> -0.5 (5 down) -> no change.
    np.testing.assert_array_equal(spikes[:, 0], [0, 2, 1, 0, 0])
    np.testing.assert_array_equal(spikes[:, 1], [0, 0, 0, 5, 0])
    encoded = DeltaEncoder(threshold=0.5).fit([signal]).encode(signal)
    assert encoded.shape == (5, 2) and encoded.min() >= 0


def test_spike_events_as_input():
    counts = events_to_counts([0.5, 3.0, 12.0, 12.5], [0, 1, 1, 1], n_channels=2, duration=20.0, frame_duration=10.0)
    np.testing.assert_array_equal(counts, [[1, 1], [0, 2]])
    lsm = LiquidStateMachine(n_neurons=50, encoder=SpikeEncoder(), frame_duration=10.0, random_state=0)
    assert lsm.fit_transform([counts, counts * 2]).shape == (2, 50 * 16)  # 2 frames: the finest scale only
    with pytest.raises(ValueError, match="spike times"):
        events_to_counts([25.0], [0], n_channels=1, duration=20.0, frame_duration=10.0)
    with pytest.raises(ValueError, match="channels"):
        events_to_counts([2.0], [3], n_channels=1, duration=20.0, frame_duration=10.0)
    with pytest.raises(ValueError, match="negative"):
        lsm.transform([-counts])


def test_raster_is_a_tidy_event_list(temporal_order):
    X, _ = temporal_order
    lsm = LiquidStateMachine(n_neurons=100, random_state=0).fit(X)
    raster, traces = lsm.raster(X[0], trace_neurons=[0, 5])
    assert list(raster.columns) == ["time", "neuron"]
    assert raster["time"].is_monotonic_increasing
    assert raster["neuron"].between(0, 99).all()
    n_steps = int(X[0].shape[0] * lsm.frame_duration_ / lsm.dt)
    assert traces.shape == (n_steps, 2)
    assert traces.max() < lsm.reservoir_.consts.v_thresh
    with pytest.raises(ValueError, match="trace_neurons"):
        lsm.raster(X[0], trace_neurons=[100])


def test_synaptic_delays_shift_the_response():
    """A postsynaptic neuron feels an excitatory spike exactly `delay_exc` ms later."""
    first_response = []
    for delay in (1.0, 6.0):
        lsm = LiquidStateMachine(
            n_neurons=2,
            frac_inhibitory=0.0,
            topology=RandomSparse(p_connect=1.0),
            neuron=LIF(bias=0.0, bias_jitter=0.0, v_thresh=0.1, v_reset=0.0),
            encoder=SpikeEncoder(),
            input_fraction=1.0,
            delay_exc=delay,
            max_delay=None,
            frame_duration=10.0,
            random_state=0,
        )
        with pytest.warns(LiquidActivityWarning):  # two hair-trigger neurons
            lsm.fit([np.array([[1.0], [0.0]])])
        # Drive neuron 0 only: remove neuron 1's input synapse.
        lsm.reservoir_.in_weights[lsm.reservoir_.in_indices == 1] = 0.0
        lsm.reservoir_.refresh_dense_input()
        _, traces = lsm.raster(np.array([[1.0], [0.0]]), trace_neurons=[1])
        first_response.append(np.flatnonzero(traces[:, 0] > 0)[0])
    assert first_response[1] - first_response[0] == 5


def test_streaming_states_are_checked_before_they_reach_the_kernel():
    """The spike queue in a state is indexed without bounds checks: only states the kernel could
    have produced are accepted (distinct neurons of this liquid, already fired, at most N per slot)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, 2))
    lsm = LiquidStateMachine(n_neurons=40, random_state=0).fit([x])
    res, drive = lsm.reservoir_, lsm.encoder_.encode(x)
    state = res.new_state()
    res.stream(drive, lsm.encoder_.mode, 0, state, 30.0)
    assert state[7].sum() > 0  # spikes in flight at the end of the chunk
    res.stream(drive, lsm.encoder_.mode, 0, tuple(a.copy() for a in state), 30.0)  # a real state continues

    def crafted(edit):
        copy = tuple(a.copy() for a in state)
        edit(copy)
        return copy

    slot = int(np.flatnonzero(state[7])[0])
    if np.all(res.out_delay > (slot - state[8][0]) % res.n_slots):  # every neuron in flight to this slot: valid
        full = crafted(lambda s: (s[6].__setitem__((slot, slice(None)), np.arange(40)), s[7].__setitem__(slot, 40)))
        res.stream(drive, lsm.encoder_.mode, 0, full, 30.0)
    bad_states = [
        crafted(lambda s: s[6].__setitem__((slot, 0), 40)),  # not a neuron of this liquid
        crafted(lambda s: s[6].__setitem__((slot, 1), s[6][slot, 0]) if s[7][slot] > 1 else s[7].__setitem__(slot, -1)),
        crafted(lambda s: s[7].__setitem__(slot, 41)),  # more entries than neurons
        crafted(lambda s: s[8].__setitem__(0, -1)),  # negative clock
    ]
    # a neuron queued under the slot that comes round last, though its delay is shorter than that wait:
    # its spike would be fired in the future
    last_slot = (int(state[8][0]) + res.n_slots - 1) % res.n_slots
    fast = int(np.argmin(res.out_delay))
    bad_states.append(crafted(lambda s: (s[6].__setitem__((last_slot, 0), fast), s[7].__setitem__(last_slot, 1))))
    for bad in bad_states:
        with pytest.raises(ValueError, match="not a streaming state"):
            res.stream(drive, lsm.encoder_.mode, 0, bad, 30.0)


def test_thread_tasks_split_the_work_evenly():
    from liquid.reservoir import _equal_work_bounds

    # 20 long samples (100 frames) then 20 short ones (25): four tasks of about equal frames.
    offsets = np.concatenate([[0], np.cumsum([100] * 20 + [25] * 20)])
    bounds = _equal_work_bounds(offsets, 4)
    assert bounds[0] == 0 and bounds[-1] == 40 and np.all(np.diff(bounds) > 0)
    work = np.diff(offsets[bounds])
    assert len(work) == 4 and work.max() <= offsets[-1] / 4 + 100  # within one sample of an equal share
    assert np.array_equal(_equal_work_bounds(offsets[:2], 4), [0, 1])  # one group: one task


def test_compile_notice_speaks_only_when_numba_compiles(monkeypatch, capsys):
    """The stderr notice: said when numba starts compiling the kernel (its "numba:compile" event), not
    for another function's compilation, and not at all on a load from the cache (no such event)."""
    from types import SimpleNamespace

    from numba.core import event

    import liquid.reservoir

    kernel = SimpleNamespace(signatures=[])
    monkeypatch.setattr(liquid.reservoir, "simulate_batch", kernel)
    for dispatcher, said in ((kernel, True), (object(), False)):
        with liquid.reservoir._compile_notice():
            with event.trigger_event("numba:compile", data={"dispatcher": dispatcher}):
                pass
        assert ("compiling the simulation kernels" in capsys.readouterr().err) == said
    with liquid.reservoir._compile_notice():  # no compilation: a load from the cache fires no event
        pass
    assert capsys.readouterr().err == ""


def test_a_process_with_a_warm_cache_says_nothing_about_compiling(tmp_path):
    import subprocess
    import sys

    code = ("import numpy as np; from liquid import LiquidStateMachine; "
            "LiquidStateMachine(30, random_state=0).fit_transform([np.ones((20, 1))] * 2)")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert first.returncode == 0, first.stderr  # warms the cache if this process was the first
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert again.returncode == 0 and "compiling" not in again.stderr, again.stderr
