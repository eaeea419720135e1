"""Spike delivery alone: how fast can any kernel add synapse rows into the currents, by N?

The engine benchmark's last target asks the throughput per synaptic event at
N = 50,000 and 100,000 to stay within 2x of N = 1,000. This script measures how
the memory system alone takes that fall: the bare delivery loop with no neuron
model and no software prefetch (the engine's kernel prefetches every cache line
of the rows two spikes ahead, and falls less than this loop), on the
engine workload's shape (in-degree 100 random targets, 1.1 % of the neurons
firing per 1-ms step, i.e. 11 Hz, spikes of a step in ascending neuron order as
a spike scan produces them), in two layouts written here:

* split: int32 targets and float64 weights in two arrays (liquid's layout);
* packed: 8-byte synapses, int32 target and float32 weight interleaved (one
  stream of 8 bytes per synapse instead of two of 12).

Printed: synaptic events/s per N and layout, and the fall from N = 1,000.
Medians of ``--rounds`` runs.

Usage: python benchmarks/delivery.py [--sizes 1000 10000 50000 100000] [--steps 1000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from numba import njit


@njit(cache=True)
def deliver_split(indptr, targets, weights, spike_ptr, spikes, currents):
    for step in range(spike_ptr.shape[0] - 1):
        for j in range(spike_ptr[step], spike_ptr[step + 1]):
            m = spikes[j]
            for k in range(indptr[m], indptr[m + 1]):
                currents[targets[k]] += weights[k]
        for n in range(currents.shape[0]):  # the synaptic decay every step has to do anyway
            currents[n] *= 0.8


@njit(cache=True)
def deliver_packed(indptr, packed, packed_weights, spike_ptr, spikes, currents):
    for step in range(spike_ptr.shape[0] - 1):
        for j in range(spike_ptr[step], spike_ptr[step + 1]):
            m = spikes[j]
            for k in range(indptr[m], indptr[m + 1]):
                currents[packed[2 * k]] += packed_weights[2 * k + 1]
        for n in range(currents.shape[0]):
            currents[n] *= 0.8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000, 100000])
    parser.add_argument("--steps", type=int, default=1000, help="1-ms steps per timed call")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    degree, rate_per_step = 100, 0.011
    print(f"{'N':>7} {'layout':>7} {'events/s':>10} {'fall from N=1k':>15}")
    base = {}
    for n in args.sizes:
        rng = np.random.default_rng(0)
        indptr = np.arange(n + 1, dtype=np.int64) * degree
        targets = rng.integers(0, n, n * degree).astype(np.int32)
        weights = rng.gamma(4.0, 0.25, n * degree).astype(np.float32).astype(np.float64)
        packed = np.empty(2 * n * degree, dtype=np.int32)
        packed[0::2] = targets
        packed_weights = packed.view(np.float32)
        packed_weights[1::2] = weights
        per_step = [np.flatnonzero(rng.random(n) < rate_per_step) for _ in range(args.steps)]
        spikes = np.concatenate(per_step).astype(np.int64)
        spike_ptr = np.concatenate([[0], np.cumsum([s.size for s in per_step])]).astype(np.int64)
        events = spikes.size * degree
        for layout, function, arrays in (("split", deliver_split, (targets, weights)),
                                         ("packed", deliver_packed, (packed, packed_weights))):
            currents = np.zeros(n)
            function(indptr, *arrays, spike_ptr[:2], spikes, currents)  # compile or load
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                function(indptr, *arrays, spike_ptr, spikes, currents)
                times.append(time.perf_counter() - start)
            throughput = events / float(np.median(times))
            base.setdefault(layout, throughput)
            print(f"{n:>7} {layout:>7} {throughput:>10.3g} {base[layout] / throughput:>14.2f}x", flush=True)


if __name__ == "__main__":
    main()
