"""Read survey food diaries: NHANES-style individual-food files (SAS transport, ``.xpt``).

:func:`read_diaries_xpt` turns a file into the diary layout that
:func:`planner.evaluate_many` takes. See ``docs/batch.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.model.batch import _listed

#: NHANES "Name of eating occasion" codes (``DR1_030Z`` / ``DR2_030Z``), as in the CDC
#: codebook. Only used for the meal name; NHANES also gives the clock time.
NHANES_EATING_OCCASIONS: dict[int, str] = {
    1: "breakfast", 2: "lunch", 3: "dinner", 4: "supper", 5: "brunch", 6: "snack",
    7: "drink", 8: "infant feeding", 9: "extended consumption", 10: "desayuno",
    11: "almuerzo", 12: "comida", 13: "merienda", 14: "cena", 15: "entre comida",
    16: "botana", 17: "bocadillo", 18: "tentempie", 19: "bebida", 91: "other",
    99: "don't know",
}

#: Column mapping of NHANES individual-food files, by recall day: file column → diary
#: column. ``DRxIFDCD`` is the USDA FNDDS food code, ``DRxIGRMS`` the grams eaten,
#: ``DRx_020`` the time of the eating occasion (SAS time: seconds after midnight) and
#: ``DRx_030Z`` the eating-occasion code (:data:`NHANES_EATING_OCCASIONS`).
NHANES_IFF_COLUMNS: dict[int, dict[str, str]] = {
    d: {
        "SEQN": "person_id",
        f"DR{d}IFDCD": "food_code",
        f"DR{d}IGRMS": "grams",
        f"DR{d}_020": "time",
        f"DR{d}_030Z": "meal",
    }
    for d in (1, 2)
}


def read_diaries_xpt(
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    day: int | None = None,
) -> pd.DataFrame:
    """Read a survey individual-food file (SAS transport ``.xpt``) as diary rows.

    Parameters
    ----------
    path : path
        The ``.xpt`` file, e.g. NHANES ``DR1IFF_J.xpt`` (day 1) or ``DR2IFF_J.xpt``.
    columns : mapping, optional
        File column → diary column (``person_id``, ``food_code`` or ``food_id``,
        ``grams``, ``time``, ``meal``, ``day``). Default: the NHANES mapping
        :data:`NHANES_IFF_COLUMNS` for the day found in the file (``DR1IFDCD`` or
        ``DR2IFDCD``).
    day : int, optional
        Recall day written to the ``day`` column when the file has none mapped; default
        1 for a ``DR1*`` file and 2 for a ``DR2*`` file (NHANES), else 1.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``day``, ``food_code``/``food_id``, ``grams``, ``time``
        (``"HH:MM"``, from SAS times = seconds after midnight) and ``meal`` (eating
        occasion names from :data:`NHANES_EATING_OCCASIONS`, where mapped), ready for
        :func:`planner.evaluate_many`. Integral float codes (SAS stores numbers as floats) are
        made ``int64``.

    Raises
    ------
    InputError
        The file cannot be read as SAS transport, or a mapped column is missing.
    """
    path = Path(path)
    try:
        raw = pd.read_sas(path, format="xport", encoding="latin-1")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable SAS transport (.xpt) file ({exc}).") from None
    upper = {str(c).upper(): c for c in raw.columns}
    if columns is None:
        found = [k for k, m in NHANES_IFF_COLUMNS.items()
                 if all(c in upper for c in m if c != f"DR{k}_030Z")]
        if not found:
            raise InputError(
                f"{path}: not an NHANES individual-food file (no SEQN, DR1IFDCD, DR1IGRMS, "
                "DR1_020 columns); pass columns={file column: diary column}."
            )
        mapping = {k: v for k, v in NHANES_IFF_COLUMNS[found[0]].items() if k in upper}
        file_day = found[0]
    else:
        mapping = {str(k).upper(): str(v) for k, v in columns.items()}
        file_day = 2 if path.name.upper().startswith("DR2") else 1
    lacking = [c for c in mapping if c not in upper]
    if lacking:
        raise InputError(f"{path}: column(s) {', '.join(lacking)} not in the file; it has "
                         f"{_listed(list(upper), 12)}.")
    out = pd.DataFrame({new: raw[upper[old]] for old, new in mapping.items()})
    for c in ("person_id", "food_code", "day"):
        if c in out.columns and pd.api.types.is_float_dtype(out[c]):
            v = out[c].to_numpy()
            if np.all(np.isfinite(v) & (v == np.floor(v))):
                out[c] = v.astype("int64")
    if "time" in out.columns and pd.api.types.is_numeric_dtype(out["time"]):
        out["time"] = _clock_from_seconds(out["time"].to_numpy(dtype="float64"))
    if "meal" in out.columns and pd.api.types.is_numeric_dtype(out["meal"]):
        codes = out["meal"].to_numpy(dtype="float64")
        out["meal"] = pd.Series(codes).map(
            lambda c: NHANES_EATING_OCCASIONS.get(int(c), "") if np.isfinite(c) else ""
        ).astype("str")
    if "day" not in out.columns:
        out.insert(1, "day", np.full(len(out), int(day or file_day), dtype="int64"))
    return out


def _clock_from_seconds(sec: np.ndarray) -> pd.Series:
    """SAS times (seconds after midnight) as ``"HH:MM"`` text; blank where missing."""
    minutes = np.floor(sec / 60.0)
    codes, uniq = pd.factorize(minutes, use_na_sentinel=True)
    text = np.array([f"{int(m) // 60:02d}:{int(m) % 60:02d}" if 0 <= m < 1440 else str(m)
                     for m in uniq] + [""], dtype=object)
    return pd.Series(text[np.where(codes < 0, len(uniq), codes)], dtype="str")
