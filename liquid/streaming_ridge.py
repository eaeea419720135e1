"""Ridge regression from streamed rows: Gram matrices accumulated chunk by chunk.

A per-timestep readout sees one feature row per timestep of series that may be
millions of steps long. Accumulating ``X^T X`` and ``X^T Y`` keeps memory at
O(n_features^2) whatever the length. The penalty is chosen on a validation
part (the last ``validation_fraction`` of the rows, in time order: no
look-ahead) from one eigendecomposition of the training Gram matrix, which
serves every penalty; the final model is refitted on all rows.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from ._limits import check_memory
from ._validation import check_number

#: Penalties searched, relative to the mean diagonal of the Gram matrix (features of any scale).
RELATIVE_ALPHAS = np.logspace(-8, 1, 19)


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
    """

    def __init__(self, alpha: float | None = None, validation_fraction: float = 0.2):
        self.alpha = alpha
        self.validation_fraction = validation_fraction
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
        """Return ``(coef (n_features, n_targets), intercept (n_targets,), alpha)``."""
        if self._gram is None or self._rows["fit"] < 2:
            raise ValueError("too few training rows to fit the readout (is the washout longer than the series?)")
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
