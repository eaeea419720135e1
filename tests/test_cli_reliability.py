"""The command line and the file loaders under bad files, signals and pipes: no lost work, no silent garbage."""
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from liquid.datasets.long import from_long_frame


def _command():
    exe = shutil.which("liquid")
    return [exe] if exe else [sys.executable, "-m", "liquid"]


def _liquid(*args, cwd=None):
    return subprocess.run(_command() + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=600)


def _frame(**overrides):
    frame = pd.DataFrame({"sample": [0, 0, 1, 1], "time": [0, 1, 0, 1], "a": [1.0, 2.0, 3.0, 4.0],
                          "b": [0.5, 0.5, 0.1, 0.2], "label": ["x", "x", "y", "y"]})
    for column, values in overrides.items():
        frame[column] = values
    return frame


# -- long-format tables ----------------------------------------------------------------------
def test_a_non_numeric_cell_is_an_error_naming_column_and_row_not_a_dropped_column():
    with pytest.raises(ValueError, match=r"value column 'b' is not numeric: row 2 holds 'oops'"):
        from_long_frame(_frame(b=[0.5, 0.5, "oops", 0.2]))


def test_missing_labels_and_sample_ids_are_errors():
    with pytest.raises(ValueError, match="column 'label' is empty at row 1"):
        from_long_frame(_frame(label=["x", None, "y", "y"]))
    with pytest.raises(ValueError, match="column 'sample' is empty at row 3"):
        from_long_frame(_frame(sample=[0, 0, 1, np.nan]))


def test_text_times_sort_as_numbers_or_timestamps():
    frame = pd.DataFrame({"sample": [0] * 3, "time": ["10", "2", "1"], "a": [3.0, 2.0, 1.0], "label": ["x"] * 3})
    assert from_long_frame(frame).X[0][:, 0].tolist() == [1.0, 2.0, 3.0]
    stamps = ["2024-01-01 00:00:10", "2024-01-01 00:00:02", "2024-01-01 00:00:01"]
    assert from_long_frame(frame.assign(time=stamps)).X[0][:, 0].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="time column 'time' is neither numeric nor a timestamp"):
        from_long_frame(frame.assign(time=["a", "b", "c"]))


def test_cli_does_not_train_on_a_column_it_silently_dropped(tmp_path):
    path = tmp_path / "bad.csv"
    _frame(b=[0.5, 0.5, "oops", 0.2]).to_csv(path, index=False)
    result = _liquid("cv", "--data", path, "--folds", 2)
    assert result.returncode == 2 and "value column 'b' is not numeric" in result.stderr


# -- .npz files ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"X": np.zeros((450, 2)), "y": np.array([0, 1]), "lengths": np.array([-1, 451])}, "must be >= 1"),
        ({"X": np.zeros((450, 2)), "y": np.array([0, 1]), "lengths": np.array([1.5, 448.5])}, "integers"),
        ({"X": np.zeros((4, 3, 2)), "y": np.array([0, 1, np.nan, 1])}, "y has NaN"),
        ({"X": np.zeros((2, 3, 2)), "y": np.array(["a", None], dtype=object)}, "array 'y' holds Python objects"),
    ],
)
def test_npz_files_are_read_exactly_or_refused(tmp_path, arrays, message):
    path = tmp_path / "data.npz"
    np.savez(path, **arrays)
    result = _liquid("cv", "--data", path, "--folds", 2)
    assert result.returncode == 2 and message in result.stderr, result.stderr


# -- output files ---------------------------------------------------------------------------------
def test_output_is_checked_before_the_run(tmp_path):
    result = _liquid("cv", "--output", tmp_path / "missing" / "out.csv")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "fold" not in result.stdout  # nothing ran
    existing = tmp_path / "out.csv"
    existing.write_text("keep me")
    result = _liquid("cv", "--folds", 2, "--n-neurons", 50, "--output", existing)
    assert result.returncode == 2 and "--force" in result.stderr and existing.read_text() == "keep me"
    assert "fold" not in result.stdout
    result = _liquid("cv", "--folds", 2, "--n-neurons", 50, "--output", existing, "--force")
    assert result.returncode == 0
    saved = pd.read_csv(existing)
    assert len(saved) == 2 and (saved["n_neurons"] == 50).all()  # the model settings travel with the rows
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_piped_output_shows_header_and_first_fold_before_the_end_and_sigterm_saves_them(tmp_path):
    out = tmp_path / "partial.csv"
    process = subprocess.Popen(
        _command() + ["cv", "--dataset", "temporal_order", "--folds", "3", "--repeats", "300", "--n-neurons", "200",
                      "--output", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        header = process.stdout.readline()
        columns = process.stdout.readline()
        first_fold = process.stdout.readline()
        assert header.startswith("liquid cv: temporal_order") and "fold" in columns
        assert first_fold.split()[0] == "0"
        assert process.poll() is None  # the run is still going: rows arrive as folds finish
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 143
    assert "terminated: saved" in stderr
    assert len(pd.read_csv(out)) >= 1


def test_internal_errors_are_one_line_without_debug(tmp_path):
    garbage = tmp_path / "nul.csv"
    garbage.write_bytes(b"\0" * 4096)
    result = _liquid("cv", "--data", garbage)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert result.stderr.startswith("liquid: error:")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process sessions from /proc")
def test_parallel_workers_do_not_outlive_the_command(tmp_path):
    # The command runs in a session of its own: its workers inherit that session, other programs' joblib
    # workers (another test run on the machine) are in theirs and are not counted.
    process = subprocess.Popen(_command() + ["cv", "--dataset", "temporal_order", "--folds", "2", "--n-neurons", "50",
                                             "--n-jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        process.communicate(timeout=600)
    finally:
        process.kill()
    assert process.returncode == 0
    deadline = time.monotonic() + 10.0
    while _session_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_members(process.pid) == set()


def _session_members(session: int) -> set[int]:
    """Live processes whose session id is ``session`` (field 6 of /proc/PID/stat)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] != b"Z" and int(fields[3]) == session:
                found.add(int(entry))
    return found


def test_ctrl_c_stops_a_dask_run_and_saves_the_finished_folds(tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "dask.csv"
    process = subprocess.Popen(
        _command() + ["cv", "--dataset", "temporal_order", "--folds", "3", "--repeats", "300", "--n-neurons", "100",
                      "--backend", "dask", "--n-jobs", "2", "--output", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # As from a terminal: a child inherits an ignored SIGINT (and Python then keeps ignoring it), and
        # something earlier in a long test session can leave this process ignoring it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        for _ in range(3):  # header, columns, first fold (the run is far from done: it is interrupted anyway)
            process.stdout.readline()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130 and "interrupted: saved" in stderr
    assert len(pd.read_csv(out)) >= 1


def test_warmup_compiles_every_kernel_and_says_so():
    result = _liquid("warmup")
    assert result.returncode == 0, result.stderr
    assert "kernels compiled and cached" in result.stdout and "raster" in result.stdout
    assert "readout sketch" in result.stdout


def test_verbose_reports_progress_and_changes_nothing(capsys):
    import numpy as np

    from liquid import LiquidStateMachine

    X = [np.random.default_rng(i).random((15, 2)) for i in range(12)]
    quiet = LiquidStateMachine(60, random_state=0).fit_transform(X)
    loud = LiquidStateMachine(60, random_state=0, verbose=1).fit_transform(X)
    np.testing.assert_array_equal(quiet, loud)
    err = capsys.readouterr().err
    assert "12/12 sequences simulated" in err


def test_verbose_stdp_and_calibration_report_progress(capsys):
    import warnings

    import numpy as np

    from liquid import STDP, LiquidStateMachine
    from liquid.diagnostics import calibrate
    from liquid.estimators import LiquidActivityWarning

    X = [np.random.default_rng(i).random((15, 2)) for i in range(12)]
    plastic = dict(plasticity=STDP(n_epochs=2), random_state=0)
    quiet = LiquidStateMachine(60, **plastic).fit(X)
    loud = LiquidStateMachine(60, verbose=1, **plastic).fit(X)
    np.testing.assert_array_equal(quiet.plasticity_history_.to_numpy(), loud.plasticity_history_.to_numpy())
    err = capsys.readouterr().err
    assert "STDP epoch 1/2" in err and "STDP epoch 2/2" in err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LiquidActivityWarning)
        calibrated = calibrate(LiquidStateMachine(60, random_state=0, verbose=1), X, random_state=0)
    assert f"calibrate probe {len(calibrated.calibration_)}:" in capsys.readouterr().err
    # One probe cannot move a silent liquid into the band: the closest probe is used, and the user is told.
    silent = LiquidStateMachine(60, input_scale=1e-3, random_state=0)
    with pytest.warns(LiquidActivityWarning, match="no gain within 1 probes"):
        calibrate(silent, X, max_iter=1, random_state=0)


def test_verbose_stream_estimators_report_progress_and_change_nothing(capsys):
    import numpy as np

    from liquid import LSMAnomalyDetector, LSMSequenceRegressor, OnlineAnomalyDetector
    from liquid.sequence import memory_liquid

    series = np.sin(np.arange(600) / 7.0) + 0.05 * np.random.default_rng(0).standard_normal(600)
    for make in (
        lambda v: LSMSequenceRegressor(memory_liquid(60, random_state=0), chunk_size=100, verbose=v).fit(
            series[:-1], series[1:]).predict(series),
        lambda v: OnlineAnomalyDetector(memory_liquid(60, random_state=0), chunk_size=100, verbose=v).fit(
            series[:200]).score_stream(series[200:]),
        lambda v: LSMAnomalyDetector(chunk_size=100, random_state=0, verbose=v).fit(series[:400]).score_samples(
            series[400:]),
    ):
        quiet = make(0)
        assert capsys.readouterr().err == ""
        np.testing.assert_array_equal(quiet, make(1))
        err = capsys.readouterr().err
        assert "streamed in" in err and "/s)" in err
