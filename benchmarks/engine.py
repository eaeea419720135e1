"""Engine speed: liquid against a plain two-pass numba kernel simulating the same network.

Workload W: LIF neurons (80/20 E/I, tau_m 20 ms, tau_syn 5 ms, refractory 2 ms),
100 Poisson input channels at 20 Hz, dt 1 ms, samples of 1 s; N = 1,000 with
p = 0.1, larger N with in-degree 100. The reference kernel below is what one
writes by hand for exactly this model: a vectorised membrane update, a spike
scan, CSR delivery through a ring buffer with one delay per presynaptic
neuron, int32 indices. It simulates liquid's own network (weights, delays,
biases, input synapses) with its own Poisson draws at the same rates, so the
firing rates match and the work is the same. It lives here, not in the package.

Printed per N and thread count: ms per sample for liquid's ``transform``
(public API, features included; it reads three time scales, 1.32x the steps),
liquid's batch kernel alone, and the reference; their ratio; neuron-updates/s
and synaptic events/s of the kernel (which simulates W exactly once per
sample); firing rates;
per N, the bytes held by synapses and spike queues and the peak RSS.
Medians over ``--rounds`` interleaved rounds. With the bench extra, Brian2's
C++ standalone mode simulates the same network (built by benchmarks/peers.py)
in one continuous run on 1 and 2 threads, timed by Brian2 itself (its
compilation excluded). The cold compile time of a first ``fit`` is measured in
a subprocess with an empty numba cache folder.

Usage: python benchmarks/engine.py [--sizes 1000 10000 50000 100000] [--samples 40] [--rounds 5] [--quick]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/peers.py (Brian2 network)
from numba import njit, prange

from liquid import LIF, LiquidStateMachine, PoissonEncoder
from liquid.topology import FixedInDegree, RandomSparse


@njit(cache=True)
def _reference_sample(rates, steps_per_frame, p_per_hz, seed, indptr, indices, weights, out_delay, n_slots,
                      in_indptr, in_indices, in_weights, bias, v_init, refractory, decay_m, gain, prop, decay_syn,
                      v_thresh, v_reset):
    n = v_init.shape[0]
    v = v_init.copy()
    current = np.zeros(n)
    refractory_left = np.zeros(n, dtype=np.int32)
    buffer = np.zeros((n_slots, n))
    spiking = np.empty(n, dtype=np.int32)
    total = 0
    np.random.seed(seed)
    step = 0
    for frame in range(rates.shape[0]):
        for _ in range(steps_per_frame):
            for c in range(rates.shape[1]):
                if np.random.random() < rates[frame, c] * p_per_hz:
                    for k in range(in_indptr[c], in_indptr[c + 1]):
                        current[in_indices[k]] += in_weights[k]
            arriving = buffer[step % n_slots]
            for i in range(n):  # pass 1: update every neuron (vectorised)
                syn = current[i] + arriving[i]
                v_new = v[i] * decay_m + bias[i] * gain + syn * prop
                v[i] = v_reset if refractory_left[i] > 0 else v_new
                refractory_left[i] = max(refractory_left[i] - 1, 0)
                current[i] = syn * decay_syn
                arriving[i] = 0.0
            n_spiking = 0
            for i in range(n):  # pass 2: spike scan
                if v[i] >= v_thresh:
                    spiking[n_spiking] = i
                    n_spiking += 1
            for j in range(n_spiking):
                i = spiking[j]
                v[i] = v_reset
                refractory_left[i] = refractory[i]
                row = buffer[(step + out_delay[i]) % n_slots]
                for k in range(indptr[i], indptr[i + 1]):
                    row[indices[k]] += weights[k]
            total += n_spiking
            step += 1
    return total


@njit(parallel=True, cache=True)
def reference_batch(drives, steps_per_frame, p_per_hz, indptr, indices, weights, out_delay, n_slots, in_indptr,
                    in_indices, in_weights, bias, v_init, refractory, decay_m, gain, prop, decay_syn, v_thresh, v_reset):
    totals = np.zeros(drives.shape[0], dtype=np.int64)
    for s in prange(drives.shape[0]):
        totals[s] = _reference_sample(drives[s], steps_per_frame, p_per_hz, s + 1, indptr, indices, weights,
                                      out_delay, n_slots, in_indptr, in_indices, in_weights, bias, v_init,
                                      refractory, decay_m, gain, prop, decay_syn, v_thresh, v_reset)
    return totals


def workload(n_neurons: int, n_jobs: int) -> LiquidStateMachine:
    topology = RandomSparse(0.1) if n_neurons <= 1000 else FixedInDegree(100)
    neuron = LIF(tau_m=20.0, tau_syn_exc=5.0, tau_syn_inh=5.0, refractory_exc=2.0, refractory_inh=2.0,
                 v_reset=0.0, bias=0.0, bias_jitter=0.0)
    return LiquidStateMachine(
        n_neurons, neuron=neuron, topology=topology, encoder=PoissonEncoder(normalize=False), input_scale=6.8,
        input_fraction=0.2, w_ee=0.5, w_ei=0.5, w_ie=2.5, w_ii=2.5, features="state", random_state=0, n_jobs=n_jobs,
    )


def reference_arrays(lsm: LiquidStateMachine) -> tuple:
    res, c = lsm.reservoir_, lsm.reservoir_.consts
    return (
        res.rec_indptr, res.rec_indices.astype(np.int32), res.rec_weights, res.out_delay.astype(np.int32),
        res.n_slots, res.in_indptr, res.in_indices.astype(np.int32), res.in_weights, res.bias, res.v_init,
        res.refractory_steps.astype(np.int32), c.decay_m, c.gain_const, c.prop_exc, c.decay_exc, c.v_thresh,
        c.v_reset,
    )


def median_time(function, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def cold_compile_seconds() -> float:
    """A first fit + transform in a fresh process with an empty numba cache folder."""
    code = (
        "import time; t = time.perf_counter(); import numpy as np; from liquid import LiquidStateMachine; "
        "X = [np.random.default_rng(0).random((20, 3)) for _ in range(4)]; "
        "LiquidStateMachine(100, random_state=0).fit(X).transform(X); print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000, 100000])
    parser.add_argument("--samples", type=int, default=40, help="samples of 1 s per timed call")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; medians are printed")
    parser.add_argument("--quick", action="store_true", help="tiny run to check the script works")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.samples, args.rounds = [300], 4, 1
    n_cores = min(2, numba.config.NUMBA_NUM_THREADS)

    print(f"# engine benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, numba {numba.__version__}")
    print(f"# workload W, {args.samples} samples x 1 s per call, medians of {args.rounds} interleaved rounds")
    print(f"{'N':>6} {'thr':>3} {'transform ms':>12} {'kernel ms':>10} {'reference ms':>12} {'ratio':>6} "
          f"{'kernel ratio':>12} {'neuron-upd/s':>12} {'syn-ev/s':>9} {'rate Hz':>8} {'ref Hz':>7}")
    rng = np.random.default_rng(1)
    for n in args.sizes:
        X = [np.full((100, 100), 20.0) for _ in range(args.samples)]
        lsm = workload(n, 1).fit(X[:2])
        ref = reference_arrays(lsm)
        drives = np.stack(X)
        steps, p_per_hz = lsm.reservoir_.steps_per_frame, lsm.reservoir_.dt / 1000.0
        liquid_seeds = rng.integers(0, 2**31 - 1, size=args.samples)
        transform_ms = {}
        reference_batch(drives[:1], steps, p_per_hz, *ref)  # compile (or load) before timing
        for threads in sorted({1, n_cores}):
            lsm.set_params(n_jobs=threads)
            numba.set_num_threads(threads)
            timings = {"transform": [], "kernel": [], "reference": []}
            for _ in range(args.rounds):
                timings["transform"].append(median_time(lambda: lsm.transform(X), 1))
                timings["kernel"].append(median_time(
                    lambda: lsm.reservoir_.run(X, lsm.encoder_.mode, liquid_seeds, 0, 0, 30.0, threads), 1))
                start = time.perf_counter()
                spikes = reference_batch(drives, steps, p_per_hz, *ref).sum()
                timings["reference"].append(time.perf_counter() - start)
            t = {k: 1000.0 * float(np.median(v)) / args.samples for k, v in timings.items()}
            transform_ms[threads] = t["transform"]
            out = lsm.reservoir_.run(X, lsm.encoder_.mode, liquid_seeds, 0, 0, 30.0, threads)
            rate = out["total"].sum() / (n * args.samples)
            ref_rate = spikes / (n * args.samples)
            out_degree = lsm.reservoir_.rec_indices.size / n
            print(f"{n:>6} {threads:>3} {t['transform']:>12.2f} {t['kernel']:>10.2f} {t['reference']:>12.2f} "
                  f"{t['transform'] / t['reference']:>6.2f} {t['kernel'] / t['reference']:>12.2f} "
                  f"{n * 1000 / (t['kernel'] / 1000):>12.3g} {rate * n * out_degree / (t['kernel'] / 1000):>9.3g} "
                  f"{rate:>8.1f} {ref_rate:>7.1f}", flush=True)
        res = lsm.reservoir_
        synapse_mb = sum(a.nbytes for a in (res.rec_indices, res.rec_weights, res.in_indices, res.in_weights)) / 1e6
        print(f"{n:>6}      memory: {res.rec_indices.size:.3g} synapses in {synapse_mb:.0f} MB, spike queue "
              f"{4 * res.n_slots * n / 1e6:.0f} MB per thread, peak RSS of this process "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB", flush=True)
        brian2_rows(lsm, X, n, transform_ms)
    print(f"# cold compile (first fit + transform, empty numba cache): {cold_compile_seconds():.1f} s")


def brian2_rows(lsm: LiquidStateMachine, X: list[np.ndarray], n: int, liquid_ms: dict) -> None:
    """Brian2's C++ standalone mode on the same network, 1 thread and all threads (the bench extra)."""
    if importlib.util.find_spec("brian2") is None:
        print(f"{n:>6}      Brian2 C++ standalone: not installed (pip install 'liquid-lsm[bench]')")
        return
    from peers import brian2_standalone

    for threads in sorted({1, min(2, os.cpu_count() or 1)}):
        seconds, rate = brian2_standalone(lsm, X, threads)
        ms = 1000.0 * seconds / len(X)
        print(f"{n:>6} {threads:>3}  Brian2 C++ standalone {ms:.2f} ms per sample (one continuous run), "
              f"rate {rate:.1f} Hz; liquid transform ({threads} thread{'s' if threads > 1 else ''}) is "
              f"{ms / liquid_ms[threads]:.2f}x faster", flush=True)


if __name__ == "__main__":
    main()
