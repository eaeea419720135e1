"""Reader for the sktime/aeon ``.ts`` text format of the UEA & UCR archives.

Header lines start with ``@`` (``@problemName``, ``@dimensions``,
``@equalLength``, ``@classLabel true <labels>`` or ``@targetLabel true``,
``@data``); ``#`` lines are comments. After ``@data`` each line is one sample:
channels separated by ``:``, values within a channel by ``,``, the label last.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch


#: Longest line read (characters). The archive's longest samples are a few MB; a line is split into one
#: Python string per value (about 30 bytes each for 2 characters of text), so this bounds a line's
#: parse to about 1 GB of memory, whatever the file holds.
MAX_LINE_CHARS = 32 * 2**20

_MISSING = "missing or non-finite values ('?' or NaN) are not supported; impute or drop them first"


class TsFormatError(ValueError):
    """A ``.ts`` file that cannot be read; the message names the file and line."""


def _lines(handle, path: Path):
    """Yield ``(line number, line)``, refusing a line longer than ``MAX_LINE_CHARS`` after reading at most that."""
    for line_no, raw in enumerate(iter(lambda: handle.readline(MAX_LINE_CHARS + 1), ""), start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise TsFormatError(f"{path}:{line_no}: the line is longer than {MAX_LINE_CHARS} characters; "
                                "a sample this long is not supported")
        yield line_no, raw


def _header_flag(value: str, path: Path, line_no: int) -> bool:
    if value.lower() not in ("true", "false"):
        raise TsFormatError(f"{path}:{line_no}: expected true or false, got {value!r}")
    return value.lower() == "true"


def load_ts(path: str | os.PathLike) -> Bunch:
    """Read a ``.ts`` file of (possibly unequal-length) multivariate series.

    Parameters
    ----------
    path : path to the ``.ts`` file

    Returns
    -------
    Bunch with
        ``X``: 3-D array (n_samples, n_timesteps, n_channels) when all series
        have the same length, else a list of (n_timesteps_i, n_channels) arrays;
        ``y``: labels (str for classification, float for regression) or None;
        ``problem_name``, ``class_labels`` (from the header, or None) and
        ``description`` (the file's comment lines).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    TsFormatError (a ValueError)
        For a malformed file or missing values (``?`` or ``NaN``), naming the line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no .ts file at {path}")
    header: dict[str, str] = {}
    comments: list[str] = []
    X: list[np.ndarray] = []
    labels: list[str] = []
    in_data = False
    has_labels = False
    n_channels = None
    try:
        with open(path, encoding="utf-8", errors="strict") as handle:
            for line_no, raw in _lines(handle, path):
                line = raw.strip()
                if not line:
                    continue
                if not in_data:
                    if line.startswith("#"):
                        comments.append(line[1:].strip())
                        continue
                    if not line.startswith("@"):
                        raise TsFormatError(f"{path}:{line_no}: expected a header line (@...) before @data, got {line[:40]!r}")
                    key, _, value = line[1:].partition(" ")
                    key = key.lower()
                    if key == "data":
                        in_data = True
                        if _header_flag(header.get("timestamps", "false").split()[0], path, line_no):
                            raise TsFormatError(f"{path}: series with timestamps are not supported")
                        label_kind = header.get("classlabel") or header.get("targetlabel") or "false"
                        has_labels = _header_flag(label_kind.split()[0], path, line_no)
                    else:
                        header[key] = value.strip()
                    continue
                parts = line.split(":")
                channels = parts[:-1] if has_labels else parts
                if has_labels:
                    labels.append(parts[-1].strip())
                if n_channels is None:
                    n_channels = len(channels)
                elif len(channels) != n_channels:
                    raise TsFormatError(
                        f"{path}:{line_no}: sample has {len(channels)} channels, earlier samples have {n_channels}"
                    )
                if any("?" in channel for channel in channels):
                    raise TsFormatError(f"{path}:{line_no}: {_MISSING}")
                try:
                    values = [np.array(channel.split(","), dtype=np.float64) for channel in channels]
                except ValueError:
                    raise TsFormatError(f"{path}:{line_no}: a value is not a number") from None
                lengths = {v.shape[0] for v in values}
                if len(lengths) != 1:
                    raise TsFormatError(f"{path}:{line_no}: channels of one sample have different lengths {sorted(lengths)}")
                series = np.column_stack(values)
                if not np.all(np.isfinite(series)):
                    raise TsFormatError(f"{path}:{line_no}: {_MISSING}")
                X.append(series)
    except UnicodeDecodeError as error:
        raise TsFormatError(f"{path}: not a UTF-8 text file ({error.reason} at byte {error.start}); "
                            "is it a .ts file?") from None
    if not in_data:
        raise TsFormatError(f"{path}: no @data section")
    if not X:
        raise TsFormatError(f"{path}: the @data section is empty")
    if "dimensions" in header and not header["dimensions"].isdigit():
        raise TsFormatError(f"{path}: @dimensions must be a whole number, got {header['dimensions']!r}")
    if "dimensions" in header and int(header["dimensions"]) != n_channels:
        raise TsFormatError(f"{path}: header says @dimensions {header['dimensions']} but samples have {n_channels}")
    y = None
    if has_labels:
        if "targetlabel" in header:
            try:
                y = np.array(labels, dtype=np.float64)
            except ValueError:
                raise TsFormatError(f"{path}: regression targets must be numbers") from None
        else:
            y = np.array(labels)
    class_labels = header.get("classlabel", "").split()[1:] or None
    if class_labels is not None and y is not None:
        unknown = sorted(set(y.tolist()) - set(class_labels))
        if unknown:
            raise TsFormatError(f"{path}: labels {unknown[:5]} are not declared in @classLabel")
    equal = len({x.shape[0] for x in X}) == 1
    return Bunch(
        X=np.stack(X) if equal else X,
        y=y,
        problem_name=header.get("problemname", path.stem),
        class_labels=class_labels,
        description="\n".join(comments),
    )
