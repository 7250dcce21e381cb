"""The B12 Planner web app's components (Streamlit lives here and in ``app.py`` only).

``app.py`` assembles the page from these modules; every computation is a call into the
public face of :mod:`planner` (``import planner``), never into its modules.

- :mod:`ui.state`: session state (keys as names, the Profile ⇄ widgets mapping, the plan
  store with undo and persistence, cached per-person results, notices);
- :mod:`ui.text`: text from outside shown as text, the words shown to people;
- components, top to bottom: :mod:`ui.sidebar` (who the plan is for), :mod:`ui.start`,
  :mod:`ui.results` (verdict), :mod:`ui.charts`, :mod:`ui.store_outlook`,
  :mod:`ui.suggestions`, :mod:`ui.editor` (the plan table, download, saved plans),
  :mod:`ui.add_forms` (food, supplement, label food, saved foods), :mod:`ui.fdc_panel`,
  :mod:`ui.about`.
"""
