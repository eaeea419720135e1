"""Neuron models: what a neuron *is*, separate from how the kernel computes it.

Units: time in ms, membrane potential in mV, currents in mV (the current
multiplied by the membrane resistance, so that a constant current ``I`` drives
the membrane towards ``v_rest + I``).
"""
from __future__ import annotations

from math import exp, isfinite, sqrt
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator

from ._limits import MAX_REFRACTORY_STEPS, ms_to_steps


class KernelConstants(NamedTuple):
    """Per-step propagators of the exact LIF update (all dimensionless or mV)."""

    v_rest: float
    v_thresh: float
    v_reset: float
    decay_m: float  # exp(-dt / tau_m)
    gain_const: float  # 1 - decay_m: weight of a constant current over one step
    prop_exc: float  # contribution of an excitatory current to V over one step
    prop_inh: float
    prop_adapt: float
    decay_exc: float  # exp(-dt / tau_syn_exc)
    decay_inh: float
    decay_adapt: float
    adapt_increment: float
    noise_scale: float  # per-step noise std giving stationary std `noise_std`


def _current_propagator(dt: float, tau_m: float, tau_s: float) -> float:
    """Exact contribution to V(t+dt) of a unit exponential current I(t).

    Solves ``tau_m dV/dt = -V + I``, ``dI/dt = -I / tau_s`` over one step of
    ``dt`` ms starting from ``V = 0``, ``I = 1``.
    """
    if abs(tau_s - tau_m) < 1e-9 * tau_m:
        return dt / tau_m * exp(-dt / tau_m)
    return tau_s / (tau_s - tau_m) * (exp(-dt / tau_s) - exp(-dt / tau_m))


class LIF(BaseEstimator):
    """Leaky integrate-and-fire neuron with exponential synaptic currents.

    Sub-threshold dynamics (integrated exactly over each time step)::

        tau_m dV/dt = -(V - v_rest) + bias + I_in + I_exc + I_inh - w + noise
        dI_exc/dt = -I_exc / tau_syn_exc        (jumps by w > 0 per spike)
        dI_inh/dt = -I_inh / tau_syn_inh        (jumps by w < 0 per spike)
        dw/dt     = -w / tau_adapt              (jumps by `adaptation` per own spike)

    When ``V >= v_thresh`` the neuron spikes, ``V`` is set to ``v_reset`` and
    held there for the refractory period. Defaults follow Maass, Natschlaeger &
    Markram (2002), with the potentials measured relative to rest.

    Parameters
    ----------
    tau_m : float, default=30.0
        Membrane time constant (ms).
    tau_m_max : float or None, default=None
        Heterogeneous membrane time constants: each neuron draws its own
        ``tau_m`` log-uniformly from ``[tau_m, tau_m_max]`` ms, so that one
        liquid holds fast and slow integrators (a memory of several
        timescales). ``None``: every neuron has ``tau_m``.
    v_rest, v_thresh, v_reset : float, default=0.0, 15.0, 13.5
        Resting potential, firing threshold and reset potential (mV).
    refractory_exc, refractory_inh : float, default=3.0, 2.0
        Absolute refractory period of excitatory / inhibitory neurons (ms).
    tau_syn_exc, tau_syn_inh : float, default=3.0, 6.0
        Decay time constants of excitatory / inhibitory synaptic currents (ms).
    bias : float, default=13.5
        Constant background current (mV); each neuron draws its own value
        uniformly from ``[bias, bias + bias_jitter]``.
    bias_jitter : float, default=1.0
        Width of the background-current distribution (mV).
    noise_std : float, default=0.0
        Stationary standard deviation (mV) of Ornstein-Uhlenbeck membrane
        noise; seeded per sample, so results stay reproducible.
    adaptation : float, default=0.0
        Spike-triggered adaptation current increment (mV); ``> 0`` gives an
        adaptive LIF neuron.
    tau_adapt : float, default=100.0
        Decay time constant of the adaptation current (ms).
    """

    def __init__(
        self,
        tau_m: float = 30.0,
        tau_m_max: float | None = None,
        v_rest: float = 0.0,
        v_thresh: float = 15.0,
        v_reset: float = 13.5,
        refractory_exc: float = 3.0,
        refractory_inh: float = 2.0,
        tau_syn_exc: float = 3.0,
        tau_syn_inh: float = 6.0,
        bias: float = 13.5,
        bias_jitter: float = 1.0,
        noise_std: float = 0.0,
        adaptation: float = 0.0,
        tau_adapt: float = 100.0,
    ):
        self.tau_m = tau_m
        self.tau_m_max = tau_m_max
        self.v_rest = v_rest
        self.v_thresh = v_thresh
        self.v_reset = v_reset
        self.refractory_exc = refractory_exc
        self.refractory_inh = refractory_inh
        self.tau_syn_exc = tau_syn_exc
        self.tau_syn_inh = tau_syn_inh
        self.bias = bias
        self.bias_jitter = bias_jitter
        self.noise_std = noise_std
        self.adaptation = adaptation
        self.tau_adapt = tau_adapt

    def validate(self) -> None:
        """Raise ValueError naming the first invalid parameter."""
        for name, value in self.get_params().items():
            if name == "tau_m_max" and value is None:
                continue
            if not isinstance(value, (int, float, np.number)) or isinstance(value, bool):
                raise TypeError(f"LIF.{name} must be a number, got {value!r}")
            if not isfinite(value):
                raise ValueError(f"LIF.{name} must be finite, got {value!r}")
        for name in ("tau_m", "tau_syn_exc", "tau_syn_inh", "tau_adapt"):
            if getattr(self, name) <= 0:
                raise ValueError(f"LIF.{name} is a time constant and must be > 0 ms, got {getattr(self, name)!r}")
        for name in ("refractory_exc", "refractory_inh", "bias_jitter", "noise_std", "adaptation"):
            if getattr(self, name) < 0:
                raise ValueError(f"LIF.{name} must be >= 0, got {getattr(self, name)!r}")
        if self.tau_m_max is not None and self.tau_m_max < self.tau_m:
            raise ValueError(f"LIF.tau_m_max ({self.tau_m_max} ms) must be >= LIF.tau_m ({self.tau_m} ms)")
        if self.v_reset >= self.v_thresh:
            raise ValueError(
                f"LIF.v_reset ({self.v_reset} mV) must be below LIF.v_thresh ({self.v_thresh} mV)"
            )

    def validate_step(self, dt: float) -> None:
        """Raise ValueError if a refractory period is too long to count in steps of ``dt`` ms."""
        for name in ("refractory_exc", "refractory_inh"):
            ms_to_steps(f"LIF.{name}", getattr(self, name), dt, maximum=MAX_REFRACTORY_STEPS)

    def kernel_constants(self, dt: float) -> KernelConstants:
        """Propagators of the exact update over one step of ``dt`` ms."""
        decay_m = exp(-dt / self.tau_m)
        return KernelConstants(
            v_rest=float(self.v_rest),
            v_thresh=float(self.v_thresh),
            v_reset=float(self.v_reset),
            decay_m=decay_m,
            gain_const=1.0 - decay_m,
            prop_exc=_current_propagator(dt, self.tau_m, self.tau_syn_exc),
            prop_inh=_current_propagator(dt, self.tau_m, self.tau_syn_inh),
            prop_adapt=_current_propagator(dt, self.tau_m, self.tau_adapt),
            decay_exc=exp(-dt / self.tau_syn_exc),
            decay_inh=exp(-dt / self.tau_syn_inh),
            decay_adapt=exp(-dt / self.tau_adapt),
            adapt_increment=float(self.adaptation),
            noise_scale=float(self.noise_std) * sqrt(1.0 - decay_m**2),
        )

    def neuron_arrays(
        self, is_inhibitory: np.ndarray, dt: float, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per-neuron background current (mV), refractory steps, initial V (mV) and propagators.

        Each neuron starts at the fixed point of its background current (or at
        ``v_reset`` if that current alone makes it fire), so samples do not
        begin with a start-up transient. The propagators are (4, N): per
        neuron ``decay_m``, ``gain_const``, ``prop_exc``, ``prop_inh`` (see
        :class:`KernelConstants`) when ``tau_m_max`` is set, else (4, 0).
        """
        n_neurons = is_inhibitory.shape[0]
        bias = self.bias + self.bias_jitter * rng.random(n_neurons)
        self.validate_step(dt)
        refractory_ms = np.where(is_inhibitory, self.refractory_inh, self.refractory_exc)
        refractory_steps = np.rint(refractory_ms / dt).astype(np.int32)
        v_fixed_point = self.v_rest + bias
        v_init = np.where(v_fixed_point < self.v_thresh, v_fixed_point, self.v_reset)
        propagators = np.zeros((4, 0))
        if self.tau_m_max is not None:
            tau_m = np.exp(rng.uniform(np.log(self.tau_m), np.log(self.tau_m_max), size=n_neurons))
            decay_m = np.exp(-dt / tau_m)
            propagators = np.vstack([
                decay_m,
                1.0 - decay_m,
                [_current_propagator(dt, t, self.tau_syn_exc) for t in tau_m],
                [_current_propagator(dt, t, self.tau_syn_inh) for t in tau_m],
            ])
        return bias, refractory_steps, v_init.astype(np.float64), np.ascontiguousarray(propagators)

    def max_rate(self, dt: float) -> float:
        """Highest firing rate (Hz) the refractory period allows at step ``dt`` ms."""
        refractory_steps = round(min(self.refractory_exc, self.refractory_inh) / dt)
        return 1000.0 / (dt * (refractory_steps + 1))


class MultiscaleLIF(LIF):
    """A LIF population that spans timescales: the default neuron of :class:`~liquid.LiquidStateMachine`.

    The same model as :class:`LIF` with other defaults: membrane time
    constants spread log-uniformly over 10-1000 ms (fast coincidence
    detectors next to slow integrators that remember the input for
    seconds), and background currents spread over 5-15 mV (some neurons fire
    on their own, many integrate below threshold instead of being reset
    every few ms). Measured with the default liquid (``benchmarks/accuracy.py``),
    this lifts accuracy on long univariate gesture series by 5-20 points over
    the homogeneous Maass et al. (2002) neuron and leaves short multichannel
    sets unchanged. Parameters as in :class:`LIF`.
    """

    def __init__(
        self,
        tau_m: float = 10.0,
        tau_m_max: float | None = 1000.0,
        v_rest: float = 0.0,
        v_thresh: float = 15.0,
        v_reset: float = 13.5,
        refractory_exc: float = 3.0,
        refractory_inh: float = 2.0,
        tau_syn_exc: float = 3.0,
        tau_syn_inh: float = 6.0,
        bias: float = 5.0,
        bias_jitter: float = 10.0,
        noise_std: float = 0.0,
        adaptation: float = 0.0,
        tau_adapt: float = 100.0,
    ):
        super().__init__(
            tau_m=tau_m, tau_m_max=tau_m_max, v_rest=v_rest, v_thresh=v_thresh, v_reset=v_reset,
            refractory_exc=refractory_exc, refractory_inh=refractory_inh, tau_syn_exc=tau_syn_exc,
            tau_syn_inh=tau_syn_inh, bias=bias, bias_jitter=bias_jitter, noise_std=noise_std,
            adaptation=adaptation, tau_adapt=tau_adapt,
        )


NEURON_MODELS = {"lif": LIF, "multiscale": MultiscaleLIF}
