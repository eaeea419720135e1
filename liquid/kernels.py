"""Numba kernels: simulate a batch of samples through a built liquid.

Everything here takes plain arrays and scalars; model descriptions, options and
validation live in the Python layer (``neurons``, ``topology``, ``reservoir``).

Connectivity is CSR by presynaptic neuron (``indptr``, ``indices`` = targets,
``weights``) with one delay (steps) per presynaptic neuron. A spike is queued
under the step it arrives at, in a ring of ``n_slots`` queues of neuron
numbers; its outgoing row is added to the synaptic currents when it arrives,
so spike delivery writes into N floats that stay in cache (a ring of N-float
buffers per future step, the textbook layout, leaves the caches at large N and
long delays). Memory per thread is O(n_slots x N) int32, never O(N^2): the caller
allocates one state and one set of work arrays per thread (``new_carry``,
``new_scratch``), so the kernels allocate nothing per sample.
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# Input modes: how the encoded drive of a frame enters the liquid.
MODE_CURRENT = 0  # drive is a current (mV per unit weight) held over the frame
MODE_RATE = 1  # drive is a Poisson rate (Hz) per channel
MODE_SPIKES = 2  # drive is a spike count per channel, delivered at frame start


#: Rows fetched ahead of the one being delivered: a large liquid's synapses live in main memory, and
#: a row's first cache lines would otherwise stall every spike's delivery.
_PREFETCH_AHEAD = 2
#: Synapses (12 bytes each) beyond which rows are prefetched whole: about 3 MB, more than a core's L2.
_PREFETCH_WHOLE_ROWS_ABOVE = 2**18


@intrinsic
def _prefetch(typingctx, array, index):
    """Hint the CPU to bring ``array[index]`` into cache (LLVM's prefetch; never faults, so an
    index past the end is harmless)."""

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        array_struct = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, array_struct, [args[1]], wraparound=False)
        byte_pointer = ir.IntType(8).as_pointer()
        int32 = ir.IntType(32)
        function = builder.module.declare_intrinsic(
            "llvm.prefetch", [byte_pointer], ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32]))
        # read, high temporal locality, data cache
        builder.call(function, [builder.bitcast(pointer, byte_pointer), int32(0), int32(3), int32(1)])
        return context.get_dummy_value()

    return types.void(array, index), codegen


@njit(cache=True, inline="always")
def _inject_spikes(channel, count, in_indptr, in_indices, in_weights, i_exc, i_inh, merged):
    for k in range(in_indptr[channel], in_indptr[channel + 1]):
        w = in_weights[k] * count
        if w >= 0.0 or merged:
            i_exc[in_indices[k]] += w
        else:
            i_inh[in_indices[k]] += w


@njit(cache=True)
def _potentiation(w, high, trace, stdp):
    """Weight change (mV) of a pre-before-post pairing, given the presynaptic trace."""
    if stdp.multiplicative:
        return stdp.a_plus * trace * (high - w)
    return stdp.a_plus * trace * high


@njit(cache=True)
def _depression(w, low, high, trace, stdp):
    """Weight change (mV, <= 0) of a post-before-pre pairing, given the postsynaptic trace."""
    if stdp.multiplicative:
        return -stdp.a_minus * trace * (w - low)
    return -stdp.a_minus * trace * high


@njit(cache=True)
def _input_spike_stdp(channel, count, in_indptr, in_indices, in_weights, learn, y_post, x_in, stdp, dw_in):
    """An input spike depresses its plastic synapses onto neurons that fired before it."""
    in_plastic, in_low, in_high = learn[8], learn[9], learn[10]
    for k in range(in_indptr[channel], in_indptr[channel + 1]):
        if in_plastic[k]:
            dw_in[k] += count * _depression(abs(in_weights[k]), in_low[k], in_high[k], y_post[in_indices[k]], stdp)
    x_in[channel] += count


@njit(cache=True)
def _potentiate_incoming(n, n_rec, post_ptr, csc_pre, csc_plastic, csc_high, csc_weight, in_post_ptr,
                         in_csc_channel, in_csc_plastic, in_csc_high, in_csc_weight, x_pre, x_in, stdp, dw_rec,
                         dw_in):
    """At a spike of neuron ``n``, potentiate its incoming synapses (pre-before-post pairs) by their
    presynaptic traces. Synapses are walked in CSC order (contiguously); the changes go to the
    second half of ``dw_rec`` / ``dw_in``."""
    for idx in range(post_ptr[n], post_ptr[n + 1]):
        if csc_plastic[idx]:
            dw_rec[n_rec + idx] += _potentiation(csc_weight[idx], csc_high[idx], x_pre[csc_pre[idx]], stdp)
    n_in = in_csc_channel.shape[0]
    for idx in range(in_post_ptr[n], in_post_ptr[n + 1]):
        if in_csc_plastic[idx]:
            dw_in[n_in + idx] += _potentiation(in_csc_weight[idx], in_csc_high[idx], x_in[in_csc_channel[idx]], stdp)


# Counter-based random numbers: draw k of stream `key` is a pure function of (key, k), so a sample
# cut into chunks, run on any thread or in any batch draws exactly the same numbers, with no
# generator state to carry or reseed (SplitMix64 finaliser; Steele, Lea & Flood 2014).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def _uniform(key, counter):
    """A uniform number in [0, 1): draw ``counter`` of stream ``key`` (both uint64)."""
    x = key + counter * _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    x = x ^ (x >> np.uint64(31))
    return float(x >> np.uint64(11)) * _TO_UNIT


@njit(cache=True, inline="always")
def _normal(key, counter):
    """A standard normal number (Box-Muller on two counter-based uniforms)."""
    u1 = _uniform(key, np.uint64(2) * counter)
    u2 = _uniform(key, np.uint64(2) * counter + np.uint64(1))
    return np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True)
def _grown(steps, neurons):
    """The raster arrays with twice the room."""
    grown_steps = np.empty(2 * steps.shape[0], dtype=np.int64)
    grown_neurons = np.empty(2 * steps.shape[0], dtype=np.int64)
    grown_steps[: steps.shape[0]] = steps
    grown_neurons[: steps.shape[0]] = neurons
    return grown_steps, grown_neurons


@njit(cache=True)
def _pair_plastic(n, rec_indptr, rec_indices, rec_weights, learn, x_pre, x_in, y_post, stdp, dw_rec, dw_in):
    """At a spike of neuron ``n``: depress its outgoing synapses onto neurons that fired before it
    (post-before-pre pairs), then potentiate its incoming synapses."""
    (rec_plastic, rec_low, rec_high, post_ptr, csc_pre, csc_plastic, csc_high, csc_weight,
     in_plastic, in_low, in_high, in_post_ptr, in_csc_channel, in_csc_plastic, in_csc_high, in_csc_weight) = learn
    for k in range(rec_indptr[n], rec_indptr[n + 1]):
        if rec_plastic[k]:
            dw_rec[k] += _depression(abs(rec_weights[k]), rec_low[k], rec_high[k], y_post[rec_indices[k]], stdp)
    _potentiate_incoming(n, rec_indices.shape[0], post_ptr, csc_pre, csc_plastic, csc_high, csc_weight, in_post_ptr,
                         in_csc_channel, in_csc_plastic, in_csc_high, in_csc_weight, x_pre, x_in, stdp, dw_rec, dw_in)


def _aligned(shape, dtype=np.float64) -> np.ndarray:
    """An empty array starting on a cache line (numpy's allocator aligns to 16 bytes): the update
    loops' vector loads then never straddle two lines."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(size + 64, dtype=np.uint8)
    start = -raw.ctypes.data % 64
    return raw[start:start + size].view(dtype).reshape(shape)


def new_carry(v_init: np.ndarray, n_slots: int) -> tuple:
    """The state of a liquid at rest (see ``simulate_sample``'s ``carry``)."""
    n = v_init.shape[0]
    carry = (_aligned(n), _aligned(n), _aligned(n), _aligned(n), _aligned(n), _aligned(n, np.int32),
             _aligned((n_slots, n), np.int32), _aligned(n_slots, np.int64), _aligned(2, np.int64),
             _aligned(n, np.int64))
    for array in carry:
        array[...] = 0
    carry[0][:] = v_init
    return carry


def new_scratch(n_neurons: int, n_channels: int, plastic: bool) -> tuple:
    """Work arrays of ``simulate_sample`` (see its ``scratch``). The caller allocates them, once per
    thread: every array the kernel allocated itself was one more numba specialisation to compile."""
    traced = n_neurons if plastic else 0
    return (_aligned(n_neurons), _aligned(n_neurons, np.int64), _aligned(traced),
            _aligned(n_channels if plastic else 0), _aligned(traced))


@njit(cache=True, inline="always")
def _to_rest(carry, v_init):
    """Put the state ``carry`` at rest: neurons at ``v_init``, no current, no spike in flight."""
    v, i_exc, i_inh, i_adapt, trace, refractory_left, queue, queue_len, clock, trace_step = carry
    for n in range(v.shape[0]):
        v[n] = v_init[n]
        i_exc[n] = 0.0
        i_inh[n] = 0.0
        i_adapt[n] = 0.0
        trace[n] = 0.0
        refractory_left[n] = 0
        trace_step[n] = 0
    for slot in range(queue_len.shape[0]):
        queue_len[slot] = 0
    clock[0] = 0
    clock[1] = 0


@njit(cache=True, inline="always")
def _update_merged(v, i_syn, i_in, refractory_left, c):
    """One step of every neuron, one synaptic current (equal E/I time constants), no adaptation or noise."""
    for n in range(v.shape[0]):
        current = i_syn[n]
        v_free = c.v_rest + (v[n] - c.v_rest) * c.decay_m + i_in[n] * c.gain_const + current * c.prop_exc
        v[n] = c.v_reset if refractory_left[n] > 0 else v_free
        refractory_left[n] = max(refractory_left[n] - 1, 0)
        i_syn[n] = current * c.decay_exc


@njit(cache=True, inline="always")
def _update_heterogeneous(v, i_exc, i_inh, i_in, refractory_left, c, propagators):
    """One step of every neuron with its own membrane time constant (``propagators`` (4, N)), separate
    excitatory / inhibitory currents, no adaptation or noise (branch-free: it vectorises)."""
    decay_m, gain, prop_exc, prop_inh = propagators[0], propagators[1], propagators[2], propagators[3]
    for n in range(v.shape[0]):
        current_exc = i_exc[n]
        current_inh = i_inh[n]
        v_free = (c.v_rest + (v[n] - c.v_rest) * decay_m[n] + i_in[n] * gain[n]
                  + current_exc * prop_exc[n] + current_inh * prop_inh[n])
        v[n] = c.v_reset if refractory_left[n] > 0 else v_free
        refractory_left[n] = max(refractory_left[n] - 1, 0)
        i_exc[n] = current_exc * c.decay_exc
        i_inh[n] = current_inh * c.decay_inh


@njit(cache=True, inline="always")
def _update_full(v, i_exc, i_inh, i_adapt, i_in, refractory_left, c, propagators,
                 noise_key, global_step):
    """One step of every neuron with every model feature: per-neuron membrane time constants
    (``propagators`` (4, N), or (4, 0) for the scalars in ``c``), adaptation and membrane noise."""
    n_neurons = v.shape[0]
    heterogeneous = propagators.shape[1] > 0
    decay_m, gain, prop_exc, prop_inh = c.decay_m, c.gain_const, c.prop_exc, c.prop_inh
    for n in range(n_neurons):
        if heterogeneous:
            decay_m, gain, prop_exc, prop_inh = propagators[0, n], propagators[1, n], propagators[2, n], propagators[3, n]
        noise = 0.0
        if c.noise_scale > 0.0 and refractory_left[n] == 0:
            noise = c.noise_scale * _normal(noise_key, np.uint64(global_step * n_neurons + n))
        current_exc = i_exc[n]
        current_inh = i_inh[n]
        v_free = (c.v_rest + (v[n] - c.v_rest) * decay_m + i_in[n] * gain
                  + current_exc * prop_exc + current_inh * prop_inh - i_adapt[n] * c.prop_adapt + noise)
        v[n] = c.v_reset if refractory_left[n] > 0 else v_free
        refractory_left[n] = max(refractory_left[n] - 1, 0)
        i_exc[n] = current_exc * c.decay_exc
        i_inh[n] = current_inh * c.decay_inh
        i_adapt[n] *= c.decay_adapt


#: Powers of the state filter's decay kept in a table (a lookup is cheaper than pow at every spike).
_DECAY_TABLE = 1024


def decay_powers(decay_state: float) -> np.ndarray:
    """``decay_state ** k`` for k < ``_DECAY_TABLE``: the filtered state's lazy decay looks them up."""
    return decay_state ** np.arange(_DECAY_TABLE, dtype=np.float64)


@njit(cache=True, inline="always")
def _decay(powers, elapsed):
    """``powers[1] ** elapsed``, from the table of powers when it is short enough."""
    if elapsed < powers.shape[0]:
        return powers[elapsed]
    return powers[1] ** elapsed


@njit(cache=True, inline="always")
def _read_state(trace, trace_step, global_step, powers, v, out):
    """Filtered state at ``global_step`` into the row ``out``: each trace decays lazily from its last
    spike. When ``out`` is twice as long as there are neurons, the membrane potentials (mV) fill
    the second half."""
    n_neurons = trace.shape[0]
    for n in range(n_neurons):
        out[n] = trace[n] * _decay(powers, global_step - trace_step[n])
    if out.shape[0] == 2 * n_neurons:
        for n in range(n_neurons):
            out[n_neurons + n] = v[n]


@njit(cache=True)
def simulate_sample(
    drive,
    mode,
    steps_per_frame,
    dt,
    net,
    consts,
    propagators,
    full,
    n_bins,
    n_points,
    powers,
    seed,
    counts_out,
    state_out,
    total_out,
    latency_out,
    peak_out,
    trace_neurons,
    learn,
    stdp,
    dw_rec,
    dw_in,
    carry,
    scratch,
):
    """Simulate one sample from the state ``carry``; write features into the ``*_out`` views.

    Each step adds the spikes that arrive at it to the synaptic currents (the
    outgoing rows of the neurons queued under this step, in firing order),
    then runs in two passes: every neuron is integrated (a branch-free loop
    that vectorises; which loop depends on the model features in use), then
    the neurons that crossed threshold are reset and queued under the step
    their spikes arrive at (a neuron's outgoing synapses share its delay).

    Parameters
    ----------
    drive : (n_frames, n_channels) float64
        Encoded input; its meaning is set by ``mode``.
    net : tuple
        The network arrays, see ``Reservoir.network``: input CSR (indptr,
        indices, weights), the input weights as a dense (channel, neuron)
        matrix or a (0, N) array (then the CSR is used), recurrent CSR
        (indptr, indices, weights), out_delay (steps, per presynaptic
        neuron), n_slots, is_inhibitory, bias, refractory_steps, v_init.
    consts : KernelConstants
        Exact one-step propagators of the neuron model.
    propagators : (4, N) float64 or None
        Per-neuron propagators (decay_m, gain_const, prop_exc, prop_inh);
        None: the scalars in ``consts``, and without ``full`` one synaptic
        current for both signs (equal synaptic constants: the caller's check).
    full : True or None
        True when adaptation or membrane noise is on. ``propagators`` and
        ``full`` choose the update loop; as None they let numba prune the
        loops a configuration does not use, which keeps compilation short.
    n_bins, n_points : int
        Number of spike-count bins and of filtered-state readout points over the
        sample (0 disables them).
    powers : (_DECAY_TABLE,) float64
        ``decay_powers(exp(-dt / tau_state))``: the filtered state's decay over k steps.
    seed : int
        Key of the sample's random numbers (Poisson input, noise); draws are
        indexed by the global step, so they do not depend on chunking.
    counts_out : (n_bins, N), state_out : (n_points, N or 2N), total_out, latency_out : (N,)
        Outputs, one row per bin or readout point (the features' layout: all neurons at one time,
        then the next), written whatever they held; with 2N columns, ``state_out`` also gets the
        membrane potentials. ``total_out`` (zeros) receives the spike counts of the whole sample.
        ``latency_out`` is the first-spike time (ms), or the sample duration for neurons that never fire.
    peak_out : (N,) or (0,) float64
        The largest value each neuron's filtered trace (see ``powers``) reaches during the sample, written
        whatever it held; a (0,) array skips it.
    trace_neurons : (k,) int64 or None
        Record: return the spike raster as (step, neuron) arrays and the
        membrane potential of these neurons at every step. ``None``: record
        nothing (numba prunes the recording code at compile time).
    learn : tuple or None
        STDP bookkeeping (see ``plasticity.LearningArrays.kernel_tuple``):
        plastic masks and weight bounds (mV) of recurrent synapses in CSR
        order, their CSC view (pointers, presynaptic neuron, mask, upper
        bound, current magnitude), and the same for input synapses.
        ``None`` switches plasticity off; numba then prunes the plastic
        branches at compile time, so STDP is compiled only when used.
    stdp : STDPConstants
    dw_rec, dw_in : float64 arrays of twice the number of synapses
        Weight changes (mV): depression in CSR order, then potentiation in
        CSC order (unused when ``learn`` is None).
    carry : tuple
        The liquid's state (v, i_exc, i_inh, i_adapt, trace,
        refractory_left, queue, queue_len, clock, trace_step), updated
        in place so that the next call continues where this one stopped
        (``new_carry``: at rest); ``clock`` holds the global step and frame
        counts, ``trace_step`` the global step at which each trace was last
        updated (only by calls that read the state or its peaks, as
        streaming does). ``queue`` (n_slots, N) int32 holds the neurons whose
        spikes are in flight, ``queue_len`` (n_slots,) how many per slot.
    scratch : tuple
        ``new_scratch``'s work arrays (overwritten).

    Returns
    -------
    raster_steps, raster_neurons : int64 arrays (empty unless recording)
    traces : (n_steps, k) float64
    """
    (in_indptr, in_indices, in_weights, in_dense, rec_indptr, rec_indices, rec_weights, out_delay, n_slots,
     is_inhibitory, bias, refractory_steps, v_init) = net
    dense_input = in_dense.shape[0] > 0
    plastic = learn is not None
    n_neurons = v_init.shape[0]
    n_frames = drive.shape[0]
    n_channels = drive.shape[1]
    n_steps = n_frames * steps_per_frame
    # The plain loop (equal synaptic time constants): one current carries both signs.
    merged = full is None and propagators is None

    v, i_exc, i_inh, i_adapt, trace, refractory_left, queue, queue_len, clock, trace_step = carry
    step0 = clock[0]
    current_of_inhibitory = i_exc if merged else i_inh
    input_key = np.uint64(seed) * _GOLDEN + np.uint64(1)
    noise_key = np.uint64(seed) * _GOLDEN + np.uint64(2)
    # Input current, this step's spiking neurons, and the STDP traces: presynaptic (neurons and input
    # channels, tau_plus) and postsynaptic (tau_minus), empty without plasticity.
    i_in, spiking, x_pre, x_in, y_post = scratch
    for n in range(x_pre.shape[0]):
        x_pre[n] = 0.0
        y_post[n] = 0.0
    for c in range(x_in.shape[0]):
        x_in[c] = 0.0
    for n in range(n_neurons):
        latency_out[n] = -1.0
    for n in range(peak_out.shape[0]):
        peak_out[n] = 0.0
    # The filtered traces are kept for the readout points and for their peaks.
    keep_trace = n_points > 0 or peak_out.shape[0] > 0
    # Counts are written, not added to: the caller may pass fresh memory (np.empty), whose pages this
    # thread then maps while it simulates, in parallel with the other threads.
    for b in range(counts_out.shape[0]):
        for n in range(n_neurons):
            counts_out[b, n] = 0.0

    # Synapse rows that do not stay in cache are prefetched line by line, two spikes ahead (the hardware
    # prefetcher alone leaves most of a row's lines to miss); cached rows only need their first line.
    whole_rows = rec_indices.shape[0] > _PREFETCH_WHOLE_ROWS_ABOVE
    # State readout at the end of n_points equal segments of the sample.
    next_point = 0

    raster_steps = np.empty(1024 if trace_neurons is not None else 1, dtype=np.int64)
    raster_neurons = np.empty(raster_steps.shape[0], dtype=np.int64)
    n_events = 0
    if trace_neurons is not None:
        traces = np.empty((n_steps, trace_neurons.shape[0]))
    else:
        traces = np.empty((0, 0))

    spike_prob_per_hz = dt / 1000.0
    for frame in range(n_frames):
        if mode == MODE_CURRENT:
            for n in range(n_neurons):
                i_in[n] = bias[n]
            for c in range(n_channels):
                x = drive[frame, c]
                if x != 0.0:
                    if dense_input:  # the same sums in the same order, along a contiguous row
                        for n in range(n_neurons):
                            i_in[n] += in_dense[c, n] * x
                    else:
                        for k in range(in_indptr[c], in_indptr[c + 1]):
                            i_in[in_indices[k]] += in_weights[k] * x
        elif frame == 0:
            for n in range(n_neurons):
                i_in[n] = bias[n]

        for sub in range(steps_per_frame):
            step = frame * steps_per_frame + sub
            global_step = step0 + step
            slot = global_step % n_slots
            if mode == MODE_RATE:
                draw = np.uint64(global_step * n_channels)
                for c in range(n_channels):
                    if _uniform(input_key, draw + np.uint64(c)) < drive[frame, c] * spike_prob_per_hz:
                        _inject_spikes(c, 1.0, in_indptr, in_indices, in_weights, i_exc, i_inh, merged)
                        if learn is not None:
                            _input_spike_stdp(c, 1.0, in_indptr, in_indices, in_weights, learn, y_post, x_in, stdp,
                                              dw_in)
            elif mode == MODE_SPIKES and sub == 0:
                for c in range(n_channels):
                    if drive[frame, c] != 0.0:
                        _inject_spikes(c, drive[frame, c], in_indptr, in_indices, in_weights, i_exc, i_inh, merged)
                        if learn is not None:
                            _input_spike_stdp(c, drive[frame, c], in_indptr, in_indices, in_weights, learn, y_post,
                                              x_in, stdp, dw_in)

            bin_index = step * n_bins // n_steps
            # Spikes arriving now, in the order they were fired.
            n_arriving = queue_len[slot]
            for j in range(n_arriving):
                if j + _PREFETCH_AHEAD < n_arriving:
                    ahead = queue[slot, j + _PREFETCH_AHEAD]
                    if whole_rows:
                        for k in range(rec_indptr[ahead], rec_indptr[ahead + 1], 8):  # 8 float64 per line
                            _prefetch(rec_weights, k)
                        for k in range(rec_indptr[ahead], rec_indptr[ahead + 1], 16):  # 16 int32 per line
                            _prefetch(rec_indices, k)
                    else:
                        _prefetch(rec_weights, rec_indptr[ahead])
                        _prefetch(rec_indices, rec_indptr[ahead])
                m = queue[slot, j]
                current = current_of_inhibitory if is_inhibitory[m] else i_exc
                for k in range(rec_indptr[m], rec_indptr[m + 1]):
                    current[rec_indices[k]] += rec_weights[k]
            queue_len[slot] = 0
            # Pass 1: integrate every neuron over the step.
            if full is not None:
                if propagators is not None:
                    _update_full(v, i_exc, i_inh, i_adapt, i_in, refractory_left, consts, propagators, noise_key,
                                 global_step)
                else:
                    _update_full(v, i_exc, i_inh, i_adapt, i_in, refractory_left, consts, np.zeros((4, 0)), noise_key,
                                 global_step)  # (4, 0): no per-neuron propagators
            elif propagators is not None:
                _update_heterogeneous(v, i_exc, i_inh, i_in, refractory_left, consts, propagators)
            else:
                _update_merged(v, i_exc, i_in, refractory_left, consts)
            if learn is not None:
                for n in range(n_neurons):
                    x_pre[n] *= stdp.decay_plus
                    y_post[n] *= stdp.decay_minus
                for c in range(n_channels):
                    x_in[c] *= stdp.decay_plus

            # Pass 2: find the neurons that cross threshold.
            n_spiking = 0
            for n in range(n_neurons):
                if v[n] >= consts.v_thresh:
                    spiking[n_spiking] = n
                    n_spiking += 1

            # Reset them and queue their spikes under the step they arrive at.
            for j in range(n_spiking):
                n = spiking[j]
                v[n] = consts.v_reset
                refractory_left[n] = refractory_steps[n]
                if full is not None:
                    i_adapt[n] += consts.adapt_increment
                if keep_trace:
                    trace[n] = trace[n] * _decay(powers, global_step - trace_step[n]) + 1.0
                    trace_step[n] = global_step
                    if peak_out.shape[0] > 0 and trace[n] > peak_out[n]:  # a trace peaks as it jumps
                        peak_out[n] = trace[n]
                total_out[n] += 1.0
                if n_bins > 0:
                    counts_out[bin_index, n] += 1.0
                if latency_out[n] < 0.0:
                    latency_out[n] = (step + 1) * dt
                arrival = slot + out_delay[n]  # 1 <= delay < n_slots: one wrap at most, never this slot
                if arrival >= n_slots:
                    arrival -= n_slots
                queue[arrival, queue_len[arrival]] = n  # one delay per neuron: queued at most once per slot
                queue_len[arrival] += 1
                if learn is not None:
                    _pair_plastic(n, rec_indptr, rec_indices, rec_weights, learn, x_pre, x_in, y_post, stdp, dw_rec,
                                  dw_in)
                if trace_neurons is not None:
                    if n_events == raster_steps.shape[0]:
                        raster_steps, raster_neurons = _grown(raster_steps, raster_neurons)
                    raster_steps[n_events] = step
                    raster_neurons[n_events] = n
                    n_events += 1

            if learn is not None:  # after all pairs of this step were counted: simultaneous spikes do not pair
                for j in range(n_spiking):
                    x_pre[spiking[j]] += 1.0
                    y_post[spiking[j]] += 1.0
            if trace_neurons is not None:
                for j in range(trace_neurons.shape[0]):
                    traces[step, j] = v[trace_neurons[j]]
            while next_point < n_points and max((next_point + 1) * n_steps // n_points - 1, 0) == step:
                _read_state(trace, trace_step, global_step, powers, v, state_out[next_point])
                next_point += 1

    duration = n_steps * dt
    for n in range(n_neurons):
        if latency_out[n] < 0.0:
            latency_out[n] = duration
    clock[0] += n_steps
    clock[1] += n_frames
    return raster_steps[:n_events].copy(), raster_neurons[:n_events].copy(), traces


@njit(cache=True, nogil=True)
def simulate_batch(
    drives,
    frame_offsets,
    seeds,
    group_offsets,
    mode,
    steps_per_frame,
    dt,
    net,
    consts,
    propagators,
    full,
    n_bins,
    n_points,
    powers,
    counts_out,
    state_out,
    total_out,
    latency_out,
    peak_out,
    learn,
    stdp,
    dw_rec,
    dw_in,
    carry,
    scratch,
    first_group,
    last_group,
):
    """Simulate groups ``first_group`` to ``last_group - 1`` of a batch.

    ``drives`` holds all samples' frames stacked; sample ``s`` is
    ``drives[frame_offsets[s]:frame_offsets[s + 1]]``, seeded with
    ``seeds[s]``, each of its frames held ``steps_per_frame[s]`` steps.
    Group ``g`` (samples ``group_offsets[g]`` to
    ``group_offsets[g + 1]``, simulated one after the other) runs on one
    thread; groups are fixed by the caller, so results do not depend on the
    thread count. The GIL is released: the caller runs ranges of groups on
    several threads. Every sample starts at rest, in ``carry`` and with ``scratch``
    (``new_carry``, ``new_scratch``: one of each per thread). With plasticity on,
    ``dw_rec[g]`` / ``dw_in[g]`` receive the weight changes of group ``g``
    (all samples see the same weights); otherwise pass (n_groups, 0) arrays.
    """
    for g in range(first_group, last_group):
        for s in range(group_offsets[g], group_offsets[g + 1]):
            _to_rest(carry, net[-1])  # net[-1]: v_init
            simulate_sample(
                drives[frame_offsets[s] : frame_offsets[s + 1]],
                mode,
                steps_per_frame[s],
                dt,
                net,
                consts,
                propagators,
                full,
                n_bins,
                n_points,
                powers,
                seeds[s],
                counts_out[s],
                state_out[s],
                total_out[s],
                latency_out[s],
                peak_out[s],
                None,
                learn,
                stdp,
                dw_rec[g],
                dw_in[g],
                carry,
                scratch,
            )


@njit(cache=True)
def delta_encode(signal, threshold, reference, started):
    """Send-on-delta coding of one (n_frames, n_channels) signal chunk.

    Returns (n_frames, 2 * n_channels) spike counts: channel ``2c`` counts
    "up" events (the signal rose by ``threshold`` since the last event of
    channel ``c``), channel ``2c + 1`` counts "down" events. ``reference``
    (n_channels,) and ``started`` (1,) carry the state between chunks: the
    first frame ever seen sets the reference and sends nothing.
    """
    n_frames, n_channels = signal.shape
    out = np.zeros((n_frames, 2 * n_channels))
    first = 0
    if started[0] == 0 and n_frames > 0:
        for c in range(n_channels):
            reference[c] = signal[0, c]
        started[0] = 1
        first = 1
    for c in range(n_channels):
        for t in range(first, n_frames):
            change = signal[t, c] - reference[c]
            if change >= threshold:
                n_up = np.floor(change / threshold)
                out[t, 2 * c] = n_up
                reference[c] += n_up * threshold
            elif change <= -threshold:
                n_down = np.floor(-change / threshold)
                out[t, 2 * c + 1] = n_down
                reference[c] -= n_down * threshold
    return out


@njit(cache=True)
def bsa_decide(residual, fir, threshold, n_decide):
    """Ben's Spiker Algorithm decisions for the first ``n_decide`` frames of ``residual``.

    ``residual`` (n_frames, n_channels), scaled to [0, 1], must hold the
    whole filter window of every decided frame; it is updated in place (the
    filter is subtracted where a spike is placed). Returns (n_decide,
    n_channels) 0/1 spikes: a spike at frame ``t`` when subtracting ``fir``
    from the residual at ``t`` lowers its absolute error by more than
    ``threshold``.
    """
    length = fir.shape[0]
    n_channels = residual.shape[1]
    out = np.zeros((n_decide, n_channels))
    for c in range(n_channels):
        for t in range(n_decide):
            error_spike = 0.0
            error_none = 0.0
            for k in range(length):
                error_spike += abs(residual[t + k, c] - fir[k])
                error_none += abs(residual[t + k, c])
            if error_spike <= error_none - threshold:
                out[t, c] = 1.0
                for k in range(length):
                    residual[t + k, c] -= fir[k]
    return out
