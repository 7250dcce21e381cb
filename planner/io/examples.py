"""Example meal plans: four realistic weeks built from the shipped USDA table.

Each example is a plan CSV in the export format (``data/examples/<name>.csv``), read
through :func:`planner.io.plan_csv.plan_from_csv`, so the examples exercise the same import
path as a user's file. Foods are real table ids with USDA household portions.

The weeks are honest rather than flattering:

``vegan``
    Oatmeal, beans, lentils, tofu, nuts; fortified soy milk on three days only, and
    tempeh, nori and miso, which are *not* reliable B12 sources (counted 0). Low in B12,
    so the suggestions matter.
``vegetarian``
    Modest dairy and eggs (yogurt, cheese, milk in oatmeal, eggs twice a week).
``older_adult``
    A 70-year-old omnivore's usual food: toast and tea with milk, soup, small portions
    of chicken, beef stew or fish, corn flakes twice a week. Enough B12 on paper, nearly
    all of it food-bound (which absorbs poorly with low stomach acid).
``omnivore``
    A usual mixed week: eggs, dairy, meat, fish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner._paths import data_path
from planner.errors import InputError


@dataclass(frozen=True)
class Example:
    """One example week and the person it was written for."""

    name: str
    title: str
    description: str
    file: str
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def person(self) -> str:
        """The person in words: "a 30-year-old woman, vegan"."""
        p = self.profile
        who = {"female": "woman", "male": "man"}.get(str(p.get("sex")), "person")
        return f"a {p.get('age')}-year-old {who}, {p.get('diet')}"

    @property
    def path(self) -> Path:
        """Where the plan CSV is (the packaged copy, else the source checkout's)."""
        return data_path(f"examples/{self.file}")


#: The examples, in the order the app lists them.
EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in (
        Example(
            "vegan", "Vegan week",
            "Oats, beans, lentils, tofu and nuts; fortified soy milk on 3 days; tempeh, "
            "nori and miso (not reliable B12 sources).",
            "vegan.csv", {"age": 30, "sex": "female", "diet": "vegan"},
        ),
        Example(
            "vegetarian", "Vegetarian week",
            "Modest dairy and eggs: yogurt, cheese sandwiches, milk in oatmeal, eggs twice.",
            "vegetarian.csv", {"age": 40, "sex": "female", "diet": "vegetarian"},
        ),
        Example(
            "older_adult", "Older adult's week (70)",
            "Toast and tea with milk, soup, small portions of chicken, stew or fish; "
            "corn flakes twice.",
            "older_adult.csv", {"age": 70, "sex": "male", "diet": "omnivore"},
        ),
        Example(
            "omnivore", "Omnivore week",
            "A usual mixed week: eggs, dairy, meat and fish.",
            "omnivore.csv", {"age": 35, "sex": "male", "diet": "omnivore"},
        ),
    )
}


def example_names() -> list[str]:
    """Names of the example weeks, in display order."""
    return list(EXAMPLES)


def load_example(name: str, foods: Any = None) -> pd.DataFrame:
    """Read one example week as a validated plan.

    Parameters
    ----------
    name : str
        One of :func:`example_names`.
    foods : FoodTable, optional
        Check every food id against this table (recommended).

    Returns
    -------
    pandas.DataFrame
        The plan, as :func:`planner.io.plan_csv.plan_from_csv` returns it.

    Raises
    ------
    InputError
        Unknown name.
    """
    from planner.io.plan_csv import plan_from_csv

    if name not in EXAMPLES:
        raise InputError(f"No example called {name!r}; choose one of {', '.join(EXAMPLES)}.")
    return plan_from_csv(EXAMPLES[name].path, foods)


__all__ = ["EXAMPLES", "Example", "example_names", "load_example"]
