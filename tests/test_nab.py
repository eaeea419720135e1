"""NAB's score, checked against the per-file scores NAB published for its own detectors."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liquid.nab import nab_score, normalised_score, probation_length, scaled_sigmoid

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
