"""Where the package finds its shipped data and the user's own files."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: Environment variable that overrides the user data directory (saved foods, caches).
HOME_ENV = "B12_PLANNER_HOME"


def data_path(name: str) -> Path:
    """Path of a shipped data file such as ``foods.csv.gz``.

    An installed wheel carries the files in ``planner/data``; a source checkout
    (including an editable install) keeps them in the top-level ``data/`` folder.
    """
    packaged = resources.files("planner") / "data" / name
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "data" / name


def user_dir() -> Path:
    """The user's data directory (``$B12_PLANNER_HOME`` or the platform's user data dir)."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("b12-planner", appauthor=False))
