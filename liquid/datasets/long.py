"""Long-format tables (one row per sample and timestep) <-> lists of sequences."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

READERS = {".csv": pd.read_csv, ".tsv": lambda p: pd.read_csv(p, sep="\t"), ".parquet": pd.read_parquet}


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file with pandas, with one-line errors."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"cannot read {path.name!r}: use a .csv, .tsv or .parquet file")
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        return reader(path)
    except ImportError as error:
        raise ImportError(f"reading {path.name} needs a Parquet engine: pip install pyarrow ({error})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, ValueError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None


def from_long_frame(
    frame: pd.DataFrame,
    *,
    sample: str = "sample",
    time: str | None = "time",
    values: list[str] | None = None,
    label: str | None = "label",
) -> Bunch:
    """Turn a long-format table into sequences.

    Parameters
    ----------
    frame : DataFrame
        One row per (sample, timestep).
    sample : str
        Column identifying the sequence a row belongs to.
    time : str or None
        Column ordering rows within a sequence; ``None``: keep file order.
    values : list of str or None
        Channel columns; ``None``: every other numeric column.
    label : str or None
        Column of the sequence's label (constant within a sequence); ``None``: no labels.

    Returns
    -------
    Bunch with ``X`` (list of (n_timesteps_i, n_channels) arrays, in order of
    first appearance of each sample id), ``y`` (or None), ``sample_ids`` and
    ``channel_names``.
    """
    named = [c for c in (sample, time, label) if c is not None]
    missing = [c for c in named + list(values or []) if c not in frame.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the table; its columns are {list(frame.columns)}")
    if frame.empty:
        raise ValueError("the table has no rows")
    if values is None:
        # Every other column is a channel: a column that is not numeric is an error, never silently dropped.
        values = [c for c in frame.columns if c not in named]
        if not values:
            raise ValueError("no value columns besides the sample/time/label columns")
    for column in values:
        _check_numeric(frame, column)
    for column in (sample, label):
        if column is not None and frame[column].isna().any():
            raise ValueError(f"column {column!r} is empty at row {_first(frame[column].isna())}; every row needs one")
    if time is not None:
        frame = frame.assign(**{time: _sortable_time(frame, time)})
    if frame[values].isna().any().any():
        bad = frame[values].isna().any(axis=1).to_numpy().nonzero()[0][0]
        raise ValueError(f"missing values in the value columns (first at row {bad}); impute or drop them first")
    ids = pd.unique(frame[sample])
    if time is not None:
        if frame.duplicated([sample, time]).any():
            raise ValueError(f"repeated ({sample}, {time}) pairs: each sample needs one row per timestep")
        frame = frame.sort_values([sample, time], kind="stable")
    grouped = frame.groupby(sample, sort=False)
    X, y = [], []
    for sample_id in ids:
        rows = grouped.get_group(sample_id)
        X.append(rows[values].to_numpy(dtype=np.float64))
        if label is not None:
            labels = pd.unique(rows[label])
            if len(labels) != 1:
                raise ValueError(f"sample {sample_id!r} has {len(labels)} different labels; one label per sample")
            y.append(labels[0])
    return Bunch(X=X, y=np.array(y) if label is not None else None, sample_ids=np.array(ids), channel_names=values)


def _first(mask: pd.Series) -> int:
    """Row number (0-based, data rows) of the first True."""
    return int(np.flatnonzero(mask.to_numpy())[0])


def _check_numeric(frame: pd.DataFrame, column: str) -> None:
    if pd.api.types.is_bool_dtype(frame[column]) or not pd.api.types.is_numeric_dtype(frame[column]):
        converted = pd.to_numeric(frame[column], errors="coerce")
        bad = converted.isna() & frame[column].notna()
        if bad.any() or pd.api.types.is_bool_dtype(frame[column]):
            row = _first(bad) if bad.any() else 0
            raise ValueError(
                f"value column {column!r} is not numeric: row {row} holds {frame[column].iloc[row]!r}; "
                "fix the cell or leave the column out (value columns)"
            )
    infinite = np.isinf(pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float))
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise ValueError(f"value column {column!r} holds {frame[column].iloc[row]} at row {row}: values must be "
                         "finite; fix the cell or leave the column out (value columns)")


def _sortable_time(frame: pd.DataFrame, time: str) -> pd.Series:
    """The time column as numbers or timestamps, never as text (which sorts "10" before "2")."""
    column = frame[time]
    if column.isna().any():
        raise ValueError(f"time column {time!r} is empty at row {_first(column.isna())}")
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().all():
        return numbers
    try:
        return pd.to_datetime(column, format="mixed")
    except (ValueError, TypeError):
        row = _first(numbers.isna())
        raise ValueError(
            f"time column {time!r} is neither numeric nor a timestamp: row {row} holds {column.iloc[row]!r}"
        ) from None


def load_long(path: str | os.PathLike, **columns) -> Bunch:
    """Read a long-format CSV/TSV/Parquet file into sequences; see :func:`from_long_frame`."""
    return from_long_frame(read_table(path), **columns)
