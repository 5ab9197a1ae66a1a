"""Junk that used to answer 500 or be stored: each reproduction now gets a message next to its
field (422), a 404 or a 409, and nothing is written. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from portal.cases.models import PolicyVersion, ShareEntry, WageMonth
from portal.extensions import db
from tests.conftest import csrf_token, login, table_counts
from tests.web.cases.conftest import POLICY_FORM, open_case_for

DECIMAL_FIELDS = [name for name, value in POLICY_FORM.items() if value.replace(".", "").isdigit()
                  and name != "personal_share_instalments"]


JUNK_NUMBERS = ["sNaN", "1e309", "Infinity", "-Infinity", "NaN", "1e15", "   "]
IMPLAUSIBLE_POLICY = [
    ("valid_from", "0001-01-01"), ("valid_from", "9999-12-31"), ("valid_from", "10000-01-01"),
    ("personal_share_instalments", "9" * 30), ("medical_subsidy_months", "1e400,1,1,1,1,1"),
    ("employment_subsidy_months", "²,1,1,1,1,1"),
]
JUNK_CASE_POSTS = [
    ("account/entries", {"kind": "owed", "amount": "1e20", "on_date": "2026-03-31"}, "amount"),
    ("account/entries", {"kind": "owed", "amount": "1000000000000000", "on_date": "2026-03-31"}, "amount"),
    ("account/entries", {"kind": "owed", "amount": "5", "on_date": "9999-01-01"}, "on_date"),
    ("account/plan", {"instalments": "3", "first_date": "0001-01-01"}, "first_date"),
    ("account/plan", {"instalments": "9" * 30, "first_date": "2026-09-25"}, "instalments"),
    ("wages", {"year": "9" * 30, "month": "3", "wage": "5000"}, "year"),
    ("wages", {"year": "2026", "month": "3", "wage": "Infinity"}, "wage"),
    ("wages", {"year": "2026", "month": "3", "wage": " "}, "wage"),  # blank is missing, not an amount of None
    ("account/entries", {"kind": "owed", "amount": "\t", "on_date": "2026-03-31"}, "amount"),
]


def test_every_decimal_field_of_the_policy_form_refuses_junk(client, cases_ready):
    login(client, "hr")
    before = table_counts()
    token = csrf_token(client, "/records/cases/policy")
    for junk in JUNK_NUMBERS:
        response = client.post("/records/cases/policy",
                               data={**POLICY_FORM, **dict.fromkeys(DECIMAL_FIELDS, junk), "csrf_token": token})
        assert response.status_code == 422, junk
        body = response.get_data(as_text=True)
        assert [name for name in DECIMAL_FIELDS if f'id="{name}-error"' not in body] == [], junk
    assert table_counts() == before


def test_policy_form_refuses_implausible_dates_and_numbers(client, cases_ready):
    login(client, "hr")
    token = csrf_token(client, "/records/cases/policy")
    for field, value in IMPLAUSIBLE_POLICY:
        response = client.post("/records/cases/policy", data={**POLICY_FORM, field: value, "csrf_token": token})
        assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True), field
    assert db.session.query(PolicyVersion).count() == 1


def test_case_account_and_wages_refuse_junk(client, cases_ready):
    case = open_case_for(cases_ready.worker)
    login(client, "hr")
    token = csrf_token(client)
    before = table_counts()
    for path, data, field in JUNK_CASE_POSTS:
        response = client.post(f"/records/cases/{case.id}/{path}", data={**data, "csrf_token": token})
        assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True), data
    assert table_counts() == before
    assert db.session.query(ShareEntry).filter(ShareEntry.amount > 10**9).count() == 0


def test_a_blank_correction_of_a_wage_month_names_the_field(client, cases_ready):
    case = open_case_for(cases_ready.worker)
    login(client, "hr")
    token = csrf_token(client)
    assert client.post(f"/records/cases/{case.id}/wages", data={"year": "2026", "month": "3", "wage": "5000",
                                                                 "csrf_token": token}).status_code == 303
    wage_id = db.session.execute(sa.select(WageMonth.id).where(
        WageMonth.employee_id == case.employee_id, WageMonth.year == 2026, WageMonth.month == 3)).scalar_one()
    before = table_counts()
    response = client.post(f"/records/cases/{case.id}/wages/{wage_id}",
                           data={"wage": "  ", "reason": "typo", "csrf_token": token})
    assert response.status_code == 422 and f'id="wage-{wage_id}-error"' in response.get_data(as_text=True)
    assert table_counts() == before


def test_ids_beyond_the_columns_are_not_found(client, world):
    login(client, "hr")
    for record_id in (2**31, 2**63, 10**30):
        for path in (f"/employees/{record_id}", f"/records/cases/{record_id}", f"/evidence/employees/{record_id}"):
            assert client.get(path).status_code == 404, path
        assert client.get(f"/records/cases/?department={record_id}").status_code == 200


def test_a_double_submitted_wage_month_is_a_clear_409(client, cases_ready):
    """The second submit of the same month wins the race past the duplicate check: the unique
    constraint refuses it, and the portal says so instead of answering 500."""
    case = open_case_for(cases_ready.worker)
    login(client, "hr")
    token = csrf_token(client)

    landed: list[bool] = []

    def the_other_submit_lands_first(session, *_args):
        if not landed and any(isinstance(row, WageMonth) for row in session.new):
            landed.append(True)
            session.execute(sa.insert(WageMonth).values(employee_id=case.employee_id, year=2026, month=3, wage=5000))

    event.listen(db.session, "before_flush", the_other_submit_lands_first)
    try:
        response = client.post(f"/records/cases/{case.id}/wages",
                               data={"csrf_token": token, "year": "2026", "month": "3", "wage": "5000"})
    finally:
        event.remove(db.session, "before_flush", the_other_submit_lands_first)
    assert landed
    assert response.status_code == 409
    assert "已经保存" in response.get_data(as_text=True)
    assert db.session.query(WageMonth).filter_by(year=2026, month=3).count() == 0
