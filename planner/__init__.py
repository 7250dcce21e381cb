"""B12 Planner: does a diet give enough vitamin B12, and what to add when it does not.

The public API is re-exported here; nothing in this package imports Streamlit.
"""

from planner.errors import DataFileError, InputError, UnknownFoodError
from planner.foods import FoodTable, load_foods
from planner.schema import DIET_ORDER

__version__ = "0.1.0"

__all__ = [
    "DIET_ORDER",
    "DataFileError",
    "FoodTable",
    "InputError",
    "UnknownFoodError",
    "load_foods",
]
