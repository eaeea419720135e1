"""Input validation: every accepted form of X -> a list of (n_timesteps, n_channels) float arrays."""
from __future__ import annotations

import numpy as np
from sklearn.utils import check_array


def _as_sequence(x, index: int) -> np.ndarray:
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub" and x.ndim in (1, 2) and x.shape[0] > 0:
        return _numeric_sequence(x, index)  # fast path: check_array costs ~0.1 ms per call
    try:
        arr = check_array(x, dtype=np.float64, ensure_2d=False, ensure_min_samples=1, input_name=f"X[{index}]")
    except ValueError as error:
        raise ValueError(f"sequence X[{index}] is invalid: {error}") from error
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"sequence X[{index}] has {arr.ndim} dimensions; each sequence must be "
            "(n_timesteps, n_channels) or 1-D (n_timesteps,)"
        )
    if arr.shape[1] == 0:
        raise ValueError(f"sequence X[{index}] has 0 channels")
    return np.ascontiguousarray(arr)


def _numeric_sequence(x: np.ndarray, index: int) -> np.ndarray:
    arr = np.ascontiguousarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[1] == 0:
        raise ValueError(f"sequence X[{index}] has 0 channels")
    if not np.isfinite(arr).all():
        problem = "NaN" if np.isnan(arr).any() else "infinity"
        raise ValueError(f"sequence X[{index}] is invalid: Input X[{index}] contains {problem}.")
    return arr


def check_sequences(X) -> tuple[list[np.ndarray], bool]:
    """Validate X and return its sequences.

    Accepted forms:

    * 3-D array (n_samples, n_timesteps, n_channels);
    * 2-D array or DataFrame (n_samples, n_timesteps): each row is a
      univariate series;
    * list of arrays, each (n_timesteps_i, n_channels) or 1-D (n_timesteps_i,);
      lengths may differ, channel counts may not.

    Returns
    -------
    sequences : list of float64 arrays (n_timesteps_i, n_channels)
    is_2d_array : bool
        Whether X was a 2-D array (so ``n_features_in_`` is meaningful).
    """
    is_list = isinstance(X, (list, tuple))
    if is_list and len(X) == 0:
        raise ValueError("X is empty: it contains no sequences")
    if is_list and any(np.ndim(x) > 0 for x in X):
        sequences = [_as_sequence(x, i) for i, x in enumerate(X)]
        is_2d = False
    else:
        arr = check_array(X, dtype=np.float64, allow_nd=True, ensure_min_features=1)
        if arr.ndim > 3:
            raise ValueError(f"X has {arr.ndim} dimensions; expected (n_samples, n_timesteps[, n_channels])")
        is_2d = arr.ndim == 2
        sequences = [np.ascontiguousarray(a[:, None] if is_2d else a) for a in arr]
    n_channels = sequences[0].shape[1]
    for i, seq in enumerate(sequences):
        if seq.shape[1] != n_channels:
            raise ValueError(
                f"sequence X[{i}] has {seq.shape[1]} channels but X[0] has {n_channels}; "
                "all sequences must have the same channels"
            )
    return sequences, is_2d
