"""Unsupervised tuning of the liquid by spike-timing-dependent plasticity (STDP) during ``fit``.

The rule is pair-based with exponential traces (Song, Miller & Abbott 2000):
a presynaptic spike followed by a postsynaptic one ``dt > 0`` ms later
potentiates the synapse by ``a_plus * w_max * exp(-dt / tau_plus)``; the
reverse order depresses it by ``a_minus * w_max * exp(-dt / tau_minus)``
("additive"), or by ``a_plus * (w_max - w)`` / ``a_minus * (w - w_min)`` times
the same exponentials ("multiplicative", soft bounds). Weights are magnitudes
kept in ``[w_min, w_max]``; their sign never changes, so Dale's law holds.
Times are measured from spike emission (synaptic delays are not added).

Samples are processed in fixed-size batches, in parallel: every sample of a
batch sees the same weights, and the batch's summed changes are applied
before the next batch. The result does not depend on the number of threads.
Optional homeostasis (intrinsic plasticity) moves each neuron's background
current towards a target firing rate after every batch.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from math import exp, isfinite
from numbers import Integral, Real
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .topology import connection_type_means

if TYPE_CHECKING:
    from .reservoir import Reservoir


class STDPConstants(NamedTuple):
    """What the kernel needs of the rule."""

    a_plus: float
    a_minus: float
    decay_plus: float  # exp(-dt / tau_plus)
    decay_minus: float
    multiplicative: bool


#: Constants passed when plasticity is off (never read by the kernel).
NO_STDP = STDPConstants(0.0, 0.0, 0.0, 0.0, False)
SYNAPSE_SETS = ("ee", "excitatory", "all")
#: A batch is simulated as this many groups of consecutive sequences, one
#: weight-change accumulator each (fixed, so results do not depend on threads).
THREAD_GROUPS = 4


class STDP(BaseEstimator):
    """Pair-based STDP of the liquid's synapses, run by ``LiquidStateMachine.fit``.

    Parameters
    ----------
    a_plus, a_minus : float, default=0.01, 0.012
        Potentiation / depression amplitudes, as fractions of ``w_max`` (or of
        the distance to the bound with the multiplicative rule). A slight
        excess of depression keeps uncorrelated inputs from growing.
    tau_plus, tau_minus : float, default=20.0, 20.0
        Time constants (ms) of the STDP window.
    rule : {"additive", "multiplicative"}, default="additive"
        Additive: hard bounds, bimodal weights; multiplicative: soft bounds.
    w_min, w_max : float, default=0.0, 2.5
        Bounds of each weight magnitude, in units of its connection type's
        mean (``w_ee``, ``w_ei``, ``w_ie``, ``w_ii`` or ``input_scale``).
    synapses : {"excitatory", "ee", "all"}, default="excitatory"
        Recurrent synapses that learn: from excitatory neurons (E->E and
        E->I), E->E only, or all (inhibitory ones keep their sign).
    plastic_input : bool, default=True
        Whether input synapses learn too (they do only with spiking input:
        "poisson", "spikes", "delta", "bsa" or "population" encoders).
    n_epochs : int, default=1
        Passes over the (sub-sampled) training sequences.
    max_samples : int, float or None, default=None
        Training sequences used per epoch: a count, a fraction, or all.
    batch_size : int, default=16
        Sequences simulated (in parallel) with the same weights before their
        summed weight changes are applied.
    target_rate : float or None, default=None
        Homeostasis: each neuron's background current is moved towards this
        rate (Hz) after every batch; ``None`` turns it off.
    eta_homeostasis : float, default=0.1
        Background-current change (mV) per Hz of rate error per batch.
    """

    def __init__(
        self,
        a_plus: float = 0.01,
        a_minus: float = 0.012,
        tau_plus: float = 20.0,
        tau_minus: float = 20.0,
        rule: str = "additive",
        w_min: float = 0.0,
        w_max: float = 2.5,
        synapses: str = "excitatory",
        plastic_input: bool = True,
        n_epochs: int = 1,
        max_samples=None,
        batch_size: int = 16,
        target_rate: float | None = None,
        eta_homeostasis: float = 0.1,
    ):
        self.a_plus = a_plus
        self.a_minus = a_minus
        self.tau_plus = tau_plus
        self.tau_minus = tau_minus
        self.rule = rule
        self.w_min = w_min
        self.w_max = w_max
        self.synapses = synapses
        self.plastic_input = plastic_input
        self.n_epochs = n_epochs
        self.max_samples = max_samples
        self.batch_size = batch_size
        self.target_rate = target_rate
        self.eta_homeostasis = eta_homeostasis

    def validate(self) -> None:
        """Raise ValueError / TypeError naming the first invalid parameter."""
        for name in ("a_plus", "a_minus", "tau_plus", "tau_minus", "w_min", "w_max", "eta_homeostasis"):
            value = getattr(self, name)
            if not isinstance(value, Real) or isinstance(value, bool):
                raise TypeError(f"STDP.{name} must be a number, got {value!r}")
            if not isfinite(value) or value < 0:
                raise ValueError(f"STDP.{name} must be a finite number >= 0, got {value!r}")
        for name in ("tau_plus", "tau_minus"):
            if getattr(self, name) <= 0:
                raise ValueError(f"STDP.{name} is a time constant and must be > 0 ms, got {getattr(self, name)!r}")
        if self.w_min > self.w_max:
            raise ValueError(f"STDP.w_min ({self.w_min}) must not exceed STDP.w_max ({self.w_max})")
        if self.rule not in ("additive", "multiplicative"):
            raise ValueError(f"unknown STDP.rule={self.rule!r}; choose 'additive' or 'multiplicative'")
        if self.synapses not in SYNAPSE_SETS:
            raise ValueError(f"unknown STDP.synapses={self.synapses!r}; choose one of {SYNAPSE_SETS}")
        for name in ("n_epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"STDP.{name} must be a positive integer, got {value!r}")
        if self.max_samples is not None:
            m = self.max_samples
            valid = (isinstance(m, Integral) and m >= 1) or (isinstance(m, float) and 0.0 < m <= 1.0)
            if not valid or isinstance(m, bool):
                raise ValueError(f"STDP.max_samples must be a count >= 1, a fraction in (0, 1] or None, got {m!r}")
        if self.target_rate is not None and not (
            isinstance(self.target_rate, Real) and isfinite(self.target_rate) and self.target_rate > 0
        ):
            raise ValueError(f"STDP.target_rate must be a positive rate in Hz or None, got {self.target_rate!r}")

    def constants(self, dt: float) -> STDPConstants:
        return STDPConstants(
            a_plus=float(self.a_plus),
            a_minus=float(self.a_minus),
            decay_plus=exp(-dt / self.tau_plus),
            decay_minus=exp(-dt / self.tau_minus),
            multiplicative=self.rule == "multiplicative",
        )

    def window(self, delta_t) -> np.ndarray:
        """Weight change per unit ``w_max`` for a pairing ``delta_t = t_post - t_pre`` (ms), additive rule."""
        delta_t = np.asarray(delta_t, dtype=float)
        return np.where(
            delta_t > 0,
            self.a_plus * np.exp(-delta_t / self.tau_plus),
            np.where(delta_t < 0, -self.a_minus * np.exp(delta_t / self.tau_minus), 0.0),
        )


def _incoming(targets: np.ndarray, n_neurons: int) -> tuple[np.ndarray, np.ndarray]:
    """CSC view: pointers per neuron, and the CSR indices of the synapses ending on it (a permutation)."""
    order = np.argsort(targets, kind="stable").astype(np.int64)
    ptr = np.zeros(n_neurons + 1, dtype=np.int64)
    np.cumsum(np.bincount(targets, minlength=n_neurons), out=ptr[1:])
    return ptr, order


@dataclass
class LearningArrays:
    """Which synapses learn, their bounds (mV), and the CSC views the kernel walks at postsynaptic spikes."""

    rec_plastic: np.ndarray
    rec_low: np.ndarray
    rec_high: np.ndarray
    rec_sign: np.ndarray
    post_ptr: np.ndarray
    post_order: np.ndarray  # CSR index of the i-th synapse in CSC order
    csc_pre: np.ndarray
    in_plastic: np.ndarray
    in_low: np.ndarray
    in_high: np.ndarray
    in_post_ptr: np.ndarray
    in_post_order: np.ndarray
    in_csc_channel: np.ndarray

    def kernel_tuple(self, reservoir: Reservoir) -> tuple:
        """The ``learn`` argument of the kernels, with the current weight magnitudes."""
        o, io = self.post_order, self.in_post_order
        return (
            self.rec_plastic, self.rec_low, self.rec_high,
            self.post_ptr, self.csc_pre, self.rec_plastic[o], self.rec_high[o], np.abs(reservoir.rec_weights)[o],
            self.in_plastic, self.in_low, self.in_high,
            self.in_post_ptr, self.in_csc_channel, self.in_plastic[io], self.in_high[io],
            np.abs(reservoir.in_weights)[io],
        )

    @staticmethod
    def _in_csr_order(change: np.ndarray, order: np.ndarray) -> np.ndarray:
        """Depression (CSR order) + potentiation (CSC order) of a kernel's ``dw`` array, in CSR order."""
        n = order.shape[0]
        total = change[:n].copy()
        total[order] += change[n:]
        return total

    def apply(self, reservoir: Reservoir, dw_rec: np.ndarray, dw_in: np.ndarray) -> None:
        """Add the summed changes to the weight magnitudes, within bounds, keeping each sign (Dale's law)."""
        for weights, change, low, high, plastic, sign in (
            (reservoir.rec_weights, self._in_csr_order(dw_rec, self.post_order), self.rec_low, self.rec_high,
             self.rec_plastic, self.rec_sign),
            (reservoir.in_weights, self._in_csr_order(dw_in, self.in_post_order), self.in_low, self.in_high,
             self.in_plastic, np.ones_like(self.in_low)),
        ):
            magnitude = np.clip(np.abs(weights[plastic]) + change[plastic], low[plastic], high[plastic])
            weights[plastic] = sign[plastic] * magnitude
        if self.in_plastic.any():
            reservoir.refresh_dense_input()


def learning_arrays(
    reservoir: Reservoir, stdp: STDP, type_means: dict[str, float], input_scale: float, spiking_input: bool
) -> LearningArrays:
    """Per-synapse plasticity bookkeeping of ``reservoir`` under ``stdp``.

    Bounds are ``w_min`` / ``w_max`` times each synapse's connection-type mean
    (``type_means``, or ``input_scale`` for input synapses). Input synapses
    learn only when the input spikes (``spiking_input``): an injected current
    has no spike times to pair.
    """
    n = reservoir.n_neurons
    is_inh = reservoir.is_inhibitory
    rec_pre = reservoir.presynaptic
    pre_inh, post_inh = is_inh[rec_pre], is_inh[reservoir.rec_indices]
    if stdp.synapses == "ee":
        rec_plastic = ~pre_inh & ~post_inh
    elif stdp.synapses == "excitatory":
        rec_plastic = ~pre_inh
    else:
        rec_plastic = np.ones_like(pre_inh)
    mean = connection_type_means(pre_inh, post_inh, type_means)
    post_ptr, post_order = _incoming(reservoir.rec_indices, n)
    in_channel = reservoir.input_channels
    in_plastic = np.full(in_channel.shape[0], bool(stdp.plastic_input and spiking_input)) & (reservoir.in_weights >= 0)
    in_post_ptr, in_post_order = _incoming(reservoir.in_indices, n)
    in_mean = np.full(in_channel.shape[0], float(input_scale))
    return LearningArrays(
        rec_plastic=rec_plastic.astype(np.bool_),
        rec_low=stdp.w_min * mean,
        rec_high=stdp.w_max * mean,
        rec_sign=np.where(pre_inh, -1.0, 1.0),
        post_ptr=post_ptr,
        post_order=post_order,
        csc_pre=rec_pre[post_order],
        in_plastic=in_plastic.astype(np.bool_),
        in_low=stdp.w_min * in_mean,
        in_high=stdp.w_max * in_mean,
        in_post_ptr=in_post_ptr,
        in_post_order=in_post_order,
        in_csc_channel=in_channel[in_post_order],
    )


def summary(reservoir: Reservoir, learn: LearningArrays) -> dict[str, float]:
    """Statistics of the plastic weights (mV) and background currents (mV)."""
    w = np.abs(reservoir.rec_weights[learn.rec_plastic])
    low, high = learn.rec_low[learn.rec_plastic], learn.rec_high[learn.rec_plastic]
    any_rec, any_in = w.size > 0, bool(learn.in_plastic.any())
    return {
        "mean_weight": float(w.mean()) if any_rec else float("nan"),
        "frac_at_min": float(np.mean(np.isclose(w, low))) if any_rec else float("nan"),
        "frac_at_max": float(np.mean(np.isclose(w, high))) if any_rec else float("nan"),
        "mean_input_weight": float(np.abs(reservoir.in_weights[learn.in_plastic]).mean()) if any_in else float("nan"),
        "mean_bias": float(reservoir.bias.mean()),
    }


def train(
    reservoir: Reservoir,
    drives: list[np.ndarray],
    mode: int,
    seeds: np.ndarray,
    stdp: STDP,
    learn: LearningArrays,
    rng: np.random.Generator,
    n_threads: int,
    verbose: int = 0,
) -> pd.DataFrame:
    """Run the plastic phase on ``reservoir`` in place; return one row of statistics per epoch (0: before).

    With ``verbose``, one line per epoch on stderr: samples, mean rate (Hz), mean weights, seconds.
    """
    consts = stdp.constants(reservoir.dt)
    n_samples = len(drives)
    if stdp.max_samples is None:
        per_epoch = n_samples
    elif isinstance(stdp.max_samples, float):
        per_epoch = max(1, int(round(stdp.max_samples * n_samples)))
    else:
        per_epoch = min(int(stdp.max_samples), n_samples)
    history = [{"epoch": 0, **summary(reservoir, learn), "mean_rate": float("nan")}]
    started = time.perf_counter()
    for epoch in range(1, stdp.n_epochs + 1):
        order = rng.permutation(n_samples)[:per_epoch]
        spikes, seconds = 0.0, 0.0
        for start in range(0, per_epoch, stdp.batch_size):
            batch = order[start : start + stdp.batch_size]
            # A different Poisson / noise draw per epoch, still fixed by the sample and the seed.
            batch_seeds = (seeds[batch] + epoch * 7919) & 0x7FFFFFFF
            out = reservoir.run(
                [drives[i] for i in batch], mode, batch_seeds, 0, 0, 1.0, n_threads,
                learning=(learn.kernel_tuple(reservoir), consts), n_groups=THREAD_GROUPS,
            )
            learn.apply(reservoir, out["dw_rec"].sum(axis=0), out["dw_in"].sum(axis=0))
            batch_ms = sum(drives[i].shape[0] for i in batch) * reservoir.steps_per_frame * reservoir.dt
            spikes += out["total"].sum()
            seconds += batch_ms / 1000.0
            if stdp.target_rate is not None:
                rates = out["total"].sum(axis=0) / (batch_ms / 1000.0)
                reservoir.set_bias(reservoir.bias + stdp.eta_homeostasis * (stdp.target_rate - rates))
        history.append({"epoch": epoch, **summary(reservoir, learn),
                        "mean_rate": spikes / (reservoir.n_neurons * seconds)})
        if verbose:
            row = history[-1]
            print(f"liquid: STDP epoch {epoch}/{stdp.n_epochs}: {per_epoch} sequences, mean rate "
                  f"{row['mean_rate']:.1f} Hz, mean input weight {row['mean_input_weight']:.3g}, "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return pd.DataFrame(history)


PLASTICITY_RULES = {"stdp": STDP}
