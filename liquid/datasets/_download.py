"""Bounded, checked downloads of zip archives, shared by the dataset fetchers."""
from __future__ import annotations

import hashlib
import shutil
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Callable, Iterable

#: Seconds a download may stall before it is abandoned.
TIMEOUT_S = 60.0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_sha256(files: Iterable[Path]) -> str:
    """SHA-256 of the lines "{file name} {sha256 of the file}\\n", sorted by name: independent of packaging."""
    lines = sorted(f"{p.name} {file_sha256(p)}\n" for p in files)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def download(url: str, archive: Path, *, max_bytes: int, what: str, manual_hint: str) -> None:
    """Stream ``url`` to ``archive``; ConnectionError on network failure, ValueError past ``max_bytes``."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, open(archive, "wb") as out:
            received = 0
            for block in iter(lambda: response.read(1 << 16), b""):
                received += len(block)
                if received > max_bytes:
                    raise ValueError(f"{url} is larger than {max_bytes // 2**20} MiB; not {what}")
                out.write(block)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConnectionError(f"cannot download {url}: {reason}. {manual_hint}") from None


def check_sha256(path: Path, expected: str | None, url: str) -> str:
    digest = file_sha256(path)
    if expected is not None and digest != expected.lower():
        raise ValueError(f"checksum mismatch for {url}: expected sha256 {expected}, got {digest}")
    return digest


def extract_members(
    archive: Path, staging: Path, url: str, *, wanted: Callable[[str], bool], max_member_bytes: int
) -> list[Path]:
    """Stream the members whose base name ``wanted`` accepts into ``staging`` (flattened, bounded in size)."""
    written = []
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = Path(info.filename).name
                if info.is_dir() or not wanted(info.filename):
                    continue
                if info.file_size > max_member_bytes:
                    raise ValueError(f"{url}: {info.filename} is {info.file_size} bytes, larger than expected")
                with zf.open(info) as member, open(staging / name, "wb") as out:
                    shutil.copyfileobj(member, out, 1 << 16)
                written.append(staging / name)
    except zipfile.BadZipFile:
        raise ValueError(f"{url} is not a zip archive") from None
    return written
