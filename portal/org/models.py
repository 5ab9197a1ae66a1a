"""Departments and employees."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.tallies import Tally, emptied_index, register
from portal.core.types import UTCDateTime, utcnow
from portal.extensions import db
from portal.org.rules import ContractType, EmploymentStatus

department_managers = sa.Table(
    "department_managers",
    db.metadata,
    sa.Column("department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("employee_id", sa.ForeignKey("employees.id", ondelete="CASCADE"), nullable=False, unique=True),
)
"""One manager per department; a link table avoids a departments <-> employees foreign-key cycle."""


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))

    employees: Mapped[list[Employee]] = relationship(back_populates="department", foreign_keys="Employee.department_id")
    manager: Mapped[Employee | None] = relationship(secondary=department_managers, viewonly=False, uselist=False)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh

    @classmethod
    def name_column(cls, locale: str, table: type[Department] | None = None) -> sa.ColumnElement[str]:
        """``name(locale)`` as a column of ``table`` (this one or an alias of it), for rows read without objects."""
        table = table or cls
        return table.name_en if locale == "en" else table.name_zh


class Employee(db.Model):
    __tablename__ = "employees"
    # The matrix filtered by contract type, in number order: short-term contracts are few, and
    # walking every number to find 50 of them read the whole company.
    __table_args__ = (sa.Index("ix_employees_contract_number", "contract_type", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), index=True)  # the list's sorts read pages from the index
    hire_date: Mapped[date] = mapped_column(index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    contract_type: Mapped[ContractType] = mapped_column(
        sa.Enum(ContractType, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    preferred_locale: Mapped[str] = mapped_column(sa.String(10), default="zh_CN")
    status: Mapped[EmploymentStatus] = mapped_column(
        sa.Enum(EmploymentStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=EmploymentStatus.ACTIVE,
    )
    left_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    department: Mapped[Department] = relationship(back_populates="employees", foreign_keys=[department_id])

    # The authorization policy reads these two to decide who may see this employee's records.
    @property
    def subject_employee_id(self) -> int:
        return self.id

    @property
    def subject_department_id(self) -> int:
        return self.department_id


class BelongsToEmployee:
    """Mixin for records of one employee (needs ``employee_id`` and an ``employee`` relationship):
    the authorization policy reads these two properties."""

    employee_id: int
    employee: Employee

    @property
    def subject_employee_id(self) -> int:
        return self.employee_id

    @property
    def subject_department_id(self) -> int:
        return self.employee.department_id


HEADCOUNT_TALLY = register(Tally(
    table="employee_counts",
    source="employees",
    keys=(("department_id", "{r}.department_id"), ("status", "{r}.status")),
    member="1 = 1",
    watched=("department_id", "status"),
))


class EmployeeCount(db.Model):
    """How many employees each department has, active and left: the employee list's total reads
    these rows. Kept by database triggers (portal.core.tallies)."""

    __tablename__ = HEADCOUNT_TALLY.table
    __table_args__ = (emptied_index(HEADCOUNT_TALLY.table),)

    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    n: Mapped[int]
