"""Ridge regression from streamed rows: Gram matrices accumulated chunk by chunk.

A per-timestep readout sees one feature row per timestep of series that may be
millions of steps long. Accumulating ``X^T X`` and ``X^T Y`` keeps memory at
O(n_features^2) whatever the length. The penalty is chosen on a validation
part (the last ``validation_fraction`` of the rows, in time order: no
look-ahead) from one eigendecomposition of the training Gram matrix, which
serves every penalty; the final model is refitted on all rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from ._limits import check_memory
from ._validation import check_number

#: Penalties searched, relative to the mean diagonal of the Gram matrix (features of any scale).
RELATIVE_ALPHAS = np.logspace(-8, 1, 19)
#: Penalties searched for a base (``n_base``): a few strongly correlated columns (the lags of a smooth
#: series) need far smaller ones than a liquid's thousands (Mackey-Glass one step ahead on 11 lags:
#: NRMSE 0.0016 at the smallest of ``RELATIVE_ALPHAS``).
BASE_ALPHAS = np.logspace(-16, 1, 35)
#: Relative rounding of a squared error computed from Gram matrices (``_squared_error``: sums of terms
#: as large as the targets' squares).
ERROR_RESOLUTION = 1e-12


class StreamingRidge:
    """Accumulates (features, targets) rows; solves ridge with an unpenalised intercept.

    Parameters
    ----------
    alpha : float or None
        Penalty (relative to the mean squared feature); ``None``: chosen
        among ``RELATIVE_ALPHAS`` on the validation rows.
    validation_fraction : float
        Share of rows, taken from the end of each :meth:`add` stream in time
        order, used to choose ``alpha``.
    n_base : int
        The last ``n_base`` features form a linear *base* (e.g. the input and
        a delay line of it) with a penalty of its own, chosen first on the
        validation rows with the other features left out; the other features'
        penalty is then chosen jointly with it, "left out" (an infinite
        penalty) among the candidates, so that the validation error is never
        above the base model's (see :meth:`solve`).
    """

    def __init__(self, alpha: float | None = None, validation_fraction: float = 0.2, n_base: int = 0):
        self.alpha = alpha
        self.validation_fraction = validation_fraction
        self.n_base = n_base
        self._gram = None

    def _allocate(self, n_features: int, n_targets: int) -> None:
        size = n_features + 1  # the last column is the intercept
        check_memory(f"the ridge readout's Gram matrices ({n_features} features)", 3.0 * 8.0 * size * size)
        self._gram = {part: np.zeros((size, size)) for part in ("fit", "val")}
        self._cross = {part: np.zeros((size, n_targets)) for part in ("fit", "val")}
        self._target_sq = {part: np.zeros(n_targets) for part in ("fit", "val")}
        self._rows = {"fit": 0, "val": 0}

    def add(self, features: np.ndarray, targets: np.ndarray, part: str = "fit") -> None:
        """Add rows to the training (``"fit"``) or validation (``"val"``) part."""
        if features.shape[0] == 0:
            return
        if self._gram is None:
            self._allocate(features.shape[1], targets.shape[1])
        augmented = np.hstack([features, np.ones((features.shape[0], 1))])
        self._gram[part] += augmented.T @ augmented
        self._cross[part] += augmented.T @ targets
        self._target_sq[part] += (targets**2).sum(axis=0)
        self._rows[part] += features.shape[0]

    @property
    def n_rows(self) -> int:
        return 0 if self._gram is None else self._rows["fit"] + self._rows["val"]

    @staticmethod
    def _centred(gram: np.ndarray, cross: np.ndarray):
        """Eliminate the (unpenalised) intercept: centre the Gram matrices with their own row sums."""
        n = gram.shape[0] - 1
        count = gram[n, n]
        mean_x = gram[:n, n] / count
        mean_y = cross[n] / count
        centred = gram[:n, :n] - count * np.outer(mean_x, mean_x)
        centred_cross = cross[:n] - count * np.outer(mean_x, mean_y)
        return centred, centred_cross, mean_x, mean_y

    def _solve_one(self, gram: np.ndarray, cross: np.ndarray, alpha: float) -> np.ndarray:
        """Coefficients for one penalty by a Cholesky solve (an order of magnitude cheaper than eigh)."""
        centred, centred_cross, mean_x, mean_y = self._centred(gram, cross)
        n = centred.shape[0]
        scale = max(float(np.trace(centred)) / n, 1e-300)
        coef = cho_solve(cho_factor(centred + alpha * scale * np.eye(n)), centred_cross)
        return np.vstack([coef, (mean_y - mean_x @ coef)[None, :]])

    def _solve_all(self, gram: np.ndarray, cross: np.ndarray, alphas: np.ndarray) -> list[np.ndarray]:
        """Coefficients for every penalty from one eigendecomposition (intercept unpenalised)."""
        centred, centred_cross, mean_x, mean_y = self._centred(gram, cross)
        n = centred.shape[0]
        values, vectors = np.linalg.eigh(centred)
        projected = vectors.T @ centred_cross
        scale = max(float(np.trace(centred)) / n, 1e-300)
        solutions = []
        for alpha in alphas:
            coef = vectors @ (projected / (np.maximum(values, 0.0) + alpha * scale)[:, None])
            intercept = mean_y - mean_x @ coef
            solutions.append(np.vstack([coef, intercept[None, :]]))
        return solutions

    @staticmethod
    def _squared_error(solution: np.ndarray, gram: np.ndarray, cross: np.ndarray, target_sq: np.ndarray) -> float:
        """Sum of squared errors of ``solution`` on rows summarised by their Gram matrices."""
        return float(np.sum(target_sq - 2.0 * np.sum(solution * cross, axis=0)
                            + np.sum(solution * (gram @ solution), axis=0)))

    def solve(self) -> tuple[np.ndarray, np.ndarray, float]:
        """Return ``(coef (n_features, n_targets), intercept (n_targets,), alpha)``.

        With a base (``n_base``), ``alpha`` is the other features' penalty (``inf``: left out) and
        ``base_alpha_`` the base's; both relative to their own block's mean squared feature.
        """
        if self._gram is None or self._rows["fit"] < 2:
            raise ValueError("too few training rows to fit the readout (is the washout longer than the series?)")
        if self.n_base:
            return self._solve_with_base()
        alpha = self.alpha
        if alpha is not None:
            check_number("alpha", alpha, 0.0, low_inclusive=False)
        else:
            if self._rows["val"] == 0:
                alpha = 1e-4
            else:
                candidates = self._solve_all(self._gram["fit"], self._cross["fit"], RELATIVE_ALPHAS)
                errors = [self._squared_error(c, self._gram["val"], self._cross["val"], self._target_sq["val"])
                          for c in candidates]
                alpha = float(RELATIVE_ALPHAS[int(np.argmin(errors))])
        total_gram = self._gram["fit"] + self._gram["val"]
        total_cross = self._cross["fit"] + self._cross["val"]
        solution = self._solve_one(total_gram, total_cross, alpha)
        return solution[:-1], solution[-1], alpha

    # -- a linear base with a penalty of its own ---------------------------------------------------------
    def _blocks(self, gram: np.ndarray, cross: np.ndarray) -> "_Blocks":
        """The centred Gram matrices split into the other features' block ``S`` and the base's ``B``, with
        each block's mean squared (centred) feature; centred once per solve (p x p copies)."""
        centred, centred_cross, mean_x, mean_y = self._centred(gram, cross)
        p = centred.shape[0]
        S, B = slice(0, p - self.n_base), slice(p - self.n_base, p)
        s_S, s_B = (max(float(np.trace(centred[k, k])) / max(k.stop - k.start, 1), 1e-300) for k in (S, B))
        return _Blocks(centred, centred_cross, mean_x, mean_y, S, B, s_S, s_B)

    @staticmethod
    def _base_solutions(blocks: "_Blocks", alphas: np.ndarray) -> list[np.ndarray]:
        """The base alone (other features' weights 0) for every penalty, from one eigendecomposition."""
        C, c, B = blocks.C, blocks.c, blocks.B
        values, vectors = np.linalg.eigh(C[B, B])
        projected = vectors.T @ c[B]
        solutions = []
        for alpha in alphas:
            coef = np.zeros((C.shape[0], c.shape[1]))
            coef[B] = vectors @ (projected / (np.maximum(values, 0.0) + alpha * blocks.s_B)[:, None])
            solutions.append(blocks.with_intercept(coef))
        return solutions

    @staticmethod
    def _eliminate_base(blocks: "_Blocks", base_alpha: float):
        """The base eliminated for a fixed base penalty (Schur complement): ``(M, b, F, g)`` with
        ``A = C_BB + base_alpha s_B I``, ``F = A^-1 C_BS``, ``g = A^-1 c_B``, ``M = C_SS - C_SB F`` and
        ``b = c_S - C_SB g``; the base's weights are ``g - F v`` for the other features' ``v``. ``A`` is
        inverted by its eigendecomposition (a few columns, nearly collinear for a smooth series, under a
        penalty down to 1e-16: a Cholesky factorisation could fail there)."""
        C, c, S, B = blocks.C, blocks.c, blocks.S, blocks.B
        values, vectors = np.linalg.eigh(C[B, B])
        inverse = (vectors / (np.maximum(values, 0.0) + base_alpha * blocks.s_B)) @ vectors.T
        F, g = inverse @ C[B, S], inverse @ c[B]
        return C[S, S] - C[S, B] @ F, c[S] - C[S, B] @ g, F, g

    def _joint_solutions(self, blocks: "_Blocks", base_alpha: float, alphas: np.ndarray) -> list[np.ndarray]:
        """Both blocks for a fixed base penalty and every other penalty: one eigendecomposition of the
        Schur complement ``M`` (``_eliminate_base``) serves every penalty of the other features."""
        M, b, F, g = self._eliminate_base(blocks, base_alpha)
        values, vectors = np.linalg.eigh(M)
        projected = vectors.T @ b
        solutions = []
        for alpha in alphas:
            coef = np.empty((blocks.C.shape[0], blocks.c.shape[1]))
            coef[blocks.S] = vectors @ (projected / (np.maximum(values, 0.0) + alpha * blocks.s_S)[:, None])
            coef[blocks.B] = g - F @ coef[blocks.S]
            solutions.append(blocks.with_intercept(coef))
        return solutions

    def _validation_error(self, solution: np.ndarray) -> float:
        return self._squared_error(solution, self._gram["val"], self._cross["val"], self._target_sq["val"])

    def _solve_with_base(self) -> tuple[np.ndarray, np.ndarray, float]:
        """The base's penalty chosen on the validation rows with the other features left out; then the other
        features' penalty, or leaving them out, jointly with it: the validation error is never above the
        base model's (a penalty given as ``alpha`` is kept). The final fit takes every row."""
        if self._rows["val"] == 0:
            base_alpha = 1e-4
            alpha = 1e-4 if self.alpha is None else float(self.alpha)
        else:
            fit = self._blocks(self._gram["fit"], self._cross["fit"])
            base_errors = [self._validation_error(c) for c in self._base_solutions(fit, BASE_ALPHAS)]
            base_alpha = float(BASE_ALPHAS[int(np.argmin(base_errors))])
            if self.alpha is not None:  # the user's penalty of the other features, kept as given
                alpha = float(self.alpha)
            else:
                errors = [self._validation_error(c) for c in self._joint_solutions(fit, base_alpha, RELATIVE_ALPHAS)]
                best = int(np.argmin(errors))
                # An error summed from Gram matrices is only known to about eps * sum(y^2): a smaller gain
                # over the base is rounding, not the liquid's.
                resolution = ERROR_RESOLUTION * float(np.sum(self._target_sq["val"]))
                alpha = float(RELATIVE_ALPHAS[best]) if errors[best] < min(base_errors) - resolution else np.inf
            del fit
        self.base_alpha_ = base_alpha
        total = self._blocks(self._gram["fit"] + self._gram["val"], self._cross["fit"] + self._cross["val"])
        if np.isinf(alpha):
            solution = self._base_solutions(total, np.array([base_alpha]))[0]
        else:  # one Cholesky factorisation of the Schur complement, positive definite under alpha > 0
            M, b, F, g = self._eliminate_base(total, base_alpha)
            M[np.diag_indices_from(M)] += alpha * total.s_S
            coef = np.empty((total.C.shape[0], total.c.shape[1]))
            coef[total.S] = cho_solve(cho_factor(M, overwrite_a=True), b)
            coef[total.B] = g - F @ coef[total.S]
            solution = total.with_intercept(coef)
        return solution[:-1], solution[-1], alpha


@dataclass
class _Blocks:
    """Centred Gram matrices ``C`` (p, p) and ``c`` (p, t) of the features' rows, the features' and
    targets' means, the slices of the other features (``S``) and of the base (``B``), and each block's
    mean squared feature (``s_S``, ``s_B``: the scale of its relative penalties)."""

    C: np.ndarray
    c: np.ndarray
    mean_x: np.ndarray
    mean_y: np.ndarray
    S: slice
    B: slice
    s_S: float
    s_B: float

    def with_intercept(self, coef: np.ndarray) -> np.ndarray:
        """``coef`` (p, t) with the unpenalised intercept as a last row."""
        return np.vstack([coef, (self.mean_y - self.mean_x @ coef)[None, :]])
