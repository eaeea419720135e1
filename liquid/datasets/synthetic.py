"""Seeded synthetic tasks that need no files."""
from __future__ import annotations

from itertools import permutations

import numpy as np
from sklearn.utils import check_random_state


def make_temporal_order(
    n_samples: int = 300,
    *,
    n_channels: int = 4,
    n_patterns: int = 3,
    segment_length: tuple[int, int] = (8, 12),
    noise: float = 0.5,
    random_state=None,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Classes that differ only in the temporal order of the same input patterns.

    ``n_patterns`` fixed random patterns (one value per channel) are shown one
    after the other, each held for a random number of frames drawn from
    ``segment_length``; the class is the order (a permutation, so there are
    ``n_patterns!`` classes). Every class shows every pattern, so the
    time-averaged input carries no class information: a static classifier on
    it stays at chance, while a model with memory of order can solve the task.

    Parameters
    ----------
    n_samples : int
    n_channels : int
    n_patterns : int
    segment_length : (int, int)
        Inclusive range of frames each pattern is held for.
    noise : float
        Standard deviation of white noise added to every frame (patterns have
        unit-variance values).
    random_state : int, RandomState or None

    Returns
    -------
    X : list of arrays (n_timesteps_i, n_channels); lengths vary
    y : array of int class labels in ``[0, n_patterns!)``
    """
    rng = check_random_state(random_state)
    patterns = rng.standard_normal((n_patterns, n_channels))
    orders = list(permutations(range(n_patterns)))
    y = rng.randint(len(orders), size=n_samples)
    low, high = segment_length
    X = []
    for label in y:
        segments = [np.repeat(patterns[p][None, :], rng.randint(low, high + 1), axis=0) for p in orders[label]]
        sequence = np.concatenate(segments, axis=0)
        X.append(sequence + noise * rng.standard_normal(sequence.shape))
    return X, y


def make_spike_pattern(
    n_samples: int = 200,
    *,
    n_channels: int = 40,
    n_patterns: int = 2,
    rate: float = 20.0,
    duration: float = 300.0,
    pattern_duration: float = 100.0,
    frame_duration: float = 10.0,
    random_state=None,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Hidden spatio-temporal spike patterns in Poisson noise.

    Every sample is ``n_channels`` Poisson spike trains at ``rate`` Hz for
    ``duration`` ms; sample of class ``k`` hides frozen pattern ``k``
    (``pattern_duration`` ms long) at a random time, replacing the noise there.
    All patterns are the same spikes in different order: pattern ``k`` is a
    base Poisson draw whose frames are shuffled within each channel, so every
    channel has the same spike count in every pattern. Only spike timing
    tells the classes apart; time-averaged counts carry no class information.

    Returns
    -------
    X : list of (n_frames, n_channels) spike-count arrays, one frame per
        ``frame_duration`` ms (use ``LiquidStateMachine(encoder="spikes")`` with
        the same ``frame_duration``)
    y : int labels in ``[0, n_patterns)``
    """
    rng = check_random_state(random_state)
    n_frames = int(round(duration / frame_duration))
    pattern_frames = int(round(pattern_duration / frame_duration))
    if not 0 < pattern_frames <= n_frames:
        raise ValueError("pattern_duration must be positive and at most duration")
    p_frame = rate * frame_duration / 1000.0
    base = rng.poisson(p_frame, size=(pattern_frames, n_channels)).astype(float)
    patterns = np.stack([np.stack([rng.permutation(column) for column in base.T], axis=1) for _ in range(n_patterns)])
    y = rng.randint(n_patterns, size=n_samples)
    X = []
    for label in y:
        x = rng.poisson(p_frame, size=(n_frames, n_channels)).astype(float)
        start = rng.randint(n_frames - pattern_frames + 1)
        x[start : start + pattern_frames] = patterns[label]
        X.append(x)
    return X, y


def make_narma(n_steps: int = 2000, *, order: int = 10, random_state=None) -> tuple[np.ndarray, np.ndarray]:
    """NARMA benchmark series (Atiya & Parlos 2000): input u and target y.

    ``y[t+1] = 0.3 y[t] + 0.05 y[t] sum(y[t-order+1..t]) + 1.5 u[t-order+1] u[t] + 0.1``
    with ``u[t] ~ U(0, 0.5)``. The task is to predict ``y[t]`` from ``u[..t]``.

    Returns
    -------
    u, y : arrays (n_steps,)
    """
    rng = check_random_state(random_state)
    u = rng.uniform(0.0, 0.5, size=n_steps)
    y = np.zeros(n_steps)
    for t in range(order - 1, n_steps - 1):
        window = y[t - order + 1 : t + 1]
        y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * window.sum() + 1.5 * u[t - order + 1] * u[t] + 0.1
    return u, y


def make_mackey_glass(
    n_steps: int = 2000,
    *,
    tau: float = 17.0,
    beta: float = 0.2,
    gamma: float = 0.1,
    n: float = 10.0,
    sample_step: float = 1.0,
    integration_step: float = 0.1,
    random_state=None,
) -> np.ndarray:
    """The Mackey-Glass delay differential equation, sampled every ``sample_step``.

    ``dx/dt = beta x(t - tau) / (1 + x(t - tau)^n) - gamma x(t)``, integrated
    with 4th-order Runge-Kutta (delayed term linearly interpolated) from a
    random constant history near 1.2; tau = 17 gives the classic chaotic
    series. Predicting ``x[t + k]`` from ``x[..t]`` is the standard task.
    A transient of 1000 time units is discarded.
    """
    rng = check_random_state(random_state)
    per_sample = int(round(sample_step / integration_step))
    delay = int(round(tau / integration_step))
    burn_in = int(round(1000.0 / integration_step))
    total = burn_in + n_steps * per_sample
    x = np.empty(total + delay + 1)
    x[: delay + 1] = 1.2 + 0.1 * rng.uniform(-1, 1)

    def rate(value, lagged):
        return beta * lagged / (1.0 + lagged**n) - gamma * value

    h = integration_step
    for i in range(delay, delay + total):
        lag_now, lag_next = x[i - delay], x[i - delay + 1]
        lag_mid = 0.5 * (lag_now + lag_next)
        k1 = rate(x[i], lag_now)
        k2 = rate(x[i] + 0.5 * h * k1, lag_mid)
        k3 = rate(x[i] + 0.5 * h * k2, lag_mid)
        k4 = rate(x[i] + h * k3, lag_next)
        x[i + 1] = x[i] + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x[delay + 1 + burn_in :: per_sample][:n_steps].copy()
