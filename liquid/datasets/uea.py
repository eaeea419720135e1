"""UEA / UCR archive sets by name, read from the user's copy of the archive."""
from __future__ import annotations

import os
from pathlib import Path

from sklearn.utils import Bunch

from ._base import make_bunch
from .fsdd import data_home
from .ts import load_ts


def load_uea(name: str, split: str = "train", *, path: str | os.PathLike | None = None, as_frame: bool = False) -> Bunch:
    """Load a UEA/UCR set (e.g. "BasicMotions", "NATOPS") from ``{name}/{name}_{TRAIN,TEST}.ts``.

    Parameters
    ----------
    name : str
        Problem name, the folder and file prefix in the archive.
    split : {"train", "test"}, default="train"
        The archive's official split.
    path : folder holding ``{name}/`` (or ``uea/{name}/``), optional
        Default: ``$LIQUID_DATA`` or the user cache dir (see :func:`~liquid.datasets.data_home`).
    as_frame : bool, default=False
        Also return ``frame``, the long-format DataFrame.

    Returns
    -------
    Bunch with ``X`` (3-D array when lengths are equal, else a list), ``y``,
    ``description`` and, with ``as_frame=True``, ``frame``.
    """
    if split not in ("train", "test"):
        raise ValueError(f"unknown split={split!r}; choose 'train' or 'test'")
    root = data_home(path)
    candidates = [root / name, root / "uea" / name]
    folder = next((c for c in candidates if c.is_dir()), None)
    if folder is None:
        raise FileNotFoundError(
            f"UEA set {name!r} not found in {' or '.join(str(c) for c in candidates)}; pass path= or set LIQUID_DATA"
        )
    bunch = load_ts(folder / f"{name}_{split.upper()}.ts")
    return make_bunch(list(bunch.X), bunch.y, bunch.description, as_frame=as_frame, problem_name=bunch.problem_name)
