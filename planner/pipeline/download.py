"""Fetch USDA's release files and rebuild the food table (``python -m planner data download``).

Steps, each of which leaves nothing half-written where it would be used:

1. **Fetch** every file of the manifest into ``<dest>/.partial/`` (HTTP, with a progress bar
   and retries). An interrupted download is resumed with an HTTP ``Range`` request when the
   server supports it, else restarted. ``from_dir`` copies local files instead (offline).
2. **Verify** each file: its size (manifest, else the server's ``Content-Length``), its
   SHA-256 when the manifest knows it, and that a zip is a zip. A bad file is deleted and
   reported; a short one is kept in ``.partial`` so the next run resumes it.
3. **Install**: zips are unpacked safely (no absolute paths, ``..`` or links) into a staging
   folder which then replaces ``<dest>/<target>`` by rename.
4. **Build**: :func:`planner.pipeline.build.build` (or an injected function) writes into a temporary
   folder beside ``out_dir``; only when it succeeds are its files moved into ``out_dir``.

USDA does not publish checksums for these files, and their bytes can change when USDA
re-posts them, so the default manifest has no SHA-256 or size: those downloads are checked
against ``Content-Length`` and the zip structure only. Pin ``sha256``/``size`` in a manifest
file (``--manifest``) to verify fully.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import lzma
import os
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from planner._files import publish_staged

logger = logging.getLogger(__name__)

SR28_DIR = "sr28"
FNDDS_DIR = "fndds-2021-2023"
PARTIAL_DIR = ".partial"
_CHUNK = 1 << 16
#: Largest total size a zip may unpack to [bytes] (SR28 unpacks to ~40 MB).
MAX_UNPACKED_BYTES = 2 * 1024**3

_FNDDS_BASE = "https://www.ars.usda.gov/ARSUserFiles/80400530/apps/"
_FNDDS_BOOKS = ("Foods and Beverages", "FNDDS Nutrient Values", "Portions and Weights",
                "FNDDS Ingredients")


@dataclass(frozen=True)
class Source:
    """One file of a USDA release.

    Attributes
    ----------
    url : str
        Where to fetch it.
    filename : str
        Name to store it under (and to look for in ``from_dir``).
    target : str
        Sub-folder of ``dest`` it belongs to (``sr28``, ``fndds-2021-2023``).
    sha256 : str or None
        Expected SHA-256 (hex); None when unknown (then only the size is checked).
    size : int or None
        Expected size [bytes]; None to trust the server's ``Content-Length``.
    unpack : bool
        A zip whose members go into ``target`` (else the file itself goes there).
    xz : tuple of str
        Unpacked members to store xz-compressed as ``<name>.xz`` (the build reads SR28's
        ``NUT_DATA.txt.xz``, as a local copy may keep it; USDA's zip holds it plain).
    """

    url: str
    filename: str
    target: str
    sha256: str | None = None
    size: int | None = None
    unpack: bool = False
    xz: tuple[str, ...] = ()


#: USDA's published addresses (checksums unknown: USDA publishes none).
DEFAULT_SOURCES: tuple[Source, ...] = (
    Source("https://www.ars.usda.gov/ARSUserFiles/80400535/DATA/SR/sr28/dnload/sr28asc.zip",
           "sr28asc.zip", SR28_DIR, unpack=True, xz=("NUT_DATA.txt",)),
    *(Source(_FNDDS_BASE + f"2021-2023%20FNDDS%20At%20A%20Glance%20-%20{b.replace(' ', '%20')}"
             ".xlsx", f"2021-2023 FNDDS At A Glance - {b}.xlsx", FNDDS_DIR)
      for b in _FNDDS_BOOKS),
)


class DownloadError(RuntimeError):
    """Fetching, verifying, unpacking or building failed; the message says what to do."""


class IncompleteDownloadError(DownloadError):
    """A download stopped early or has the wrong size."""


class ChecksumError(DownloadError):
    """A file's SHA-256 is not the one in the manifest."""


class UnsafeArchiveError(DownloadError):
    """A zip tries to write outside its folder, holds links, or unpacks too big."""


@dataclass
class DownloadReport:
    """What :func:`download_release` did.

    Attributes
    ----------
    dest : Path
        Folder holding the release folders.
    installed : dict
        Target folder name -> its path.
    verified : dict
        File name -> how it was checked ("sha256", "size", "content-length", "unchecked").
    resumed : list of str
        Files whose download continued a partial one.
    out_dir : Path or None
        Where the build wrote, when it ran.
    built_files : list of str
        Files the build produced.
    """

    dest: Path
    installed: dict[str, Path] = field(default_factory=dict)
    verified: dict[str, str] = field(default_factory=dict)
    resumed: list[str] = field(default_factory=list)
    out_dir: Path | None = None
    built_files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the command line."""
        lines = [f"{name}: ok ({how})" if how != "unchecked" else
                 f"{name}: installed, NOT verified (no checksum or size was known to check "
                 "it against)" for name, how in self.verified.items()]
        lines += [f"installed {t} -> {p}" for t, p in self.installed.items()]
        if self.out_dir is not None:
            lines.append(f"built {', '.join(self.built_files) or 'nothing'} in {self.out_dir}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Manifest
# ---------------------------------------------------------------------------------------
def load_manifest(path: str | Path) -> tuple[Source, ...]:
    """Sources from a JSON manifest: ``{"sources": [{"url", "filename", "target", ...}]}``.

    Raises
    ------
    DownloadError
        The file is unreadable or an entry lacks ``url``/``filename``/``target``.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        items = doc["sources"] if isinstance(doc, dict) else doc
        sources = []
        for i, item in enumerate(items, start=1):
            missing = [k for k in ("url", "filename", "target") if not item.get(k)]
            if missing:
                raise DownloadError(f"{path}: source {i} lacks {', '.join(missing)}.")
            sources.append(Source(
                url=str(item["url"]), filename=_safe_name(str(item["filename"])),
                target=_safe_name(str(item["target"])),
                sha256=(str(item["sha256"]).lower() if item.get("sha256") else None),
                size=int(item["size"]) if item.get("size") is not None else None,
                unpack=bool(item.get("unpack", str(item["filename"]).endswith(".zip"))),
                xz=tuple(_safe_name(str(n)) for n in item.get("xz") or ()),
            ))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DownloadError(f"Manifest {path} is not usable ({exc}).") from exc
    return tuple(sources)


def write_manifest(path: str | Path, sources: Iterable[Source]) -> None:
    """Write sources as a manifest file (e.g. to pin checksums after a trusted download)."""
    doc = {"sources": [{**asdict(s), "xz": list(s.xz)} for s in sources]}
    Path(path).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def _safe_name(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise DownloadError(f"{name!r} is not a plain file or folder name.")
    return name


# ---------------------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------------------
def make_session(retries: int = 3, backoff_factor: float = 0.5) -> requests.Session:
    """A session retrying connection errors, 429 and 5xx with back-off."""
    session = requests.Session()
    retry = Retry(total=retries, status_forcelist=(429, 500, 502, 503, 504),
                  backoff_factor=backoff_factor, respect_retry_after_header=True,
                  retry_after_max=60, raise_on_status=False,
                  allowed_methods=frozenset({"GET", "HEAD"}))
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_CONTENT_RANGE_TOTAL = re.compile(r"bytes\s+(?:\*|\d+-\d+)/(\d+)")
#: Suffix of the file beside a partial download that keeps the server's validator.
VALIDATOR_SUFFIX = ".validator"


def _validator_path(part: Path) -> Path:
    return part.with_name(part.name + VALIDATOR_SUFFIX)


def _write_validator(part: Path, headers: Any) -> None:
    """Keep the reply's ETag (a strong one) or Last-Modified, for If-Range on resuming."""
    etag = headers.get("ETag") or ""
    value = etag if etag.startswith('"') else headers.get("Last-Modified") or ""
    path = _validator_path(part)
    if value:
        path.write_text(value, encoding="utf-8")
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _read_validator(part: Path) -> str | None:
    try:
        value = _validator_path(part).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return value if value and value.isascii() and value.isprintable() else None


def _discard(part: Path) -> None:
    """Delete a partial download and its validator."""
    for path in (part, _validator_path(part)):
        with contextlib.suppress(OSError):
            path.unlink()


def _progress_bar(progress: bool, total: int | None, initial: int, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="B", unit_scale=True, unit_divisor=1024,
                desc=desc, disable=not progress, leave=False, file=sys.stderr)


def fetch(
    source: Source,
    part: Path,
    *,
    session: requests.Session,
    timeout: float | tuple[float, float] = (3.05, 60.0),
    attempts: int = 3,
    progress: bool = False,
) -> tuple[int | None, bool]:
    """Download ``source`` into ``part``, resuming what is already there.

    Parameters
    ----------
    source : Source
    part : Path
        The partial file; kept on failure so a later call resumes it.
    session : requests.Session
    timeout : float or (float, float)
        Connect and read timeouts [s].
    attempts : int
        Tries in this call; each continues where the previous stopped.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    expected_size : int or None
        The full size the server announced (None if it did not).
    resumed : bool
        Whether a partial file was continued.

    Raises
    ------
    IncompleteDownloadError
        The download kept stopping early.
    DownloadError
        The server answered with an error status.
    """
    part.parent.mkdir(parents=True, exist_ok=True)
    expected: int | None = None
    resumed = False
    reason = ""
    restarted = False
    attempt = 0
    while attempt < max(1, attempts):
        attempt += 1
        have = part.stat().st_size if part.exists() else 0
        validator = _read_validator(part) if have else None
        if have and validator is None and not source.sha256:
            # Without a validator for If-Range (and no checksum to catch it afterwards),
            # the rest could come from another version of the file: start again.
            logger.info("%s: partial file without a validator; restarting", source.filename)
            _discard(part)
            have = 0
        headers = {"Accept-Encoding": "identity"}
        if have:
            headers["Range"] = f"bytes={have}-"
            if validator:
                headers["If-Range"] = validator
        error: BaseException | None = None
        try:
            with session.get(source.url, headers=headers, stream=True, timeout=timeout) as resp:
                if resp.status_code == 416 and have:
                    # Nothing past what we have: complete only if the server's size is ours.
                    total = _CONTENT_RANGE_TOTAL.search(resp.headers.get("Content-Range", ""))
                    if total and int(total.group(1)) == have:
                        return have, True
                    if restarted:
                        raise DownloadError(f"{source.url}: the server refused the download "
                                            "(HTTP 416) even from the start.")
                    logger.info("%s: the partial file does not fit the server's (%s); "
                                "restarting", source.filename,
                                resp.headers.get("Content-Range", "no size given"))
                    _discard(part)
                    restarted = True
                    attempt -= 1  # a stale partial file is not a failed try
                    continue
                if resp.status_code == 206 and have:
                    match = _CONTENT_RANGE.search(resp.headers.get("Content-Range", ""))
                    etag = resp.headers.get("ETag")
                    if validator and validator.startswith('"') and etag and etag != validator:
                        # A server that ignored If-Range: the rest is of another version.
                        logger.info("%s: the file changed on the server; restarting",
                                    source.filename)
                        _discard(part)
                        continue
                    if not match or int(match.group(1)) != have:
                        logger.info("%s: server sent another range; restarting", source.filename)
                        _discard(part)
                        continue
                    mode = "ab"
                    expected = int(match.group(3)) if match.group(3) != "*" else None
                    resumed = True
                elif resp.status_code == 200:
                    # A whole file (also when If-Range found that the file changed).
                    mode, have = "wb", 0
                    length = resp.headers.get("Content-Length")
                    expected = int(length) if length and length.isascii() and length.isdigit() \
                        else None
                    _write_validator(part, resp.headers)
                else:
                    raise DownloadError(f"{source.url}: the server answered HTTP "
                                        f"{resp.status_code} {resp.reason or ''}".rstrip() + ".")
                bar = _progress_bar(progress, expected, have, source.filename)
                try:
                    with open(part, mode) as fh:
                        for chunk in resp.iter_content(_CHUNK):
                            fh.write(chunk)
                            bar.update(len(chunk))
                        fh.flush()
                        os.fsync(fh.fileno())
                finally:
                    bar.close()
        except DownloadError:
            raise
        except (requests.RequestException, OSError) as exc:
            error = exc
        size = part.stat().st_size if part.exists() else 0
        if error is None and (expected is None or size >= expected):
            return expected, resumed
        reason = (f"{type(error).__name__}: {error}" if error is not None
                  else f"the connection closed at {size:,} of {expected:,} bytes")
        logger.info("%s: attempt %d stopped (%s)", source.filename, attempt, reason)
    size = part.stat().st_size if part.exists() else 0
    if size == 0:
        _discard(part)
        raise DownloadError(
            f"Cannot download {source.filename} from {source.url} ({reason}). Check the "
            "internet connection and the URL, or pass --from DIR with the files fetched "
            "elsewhere. Nothing was installed."
        )
    of = f" of {expected:,}" if expected else ""
    raise IncompleteDownloadError(
        f"Download of {source.filename} from {source.url} stopped at {size:,}{of} bytes "
        f"({reason}). The partial file is kept in {part.parent} and nothing was installed; "
        "run the command again to resume."
    )


def sha256_of(path: Path) -> str:
    """SHA-256 of a file (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: Path, source: Source, announced_size: int | None = None) -> str:
    """Check a fetched file; delete it and raise when it is wrong.

    Returns
    -------
    str
        How it was checked: ``"sha256"``, ``"size"`` (manifest) or ``"content-length"``,
        followed by ``" + zip CRC"`` for a zip or a workbook whose every member was read
        back against its CRC (``"zip CRC"`` alone when no size was known), or
        ``"unchecked"``: nothing was known to compare with. Unchecked data is never
        reported as checked (:meth:`DownloadReport.summary` says "NOT verified").

    Raises
    ------
    IncompleteDownloadError
        Too short (kept, to resume) or too long (deleted).
    ChecksumError
        SHA-256 differs (deleted).
    DownloadError
        A zip that is not a valid zip (deleted).
    """
    size = path.stat().st_size
    want = source.size if source.size is not None else announced_size
    how = "size" if source.size is not None else "content-length" if want is not None else ""
    if want is not None and size != want:
        if size > want:
            path.unlink()
            raise IncompleteDownloadError(
                f"{source.filename} is {size:,} bytes, expected {want:,}; it was deleted. "
                "Check the URL and the manifest, then run the command again.")
        raise IncompleteDownloadError(
            f"{source.filename} is only {size:,} of {want:,} bytes (download cut short). The "
            f"partial file is kept in {path.parent}; run the command again to resume.")
    if source.sha256:
        got = sha256_of(path)
        if got != source.sha256.lower():
            path.unlink()
            raise ChecksumError(
                f"{source.filename}: SHA-256 is {got}, expected {source.sha256}. The file was "
                "deleted and nothing was installed. USDA may have re-posted the file (update "
                "the manifest) or the download was corrupted (run the command again).")
        how = "sha256"
    if source.unpack or _is_zip_format(source.filename):
        problem = _zip_problem(path, workbook=source.filename.lower().endswith(".xlsx"))
        if problem:
            path.unlink()
            raise DownloadError(f"{source.filename} {problem}; it was deleted. Check the URL, "
                                "then run the command again.")
        if how != "sha256":
            how = f"{how} + zip CRC" if how else "zip CRC"
    if not how:
        logger.warning("%s: no size or checksum known; not verified", source.filename)
    return how or "unchecked"


def _is_zip_format(name: str) -> bool:
    return name.lower().endswith((".zip", ".xlsx"))


def _zip_problem(path: Path, workbook: bool = False) -> str | None:
    """Why ``path`` is not a whole zip archive (or Excel workbook), or None.

    Every member is read back and compared with its CRC-32, so a download cut short (even
    one without a Content-Length to compare with) or corrupted is found.
    """
    if not zipfile.is_zipfile(path):
        return ("is not a zip archive (an error page instead of the file, or a download cut "
                "short?)")
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return f"is damaged ({exc})"
    if bad is not None:
        return f"is damaged (member {bad!r} fails its CRC check)"
    if workbook and "[Content_Types].xml" not in names:
        return "is a zip archive but not an Excel workbook"
    return None


# ---------------------------------------------------------------------------------------
# Unpacking and installing
# ---------------------------------------------------------------------------------------
def safe_extract(archive: Path, dest: Path, max_bytes: int = MAX_UNPACKED_BYTES) -> list[Path]:
    """Unpack a zip into ``dest``, refusing anything that could escape it.

    Every member is checked before anything is written: no absolute paths, drive letters or
    ``..``; no symbolic links; total unpacked size at most ``max_bytes``. A single top-level
    folder is flattened away.

    Raises
    ------
    UnsafeArchiveError
        The archive breaks one of the rules (nothing is written).
    DownloadError
        The archive is damaged (a CRC error, for example).
    """
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    plan: list[tuple[zipfile.ZipInfo, Path]] = []
    try:
        with zipfile.ZipFile(archive) as zf:
            total = 0
            for info in zf.infolist():
                name = info.filename.replace("\\", "/")
                rel = PurePosixPath(name)
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise UnsafeArchiveError(f"{archive.name}: member {name!r} is a link.")
                if (rel.is_absolute() or ".." in rel.parts
                        or (rel.parts and re.match(r"^[A-Za-z]:", rel.parts[0]))):
                    raise UnsafeArchiveError(f"{archive.name}: member {name!r} would be written "
                                             "outside the target folder.")
                target = (root / rel).resolve()
                if not target.is_relative_to(root):
                    raise UnsafeArchiveError(f"{archive.name}: member {name!r} escapes.")
                total += info.file_size
                if total > max_bytes:
                    raise UnsafeArchiveError(f"{archive.name} unpacks to more than "
                                             f"{max_bytes:,} bytes.")
                if not info.is_dir():
                    plan.append((info, target))
            written = []
            for info, target in plan:
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
                written.append(target)
    except zipfile.BadZipFile as exc:
        raise DownloadError(f"{archive.name} is damaged ({exc}).") from exc
    entries = [p for p in dest.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():  # flatten "release/<files>"
        inner = entries[0]
        for child in inner.iterdir():
            os.replace(child, dest / child.name)
        inner.rmdir()
        written = [dest / p.relative_to(inner) for p in written]
    return written


def _copy_files(src: Path, dst: Path) -> None:
    """Copy a folder's files without their permissions (a read-only source stays ours)."""
    for path in sorted(src.rglob("*")):
        if path.is_file() and not path.is_symlink():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _xz_in_place(path: Path) -> None:
    """Replace ``path`` by ``path.xz`` (nothing to do when it is absent or already packed)."""
    packed = path.with_name(path.name + ".xz")
    if not path.is_file():
        return
    if not packed.exists():
        with open(path, "rb") as src, lzma.open(packed, "wb", preset=1) as out:
            shutil.copyfileobj(src, out, _CHUNK * 16)
    path.unlink()


def _swap_in(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with renames (the old copy is removed afterwards)."""
    old = final.with_name(f".{final.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _local_candidates(from_dir: Path, source: Source) -> list[Path]:
    return [from_dir / source.filename, from_dir / source.target / source.filename]


# ---------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------
BuildFn = Callable[..., Any]


def default_build(sr28_dir: Path, fndds_dir: Path, out_dir: Path) -> Any:
    """:func:`planner.pipeline.build.build`, imported when needed."""
    try:
        from planner.pipeline.build import build
    except ImportError as exc:
        raise DownloadError(
            f"The table builder (planner.pipeline.build) is not available ({exc}). The release "
            f"files are in {sr28_dir.parent}; run `python -m planner data build` once it is."
        ) from exc
    return build(sr28_dir=sr28_dir, fndds_dir=fndds_dir, out_dir=out_dir)


def build_into(out_dir: Path, sr28_dir: Path, fndds_dir: Path,
               build_fn: BuildFn | None = None) -> list[str]:
    """Run the build into a temporary folder beside ``out_dir``, then move its files in.

    If the build fails, ``out_dir`` is untouched and the temporary folder is removed. The
    files are moved in together (:func:`planner._files.publish_staged`).

    Returns
    -------
    list of str
        Names of the files moved into ``out_dir``.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    try:
        try:
            (build_fn or default_build)(sr28_dir=sr28_dir, fndds_dir=fndds_dir, out_dir=tmp)
        except DownloadError:
            raise
        except Exception as exc:
            raise DownloadError(f"The build failed ({type(exc).__name__}: {exc}); {out_dir} "
                                "was not changed.") from exc
        produced = sorted(p for p in tmp.rglob("*") if p.is_file())
        if not produced:
            raise DownloadError(f"The build wrote no files; {out_dir} was not changed.")
        # All files together: a crash while moving them in is finished by the next load.
        return publish_staged(out_dir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# The whole job
# ---------------------------------------------------------------------------------------
def default_dest() -> Path:
    """Default folder for release files: ``<user data dir>/usda``."""
    from planner.io.user_folder import user_dir

    return user_dir() / "usda"


def download_release(
    dest: str | Path | None = None,
    *,
    sources: Sequence[Source] | None = None,
    from_dir: str | Path | None = None,
    build: bool = True,
    out_dir: str | Path = "data",
    build_fn: BuildFn | None = None,
    progress: bool | None = None,
    timeout: float | tuple[float, float] = (3.05, 60.0),
    attempts: int = 3,
    session: requests.Session | None = None,
) -> DownloadReport:
    """Fetch (or copy), verify and install a USDA release, then rebuild the table.

    Parameters
    ----------
    dest : path, optional
        Folder for the release folders (``sr28/``, ``fndds-2021-2023/``); default
        :func:`default_dest`. Partial downloads wait in ``<dest>/.partial/``.
    sources : sequence of Source, optional
        What to fetch; default :data:`DEFAULT_SOURCES` (see :func:`load_manifest`).
    from_dir : path, optional
        Offline: take each file from this folder (``<from_dir>/<filename>`` or
        ``<from_dir>/<target>/<filename>``), or an already unpacked ``<from_dir>/<target>/``
        folder for a zip source, instead of the network.
    build : bool
        Run the build afterwards.
    out_dir : path
        Where the build writes (default ``data``).
    build_fn : callable, optional
        ``build_fn(sr28_dir=, fndds_dir=, out_dir=)``; default :func:`planner.pipeline.build.build`.
    progress : bool, optional
        Progress bars; default only when stderr is a terminal.
    timeout : float or (float, float)
        Connect and read timeouts [s].
    attempts : int
        Download tries per file in this run (each resumes the last).
    session : requests.Session, optional
        Default :func:`make_session`.

    Returns
    -------
    DownloadReport

    Raises
    ------
    DownloadError
        With what failed and what to do; files already installed from an earlier run and
        ``out_dir`` are left as they were.
    """
    dest = Path(dest) if dest is not None else default_dest()
    sources = tuple(sources if sources is not None else DEFAULT_SOURCES)
    if not sources:
        raise DownloadError("The manifest lists no files.")
    if progress is None:
        progress = sys.stderr.isatty()
    report = DownloadReport(dest=dest)
    partial = dest / PARTIAL_DIR
    partial.mkdir(parents=True, exist_ok=True)
    ready: list[tuple[Source, Path | None, Path | None]] = []  # (source, file, unpacked dir)
    own_session = session is None
    session = session or make_session()
    try:
        for src in sources:
            part = partial / src.filename
            if from_dir is not None:
                ready.append(_take_local(Path(from_dir), src, part, report))
                continue
            expected, resumed = fetch(src, part, session=session, timeout=timeout,
                                      attempts=attempts, progress=progress)
            if resumed:
                report.resumed.append(src.filename)
            report.verified[src.filename] = verify(part, src, expected)
            ready.append((src, part, None))
    finally:
        if own_session:
            session.close()
    _install(dest, ready, report)
    if build:
        report.out_dir = Path(out_dir)
        report.built_files = build_into(Path(out_dir), dest / SR28_DIR, dest / FNDDS_DIR,
                                        build_fn)
    return report


def _take_local(from_dir: Path, src: Source, part: Path,
                report: DownloadReport) -> tuple[Source, Path | None, Path | None]:
    for candidate in _local_candidates(from_dir, src):
        if candidate.is_file():
            tmp = part.with_name(part.name + ".copying")
            shutil.copyfile(candidate, tmp)
            os.replace(tmp, part)
            report.verified[src.filename] = verify(part, src, None)
            return src, part, None
    unpacked = from_dir / src.target
    if src.unpack and unpacked.is_dir() and any(unpacked.iterdir()):
        report.verified[src.filename] = "unpacked folder, used as is"
        return src, None, unpacked
    looked = ", ".join(str(p) for p in _local_candidates(from_dir, src))
    raise DownloadError(f"{src.filename} is not in {from_dir} (looked for {looked}"
                        f"{f' and the folder {unpacked}' if src.unpack else ''}).")


def _install(dest: Path, ready: list[tuple[Source, Path | None, Path | None]],
             report: DownloadReport) -> None:
    """Stage every target folder completely, then swap each in by rename."""
    staged: dict[str, Path] = {}
    try:
        for src, file, unpacked in ready:
            stage = staged.get(src.target)
            if stage is None:
                stage = Path(tempfile.mkdtemp(prefix=f".{src.target}.staging-", dir=dest))
                os.chmod(stage, 0o755)  # mkdtemp makes it private; the release is not
                staged[src.target] = stage
            if unpacked is not None:
                _copy_files(unpacked, stage)
            elif src.unpack:
                safe_extract(file, stage)
            else:
                shutil.copyfile(file, stage / src.filename)
            for name in src.xz:
                _xz_in_place(stage / name)
        for target, stage in staged.items():
            _swap_in(stage, dest / target)
            report.installed[target] = dest / target
    except BaseException:
        for stage in staged.values():
            shutil.rmtree(stage, ignore_errors=True)
        raise
    for _src, file, _ in ready:  # installed: the fetched copies are no longer needed
        if file is not None:
            _discard(file)
    with contextlib.suppress(OSError):
        (dest / PARTIAL_DIR).rmdir()


__all__ = [
    "DEFAULT_SOURCES",
    "ChecksumError",
    "DownloadError",
    "DownloadReport",
    "IncompleteDownloadError",
    "Source",
    "UnsafeArchiveError",
    "build_into",
    "download_release",
    "fetch",
    "load_manifest",
    "safe_extract",
    "verify",
    "write_manifest",
]
