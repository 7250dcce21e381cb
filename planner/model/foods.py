"""The food composition table: loading, validation, look-up and search.

The table is built from USDA releases by :mod:`planner.pipeline.build` and shipped in ``data/``.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from planner._paths import data_path
from planner.errors import DataFileError, InputError, UnknownFoodError
from planner.formats import parse_yes_no
from planner.schema import DIET_ORDER, FOOD_COLUMNS, PORTION_COLUMNS

FOODS_FILE = "foods.csv.gz"
PORTIONS_FILE = "portions.csv.gz"


def _coerce(df: pd.DataFrame, columns: dict[str, str], name: str) -> pd.DataFrame:
    """Return ``df`` with exactly ``columns`` in order and dtype; raise naming ``name``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(f"{name}: missing column(s) {', '.join(missing)}.")
    out = {}
    for col, dtype in columns.items():
        s = df[col]
        try:
            if dtype == "str":
                s = s.fillna("").astype(str)
            elif dtype == "bool":
                if s.dtype != bool:
                    s = s.map(lambda v: parse_yes_no(v) is True).astype(bool)
            else:
                s = pd.to_numeric(s, errors="raise").astype(dtype)
        except (ValueError, TypeError) as exc:
            raise DataFileError(f"{name}: column {col!r} is not {dtype}: {exc}") from exc
        out[col] = s
    return pd.DataFrame(out, index=df.index)


class FoodTable:
    """Foods with their B12 content per 100 g and household portions.

    Parameters
    ----------
    foods : pandas.DataFrame
        One row per food with the columns of :data:`planner.schema.FOOD_COLUMNS`.
    portions : pandas.DataFrame, optional
        Household portions with the columns of :data:`planner.schema.PORTION_COLUMNS`.

    Attributes
    ----------
    df : pandas.DataFrame
        The foods, indexed by ``food_id`` (the column is kept too).
    portions_df : pandas.DataFrame
        All portions, in USDA's order within each food.
    """

    def __init__(self, foods: pd.DataFrame, portions: pd.DataFrame | None = None):
        df = _coerce(foods.reset_index(drop=True), FOOD_COLUMNS, "foods")
        dupes = df["food_id"][df["food_id"].duplicated()]
        if len(dupes):
            raise DataFileError(f"foods: duplicate food_id(s) {', '.join(dupes[:5])}.")
        bad = sorted(set(df["diet"]) - set(DIET_ORDER))
        if bad:
            raise DataFileError(f"foods: unknown diet class(es) {bad}.")
        self.df = df.set_index("food_id", drop=False)
        self.df.index.name = None
        if portions is None:
            portions = pd.DataFrame({c: [] for c in PORTION_COLUMNS})
        self.portions_df = _coerce(portions.reset_index(drop=True), PORTION_COLUMNS, "portions")
        self._search_index = None

    # -- look-up -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.df)

    def __contains__(self, food_id: object) -> bool:
        return isinstance(food_id, str) and food_id in self.df.index

    def __repr__(self) -> str:
        return f"<FoodTable {len(self.df)} foods, {len(self.portions_df)} portions>"

    def get(self, food_id: str) -> pd.Series:
        """Return one food's row; raise :class:`UnknownFoodError` with close matches."""
        if food_id not in self:
            raise UnknownFoodError(str(food_id), self.close_ids(str(food_id)))
        return self.df.loc[food_id]

    def portions(self, food_id: str) -> pd.DataFrame:
        """Household portions of one food (``label``, ``grams``), in USDA's order."""
        self.get(food_id)
        p = self.portions_df
        return p.loc[p["food_id"] == food_id, ["label", "grams"]].reset_index(drop=True)

    def close_ids(self, food_id: str, limit: int = 3) -> list[str]:
        """Food ids that look like ``food_id`` (typos, a missing prefix or leading zero)."""
        from rapidfuzz import fuzz, process

        ids = self.df.index
        token = food_id.split(":")[-1].strip()
        exact = [i for i in ids if i.split(":")[-1] == token or i.split(":")[-1] == token.zfill(5)]
        if exact:
            return exact[:limit]
        hits = process.extract(food_id, list(ids), scorer=fuzz.ratio, limit=limit, score_cutoff=70)
        return [h[0] for h in hits]

    def with_foods(self, foods: pd.DataFrame, portions: pd.DataFrame | None = None) -> FoodTable:
        """A new table with extra foods (e.g. saved user foods); their ids must be new."""
        if foods is None or len(foods) == 0:
            return self
        all_foods = pd.concat([self.df.reset_index(drop=True), foods], ignore_index=True)
        all_portions = self.portions_df
        if portions is not None and len(portions):
            all_portions = pd.concat([all_portions, portions], ignore_index=True)
        return FoodTable(all_foods, all_portions)

    def allowed(self, diet: str) -> pd.Series:
        """Boolean mask of foods a person on ``diet`` can eat."""
        if diet not in DIET_ORDER:
            raise InputError(f"diet must be one of {', '.join(DIET_ORDER)}, not {diet!r}.")
        rank = {d: i for i, d in enumerate(DIET_ORDER)}
        return self.df["diet"].map(rank) <= rank[diet]

    # -- search ------------------------------------------------------------------------
    def search(self, text: str, diet: str | None = None, limit: int = 20) -> pd.DataFrame:
        """Typo-tolerant search by description; see :func:`planner.model.search.search_foods`."""
        from planner.model.search import search_foods

        return search_foods(self, text, diet=diet, limit=limit)


def read_table(path: Path, columns: dict[str, str], name: str) -> pd.DataFrame:
    """Read one of the project's gzip CSV tables, with errors that name the file."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(
            f"Data file {path} is missing. Reinstall the package, or rebuild the table "
            "with `python -m planner data build` (see data/SOURCES.md)."
        )
    dtypes = {c: ("str" if t == "str" else None) for c, t in columns.items()}
    dtypes = {c: t for c, t in dtypes.items() if t}
    try:
        df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""],
                         compression="gzip" if path.suffix == ".gz" else None)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError,
            pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"Data file {path} is corrupt or unreadable ({exc}).") from exc
    try:
        return _coerce(df, columns, str(path))
    except DataFileError as exc:
        raise DataFileError(f"Data file {exc}") from exc


def load_foods(
    foods_path: str | Path | None = None,
    portions_path: str | Path | None = None,
    user_foods: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> FoodTable:
    """Load the shipped food table, with extra foods only when they are handed over.

    The model never looks in the user's folder by itself: the app and the command line
    read the saved foods (:func:`planner.read_user_foods`) and pass them here.

    Parameters
    ----------
    foods_path, portions_path : path, optional
        Other files of the same layout; default the shipped ``data/`` tables.
    user_foods : (pandas.DataFrame, pandas.DataFrame), optional
        Foods and their portions to merge (what :func:`planner.read_user_foods` returns);
        ``None`` (or ``False``, as older callers wrote it) means the shipped table alone.

    Returns
    -------
    FoodTable

    Raises
    ------
    DataFileError
        A file is missing or corrupt; the message names it.
    InputError
        ``user_foods`` is not a pair of tables.

    Examples
    --------
    >>> import planner
    >>> shipped = planner.load_foods()
    >>> mine = planner.load_foods(user_foods=planner.read_user_foods())  # doctest: +SKIP
    """
    if user_foods is not None and user_foods is not False and not (
            isinstance(user_foods, tuple) and len(user_foods) == 2
            and all(isinstance(t, pd.DataFrame) for t in user_foods)):
        raise InputError(
            "user_foods must be the pair (foods, portions) that read_user_foods() returns, "
            f"not {type(user_foods).__name__}; the model does not read the user's folder "
            "by itself.")
    foods = read_table(Path(foods_path or data_path(FOODS_FILE)), FOOD_COLUMNS, "foods")
    portions = read_table(
        Path(portions_path or data_path(PORTIONS_FILE)), PORTION_COLUMNS, "portions"
    )
    table = FoodTable(foods, portions)
    if isinstance(user_foods, tuple):
        extra, extra_portions = user_foods
        table = table.with_foods(extra, extra_portions)
    return table


def diets_allowing(food_diet: str) -> Iterable[str]:
    """Diets that admit a food of class ``food_diet``."""
    return DIET_ORDER[DIET_ORDER.index(food_diet):]


__all__ = ["FoodTable", "load_foods", "read_table", "diets_allowing"]
