"""Recipe: build liquid/datasets/data/japanese_vowels.npz from the UEA .ts files.

Usage: python datasets/japanese_vowels/make_embedded.py DIR
where DIR holds JapaneseVowels_TRAIN.ts and JapaneseVowels_TEST.ts (UEA archive,
https://timeseriesclassification.com/, originally UCI; CC BY 4.0).

The values have six decimals in the source, so they are stored exactly as
int32 micro-units; frames of all samples are concatenated, with lengths.
"""
import sys
from pathlib import Path

import numpy as np

from liquid.datasets.ts import load_ts

SCALE = 1_000_000


def main(source: Path, target: Path) -> None:
    values, lengths, labels, split = [], [], [], []
    for name, code in (("TRAIN", 0), ("TEST", 1)):
        bunch = load_ts(source / f"JapaneseVowels_{name}.ts")
        for x, label in zip(bunch.X, bunch.y):
            micro = np.rint(x * SCALE)
            assert np.array_equal(micro / SCALE, np.round(x, 6)), "values with more than six decimals"
            values.append(micro.astype(np.int32))
            lengths.append(x.shape[0])
            labels.append(int(label))
            split.append(code)
    np.savez_compressed(
        target,
        values=np.concatenate(values),
        lengths=np.array(lengths, dtype=np.int16),
        speaker=np.array(labels, dtype=np.int8),
        split=np.array(split, dtype=np.int8),
        scale=np.array(SCALE),
    )
    print(f"wrote {target} ({target.stat().st_size / 1024:.0f} KiB, {len(lengths)} samples)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[2] / "liquid" / "datasets" / "data" / "japanese_vowels.npz")
