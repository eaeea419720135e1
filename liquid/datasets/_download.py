"""Bounded, checked downloads of zip archives, shared by the dataset fetchers."""
from __future__ import annotations

import hashlib
import shutil
import struct
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
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
    """Stream ``url`` to ``archive``; ConnectionError on network failure, FileNotFoundError for a ``file://``
    address that names no file, ValueError past ``max_bytes``."""
    if url.lower().startswith("file:"):
        local = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
        if not local.is_file():
            raise FileNotFoundError(f"{url} names no file ({local}). {manual_hint}")
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
    """Stream the members whose base name ``wanted`` accepts into ``staging`` (flattened, bounded in size).

    ValueError for what is not a readable zip archive (corrupt data, an encrypted member or an unsupported
    compression method, named) and for two wanted members of the same base name, whichever would win.
    """
    written: dict[str, str] = {}
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = Path(info.filename).name
                if info.is_dir() or not wanted(info.filename):
                    continue
                if name in written:
                    raise ValueError(f"{url} holds two members named {name} ({written[name]} and {info.filename}); "
                                     "which one is meant is ambiguous")
                if info.file_size > max_member_bytes:
                    raise ValueError(f"{url}: {info.filename} is {info.file_size} bytes, larger than expected")
                try:
                    member = _open_member(zf, info)
                    with member, open(staging / name, "wb") as out:
                        shutil.copyfileobj(member, out, 1 << 16)  # zipfile reads at most the declared size
                except (zlib.error, EOFError, zipfile.BadZipFile) as error:
                    raise ValueError(f"{url}: member {info.filename} is corrupt ({error})") from None
                except NotImplementedError as error:
                    raise ValueError(f"{url}: member {info.filename} uses an unsupported compression ({error})") from None
                except RuntimeError as error:  # zipfile's word for an encrypted member
                    raise ValueError(f"{url}: member {info.filename} cannot be read ({error}); "
                                     "encrypted archives are not supported") from None
                written[name] = info.filename
    except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error, struct.error) as error:
        raise ValueError(f"{url} is not a zip archive this reader can open ({error})") from None
    return [staging / name for name in written]


def _open_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """``zf.open(info)``; a header whose offsets point outside the file (OSError from the seek) is corrupt
    data, not a failure of this machine's disk."""
    try:
        return zf.open(info)
    except OSError as error:
        raise zipfile.BadZipFile(f"its header points outside the archive ({error})") from None
