"""The approval workflow: order, roles, no skipping, editing the steps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.auth.policy import Role
from portal.workbench.workflow import (
    DEFAULT_STEPS,
    Decision,
    Progress,
    Step,
    WorkflowError,
    add_step,
    decide,
    move_by,
    move_step,
    next_approver_role,
    remove_step,
)

START = Progress(0)


def test_the_default_flow_runs_in_order():
    progress = START
    for step in DEFAULT_STEPS:
        assert next_approver_role(DEFAULT_STEPS, progress) is step.role
        progress = decide(DEFAULT_STEPS, progress, step.key, step.role, Decision.APPROVE)
    assert progress.done(DEFAULT_STEPS) and next_approver_role(DEFAULT_STEPS, progress) is None


def test_no_step_can_be_skipped():
    with pytest.raises(WorkflowError, match="not_the_waiting_step"):
        decide(DEFAULT_STEPS, START, "hr_confirmation", Role.HR, Decision.APPROVE)


@pytest.mark.parametrize("role,allowed", [(Role.EMPLOYEE, False), (Role.HR, False), (Role.MANAGER, True),
                                          (Role.ADMIN, True)])
def test_only_the_steps_role_decides(role, allowed):
    at_review = Progress(1)
    if allowed:
        assert decide(DEFAULT_STEPS, at_review, "department_review", role, Decision.APPROVE) == Progress(2)
    else:
        with pytest.raises(WorkflowError, match="wrong_role"):
            decide(DEFAULT_STEPS, at_review, "department_review", role, Decision.APPROVE)


def test_a_return_needs_a_comment_and_goes_back_one_step():
    with pytest.raises(WorkflowError, match="comment_required"):
        decide(DEFAULT_STEPS, Progress(2), "hr_confirmation", Role.HR, Decision.RETURN, " ")
    assert decide(DEFAULT_STEPS, Progress(2), "hr_confirmation", Role.HR, Decision.RETURN, "事故经过不完整") == Progress(1)


def test_finished_reports_take_no_more_decisions():
    with pytest.raises(WorkflowError, match="already_done"):
        decide(DEFAULT_STEPS, Progress(4), "insurance_filing", Role.HR, Decision.APPROVE)


def test_add_remove_and_reorder_steps():
    safety = Step("safety_officer", Role.MANAGER)
    steps = add_step(DEFAULT_STEPS, safety, 2)
    assert [s.key for s in steps][:3] == ["report", "department_review", "safety_officer"]
    steps = move_step(steps, "safety_officer", 1)
    assert [s.key for s in steps][:3] == ["report", "safety_officer", "department_review"]
    assert [s.key for s in remove_step(steps, "department_review")] == [
        "report", "safety_officer", "hr_confirmation", "insurance_filing"]


@pytest.mark.parametrize("change,code", [
    (lambda s: remove_step(s, "report"), "report_first"),
    (lambda s: move_step(s, "hr_confirmation", 0), "report_first"),
    (lambda s: add_step(s, Step("report", Role.HR), 1), "duplicate_step"),
    (lambda s: remove_step(s, "nope"), "unknown_step"),
])
def test_edits_that_break_the_flow_are_refused(change, code):
    with pytest.raises(WorkflowError, match=code):
        change(DEFAULT_STEPS)


@given(st.lists(st.sampled_from([s.key for s in DEFAULT_STEPS]), max_size=12))
def test_progress_only_ever_moves_one_step_at_a_time(attempts):
    progress = START
    for key in attempts:
        step = next(s for s in DEFAULT_STEPS if s.key == key)
        try:
            moved = decide(DEFAULT_STEPS, progress, key, step.role, Decision.APPROVE)
        except WorkflowError:
            continue
        assert moved.current == progress.current + 1
        progress = moved


def test_move_by_moves_one_place_and_keeps_the_report_first():
    steps = DEFAULT_STEPS
    assert [s.key for s in move_by(steps, "insurance_filing", -1)] == [
        "report", "department_review", "insurance_filing", "hr_confirmation"]
    assert move_by(steps, "insurance_filing", 1) == steps  # already last: stays
    with pytest.raises(WorkflowError) as error:
        move_by(steps, "department_review", -1)
    assert error.value.code == "report_first"
    with pytest.raises(WorkflowError):
        move_by(steps, "no_such_step", 1)
