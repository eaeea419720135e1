"""Named regressions of the second reliability report: the readouts, the NAB scorer, the sequence
estimators, the forecaster, the detectors, the loaders, fetch_uea and the command line's configs and
output. Each test is one example of the report (``F`` = 40 x 10 random features, ``r = F @ w``, ``U`` a
300-step random series); the property-based tests in ``test_fuzz_surfaces.py`` generate many more."""
import json
import os
import zipfile

import numpy as np
import pandas as pd
import pytest

from liquid import LiquidStateMachine, LSMAnomalyDetector, LSMClassifier, LSMRegressor
from liquid.encoders import DeltaEncoder
from liquid.forecasting import LSMForecaster
from liquid.nab import nab_score, window_indices
from liquid.online_anomaly import OnlineAnomalyDetector
from liquid.readout import GramRidgeClassifierCV, GramRidgeCV
from liquid.search import LSMClassifierCV
from liquid.sequence import LSMSequenceClassifier, LSMSequenceRegressor, memory_liquid
from liquid.topology import MaassColumn


@pytest.fixture(scope="module")
def F():
    return np.random.default_rng(0).standard_normal((40, 10))


@pytest.fixture(scope="module")
def r(F):
    return F @ np.random.default_rng(1).standard_normal(10)


@pytest.fixture(scope="module")
def U():
    return np.random.default_rng(2).standard_normal(300)


@pytest.fixture(scope="module")
def forecaster(U):
    return LSMForecaster(memory_liquid(40, random_state=0)).fit(U)


# -- readouts ---------------------------------------------------------------------------------------
def test_one_huge_column_does_not_wreck_the_ridge(F, r):
    X = np.c_[F, F[:, 0] * 1e20]
    with pytest.warns(UserWarning, match="scaled down"):
        model = GramRidgeCV().fit(X, r)
    assert np.abs(model.predict(X) - r).max() < 0.1 * r.std()  # was 1e13 (scikit-learn's RidgeCV: 3.9)


@pytest.mark.parametrize("estimator", [GramRidgeCV(), GramRidgeClassifierCV()])
def test_overflowing_columns_are_refused_not_predicted_as_nan(F, r, estimator):
    with pytest.raises(ValueError, match="magnitude up to .*e\\+154"):
        estimator.fit(np.c_[F, F[:, 0] * 1e154], r > 0 if isinstance(estimator, GramRidgeClassifierCV) else r)


def test_empty_scaled_columns_with_several_factors(F, r):
    model = GramRidgeCV(scaled_columns=[], column_scales=(1.0, 3.0)).fit(F, r)
    assert model.column_scale_ == 1.0 and np.isfinite(model.coef_).all()


def test_a_float64_copy_beyond_memory_is_refused_and_float32_needs_none(monkeypatch, F, r):
    monkeypatch.setattr("liquid._limits._physical_memory", lambda: 1000)
    with pytest.raises(MemoryError, match="float64 copy of X \\(int64"):
        GramRidgeCV().fit((F * 100).astype(np.int64), r)
    assert np.isfinite(GramRidgeCV().fit(F.astype(np.float32), r).coef_).all()  # read as it is


@pytest.mark.parametrize("make", [lambda: GramRidgeCV().fit(None, np.ones(3)),
                                  lambda: LSMClassifier(30).fit(None, [0, 1]),
                                  lambda: LSMRegressor(30).fit(None, [0.0, 1.0]),
                                  lambda: LiquidStateMachine(30).fit(None),
                                  lambda: LSMSequenceRegressor(memory_liquid(20)).fit(None, np.ones(30)),
                                  lambda: OnlineAnomalyDetector().fit(None),
                                  lambda: LSMAnomalyDetector().fit(None),
                                  lambda: nab_score(None, [1, 2], []),
                                  lambda: window_indices(None, [])])
def test_none_is_named_not_reported_as_nan(make):
    with pytest.raises((TypeError, ValueError), match="None") as error:
        make()
    assert "NaN" not in str(error.value)


# -- the NAB scorer ---------------------------------------------------------------------------------
def _nab_case():
    times = pd.date_range("2020-01-01", periods=2000, freq="min")
    detections = np.zeros(2000, bool)
    detections[[900, 1250, 1700]] = True
    return times, detections, [(times[800], times[950]), (times[1600], times[1750])]


def test_nab_score_does_not_depend_on_row_order():
    times, detections, windows = _nab_case()
    expected = nab_score(detections, times, windows).score
    rotated = nab_score(np.roll(detections, 500), np.roll(np.asarray(times), 500), windows).score
    assert rotated == pytest.approx(expected, abs=1e-12)
    assert expected != nab_score(np.roll(detections, 500), times, windows).score  # the rows do matter


def test_numeric_timestamps_are_numbers_not_nanoseconds():
    assert window_indices(np.arange(1000), [(500, 600)]) == [(500, 600)]
    epoch = 1.6e9 + 300.0 * np.arange(1000)  # epoch seconds, 5 min apart
    assert window_indices(epoch, [(epoch[500], epoch[600])]) == [(500, 600)]


@pytest.mark.parametrize("windows, match", [([(600, 500)], "ends .* before it starts"),
                                            ([(5000, 6000)], "holds none of the series' points"),
                                            ([(10, 50), (40, 60)], "overlap"),
                                            ([("2020-01-01", "2020-01-02")], "must be numbers")])
def test_bad_windows_are_refused_not_dropped(windows, match):
    with pytest.raises((ValueError, TypeError), match=match):
        nab_score(np.zeros(1000, bool), np.arange(1000), windows)


@pytest.mark.parametrize("detections, match", [(np.full(1000, 0.3), "anomaly scores"),
                                               (np.r_[np.nan, np.zeros(999)], "NaN"),
                                               (np.zeros(999, bool), "shape")])
def test_detections_must_be_booleans(detections, match):
    with pytest.raises(ValueError, match=match):
        nab_score(detections, np.arange(1000), [(500, 600)])


def test_nat_timestamps_and_bad_probation_are_refused():
    times = pd.Series(pd.date_range("2020-01-01", periods=100, freq="min"))
    times[50] = pd.NaT
    with pytest.raises(ValueError, match="timestamps\\[50\\] is missing"):
        nab_score(np.zeros(100, bool), times, [])
    for percent in (-1, 2, float("nan"), True):
        with pytest.raises((ValueError, TypeError), match="probation_percent"):
            nab_score(np.zeros(100, bool), np.arange(100), [], probation_percent=percent)


# -- sequence estimators, forecaster, detectors, encoders ---------------------------------------------
def test_a_washout_that_leaves_one_class_is_refused(U):
    labels = np.r_[np.zeros(150, int), np.ones(150, int)]
    with pytest.raises(ValueError, match="after the washout .* a single class"):
        LSMSequenceClassifier(memory_liquid(60), washout=150).fit(U, labels)


def test_set_params_after_fit_does_not_change_the_anomaly_scores():
    x = np.sin(np.arange(600) / 7.0)
    detector = LSMAnomalyDetector(liquid=LiquidStateMachine(30, random_state=0)).fit(x)
    before = detector.score_samples(x)
    detector.set_params(washout=3, smoothing=7)
    np.testing.assert_array_equal(detector.score_samples(x), before)


def test_delta_encoder_refuses_values_that_overflow():
    encoder = DeltaEncoder().fit([np.arange(10.0)[:, None]])
    with pytest.raises(ValueError, match="magnitude"):
        encoder.encode([[0], [1.797e307]])


def test_booleans_must_be_booleans(U):
    detector = OnlineAnomalyDetector(memory_liquid(20, random_state=0)).fit(U[:100])
    with pytest.raises(TypeError, match="learn must be True or False"):
        detector.score_stream(U[100:], learn="no")
    with pytest.raises(TypeError, match="washout"):
        LSMAnomalyDetector(washout=True).fit(np.sin(np.arange(600) / 7.0))


def test_zero_penalty_is_refused_at_validation(U):
    with pytest.raises(ValueError, match="alpha must be in \\(0.0"):
        LSMSequenceRegressor(memory_liquid(20), alpha=0.0).fit(U, U)


def test_partial_transform_of_a_number_says_what_it_takes():
    lsm = LiquidStateMachine(30, random_state=0).fit([np.random.default_rng(0).random((20, 1))])
    with pytest.raises(ValueError, match="partial_transform takes one series"):
        lsm.partial_transform(5.0)


def test_forecast_of_a_list_of_series_is_refused_by_name(forecaster, U):
    with pytest.raises(ValueError, match="one series at a time"):
        forecaster.forecast([U, U], 3)


@pytest.mark.parametrize("n_steps", [10**8, 10**12])
def test_huge_forecast_horizons_are_refused_up_front(forecaster, U, n_steps):
    with pytest.raises(ValueError, match="at most 1,000,000"):
        forecaster.forecast(U, n_steps)


def test_a_readout_the_machine_cannot_hold_is_refused_before_streaming(U):
    with pytest.raises(MemoryError, match="1000 readout_taus"):
        LSMSequenceRegressor(memory_liquid(2000), readout_taus=tuple(range(1, 1001))).fit(U, U)


def test_empty_data_and_mixed_labels_are_named():
    with pytest.raises(ValueError, match="X is empty"):
        LSMRegressor().fit([], [])
    X = np.random.default_rng(0).random((6, 20))
    with pytest.raises(TypeError, match="mixes label types \\(number, str\\)"):
        LSMClassifier(30).fit(X, [1, "a", 1, "a", 1, "a"])


def test_absurd_sizes_are_refused_with_a_message():
    with pytest.raises(ValueError, match="MaassColumn.shape .* positions; at most"):
        LiquidStateMachine(50, topology=MaassColumn(shape=(10**6,) * 3)).fit([np.zeros((20, 2))])
    lsm = LiquidStateMachine(50, random_state=0).fit([np.random.default_rng(0).random((20, 2))])
    drive = lsm.encoder_.encode(np.zeros((20, 2)))
    with pytest.raises(MemoryError, match="liquid's outputs"):
        lsm.reservoir_.run([drive], lsm.encoder_.mode, np.array([0]), 10**12, 0, 30.0, 1)


def test_a_search_over_a_million_candidates_is_refused():
    grid = {"input_scale": list(range(1000)), "frame_duration": list(range(1, 1001))}
    X, y = np.random.default_rng(0).random((12, 20)), np.repeat([0, 1], 6)
    with pytest.raises(ValueError, match="1,000,000 candidates"):
        LSMClassifierCV(param_grid=grid).fit(X, y)


# -- loaders --------------------------------------------------------------------------------------------
def test_infinite_values_in_files_are_refused(tmp_path):
    from liquid.datasets import load_long, read_timeseries_csv

    (tmp_path / "s.csv").write_text("timestamp,value\n2020-01-01,1\n2020-01-02,inf\n2020-01-03,2\n")
    with pytest.raises(ValueError, match="infinite value at row 2"):
        read_timeseries_csv(tmp_path / "s.csv")
    (tmp_path / "l.csv").write_text("sample,time,x,label\n1,0,1,a\n1,1,-inf,a\n")
    with pytest.raises(ValueError, match="'x' holds -inf at row 1"):
        load_long(tmp_path / "l.csv")


TS = "@problemName Tiny\n@dimensions 1\n@equalLength true\n@classLabel true a b\n@data\n1,2,3:a\n4,5,6:b\n"


def test_load_ts_names_bad_headers_binary_files_and_huge_lines(tmp_path, monkeypatch):
    from liquid.datasets import load_ts
    from liquid.datasets.ts import TsFormatError

    (tmp_path / "dims.ts").write_text(TS.replace("@dimensions 1", "@dimensions two"))
    with pytest.raises(TsFormatError, match="@dimensions must be a whole number, got 'two'"):
        load_ts(tmp_path / "dims.ts")
    (tmp_path / "binary.ts").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe" * 10)
    with pytest.raises(TsFormatError, match="not a UTF-8 text file"):
        load_ts(tmp_path / "binary.ts")
    monkeypatch.setattr("liquid.datasets.ts.MAX_LINE_CHARS", 1000)
    (tmp_path / "long.ts").write_text(TS.replace("1,2,3:a", ",".join(["1"] * 2000) + ":a"))
    with pytest.raises(TsFormatError, match="longer than 1000 characters"):
        load_ts(tmp_path / "long.ts")


# -- fetch_uea --------------------------------------------------------------------------------------------
def _zip(path, members, compress_type=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compress_type) as zf:
        for name, text in members:
            zf.writestr(name, text)
    return path


def _patch_member_header(path, offset_in_header: int, value: bytes):
    """Overwrite bytes at ``offset_in_header`` of every local and central header of a zip."""
    data = bytearray(path.read_bytes())
    for signature, shift in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):
        start = data.find(signature)
        while start >= 0:
            data[start + offset_in_header + shift:start + offset_in_header + shift + len(value)] = value
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage, match", [("duplicate", "two members named Tiny_TRAIN.ts"),
                                           ("corrupt", "is corrupt"),
                                           ("method", "unsupported compression"),
                                           ("encrypted", "encrypted archives are not supported")])
def test_fetch_uea_maps_archive_damage_to_value_errors(tmp_path, damage, match):
    from liquid.datasets import fetch_uea

    members = [("Tiny_TRAIN.ts", TS), ("Tiny_TEST.ts", TS)]
    if damage == "duplicate":
        members.append(("other/Tiny_TRAIN.ts", TS.replace("4,5,6:b", "7,8,9:b")))
    archive = _zip(tmp_path / "Tiny.zip", members)
    if damage == "corrupt":
        data = bytearray(archive.read_bytes())
        start = data.find(b"PK\x03\x04") + 30 + len("Tiny_TRAIN.ts")
        data[start:start + 20] = b"\x00" * 20
        archive.write_bytes(bytes(data))
    elif damage == "method":
        _patch_member_header(archive, 8, (99).to_bytes(2, "little"))
    elif damage == "encrypted":
        _patch_member_header(archive, 6, (1).to_bytes(2, "little"))
    with pytest.raises(ValueError, match=match):
        fetch_uea("Tiny", tmp_path / "home", url=archive.as_uri())
    assert not (tmp_path / "home" / "uea" / "Tiny").exists()


def test_fetch_uea_refuses_a_member_whose_declared_size_lies(tmp_path):
    """zipfile reads no more than the declared size (checked against MAX_MEMBER_BYTES), then the CRC fails."""
    from liquid.datasets import fetch_uea

    archive = _zip(tmp_path / "Tiny.zip", [("Tiny_TRAIN.ts", TS + "1,1,1:a\n" * 20), ("Tiny_TEST.ts", TS)])
    _patch_member_header(archive, 22, (50).to_bytes(4, "little"))  # uncompressed size field: 50 bytes
    with pytest.raises(ValueError, match="Tiny_TRAIN.ts is corrupt"):
        fetch_uea("Tiny", tmp_path / "home", url=archive.as_uri())


def test_fetch_uea_names_and_manifests(tmp_path):
    from liquid.datasets import fetch_uea

    with pytest.raises(ValueError, match="not a UEA/UCR problem name"):
        fetch_uea("Tiny\n", tmp_path)
    archive = _zip(tmp_path / "Tiny.zip", [("Tiny_TRAIN.ts", TS), ("Tiny_TEST.ts", TS)])
    folder = fetch_uea("Tiny", tmp_path / "home", url=archive.as_uri())
    (folder / "SHA256SUMS").write_text("garbage\n")
    with pytest.raises(ValueError, match="damaged"):
        fetch_uea("Tiny", tmp_path / "home")


def test_two_fetches_of_the_same_set_both_succeed(tmp_path, monkeypatch):
    """Another process finishing the same fetch first: its checked copy is returned, not OSError."""
    import liquid.datasets.uea as uea

    archive = _zip(tmp_path / "Tiny.zip", [("Tiny_TRAIN.ts", TS), ("Tiny_TEST.ts", TS)])
    real_load_ts, raced = uea.load_ts, []

    def load_ts_while_another_fetch_finishes(path):
        if not raced:
            raced.append(True)
            uea.fetch_uea("Tiny", tmp_path / "home", url=archive.as_uri())  # the other process
        return real_load_ts(path)

    monkeypatch.setattr(uea, "load_ts", load_ts_while_another_fetch_finishes)
    folder = uea.fetch_uea("Tiny", tmp_path / "home", url=archive.as_uri())
    assert raced and (folder / "SHA256SUMS").is_file()
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "Tiny_TEST.ts", "Tiny_TRAIN.ts"]


# -- command line: configs, grids, output -------------------------------------------------------------------
def _cli(capsys, *argv):
    from liquid import cli

    capsys.readouterr()
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_a_billion_laughs_config_is_refused_at_once(tmp_path, capsys):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    (tmp_path / "laughs.yaml").write_text("\n".join(lines) + "\n")
    code, err = _cli(capsys, "cv", "--params", tmp_path / "laughs.yaml")
    assert code == 2 and "expands to" in err and "aliases" in err


def test_configs_too_large_or_not_utf8_name_the_file(tmp_path, capsys):
    (tmp_path / "big.json").write_text('{"pad": "' + "x" * (2 << 20) + '"}')
    code, err = _cli(capsys, "cv", "--params", tmp_path / "big.json")
    assert code == 2 and "big.json" in err and "bytes" in err
    (tmp_path / "latin1.toml").write_bytes("n_neurons = 100 # café\n".encode("latin-1"))
    code, err = _cli(capsys, "cv", "--params", tmp_path / "latin1.toml")
    assert code == 2 and "latin1.toml is not UTF-8" in err


@pytest.mark.parametrize("argv, match", [
    (["--grid", "n_neurons=10,20", "--grid", "n_neurons=30"], "--grid n_neurons is given twice"),
    (["--grid", "n_neurons=" + ",".join(map(str, range(1, 1001))),
      "--grid", "input_scale=" + ",".join(map(str, range(1, 1001)))], "1,000,000 configurations"),
    (["--repeats", "1000000"], "5,000,000 fits"),
])
def test_grids_and_repeats_are_bounded_before_anything_runs(capsys, argv, match):
    code, err = _cli(capsys, "cv", *argv)
    assert code == 2 and match in err


def test_output_is_claimed_at_the_start(tmp_path, capsys, monkeypatch):
    from liquid.cli_output import claim_output

    out = tmp_path / "r.csv"
    assert claim_output(out, force=False) and out.exists()
    with pytest.raises(Exception, match="exists"):  # another program (or run) now cannot take it
        claim_output(out, force=False)
    code, err = _cli(capsys, "cv", "--output", "/proc/r.csv")
    assert code == 2 and "cannot create --output /proc/r.csv" in err
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None if name == "pyarrow" else object())
    (tmp_path / "r2.csv").write_text("kept\n")
    code, err = _cli(capsys, "cv", "--output", tmp_path / "r2.parquet")
    assert code == 2 and "needs pyarrow" in err and (tmp_path / "r2.csv").read_text() == "kept\n"


def test_a_failed_run_leaves_no_empty_output(tmp_path, capsys):
    out = tmp_path / "r.csv"
    code, _ = _cli(capsys, "cv", "--dataset", "nope", "--output", out)
    assert code == 2 and not out.exists()


def test_results_are_saved_elsewhere_when_the_target_vanished(tmp_path, monkeypatch, capsys):
    from liquid.cli_output import save_results

    monkeypatch.chdir(tmp_path)
    gone = tmp_path / "gone" / "r.csv"  # its folder was removed during the run
    written = save_results(pd.DataFrame({"fold": [0, 1], "accuracy": [0.5, 0.75]}), gone)
    err = capsys.readouterr().err
    assert written.parent == tmp_path and str(written.resolve()) in err and "cannot write" in err
    assert pd.read_csv(written)["accuracy"].tolist() == [0.5, 0.75]


def test_a_full_run_writes_its_claimed_output(tmp_path, capsys):
    out = tmp_path / "r.json"
    code, _ = _cli(capsys, "cv", "--dataset", "temporal_order", "--folds", 2, "--n-neurons", 20, "--output", out)
    assert code == 0 and len(json.loads(out.read_text())) == 2
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
