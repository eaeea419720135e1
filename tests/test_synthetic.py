"""Seeded synthetic tasks."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from liquid import LSMClassifier
from liquid.datasets import make_mackey_glass, make_narma, make_spike_pattern, make_temporal_order


def test_temporal_order_classes_share_their_average_input():
    X, y = make_temporal_order(50, noise=0.0, segment_length=(10, 10), random_state=0)
    means = {label: X[i].mean(axis=0) for i, label in enumerate(y)}
    first = next(iter(means.values()))
    for mean in means.values():
        np.testing.assert_allclose(mean, first)
    assert set(y) <= set(range(6))


def test_spike_pattern_task_hides_timing_only_and_the_liquid_finds_it():
    X, y = make_spike_pattern(300, random_state=0)
    assert X[0].shape == (30, 40) and set(np.unique(X[0])) <= set(range(10))
    mean_rate = np.mean([x.mean() for x in X]) * 100.0  # spikes per 10 ms frame -> Hz
    assert mean_rate == pytest.approx(20.0, rel=0.1)

    def average(sequences):
        return np.array([x.mean(axis=0) for x in sequences])

    static = LogisticRegression(max_iter=2000).fit(average(X[:200]), y[:200]).score(average(X[200:]), y[200:])
    lsm = LSMClassifier(n_neurons=500, encoder="spikes", input_scale=10.0, random_state=0)
    accuracy = lsm.fit(X[:200], y[:200]).score(X[200:], y[200:])
    print(f"\nspike pattern (2 classes): LSM {accuracy:.3f}, time-average baseline {static:.3f}")
    assert accuracy >= 0.8
    assert static <= 0.65


def test_narma_follows_its_recurrence():
    u, y = make_narma(500, random_state=0)
    assert u.min() >= 0 and u.max() <= 0.5
    t = 200
    expected = 0.3 * y[t] + 0.05 * y[t] * y[t - 9 : t + 1].sum() + 1.5 * u[t - 9] * u[t] + 0.1
    assert y[t + 1] == pytest.approx(expected)
    np.testing.assert_array_equal(make_narma(500, random_state=0)[1], y)


def test_mackey_glass_is_the_classic_chaotic_attractor():
    x = make_mackey_glass(3000, random_state=0)
    assert 0.2 < x.min() < 0.5 and 1.2 < x.max() < 1.45  # the tau = 17 attractor's range
    np.testing.assert_array_equal(make_mackey_glass(3000, random_state=0), x)
    # Chaotic, not periodic: the series does not repeat itself with any lag up to 200.
    lags = [np.abs(x[lag:] - x[:-lag]).mean() for lag in range(20, 200)]
    assert min(lags) > 0.02
