"""Injury cases, the regional policy versions, wage history, pending actions and the personal-share account.

Only what the rules need is stored: dates, outcomes, the grade and care level. No diagnosis, no
medical detail (PIPL Arts. 28–29: sensitive personal information is kept to the minimum).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.rules import (
    CaseFacts,
    Condition,
    Dependant,
    EntryKind,
    LedgerEntry,
    RegionalPolicy,
    Relation,
    ShareRates,
    suspension_end,
)
from portal.core.types import UTCDateTime, utcnow
from portal.extensions import db
from portal.org.models import BelongsToEmployee, Employee

MONEY = sa.Numeric(12, 2)
STOP_ORIGINAL_PAY = "stop_original_pay"


def _enum(kind: type) -> sa.Enum:
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


# --- Regional policy versions -------------------------------------------------------------------

_COLUMNS = ("region", "valid_from", "source")


def policy_values(policy: RegionalPolicy) -> dict[str, Any]:
    """The policy's figures (everything but region, valid_from and source) as JSON-ready values."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, ShareRates):
            return {"employer": str(value.employer), "personal": str(value.personal)}
        if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
            return value.value
        if hasattr(value, "items"):
            return {str(getattr(k, "value", k)): plain(v) for k, v in value.items()}
        return value

    return {name: plain(getattr(policy, name)) for name in policy.__dataclass_fields__ if name not in _COLUMNS}


def policy_from_values(region: str, valid_from: date, source: str, values: dict[str, Any]) -> RegionalPolicy:
    """Build (and so validate) a ``RegionalPolicy``; raises ``ValueError``/``TypeError`` naming the field."""
    data = dict(values)
    decimals = {"average_monthly_wage", "minimum_monthly_wage", "national_disposable_income", "contribution_base_floor",
                "contribution_base_ceiling", "housing_fund_employer_rate", "housing_fund_personal_rate",
                "housing_fund_base_floor", "housing_fund_base_ceiling", "funeral_subsidy_months",
                "death_subsidy_multiple", "dependant_spouse_rate", "dependant_other_rate", "dependant_lone_bonus_rate"}
    for name in decimals:
        if data.get(name) is not None:
            data[name] = Decimal(str(data[name]))
    data["insurance_rates"] = {k: ShareRates(Decimal(str(v["employer"])), Decimal(str(v["personal"])))
                               for k, v in data.get("insurance_rates", {}).items()}
    for name in ("medical_subsidy_months", "employment_subsidy_months"):
        data[name] = {int(k): Decimal(str(v)) for k, v in data.get(name, {}).items()}
    if "care_fee_rates" in data:
        data["care_fee_rates"] = {k: Decimal(str(v)) for k, v in data["care_fee_rates"].items()}
    return RegionalPolicy(region=region, valid_from=valid_from, source=source, **data)


class PolicyVersion(db.Model):
    """One version of the pooling region's figures, valid from a date. Never edited: a change is a new row."""

    __tablename__ = "regional_policies"
    __table_args__ = (sa.UniqueConstraint("region", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(sa.String(200))
    valid_from: Mapped[date]
    source: Mapped[str] = mapped_column(sa.Text)
    values_json: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def values(self) -> dict[str, Any]:
        return json.loads(self.values_json)

    def to_policy(self) -> RegionalPolicy:
        return policy_from_values(self.region, self.valid_from, self.source, self.values)

    @classmethod
    def from_policy(cls, policy: RegionalPolicy, by_user_id: int | None = None) -> PolicyVersion:
        return cls(region=policy.region, valid_from=policy.valid_from, source=policy.source,
                   values_json=json.dumps(policy_values(policy), ensure_ascii=False, sort_keys=True),
                   created_by_id=by_user_id)


# --- Wage history -------------------------------------------------------------------------------


class WageMonth(BelongsToEmployee, db.Model):
    """One month's contribution wage (缴费工资) of one employee: the input of the own wage (Art. 64)."""

    __tablename__ = "wage_months"
    __table_args__ = (sa.UniqueConstraint("employee_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    year: Mapped[int]
    month: Mapped[int]
    wage: Mapped[Decimal] = mapped_column(MONEY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    employee: Mapped[Employee] = relationship()


# --- Cases --------------------------------------------------------------------------------------

# The case columns HR edits, in form order; all but the accident date are optional.
CASE_FIELDS = (
    "accident_date", "description", "reported_date",
    "recognition_applied_date", "recognition_applicant", "recognition_accepted_date",
    "recognition_decided_date", "recognized", "decision_number", "decision_served_date",
    "suspension_start", "suspension_months", "extension_months", "extension_confirmed_date",
    "assessment_applied_date", "assessment_concluded_date", "grade", "care_level",
    "reassessment_applied_date", "reassessment_concluded_date", "reassessment_grade",
    "returned_to_work_date", "left_date", "death_date", "contract_monthly_wage",
)


class InjuryCase(BelongsToEmployee, db.Model):
    """One work injury of one employee: the dates and outcomes the Regulations' timeline runs on."""

    __tablename__ = "injury_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    accident_date: Mapped[date]
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    reported_date: Mapped[date | None]
    recognition_applied_date: Mapped[date | None]
    recognition_applicant: Mapped[str | None] = mapped_column(sa.String(20))
    recognition_accepted_date: Mapped[date | None]
    recognition_decided_date: Mapped[date | None]
    recognized: Mapped[bool | None]
    decision_number: Mapped[str | None] = mapped_column(sa.String(60))
    decision_served_date: Mapped[date | None]
    suspension_start: Mapped[date | None]
    suspension_months: Mapped[int | None]
    extension_months: Mapped[int | None]
    extension_confirmed_date: Mapped[date | None]
    assessment_applied_date: Mapped[date | None]
    assessment_concluded_date: Mapped[date | None]
    grade: Mapped[int | None]
    care_level: Mapped[str | None] = mapped_column(sa.String(20))
    reassessment_applied_date: Mapped[date | None]
    reassessment_concluded_date: Mapped[date | None]
    reassessment_grade: Mapped[int | None]
    returned_to_work_date: Mapped[date | None]
    left_date: Mapped[date | None]
    death_date: Mapped[date | None]
    contract_monthly_wage: Mapped[Decimal | None] = mapped_column(MONEY)  # only for an injury in the first month
    deduction_instalments: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    employee: Mapped[Employee] = relationship()
    actions: Mapped[list[CaseAction]] = relationship(back_populates="case", order_by="CaseAction.id")
    entries: Mapped[list[ShareEntry]] = relationship(back_populates="case", order_by="(ShareEntry.on_date, ShareEntry.id)")
    dependants: Mapped[list[CaseDependant]] = relationship(back_populates="case", order_by="CaseDependant.id")

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CASE_FIELDS}

    def facts(self) -> CaseFacts:
        stops = [a for a in self.actions if a.kind == STOP_ORIGINAL_PAY]
        confirmed = bool(stops) and stops[-1].confirmed_at is not None  # the newest trigger, as HR left it
        return facts_from({**self.values(), "pay_stop_confirmed": confirmed})

    @property
    def pending_actions(self) -> list[CaseAction]:
        return [a for a in self.actions if a.confirmed_at is None]

    def ledger_entries(self) -> list[LedgerEntry]:
        return [e.to_entry() for e in self.entries]


def facts_from(values: dict[str, Any]) -> CaseFacts:
    """The rules engine's ``CaseFacts`` from the stored (or submitted) case values.

    The planned end is ``suspension_months`` after the start; the extension adds its months (Art. 33 ¶2).
    Months out of range must be refused before (``operations.case_errors`` does).
    """
    start, months, extension = values.get("suspension_start"), values.get("suspension_months"), values.get("extension_months")
    planned = suspension_end(start, months) if start and months is not None else None
    extended = suspension_end(start, months, extension) if start and months is not None and extension else None
    return CaseFacts(
        accident_date=values["accident_date"],
        reported_date=values.get("reported_date"),
        recognition_applied_date=values.get("recognition_applied_date"),
        recognition_applicant=values.get("recognition_applicant") or None,
        recognition_accepted_date=values.get("recognition_accepted_date"),
        recognition_decided_date=values.get("recognition_decided_date"),
        recognized=values.get("recognized"),
        decision_served_date=values.get("decision_served_date"),
        suspension_start=start,
        suspension_planned_end=planned,
        suspension_extended_end=extended,
        assessment_applied_date=values.get("assessment_applied_date"),
        assessment_concluded_date=values.get("assessment_concluded_date"),
        grade=values.get("grade"),
        care_level=values.get("care_level") or None,
        reassessment_applied_date=values.get("reassessment_applied_date"),
        reassessment_concluded_date=values.get("reassessment_concluded_date"),
        reassessment_grade=values.get("reassessment_grade"),
        returned_to_work_date=values.get("returned_to_work_date"),
        left_date=values.get("left_date"),
        death_date=values.get("death_date"),
        pay_stop_confirmed=bool(values.get("pay_stop_confirmed")),
    )


class CaseAction(BelongsToEmployee, db.Model):
    """Something the rules triggered and HR must confirm: "stop original pay from <date>"."""

    __tablename__ = "case_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("injury_cases.id"), index=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    effective_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[InjuryCase] = relationship(back_populates="actions")
    employee: Mapped[Employee] = relationship()


class ShareEntry(BelongsToEmployee, db.Model):
    """One movement on the worker's personal-share account of a case; never edited, never deleted."""

    __tablename__ = "case_share_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("injury_cases.id"), index=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    on_date: Mapped[date]
    period_year: Mapped[int | None]
    period_month: Mapped[int | None]
    source: Mapped[str] = mapped_column(sa.String(60), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[InjuryCase] = relationship(back_populates="entries")
    employee: Mapped[Employee] = relationship()

    @property
    def period(self) -> tuple[int, int] | None:
        return (self.period_year, self.period_month) if self.period_year and self.period_month else None

    def to_entry(self) -> LedgerEntry:
        return LedgerEntry(self.kind, self.amount, self.on_date, self.period, self.source, self.note)


class CaseDependant(BelongsToEmployee, db.Model):
    """A relative who relied on a worker who died of the work injury and qualifies for a monthly
    pension from the fund (Regulations Art. 39 ¶1(2)): who they are and why they qualify, nothing
    more. Recording and removing one are ledger events."""

    __tablename__ = "case_dependants"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("injury_cases.id"), index=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    relation: Mapped[Relation] = mapped_column(_enum(Relation))
    condition: Mapped[Condition] = mapped_column(_enum(Condition))
    lone: Mapped[bool] = mapped_column(default=False)  # an orphan or a lone elderly person: 10% more
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[InjuryCase] = relationship(back_populates="dependants")

    def to_dependant(self) -> Dependant:
        return Dependant(self.relation, self.lone, self.name, self.condition)


class DeductionPlanRecord(db.Model):
    """One deduction plan submitted from the form; its ``token`` makes a double click or a retry do nothing."""

    __tablename__ = "case_deduction_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("injury_cases.id"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    instalments: Mapped[int]
    first_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class HolidayOverride(db.Model):
    """A day HR marks as a public holiday or as an adjusted working day (调休) when the maintained
    calendar does not yet carry the State Council's announcement."""

    __tablename__ = "holiday_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    working: Mapped[bool]  # True: an adjusted working day; False: a public holiday
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))



class CaseStatus(db.Model):
    """A case's computed status (``case_status_sentence``) as stored for the case list's status
    filter, which pages by it in SQL: valid on ``computed_on`` while the case figures stamp of the
    employee's stripe is still ``inputs`` (``portal.cases.statuses``)."""

    __tablename__ = "case_statuses"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("injury_cases.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    code: Mapped[str | None] = mapped_column(sa.String(40), index=True)  # None: the case cannot be computed
    computed_on: Mapped[date]
    inputs: Mapped[str] = mapped_column(sa.String(32))
