"""The verdict vocabulary: one table, the same keys everywhere, exit codes."""

from __future__ import annotations

import numpy as np
import pytest

import planner
from planner.model.verdicts import VERDICTS, Verdict, decide, decide_many, exit_code, help_text


def test_the_vocabulary_is_the_issue_list_and_exported():
    assert [v.value for v in Verdict] == ["meets_goal", "adequate", "below_requirement",
                                          "below_ai", "needs_clinician"]
    assert planner.Verdict is Verdict and planner.VERDICTS is VERDICTS
    for v in Verdict:
        info = VERDICTS[v]
        assert info.key == v.value and info.label and info.explanation and info.source


def test_only_meets_goal_and_adequate_are_ok_and_never_green_otherwise():
    assert {v.value for v in Verdict if v.is_ok} == {"meets_goal", "adequate"}
    assert [exit_code(v) for v in Verdict] == [0, 0, 1, 1, 1]
    for v in (Verdict.BELOW_REQUIREMENT, Verdict.BELOW_AI, Verdict.NEEDS_CLINICIAN):
        assert v.tone != "success"
    assert Verdict.MEETS_GOAL.tone == "success"


@pytest.mark.parametrize("absorbed,target,req,clin,want", [
    (1.3, 1.2, 1.0, False, "meets_goal"),
    (1.2, 1.2, 1.0, False, "meets_goal"),
    (1.1, 1.2, 1.0, False, "adequate"),
    (0.9, 1.2, 1.0, False, "below_requirement"),
    (1.9, 2.0, None, False, "below_ai"),
    (2.0, 2.0, None, False, "meets_goal"),
    (50.0, 1.2, 1.0, True, "needs_clinician"),
])
def test_decide(absorbed, target, req, clin, want):
    assert decide(absorbed, target, req, clin) == want
    got = decide_many(np.array([absorbed]), np.array([target]),
                      np.array([np.nan if req is None else req]), np.array([clin]))
    assert got.tolist() == [want]


def test_help_text_lists_every_verdict_and_exit_code():
    text = help_text()
    for v in Verdict:
        assert v.value in text
    assert "exit 2" in text
