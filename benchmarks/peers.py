"""liquid next to the tools people know: Brian2 for speed, reservoirpy's ESN for accuracy.

Speed: the network of benchmarks/engine.py (N = 1,000 and 4,000, 100 Poisson
channels at 0-40 Hz per 10 ms frame, dt = 1 ms, 100 samples of 1 s) is built
once by liquid, and the very same neurons, synapses, delays and input weights
are handed to Brian2 (runtime mode, default code generation target, 1
thread). liquid simulates the 100 independent samples from rest (2 threads);
Brian2 does the same with ``restore()`` before each ``run()`` ("ratio"), and,
as its best case, one continuous 100 s run ("1 run"). Mean firing rates are
printed for both, so the comparison is of the same model in the same regime.
Compile time (numba cache load / Brian2 code generation) is separate.

Accuracy: Japanese Vowels and NATOPS, official splits: the default
LSMClassifier, an echo state network from reservoirpy (1,000 tanh units,
spectral radius 0.9, leak 0.1, ridge readout on the last state: reservoirpy's
own Japanese Vowels recipe) and a static baseline (logistic regression on the
time-averaged channels). Fit + predict times included.

Needs the "bench" extra: pip install "liquid-lsm[bench]" (Brian2 needs numpy < 2.4).
Usage: python benchmarks/peers.py [--sizes 1000 4000] [--seconds 100] [--quick]
"""
from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from liquid import LiquidStateMachine, LSMClassifier, PoissonEncoder
from liquid.datasets import load_japanese_vowels, load_uea


def liquid_network(n_neurons: int, X: list[np.ndarray]) -> tuple[LiquidStateMachine, float, float]:
    """The fitted liquid, the compile/load time of its first call, and the wall time on X."""
    # Homogeneous LIF neurons and the connection types' own delays: the model brian2_network rebuilds.
    lsm = LiquidStateMachine(n_neurons=n_neurons, neuron="lif", max_delay=None, encoder=PoissonEncoder(normalize=False),
                             input_scale=2.0, features="state", random_state=0, n_jobs=-1)
    start = time.perf_counter()
    lsm.fit(X[:1])
    first = time.perf_counter() - start
    start = time.perf_counter()
    lsm.fit(X)
    return lsm, first, time.perf_counter() - start


def brian2_network(lsm: LiquidStateMachine, rates: np.ndarray):
    """The liquid's network (same neurons, synapses, delays, input weights) as a Brian2 Network."""
    import brian2 as b2

    b2.prefs.logging.console_log_level = "ERROR"
    b2.start_scope()
    res, c = lsm.reservoir_, lsm.reservoir_.consts
    step = res.dt * b2.ms
    b2.defaultclock.dt = step
    n = res.n_neurons
    namespace = {"v_rest": c.v_rest * b2.mV, "v_th": c.v_thresh * b2.mV, "v_reset": c.v_reset * b2.mV,
                 "tau_m": lsm.neuron_.tau_m * b2.ms, "tau_e": lsm.neuron_.tau_syn_exc * b2.ms,
                 "tau_i": lsm.neuron_.tau_syn_inh * b2.ms, "offset": 0 * b2.second,
                 "input_rates": b2.TimedArray(rates * b2.Hz, dt=res.steps_per_frame * step)}
    model = """
    dv/dt = (v_rest - v + bias + Ie + Ii) / tau_m : volt (unless refractory)
    dIe/dt = -Ie / tau_e : volt
    dIi/dt = -Ii / tau_i : volt
    bias : volt
    ref : second
    """
    group = b2.NeuronGroup(n, model, threshold="v >= v_th", reset="v = v_reset", refractory="ref", method="exact")
    group.v = res.v_init * b2.mV
    group.bias = res.bias * b2.mV
    # Brian2 stamps a spike at the start of its step and integrates again once t >= lastspike + ref,
    # so it holds a neuron ref - dt; liquid holds it for ref after the end of the spiking step.
    group.ref = (res.refractory_steps + 1) * step
    pre = res.presynaptic
    synapses = []
    for inhibitory, target in ((False, "Ie"), (True, "Ii")):
        keep = res.is_inhibitory[pre] == inhibitory
        s = b2.Synapses(group, group, "w : volt", on_pre=f"{target}_post += w")
        s.connect(i=pre[keep], j=res.rec_indices[keep])
        s.w = res.rec_weights[keep] * b2.mV
        s.delay = res.rec_delays[keep] * step
        synapses.append(s)
    poisson = b2.PoissonGroup(rates.shape[1], rates="input_rates(t + offset, i)")
    channel = res.input_channels
    feed = b2.Synapses(poisson, group, "w : volt", on_pre="Ie_post += w")
    feed.connect(i=channel, j=res.in_indices)
    feed.w = res.in_weights * b2.mV
    monitor = b2.SpikeMonitor(group, record=False)
    return b2.Network(group, poisson, feed, monitor, *synapses), monitor, namespace, step


def brian2_standalone(lsm: LiquidStateMachine, X: list[np.ndarray], threads: int) -> tuple[float, float]:
    """Brian2's C++ standalone mode on the same network and input: (simulation seconds of one continuous
    run through all of X, mean rate in Hz), compilation excluded (Brian2's own run timer)."""
    import tempfile

    import brian2 as b2

    with tempfile.TemporaryDirectory() as folder:
        b2.set_device("cpp_standalone", directory=folder, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = threads
        try:
            network, monitor, namespace, step = brian2_network(lsm, np.vstack(X))
            duration = X[0].shape[0] * lsm.reservoir_.steps_per_frame * step * len(X)
            network.run(duration, namespace=namespace)
            b2.device.build(directory=folder, compile=True, run=True)
            seconds = float(b2.device._last_run_time)
            rate = monitor.num_spikes / (lsm.n_neurons * float(duration))
        finally:
            b2.device.reinit()
            b2.device.activate("runtime")
    return seconds, rate


def brian2_run(lsm: LiquidStateMachine, X: list[np.ndarray]) -> dict:
    """Brian2 on the same work: compile time; one continuous run; and independent 1 s samples from rest
    (``store`` / ``restore`` around each), which is what the liquid simulates."""
    import brian2 as b2

    network, monitor, namespace, step = brian2_network(lsm, np.vstack(X))
    network.store()
    start = time.perf_counter()
    network.run(step, namespace=namespace)  # code generation and compilation
    compile_s = time.perf_counter() - start
    network.restore()
    sample = X[0].shape[0] * lsm.reservoir_.steps_per_frame * step
    start = time.perf_counter()
    network.run(sample * len(X), namespace=namespace)
    continuous_s = time.perf_counter() - start
    continuous_rate = monitor.num_spikes / (lsm.n_neurons * float(sample * len(X)))
    spikes = 0
    start = time.perf_counter()
    for k in range(len(X)):
        network.restore()
        network.run(sample, namespace={**namespace, "offset": k * sample})
        spikes += monitor.num_spikes
    per_sample_s = time.perf_counter() - start
    return {"compile_s": compile_s, "continuous_s": continuous_s, "continuous_rate": continuous_rate,
            "per_sample_s": per_sample_s, "per_sample_rate": spikes / (lsm.n_neurons * float(sample * len(X)))}


def speed(sizes, seconds: int) -> None:
    rng = np.random.default_rng(1)
    X = [rng.uniform(0.0, 40.0, size=(100, 100)) for _ in range(seconds)]  # 1 s samples of 10 ms frames
    print(f"speed: {seconds} samples x 1 s, dt 1 ms, 100 Poisson channels (0-40 Hz); rates in Hz, times in s")
    print(f"{'N':>6} {'liquid':>7} {'Brian2':>7} {'liquid s':>9} {'Brian2 s':>9} {'ratio':>7}   "
          f"{'Brian2 1 run':>12} {'rate':>6} {'ratio':>7}   {'1st call':>8} {'B2 compile':>10}")
    for n in sizes:
        lsm, first, liquid_s = liquid_network(n, X)
        b = brian2_run(lsm, X)
        print(f"{n:>6} {lsm.firing_rate_:>7.1f} {b['per_sample_rate']:>7.1f} {liquid_s:>9.2f} "
              f"{b['per_sample_s']:>9.2f} {b['per_sample_s'] / liquid_s:>6.1f}x   {b['continuous_s']:>12.2f} "
              f"{b['continuous_rate']:>6.1f} {b['continuous_s'] / liquid_s:>6.1f}x   {first:>8.2f} "
              f"{b['compile_s']:>10.2f}", flush=True)


def esn_accuracy(X_train, y_train, X_test, y_test, seed: int = 0) -> float:
    from reservoirpy.nodes import Reservoir, Ridge

    reservoir = Reservoir(1000, sr=0.9, lr=0.1, seed=seed)

    def last_states(sequences):
        states = []
        for x in sequences:
            if reservoir.initialized:
                reservoir.reset()  # every sequence starts from the zero state
            states.append(np.asarray(reservoir.run(x))[-1])
        return np.vstack(states)

    train, test = last_states(X_train), last_states(X_test)
    labels = np.unique(y_train)
    readout = Ridge(ridge=1e-6).fit(train, (y_train[:, None] == labels[None, :]).astype(float))
    return float(np.mean(labels[np.asarray(readout.run(test)).argmax(axis=1)] == y_test))


def accuracy(data: Path) -> None:
    sets = [("JapaneseVowels", load_japanese_vowels("train"), load_japanese_vowels("test"))]
    try:
        sets.append(("NATOPS", load_uea("NATOPS", "train", path=data), load_uea("NATOPS", "test", path=data)))
    except FileNotFoundError as error:
        print(f"NATOPS skipped: {error}")
    print("accuracy (official splits) and fit + predict time")
    print(f"{'dataset':<16} {'liquid':>14} {'ESN (reservoirpy)':>20} {'static':>14}")
    for name, train, test in sets:
        results = []
        for run in (
            lambda: LSMClassifier(random_state=0, n_jobs=-1).fit(train.X, train.y).score(test.X, test.y),
            lambda: esn_accuracy(list(train.X), train.y, list(test.X), test.y),
            lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
            .fit([x.mean(axis=0) for x in train.X], train.y).score([x.mean(axis=0) for x in test.X], test.y),
        ):
            start = time.perf_counter()
            score = run()
            results.append(f"{score:.3f} ({time.perf_counter() - start:.1f} s)")
        print(f"{name:<16} {results[0]:>14} {results[1]:>20} {results[2]:>14}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--seconds", type=int, default=100, help="simulated seconds (samples of 1 s)")
    default = Path(os.environ.get("LIQUID_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data") / "uea"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--quick", action="store_true", help="N = 200, 5 s")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.seconds = [200], 5
    print(f"# peers benchmark: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    speed(args.sizes, args.seconds)
    accuracy(args.data)


if __name__ == "__main__":
    main()
