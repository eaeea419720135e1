"""Adversarial inputs: every bad array, parameter or call gets a clear error, never a crash or garbage.

The first tests are the named regressions from the reliability report; the
property-based tests (hypothesis) generate many more cases of each kind. The
kernels do not bounds-check, so a case that slipped through validation would
kill the interpreter: each case runs in this process on purpose.
"""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liquid import LIF, LiquidStateMachine, LSMClassifier
from liquid.encoders import BSAEncoder, PopulationEncoder, events_to_counts
from liquid.features import FilteredState, PeakRate
from liquid.kernels import MODE_CURRENT, MODE_RATE
from liquid.topology import MaassColumn

#: Cases per property: a fast subset in CI; LIQUID_FUZZ_EXAMPLES=500 for a deep run.
EXAMPLES = int(os.environ.get("LIQUID_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(0)
    return [rng.random((20, 2)) for _ in range(6)]


@pytest.fixture(scope="module")
def fitted(X):
    return LiquidStateMachine(50, random_state=0).fit(X)


# -- memory safety: named regressions ---------------------------------------------------------
@pytest.mark.parametrize("param", ["delay_exc", "delay_inh"])
def test_huge_delay_is_refused_before_the_kernel(X, param):
    with pytest.raises(ValueError, match=f"{param}=1e\\+20 ms .* at most 10000 steps"):
        LiquidStateMachine(50, random_state=0, **{param: 1e20}).fit_transform(X)


def test_huge_refractory_period_is_refused(X):
    with pytest.raises(ValueError, match="LIF.refractory_exc"):
        LiquidStateMachine(50, neuron=LIF(refractory_exc=1e20), random_state=0).fit(X)


def test_raster_checks_trace_neurons_against_the_fitted_network(X):
    lsm = LiquidStateMachine(50, random_state=0).fit(X)
    lsm.set_params(n_neurons=10**7)
    with pytest.raises(ValueError, match=r"trace_neurons must be in \[0, 50\)"):
        lsm.raster(X[0], trace_neurons=[10**7 - 1])
    lsm.set_params(n_neurons=100)
    with pytest.raises(ValueError, match="trace_neurons"):
        lsm.raster(X[0], trace_neurons=[99])
    assert len(lsm.get_feature_names_out()) == lsm.transform(X[:1]).shape[1]


def test_reservoir_methods_validate_their_inputs(fitted):
    reservoir = fitted.reservoir_
    c = reservoir.n_channels
    with pytest.raises(ValueError, match=rf"shape \(20, 40\); this liquid takes \(n_frames >= 1, {c}\)"):
        reservoir.run([np.ones((20, 40))], 0, np.array([1]), 0, 5, 30.0, 1)
    with pytest.raises(ValueError, match="seeds must be 2 integers"):
        reservoir.run([np.ones((5, c))] * 2, MODE_CURRENT, np.array([1]), 0, 1, 30.0, 1)
    with pytest.raises(ValueError, match="mode"):
        reservoir.run([np.ones((5, c))], 7, np.array([1]), 0, 1, 30.0, 1)
    with pytest.raises(ValueError, match="NaN"):
        reservoir.run([np.full((5, c), np.nan)], MODE_RATE, np.array([1]), 0, 1, 30.0, 1)
    with pytest.raises(ValueError, match="n_frames >= 1"):
        reservoir.run([np.ones((0, c))], MODE_CURRENT, np.array([1]), 0, 1, 30.0, 1)
    for steps, message in [(np.array([2]), "steps_per_frame must be 2 integers"),
                           (np.array([2.0, 3.0]), "steps_per_frame must be 2 integers"),
                           (np.array([0, 3]), r"steps_per_frame must be in \[1, "),
                           (np.array([2, 10**9]), r"steps_per_frame must be in \[1, ")]:
        with pytest.raises(ValueError, match=message):
            reservoir.run([np.ones((5, c))] * 2, MODE_CURRENT, np.array([1, 2]), 3, 1, 30.0, 1, steps_per_frame=steps)
    n = reservoir.n_neurons
    for out, message in [({"counts": np.zeros((1, 2, n))}, r"out\['counts'\] must be .* shape \(1, 3, 50\)"),
                         ({"state": np.zeros((1, 1, n), dtype=np.float32)}, r"out\['state'\] must be .* float64"),
                         ({"state": np.zeros((1, 1, n))[:, :, ::-1][:, :, :n // 2]}, r"shape \(1, 1, 50\)"),
                         ({"total": np.zeros((1, n))}, "out takes 'counts' and 'state'")]:
        with pytest.raises(ValueError, match=message):
            reservoir.run([np.ones((5, c))], MODE_CURRENT, np.array([1]), 3, 1, 30.0, 1, out=out)
    frozen = np.zeros((1, 1, n))
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        reservoir.run([np.ones((5, c))], MODE_CURRENT, np.array([1]), 3, 1, 30.0, 1, out={"state": frozen})
    with pytest.raises(ValueError, match="streaming state"):
        reservoir.stream(np.ones((5, c)), MODE_CURRENT, 1, (np.zeros(3),), 30.0)
    with pytest.raises(ValueError, match="trace_neurons"):
        reservoir.record(np.ones((5, c)), MODE_CURRENT, 1, trace_neurons=[-1])
    with pytest.raises(ValueError, match="seed"):
        reservoir.record(np.ones((5, c)), MODE_CURRENT, -5)


def test_unbounded_costs_are_refused_up_front(X):
    with pytest.raises(ValueError, match="frame_duration"):
        LiquidStateMachine(50, frame_duration=1e9, random_state=0).fit(X)
    with pytest.raises(MemoryError, match="neurons"):
        LiquidStateMachine(10**9, random_state=0).fit(X)
    with pytest.raises(ValueError, match="n_fields"):
        LiquidStateMachine(50, encoder=PopulationEncoder(n_fields=10**6), random_state=0).fit(X)
    with pytest.raises(ValueError, match="filter_length"):
        BSAEncoder(filter_length=10**9).fit(X)


def test_large_column_length_scale_is_bounded_by_the_grid(X):
    lsm = LiquidStateMachine(64, topology=MaassColumn(lambda_=50), random_state=0).fit(X)
    # Every pair is within reach: about the peak probability of all ordered pairs.
    assert 0.1 * 64 * 63 < lsm.reservoir_.rec_indices.size < 0.45 * 64 * 63


def test_numpy_scalars_are_numbers(X):
    lsm = LiquidStateMachine(np.int64(50), input_scale=np.float32(5.0), features=FilteredState(tau=np.float32(20)),
                             random_state=0)
    # traces and potentials at 5 points; 20 timesteps hold 4 blocks of 4 but not of 16: scales 1 and 4
    assert lsm.fit_transform(X).shape == (6, 2 * 50 * 10)
    assert lsm.time_scales_ == (1, 4)


@pytest.mark.parametrize("features, match", [
    (PeakRate(tau=0.0), r"PeakRate.tau must be in \[0.001"),
    ([FilteredState(tau=20.0), PeakRate(tau=30.0)], "FilteredState.tau and PeakRate.tau differ"),
    ([FilteredState(tau=1e-310), "peak"], "PeakRate needs FilteredState.tau >= 0.001"),  # 1000 / tau: inf
])
def test_peak_rate_time_constant_is_checked(X, features, match):
    with pytest.raises(ValueError, match=match):
        LiquidStateMachine(30, features=features, random_state=0).fit(X)


# -- silent garbage: named regressions ----------------------------------------------------------
def test_extreme_magnitudes_are_refused_with_the_real_cause(X):
    with pytest.raises(ValueError, match="magnitude .* rescale"):
        LiquidStateMachine(50, random_state=0).fit(X[:-1] + [X[-1] * 1e300])
    with pytest.raises(ValueError, match="magnitude"):
        LiquidStateMachine(50, random_state=0).fit([np.full((7, 1), 2.568e307)])


def test_zero_length_sequences_in_a_3d_array_are_refused(fitted):
    with pytest.raises(ValueError, match="at least one timestep"):
        fitted.transform(np.zeros((3, 0, 2)))


def test_events_to_counts_edge_cases():
    assert events_to_counts([], [], 2, 30.0, 10.0).shape == (3, 2)
    with pytest.raises(ValueError, match="frame_duration"):
        events_to_counts([1.0], [0], 2, 30.0, 0.0)


# -- property-based: generated bad input --------------------------------------------------------
finite = st.floats(-1e6, 1e6, allow_nan=False)
bad_values = st.sampled_from([np.nan, np.inf, -np.inf, 1e200, -1e300])


@FUZZ
@given(
    n_samples=st.integers(1, 4),
    length=st.integers(0, 6),
    n_channels=st.integers(0, 3),
    poison=st.one_of(st.none(), bad_values),
    ragged=st.booleans(),
)
def test_fuzz_arrays_give_finite_features_or_a_clear_error(fitted, n_samples, length, n_channels, poison, ragged):
    rng = np.random.default_rng(length + 7 * n_channels)
    X = [rng.standard_normal((length + (i if ragged else 0), n_channels)) for i in range(n_samples)]
    if poison is not None and X[0].size:
        X[0].flat[0] = poison
    try:
        features = fitted.transform(X)
    except ValueError as error:
        assert str(error)
        return
    assert np.isfinite(features).all()
    assert features.shape[0] == n_samples


def test_a_step_longer_than_the_auto_frame_holds_each_frame_one_step(X):
    """dt far beyond the automatic frame's 10 ms (found by the parameter fuzz below): one step per frame.
    It used to round to no step at all, and the features, never written, were whatever the memory held."""
    lsm = LiquidStateMachine(30, dt=1e12, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a liquid stepped every 1e12 ms is nearly silent
        features = lsm.fit_transform(X[:2])
    assert lsm.reservoir_.steps_per_frame == 1 and lsm.frame_duration_ == 1e12
    assert np.isfinite(features).all() and np.abs(features).max() < 1e3
    assert np.all((features == 0.0) | (np.abs(features) > 1e-300))  # no leftover bytes read as subnormals


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**12), 10**12),
    st.sampled_from([True, None, "7", np.float32(3.0), np.int64(2)]),
)


@FUZZ
@given(
    param=st.sampled_from([
        "n_neurons", "frac_inhibitory", "w_ee", "w_ie", "delay_exc", "delay_inh", "input_scale",
        "input_fraction", "dt", "frame_duration", "n_jobs",
    ]),
    value=numbers,
)
def test_fuzz_parameters_give_a_clear_error_or_a_finite_result(X, param, value):
    lsm = LiquidStateMachine(30, random_state=0).set_params(**{param: value})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # activity warnings are allowed; only errors and results count
            features = lsm.fit_transform(X[:2])
    except (ValueError, TypeError, MemoryError) as error:
        assert param in str(error) or "memory" in str(error).lower() or "GiB" in str(error)
        return
    assert np.isfinite(features).all()


@FUZZ
@given(
    param=st.sampled_from(["tau_m", "v_thresh", "v_reset", "refractory_exc", "refractory_inh", "tau_syn_exc",
                           "tau_syn_inh", "bias", "noise_std", "adaptation", "tau_adapt"]),
    value=numbers,
)
def test_fuzz_neuron_parameters(X, param, value):
    lsm = LiquidStateMachine(30, neuron=LIF(**{param: value}), random_state=0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            features = lsm.fit_transform(X[:2])
    except (ValueError, TypeError) as error:
        assert f"LIF.{param}" in str(error) or "v_reset" in str(error)
        return
    assert np.isfinite(features).all()


def test_classifier_rejects_mismatched_labels(X):
    with pytest.raises(ValueError, match="6 sequences but y has 5"):
        LSMClassifier(30, random_state=0).fit(X, [0, 1, 0, 1, 0])


# -- property-based: encoders, loaders, command line ----------------------------------------------
FUZZ_FILES = settings(max_examples=EXAMPLES, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(
    name=st.sampled_from(["current", "poisson", "delta", "spikes", "bsa", "population"]),
    scale=st.sampled_from([0.0, 1e-300, 1.0, 1e6, 1e90]),
    offset=st.sampled_from([0.0, -5.0, 1e50]),
    length=st.integers(1, 30),
)
def test_fuzz_encoders_give_finite_drive_or_a_clear_error(name, scale, offset, length):
    from liquid.encoders import ENCODERS

    rng = np.random.default_rng(length)
    X = [offset + scale * rng.standard_normal((length, 2)) for _ in range(3)]
    encoder = ENCODERS[name]()
    try:
        drives = encoder.fit(X).transform(X)
    except ValueError as error:
        assert str(error)
        return
    assert all(np.isfinite(d).all() and d.shape[0] == length for d in drives)


@FUZZ_FILES
@given(content=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_fuzz_files_give_a_clear_error_or_data(tmp_path_factory, content):
    from liquid.datasets import load_long, load_ts, read_timeseries_csv

    folder = tmp_path_factory.mktemp("fuzz")
    for suffix, loader in ((".ts", load_ts), (".csv", load_long), (".csv", read_timeseries_csv)):
        path = folder / f"data{suffix}"
        path.write_bytes(content)
        try:
            loaded = loader(path)
        except (ValueError, OSError) as error:
            assert str(error)
            continue
        assert loaded is not None


@FUZZ_FILES
@given(
    option=st.sampled_from(["--folds", "--repeats", "--test-size", "--n-neurons", "--input-scale", "--dt",
                            "--frame-duration", "--n-jobs", "--seed", "--grid"]),
    value=st.sampled_from(["0", "-1", "1e300", "nan", "inf", "abc", "", "1", "0.5", "n_neurons=", "x=1"]),
)
def test_fuzz_command_line_options_give_one_line_errors_or_results(tmp_path_factory, capsys, option, value):
    from liquid import cli

    folder = tmp_path_factory.mktemp("cli")
    argv = ["cv", "--dataset", "temporal_order", "--folds", "2", "--n-neurons", "20", option, value,
            "--output", str(folder / "out.csv")]
    capsys.readouterr()  # hypothesis reuses the fixture: drop the previous example's output
    try:
        code = cli.main(argv)
    except SystemExit as exit_:  # argparse: usage error on the command line
        assert exit_.code == 2
        return
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if code == 0:
        assert (folder / "out.csv").exists()
    else:
        assert code == 2 and captured.err.startswith("liquid: error:"), captured.err


# -- property-based: the stream estimators ----------------------------------------------------------
@FUZZ
@given(
    length=st.integers(0, 80),
    poison=st.one_of(st.none(), bad_values),
    kind=st.sampled_from(["sequence", "forecaster", "online", "batch"]),
)
def test_fuzz_stream_estimators_give_finite_output_or_a_clear_error(length, poison, kind):
    from liquid import LSMAnomalyDetector
    from liquid.forecasting import LSMForecaster
    from liquid.online_anomaly import OnlineAnomalyDetector
    from liquid.sequence import LSMSequenceRegressor, memory_liquid

    rng = np.random.default_rng(length)
    x = rng.standard_normal(length)
    if poison is not None and length:
        x[length // 2] = poison
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "sequence":
                out = LSMSequenceRegressor(memory_liquid(20, random_state=0), washout=5).fit(x, x).predict(x)
            elif kind == "forecaster":
                out = LSMForecaster(memory_liquid(20, random_state=0), washout=5).fit(x).forecast(x, 3)
            elif kind == "online":
                out = OnlineAnomalyDetector(memory_liquid(20, random_state=0)).fit(x).score_stream(x)
            else:
                out = LSMAnomalyDetector(liquid=LiquidStateMachine(20, random_state=0)).fit(x).score_samples(x)
    except ValueError as error:
        assert str(error)
        return
    assert np.isfinite(out).all()


def test_extreme_values_do_not_give_infinite_anomaly_scores():
    from liquid import LSMAnomalyDetector

    x = np.sin(np.arange(400) / 5.0)
    detector = LSMAnomalyDetector(liquid=LiquidStateMachine(30, random_state=0)).fit(x)
    with pytest.raises(ValueError, match="magnitude"):
        detector.score_samples(x * 1e300)
