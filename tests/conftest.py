"""Shared paths and markers for the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
USDA = ROOT.parent / "shared" / "usda"
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _isolated_user_home(tmp_path_factory, monkeypatch):
    """Never read or write the real user's saved foods or caches."""
    monkeypatch.setenv("B12_PLANNER_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def usda_dir() -> Path:
    if not (USDA / "sr28" / "FOOD_DES.txt").is_file():
        pytest.skip("raw USDA releases not found in ../shared/usda")
    return USDA


@pytest.fixture(scope="session")
def built(usda_dir, tmp_path_factory):
    """The real data build from ../shared/usda, once per session: (folder, counts).

    A build takes ~17 s on the 2-core machine: the build, download and command-line tests
    share this one instead of building three times.
    """
    from planner.pipeline.build import build

    out = tmp_path_factory.mktemp("built")
    counts = build(sr28_dir=usda_dir / "sr28", fndds_dir=usda_dir / "fndds-2021-2023",
                   out_dir=out)
    return out, counts


@pytest.fixture(scope="session")
def foods():
    from planner import load_foods

    return load_foods(user_foods=False)


@pytest.fixture(scope="session")
def make_httpserver():
    """pytest-httpserver's server, on 127.0.0.1 only (never "localhost", which may resolve
    to another address) and threaded, so a deliberately slow handler does not block."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
