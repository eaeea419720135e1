"""Leave-one-out errors of ridge regression from one eigendecomposition (see ``liquid.readout``).

For the centred rows' Gram matrix ``G = Q diag(l) Q^T`` the hat matrix of
penalty ``a`` is ``H = Q diag(l / (l + a)) Q^T``, and the LOO residual of row
``i`` is ``((I - H) y)_i / (I - H)_ii``; for the columns' ``X^T X = V diag(s)
V^T``, with ``Z = X V``, the leverage is ``h_i = 1/n + sum_k Z_ik^2 / (s_k +
a)``. Every penalty costs ``O(n rank)`` once the decomposition is known.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import eigh

#: Values (rows x penalties x targets) of the LOO residuals computed at once by ``dual_errors``.
LOO_GROUP_VALUES = 10_000_000


def choose_scale(parts, Yc: np.ndarray, alphas: np.ndarray, scales: np.ndarray, rows) -> float:
    """The factor of ``scales`` whose best penalty has the least LOO error on ``rows`` (all if None),
    given the centred plain and scaled columns' parts of the rows' Gram matrix; the first of equally
    good factors wins."""
    plain, extra = parts
    Ysub = Yc
    if rows is not None:
        plain, extra = double_centred(plain[np.ix_(rows, rows)]), double_centred(extra[np.ix_(rows, rows)])
        Ysub = Yc[rows] - Yc[rows].mean(axis=0)
    best, best_error = float(scales[0]), np.inf
    for scale in scales:
        error = dual_loo(plain + scale**2 * extra, Ysub, alphas)[2].min()
        if error < best_error:
            best, best_error = float(scale), error
    return best


def double_centred(G: np.ndarray) -> np.ndarray:
    """The Gram matrix of the rows behind ``G`` once they are centred on their own mean."""
    row_means = G.mean(axis=1)
    return G - row_means[:, None] - row_means[None, :] + row_means.mean()


def dual_loo(G: np.ndarray, Yc: np.ndarray, alphas: np.ndarray):
    """Eigendecomposition of the centred rows' Gram matrix ``G`` (n, n; overwritten) and the mean
    squared LOO residual of every penalty: ``(eigenvalues, Q, errors)``."""
    eigenvalues, Q = eigh(G, overwrite_a=True, check_finite=False, driver="evd")
    return dual_errors(eigenvalues, Q, Yc, alphas)


def dual_errors(eigenvalues: np.ndarray, Q: np.ndarray, Yc: np.ndarray, alphas: np.ndarray,
                 resolution: float | None = None):
    """``(eigenvalues, Q, errors)``: the LOO errors of every penalty ``a`` for the hat matrix
    ``H = Q diag(l / (l + a)) Q^T`` of the eigenpairs ``(l, Q)`` of the centred rows' Gram matrix.
    Eigenvalues up to ``resolution`` are taken as zero (default: float64 rounding, as in numpy's
    ``matrix_rank``; a float32 decomposition passes its own)."""
    n = Q.shape[0]
    # Eigenvalues within rounding of zero are zero: the constant vector's, which centring puts in the null
    # space, would otherwise weigh on the tiny diagonal of I - H of a nearly interpolating fit (a float32
    # decomposition gives it about eps32 * l_max, which at a penalty of 1e-2 moved a LOO error fourfold).
    if resolution is None:
        resolution = eigenvalues.max(initial=0.0) * n * np.finfo(float).eps
    eigenvalues = np.where(eigenvalues > resolution, eigenvalues, 0.0)
    QtY = Q.T @ Yc
    Q2 = Q * Q
    rank, n_targets = QtY.shape
    errors = np.empty(alphas.shape[0])
    # Penalties a group at a time, each group's products in one matrix product: Q is read once per group
    # rather than once per penalty (for few targets, a product per penalty is bound by reading Q).
    group = max(1, LOO_GROUP_VALUES // (n * n_targets))
    for first in range(0, alphas.shape[0], group):
        some = alphas[first:first + group]
        keep = eigenvalues[:, None] / (eigenvalues[:, None] + some)  # (rank, penalties)
        fitted = Q @ (keep[:, :, None] * QtY[:, None, :]).reshape(rank, -1)
        residuals = Yc[:, None, :] - fitted.reshape(n, some.shape[0], n_targets)  # (I - H) Y per penalty
        # diag(I - H), less the intercept's 1/n: centring puts the constant vector in the null space
        # of X X^T, but the unpenalised intercept fits it exactly.
        diagonals = 1.0 - Q2 @ keep - 1.0 / n
        errors[first:first + group] = np.mean((residuals / diagonals[:, :, None]) ** 2, axis=(0, 2))
    return eigenvalues, Q, errors


def dual_loo_residuals(eigenvalues: np.ndarray, Q: np.ndarray, Yc: np.ndarray, alpha: float) -> np.ndarray:
    """LOO residuals (n, t) of one penalty from the eigenpairs of the centred rows' Gram matrix (eigenvalues
    within rounding of zero already zeroed, as ``dual_errors`` returns them): ``dual_errors``' formula
    for one penalty, kept per row."""
    keep = eigenvalues / (eigenvalues + alpha)
    fitted = Q @ (keep[:, None] * (Q.T @ Yc))
    diagonal = 1.0 - (Q * Q) @ keep - 1.0 / Q.shape[0]
    return (Yc - fitted) / diagonal[:, None]


def primal_loo(C: np.ndarray, Xc: np.ndarray, Yc: np.ndarray, alphas: np.ndarray):
    """Eigendecomposition of the centred columns' ``C = Xc^T Xc`` (p, p; overwritten) and the mean
    squared LOO residual of every penalty: ``(eigenvalues, V, Z^T Yc, errors, loo_at)`` with ``Z = Xc V``;
    ``loo_at(alpha)`` gives the LOO residuals (n, t) of one penalty."""
    n = Xc.shape[0]
    eigenvalues, V = eigh(C, overwrite_a=True, check_finite=False, driver="evd")
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    Z = Xc @ V
    ZtY = Z.T @ Yc
    Z2 = Z * Z
    def loo_at(alpha: float) -> np.ndarray:
        inverse = 1.0 / (eigenvalues + alpha)
        fitted = Z @ (inverse[:, None] * ZtY)
        leverage = Z2 @ inverse + 1.0 / n  # the intercept's share of the hat matrix
        return (Yc - fitted) / (1.0 - leverage)[:, None]

    errors = np.array([np.mean(loo_at(alpha) ** 2) for alpha in alphas])
    return eigenvalues, V, ZtY, errors, loo_at
