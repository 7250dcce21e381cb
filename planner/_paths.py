"""Where the package finds its shipped data.

The user's own folder is :mod:`planner.io.user_folder` (the I/O layer).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    """Path of a shipped data file such as ``foods.csv.gz``.

    An installed wheel carries the files in ``planner/data``; a source checkout
    (including an editable install) keeps them in the top-level ``data/`` folder.
    """
    packaged = resources.files("planner") / "data" / name
    if packaged.is_file():
        path = Path(str(packaged))
    else:
        path = Path(__file__).resolve().parent.parent / "data" / name
    _finish_interrupted_build(path.parent)
    return path


def _finish_interrupted_build(folder: Path) -> None:
    """Finish moving a rebuilt table into ``folder`` if a build was killed while doing it,
    so the food and portion tables always come from one build (one ``stat`` otherwise)."""
    from planner._files import JOURNAL, finish_publish

    if (folder / JOURNAL).exists():
        finish_publish(folder)
