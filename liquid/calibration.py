"""Class probabilities from ridge decisions: a softmax with one temperature fitted on held-out decisions.

A ridge classifier's decisions (one column per class, trained on +1 / -1
targets) rank the classes well but are not probabilities. Temperature scaling
(Guo et al. 2017) turns them into ``softmax(decisions / T)`` with the one
parameter ``T`` chosen to minimise the log loss of decisions the model made on
rows it was not trained on. The ridge readouts already have such decisions
for free: the exact leave-one-out residuals of the chosen penalty (see
``liquid.readout``), so no data is held out and nothing is refitted. One
parameter cannot change which class wins, so ``predict_proba``'s argmax is
``predict``'s label.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

#: Range of ``log T`` searched: decisions of +1 / -1 targets are of order 1, and a temperature beyond
#: these bounds means probabilities indistinguishable from uniform or from one-hot.
LOG_TEMPERATURE_BOUNDS = (np.log(1e-3), np.log(1e3))


def class_decisions(decisions: np.ndarray) -> np.ndarray:
    """Decisions as one column per class: a binary classifier's single column ``d`` becomes ``[-d, d]``."""
    decisions = np.asarray(decisions, dtype=np.float64)
    return np.column_stack([-decisions, decisions]) if decisions.ndim == 1 else decisions


def log_softmax(decisions: np.ndarray, temperature: float) -> np.ndarray:
    """``log softmax(decisions / temperature)`` per row, stable for any magnitude."""
    scaled = class_decisions(decisions) / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    return scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))


def fit_temperature(decisions: np.ndarray, classes: np.ndarray) -> float:
    """The temperature minimising the mean log loss of ``softmax(decisions / T)`` on the true ``classes``
    (indices of the decision columns), searched over ``LOG_TEMPERATURE_BOUNDS``."""
    rows = np.arange(classes.shape[0])

    def log_loss(log_temperature: float) -> float:
        return -float(np.mean(log_softmax(decisions, np.exp(log_temperature))[rows, classes]))

    best = minimize_scalar(log_loss, bounds=LOG_TEMPERATURE_BOUNDS, method="bounded", options={"xatol": 1e-4})
    return float(np.exp(best.x))


def expected_calibration_error(probabilities: np.ndarray, classes: np.ndarray, n_bins: int = 10) -> float:
    """Expected calibration error of the top class: the mean over equal-width confidence bins of
    ``|accuracy - confidence|``, weighted by the rows in each bin."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == classes
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    error = 0.0
    for b in np.unique(bins):
        inside = bins == b
        error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)
