"""Streaming liquid, anomaly detector, window metrics and the anomaly-detection example script."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liquid import LIF, LiquidStateMachine, LSMAnomalyDetector
from liquid.features import FilteredState
from liquid.datasets import read_timeseries_csv
from liquid.metrics import load_windows, point_auc_pr, window_labels, window_scores

ROOT = Path(__file__).resolve().parents[1]
NAB = ROOT.parent / "shared" / "data" / "nab"
WINDOWS = [(1000, 1010), (1800, 2050), (2400, 2750)]  # injected anomaly, plus time for the liquid to settle


def _normal(n, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return np.sin(2 * np.pi * t / 50) + 0.1 * rng.standard_normal(n)


def _with_anomalies():
    """A spike, a level shift and a frequency change injected in a noisy sine."""
    x = _normal(3000, seed=1)
    x[1000:1003] += 3.0
    x[1800:2000] += 1.0
    t = np.arange(2400, 2700)
    x[2400:2700] = np.sin(2 * np.pi * t / 20) + 0.1 * np.random.default_rng(2).standard_normal(300)
    return x


@pytest.mark.parametrize("encoder, neuron", [("current", LIF()), ("poisson", LIF(noise_std=1.0))])
def test_streaming_in_chunks_equals_one_piece(encoder, neuron):
    x = np.random.default_rng(0).standard_normal((400, 2))
    lsm = LiquidStateMachine(n_neurons=120, encoder=encoder, neuron=neuron, features=FilteredState(voltage=False),
                             time_scales=(1,),
                             random_state=0).fit([x])
    whole = lsm.partial_transform(x)
    lsm.reset_state()
    chunks = np.vstack([lsm.partial_transform(x[a:b]) for a, b in [(0, 1), (1, 57), (57, 300), (300, 400)]])
    np.testing.assert_array_equal(chunks, whole)
    assert whole.shape == (400, 120) and whole.sum() > 0
    if encoder == "current":  # deterministic: the stream ends where a batch simulation of the series ends
        end_state = lsm.transform([x])[0].reshape(5, 120)[-1]
        np.testing.assert_allclose(whole[-1], end_state)


def test_detector_finds_each_injected_anomaly_with_few_false_alarms():
    detector = LSMAnomalyDetector(random_state=0).fit(_normal(4000, seed=0))
    series = _with_anomalies()
    flags = detector.predict(series) == -1
    result = window_scores(flags, np.arange(3000).astype("datetime64[s]"),
                           [(np.datetime64(a, "s"), np.datetime64(b, "s")) for a, b in WINDOWS])
    print(f"\nprediction method: {result}")
    assert result["detected"] == 3
    assert result["false_alarms"] <= 3
    score = detector.score_samples(series)
    assert score.shape == (3000,) and np.all(score[:21] == 0)
    np.testing.assert_allclose(detector.decision_function(series), score - detector.offset_)


def test_mahalanobis_method_finds_the_sustained_anomalies():
    detector = LSMAnomalyDetector("mahalanobis", random_state=0).fit(_normal(4000, seed=0))
    anomaly = -detector.score_samples(_with_anomalies())
    outside = np.ones(3000, dtype=bool)
    for a, b in WINDOWS:
        outside[a:b] = False
    for a, b in WINDOWS[1:]:  # level shift and frequency change
        assert anomaly[a:b].max() > -detector.offset_
    assert np.mean(anomaly[outside] > -detector.offset_) < 0.01


def test_a_training_stream_that_ends_flat_is_read_whole():
    """The liquid's encoder learns its statistics from the whole stream it will stream, flat end included
    (a liquid's ``trim_padding`` is for padded sequences, not streams)."""
    train = np.r_[_normal(1500, seed=0), np.full(500, 2.0)]
    detector = LSMAnomalyDetector(liquid=LiquidStateMachine(300, trim_padding=True), random_state=0).fit(train)
    np.testing.assert_allclose(detector.liquid_.encoder_.mean_, [train.mean()])


def test_scores_do_not_depend_on_the_chunk_size():
    train = _normal(1500, seed=0)
    a = LSMAnomalyDetector(chunk_size=2000, random_state=0).fit(train).score_samples(_with_anomalies())
    b = LSMAnomalyDetector(chunk_size=333, random_state=0).fit(train).score_samples(_with_anomalies())
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize(
    "train, params, match",
    [
        (np.r_[_normal(500, 0)[:250], np.nan, _normal(500, 0)[251:]], {}, "NaN"),
        (_normal(60, 0), {}, "at least"),
        (_normal(500, 0), {"method": "isolation"}, "method"),
        (_normal(500, 0), {"contamination": 0.7}, "contamination"),
    ],
)
def test_bad_training_input_is_named(train, params, match):
    with pytest.raises(ValueError, match=match):
        LSMAnomalyDetector(**params).fit(train)


def test_bad_stream_input_is_named():
    detector = LSMAnomalyDetector(random_state=0).fit(_normal(600, 0))
    with pytest.raises(ValueError, match="infinity|NaN"):
        detector.score_samples(np.r_[_normal(100, 0), np.inf])
    with pytest.raises(ValueError, match="2 channels"):
        detector.score_samples(np.zeros((100, 2)))


def test_timestamps_that_go_back_are_rejected_unless_asked(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text("timestamp,value\n2020-01-01 00:00,1\n2020-01-01 00:05,2\n2020-01-01 00:03,3\n")
    with pytest.raises(ValueError, match="row 3 is before row 2"):
        read_timeseries_csv(path)
    assert len(read_timeseries_csv(path, keep_order=True)) == 3
    path.write_text("timestamp,value\n2020-01-01,1\n2020-01-02,x\n")
    with pytest.raises(ValueError, match="non-numeric value at row 2"):
        read_timeseries_csv(path)


def test_window_metrics_on_a_handmade_case():
    t = pd.date_range("2020-01-01", periods=10, freq="h")
    windows = [(t[2], t[3]), (t[7], t[8])]
    flags = np.array([0, 1, 0, 1, 0, 0, 0, 0, 0, 0], dtype=bool)  # one false alarm, one window found
    result = window_scores(flags, t, windows)
    assert (result["detected"], result["false_alarms"]) == (1, 1)
    assert result["precision"] == 0.5 and result["recall"] == 0.5 and result["f1"] == 0.5
    labels = window_labels(t, windows)
    assert point_auc_pr(labels.astype(float), t, windows) == 1.0
    assert point_auc_pr(np.arange(10.0), t, windows) < 1.0


@pytest.mark.skipif(not NAB.is_dir(), reason=f"shared NAB data not found at {NAB}")
def test_nab_windows_load():
    windows = load_windows(NAB / "combined_windows.json", "nyc_taxi.csv")
    assert len(windows) == 5 and windows[0][0] < windows[0][1]


def test_example_script_writes_alarms_a_plot_and_the_nab_score(tmp_path):
    pytest.importorskip("matplotlib")
    times = pd.date_range("2021-01-01", periods=3000, freq="5min")
    pd.DataFrame({"timestamp": times, "value": _with_anomalies()}).to_csv(tmp_path / "sensor.csv", index=False)
    labels = tmp_path / "windows.json"
    labels.write_text('{"demo/sensor.csv": [["%s", "%s"]]}' % (times[990], times[1020]))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "anomaly_detection.py"), str(tmp_path / "sensor.csv"),
         "--windows", str(labels), "--output-dir", str(out), "--quick"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    scores = pd.read_csv(out / "sensor.csv")
    assert list(scores.columns) == ["timestamp", "value", "tail_probability", "alarm"] and len(scores) == 1500
    assert (out / "sensor.png").stat().st_size > 10_000
    assert "mean window F1" in result.stdout and "NAB standard score" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,value\n2020-01-02,1\n2020-01-01,x\n")
    failed = subprocess.run([sys.executable, str(ROOT / "examples" / "anomaly_detection.py"), str(bad)],
                            capture_output=True, text=True, timeout=600)
    assert failed.returncode == 2 and "non-numeric" in failed.stderr


def test_concurrent_score_samples_equal_serial():
    from concurrent.futures import ThreadPoolExecutor

    from liquid import LSMAnomalyDetector

    rng = np.random.default_rng(5)
    train = np.sin(np.arange(800) / 8.0) + 0.1 * rng.standard_normal(800)
    streams = [np.sin(np.arange(300) / 8.0 + k) + 0.1 * rng.standard_normal(300) for k in range(8)]
    detector = LSMAnomalyDetector(random_state=0).fit(train)
    serial = [detector.score_samples(s) for s in streams]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(detector.score_samples, streams * 5))
    for i, scores in enumerate(parallel):
        np.testing.assert_array_equal(scores, serial[i % len(streams)])
