"""The Gram-eigendecomposition ridge readouts choose what scikit-learn's RidgeCV chooses, at less cost."""
import numpy as np
import pytest
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from liquid.readout import DEFAULT_ALPHAS, GramRidgeClassifierCV, GramRidgeCV


def _problem(n, p, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-3, 3, p)  # offsets: the intercept matters
    w = rng.standard_normal((p, n_classes))
    labels = np.argmax(X @ w + 4.0 * rng.standard_normal((n, n_classes)), axis=1)
    return X, labels, X @ w[:, :2] + rng.standard_normal((n, 2))


@pytest.mark.parametrize("n, p", [(120, 400), (400, 120)])  # dual (n <= p) and primal (n > p)
@pytest.mark.parametrize("n_classes", [2, 4])
def test_same_penalty_and_decisions_as_scikit_learn(n, p, n_classes):
    X, labels, targets = _problem(n, p, n_classes)
    ours, theirs = GramRidgeClassifierCV().fit(X, labels), RidgeClassifierCV(alphas=DEFAULT_ALPHAS).fit(X, labels)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=1e-8)
    assert np.array_equal(ours.predict(X), theirs.predict(X))
    for y in (targets, targets[:, 0]):
        ours, theirs = GramRidgeCV().fit(X, y), RidgeCV(alphas=DEFAULT_ALPHAS).fit(X, y)
        assert ours.alpha_ == theirs.alpha_ and ours.predict(X).shape == theirs.predict(X).shape
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-8)


@pytest.mark.parametrize("n, p", [(120, 400), (400, 120)])
def test_constant_columns_are_left_out_with_zero_weight(n, p):
    """Silent neurons give constant columns: the model is the same without them, and
    they can turn a dual problem into a primal one (400 columns, 300 of them constant)."""
    X, labels, _ = _problem(n, p, 4)
    X[:, : 3 * p // 4] = 2.5
    ours, theirs = GramRidgeClassifierCV().fit(X, labels), RidgeClassifierCV(alphas=DEFAULT_ALPHAS).fit(X, labels)
    assert ours.alpha_ == theirs.alpha_
    assert np.all(ours.coef_[: 3 * p // 4] == 0.0)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=1e-8)
    constant = GramRidgeCV().fit(np.ones((10, 3)), np.arange(10.0))
    assert np.all(constant.coef_ == 0.0) and np.allclose(constant.predict(np.zeros((2, 3))), 4.5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(alphas=[]), "alphas"), (dict(alphas=[1.0, -1.0]), "alphas"), (dict(alphas=[np.nan]), "alphas"),
])
def test_bad_parameters_are_named(kwargs, match):
    X, labels, _ = _problem(30, 5, 2)
    with pytest.raises(ValueError, match=match):
        GramRidgeClassifierCV(**kwargs).fit(X, labels)


def test_bad_data_is_named():
    X, labels, _ = _problem(30, 5, 2)
    with pytest.raises(ValueError, match="only one class"):
        GramRidgeClassifierCV().fit(X, np.zeros(30))
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GramRidgeCV().fit(X, labels.astype(float))


@parametrize_with_checks([GramRidgeClassifierCV(), GramRidgeCV()])
def test_scikit_learn_conventions(estimator, check):
    check(estimator)
