"""Issue 13: a writer killed with ``kill -9`` in the middle of a save loses nothing.

For each file the planner writes (the food table build, saved foods, saved plans, the
profile), a child process is stopped at a chosen point of the save (half the text written,
all written but not yet renamed, between the two files of the table) and killed with
SIGKILL; then a new process must read the old version, whole. A second round kills a child
that saves two versions in a loop at a random moment: the file must be one version or the
other, never a mix.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")

ROOT = Path(__file__).resolve().parent.parent

#: Run first in every child: where it must stop, and how it says it got there.
PAUSE = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    READY = Path(sys.argv[1])

    def pause():
        READY.write_text("ready")
        time.sleep(60)   # killed long before

    def pause_halfway_through_write():
        import planner._files as f
        real = f.os.fdopen

        class Half:
            def __init__(self, fh):
                self.fh = fh
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                return self.fh.__exit__(*exc)
            def write(self, text):
                self.fh.write(text[: len(text) // 2])
                self.fh.flush()
                pause()
            def __getattr__(self, name):
                return getattr(self.fh, name)

        f.os.fdopen = lambda *a, **k: Half(real(*a, **k))

    def pause_before_rename():
        import planner._files as f
        f.os.fsync = lambda fd: pause()
""")

SAVES = {
    "user_foods": textwrap.dedent("""
        from planner.io.userfoods import save_user_food
        def save(version):
            save_user_food({"food_id": "user:changing", "description": f"Version {version}",
                            "diet": "vegan", "b12_ug": float(version)})
    """),
    "plan": textwrap.dedent("""
        import pandas as pd
        from planner.io.saved_plans import save_plan
        def save(version):
            save_plan(pd.DataFrame({"day": [1] * (version + 1), "meal": "lunch",
                                    "food_id": "sr28:01123", "grams": float(version)}), "week")
    """),
    "profile": textwrap.dedent("""
        from planner import Profile, save_profile
        def save(version):
            save_profile(Profile(age=20 + version), initial_store_ug=100.0 * version)
    """),
}


def read_version(what: str) -> int:
    """The version the planner reads back now (in this process, as a restart would)."""
    if what == "user_foods":
        from planner.io.userfoods import read_user_foods, user_food_messages

        foods, _ = read_user_foods()
        assert user_food_messages() == []        # nothing was damaged or moved aside
        row = foods.set_index("food_id").loc["user:changing"]
        version = int(row["b12_ug"])
        assert row["description"] == f"Version {version}"
        return version
    if what == "plan":
        from planner.io.saved_plans import load_saved_plan

        plan = load_saved_plan("week")
        version = int(plan["grams"].iloc[0])
        assert len(plan) == version + 1 and (plan["grams"] == version).all()
        return version
    from planner.io.saved_plans import load_profile

    profile, store = load_profile()
    version = int(profile.age) - 20
    assert store == 100.0 * version
    return version


def child(code: str, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    ready = tmp_path / f"ready-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, "-c", PAUSE + code, str(ready)], cwd=ROOT,
                            env=dict(os.environ), stderr=subprocess.PIPE)
    return proc, ready


def kill_when_ready(proc: subprocess.Popen, ready: Path, delay: float = 0.0) -> None:
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the child never reached the point"
        time.sleep(0.01)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL


@pytest.mark.parametrize("what", list(SAVES))
@pytest.mark.parametrize("where", ["pause_halfway_through_write", "pause_before_rename"])
def test_killed_mid_save_keeps_the_old_version(what, where, tmp_path):
    exec(SAVES[what], ns := {})  # noqa: S102 - the same code as the child runs
    ns["save"](3)
    proc, ready = child(SAVES[what] + f"\n{where}()\nsave(7)\n", tmp_path)
    kill_when_ready(proc, ready)
    assert read_version(what) == 3
    ns["save"](8)  # and the next save works (left-over temporary files do not matter)
    assert read_version(what) == 8


@pytest.mark.parametrize("what", list(SAVES))
def test_killed_at_a_random_moment_of_a_save_loop(what, tmp_path):
    exec(SAVES[what], ns := {})  # noqa: S102
    ns["save"](1)
    loop = SAVES[what] + "\nsave(2)\npause_ready = READY.write_text('ready')\n" \
        "while True:\n    save(1)\n    save(2)\n"
    proc, ready = child(loop, tmp_path)
    kill_when_ready(proc, ready, delay=random.Random(13).uniform(0.0, 0.3))
    assert read_version(what) in (1, 2)


# -- the food table build ----------------------------------------------------------------
BUILD = textwrap.dedent("""
    import pandas as pd
    from planner.pipeline import build
    from planner.schema import FOOD_COLUMNS, PORTION_COLUMNS

    def tables(tag, n=20_000):
        foods = pd.DataFrame({c: (["x"] * n if t == "str" else [1.0] * n if t == "float64"
                                  else [True] * n) for c, t in FOOD_COLUMNS.items()})
        foods["food_id"] = [f"sr28:{i:05d}" for i in range(n)]
        foods["description"] = tag
        foods["diet"] = "vegan"
        portions = pd.DataFrame({"food_id": foods["food_id"], "seq": 1, "label": tag,
                                 "grams": 1.0})
        return foods.astype(FOOD_COLUMNS), portions.astype(PORTION_COLUMNS)

    def write(out, tag):
        build.write_tables(out, *tables(tag), f"# {tag}\\n")

    def pause_in_second_table():
        real = build._write_csv
        def slow(df, path):
            if path.name == build.PORTIONS_FILE:
                path.write_bytes(b"half a gzip")
                pause()
            real(df, path)
        build._write_csv = slow

    def pause_between_renames():
        import planner._files as f
        real = f.os.replace
        moved = []
        def replace(src, dst):
            real(src, dst)
            if Path(dst).name == build.FOODS_FILE:
                pause()
        f.os.replace = replace
""")


def table_tags(out: Path) -> tuple[str, str, str]:
    from planner.model.foods import read_table
    from planner.pipeline.build import FOODS_FILE, PORTIONS_FILE, SOURCES_FILE
    from planner.schema import FOOD_COLUMNS, PORTION_COLUMNS

    foods = read_table(out / FOODS_FILE, FOOD_COLUMNS, "foods")
    portions = read_table(out / PORTIONS_FILE, PORTION_COLUMNS, "portions")
    return (foods["description"].iloc[0], portions["label"].iloc[0],
            (out / SOURCES_FILE).read_text().strip("# \n"))


@pytest.mark.parametrize("where", ["pause_in_second_table", "pause_between_renames"])
def test_build_killed_mid_write_leaves_one_whole_table(where, tmp_path):
    from planner._paths import _finish_interrupted_build

    out = tmp_path / "data"
    exec(BUILD.replace("pause()", "None"), ns := {"Path": Path})  # noqa: S102
    ns["write"](out, "old")
    assert table_tags(out) == ("old", "old", "old")
    proc, ready = child(BUILD + f"\n{where}()\nwrite(Path({str(out)!r}), 'new')\n", tmp_path)
    kill_when_ready(proc, ready)
    _finish_interrupted_build(out)          # what loading the table does first
    tags = table_tags(out)
    # Killed before anything was moved in: the old table; between the renames: the new
    # one, finished from the journal.
    assert tags == (("old",) * 3 if where == "pause_in_second_table" else ("new",) * 3)
    ns["write"](out, "next")                   # a later build works, and cleans up
    assert table_tags(out) == ("next", "next", "next")


def test_build_killed_at_random_moments(tmp_path):
    from planner._paths import _finish_interrupted_build

    out = tmp_path / "data"
    exec(BUILD.replace("pause()", "None"), ns := {"Path": Path})  # noqa: S102
    ns["write"](out, "a")
    loop = BUILD + (f"\nout = Path({str(out)!r})\nwrite(out, 'b')\nREADY.write_text('r')\n"
                    "while True:\n    write(out, 'a')\n    write(out, 'b')\n")
    proc, ready = child(loop, tmp_path)
    kill_when_ready(proc, ready, delay=random.Random(1313).uniform(0.0, 0.5))
    _finish_interrupted_build(out)
    assert table_tags(out) in {("a", "a", "a"), ("b", "b", "b")}


def test_the_shipped_loader_finishes_an_interrupted_move(tmp_path, monkeypatch):
    """load_foods() goes through data_path(), which finishes a move cut by a kill."""
    from planner import _paths
    from planner.model.foods import load_foods

    out = tmp_path / "data"
    exec(BUILD.replace("pause()", "None"), ns := {"Path": Path})  # noqa: S102
    ns["write"](out, "old")
    proc, ready = child(BUILD + f"\npause_between_renames()\nwrite(Path({str(out)!r}), "
                        "'new')\n", tmp_path)
    kill_when_ready(proc, ready)
    monkeypatch.setattr(_paths, "data_path", lambda name: (_paths._finish_interrupted_build(
        out), out / name)[1])
    import planner.model.foods as foods_module

    monkeypatch.setattr(foods_module, "data_path", _paths.data_path)
    table = load_foods(user_foods=False)
    assert set(table.df["description"]) == {"new"}
    assert set(table.portions_df["label"]) == {"new"}
    assert len(pd.unique(table.df["food_id"])) == len(table)
