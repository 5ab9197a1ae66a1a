"""Deductions from the one-time subsidy are safe: one computed account on every surface, plans that
start later keep today's balance owed, a form token makes a retry do nothing, over-deductions are
refused saying by how much, and two simultaneous plans deduct once (both engines); the case lock
also keeps a dependant sent twice at once to one record."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.cases import operations
from portal.cases.models import CaseDependant, DeductionPlanRecord, InjuryCase, ShareEntry
from portal.cases.rules import Condition, Dependant, EntryKind, Relation
from portal.core.types import local_today
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.workbench import costs
from portal.workbench import operations as workbench
from tests.conftest import ENGINES, login, make_app, post_form
from tests.web.cases.conftest import events, open_case_for

GRADE_9 = {"assessment_applied_date": date(2026, 8, 10), "assessment_concluded_date": date(2026, 9, 10), "grade": 9}
OWED = Decimal("3276.00")  # 6 × 546.00: the social-insurance share on 5,200


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A database file on SQLite (several connections must see it), the throwaway server on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}"
    return request.getfixturevalue("postgres_schema")


@pytest.fixture
def owed_case(cases_ready):
    case = open_case_for(cases_ready.worker, **GRADE_9)
    operations.record_owed_for_suspension(case, None, SYSTEM)
    db.session.commit()
    return case


def plan(client, case, **data):
    return post_form(client, f"/records/cases/{case.id}/account/plan",
                     {"instalments": "3", "first_date": "2026-09-25", "token": "t1", **data})


def test_a_plan_starting_later_leaves_the_balance_owed_on_every_surface(client, owed_case):
    first = local_today() + timedelta(days=40)
    login(client, "hr")
    assert plan(client, owed_case, first_date=first.isoformat()).status_code == 303
    view = operations.case_view(owed_case)
    assert view.account.balance == OWED and view.account.scheduled_deductions == OWED
    assert view.account.after_schedule == 0
    body = client.get(f"/records/cases/{owed_case.id}").get_data(as_text=True)
    assert "今日余额：3,276.00 元尚欠" in body and "3,276.00" in body and "完成后：已结清" in body
    report = costs.by_case(workbench.case_cost_lines(owed_case, local_today()))[owed_case.id]
    assert report[costs.Category.PERSONAL_OUTSTANDING] == view.account.worker_owes == OWED
    assert report[costs.Category.PERSONAL_DEDUCTED] == 0
    header, rows = workbench.export_rows("accounts", sa.true())
    row = dict(zip(header, rows[0]))
    assert (row["balance"], row["scheduled_deductions"], row["balance_after_schedule"]) == (OWED, OWED, 0)


def test_the_same_form_token_twice_records_one_plan(client, owed_case):
    login(client, "hr")
    assert plan(client, owed_case).status_code == 303
    assert plan(client, owed_case).status_code == 303  # a double click or a retry
    assert db.session.query(DeductionPlanRecord).count() == 1
    deducted = db.session.query(ShareEntry).filter_by(kind=EntryKind.DEDUCTED).all()
    assert sum(e.amount for e in deducted) == OWED and len(events("share_deduction_planned")) == 1
    # A second form (a new token) finds nothing left to deduct: the first plan covers the debt.
    again = plan(client, owed_case, token="t2")
    assert again.status_code == 422 and 'id="instalments-error"' in again.get_data(as_text=True)


def test_an_over_deduction_is_refused_saying_by_how_much(client, owed_case):
    login(client, "hr")
    response = plan(client, owed_case, amount="3440.00")
    assert response.status_code == 422
    assert "比员工在计划扣款完成后仍欠的金额多 164.00 元" in response.get_data(as_text=True)
    assert db.session.query(ShareEntry).filter_by(kind=EntryKind.DEDUCTED).count() == 0
    assert plan(client, owed_case, amount="1000.00", instalments="1").status_code == 303
    assert plan(client, owed_case, token="t2", instalments="1").status_code == 303  # the rest: 2,276.00
    amounts = sorted(e.amount for e in db.session.query(ShareEntry).filter_by(kind=EntryKind.DEDUCTED))
    assert amounts == [Decimal("1000.00"), Decimal("2276.00")]


def run_at_once(database_url: str, case_id: int, steps) -> list[str]:
    """Run each step in its own app and thread, started together; each returns what it did."""
    apps = [make_app(database_url) for _ in steps]  # built before the threads start
    start = threading.Barrier(len(steps))
    outcomes: list[str] = []

    def run(other, step) -> None:
        with other.app_context():
            try:
                case = db.session.get(InjuryCase, case_id)
                start.wait(timeout=30)
                outcomes.append(step(case))
                db.session.commit()
            except BaseException as error:  # pragma: no cover - reported below
                outcomes.append(repr(error))
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(apps, steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return sorted(outcomes)


def test_two_simultaneous_plans_deduct_once(app, owed_case, database_url):
    def plan_from_tab(token: str):
        def step(case) -> str:
            try:
                operations.apply_deduction_plan(case, 1, date(2026, 9, 25), None, SYSTEM, token)
            except operations.NothingToDeduct:
                db.session.rollback()
                return "nothing"
            return "planned"
        return step

    assert run_at_once(database_url, owed_case.id, [plan_from_tab("tab-1"), plan_from_tab("tab-2")]) == [
        "nothing", "planned"]
    deducted = db.session.query(ShareEntry).filter_by(kind=EntryKind.DEDUCTED).all()
    assert [e.amount for e in deducted] == [OWED]


def test_two_simultaneous_owed_records_record_each_month_once(app, cases_ready, database_url):
    case = open_case_for(cases_ready.worker, **GRADE_9)

    def record(case) -> str:
        return str(len(operations.record_owed_for_suspension(case, None, SYSTEM)))

    assert run_at_once(database_url, case.id, [record, record]) == ["0", "6"]
    assert db.session.query(ShareEntry).filter_by(kind=EntryKind.OWED).count() == 6


def test_two_simultaneous_posts_of_one_dependant_record_it_once(app, cases_ready, database_url):
    case = open_case_for(cases_ready.worker, death_date=date(2026, 3, 2), suspension_start=None,
                         suspension_months=None)
    spouse = Dependant(Relation.SPOUSE, False, "王芳", Condition.UNABLE_TO_WORK)

    def record(case) -> str:
        return "recorded" if operations.add_dependant(case, spouse, None, SYSTEM) else "already"

    assert run_at_once(database_url, case.id, [record, record]) == ["already", "recorded"]
    assert db.session.query(CaseDependant).count() == 1 and len(events("dependant_recorded")) == 1
