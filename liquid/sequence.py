"""Per-timestep estimators: one output for every timestep of a series.

Forecasting, NARMA-style system identification and per-frame labelling map
each timestep to a target. The liquid is streamed through each series chunk
by chunk (memory bounded in the series length); the readout sees, at every
timestep, the liquid's filtered state, the same state low-pass filtered at
longer time constants (``readout_taus``), and a linear base: the input itself
(a skip connection) and a delay line of its recent values, which the liquid
can only add to. The default readout is ridge regression accumulated
from Gram matrices (:class:`~liquid.streaming_ridge.StreamingRidge`), so even
the training memory does not grow with the length of the series.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._limits import check_memory
from ._progress import Progress
from ._validation import check_labels, check_magnitude, check_number
from .estimators import LiquidStateMachine, liquid_from_param
from .neurons import MultiscaleLIF
from .streaming_ridge import StreamingRidge


#: Longest input delay line of the per-timestep readout (timesteps).
MAX_INPUT_LAGS = 1000


def memory_liquid(n_neurons: int = 500, **params) -> LiquidStateMachine:
    """A liquid built for per-timestep tasks, where memory of the recent inputs matters.

    Membrane time constants spread log-uniformly over 10-1000 ms and
    background currents over 5-15 mV (:class:`~liquid.neurons.MultiscaleLIF`:
    many neurons integrate below threshold instead of being reset every few
    ms), and axonal delays spread up to 100 ms, so that spikes in flight carry
    older input forward. Measured with 500 neurons, these take the recall of
    the input 3 steps back from R^2 0.2 (homogeneous neurons, short delays)
    to 0.75. Neurons that draw no input channel stay undriven
    (``drive_every_neuron=False``): they hold echoes of older input. The input
    enters with its rise and fall over 20 ms, 2 steps (the default
    :class:`~liquid.encoders.CurrentEncoder`), which took Mackey-Glass one-step
    NRMSE from 0.023 to 0.008 and NARMA-10's from 0.533 to 0.513 (500 neurons). ``params``
    override any :class:`LiquidStateMachine` parameter.
    """
    defaults = dict(neuron=MultiscaleLIF(), max_delay=100.0, drive_every_neuron=False)
    return LiquidStateMachine(n_neurons, **{**defaults, **params})


def as_series_list(X, name: str = "X") -> tuple[list[np.ndarray], bool]:
    """One series ((n_timesteps,) or (n_timesteps, n_channels)) or a list of them -> list of 2-D arrays.

    Returns the list and whether a single series was given.
    """
    if X is None:
        raise TypeError(f"{name} is None; expected a series (n_timesteps[, n_channels]) or a list of them")
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError(f"{name} is empty: it contains no series")
    # A plain list of numbers is one series, not a list of one-point series.
    single = not isinstance(X, (list, tuple)) or all(np.ndim(x) == 0 for x in X)
    items = [X] if single else list(X)
    series = []
    for i, item in enumerate(items):
        label = name if single else f"{name}[{i}]"
        arr = check_array(item, dtype=np.float64, ensure_2d=False, input_name=label)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
            raise ValueError(f"{label} must be a series (n_timesteps,) or (n_timesteps, n_channels), got {arr.shape}")
        check_magnitude(arr, label)
        series.append(np.ascontiguousarray(arr))
    return series, single


class _TimestepReadout(BaseEstimator):
    """Shared machinery: a liquid streamed per series, per-timestep features, a readout."""

    def __init__(
        self,
        liquid=None,
        *,
        readout_taus=(100.0,),
        voltage: bool = True,
        include_input: bool = True,
        input_lags: int = 10,
        washout: int = 20,
        alpha: float | None = None,
        readout=None,
        chunk_size: int = 1000,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.liquid = liquid
        self.readout_taus = readout_taus
        self.voltage = voltage
        self.include_input = include_input
        self.input_lags = input_lags
        self.washout = washout
        self.alpha = alpha
        self.readout = readout
        self.chunk_size = chunk_size
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- parameters and the liquid ----------------------------------------------------------------
    def _validate_params(self) -> None:
        taus = self.readout_taus
        if not isinstance(taus, (list, tuple)):
            raise TypeError(f"readout_taus must be a list of time constants (ms), got {taus!r}")
        for tau in taus:
            check_number("readout_taus[i]", tau, 0.0, low_inclusive=False)
        check_number("washout", self.washout, 0, integer=True)
        check_number("input_lags", self.input_lags, 0, high=MAX_INPUT_LAGS, integer=True)
        check_number("chunk_size", self.chunk_size, 1, integer=True)
        check_number("verbose", self.verbose, 0, integer=True)
        if self.alpha is not None:
            check_number("alpha", self.alpha, 0.0, low_inclusive=False)
        for name in ("include_input", "voltage"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")

    def _make_liquid(self) -> LiquidStateMachine:
        return liquid_from_param(self.liquid, lambda: memory_liquid(500, random_state=self.random_state,
                                                                    n_jobs=self.n_jobs))

    def _fit_liquid(self, liquid: LiquidStateMachine, series: list[np.ndarray]) -> None:
        liquid._fit(series, simulate=False)  # the states are streamed below; no whole-series pass
        self.liquid_ = liquid
        self.n_channels_in_ = series[0].shape[1]
        frame = liquid.reservoir_.steps_per_frame * liquid.reservoir_.dt
        self.readout_decays_ = np.exp(-frame / np.asarray(self.readout_taus, dtype=np.float64))
        scale = np.concatenate(series).std(axis=0)
        self.input_scale_ = np.where(scale > 1e-12, scale, 1.0)
        self.input_mean_ = np.concatenate(series).mean(axis=0)
        self._check_readout_memory(sum(s.shape[0] for s in series))

    def _check_readout_memory(self, n_timesteps: int) -> None:
        """Refuse (MemoryError) a readout the machine cannot hold, before any timestep is streamed: the
        features of a chunk (a few copies while they are filtered), and the streaming ridge's Gram matrices
        (or, with a ``readout`` of the user's, every training row)."""
        n = self.n_features_out()
        chunk = 4.0 * min(self.chunk_size, n_timesteps) * n
        held = float(n_timesteps) * n if self.readout is not None else 3.0 * (n + 1) ** 2
        check_memory(f"{type(self).__name__}'s readout on {n} features per timestep "
                     f"({len(self.readout_taus)} readout_taus)", 8.0 * (chunk + held))

    def _check_series(self, X) -> tuple[list[np.ndarray], bool]:
        check_is_fitted(self, "liquid_")
        series, single = as_series_list(X)
        for i, s in enumerate(series):
            if s.shape[1] != self.n_channels_in_:
                raise ValueError(f"series {i} has {s.shape[1]} channels, but {type(self).__name__} was fitted "
                                 f"with {self.n_channels_in_}")
        return series, single

    # -- features ------------------------------------------------------------------------------------
    def _new_stream(self) -> dict:
        """Everything a stream carries from one chunk to the next: the liquid's and encoder's state
        and the readout filters'."""
        width = (2 if self.voltage else 1) * self.liquid_.reservoir_.n_neurons
        return {"liquid": self.liquid_._new_stream(), "filters": [np.zeros((1, width)) for _ in self.readout_decays_],
                "delay_line": np.zeros((self.input_lags, self.n_channels_in_))}  # a stream starts from the mean

    def _advance(self, chunk: np.ndarray, stream: dict) -> np.ndarray:
        """Features (len(chunk), n_features) of the next timesteps of a stream (updated in place)."""
        states = self.liquid_._stream_chunk(chunk, stream["liquid"], self.voltage)
        blocks = [states]
        for k, decay in enumerate(self.readout_decays_):
            # y[t] = decay * y[t-1] + (1 - decay) * state[t], continued across chunks.
            slow, _ = lfilter([1.0 - decay], [1.0, -decay], states, axis=0, zi=decay * stream["filters"][k])
            stream["filters"][k] = slow[-1:]
            blocks.append(slow)
        blocks.append(self._base_features(chunk, stream))
        return np.hstack(blocks)

    def _base_features(self, chunk: np.ndarray, stream: dict) -> np.ndarray:
        """The linear base, last among the features: the standardised input at ``t`` (``include_input``)
        and at ``t - 1 ... t - input_lags`` (the delay line, continued across chunks)."""
        standardised = (chunk - self.input_mean_) / self.input_scale_
        k = self.input_lags
        history = np.vstack([stream["delay_line"], standardised])
        if k:
            stream["delay_line"] = history[-k:]
        n = chunk.shape[0]
        lags = range(0 if self.include_input else 1, k + 1)
        if not lags:
            return np.empty((n, 0))
        return np.hstack([history[k - lag : k - lag + n] for lag in lags])

    def _n_base(self) -> int:
        return self.n_channels_in_ * (self.input_lags + (1 if self.include_input else 0))

    def _progress(self, series: list[np.ndarray]) -> Progress:
        return Progress(self.verbose, sum(s.shape[0] for s in series), "timesteps streamed")

    def _feature_chunks(self, series: np.ndarray, progress: Progress | None = None):
        """Yield (start, features (chunk, n_features)) for one series, streamed from rest."""
        stream = self._new_stream()
        for start in range(0, series.shape[0], self.chunk_size):
            features = self._advance(series[start : start + self.chunk_size], stream)
            if progress is not None:
                progress.advance(features.shape[0])
            yield start, features

    def n_features_out(self) -> int:
        """Readout features per timestep."""
        check_is_fitted(self, "liquid_")
        n = (2 if self.voltage else 1) * self.liquid_.reservoir_.n_neurons
        return n * (1 + len(self.readout_taus)) + self._n_base()

    # -- readout ---------------------------------------------------------------------------------------
    def _fit_readout(self, series: list[np.ndarray], targets: list[np.ndarray]) -> None:
        """Fit the readout on rows after the washout; the last 20% of each series validates the penalty."""
        progress = self._progress(series)
        if self.readout is not None:
            rows, values = [], []
            for s, y in zip(series, targets):
                for start, features in self._feature_chunks(s, progress):
                    keep = np.arange(start, start + features.shape[0]) >= self.washout
                    rows.append(features[keep])
                    values.append(y[start : start + features.shape[0]][keep])
            X_rows, y_rows = np.vstack(rows), np.vstack(values)
            if X_rows.shape[0] == 0:
                raise ValueError(f"washout={self.washout} leaves no timestep to train on")
            self.readout_ = clone(self.readout).fit(X_rows, self._readout_targets(y_rows))
            return
        ridge = StreamingRidge(alpha=self.alpha, n_base=self._n_base())
        for s, y in zip(series, targets):
            validation_start = self.washout + int(0.8 * max(s.shape[0] - self.washout, 0))
            for start, features in self._feature_chunks(s, progress):
                index = np.arange(start, start + features.shape[0])
                for part, keep in (("fit", (index >= self.washout) & (index < validation_start)),
                                   ("val", index >= validation_start)):
                    ridge.add(features[keep], y[index[keep]], part)
        if ridge.n_rows == 0:
            raise ValueError(f"washout={self.washout} leaves no timestep to train on")
        self.coef_, self.intercept_, self.alpha_ = ridge.solve()
        self.base_alpha_ = getattr(ridge, "base_alpha_", None)

    def _readout_targets(self, y_rows: np.ndarray):
        return y_rows

    def _raw_outputs(self, series: np.ndarray, progress: Progress | None = None) -> np.ndarray:
        """Readout output (decision values) at every timestep of one series."""
        return np.vstack([self._output(features) for _, features in self._feature_chunks(series, progress)])

    def _output(self, features: np.ndarray) -> np.ndarray:
        if self.readout is not None:
            return self._readout_output(features)
        return features @ self.coef_ + self.intercept_

    def _readout_output(self, features: np.ndarray) -> np.ndarray:
        out = self.readout_.predict(features)
        return out.reshape(features.shape[0], -1)


class LSMSequenceRegressor(RegressorMixin, _TimestepReadout):
    """Per-timestep regression with a streamed liquid: a target for every timestep.

    Parameters
    ----------
    liquid : LiquidStateMachine or None
        The liquid (cloned). ``None``: :func:`memory_liquid` with 500
        neurons, this estimator's ``random_state`` and ``n_jobs``.
    readout_taus : list of float, default=(100.0,)
        Extra time constants (ms) at which the liquid state is low-pass
        filtered for the readout (at frame resolution), so it sees both the
        fast state and a slower, less noisy memory of it; ``()`` for none.
    include_input : bool, default=True
        Also give the readout the (standardised) input at the same timestep:
        the linear skip connection of reservoir computing.
    input_lags : int, default=10
        Also give the readout the input at the ``input_lags`` previous
        timesteps (a delay line). The input and its lags form a linear base
        with a penalty of its own, chosen first; the liquid's penalty is then
        chosen jointly with it, or the liquid left out, on the validation rows
        (see :class:`~liquid.streaming_ridge.StreamingRidge`'s ``n_base``), so
        the readout validates at least as well as ridge regression on the lags.
    washout : int, default=20
        First timesteps of every series left out of training while the
        liquid settles (their predictions are still returned).
    alpha : float or None, default=None
        Ridge penalty relative to the mean feature variance; ``None``: chosen
        on the last 20% of each training series (in time order).
    readout : sklearn regressor or None, default=None
        ``None``: streaming ridge (memory independent of the series length);
        otherwise this estimator is fitted on all training rows in memory.
    chunk_size : int, default=1000
        Timesteps simulated at a time.
    random_state : int, RandomState or None
    n_jobs : int or None
    verbose : int, default=0
        Above 0: progress lines on stderr (timesteps streamed, rate, time).

    Attributes
    ----------
    liquid_ : LiquidStateMachine
    coef_, intercept_ : arrays
        The ridge readout (with ``readout=None``).
    alpha_ : float
        The liquid's chosen penalty (with ``readout=None``); ``inf`` when leaving
        the liquid out validated best.
    base_alpha_ : float or None
        The penalty of the input and its delay line (None without them).
    readout_ : fitted readout (with ``readout`` given)

    Notes
    -----
    A spiking liquid's state is noisy. What helps the precision of
    per-timestep outputs: more neurons (noise averages out as 1/sqrt(N)),
    longer ``readout_taus`` (at the cost of temporal resolution), rate coding
    with current input (the default encoder), and the input skip connection.
    """

    def fit(self, X, y):
        """Stream every series of ``X`` and train the readout on the per-timestep targets ``y``.

        Parameters
        ----------
        X : series (n_timesteps[, n_channels]) or list of series
        y : per-timestep targets: (n_timesteps[, n_targets]) per series, a list for a list of series
        """
        self._validate_params()
        liquid = self._make_liquid()
        series, single = as_series_list(X)
        targets, single_y = as_series_list(y, "y")
        if single != single_y or len(targets) != len(series):
            raise ValueError(f"X holds {len(series)} series but y holds {len(targets)}; give one target series each")
        for i, (s, t) in enumerate(zip(series, targets)):
            if s.shape[0] != t.shape[0]:
                raise ValueError(f"series {i} has {s.shape[0]} timesteps but its targets have {t.shape[0]}")
        self._target_1d = np.ndim(y if single else y[0]) == 1
        self._fit_liquid(liquid, series)
        self._fit_readout(series, targets)
        return self

    def predict(self, X):
        """Predicted target at every timestep: an array per series (a list for a list of series)."""
        series, single = self._check_series(X)
        progress = self._progress(series)
        outputs = [self._raw_outputs(s, progress) for s in series]
        if self._target_1d:
            outputs = [o[:, 0] for o in outputs]
        return outputs[0] if single else outputs

    def score(self, X, y, sample_weight=None) -> float:
        """R^2 over every timestep after the washout, all series pooled."""
        from sklearn.metrics import r2_score

        predicted, _ = as_series_list(self.predict(X), "prediction")
        truth, _ = as_series_list(y, "y")
        w = self.washout
        return r2_score(np.vstack([t[w:] for t in truth]), np.vstack([p[w:] for p in predicted]))


class LSMSequenceClassifier(ClassifierMixin, _TimestepReadout):
    """Per-timestep classification with a streamed liquid: a label for every timestep.

    Takes the parameters of :class:`LSMSequenceRegressor`; the default
    readout is ridge regression on one-hot (+1 / -1) targets, the label the
    largest output.

    Attributes
    ----------
    classes_ : array of labels
    """

    def fit(self, X, y):
        """Stream every series of ``X`` and train the readout on its per-timestep labels ``y``."""
        self._validate_params()
        liquid = self._make_liquid()
        series, single = as_series_list(X)
        labels = [check_labels(y)] if single else [check_labels(item, f"y[{i}]") for i, item in enumerate(y)]
        if len(labels) != len(series):
            raise ValueError(f"X holds {len(series)} series but y holds {len(labels)}; give one label series each")
        for i, (s, lab) in enumerate(zip(series, labels)):
            if lab.ndim != 1 or lab.shape[0] != s.shape[0]:
                raise ValueError(f"series {i} has {s.shape[0]} timesteps but its labels have shape {lab.shape}")
            check_classification_targets(lab)
        check_labels(np.concatenate(labels))
        self.classes_ = np.unique(np.concatenate(labels))
        if self.classes_.shape[0] < 2:
            raise ValueError(f"y has a single class ({self.classes_[0]!r}); per-timestep labels need at least two")
        trained = np.unique(np.concatenate([lab[self.washout:] for lab in labels]))
        if trained.shape[0] < 2:
            raise ValueError(f"after the washout ({self.washout} timesteps of each series), y has "
                             f"{'no timestep' if trained.size == 0 else f'a single class ({trained[0]})'} to train "
                             "on; shorten the washout")
        self._fit_liquid(liquid, series)
        one_hot = [np.where(lab[:, None] == self.classes_[None, :], 1.0, -1.0) for lab in labels]
        self._fit_readout(series, one_hot)
        return self

    def _readout_targets(self, y_rows: np.ndarray):
        return self.classes_[np.argmax(y_rows, axis=1)]

    def _readout_output(self, features: np.ndarray) -> np.ndarray:
        if hasattr(self.readout_, "decision_function"):
            scores = self.readout_.decision_function(features)
            if scores.ndim == 1:  # binary: one column for the positive class
                scores = np.column_stack([-scores, scores])
            return scores
        predicted = self.readout_.predict(features)
        return np.where(predicted[:, None] == self.classes_[None, :], 1.0, -1.0)

    def decision_function(self, X):
        """Per-timestep class scores (n_timesteps, n_classes) per series."""
        series, single = self._check_series(X)
        progress = self._progress(series)
        outputs = [self._raw_outputs(s, progress) for s in series]
        return outputs[0] if single else outputs

    def predict(self, X):
        """Predicted label at every timestep: an array per series (a list for a list of series)."""
        scores = self.decision_function(X)
        if isinstance(scores, list):
            return [self.classes_[np.argmax(s, axis=1)] for s in scores]
        return self.classes_[np.argmax(scores, axis=1)]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy over every timestep after the washout, all series pooled."""
        predicted = self.predict(X)
        single = not isinstance(predicted, list)
        predicted = [predicted] if single else predicted
        truth = [np.asarray(y)] if single else [np.asarray(item) for item in y]
        w = self.washout
        return float(np.mean(np.concatenate([p[w:] == t[w:] for p, t in zip(predicted, truth)])))

