"""A non-editable install finds its shipped data (the wheel carries data/ as planner/data)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_wheel_install_loads_shipped_table(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(wheel_dir), str(ROOT)],
        check=True,
    )
    wheels = list(wheel_dir.glob("b12_planner-*.whl"))
    assert len(wheels) == 1
    # Install the wheel alone into a folder put first on sys.path, so the import below
    # cannot pick up the source checkout (which the editable install also exposes).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
         str(tmp_path / "site"), str(wheels[0])],
        check=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import planner; t = planner.load_foods(user_foods=False);"
        "assert planner.__file__.startswith(sys.argv[1]), planner.__file__;"
        "print(len(t), t.get('sr28:01123')['b12_ug'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "site")],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    ).stdout.split()
    assert int(out[0]) > 14000
    assert float(out[1]) == 0.89
