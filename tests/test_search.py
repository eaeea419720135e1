"""LSMClassifierCV: the one-line search, on the training data only."""
import numpy as np
import pytest

from liquid import LSMClassifier, LSMClassifierCV
from liquid.datasets import make_temporal_order

pytestmark = pytest.mark.filterwarnings("ignore::liquid.estimators.LiquidActivityWarning")

SMALL = LSMClassifier(n_neurons=100, random_state=0, n_jobs=1)
GRID = {"input_scale": [0.0, 5.0]}  # a liquid without input against the default drive


@pytest.fixture(scope="module")
def task():
    X, y = make_temporal_order(240, random_state=0)
    return X[:180], y[:180], X[180:], y[180:]


def test_halving_search_picks_the_better_setting_and_refits_it(task):
    X_train, y_train, X_test, y_test = task
    model = LSMClassifierCV(SMALL, param_grid=GRID, cv=3, factor=2, random_state=0).fit(X_train, y_train)
    assert type(model.search_).__name__ == "HalvingGridSearchCV"
    assert model.best_params_ == {"input_scale": 5.0}
    assert set(model.cv_results_["iter"]) == {0, 1}  # two rounds: the survivor saw more sequences
    assert max(model.cv_results_["n_resources"]) > min(model.cv_results_["n_resources"])
    np.testing.assert_array_equal(model.predict(X_test), model.best_estimator_.predict(X_test))
    assert model.score(X_test, y_test) >= 0.8 and list(model.classes_) == sorted(set(y_train))
    again = LSMClassifierCV(SMALL, param_grid=GRID, cv=3, factor=2, random_state=0).fit(X_train, y_train)
    np.testing.assert_array_equal(again.decision_function(X_test), model.decision_function(X_test))


def test_small_training_sets_get_every_candidate_on_all_of_them(task):
    X_train, y_train, _, _ = task
    model = LSMClassifierCV(SMALL, param_grid=GRID, cv=3, random_state=0).fit(X_train[:40], y_train[:40])
    assert type(model.search_).__name__ == "GridSearchCV" and model.best_params_ == {"input_scale": 5.0}


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(cv=1), ValueError, "cv"),
    (dict(factor=1), ValueError, "factor"),
    (dict(estimator="ridge"), TypeError, "LSMClassifier"),
    (dict(param_grid={"n_neuron": [10]}), ValueError, "n_neuron"),
])
def test_bad_settings_are_named(task, kwargs, error, match):
    X_train, y_train, _, _ = task
    with pytest.raises(error, match=match):
        LSMClassifierCV(**{"estimator": SMALL, **kwargs}).fit(X_train[:40], y_train[:40])


def test_the_estimators_own_settings_win_unless_beaten_by_more_than_noise(task):
    X_train, y_train, X_test, _ = task
    # Two candidates that differ by far less than the cross-validation noise: the estimator's own one stays.
    twins = {"input_scale": [5.001, 5.0]}
    for n_train in (40, 180):  # exhaustive grid, then halving
        model = LSMClassifierCV(SMALL, param_grid=twins, cv=3, factor=2, random_state=0).fit(
            X_train[:n_train], y_train[:n_train])
        assert model.best_params_ == {"input_scale": 5.0} and 0.0 <= model.best_score_ <= 1.0
        np.testing.assert_array_equal(model.predict(X_test),
                                      SMALL.fit(X_train[:n_train], y_train[:n_train]).predict(X_test))
    # A clearly worse estimator setting is replaced.
    deaf = LSMClassifier(n_neurons=100, input_scale=0.0, random_state=0, n_jobs=1)
    model = LSMClassifierCV(deaf, param_grid=GRID, cv=3, factor=2, random_state=0).fit(X_train, y_train)
    assert model.best_params_ == {"input_scale": 5.0}


@pytest.mark.parametrize("grid, factor", [({"input_scale": [2.5, 5.0, 10.0]}, 3),
                                          ({"input_scale": [1.0, 2.5, 5.0, 10.0], "frame_duration": [5.0, 10.0]}, 2)])
def test_verbose_search_reports_progress_while_it_runs(task, capsys, grid, factor):
    """verbose=1: a line after fold fits (at least every 2 s and the last), fits done of the total the
    halving schedule will run, the best accuracy so far; then the winner."""
    X_train, y_train, _, _ = task
    small = LSMClassifier(n_neurons=30, random_state=0, n_jobs=1)
    model = LSMClassifierCV(small, param_grid=grid, cv=3, factor=factor, random_state=0, verbose=1)
    model.fit(X_train, y_train)
    lines = [line for line in capsys.readouterr().err.splitlines() if "fold fits" in line]
    n_fits = 3 * len(model.cv_results_["params"])
    assert lines and lines[-1].startswith(f"liquid: search: {n_fits} of ~{n_fits} fold fits")
    assert all("best fold accuracy so far" in line for line in lines)
