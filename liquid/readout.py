"""Ridge readouts whose penalty is chosen by exact leave-one-out error from one eigendecomposition.

Liquid features are wide (thousands of columns) and the training sets can be
long (thousands of rows); scikit-learn's ``RidgeCV`` takes a singular value
decomposition of the whole ``n x p`` matrix when ``n > p``, which costs more
than simulating the liquid. Here the smaller Gram matrix is decomposed once,
``X X^T`` (``n x n``) when ``n <= p``, else ``X^T X`` (``p x p``), and every
penalty's leave-one-out residuals follow from that decomposition in ``O(n p)``:

* ``n <= p`` (dual): ``G = X X^T + a I = Q diag(l + a) Q^T``; the residuals are
  ``(I - H) y = a G^-1 y`` and the LOO residual of row ``i`` is
  ``((I - H) y)_i / (I - H)_ii``.
* ``n > p`` (primal): ``X^T X = V diag(s) V^T``, ``Z = X V``; the hat matrix's
  diagonal is ``h_i = 1/n + sum_k Z_ik^2 / (s_k + a)`` and the LOO residual
  ``(y_i - yhat_i) / (1 - h_i)``.

Features and targets are centred first (the intercept is not penalised), as in
scikit-learn; constant columns, which centring turns into zeros and which get
zero weight, are left out of the Gram matrix (silent neurons and empty bins:
over half the columns of a liquid on short sequences); the chosen penalty
minimises the mean squared LOO residual over all targets (the same choice as ``RidgeCV`` / ``RidgeClassifierCV``), and the
final weights come from the same decomposition. The cost is
``n p min(n, p)`` for the Gram matrix plus ``min(n, p)^3`` for its
eigendecomposition (LAPACK's divide-and-conquer driver, a quarter faster than
the default one at a few thousand rows). (Choosing the penalty on a subsample instead was tried
and refused: with more features than rows, the best penalty depends strongly
on the number of rows, and accuracy dropped on the largest benchmark set.)

``X`` itself is never copied whole: the Gram matrix is accumulated over blocks
of ``BLOCK_COLUMNS`` centred columns in one reused buffer (a copy of a feature
matrix costs more than its Gram matrix's products on some machines: page
faults, 1.3 s for 2,700 x 30,000 on the benchmark machine, against 2.1 s for
the products), and the weights follow as ``X^T d - m (1^T d)``. Column
factors (see ``GramRidgeCV``) split the Gram matrix into the plain and the
scaled columns' parts, computed once and summed for each factor. Which
columns vary, their means and their spreads come from one pass over the rows
in memory order (a numba kernel, ``readout_kernels.column_moments``; numpy's
reductions along a row-major matrix's columns and its gathers of the varying
ones took three passes, 0.37-0.57 s on 7,494 x 16,000 liquid features,
against 0.06 s; same weights to 3e-13), its rows split into chunks that
depend on the number of rows only, so that the result does not depend on the
number of threads.

``std_power`` divides each column by its standard deviation to that power
before the fit: 0 leaves the features as they are, 1 standardises them. For
ridge this is a penalty on each weight proportional to its column's standard
deviation to the power ``2 std_power``; the estimators' default, 0.5, is
between a plain penalty, under which the widest columns dominate, and full
standardisation, which inflates neurons that fire rarely in training into
columns as loud as any other.

From ``FLOAT32_ROWS`` rows, the dual Gram matrix's products and its
eigendecomposition are taken in float32, twice and three times as fast, and
serve only to choose the penalty; the weights are then solved in float64 (one
Cholesky factorisation of ``G + a I``). Both roundings are checked: the
products' error is measured on a few rows also computed in float64 and must
be under 1 % of the chosen penalty, and penalties below ten times float32's
``eps`` times the largest eigenvalue are not trusted (LOO error NaN); if the
choice depends on them the fit is redone in float64. (numpy and scipy each
bring their own OpenBLAS, whose threads spin a while after each call: the
loops here call one of them only, on 2 cores the other's spinning threads
made the float32 products twice as slow.) On 2,700 x 28,000 liquid features
the readout takes 3.0-3.3 s instead of 4.3-4.8 s, decisions within 1e-5.

Beyond ``LOW_RANK_ABOVE`` rows and varying columns, even one decomposition
costs several times the simulation, and the ridge is restricted to the
leading ``LOW_RANK`` principal directions of the rows, found by a randomized
sketch in ``O(n p LOW_RANK)``: the formulas above hold with ``Q`` the leading
eigenvectors of ``X X^T`` (``H = Q diag(l / (l + a)) Q^T``). On 7,494 rows x
10,771 varying columns the readout takes 2.7-2.9 s instead of 42 s, with the
same test accuracy.

The passes over ``X`` live in ``liquid.readout_passes``, the leave-one-out formulas in
``liquid.readout_loo``; this module chooses the model and holds the estimators.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.linalg import cho_factor, cho_solve, eigh
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._limits import check_memory
from ._validation import check_labels, check_magnitude, check_number
from .calibration import fit_temperature, log_softmax
from .readout_loo import choose_scale, dual_errors, dual_loo, dual_loo_residuals, primal_loo
from .readout_passes import centred_gram, column_statistics, leading_components, product, transposed_product

#: Feature dtypes taken as they are (anything else is converted to float64).
FLOAT_DTYPES = (np.float64, np.float32)

#: Penalties searched by default (also by the estimators' default readouts): 1e-3 ... 1e4.
DEFAULT_ALPHAS = tuple(np.logspace(-3, 4, 15))

#: Rows (evenly spaced) on which a column factor is chosen when there are more: the factor is a coarse
#: choice, and each try costs an eigendecomposition of the rows' Gram matrix.
SCALE_CHOICE_ROWS = 1000

#: Beyond this many rows and varying columns, the ridge is restricted to the leading ``LOW_RANK``
#: principal directions of the rows (see ``leading_components``): an exact decomposition of the Gram
#: matrix would cost several times the liquid's simulation (34 s for 7,494 rows on 2 cores).
LOW_RANK_ABOVE = 4000
LOW_RANK = 1000


def _check_positive(name: str, values, what: str) -> np.ndarray:
    """``values`` as a 1-D float array; ValueError naming ``name`` unless non-empty, finite and positive."""
    array = np.asarray(values, dtype=np.float64).ravel()
    if array.size == 0 or not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{name} must be a non-empty list of positive finite {what}, got {values!r}")
    return array


def _check_scaled_columns(scaled_columns, n_features: int) -> np.ndarray:
    """``scaled_columns`` (column indices or None) as a boolean mask over the features."""
    mask = np.zeros(n_features, dtype=bool)
    if scaled_columns is None:
        return mask
    indices = np.asarray(scaled_columns).ravel()
    if indices.size == 0:
        return mask
    if (indices.dtype.kind not in "iu" or indices.min() < 0 or indices.max() >= n_features):
        raise ValueError(f"scaled_columns must be indices of X's {n_features} columns, got {scaled_columns!r}")
    mask[indices] = True
    return mask


def loo_ridge(X: np.ndarray, Y: np.ndarray, alphas: np.ndarray, scaled: np.ndarray | None = None,
              scales: np.ndarray = np.ones(1), choice_rows: np.ndarray | None = None, std_power: float = 0.0):
    """Ridge on centred ``X`` (n, p) and ``Y`` (n, t) with the penalty of least LOO error.

    Every varying column is divided by its standard deviation to the power ``std_power`` (0: as
    given, 1: standardised). The columns in the boolean mask ``scaled`` (p,) are multiplied by one
    of ``scales`` (a per-column prior scale under the one penalty); the factor whose best penalty
    has the least LOO error on the rows ``choice_rows`` (all if None) wins, the first of equally
    good ones, and the penalty is then chosen on all rows. When the Gram matrix of the rows is
    decomposed, its plain and scaled columns' parts are computed once, from blocks of centred
    columns (``centred_blocks``: X is never copied whole), and serve every factor. Beyond
    ``LOW_RANK_ABOVE`` rows and varying columns, the fit is restricted to the leading ``LOW_RANK``
    principal directions of the rows (see the module notes). The returned coefficients apply to
    the unscaled ``X``.
    Returns ``(coef (p, t), intercept (t,), alpha, scale, loo_mse per alpha, loo residuals (n, t))``, the
    last at the chosen penalty: row ``i``'s target less the prediction of the ridge fitted without it.
    """
    varying, x_mean, x_std = column_statistics(X)
    scaled = varying & (False if scaled is None else scaled)
    if not scaled.any():
        scales = scales[:1]
    y_mean = Y.mean(axis=0)
    Yc = Y - y_mean
    n, p = X.shape[0], int(np.count_nonzero(varying))
    low_rank = min(n, p) > LOW_RANK_ABOVE
    column_weights = np.ones(X.shape[1]) if std_power == 0.0 else _std_weights(x_std, varying, std_power)
    column_weights = _bounded_spread(x_std, varying, column_weights)
    plain = varying & ~scaled
    scale = float(scales[0])
    if n <= p and not low_rank:
        dual_weights, best, errors, scale, loo = _dual_fit(X, x_mean, column_weights, plain, scaled, scales, Yc,
                                                           alphas, choice_rows)
    elif scales.size > 1:  # the factor from the Gram matrix of at most SCALE_CHOICE_ROWS rows
        subset = X if choice_rows is None else X[choice_rows]
        subset_mean = subset.mean(axis=0, dtype=np.float64)
        parts = (centred_gram(subset, subset_mean, column_weights, plain)[0],
                 centred_gram(subset, subset_mean, column_weights, scaled)[0])
        Ysub = Y if choice_rows is None else Y[choice_rows]
        scale = choose_scale(parts, Ysub - Ysub.mean(axis=0), alphas, scales, None)
    factors = np.where(scaled, scale, 1.0) * column_weights
    if low_rank:
        eigenvalues, Q, errors = dual_errors(*leading_components(X, x_mean, factors, varying, LOW_RANK), Yc, alphas)
        best = int(np.argmin(errors))
        dual_weights = Q @ ((1.0 / (eigenvalues + alphas[best]))[:, None] * (Q.T @ Yc))
        loo = dual_loo_residuals(eigenvalues, Q, Yc, alphas[best])
    if n <= p or low_rank:
        # Weights of the scaled matrix: X_s^T d = factors * (X^T d - mean (1^T d)).
        weights = transposed_product(X, dual_weights) - np.outer(x_mean, dual_weights.sum(axis=0))
        weights *= factors[:, None]
    else:
        Xc = X[:, varying].astype(np.float64, copy=False)  # a copy of few columns, centred and scaled in place
        Xc -= x_mean[varying]
        Xc *= factors[varying]
        eigenvalues, V, ZtY, errors, loo_at = primal_loo(Xc.T @ Xc, Xc, Yc, alphas)
        best = int(np.argmin(errors))
        loo = loo_at(alphas[best])
        weights = np.zeros((X.shape[1], Y.shape[1]))
        weights[varying] = V @ ((1.0 / (eigenvalues + alphas[best]))[:, None] * ZtY)
    weights *= factors[:, None]  # weights of the scaled columns -> of the unscaled ones
    weights[~varying] = 0.0
    return weights, y_mean - x_mean @ weights, float(alphas[best]), scale, errors, loo

#: From this many rows, the dual ridge's Gram matrix and eigendecomposition are computed in float32
#: (``_dual_fit``): below it they take a fraction of a second in float64.
FLOAT32_ROWS = 1000

#: The float32 Gram matrix is kept if its measured rounding (Frobenius norm) is at most this fraction
#: of the chosen penalty: then the change of ``G + a I``, and of the fit, is at most that fraction.
MAX_ROUNDING_TO_PENALTY = 1e-2

#: Penalties whose LOO error a float32 eigendecomposition gives: from this many times float32's
#: ``eps`` times the largest eigenvalue (on 2,700 x 28,000 liquid features, the errors agree with float64
#: to 1e-4 from one time).
TRUSTED_PENALTY = 10.0

#: Columns whose standard deviation is below this fraction of the median one's get weight 0 under
#: ``std_power``: they are constant up to rounding (a filtered trace whose last spike lies hundreds of
#: time constants back holds values like 1e-200, whose squares underflow), and dividing by their spread
#: would overflow.
MIN_RELATIVE_STD = 1e-12


def _std_weights(std: np.ndarray, varying: np.ndarray, std_power: float) -> np.ndarray:
    """Column weights ``std ** -std_power`` of the varying columns, 0 for columns below
    ``MIN_RELATIVE_STD`` of the median varying column's spread (the median, not the largest: one column
    on a scale of its own must not zero the others), 1 for constant ones."""
    reference = np.median(std[varying]) if varying.any() else 0.0
    usable = varying & (std > max(MIN_RELATIVE_STD * reference, np.finfo(np.float64).tiny))
    weights = np.where(varying, 0.0, 1.0)
    weights[usable] = std[usable] ** -std_power
    return weights

#: Widest spread of a varying column, relative to the median varying column's (after ``std_power``): the
#: Gram matrix holds about 16 digits, and a column 1e20 times wider than the rest leaves none of theirs
#: (predictions off by 1e13 on targets of spread 3). Wider columns are scaled down to this bound.
MAX_COLUMN_SPREAD = 1e6


def _bounded_spread(std: np.ndarray, varying: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Column weights with the varying columns' weighted spreads capped at ``MAX_COLUMN_SPREAD`` times their
    median (a heavier penalty on the capped columns' weights), with a warning when any is capped."""
    spread = std * weights
    usable = varying & (spread > 0)
    if not usable.any():
        return weights
    limit = MAX_COLUMN_SPREAD * np.median(spread[usable])
    wide = usable & (spread > limit)
    if not wide.any():
        return weights
    warnings.warn(f"{np.count_nonzero(wide)} column(s) of X (the first: {np.flatnonzero(wide)[0]}) spread over "
                  f"more than {MAX_COLUMN_SPREAD:g} times the median column's; they are scaled down to that bound "
                  "(their weights are penalised more) so that the other columns are not lost to rounding. "
                  "Standardise X to choose the columns' scales yourself", UserWarning, stacklevel=4)
    weights = weights.copy()
    weights[wide] *= limit / spread[wide]
    return weights


def _dual_fit(X: np.ndarray, x_mean: np.ndarray, column_weights: np.ndarray, plain: np.ndarray,
              scaled: np.ndarray, scales: np.ndarray, Yc: np.ndarray, alphas: np.ndarray, choice_rows):
    """The ridge on the centred rows' Gram matrix: ``(dual_weights (n, t), index of the best penalty, LOO
    errors, scale, LOO residuals at the best penalty)``; the weights of the columns are ``X_s^T dual_weights``.

    From ``FLOAT32_ROWS`` rows, the Gram matrix's products and its eigendecomposition, which only serve
    to choose the penalty, are taken in float32 (twice and three times as fast), and the weights are
    solved in float64 (Cholesky of ``G + a I``). Float32 eigenpairs are exact for a matrix within a few
    ``eps * l_max`` of G, so the LOO errors of penalties below ``TRUSTED_PENALTY * eps * l_max`` are not
    trusted (NaN). The fit is redone in float64 when the choice needs them (the best trusted penalty is
    the smallest trusted one) or when the products' measured rounding is not small against the chosen
    penalty (``MAX_ROUNDING_TO_PENALTY``)."""
    if X.shape[0] >= FLOAT32_ROWS:
        G, rounding, scale = _dual_gram(X, x_mean, column_weights, plain, scaled, scales, Yc, alphas, choice_rows,
                                        single=True)
        eigenvalues, Q = eigh(G.astype(np.float32), overwrite_a=True, check_finite=False, driver="evd")
        resolution = TRUSTED_PENALTY * np.finfo(np.float32).eps * max(float(eigenvalues[-1]), 0.0)
        eigenvalues, Q, errors = dual_errors(eigenvalues.astype(np.float64), Q.astype(np.float64), Yc, alphas,
                                              resolution)
        trusted = alphas >= resolution
        if trusted.any():
            errors[~trusted] = np.nan
            best = int(np.nanargmin(errors))
            if alphas[best] > alphas[trusted].min() and rounding <= MAX_ROUNDING_TO_PENALTY * alphas[best]:
                loo = dual_loo_residuals(eigenvalues, Q, Yc, alphas[best])  # float32 eigenpairs: enough here
                del Q
                G[np.diag_indices_from(G)] += alphas[best]
                factor = cho_factor(G, lower=True, overwrite_a=True, check_finite=False)
                return cho_solve(factor, Yc, check_finite=False), best, errors, scale, loo
        del Q
        scales = np.array([scale])  # in float64, with the factor already chosen
    G, _, scale = _dual_gram(X, x_mean, column_weights, plain, scaled, scales, Yc, alphas, choice_rows,
                             single=False)
    eigenvalues, Q, errors = dual_loo(G, Yc, alphas)
    best = int(np.argmin(errors))
    return (Q @ ((1.0 / (eigenvalues + alphas[best]))[:, None] * (Q.T @ Yc)), best, errors, scale,
            dual_loo_residuals(eigenvalues, Q, Yc, alphas[best]))


def _dual_gram(X: np.ndarray, x_mean: np.ndarray, column_weights: np.ndarray, plain: np.ndarray,
               scaled: np.ndarray, scales: np.ndarray, Yc: np.ndarray, alphas: np.ndarray, choice_rows,
               single: bool) -> tuple[np.ndarray, float, float]:
    """The centred rows' Gram matrix with the ``scaled`` columns multiplied by the best of ``scales``
    (chosen on ``choice_rows``, see ``choose_scale``) and its estimated rounding (``centred_gram``):
    ``(G, rounding, scale)``."""
    G, rounding = centred_gram(X, x_mean, column_weights, plain, single)
    scale = float(scales[0])
    if scaled.any():
        extra, extra_rounding = centred_gram(X, x_mean, column_weights, scaled, single)
        if scales.size > 1:
            scale = choose_scale((G, extra), Yc, alphas, scales, choice_rows)
        extra *= scale**2
        G += extra
        rounding += scale**2 * extra_rounding
    return G, rounding, scale


class _GramRidgeCV(BaseEstimator):
    def __init__(self, alphas=DEFAULT_ALPHAS, scaled_columns=None, column_scales=(1.0,), std_power: float = 0.0):
        self.alphas = alphas
        self.scaled_columns = scaled_columns
        self.column_scales = column_scales
        self.std_power = std_power

    def _solve(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Fit the ridge; return its leave-one-out residuals (n, t) at the chosen penalty."""
        alphas = _check_positive("alphas", self.alphas, "penalties")
        scales = _check_positive("column_scales", self.column_scales, "factors")
        scaled = _check_scaled_columns(self.scaled_columns, X.shape[1])
        check_number("std_power", self.std_power, 0.0, high=1.0)
        # Many rows: the factor is a coarse choice, made on evenly spaced rows, then the penalty on all.
        rows = None
        if X.shape[0] > SCALE_CHOICE_ROWS:
            rows = np.linspace(0, X.shape[0] - 1, SCALE_CHOICE_ROWS).astype(int)
        (self.coef_, self.intercept_, self.alpha_, self.column_scale_, self.loo_errors_,
         loo_residuals) = loo_ridge(X, Y, alphas, scaled, scales, rows, float(self.std_power))
        if not (np.isfinite(self.coef_).all() and np.isfinite(self.intercept_).all()):
            raise ValueError("the ridge solution is not finite: X is too ill-conditioned to solve; standardise it")
        return loo_residuals

    def _validated(self, X, y=None, *, fitting: bool = False, **kwargs):
        """``validate_data`` with what it lets through refused: None, values beyond ``MAX_ABS_VALUE``, and a
        float64 copy of a large matrix of another dtype that the machine cannot hold. float32 features are
        kept as they are: every pass over them widens a block at a time, never the whole matrix."""
        if X is None:
            raise TypeError("X is None; expected a 2-D array of features (n_samples, n_features)")
        if fitting and y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if isinstance(X, np.ndarray) and X.dtype not in (np.float64, np.float32):
            check_memory(f"a float64 copy of X ({X.dtype}, shape {X.shape})", 8.0 * X.size)
        if not fitting:
            X = validate_data(self, X, reset=False, dtype=FLOAT_DTYPES)
            check_magnitude(X, "X")
            return X
        X, y = validate_data(self, X, y, dtype=FLOAT_DTYPES, **kwargs)
        check_magnitude(X, "X")
        return X, y

    def _linear(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return product(self._validated(X), self.coef_) + self.intercept_


class GramRidgeCV(RegressorMixin, _GramRidgeCV):
    """Ridge regression with the penalty chosen by exact leave-one-out error (see the module notes).

    Parameters
    ----------
    alphas : sequence of float, default=DEFAULT_ALPHAS
        Penalties to choose from.
    scaled_columns : sequence of int or None, default=None
        Columns whose weight against the others is chosen with the penalty.
    column_scales : sequence of float, default=(1.0,)
        Factors tried on ``scaled_columns`` (one Gram matrix and
        eigendecomposition each): under one penalty, a larger factor is a
        weaker prior on those columns. The pair of factor and penalty with
        the least leave-one-out error wins; beyond ``SCALE_CHOICE_ROWS``
        rows, the factor is chosen on that many evenly spaced rows and the
        penalty on all.
    std_power : float in [0, 1], default=0.0
        Each column is divided by its standard deviation (on the training
        rows) to this power before the fit: 0, the features as given; 1,
        standardised; 0.5 (the estimators' default readouts), a penalty on
        each weight proportional to its column's standard deviation (see
        the module notes).

    Attributes
    ----------
    coef_ : ndarray (n_features,) or (n_features, n_targets)
        Coefficients of the unscaled features.
    intercept_ : float or ndarray (n_targets,)
    alpha_ : float
        The chosen penalty.
    column_scale_ : float
        The chosen factor of ``scaled_columns``.
    loo_errors_ : ndarray (n_alphas,)
        Mean squared leave-one-out residual of every penalty, at the chosen factor; NaN for
        penalties too small for the float32 decomposition of large problems (see the module notes).
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        X, y = self._validated(X, y, fitting=True, multi_output=True, y_numeric=True)
        self._single_target = y.ndim == 1
        self._solve(X, y.reshape(len(y), -1).astype(np.float64))
        if self._single_target:
            self.coef_, self.intercept_ = self.coef_[:, 0], float(self.intercept_[0])
        return self

    def predict(self, X) -> np.ndarray:
        return self._linear(X)


class GramRidgeClassifierCV(ClassifierMixin, _GramRidgeCV):
    """Ridge classifier (+1 / -1 targets per class) with the penalty chosen by exact leave-one-out error.

    The same model as scikit-learn's ``RidgeClassifierCV``, at the cost of one
    eigendecomposition of the smaller Gram matrix (see the module notes).

    Parameters
    ----------
    alphas : sequence of float, default=DEFAULT_ALPHAS
    scaled_columns : sequence of int or None, default=None
    column_scales : sequence of float, default=(1.0,)
    std_power : float in [0, 1], default=0.0
        As in :class:`GramRidgeCV`.

    Attributes
    ----------
    classes_ : ndarray of labels
    coef_ : ndarray (n_features, n_outputs)
        One column per class (a single column for two classes).
    intercept_ : ndarray (n_outputs,)
    alpha_ : float
    column_scale_ : float
    loo_errors_ : ndarray (n_alphas,)
    temperature_ : float
        Temperature of :meth:`predict_proba`'s softmax, fitted on the exact leave-one-out decisions (the
        log loss of each training row as predicted by the ridge fitted without it).
    """

    def fit(self, X, y):
        if y is not None:
            check_labels(y)  # before validate_data, which turns mixed labels into strings
        X, y = self._validated(X, y, fitting=True)
        check_classification_targets(y)
        binarizer = LabelBinarizer(neg_label=-1, pos_label=1)
        Y = binarizer.fit_transform(y).astype(np.float64)
        self.classes_ = binarizer.classes_
        if self.classes_.shape[0] < 2:
            raise ValueError(f"y has only one class ({self.classes_[0]!r}); a classifier needs at least two")
        loo_residuals = self._solve(X, Y)
        # What the ridge fitted without each row decides of it: held-out decisions, for the temperature.
        loo_decisions = Y - loo_residuals
        usable = np.isfinite(loo_decisions).all(axis=1)
        classes = np.searchsorted(self.classes_, y)
        self.temperature_ = (fit_temperature(loo_decisions[usable][:, 0] if Y.shape[1] == 1 else loo_decisions[usable],
                                             classes[usable]) if usable.any() else 1.0)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (n_samples, n_classes): ``softmax(decisions / temperature_)``, the temperature
        fitted on the leave-one-out decisions (see :mod:`liquid.calibration`)."""
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`."""
        check_is_fitted(self, "temperature_")
        return log_softmax(self.decision_function(X), self.temperature_)

    def decision_function(self, X) -> np.ndarray:
        scores = self._linear(X)
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X) -> np.ndarray:
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
