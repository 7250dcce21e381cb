"""Adapters to the world outside the model, named by what they touch.

``read_``/``write_``/``save_``/``load_``: plan CSV files, the user's folder (saved plans,
the profile, saved foods; ``$B12_PLANNER_HOME`` is read only here), survey diaries (XPT),
the shipped examples and the PDF report. ``get_``/``parse_``: USDA FoodData Central, whose
client is handed its key and address. Modules here may import the model and the base.
Import what you need from :mod:`planner`, the public face.
"""
