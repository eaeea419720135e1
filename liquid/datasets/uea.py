"""UEA / UCR archive sets by name: fetched into a checked cache, or read from the user's copy."""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from sklearn.utils import Bunch

from ._base import make_bunch
from ._download import check_sha256, download, extract_members, file_sha256
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
            f"UEA set {name!r} not found in {' or '.join(str(c) for c in candidates)}; pass path=, set LIQUID_DATA "
            f"or call liquid.datasets.fetch_uea({name!r})"
        )
    bunch = load_ts(folder / f"{name}_{split.upper()}.ts")
    return make_bunch(list(bunch.X), bunch.y, bunch.description, as_frame=as_frame, problem_name=bunch.problem_name)


#: Where the UEA/UCR archive serves one zip per problem (the address aeon and sktime use).
UEA_URL = "https://www.timeseriesclassification.com/aeon-toolkit/{name}.zip"
#: Largest archive and largest .ts file accepted (bytes); the biggest problems are a few hundred MB.
MAX_ARCHIVE_BYTES = 4 * 2**30
MAX_MEMBER_BYTES = 4 * 2**30
#: The manifest written beside a fetched set, checked every time the cached copy is used.
MANIFEST = "SHA256SUMS"
_PROBLEM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _ts_files(folder: Path, name: str) -> list[Path]:
    return [folder / f"{name}_{part}.ts" for part in ("TRAIN", "TEST")]


def _check_manifest(folder: Path, name: str) -> None:
    damaged = (f"the cached copy of {name} in {folder} is damaged ({MANIFEST} is unreadable); delete the folder and "
               "fetch it again")
    try:
        lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise ValueError(damaged) from None
    pairs = [line.split() for line in lines if line.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(damaged)
    recorded = {file_name: digest for digest, file_name in pairs}
    for file in _ts_files(folder, name):
        if not file.is_file() or recorded.get(file.name) != file_sha256(file):
            raise ValueError(
                f"the cached copy of {name} in {folder} is damaged ({file.name} does not match {MANIFEST}); "
                "delete the folder and fetch it again"
            )


def fetch_uea(
    name: str,
    data_home_: str | os.PathLike | None = None,
    *,
    url: str | None = None,
    sha256: str | None = None,
) -> Path:
    """Download one problem of the UEA/UCR archive, check it and cache it for :func:`load_uea`.

    Parameters
    ----------
    name : str
        Problem name as the archive spells it, e.g. "BasicMotions", "AllGestureWiimoteX".
    data_home_ : folder, optional
        Cache root; the set lands in ``{data_home_}/uea/{name}/`` (default: see :func:`data_home`).
    url : str, optional
        Zip archive holding ``{name}_TRAIN.ts`` and ``{name}_TEST.ts`` (default: ``UEA_URL``; a
        ``file://`` address for an archive already on disk).
    sha256 : str, optional
        Expected SHA-256 of the archive. Without it, the archive's digest is printed so that a
        later call (or a colleague) can pin it; the archive publishes none.

    Returns
    -------
    The folder of the two ``.ts`` files. A cached copy is returned without download after its
    files are checked against the ``SHA256SUMS`` manifest written when it was fetched.

    Raises
    ------
    ConnectionError
        The download failed or stalled for ``liquid.datasets._download.TIMEOUT_S`` seconds.
    FileNotFoundError
        A ``file://`` address names no file.
    ValueError
        Not a zip archive (or a corrupt, encrypted or unsupported one), no ``.ts`` pair for
        ``name`` in it or two members of the same name, a file that does not parse, a checksum
        mismatch, or a damaged cached copy.
    """
    if not isinstance(name, str) or not _PROBLEM_NAME.fullmatch(name):
        raise ValueError(f"name={name!r} is not a UEA/UCR problem name (letters, digits, '_' or '-')")
    target = data_home(data_home_) / "uea" / name
    if (target / MANIFEST).is_file():
        _check_manifest(target, name)
        return target
    if all(f.is_file() for f in _ts_files(target, name)):
        return target  # the user's own copy of the archive: nothing recorded to check it against
    if target.exists() and any(target.iterdir()):
        raise ValueError(f"{target} holds an incomplete copy of {name}; delete or complete it before fetching")
    url = UEA_URL.format(name=name) if url is None else url
    target.parent.mkdir(parents=True, exist_ok=True)
    # Everything happens in a temporary folder that is removed on every path out.
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        archive = Path(tmp) / f"{name}.zip"
        download(url, archive, max_bytes=MAX_ARCHIVE_BYTES, what=f"the {name} archive",
                 manual_hint=f"Download {name}.zip by hand and pass its address as url='file://...', or put "
                             f"{name}_TRAIN.ts and {name}_TEST.ts in {target}")
        digest = check_sha256(archive, sha256, url)
        if sha256 is None:
            print(f"fetched {url} (sha256 {digest}; pass sha256= to pin it)", file=sys.stderr)
        staging = Path(tmp) / name
        staging.mkdir()
        wanted = {f.name for f in _ts_files(staging, name)}
        extract_members(archive, staging, url, wanted=lambda member: Path(member).name in wanted,
                        max_member_bytes=MAX_MEMBER_BYTES)
        missing = sorted(wanted - {p.name for p in staging.iterdir()})
        if missing:
            raise ValueError(f"{url} holds no {' or '.join(missing)}; is {name!r} spelled as the archive spells it?")
        for file in _ts_files(staging, name):
            load_ts(file)  # a file that does not parse is refused here, not at the first load
        (staging / MANIFEST).write_text("".join(f"{file_sha256(f)}  {f.name}\n" for f in _ts_files(staging, name)))
        try:
            if target.exists():
                target.rmdir()  # empty, checked above
            staging.rename(target)  # appears complete or not at all
        except OSError:
            if not (target / MANIFEST).is_file():
                raise
            # Another process fetched the same set meanwhile: its copy is as good as ours, once checked.
            _check_manifest(target, name)
    return target
