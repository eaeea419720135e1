"""Japanese Vowels, embedded: the classic reservoir-computing benchmark, with no download."""
from __future__ import annotations

from importlib.resources import files

import numpy as np
from sklearn.utils import Bunch

from ._base import make_bunch

DESCRIPTION = """\
Japanese Vowels (Kudo, Toyama & Shimbo 1999), UCI / UEA archive, CC BY 4.0.

Nine male speakers each uttered the vowels /ae/; every utterance is a series
of 12 LPC cepstrum coefficients (one frame per 6.4 ms analysis window),
7 to 29 frames long. The task is to identify the speaker (labels "1".."9").
Official split: 270 training utterances (30 per speaker) and 370 test
utterances (24 to 88 per speaker).

Cite: M. Kudo, J. Toyama and M. Shimbo (1999). Multidimensional curve
classification using passing-through regions. Pattern Recognition Letters
20(11-13), 1103-1111. Embedded from the UEA .ts files by
datasets/japanese_vowels/make_embedded.py (values exact to six decimals).
"""

SPLITS = ("train", "test", "all")


def load_japanese_vowels(split: str = "train", *, as_frame: bool = False) -> Bunch:
    """Load the embedded Japanese Vowels speaker-identification set.

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        The official 270 / 370 split, or all 640 utterances (train first).
    as_frame : bool, default=False
        Also return ``frame``: a long-format DataFrame (sample, time, c1..c12, label).

    Returns
    -------
    Bunch with ``X`` (list of (n_frames, 12) arrays), ``y`` (str speaker labels),
    ``split`` ("train" or "test" per sample), ``channel_names``, ``description``
    and, with ``as_frame=True``, ``frame``.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split={split!r}; choose one of {SPLITS}")
    with files("liquid.datasets").joinpath("data/japanese_vowels.npz").open("rb") as handle:
        data = np.load(handle)
        values = data["values"] / float(data["scale"])
        lengths, speaker, split_code = data["lengths"], data["speaker"], data["split"]
    sequences = np.split(values, np.cumsum(lengths)[:-1])
    keep = np.ones(len(lengths), bool) if split == "all" else split_code == SPLITS.index(split)
    X = [np.ascontiguousarray(s) for s, k in zip(sequences, keep) if k]
    return make_bunch(
        X,
        speaker[keep].astype(str),
        DESCRIPTION,
        as_frame=as_frame,
        channel_names=[f"c{i}" for i in range(1, 13)],
        split=np.where(split_code[keep] == 0, "train", "test"),
    )
