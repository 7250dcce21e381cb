"""`python -m planner data download`: end to end against a local server (127.0.0.1 only).

The test builds a tiny "release" (an SR28-like zip and four FNDDS-like workbooks), serves it
with HTTP Range support, and injects a small build step in place of planner.pipeline.build.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import os
import random
import socket
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from planner import cli
from planner.pipeline.download import (
    DEFAULT_SOURCES,
    FNDDS_DIR,
    SR28_DIR,
    ChecksumError,
    DownloadError,
    IncompleteDownloadError,
    Source,
    UnsafeArchiveError,
    download_release,
    load_manifest,
    make_session,
    safe_extract,
    write_manifest,
)

ROOT = Path(__file__).resolve().parent.parent
FOOD_DES = (b"~01123~^~0100~^~Egg, whole, raw, fresh~^~EGG,WHL,RAW,FRSH~^~~^~~^~Y~^"
            b"~Shell~^12^~~^6.25^4.36^9.02^3.68\r\n")
NUT_DATA = b"~01123~^~418~^0.89^28^0.041^~1~^~A~^~~^~~^3^0.5^1.35^~~^~~^~~^~~^09/2015^\r\n"
BOOKS = ("Foods and Beverages", "FNDDS Nutrient Values", "Portions and Weights",
         "FNDDS Ingredients")


def sr28_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("FOOD_DES.txt", FOOD_DES)
        zf.writestr("NUT_DATA.txt", NUT_DATA)
        # Incompressible filler, so a download cut in half has whole chunks to resume from.
        zf.writestr("sr28_doc.pdf", b"%PDF-1.4 " + random.Random(28).randbytes(300_000))
    return buf.getvalue()


def workbook(title: str) -> bytes:
    """A zip with the parts every .xlsx has (enough for the download's integrity check)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", f"<workbook><sheet name='{title}'/></workbook>" * 50)
    return buf.getvalue()


FILES: dict[str, bytes] = {"sr28asc.zip": sr28_zip()}
FILES.update({f"2021-2023 FNDDS At A Glance - {b}.xlsx": workbook(b) for b in BOOKS})


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def url_name(name: str) -> str:
    return "/release/" + name.replace(" ", "_")


def manifest(server: HTTPServer, *, sha256: bool = True, sizes: bool = True,
             overrides: dict[str, dict] | None = None) -> list[Source]:
    out = []
    for name, data in FILES.items():
        fields = dict(url=server.url_for(url_name(name)), filename=name,
                      target=SR28_DIR if name.endswith(".zip") else FNDDS_DIR,
                      sha256=sha(data) if sha256 else None, size=len(data) if sizes else None,
                      unpack=name.endswith(".zip"),
                      xz=("NUT_DATA.txt",) if name.endswith(".zip") else ())
        fields.update((overrides or {}).get(name, {}))
        out.append(Source(**fields))
    return out


class Release:
    """Serves FILES; can honour Range, cut a file short, or ignore Range."""

    def __init__(self):
        self.ranges: list[str | None] = []
        self.cut: dict[str, int] = {}        # file name -> offset where the line drops
        self.range_support = True

    def handler(self, name: str):
        data = FILES[name]

        def handle(request: Request) -> Response:
            rng = request.headers.get("Range")
            self.ranges.append(rng)
            start = 0
            if rng and self.range_support:
                start = int(rng.split("=")[1].split("-")[0])
                if start >= len(data):
                    return Response(b"", status=416,
                                    headers={"Content-Range": f"bytes */{len(data)}"})
            body = data[start:]
            headers = {"Content-Length": str(len(body)), "Connection": "close"}
            status = 200
            if start:
                status = 206
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            send = body[: max(0, self.cut[name] - start)] if name in self.cut else body

            def gen():
                yield send

            return Response(gen(), status=status, headers=headers, direct_passthrough=True)

        return handle


@pytest.fixture
def server(httpserver):
    release = Release()
    for name in FILES:
        httpserver.expect_request(url_name(name)).respond_with_handler(release.handler(name))
    httpserver.release = release
    return httpserver


class FakeBuild:
    """Stands in for planner.pipeline.build.build: proves the release was unpacked where
    expected."""

    def __init__(self, fail: bool = False):
        self.calls: list[dict] = []
        self.fail = fail

    def __call__(self, sr28_dir, fndds_dir, out_dir):
        self.calls.append(dict(sr28_dir=Path(sr28_dir), fndds_dir=Path(fndds_dir),
                               out_dir=Path(out_dir)))
        food_des = (Path(sr28_dir) / "FOOD_DES.txt").read_bytes()
        books = sorted(p.name for p in Path(fndds_dir).iterdir())
        (Path(out_dir) / "foods.csv.gz").write_bytes(b"foods from " + food_des[:7])
        if self.fail:
            raise ValueError("FNDDS workbook has no header row")
        (Path(out_dir) / "portions.csv.gz").write_bytes(("\n".join(books)).encode())


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def assert_nothing_half_written(dest: Path, out: Path, out_before: list[str]) -> None:
    assert not (dest / SR28_DIR).exists() and not (dest / FNDDS_DIR).exists()
    assert not [p for p in listing(dest) if "staging" in p]
    assert listing(out) == out_before
    assert not [p for p in out.parent.iterdir() if ".build-" in p.name]


# -- the whole job --------------------------------------------------------------------------
def test_download_verify_unpack_build(server, tmp_path):
    dest, out = tmp_path / "usda", tmp_path / "data"
    build = FakeBuild()
    report = download_release(dest, sources=manifest(server), out_dir=out, build_fn=build,
                              progress=True)
    assert (dest / SR28_DIR / "FOOD_DES.txt").read_bytes() == FOOD_DES
    assert lzma.decompress((dest / SR28_DIR / "NUT_DATA.txt.xz").read_bytes()) == NUT_DATA
    assert sorted(p.name for p in (dest / FNDDS_DIR).iterdir()) == sorted(
        n for n in FILES if n.endswith(".xlsx"))
    assert build.calls[0]["sr28_dir"] == dest / SR28_DIR
    assert build.calls[0]["fndds_dir"] == dest / FNDDS_DIR
    assert build.calls[0]["out_dir"] != out                 # built aside, then moved in
    assert (out / "foods.csv.gz").read_bytes() == b"foods from ~01123~"
    assert report.built_files == ["foods.csv.gz", "portions.csv.gz"]
    assert set(report.verified.values()) == {"sha256"}
    assert listing(dest) == sorted(["sr28", "fndds-2021-2023", *(
        f"sr28/{n}" for n in ("FOOD_DES.txt", "NUT_DATA.txt.xz", "sr28_doc.pdf")), *(
        f"fndds-2021-2023/{n}" for n in FILES if n.endswith(".xlsx"))])   # no .partial left
    assert not [p for p in tmp_path.iterdir() if ".build-" in p.name]


def test_cli_end_to_end(server, tmp_path, monkeypatch, capsys):
    sources = manifest(server)
    write_manifest(tmp_path / "manifest.json", sources)
    build = FakeBuild()
    monkeypatch.setitem(sys.modules, "planner.pipeline.build", types.SimpleNamespace(build=build))
    dest, out = tmp_path / "usda", tmp_path / "data"
    code = cli.main(["data", "download", "--manifest", str(tmp_path / "manifest.json"),
                     "--dest", str(dest), "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    assert (out / "foods.csv.gz").exists() and len(build.calls) == 1
    assert "installed sr28" in capsys.readouterr().out


def test_cli_in_a_subprocess_without_build(server, tmp_path):
    write_manifest(tmp_path / "m.json", manifest(server, sha256=False, sizes=False))
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "data", "download", "--manifest",
         str(tmp_path / "m.json"), "--dest", str(tmp_path / "usda"), "--no-build"],
        cwd=ROOT, capture_output=True, text=True, check=False, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "usda" / SR28_DIR / "FOOD_DES.txt").read_bytes() == FOOD_DES
    assert "content-length" in proc.stdout                 # no checksum known: size checked


# -- truncated downloads, resuming ----------------------------------------------------------
def test_truncated_download_is_reported_then_resumed(server, tmp_path, capsys, monkeypatch):
    dest, out = tmp_path / "usda", tmp_path / "data"
    out.mkdir()
    (out / "foods.csv.gz").write_bytes(b"the current table")
    before = listing(out)
    half = len(FILES["sr28asc.zip"]) // 2
    server.release.cut["sr28asc.zip"] = half
    write_manifest(tmp_path / "m.json", manifest(server))
    monkeypatch.setitem(sys.modules, "planner.pipeline.build",
                        types.SimpleNamespace(build=FakeBuild()))
    code = cli.main(["data", "download", "--manifest", str(tmp_path / "m.json"),
                     "--dest", str(dest), "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert "sr28asc.zip" in err and "stopped at" in err and "run the command again" in err
    assert len(server.release.ranges) == 3                 # 3 attempts, each resuming
    assert server.release.ranges[0] is None
    kept = int(server.release.ranges[1].split("=")[1].rstrip("-"))
    assert 0 < kept <= half
    partial = dest / ".partial" / "sr28asc.zip"
    assert partial.read_bytes() == FILES["sr28asc.zip"][: partial.stat().st_size]
    assert_nothing_half_written(dest, out, before)
    assert (out / "foods.csv.gz").read_bytes() == b"the current table"

    # The next run continues the partial file with a Range request and completes.
    server.release.cut.clear()
    server.release.ranges.clear()
    report = download_release(dest, sources=manifest(server), out_dir=out, build_fn=FakeBuild())
    assert server.release.ranges[0] and server.release.ranges[0].startswith("bytes=")
    assert "sr28asc.zip" in report.resumed
    assert (dest / SR28_DIR / "FOOD_DES.txt").read_bytes() == FOOD_DES


def test_server_without_range_support_restarts(server, tmp_path):
    dest = tmp_path / "usda"
    partial = dest / ".partial"
    partial.mkdir(parents=True)
    (partial / "sr28asc.zip").write_bytes(b"garbage from an old attempt")
    server.release.range_support = False
    report = download_release(dest, sources=manifest(server), build=False)
    assert report.resumed == []
    assert (dest / SR28_DIR / "FOOD_DES.txt").read_bytes() == FOOD_DES


def test_complete_partial_file_is_not_fetched_again(server, tmp_path):
    dest = tmp_path / "usda"
    (dest / ".partial").mkdir(parents=True)
    (dest / ".partial" / "sr28asc.zip").write_bytes(FILES["sr28asc.zip"])
    download_release(dest, sources=manifest(server)[:1], build=False)
    assert server.release.ranges == [f"bytes={len(FILES['sr28asc.zip'])}-"]   # answered 416
    assert (dest / SR28_DIR / "NUT_DATA.txt.xz").exists()


# -- verification ---------------------------------------------------------------------------
def test_checksum_mismatch(server, tmp_path):
    dest, out = tmp_path / "usda", tmp_path / "data"
    out.mkdir()
    (out / "foods.csv.gz").write_bytes(b"the current table")
    before = listing(out)
    wrong = {"sr28asc.zip": {"sha256": "0" * 64}}
    with pytest.raises(ChecksumError) as info:
        download_release(dest, sources=manifest(server, overrides=wrong), out_dir=out,
                         build_fn=FakeBuild())
    msg = str(info.value)
    assert "sr28asc.zip" in msg and "0" * 64 in msg and sha(FILES["sr28asc.zip"]) in msg
    assert "deleted" in msg
    assert not (dest / ".partial" / "sr28asc.zip").exists()     # a wrong file is not kept
    assert_nothing_half_written(dest, out, before)


def test_size_mismatch(server, tmp_path):
    dest = tmp_path / "usda"
    big = {"sr28asc.zip": {"size": len(FILES["sr28asc.zip"]) + 10, "sha256": None}}
    with pytest.raises(IncompleteDownloadError, match="only"):
        download_release(dest, sources=manifest(server, overrides=big), build=False,
                         attempts=1)
    small = {"sr28asc.zip": {"size": 10, "sha256": None}}
    with pytest.raises(IncompleteDownloadError, match="deleted"):
        download_release(dest, sources=manifest(server, overrides=small), build=False)
    assert not (dest / SR28_DIR).exists()


def test_not_a_zip_and_http_errors(server, tmp_path):
    dest = tmp_path / "usda"
    server.expect_request("/release/error-page").respond_with_data(
        "<html>Sorry, the page moved</html>", content_type="text/html")
    not_zip = {"sr28asc.zip": {"url": server.url_for("/release/error-page"), "sha256": None,
                               "size": None}}
    with pytest.raises(DownloadError, match="not a zip"):
        download_release(dest, sources=manifest(server, overrides=not_zip)[:1], build=False)
    server.expect_request("/release/gone.zip").respond_with_data("Not Found", status=404)
    missing = [Source(server.url_for("/release/gone.zip"), "gone.zip", SR28_DIR, unpack=True)]
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_release(dest, sources=missing, build=False, attempts=1)
    down = [Source(dead_url(), "sr28asc.zip", SR28_DIR, unpack=True)]
    with pytest.raises(DownloadError, match="Cannot download sr28asc.zip.*--from DIR"):
        download_release(dest, sources=down, build=False, attempts=1,
                         session=make_session(retries=0))
    assert not (dest / ".partial" / "sr28asc.zip").exists()


# -- offline ------------------------------------------------------------------------------
def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/nothing"


def offline_sources() -> list[Source]:
    return [Source(dead_url(), name, SR28_DIR if name.endswith(".zip") else FNDDS_DIR,
                   sha256=sha(data), size=len(data), unpack=name.endswith(".zip"),
                   xz=("NUT_DATA.txt",) if name.endswith(".zip") else ())
            for name, data in FILES.items()]


def test_offline_from_a_folder_of_archives(tmp_path):
    local = tmp_path / "local"
    local.mkdir()
    for name, data in FILES.items():
        (local / name).write_bytes(data)
    build = FakeBuild()
    report = download_release(tmp_path / "usda", sources=offline_sources(), from_dir=local,
                              out_dir=tmp_path / "data", build_fn=build)
    assert (tmp_path / "usda" / SR28_DIR / "FOOD_DES.txt").read_bytes() == FOOD_DES
    assert (tmp_path / "data" / "foods.csv.gz").exists()
    assert set(report.verified.values()) == {"sha256"}


def test_offline_from_an_unpacked_release(tmp_path):
    """A folder laid out like ../shared/usda: sr28/ unpacked, FNDDS workbooks in a folder."""
    local = tmp_path / "shared"
    (local / SR28_DIR).mkdir(parents=True)
    (local / SR28_DIR / "FOOD_DES.txt").write_bytes(FOOD_DES)
    (local / SR28_DIR / "FOOD_DES.txt").chmod(0o444)
    (local / SR28_DIR).chmod(0o555)                  # read-only, as ../shared/usda is
    (local / FNDDS_DIR).mkdir()
    for name, data in FILES.items():
        if name.endswith(".xlsx"):
            (local / FNDDS_DIR / name).write_bytes(data)
    build = FakeBuild()
    download_release(tmp_path / "usda", sources=offline_sources(), from_dir=local,
                     out_dir=tmp_path / "data", build_fn=build)
    assert (tmp_path / "data" / "portions.csv.gz").read_bytes().count(b".xlsx") == 4
    assert os.access(tmp_path / "usda" / SR28_DIR, os.W_OK)       # our copy is ours
    download_release(tmp_path / "usda", sources=offline_sources(), from_dir=local,
                     build=False)                                  # and can be replaced
    (local / SR28_DIR).chmod(0o755)
    with pytest.raises(DownloadError, match="not in"):
        download_release(tmp_path / "usda2", sources=offline_sources(),
                         from_dir=tmp_path / "empty", build=False)


def test_cli_offline_flag(tmp_path, monkeypatch):
    local = tmp_path / "local"
    local.mkdir()
    for name, data in FILES.items():
        (local / name).write_bytes(data)
    write_manifest(tmp_path / "m.json", offline_sources())
    monkeypatch.setitem(sys.modules, "planner.pipeline.build",
                        types.SimpleNamespace(build=FakeBuild()))
    code = cli.main(["data", "download", "--from", str(local), "--manifest",
                     str(tmp_path / "m.json"), "--dest", str(tmp_path / "usda"),
                     "--out", str(tmp_path / "data")])
    assert code == 0 and (tmp_path / "data" / "foods.csv.gz").exists()


# -- build and install safety ---------------------------------------------------------------
def test_failed_build_leaves_data_untouched(server, tmp_path):
    out = tmp_path / "data"
    out.mkdir()
    (out / "foods.csv.gz").write_bytes(b"the current table")
    with pytest.raises(DownloadError, match="build failed.*not changed"):
        download_release(tmp_path / "usda", sources=manifest(server), out_dir=out,
                         build_fn=FakeBuild(fail=True))
    assert listing(out) == ["foods.csv.gz"]
    assert (out / "foods.csv.gz").read_bytes() == b"the current table"
    assert not [p for p in tmp_path.iterdir() if ".build-" in p.name]


def test_second_run_replaces_the_release(server, tmp_path):
    dest = tmp_path / "usda"
    download_release(dest, sources=manifest(server), build=False)
    (dest / SR28_DIR / "stale.txt").write_text("from an older release")
    download_release(dest, sources=manifest(server), build=False)
    assert not (dest / SR28_DIR / "stale.txt").exists()
    assert not [p for p in listing(dest) if p.startswith(".")]


def _zip(members: dict[str, bytes], link: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


@pytest.mark.parametrize("members, link", [
    ({"ok.txt": b"1", "../evil.txt": b"x"}, None),
    ({"/abs/evil.txt": b"x"}, None),
    ({"C:/evil.txt": b"x"}, None),
    ({"ok.txt": b"1"}, "link.txt"),
])
def test_safe_extract_refuses_escapes(tmp_path, members, link):
    archive = tmp_path / "a.zip"
    archive.write_bytes(_zip(members, link))
    with pytest.raises(UnsafeArchiveError):
        safe_extract(archive, tmp_path / "out")
    assert listing(tmp_path / "out") == []                 # checked before writing anything
    assert not (tmp_path / "evil.txt").exists()


def test_safe_extract_flattens_one_top_folder_and_limits_size(tmp_path):
    archive = tmp_path / "a.zip"
    archive.write_bytes(_zip({"sr28/FOOD_DES.txt": b"1", "sr28/NUT_DATA.txt": b"2"}))
    safe_extract(archive, tmp_path / "out")
    assert listing(tmp_path / "out") == ["FOOD_DES.txt", "NUT_DATA.txt"]
    with pytest.raises(UnsafeArchiveError, match="more than"):
        safe_extract(archive, tmp_path / "out2", max_bytes=1)


# -- manifest -------------------------------------------------------------------------------
def test_default_manifest_points_at_usda():
    names = {s.filename: s for s in DEFAULT_SOURCES}
    sr = names["sr28asc.zip"]
    assert sr.url == ("https://www.ars.usda.gov/ARSUserFiles/80400535/DATA/SR/sr28/dnload/"
                      "sr28asc.zip")
    assert sr.unpack and sr.target == SR28_DIR and sr.sha256 is None
    assert sr.xz == ("NUT_DATA.txt",)              # the build reads NUT_DATA.txt.xz
    fndds = [s for s in DEFAULT_SOURCES if s.target == FNDDS_DIR]
    assert len(fndds) == 4 and all(s.url.startswith(
        "https://www.ars.usda.gov/ARSUserFiles/80400530/apps/2021-2023%20FNDDS") for s in fndds)
    # File names match the folder the build reads (as in ../shared/usda).
    assert "2021-2023 FNDDS At A Glance - FNDDS Nutrient Values.xlsx" in names


def test_manifest_round_trip_and_errors(tmp_path):
    write_manifest(tmp_path / "m.json", DEFAULT_SOURCES)
    assert load_manifest(tmp_path / "m.json") == DEFAULT_SOURCES
    (tmp_path / "bad.json").write_text(json.dumps({"sources": [{"url": "x"}]}))
    with pytest.raises(DownloadError, match="lacks filename, target"):
        load_manifest(tmp_path / "bad.json")
    (tmp_path / "evil.json").write_text(json.dumps(
        {"sources": [{"url": "x", "filename": "../x.zip", "target": "sr28"}]}))
    with pytest.raises(DownloadError, match="plain file"):
        load_manifest(tmp_path / "evil.json")


# The offline download and build from ../shared/usda: tests/test_build.py (the session's
# one build, the fixture ``built``).
