"""The approval workflow for injury reports, as pure rules.

The company's own flow is built in by default: the employee reports, the department manager
reviews, HR confirms, HR files with the social-insurance office (the employer must file within 30
days, Regulations Art. 17 ¶1). HR or admin may add, remove, reorder and assign steps to roles; a
report moves one step at a time and no step can be skipped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from portal.auth.policy import Role


class Decision(str, enum.Enum):
    APPROVE = "approve"
    RETURN = "return"  # back to the previous step, with a comment


@dataclass(frozen=True)
class Step:
    """One step; ``key`` is internal (built-in steps have translated names), ``label`` is the name HR
    gave a step it added."""

    key: str
    role: Role
    label: str = ""


DEFAULT_STEPS = (
    Step("report", Role.EMPLOYEE),
    Step("department_review", Role.MANAGER),
    Step("hr_confirmation", Role.HR),
    Step("insurance_filing", Role.HR),
)


class WorkflowError(ValueError):
    """A change the workflow does not allow; ``code`` names the reason for the message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def validate_steps(steps: tuple[Step, ...]) -> None:
    """A workflow needs at least one step, unique keys, and a report step first (someone reports)."""
    if not steps:
        raise WorkflowError("empty")
    if len({s.key for s in steps}) != len(steps):
        raise WorkflowError("duplicate_step")
    if steps[0].key != "report":
        raise WorkflowError("report_first")


def add_step(steps: tuple[Step, ...], step: Step, position: int) -> tuple[Step, ...]:
    updated = steps[:position] + (step,) + steps[position:]
    validate_steps(updated)
    return updated


def remove_step(steps: tuple[Step, ...], key: str) -> tuple[Step, ...]:
    if key not in {s.key for s in steps}:
        raise WorkflowError("unknown_step")
    updated = tuple(s for s in steps if s.key != key)
    validate_steps(updated)
    return updated


def move_step(steps: tuple[Step, ...], key: str, position: int) -> tuple[Step, ...]:
    step = next((s for s in steps if s.key == key), None)
    if step is None:
        raise WorkflowError("unknown_step")
    rest = tuple(s for s in steps if s.key != key)
    return add_step(rest, step, max(0, min(position, len(rest))))


def move_by(steps: tuple[Step, ...], key: str, offset: int) -> tuple[Step, ...]:
    """Move a step one place up (-1) or down (+1); the pure rules keep the report step first."""
    index = next((i for i, s in enumerate(steps) if s.key == key), None)
    if index is None:
        raise WorkflowError("unknown_step")
    return move_step(steps, key, index + offset)


@dataclass(frozen=True)
class Progress:
    """Where one report stands: the index of the step waiting for a decision (len(steps): done)."""

    current: int

    def done(self, steps: tuple[Step, ...]) -> bool:
        return self.current >= len(steps)


def decide(steps: tuple[Step, ...], progress: Progress, step_key: str, role: Role, decision: Decision,
           comment: str = "") -> Progress:
    """Apply one decision. Only the waiting step may be decided (no skipping), only by its role
    (admin stands in for any role), and a return needs a comment saying why."""
    if progress.done(steps):
        raise WorkflowError("already_done")
    waiting = steps[progress.current]
    if step_key != waiting.key:
        raise WorkflowError("not_the_waiting_step")
    if role is not waiting.role and role is not Role.ADMIN:
        raise WorkflowError("wrong_role")
    if decision is Decision.RETURN:
        if not comment.strip():
            raise WorkflowError("comment_required")
        return Progress(max(progress.current - 1, 0))
    return Progress(progress.current + 1)


def next_approver_role(steps: tuple[Step, ...], progress: Progress) -> Role | None:
    """Who is notified next (None once the report is filed)."""
    return None if progress.done(steps) else steps[progress.current].role
