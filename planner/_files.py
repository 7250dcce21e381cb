"""Crash-safe file writes shared by saved foods and saved plans."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from planner.errors import DataFileError


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one.

    The text goes to a temporary file in the same folder, which is flushed, fsync-ed and
    then renamed over ``path`` with :func:`os.replace` (atomic on POSIX and Windows).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def move_aside(path: Path) -> Path | None:
    """Rename a bad file to ``<name>.corrupt-<n>`` (first free n); None if it vanished."""
    n = 1
    while True:
        target = path.with_name(f"{path.name}.corrupt-{n}")
        if not target.exists():
            break
        n += 1
    try:
        os.replace(path, target)
    except FileNotFoundError:  # another process moved it first
        return None
    return target




def read_text_csv(path: str | Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a human-edited CSV data file as text, with exactly ``columns`` in order.

    Raises :class:`DataFileError` naming the file when it is missing, unreadable or
    lacks a column.
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"Data file {path} is missing or unreadable ({exc}).") from exc
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataFileError(f"Data file {path}: missing column(s) {', '.join(missing)}.")
    return raw[list(columns)].copy()
