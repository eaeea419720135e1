"""Input validation: every accepted form of X -> a list of (n_timesteps, n_channels) float arrays."""
from __future__ import annotations

from math import isfinite
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array

#: Largest input magnitude accepted: beyond it, squares and differences in the
#: encoders' statistics overflow float64.
MAX_ABS_VALUE = 1e100


def check_number(name: str, value, low: float, *, low_inclusive: bool = True, high: float | None = None,
                 integer: bool = False) -> None:
    """Raise TypeError / ValueError naming ``name`` unless ``value`` is a finite number in range.

    numpy scalars count as numbers; ``bool`` does not.
    """
    kind = Integral if integer else Real
    if not isinstance(value, kind) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be {'an integer' if integer else 'a number'}, got {value!r}")
    if not isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    too_low = value < low if low_inclusive else value <= low
    if too_low or (high is not None and value > high):
        bounds = f"{'[' if low_inclusive else '('}{low}, {high if high is not None else 'inf'}]"
        raise ValueError(f"{name} must be in {bounds}, got {value!r}")


def check_magnitude(arr: np.ndarray, name: str) -> None:
    """Refuse values so large that the input statistics would overflow float64 (without a copy of ``arr``)."""
    largest = max(abs(float(arr.max())), abs(float(arr.min()))) if arr.size else 0.0
    if largest > MAX_ABS_VALUE:
        raise ValueError(
            f"{name} has values of magnitude up to {largest:.3g}; values beyond {MAX_ABS_VALUE:g} "
            "overflow the input statistics: rescale the data"
        )


def check_given(X, name: str = "X") -> None:
    """TypeError for None, ValueError for an empty list: what ``check_array`` reports as NaN or 0 samples."""
    if X is None:
        raise TypeError(f"{name} is None; expected sequences: a list of (n_timesteps, n_channels) arrays, a 2-D "
                        "array of univariate rows or a 3-D array")
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError(f"{name} is empty: it contains no sequences")


def check_labels(y, name: str = "y") -> np.ndarray:
    """Class labels as an array, refusing None and labels of mixed types (numbers and strings), which numpy
    would turn silently into strings and scikit-learn reports as an 'unknown' label type."""
    if y is None:
        raise ValueError(f"a classifier requires y to be passed, but the target {name} is None: give one class "
                         "label per sample")
    values = np.asarray(y)
    # numpy turns a list of numbers and strings into strings ("U"); objects keep their own types ("O").
    if values.dtype.kind in "OU" and values.ndim == 1:
        kinds = {"number" if isinstance(v, (Real, np.number)) and not isinstance(v, (bool, np.bool_))
                 else type(v).__name__ for v in (y if isinstance(y, (list, tuple)) else values)}
        if len(kinds) > 1:
            raise TypeError(f"{name} mixes label types ({', '.join(sorted(kinds))}); use labels of one type")
    return values


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
    check_magnitude(arr, f"sequence X[{index}]")
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
    check_magnitude(arr, f"sequence X[{index}]")
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
    check_given(X)
    is_list = isinstance(X, (list, tuple))
    if is_list and any(np.ndim(x) > 0 for x in X):
        sequences = [_as_sequence(x, i) for i, x in enumerate(X)]
        is_2d = False
    else:
        arr = check_array(X, dtype=np.float64, allow_nd=True, ensure_min_features=1, ensure_2d=False)
        if arr.ndim == 1:
            raise ValueError(
                f"X is 1-D ({arr.shape[0]} values), a single series. Reshape your data only if you mean many "
                "sequences: whole-sequence estimators take a list of (n_timesteps, n_channels) arrays and give "
                "one output per sequence; for an output at every timestep of a series use "
                "liquid.sequence.LSMSequenceRegressor / LSMSequenceClassifier or liquid.forecasting.LSMForecaster"
            )
        if arr.ndim > 3:
            raise ValueError(f"X has {arr.ndim} dimensions; expected (n_samples, n_timesteps[, n_channels])")
        is_2d = arr.ndim == 2
        if arr.shape[0] > 1 and arr.shape[1] == 1:
            raise ValueError(
                f"X has shape {arr.shape}: {arr.shape[0]} sequences of one timestep each (1 feature(s) per row). "
                "If it is one series, "
                "use liquid.sequence.LSMSequenceRegressor / LSMSequenceClassifier or "
                "liquid.forecasting.LSMForecaster for an output at every timestep; otherwise pass sequences "
                "as rows of a 2-D array (n_sequences, n_timesteps) or a list of arrays"
            )
        if arr.shape[1] == 0 or (arr.ndim == 3 and arr.shape[2] == 0):
            raise ValueError(f"X has shape {arr.shape}: sequences need at least one timestep and one channel")
        check_magnitude(arr, "X")
        sequences = [np.ascontiguousarray(a[:, None] if is_2d else a) for a in arr]
    n_channels = sequences[0].shape[1]
    for i, seq in enumerate(sequences):
        if seq.shape[1] != n_channels:
            raise ValueError(
                f"sequence X[{i}] has {seq.shape[1]} channels but X[0] has {n_channels}; "
                "all sequences must have the same channels"
            )
    return sequences, is_2d
