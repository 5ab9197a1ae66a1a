"""Managers follow their people's case status, not their wages, benefit amounts or balances."""

from __future__ import annotations

from portal.auth.policy import Actor, Role, can
from tests.conftest import login, post_form
from tests.web.cases.conftest import open_case_for


def test_the_policy_keeps_money_from_managers():
    manager = Actor(Role.MANAGER, employee_id=1, managed_department_ids=frozenset({1}))
    assert not can(manager, "case.money")
    assert can(Actor(Role.HR, employee_id=2), "case.money")


def test_a_manager_reads_the_case_without_wages_or_balances(client, cases_ready):
    case = open_case_for(cases_ready.worker)
    login(client, "manager")
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert "5,100.00" not in body and 'id="case-wages"' not in body and 'id="case-account"' not in body
    assert "仅向人事和员工本人显示" in body
    post_form(client, "/logout")
    login(client, "hr")
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert "5,100.00" in body and 'id="case-wages"' in body and 'id="case-account"' in body
