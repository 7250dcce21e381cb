"""Build the project's compact food tables (``data/``) from the raw USDA releases.

``build(sr28_dir, fndds_dir, out_dir)`` reads SR28 and FNDDS 2021-2023 (via
:mod:`planner.pipeline.usda`), classifies every food (:mod:`planner.model.diet`), flags
unreliable B12 (:mod:`planner.model.reliability`) and writes ``foods.csv.gz``,
``portions.csv.gz`` and ``SOURCES.md``. The output is deterministic: rebuilding gives
byte-identical files.

References
----------
.. [SR28] U.S. Department of Agriculture, Agricultural Research Service. USDA National
   Nutrient Database for Standard Reference, Release 28 (2015, revised 2016).
.. [FNDDS] USDA Food and Nutrient Database for Dietary Studies 2021-2023.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner._files import publish_files
from planner.model.diet import DietClass, Figures, classify_fndds, classify_sr
from planner.model.reliability import Fortification, b12_reliability, fortified_b12, infer_fortified
from planner.pipeline import usda
from planner.schema import DIET_ORDER, FOOD_COLUMNS, PORTION_COLUMNS

FOODS_FILE = "foods.csv.gz"
PORTIONS_FILE = "portions.csv.gz"
SOURCES_FILE = "SOURCES.md"

#: gzip settings that make the output byte-identical across rebuilds.
GZIP = {"method": "gzip", "compresslevel": 9, "mtime": 0}
#: Float format of the CSV output: USDA's values have at most 3 significant decimals, so
#: 10 significant digits reproduce them exactly (59.3 -> "59.3").
FLOAT_FORMAT = "%.10g"

SR28_CITATION = ("U.S. Department of Agriculture, Agricultural Research Service. USDA National "
                 "Nutrient Database for Standard Reference, Release 28 (2015, revised 2016).")
FNDDS_CITATION = "USDA Food and Nutrient Database for Dietary Studies 2021-2023."


def _sr28_foods(sr28_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SR28 food rows (FOOD_COLUMNS) and portion rows (PORTION_COLUMNS)."""
    foods = usda.read_sr28_foods(sr28_dir)
    nutr = usda.read_sr28_nutrients(sr28_dir)
    langual = usda.read_sr28_langual(sr28_dir)
    lang_by_food = langual.groupby("NDB_No")["Description"].apply(tuple).to_dict()
    nutr = nutr.reindex(foods["NDB_No"])
    forts = [infer_fortified(d, g, "", b, a) for d, g, b, a in zip(
        foods["Long_Desc"], foods["FdGrp_Desc"], nutr[usda.NUTR_B12], nutr[usda.NUTR_B12_ADDED],
        strict=True)]
    classes = [
        classify_sr(d, g, m, lang_by_food.get(n, ()), Figures(c, bu, b, a, f.fortified))
        for n, d, g, m, c, bu, b, a, f in zip(
            foods["NDB_No"], foods["Long_Desc"], foods["FdGrp_Desc"], foods["ManufacName"],
            nutr[usda.NUTR_CHOLESTEROL], nutr[usda.NUTR_BUTYRIC], nutr[usda.NUTR_B12],
            nutr[usda.NUTR_B12_ADDED], forts, strict=True)
    ]
    out = pd.DataFrame({
        "food_id": "sr28:" + foods["NDB_No"],
        "source": "sr28",
        "description": foods["Long_Desc"],
        "group": foods["FdGrp_Desc"],
        "manufacturer": foods["ManufacName"],
        "b12_ug": nutr[usda.NUTR_B12].to_numpy(),
        "b12_added_ug": nutr[usda.NUTR_B12_ADDED].to_numpy(),
        "kcal": nutr[usda.NUTR_KCAL].to_numpy(),
        "protein_g": nutr[usda.NUTR_PROTEIN].to_numpy(),
    })
    out = _add_classes(out, classes, forts)
    w = usda.read_sr28_weights(sr28_dir)
    portions = pd.DataFrame({
        "food_id": "sr28:" + w["NDB_No"],
        "seq": w["Seq"],
        "label": [f"{a:g} {d}" for a, d in zip(w["Amount"], w["Msre_Desc"], strict=True)],
        "grams": w["Gm_Wgt"].astype("float64"),
    })
    return out, portions


def _fndds_foods(fndds_dir: Path, sr_classes: dict[int, DietClass]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """FNDDS food rows (FOOD_COLUMNS) and portion rows (PORTION_COLUMNS)."""
    foods = usda.read_fndds_foods(fndds_dir)
    nutr = usda.read_fndds_nutrients(fndds_dir).set_index("Food code")
    ingr = usda.read_fndds_ingredients(fndds_dir).sort_values(
        ["Food code", "Seq num"], kind="stable")
    ingredients = {
        int(code): list(zip(g["Ingredient code"].astype(int), g["Ingredient description"],
                            strict=True))
        for code, g in ingr.groupby("Food code", sort=True)
    }
    descriptions = dict(zip(foods["Food code"].astype(int), foods["Main food description"],
                            strict=True))
    nutr = nutr.reindex(foods["Food code"])
    forts = [
        infer_fortified(d, g, " ; ".join(x for _, x in ingredients.get(int(c), ())), b, a)
        for c, d, g, b, a in zip(foods["Food code"], foods["Main food description"],
                                 foods["WWEIA Category description"], nutr[usda.FNDDS_B12],
                                 nutr[usda.FNDDS_B12_ADDED], strict=True)
    ]
    figures = {
        int(c): Figures(ch, bu, b, a, f.fortified)
        for c, ch, bu, b, a, f in zip(foods["Food code"], nutr[usda.FNDDS_CHOLESTEROL],
                                      nutr[usda.FNDDS_BUTYRIC], nutr[usda.FNDDS_B12],
                                      nutr[usda.FNDDS_B12_ADDED], forts, strict=True)
    }
    classes_by_code = classify_fndds(descriptions, ingredients, sr_classes, figures)
    out = pd.DataFrame({
        "food_id": [f"fndds:{int(c):08d}" for c in foods["Food code"]],
        "source": "fndds",
        "description": foods["Main food description"].to_numpy(),
        "group": foods["WWEIA Category description"].to_numpy(),
        "manufacturer": "",
        "b12_ug": nutr[usda.FNDDS_B12].to_numpy(),
        "b12_added_ug": nutr[usda.FNDDS_B12_ADDED].to_numpy(),
        "kcal": nutr[usda.FNDDS_KCAL].to_numpy(),
        "protein_g": nutr[usda.FNDDS_PROTEIN].to_numpy(),
    })
    out = _add_classes(out, [classes_by_code[int(c)] for c in foods["Food code"]], forts)
    p = usda.read_fndds_portions(fndds_dir)
    p = p.loc[p["Portion weight (g)"] > 0]  # drops the 0 g "Quantity not specified" rows
    portions = pd.DataFrame({
        "food_id": [f"fndds:{int(c):08d}" for c in p["Food code"]],
        "seq": p["Seq num"].to_numpy(),
        "label": p["Portion description"].to_numpy(),
        "grams": p["Portion weight (g)"].astype("float64").to_numpy(),
    })
    return out, portions


def _add_classes(df: pd.DataFrame, classes: list[DietClass],
                 forts: list[Fortification]) -> pd.DataFrame:
    """Add diet, fortification and reliability columns to food rows (pure)."""
    df = df.copy()
    df["diet"] = [k.diet for k in classes]
    df["diet_basis"] = [k.basis for k in classes]
    df["diet_verified"] = [k.verified for k in classes]
    fort = [fortified_b12(b, a, d, f) for b, a, d, f in
            zip(df["b12_ug"], df["b12_added_ug"], df["diet"], forts, strict=True)]
    df["b12_fortified_ug"] = [f[0] for f in fort]
    df["fortified_basis"] = [f[1] for f in fort]
    rel = [b12_reliability(t, d, a) for t, d, a in
           zip(df["description"], df["diet"], df["b12_added_ug"], strict=True)]
    df["b12_reliable"] = [r[0] for r in rel]
    df["b12_note"] = [r[1] for r in rel]
    return df


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n",
              compression=GZIP, encoding="utf-8")


def build(sr28_dir: str | Path, fndds_dir: str | Path, out_dir: str | Path) -> dict[str, int]:
    """Build ``foods.csv.gz``, ``portions.csv.gz`` and ``SOURCES.md`` in ``out_dir``.

    Parameters
    ----------
    sr28_dir : path
        Folder of the SR28 ASCII release.
    fndds_dir : path
        Folder of the FNDDS 2021-2023 "At A Glance" workbooks.
    out_dir : path
        Output folder (created if needed).

    Returns
    -------
    dict of str to int
        Counts: foods per source, with/without a B12 value, portions, foods per diet
        class, unverified and unreliable foods.
    """
    sr28_dir, fndds_dir, out_dir = Path(sr28_dir), Path(fndds_dir), Path(out_dir)
    sr_foods, sr_portions = _sr28_foods(sr28_dir)
    sr_classes = {
        int(fid.split(":")[1]): DietClass(d, b, v)
        for fid, d, b, v in zip(sr_foods["food_id"], sr_foods["diet"], sr_foods["diet_basis"],
                                sr_foods["diet_verified"], strict=True)
    }
    fn_foods, fn_portions = _fndds_foods(fndds_dir, sr_classes)

    foods = pd.concat([sr_foods, fn_foods], ignore_index=True)
    foods = foods.sort_values("food_id", kind="stable").reset_index(drop=True)
    foods = foods[list(FOOD_COLUMNS)]
    for col, dtype in FOOD_COLUMNS.items():
        foods[col] = foods[col].fillna("").astype(str) if dtype == "str" else \
            foods[col].astype(dtype)
    if foods["food_id"].duplicated().any():
        raise ValueError("duplicate food_id in the built table")
    portions = pd.concat([sr_portions, fn_portions], ignore_index=True)
    portions = portions.sort_values(["food_id", "seq"], kind="stable").reset_index(drop=True)
    portions = portions[list(PORTION_COLUMNS)].astype(PORTION_COLUMNS)

    counts = table_counts(foods, portions)
    inputs = ([(f"sr28/{p.name}", usda.sha256_file(p)) for p in usda.sr28_input_files(sr28_dir)]
              + [(f"fndds-2021-2023/{p.name}", usda.sha256_file(p))
                 for p in usda.fndds_input_files(fndds_dir)])
    sources = sources_markdown(counts, inputs)
    write_tables(out_dir, foods, portions, sources)
    return counts


def write_tables(out_dir: str | Path, foods: pd.DataFrame, portions: pd.DataFrame,
                 sources: str) -> list[str]:
    """Replace the three output files of ``out_dir`` together (nothing half-written).

    They are written into a staging folder beside ``out_dir`` and moved in by
    :func:`planner._files.publish_files`: killed while writing, the build leaves the old
    files as they were; killed while moving them in, the next load of the table (or the
    next build) finishes the move, so ``foods.csv.gz`` and ``portions.csv.gz`` always come
    from the same build. Other files in ``out_dir`` are left alone.
    """
    return publish_files(out_dir, {
        FOODS_FILE: lambda path: _write_csv(foods, path),
        PORTIONS_FILE: lambda path: _write_csv(portions, path),
        SOURCES_FILE: lambda path: path.write_text(sources, encoding="utf-8"),
    })


def table_counts(foods: pd.DataFrame, portions: pd.DataFrame) -> dict[str, int]:
    """Counts reported in SOURCES.md (pure)."""
    c: dict[str, int] = {"foods": len(foods), "portions": len(portions)}
    for src in ("sr28", "fndds"):
        f = foods.loc[foods["source"] == src]
        c[f"foods_{src}"] = len(f)
        c[f"b12_known_{src}"] = int(f["b12_ug"].notna().sum())
        c[f"b12_unknown_{src}"] = int(f["b12_ug"].isna().sum())
        c[f"b12_above_zero_{src}"] = int((f["b12_ug"] > 0).sum())
        c[f"portions_{src}"] = int(portions["food_id"].str.startswith(src + ":").sum())
    c["b12_known"] = int(foods["b12_ug"].notna().sum())
    c["b12_unknown"] = int(foods["b12_ug"].isna().sum())
    for d in DIET_ORDER:
        c[f"diet_{d}"] = int((foods["diet"] == d).sum())
    c["diet_unverified"] = int((~foods["diet_verified"]).sum())
    c["b12_unreliable"] = int((~foods["b12_reliable"]).sum())
    for basis in FORTIFIED_BASES:
        c[f"fortified_{basis}"] = int((foods["fortified_basis"] == basis).sum())
    basis = foods["diet_basis"].astype(str)
    c["diet_by_figures"] = int(basis.str.startswith("USDA figures").sum())
    c["diet_by_name_over_recipe"] = int(basis.str.contains("(USDA's recipe:", regex=False).sum())
    return c


#: ``fortified_basis`` values of the built table, in the order SOURCES.md lists them.
FORTIFIED_BASES = ("plant_food", "usda_added", "inferred_category", "inferred_ingredients",
                   "inferred_name", "none")


def sources_markdown(counts: dict[str, int], inputs: list[tuple[str, str]]) -> str:
    """Text of ``data/SOURCES.md`` (pure, no timestamps)."""
    n = counts

    def f(k: str) -> str:
        return f"{n[k]:,}"

    lines = [
        "# Sources of the food tables",
        "",
        "Generated by `planner.pipeline.build.build` from the raw USDA releases; do not edit "
        "by hand.",
        "",
        "## Releases used",
        "",
        f"- {SR28_CITATION} ASCII release (`sr28/`).",
        f"- {FNDDS_CITATION} \"At A Glance\" workbooks (`fndds-2021-2023/`).",
        "",
        "Both are public-domain USDA data; USDA asks to be cited as the source (above).",
        "",
        "## Tables",
        "",
        "| file | rows |",
        "|---|---|",
        f"| `foods.csv.gz` | {f('foods')} foods |",
        f"| `portions.csv.gz` | {f('portions')} household portions |",
        "",
        "B12 values are per 100 g edible portion, exactly as USDA gives them (SR nutrient 418,",
        "\"added\" 578; FNDDS \"Vitamin B-12 (mcg)\", \"Vitamin B-12, added (mcg)\"). A food",
        "without a value has an empty `b12_ug` (unknown, not zero).",
        "",
        "| source | foods | with B12 value | B12 above 0 | without B12 value | portions |",
        "|---|---|---|---|---|---|",
        f"| SR28 (`sr28:<NDB_No>`) | {f('foods_sr28')} | {f('b12_known_sr28')} | "
        f"{f('b12_above_zero_sr28')} | {f('b12_unknown_sr28')} | {f('portions_sr28')} |",
        f"| FNDDS 2021-2023 (`fndds:<food code>`) | {f('foods_fndds')} | "
        f"{f('b12_known_fndds')} | {f('b12_above_zero_fndds')} | {f('b12_unknown_fndds')} | "
        f"{f('portions_fndds')} |",
        f"| total | {f('foods')} | {f('b12_known')} | "
        f"{n['b12_above_zero_sr28'] + n['b12_above_zero_fndds']:,} | {f('b12_unknown')} | "
        f"{f('portions')} |",
        "",
        "FNDDS portions of 0 g (\"Quantity not specified\") are dropped.",
        "",
        "## Derived columns",
        "",
        "| diet class | foods |",
        "|---|---|",
        *[f"| {d} | {f('diet_' + d)} |" for d in DIET_ORDER],
        "",
        f"- Diet class not verified (no ingredient list; check the label): "
        f"{f('diet_unverified')} foods.",
        f"- B12 not dependable (`b12_reliable` False: algae, tempeh, miso, shiitake ...): "
        f"{f('b12_unreliable')} foods.",
        f"- Diet class raised by USDA's own figures (cholesterol ≥ 5 mg/100 g, or natural "
        f"B12 in a food neither fortified nor an alga, fungus or fermented food): "
        f"{f('diet_by_figures')} foods (all unverified).",
        f"- FNDDS foods whose name names an animal ingredient USDA's recipe replaces (honey "
        f"roasted, made with sugar): {f('diet_by_name_over_recipe')} foods, classed by the name.",
        "- `fortified_basis`: "
        + ", ".join(f"{b} {f('fortified_' + b)}" for b in FORTIFIED_BASES) + ".",
        "",
        "Fortification (crystalline B12), whatever the diet class "
        "(`planner.model.reliability.infer_fortified`, the same rule for FoodData Central and "
        "label foods): USDA's added B12 where it is given (above 0); else all the B12 of a "
        "food in a fortified category (ready-to-eat cereals, formulated and nutrition bars, "
        "meal-replacement and nutritional drinks, protein powders, plant milks and "
        "yoghurts, meat analogues, energy drinks, enhanced waters, infant formula and "
        "cereal: grain and drink bases have no B12 of their own), of a food whose "
        "ingredients name B12 (\"cyanocobalamin\", \"vitamin B12\", FNDDS \"Vitamin B-12 as "
        "ingredient\") or whose name says it is fortified; and all the B12 of a food with no "
        "animal ingredient (`plant_food`: plants make no B12).",
        "",
        "Diet classes use every signal in the releases: FNDDS ingredient lists, SR food "
        "groups, LanguaL descriptors, the words of the name, and USDA's nutrient figures "
        "(thresholds and every exception with its reason: `planner/model/diet.py`, "
        "`FIGURE_EXCEPTIONS`; rules: docs/model.md).",
        "",
        "## Input files (SHA-256)",
        "",
        "| file | sha256 |",
        "|---|---|",
        *[f"| `{name}` | `{digest}` |" for name, digest in inputs],
        "",
        "## Rebuild",
        "",
        "```",
        "# the releases, fetched and checked (into <user data dir>/usda, or --dest DIR):",
        "python -m planner data download --no-build --dest ~/usda",
        "python -m planner data build --sr28 ~/usda/sr28 --fndds ~/usda/fndds-2021-2023 "
        "--out data",
        "```",
        "",
        "Rebuilding from the same inputs gives byte-identical files.",
        "",
    ]
    return "\n".join(lines)



__all__ = ["build", "table_counts", "sources_markdown"]
