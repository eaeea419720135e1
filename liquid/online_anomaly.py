"""An online stream anomaly detector: a liquid, a forgetting model of its normal states, and alarms.

Every point is scored before the detector learns from it, so there is no
look-ahead; the model of normal states forgets (``memory``), so drift and a
new regime become normal instead of raising alarms forever. The pipeline per
point:

1. the liquid (streamed, state carried across calls) maps the input history to
   a state: its neurons' membrane potentials, plus the input (the membrane
   potentials of fast and slow neurons are smooth, graded memories of the
   input; adding the filtered spike trains made detection worse on NAB);
2. raw anomaly: the (log) squared Mahalanobis distance of that state from an
   exponentially forgetting Gaussian of past states;
3. anomaly likelihood (in the spirit of Numenta's detectors): the tail
   probability of the short-term mean of the raw anomaly under a Gaussian of
   its own long-term behaviour, so that one threshold means the same on any
   series; that behaviour is learned robustly (values winsorised at
   ``WINSOR_SD`` standard deviations), so that a burst of anomalies does not
   blind the detector to the next one;
4. alarms are events: one when the probability falls below
   ``alarm_probability``, then silence until it has stayed above
   ``sqrt(alarm_probability)`` for ``rearm`` points.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._progress import Progress
from ._validation import check_number
from .encoders import CurrentEncoder
from .estimators import liquid_from_param
from .online_kernels import _refresh_precision, alarm_stream, likelihood_stream, mahalanobis_stream
from .sequence import as_series_list, memory_liquid

#: The likelihood's long-term statistics learn each short-term mean clipped at this many standard
#: deviations above their mean (robust estimation): an anomaly is scored in full but learned as a
#: merely unusual value.
WINSOR_SD = 3.0


class OnlineAnomalyDetector(BaseEstimator):
    """Stream anomaly detector that keeps learning what normal is.

    Parameters
    ----------
    liquid : LiquidStateMachine or None
        The liquid (cloned). ``None``: :func:`~liquid.sequence.memory_liquid`
        with 200 neurons (membrane potentials of fast and slow neurons), its input
        without the rises and falls (``CurrentEncoder(changes=None)``): in the anomaly
        benchmark they took the window F1 from 0.564 to 0.448 (more false alarms).
    memory : float, default=500.0
        Forgetting time (points) of the model of normal states: after a
        change, the new regime is learned within about this many points.
    history : float, default=2000.0
        Forgetting time (points) of the long-term statistics of the raw
        anomaly, against which the likelihood is computed.
    averaging : int, default=10
        Points in the short-term mean of the raw anomaly.
    alarm_probability : float, default=1e-4
        An alarm is raised when the tail probability falls below this.
    rearm : int, default=50
        After an alarm, points the probability must stay calm before the next one.
    shrinkage : float, default=0.1
        Shrinkage of the state covariance towards a multiple of the identity.
    chunk_size : int, default=1000
    random_state : int, RandomState or None
    n_jobs : int or None
    verbose : int, default=0
        Above 0: progress lines on stderr (points streamed, rate, time).

    Attributes
    ----------
    liquid_ : LiquidStateMachine
    n_channels_in_ : int
    n_seen_ : int
        Points streamed so far.

    Notes
    -----
    A detector holds the state of *one* stream; use one detector per stream
    (``sklearn.base.clone`` gives a fresh one). Calls on the same detector
    must not overlap.
    """

    def __init__(
        self,
        liquid=None,
        *,
        memory: float = 500.0,
        history: float = 2000.0,
        averaging: int = 10,
        alarm_probability: float = 1e-4,
        rearm: int = 50,
        shrinkage: float = 0.1,
        chunk_size: int = 1000,
        random_state=None,
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.liquid = liquid
        self.memory = memory
        self.history = history
        self.averaging = averaging
        self.alarm_probability = alarm_probability
        self.rearm = rearm
        self.shrinkage = shrinkage
        self.chunk_size = chunk_size
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _validate_params(self) -> None:
        check_number("memory", self.memory, 1.0, low_inclusive=False)
        check_number("history", self.history, 1.0, low_inclusive=False)
        check_number("averaging", self.averaging, 1, integer=True)
        check_number("alarm_probability", self.alarm_probability, 0.0, low_inclusive=False, high=0.5)
        check_number("rearm", self.rearm, 0, integer=True)
        check_number("shrinkage", self.shrinkage, 0.0, low_inclusive=False, high=1.0)
        check_number("chunk_size", self.chunk_size, 1, integer=True)
        check_number("verbose", self.verbose, 0, integer=True)

    def _series(self, X) -> np.ndarray:
        series, single = as_series_list(X)
        if not single:
            raise ValueError(f"a detector follows one stream: pass one series, not a list of {len(series)}")
        return series[0]

    def fit(self, X, y=None):
        """Start a stream: build the liquid and learn the normal states from ``X`` (e.g. NAB's probationary period).

        ``X`` is one series (n_timesteps[, n_channels]); later calls to
        :meth:`score_stream` / :meth:`detect` continue this stream.
        """
        self._validate_params()
        liquid = liquid_from_param(self.liquid, lambda: memory_liquid(
            200, encoder=CurrentEncoder(changes=None), random_state=self.random_state, n_jobs=self.n_jobs))
        series = self._series(X)
        if series.shape[0] < 2 * self.averaging:
            raise ValueError(f"X has {series.shape[0]} points; at least {2 * self.averaging} are needed to start")
        liquid._fit([series], simulate=False)
        self.liquid_ = liquid
        self.n_channels_in_ = series.shape[1]
        scale = series.std(axis=0)
        self.input_mean_, self.input_scale_ = series.mean(axis=0), np.where(scale > 1e-12, scale, 1.0)
        self._stream = liquid._new_stream()
        self.n_seen_ = 0
        states = self._states(series)
        # The model starts from the first states' mean and covariance, then learns online.
        self._mean = states.mean(axis=0)
        self._covariance = np.cov(states, rowvar=False).reshape(states.shape[1], states.shape[1])
        self._precision = np.empty_like(self._covariance)
        _refresh_precision(self._covariance, self._precision, float(self.shrinkage))
        self._clock = np.zeros(1, dtype=np.int64)
        self._likelihood_stats = np.zeros(3)
        self._recent = np.zeros(self.averaging + 1)
        self._alarm_state = np.array([1.0, 0.0])
        self._score_states(states, learn=True)
        return self

    def _states(self, series: np.ndarray) -> np.ndarray:
        """Membrane potentials and the standardised input, per point."""
        blocks, progress = [], Progress(self.verbose, series.shape[0], "points streamed")
        n_neurons = self.liquid_.reservoir_.n_neurons
        for start in range(0, series.shape[0], self.chunk_size):
            chunk = series[start : start + self.chunk_size]
            states = self.liquid_._stream_chunk(chunk, self._stream, voltage=True)  # (traces, potentials)
            blocks.append(np.hstack([states[:, n_neurons:], (chunk - self.input_mean_) / self.input_scale_]))
            progress.advance(chunk.shape[0])
        self.n_seen_ += series.shape[0]
        return np.vstack(blocks)

    def _score_states(self, states: np.ndarray, learn: bool) -> np.ndarray:
        raw = np.empty(states.shape[0])
        mahalanobis_stream(states, self._mean, self._covariance, self._precision, self._clock,
                           1.0 - 1.0 / self.memory, float(self.shrinkage), 50, learn, raw)
        probability = np.empty(states.shape[0])
        # Distances are heavy-tailed (chi-square like); their logarithm is close enough to Gaussian
        # for the likelihood's Gaussian model of the raw anomaly.
        likelihood_stream(np.log1p(raw / states.shape[1]), float(self.history), int(self.averaging), WINSOR_SD,
                          self._likelihood_stats, self._recent, learn, probability)
        return probability

    def _check_stream(self, X) -> np.ndarray:
        check_is_fitted(self, "liquid_")
        series = self._series(X)
        if series.shape[1] != self.n_channels_in_:
            raise ValueError(f"X has {series.shape[1]} channels, but the detector was fitted with {self.n_channels_in_}")
        return series

    def score_stream(self, X, learn: bool = True) -> np.ndarray:
        """Continue the stream with ``X``: the tail probability of every point (small = anomalous).

        Each point is scored before the detector learns from it (``learn=False``:
        score without learning anything, e.g. data known to be abnormal).
        """
        if not isinstance(learn, (bool, np.bool_)):
            raise TypeError(f"learn must be True or False, got {learn!r}")
        series = self._check_stream(X)
        return self._score_states(self._states(series), learn)

    def detect(self, X, learn: bool = True) -> np.ndarray:
        """Continue the stream with ``X``: True where an alarm is raised (events, see the module notes)."""
        return event_alarms(self.score_stream(X, learn), self.alarm_probability, self.rearm, self._alarm_state)


def event_alarms(probability, alarm_probability: float, rearm: int, state: np.ndarray | None = None) -> np.ndarray:
    """The alarms :meth:`OnlineAnomalyDetector.detect` raises from a stream's tail probabilities: one when
    the probability falls below ``alarm_probability``, then none until it has stayed above
    ``sqrt(alarm_probability)`` for ``rearm`` points (see the module notes). ``state`` (armed, calm points)
    carries a stream across calls, updated in place; None: a stream from rest, armed. Recomputing the
    alarms of stored probabilities at other thresholds needs no new simulation (choosing
    ``alarm_probability`` per NAB profile, for instance)."""
    values = np.ascontiguousarray(probability, dtype=np.float64)
    if values.ndim != 1 or not np.all((values >= 0.0) & (values <= 1.0)):
        raise ValueError("probability must be a 1-D array of tail probabilities in [0, 1]")
    check_number("alarm_probability", alarm_probability, 0.0, low_inclusive=False, high=0.5)
    check_number("rearm", rearm, 0, integer=True)
    state = np.array([1.0, 0.0]) if state is None else state
    alarms = np.zeros(values.shape[0], dtype=np.bool_)
    alarm_stream(values, float(alarm_probability), float(rearm), state, alarms)
    return alarms
