"""Crash-safe file writes shared by saved foods, saved plans and the table build.

* :func:`atomic_write_text`: one file, replaced (or created) in one rename.
* :func:`publish_files`: several files of one folder (the food table's ``foods.csv.gz``
  and ``portions.csv.gz``) replaced together: they are written into a staging folder, a
  journal naming them is written, then each is renamed into place. A crash before the
  journal leaves the old set; a crash after it is rolled forward by
  :func:`finish_publish` (run by the next build and by every load of the table), so the
  files always come from one build.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

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


def atomic_write_text(path: Path, text: str, replace: bool = True) -> None:
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one.

    The text goes to a temporary file in the same folder, which is flushed, fsync-ed and
    then renamed over ``path`` with :func:`os.replace` (atomic on POSIX and Windows).

    With ``replace=False`` an existing ``path`` is never replaced, not even by another
    process writing at the same moment: the file is linked into place (``os.link`` fails
    when the name exists) and :class:`FileExistsError` is raised.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # no hard links here (some network or FAT drives)
                if os.path.lexists(path):
                    raise FileExistsError(17, "File exists", str(path)) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
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
        if not os.path.lexists(target):
            break
        n += 1
    try:
        os.replace(path, target)
    except FileNotFoundError:  # another process moved it first
        return None
    return target


# -- several files replaced together ---------------------------------------------------------
#: Name of the journal :func:`publish_files` keeps in the target folder while it renames.
JOURNAL = ".publish-journal.json"
#: A staging folder older than this is taken as left by a killed writer [s].
STALE_STAGING_S = 3600.0


def _staging_prefix(folder: Path) -> str:
    return f".{folder.name}.staging-"


def finish_publish(folder: str | Path) -> bool:
    """Complete a :func:`publish_files` that was interrupted after its journal was written.

    Returns True when there was one to finish. Errors (a read-only folder) are ignored:
    then there is nothing this process may change.
    """
    folder = Path(folder)
    journal = folder / JOURNAL
    try:
        doc = json.loads(journal.read_text(encoding="utf-8"))
        staging = folder.parent / str(doc["staging"])
        names = [str(n) for n in doc["files"]]
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        with contextlib.suppress(OSError):  # unreadable journal: nothing to roll forward
            journal.unlink()
        return False
    with contextlib.suppress(OSError):
        for name in names:
            parts = PurePosixPath(name).parts
            if not parts or name.startswith("/") or ".." in parts or "\\" in name:
                continue
            src = staging / name
            if src.is_file():
                os.replace(src, folder / name)
        _fsync_dir(folder)
        journal.unlink()
        shutil.rmtree(staging, ignore_errors=True)
    return True


def _remove_stale_staging(folder: Path) -> None:
    now = time.time()
    with contextlib.suppress(OSError):
        for old in folder.parent.glob(_staging_prefix(folder) + "*"):
            with contextlib.suppress(OSError):
                if old.is_dir() and now - old.stat().st_mtime > STALE_STAGING_S:
                    shutil.rmtree(old, ignore_errors=True)


def publish_files(folder: str | Path, writers: Mapping[str, Callable[[Path], object]]) -> list[str]:
    """Write several files of ``folder`` so that they are replaced together.

    Parameters
    ----------
    folder : path
        The target folder (created when missing). Other files in it are left alone.
    writers : mapping of file name to callable
        ``writers[name](path)`` writes the new ``name`` at ``path`` (in a staging folder
        beside ``folder``).

    Returns
    -------
    list of str
        The names written.

    Notes
    -----
    If a writer fails (or the process is killed) before every file is staged, ``folder``
    is untouched and the staging folder is removed (a killed writer's is removed by a
    later call, after :data:`STALE_STAGING_S`). Once all are staged, a journal naming them
    is written atomically and the files are renamed into ``folder``; an interruption from
    then on is finished by :func:`finish_publish`.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    finish_publish(folder)
    _remove_stale_staging(folder)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(folder), dir=folder.parent))
    try:
        for name, write in writers.items():
            if "/" in name or "\\" in name or name in ("", ".", "..", JOURNAL):
                raise ValueError(f"{name!r} is not a plain file name.")
            target = staging / name
            write(target)
            with open(target, "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(staging)
        return _commit(folder, staging, list(writers))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish_staged(folder: str | Path, staging: str | Path) -> list[str]:
    """Move every file of ``staging`` (a folder beside ``folder``) into ``folder`` together.

    As :func:`publish_files` does once its files are staged; sub-folders keep their
    relative path.
    """
    folder, staging = Path(folder), Path(staging)
    folder.mkdir(parents=True, exist_ok=True)
    finish_publish(folder)
    names = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
    return _commit(folder, staging, names)


def _commit(folder: Path, staging: Path, names: list[str]) -> list[str]:
    doc = {"staging": os.path.relpath(staging, folder.parent),
           "files": [n.replace(os.sep, "/") for n in names]}
    atomic_write_text(folder / JOURNAL, json.dumps(doc) + "\n")
    for name in names:
        os.replace(staging / name, folder / name)
    _fsync_dir(folder)
    (folder / JOURNAL).unlink()
    return names




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
