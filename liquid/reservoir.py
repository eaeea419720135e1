"""A built liquid: connectivity and neuron arrays, and the calls that run them.

``build_reservoir`` turns a model description (neuron model, topology, weight
scales) into plain arrays; ``Reservoir.run`` hands those arrays to the numba
kernels. The estimators in ``liquid.estimators`` do validation and bookkeeping.
"""
from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod

import numpy as np
import pandas as pd
from numba.core import event as numba_event
from scipy import sparse

from ._limits import MAX_DELAY_STEPS, MAX_STEPS_PER_FRAME, check_memory, ms_to_steps
from ._threads import thread_pool
from ._validation import check_number
from .kernels import (MODE_CURRENT, MODE_RATE, MODE_SPIKES, decay_powers, new_carry, new_scratch, simulate_batch,
                      simulate_sample)
from .neurons import LIF, KernelConstants
from .plasticity import NO_STDP
from .topology import connection_type_means

#: Largest per-sample seed (the kernels reseed numpy's generator, which takes 32-bit seeds).
MAX_SEED = 2**31 - 1
#: Coefficient of variation of synaptic weight magnitudes (gamma distributed).
WEIGHT_CV = 0.5
#: Input weights are also kept as a dense (channel, neuron) matrix when at least this fraction of its
#: entries are synapses: a frame's input currents are then summed along contiguous rows, which
#: vectorises, rather than scattered synapse by synapse (FSDD's 96 channels at a fraction of 0.3: the
#: simulation a quarter faster). Both give the same sums, in the same order.
DENSE_INPUT_FRACTION = 0.125
#: ... and when that matrix takes at most this many bytes.
DENSE_INPUT_MAX_BYTES = 2**26


def dense_input(input_weights: sparse.csr_matrix) -> np.ndarray:
    """The input weights (mV, ``Reservoir.input_weights``) as a dense (n_channels, n_neurons) matrix, or a
    (0, n_neurons) array when the synapses are too sparse or the matrix too large for it to pay
    (``DENSE_INPUT_FRACTION``, ``DENSE_INPUT_MAX_BYTES``)."""
    size = input_weights.shape[0] * input_weights.shape[1]
    if size == 0 or input_weights.nnz < DENSE_INPUT_FRACTION * size or 8 * size > DENSE_INPUT_MAX_BYTES:
        return np.zeros((0, input_weights.shape[1]))
    return input_weights.toarray()


@dataclass
class Reservoir:
    """Arrays of a built liquid (read-only after ``fit``).

    Recurrent synapses are CSR by presynaptic neuron: the targets of neuron
    ``i`` are ``rec_indices[rec_indptr[i]:rec_indptr[i + 1]]`` (int32). Weights
    are in mV (negative for inhibitory presynaptic neurons, Dale's law). A
    synapse's delay (integer steps of ``dt``) is set by its presynaptic
    neuron's type, so it is stored once per neuron (``out_delay``): a spike is
    queued once under its arrival step and delivered as a whole row, without
    a lookup per synapse. Input synapses are CSR by input channel; ``in_dense``
    holds the same weights as a dense (channel, neuron) matrix, or is
    (0, N) (see ``dense_input``).
    """

    is_inhibitory: np.ndarray
    rec_indptr: np.ndarray
    rec_indices: np.ndarray
    rec_weights: np.ndarray
    out_delay: np.ndarray
    in_indptr: np.ndarray
    in_indices: np.ndarray
    in_weights: np.ndarray
    in_dense: np.ndarray
    bias: np.ndarray
    refractory_steps: np.ndarray
    v_init: np.ndarray
    propagators: np.ndarray
    consts: KernelConstants
    dt: float
    steps_per_frame: int

    @property
    def n_neurons(self) -> int:
        return self.is_inhibitory.shape[0]

    @property
    def presynaptic(self) -> np.ndarray:
        """Presynaptic neuron of every recurrent synapse (CSR order)."""
        return np.repeat(np.arange(self.n_neurons, dtype=np.int64), np.diff(self.rec_indptr))

    @property
    def input_channels(self) -> np.ndarray:
        """Input channel of every input synapse (CSR order)."""
        return np.repeat(np.arange(self.in_indptr.shape[0] - 1, dtype=np.int64), np.diff(self.in_indptr))

    @property
    def rec_delays(self) -> np.ndarray:
        """Delay (steps) of every recurrent synapse, CSR order."""
        return np.repeat(self.out_delay, np.diff(self.rec_indptr)).astype(np.int64)

    @property
    def n_slots(self) -> int:
        return int(self.out_delay.max(initial=0)) + 1

    @property
    def weights(self) -> sparse.csr_matrix:
        """Recurrent weights (mV) as a sparse (pre, post) matrix."""
        n = self.n_neurons
        return sparse.csr_matrix((self.rec_weights, self.rec_indices, self.rec_indptr), shape=(n, n))

    @property
    def input_weights(self) -> sparse.csr_matrix:
        """Input weights (mV) as a sparse (channel, neuron) matrix."""
        n_channels = self.in_indptr.shape[0] - 1
        return sparse.csr_matrix(
            (self.in_weights, self.in_indices, self.in_indptr), shape=(n_channels, self.n_neurons)
        )

    @property
    def network(self) -> tuple:
        """The arrays the kernels simulate, in their order."""
        return (
            self.in_indptr,
            self.in_indices,
            self.in_weights,
            self.in_dense,
            self.rec_indptr,
            self.rec_indices,
            self.rec_weights,
            self.out_delay,
            self.n_slots,
            self.is_inhibitory,
            self.bias,
            self.refractory_steps,
            self.v_init,
        )

    @property
    def n_channels(self) -> int:
        return self.in_indptr.shape[0] - 1

    def refresh_dense_input(self) -> None:
        """Copy ``in_weights`` into ``in_dense`` again after they changed (plasticity, calibration);
        a liquid without the dense copy stays without it."""
        if self.in_dense.shape[0] > 0:
            self.in_dense = self.input_weights.toarray()

    def _check_drives(self, drives, mode: int) -> list[np.ndarray]:
        """Every drive as a finite C-contiguous float64 (n_frames >= 1, n_channels) array; the
        kernels index input synapses by channel and do not bounds-check."""
        if mode not in (MODE_CURRENT, MODE_RATE, MODE_SPIKES):
            raise ValueError(f"mode must be one of {MODE_CURRENT, MODE_RATE, MODE_SPIKES}, got {mode!r}")
        if len(drives) == 0:
            raise ValueError("no drives to simulate")
        checked = []
        for i, drive in enumerate(drives):
            drive = np.ascontiguousarray(drive, dtype=np.float64)
            if drive.ndim != 2 or drive.shape[0] == 0 or drive.shape[1] != self.n_channels:
                raise ValueError(
                    f"drive {i} has shape {drive.shape}; this liquid takes (n_frames >= 1, {self.n_channels}) arrays"
                )
            if not np.isfinite(drive).all():
                raise ValueError(f"drive {i} contains NaN or infinity")
            checked.append(drive)
        if self.in_dense.shape not in ((0, self.n_neurons), (self.n_channels, self.n_neurons)):
            raise ValueError(f"in_dense has shape {self.in_dense.shape}; expected (0 or {self.n_channels}, "
                             f"{self.n_neurons}): call refresh_dense_input()")
        return checked

    @property
    def update_variant(self) -> tuple:
        """The kernel's ``(propagators, full)`` arguments: per-neuron propagators or None, and True
        when adaptation or noise is on, else None (see ``simulate_sample``). Without either, None
        propagators select the kernel's one-current loop, so unequal excitatory and inhibitory
        synaptic constants get the per-neuron loop with every neuron's propagators equal (the
        same arithmetic; one loop fewer to compile)."""
        c = self.consts
        full = True if c.adapt_increment != 0.0 or c.noise_scale != 0.0 else None
        propagators = self.propagators if self.propagators.shape[1] > 0 else None
        if propagators is None and full is None and (c.prop_exc != c.prop_inh or c.decay_exc != c.decay_inh):
            uniform = np.array([c.decay_m, c.gain_const, c.prop_exc, c.prop_inh])
            propagators = np.ascontiguousarray(np.repeat(uniform[:, None], self.n_neurons, axis=1))
        return propagators, full

    def set_bias(self, bias: np.ndarray) -> None:
        """New background currents (mV); neurons start each sample at their new fixed point."""
        c = self.consts
        self.bias = np.ascontiguousarray(bias, dtype=np.float64)
        fixed_point = c.v_rest + self.bias
        self.v_init = np.where(fixed_point < c.v_thresh, fixed_point, c.v_reset)

    def run(
        self,
        drives: list[np.ndarray],
        mode: int,
        seeds: np.ndarray,
        n_bins: int,
        n_points: int,
        tau_state: float,
        n_threads: int,
        learning: tuple | None = None,
        n_groups: int | None = None,
        voltage: bool = False,
        peak: bool = False,
        out: dict[str, np.ndarray] | None = None,
        steps_per_frame: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Simulate a batch; return per-sample accumulators.

        Returns a dict with ``counts`` (S, n_bins, N), ``state`` (S, n_points,
        N; with ``voltage`` (S, n_points, 2N), the membrane potentials in mV
        after the filtered traces), ``total`` (S, N) spike totals and
        ``latency`` (S, N) in ms; with ``peak``, ``peak`` (S, N): the largest value
        of each neuron's filtered trace (time constant ``tau_state``, a jump of 1
        per spike) during the sample. ``out`` may give the ``counts`` and ``state``
        arrays to write into (whatever they hold), of those shapes and
        float64, e.g. views of a feature matrix's columns.
        With ``learning=(learn, stdp_constants)`` (see ``liquid.plasticity``)
        it also returns each sample's STDP weight changes ``dw_rec`` (S,
        2 * n_synapses) and ``dw_in`` (S, 2 * n_input_synapses), in mV
        (see ``LearningArrays.apply``), summed within each of ``n_groups``
        groups of consecutive samples (default: one group per sample).
        ``steps_per_frame`` (S,) ints: steps each drive's frames are held
        (default: the liquid's ``steps_per_frame`` for all).
        """
        drives = self._check_drives(drives, mode)
        seeds = np.asarray(seeds)
        if seeds.shape != (len(drives),) or seeds.dtype.kind not in "iu":
            raise ValueError(f"seeds must be {len(drives)} integers, one per drive, got shape {seeds.shape}")
        if seeds.size and (seeds.min() < 0 or seeds.max() > MAX_SEED):
            raise ValueError(f"seeds must be in [0, {MAX_SEED}]")
        steps = self._check_steps_per_frame(steps_per_frame, len(drives))
        check_number("n_bins", n_bins, 0, integer=True)
        check_number("n_points", n_points, 0, integer=True)
        check_number("tau_state", tau_state, 0.0, low_inclusive=False)
        learn, stdp = learning if learning is not None else (None, NO_STDP)
        n_samples, n = len(drives), self.n_neurons
        frame_offsets = np.zeros(n_samples + 1, dtype=np.int64)
        np.cumsum([d.shape[0] for d in drives], out=frame_offsets[1:])
        stacked = np.ascontiguousarray(np.concatenate(drives, axis=0), dtype=np.float64)
        shapes = {"counts": (n_samples, n_bins, n), "state": (n_samples, n_points, (2 if voltage else 1) * n)}
        given = {} if out is None else out
        check_memory(f"the liquid's outputs ({n_samples} drives x {n_bins} bins and {n_points} points x {n} neurons)",
                     8.0 * sum(prod(shape) for key, shape in shapes.items() if key not in given))
        for key, array in given.items():  # the kernel writes into them without bounds checks
            if key not in shapes:
                raise ValueError(f"out takes 'counts' and 'state' arrays, got {key!r}")
            if not (isinstance(array, np.ndarray) and array.shape == shapes[key] and array.dtype == np.float64
                    and array.flags.writeable):
                raise ValueError(f"out[{key!r}] must be a writeable float64 array of shape {shapes[key]}, got "
                                 f"{getattr(array, 'shape', type(array).__name__)} {getattr(array, 'dtype', '')}")
        out = {key: given[key] if key in given else np.empty(shape) for key, shape in shapes.items()}  # all written
        out.update(total=np.zeros((n_samples, n)), latency=np.zeros((n_samples, n)),
                   peak=np.empty((n_samples, n if peak else 0)))  # written by the kernel
        n_groups = n_samples if n_groups is None else max(1, min(n_groups, n_samples))
        group_offsets = np.linspace(0, n_samples, n_groups + 1).round().astype(np.int64)
        # Depression (CSR order) then potentiation (CSC order) of every synapse, per group.
        out["dw_rec"] = np.zeros((n_groups, 2 * self.rec_weights.shape[0] if learning is not None else 0))
        out["dw_in"] = np.zeros((n_groups, 2 * self.in_weights.shape[0] if learning is not None else 0))
        arguments = (
            stacked, frame_offsets, seeds.astype(np.int64), group_offsets, mode, steps, self.dt,
            self.network, self.consts, *self.update_variant, n_bins, n_points,
            decay_powers(np.exp(-self.dt / tau_state)), out["counts"], out["state"], out["total"], out["latency"],
            out["peak"], learn, stdp, out["dw_rec"], out["dw_in"],
        )
        # The kernel releases the GIL: threads take contiguous ranges of groups from a queue. Groups
        # are fixed above, and every sample starts at rest, so the result does not depend on the
        # number of threads or on which thread runs a group.
        n_threads = max(1, min(int(n_threads), n_groups))
        n_tasks = 1 if n_threads == 1 else min(n_groups, 8 * n_threads)
        step_offsets = np.concatenate([[0], np.cumsum(np.diff(frame_offsets) * steps)])
        bounds = _equal_work_bounds(step_offsets[group_offsets], n_tasks)
        tasks = iter(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
        tasks_lock = threading.Lock()

        def work() -> None:  # one state and one set of work arrays per thread
            workspace = new_carry(self.v_init, self.n_slots), new_scratch(n, stacked.shape[1], learning is not None)
            while True:
                with tasks_lock:
                    task = next(tasks, None)
                if task is None:
                    return
                simulate_batch(*arguments, *workspace, *task)

        with _compile_notice():
            if n_threads == 1:
                work()
            else:
                list(thread_pool(n_threads).map(lambda _: work(), range(n_threads)))
        return out

    def _check_steps_per_frame(self, steps_per_frame, n_drives: int) -> np.ndarray:
        """Steps per frame of each drive as int64 (S,); the kernel indexes its outputs by them unchecked."""
        if steps_per_frame is None:
            return np.full(n_drives, self.steps_per_frame, dtype=np.int64)
        steps = np.asarray(steps_per_frame)
        if steps.shape != (n_drives,) or steps.dtype.kind not in "iu":
            raise ValueError(f"steps_per_frame must be {n_drives} integers, one per drive, got "
                             f"{getattr(steps, 'shape', '?')} {steps.dtype}")
        if steps.size and (steps.min() < 1 or steps.max() > MAX_STEPS_PER_FRAME):
            raise ValueError(f"steps_per_frame must be in [1, {MAX_STEPS_PER_FRAME}], got {steps.min()}..{steps.max()}")
        return steps.astype(np.int64)

    def new_state(self) -> tuple:
        """A liquid at rest, to be carried through ``stream`` calls."""
        return new_carry(self.v_init, self.n_slots)

    def stream(self, drive: np.ndarray, mode: int, seed: int, state: tuple, tau_state: float,
               voltage: bool = False) -> np.ndarray:
        """Continue a simulation from ``state`` (updated in place) through ``drive``.

        Returns the filtered liquid state at the end of every frame,
        (n_frames, n_neurons), followed with ``voltage`` by the membrane
        potentials (mV), (n_frames, 2 n_neurons); memory is O(len(drive) x N),
        whatever the length of the whole stream.
        """
        (drive,) = self._check_drives([drive], mode)
        check_number("seed", seed, 0, high=MAX_SEED, integer=True)
        check_number("tau_state", tau_state, 0.0, low_inclusive=False)
        if not self._is_state(state):
            raise ValueError("state is not a streaming state of this liquid; start one with new_state()")
        n_frames = drive.shape[0]
        state_out = np.zeros((n_frames, (2 if voltage else 1) * self.n_neurons))
        self._simulate_one(drive, mode, seed, n_points=n_frames, tau_state=tau_state, state_out=state_out,
                           carry=state)
        return state_out

    def _is_state(self, state) -> bool:
        n, n_slots = self.n_neurons, self.n_slots
        expected = [(n,)] * 5 + [(n,), (n_slots, n), (n_slots,), (2,), (n,)]
        dtypes = [np.float64] * 5 + [np.int32, np.int32, np.int64, np.int64, np.int64]
        if not (
            isinstance(state, tuple)
            and len(state) == len(expected)
            and all(isinstance(a, np.ndarray) and a.shape == shape and a.dtype == dtype and a.flags.c_contiguous
                    for a, shape, dtype in zip(state, expected, dtypes))
        ):
            return False
        # The kernel indexes with the queued spikes and appends to the queues without checks, so a state
        # must be one the kernel could have produced: queued entries are distinct neurons of this liquid,
        # each fired before the current step (its delay exceeds the wait until its slot comes round);
        # then no slot can ever hold more than N entries.
        queue, queue_len, step = state[6], state[7], int(state[8][0])
        if step < 0 or queue_len.min(initial=0) < 0 or queue_len.max(initial=0) > n:
            return False
        for slot, length in enumerate(queue_len.tolist()):
            if length:
                neurons = queue[slot, :length]
                if neurons.min() < 0 or neurons.max() >= n or np.unique(neurons).size != length:
                    return False
                if np.any(self.out_delay[neurons] <= (slot - step) % n_slots):
                    return False
        return True

    def record(self, drive: np.ndarray, mode: int, seed: int, trace_neurons=()) -> tuple[pd.DataFrame, np.ndarray]:
        """Simulate one sample and return its spike raster and membrane traces.

        Returns
        -------
        raster : DataFrame with columns ``time`` (ms, spike time) and ``neuron``.
        traces : (n_steps, len(trace_neurons)) membrane potentials (mV).
        """
        (drive,) = self._check_drives([drive], mode)
        check_number("seed", seed, 0, high=MAX_SEED, integer=True)
        trace_neurons = np.asarray(trace_neurons)
        if trace_neurons.size == 0:
            trace_neurons = trace_neurons.astype(np.int64)
        if trace_neurons.ndim != 1 or trace_neurons.dtype.kind not in "iu":
            raise ValueError(f"trace_neurons must be a 1-D sequence of neuron indices, got {trace_neurons!r}")
        if trace_neurons.size and (trace_neurons.min() < 0 or trace_neurons.max() >= self.n_neurons):
            raise ValueError(
                f"trace_neurons must be in [0, {self.n_neurons}) (this liquid's neurons), got {trace_neurons.tolist()}"
            )
        check_memory(f"membrane traces of {trace_neurons.size} neurons",
                     8.0 * drive.shape[0] * self.steps_per_frame * trace_neurons.size)
        steps, neurons, traces = self._simulate_one(drive, mode, seed, trace_neurons=trace_neurons.astype(np.int64))
        raster = pd.DataFrame({"time": (steps + 1) * self.dt, "neuron": neurons})
        return raster, traces

    def _simulate_one(
        self,
        drive: np.ndarray,
        mode: int,
        seed: int,
        *,
        n_points: int = 0,
        tau_state: float = 1.0,
        state_out: np.ndarray | None = None,
        trace_neurons: np.ndarray | None = None,
        carry: tuple | None = None,
    ):
        """One sample through ``simulate_sample`` without plasticity; unused outputs are discarded."""
        n = self.n_neurons
        return simulate_sample(
            np.ascontiguousarray(drive, dtype=np.float64),
            mode,
            self.steps_per_frame,
            self.dt,
            self.network,
            self.consts,
            *self.update_variant,
            0,
            n_points,
            decay_powers(np.exp(-self.dt / tau_state)),
            int(seed),
            np.zeros((0, n)),
            state_out if state_out is not None else np.zeros((0, n)),
            np.zeros(n),
            np.zeros(n),
            np.zeros(0),
            trace_neurons,
            None,
            NO_STDP,
            np.zeros(0),
            np.zeros(0),
            carry if carry is not None else new_carry(self.v_init, self.n_slots),
            new_scratch(n, drive.shape[1], False),
        )


def _equal_work_bounds(work_offsets: np.ndarray, n_tasks: int) -> np.ndarray:
    """Task boundaries (group indices, first 0, last n_groups) that split the groups into up to
    ``n_tasks`` contiguous runs of about equal work; ``work_offsets`` (n_groups + 1,) is the
    cumulative work (steps) before each group. Samples of very different lengths (a batch of
    fine and coarse views) then keep every thread busy to the end."""
    n_groups = work_offsets.shape[0] - 1
    total = work_offsets[-1] - work_offsets[0]
    targets = work_offsets[0] + total * np.arange(1, n_tasks) / n_tasks
    inner = np.searchsorted(work_offsets, targets, side="left")
    return np.unique(np.concatenate([[0], np.clip(inner, 1, n_groups - 1), [n_groups]])).astype(np.int64)


class _CompileNotice(numba_event.Listener):
    """Says so on stderr when numba starts compiling the simulation kernel: its "numba:compile" event
    fires only for a real compilation, never for a load from the on-disk cache (a timer on the first
    call's duration misread a slow load on a busy machine as a compilation)."""

    def on_start(self, event) -> None:
        if event.data.get("dispatcher") is simulate_batch:
            print("liquid: compiling the simulation kernels (once: they are cached for later runs; "
                  "`liquid warmup` does it ahead)", file=sys.stderr, flush=True)

    def on_end(self, event) -> None:
        pass


@contextmanager
def _compile_notice():
    """Listen for the kernel's compilation during a first call (none once a signature is loaded)."""
    if simulate_batch.signatures:
        yield
        return
    with numba_event.install_listener("numba:compile", _CompileNotice()):
        yield


def _gamma_magnitudes(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    shape = 1.0 / WEIGHT_CV**2
    return mean * rng.gamma(shape, 1.0 / shape, size=mean.shape)


def _to_csr(rows: np.ndarray, cols: np.ndarray, n_rows: int, *values: np.ndarray):
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return (indptr, cols[order].astype(np.int32)) + tuple(v[order] for v in values)


def build_reservoir(
    *,
    n_neurons: int,
    n_channels: int,
    frac_inhibitory: float,
    neuron: LIF,
    topology,
    weights: dict[str, float],
    delay_exc: float,
    delay_inh: float,
    max_delay: float | None,
    input_scale: float,
    input_fraction: float,
    drive_every_neuron: bool,
    signed_input: bool,
    dt: float,
    steps_per_frame: int,
    rng: np.random.Generator,
) -> Reservoir:
    """Draw a liquid from its description.

    ``weights`` maps connection types ``"ee", "ei", "ie", "ii"`` (presynaptic
    type first) to mean synaptic current amplitudes (mV); magnitudes are gamma
    distributed around them and inhibitory ones made negative (Dale's law).
    Every synapse of a neuron has the same delay: its type's, or with
    ``max_delay`` (ms) one drawn uniformly between that and ``max_delay``.
    Each neuron receives each input channel with probability
    ``input_fraction``; with ``drive_every_neuron``, one that drew none gets
    one channel at random.
    """
    # The kernel simulates steps_per_frame steps per input frame: none would leave every feature unwritten.
    check_number("steps_per_frame", steps_per_frame, 1, high=MAX_STEPS_PER_FRAME, integer=True)
    n_inhibitory = int(round(frac_inhibitory * n_neurons))
    is_inhibitory = rng.permutation(n_neurons) < n_inhibitory

    pre, post = topology.connect(is_inhibitory, rng)
    pre, post = pre.astype(np.int64), post.astype(np.int64)
    pre_inh, post_inh = is_inhibitory[pre], is_inhibitory[post]
    mean = connection_type_means(pre_inh, post_inh, weights)
    rec_weights = np.where(pre_inh, -1.0, 1.0) * _gamma_magnitudes(rng, mean)
    delay_steps = [ms_to_steps(name, ms, dt, maximum=MAX_DELAY_STEPS, minimum=1)
                   for name, ms in (("delay_exc", delay_exc), ("delay_inh", delay_inh))]
    out_delay = np.where(is_inhibitory, delay_steps[1], delay_steps[0]).astype(np.int32)
    if max_delay is not None:
        # Axonal delays spread up to max_delay: spikes keep echoes of older input in flight.
        longest = ms_to_steps("max_delay", max_delay, dt, maximum=MAX_DELAY_STEPS, minimum=1)
        out_delay = rng.integers(out_delay, np.maximum(out_delay, longest) + 1).astype(np.int32)
    rec_indptr, rec_indices, rec_weights = _to_csr(pre, post, n_neurons, rec_weights)

    receives = rng.random((n_channels, n_neurons)) < input_fraction
    if drive_every_neuron and input_fraction > 0.0:
        # With few channels most neurons draw none (a univariate series leaves 1 - input_fraction of the
        # liquid undriven) and only echo the others: give each of them one channel.
        undriven = np.flatnonzero(~receives.any(axis=0))
        receives[rng.integers(0, n_channels, size=undriven.size), undriven] = True
    channel, target = np.nonzero(receives)
    in_weights = _gamma_magnitudes(rng, np.full(channel.shape[0], float(input_scale)))
    if signed_input:
        in_weights *= rng.choice([-1.0, 1.0], size=channel.shape[0])
    in_indptr, in_indices, in_weights = _to_csr(channel, target, n_channels, in_weights)

    bias, refractory_steps, v_init, propagators = neuron.neuron_arrays(is_inhibitory, dt, rng)
    reservoir = Reservoir(
        is_inhibitory=is_inhibitory,
        rec_indptr=rec_indptr,
        rec_indices=rec_indices,
        rec_weights=np.ascontiguousarray(rec_weights, dtype=np.float64),
        out_delay=out_delay,
        in_indptr=in_indptr,
        in_indices=in_indices,
        in_weights=np.ascontiguousarray(in_weights, dtype=np.float64),
        in_dense=np.zeros((0, n_neurons)),
        bias=bias,
        refractory_steps=refractory_steps,
        v_init=v_init,
        propagators=propagators,
        consts=neuron.kernel_constants(dt),
        dt=float(dt),
        steps_per_frame=int(steps_per_frame),
    )
    if signed_input:  # only analog (current-mode) input sums each frame over the input weights
        reservoir.in_dense = dense_input(reservoir.input_weights)
    return reservoir
