"""Audio front-ends: waveforms -> (time, channels) arrays ready for the liquid.

:class:`Cochleagram` models the cochlea with a gammatone filterbank (filters
from :func:`scipy.signal.gammatone`, centre frequencies evenly spaced on the
ERB-rate scale), half-wave rectification, smoothing and downsampling to
``frame_rate`` (:func:`scipy.signal.resample_poly`, which low-pass filters
before decimating) and amplitude compression, optionally followed by each
band's onsets and offsets (the rectified rise and fall of its envelope,
``onset_ms``). :class:`MFCC` gives the usual mel-frequency cepstral coefficients.

Both take ``X`` as a list of 1-D waveforms sampled at ``sample_rate`` Hz, or
of ``(waveform, rate)`` pairs when rates differ: every waveform is resampled
to ``sample_rate`` first, then loses its leading and trailing silence
(``trim_db``, :func:`trim_silence`) and is scaled to unit RMS (``normalize``).
"""
from __future__ import annotations

from fractions import Fraction
from math import isfinite
from numbers import Real

import numpy as np
from scipy import fft, signal
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .encoders import rectified_changes


def erb_space(f_min: float, f_max: float, n: int) -> np.ndarray:
    """``n`` frequencies (Hz) evenly spaced on the ERB-rate scale (Glasberg & Moore 1990)."""
    def to_erb(f):
        return 21.4 * np.log10(1.0 + 0.00437 * f)

    erb = np.linspace(to_erb(f_min), to_erb(f_max), n)
    return (10.0 ** (erb / 21.4) - 1.0) / 0.00437


def mel_space(f_min: float, f_max: float, n: int) -> np.ndarray:
    """``n`` frequencies (Hz) evenly spaced on the mel scale."""
    mel = np.linspace(2595.0 * np.log10(1 + f_min / 700.0), 2595.0 * np.log10(1 + f_max / 700.0), n)
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


def _resample(x: np.ndarray, rate_in: float, rate_out: float, axis: int = 0) -> np.ndarray:
    if rate_in == rate_out:
        return x
    ratio = Fraction(rate_out / rate_in).limit_denominator(1000)
    return signal.resample_poly(x, ratio.numerator, ratio.denominator, axis=axis)


#: Largest ``trim_db`` (dB) accepted: 16-bit audio spans 96 dB, 24-bit audio 144 dB.
MAX_TRIM_DB = 200.0


def trim_silence(wave: np.ndarray, frame_length: int, top_db: float) -> np.ndarray:
    """``wave`` without its leading and trailing silence: the frames of ``frame_length`` samples whose
    power is more than ``top_db`` dB below the loudest frame's, keeping one such frame on each side
    (where onsets are seen). A waveform silent throughout is returned whole."""
    n_frames = -(-len(wave) // frame_length)
    padded = np.zeros(n_frames * frame_length)
    padded[: len(wave)] = wave
    power = np.mean(padded.reshape(n_frames, frame_length) ** 2, axis=1)
    loud = np.flatnonzero(power > power.max() * 10.0 ** (-top_db / 10.0))
    if loud.size == 0:
        return wave
    first, last = max(loud[0] - 1, 0), min(loud[-1] + 2, n_frames)
    return wave[first * frame_length: last * frame_length]


class _AudioFrontEnd(TransformerMixin, BaseEstimator):
    """Validation, resampling and silence trimming shared by the front-ends."""

    def _check_params(self) -> None:
        for name in ("sample_rate", "frame_rate"):
            value = getattr(self, name)
            if not isinstance(value, Real) or not isfinite(value) or value <= 0:
                raise ValueError(f"{type(self).__name__}.{name} must be a positive rate in Hz, got {value!r}")
        if self.trim_db is not None and (isinstance(self.trim_db, bool) or not isinstance(self.trim_db, Real)
                                         or not 0 < self.trim_db <= MAX_TRIM_DB):
            raise ValueError(f"{type(self).__name__}.trim_db must be None or a level in (0, {MAX_TRIM_DB:g}] dB, "
                             f"got {self.trim_db!r}")
        if self.frame_rate > self.sample_rate / 2:
            raise ValueError(
                f"frame_rate ({self.frame_rate} Hz) must be at most half of sample_rate ({self.sample_rate} Hz)"
            )

    def _frame_length(self) -> int:
        """Samples per output frame (the hop) at ``sample_rate``."""
        return max(1, int(round(self.sample_rate / self.frame_rate)))

    def _waveforms(self, X) -> list[np.ndarray]:
        """Validated float64 waveforms at ``sample_rate``."""
        if isinstance(X, np.ndarray) and X.ndim == 1:
            raise ValueError("X must be a list of waveforms (or a 2-D array, one waveform per row), got one 1-D array")
        if len(X) == 0:
            raise ValueError("X is empty: it contains no waveforms")
        waveforms = []
        for i, item in enumerate(X):
            rate = self.sample_rate
            if isinstance(item, tuple):
                if len(item) != 2:
                    raise ValueError(f"X[{i}] must be a waveform or a (waveform, rate) pair")
                item, rate = item
                if not isinstance(rate, Real) or not isfinite(rate) or rate <= 0:
                    raise ValueError(f"X[{i}] has an invalid sample rate {rate!r}")
            try:
                wave = np.asarray(item, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(f"X[{i}] is not a numeric waveform") from None
            if wave.ndim != 1:
                raise ValueError(f"X[{i}] must be a 1-D (mono) waveform, got shape {wave.shape}")
            if wave.size == 0:
                raise ValueError(f"X[{i}] is an empty waveform")
            if not np.all(np.isfinite(wave)):
                raise ValueError(f"X[{i}] contains NaN or infinite samples")
            wave = _resample(wave, float(rate), float(self.sample_rate))
            if self.trim_db is not None:
                wave = trim_silence(wave, self._frame_length(), self.trim_db)
            if self.normalize:
                rms = np.sqrt(np.mean(wave**2))
                wave = wave / rms if rms > 0 else wave
            waveforms.append(wave)
        return waveforms

    def fit(self, X, y=None):
        """Check the parameters and design the filters (the front-end learns nothing from X)."""
        self._check_params()
        self._design()
        self._waveforms(X)
        return self

    def transform(self, X) -> list[np.ndarray]:
        """One (n_frames, n_channels) array per waveform."""
        check_is_fitted(self, "n_channels_out_")
        return [self._features(wave) for wave in self._waveforms(X)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags


#: Longest interval (ms) over which ``Cochleagram`` measures onsets: a word lasts about a second.
MAX_ONSET_MS = 1000.0


class Cochleagram(_AudioFrontEnd):
    """Gammatone filterbank front-end ("cochleagram").

    Parameters
    ----------
    sample_rate : float, default=8000.0
        Rate (Hz) the waveforms are processed at; others are resampled to it.
    n_bands : int, default=32
        Number of gammatone filters.
    f_min, f_max : float, default=100.0, None
        Lowest and highest centre frequencies (Hz); ``None``: 0.45 * sample_rate.
    frame_rate : float, default=100.0
        Output frames per second (100 Hz: one frame every 10 ms, matching the
        liquid's default ``frame_duration``).
    compression : {"cuberoot", "log", "none"}, default="cuberoot"
        Loudness compression of the smoothed envelopes.
    normalize : bool, default=True
        Scale each waveform to unit RMS first (removes recording-level differences).
    trim_db : float or None, default=40.0
        Cut the leading and trailing silence: the frames (1 / ``frame_rate`` s) more than this many
        dB below the loudest frame, but one on each side, before the waveform is normalised, so
        that the same word starts at the same frame however much silence was recorded around it.
        ``None`` keeps the whole waveform.
    onset_ms : float or None, default=None
        Also output every band's onsets and offsets: the rise and the fall (each half-wave
        rectified) of its compressed envelope over this many ms (rounded to whole frames, at
        least one), as the auditory system's onset and offset cells signal spectral change.
        ``None``: the envelopes only. The liquid's default encoder adds the same channels for any
        input (:class:`~liquid.encoders.CurrentEncoder`, over 20 ms of liquid time: 2 frames here), so
        set this for a model that reads the cochleagram directly (the benchmark's MiniRocket, ESN
        and static baselines) or for a liquid whose encoder does not add them; both at once
        measured worse on unseen speakers in the accuracy benchmark (0.886 against 0.900, seed 0,
        before ``trim_db``).

    Attributes
    ----------
    center_frequencies_ : ndarray (n_bands,)
        Centre frequencies (Hz) of the filters.
    onset_frames_ : int or None
        Frames over which onsets and offsets are measured (None without them).
    n_channels_out_ : int
        Channels per frame: the ``n_bands`` envelopes, then as many onsets and as many offsets
        when ``onset_ms`` is set.
    """

    def __init__(
        self,
        sample_rate: float = 8000.0,
        n_bands: int = 32,
        f_min: float = 100.0,
        f_max: float | None = None,
        frame_rate: float = 100.0,
        compression: str = "cuberoot",
        normalize: bool = True,
        onset_ms: float | None = None,
        trim_db: float | None = 40.0,
    ):
        self.sample_rate = sample_rate
        self.n_bands = n_bands
        self.f_min = f_min
        self.f_max = f_max
        self.frame_rate = frame_rate
        self.compression = compression
        self.normalize = normalize
        self.onset_ms = onset_ms
        self.trim_db = trim_db

    def _check_params(self):
        super()._check_params()
        if not isinstance(self.n_bands, (int, np.integer)) or self.n_bands < 1:
            raise ValueError(f"Cochleagram.n_bands must be a positive integer, got {self.n_bands!r}")
        if self.compression not in ("cuberoot", "log", "none"):
            raise ValueError(f"unknown compression={self.compression!r}; choose 'cuberoot', 'log' or 'none'")
        if self.onset_ms is not None and (isinstance(self.onset_ms, bool) or not isinstance(self.onset_ms, Real)
                                          or not 0 < self.onset_ms <= MAX_ONSET_MS):
            raise ValueError(f"Cochleagram.onset_ms must be None or a duration in (0, {MAX_ONSET_MS:g}] ms, "
                             f"got {self.onset_ms!r}")
        f_max = self._f_max()
        if not (0 < self.f_min < f_max < self.sample_rate / 2):
            raise ValueError(
                f"need 0 < f_min ({self.f_min}) < f_max ({f_max}) < sample_rate / 2 ({self.sample_rate / 2}) Hz"
            )

    def _f_max(self) -> float:
        return 0.45 * self.sample_rate if self.f_max is None else self.f_max

    def _design(self):
        self.center_frequencies_ = erb_space(self.f_min, self._f_max(), self.n_bands)
        self.filters_ = [signal.gammatone(f, "iir", fs=self.sample_rate) for f in self.center_frequencies_]
        self.onset_frames_ = (None if self.onset_ms is None
                              else max(1, int(round(self.onset_ms * self.frame_rate / 1000.0))))
        self.n_channels_out_ = self.n_bands * (1 if self.onset_ms is None else 3)

    def _features(self, wave):
        bands = np.stack([signal.lfilter(b, a, wave) for b, a in self.filters_], axis=1)
        envelope = _resample(np.maximum(bands, 0.0), self.sample_rate, self.frame_rate)
        envelope = np.maximum(envelope, 0.0)  # the anti-aliasing filter rings slightly below zero
        if envelope.shape[0] == 0:
            envelope = np.zeros((1, self.n_bands))
        if self.compression == "cuberoot":
            envelope = np.cbrt(envelope)
        elif self.compression == "log":
            envelope = np.log(envelope + 1e-4)
        if self.onset_frames_ is None:
            return envelope
        return np.hstack([envelope, rectified_changes(envelope, self.onset_frames_)[0]])


class MFCC(_AudioFrontEnd):
    """Mel-frequency cepstral coefficients.

    Parameters
    ----------
    sample_rate : float, default=8000.0
    n_mfcc : int, default=13
        Coefficients kept (including c0, the log energy).
    n_mels : int, default=40
        Triangular mel filters.
    frame_rate : float, default=100.0
        Frames per second (hop = sample_rate / frame_rate samples).
    window_ms : float, default=25.0
        Analysis window length (ms), Hamming.
    f_min, f_max : float, default=0.0, None
        Band edges of the mel filterbank (Hz); ``None``: sample_rate / 2.
    normalize : bool, default=True
        Scale each waveform to unit RMS first.
    trim_db : float or None, default=40.0
        Cut the leading and trailing silence: the frames (1 / ``frame_rate`` s) more than this many
        dB below the loudest frame, but one on each side, before the waveform is normalised, so
        that the same word starts at the same frame however much silence was recorded around it.
        ``None`` keeps the whole waveform.
    """

    def __init__(
        self,
        sample_rate: float = 8000.0,
        n_mfcc: int = 13,
        n_mels: int = 40,
        frame_rate: float = 100.0,
        window_ms: float = 25.0,
        f_min: float = 0.0,
        f_max: float | None = None,
        normalize: bool = True,
        trim_db: float | None = 40.0,
    ):
        self.sample_rate = sample_rate
        self.n_mfcc = n_mfcc
        self.n_mels = n_mels
        self.frame_rate = frame_rate
        self.window_ms = window_ms
        self.f_min = f_min
        self.f_max = f_max
        self.normalize = normalize
        self.trim_db = trim_db

    def _check_params(self):
        super()._check_params()
        for name in ("n_mfcc", "n_mels"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"MFCC.{name} must be a positive integer, got {value!r}")
        if self.n_mfcc > self.n_mels:
            raise ValueError(f"MFCC.n_mfcc ({self.n_mfcc}) cannot exceed n_mels ({self.n_mels})")
        if not isinstance(self.window_ms, Real) or not self.window_ms > 0:
            raise ValueError(f"MFCC.window_ms must be > 0, got {self.window_ms!r}")

    def _design(self):
        self.window_ = signal.get_window("hamming", max(2, int(round(self.window_ms * self.sample_rate / 1000.0))))
        self.hop_ = self._frame_length()
        n_fft = 1 << (len(self.window_) - 1).bit_length()
        f_max = self.sample_rate / 2 if self.f_max is None else self.f_max
        edges = mel_space(self.f_min, f_max, self.n_mels + 2)
        bins = np.fft.rfftfreq(n_fft, 1.0 / self.sample_rate)
        lower, center, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
        rising = (bins - lower) / (center - lower)
        falling = (upper - bins) / (upper - center)
        self.mel_filters_ = np.maximum(0.0, np.minimum(rising, falling))  # (n_mels, n_fft // 2 + 1)
        self.n_fft_ = n_fft
        self.n_channels_out_ = self.n_mfcc

    def _features(self, wave):
        width = len(self.window_)
        if wave.shape[0] < width:
            wave = np.pad(wave, (0, width - wave.shape[0]))
        frames = np.lib.stride_tricks.sliding_window_view(wave, width)[:: self.hop_] * self.window_
        power = np.abs(np.fft.rfft(frames, n=self.n_fft_, axis=1)) ** 2
        log_mel = np.log(power @ self.mel_filters_.T + 1e-10)
        return fft.dct(log_mel, type=2, norm="ortho", axis=1)[:, : self.n_mfcc]
