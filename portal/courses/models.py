"""Courses, their immutable versions, assignments, progress, quiz attempts and acknowledgements."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.types import UTCDateTime, utcnow
from portal.courses.rules import AssignmentReason
from portal.core.listing import nulls_first
from portal.core.records import HasSnapshot
from portal.core.tallies import Tally, due_date_key, emptied_index, register
from portal.extensions import db
from portal.org.models import BelongsToEmployee, Employee


def _enum(kind: type) -> sa.Enum:
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    order: Mapped[int]
    audience: Mapped[str] = mapped_column(sa.String(100))  # comma-separated audiences
    due_days: Mapped[int]
    pass_mark: Mapped[int]
    validity_months: Mapped[int | None]  # an acknowledgement expires after this many months (renewal)
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[CourseVersion]] = relationship(back_populates="course", order_by="CourseVersion.id")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_zh

    @property
    def audiences(self) -> set[str]:
        return set(filter(None, self.audience.split(",")))


class CourseVersion(HasSnapshot, db.Model):
    """One exact content of a course in one locale. Never changed once written: old receipts
    render from their own version forever."""

    __tablename__ = "course_versions"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "locale", "number"),
        sa.UniqueConstraint("course_id", "locale", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(10))
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    snapshot_json: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    change_kind: Mapped[str | None] = mapped_column(sa.String(10))  # minor | material; None for the first version
    change_by: Mapped[str] = mapped_column(sa.String(100), default="")
    change_note: Mapped[str] = mapped_column(sa.String(500), default="")

    course: Mapped[Course] = relationship(back_populates="versions")


class Assignment(BelongsToEmployee, db.Model):
    """A course given to one employee; a new version that requires it starts a new cycle."""

    __tablename__ = "course_assignments"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "employee_id", "cycle"),
        # One course's assignments, and the matrix sorted by due date read in that order.
        sa.Index("ix_course_assignments_course_due", "course_id", "due_date", "id"),  # id: ties in order
        # The matrix sorted by acknowledgement, either direction (``nulls_low``: not yet acknowledged first).
        sa.Index("ix_course_assignments_course_acknowledged", "course_id", nulls_first(sa.column("acknowledged_at")), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"))  # indexed with the due date
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    # No index of its own: most assignments are current, and SQLite's planner would pick a boolean
    # index over the selective ones (employee, course), scanning every assignment.
    is_current: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[AssignmentReason] = mapped_column(_enum(AssignmentReason))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_date: Mapped[date]
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quiz_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    course: Mapped[Course] = relationship()
    employee: Mapped[Employee] = relationship()
    acknowledgement: Mapped[Acknowledgement | None] = relationship(back_populates="assignment")


class LessonProgress(db.Model):
    __tablename__ = "course_lesson_progress"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "version_id", "lesson_number", name="uq_lesson_progress_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("course_assignments.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_versions.id"))
    lesson_number: Mapped[int]
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seconds_spent: Mapped[int] = mapped_column(default=0)


class QuizAttempt(db.Model):
    __tablename__ = "course_quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("course_assignments.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_versions.id"))
    answers_json: Mapped[str] = mapped_column(sa.Text)
    correct: Mapped[int]
    total: Mapped[int]
    percent: Mapped[int]
    passed: Mapped[bool]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Acknowledgement(BelongsToEmployee, db.Model):
    """The employee's explicit confirmation, bound to the exact version they read."""

    __tablename__ = "course_acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("course_assignments.id"), unique=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_versions.id"))
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    receipt_number: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    statement: Mapped[str] = mapped_column(sa.Text)
    typed_name: Mapped[str] = mapped_column(sa.String(100))
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    event_hash: Mapped[str | None] = mapped_column(sa.String(64))

    assignment: Mapped[Assignment] = relationship(back_populates="acknowledgement")
    version: Mapped[CourseVersion] = relationship()
    employee: Mapped[Employee] = relationship()


STATUS_TALLY = register(Tally(
    table="course_status_counts",
    source="course_assignments",
    keys=(
        ("course_id", "{r}.course_id"),
        ("department_id", "{e}.department_id"),
        ("contract_type", "{e}.contract_type"),
        ("state", "CASE WHEN {r}.acknowledged_at IS NOT NULL THEN 'acknowledged' WHEN {r}.quiz_passed_at IS NOT NULL "
                  "THEN 'quiz_passed' WHEN {r}.first_opened_at IS NOT NULL THEN 'in_progress' ELSE 'not_started' END"),
        due_date_key("acknowledged_at"),
    ),
    member="{r}.is_current",
    watched=("course_id", "employee_id", "is_current", "due_date", "first_opened_at", "quiz_passed_at", "acknowledged_at"),
    moves_with=("department_id", "contract_type"),
))


class CourseStatusCount(db.Model):
    """How many current assignments of a course are in each state (acknowledged, quiz passed, in
    progress, not started), by department, contract type and due date: the matrix's counts read
    these few rows, and "overdue" is the unacknowledged ones due before today. Kept by database
    triggers (portal.core.tallies), never written by the portal."""

    __tablename__ = STATUS_TALLY.table
    __table_args__ = (emptied_index(STATUS_TALLY.table),)

    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    contract_type: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    due_date: Mapped[date] = mapped_column(primary_key=True)
    n: Mapped[int]
