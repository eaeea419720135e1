"""Spike encoders beyond the core: BSA and Gaussian population coding, as Pipeline steps."""
import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from liquid import BSAEncoder, LSMClassifier, PoissonEncoder, PopulationEncoder
from liquid.datasets import make_temporal_order


def test_bsa_spikes_reconstruct_the_signal():
    t = np.linspace(0, 6 * np.pi, 300)
    signal = np.column_stack([np.sin(t), np.cos(2 * t)])
    encoder = BSAEncoder().fit([signal])
    (spikes,) = encoder.transform([signal])
    assert set(np.unique(spikes)) == {0.0, 1.0}
    kernel = encoder.reconstruction_filter()
    lag = len(kernel) - 1  # the causal encoder emits each spike once its filter window has arrived
    for c in range(2):
        reconstruction = np.convolve(spikes[:, c], kernel)[lag:300]
        scaled = (signal[:, c] - signal[:, c].min()) / np.ptp(signal[:, c])
        assert np.corrcoef(reconstruction, scaled[: 300 - lag])[0, 1] > 0.9


def test_bsa_threshold_trades_spikes_for_accuracy():
    signal = np.sin(np.linspace(0, 6 * np.pi, 300))[:, None]
    dense = BSAEncoder(threshold=0.0).fit([signal]).encode(signal).sum()
    sparse = BSAEncoder(threshold=0.2).fit([signal]).encode(signal).sum()
    assert sparse < dense


def test_population_code_peaks_at_the_preferred_value():
    encoder = PopulationEncoder(n_fields=5, max_rate=80.0).fit([np.array([[0.0], [4.0]])])
    rates = encoder.encode(np.array([[0.0], [2.0], [4.0]]))
    assert rates.shape == (3, 5)
    assert list(rates.argmax(axis=1)) == [0, 2, 4]
    np.testing.assert_allclose(rates.max(axis=1), 80.0)
    assert rates[1, 1] == pytest.approx(80.0 * np.exp(-0.5))  # one spacing away, width 1


@pytest.mark.parametrize(
    "front, liquid_encoder",
    [(BSAEncoder(), "spikes"), (PopulationEncoder(), PoissonEncoder(normalize=False))],
)
def test_encoders_work_as_pipeline_steps(front, liquid_encoder):
    """Spike encoders feed a liquid taking spikes, rate encoders one taking rates (Hz)."""
    X, y = make_temporal_order(240, random_state=0)
    pipe = make_pipeline(front, LSMClassifier(n_neurons=500, encoder=liquid_encoder, random_state=0))
    accuracy = pipe.fit(X[:120], y[:120]).score(X[120:], y[120:])
    print(f"\n{type(front).__name__}: {accuracy:.3f} (chance 0.167)")
    assert accuracy >= 0.8


def test_encoder_as_liquid_parameter_and_errors():
    X, y = make_temporal_order(40, random_state=0)
    lsm = LSMClassifier(n_neurons=50, encoder=PopulationEncoder(n_fields=3), random_state=0).fit(X, y)
    assert lsm.liquid_.reservoir_.input_weights.shape[0] == 4 * 3
    with pytest.raises(ValueError, match="n_fields"):
        PopulationEncoder(n_fields=0).fit(X)
    with pytest.raises(ValueError, match="threshold"):
        BSAEncoder(threshold=-1.0).fit(X)
    with pytest.raises(ValueError, match="3 channels"):
        BSAEncoder().fit(X).transform([np.zeros((5, 3))])


@pytest.mark.parametrize("name", ["current", "poisson", "delta", "spikes", "bsa", "population"])
def test_every_encoder_streams_in_chunks_exactly_as_in_one_piece(name):
    from liquid.encoders import ENCODERS

    rng = np.random.default_rng(3)
    series = np.abs(np.cumsum(rng.standard_normal((400, 2)), axis=0))
    encoder = ENCODERS[name]().fit([series])
    whole = encoder.encode(series)
    state = encoder.new_stream_state()
    cuts = [0, 1, 7, 100, 103, 250, 400]
    chunked = np.vstack([encoder.encode_chunk(series[a:b], state) for a, b in zip(cuts[:-1], cuts[1:])])
    np.testing.assert_array_equal(chunked, whole)
    assert whole.any()


@pytest.mark.parametrize("encoder", ["current", "delta", "bsa", "poisson"])
def test_streaming_liquid_in_chunks_equals_one_piece_for_stateful_encoders(encoder):
    from liquid import LiquidStateMachine

    rng = np.random.default_rng(4)
    series = np.cumsum(rng.standard_normal((300, 2)), axis=0)
    lsm = LiquidStateMachine(100, encoder=encoder, random_state=0).fit([series])
    whole = np.vstack([states for _, states in lsm.iter_states(series, chunk_size=1000)])
    lsm.reset_state()
    chunked = np.vstack([lsm.partial_transform(series[a:b]) for a, b in ((0, 75), (75, 150), (150, 225), (225, 300))])
    np.testing.assert_array_equal(chunked, whole)
    np.testing.assert_array_equal(np.vstack([s for _, s in lsm.iter_states(series, chunk_size=64)]), whole)


def test_current_encoder_adds_each_channels_rise_and_fall():
    from liquid.encoders import CurrentEncoder

    step = np.r_[np.zeros(10), np.ones(10), np.zeros(10)][:, None]
    raw = CurrentEncoder(standardize=False, changes=2).fit([step]).encode(step)
    assert raw.shape == (30, 3)
    np.testing.assert_array_equal(raw[:, 0], step[:, 0])
    np.testing.assert_array_equal(np.flatnonzero(raw[:, 1]), [10, 11])  # risen over the last 2 frames
    np.testing.assert_array_equal(np.flatnonzero(raw[:, 2]), [20, 21])
    np.testing.assert_array_equal(raw[[10, 11, 20, 21], 1:], [[1, 0], [1, 0], [0, 1], [0, 1]])

    encoder = CurrentEncoder(changes=2).fit([step])
    drive = encoder.encode(step)
    levels = (step - step.mean()) / step.std()
    np.testing.assert_allclose(drive[:, 0], levels[:, 0])
    # The rectified changes are z-scored with training statistics.
    np.testing.assert_allclose(drive[:, 1:].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(drive[:, 1:].std(axis=0), 1.0)
    rise = drive[:, 1] * encoder.change_scale_[0] + encoder.change_mean_[0]
    np.testing.assert_allclose(rise[[10, 11]], levels[10, 0] - levels[0, 0])
    np.testing.assert_allclose(np.delete(rise, [10, 11]), 0.0, atol=1e-12)


def test_current_encoder_without_changes_gives_the_z_scores_alone():
    from liquid import LiquidStateMachine
    from liquid.encoders import CurrentEncoder

    rng = np.random.default_rng(0)
    X = [rng.standard_normal((40, 3)) * [1.0, 5.0, 0.1] + 2.0 for _ in range(4)]
    plain = CurrentEncoder(changes=None).fit(X)
    frames = np.vstack(X)
    np.testing.assert_array_equal(plain.encode(X[1]), (X[1] - frames.mean(axis=0)) / frames.std(axis=0))
    assert plain.n_output_channels(3) == 3
    assert CurrentEncoder().n_output_channels(3) == 9
    # 0 (writable in a TOML configuration, which has no null) means the same as None.
    np.testing.assert_array_equal(CurrentEncoder(changes=0).fit(X).encode(X[1]), plain.encode(X[1]))
    # The liquid draws input synapses for every encoded channel.
    lsm = LiquidStateMachine(50, random_state=0).fit(X)
    assert lsm.reservoir_.input_weights.shape[0] == 9
    assert LiquidStateMachine(50, encoder=plain, random_state=0).fit(X).reservoir_.input_weights.shape[0] == 3


def test_automatic_change_span_is_20_ms_of_liquid_time():
    from liquid import LiquidStateMachine
    from liquid.encoders import CurrentEncoder

    X = [np.random.default_rng(seed).standard_normal((8, 2)) for seed in range(4)]
    spans = {ms: CurrentEncoder().fit(X, frame_duration=ms).change_frames_ for ms in (5.0, 10.0, 20.0, 38.0, 100.0)}
    assert spans == {5.0: 4, 10.0: 2, 20.0: 1, 38.0: 1, 100.0: 1}
    assert CurrentEncoder().fit(X).change_frames_ == 2  # no frame duration: the liquid's default 10 ms
    assert CurrentEncoder(changes=3).fit(X, frame_duration=38.0).change_frames_ == 3  # a number is in frames
    assert CurrentEncoder(changes=None).fit(X, frame_duration=38.0).change_frames_ == 0
    # A liquid passes its frame duration: 8-frame sequences are held 38 ms per frame ("auto"), longer ones 10 ms.
    assert LiquidStateMachine(30, random_state=0).fit(X).encoder_.change_frames_ == 1
    assert LiquidStateMachine(30, frame_duration=10.0, random_state=0).fit(X).encoder_.change_frames_ == 2
    # The span decides the drive: over 1 frame a step rises in 1 frame.
    step = np.r_[np.zeros(5), np.ones(5)][:, None]
    drive = CurrentEncoder(standardize=False).fit([step], frame_duration=20.0).encode(step)
    np.testing.assert_array_equal(np.flatnonzero(drive[:, 1]), [5])


@pytest.mark.parametrize("frame_duration", [0.0, -10.0, np.inf, "10"])
def test_encoder_refuses_a_bad_frame_duration(frame_duration):
    from liquid.encoders import CurrentEncoder

    with pytest.raises((TypeError, ValueError), match="frame_duration"):
        CurrentEncoder().fit([np.zeros((5, 1))], frame_duration=frame_duration)


@pytest.mark.parametrize("changes", [-1, 1.5, "2", "always", True, 10**9])
def test_current_encoder_refuses_a_bad_change_span(changes):
    from liquid.encoders import CurrentEncoder

    with pytest.raises((TypeError, ValueError), match="changes"):
        CurrentEncoder(changes=changes).fit([np.zeros((5, 1))])
