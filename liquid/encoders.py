"""Encoders: analog input frames -> the drive the liquid receives.

An encoder learns per-channel statistics in ``fit`` (from the training
sequences) and maps each (n_frames, n_channels) sequence to a drive array whose
meaning is given by its ``mode``: a current, a Poisson rate (Hz) or spike
counts per frame. Pass one to ``LiquidStateMachine(encoder=...)``, or use it
as a scikit-learn transformer in a Pipeline (``transform`` returns the list of
encoded sequences) in front of a liquid with ``encoder="spikes"`` (spike
encoders) or ``PoissonEncoder(normalize=False)`` (rate encoders).
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from sklearn.base import TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._limits import check_memory, ms_to_steps
from ._validation import check_number, check_sequences
from .kernels import MODE_CURRENT, MODE_RATE, MODE_SPIKES, bsa_decide, delta_encode


#: Longest span (frames) over which ``CurrentEncoder`` measures a channel's change.
MAX_CHANGE_FRAMES = 100_000
#: Liquid time (ms) over which ``CurrentEncoder(changes="auto")`` measures a channel's change: 2 frames
#: of the liquid's default 10 ms. In liquid time rather than frames, as the membranes and synapses that
#: smooth the input are: on the accuracy benchmark's shortest sequences (8 frames held 38 ms each),
#: changes over 1 frame gave 0.980 against 0.978 over 2 (mean of seeds 0-2).
AUTO_CHANGE_MS = 20.0


def rectified_changes(
    levels: np.ndarray, lag: int, history: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rises then falls (half-wave rectified differences) of each column of ``levels`` (n_frames,
    n_channels) over ``lag`` frames, side by side, and the last ``lag`` frames seen, which continue a
    stream as ``history``. Without a history, the frames before the first count as equal to it: no
    change is known there."""
    if history is None:
        history = np.repeat(levels[:1], lag, axis=0)
    extended = np.concatenate([history, levels])
    change = levels - extended[:-lag]
    return np.hstack([np.maximum(change, 0.0), np.maximum(-change, 0.0)]), extended[-lag:]


def _stacked(sequences: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(sequences, axis=0)


class _Encoder(TransformerMixin, BaseEstimator):
    mode: int
    #: whether input synapses get random signs (analog drive) or are excitatory (spikes).
    signed_weights: bool = False

    def fit(self, X, y=None, frame_duration: float | None = None) -> "_Encoder":
        """Learn the per-channel statistics the encoding needs from the training sequences.

        ``frame_duration`` (ms of liquid time per frame; the liquid passes its own) sets spans given
        in ms; encoders without one ignore it.
        """
        self.validate()
        if frame_duration is not None:
            check_number("frame_duration", frame_duration, 0.0, low_inclusive=False)
        self._set_frame_duration(frame_duration)
        sequences, _ = check_sequences(X)
        self._fit(sequences)
        self.n_channels_in_ = sequences[0].shape[1]
        return self

    def transform(self, X) -> list[np.ndarray]:
        """Encode each sequence: a list of (n_frames, n_output_channels) arrays."""
        check_is_fitted(self, "n_channels_in_")
        sequences, _ = check_sequences(X)
        if sequences[0].shape[1] != self.n_channels_in_:
            raise ValueError(
                f"X has {sequences[0].shape[1]} channels, but {type(self).__name__} was fitted with {self.n_channels_in_}"
            )
        return [self.encode(seq) for seq in sequences]

    def _set_frame_duration(self, frame_duration: float | None) -> None:
        """Resolve spans given in ms (none by default)."""

    def _fit(self, sequences: list[np.ndarray]) -> None:
        """Learn from validated sequences (nothing by default)."""

    def validate(self) -> None:
        """Raise ValueError naming the first invalid parameter."""

    def n_output_channels(self, n_channels: int) -> int:
        return n_channels

    def encode(self, sequence) -> np.ndarray:
        """Encode one whole sequence, (n_frames, n_channels) or (n_frames,).

        ValueError for input the statistics cannot hold (NaN, infinity, magnitudes
        beyond ``MAX_ABS_VALUE``) and for a drive that would not be finite (input
        far outside the training range).
        """
        if sequence is None or np.ndim(sequence) not in (1, 2):
            raise ValueError(f"encode takes one sequence, (n_frames,) or (n_frames, n_channels); got "
                             f"{'None' if sequence is None else f'{np.ndim(sequence)}-D input'}")
        (sequence,), _ = check_sequences([sequence])
        drive = self.encode_chunk(sequence, self.new_stream_state())
        if not np.isfinite(drive).all():
            raise ValueError(f"{type(self).__name__} gives a non-finite drive for this sequence: its values lie far "
                             "outside the range the encoder was fitted on; rescale the data")
        return drive

    def new_stream_state(self) -> dict:
        """State carried between :meth:`encode_chunk` calls (stateless encoders: empty)."""
        return {}

    def encode_chunk(self, chunk: np.ndarray, state: dict) -> np.ndarray:
        """Encode the next chunk of a stream; chunks give exactly the drive of one piece."""
        raise NotImplementedError


class _Standardizer:
    """Per-channel z-scoring with statistics from the training frames."""

    def _fit_standardizer(self, sequences: list[np.ndarray]) -> None:
        frames = _stacked(sequences)
        self.mean_ = frames.mean(axis=0)
        std = frames.std(axis=0)
        # Constant channels carry no information; keep them at zero drive.
        self.scale_ = np.where(std > 1e-12, std, 1.0)

    def _standardize(self, sequence: np.ndarray) -> np.ndarray:
        return (sequence - self.mean_) / self.scale_


class CurrentEncoder(_Standardizer, _Encoder):
    """Inject each channel as a current (current-mode input), with its rises and falls.

    The drive of channel ``c`` is its z-score (training mean and std), held
    constant over the frame; the input weights (mV) turn it into a current.
    With ``changes``, each channel also gives two more input channels: how much
    it rose and how much it fell over the last ``changes`` frames (the
    difference, half-wave rectified into its two signs, each z-scored with
    training statistics), as onset and offset cells signal change. The liquid's
    membranes and synapses low-pass their input; these channels hand it the
    transitions, which the readout would otherwise have to recover from a
    smoothed state.

    Parameters
    ----------
    standardize : bool, default=True
        Z-score the channels (and their changes) with training statistics;
        ``False`` injects raw values and raw rectified differences.
    changes : "auto", int or None, default="auto"
        Frames over which each channel's rise and fall are measured.
        ``"auto"``: over ``AUTO_CHANGE_MS`` (20 ms) of liquid time, i.e.
        ``20 / frame_duration`` frames rounded, at least 1 (2 frames at the
        liquid's default 10 ms per frame, 1 when short sequences are held
        longer); 2 frames when fitted without a frame duration. ``None`` or 0
        for the channels alone (0 can be written in any configuration file).
        A stream (or sequence) starts with no change: the frames before its
        first count as equal to it.

    Attributes
    ----------
    change_frames_ : int
        The span used (0: no change channels).
    """

    mode = MODE_CURRENT
    signed_weights = True

    def __init__(self, standardize: bool = True, changes: int | str | None = "auto"):
        self.standardize = standardize
        self.changes = changes

    def validate(self):
        if isinstance(self.changes, str):
            if self.changes != "auto":
                raise ValueError(f"CurrentEncoder.changes must be 'auto', a number of frames or None, "
                                 f"got {self.changes!r}")
        elif self.changes is not None:
            check_number("CurrentEncoder.changes", self.changes, 0, high=MAX_CHANGE_FRAMES, integer=True)

    def _set_frame_duration(self, frame_duration):
        if self.changes != "auto":
            self.change_frames_ = int(self.changes or 0)
        elif frame_duration is None:
            self.change_frames_ = 2
        else:
            self.change_frames_ = ms_to_steps("CurrentEncoder.changes='auto'", AUTO_CHANGE_MS, frame_duration,
                                              maximum=MAX_CHANGE_FRAMES, minimum=1)

    def _fit(self, sequences):
        self._fit_standardizer(sequences)
        if not (self.change_frames_ and self.standardize):  # raw differences need no statistics
            return
        rectified = _stacked([self._rectified_changes(self._levels(seq), {}) for seq in sequences])
        self.change_mean_ = rectified.mean(axis=0)
        std = rectified.std(axis=0)
        self.change_scale_ = np.where(std > 1e-12, std, 1.0)

    def n_output_channels(self, n_channels):
        return n_channels if self.changes in (None, 0) else 3 * n_channels

    def _levels(self, chunk: np.ndarray) -> np.ndarray:
        return self._standardize(chunk) if self.standardize else chunk

    def _rectified_changes(self, levels: np.ndarray, state: dict) -> np.ndarray:
        """Rises then falls of each channel over ``change_frames_`` frames; ``state`` keeps the last frames."""
        rectified, state["history"] = rectified_changes(levels, self.change_frames_, state.get("history"))
        return rectified

    def encode_chunk(self, chunk, state):
        levels = self._levels(chunk)
        if not self.change_frames_:
            return levels
        rectified = self._rectified_changes(levels, state)
        if self.standardize:
            rectified = (rectified - self.change_mean_) / self.change_scale_
        return np.hstack([levels, rectified])


class PoissonEncoder(_Encoder):
    """Poisson rate coding: each channel becomes a spike train with rate in Hz.

    With ``normalize=True`` the rate is ``max_rate * (x - min) / (max - min)``
    using the training range of each channel (clipped to [0, max_rate]);
    with ``normalize=False`` the input is taken to be rates in Hz already.

    Parameters
    ----------
    max_rate : float, default=100.0
        Rate (Hz) of a channel at its training maximum.
    normalize : bool, default=True
        Map the training range to [0, max_rate]; otherwise the input must be
        non-negative rates (Hz).
    """

    mode = MODE_RATE

    def __init__(self, max_rate: float = 100.0, normalize: bool = True):
        self.max_rate = max_rate
        self.normalize = normalize

    def validate(self):
        check_number("PoissonEncoder.max_rate", self.max_rate, 0.0, low_inclusive=False)

    def _fit(self, sequences):
        frames = _stacked(sequences)
        self.min_ = frames.min(axis=0)
        span = frames.max(axis=0) - self.min_
        self.span_ = np.where(span > 1e-12, span, 1.0)
        if not self.normalize:
            self._check_rates(frames)

    @staticmethod
    def _check_rates(frames):
        if np.any(frames < 0):
            raise ValueError(
                "PoissonEncoder(normalize=False) takes rates in Hz, but the input has negative values; "
                "pass non-negative rates or use normalize=True"
            )

    def encode_chunk(self, chunk, state):
        if not self.normalize:
            self._check_rates(chunk)
            return chunk
        return self.max_rate * np.clip((chunk - self.min_) / self.span_, 0.0, 1.0)


class DeltaEncoder(_Standardizer, _Encoder):
    """Threshold-crossing (send-on-delta) coding.

    Each channel gives two spike channels: an "up" spike each time the
    (standardized) signal has risen by ``threshold`` since the channel's last
    event, a "down" spike each time it has fallen by ``threshold``.

    Parameters
    ----------
    threshold : float, default=0.1
        Change (in training standard deviations of the channel) that emits a spike.
    """

    mode = MODE_SPIKES

    def __init__(self, threshold: float = 0.1):
        self.threshold = threshold

    def validate(self):
        check_number("DeltaEncoder.threshold", self.threshold, 0.0, low_inclusive=False)

    def _fit(self, sequences):
        self._fit_standardizer(sequences)

    def n_output_channels(self, n_channels):
        return 2 * n_channels

    def new_stream_state(self):
        return {"reference": np.zeros(self.mean_.shape[0]), "started": np.zeros(1, dtype=np.int64)}

    def encode_chunk(self, chunk, state):
        return delta_encode(np.ascontiguousarray(self._standardize(chunk)), float(self.threshold),
                            state["reference"], state["started"])


class SpikeEncoder(_Encoder):
    """Input that already is spike counts per frame and channel (non-negative).

    Use :func:`events_to_counts` to turn (time, channel) spike events into counts.
    """

    mode = MODE_SPIKES

    def _fit(self, sequences):
        for sequence in sequences:
            self.encode(sequence)

    def encode_chunk(self, chunk, state):
        if np.any(chunk < 0):
            raise ValueError("SpikeEncoder takes spike counts, but the input has negative values")
        return chunk


#: Largest number of encoded channels an encoder may produce (memory of the drive and input synapses).
MAX_ENCODED_CHANNELS = 100_000
#: Longest BSA reconstruction filter (frames).
MAX_FILTER_LENGTH = 10_000


class BSAEncoder(_Encoder):
    """Ben's Spiker Algorithm (Schrauwen & Van Campenhout 2003): a deconvolution spike code.

    Each channel is scaled to [0, 1] with its training range; a spike is
    placed in a frame whenever subtracting the filter there reduces the
    reconstruction error by more than ``threshold``, so that convolving the
    spike train with the filter approximates the signal.

    The decision for a frame needs its whole filter window, so the encoder is
    causal with a latency: the spike decided for frame ``t`` is emitted at
    frame ``t + filter_length - 1`` (the first ``filter_length - 1`` frames
    carry no spikes, and a sequence's last frames are decided only if more
    data follows). This makes a stream encoded chunk by chunk identical to
    the stream encoded in one piece.

    Parameters
    ----------
    filter_length : int, default=8
        Length (frames) of the Hann reconstruction filter, normalised to unit sum.
    threshold : float, default=0.05
        Error reduction a spike must bring (in units of the scaled signal).
    """

    mode = MODE_SPIKES

    def __init__(self, filter_length: int = 8, threshold: float = 0.05):
        self.filter_length = filter_length
        self.threshold = threshold

    def validate(self):
        check_number("BSAEncoder.filter_length", self.filter_length, 1, high=MAX_FILTER_LENGTH, integer=True)
        check_number("BSAEncoder.threshold", self.threshold, 0.0)

    def reconstruction_filter(self) -> np.ndarray:
        window = np.hanning(self.filter_length + 2)[1:-1]
        return window / window.sum()

    def _fit(self, sequences):
        frames = _stacked(sequences)
        self.min_ = frames.min(axis=0)
        span = frames.max(axis=0) - self.min_
        self.span_ = np.where(span > 1e-12, span, 1.0)

    def new_stream_state(self):
        lag = self.filter_length - 1
        return {"pending": np.zeros((0, self.min_.shape[0])), "lead": lag}

    def encode_chunk(self, chunk, state):
        # A frame is decided once its whole filter window has arrived, so each spike comes out
        # filter_length - 1 frames after its frame: causal, and chunked streams equal one piece.
        scaled = np.clip((chunk - self.min_) / self.span_, 0.0, 1.0)
        residual = np.ascontiguousarray(np.vstack([state["pending"], scaled]))
        n_decide = max(residual.shape[0] - (self.filter_length - 1), 0)
        decided = bsa_decide(residual, self.reconstruction_filter(), float(self.threshold), n_decide)
        state["pending"] = residual[n_decide:].copy()
        lead = min(state["lead"], chunk.shape[0])
        state["lead"] -= lead
        return np.vstack([np.zeros((lead, chunk.shape[1])), decided])


class PopulationEncoder(_Encoder):
    """Population coding with Gaussian receptive fields (rate mode).

    Each channel feeds ``n_fields`` input neurons whose preferred values are
    evenly spaced over the channel's training range; neuron ``j`` fires at
    ``max_rate * exp(-(x - mu_j)^2 / (2 sigma^2))`` Hz with ``sigma`` =
    ``width`` times the spacing of the preferred values.

    Parameters
    ----------
    n_fields : int, default=8
        Receptive fields per channel.
    max_rate : float, default=100.0
        Rate (Hz) at the centre of a field.
    width : float, default=1.0
        Field width in units of the spacing between centres.
    """

    mode = MODE_RATE

    def __init__(self, n_fields: int = 8, max_rate: float = 100.0, width: float = 1.0):
        self.n_fields = n_fields
        self.max_rate = max_rate
        self.width = width

    def validate(self):
        check_number("PopulationEncoder.n_fields", self.n_fields, 1, high=MAX_ENCODED_CHANNELS, integer=True)
        check_number("PopulationEncoder.max_rate", self.max_rate, 0.0, low_inclusive=False)
        check_number("PopulationEncoder.width", self.width, 0.0, low_inclusive=False)

    def n_output_channels(self, n_channels):
        if n_channels * self.n_fields > MAX_ENCODED_CHANNELS:
            raise ValueError(
                f"PopulationEncoder: {n_channels} channels x n_fields={self.n_fields} gives more than "
                f"{MAX_ENCODED_CHANNELS} input channels; reduce n_fields"
            )
        return n_channels * self.n_fields

    def _fit(self, sequences):
        frames = _stacked(sequences)
        low, high = frames.min(axis=0), frames.max(axis=0)
        self.centers_ = np.linspace(low, high, self.n_fields, axis=1)  # (n_channels, n_fields)
        spacing = (high - low) / max(self.n_fields - 1, 1)
        self.sigma_ = self.width * np.where(spacing > 1e-12, spacing, 1.0)

    def encode_chunk(self, chunk, state):
        distance = (chunk[:, :, None] - self.centers_[None]) / self.sigma_[None, :, None]
        return (self.max_rate * np.exp(-0.5 * distance**2)).reshape(chunk.shape[0], -1)


def events_to_counts(
    times: np.ndarray, channels: np.ndarray, n_channels: int, duration: float, frame_duration: float
) -> np.ndarray:
    """Bin spike events into a (n_frames, n_channels) count array.

    Parameters
    ----------
    times : array of float
        Spike times (ms), in ``[0, duration)``.
    channels : array of int
        Input channel of each spike, in ``[0, n_channels)``.
    n_channels : int
        Number of input channels.
    duration : float
        Length of the spike train (ms).
    frame_duration : float
        Width of a frame (ms); give the liquid the same ``frame_duration``
        (its default ``"auto"`` may hold the frames of short sequences longer).
    """
    check_number("n_channels", n_channels, 1, high=MAX_ENCODED_CHANNELS, integer=True)
    check_number("duration", duration, 0.0, low_inclusive=False)
    check_number("frame_duration", frame_duration, 0.0, low_inclusive=False)
    n_frames = int(np.ceil(duration / frame_duration))
    check_memory(f"a count array of {n_frames} frames x {n_channels} channels", 8.0 * n_frames * n_channels)
    times = np.asarray(times, dtype=float)
    channels = np.asarray(channels)
    if channels.size == 0:  # no spikes: an empty list has no integer dtype to check
        channels = channels.astype(np.int64)
    if times.shape != channels.shape or times.ndim != 1:
        raise ValueError(f"times and channels must be 1-D of equal length, got {times.shape} and {channels.shape}")
    if not np.all(np.isfinite(times)) or np.any(times < 0) or np.any(times >= duration):
        raise ValueError(f"spike times must be finite and in [0, duration={duration}) ms")
    if channels.size and (not np.issubdtype(channels.dtype, np.integer) or channels.min() < 0 or channels.max() >= n_channels):
        raise ValueError(f"channels must be integers in [0, n_channels={n_channels})")
    counts = np.zeros((n_frames, n_channels))
    np.add.at(counts, ((times // frame_duration).astype(np.int64), channels), 1.0)
    return counts


ENCODERS = {
    "current": CurrentEncoder,
    "poisson": PoissonEncoder,
    "delta": DeltaEncoder,
    "spikes": SpikeEncoder,
    "bsa": BSAEncoder,
    "population": PopulationEncoder,
}
