"""Dataset loaders: the embedded default and the .ts reader."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liquid.datasets import TsFormatError, load_japanese_vowels, load_ts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
UEA = SHARED / "uea"
needs_uea = pytest.mark.skipif(not UEA.is_dir(), reason=f"shared UEA data not found at {UEA}")


def test_embedded_japanese_vowels_official_split():
    train, test = load_japanese_vowels("train"), load_japanese_vowels("test")
    assert len(train.X) == 270 and len(test.X) == 370
    assert all(x.shape[1] == 12 and 7 <= x.shape[0] <= 29 for x in train.X + test.X)
    assert sorted(set(train.y)) == [str(i) for i in range(1, 10)]
    assert np.all(np.unique(train.y, return_counts=True)[1] == 30)
    assert "CC BY 4.0" in train.description
    everything = load_japanese_vowels("all")
    assert len(everything.X) == 640 and list(everything.split[[0, -1]]) == ["train", "test"]


def test_japanese_vowels_as_frame_is_long_format():
    bunch = load_japanese_vowels("train", as_frame=True)
    frame = bunch.frame
    assert list(frame.columns[:3]) == ["sample", "time", "c1"] and frame.columns[-1] == "label"
    assert len(frame) == sum(x.shape[0] for x in bunch.X)
    first = frame[frame["sample"] == 0]
    np.testing.assert_array_equal(first[[f"c{i}" for i in range(1, 13)]].to_numpy(), bunch.X[0])


def test_unknown_split_is_named():
    with pytest.raises(ValueError, match="split='validation'"):
        load_japanese_vowels("validation")


@needs_uea
def test_embedded_copy_equals_the_archive_files():
    for split in ("train", "test"):
        archive = load_ts(UEA / "JapaneseVowels" / f"JapaneseVowels_{split.upper()}.ts")
        embedded = load_japanese_vowels(split)
        assert len(archive.X) == len(embedded.X)
        for a, b in zip(archive.X, embedded.X):
            np.testing.assert_array_equal(np.round(a, 6), b)
        np.testing.assert_array_equal(archive.y, embedded.y)


@needs_uea
@pytest.mark.parametrize(
    "name, shape, n_classes",
    [("BasicMotions", (40, 100, 6), 4), ("NATOPS", (180, 51, 24), 6)],
)
def test_load_ts_equal_length(name, shape, n_classes):
    bunch = load_ts(UEA / name / f"{name}_TRAIN.ts")
    assert bunch.X.shape == shape
    assert len(set(bunch.y)) == n_classes
    assert bunch.problem_name == name


@needs_uea
def test_load_ts_unequal_length():
    bunch = load_ts(UEA / "PickupGestureWiimoteZ" / "PickupGestureWiimoteZ_TRAIN.ts")
    assert isinstance(bunch.X, list) and len(bunch.X) == 50
    assert len({x.shape[0] for x in bunch.X}) > 1 and all(x.shape[1] == 1 for x in bunch.X)


HEADER = "@problemName toy\n@dimensions 2\n@equalLength false\n@classLabel true a b\n@data\n"


@pytest.mark.parametrize(
    "body, match",
    [
        ("1,2,3:4,5,6:a\n1,?,3:4,5,6:b\n", r"toy.ts:7: missing"),
        ("1,2,3:4,5,6:a\n1,2:4,5,6:b\n", r"toy.ts:7: channels of one sample have different lengths"),
        ("1,2,3:4,5,6:a\n1,2,3:b\n", r"toy.ts:7: sample has 1 channels"),
        ("1,2,x:4,5,6:a\n", r"toy.ts:6: a value is not a number"),
        ("1,2,3:4,5,6:c\n", r"labels \['c'\] are not declared"),
        ("", "empty"),
    ],
)
def test_malformed_ts_files_name_the_problem(tmp_path, body, match):
    path = tmp_path / "toy.ts"
    path.write_text(HEADER + body)
    with pytest.raises(TsFormatError, match=match):
        load_ts(path)


def test_ts_reader_roundtrip_and_missing_file(tmp_path):
    path = tmp_path / "toy.ts"
    path.write_text("# a comment\n" + HEADER + "1,2,3:4,5,6:a\n7,8:9,10:b\n")
    bunch = load_ts(path)
    np.testing.assert_array_equal(bunch.X[0], [[1, 4], [2, 5], [3, 6]])
    assert list(bunch.y) == ["a", "b"] and bunch.description == "a comment"
    with pytest.raises(FileNotFoundError, match="no .ts file"):
        load_ts(tmp_path / "absent.ts")
    no_data = tmp_path / "nodata.ts"
    no_data.write_text("@problemName x\n")
    with pytest.raises(TsFormatError, match="no @data"):
        load_ts(no_data)


# -- FSDD ------------------------------------------------------------------------------
import hashlib  # noqa: E402
import zipfile  # noqa: E402

from scipy.io import wavfile  # noqa: E402

from liquid.datasets import fetch_fsdd, fetch_uea, from_long_frame, load_fsdd, load_long, load_uea  # noqa: E402

FSDD = SHARED / "fsdd"
needs_fsdd = pytest.mark.skipif(not FSDD.is_dir(), reason=f"shared FSDD not found at {FSDD}")


@needs_fsdd
def test_load_fsdd_official_split_and_speakers():
    bunch = load_fsdd(FSDD)
    assert len(bunch.X) == 3000 and bunch.sample_rate == 8000
    assert (bunch.split == "test").sum() == 300
    assert sorted(set(bunch.groups)) == ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
    assert set(bunch.y) == set(range(10))
    assert all(np.abs(x).max() <= 1.0 for x in bunch.X[:50])
    test = load_fsdd(FSDD, split="test")
    assert len(test.X) == 300 and all(int(n.split("_")[2][:-4]) < 5 for n in test.filenames)


@needs_fsdd
def test_fsdd_path_from_environment(monkeypatch):
    monkeypatch.setenv("LIQUID_DATA", str(FSDD.parent))
    assert len(load_fsdd(split="test").X) == 300


def test_fsdd_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="fetch_fsdd"):
        load_fsdd(tmp_path)


def _fake_fsdd_zip(path):
    rate = 8000
    with zipfile.ZipFile(path, "w") as archive:
        for digit in (0, 1):
            for index in range(6):
                tone = (3000 * np.sin(np.arange(2000) * (digit + 1) / 10)).astype(np.int16)
                wav = path.parent / "tmp.wav"
                wavfile.write(wav, rate, tone)
                archive.write(wav, f"free-spoken-digit-dataset-1.0.10/recordings/{digit}_alice_{index}.wav")
        archive.writestr("free-spoken-digit-dataset-1.0.10/README.md", "fake")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_fsdd_verifies_the_checksum_and_unpacks(tmp_path):
    archive = tmp_path / "fsdd.zip"
    digest = _fake_fsdd_zip(archive)
    home = tmp_path / "home"
    with pytest.raises(ValueError, match="checksum mismatch"):
        fetch_fsdd(home, url=archive.as_uri(), sha256="0" * 64)
    assert not (home / "fsdd").exists()  # nothing half-written
    with pytest.raises(ValueError, match="do not match the pinned release"):
        fetch_fsdd(home, url=archive.as_uri(), sha256=digest)  # a valid archive, but not FSDD v1.0.10
    assert not (home / "fsdd").exists()
    folder = fetch_fsdd(home, url=archive.as_uri(), sha256=digest, content_sha256=None)
    bunch = load_fsdd(folder)
    assert len(bunch.X) == 12 and (bunch.split == "test").sum() == 10
    archive.unlink()  # already there: no second download
    assert fetch_fsdd(home, url=archive.as_uri()) == folder


@pytest.mark.skipif(not (SHARED / "fsdd").is_dir(), reason="FSDD recordings not in ../shared/data")
def test_pinned_content_digest_matches_the_release(tmp_path):
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for wav in sorted((SHARED / "fsdd").glob("*.wav")):
            zf.write(wav, f"free-spoken-digit-dataset-1.0.10/recordings/{wav.name}")
    folder = fetch_fsdd(tmp_path / "home", url=archive.as_uri())
    assert len(list(folder.glob("*.wav"))) == 3000


def test_fetch_fails_cleanly_on_bad_downloads(tmp_path, monkeypatch):
    import socket
    import threading

    from liquid.datasets import _download

    home = tmp_path / "home"
    not_zip = tmp_path / "page.zip"
    not_zip.write_text("<html>not found</html>")
    with pytest.raises(ValueError, match="not a zip archive"):
        fetch_fsdd(home, url=not_zip.as_uri())
    with pytest.raises(FileNotFoundError, match="names no file"):  # a local file name, not a network failure
        fetch_fsdd(home, url=(tmp_path / "missing.zip").as_uri())
    # A server that accepts the connection and never answers: the timeout ends the wait.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    monkeypatch.setattr(_download, "TIMEOUT_S", 1.0)
    with pytest.raises(ConnectionError, match="timed out"):
        fetch_fsdd(home, url=f"http://127.0.0.1:{server.getsockname()[1]}/fsdd.zip")
    server.close()
    assert not home.exists() or not any(home.iterdir())  # no temporary folder left behind


def test_fetch_rejects_an_archive_without_recordings(tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("README.md", "nothing")
    with pytest.raises(ValueError, match="no recordings"):
        fetch_fsdd(tmp_path / "home", url=archive.as_uri())


# -- UEA by name, long-format tables -------------------------------------------------------
@needs_uea
def test_load_uea_by_name():
    bunch = load_uea("BasicMotions", "test", path=UEA, as_frame=True)
    assert bunch.X.shape == (40, 100, 6) and len(bunch.frame) == 4000
    with pytest.raises(FileNotFoundError, match="Nope"):
        load_uea("Nope", path=UEA)


def _tiny_ts(name: str, n: int) -> str:
    """A two-channel .ts file of ``n`` length-3 series, classes 'a' and 'b' alternating."""
    rows = [f"{i}.0,{i + 1}.5,{i + 2}.25:{-i}.0,0.5,1.0:{'ab'[i % 2]}" for i in range(n)]
    header = f"@problemName {name}\n@univariate false\n@dimensions 2\n@equalLength true\n@classLabel true a b\n@data\n"
    return header + "\n".join(rows) + "\n"


def _fake_uea_zip(path, name="Tiny", parts=("TRAIN", "TEST")):
    with zipfile.ZipFile(path, "w") as archive:
        for part, n in zip(parts, (6, 4)):
            archive.writestr(f"{name}/{name}_{part}.ts", _tiny_ts(name, n))
        archive.writestr(f"{name}/{name}_TRAIN.arff", "ignored")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_uea_checks_caches_and_feeds_load_uea(tmp_path, capsys):
    archive, home = tmp_path / "Tiny.zip", tmp_path / "home"
    digest = _fake_uea_zip(archive)
    with pytest.raises(ValueError, match="checksum mismatch"):
        fetch_uea("Tiny", home, url=archive.as_uri(), sha256="0" * 64)
    assert not (home / "uea" / "Tiny").exists()  # nothing half-written
    folder = fetch_uea("Tiny", home, url=archive.as_uri())
    assert digest in capsys.readouterr().err  # printed so that it can be pinned
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "Tiny_TEST.ts", "Tiny_TRAIN.ts"]
    train, test = load_uea("Tiny", "train", path=home), load_uea("Tiny", "test", path=home)
    assert np.shape(train.X) == (6, 3, 2) and len(test.X) == 4 and set(train.y) == {"a", "b"}
    archive.unlink()  # cached: no second download
    assert fetch_uea("Tiny", home, url=archive.as_uri(), sha256=digest) == folder
    (folder / "Tiny_TEST.ts").write_text((folder / "Tiny_TEST.ts").read_text()[:-20])  # truncated on disk
    with pytest.raises(ValueError, match="damaged"):
        fetch_uea("Tiny", home)


def test_fetch_uea_refuses_what_is_not_the_named_set(tmp_path):
    home = tmp_path / "home"
    only_train = tmp_path / "half.zip"
    _fake_uea_zip(only_train, parts=("TRAIN",))
    with pytest.raises(ValueError, match="holds no Tiny_TEST.ts"):
        fetch_uea("Tiny", home, url=only_train.as_uri())
    with pytest.raises(ValueError, match="spelled"):
        fetch_uea("tiny", home, url=only_train.as_uri())  # names are case-sensitive in the archive
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("Tiny_TRAIN.ts", "@problemName Tiny\n@data\n1,2:x:a\n")
        zf.writestr("Tiny_TEST.ts", "@problemName Tiny\n")
    with pytest.raises(TsFormatError):
        fetch_uea("Tiny", home, url=broken.as_uri())
    for bad in ("../etc", "", "a/b", 3):
        with pytest.raises(ValueError, match="not a UEA/UCR problem name"):
            fetch_uea(bad, home)
    with pytest.raises(FileNotFoundError, match="by hand"):
        fetch_uea("Tiny", home, url=(tmp_path / "missing.zip").as_uri())
    assert not (home / "uea" / "Tiny").exists() and not list((home / "uea").iterdir())  # no temporary folder left


@needs_uea
def test_fetch_uea_on_an_archive_of_the_real_set(tmp_path):
    archive = tmp_path / "BasicMotions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in ("TRAIN", "TEST"):
            zf.write(UEA / "BasicMotions" / f"BasicMotions_{part}.ts", f"BasicMotions_{part}.ts")
    fetch_uea("BasicMotions", tmp_path / "home", url=archive.as_uri())
    assert load_uea("BasicMotions", "test", path=tmp_path / "home").X.shape == (40, 100, 6)


def test_long_format_round_trip(tmp_path):
    bunch = load_japanese_vowels("train", as_frame=True)
    shuffled = bunch.frame.sample(frac=1.0, random_state=0)
    for suffix, sep in ((".csv", ","), (".tsv", "\t")):
        path = tmp_path / f"jv{suffix}"
        shuffled.to_csv(path, sep=sep, index=False)
        loaded = load_long(path)
        assert len(loaded.X) == 270 and loaded.channel_names == [f"c{i}" for i in range(1, 13)]
        by_id = dict(zip(loaded.sample_ids, loaded.X))
        for i in (0, 100, 269):
            np.testing.assert_allclose(by_id[i], bunch.X[i])
        assert list(loaded.y[np.argsort(loaded.sample_ids)].astype(str)) == list(bunch.y)


@pytest.mark.parametrize(
    "frame, kwargs, match",
    [
        (pd.DataFrame({"sample": [0, 0], "time": [0, 1], "v": [1.0, 2.0]}), {}, r"\['label'\] not in the table"),
        (pd.DataFrame({"sample": [0, 0], "time": [0, 1], "v": [1.0, np.nan], "label": "a"}), {}, "missing values"),
        (pd.DataFrame({"sample": [0, 0], "time": [0, 0], "v": [1.0, 2.0], "label": "a"}), {}, "repeated"),
        (pd.DataFrame({"sample": [0, 0], "time": [0, 1], "v": [1.0, 2.0], "label": ["a", "b"]}), {}, "2 different labels"),
        (pd.DataFrame({"sample": [0], "time": [0], "v": ["x"], "label": "a"}), {"values": ["v"]}, "not numeric"),
    ],
)
def test_bad_long_tables_name_the_problem(frame, kwargs, match):
    with pytest.raises(ValueError, match=match):
        from_long_frame(frame, **kwargs)


def test_unreadable_table_files(tmp_path):
    with pytest.raises(ValueError, match="use a .csv"):
        load_long(tmp_path / "data.xlsx")
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_long(tmp_path / "absent.csv")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage\n\x00\x01")
    with pytest.raises(ValueError):
        load_long(broken)


def test_parquet_reads_or_names_the_missing_engine(tmp_path):
    import importlib.util

    frame = pd.DataFrame({"sample": [0, 0, 1], "time": [0, 1, 0], "v": [1.0, 2.0, 3.0], "label": ["a", "a", "b"]})
    path = tmp_path / "data.parquet"
    if importlib.util.find_spec("pyarrow") is None:
        path.write_bytes(b"PAR1")
        with pytest.raises(ImportError, match="pip install pyarrow"):
            load_long(path)
    else:
        frame.to_parquet(path)
        bunch = load_long(path)
        assert [x.shape[0] for x in bunch.X] == [2, 1] and list(bunch.y) == ["a", "b"]
