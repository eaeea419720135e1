"""Built-in datasets by name, for the command line: what exists, and whether it is on this machine."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .fsdd import _find_recordings, data_home, load_fsdd
from .japanese_vowels import load_japanese_vowels
from .synthetic import make_mackey_glass, make_spike_pattern, make_temporal_order
from .uea import load_uea


@dataclass(frozen=True)
class BuiltinDataset:
    name: str
    task: str  # "classification" or "regression"
    size: str
    classes: str
    source: str
    #: returns (X, y) or (X, y, groups)
    loader: Callable[[], tuple]
    available: Callable[[], bool]
    #: encoder the liquid should use for this data by default
    encoder: str = "current"
    #: Python statement that downloads the data into the cache, for sets not embedded
    fetch: str = ""


def _uea(name: str):
    def load():
        train, test = load_uea(name, "train"), load_uea(name, "test")
        return list(train.X) + list(test.X), np.concatenate([train.y, test.y])

    def available():
        root = data_home()
        return any((folder / f"{name}_TRAIN.ts").is_file() for folder in (root / name, root / "uea" / name))

    return load, available


def _fsdd():
    from ..audio import Cochleagram  # imported late: scipy.signal is only needed here

    bunch = load_fsdd()
    return Cochleagram(sample_rate=bunch.sample_rate).fit(bunch.X).transform(bunch.X), bunch.y, bunch.groups


def _fsdd_available() -> bool:
    try:
        _find_recordings(data_home())
        return True
    except FileNotFoundError:
        return False


def _mackey_glass_windows(n_windows: int = 400, window: int = 30, horizon: int = 1):
    """Windows of a Mackey-Glass series; the target is the value ``horizon`` steps after each window."""
    series = make_mackey_glass(n_windows * 5 + window + horizon, random_state=0)
    starts = np.arange(n_windows) * 5
    X = [series[s : s + window, None] for s in starts]
    y = np.array([series[s + window + horizon - 1] for s in starts])
    return X, y


def _always() -> bool:
    return True


def _jv():
    bunch = load_japanese_vowels("all")
    return bunch.X, bunch.y


BUILTIN = {
    d.name: d
    for d in [
        BuiltinDataset("japanese_vowels", "classification", "640 x (7-29, 12)", "9", "embedded", _jv, _always),
        BuiltinDataset(
            "temporal_order", "classification", "300 x (24-36, 4)", "6", "synthetic",
            lambda: make_temporal_order(300, random_state=0), _always,
        ),
        BuiltinDataset(
            "spike_pattern", "classification", "300 x (30, 40)", "2", "synthetic",
            lambda: make_spike_pattern(300, random_state=0), _always, encoder="spikes",
        ),
        BuiltinDataset("mackey_glass", "regression", "400 x (30, 1)", "-", "synthetic", _mackey_glass_windows, _always),
        BuiltinDataset("fsdd", "classification", "3000 waveforms -> (frames, 32)", "10", "LIQUID_DATA", _fsdd,
                       _fsdd_available, fetch="from liquid.datasets import fetch_fsdd; fetch_fsdd()"),
        BuiltinDataset("basic_motions", "classification", "80 x (100, 6)", "4", "LIQUID_DATA", *_uea("BasicMotions"),
                       fetch="from liquid.datasets import fetch_uea; fetch_uea('BasicMotions')"),
        BuiltinDataset("natops", "classification", "360 x (51, 24)", "6", "LIQUID_DATA", *_uea("NATOPS"),
                       fetch="from liquid.datasets import fetch_uea; fetch_uea('NATOPS')"),
    ]
}
