"""The results file of ``liquid cv``: claimed before the run, written whole at its end, never lost.

The file is created exclusively when the run starts (so a file that appears
meanwhile is not overwritten, and an unwritable target fails in the first
second, not after hours); the results are written to a temporary file beside
it and renamed onto it. When that fails at the end (the folder vanished, the
disk filled), the rows are saved elsewhere and the message says where.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

from .cli_config import CLIError

OUTPUT_SUFFIXES = (".csv", ".json", ".parquet")


def claim_output(path: Path, force: bool) -> bool:
    """Check ``path`` and create it (empty) before the run; return whether this call created it.

    With ``force`` an existing file is kept until the results replace it.
    """
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise CLIError(f"--output must end in .csv, .json or .parquet, got {path.name!r}")
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        raise CLIError("--output .parquet needs pyarrow (pip install pyarrow); or save .csv / .json")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CLIError(f"--output folder {folder} does not exist")
    if path.is_dir():
        raise CLIError(f"--output {path} is a folder")
    if path.exists():
        if not force:
            raise CLIError(f"--output {path} exists; pass --force to overwrite it")
        if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
            raise CLIError(f"--output {path} is not writable")
        return False
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        raise CLIError(f"--output {path} was just created by another program; pass --force to overwrite it") from None
    except OSError as error:
        raise CLIError(f"cannot create --output {path}: {error.strerror or error}") from None
    return True


def release_output(path: Path) -> None:
    """Remove a claimed output that holds nothing (the run ended before any result)."""
    try:
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass


def save_results(results: pd.DataFrame, path: Path) -> Path:
    """Write ``results`` to ``path`` atomically; if that fails, to a new file in the working folder or the
    temporary folder, with a warning naming both. Returns the path written; OSError only if every place
    failed."""
    try:
        return _write(results, path)
    except OSError as error:
        reason = error.strerror or str(error)
    suffix = path.suffix.lower()
    for folder in (Path("."), Path(tempfile.gettempdir())):
        try:
            handle, fallback = tempfile.mkstemp(prefix="liquid-cv-results-", suffix=suffix, dir=folder)
            os.close(handle)
            written = _write(results, Path(fallback))
        except OSError:
            continue
        print(f"cannot write {path} ({reason}); saved the {len(results)} rows to {written.resolve()} instead",
              file=sys.stderr)
        return written
    raise OSError(f"cannot write {path} ({reason}), nor a copy in the working or temporary folder")


def _write(results: pd.DataFrame, path: Path) -> Path:
    """Write to a temporary file in ``path``'s folder, then rename it onto ``path``."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        suffix = path.suffix.lower()
        if suffix == ".json":
            results.to_json(temporary, orient="records", indent=2)
        elif suffix == ".parquet":
            results.to_parquet(temporary, index=False)
        else:
            results.to_csv(temporary, index=False)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
