"""The scikit-learn layer: learning, composition with sklearn tools, pickling, errors, warnings."""
import pickle
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from liquid import LIF, LiquidActivityWarning, LiquidStateMachine, LSMClassifier, LSMRegressor, PoissonEncoder
from liquid.datasets import make_temporal_order


def test_lsm_solves_temporal_order_where_time_average_is_at_chance():
    X, y = make_temporal_order(400, random_state=0)
    X_train, X_test, y_train, y_test = X[:200], X[200:], y[:200], y[200:]

    def time_average(sequences):
        return np.array([s.mean(axis=0) for s in sequences])

    static = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    static_accuracy = static.fit(time_average(X_train), y_train).score(time_average(X_test), y_test)
    lsm = LSMClassifier(n_neurons=500, random_state=0, n_jobs=2).fit(X_train, y_train)
    lsm_accuracy = lsm.score(X_test, y_test)
    print(f"\ntemporal order (6 classes, chance 0.167): LSM {lsm_accuracy:.3f}, time-average baseline {static_accuracy:.3f}")
    assert lsm_accuracy >= 0.90
    assert static_accuracy <= 0.30


def _level_difference(n_samples, rng):
    """Two held levels a then b (noisy); the target a - b needs order, the mean only gives a + b."""
    X, y = [], []
    for _ in range(n_samples):
        a, b = rng.uniform(-1, 1, size=2)
        first, second = rng.integers(8, 13, size=2)
        x = np.concatenate([np.full(first, a), np.full(second, b)])[:, None]
        X.append(x + 0.1 * rng.standard_normal(x.shape))
        y.append(a - b)
    return X, np.array(y)


def test_lsm_regressor_learns_a_temporal_target():
    rng = np.random.default_rng(0)
    X, y = _level_difference(300, rng)
    reg = LSMRegressor(n_neurons=500, random_state=0).fit(X[:200], y[:200])
    r2 = reg.score(X[200:], y[200:])
    static = RidgeCV().fit(np.array([x.mean(axis=0) for x in X[:200]]), y[:200])
    static_r2 = static.score(np.array([x.mean(axis=0) for x in X[200:]]), y[200:])
    print(f"\nlevel difference a - b: LSM R^2 {r2:.3f}, time-average baseline R^2 {static_r2:.3f}")
    assert r2 > 0.8
    assert static_r2 < 0.2


def test_multi_output_regression():
    X, y0 = _level_difference(120, np.random.default_rng(1))
    y = np.column_stack([y0, -2 * y0])
    reg = LSMRegressor(n_neurons=200, random_state=0).fit(X, y)
    assert reg.predict(X).shape == (120, 2)


def test_works_in_pipeline_grid_search_and_cross_validate(temporal_order):
    X, y = temporal_order
    pipe = make_pipeline(
        LiquidStateMachine(n_neurons=100, random_state=0), StandardScaler(), LogisticRegression(max_iter=500)
    )
    search = GridSearchCV(pipe, {"liquidstatemachine__input_scale": [2.0, 5.0]}, cv=2).fit(X, y)
    assert search.best_params_["liquidstatemachine__input_scale"] in (2.0, 5.0)
    assert search.predict(X).shape == (len(X),)
    scores = cross_validate(LSMClassifier(n_neurons=100, random_state=0), X, y, cv=3, n_jobs=2)
    assert scores["test_score"].shape == (3,)
    assert np.all(scores["test_score"] > 1 / 6)


def test_readout_parameter_and_optional_methods(temporal_order):
    X, y = temporal_order
    default = LSMClassifier(n_neurons=80, random_state=0).fit(X, y)
    assert hasattr(default, "decision_function") and hasattr(default, "predict_proba")
    from sklearn.svm import SVC

    assert not hasattr(LSMClassifier(readout=SVC()), "predict_proba")  # only readouts that have it
    assert default.decision_function(X).shape == (len(X), 6)
    logistic = LSMClassifier(n_neurons=80, random_state=0, readout=LogisticRegression(max_iter=300)).fit(X, y)
    proba = logistic.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(logistic.classes_, np.arange(6))
    assert logistic.readout is not logistic.readout_  # the given readout is cloned, never fitted in place


def test_classifier_accepts_string_labels_and_pickles(temporal_order):
    X, y = temporal_order
    labels = np.array(["abc", "acb", "bac", "bca", "cab", "cba"])[y]
    clf = LSMClassifier(n_neurons=100, random_state=0, encoder=PoissonEncoder()).fit(X, labels)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    assert set(clf.predict(X)) <= set(labels)


def test_wrappers_expose_every_liquid_parameter():
    liquid_params = set(LiquidStateMachine().get_params())
    for wrapper in (LSMClassifier, LSMRegressor):
        params = wrapper().get_params()
        assert set(params) == liquid_params | {"readout"}
        for name, value in LiquidStateMachine().get_params().items():
            assert params[name] == value, (wrapper.__name__, name)


def test_same_seed_same_predictions_on_any_n_jobs(temporal_order):
    X, y = temporal_order
    one = LSMClassifier(n_neurons=100, random_state=3, n_jobs=1).fit(X, y).decision_function(X)
    two = LSMClassifier(n_neurons=100, random_state=3, n_jobs=2).fit(X, y).decision_function(X)
    np.testing.assert_array_equal(one, two)


# -- bad input --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fitted():
    X, _ = make_temporal_order(20, random_state=1)
    return LiquidStateMachine(n_neurons=50, random_state=0).fit(X), X


@pytest.mark.parametrize(
    "X, error, match",
    [
        ([np.array([[1.0, np.nan, 0.0, 0.0]])], ValueError, r"X\[0\].*NaN"),
        (np.full((2, 5, 4), np.inf), ValueError, "infinity"),
        ([], ValueError, "empty"),
        ([np.zeros((0, 4))], ValueError, r"X\[0\]"),
        ([np.zeros((3, 4)), np.zeros((3, 5))], ValueError, "channels"),
        ([np.array([["a", "b", "c", "d"]])], ValueError, r"X\[0\]"),
        (np.zeros((2, 3, 4, 5)), ValueError, "dimensions"),
        ([np.zeros((3, 4, 2))], ValueError, r"X\[0\].*dim 3"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(fitted, X, error, match):
    lsm, X_train = fitted
    before = lsm.transform(X_train[:2])
    with pytest.raises(error, match=match):
        lsm.transform(X)
    with pytest.raises(error, match=match):
        LiquidStateMachine(n_neurons=50).fit(X)
    np.testing.assert_array_equal(lsm.transform(X_train[:2]), before)


def test_wrong_number_of_channels_at_transform(fitted):
    lsm, _ = fitted
    with pytest.raises(ValueError, match="3 channels.*fitted with 4"):
        lsm.transform([np.zeros((5, 3))])


def test_failed_refit_keeps_the_fitted_liquid(fitted):
    lsm, X = fitted
    lsm = pickle.loads(pickle.dumps(lsm))
    before = lsm.transform(X)
    with pytest.raises(ValueError):
        lsm.fit([np.full((3, 4), np.nan)])
    with pytest.raises(ValueError):
        lsm.set_params(encoder="morse").fit(X)
    np.testing.assert_array_equal(lsm.transform(X), before)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"n_neurons": 0}, ValueError, "n_neurons"),
        ({"n_neurons": 10.5}, TypeError, "n_neurons"),
        ({"frac_inhibitory": 1.5}, ValueError, "frac_inhibitory"),
        ({"w_ee": -1.0}, ValueError, "w_ee"),
        ({"input_scale": float("nan")}, ValueError, "input_scale"),
        ({"dt": 0.0}, ValueError, "dt"),
        ({"frame_duration": 2.5, "dt": 1.0}, ValueError, "multiple of dt"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"neuron": "hodgkin-huxley"}, ValueError, "neuron='hodgkin-huxley'"),
        ({"topology": "small-world"}, ValueError, "topology"),
        ({"encoder": "morse"}, ValueError, "encoder"),
        ({"features": "pca"}, ValueError, "features"),
        ({"features": []}, ValueError, "features"),
        ({"features": ["state", "state"]}, ValueError, "twice"),
        ({"encoder": PoissonEncoder(max_rate=-5)}, ValueError, "max_rate"),
        ({"topology": 42}, TypeError, "topology"),
    ],
)
def test_invalid_parameters_are_named(params, error, match):
    with pytest.raises(error, match=match):
        LiquidStateMachine(**params).fit([np.zeros((4, 2))])


def test_negative_rates_are_rejected():
    X = [np.array([[5.0], [-1.0]])]
    with pytest.raises(ValueError, match="negative"):
        LiquidStateMachine(n_neurons=20, encoder=PoissonEncoder(normalize=False)).fit(X)


def test_mismatched_targets(temporal_order):
    X, y = temporal_order
    with pytest.raises(ValueError, match="targets"):
        LSMClassifier(n_neurons=20).fit(X, y[:-1])
    with pytest.raises(ValueError, match="requires y"):
        LSMRegressor(n_neurons=20).fit(X, None)


# -- activity warnings ------------------------------------------------------------------
def test_silent_liquid_warns_naming_the_parameter(temporal_order):
    X, _ = temporal_order
    with pytest.warns(LiquidActivityWarning, match="silent.*input_scale") as record:
        LiquidStateMachine(n_neurons=50, input_scale=0.0, neuron=LIF(bias=5.0), random_state=0).fit(X)
    assert record[0].filename == __file__  # points at the user's call
    assert record[0].message.args[0].startswith("The liquid is nearly silent")


def test_saturated_liquid_warns_naming_the_parameter(temporal_order):
    X, _ = temporal_order
    with pytest.warns(LiquidActivityWarning, match="saturated.*input_scale"):
        LiquidStateMachine(n_neurons=50, input_scale=5000.0, w_ee=20.0, random_state=0).fit(X)


def test_healthy_liquid_does_not_warn(temporal_order):
    X, _ = temporal_order
    with warnings.catch_warnings():
        warnings.simplefilter("error", LiquidActivityWarning)
        lsm = LiquidStateMachine(n_neurons=100, random_state=0).fit(X)
    assert 1.0 < lsm.firing_rate_ < 60.0
    # Many multiscale neurons integrate below threshold; their membrane potentials still carry the input.
    assert lsm.silent_fraction_ < 0.8
    voltages = lsm.transform(X)[:, 500:600]  # state point 0: traces (100), then potentials (100)
    assert np.std(voltages, axis=0).mean() > 0.1


def test_default_classifier_gives_calibrated_probabilities():
    """predict_proba: rows sum to 1, their argmax is predict's label, and on held-out sequences of a noisy
    task (accuracy about 0.8) the confidence matches the accuracy (expected calibration error < 0.1)."""
    from liquid.calibration import expected_calibration_error

    X, y = make_temporal_order(1000, noise=3.0, random_state=0)
    clf = LSMClassifier(40, random_state=0).fit(X[:400], y[:400])
    probabilities = clf.predict_proba(X[400:])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[probabilities.argmax(axis=1)], clf.predict(X[400:]))
    accuracy = clf.score(X[400:], y[400:])
    assert 0.6 < accuracy < 0.95  # a task hard enough for calibration to mean something
    assert expected_calibration_error(probabilities, np.searchsorted(clf.classes_, y[400:])) < 0.1
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X[400:410])), probabilities[:10])
    assert not hasattr(LSMRegressor(40), "predict_proba")
