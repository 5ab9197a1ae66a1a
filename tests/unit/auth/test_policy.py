"""The authorization policy, without Flask."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.auth.policy import RULES, Actor, Role, Scope, can, may_manage_account, scope


@dataclass(frozen=True)
class Record:
    subject_employee_id: int
    subject_department_id: int


WORKER = Actor(Role.EMPLOYEE, employee_id=1)
MANAGER = Actor(Role.MANAGER, employee_id=2, managed_department_ids=frozenset({10}))
HR = Actor(Role.HR, employee_id=3)
ADMIN = Actor(Role.ADMIN)

OWN = Record(1, 10)
SAME_DEPARTMENT = Record(4, 10)
OTHER_DEPARTMENT = Record(5, 20)
MANAGERS_OWN = Record(2, 30)  # a manager's own record may sit outside the department they manage


@pytest.mark.parametrize(
    "actor,target,allowed",
    [
        (WORKER, OWN, True), (WORKER, SAME_DEPARTMENT, False), (WORKER, OTHER_DEPARTMENT, False),
        (MANAGER, OWN, True), (MANAGER, SAME_DEPARTMENT, True), (MANAGER, OTHER_DEPARTMENT, False),
        (MANAGER, MANAGERS_OWN, True),
        (HR, OTHER_DEPARTMENT, True), (ADMIN, OTHER_DEPARTMENT, True),
        (None, OWN, False),
    ],
)
def test_employee_view(actor, target, allowed):
    assert can(actor, "employee.view", target) is allowed


def test_unknown_action_is_denied_to_everyone():
    assert not any(can(actor, "no.such.action") for actor in (WORKER, MANAGER, HR, ADMIN))


def test_only_hr_and_admin_edit_employees():
    assert [can(a, "employee.edit") for a in (WORKER, MANAGER, HR, ADMIN)] == [False, False, True, True]


def test_every_rule_names_only_known_roles():
    for action, reach in RULES.items():
        assert set(reach) <= set(Role), action


actors = st.builds(
    Actor,
    role=st.sampled_from(list(Role)),
    employee_id=st.one_of(st.none(), st.integers(1, 50)),
    managed_department_ids=st.frozensets(st.integers(1, 5), max_size=3),
)
records = st.builds(Record, subject_employee_id=st.integers(1, 50), subject_department_id=st.integers(1, 5))


@given(actors, records, st.sampled_from(sorted(RULES)))
def test_reach_is_never_wider_than_the_scope(actor, record, action):
    allowed = can(actor, action, record)
    reach = scope(actor, action)
    if reach is Scope.NONE:
        assert not allowed
    elif reach is Scope.SELF:
        assert allowed == (record.subject_employee_id == actor.employee_id)
    elif reach is Scope.DEPARTMENT:
        assert allowed == (
            record.subject_employee_id == actor.employee_id
            or record.subject_department_id in actor.managed_department_ids
        )
    else:
        assert allowed


@given(actors, records)
def test_plain_employees_only_ever_reach_their_own_records(actor, record):
    employee = Actor(Role.EMPLOYEE, actor.employee_id, actor.managed_department_ids)
    for action in RULES:
        if can(employee, action, record):
            assert record.subject_employee_id == employee.employee_id


@pytest.mark.parametrize("account_role,allowed", [(Role.EMPLOYEE, True), (Role.MANAGER, True), (Role.HR, False),
                                                  (Role.ADMIN, False)])
def test_hr_manages_employee_and_manager_accounts_only(account_role, allowed):
    assert may_manage_account(HR, account_role) is allowed
    assert may_manage_account(ADMIN, account_role) is True


@given(st.sampled_from(list(Role)), st.sampled_from(list(Role)), st.sampled_from(list(Role)))
def test_no_one_hands_out_a_role_above_their_own_reach(actor_role, account_role, new_role):
    actor = Actor(actor_role, employee_id=1)
    if may_manage_account(actor, account_role, new_role):
        assert actor_role in (Role.HR, Role.ADMIN)
        assert actor_role is Role.ADMIN or {account_role, new_role} <= {Role.EMPLOYEE, Role.MANAGER}
    assert not may_manage_account(None, account_role)
