"""Time scales: block means of the sequence (or, for short sequences, the sequence played faster), each read by
the same liquid, features concatenated."""
import numpy as np
import pytest

from liquid import LiquidStateMachine
from liquid.encoders import CurrentEncoder
from liquid.timescales import MIN_BLOCKS, check_time_scales, coarsen, plan_time_scales, strip_padding


def test_coarsen_takes_block_means_and_keeps_a_short_last_block():
    x = np.arange(14, dtype=float).reshape(7, 2)
    np.testing.assert_array_equal(coarsen(x, 3), [[2.0, 3.0], [8.0, 9.0], [12.0, 13.0]])
    assert coarsen(x, 1) is x
    np.testing.assert_array_equal(coarsen(x, 10), x.mean(axis=0, keepdims=True))


@pytest.mark.parametrize("features, verbose", [
    (("state", "counts"), 0),
    (("latency", "counts", "rate", "state"), 0),
    (("counts", "state", "rate"), 1),  # verbose: simulated in parts, each written into its rows
])
def test_each_scale_block_is_the_liquid_reading_the_coarsened_sequence(features, verbose, capsys):
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((int(rng.integers(5, 40)), 2)) for _ in range(5)] + [rng.standard_normal((30, 2))]
    multi = LiquidStateMachine(60, time_scales=(1, 4), features=features, verbose=verbose, random_state=0).fit(X)
    single = LiquidStateMachine(60, time_scales=(1,), features=features, random_state=0).fit(X)
    assert multi.time_scale_views_[1][0] == 4  # long enough for block means of 4
    features = multi.transform(X)
    width = features.shape[1] // 2
    np.testing.assert_array_equal(features[:, :width], single.transform(X))
    np.testing.assert_array_equal(features[:, width:], single.transform([coarsen(x, 4) for x in X]))
    names = multi.get_feature_names_out()
    assert len(names) == features.shape[1] and names[0].endswith("_scale1") and names[-1].endswith("_scale4")
    assert single.get_feature_names_out()[0].endswith("_n0")
    assert multi.firing_rate_ == single.firing_rate_  # activity statistics describe the first scale


def test_coarse_scales_are_block_means_when_the_sequences_hold_enough_blocks_else_played_faster():
    # (scale, block, steps per timestep)
    assert plan_time_scales((1, 4, 16), [5, 100, 200], 10, 1.0) == ((1, 1, 10), (4, 4, 10), (16, 16, 10))
    assert plan_time_scales((1, 4, 16), [4 * MIN_BLOCKS] * 3, 10, 1.0) == ((1, 1, 10), (4, 4, 10))
    # 8 timesteps: too short for blocks of 4; held 38 steps, the sequence played 38 // 4 = 9 steps per timestep
    # lasts 72 ms, read; at 38 // 16 = 2 steps it would last 16 ms, and at 10 // 4 = 2, 16 ms: not read
    assert plan_time_scales((1, 4, 16), [8, 8, 9], 38, 1.0) == ((1, 1, 38), (4, 1, 9))
    assert plan_time_scales((1, 4, 16), [8, 8, 9], 10, 1.0) == ((1, 1, 10),)
    assert plan_time_scales((4, 16), [3], 10, 1.0) == ((4, 4, 10),)  # the finest asked for is always read
    assert plan_time_scales((2, 8), [10] * 3, 40, 1.0) == ((2, 2, 40), (8, 2, 10))  # 4x the finest's speed
    assert plan_time_scales((16, 1), [100], 10, 1.0) == ((16, 16, 10), (1, 1, 10))  # in the order given
    assert plan_time_scales((1, 6, 7), [20] * 3, 30, 1.0) == ((1, 1, 30), (6, 1, 5), (7, 1, 4))
    # 30 // 11 and 30 // 12 both give 2 steps per timestep: one view, not two of the same
    assert plan_time_scales((1, 11, 12), [20] * 3, 30, 1.0) == ((1, 1, 30), (11, 1, 2))
    X = [np.random.default_rng(0).standard_normal((8, 2)) for _ in range(3)]
    short = LiquidStateMachine(40, frame_duration=10.0, random_state=0).fit(X)  # default (1, 4, 16) on 8 timesteps
    assert short.time_scales_ == (1,) and short.time_scale_views_ == ((1, 10),)
    assert short.transform(X).shape[1] == LiquidStateMachine(40, time_scales=(1,), random_state=0).fit_transform(
        X).shape[1]


def test_a_fast_view_is_the_liquid_reading_the_sequence_with_shorter_frames():
    rng = np.random.default_rng(1)
    X = [rng.standard_normal((int(n), 3)) for n in rng.integers(6, 12, 8)]
    encoder = CurrentEncoder(changes=1)  # the same change span at both frame durations
    multi = LiquidStateMachine(80, encoder=encoder, frame_duration=40.0, time_scales=(1, 4), random_state=0).fit(X)
    assert multi.time_scales_ == (1, 4) and multi.time_scale_views_ == ((1, 40), (1, 10))
    slow = LiquidStateMachine(80, encoder=encoder, frame_duration=40.0, time_scales=(1,), random_state=0).fit(X)
    fast = LiquidStateMachine(80, encoder=encoder, frame_duration=10.0, time_scales=(1,), random_state=0).fit(X)
    features = multi.transform(X)
    width = features.shape[1] // 2
    np.testing.assert_array_equal(features[:, :width], slow.transform(X))
    np.testing.assert_array_equal(features[:, width:], fast.transform(X))
    assert multi.get_feature_names_out()[-1].endswith("_scale4")


@pytest.mark.parametrize("bad, match", [
    ((), "at least one"), ((0,), "between 1 and"), ((1, 1), "distinct"), ("1", "sequence of positive integers"),
    (2.5, "sequence of positive integers"), ((1, 2.0), "positive integers"), ((True,), "positive integers"),
    ((10**9,), "between 1 and"),
])
def test_bad_time_scales_are_named(bad, match):
    with pytest.raises(ValueError, match=match):
        check_time_scales(bad)
    with pytest.raises(ValueError, match="time_scales"):
        LiquidStateMachine(20, time_scales=bad).fit([np.zeros((5, 1))])


def test_strip_padding_keeps_the_series_up_to_the_first_repeat_of_its_last_frame():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [5.0, 6.0], [5.0, 6.0]])
    np.testing.assert_array_equal(strip_padding(x), x[:3])
    np.testing.assert_array_equal(strip_padding(x[:3]), x[:3])  # nothing to strip; idempotent
    zeros = np.vstack([x[:2], np.zeros((4, 2))])
    np.testing.assert_array_equal(strip_padding(zeros), zeros[:3])  # zero padding after a nonzero frame
    one_channel = np.array([[1.0, 7.0], [5.0, 7.0], [5.0, 7.0]])  # a frame repeats only if all channels do
    np.testing.assert_array_equal(strip_padding(one_channel), one_channel[:2])
    constant = np.ones((6, 2))
    assert strip_padding(constant) is constant  # no end to find: whole
    assert strip_padding(x[:1]).shape == (1, 2)


def test_the_liquid_reads_a_padded_sequence_as_the_series_it_pads():
    rng = np.random.default_rng(0)
    series = [rng.standard_normal((n, 2)) for n in (40, 55, 70)]
    padded = [np.vstack([s, np.repeat(s[-1:], 80 - len(s), axis=0)]) for s in series]  # a common length of 80
    liquid = LiquidStateMachine(n_neurons=60, time_scales=(1, 4), random_state=0, n_jobs=1)
    np.testing.assert_array_equal(liquid.fit_transform(padded), liquid.fit_transform(series))
    untrimmed = LiquidStateMachine(n_neurons=60, time_scales=(1, 4), random_state=0, n_jobs=1, trim_padding=False)
    assert not np.allclose(untrimmed.fit_transform(padded), untrimmed.fit_transform(series))
    # Streams are never trimmed: the state after the padding is the liquid's after reading all of it.
    states = liquid.fit(series).partial_transform(padded[0])
    assert states.shape[0] == 80 and not np.allclose(states[-1], states[40])


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_trim_padding_must_be_a_bool(bad):
    with pytest.raises(TypeError, match="trim_padding must be True or False"):
        LiquidStateMachine(n_neurons=20, trim_padding=bad).fit([np.zeros((10, 1))])
