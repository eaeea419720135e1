"""scikit-learn estimators: the liquid as a transformer, and readout wrappers.

Data flow: encoder -> reservoir (numba kernels) -> feature extractors -> readout.
"""
from __future__ import annotations

import warnings
import zlib

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin, clone
from sklearn.utils import check_array, check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._limits import MAX_DELAY_STEPS, MAX_STEPS_PER_FRAME, MAX_WEIGHT_MV, check_memory, ms_to_steps
from ._progress import Progress
from ._validation import check_given, check_labels, check_number, check_sequences
from .encoders import ENCODERS
from .features import EXTRACTORS, trace_tau
from .kernels import MODE_CURRENT
from .neurons import NEURON_MODELS
from .plasticity import PLASTICITY_RULES, learning_arrays, train
from .readout import GramRidgeClassifierCV, GramRidgeCV
from .reservoir import build_reservoir
from .timescales import check_time_scales, coarsen, plan_time_scales, strip_padding
from .topology import TOPOLOGIES

#: Fraction of the refractory-limited maximum rate above which a neuron counts as saturated.
SATURATION_FRACTION = 0.5
#: The liquid counts as saturated when more than this fraction of its neurons is
#: saturated, or when its mean rate exceeds SATURATED_MEAN of the maximum rate.
SATURATED_NEURONS = 0.2
SATURATED_MEAN = 0.2
#: Mean rate (Hz) below which the liquid counts as silent.
SILENT_RATE = 0.1
#: ``frame_duration="auto"``: each input frame is held for AUTO_FRAME_MS, or longer when the median
#: training sequence would last less than MIN_SEQUENCE_MS. The liquid's membrane time constants reach
#: 1000 ms and its delays 100 ms: a sequence of 8 frames held 10 ms each is over before its slow half
#: has responded (a benchmark of 8-step sequences: 0.960 accuracy at 10 ms per frame, 0.976 at 40).
AUTO_FRAME_MS = 10.0
MIN_SEQUENCE_MS = 300.0


def auto_steps_per_frame(dt: float, lengths) -> int:
    """Steps of ``dt`` ms per frame under ``frame_duration="auto"`` for sequences of these lengths: at
    least one (a step longer than the frame's duration holds each frame for that one step)."""
    median_length = max(float(np.median(lengths)), 1.0)
    steps = max(np.ceil(AUTO_FRAME_MS / dt - 1e-9), np.ceil(MIN_SEQUENCE_MS / (median_length * dt) - 1e-9), 1.0)
    return int(min(steps, MAX_STEPS_PER_FRAME))


#: Weights of the spike-count columns against the other features that the default readout tries,
#: choosing one with its penalty by leave-one-out error. Counts pool over whole bins and carry the
#: sequence's duration; how much they should weigh against the instantaneous state depends on the
#: task (x3 helped 8 of 11 gesture and motion sets, and cost 1.3 points on unseen speakers), so the
#: training data decide.
COUNT_SCALES = (1.0, 3.0)
#: ``std_power`` of the classifier's default readout: each feature column divided by the square root of
#: its standard deviation, a penalty on each weight proportional to its column's spread. Between the
#: raw features (the widest columns dominate) and full standardisation (neurons that fire rarely in
#: training become columns as loud as any other: 0.62 against 0.78 mean accuracy over the benchmark's
#: multivariate and gesture sets). In benchmarks/accuracy.py it raised 7 of 14 results by 0.3-4 points
#: and lowered 5 (four by 0.2-0.7 points, one set of 15 test series by 6.7); see the README's table.
CLASSIFIER_STD_POWER = 0.5


def _content_seeds(sequences: list[np.ndarray], noise_seed: int) -> np.ndarray:
    """Per-sample seeds from the sample's content: a sample's noise and
    Poisson spikes never depend on its batch, position or the thread count."""
    seeds = [zlib.crc32(seq.tobytes(), zlib.crc32(np.array(seq.shape).tobytes(), noise_seed)) for seq in sequences]
    return np.array(seeds, dtype=np.int64) & 0x7FFFFFFF


class LiquidActivityWarning(UserWarning):
    """The liquid is silent or saturated on the training data."""


def _resolve(value, registry: dict, param: str):
    """A fresh copy of a component given as an instance or a registry name."""
    if isinstance(value, str):
        if value not in registry:
            raise ValueError(f"unknown {param}={value!r}; choose one of {sorted(registry)} or pass an instance")
        return registry[value]()
    if isinstance(value, tuple(registry.values())):
        return clone(value)
    raise TypeError(f"{param} must be one of {sorted(registry)} or an instance of one, got {value!r}")


def _resolve_features(features) -> list:
    items = [features] if isinstance(features, str) or not isinstance(features, (list, tuple)) else list(features)
    if not items:
        raise ValueError("features is empty; give at least one feature extractor")
    extractors = [_resolve(item, EXTRACTORS, "features") for item in items]
    kinds = [e.kind for e in extractors]
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"features lists the same kind of extractor twice: {kinds}")
    for extractor in extractors:
        extractor.validate()
    trace_tau(extractors)
    return extractors


class LiquidStateMachine(TransformerMixin, BaseEstimator):
    """A liquid of spiking neurons as a scikit-learn transformer.

    ``fit`` draws a random recurrent network of leaky integrate-and-fire
    neurons (excitatory and inhibitory, Dale's law) from ``random_state``;
    ``transform`` drives it with each input sequence and returns spike-pattern
    features, one row per sequence.

    Each input timestep ("frame") is held for ``frame_duration`` ms of
    simulated time, integrated in steps of ``dt`` ms.

    Parameters
    ----------
    n_neurons : int, default=1000
        Size of the liquid.
    frac_inhibitory : float, default=0.2
        Fraction of inhibitory neurons.
    neuron : "multiscale", "lif" or a LIF instance, default="multiscale"
        Neuron model (time constants, threshold, reset, refractoriness,
        synaptic time constants, background current, noise, adaptation).
        "multiscale" (:class:`~liquid.neurons.MultiscaleLIF`) spreads membrane
        time constants and background currents over the population; "lif" is
        the homogeneous neuron of Maass et al. (2002).
    topology : {"fixed_indegree", "random", "column"} or a topology instance, default="fixed_indegree"
        :class:`~liquid.topology.FixedInDegree`, :class:`~liquid.topology.RandomSparse`
        or :class:`~liquid.topology.MaassColumn`.
    w_ee, w_ei, w_ie, w_ii : float, default=3.0, 6.0, 6.0, 6.0
        Mean amplitude (mV, >= 0) of the synaptic current jump per spike for
        E->E, E->I, I->E and I->I synapses; inhibitory synapses are made
        negative (Dale's law), magnitudes are gamma distributed (CV 0.5).
    delay_exc, delay_inh : float, default=1.5, 0.8
        Synaptic delay (ms) of excitatory / inhibitory synapses (at least one step).
    max_delay : float or None, default=100.0
        Heterogeneous axonal delays: each neuron's outgoing synapses get one
        delay drawn uniformly between its type's delay and ``max_delay`` ms.
        Long delays keep echoes of older input in flight, a memory of tens
        to hundreds of ms (see :class:`~liquid.sequence.LSMSequenceRegressor`).
    encoder : {"current", "poisson", "delta", "spikes"} or an encoder instance, default="current"
        How input frames enter the liquid (see :mod:`liquid.encoders`).
    input_scale : float, default=5.0
        Mean amplitude (mV) of input synapses: current per unit of encoded
        input (current mode) or current jump per input spike.
    input_fraction : float, default=0.3
        Probability that a neuron receives a given input channel.
    drive_every_neuron : bool, default=True
        A neuron that drew no input channel gets one at random, so that the
        whole liquid is driven (without it, a univariate series reaches only
        ``input_fraction`` of the neurons). Per-timestep tasks turn it off
        (:func:`~liquid.sequence.memory_liquid`): undriven neurons keep
        echoes of older input instead of following the present one.
    features : str, extractor instance or list of them, default=("state", "counts", "peak")
        Spike-pattern features: "state" (:class:`~liquid.features.FilteredState`:
        filtered spike trains and membrane potentials at 5 points), "counts"
        (spike counts in 5 bins), "peak" (:class:`~liquid.features.PeakRate`:
        each neuron's highest filtered firing rate, wherever it occurs),
        "rate", "latency"; a list concatenates them in order. States read the
        liquid at instants, counts pool over fixed fifths of the sequence,
        peaks over all of it regardless of timing: together they keep all three.
    plasticity : None, "stdp" or STDP, default=None
        Unsupervised tuning of the liquid's weights by spike-timing-dependent
        plasticity during ``fit`` (see :class:`~liquid.plasticity.STDP`); the
        weights are frozen afterwards, so ``transform`` is pure.
    dt : float, default=1.0
        Integration step (ms).
    frame_duration : float or "auto", default="auto"
        Simulated time (ms) per input timestep; a multiple of ``dt``.
        ``"auto"``: 10 ms, or longer when the median training sequence would
        last less than 300 ms (``AUTO_FRAME_MS``, ``MIN_SEQUENCE_MS``), so
        that short sequences drive the slow neurons too; the value used is
        ``frame_duration_``.
    time_scales : sequence of int, default=(1, 4, 16)
        Temporal resolutions at which the liquid reads each sequence:
        scale ``k`` feeds it block means of ``k`` timesteps (see
        :mod:`liquid.timescales`), so its short memory spans ``k`` times more
        of the series; the features of every scale are concatenated. ``(1,)``:
        the sequence as it is. A coarser scale is read only when the median
        training sequence holds at least 4 of its blocks (``time_scales_``
        lists those read), or, on sequences too short for that, when the
        sequence played ``k`` times faster (each timestep held ``k`` times
        fewer steps) still lasts 40 ms (``time_scale_views_`` says how each is
        read). Costs ``1 + 1/4 + 1/16`` simulations by default, and one
        feature block per scale. Streaming methods
        (``partial_transform``, ``iter_states``, ``raster``) read scale 1.
    trim_padding : bool, default=True
        Read each sequence up to where it ends: its trailing frames that
        repeat its last frame exactly (a series padded to a common length
        with its last value, or with zeros after a zero) are not simulated,
        but the first of them. Features read at fixed fractions of the
        sequence then fall on the series, not on its padding, and the
        spike counts carry its true duration (on the accuracy benchmark's
        most padded set, by more than a third of its frames on average:
        0.513 -> 0.558). A sequence constant throughout stays whole; streaming
        methods never trim. ``False`` when a held final value is part of
        the signal.
    random_state : int, RandomState instance or None, default=None
        Seeds the network and the per-sample noise and Poisson spikes.
    n_jobs : int or None, default=None
        Threads simulating samples in parallel (-1: all cores). Results do not
        depend on it.
    verbose : int, default=0
        ``> 0``: report progress on stderr (sequences simulated, time, rate)
        while the liquid runs. Results do not depend on it.

    Attributes
    ----------
    reservoir_ : Reservoir
        The built network (weights as ``reservoir_.weights``).
    encoder_ : encoder
        The fitted encoder.
    n_channels_in_ : int
        Input channels seen in ``fit``.
    n_features_in_ : int
        Only when ``fit`` got a 2-D array: its number of columns (timesteps).
    frame_duration_ : float
        Simulated time (ms) per input timestep.
    time_scales_ : tuple of int
        The time scales read (those of ``time_scales`` the training sequences are long enough for).
    time_scale_views_ : tuple of (int, int)
        How each of ``time_scales_`` is read: block means of ``block`` timesteps, each held ``steps``
        steps of ``dt`` (``liquid.timescales.plan_time_scales``).
    firing_rate_ : float
        Mean firing rate (Hz) of the liquid on the training data.
    silent_fraction_ : float
        Fraction of neurons that never fired on the training data.
    saturated_fraction_ : float
        Fraction of neurons firing above half their refractory-limited
        maximum rate on the training data.
    initial_weights_, initial_input_weights_ : sparse matrices
        With ``plasticity``: the weights before it (``reservoir_`` holds the learned ones).
    plasticity_history_ : DataFrame
        With ``plasticity``: per epoch (0 = before), the mean plastic weight,
        fractions at the bounds, mean input weight, mean background current
        and mean rate (Hz) during the epoch.
    """

    def __init__(
        self,
        n_neurons: int = 1000,
        *,
        frac_inhibitory: float = 0.2,
        neuron="multiscale",
        topology="fixed_indegree",
        w_ee: float = 3.0,
        w_ei: float = 6.0,
        w_ie: float = 6.0,
        w_ii: float = 6.0,
        delay_exc: float = 1.5,
        delay_inh: float = 0.8,
        max_delay: float | None = 100.0,
        encoder="current",
        input_scale: float = 5.0,
        input_fraction: float = 0.3,
        drive_every_neuron: bool = True,
        features=("state", "counts", "peak"),
        plasticity=None,
        dt: float = 1.0,
        frame_duration: float | str = "auto",
        time_scales=(1, 4, 16),
        trim_padding: bool = True,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.n_neurons = n_neurons
        self.frac_inhibitory = frac_inhibitory
        self.neuron = neuron
        self.topology = topology
        self.w_ee = w_ee
        self.w_ei = w_ei
        self.w_ie = w_ie
        self.w_ii = w_ii
        self.delay_exc = delay_exc
        self.delay_inh = delay_inh
        self.max_delay = max_delay
        self.encoder = encoder
        self.input_scale = input_scale
        self.input_fraction = input_fraction
        self.drive_every_neuron = drive_every_neuron
        self.features = features
        self.plasticity = plasticity
        self.dt = dt
        self.frame_duration = frame_duration
        self.time_scales = time_scales
        self.trim_padding = trim_padding
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- validation -----------------------------------------------------------------
    def _validate_params(self) -> tuple:
        check_number("n_neurons", self.n_neurons, 1, integer=True)
        check_number("frac_inhibitory", self.frac_inhibitory, 0.0, high=1.0)
        for name in ("w_ee", "w_ei", "w_ie", "w_ii", "input_scale"):
            # mV per spike or per unit input: beyond 1e6 mV the currents overflow float64 sums, never useful
            check_number(name, getattr(self, name), 0.0, high=MAX_WEIGHT_MV)
        check_number("input_fraction", self.input_fraction, 0.0, high=1.0)
        for name in ("drive_every_neuron", "trim_padding"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        check_number("dt", self.dt, 0.0, low_inclusive=False)
        for name in ("delay_exc", "delay_inh") + (("max_delay",) if self.max_delay is not None else ()):
            check_number(name, getattr(self, name), 0.0)
            ms_to_steps(name, getattr(self, name), self.dt, maximum=MAX_DELAY_STEPS)
        if isinstance(self.frame_duration, str):
            if self.frame_duration != "auto":
                raise ValueError(f"frame_duration must be 'auto' or a duration in ms, got {self.frame_duration!r}")
            steps_per_frame = None  # set in fit from the training sequences' lengths
        else:
            check_number("frame_duration", self.frame_duration, 0.0, low_inclusive=False)
            steps_per_frame = ms_to_steps("frame_duration", self.frame_duration, self.dt,
                                          maximum=MAX_STEPS_PER_FRAME)
            exact = self.frame_duration / self.dt
            if abs(exact - steps_per_frame) > 1e-6 * exact or steps_per_frame < 1:
                raise ValueError(
                    f"frame_duration ({self.frame_duration} ms) must be a whole multiple of dt ({self.dt} ms)"
                )
        check_number("verbose", self.verbose, 0, integer=True)
        if self.n_jobs is not None:
            check_number("n_jobs", self.n_jobs, -np.inf, integer=True)
            if self.n_jobs == 0:
                raise ValueError("n_jobs=0 is not allowed; use None, -1 or a positive number of threads")
        neuron = _resolve(self.neuron, NEURON_MODELS, "neuron")
        neuron.validate()
        topology = _resolve(self.topology, TOPOLOGIES, "topology")
        topology.validate()
        encoder = _resolve(self.encoder, ENCODERS, "encoder")
        encoder.validate()
        extractors = _resolve_features(self.features)
        time_scales = check_time_scales(self.time_scales)
        plasticity = None if self.plasticity is None else _resolve(self.plasticity, PLASTICITY_RULES, "plasticity")
        if plasticity is not None:
            plasticity.validate()
        neuron.validate_step(self.dt)
        return neuron, topology, encoder, extractors, plasticity, steps_per_frame, time_scales

    def _check_input(self, X) -> list[np.ndarray]:
        sequences, _ = check_sequences(X)
        n_channels = sequences[0].shape[1]
        if n_channels != self.n_channels_in_:
            raise ValueError(
                f"X has {n_channels} channels, but {type(self).__name__} was fitted with {self.n_channels_in_} channels"
            )
        return sequences

    def _check_series(self, x, method: str) -> np.ndarray:
        """One series for the streaming methods: (n_timesteps,) or (n_timesteps, n_channels)."""
        if x is None or np.ndim(x) not in (1, 2):
            raise ValueError(f"{method} takes one series, (n_timesteps,) or (n_timesteps, n_channels); got "
                             f"{'None' if x is None else f'{np.ndim(x)}-D input'}")
        (sequence,) = self._check_input([x])
        return sequence

    # -- fitting and simulation ------------------------------------------------------
    def fit(self, X, y=None):
        """Build the liquid for X's channels and measure its activity on X.

        Parameters
        ----------
        X : 3-D array, 2-D array (univariate rows) or list of (n_timesteps, n_channels) arrays
        y : ignored
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to X and return its features, simulating X only once."""
        return self._fit(X)

    def _fit(self, X, simulate: bool = True) -> np.ndarray | None:
        """Build the liquid; with ``simulate``, also simulate X, record the activity and return features."""
        neuron, topology, encoder, extractors, plasticity, steps_per_frame, time_scales = self._validate_params()
        sequences, is_2d = check_sequences(X)
        # Streams (no simulation here) are read whole; sequences only up to their padding.
        read = self._read_parts(sequences) if simulate else sequences
        lengths = [seq.shape[0] for seq in read]
        if steps_per_frame is None:
            steps_per_frame = auto_steps_per_frame(self.dt, lengths)
        plan = plan_time_scales(time_scales, lengths, steps_per_frame, float(self.dt))
        time_scales = tuple(scale for scale, _, _ in plan)
        rng = check_random_state(self.random_state)
        build_seed, noise_seed, plasticity_seed = rng.randint(np.iinfo(np.int32).max, size=3)
        encoder.fit(read, frame_duration=steps_per_frame * float(self.dt))
        n_channels = sequences[0].shape[1]
        self._check_cost(topology, encoder.n_output_channels(n_channels), extractors, len(sequences) * len(time_scales))
        weight_means = {"ee": self.w_ee, "ei": self.w_ei, "ie": self.w_ie, "ii": self.w_ii}
        reservoir = build_reservoir(
            n_neurons=self.n_neurons,
            n_channels=encoder.n_output_channels(n_channels),
            frac_inhibitory=self.frac_inhibitory,
            neuron=neuron,
            topology=topology,
            weights=weight_means,
            delay_exc=self.delay_exc,
            delay_inh=self.delay_inh,
            max_delay=self.max_delay,
            input_scale=self.input_scale,
            input_fraction=self.input_fraction,
            drive_every_neuron=bool(self.drive_every_neuron),
            signed_input=encoder.signed_weights,
            dt=self.dt,
            steps_per_frame=steps_per_frame,
            rng=np.random.default_rng(build_seed),
        )
        if plasticity is not None:
            initial_weights = (reservoir.weights.copy(), reservoir.input_weights.copy())
            spiking_input = encoder.mode != MODE_CURRENT
            learn = learning_arrays(reservoir, plasticity, weight_means, self.input_scale, spiking_input)
            history = train(
                reservoir,
                [encoder.encode(seq) for seq in read],
                encoder.mode,
                _content_seeds(read, int(noise_seed)),
                plasticity,
                learn,
                np.random.default_rng(plasticity_seed),
                effective_n_jobs(self.n_jobs),
                self.verbose,
            )
        # Everything learned is set together, after all checks, the build and the plastic phase passed.
        if plasticity is not None:
            self.initial_weights_, self.initial_input_weights_ = initial_weights
            self.plasticity_history_ = history
        else:
            for name in ("initial_weights_", "initial_input_weights_", "plasticity_history_"):
                if hasattr(self, name):
                    delattr(self, name)
        self.neuron_, self.encoder_, self.extractors_, self.time_scales_ = neuron, encoder, extractors, time_scales
        self.time_scale_views_ = tuple((block, steps) for _, block, steps in plan)
        self.reservoir_, self.noise_seed_ = reservoir, int(noise_seed)
        self.frame_duration_ = steps_per_frame * float(self.dt)
        self.stream_state_ = None
        self.n_channels_in_ = n_channels
        if is_2d:
            self.n_features_in_ = sequences[0].shape[0]
        elif hasattr(self, "n_features_in_"):
            del self.n_features_in_
        if not simulate:
            return None
        features, total_spikes, duration_ms = self._simulate(read)
        self._record_activity(total_spikes, duration_ms, neuron)
        return features

    def _check_cost(self, topology, n_input_channels: int, extractors, n_samples: int) -> None:
        """Refuse a network or feature matrix that cannot fit in memory, before drawing it."""
        n_synapses = topology.expected_synapses(self.n_neurons) + n_input_channels * self.n_neurons * self.input_fraction
        # CSR arrays (index, weight, delay) plus the construction's temporaries (pre, post, order, masks).
        check_memory(f"a liquid of {self.n_neurons} neurons and ~{n_synapses:.3g} synapses", 64.0 * n_synapses)
        # Each thread keeps a spike queue of (longest delay + 1) x N int32 neuron numbers.
        delays = [self.delay_exc, self.delay_inh] + ([self.max_delay] if self.max_delay is not None else [])
        n_slots = 1 + max(ms_to_steps("delay", ms, self.dt, maximum=MAX_DELAY_STEPS) for ms in delays)
        check_memory(f"spike queues of {n_slots} steps x {self.n_neurons} neurons per thread",
                     4.0 * n_slots * self.n_neurons * effective_n_jobs(self.n_jobs))
        self._check_feature_memory(extractors, n_samples)

    def _check_feature_memory(self, extractors, n_samples: int) -> None:
        n_columns = sum(e.n_columns() for e in extractors)
        check_memory(f"features of {n_samples} sequences x {n_columns * self.n_neurons} columns",
                     16.0 * n_samples * n_columns * self.n_neurons)

    def _sample_seeds(self, sequences: list[np.ndarray]) -> np.ndarray:
        return _content_seeds(sequences, self.noise_seed_)

    def _read_parts(self, sequences: list[np.ndarray]) -> list[np.ndarray]:
        """The part of each sequence the features are read from: without its padding under ``trim_padding``."""
        return [strip_padding(seq) for seq in sequences] if self.trim_padding else sequences

    def _simulate(self, sequences: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features (n_samples, n_features) of every time scale of the sequences (their read parts, see
        ``_read_parts``); spike totals (S, N) and durations (S,) in ms of the first scale (the activity
        statistics describe it).

        The views of all scales go through the liquid in one batch: one pool of threads shares the
        long fine views and the short coarse ones, rather than idling at the end of each scale. The
        kernel writes counts and states straight into the feature matrix (views of its columns, the
        views of a sample's scales on consecutive rows): no second copy of the features."""
        self._check_feature_memory(self.extractors_, len(sequences) * len(self.time_scales_))
        n_samples, n_scales, n = len(sequences), len(self.time_scales_), self.reservoir_.n_neurons
        views = [coarsen(seq, block) for seq in sequences for block, _ in self.time_scale_views_]
        steps = np.tile([view_steps for _, view_steps in self.time_scale_views_], n_samples).astype(np.int64)
        widths = [extractor.n_columns() * n for extractor in self.extractors_]
        # Row i * n_scales + k: sample i at scale k. Every column is written below, the counts and states
        # by the kernel's threads, which thereby also map the fresh memory in parallel.
        features = np.empty((len(views), sum(widths)))
        columns = dict(zip((e.kind for e in self.extractors_), np.cumsum([0] + widths[:-1])))
        by_kind = {e.kind: e for e in self.extractors_}
        counts, state = by_kind.get("counts"), by_kind.get("state")
        n_bins = counts.n_bins if counts else 0
        n_points, voltage = (state.n_points, bool(state.voltage)) if state else (0, False)
        state_width = n_points * (2 if voltage else 1) * n
        tau = trace_tau(self.extractors_)
        written = {}  # views of the feature matrix's columns, shaped as Reservoir.run's outputs
        if counts:
            start = columns["counts"]
            written["counts"] = features[:, start:start + n_bins * n].reshape(len(views), n_bins, n)
        if state:
            start = columns["state"]
            written["state"] = features[:, start:start + state_width].reshape(len(views), n_points, -1)
        out = self._run(
            [self.encoder_.encode(view) for view in views],
            self._sample_seeds(views),
            steps,
            n_bins=n_bins,
            n_points=n_points,
            tau_state=tau,
            n_threads=effective_n_jobs(self.n_jobs),
            voltage=voltage,
            peak="peak" in columns,
            out=written,
        )
        frame_counts = np.array([view.shape[0] for view in views], dtype=np.float64)
        duration_ms = frame_counts * steps * self.reservoir_.dt
        if "rate" in columns:
            features[:, columns["rate"]:columns["rate"] + n] = out["total"] * (1000.0 / duration_ms[:, None])
        if "latency" in columns:
            features[:, columns["latency"]:columns["latency"] + n] = out["latency"]
        if "peak" in columns:  # a trace jumping by 1 per spike, in Hz
            features[:, columns["peak"]:columns["peak"] + n] = out["peak"] * (1000.0 / tau)
        finest = slice(0, None, n_scales)
        return features.reshape(n_samples, -1), out["total"][finest], duration_ms[finest]

    def _run(self, drives: list[np.ndarray], seeds: np.ndarray, steps_per_frame: np.ndarray,
             **options) -> dict[str, np.ndarray]:
        """``Reservoir.run`` of each sequence's views, consecutive drives (``len(self.time_scale_views_)``
        per sequence, each held ``steps_per_frame`` steps per frame); with ``verbose``, in up to 10 parts
        with a progress line of sequences after each (every view is simulated on its own, so the parts
        give the same result)."""
        n_views = len(self.time_scale_views_)
        n_sequences = len(drives) // n_views
        if not self.verbose or n_sequences < 2:
            return self.reservoir_.run(drives, self.encoder_.mode, seeds, steps_per_frame=steps_per_frame, **options)
        out = options.pop("out")
        parts = np.array_split(np.arange(n_sequences), min(10, n_sequences))
        outputs, progress = [], Progress(self.verbose, n_sequences, "sequences simulated", interval=0.0)
        for part in parts:
            rows = slice(part[0] * n_views, (part[-1] + 1) * n_views)
            outputs.append(self.reservoir_.run(drives[rows], self.encoder_.mode, seeds[rows],
                                               out={key: array[rows] for key, array in out.items()},
                                               steps_per_frame=steps_per_frame[rows], **options))
            progress.advance(part.size)
        return {key: np.concatenate([o[key] for o in outputs]) for key in ("total", "latency", "peak")} | out

    def _record_activity(self, total_spikes: np.ndarray, duration_ms: np.ndarray, neuron) -> None:
        n_neurons = total_spikes.shape[1]
        neuron_rates = total_spikes.sum(axis=0) / (duration_ms.sum() / 1000.0)
        max_rate = neuron.max_rate(self.dt)
        self.firing_rate_ = float(neuron_rates.mean())
        self.silent_fraction_ = float(np.mean(neuron_rates == 0))
        self.saturated_fraction_ = float(np.mean(neuron_rates > SATURATION_FRACTION * max_rate))
        if self.firing_rate_ < SILENT_RATE:
            warnings.warn(
                f"The liquid is nearly silent on the training data (mean rate {self.firing_rate_:.3g} Hz, "
                f"{self.silent_fraction_:.0%} of neurons never fire): increase input_scale "
                "(or the neuron's bias, or w_ee)",
                LiquidActivityWarning,
                stacklevel=4,
            )
        elif self.saturated_fraction_ > SATURATED_NEURONS or self.firing_rate_ > SATURATED_MEAN * max_rate:
            # Name the criterion that fired: many saturated neurons, or a high mean rate.
            cause = (f"{self.saturated_fraction_:.0%} of its {n_neurons} neurons fire above "
                     f"{SATURATION_FRACTION * max_rate:.3g} Hz" if self.saturated_fraction_ > SATURATED_NEURONS
                     else f"its mean rate {self.firing_rate_:.3g} Hz is above {SATURATED_MEAN:.0%} of the "
                     f"{max_rate:.3g} Hz its refractory period allows")
            warnings.warn(
                f"The liquid is saturated on the training data: {cause}: decrease input_scale "
                "or w_ee (or increase w_ie)",
                LiquidActivityWarning,
                stacklevel=4,
            )

    def transform(self, X) -> np.ndarray:
        """Spike-pattern features of each sequence, shape (n_samples, n_features)."""
        check_is_fitted(self, "reservoir_")
        features, _, _ = self._simulate(self._read_parts(self._check_input(X)))
        return features

    def partial_transform(self, x) -> np.ndarray:
        """Stream one long series chunk by chunk: the liquid state after every timestep of ``x``.

        The liquid keeps its state between calls (membrane potentials,
        synaptic currents, spikes in flight, filtered state), so feeding a
        series in chunks gives exactly the states of feeding it in one piece;
        memory is proportional to the chunk, not to the whole stream. Start
        over with :meth:`reset_state`.

        Parameters
        ----------
        x : array (n_timesteps, n_channels) or (n_timesteps,)

        Returns
        -------
        states : array (n_timesteps, n_neurons)
            Exponentially filtered spike trains (time constant: the
            ``FilteredState`` extractor's ``tau``, else 30 ms) at the end of
            every timestep.
        """
        check_is_fitted(self, "reservoir_")
        sequence = self._check_series(x, "partial_transform")
        if getattr(self, "stream_state_", None) is None:
            self.reset_state()
        return self._stream_chunk(sequence, self.stream_state_)

    def iter_states(self, x, chunk_size: int = 2000, voltage: bool = False):
        """Stream one series from rest, chunk by chunk, without touching :meth:`partial_transform`'s state.

        Safe to call from several threads at once on the same fitted liquid.

        Parameters
        ----------
        x : array (n_timesteps, n_channels) or (n_timesteps,)
        chunk_size : int
            Timesteps simulated per chunk; memory is O(chunk_size x n_neurons).
        voltage : bool
            Also return every neuron's membrane potential (mV) after the
            filtered state: a continuous, less noisy read of the same liquid.

        Yields
        ------
        start : int
            Index of the chunk's first timestep.
        states : array (chunk, n_neurons)
            The filtered liquid state at the end of each timestep (see
            :meth:`partial_transform`), (chunk, 2 n_neurons) with ``voltage``;
            identical to one whole run.
        """
        check_is_fitted(self, "reservoir_")
        check_number("chunk_size", chunk_size, 1, integer=True)
        sequence = self._check_series(x, "iter_states")
        stream = self._new_stream()
        for start in range(0, sequence.shape[0], chunk_size):
            yield start, self._stream_chunk(sequence[start : start + chunk_size], stream, voltage)

    def _new_stream(self) -> tuple:
        """A stream at rest: the liquid's state and the encoder's."""
        return self.reservoir_.new_state(), self.encoder_.new_stream_state()

    def _stream_chunk(self, chunk: np.ndarray, stream: tuple, voltage: bool = False) -> np.ndarray:
        """Encode a validated chunk and continue ``stream`` (updated in place) through it: the states
        after every timestep (see :meth:`iter_states`). Every streaming path goes through here."""
        liquid_state, encoder_state = stream
        drive = self.encoder_.encode_chunk(chunk, encoder_state)
        return self.reservoir_.stream(drive, self.encoder_.mode, self.noise_seed_, liquid_state,
                                      trace_tau(self.extractors_), voltage)

    def reset_state(self):
        """Put the streaming liquid back at rest (see :meth:`partial_transform`)."""
        check_is_fitted(self, "reservoir_")
        self.stream_state_ = self._new_stream()
        return self

    def raster(self, x, trace_neurons=()):
        """Spike raster and membrane traces of one sequence: always the pair ``(raster, traces)``.

        Parameters
        ----------
        x : array (n_timesteps, n_channels) or (n_timesteps,)
        trace_neurons : sequence of int
            Neurons whose membrane potential (mV) to return at every step.

        Returns
        -------
        raster : DataFrame with columns ``time`` (ms) and ``neuron``, one row per spike
        traces : array (n_steps, len(trace_neurons))
            Membrane potentials (mV); no columns without ``trace_neurons``.

        Examples
        --------
        >>> spikes, traces = lsm.raster(x, trace_neurons=[0])  # doctest: +SKIP
        >>> liquid.plotting.raster(spikes)  # doctest: +SKIP
        """
        check_is_fitted(self, "reservoir_")
        sequence = self._check_series(x, "raster")
        return self.reservoir_.record(
            self.encoder_.encode(sequence), self.encoder_.mode, self._sample_seeds([sequence])[0], trace_neurons
        )

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "reservoir_")
        names = []
        neurons = range(self.reservoir_.n_neurons)  # the fitted network, whatever n_neurons says now
        for extractor in self.extractors_:
            if extractor.kind == "state" and extractor.voltage:
                names += [f"{kind}{k}_n{i}" for k in range(extractor.n_points) for kind in ("state", "voltage")
                          for i in neurons]
            elif extractor.kind in ("counts", "state"):
                names += [f"{extractor.kind}{k}_n{i}" for k in range(extractor.n_columns()) for i in neurons]
            else:
                names += [f"{extractor.kind}_n{i}" for i in neurons]
        if self.time_scales_ != (1,):
            names = [f"{name}_scale{scale}" for scale in self.time_scales_ for name in names]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags


LIQUID_PARAMS = LiquidStateMachine._get_param_names()


def liquid_from_param(liquid, default) -> LiquidStateMachine:
    """A fresh liquid for an estimator's ``liquid=`` parameter: a clone of the one given, or ``default()``."""
    if liquid is None:
        return default()
    if not isinstance(liquid, LiquidStateMachine):
        raise TypeError(f"liquid must be a LiquidStateMachine or None, got {liquid!r}")
    return clone(liquid)


def _check_y_given(estimator, y) -> None:
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target y is None")


class _LiquidReadout(BaseEstimator):
    """Shared fit/predict of the readout wrappers: liquid features -> sklearn readout."""

    # One signature for both wrappers: every LiquidStateMachine parameter, then ``readout``.
    def __init__(
        self,
        n_neurons: int = 1000,
        *,
        frac_inhibitory: float = 0.2,
        neuron="multiscale",
        topology="fixed_indegree",
        w_ee: float = 3.0,
        w_ei: float = 6.0,
        w_ie: float = 6.0,
        w_ii: float = 6.0,
        delay_exc: float = 1.5,
        delay_inh: float = 0.8,
        max_delay: float | None = 100.0,
        encoder="current",
        input_scale: float = 5.0,
        input_fraction: float = 0.3,
        drive_every_neuron: bool = True,
        features=("state", "counts", "peak"),
        plasticity=None,
        dt: float = 1.0,
        frame_duration: float | str = "auto",
        time_scales=(1, 4, 16),
        trim_padding: bool = True,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
        readout=None,
    ):
        self.n_neurons = n_neurons
        self.frac_inhibitory = frac_inhibitory
        self.neuron = neuron
        self.topology = topology
        self.w_ee = w_ee
        self.w_ei = w_ei
        self.w_ie = w_ie
        self.w_ii = w_ii
        self.delay_exc = delay_exc
        self.delay_inh = delay_inh
        self.max_delay = max_delay
        self.encoder = encoder
        self.input_scale = input_scale
        self.input_fraction = input_fraction
        self.drive_every_neuron = drive_every_neuron
        self.features = features
        self.plasticity = plasticity
        self.dt = dt
        self.frame_duration = frame_duration
        self.time_scales = time_scales
        self.trim_padding = trim_padding
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.readout = readout

    def _default_readout(self, liquid: LiquidStateMachine | None = None):
        """The default ridge readout; given the fitted liquid, it also chooses the weight of the
        spike-count columns (see ``COUNT_SCALES``)."""
        readout = self._default_ridge()
        if liquid is not None:
            names = liquid.get_feature_names_out()
            readout.set_params(scaled_columns=np.flatnonzero(np.char.startswith(names.astype(str), "counts")),
                               column_scales=COUNT_SCALES)
        return readout

    def _default_ridge(self):
        raise NotImplementedError

    def _fit_readout(self, X, y):
        """Fit the liquid on X and the readout on its features; y is already validated."""
        liquid = LiquidStateMachine(**{name: getattr(self, name) for name in LIQUID_PARAMS})
        features = liquid.fit_transform(X)
        if len(y) != features.shape[0]:
            raise ValueError(f"X has {features.shape[0]} sequences but y has {len(y)} targets")
        readout = clone(self.readout) if self.readout is not None else self._default_readout(liquid)
        readout.fit(features, y)
        self.liquid_, self.readout_ = liquid, readout
        self.n_channels_in_ = liquid.n_channels_in_
        if hasattr(liquid, "n_features_in_"):
            self.n_features_in_ = liquid.n_features_in_
        elif hasattr(self, "n_features_in_"):
            del self.n_features_in_
        return self

    def _features(self, X):
        check_is_fitted(self, "readout_")
        return self.liquid_.transform(X)

    def predict(self, X):
        """Readout prediction for each sequence."""
        features = self._features(X)
        return self.readout_.predict(features)

    def _readout_has(name):
        def check(self):
            readout = self.readout_ if hasattr(self, "readout_") else (self.readout or self._default_readout())
            return hasattr(readout, name)

        return check

    @available_if(_readout_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the readout (if it has ``predict_proba``)."""
        features = self._features(X)
        return self.readout_.predict_proba(features)

    @available_if(_readout_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from the readout (if it has ``predict_log_proba``)."""
        features = self._features(X)
        return self.readout_.predict_log_proba(features)

    @available_if(_readout_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the readout (if it has one)."""
        features = self._features(X)
        return self.readout_.decision_function(features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


class LSMClassifier(ClassifierMixin, _LiquidReadout):
    """Liquid State Machine classifier: a :class:`LiquidStateMachine` and a trained readout.

    Takes every parameter of :class:`LiquidStateMachine` plus ``readout``.

    Parameters
    ----------
    readout : sklearn classifier or None, default=None
        Trained on the liquid's features. ``None``: ridge classification with
        the penalty chosen by exact leave-one-out error
        (:class:`~liquid.readout.GramRidgeClassifierCV`: scikit-learn's
        ``RidgeClassifierCV`` model from one eigendecomposition of the
        smaller Gram matrix), on features divided by the square root of
        their standard deviation (``CLASSIFIER_STD_POWER``), with the weight
        of the spike-count columns (1 or 3, ``COUNT_SCALES``) chosen with
        the penalty. Fully standardizing spike features inflates neurons
        that fire rarely in training (measured: 0.915 vs 1.000 test accuracy
        on the temporal-order task); when you combine extractors of
        different units ("rate" in Hz, "latency" in ms), pass a readout
        with a scaler.

    Attributes
    ----------
    liquid_ : LiquidStateMachine
    readout_ : fitted readout
    classes_ : array of class labels
    """

    def _default_ridge(self):
        return GramRidgeClassifierCV(std_power=CLASSIFIER_STD_POWER)

    def fit(self, X, y):
        """Build the liquid, simulate X and train the readout on its features and y."""
        _check_y_given(self, y)
        check_given(X)
        y = column_or_1d(check_labels(y), warn=True)
        check_classification_targets(y)
        self._fit_readout(X, y)
        self.classes_ = self.readout_.classes_
        return self


class LSMRegressor(RegressorMixin, _LiquidReadout):
    """Liquid State Machine regressor: a :class:`LiquidStateMachine` and a trained readout.

    Takes every parameter of :class:`LiquidStateMachine` plus ``readout``.

    Parameters
    ----------
    readout : sklearn regressor or None, default=None
        ``None``: :class:`~liquid.readout.GramRidgeCV` on the unscaled
        features (penalty and count weight chosen by leave-one-out error); see
        :class:`LSMClassifier`. (The classifier's ``std_power`` of 0.5 was
        measured on classification only, so the regressor keeps 0.)

    Attributes
    ----------
    liquid_ : LiquidStateMachine
    readout_ : fitted readout
    """

    def _default_ridge(self):
        return GramRidgeCV()

    def fit(self, X, y):
        """Build the liquid, simulate X and train the readout on its features and y.

        ``y`` may be 1-D or 2-D (n_samples, n_targets) for multi-output regression.
        """
        _check_y_given(self, y)
        check_given(X)
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        return self._fit_readout(X, y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
