"""Property-based tests of the surfaces added after the first reliability pass: the ridge readouts, the
NAB scorer, the sequence estimators and forecaster, the online detector, fetch_uea on generated zips and
the command line's configuration files.

Every case must end in a clear ValueError / TypeError / MemoryError (or FileNotFoundError for a missing
file) naming its cause, or in finite, correct output; never a crash, a hang, silent garbage or lost work.
``LIQUID_FUZZ_EXAMPLES=500`` runs a deep pass (CI runs the default subset).
"""
import json
import os
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from liquid.nab import PROFILES, nab_score
from liquid.readout import GramRidgeClassifierCV, GramRidgeCV

EXAMPLES = int(os.environ.get("LIQUID_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CLEAR = (ValueError, TypeError, MemoryError)

bad_values = st.sampled_from([np.nan, np.inf, -np.inf, 1e200, -1e300])


def _clear(error: Exception) -> None:
    """A clear error: a message, one that does not blame NaN for what is not NaN."""
    assert str(error).strip()


# -- readouts ----------------------------------------------------------------------------------------
@FUZZ
@given(
    n=st.integers(0, 30),
    p=st.integers(0, 12),
    scale=st.sampled_from([1e-300, 1e-10, 1.0, 1e10, 1e20, 1e99]),
    poison=st.one_of(st.none(), bad_values),
    classifier=st.booleans(),
    std_power=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_fuzz_readouts_fit_well_or_refuse_clearly(n, p, scale, poison, classifier, std_power):
    rng = np.random.default_rng(n * 13 + p)
    X = rng.standard_normal((n, p))
    if p:
        X[:, 0] *= scale  # one column on another scale
    y = X[:, 1:].sum(axis=1) + 0.1 * rng.standard_normal(n) if p > 1 else rng.standard_normal(n)
    if poison is not None and X.size:
        X.flat[-1] = poison
    target = np.where(y > np.median(y), "hi", "lo") if classifier and n else y
    model = (GramRidgeClassifierCV if classifier else GramRidgeCV)(std_power=std_power)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the column-spread warning is allowed
            model.fit(X, target)
    except CLEAR as error:
        _clear(error)
        return
    assert poison is None or np.abs(poison) <= 1e100
    if classifier:
        assert set(model.predict(X)) <= {"hi", "lo"} and np.isfinite(model.decision_function(X)).all()
        return
    predicted = model.predict(X)
    assert np.isfinite(predicted).all()
    # Ridge never fits its training rows worse than their mean (w = 0 is a candidate).
    assert np.sqrt(np.mean((predicted - y) ** 2)) <= y.std() * (1 + 1e-6) + 1e-9


# -- the NAB scorer -----------------------------------------------------------------------------------
@FUZZ
@given(
    n=st.integers(1, 400),
    n_windows=st.integers(0, 4),
    density=st.sampled_from([0.0, 0.01, 0.1, 0.5]),
    profile=st.sampled_from(sorted(PROFILES)),
    numeric=st.booleans(),
    seed=st.integers(0, 10**6),
)
def test_fuzz_nab_score_is_bounded_and_order_free(n, n_windows, density, profile, numeric, seed):
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.integers(1, 5, n)).astype(float) if numeric else \
        pd.date_range("2020-01-01", periods=n, freq="min").to_numpy()
    cuts = np.sort(rng.choice(n, size=min(2 * n_windows, n), replace=False))
    windows = [(times[a], times[b]) for a, b in zip(cuts[::2], cuts[1::2])]
    detections = rng.random(n) < density
    result = nab_score(detections, times, windows, profile=profile)
    tp_weight, fn_weight, fp_weight = PROFILES[profile]
    assert result.null_score == -fn_weight * len(windows) and result.perfect_score == tp_weight * len(windows)
    assert result.detected_windows + result.missed_windows == len(windows)
    assert result.score <= result.perfect_score + 1e-12
    assert result.score >= result.null_score - fp_weight * result.false_positives - 1e-12
    order = rng.permutation(n)
    shuffled = nab_score(detections[order], times[order], windows, profile=profile)
    assert shuffled.score == pytest.approx(result.score, abs=1e-9)
    assert shuffled.false_positives == result.false_positives


@FUZZ
@given(
    detections=st.one_of(st.lists(st.sampled_from([0.0, 1.0, 0.3, np.nan, 2, True]), min_size=0, max_size=12),
                         st.none(), st.just("abc")),
    timestamps=st.one_of(st.lists(st.one_of(st.floats(), st.integers(-5, 5), st.sampled_from(["2020-01-01",
                                                                                               "x", None])),
                                  min_size=0, max_size=12), st.none()),
    windows=st.one_of(st.none(), st.lists(st.tuples(st.floats(-20, 20), st.floats(-20, 20)), max_size=3),
                      st.just([(1,)]), st.just([("a", "b")])),
    percent=st.sampled_from([0.15, -1, 2, float("nan"), True, "0.1"]),
)
def test_fuzz_nab_inputs_give_a_score_or_a_clear_error(detections, timestamps, windows, percent):
    try:
        result = nab_score(detections, timestamps, windows, probation_percent=percent)
    except CLEAR as error:
        _clear(error)
        return
    assert np.isfinite(result.score)
    assert isinstance(percent, float) and 0 <= percent <= 1


# -- sequence estimators, forecaster, online detector ---------------------------------------------------
@FUZZ
@given(
    length=st.integers(0, 120),
    washout=st.one_of(st.integers(-1, 130), st.sampled_from([True, 2.5, None])),
    alpha=st.sampled_from([None, 0.0, -1.0, 1e-300, 1.0, 1e300, float("nan")]),
    taus=st.sampled_from([(), (50.0,), (0.0,), (-1.0,), (float("inf"),), "100", (1.0,) * 50]),
    kind=st.sampled_from(["regressor", "classifier"]),
    lags=st.sampled_from([0, 1, 10, -1, 10**6, 2.0, True]),
    include_input=st.booleans(),
)
def test_fuzz_sequence_estimators(length, washout, alpha, taus, kind, lags, include_input):
    from liquid.sequence import LSMSequenceClassifier, LSMSequenceRegressor, memory_liquid

    x = np.sin(np.arange(length) / 5.0)
    target = np.roll(x, 1) if kind == "regressor" else (x > 0).astype(int)
    estimator = (LSMSequenceRegressor if kind == "regressor" else LSMSequenceClassifier)(
        memory_liquid(20, random_state=0), washout=washout, alpha=alpha, readout_taus=taus, input_lags=lags,
        include_input=include_input)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = estimator.fit(x, target).predict(x)
    except CLEAR as error:
        _clear(error)
        return
    assert out.shape == (length,)
    assert np.isfinite(out).all() if kind == "regressor" else set(out) <= {0, 1}


@FUZZ
@given(
    n_steps=st.one_of(st.integers(-2, 50), st.sampled_from([10**7, 10**12, 2.0, None, True])),
    origins=st.one_of(st.none(), st.lists(st.integers(-5, 150), max_size=4), st.just([[1, 2]])),
    as_list=st.booleans(),
)
def test_fuzz_forecasts(forecaster, n_steps, origins, as_list):
    y = np.sin(np.arange(120) / 5.0)
    try:
        out = forecaster.forecast([y, y] if as_list else y, n_steps, None if origins is None else np.array(origins))
    except CLEAR as error:
        _clear(error)
        return
    assert not as_list and np.isfinite(out).all()
    assert out.shape[-1] == n_steps


@pytest.fixture(scope="module")
def forecaster():
    from liquid.forecasting import LSMForecaster
    from liquid.sequence import memory_liquid

    return LSMForecaster(memory_liquid(20, random_state=0), washout=5).fit(np.sin(np.arange(200) / 5.0))


@FUZZ
@given(
    length=st.integers(0, 60),
    poison=st.one_of(st.none(), bad_values),
    learn=st.sampled_from([True, False, "no", 1, None, np.bool_(True)]),
    channels=st.integers(1, 3),
)
def test_fuzz_online_detector_continuation(online, length, poison, learn, channels):
    detector = online
    x = np.cos(np.arange(length * channels) / 3.0).reshape(length, channels)
    if poison is not None and x.size:
        x.flat[0] = poison
    try:
        probability = detector.score_stream(x, learn=learn)
    except CLEAR as error:
        _clear(error)
        return
    assert isinstance(learn, (bool, np.bool_)) and channels == 1
    assert probability.shape == (length,) and np.all((probability >= 0) & (probability <= 1))


@pytest.fixture(scope="module")
def online():
    from liquid.online_anomaly import OnlineAnomalyDetector
    from liquid.sequence import memory_liquid

    return OnlineAnomalyDetector(memory_liquid(20, random_state=0)).fit(np.cos(np.arange(200) / 3.0))


# -- fetch_uea on generated archives ------------------------------------------------------------------------
TS = "@problemName Tiny\n@dimensions 1\n@equalLength true\n@classLabel true a b\n@data\n1,2,3:a\n4,5,6:b\n"

member_names = st.sampled_from(["Tiny_TRAIN.ts", "Tiny_TEST.ts", "sub/Tiny_TRAIN.ts", "Tiny_VALID.ts",
                                "sub/", "../Tiny_TEST.ts"])


@FUZZ
@given(
    members=st.lists(st.tuples(member_names, st.sampled_from([TS, TS.replace("@dimensions 1", "@dimensions x"),
                                                              "", "\x00\xff", TS.replace("1,2,3", "?")])),
                     max_size=4),
    flips=st.lists(st.integers(0, 10**6), max_size=3),
)
def test_fuzz_fetch_uea_on_generated_zips(tmp_path_factory, members, flips):
    from liquid.datasets import fetch_uea, load_uea

    folder = tmp_path_factory.mktemp("zips")
    archive = folder / "Tiny.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members:
            if not name.endswith("/"):
                zf.writestr(name, text)
    data = bytearray(archive.read_bytes())
    for position in flips:
        if data:
            data[position % len(data)] ^= 0xFF
    archive.write_bytes(bytes(data))
    home = folder / "home"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            target = fetch_uea("Tiny", home, url=archive.as_uri())
    except (ValueError, FileNotFoundError) as error:
        _clear(error)
        assert not (home / "uea" / "Tiny").exists()  # nothing half-written is left as the set
        return
    bunch = load_uea("Tiny", "train", path=target.parent)
    assert len(bunch.y) == len(bunch.X) > 0


# -- command-line configuration files -----------------------------------------------------------------------
settings_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
              st.text(max_size=8)),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
config_keys = st.sampled_from(["n_neurons", "input_scale", "frame_duration", "features", "grid", "encoder",
                               "plasticity", "topology", "unknown"])


@FUZZ
@given(
    config=st.dictionaries(config_keys, settings_values, max_size=3),
    fmt=st.sampled_from(["json", "yaml", "raw"]),
    raw=st.text(max_size=60),
)
def test_fuzz_config_files_give_one_line_errors_or_results(tmp_path_factory, capsys, config, fmt, raw):
    import yaml

    from liquid import cli

    folder = tmp_path_factory.mktemp("config")
    path = folder / f"config.{'yaml' if fmt != 'json' else 'json'}"
    text = {"json": lambda: json.dumps(config), "yaml": lambda: yaml.safe_dump(config), "raw": lambda: raw}[fmt]()
    path.write_text(text, encoding="utf-8")
    assume(len(text) < 10_000)
    out = folder / "out.csv"
    capsys.readouterr()
    code = cli.main(["cv", "--dataset", "temporal_order", "--folds", "2", "--n-neurons", "20", "--params", str(path),
                     "--output", str(out)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == 0:
        assert len(pd.read_csv(out)) >= 2  # the results were written
    else:
        assert code == 2 and err.startswith("liquid: error:") and len(err.strip().splitlines()) == 1, err
        assert not out.exists()  # a failed run leaves no empty output behind
