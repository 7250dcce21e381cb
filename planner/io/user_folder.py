"""The user's own folder: saved foods, saved plans, the profile, caches and downloads.

The only place that reads ``$B12_PLANNER_HOME``; the model below never looks for it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the user data directory (saved foods, caches).
HOME_ENV = "B12_PLANNER_HOME"


def user_dir() -> Path:
    """The user's data directory (``$B12_PLANNER_HOME`` or the platform's user data dir)."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("b12-planner", appauthor=False))
