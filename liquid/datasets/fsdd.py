"""Free Spoken Digit Dataset (FSDD): raw 8 kHz recordings of spoken digits."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from sklearn.utils import Bunch

from ._download import check_sha256, content_sha256 as files_sha256, download, extract_members

FSDD_URL = "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip"
_NAME = re.compile(r"^(\d)_([A-Za-z]+)_(\d+)\.wav$")
SPLITS = ("official", "train", "test")

DESCRIPTION = """\
Free Spoken Digit Dataset (Jakobovski et al.), CC BY-SA 4.0.

Mono WAV recordings at 8 kHz of the digits 0-9 spoken in English, files named
{digit}_{speaker}_{index}.wav (v1.0.10: 6 speakers x 10 digits x 50 = 3,000).
Official split: recordings with index 0-4 are the test set, the rest train.
groups holds the speaker, for speaker-independent evaluation.
Source: https://github.com/Jakobovski/free-spoken-digit-dataset
"""


def data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Where downloaded datasets live: the argument, else ``$LIQUID_DATA``, else the user cache dir."""
    if data_home is not None:
        return Path(data_home)
    if os.environ.get("LIQUID_DATA"):
        return Path(os.environ["LIQUID_DATA"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "liquid"


def _find_recordings(path: Path) -> Path:
    """The folder holding the WAV files: ``path`` itself, ``path/fsdd`` or ``path/fsdd/recordings``."""
    for candidate in (path, path / "fsdd", path / "recordings", path / "fsdd" / "recordings"):
        if candidate.is_dir() and any(_NAME.match(p.name) for p in candidate.iterdir()):
            return candidate
    raise FileNotFoundError(
        f"no FSDD recordings ({{digit}}_{{speaker}}_{{index}}.wav) found in {path}; pass path=, set LIQUID_DATA "
        "or call liquid.datasets.fetch_fsdd()"
    )


def load_fsdd(path: str | os.PathLike | None = None, split: str = "official") -> Bunch:
    """Load the FSDD waveforms.

    Parameters
    ----------
    path : folder of the WAV files, optional
        Default: ``$LIQUID_DATA`` (or its ``fsdd`` subfolder), else the user
        cache dir where :func:`fetch_fsdd` puts them.
    split : {"official", "train", "test"}, default="official"
        "official": every recording, with ``split`` saying "train" or "test"
        (test = index 0-4); "train" / "test": only that part.

    Returns
    -------
    Bunch with ``X`` (list of float waveforms in [-1, 1]), ``y`` (int digits),
    ``groups`` (speaker names), ``split``, ``sample_rate`` (Hz, 8000),
    ``filenames`` and ``description``.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split={split!r}; choose one of {SPLITS}")
    folder = _find_recordings(data_home(path) if path is None else Path(path))
    entries = sorted(
        (int(m[1]), m[2], int(m[3]), p)
        for p in folder.iterdir()
        if (m := _NAME.match(p.name))
    )
    X, y, groups, parts, names = [], [], [], [], []
    rates = set()
    for digit, speaker, index, file in entries:
        part = "test" if index < 5 else "train"
        if split != "official" and part != split:
            continue
        try:
            rate, data = wavfile.read(file)
        except (ValueError, OSError) as error:
            raise ValueError(f"cannot read {file}: {error}") from error
        if data.ndim != 1:
            data = data.mean(axis=1)
        if np.issubdtype(data.dtype, np.integer):
            data = data / float(np.iinfo(data.dtype).max + 1)
        rates.add(rate)
        X.append(data.astype(np.float64))
        y.append(digit)
        groups.append(speaker)
        parts.append(part)
        names.append(file.name)
    if len(rates) > 1:
        raise ValueError(f"FSDD files in {folder} have mixed sample rates {sorted(rates)}")
    return Bunch(
        X=X,
        y=np.array(y),
        groups=np.array(groups),
        split=np.array(parts),
        sample_rate=float(rates.pop()),
        filenames=names,
        description=DESCRIPTION,
    )


#: SHA-256 of the recordings of FSDD v1.0.10: of the lines "{file name} {sha256 of the file}\n",
#: sorted by name, of its 3,000 WAV files. Independent of how the archive is zipped.
FSDD_CONTENT_SHA256 = "dbd573d7cafe79c4b49f65718115e1304e24e067fa39eff18a660dc6cb9c360f"
#: Largest archive and largest single recording accepted (bytes): FSDD is ~10 MB, a recording ~20 kB.
MAX_ARCHIVE_BYTES = 200 * 2**20
MAX_MEMBER_BYTES = 2 * 2**20
_MANUAL = "Download the FSDD recordings by hand and pass their folder to load_fsdd(path=...) or set LIQUID_DATA"


def recordings_sha256(folder: str | os.PathLike) -> str:
    """The content digest of a folder of recordings (see ``FSDD_CONTENT_SHA256``)."""
    return files_sha256(p for p in Path(folder).iterdir() if _NAME.match(p.name))


def _is_recording(member: str) -> bool:
    return "recordings/" in member and _NAME.match(Path(member).name) is not None


def fetch_fsdd(
    data_home_: str | os.PathLike | None = None,
    *,
    url: str = FSDD_URL,
    sha256: str | None = None,
    content_sha256: str | None = FSDD_CONTENT_SHA256,
) -> Path:
    """Download the FSDD archive, check it and unpack its recordings.

    Parameters
    ----------
    data_home_ : folder, optional
        Where to put ``fsdd/`` (default: see :func:`data_home`).
    url : str
        Archive (zip) holding a ``recordings/`` folder of WAV files.
    sha256 : str, optional
        Expected SHA-256 of the archive file itself.
    content_sha256 : str or None, default=FSDD_CONTENT_SHA256
        Expected :func:`recordings_sha256` of the unpacked recordings (pinned
        for v1.0.10, the release at ``FSDD_URL``); ``None`` skips the check
        (another release or a mirror you trust). Any mismatch raises and
        keeps nothing.

    Returns
    -------
    The folder of the recordings (already there: returned without download).

    Raises
    ------
    ConnectionError
        The download failed or stalled for ``liquid.datasets._download.TIMEOUT_S`` seconds.
    ValueError
        Not a zip archive, no recordings in it, or a checksum mismatch.
    """
    target = data_home(data_home_) / "fsdd"
    try:
        return _find_recordings(target)
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    # Everything happens in a temporary folder that is removed on every path out.
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        archive = Path(tmp) / "fsdd.zip"
        download(url, archive, max_bytes=MAX_ARCHIVE_BYTES, what="an FSDD archive", manual_hint=_MANUAL)
        check_sha256(archive, sha256, url)
        staging = Path(tmp) / "recordings"
        staging.mkdir()
        if not extract_members(archive, staging, url, wanted=_is_recording, max_member_bytes=MAX_MEMBER_BYTES):
            raise ValueError(f"{url} holds no recordings/{{digit}}_{{speaker}}_{{index}}.wav files")
        content = recordings_sha256(staging)
        if content_sha256 is not None and content != content_sha256.lower():
            raise ValueError(
                f"the recordings in {url} do not match the pinned release (content sha256 {content}, expected "
                f"{content_sha256}); pass content_sha256=None to accept another release"
            )
        staging.rename(target)  # appears complete or not at all
    return target
