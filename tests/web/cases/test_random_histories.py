"""Random case histories (wages, suspension, grade, withholding, plans now or later, refunds,
collections) show the same figures on every surface: the case view, HR's case page, the worker's
page, the cost report, the export and the evidence pack's case_account.json; and the account's
balance identity always holds; the cost report, the case list and a worker's own page kept between
histories equal pages computed afresh, and each status filter lists exactly the cases computed with
that status."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.auth.operations import create_user
from portal.auth.policy import Role
from portal.cases import operations
from portal.cases.models import CASE_FIELDS, InjuryCase
from portal.cases.pack_section import case_account_sections
from portal.cases.rules import EntryKind
from portal.core.types import local_today
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import ContractType
from portal.workbench import costs
from portal.workbench import operations as workbench
from portal.core.kept import kept_parts
from tests.conftest import PASSWORD, login
from tests.web.cases.test_kept_pages import assert_statuses_filter_as_computed
from tests.web.cases.test_kept_pages import main_content as _main

NUMBERS = itertools.count(1)
money = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("3000.00"), places=2)

histories = st.fixed_dictionaries({
    "wages": st.lists(st.integers(2000, 40000), min_size=1, max_size=12),
    "months": st.integers(1, 12),
    "grade": st.none() | st.integers(1, 10),
    "withheld": st.lists(money, max_size=2),
    "plan": st.none() | st.tuples(st.integers(1, 4), st.integers(-120, 90)),  # instalments, first date vs today
    "refunded": st.lists(money, max_size=1),
    "collected": st.lists(money, max_size=1),
})


@pytest.fixture
def app_config():
    """Each example signs in a new worker from the same address: the sign-in limit is not under test here."""
    return {"RATELIMIT_ENABLED": False}


def open_history(world, history) -> tuple[InjuryCase, str]:
    """The case of a new employee with this history, and that employee's username."""
    n = next(NUMBERS)
    person = Employee(number=f"H{n:04d}", name=f"随机{n}", hire_date=date(2024, 3, 1), department=world.machining,
                      contract_type=ContractType.REGULAR, preferred_locale="zh_CN")
    db.session.add(person)
    db.session.flush()
    create_user(f"random{n}", PASSWORD, Role.EMPLOYEE, person.id)
    for index, wage in enumerate(history["wages"]):
        year, month = divmod(2026 * 12 + 1 - index, 12)  # back from February 2026
        operations.add_wage(person, year, month + 1, Decimal(wage), None, SYSTEM)
    values = {**dict.fromkeys(CASE_FIELDS), "accident_date": date(2026, 3, 2), "description": "",
              "suspension_start": date(2026, 3, 2), "suspension_months": history["months"]}
    if history["grade"] is not None:
        concluded = min(date(2026, 3, 2) + timedelta(days=30 * history["months"] + 7), local_today())
        values.update(assessment_applied_date=date(2026, 3, 10), assessment_concluded_date=concluded,
                      grade=history["grade"])
    case = operations.open_case(person, values, None, SYSTEM)
    operations.record_owed_for_suspension(case, None, SYSTEM)
    on = date(2026, 3, 31)
    for kind in ("withheld", "refunded", "collected"):
        for amount in history[kind]:
            operations.add_entry(case, EntryKind(kind), amount, on, None, SYSTEM)
    if history["plan"] is not None:
        instalments, offset = history["plan"]
        try:
            operations.apply_deduction_plan(case, instalments, local_today() + timedelta(days=offset), None, SYSTEM,
                                            token=f"plan-{n}")
        except operations.NothingToDeduct:
            pass
    db.session.commit()
    return case, f"random{n}"


def assert_same_everywhere(client, worker, case: InjuryCase) -> None:
    today = local_today()
    view = operations.case_view(case, today)
    account = view.account
    # The balance identity, today and once the schedule is made.
    assert account.balance == account.owed - account.withheld - account.deducted - account.collected \
        + account.refunded
    assert account.after_schedule == account.balance + account.scheduled.balance
    assert account.subsidy_used <= (account.subsidy or 0)
    # The cost report and the export read the same account.
    row = costs.by_case(workbench.case_cost_lines(case, today)).get(case.id, {c: Decimal("0.00") for c in costs.Category})
    assert row[costs.Category.PERSONAL_WITHHELD] == account.withheld
    assert row[costs.Category.PERSONAL_DEDUCTED] == account.deducted
    assert row[costs.Category.PERSONAL_OUTSTANDING] == account.worker_owes
    if view.subsidy is not None:
        assert row[costs.Category.FUND_BENEFITS] >= view.subsidy.amount
    header, rows = workbench.export_rows("accounts", Employee.id == case.employee_id)
    exported = dict(zip(header, rows[0]))
    assert (exported["owed"], exported["deducted"], exported["balance"], exported["balance_after_schedule"]) == (
        account.owed, account.deducted, account.balance, account.after_schedule)
    # The evidence pack's case_account.json carries the same figures.
    with client.application.test_request_context():  # as the pack job builds it
        (section,) = case_account_sections(case.employee_id, today)
    (record,) = [r for r in json.loads(section.files["case_account.json"])["cases"] if r["case"] == case.id]
    packed = record["account"]
    assert {k: packed[k] for k in ("owed", "withheld", "deducted", "collected", "refunded", "balance",
                                   "scheduled_deductions", "balance_after_schedule", "subsidy_left")} == {
        "owed": str(account.owed), "withheld": str(account.withheld), "deducted": str(account.deducted),
        "collected": str(account.collected), "refunded": str(account.refunded), "balance": str(account.balance),
        "scheduled_deductions": str(account.scheduled_deductions),
        "balance_after_schedule": str(account.after_schedule), "subsidy_left": str(account.subsidy_left)}
    assert [(f["code"], f["amount"]) for f in record["benefits"]] == [(b.code, str(b.amount)) for b in view.benefits]
    # HR's page and the worker's page print that balance.
    amount = f"{abs(account.balance):,.2f}"
    for page in (client.get(f"/records/cases/{case.id}"), worker.get("/my-case/")):
        balance = page.get_data(as_text=True).split('id="share-balance"')[1].split("</p>")[0]
        assert f"今日余额：{amount} 元" in balance


def test_random_histories_show_the_same_figures_everywhere(client, cases_ready):
    world = cases_ready
    login(client, "hr")
    first_worker = []  # whose own case page stays kept while the later histories are written

    @settings(max_examples=8, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(histories)
    def check(history):
        case, username = open_history(world, history)
        worker = client.application.test_client()
        login(worker, username)
        assert_same_everywhere(client, worker, case)
        first_worker[:] = first_worker or [worker]
        # The cost report, the case list and the first worker's own page, kept from the earlier
        # examples, equal pages computed afresh.
        kept = [_main(client, path) for path in KEPT_PAGES] + [_main(first_worker[0], "/my-case/")]
        kept_parts().clear()
        assert kept == [_main(client, path) for path in KEPT_PAGES] + [_main(first_worker[0], "/my-case/")]
        assert_statuses_filter_as_computed(client)

    check()


KEPT_PAGES = ("/workbench/costs", "/records/cases/", "/records/cases/?status=subsidy_expected")
