"""numba kernels of the readout's passes over its feature matrix (``liquid.readout``).

Plain arrays in, nothing allocated: the caller validates the shapes and index ranges (numba does not
bounds-check) and splits the rows among threads (the kernels release the GIL). Each kernel works on rows
``first:last`` and reads them in memory order, one row at a time: a feature matrix is row-major, and
numpy's reductions along its columns, or its gathers of a subset of them, stride across it.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def column_moments(X, shift, first, last, low, high, sums, squares):
    """Each column's minimum, maximum, and sums of deviations from ``shift`` (p,) and of their squares,
    over rows ``first:last`` (``first < last``) of ``X``, into ``low``, ``high``, ``sums`` and ``squares``
    (p,). With ``shift`` a row of ``X``, a constant column's deviations are exactly 0, and the shifted
    sums lose no digits to the columns' offsets."""
    p = X.shape[1]
    for j in range(p):
        low[j] = X[first, j]
        high[j] = X[first, j]
        sums[j] = 0.0
        squares[j] = 0.0
    for i in range(first, last):
        for j in range(p):
            value = X[i, j]
            low[j] = min(low[j], value)
            high[j] = max(high[j], value)
            deviation = value - shift[j]
            sums[j] += deviation
            squares[j] += deviation * deviation


@njit(cache=True, nogil=True)
def sparse_sign_sketch(X, columns, means, factors, buckets, signs, first, last, out):
    """Add, for rows ``first:last`` of ``X``, each selected column's centred and scaled value into a
    few signed buckets: ``out[i, buckets[j, k]] += signs[j, k] * (X[i, columns[j]] - means[j]) *
    factors[j]`` (float32 ``out`` (n, width), ``buckets`` and ``signs`` (p, zeta)).

    This is ``X_s @ Omega`` for the sparse sign matrix ``Omega`` (p, width) with ``zeta`` entries of
    +-1 per row, in ``O(n p zeta)`` instead of the dense product's ``O(n p width)``. A row of ``out``
    (a few kB) stays in L1 while the row of ``X`` streams past, and each row's sums are taken in the
    same order whatever the split of rows among threads.
    """
    zeta = buckets.shape[1]
    for i in range(first, last):
        row = out[i]
        for j in range(columns.shape[0]):
            value = np.float32((X[i, columns[j]] - means[j]) * factors[j])
            for k in range(zeta):
                row[buckets[j, k]] += signs[j, k] * value
