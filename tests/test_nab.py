"""NAB's score, checked against the per-file scores NAB published for its own detectors."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liquid.nab import PROFILES, nab_score, normalised_score, probation_length, scaled_sigmoid

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"
needs_nab = pytest.mark.skipif(not (NAB / "results").is_dir(), reason=f"NAB results not found at {NAB}")


@needs_nab
@pytest.mark.parametrize("detector", ["numenta", "ARTime", "contextOSE", "randomCutForest", "windowedGaussian",
                                      "knncad", "relativeEntropy", "null"])
def test_reproduces_nabs_published_per_file_scores(detector):
    windows = json.loads((NAB / "combined_windows.json").read_text())
    table = pd.read_csv(NAB / "results" / detector / f"{detector}_standard_scores.csv")
    checked = 0
    for row in table.itertuples():
        if not isinstance(row.File, str) or "/" not in row.File:
            continue
        folder, name = row.File.split("/")
        path = NAB / "results" / detector / folder / f"{detector}_{name}.gz"
        if not path.is_file():
            continue
        scores = pd.read_csv(path)
        result = nab_score(scores["anomaly_score"].to_numpy() >= row.Threshold, scores["timestamp"],
                           windows[row.File])
        assert result.score == pytest.approx(row.Score, abs=1e-3), row.File
        assert result.false_positives == row.FP
        checked += 1
    assert checked >= 15


def test_the_rules_on_a_hand_made_series():
    times = pd.date_range("2020-01-01", periods=1000, freq="min")
    windows = [(times[500], times[599])]
    assert probation_length(1000) == 150 and probation_length(100_000) == 750
    null = nab_score(np.zeros(1000, bool), times, windows)
    assert null.score == -1.0 and null.missed_windows == 1
    perfect = np.zeros(1000, bool)
    perfect[500] = True
    assert nab_score(perfect, times, windows).score == pytest.approx(1.0)
    late = np.zeros(1000, bool)
    late[[560, 570, 100, 700]] = True  # one TP (later ones ignored), one FP in probation (ignored), one FP after
    result = nab_score(late, times, windows)
    expected_tp = scaled_sigmoid(-(599 - 560 + 1) / 100) / scaled_sigmoid(-1.0)
    expected_fp = 0.11 * scaled_sigmoid((700 - 599) / 99)
    assert result.score == pytest.approx(expected_tp + expected_fp)
    assert result.false_positives == 1 and result.detected_windows == 1
    low_fn = nab_score(np.zeros(1000, bool), times, windows, profile="reward_low_FN_rate")
    assert low_fn.score == -2.0
    assert normalised_score([null]) == 0.0 and normalised_score([nab_score(perfect, times, windows)]) == 100.0
    with pytest.raises(ValueError, match="profile"):
        nab_score(late, times, windows, profile="nope")


def _corpus(seed: int, n_series: int = 4):
    """Series whose scores are noise outside the windows and a bump early inside them, rows shuffled."""
    rng = np.random.default_rng(seed)
    scores, times, windows = [], [], []
    for _ in range(n_series):
        n = int(rng.integers(800, 1500))
        t = pd.date_range("2021-01-01", periods=n, freq="5min")
        s = rng.uniform(0.0, 0.6, n)
        series_windows = []
        for start in sorted(rng.choice(np.arange(100, n - 120, 150), size=2, replace=False)):
            s[start + 5] = rng.uniform(0.7, 1.0)
            series_windows.append((t[start], t[start + 60]))
        s[rng.integers(0, n, 3)] = rng.uniform(0.6, 0.95, 3)  # a few false alarms waiting for a low threshold
        order = rng.permutation(n)
        scores.append(s[order])
        times.append(t.to_numpy()[order])
        windows.append(series_windows)
    return scores, times, windows


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_threshold_sweep_equals_scoring_each_threshold(profile):
    from liquid.nab_threshold import threshold_curve

    scores, times, windows = _corpus(1, n_series=3)
    thresholds = np.array([0.0, 0.3, 0.59, 0.6, 0.75, 0.9, 0.99, 2.0])
    for s, t, w in zip(scores, times, windows):
        raw, null, perfect = threshold_curve(s, t, w, thresholds, profile)
        for threshold, value in zip(thresholds, raw):
            expected = nab_score(s >= threshold, t, w, profile=profile)
            assert value == pytest.approx(expected.score, abs=1e-9)
            assert (null, perfect) == (expected.null_score, expected.perfect_score)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_optimiser_recovers_the_best_threshold_of_a_labelled_corpus(profile):
    """The chosen threshold is the best of every distinct score, scored one by one with nab_score."""
    from liquid.nab_threshold import optimise_threshold

    scores, times, windows = _corpus(2)
    choice = optimise_threshold(scores, times, windows, profile=profile)
    candidates = np.unique(np.concatenate(scores))
    brute = [normalised_score([nab_score(s >= c, t, w, profile=profile) for s, t, w in zip(scores, times, windows)])
             for c in candidates[::7]]
    assert choice.score >= max(brute) - 1e-9
    assert choice.score == pytest.approx(
        normalised_score([nab_score(s >= choice.threshold, t, w, profile=profile)
                          for s, t, w in zip(scores, times, windows)]), abs=1e-9)
    assert 0.6 <= choice.threshold <= 1.0  # above the noise, at or below the windows' bumps
    assert choice.thresholds.shape == choice.scores.shape


def test_optimiser_refuses_what_it_cannot_score():
    from liquid.nab_threshold import optimise_threshold

    scores, times, windows = _corpus(3, n_series=1)
    with pytest.raises(ValueError, match="one array of scores"):
        optimise_threshold(scores, times, [])
    with pytest.raises(ValueError, match="no anomaly windows"):
        optimise_threshold(scores, times, [[]])
    with pytest.raises(ValueError, match="finite"):
        optimise_threshold([np.full(scores[0].shape, np.nan)], times, windows)
