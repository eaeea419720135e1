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
