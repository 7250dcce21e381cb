"""Readers for the raw USDA releases (SR28 ASCII files and FNDDS "At A Glance" workbooks).

All file input of the data build lives here; every reader takes the release folder and
returns a :class:`pandas.DataFrame` with USDA's values unchanged (text stays text, numbers
are parsed from USDA's decimal strings, so 59.3 stays 59.3).

The SR28 ASCII format: fields separated by ``^``, text fields wrapped in ``~``, Latin-1,
no header row. The FNDDS workbooks have a title row, then the header row (``header=1``).

References
----------
.. [SR28] U.S. Department of Agriculture, Agricultural Research Service. USDA National
   Nutrient Database for Standard Reference, Release 28 (2015, revised 2016).
.. [FNDDS] USDA Food and Nutrient Database for Dietary Studies 2021-2023.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

#: SR28 nutrient numbers used by the build.
NUTR_B12 = "418"        # Vitamin B-12 [µg / 100 g]
NUTR_B12_ADDED = "578"  # Vitamin B-12, added [µg / 100 g]
NUTR_KCAL = "208"       # Energy [kcal / 100 g]
NUTR_PROTEIN = "203"    # Protein [g / 100 g]
NUTR_CHOLESTEROL = "601"  # Cholesterol [mg / 100 g] (diet evidence, not shipped)
NUTR_BUTYRIC = "607"    # Fatty acid 4:0, butyric [g / 100 g] (diet evidence, not shipped)

#: Field names of the SR28 files, in USDA's order (SR28 documentation, ch. 2).
SR28_FIELDS: dict[str, list[str]] = {
    "FOOD_DES.txt": ["NDB_No", "FdGrp_Cd", "Long_Desc", "Shrt_Desc", "ComName", "ManufacName",
                     "Survey", "Ref_desc", "Refuse", "SciName", "N_Factor", "Pro_Factor",
                     "Fat_Factor", "CHO_Factor"],
    "FD_GROUP.txt": ["FdGrp_Cd", "FdGrp_Desc"],
    "NUT_DATA.txt.xz": ["NDB_No", "Nutr_No", "Nutr_Val", "Num_Data_Pts", "Std_Error", "Src_Cd",
                        "Deriv_Cd", "Ref_NDB_No", "Add_Nutr_Mark", "Num_Studies", "Min", "Max",
                        "DF", "Low_EB", "Up_EB", "Stat_cmt", "AddMod_Date", "CC"],
    "WEIGHT.txt": ["NDB_No", "Seq", "Amount", "Msre_Desc", "Gm_Wgt", "Num_Data_Pts", "Std_Dev"],
    "LANGUAL.txt": ["NDB_No", "Factor_Code"],
    "LANGDESC.txt": ["Factor_Code", "Description"],
}

#: FNDDS 2021-2023 "At A Glance" workbook file names, by short name.
FNDDS_FILES: dict[str, str] = {
    "foods": "2021-2023 FNDDS At A Glance - Foods and Beverages.xlsx",
    "nutrients": "2021-2023 FNDDS At A Glance - FNDDS Nutrient Values.xlsx",
    "portions": "2021-2023 FNDDS At A Glance - Portions and Weights.xlsx",
    "ingredients": "2021-2023 FNDDS At A Glance - FNDDS Ingredients.xlsx",
}

#: FNDDS nutrient columns used by the build (header text with whitespace collapsed).
FNDDS_B12 = "Vitamin B-12 (mcg)"
FNDDS_B12_ADDED = "Vitamin B-12, added (mcg)"
FNDDS_KCAL = "Energy (kcal)"
FNDDS_PROTEIN = "Protein (g)"
FNDDS_CHOLESTEROL = "Cholesterol (mg)"
FNDDS_BUTYRIC = "4:0 (g)"


def _require(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"USDA input file {path} not found.")
    return path


def read_sr28_file(sr28_dir: str | Path, name: str) -> pd.DataFrame:
    """Read one SR28 ASCII file as text columns named after USDA's fields.

    Parameters
    ----------
    sr28_dir : path
        Folder of the SR28 ASCII release.
    name : str
        File name, one of :data:`SR28_FIELDS` (``NUT_DATA.txt.xz`` is xz-compressed).

    Returns
    -------
    pandas.DataFrame
        All fields as ``str``; an empty field is ``""``.
    """
    path = _require(Path(sr28_dir) / name)
    return pd.read_csv(
        path, sep="^", quotechar="~", encoding="latin-1", header=None,
        names=SR28_FIELDS[name], dtype=str, keep_default_na=False,
        compression="xz" if name.endswith(".xz") else None,
    )


def read_sr28_foods(sr28_dir: str | Path) -> pd.DataFrame:
    """SR28 foods (FOOD_DES) with their food-group description (FD_GROUP).

    Returns
    -------
    pandas.DataFrame
        Columns ``NDB_No`` (5-digit text), ``Long_Desc``, ``FdGrp_Cd``, ``FdGrp_Desc``,
        ``ManufacName``, ``ComName``, ``SciName``; one row per food, in USDA's order.
    """
    foods = read_sr28_file(sr28_dir, "FOOD_DES.txt")
    groups = read_sr28_file(sr28_dir, "FD_GROUP.txt")
    out = foods.merge(groups, on="FdGrp_Cd", how="left", validate="many_to_one")
    if out["FdGrp_Desc"].isna().any():
        raise ValueError("FOOD_DES.txt names a food group missing from FD_GROUP.txt.")
    return out[["NDB_No", "Long_Desc", "FdGrp_Cd", "FdGrp_Desc", "ManufacName", "ComName",
                "SciName"]]


def read_sr28_nutrients(
    sr28_dir: str | Path,
    nutrients: tuple[str, ...] = (NUTR_B12, NUTR_B12_ADDED, NUTR_KCAL, NUTR_PROTEIN,
                                  NUTR_CHOLESTEROL, NUTR_BUTYRIC),
) -> pd.DataFrame:
    """Nutrient values per 100 g edible portion, one column per nutrient number.

    Parameters
    ----------
    sr28_dir : path
        Folder of the SR28 ASCII release.
    nutrients : tuple of str
        SR nutrient numbers (``Nutr_No``) to keep.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``NDB_No``; columns are the nutrient numbers; NaN where USDA gives no
        value (a food/nutrient pair absent from NUT_DATA: not analysed, not zero).
    """
    data = read_sr28_file(sr28_dir, "NUT_DATA.txt.xz")
    data = data.loc[data["Nutr_No"].isin(nutrients), ["NDB_No", "Nutr_No", "Nutr_Val"]]
    if data.duplicated(["NDB_No", "Nutr_No"]).any():
        raise ValueError("NUT_DATA.txt has duplicate food/nutrient rows.")
    data = data.assign(Nutr_Val=pd.to_numeric(data["Nutr_Val"], errors="raise"))
    wide = data.pivot(index="NDB_No", columns="Nutr_No", values="Nutr_Val")
    return wide.reindex(columns=list(nutrients))


def read_sr28_weights(sr28_dir: str | Path) -> pd.DataFrame:
    """Household measures (WEIGHT): ``NDB_No``, ``Seq`` [int], ``Amount``, ``Msre_Desc``,
    ``Gm_Wgt`` [g], in USDA's order."""
    w = read_sr28_file(sr28_dir, "WEIGHT.txt")
    return pd.DataFrame({
        "NDB_No": w["NDB_No"],
        "Seq": pd.to_numeric(w["Seq"], errors="raise").astype("int64"),
        "Amount": pd.to_numeric(w["Amount"], errors="raise"),
        "Msre_Desc": w["Msre_Desc"],
        "Gm_Wgt": pd.to_numeric(w["Gm_Wgt"], errors="raise"),
    })


def read_sr28_langual(sr28_dir: str | Path) -> pd.DataFrame:
    """LanguaL descriptors of SR foods: ``NDB_No``, ``Factor_Code``, ``Description``."""
    codes = read_sr28_file(sr28_dir, "LANGUAL.txt")
    texts = read_sr28_file(sr28_dir, "LANGDESC.txt")
    return codes.merge(texts, on="Factor_Code", how="left", validate="many_to_one").fillna("")


def _read_workbook(fndds_dir: str | Path, key: str) -> pd.DataFrame:
    """Read the first sheet of one FNDDS workbook (header in the second row).

    Header texts are normalised (line breaks and runs of spaces collapsed), so
    ``"Vitamin B-12, added\\n(mcg)"`` becomes ``"Vitamin B-12, added (mcg)"``.
    """
    path = _require(Path(fndds_dir) / FNDDS_FILES[key])
    df = pd.read_excel(path, sheet_name=0, header=1, engine="openpyxl")
    df.columns = [" ".join(str(c).split()) for c in df.columns]
    df = df.dropna(how="all")
    df["Food code"] = pd.to_numeric(df["Food code"], errors="raise").astype("int64")
    return df


def read_fndds_foods(fndds_dir: str | Path) -> pd.DataFrame:
    """FNDDS "Foods and Beverages": ``Food code`` [int], ``Main food description``,
    ``Additional food description``, ``WWEIA Category number``, ``WWEIA Category description``."""
    df = _read_workbook(fndds_dir, "foods")
    df["Additional food description"] = df["Additional food description"].fillna("").astype(str)
    return df


def read_fndds_nutrients(fndds_dir: str | Path) -> pd.DataFrame:
    """FNDDS "Nutrient Values" per 100 g: ``Food code`` and the B12, added B12
    [µg], energy [kcal], protein [g], cholesterol [mg] and butyric acid (4:0) [g] columns."""
    df = _read_workbook(fndds_dir, "nutrients")
    cols = [FNDDS_B12, FNDDS_B12_ADDED, FNDDS_KCAL, FNDDS_PROTEIN, FNDDS_CHOLESTEROL,
            FNDDS_BUTYRIC]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"FNDDS Nutrient Values lacks column(s) {missing}.")
    out = df[["Food code", *cols]].copy()
    for c in cols:
        out[c] = pd.to_numeric(out[c], errors="raise").astype("float64")
    return out


def read_fndds_portions(fndds_dir: str | Path) -> pd.DataFrame:
    """FNDDS "Portions and Weights": ``Food code``, ``Seq num`` [int],
    ``Portion description``, ``Portion weight (g)`` [g]."""
    df = _read_workbook(fndds_dir, "portions")
    out = df[["Food code", "Seq num", "Portion description", "Portion weight (g)"]].copy()
    out["Seq num"] = pd.to_numeric(out["Seq num"], errors="raise").astype("int64")
    out["Portion weight (g)"] = pd.to_numeric(out["Portion weight (g)"], errors="raise")
    out["Portion description"] = out["Portion description"].astype(str)
    return out


def read_fndds_ingredients(fndds_dir: str | Path) -> pd.DataFrame:
    """FNDDS "Ingredients": ``Food code``, ``Seq num``, ``Ingredient code`` [int; an SR NDB
    number or another FNDDS food code], ``Ingredient description``, ``Ingredient weight (g)``."""
    df = _read_workbook(fndds_dir, "ingredients")
    out = df[["Food code", "Seq num", "Ingredient code", "Ingredient description",
              "Ingredient weight (g)"]].copy()
    out["Seq num"] = pd.to_numeric(out["Seq num"], errors="raise").astype("int64")
    out["Ingredient code"] = pd.to_numeric(out["Ingredient code"], errors="raise").astype("int64")
    out["Ingredient description"] = out["Ingredient description"].astype(str)
    return out


def sr28_input_files(sr28_dir: str | Path) -> list[Path]:
    """The SR28 files the build reads, in a fixed order."""
    return [Path(sr28_dir) / n for n in ("FD_GROUP.txt", "FOOD_DES.txt", "LANGDESC.txt",
                                         "LANGUAL.txt", "NUT_DATA.txt.xz", "WEIGHT.txt")]


def fndds_input_files(fndds_dir: str | Path) -> list[Path]:
    """The FNDDS workbooks the build reads, in a fixed order."""
    return [Path(fndds_dir) / FNDDS_FILES[k]
            for k in ("foods", "ingredients", "nutrients", "portions")]


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
