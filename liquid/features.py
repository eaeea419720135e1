"""Spike-pattern feature extractors: how a sample's spiking becomes a vector.

The kernel accumulates everything while it simulates (no raster is stored);
an extractor only says what to accumulate and how to lay it out. Each sample's
time axis is split relative to its own duration, so sequences of different
lengths give features of the same size.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from ._validation import check_number


class _Extractor(BaseEstimator):
    kind: str

    def validate(self) -> None:
        """Raise ValueError naming the first invalid parameter."""

    def n_columns(self) -> int:
        return 1


class SpikeCounts(_Extractor):
    """Spike count of every neuron in ``n_bins`` equal time bins of the sample.

    Parameters
    ----------
    n_bins : int, default=5
    """

    kind = "counts"

    def __init__(self, n_bins: int = 5):
        self.n_bins = n_bins

    def validate(self):
        check_number("SpikeCounts.n_bins", self.n_bins, 1, integer=True)

    def n_columns(self):
        return self.n_bins


class FilteredState(_Extractor):
    """Exponentially filtered spike trains ("liquid state") read out at ``n_points`` times.

    Each neuron's trace decays with time constant ``tau`` (ms) and jumps by 1
    at each spike; it is read at the end of ``n_points`` equal segments of the
    sample (``n_points=1``: the state at the end).

    Parameters
    ----------
    tau : float, default=30.0
        Filter time constant (ms).
    n_points : int, default=5
    voltage : bool, default=True
        Also read every neuron's membrane potential (mV) at the same points:
        a continuous, less noisy view of the same state, which also carries
        the input history of neurons below threshold.
    """

    kind = "state"

    def __init__(self, tau: float = 30.0, n_points: int = 5, voltage: bool = True):
        self.tau = tau
        self.n_points = n_points
        self.voltage = voltage

    def validate(self):
        check_number("FilteredState.tau", self.tau, 0.0, low_inclusive=False)
        check_number("FilteredState.n_points", self.n_points, 1, integer=True)
        if not isinstance(self.voltage, (bool, np.bool_)):
            raise TypeError(f"FilteredState.voltage must be True or False, got {self.voltage!r}")

    def n_columns(self):
        return self.n_points * (2 if self.voltage else 1)


class FiringRate(_Extractor):
    """Mean firing rate (Hz) of every neuron over the sample."""

    kind = "rate"


class FirstSpikeLatency(_Extractor):
    """Time (ms) of every neuron's first spike; the sample duration if it never fires."""

    kind = "latency"


EXTRACTORS = {"counts": SpikeCounts, "state": FilteredState, "rate": FiringRate, "latency": FirstSpikeLatency}
