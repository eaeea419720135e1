"""Numba kernels of the online anomaly detector: a forgetting Gaussian model of normal states,
and the anomaly likelihood with event-based alarms. Plain arrays in, plain arrays out;
the state arrays are updated in place so that a stream can be fed in chunks."""
from __future__ import annotations

from math import erfc, sqrt

import numpy as np
from numba import njit


@njit(cache=True)
def _refresh_precision(covariance, precision, shrinkage):
    """precision = inverse of the covariance shrunk towards its mean variance (always invertible)."""
    d = covariance.shape[0]
    level = 0.0
    for i in range(d):
        level += covariance[i, i]
    level = max(level / d, 1e-12)
    shrunk = (1.0 - shrinkage) * covariance
    for i in range(d):
        shrunk[i, i] += shrinkage * level
    precision[:, :] = np.linalg.inv(shrunk)


@njit(cache=True)
def mahalanobis_stream(states, mean, covariance, precision, clock, decay, shrinkage, refresh, learn, out):
    """Squared Mahalanobis distance of every row of ``states`` from a model of normal states.

    The model is an exponentially forgetting mean and covariance (weight
    ``decay`` per point on the past); the precision matrix is recomputed
    from the shrunk covariance every ``refresh`` points (``clock`` [0]
    counts points). Each distance is computed before the model learns the
    point (with ``learn``): a point never explains itself.
    """
    d = states.shape[1]
    diff = np.empty(d)
    c = 1.0 - decay
    for t in range(states.shape[0]):
        for i in range(d):
            diff[i] = states[t, i] - mean[i]
        distance = 0.0
        for i in range(d):
            acc = 0.0
            for j in range(d):
                acc += precision[i, j] * diff[j]
            distance += diff[i] * acc
        out[t] = distance
        if not learn:
            continue
        # Exponentially weighted covariance around the moving mean: C <- decay (C + c d d^T).
        for i in range(d):
            for j in range(d):
                covariance[i, j] = decay * (covariance[i, j] + c * diff[i] * diff[j])
            mean[i] += c * diff[i]
        clock[0] += 1
        if clock[0] % refresh == 0:
            _refresh_precision(covariance, precision, shrinkage)


@njit(cache=True)
def likelihood_stream(raw, history, averaging, clip, stats, recent, learn, out):
    """NAB-style anomaly likelihood: how improbable the short-term mean of the raw score is under a
    Gaussian fitted to its own long-term behaviour.

    ``recent`` is a ring of the last ``averaging`` raw scores (its last slot counts the points
    seen); ``stats`` = [count, mean, mean of squares] of the short-term means, forgetting over
    ``history`` points. ``out[t]`` is the tail probability P(Z >= z) (small = anomalous); the
    statistics learn each point after it is scored (if ``learn``), winsorised at ``clip``
    standard deviations above their mean, so that one burst of anomalies does not inflate the
    variance and hide the next anomaly for a whole ``history``.
    """
    for t in range(raw.shape[0]):
        seen = int(recent[averaging])
        recent[seen % averaging] = raw[t]
        recent[averaging] += 1.0
        filled = min(seen + 1, averaging)
        short = 0.0
        for k in range(filled):
            short += recent[k]
        short /= filled
        count, mean, square = stats[0], stats[1], stats[2]
        deviation = sqrt(max(square - mean * mean, 1e-12 * max(abs(mean), 1e-12) ** 2))
        if count < averaging:
            out[t] = 1.0  # too little history to call anything improbable
        else:
            out[t] = 0.5 * erfc((short - mean) / (sqrt(2.0) * deviation))
            short = min(short, mean + clip * deviation)
        if not learn:
            continue
        weight = 1.0 / (count + 1.0) if count + 1.0 < history else 1.0 / history
        stats[0] = count + 1.0
        stats[1] = mean + weight * (short - mean)
        stats[2] = square + weight * (short * short - square)


@njit(cache=True)
def alarm_stream(probability, threshold, rearm, state, out):
    """Events, not points: an alarm when the tail probability falls below ``threshold``; after it,
    no alarm until the probability has stayed above ``sqrt(threshold)`` for ``rearm`` points.

    ``state`` = [armed (1/0), calm points since the alarm].
    """
    release = sqrt(threshold)
    for t in range(probability.shape[0]):
        out[t] = False
        if state[0] == 1.0:
            if probability[t] < threshold:
                out[t] = True
                state[0] = 0.0
                state[1] = 0.0
        else:
            state[1] = state[1] + 1.0 if probability[t] > release else 0.0
            if state[1] >= rearm:
                state[0] = 1.0
