"""The installed ``liquid`` console script, run as a user would (and its interrupt handling in-process)."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import liquid
from liquid import cli
from liquid.datasets import make_temporal_order


def _liquid(*args, cwd=None, env=None):
    exe = shutil.which("liquid")
    command = [exe] if exe else [sys.executable, "-m", "liquid"]
    return subprocess.run(command + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=600,
                          env=env)


@pytest.fixture(scope="module")
def long_csv(tmp_path_factory):
    """A small ragged long-format CSV with a subject column."""
    X, y = make_temporal_order(90, random_state=1)
    rows = []
    for i, (x, label) in enumerate(zip(X, y)):
        for t, frame in enumerate(x):
            rows.append({"trial": f"t{i}", "step": t, "a": frame[0], "b": frame[1], "c": frame[2], "d": frame[3],
                         "subject": f"s{i % 3}", "order": f"class{label}", "target": float(label) / 5.0})
    path = tmp_path_factory.mktemp("data") / "trials.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_cv_on_the_embedded_default_prints_a_table_and_saves_it(tmp_path):
    out = tmp_path / "results.csv"
    result = _liquid("cv", "--folds", 3, "--n-neurons", 300, "--output", out)
    assert result.returncode == 0, result.stderr
    assert "japanese_vowels (classification, 640 sequences), 3-fold x 1" in result.stdout
    for column in ("accuracy", "balanced_accuracy", "macro_f1", "fit_s", "predict_s", "mean ± std"):
        assert column in result.stdout
    assert "folds" not in result.stderr  # no progress bar without a terminal
    saved = pd.read_csv(out)
    assert list(saved["fold"]) == [0, 1, 2] and set(saved["dataset"]) == {"japanese_vowels"}
    assert saved["accuracy"].between(0.9, 1.0).all()  # chance is 1/9
    mean = f"{saved['accuracy'].mean():.3f} ± {saved['accuracy'].std(ddof=0):.3f}"
    assert mean in result.stdout


def test_cv_on_a_users_csv_with_groups_and_value_columns(long_csv, tmp_path):
    out = tmp_path / "r.json"
    result = _liquid("cv", "--data", long_csv, "--sample-col", "trial", "--time-col", "step", "--label-col", "order",
                     "--value-cols", "a,b,c,d", "--groups", "subject", "--folds", 3, "--n-neurons", 200,
                     "--features", "counts", "--output", out)
    assert result.returncode == 0, result.stderr
    assert "trials.csv (classification, 90 sequences)" in result.stdout and "grouped by subject" in result.stdout
    rows = json.loads(out.read_text())
    assert len(rows) == 3 and all(r["n_test"] == 30 for r in rows)  # one subject per fold
    assert np.mean([r["accuracy"] for r in rows]) > 0.5  # chance 1/6


def test_regression_on_a_csv_and_hold_out(long_csv):
    result = _liquid("cv", "--data", long_csv, "--sample-col", "trial", "--time-col", "step", "--label-col",
                     "target", "--value-cols", "a,b,c,d", "--task", "regression", "--test-size", 0.3,
                     "--n-neurons", 200)
    assert result.returncode == 0, result.stderr
    assert "r2" in result.stdout and "rmse" in result.stdout and "hold-out 0.3" in result.stdout


def test_npz_input_ragged_and_3d(tmp_path):
    X, y = make_temporal_order(60, random_state=2)
    ragged = tmp_path / "ragged.npz"
    np.savez(ragged, X=np.concatenate(X), y=y, lengths=[len(x) for x in X])
    cube = tmp_path / "cube.npz"
    np.savez(cube, X=np.stack([x[:20] for x in X]), y=y)
    for path in (ragged, cube):
        result = _liquid("cv", "--data", path, "--folds", 2, "--n-neurons", 100)
        assert result.returncode == 0, result.stderr
        assert "60 sequences" in result.stdout


def test_grid_and_config_files_give_one_row_per_configuration(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('n_neurons = 100\nfeatures = ["counts"]\n[neuron]\ntau_m = 20.0\n[grid]\ninput_scale = [2.0, 5.0]\n')
    out = tmp_path / "grid.csv"
    result = _liquid("cv", "--dataset", "temporal_order", "--params", config, "--grid", "frac_inhibitory=0.1,0.2",
                     "--folds", 2, "--n-jobs", 2, "--output", out)
    assert result.returncode == 0, result.stderr
    saved = pd.read_csv(out)
    assert len(saved) == 8 and saved.groupby(["input_scale", "frac_inhibitory"]).size().eq(2).all()
    assert "input_scale=2.0, frac_inhibitory=0.1" in result.stdout
    for suffix, text in ((".json", '{"n_neurons": 80, "encoder": {"name": "poisson", "max_rate": 50}}'),
                         (".yaml", "n_neurons: 80\ntopology:\n  name: column\n  lambda_: 1.5\n")):
        path = tmp_path / f"config{suffix}"
        path.write_text(text)
        assert _liquid("cv", "--dataset", "temporal_order", "--params", path, "--folds", 2).returncode == 0


def test_a_toml_configuration_turns_the_encoders_change_channels_off():
    from liquid.encoders import CurrentEncoder
    from liquid.evaluation import model_params

    encoder = model_params({"encoder": {"changes": 0}}, "classification")["encoder"]
    assert isinstance(encoder, CurrentEncoder) and encoder.n_output_channels(4) == 4
    assert model_params({"encoder": {"changes": 1}}, "classification")["encoder"].n_output_channels(4) == 12


def test_same_seed_same_numbers_on_any_n_jobs(tmp_path):
    outputs = []
    for n_jobs in (1, 2):
        out = tmp_path / f"n{n_jobs}.csv"
        args = ["cv", "--dataset", "spike_pattern", "--folds", 3, "--n-neurons", 150, "--n-jobs", n_jobs]
        assert _liquid(*args, "--output", out).returncode == 0
        outputs.append(pd.read_csv(out))
    pd.testing.assert_series_equal(outputs[0]["accuracy"], outputs[1]["accuracy"])


def test_dask_backend_gives_the_same_fold_scores_as_loky(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        scores = {}
        for backend in ("loky", "dask"):
            out = tmp_path / f"{backend}.csv"
            extra = ["--scheduler", cluster.scheduler_address] if backend == "dask" else []
            result = _liquid("cv", "--folds", 3, "--n-neurons", 200, "--n-jobs", 2, "--backend", backend, *extra,
                             "--output", out)
            assert result.returncode == 0, result.stderr
            scores[backend] = pd.read_csv(out)[["fold", "accuracy", "macro_f1", "rate_hz"]]
    pd.testing.assert_frame_equal(scores["loky"], scores["dask"])


def test_datasets_version_and_help():
    listing = _liquid("datasets")
    assert listing.returncode == 0
    assert "japanese_vowels" in listing.stdout and "yes" in listing.stdout and "mackey_glass" in listing.stdout
    version = _liquid("--version")
    assert version.returncode == 0 and liquid.__version__ in version.stdout
    helptext = _liquid("cv", "--help")
    assert helptext.returncode == 0 and "examples:" in helptext.stdout and "--backend" in helptext.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["cv", "--data", "missing.csv"], "no such file: missing.csv"),
        (["cv", "--dataset", "nope"], "unknown dataset 'nope'"),
        (["cv", "--folds", "100"], "--folds 100 is more than the 54 samples of the smallest class"),
        (["cv", "--output", "results.xlsx"], "--output must end in"),
        (["cv", "--n-neurons", "0"], "n_neurons"),
        (["cv", "--params", "bad.json"], "malformed config bad.json"),
        (["cv", "--params", "unknown.json"], "unknown model parameter(s) ['n_neuron']"),
        (["cv", "--grid", "n_neurons"], "--grid expects PARAM=V1,V2"),
        (["cv", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --backend dask"),
        (["cv", "--data", "trials.csv", "--label-col", "nope"], "--label-col 'nope' is not a column"),
        (["cv", "--dataset", "japanese_vowels", "--groups", "speaker"], "has no groups"),
    ],
)
def test_user_errors_are_one_line_with_nonzero_exit(args, message, tmp_path, long_csv):
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "unknown.json").write_text('{"n_neuron": 10}')
    shutil.copy(long_csv, tmp_path / "trials.csv")
    result = _liquid(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path):
    result = _liquid("cv", "--dataset", "nope", "--debug", cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_interrupted_run_saves_the_finished_folds(tmp_path, monkeypatch, capsys):
    real = cli.cross_validate_configs

    def interrupted(*args, **kwargs):
        results = real(*args, **kwargs)
        yield next(results)
        yield next(results)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cross_validate_configs", interrupted)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["cv", "--dataset", "temporal_order", "--folds", "4", "--n-neurons", "50"])
    assert code == 130
    saved = pd.read_csv(tmp_path / "liquid-cv-interrupted.csv")
    assert len(saved) == 2 and saved["accuracy"].notna().all()
    assert "saved 2 finished folds to liquid-cv-interrupted.csv" in capsys.readouterr().err


def test_stdp_switch_changes_the_liquid(tmp_path):
    runs = {}
    for flag in ("--stdp", "--no-stdp"):
        out = tmp_path / f"{flag}.csv"
        result = _liquid("cv", "--dataset", "spike_pattern", "--folds", 2, "--n-neurons", 100, flag, "--output", out)
        assert result.returncode == 0, result.stderr
        runs[flag] = pd.read_csv(out)
    assert not np.allclose(runs["--stdp"]["rate_hz"], runs["--no-stdp"]["rate_hz"])


def test_text_columns_are_skipped_by_default_with_a_note(long_csv, tmp_path):
    out = tmp_path / "r.csv"
    result = _liquid("cv", "--data", long_csv, "--sample-col", "trial", "--time-col", "step", "--label-col", "order",
                     "--folds", 2, "--n-neurons", 30, "--output", out)
    assert result.returncode == 0, result.stderr
    assert "'subject' are not channels and are skipped" in result.stderr and "--value-cols" in result.stderr
    rows = pd.read_csv(out)
    # Every model setting is saved, defaults included, not only the ones given.
    assert {"n_neurons", "frame_duration", "encoder", "features", "readout", "w_ee"} <= set(rows.columns)
    assert (rows["n_neurons"] == 30).all()


def test_a_continuous_target_suggests_regression(long_csv, tmp_path):
    frame = pd.read_csv(long_csv)
    frame["target"] = frame["trial"].str[1:].astype(int) * 0.37  # one decimal value per sequence
    frame.to_csv(tmp_path / "continuous.csv", index=False)
    result = _liquid("cv", "--data", tmp_path / "continuous.csv", "--sample-col", "trial", "--time-col", "step",
                     "--label-col", "target", "--value-cols", "a,b,c,d", "--folds", 2)
    assert result.returncode == 2 and "looks continuous" in result.stderr and "--task regression" in result.stderr


def test_usage_names_every_command():
    assert "{cv,datasets,warmup}" in _liquid("--help").stdout
