"""Audio front-ends: filterbank behaviour, resampling, shapes and errors."""
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from liquid import LSMClassifier
from liquid.audio import MFCC, Cochleagram, erb_space, trim_silence


def tone(freq, seconds=0.5, rate=8000):
    t = np.arange(int(seconds * rate)) / rate
    return np.sin(2 * np.pi * freq * t)


@pytest.mark.parametrize("freq", [300.0, 1000.0, 2500.0])
def test_cochleagram_of_a_tone_peaks_in_the_band_nearest_the_tone(freq):
    front = Cochleagram(n_bands=24).fit([tone(freq)])
    (gram,) = front.transform([tone(freq)])
    assert gram.shape == (50, 24)  # 0.5 s at 100 frames/s, 24 envelopes
    loudest = np.argmax(gram[10:].mean(axis=0))
    nearest = np.argmin(np.abs(np.log(front.center_frequencies_ / freq)))
    assert abs(loudest - nearest) <= 1


def test_onsets_and_offsets_mark_where_a_tone_starts_and_stops():
    t = np.arange(8000) / 8000
    burst = np.where((t >= 0.3) & (t < 0.7), np.sin(2 * np.pi * 1000.0 * t), 0.0)
    front = Cochleagram(n_bands=24, onset_ms=20.0, trim_db=None).fit([burst])
    (gram,) = front.transform([burst])
    assert front.onset_frames_ == 2 and front.n_channels_out_ == 72 and gram.shape == (100, 72)
    envelope, onsets, offsets = gram[:, :24], gram[:, 24:48], gram[:, 48:]
    band = np.argmax(envelope[50])
    assert 29 <= np.argmax(onsets[:, band]) <= 33  # the tone starts at frame 30
    assert 69 <= np.argmax(offsets[:, band]) <= 73  # and stops at frame 70
    assert np.all(onsets >= 0) and np.all(offsets >= 0)
    # Onsets minus offsets is the envelope's change over the two frames; none before the first frame.
    np.testing.assert_allclose((onsets - offsets)[2:], envelope[2:] - envelope[:-2], atol=1e-12)
    np.testing.assert_allclose((onsets - offsets)[:2], envelope[:2] - envelope[0], atol=1e-12)
    (plain,) = Cochleagram(n_bands=24, onset_ms=None, trim_db=None).fit([burst]).transform([burst])
    np.testing.assert_array_equal(plain, envelope)


def test_trim_silence_keeps_the_loud_frames_and_one_quiet_frame_on_each_side():
    wave = np.zeros(1005)  # 10-sample frames; the last one is partial
    wave[400:600] = 1.0
    wave[300:310] = 1e-3  # 60 dB below the loudest frame
    trimmed = trim_silence(wave, 10, 40.0)
    np.testing.assert_array_equal(trimmed, wave[390:610])
    np.testing.assert_array_equal(trim_silence(wave, 10, 80.0), wave[290:610])  # now loud enough to keep
    np.testing.assert_array_equal(trim_silence(np.zeros(50), 10, 40.0), np.zeros(50))  # silent throughout: whole
    wave[1004] = 1.0  # a loud partial last frame is kept
    np.testing.assert_array_equal(trim_silence(wave, 10, 40.0), wave[390:])


@pytest.mark.parametrize("front", [Cochleagram(n_bands=16), MFCC()])
def test_the_same_word_gives_the_same_frames_however_much_silence_surrounds_it(front):
    rng = np.random.default_rng(0)
    word = tone(700.0, 0.3) * np.hanning(2400)
    floor = 1e-4  # room noise, 60-70 dB below the word
    padded = [np.concatenate([floor * rng.standard_normal(lead), word, floor * rng.standard_normal(tail)])
              for lead, tail in ((800, 80), (3200, 2400))]  # 0.1 s / 0.4 s before, 10 / 300 ms after
    short, long = clone(front).fit(padded).transform(padded)
    assert short.shape == long.shape and abs(short.shape[0] - 30) <= 3
    np.testing.assert_allclose(short[2:-2], long[2:-2], atol=1e-3)
    untrimmed = clone(front).set_params(trim_db=None).fit(padded).transform(padded)
    assert untrimmed[0].shape[0] > short.shape[0] + 5 and untrimmed[1].shape[0] > short.shape[0] + 50


def test_erb_spacing_is_denser_at_low_frequencies():
    centres = erb_space(100.0, 3600.0, 20)
    assert centres[0] == pytest.approx(100.0) and centres[-1] == pytest.approx(3600.0)
    assert np.all(np.diff(np.diff(centres)) > 0)


def test_other_sample_rates_are_resampled():
    front = Cochleagram().fit([tone(500.0)])
    (at_8k,) = front.transform([tone(500.0)])
    (from_16k,) = front.transform([(tone(500.0, rate=16000), 16000)])
    assert from_16k.shape == at_8k.shape
    np.testing.assert_allclose(from_16k[5:-5], at_8k[5:-5], rtol=0.05, atol=0.02)


def test_variable_lengths_and_compressions():
    waves = [tone(400.0, 0.2), tone(400.0, 0.73)]
    for compression in ("cuberoot", "log", "none"):
        grams = Cochleagram(compression=compression).fit(waves).transform(waves)
        assert [g.shape[0] for g in grams] == [20, 73]
        assert all(np.all(np.isfinite(g)) for g in grams)


def test_mfcc_shapes_and_energy_coefficient():
    front = MFCC(n_mfcc=13).fit([tone(440.0)])
    quiet, loud = front.set_params(normalize=False).transform([0.01 * tone(440.0), tone(440.0)])
    assert quiet.shape == (48, 13)  # (4000 - 200) // 80 + 1 frames
    assert loud[:, 0].mean() > quiet[:, 0].mean()  # c0 follows log energy
    np.testing.assert_allclose(loud[:, 1:], quiet[:, 1:], atol=0.01)  # the spectral shape does not


@pytest.mark.parametrize(
    "X, match",
    [
        ([np.array([0.1, np.nan, 0.2])], r"X\[0\] contains NaN"),
        ([np.zeros(0)], r"X\[0\] is an empty waveform"),
        ([np.zeros((100, 2))], r"X\[0\] must be a 1-D"),
        ([(np.zeros(100), -5)], r"X\[0\] has an invalid sample rate"),
        ([], "empty"),
        (np.zeros(100), "list of waveforms"),
    ],
)
def test_bad_audio_is_rejected(X, match):
    with pytest.raises(ValueError, match=match):
        Cochleagram().fit(X)


@pytest.mark.parametrize(
    "front, match",
    [
        (Cochleagram(compression="loud"), "compression"),
        (Cochleagram(frame_rate=5000.0), "frame_rate"),
        (Cochleagram(f_min=5000.0), "f_min"),
        (Cochleagram(onset_ms=0.0), "onset_ms"),
        (Cochleagram(onset_ms=float("nan")), "onset_ms"),
        (Cochleagram(onset_ms=1e6), "onset_ms"),
        (Cochleagram(onset_ms="20"), "onset_ms"),
        (Cochleagram(trim_db=0.0), "trim_db"),
        (Cochleagram(trim_db=-20.0), "trim_db"),
        (Cochleagram(trim_db=float("nan")), "trim_db"),
        (Cochleagram(trim_db=1e4), "trim_db"),
        (Cochleagram(trim_db="40"), "trim_db"),
        (MFCC(trim_db=True), "trim_db"),
        (MFCC(n_mfcc=50, n_mels=40), "n_mfcc"),
        (MFCC(sample_rate=-1.0), "sample_rate"),
    ],
)
def test_bad_front_end_parameters(front, match):
    with pytest.raises(ValueError, match=match):
        front.fit([tone(440.0)])


def test_front_end_in_a_pipeline_with_the_liquid():
    rng = np.random.default_rng(0)
    waves = [tone(f) + 0.05 * rng.standard_normal(4000) for f in (300, 310, 2000, 2100) * 5]
    labels = np.array([0, 0, 1, 1] * 5)
    pipe = make_pipeline(Cochleagram(n_bands=16), LSMClassifier(n_neurons=100, random_state=0))
    assert pipe.fit(waves, labels).score(waves, labels) == 1.0
