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


@pytest.mark.parametrize("n, p", [(120, 400), (400, 120)])
def test_column_scale_is_chosen_with_the_penalty_by_loo_error(n, p):
    """Scaling some columns by s is ridge on the scaled matrix; the coefficients apply to the unscaled one."""
    X, labels, _ = _problem(n, p, 4)
    X[:, : p // 2] *= 0.05  # half the columns carry their signal at a twentieth of the scale
    columns = np.arange(p // 2)
    chooser = GramRidgeClassifierCV(scaled_columns=columns, column_scales=(1.0, 20.0)).fit(X, labels)
    fits = {s: GramRidgeClassifierCV().fit(np.where(np.arange(p) < p // 2, s, 1.0) * X, labels) for s in (1.0, 20.0)}
    best = min(fits, key=lambda s: fits[s].loo_errors_.min())
    assert chooser.column_scale_ == best
    assert chooser.alpha_ == fits[best].alpha_ and chooser.loo_errors_.min() == pytest.approx(fits[best].loo_errors_.min())
    scaled_X = np.where(np.arange(p) < p // 2, best, 1.0) * X
    theirs = RidgeClassifierCV(alphas=DEFAULT_ALPHAS).fit(scaled_X, labels)
    np.testing.assert_allclose(chooser.decision_function(X), theirs.decision_function(scaled_X), atol=1e-8)
    plain = GramRidgeClassifierCV(column_scales=(1.0, 20.0)).fit(X, labels)  # nothing to scale: one fit
    assert plain.column_scale_ == 1.0 and plain.alpha_ == fits[1.0].alpha_
    # Every column scaled: the factors compete as penalties divided by the squared factor.
    everything = GramRidgeClassifierCV(scaled_columns=np.arange(p), column_scales=(1.0, 20.0)).fit(X, labels)
    np.testing.assert_allclose(everything.loo_errors_, GramRidgeClassifierCV(alphas=np.array(DEFAULT_ALPHAS) / (
        everything.column_scale_**2)).fit(X, labels).loo_errors_, rtol=1e-6)


@pytest.mark.parametrize("offset", [0.0, 1e6])  # 1e6: the Gram matrix cannot be centred after it is formed
def test_scattered_scaled_columns_and_large_offsets_give_scikit_learns_model(monkeypatch, offset):
    """Every other column scaled (the columns are gathered into blocks, the last one partial) and
    offsets a million times the spread (each block is centred before its products): still the model of
    RidgeClassifierCV on the scaled matrix."""
    import liquid.readout

    monkeypatch.setattr(liquid.readout_passes, "BLOCK_COLUMNS", 64)
    X, labels, _ = _problem(120, 400, 4, seed=2)
    X[:, ::2] *= 0.05
    X += offset
    chooser = GramRidgeClassifierCV(scaled_columns=np.arange(0, 400, 2), column_scales=(1.0, 20.0)).fit(X, labels)
    scaled_X = np.where(np.arange(400) % 2 == 0, chooser.column_scale_, 1.0) * X
    theirs = RidgeClassifierCV(alphas=DEFAULT_ALPHAS).fit(scaled_X, labels)
    assert chooser.column_scale_ == 20.0 and chooser.alpha_ == theirs.alpha_
    np.testing.assert_allclose(chooser.decision_function(X), theirs.decision_function(scaled_X), atol=1e-6)


@pytest.mark.parametrize("n, p", [(120, 400), (400, 120)])  # the dual and the primal path
@pytest.mark.parametrize("std_power", [0.5, 1.0])
def test_std_power_divides_columns_by_their_spread(monkeypatch, n, p, std_power):
    """std_power: scikit-learn's model on every varying column divided by its standard deviation to
    that power (1: StandardScaler without centring); constant columns keep zero weight. Columns of
    very different spreads make the choice matter."""
    import liquid.readout

    monkeypatch.setattr(liquid.readout_passes, "BLOCK_COLUMNS", 50)
    X, labels, _ = _problem(n, p, 3, seed=4)
    X *= np.random.default_rng(5).uniform(0.01, 10.0, p)
    X[:, 7] = 2.5
    ours = GramRidgeClassifierCV(std_power=std_power).fit(X, labels)
    spread = X.std(axis=0)
    divided = X / np.where(spread > 0, spread, 1.0) ** std_power
    theirs = RidgeClassifierCV(alphas=DEFAULT_ALPHAS).fit(divided, labels)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(divided), atol=1e-6)
    assert np.all(ours.coef_[7] == 0.0)
    plain = GramRidgeClassifierCV().fit(X, labels)
    assert not np.allclose(ours.decision_function(X), plain.decision_function(X), atol=1e-3)


@pytest.mark.parametrize("std_power", [0.5, 1.0])
def test_std_power_leaves_out_columns_constant_up_to_rounding(std_power):
    """A filtered trace can hold values like 1e-200 (its last spike hundreds of time constants back):
    its squares underflow and dividing by its spread would overflow. Such columns, and any below
    MIN_RELATIVE_STD of the largest spread, get weight 0: the model of the other columns."""
    X, labels, _ = _problem(30, 200, 3, seed=6)
    rng = np.random.default_rng(7)
    tiny = np.column_stack([1e-200 * rng.random(30), 1e-20 * rng.random(30)])
    ours = GramRidgeClassifierCV(std_power=std_power).fit(np.hstack([X, tiny]), labels)
    assert np.all(np.isfinite(ours.coef_)) and np.all(ours.coef_[200:] == 0.0)
    without = GramRidgeClassifierCV(std_power=std_power).fit(X, labels)
    assert ours.alpha_ == without.alpha_
    np.testing.assert_allclose(ours.coef_[:200], without.coef_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("std_power", [-0.5, 1.5, np.nan, "half"])
def test_std_power_out_of_range_is_refused(std_power):
    X, labels, _ = _problem(40, 30, 2, seed=0)
    with pytest.raises((ValueError, TypeError), match="std_power"):
        GramRidgeClassifierCV(std_power=std_power).fit(X, labels)


def test_column_scale_of_many_rows_is_chosen_on_evenly_spaced_rows(monkeypatch):
    import liquid.readout

    X, labels, _ = _problem(200, 300, 4, seed=1)
    X[:, :150] *= 0.05
    monkeypatch.setattr(liquid.readout, "SCALE_CHOICE_ROWS", 80)
    rows = np.linspace(0, 199, 80).astype(int)
    chooser = GramRidgeClassifierCV(scaled_columns=np.arange(150), column_scales=(1.0, 20.0)).fit(X, labels)
    on_rows = {s: GramRidgeClassifierCV().fit(np.where(np.arange(300) < 150, s, 1.0) * X[rows], labels[rows])
               for s in (1.0, 20.0)}
    assert chooser.column_scale_ == min(on_rows, key=lambda s: on_rows[s].loo_errors_.min())
    full = GramRidgeClassifierCV().fit(np.where(np.arange(300) < 150, chooser.column_scale_, 1.0) * X, labels)
    assert chooser.alpha_ == full.alpha_  # the penalty is chosen on every row


@pytest.mark.parametrize("n, p", [(300, 200), (200, 300)])
def test_large_problems_keep_the_leading_principal_directions(monkeypatch, n, p):
    """Beyond LOW_RANK_ABOVE rows and columns, the ridge runs on the leading LOW_RANK directions of the
    rows. On features of rank 20 (plus noise far below the penalties), 40 directions hold all of them: the
    same model as the exact decomposition, up to the float32 sketch."""
    import liquid.readout_passes

    rng = np.random.default_rng(3)
    X = rng.standard_normal((n, 20)) @ rng.standard_normal((20, p)) + 1e-4 * rng.standard_normal((n, p))
    labels = np.argmax(X @ rng.standard_normal((p, 3)) + 5.0 * rng.standard_normal((n, 3)), axis=1)
    exact = GramRidgeClassifierCV().fit(X, labels)
    monkeypatch.setattr(liquid.readout, "LOW_RANK_ABOVE", 100)
    monkeypatch.setattr(liquid.readout, "LOW_RANK", 40)
    low_rank = GramRidgeClassifierCV().fit(X, labels)
    assert low_rank.alpha_ == exact.alpha_
    np.testing.assert_allclose(low_rank.loo_errors_, exact.loo_errors_, rtol=1e-3)
    np.testing.assert_allclose(low_rank.decision_function(X), exact.decision_function(X), atol=1e-3)
    # Too few directions for the features: a different, worse fit, still a valid one.
    monkeypatch.setattr(liquid.readout, "LOW_RANK", 5)
    truncated = GramRidgeClassifierCV().fit(X, labels)
    assert truncated.loo_errors_.min() > exact.loo_errors_.min() and np.all(np.isfinite(truncated.coef_))


@pytest.mark.parametrize("order", ["C", "F"])
def test_column_passes_match_numpy_over_many_row_chunks(order):
    """The readout's passes over its features (numba, rows split into chunks): which columns vary, their
    means and standard deviations, as numpy computes them, on any memory order; a constant column's mean
    is its value exactly."""
    from liquid.readout import _std_weights
    from liquid.readout_passes import MIN_CHUNK_ROWS, column_statistics, row_chunks

    rng = np.random.default_rng(4)
    n = 5 * MIN_CHUNK_ROWS + 7
    X = np.asarray(rng.standard_normal((n, 50)) * rng.uniform(0.1, 100, 50) + 1e6, order=order)
    X[:, 7] = 1e300  # constant: its sum would overflow
    X[:, 9] = 0.0
    X[n - 1, 9] = 1e-3  # varies in the last row only
    X[0, 11] += 1e4  # the first row, from which the pass takes deviations, far out
    assert row_chunks(n).size - 1 == 5
    varying, mean, std = column_statistics(X)
    np.testing.assert_array_equal(varying, np.ptp(X, axis=0) > 0)
    assert mean[7] == 1e300 and std[7] == 0.0
    np.testing.assert_allclose(mean[varying], X[:, varying].mean(axis=0), rtol=1e-11)
    np.testing.assert_allclose(std[varying], X[:, varying].std(axis=0), rtol=1e-9)
    weights = _std_weights(std, varying, 0.5)
    np.testing.assert_allclose(weights[varying], X[:, varying].std(axis=0) ** -0.5, rtol=1e-9)
    assert weights[7] == 1.0


def test_sparse_sketch_is_the_product_with_its_sign_matrix():
    """The low-rank readout's range sketch equals the dense product of the centred, scaled columns with
    the sparse sign matrix it stands for; indices out of range are refused before the kernel runs."""
    from liquid.readout_passes import sparse_sketch

    rng = np.random.default_rng(5)
    X = rng.standard_normal((700, 60)) + 3.0
    columns = np.flatnonzero(rng.random(60) < 0.7)
    means, factors = X[:, columns].mean(axis=0), rng.uniform(0.5, 2.0, columns.size)
    buckets = rng.integers(0, 25, (columns.size, 4))
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), (columns.size, 4))
    omega = np.zeros((columns.size, 25))
    for j in range(columns.size):
        np.add.at(omega[j], buckets[j], signs[j])
    out = np.zeros((700, 25), dtype=np.float32)
    sparse_sketch(X, columns, means, factors, buckets, signs, out)
    np.testing.assert_allclose(out, ((X[:, columns] - means) * factors) @ omega, rtol=1e-4, atol=1e-4)
    buckets[3, 1] = 25
    with pytest.raises(ValueError, match="out of range"):
        sparse_sketch(X, columns, means, factors, buckets, signs, out)


def test_readout_does_not_depend_on_the_number_of_threads(monkeypatch):
    """The passes' chunks depend on the rows only: one thread or four give the same model, bit for bit,
    also in the low-rank sketch."""
    import liquid.readout

    X, labels, _ = _problem(1300, 900, 3)
    monkeypatch.setattr(liquid.readout, "LOW_RANK_ABOVE", 800)
    models = []
    for n_threads in (1, 4):
        monkeypatch.setattr(liquid.readout_passes, "cpu_count", lambda: n_threads)
        models.append(GramRidgeClassifierCV(std_power=0.5).fit(X, labels))
    np.testing.assert_array_equal(models[0].coef_, models[1].coef_)
    assert models[0].alpha_ == models[1].alpha_


def test_float32_gram_and_decomposition_choose_the_penalty_and_the_fit_stays_float64(monkeypatch):
    """From FLOAT32_ROWS rows the Gram matrix and its eigendecomposition are float32: the same penalty and
    factor, the weights solved in float64 (decisions within 1e-6 of the float64 fit), the LOO errors of
    the trusted penalties within 0.5 %, those of penalties too small for float32 NaN."""
    import liquid.readout

    X, labels, _ = _problem(300, 900, 4)
    kwargs = dict(scaled_columns=np.arange(0, 900, 3), column_scales=(1.0, 3.0), std_power=0.5,
                  alphas=np.logspace(-6, 4, 21))
    exact = GramRidgeClassifierCV(**kwargs).fit(X, labels)
    monkeypatch.setattr(liquid.readout, "FLOAT32_ROWS", 100)
    single = GramRidgeClassifierCV(**kwargs).fit(X, labels)
    assert (single.alpha_, single.column_scale_) == (exact.alpha_, exact.column_scale_)
    np.testing.assert_allclose(single.decision_function(X), exact.decision_function(X), atol=1e-6)
    untrusted = np.isnan(single.loo_errors_)
    assert untrusted[0] and not untrusted[-1] and np.all(np.diff(untrusted.astype(int)) <= 0)
    np.testing.assert_allclose(single.loo_errors_[~untrusted], exact.loo_errors_[~untrusted], rtol=5e-3)


@pytest.mark.parametrize("alphas", [np.logspace(-9, -6, 4), np.logspace(-6, 1, 8)])
def test_float32_falls_back_to_float64_when_it_cannot_tell(monkeypatch, alphas):
    """Penalties all far below float32's rounding of the Gram matrix, or the best penalty at the edge of
    the trusted ones (a nearly noiseless problem): the fit is redone in float64, the same model exactly."""
    import liquid.readout_passes

    rng = np.random.default_rng(5)
    X = rng.standard_normal((200, 600))
    y = X @ rng.standard_normal(600) + 1e-6 * rng.standard_normal(200)
    exact = GramRidgeCV(alphas=alphas).fit(X, y)
    monkeypatch.setattr(liquid.readout, "FLOAT32_ROWS", 100)
    single = GramRidgeCV(alphas=alphas).fit(X, y)
    assert single.alpha_ == exact.alpha_ and np.all(np.isfinite(single.loo_errors_))
    np.testing.assert_array_equal(single.coef_, exact.coef_)


def test_a_null_eigenvalue_left_by_float32_rounding_counts_as_zero():
    """Centring puts the constant vector in the Gram matrix's null space; a float32 decomposition gives it
    about eps32 * l_max instead of 0, which must not weigh on the LOO errors of the trusted penalties."""
    from liquid.readout import TRUSTED_PENALTY
    from liquid.readout_loo import dual_errors

    rng = np.random.default_rng(5)
    X = rng.standard_normal((200, 600))
    X -= X.mean(axis=0)
    Yc = X @ rng.standard_normal((600, 1)) + 1e-6 * rng.standard_normal((200, 1))
    Yc -= Yc.mean(axis=0)
    eigenvalues, Q = np.linalg.eigh(X @ X.T)
    resolution = TRUSTED_PENALTY * np.finfo(np.float32).eps * eigenvalues[-1]
    alphas = np.logspace(-2, 1, 4)  # all trusted
    assert alphas[0] > resolution
    exact = dual_errors(np.where(np.arange(200) == 0, 0.0, eigenvalues), Q, Yc, alphas)[2]
    rounded = np.where(np.arange(200) == 0, np.finfo(np.float32).eps * eigenvalues[-1], eigenvalues)
    np.testing.assert_allclose(dual_errors(rounded, Q, Yc, alphas, resolution)[2], exact, rtol=1e-12)
    misread = dual_errors(rounded, Q, Yc, alphas)[2][0]  # as a true eigenvalue: the error is off by a factor
    assert not 0.5 < misread / exact[0] < 2


def test_float32_gram_rounding_bounds_its_error():
    """The rounding ``centred_gram`` measures on its probe rows bounds the float32 Gram matrix's error."""
    from liquid.readout_passes import centred_gram

    rng = np.random.default_rng(2)
    X = rng.standard_normal((400, 3000)) * rng.uniform(0.1, 10.0, 3000) + rng.uniform(-50, 50, 3000)
    mean, weights, columns = X.mean(axis=0), rng.uniform(0.5, 2.0, 3000), np.ones(3000, dtype=bool)
    exact, zero = centred_gram(X, mean, weights, columns, single=False)
    single, rounding = centred_gram(X, mean, weights, columns, single=True)
    error = np.linalg.norm(single - exact, 2)
    assert zero == 0.0 and 0.0 < error <= rounding < 1e-5 * np.linalg.norm(exact, 2)
    np.testing.assert_array_equal(single, single.T)


def test_default_readout_weighs_the_count_columns(temporal_order):
    from liquid import LSMClassifier
    from liquid.estimators import COUNT_SCALES

    X, y = temporal_order
    clf = LSMClassifier(n_neurons=60, random_state=0).fit(X, y)
    names = clf.liquid_.get_feature_names_out()
    counted = np.array([name.startswith("counts") for name in names])
    assert counted.any() and not counted.all()
    np.testing.assert_array_equal(clf.readout_.scaled_columns, np.flatnonzero(counted))
    assert clf.readout_.column_scale_ in COUNT_SCALES


@pytest.mark.parametrize("kwargs, match", [
    (dict(alphas=[]), "alphas"), (dict(alphas=[1.0, -1.0]), "alphas"), (dict(alphas=[np.nan]), "alphas"),
    (dict(column_scales=[]), "column_scales"), (dict(column_scales=[1.0, 0.0]), "column_scales"),
    (dict(scaled_columns=[0, 5]), "scaled_columns"), (dict(scaled_columns=[-1]), "scaled_columns"),
    (dict(scaled_columns=[0.5]), "scaled_columns"),
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


@pytest.mark.parametrize("path, n, p", [("primal", 60, 8), ("dual", 30, 80), ("float32", 120, 300),
                                        ("low_rank", 150, 200)])
def test_loo_residuals_are_those_of_refitting_without_each_row(monkeypatch, path, n, p):
    """The leave-one-out residuals behind predict_proba's temperature, on each of the readout's paths:
    each row's target less the prediction of scikit-learn's Ridge refitted on the other rows (same
    penalty, intercept unpenalised)."""
    from sklearn.linear_model import Ridge

    import liquid.readout_passes

    rng = np.random.default_rng(5)
    X = rng.standard_normal((n, 10)) @ rng.standard_normal((10, p)) if path == "low_rank" else \
        rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    if path == "float32":
        monkeypatch.setattr(liquid.readout, "FLOAT32_ROWS", 100)
    if path == "low_rank":  # rank 10 < LOW_RANK: the leading directions hold the whole problem
        monkeypatch.setattr(liquid.readout, "LOW_RANK_ABOVE", 100)
        monkeypatch.setattr(liquid.readout, "LOW_RANK", 40)
    alpha = 3.0
    loo = liquid.readout.loo_ridge(X, y[:, None], np.array([0.1, alpha]) if path == "float32" else np.array([alpha]))
    assert loo[2] == alpha
    expected = [y[i] - Ridge(alpha=alpha).fit(np.delete(X, i, 0), np.delete(y, i)).predict(X[i:i + 1])[0]
                for i in range(n)]
    # Float32 eigenpairs (or sketch) carry float32's rounding, amplified where 1 - h_ii is small: close enough
    # to set a softmax temperature, not to the last digit.
    float32 = path in ("float32", "low_rank")
    np.testing.assert_allclose(loo[5][:, 0], expected, rtol=1e-2 if float32 else 1e-8, atol=5e-3 if float32 else 1e-9)


@pytest.mark.parametrize("n, p, n_classes", [(600, 20, 3), (300, 500, 4), (800, 30, 2)])
def test_predict_proba_is_calibrated_on_held_out_data(n, p, n_classes):
    from liquid.calibration import expected_calibration_error

    rng = np.random.default_rng(n + p)
    centres = 0.4 * rng.standard_normal((n_classes, p))

    def draw(m):
        labels = rng.integers(0, n_classes, m)
        return centres[labels] + rng.standard_normal((m, p)), np.array(list("abcd"))[labels]

    (X, y), (X_test, y_test) = draw(n), draw(3000)
    model = GramRidgeClassifierCV().fit(X, y)
    probabilities = model.predict_proba(X_test)
    assert probabilities.shape == (3000, n_classes)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.classes_[probabilities.argmax(axis=1)], model.predict(X_test))
    classes = np.searchsorted(model.classes_, y_test)
    assert expected_calibration_error(probabilities, classes) < 0.05
    # The softmax of the raw decisions (temperature 1) is far from calibrated: the temperature does the work.
    from liquid.calibration import log_softmax

    raw = np.exp(log_softmax(model.decision_function(X_test), 1.0))
    assert expected_calibration_error(raw, classes) > 2 * expected_calibration_error(probabilities, classes)


def test_float32_features_are_read_without_a_float64_copy():
    """float32 features give the float64 model (same penalty, predictions to 1e-12) and are widened a block
    at a time: the fit's and the prediction's peak allocations stay below a float64 copy of X."""
    import tracemalloc

    rng = np.random.default_rng(0)
    X = rng.standard_normal((1500, 6000)).astype(np.float32)
    labels = X[:, 0] + 0.5 * rng.standard_normal(1500) > 0
    exact = GramRidgeClassifierCV().fit(X.astype(np.float64), labels)
    copy_bytes = X.size * 8
    tracemalloc.start()
    try:
        model = GramRidgeClassifierCV().fit(X, labels)
        fit_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        decisions = model.decision_function(X)
        predict_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert model.alpha_ == exact.alpha_
    np.testing.assert_allclose(decisions, exact.decision_function(X.astype(np.float64)), atol=1e-12)
    assert fit_peak < 1.2 * copy_bytes and predict_peak < 0.2 * copy_bytes
