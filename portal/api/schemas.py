"""Request and response shapes of the API (pydantic); the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from portal.courses.rules import Status
from portal.notices.rules import Status as NoticeStatus
from portal.org.rules import ContractType, EmploymentStatus

Number = Annotated[str, StringConstraints(pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9-]{1,19}\s*$")]
Text = Annotated[str, StringConstraints(pattern=r"\S", max_length=100)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,20}$")]
Cursor = Annotated[str, StringConstraints(max_length=200)]
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Yuan = Annotated[str, StringConstraints(pattern=r"^-?\d+\.\d{2}$")]
Locale = Literal["zh_CN", "en"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageQuery(Strict):
    """Keyset pages: ``cursor`` is the previous page's ``next_cursor``, the sort key of its last item;
    any value is a valid boundary, so a cursor never expires."""

    limit: int = Field(50, ge=1, le=200)


class IdPageQuery(PageQuery):
    cursor: int | None = Field(None, ge=0, description="`next_cursor` of the previous page.")


class KeyPageQuery(PageQuery):
    cursor: Cursor | None = Field(None, description="`next_cursor` of the previous page.")


# --- Organisation ---------------------------------------------------------------------------------


class Department(Strict):
    code: str
    name_zh: str
    name_en: str


class DepartmentFields(Strict):
    """The department import's fields; the same checks apply."""

    name_zh: Text
    name_en: Annotated[str, StringConstraints(max_length=100)] | None = None


class DepartmentList(Strict):
    items: list[Department]


class EmployeeFields(Strict):
    """The employee form's fields; the same validators check them."""

    name: Text
    hire_date: date
    department: Code = Field(description="Department code.")
    contract_type: ContractType = ContractType.REGULAR
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None
    preferred_locale: Locale = "zh_CN"
    status: EmploymentStatus = EmploymentStatus.ACTIVE
    left_date: date | None = None


class EmployeeRecord(EmployeeFields):
    number: Number


class Employee(EmployeeRecord):
    pass


class EmployeeQuery(KeyPageQuery):
    department: Annotated[str, StringConstraints(max_length=20)] | None = None
    status: EmploymentStatus | None = None


class EmployeePage(Strict):
    items: list[Employee]
    next_cursor: str | None


class EmployeeBulk(Strict):
    employees: list[EmployeeRecord] = Field(min_length=1, max_length=5000)


class BulkResult(Strict):
    created: int
    updated: int
    unchanged: int


class Leaving(Strict):
    left_date: date


class WageRecord(Strict):
    employee: Number
    year: int
    month: int
    wage: Annotated[str, StringConstraints(max_length=20)] = Field(description="Yuan, e.g. \"5200.00\".")


class WageBulk(Strict):
    wage_months: list[WageRecord] = Field(min_length=1, max_length=5000)


class WageResult(Strict):
    created: int


# --- Learning -------------------------------------------------------------------------------------


class AssignmentQuery(IdPageQuery):
    course: Annotated[str, StringConstraints(max_length=100)] | None = None
    department: Annotated[str, StringConstraints(max_length=20)] | None = None
    status: Status | None = None
    due_from: date | None = None
    due_to: date | None = None


class NoticeAssignmentQuery(IdPageQuery):
    notice: Annotated[str, StringConstraints(max_length=60)] | None = None
    department: Annotated[str, StringConstraints(max_length=20)] | None = None
    status: NoticeStatus | None = None
    due_from: date | None = None
    due_to: date | None = None


class Assignment(Strict):
    id: int
    kind: Literal["course", "notice"]
    key: str = Field(description="Course slug or notice key.")
    employee: str
    department: str
    assigned_at: datetime
    due_date: date
    status: Status | NoticeStatus
    acknowledged_at: datetime | None
    receipt: str | None


class Receipt(Strict):
    number: str
    kind: Literal["course", "notice"]
    key: str
    employee: str
    acknowledged_at: datetime
    content_sha256: str = Field(description="SHA-256 of the exact text acknowledged.")
    event_hash: str | None = Field(description="The ledger event that records the acknowledgement.")


class ReceiptList(Strict):
    items: list[Receipt]


class AssignmentPage(Strict):
    items: list[Assignment]
    next_cursor: int | None


# --- Cases and payroll ----------------------------------------------------------------------------


class TimelineItem(Strict):
    date: date
    kind: str
    code: str
    status: str
    article: str


class AccountEntry(Strict):
    kind: str
    amount: Yuan
    on: date
    period: Month | None


class Account(Strict):
    owed: Yuan
    withheld: Yuan
    deducted: Yuan
    collected: Yuan
    refunded: Yuan
    balance: Yuan
    entries: list[AccountEntry]


class Benefit(Strict):
    """One computed amount as the case pages show it: the formula with its numbers and the article."""

    code: str
    amount: Yuan
    payer: Literal["fund", "employer", "employee"]
    frequency: Literal["monthly", "once"]
    formula: str
    article: str


class DependantsPensions(Strict):
    """A death case's monthly pensions (Regulations Art. 39 ¶1(2)): one per recorded dependant, and
    the total, capped at the worker's wage before death."""

    items: list[Benefit]
    total: Yuan
    capped: bool


class Case(Strict):
    id: int
    employee: str
    accident_date: date
    pay_stop_date: date | None
    pay_stop_confirmed: bool
    monthly_personal_share: Yuan | None
    benefits: list[Benefit]
    dependants_pensions: DependantsPensions | None
    timeline: list[TimelineItem]
    account: Account


class CaseQuery(IdPageQuery):
    employee: Number | None = None


class CasePage(Strict):
    items: list[Case]
    next_cursor: int | None


class PayrollQuery(KeyPageQuery):
    month: Month


class PayrollAction(Strict):
    id: str = Field(description="Stable id of the action within the feed.")
    kind: Literal["pay_stop", "withholding", "deduction"]
    employee: str
    case: int
    date: date
    amount: Yuan | None
    confirmed: bool


class PayrollPage(Strict):
    items: list[PayrollAction]
    next_cursor: str | None


# --- Evidence packs -------------------------------------------------------------------------------


class PackOrder(Strict):
    employee: Number


class Pack(Strict):
    id: int
    employee: str
    status: Literal["pending", "ready", "failed", "expired"]  # expired: deleted under the retention periods
    sha256: str | None
    download: str | None


# --- Webhooks -------------------------------------------------------------------------------------

EventKind = Literal["course.assigned", "acknowledged", "objection.raised", "case.opened", "pay_stop.due", "pack.ready"]


class SubscriptionInput(Strict):
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=500)]
    events: list[EventKind] = Field(min_length=1, max_length=6)


class Subscription(Strict):
    id: int
    url: str
    events: list[str]
    active: bool
    secret: str | None = Field(None, description="Shown once, when the subscription is created.")


class SubscriptionList(Strict):
    items: list[Subscription]


