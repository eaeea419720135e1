"""Passes over a ridge readout's feature matrix that never copy it whole.

A liquid's feature matrix can hold thousands of rows of tens of thousands of
columns: a copy of it costs more than its Gram matrix's products on some
machines (page faults: 1.3 s for 2,700 x 30,000 on the benchmark machine,
against 2.1 s for the products). Every pass here reads it in place, a block of
columns (``centred_blocks``) or a chunk of rows (``row_chunks``) at a time;
row chunks depend on the number of rows only and their sums are added in
chunk order, so results do not depend on the number of threads. float32
features are widened a block at a time. See ``liquid.readout`` for the model.
"""
from __future__ import annotations

import numpy as np
from joblib import cpu_count
from scipy.linalg import blas, eigh, qr

from ._threads import thread_pool
from .readout_kernels import column_moments, sparse_sign_sketch


def transposed_product(X: np.ndarray, D: np.ndarray) -> np.ndarray:
    """``X^T D`` in float64. A float32 ``X`` is widened a block of ``BLOCK_COLUMNS`` columns at a time:
    numpy's mixed product would widen all of it at once (a float64 copy of the whole feature matrix)."""
    if X.dtype == np.float64:
        return X.T @ D
    out = np.empty((X.shape[1], D.shape[1]))
    for start in range(0, X.shape[1], BLOCK_COLUMNS):
        out[start:start + BLOCK_COLUMNS] = X[:, start:start + BLOCK_COLUMNS].T.astype(np.float64) @ D
    return out


def product(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``X W`` in float64, a float32 ``X`` widened ``BLOCK_VALUES`` values (whole rows) at a time (see
    ``transposed_product``)."""
    if X.dtype == np.float64:
        return X @ W
    out = np.empty((X.shape[0], W.shape[1]) if W.ndim == 2 else X.shape[0])
    rows = max(1, BLOCK_VALUES // max(X.shape[1], 1))
    for start in range(0, X.shape[0], rows):
        out[start:start + rows] = X[start:start + rows].astype(np.float64) @ W
    return out

#: Values of a float32 matrix widened at a time by ``product`` (8 MB in float64).
BLOCK_VALUES = 1 << 20

#: Columns per block of ``centred_blocks``: a block of a few thousand rows stays within tens of MB.
BLOCK_COLUMNS = 1024

#: Contiguous ranges of a block's columns from which on the block is gathered at once (``np.take``)
#: rather than copied range by range.
MAX_RANGES_PER_BLOCK = 16


def centred_blocks(X: np.ndarray, x_mean: np.ndarray, mask: np.ndarray):
    """Yield ``(columns, block)``: the columns of ``X`` in the boolean ``mask``, up to
    ``BLOCK_COLUMNS`` at a time, copied into one reused buffer and centred on ``x_mean`` (exact,
    whatever the columns' offsets). A block's columns are copied range by range when they form few
    contiguous ranges (long rows: a gather is slower), else gathered at once (many short ranges:
    silent neurons scattered among the columns). A copy of the whole of X costs more than its Gram
    matrix's products on some machines (page faults: 1.3 s for 2,700 x 30,000 on the benchmark
    machine, against 2.1 s for the products)."""
    selected = np.flatnonzero(mask)
    if selected.size == 0:
        return
    buffer = np.empty((X.shape[0], min(BLOCK_COLUMNS, selected.size)))
    for start in range(0, selected.size, buffer.shape[1]):
        columns = selected[start:start + buffer.shape[1]]
        block = buffer[:, :columns.size]
        bounds = np.concatenate([[0], np.flatnonzero(np.diff(columns) != 1) + 1, [columns.size]]).tolist()
        if len(bounds) <= MAX_RANGES_PER_BLOCK:
            for first, last in zip(bounds[:-1], bounds[1:]):
                a, b = columns[first], columns[last - 1] + 1
                np.subtract(X[:, a:b], x_mean[a:b], out=block[:, first:last])
        else:
            if X.dtype == np.float64:
                np.take(X, columns, axis=1, out=block, mode="clip")  # valid indices; "clip" writes unbuffered
                block -= x_mean[columns]
            else:  # np.take writes only its own dtype: gather, then widen while centring
                np.subtract(X[:, columns], x_mean[columns], out=block)
        yield columns, block

#: Blocks whose float32 products are summed in float32 before they are added to the float64 Gram matrix.
FLOAT32_BLOCKS_PER_SUM = 8

#: Rows whose products are also taken in float64, to measure the float32 products' rounding.
PROBE_ROWS = 32

#: The readout kernels' passes split the rows into at most this many chunks of at least ``MIN_CHUNK_ROWS``
#: rows, a function of the number of rows only: the chunks' sums are added in chunk order, so the result
#: does not depend on the number of threads.
MAX_ROW_CHUNKS = 16
MIN_CHUNK_ROWS = 256


def column_statistics(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(varying, mean, std)``: which columns of ``X`` take more than one value, and each column's mean
    and population standard deviation, in one pass (``readout_kernels.column_moments``, deviations from
    the first row: the first row is a sample, so its squared offset from the mean is at most n times the
    variance, and the variance loses at most log10(n) digits to it). A constant column's mean is its
    value, exactly and finite (a sum of huge values could overflow): its weight is 0, and its mean enters
    the intercept only as mean x 0."""
    bounds = row_chunks(X.shape[0])
    shift = np.array(X[0], dtype=np.float64)
    low, high, sums, squares = (np.empty((bounds.size - 1, X.shape[1])) for _ in range(4))
    on_rows(lambda k, first, last: column_moments(X, shift, first, last, low[k], high[k], sums[k], squares[k]),
             bounds)
    varying = high.max(axis=0) > low.min(axis=0)
    offset = sums.sum(axis=0) / X.shape[0]
    mean = np.where(varying, shift + offset, shift)
    variance = np.maximum(squares.sum(axis=0) / X.shape[0] - offset * offset, 0.0)
    return varying, mean, np.where(varying, np.sqrt(variance), 0.0)


def row_chunks(n: int) -> np.ndarray:
    """Bounds (first 0, last n) of the row chunks of an ``n``-row pass."""
    return np.linspace(0, n, max(1, min(MAX_ROW_CHUNKS, n // MIN_CHUNK_ROWS)) + 1).astype(np.int64)


def on_rows(task, bounds: np.ndarray) -> None:
    """``task(k, first, last)`` for each chunk ``k`` of rows ``bounds[k]:bounds[k + 1]``, on the
    machine's cores (the kernels release the GIL)."""
    n_chunks = bounds.size - 1
    n_threads = min(cpu_count(), n_chunks)
    if n_threads <= 1:
        for k in range(n_chunks):
            task(k, bounds[k], bounds[k + 1])
    else:
        list(thread_pool(n_threads).map(lambda k: task(k, bounds[k], bounds[k + 1]), range(n_chunks)))


def centred_gram(X: np.ndarray, x_mean: np.ndarray, column_weights: np.ndarray, mask: np.ndarray,
                  single: bool = False) -> tuple[np.ndarray, float]:
    """Gram matrix of the rows of ``X`` over the columns in ``mask``, each centred and multiplied by
    its weight, and an estimate of its rounding error. Each block's products are added straight into
    one triangle (BLAS ``syrk``). ``single``: the products in float32 (twice as fast), summed in float32
    over ``FLOAT32_BLOCKS_PER_SUM`` blocks, then in float64; the same products of ``PROBE_ROWS`` evenly
    spaced rows are also taken in float64, and the rounding returned is the Frobenius norm of the
    error estimated from those rows (an upper bound of its spectral norm; 0 in float64).
    Returns ``(G, rounding)``."""
    n = X.shape[0]
    G = np.zeros((n, n), order="F")
    if not single:
        for columns, block in centred_blocks(X, x_mean, mask):
            block *= column_weights[columns]
            # block.T is Fortran-ordered (no copy); trans=1: G += (block.T)^T block.T = block block^T.
            G = blas.dsyrk(1.0, block.T, beta=1.0, c=G, trans=1, lower=1, overwrite_c=1)
        mirror_lower(G)
        return G, 0.0
    probe = np.linspace(0, n - 1, min(PROBE_ROWS, n)).astype(int)
    probe_exact = np.zeros((n, probe.size), order="F")
    partial = np.zeros((n, n), dtype=np.float32, order="F")
    buffer = np.empty((n, min(BLOCK_COLUMNS, int(np.count_nonzero(mask)))), dtype=np.float32)
    for k, (columns, block) in enumerate(centred_blocks(X, x_mean, mask)):
        block *= column_weights[columns]
        # scipy's BLAS, not numpy's: each has its own threads, which spin a while after a call and
        # would slow the other's next one down (twice as slow syrk on 2 cores).
        probe_exact = blas.dgemm(1.0, block.T, block[probe].T, beta=1.0, c=probe_exact, trans_a=1,
                                 overwrite_c=1)
        block32 = buffer[:, :columns.size]
        block32[...] = block
        partial = blas.ssyrk(1.0, block32.T, beta=1.0, c=partial, trans=1, lower=1, overwrite_c=1)
        if (k + 1) % FLOAT32_BLOCKS_PER_SUM == 0:
            G += partial
            partial[...] = 0.0
    G += partial
    del partial
    mirror_lower(G)
    rounding = float(np.linalg.norm(G[:, probe] - probe_exact) * np.sqrt(n / probe.size))
    return G, rounding


def mirror_lower(G: np.ndarray, block: int = 256) -> None:
    """Copy the lower triangle of the square ``G`` onto its upper one, in place and in square blocks
    (``np.tril`` would allocate a matrix as large as G)."""
    n = G.shape[0]
    for start in range(0, n, block):
        stop = min(start + block, n)
        G[start:stop, stop:] = G[stop:, start:stop].T
        diagonal = G[start:stop, start:stop]
        upper = np.triu_indices(stop - start, 1)
        diagonal[upper] = diagonal.T[upper]

#: Columns of the range sketch beyond the ``rank`` kept (``leading_components``).
LOW_RANK_OVERSAMPLING = 100
#: Nonzeros per row of the sparse sign matrix that sketches the range (``leading_components``).
SKETCH_NONZEROS = 8


def leading_components(X: np.ndarray, x_mean: np.ndarray, factors: np.ndarray, mask: np.ndarray,
                        rank: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``rank`` largest eigenvalues of ``X_s X_s^T`` and their eigenvectors (n, rank), ``X_s`` being
    the columns of ``X`` in ``mask``, centred on ``x_mean`` and multiplied by ``factors``, by a randomized
    range finder (Halko, Martinsson & Tropp 2011) in float32: float32 is safe here, since only the
    leading part of the spectrum is kept; the eigenproblem of the small projected matrix is solved in
    float64. The range is sketched with a sparse sign matrix (``SKETCH_NONZEROS`` entries of +-1 in each
    of its rows; Martinsson & Tropp 2020, section 9.2) rather than a Gaussian one: a pass over ``X`` in
    ``O(n p SKETCH_NONZEROS)`` instead of a dense product (on 7,494 x 10,771 liquid features 0.16 s
    against 1.3 s with the columns' gathering, same test accuracy over three sketch seeds). The second
    product, with the orthonormal basis, is dense and taken block by block (``centred_blocks``), so no
    float32 copy of ``X_s`` is made: on the benchmark machine the first touch of a fresh array of 300 MB
    costs 0.6 s (the kernel compacts memory for the huge pages numpy asks for). No power iteration: it
    doubles the cost (two more products with ``X``), and on 7,494 x 10,177 liquid features it lowered
    the LOO error by a sixth but left test accuracy unchanged. The sketch has a fixed seed, and each
    row's sums a fixed order, so the result is deterministic."""
    rng = np.random.default_rng(0)
    columns = np.flatnonzero(mask)
    n, p = X.shape[0], columns.size
    width = min(rank + LOW_RANK_OVERSAMPLING, n, p)
    buckets = rng.integers(0, width, (p, SKETCH_NONZEROS))
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), (p, SKETCH_NONZEROS))
    basis = np.zeros((n, width), dtype=np.float32)
    sparse_sketch(X, columns, x_mean[columns], factors[columns], buckets, signs, basis)
    basis = qr(basis, mode="economic", overwrite_a=True, check_finite=False)[0]
    buffer = np.empty((n, min(BLOCK_COLUMNS, p)), dtype=np.float32)
    projected = np.empty((p, width), dtype=np.float32)
    for start, block in float32_blocks(X, x_mean, factors, mask, buffer):
        np.matmul(block.T, basis, out=projected[start:start + block.shape[1]])
    eigenvalues, rotation = eigh((projected.T @ projected).astype(np.float64), check_finite=False, driver="evd")
    keep = slice(max(width - rank, 0), width)
    # The basis is float32: its rotation is taken in float32 too (twice as fast), then widened.
    return eigenvalues[keep], (basis @ rotation[:, keep].astype(np.float32)).astype(np.float64)


def sparse_sketch(X: np.ndarray, columns: np.ndarray, means: np.ndarray, factors: np.ndarray,
                   buckets: np.ndarray, signs: np.ndarray, out: np.ndarray) -> None:
    """``out += X_s @ Omega`` by ``readout_kernels.sparse_sign_sketch``. The shapes and index ranges are
    checked here: the kernel does not."""
    n, width = out.shape
    p = columns.shape[0]
    if not (X.dtype in (np.float32, np.float64) and means.dtype == factors.dtype == np.float64
            and out.dtype == signs.dtype == np.float32
            and X.shape[0] == n and means.shape == factors.shape == (p,) and buckets.shape == signs.shape
            and buckets.shape[0] == p and out.flags.c_contiguous):
        raise ValueError("sparse sketch: inconsistent arrays")
    if p and (columns.min() < 0 or columns.max() >= X.shape[1] or buckets.min() < 0 or buckets.max() >= width):
        raise ValueError("sparse sketch: an index out of range")
    on_rows(lambda k, first, last: sparse_sign_sketch(X, columns, means, factors, buckets, signs, first, last, out),
             row_chunks(n))


def float32_blocks(X: np.ndarray, x_mean: np.ndarray, factors: np.ndarray, mask: np.ndarray, buffer: np.ndarray):
    """Yield ``(start, block)``: the centred columns of ``X`` in ``mask`` (``centred_blocks``) multiplied by
    their factors, in float32 in ``buffer``; ``start`` counts the columns before the block."""
    start = 0
    for columns, block in centred_blocks(X, x_mean, mask):
        block32 = buffer[:, :columns.size]
        np.multiply(block, factors[columns], out=block32, casting="same_kind")
        yield start, block32
        start += columns.size
