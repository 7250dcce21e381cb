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
    """The real data build, once per session, made as ``data download --from-dir`` makes it:
    the release files copied (and unpacked) from ../shared/usda, never from the network (the
    sources' addresses are a closed local port), then built. Returns (folder, counts of
    the build, the download's report, the folder the release was installed in).

    A build takes ~17 s on the 2-core machine: the build and download tests share this one
    (tests/test_build.py) instead of building twice.
    """
    import socket

    from planner.pipeline.build import build
    from planner.pipeline.download import DEFAULT_SOURCES, Source, download_release

    with socket.socket() as sock:  # a port nothing listens on: a fetch would fail at once
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/nothing"
    sources = [Source(dead, s.filename, s.target, unpack=s.unpack, xz=s.xz)
               for s in DEFAULT_SOURCES]
    counts: dict = {}

    def real_build(**kwargs):  # the real build, its counts kept for the tests
        counts.update(build(**kwargs))

    root = tmp_path_factory.mktemp("built")
    report = download_release(root / "usda", sources=sources, from_dir=usda_dir,
                              out_dir=root / "data", build_fn=real_build)
    return root / "data", counts, report, root / "usda"


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


@pytest.fixture
def fresh_app_state(monkeypatch):
    """For the AppTest modules (tests/test_app_*.py): no FDC key from the environment, and
    ``st.cache_data`` cleared, since it leaks between AppTest runs (streamlit issue #9139).

    ``st.cache_resource`` (only the food table, keyed by the saved-foods file) is keyed by
    everything it depends on, so it may be shared: that keeps the suite fast. Per-person
    results (evaluation, suggestions) are in ``st.cache_data``. The user folder (saved
    foods and plans) is a fresh temporary folder per test (above).
    """
    import streamlit as st

    monkeypatch.delenv("FDC_API_KEY", raising=False)
    monkeypatch.delenv("B12_FDC_BASE_URL", raising=False)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def app(fresh_app_state):
    """A new app session (AppTest), after its first run."""
    from apptest_helpers import new_session

    return new_session()


#: Test files that take longest, run first: ``make test`` hands whole files to its two
#: workers (pytest-xdist ``--dist loadfile``) in collection order, so the long ones must not
#: be left for the end, when one worker would run them while the other waits.
SLOW_FILES_FIRST = ("test_browser.py", "test_build.py",
                    "test_dask_cluster.py", "test_app_status_check.py", "test_properties.py",
                    "test_report.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable within a file
