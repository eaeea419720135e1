"""The classic picture: a raster of 100 LIF neurons driven by Poisson input.

The network of the Brian2 tutorial, built with liquid's lower-level API:
100 leaky integrate-and-fire neurons (tau_m = 10 ms, rest -70 mV, threshold
-55 mV, reset -75 mV), random recurrent synapses with p = 0.1, driven by 100
Poisson inputs at 15 Hz. Writes the raster and population rate to a PNG.

Usage: python examples/raster.py [--output docs/raster.png] [--quick]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from liquid import LIF, LiquidStateMachine, PoissonEncoder, RandomSparse, plotting


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=Path("raster.png"))
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated time (ms)")
    parser.add_argument("--quick", action="store_true", help="200 ms only")
    args = parser.parse_args(argv)
    duration = 200.0 if args.quick else args.duration

    neuron = LIF(tau_m=10.0, v_rest=-70.0, v_thresh=-55.0, v_reset=-75.0, refractory_exc=2.0, refractory_inh=2.0,
                 bias=0.0, bias_jitter=0.0)
    liquid = LiquidStateMachine(
        n_neurons=100,
        frac_inhibitory=0.2,
        neuron=neuron,
        topology=RandomSparse(p_connect=0.1),
        encoder=PoissonEncoder(normalize=False),  # the input is given as rates (Hz)
        input_fraction=0.1,
        input_scale=20.0,
        w_ee=5.0, w_ei=5.0, w_ie=10.0, w_ii=10.0,
        frame_duration=duration,
        dt=0.1,
        random_state=0,
    )
    rates = np.full((1, 100), 15.0)  # one frame: 100 Poisson channels at 15 Hz for the whole run
    liquid.fit([rates])
    spikes, traces = liquid.raster(rates, trace_neurons=[0])
    print(f"{len(spikes)} spikes from {liquid.n_neurons} neurons in {duration:.0f} ms "
          f"(mean rate {liquid.firing_rate_:.1f} Hz)")

    plt = plotting.headless_pyplot()
    if plt is None:
        return
    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(9, 7), sharex=True,
                                              gridspec_kw={"height_ratios": [3, 1, 1]})
    plotting.raster(spikes, is_inhibitory=liquid.reservoir_.is_inhibitory, ax=top, markersize=4)
    plotting.population_rate(spikes, liquid.n_neurons, bin_ms=5.0, ax=middle)
    plotting.membrane_traces(traces, dt=liquid.dt, neurons=[0], ax=bottom)
    top.set_title("100 LIF neurons, p = 0.1, 15 Hz Poisson input")
    fig.tight_layout()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.output, dpi=100)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
