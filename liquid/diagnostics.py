"""Judge a liquid: separation, kernel quality, activity statistics, memory capacity, and rate calibration.

Every function takes a *fitted* :class:`~liquid.LiquidStateMachine` (its
network, encoder and seed are used as they are) and returns a pandas
DataFrame (or a dict of numbers). The liquid state is the exponentially
filtered spike train of every neuron (time constant ``tau`` ms), read at the
end of each input frame unless stated otherwise.

References: Maass, Natschlaeger & Markram (2002) for the separation property;
Legenstein & Maass (2007) for kernel quality and generalisation rank; Jaeger
(2001) for memory capacity; Beggs & Plenz (2003) for the branching ratio.
"""
from __future__ import annotations

import sys
import time
import warnings
from numbers import Real

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._validation import check_sequences
from .estimators import LiquidActivityWarning, auto_steps_per_frame


def _states(lsm, sequences: list[np.ndarray], n_points: int, tau: float, seeds=None) -> np.ndarray:
    """Liquid states (n_samples, n_points, n_neurons) at the end of ``n_points`` equal segments."""
    check_is_fitted(lsm, "reservoir_")
    drives = [lsm.encoder_.encode(s) for s in sequences]
    seeds = lsm._sample_seeds(sequences) if seeds is None else np.asarray(seeds, dtype=np.int64)
    out = lsm.reservoir_.run(drives, lsm.encoder_.mode, seeds, 0, n_points, tau, effective_n_jobs(lsm.n_jobs))
    return out["state"]


def _random_inputs(lsm, n: int, n_frames: int, rng) -> list[np.ndarray]:
    return [rng.standard_normal((n_frames, lsm.n_channels_in_)) for _ in range(n)]


def separation(
    lsm,
    distances=(0.05, 0.1, 0.2, 0.5, 1.0),
    *,
    n_pairs: int = 20,
    n_frames: int = 20,
    tau: float = 30.0,
    random_state=None,
) -> pd.DataFrame:
    """Separation property: how far apart the liquid states of two inputs at a given distance drift.

    For each input distance ``d`` (RMS difference per frame and channel,
    in units of the standard-normal base inputs), ``n_pairs`` pairs ``(u,
    u + d * e)`` with ``e`` of unit RMS are simulated with the same noise
    seed; the Euclidean distance between their states is recorded at the end
    of every frame.

    Returns
    -------
    DataFrame with columns ``input_distance``, ``time_ms``, ``separation``
    (mean over pairs) and ``separation_std``.
    """
    rng = check_random_state(random_state)
    rows = []
    frame_ms = lsm.reservoir_.steps_per_frame * lsm.reservoir_.dt
    for distance in distances:
        base = _random_inputs(lsm, n_pairs, n_frames, rng)
        noise = _random_inputs(lsm, n_pairs, n_frames, rng)
        perturbed = [u + distance * e / np.sqrt(np.mean(e**2)) for u, e in zip(base, noise)]
        seeds = rng.randint(np.iinfo(np.int32).max, size=n_pairs)
        a = _states(lsm, base, n_frames, tau, seeds)
        b = _states(lsm, perturbed, n_frames, tau, seeds)
        gap = np.linalg.norm(a - b, axis=2)  # (pairs, frames)
        for t in range(n_frames):
            rows.append(
                {"input_distance": float(distance), "time_ms": (t + 1) * frame_ms,
                 "separation": gap[:, t].mean(), "separation_std": gap[:, t].std()}
            )
    return pd.DataFrame(rows)


def effective_rank(matrix: np.ndarray, rtol: float = 0.01) -> int:
    """Number of singular values above ``rtol`` times the largest (0 for an all-zero matrix)."""
    singular = np.linalg.svd(matrix, compute_uv=False)
    return int(np.sum(singular > rtol * singular[0])) if singular.size and singular[0] > 0 else 0


def kernel_quality(
    lsm,
    *,
    n_inputs: int | None = None,
    n_frames: int = 20,
    memory_frames: int = 0,
    noise: float = 0.1,
    tau: float = 30.0,
    rtol: float = 0.01,
    random_state=None,
) -> dict[str, float]:
    """Kernel quality and generalisation rank (Legenstein & Maass 2007).

    * ``kernel_rank``: effective rank of the matrix of final states for
      ``n_inputs`` distinct random inputs (how many different inputs the
      liquid tells apart);
    * ``generalization_rank``: the same for ``n_inputs`` noisy variants
      (RMS ``noise``) of one input (how much it is thrown by noise; lower is
      better);
    * ``score``: their difference.

    With ``memory_frames > 0`` the inputs differ only in their first
    ``n_frames - memory_frames`` frames and end in the same
    ``memory_frames`` frames, so telling them apart at the end needs memory.
    ``n_inputs`` defaults to the number of neurons (the largest possible rank).
    """
    rng = check_random_state(random_state)
    n_inputs = n_inputs or lsm.n_neurons
    if not 0 <= memory_frames < n_frames:
        raise ValueError(f"memory_frames must be in [0, n_frames={n_frames}), got {memory_frames}")
    shared_tail = rng.standard_normal((memory_frames, lsm.n_channels_in_))
    head = n_frames - memory_frames

    def with_tail(inputs):
        return [np.vstack([u[:head], shared_tail]) for u in inputs]

    distinct = with_tail(_random_inputs(lsm, n_inputs, n_frames, rng))
    reference = rng.standard_normal((n_frames, lsm.n_channels_in_))
    variants = with_tail([reference + noise * rng.standard_normal(reference.shape) for _ in range(n_inputs)])
    seed = np.full(n_inputs, rng.randint(np.iinfo(np.int32).max))
    kernel = effective_rank(_states(lsm, distinct, 1, tau, seed)[:, 0, :], rtol)
    generalization = effective_rank(_states(lsm, variants, 1, tau, seed)[:, 0, :], rtol)
    return {"kernel_rank": kernel, "generalization_rank": generalization, "score": kernel - generalization,
            "n_inputs": n_inputs}


def activity_statistics(lsm, X, *, bin_ms: float | None = None) -> dict[str, float]:
    """Activity and criticality measures of the liquid driven by the sequences ``X``.

    Returns mean rate (Hz), fractions of silent and saturated neurons, mean
    coefficient of variation of inter-spike intervals (neurons with >= 3
    spikes), mean Fano factor of spike counts in bins of ``bin_ms`` (default:
    the frame duration), synchrony (Golomb's chi: std of the population rate
    over the mean std of single neurons, in [0, 1]) and the branching ratio
    (mean ratio of spikes in consecutive ``dt``-bins, Beggs & Plenz 2003; ~1
    at criticality, < 1 subcritical, > 1 supercritical).
    """
    check_is_fitted(lsm, "reservoir_")
    sequences = lsm._check_input(X)
    res = lsm.reservoir_
    n, dt = res.n_neurons, res.dt
    bin_ms = bin_ms or res.steps_per_frame * dt
    bin_steps = max(1, int(round(bin_ms / dt)))
    max_rate = lsm.neuron_.max_rate(dt)
    totals, cvs, fanos, chis, ratios = np.zeros(n), [], [], [], []
    total_ms = 0.0
    for sequence, seed in zip(sequences, lsm._sample_seeds(sequences)):
        raster, _ = res.record(lsm.encoder_.encode(sequence), lsm.encoder_.mode, int(seed))
        n_steps = sequence.shape[0] * res.steps_per_frame
        total_ms += n_steps * dt
        steps = np.rint(raster["time"].to_numpy() / dt).astype(np.int64) - 1
        neurons = raster["neuron"].to_numpy()
        totals += np.bincount(neurons, minlength=n)
        order = np.lexsort((steps, neurons))
        by_neuron = np.split(steps[order], np.cumsum(np.bincount(neurons, minlength=n))[:-1])
        for spike_steps in by_neuron:
            if spike_steps.size >= 3:
                isi = np.diff(spike_steps)
                cvs.append(isi.std() / isi.mean())
        n_bins = n_steps // bin_steps
        if n_bins >= 2:
            counts = np.zeros((n, n_bins))
            keep = steps < n_bins * bin_steps
            np.add.at(counts, (neurons[keep], steps[keep] // bin_steps), 1.0)
            active = counts[counts.mean(axis=1) > 0]
            if active.shape[0]:
                fanos.append(np.mean(active.var(axis=1) / active.mean(axis=1)))
                single_variance = active.var(axis=1).mean()
                if single_variance > 0:
                    chis.append(np.sqrt(active.mean(axis=0).var() / single_variance))
        population = np.bincount(steps, minlength=n_steps).astype(float)
        ancestors = population[:-1] > 0
        if ancestors.any():
            ratios.append(np.mean(population[1:][ancestors] / population[:-1][ancestors]))
    rates = totals / (total_ms / 1000.0)
    return {
        "mean_rate_hz": float(rates.mean()),
        "silent_fraction": float(np.mean(rates == 0)),
        "saturated_fraction": float(np.mean(rates > 0.5 * max_rate)),
        "cv_isi": float(np.mean(cvs)) if cvs else float("nan"),
        "fano_factor": float(np.mean(fanos)) if fanos else float("nan"),
        "synchrony": float(np.mean(chis)) if chis else float("nan"),
        "branching_ratio": float(np.mean(ratios)) if ratios else float("nan"),
    }


def memory_capacity(
    lsm,
    *,
    max_delay: int = 30,
    n_frames: int = 2000,
    washout: int = 50,
    tau: float | None = None,
    alpha: float = 1e-3,
    random_state=None,
) -> pd.DataFrame:
    """Short-term memory curve (Jaeger 2001): how well ``u(t - k)`` is linearly recalled from the state at ``t``.

    A univariate i.i.d. uniform input (copied to every input channel) drives
    the liquid for ``n_frames`` frames; for each delay ``k`` in
    ``0..max_delay`` a ridge readout of the state at the end of frame ``t``
    is trained on the first half and scored on the second as the squared
    correlation ``MC_k`` between ``u(t - k)`` and its reconstruction. The
    memory capacity is ``sum_k MC_k`` (at most the number of neurons).

    ``tau`` (ms) of the state filter defaults to one frame.

    Returns
    -------
    DataFrame with ``delay`` (frames) and ``capacity`` (MC_k); its ``attrs``
    hold ``total`` (the sum).
    """
    rng = check_random_state(random_state)
    frame_ms = lsm.reservoir_.steps_per_frame * lsm.reservoir_.dt
    u = rng.uniform(-1.0, 1.0, size=n_frames)
    sequence = np.repeat(u[:, None], lsm.n_channels_in_, axis=1)
    states = _states(lsm, [sequence], n_frames, tau or frame_ms)[0]  # (n_frames, n_neurons)
    start = washout + max_delay
    split = start + (n_frames - start) // 2
    rows = []
    for k in range(max_delay + 1):
        target = u[start - k : n_frames - k]
        features = states[start:]
        n_train = split - start
        if np.allclose(features.std(axis=0), 0):
            capacity = 0.0
        else:
            readout = Ridge(alpha=alpha).fit(features[:n_train], target[:n_train])
            predicted = readout.predict(features[n_train:])
            capacity = float(np.corrcoef(predicted, target[n_train:])[0, 1] ** 2) if predicted.std() > 0 else 0.0
        rows.append({"delay": k, "capacity": capacity})
    curve = pd.DataFrame(rows)
    curve.attrs["total"] = float(curve["capacity"].sum())
    return curve


def calibrate(
    lsm,
    X,
    *,
    target_rate: tuple[float, float] = (5.0, 30.0),
    max_samples: int = 6,
    max_iter: int = 16,
    random_state=None,
):
    """Scale the liquid's drive so that it fires in ``target_rate`` (Hz) on a subsample of ``X``.

    One gain ``g`` multiplies ``input_scale`` and the excitatory weights
    ``w_ee`` and ``w_ei``; the rate grows with it. The network is built once
    (weights scale linearly with these parameters for a given seed) and each
    probe only simulates ``max_samples`` randomly chosen sequences with the
    scaled weights: the gain is quadrupled (or quartered) until the rate
    brackets the band's geometric centre, then bisected in log-space, stopping
    at the first rate in the middle half of the band (in log-rate).

    Returns
    -------
    The calibrated liquid: a clone of ``lsm`` with the scaled parameters,
    fitted on ``X``, with ``calibration_`` (a DataFrame of the probes: gain,
    parameters, rate) and ``calibration_time_`` (s, the search alone).
    With ``lsm.verbose``, each probe prints a line on stderr. A
    ``LiquidActivityWarning`` says when no probe reached the band (the
    closest one is used), and when the calibrated liquid's rate on all of
    ``X`` falls outside the band although the subsample's was inside it (a
    rate that jumps near the chosen gain).
    """
    low, high = target_rate
    if not (isinstance(low, Real) and isinstance(high, Real) and 0 < low < high):
        raise ValueError(f"target_rate must be (low, high) with 0 < low < high Hz, got {target_rate!r}")
    started = time.perf_counter()
    sequences, _ = check_sequences(X)
    sequences = lsm._read_parts(sequences)  # what the final fit reads: without padding under trim_padding
    rng = check_random_state(random_state)
    subset = [sequences[i] for i in rng.permutation(len(sequences))[:max_samples]]
    base = clone(lsm)
    scaled = {"input_scale": base.input_scale if base.input_scale > 0 else 1.0, "w_ee": base.w_ee, "w_ei": base.w_ei}
    probe = clone(base).set_params(**scaled)
    if base.frame_duration == "auto":  # the probe is built on one sequence: hold frames as the final fit will
        probe.set_params(frame_duration=auto_steps_per_frame(base.dt, [s.shape[0] for s in sequences]) * float(base.dt))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LiquidActivityWarning)  # the uncalibrated liquid is expected to be off
        probe.fit(subset[:1])
    # The encoder's statistics come from all of X, as in the final fit.
    probe.encoder_.fit(sequences, frame_duration=probe.frame_duration_)
    reservoir = probe.reservoir_
    rec_weights, in_weights = reservoir.rec_weights.copy(), reservoir.in_weights.copy()
    excitatory = ~reservoir.is_inhibitory[reservoir.presynaptic]
    drives = [probe.encoder_.encode(s) for s in subset]
    seeds = probe._sample_seeds(subset)
    duration_s = sum(s.shape[0] for s in subset) * reservoir.steps_per_frame * reservoir.dt / 1000.0

    def rate_at(gain: float) -> float:
        reservoir.rec_weights = np.where(excitatory, rec_weights * gain, rec_weights)
        reservoir.in_weights = in_weights * gain
        reservoir.refresh_dense_input()
        out = reservoir.run(drives, probe.encoder_.mode, seeds, 0, 0, 1.0, effective_n_jobs(base.n_jobs))
        return float(out["total"].sum() / (reservoir.n_neurons * duration_s))

    # Aim at the middle half of the band (in log-rate), so that the rate on all of X is safely inside.
    centre, tolerance = np.log(np.sqrt(low * high)), 0.25 * np.log(high / low)
    rows, bracket = [], [None, None]  # log-gains known to give rates below / above the centre
    log_gain, best = 0.0, None
    for iteration in range(max_iter):
        gain = float(np.exp(log_gain))
        rate = rate_at(gain)
        rows.append({"iteration": iteration, "gain": gain, **{k: v * gain for k, v in scaled.items()}, "rate_hz": rate})
        if base.verbose:
            print(f"liquid: calibrate probe {iteration + 1}: gain {gain:.3g} -> {rate:.2f} Hz "
                  f"(target {low:g}-{high:g} Hz), {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        if abs(np.log(max(rate, 1e-9)) - centre) <= tolerance:
            best = gain
            break
        bracket[0 if rate < np.exp(centre) else 1] = log_gain
        if bracket[0] is None:
            log_gain -= np.log(4.0)
        elif bracket[1] is None:
            log_gain += np.log(4.0)
        else:
            log_gain = 0.5 * (bracket[0] + bracket[1])
    history = pd.DataFrame(rows)
    if best is None:  # closest probe to the band's centre
        closest = (np.log(history["rate_hz"].clip(lower=1e-3)) - centre).abs().idxmin()
        best = history.loc[closest, "gain"]
        if not low <= history.loc[closest, "rate_hz"] <= high:
            warnings.warn(
                f"calibrate: no gain within {max_iter} probes gave a rate in {low:g}-{high:g} Hz; using the "
                f"closest, {history.loc[closest, 'rate_hz']:.3g} Hz at gain {best:.3g} (raise max_iter, or change "
                "the neuron's bias or the encoder if the rate does not respond to the drive)",
                LiquidActivityWarning,
                stacklevel=2,
            )
    calibration_time = time.perf_counter() - started
    calibrated = clone(base).set_params(**{k: v * best for k, v in scaled.items()}).fit(X)
    probe_rate = history.loc[history["gain"] == best, "rate_hz"].iloc[0]
    if low <= probe_rate <= high and not low <= calibrated.firing_rate_ <= high:
        # A liquid whose rate jumps near the chosen gain: the subsample's rate does not hold on all of X.
        warnings.warn(
            f"calibrate: {probe_rate:.3g} Hz on {len(subset)} sequences, but the calibrated liquid fires at "
            f"{calibrated.firing_rate_:.3g} Hz on all of X, outside {low:g}-{high:g} Hz (its rate changes "
            "steeply near this gain; raise max_samples)",
            LiquidActivityWarning,
            stacklevel=2,
        )
    calibrated.calibration_ = history
    calibrated.calibration_time_ = calibration_time
    return calibrated
