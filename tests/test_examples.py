"""Every example runs in --quick mode and writes its plot."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def _run(script, *args, env=None):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / script), "--quick", *map(str, args)],
                            capture_output=True, text=True, timeout=900, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_raster_example(tmp_path):
    out = _run("raster.py", "--output", tmp_path / "raster.png")
    assert "spikes from 100 neurons" in out
    assert (tmp_path / "raster.png").stat().st_size > 10_000


def test_spoken_digits_example(tmp_path):
    env = {"LIQUID_DATA": str(SHARED)} if (SHARED / "fsdd").is_dir() else {"LIQUID_DATA": str(tmp_path)}
    out = _run("spoken_digits.py", "--output", tmp_path / "confusion.png", env=env)
    assert "best parameters" in out and "accuracy" in out
    if not (SHARED / "fsdd").is_dir():
        assert "using the embedded Japanese Vowels instead" in out
    assert (tmp_path / "confusion.png").stat().st_size > 10_000


@pytest.mark.skipif(not (SHARED / "uea" / "NATOPS").is_dir(), reason=f"UEA NATOPS not found in {SHARED}")
def test_gestures_example(tmp_path):
    out = _run("gestures.py", "--data", SHARED / "uea", "--output", tmp_path / "gestures.png")
    assert "cross-validated accuracy" in out and "official test split" in out
    assert (tmp_path / "gestures.png").stat().st_size > 10_000


def test_stdp_tuning_example(tmp_path):
    out = _run("stdp_tuning.py", "--output", tmp_path / "stdp.png")
    assert "with STDP" in out and "mean_input_weight" in out
    assert (tmp_path / "stdp.png").stat().st_size > 10_000


def test_anomaly_example_on_a_synthetic_stream_from_any_folder(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "anomaly_detection.py"), "--quick"],
                            capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "synthetic stream" in result.stdout and "NAB standard score" in result.stdout
    assert (tmp_path / "anomaly_results" / "synthetic.csv").is_file()


@pytest.mark.skipif(not (SHARED / "nab" / "data" / "realKnownCause").is_dir(), reason="NAB data not in ../shared")
def test_anomaly_example_on_the_whole_nab_folder_it_names(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "anomaly_detection.py"), "--quick", "--no-plot",
                             str(SHARED / "nab" / "data" / "realKnownCause")],
                            capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(".csv: ") == 7 and "machine_temperature" in result.stdout
    # --quick streams the first 1,500 points: the windows beyond them are not scored, and it says so.
    assert "of 4 labelled windows scored" in result.stdout  # machine_temperature has 4, not all in reach


def test_forecasting_example_from_any_folder(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "forecasting.py"), "--quick"],
                            capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Mackey-Glass" in result.stdout and "NARMA-10" in result.stdout
    assert (tmp_path / "forecasting.png").stat().st_size > 10_000


# matplotlib made unimportable, then the example run as __main__ from a folder outside the repository.
NO_MATPLOTLIB = (
    "import runpy, sys; sys.modules['matplotlib'] = None; sys.argv = sys.argv[1:]; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


@pytest.mark.parametrize("script, expected", [
    ("raster.py", "spikes from 100 neurons"),
    ("spoken_digits.py", "accuracy"),
    ("gestures.py", "official test split"),
    ("stdp_tuning.py", "with STDP"),
    ("anomaly_detection.py", "alarms"),
    ("forecasting.py", "NARMA-10"),
])
def test_every_example_runs_anywhere_without_data_or_matplotlib(tmp_path, script, expected):
    env = {**os.environ, "LIQUID_DATA": str(tmp_path / "no-data")}
    result = subprocess.run([sys.executable, "-c", NO_MATPLOTLIB, str(ROOT / "examples" / script), "--quick"],
                            capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert expected in result.stdout
    assert "matplotlib is not installed" in result.stdout + result.stderr
