"""Connectivity builders: who connects to whom, as (pre, post) index arrays.

Each topology is a small parameter object with a ``connect`` method; weights,
signs (Dale's law) and delays are assigned afterwards in ``reservoir``. No
builder ever forms a dense N x N matrix.
"""
from __future__ import annotations

from math import log, pi, prod, sqrt
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator

from ._validation import check_number

Edges = tuple[np.ndarray, np.ndarray]


def _sample_excluding(rng: np.random.Generator, n: int, k: int, excluded: int) -> np.ndarray:
    """``k`` distinct integers from ``range(n)`` without ``excluded``."""
    chosen = rng.choice(n - 1, size=k, replace=False)
    chosen[chosen >= excluded] += 1
    return chosen


class RandomSparse(BaseEstimator):
    """Erdos-Renyi connectivity: each ordered pair connects with probability ``p_connect``.

    Parameters
    ----------
    p_connect : float, default=0.1
        Connection probability; self-connections are excluded.
    """

    def __init__(self, p_connect: float = 0.1):
        self.p_connect = p_connect

    def validate(self) -> None:
        check_number("RandomSparse.p_connect", self.p_connect, 0.0, high=1.0)

    def expected_synapses(self, n_neurons: int) -> float:
        """Expected number of synapses of a liquid of ``n_neurons``."""
        return self.p_connect * n_neurons * max(n_neurons - 1, 0)

    def connect(self, is_inhibitory: np.ndarray, rng: np.random.Generator) -> Edges:
        n = is_inhibitory.shape[0]
        out_degrees = rng.binomial(n - 1, self.p_connect, size=n) if n > 1 else np.zeros(n, int)
        post = np.concatenate(
            [_sample_excluding(rng, n, k, i) for i, k in enumerate(out_degrees)] or [np.empty(0, int)]
        )
        pre = np.repeat(np.arange(n), out_degrees)
        return pre, post


class FixedInDegree(BaseEstimator):
    """Every neuron receives exactly ``in_degree`` synapses from distinct random neurons.

    Keeps each neuron's input statistics independent of ``n_neurons``, so the
    same weights give the same dynamical regime at any network size.

    Parameters
    ----------
    in_degree : int, default=50
        Presynaptic partners per neuron (capped at ``n_neurons - 1``).
    """

    def __init__(self, in_degree: int = 50):
        self.in_degree = in_degree

    def validate(self) -> None:
        check_number("FixedInDegree.in_degree", self.in_degree, 0, integer=True)

    def expected_synapses(self, n_neurons: int) -> float:
        """Number of synapses of a liquid of ``n_neurons``."""
        return float(n_neurons * max(min(self.in_degree, n_neurons - 1), 0))

    def connect(self, is_inhibitory: np.ndarray, rng: np.random.Generator) -> Edges:
        n = is_inhibitory.shape[0]
        k = min(int(self.in_degree), n - 1)
        if k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        pre = np.concatenate([_sample_excluding(rng, n, k, i) for i in range(n)])
        post = np.repeat(np.arange(n), k)
        return pre, post


#: Most grid positions of a ``MaassColumn`` (8 bytes each while the network is built).
MAX_GRID_POSITIONS = 100_000_000


class MaassColumn(BaseEstimator):
    """Neurons on a 3-D integer grid, connected with probability ``C * exp(-(D / lambda_)**2)``.

    ``D`` is the Euclidean distance between grid positions and ``C`` depends
    on the connection type (Maass, Natschlaeger & Markram 2002). Pairs farther
    apart than the distance where the probability falls below 1e-4 * C are
    never connected, which makes the build O(N).

    Parameters
    ----------
    lambda_ : float, default=2.0
        Length scale of the connection probability (grid units).
    c_ee, c_ei, c_ie, c_ii : float, default=0.3, 0.2, 0.4, 0.1
        Peak probability for E->E, E->I, I->E and I->I connections.
    shape : tuple of 3 ints or None, default=None
        Grid shape; must hold at least ``n_neurons`` positions. ``None`` picks
        the smallest near-cubic grid.
    """

    def __init__(
        self,
        lambda_: float = 2.0,
        c_ee: float = 0.3,
        c_ei: float = 0.2,
        c_ie: float = 0.4,
        c_ii: float = 0.1,
        shape: tuple[int, int, int] | None = None,
    ):
        self.lambda_ = lambda_
        self.c_ee = c_ee
        self.c_ei = c_ei
        self.c_ie = c_ie
        self.c_ii = c_ii
        self.shape = shape

    def validate(self) -> None:
        check_number("MaassColumn.lambda_", self.lambda_, 0.0, low_inclusive=False)
        for name in ("c_ee", "c_ei", "c_ie", "c_ii"):
            check_number(f"MaassColumn.{name}", getattr(self, name), 0.0, high=1.0)
        if self.shape is not None and (
            np.ndim(self.shape) != 1 or len(self.shape) != 3
            or any(not isinstance(s, Real) or isinstance(s, bool) or not float(s).is_integer() or s < 1
                   for s in self.shape)
        ):
            raise ValueError(f"MaassColumn.shape must be three positive integers, got {self.shape!r}")
        if self.shape is not None and prod(int(s) for s in self.shape) > MAX_GRID_POSITIONS:
            raise ValueError(f"MaassColumn.shape {tuple(self.shape)} holds {prod(int(s) for s in self.shape):,} "
                             f"positions; at most {MAX_GRID_POSITIONS:,} are supported (the build indexes every one)")

    def expected_synapses(self, n_neurons: int) -> float:
        """Upper bound on the expected number of synapses: every neuron in an unbounded grid."""
        peak = max(self.c_ee, self.c_ei, self.c_ie, self.c_ii)
        # Sum of exp(-d^2 / lambda^2) over the integer grid ~ (sqrt(pi) lambda)^3, plus the nearest shell.
        per_neuron = peak * ((pi**0.5 * self.lambda_) ** 3 + 6.0)
        return n_neurons * min(per_neuron, max(n_neurons - 1, 0))

    def grid_shape(self, n_neurons: int) -> tuple[int, int, int]:
        if self.shape is not None:
            shape = tuple(int(s) for s in self.shape)
            if np.prod(shape) < n_neurons:
                raise ValueError(
                    f"MaassColumn.shape {shape} holds {np.prod(shape)} positions, fewer than n_neurons={n_neurons}"
                )
            return shape
        side = max(1, round(n_neurons ** (1 / 3)))
        while side**3 < n_neurons:
            side += 1
        depth = -(-n_neurons // (side * side))
        return (side, side, depth)

    def positions(self, n_neurons: int) -> np.ndarray:
        """Grid coordinates (n_neurons, 3) of the neurons, filling x fastest."""
        shape = self.grid_shape(n_neurons)
        return np.stack(np.unravel_index(np.arange(n_neurons), shape, order="F"), axis=1)

    def connect(self, is_inhibitory: np.ndarray, rng: np.random.Generator) -> Edges:
        n = is_inhibitory.shape[0]
        positions = self.positions(n)
        shape = np.array(self.grid_shape(n))
        # Neuron index at each grid position (-1 where empty).
        occupant = np.full(int(np.prod(shape)), -1, dtype=np.int64)
        flat = np.ravel_multi_index(positions.T, shape, order="F")
        occupant[flat] = np.arange(n)
        peak = np.array([[self.c_ee, self.c_ei], [self.c_ie, self.c_ii]])  # [pre type, post type]
        radius = self.lambda_ * sqrt(-log(1e-4))
        # Offsets beyond the grid's extent reach nobody: a large lambda_ must not mean a huge loop.
        r = [min(int(np.floor(radius)), int(side) - 1) for side in shape]
        axes = [np.arange(-ri, ri + 1) for ri in r]
        offsets = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
        distance_sq = (offsets**2).sum(axis=1)
        keep = (distance_sq > 0) & (distance_sq <= radius**2)
        pre_type = is_inhibitory.astype(np.int64)
        pres, posts = [], []
        for offset, d2 in zip(offsets[keep], distance_sq[keep]):
            target_pos = positions + offset
            inside = np.all((target_pos >= 0) & (target_pos < shape), axis=1)
            sources = np.flatnonzero(inside)
            targets = occupant[np.ravel_multi_index(target_pos[inside].T, shape, order="F")]
            occupied = targets >= 0
            sources, targets = sources[occupied], targets[occupied]
            prob = peak[pre_type[sources], pre_type[targets]] * np.exp(-d2 / self.lambda_**2)
            hit = rng.random(sources.shape[0]) < prob
            pres.append(sources[hit])
            posts.append(targets[hit])
        if not pres:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(pres), np.concatenate(posts)


def connection_type_means(pre_inhibitory: np.ndarray, post_inhibitory: np.ndarray, means: dict[str, float]) -> np.ndarray:
    """Per synapse, the mean of its connection type (``means`` keyed "ee", "ei", "ie", "ii", presynaptic first)."""
    return np.select(
        [~pre_inhibitory & ~post_inhibitory, ~pre_inhibitory & post_inhibitory, pre_inhibitory & ~post_inhibitory],
        [means["ee"], means["ei"], means["ie"]],
        default=means["ii"],
    ).astype(np.float64)


TOPOLOGIES = {"random": RandomSparse, "fixed_indegree": FixedInDegree, "column": MaassColumn}
