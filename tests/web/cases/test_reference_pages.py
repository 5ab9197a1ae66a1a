"""The case pages show every figure of the hand-worked reference cases (tests/reference_cases.py),
from the one computed case view, on both engines."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from portal.cases import operations
from portal.cases.models import CASE_FIELDS
from portal.cases.rules import DEMO_POLICY, Condition, Dependant, Relation
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import ContractType
from tests.conftest import login
from tests.reference_cases import CASES, CaseRow


def open_reference_case(world, index: int, row: CaseRow):
    person = Employee(number=f"R{index:03d}", name=f"参考{index}", hire_date=date(2024, 3, 1),
                      department=world.machining, contract_type=ContractType.REGULAR, preferred_locale="zh_CN")
    db.session.add(person)
    db.session.flush()
    for year, month, wage in row.wages:
        operations.add_wage(person, year, month, Decimal(wage), None, SYSTEM)
    values = {**dict.fromkeys(CASE_FIELDS), "accident_date": row.accident, "description": "",
              "suspension_start": row.accident, "suspension_months": 6,
              "contract_monthly_wage": Decimal(row.contract_wage) if row.contract_wage else None}
    if row.grade is not None:
        values.update(assessment_applied_date=date(2026, 8, 10), assessment_concluded_date=date(2026, 9, 10),
                      grade=row.grade)
    if row.death is not None:
        values.update(death_date=row.death, suspension_start=None, suspension_months=None)
    case = operations.open_case(person, values, None, SYSTEM)
    for name, relation, condition, lone in row.dependants:
        operations.add_dependant(case, Dependant(Relation(relation), lone, name, Condition(condition)), None, SYSTEM)
    return case


def check(client, case, row: CaseRow) -> None:
    view = operations.case_view(case)
    shown = {r.code: r for r in view.benefits}
    if view.monthly_share is not None:
        shown[view.monthly_share.code] = view.monthly_share
    if view.dependants is not None:
        shown.update({f"dependant_pension:{i}": p for i, p in enumerate(view.dependants.items, start=1)})
        shown[view.dependants.total.code] = view.dependants.total
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert all(name in body for name, *_ in row.dependants), row.key
    for code, (amount, article) in row.figures.items():
        if code == "own_wage":
            assert view.own_wage.amount == amount and article in view.own_wage.article_en, (row.key, code)
        else:
            assert shown[code].amount == amount and article in shown[code].article_en, (row.key, code)
        assert f"{amount:,.2f}" in body, (row.key, code)


def test_every_reference_case_page_shows_the_hand_worked_figures(client, cases_ready):
    world = cases_ready
    login(client, "hr")
    plain = [(i, row) for i, row in enumerate(CASES) if not row.policy]
    varied = [(i, row) for i, row in enumerate(CASES) if row.policy]
    opened = [(open_reference_case(world, i, row), row) for i, row in plain]
    db.session.commit()
    for case, row in opened:
        check(client, case, row)
    # The rows with other regional figures: a version in force from the start of the year carries them.
    changes = {name: value for _, row in varied for name, value in row.policy.items()}
    operations.save_policy(dataclasses.replace(DEMO_POLICY, valid_from=date(2026, 1, 1), **changes), None, SYSTEM)
    opened = [(open_reference_case(world, i, row), row) for i, row in varied]
    db.session.commit()
    for case, row in opened:
        check(client, case, row)
