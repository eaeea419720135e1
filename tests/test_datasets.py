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
