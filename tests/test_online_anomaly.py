"""The online detector: learns the stream as it goes, no look-ahead, events not points."""
import numpy as np
import pytest

from liquid.online_anomaly import OnlineAnomalyDetector


def _stream(n, rng, level_change_at=None, spike_at=None):
    t = np.arange(n)
    x = np.sin(2 * np.pi * t / 50.0) + 0.1 * rng.standard_normal(n)
    if level_change_at is not None:
        x[level_change_at:] += 3.0
    if spike_at is not None:
        x[spike_at] += 4.0
    return x


def test_a_level_change_raises_an_alarm_then_becomes_the_new_normal():
    rng = np.random.default_rng(0)
    x = _stream(6000, rng, level_change_at=3000)
    detector = OnlineAnomalyDetector(random_state=0).fit(x[:1000])
    alarms = detector.detect(x[1000:])
    at = np.flatnonzero(alarms) + 1000
    print(f"\nalarms at {at.tolist()}")
    assert np.any((at >= 3000) & (at < 3050))  # the change is noticed at once
    assert not np.any(at >= 4500)  # ... and learned: the new level is normal after a while
    frozen = OnlineAnomalyDetector(random_state=0).fit(x[:1000])
    probability = frozen.score_stream(x[1000:], learn=False)
    assert np.mean(probability[3500:] < 1e-4) > 0.5  # without learning, the new level stays anomalous


def test_spikes_are_found_with_few_false_alarms():
    rng = np.random.default_rng(1)
    x = _stream(5000, rng)
    spikes = [2000, 3500, 4500]
    x[spikes] += 5.0
    detector = OnlineAnomalyDetector(random_state=0).fit(x[:1000])
    at = np.flatnonzero(detector.detect(x[1000:])) + 1000
    found = sum(any(0 <= a - s < 15 for a in at) for s in spikes)
    false = sum(all(not 0 <= a - s < 15 for s in spikes) for a in at)
    print(f"\nfound {found}/3 spikes, {false} false alarms")
    assert found == 3 and false <= 2


def test_streaming_in_pieces_equals_one_piece_and_never_looks_ahead():
    rng = np.random.default_rng(2)
    x = _stream(2500, rng, spike_at=1800)
    whole = OnlineAnomalyDetector(random_state=0).fit(x[:500]).score_stream(x[500:])
    pieces = OnlineAnomalyDetector(random_state=0).fit(x[:500])
    chunked = np.concatenate([pieces.score_stream(x[a:b]) for a, b in ((500, 501), (501, 1300), (1300, 2500))])
    np.testing.assert_allclose(chunked, whole, rtol=1e-9, atol=1e-300)
    # The scores of a prefix do not depend on what follows it.
    prefix = OnlineAnomalyDetector(random_state=0).fit(x[:500]).score_stream(x[500:1500])
    np.testing.assert_allclose(prefix, whole[:1000], rtol=1e-9, atol=1e-300)


def test_parameters_and_inputs_are_checked():
    x = np.random.default_rng(3).standard_normal(300)
    with pytest.raises(ValueError, match="alarm_probability"):
        OnlineAnomalyDetector(alarm_probability=2.0).fit(x)
    with pytest.raises(ValueError, match="at least"):
        OnlineAnomalyDetector().fit(x[:5])
    detector = OnlineAnomalyDetector(random_state=0).fit(x)
    with pytest.raises(ValueError, match="channels"):
        detector.detect(np.zeros((10, 2)))
    with pytest.raises(ValueError, match="NaN"):
        detector.detect(np.array([0.0, np.nan]))


def _likelihood(raw, clip):
    from liquid.online_kernels import likelihood_stream

    out = np.empty(raw.shape[0])
    likelihood_stream(raw, 2000.0, 10, clip, np.zeros(3), np.zeros(11), True, out)
    return out


def test_a_burst_of_anomalies_does_not_hide_the_next_one():
    raw = np.random.default_rng(0).standard_normal(3000)
    raw[1000:1060] += 30.0  # a long burst
    raw[1500:1510] += 4.0  # a moderate anomaly soon after
    robust, plain = _likelihood(raw, 3.0), _likelihood(raw, 1e300)
    assert robust[1000:1060].min() < 1e-10 and plain[1000:1060].min() < 1e-10  # both see the burst
    assert robust[1500:1520].min() < 1e-4 < plain[1500:1520].min()  # only the robust statistics see the next
    calm = np.r_[0:1000, 2500:3000]
    assert robust[calm][20:].min() > 1e-4  # and neither alarms on noise


def test_event_alarms_of_stored_probabilities_are_detects_alarms():
    """Recomputing alarms from the probabilities (another alarm level without a new simulation) gives
    exactly what detect gives at that level, in one piece or in two with the state carried."""
    from liquid.online_anomaly import event_alarms

    rng = np.random.default_rng(1)
    x = _stream(5000, rng, level_change_at=3000, spike_at=2000)
    probability = OnlineAnomalyDetector(random_state=0).fit(x[:1000]).score_stream(x[1000:])
    for level in (1e-6, 1e-4, 1e-2):
        expected = OnlineAnomalyDetector(random_state=0, alarm_probability=level).fit(x[:1000]).detect(x[1000:])
        np.testing.assert_array_equal(event_alarms(probability, level, 50), expected)
        state = np.array([1.0, 0.0])
        pieces = np.concatenate([event_alarms(probability[:1234], level, 50, state),
                                 event_alarms(probability[1234:], level, 50, state)])
        np.testing.assert_array_equal(pieces, expected)
    assert event_alarms(probability, 1e-2, 50).sum() >= event_alarms(probability, 1e-6, 50).sum()
    for bad, match in ((np.array([0.5, 1.5]), "in \\[0, 1\\]"), (np.ones((2, 2)), "1-D")):
        with pytest.raises(ValueError, match=match):
            event_alarms(bad, 1e-4, 50)
    with pytest.raises(ValueError, match="alarm_probability"):
        event_alarms(probability, 0.9, 50)
