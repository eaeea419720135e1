"""The installed ``liquid`` console script, run as a user would."""
import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import liquid


def _liquid(*args, cwd=None):
    exe = shutil.which("liquid")
    command = [exe] if exe else [sys.executable, "-m", "liquid"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=600)


def test_cv_on_the_embedded_default_saves_per_fold_results(tmp_path):
    out = tmp_path / "results.csv"
    result = _liquid("cv", "--folds", "3", "--n-neurons", "300", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "japanese_vowels" in result.stdout
    assert "balanced_accuracy" in result.stdout and "mean ± std" in result.stdout
    saved = pd.read_csv(out)
    assert list(saved["fold"]) == [0, 1, 2]
    assert saved["accuracy"].between(0.85, 1.0).all()  # chance is 1/9


def test_cv_is_reproducible_and_writes_json(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    args = ["cv", "--dataset", "temporal_order", "--folds", "2", "--n-neurons", "100", "--features", "counts"]
    assert _liquid(*args, "--output", str(first)).returncode == 0
    assert _liquid(*args, "--output", str(second), "--n-jobs", "1").returncode == 0
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert [r["accuracy"] for r in a] == [r["accuracy"] for r in b]


def test_datasets_and_version():
    listing = _liquid("datasets")
    assert listing.returncode == 0 and "japanese_vowels" in listing.stdout
    version = _liquid("--version")
    assert version.returncode == 0 and liquid.__version__ in version.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["cv", "--dataset", "nope"], "unknown dataset 'nope'"),
        (["cv", "--folds", "100"], "--folds 100"),
        (["cv", "--output", "results.xlsx"], "--output must end in"),
        (["cv", "--n-neurons", "0"], "n_neurons"),
    ],
)
def test_user_errors_are_one_line_with_nonzero_exit(args, message, tmp_path):
    result = _liquid(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
