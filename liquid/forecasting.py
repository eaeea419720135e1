"""Forecasting a series with a streamed liquid: teacher-forced and free-running (generative)."""
from __future__ import annotations

import copy

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._limits import check_memory
from ._validation import check_number
from .sequence import LSMSequenceRegressor, as_series_list


#: Most steps one :meth:`LSMForecaster.forecast` call generates (origins x n_steps): each is a simulation of
#: its own (a Python call, about 0.4 ms), so this bounds a call to minutes.
MAX_GENERATED_STEPS = 1_000_000


class LSMForecaster(LSMSequenceRegressor):
    """Predict a series ``horizon`` steps ahead from its past, with a liquid and a per-timestep readout.

    The liquid is driven by the series itself; the readout, trained on the
    liquid's state at ``t``, predicts the value at ``t + horizon``.
    :meth:`predict` runs on known data (teacher forcing); :meth:`forecast`
    runs free: from an origin on, each prediction is fed back as the next
    input (``horizon=1``).

    Takes every parameter of :class:`~liquid.sequence.LSMSequenceRegressor`,
    plus ``horizon``.

    Parameters
    ----------
    horizon : int, default=1
        Steps ahead the readout predicts.
    """

    def __init__(
        self,
        liquid=None,
        *,
        horizon: int = 1,
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
        super().__init__(liquid, readout_taus=readout_taus, voltage=voltage, include_input=include_input,
                         input_lags=input_lags, washout=washout, alpha=alpha, readout=readout, chunk_size=chunk_size,
                         random_state=random_state, n_jobs=n_jobs, verbose=verbose)
        self.horizon = horizon

    def fit(self, y, X=None):
        """Learn to predict ``y[t + horizon]`` from ``y[..t]``.

        Parameters
        ----------
        y : series (n_timesteps[, n_channels]) or list of series
        X : ignored (scikit-learn's signature puts the series first)
        """
        check_number("horizon", self.horizon, 1, integer=True)
        series, single = as_series_list(y, "y")
        h = self.horizon
        for i, s in enumerate(series):
            if s.shape[0] <= h + self.washout + 1:
                raise ValueError(f"series {i} has {s.shape[0]} timesteps; more than washout + horizon + 1 are needed")
        inputs = [s[:-h] for s in series]
        targets = [s[h:] for s in series]
        super().fit(inputs[0] if single else inputs, targets[0] if single else targets)
        self._target_1d = np.ndim(y if single else y[0]) == 1
        return self

    def predict(self, y):
        """Teacher-forced forecasts: at every ``t`` of ``y``, the prediction of ``y[t + horizon]``."""
        return super().predict(y)

    def forecast(self, y, n_steps: int, origins=None) -> np.ndarray:
        """Free-running forecasts: feed every prediction back as the next input.

        Parameters
        ----------
        y : series (n_timesteps[, n_channels])
            Known data, streamed with teacher forcing up to each origin.
        n_steps : int
            Steps to generate from each origin.
        origins : array of int or None
            Timesteps of ``y`` after which to forecast (the forecast from
            origin ``t`` uses ``y[:t + 1]`` only); ``None``: the end of ``y``.

        Returns
        -------
        array (len(origins), n_steps[, n_channels]), or (n_steps[, n_channels]) without ``origins``.
        """
        check_is_fitted(self, "liquid_")
        if self.horizon != 1:
            raise ValueError(f"free-running forecasts feed predictions back one step at a time: fit with horizon=1 "
                             f"(this forecaster has horizon={self.horizon})")
        check_number("n_steps", n_steps, 1, integer=True)
        series_list, single = self._check_series(y)
        if not single:
            raise ValueError("forecast runs from one series at a time: pass one series (n_timesteps[, n_channels]), "
                             "not a list of series")
        series = series_list[0]
        single_origin = origins is None
        origins = np.array([series.shape[0] - 1] if origins is None else origins)
        if origins.ndim != 1 or origins.dtype.kind not in "iu" or origins.size == 0:
            raise ValueError(f"origins must be a 1-D array of timestep indices, got {origins!r}")
        if origins.min() < 0 or origins.max() >= series.shape[0] or np.any(np.diff(origins) <= 0):
            raise ValueError(f"origins must be increasing indices in [0, {series.shape[0]})")
        generated = origins.size * n_steps
        if generated > MAX_GENERATED_STEPS:
            raise ValueError(f"{origins.size} origin(s) x n_steps={n_steps} would generate {generated:,} steps, one "
                             f"simulation each; at most {MAX_GENERATED_STEPS:,} are supported in one call")
        check_memory(f"forecasts of {generated:,} steps", 8.0 * generated * series.shape[1])
        out = np.empty((origins.size, n_steps, series.shape[1]))
        stream = self._new_stream()
        position = 0
        for i, origin in enumerate(origins):
            for start in range(position, origin + 1, self.chunk_size):
                features = self._advance(series[start : min(start + self.chunk_size, origin + 1)], stream)
            position = origin + 1
            fork = copy.deepcopy(stream)
            value = self._output(features[-1:])
            for step in range(n_steps):
                out[i, step] = value[0]
                if step + 1 < n_steps:
                    value = self._output(self._advance(value, fork))
        if self._target_1d:
            out = out[..., 0]
        return out[0] if single_origin else out
