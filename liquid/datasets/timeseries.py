"""Single time series from ``timestamp,value`` CSV files (the NAB layout)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd


def read_timeseries_csv(
    path: str | os.PathLike, *, time_col: str = "timestamp", value_cols=None, keep_order: bool = False
) -> pd.DataFrame:
    """Read a series with a timestamp column and one or more value columns.

    Timestamps must parse and never decrease (repeated timestamps are kept
    in file order); with ``keep_order=True`` rows are taken as consecutive
    samples even where the clock goes back (NAB's machine_temperature file
    has one such jump; NAB itself scores rows in file order). Values must be
    numbers without gaps. Returns a DataFrame with ``timestamp`` (datetime64) and
    the value columns (float).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    if time_col not in frame.columns:
        raise ValueError(f"{path.name} has no {time_col!r} column; columns: {list(frame.columns)}")
    value_cols = list(value_cols) if value_cols else [c for c in frame.columns if c != time_col]
    missing = [c for c in value_cols if c not in frame.columns]
    if missing or not value_cols:
        raise ValueError(f"{path.name}: value column(s) {missing or '(none)'} not found")
    try:
        timestamps = pd.to_datetime(frame[time_col])
    except (ValueError, TypeError) as error:
        raise ValueError(f"{path.name}: timestamps do not parse: {error}") from None
    if len(frame) < 2:
        raise ValueError(f"{path.name} has fewer than 2 rows")
    backwards = (timestamps.diff().iloc[1:] < pd.Timedelta(0)).to_numpy()
    if backwards.any() and not keep_order:
        row = int(np.flatnonzero(backwards)[0]) + 1
        raise ValueError(
            f"{path.name}: timestamps must not go back in time (row {row + 1} is before row {row}); "
            "use keep_order=True (--keep-order) to take the rows as consecutive samples anyway"
        )
    values = frame[value_cols].apply(pd.to_numeric, errors="coerce")
    if values.isna().any().any():
        row = int(np.flatnonzero(values.isna().any(axis=1).to_numpy())[0])
        raise ValueError(f"{path.name}: missing or non-numeric value at row {row + 1}; fill or drop it first")
    infinite = ~np.isfinite(values.to_numpy(dtype=float)).all(axis=1)
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise ValueError(f"{path.name}: infinite value at row {row + 1}; values must be finite")
    return pd.concat([timestamps.rename("timestamp"), values.astype(float)], axis=1)
