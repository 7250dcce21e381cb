"""The model: pure functions and small objects over the shipped data.

Foods and search, plans, the absorption model, recommendations, profiles, verdicts, body
stores, evaluation, suggestions, labs and symptoms, batch evaluation, and the diet and
reliability rules the build uses. Modules here import only each other and the base
(``planner.errors``, ``planner.schema``, ``planner._paths``, ``planner._files``); they
read shipped data files and never the user's folder, the network or the environment.
Import what you need from :mod:`planner`, the public face.
"""
