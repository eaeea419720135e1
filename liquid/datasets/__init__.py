"""Datasets: the embedded Japanese Vowels, loaders for real data, file readers, synthetic tasks."""
from .fsdd import data_home, fetch_fsdd, load_fsdd
from .japanese_vowels import load_japanese_vowels
from .long import from_long_frame, load_long, read_table
from .timeseries import read_timeseries_csv
from .synthetic import make_mackey_glass, make_narma, make_spike_pattern, make_temporal_order
from .ts import TsFormatError, load_ts
from .uea import fetch_uea, load_uea

__all__ = [
    "load_japanese_vowels",
    "load_fsdd",
    "fetch_fsdd",
    "data_home",
    "load_uea",
    "fetch_uea",
    "load_ts",
    "TsFormatError",
    "load_long",
    "from_long_frame",
    "read_table",
    "read_timeseries_csv",
    "make_temporal_order",
    "make_spike_pattern",
    "make_narma",
    "make_mackey_glass",
]
