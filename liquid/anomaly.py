"""Time-series anomaly detection with a streaming liquid.

The liquid state after every timestep is compared with what the liquid did
on (mostly) normal data, in one of two ways:

* ``method="prediction"``: a ridge readout trained to predict the input
  ``horizon`` steps ahead from the state; the anomaly is the squared
  prediction error (in training standard deviations);
* ``method="mahalanobis"``: the Mahalanobis distance of the state from the
  training states, with a Ledoit-Wolf shrinkage covariance (the MD-RS idea).

Raw anomalies are smoothed by a causal moving average and normalised by
their training median and MAD, so one threshold works across series;
``score_samples`` returns the negated result (lower = more anomalous, as in
scikit-learn).
"""
from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.covariance import LedoitWolf
from sklearn.linear_model import RidgeCV
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from ._progress import Progress
from ._validation import check_magnitude, check_number
from .encoders import CurrentEncoder
from .estimators import LiquidStateMachine, liquid_from_param

METHODS = ("prediction", "mahalanobis")
#: Share of the training series kept aside to normalise scores and set the threshold.
CALIBRATION_FRACTION = 0.3


def _series(X, name: str = "X") -> np.ndarray:
    """One series as (n_timesteps, n_channels) float64, finite."""
    if X is None:
        raise TypeError(f"{name} is None; expected one series (n_timesteps[, n_channels])")
    arr = check_array(X, dtype=np.float64, ensure_2d=False, input_name=name)
    if arr.ndim == 1:
        arr = arr[:, None]
    check_magnitude(arr, name)
    return arr


class LSMAnomalyDetector(OutlierMixin, BaseEstimator):
    """Anomaly detector for a stream: a liquid, a model of its normal states, a threshold.

    Parameters
    ----------
    method : {"prediction", "mahalanobis"}, default="prediction"
    liquid : LiquidStateMachine or None
        The liquid (cloned; it reads the series whole, ``trim_padding=False``, as it is streamed).
        ``None``: ``LiquidStateMachine(n_neurons=300)`` with the homogeneous
        ``neuron="lif"``, short delays, filtered-state features, ``drive_every_neuron=False`` and
        the input without its rises and falls (``CurrentEncoder(changes=None)``), as this detector
        was designed (with them, the anomaly benchmark's window F1 fell from 0.237 to 0.189);
        :class:`~liquid.online_anomaly.OnlineAnomalyDetector` is the newer, online detector
        with this detector's ``random_state``.
    horizon : int, default=1
        Steps ahead the "prediction" readout forecasts.
    smoothing : int, default=5
        Length (timesteps) of the causal moving average of raw anomalies.
    washout : int, default=20
        First timesteps of every scored stream, while the liquid settles:
        their scores are 0 (normal) and they are left out of training.
    contamination : float, default=0.002
        Fraction of the training points expected to be anomalous; sets the
        threshold ``offset_`` on the training scores. Ignored when
        ``threshold`` is given.
    threshold : float or None, default=None
        Normalised anomaly (robust z-score) above which a point is flagged.
    max_train_states : int, default=5000
        Training states used to fit the readout / covariance (evenly spaced),
        so memory stays bounded for long training series.
    chunk_size : int, default=2000
        Timesteps simulated at a time.
    random_state : int, RandomState or None
    n_jobs : int or None
        Threads of the liquid.
    verbose : int, default=0
        Above 0: progress lines on stderr (timesteps streamed, rate, time).

    Attributes
    ----------
    liquid_ : fitted LiquidStateMachine
    offset_ : float
        ``decision_function = score_samples - offset_``.
    n_channels_in_ : int
    """

    def __init__(
        self,
        method: str = "prediction",
        *,
        liquid=None,
        horizon: int = 1,
        smoothing: int = 5,
        washout: int = 20,
        contamination: float = 0.002,
        threshold: float | None = None,
        max_train_states: int = 5000,
        chunk_size: int = 2000,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.method = method
        self.liquid = liquid
        self.horizon = horizon
        self.smoothing = smoothing
        self.washout = washout
        self.contamination = contamination
        self.threshold = threshold
        self.max_train_states = max_train_states
        self.chunk_size = chunk_size
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _validate_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method={self.method!r}; choose one of {METHODS}")
        for name in ("horizon", "smoothing", "max_train_states", "chunk_size"):
            value = getattr(self, name)
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        check_number("verbose", self.verbose, 0, integer=True)
        check_number("washout", self.washout, 0, integer=True)
        if not (isinstance(self.contamination, Real) and 0.0 < self.contamination < 0.5):
            raise ValueError(f"contamination must be in (0, 0.5), got {self.contamination!r}")
        if self.threshold is not None and not (isinstance(self.threshold, Real) and np.isfinite(self.threshold)):
            raise ValueError(f"threshold must be a finite number or None, got {self.threshold!r}")

    def _make_liquid(self) -> LiquidStateMachine:
        return liquid_from_param(self.liquid, lambda: LiquidStateMachine(
            n_neurons=300, neuron="lif", max_delay=None, features="state", drive_every_neuron=False,
            encoder=CurrentEncoder(changes=None), random_state=self.random_state, n_jobs=self.n_jobs))

    def _states(self, liquid: LiquidStateMachine, series: np.ndarray):
        """Liquid states of ``series`` from rest, chunk by chunk; the fitted liquid is not touched,
        so concurrent calls are safe."""
        progress = Progress(self.verbose, series.shape[0], "timesteps streamed")
        for start, states in liquid.iter_states(series, chunk_size=self.chunk_size):
            progress.advance(states.shape[0])
            yield start, states

    def fit(self, X, y=None):
        """Learn the normal behaviour of the liquid on ``X``, one series (n_timesteps[, n_channels]).

        The readout / covariance is fitted on the first ``1 - calibration_fraction``
        of the series (after the washout) and the score normalisation and
        threshold on the rest, which the model has not seen, so that they
        reflect errors on new normal data.
        """
        self._validate_params()
        liquid = self._make_liquid()
        series = _series(X)
        minimum = self.washout + self.horizon + max(100, 4 * self.smoothing)
        if series.shape[0] < minimum:
            raise ValueError(
                f"the training series has {series.shape[0]} points; at least {minimum} are needed "
                f"(washout {self.washout} + horizon {self.horizon} + 100)"
            )
        liquid.set_params(trim_padding=False).fit([series])  # a stream: read whole, as it is streamed below
        # Scoring reads these fitted copies: set_params after fit must not change the scores without a refit.
        self.method_, self.horizon_, self.smoothing_, self.washout_ = (self.method, self.horizon, self.smoothing,
                                                                       self.washout)
        first = self.washout
        split = first + int((series.shape[0] - first - self.horizon) * (1 - CALIBRATION_FRACTION))
        n_fit = split - first
        keep = first + np.unique(np.linspace(0, n_fit - 1, min(n_fit, self.max_train_states)).astype(np.int64))
        chosen = []
        for start, states in self._states(liquid, series[: split + 1]):
            index = keep[(keep >= start) & (keep < start + states.shape[0])]
            chosen.append(states[index - start])
        states = np.vstack(chosen)
        scale = series[first:split].std(axis=0)
        self.input_scale_ = np.where(scale > 1e-12, scale, 1.0)
        if self.method == "prediction":
            targets = series[keep + self.horizon] / self.input_scale_
            self.model_ = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(states, targets)
        else:
            self.model_ = LedoitWolf().fit(states)
        self.liquid_ = liquid
        self.n_channels_in_ = series.shape[1]
        held_out = self._raw_anomaly(series)[split + self.smoothing :]
        self.median_ = float(np.median(held_out))
        mad = float(np.median(np.abs(held_out - self.median_))) * 1.4826
        self.mad_ = mad if mad > 1e-12 else float(held_out.std() or 1.0)
        if self.threshold is not None:
            self.offset_ = -float(self.threshold)
        else:
            self.offset_ = float(np.quantile(self._normalise(held_out), self.contamination))
        return self

    def _raw_anomaly(self, series: np.ndarray) -> np.ndarray:
        """Smoothed raw anomaly per timestep (0 during the washout)."""
        raw = np.zeros(series.shape[0])
        h = self.horizon_
        for start, states in self._states(self.liquid_, series):
            stop = start + states.shape[0]
            if self.method_ == "prediction":
                predicted = self.model_.predict(states).reshape(states.shape[0], -1)
                # The prediction made at t is checked against the input at t + h.
                targets = np.arange(start + h, min(stop + h, series.shape[0]))
                error = series[targets] / self.input_scale_ - predicted[: targets.shape[0]]
                raw[targets] = np.mean(error**2, axis=1)
            else:
                raw[start:stop] = self.model_.mahalanobis(states)
        raw[: self.washout_ + (h if self.method_ == "prediction" else 0)] = 0.0
        kernel = np.ones(self.smoothing_) / self.smoothing_
        return np.convolve(raw, kernel)[: raw.shape[0]]

    def _normalise(self, raw: np.ndarray) -> np.ndarray:
        """Robust z-score of the raw anomaly, negated: lower = more anomalous."""
        return -(raw - self.median_) / self.mad_

    def _check_series(self, X) -> np.ndarray:
        check_is_fitted(self, "offset_")
        series = _series(X)
        if series.shape[1] != self.n_channels_in_:
            raise ValueError(f"X has {series.shape[1]} channels, but the detector was fitted with {self.n_channels_in_}")
        return series

    def score_samples(self, X) -> np.ndarray:
        """Normality score per timestep of the series ``X`` (lower = more anomalous); 0 in the washout."""
        series = self._check_series(X)
        scores = self._normalise(self._raw_anomaly(series))
        scores[: self.washout_ + self.horizon_] = 0.0
        return scores

    def decision_function(self, X) -> np.ndarray:
        """``score_samples - offset_``: negative for points flagged as anomalous."""
        return self.score_samples(X) - self.offset_

    def predict(self, X) -> np.ndarray:
        """1 for normal points, -1 for anomalous ones."""
        return np.where(self.decision_function(X) < 0, -1, 1)
