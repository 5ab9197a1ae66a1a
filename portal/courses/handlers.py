"""Reactions of the courses domain to other domains' signals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.courses.models import Course
from portal.courses.operations import assign_on_hire, current_assignment
from portal.extensions import db

PAPER_RECEIPT = "paper_acknowledgement_recorded"


def assign_onboarding(sender: Any, **details: Any) -> None:
    """A new hire gets the onboarding courses (and the short-tenure ones on a short-term contract)."""
    assign_on_hire(details["employee"], details.get("by_user_id"), details["origin"])


def assign_for_new_contract(sender: Any, **details: Any) -> None:
    """A contract changed to short-term brings the short-tenure course (onboarding is already there)."""
    assign_on_hire(details["employee"], details.get("by_user_id"), details["origin"])


def complete_on_paper(sender: Any, **details: Any) -> None:
    """A paper receipt for a course, recorded by HR on the employee's behalf, completes the
    current assignment (the receipt and its scan are the acknowledgement)."""
    event = details["event"]
    if event.event_type != PAPER_RECEIPT or event.content_kind != "course":
        return
    slug = event.content_ref.partition(":")[2]
    course = db.session.execute(sa.select(Course).where(Course.slug == slug)).scalar_one_or_none()
    assignment = current_assignment(course, event.employee_id) if course is not None else None
    if assignment is not None and assignment.acknowledged_at is None:
        assignment.acknowledged_at = event.occurred_at
