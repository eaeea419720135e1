"""Shared helpers of the dataset loaders: Bunch assembly and long-format frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch


def to_long_frame(X, y=None, channel_names=None) -> pd.DataFrame:
    """Long format: one row per (sample, time) with one column per channel, and ``label``."""
    lengths = np.array([x.shape[0] for x in X])
    n_channels = X[0].shape[1]
    names = list(channel_names) if channel_names is not None else [f"ch{c}" for c in range(n_channels)]
    frame = pd.DataFrame(np.concatenate(list(X), axis=0), columns=names)
    frame.insert(0, "time", np.concatenate([np.arange(n) for n in lengths]))
    frame.insert(0, "sample", np.repeat(np.arange(len(lengths)), lengths))
    if y is not None:
        frame["label"] = np.repeat(np.asarray(y), lengths)
    return frame


def as_3d_if_equal(X: list[np.ndarray]):
    """A 3-D array when every series has the same length, else the list."""
    return np.stack(X) if len({x.shape[0] for x in X}) == 1 else X


def make_bunch(X, y, description: str, *, as_frame: bool, channel_names=None, **extra) -> Bunch:
    bunch = Bunch(X=as_3d_if_equal(X), y=y, description=description, channel_names=channel_names, **extra)
    if as_frame:
        bunch.frame = to_long_frame(X, y, channel_names)
    return bunch
