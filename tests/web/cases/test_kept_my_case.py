"""The worker's own case page keeps its computed figures under the case figures stamp of the
worker's stripe: after every kind of edit to what it shows it equals the page computed afresh, it
is never shown to another worker or on another day, and every view is still logged (PIPL Arts.
28–29) when the figures are kept. Both engines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from portal.cases import operations
from portal.cases.models import CaseAction, InjuryCase
from portal.core.kept import kept_parts
from portal.core.types import utcnow
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notices.operations import push_scenario_notice
from portal.org.models import Employee
from portal.org.rules import ContractType
from portal.web import fragments
from tests.conftest import login
from tests.web.cases.conftest import events, open_case_for
from tests.web.cases.test_kept_pages import EDITS, main_content

GRADED = {"assessment_applied_date": date(2026, 8, 10), "assessment_concluded_date": date(2026, 9, 10), "grade": 9}


def _pay_stop() -> CaseAction:
    return db.session.execute(sa.select(CaseAction)).scalars().one()


def _admin_given_an_employee_record(world) -> None:
    clerk = Employee(number="A001", name="周文", hire_date=date(2024, 3, 1), department=world.assembly,
                     contract_type=ContractType.REGULAR, preferred_locale="zh_CN")
    db.session.add(clerk)
    db.session.commit()
    return clerk


MY_CASE_EDITS = {
    **EDITS,
    "a pay stop confirmed": lambda w: operations.confirm_action(_pay_stop(), w.admin.id, SYSTEM),
    "a case notice pushed": lambda w: push_scenario_notice("injury-process-guide", w.worker, None, SYSTEM),
    "a case notice acknowledged": lambda w: setattr(
        db.session.execute(sa.select(NoticeDelivery).where(NoticeDelivery.employee_id == w.worker.id))
        .scalars().first(), "acknowledged_at", utcnow()),
}


@pytest.fixture
def my_case(client, cases_ready):
    open_case_for(cases_ready.worker, **GRADED)
    operations.confirm_action(_pay_stop(), cases_ready.admin.id, SYSTEM)  # recorded by "admin"
    db.session.commit()
    login(client, "worker")
    return cases_ready


def _shown_then_fresh(client) -> tuple[str, str]:
    shown = main_content(client, "/my-case/")
    kept_parts().clear()
    current_app.extensions[fragments.EXTENSION].clear()  # the notices drawn from their rows, too
    return shown, main_content(client, "/my-case/")


@pytest.mark.parametrize("edit", [e for e in MY_CASE_EDITS if e != "a pay stop confirmed"])
def test_the_kept_page_equals_the_page_computed_afresh_after_every_kind_of_edit(client, my_case, edit):
    before = main_content(client, "/my-case/")
    MY_CASE_EDITS[edit](my_case)
    db.session.commit()
    shown, fresh = _shown_then_fresh(client)
    assert shown == fresh
    if edit in ("a case date", "an account entry", "a case notice acknowledged", "a corrected wage"):
        assert shown != before, edit


def test_a_confirmation_and_its_recorder_s_name_show_on_the_kept_page(client, cases_ready):
    world = cases_ready
    open_case_for(world.worker, **GRADED)
    login(client, "worker")
    assert "由 admin 登记" not in main_content(client, "/my-case/")
    MY_CASE_EDITS["a pay stop confirmed"](world)
    db.session.commit()
    assert "由 admin 登记" in main_content(client, "/my-case/")

    world.admin.username = "sysadmin"  # a recorder without an employee record is named by the account
    db.session.commit()
    assert "由 sysadmin 登记" in main_content(client, "/my-case/")

    clerk = _admin_given_an_employee_record(world)
    assert "由 sysadmin 登记" in main_content(client, "/my-case/")
    world.admin.employee_id = clerk.id  # now named as the employee: the page must not keep the account's name
    db.session.commit()
    shown, fresh = _shown_then_fresh(client)
    assert shown == fresh and "由 周文 登记" in shown


def test_every_view_is_logged_when_the_figures_are_kept(client, my_case, monkeypatch):
    client.get("/my-case/")
    client.get("/my-case/")  # within the hour: the view is logged already
    assert len(events("case_viewed", my_case.worker.id)) == 1
    monkeypatch.setattr(operations, "case_view", lambda *a, **k: pytest.fail("the figures were computed again"))
    later = utcnow() + timedelta(hours=2)  # past the interval within which a view is logged once
    monkeypatch.setattr("portal.cases.operations.utcnow", lambda: later)
    assert client.get("/my-case/").status_code == 200
    viewed = events("case_viewed", my_case.worker.id)
    assert len(viewed) == 2 and viewed[-1].actor_user_id == my_case.user("worker").id


def test_a_kept_page_is_shown_to_no_other_worker_and_on_no_other_day(client, my_case, monkeypatch):
    open_case_for(my_case.outsider, accident_date=date(2026, 5, 4))
    mine = main_content(client, "/my-case/")
    other = client.application.test_client()
    login(other, "outsider")
    theirs = main_content(other, "/my-case/")
    assert "2026年5月4日" in theirs and "2026年5月4日" not in mine

    shown = {}
    for day in (date(2026, 4, 1), date(2026, 12, 1), date(2026, 4, 1)):
        monkeypatch.setattr("portal.cases.routes.local_today", lambda: day)
        shown.setdefault(day, set()).add(main_content(client, "/my-case/"))
    assert len(shown[date(2026, 4, 1)]) == 1 and shown[date(2026, 4, 1)] != shown[date(2026, 12, 1)]
