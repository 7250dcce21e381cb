"""`make run` serves the app on this machine only, and says nothing to the internet."""

from __future__ import annotations

import shutil
import subprocess
import tomllib

import pytest
from conftest import ROOT


def test_streamlit_config_listens_on_loopback_without_usage_stats():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_binds_loopback_unless_told_otherwise():
    def run_command(*extra: str) -> str:
        out = subprocess.run(["make", "-n", "run", "-o", ".venv/.installed-stamp", *extra],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
        out = out.replace("\\\n", " ")  # make -n keeps the recipe's line continuations
        lines = [line for line in out.splitlines() if "streamlit run app.py" in line]
        assert len(lines) == 1, out
        return " ".join(lines[0].split())

    default = run_command()
    assert "--server.address 127.0.0.1" in default
    assert "--browser.gatherUsageStats false" in default
    assert "--server.address 0.0.0.0" in run_command("HOST=0.0.0.0")
