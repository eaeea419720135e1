"""Engine speed: liquid's numba kernels vs a straightforward NumPy/scipy.sparse simulator.

Both simulate the *same* built network (weights, delays, biases taken from the
fitted liquid) and the same model: exact LIF update, exponential synaptic
currents, integer delays through a ring buffer, refractoriness, 100 Poisson
input channels, a filtered-state readout. The NumPy version is what one writes
first: a vectorised membrane update per step and a sparse matrix-vector
product per delay for the recurrent input. The ratio of throughputs (samples
per second, both measured in this run) is the figure of merit.

Usage: python benchmarks/engine.py [--quick] [--sizes 1000 10000] [--samples 100]
"""
from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from scipy import sparse

from liquid import LiquidStateMachine, PoissonEncoder


def poisson_inputs(n_samples: int, n_channels: int, n_frames: int, seed: int) -> list[np.ndarray]:
    """Rates (Hz) per 10 ms frame: each channel drifts between 0 and 40 Hz."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.0, 40.0, size=(n_frames, n_channels)) for _ in range(n_samples)]


def numpy_simulate(lsm: LiquidStateMachine, rates: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """One sample through the fitted liquid, step by step in NumPy; returns (final state, spikes)."""
    res, c = lsm.reservoir_, lsm.reservoir_.consts
    n, n_slots = res.n_neurons, res.n_slots
    pre = res.presynaptic
    # One (post x pre) matrix per delay value, excitatory and inhibitory apart.
    by_delay = []
    for d in np.unique(res.rec_delays):
        for inhibitory in (False, True):
            keep = (res.rec_delays == d) & (res.is_inhibitory[pre] == inhibitory)
            if keep.any():
                w = sparse.csr_matrix((res.rec_weights[keep], (res.rec_indices[keep], pre[keep])), shape=(n, n))
                by_delay.append((int(d), inhibitory, w))
    w_in = res.input_weights.T.tocsr()  # (neurons, channels)
    v, i_exc, i_inh = res.v_init.copy(), np.zeros(n), np.zeros(n)
    refractory_left = np.zeros(n, dtype=np.int64)
    buffer_exc, buffer_inh = np.zeros((n_slots, n)), np.zeros((n_slots, n))
    state, decay_state = np.zeros(n), np.exp(-res.dt / 30.0)
    total = 0
    step = 0
    for frame in rates:
        p_spike = frame * res.dt / 1000.0
        for _ in range(res.steps_per_frame):
            slot = step % n_slots
            i_exc += w_in @ (rng.random(p_spike.shape[0]) < p_spike) + buffer_exc[slot]
            i_inh += buffer_inh[slot]
            buffer_exc[slot] = 0.0
            buffer_inh[slot] = 0.0
            refractory = refractory_left > 0
            v = np.where(
                refractory,
                c.v_reset,
                c.v_rest + (v - c.v_rest) * c.decay_m + res.bias * c.gain_const
                + i_exc * c.prop_exc + i_inh * c.prop_inh,
            )
            refractory_left[refractory] -= 1
            i_exc *= c.decay_exc
            i_inh *= c.decay_inh
            state *= decay_state
            spiking = v >= c.v_thresh
            if spiking.any():
                v[spiking] = c.v_reset
                refractory_left[spiking] = res.refractory_steps[spiking]
                state[spiking] += 1.0
                total += int(spiking.sum())
                s = spiking.astype(np.float64)
                for delay, inhibitory, w in by_delay:
                    target = buffer_inh if inhibitory else buffer_exc
                    target[(step + delay) % n_slots] += w @ s
            step += 1
    return state, total


def run(n_neurons: int, n_samples: int, n_baseline: int, n_jobs: int) -> dict:
    n_frames = 100  # x 10 ms = 1 s per sample, dt = 1 ms
    X = poisson_inputs(n_samples, 100, n_frames, seed=1)
    lsm = LiquidStateMachine(
        n_neurons=n_neurons,
        encoder=PoissonEncoder(normalize=False),
        input_scale=2.0,
        features="state",
        random_state=0,
        n_jobs=n_jobs,
    )
    start = time.perf_counter()
    lsm.fit(X[:2])  # builds the network; compiles the kernels on a cold cache
    build_s = time.perf_counter() - start

    start = time.perf_counter()
    lsm.fit(X)  # sets firing_rate_ on all samples
    liquid_s = time.perf_counter() - start
    rate = lsm.firing_rate_

    rng = np.random.default_rng(0)
    start = time.perf_counter()
    baseline_spikes = sum(numpy_simulate(lsm, x, rng)[1] for x in X[:n_baseline])
    baseline_s = time.perf_counter() - start
    baseline_rate = baseline_spikes / (n_baseline * n_neurons * 1.0)

    steps = n_frames * lsm.reservoir_.steps_per_frame
    out_degree = lsm.reservoir_.weights.nnz / n_neurons
    spikes = rate * n_neurons * n_samples * 1.0
    return {
        "n_neurons": n_neurons,
        "rate_hz": rate,
        "baseline_rate_hz": baseline_rate,
        "build_s": build_s,
        "liquid_s": liquid_s,
        "liquid_samples_per_s": n_samples / liquid_s,
        "baseline_samples_per_s": n_baseline / baseline_s,
        "neuron_updates_per_s": n_samples * n_neurons * steps / liquid_s,
        "synaptic_events_per_s": spikes * out_degree / liquid_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--samples", type=int, default=100, help="samples of 1 s simulated by liquid")
    parser.add_argument("--baseline-samples", type=int, default=10, help="samples simulated by the NumPy baseline")
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--quick", action="store_true", help="tiny run to check the script works")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.samples, args.baseline_samples = [200], 4, 1

    print(f"# engine benchmark  {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}")
    print(f"# {args.samples} samples x 1 s (dt 1 ms), 100 Poisson channels (0-40 Hz); "
          f"NumPy/scipy.sparse baseline on {args.baseline_samples} samples")
    header = (f"{'N':>6} {'rate Hz':>8} {'base Hz':>8} {'liquid s':>9} {'samples/s':>10} {'base s/s':>9} "
              f"{'neuron-upd/s':>13} {'syn-events/s':>13} {'speed-up':>9}")
    print(header)
    for n in args.sizes:
        r = run(n, args.samples, args.baseline_samples, args.n_jobs)
        ratio = r["liquid_samples_per_s"] / r["baseline_samples_per_s"]
        print(f"{n:>6} {r['rate_hz']:>8.1f} {r['baseline_rate_hz']:>8.1f} {r['liquid_s']:>9.2f} "
              f"{r['liquid_samples_per_s']:>10.1f} {r['baseline_samples_per_s']:>9.2f} "
              f"{r['neuron_updates_per_s']:>13.3g} {r['synaptic_events_per_s']:>13.3g} {ratio:>8.1f}x", flush=True)


if __name__ == "__main__":
    main()
