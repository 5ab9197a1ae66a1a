"""HR's and managers' lists cost the same number of SQL statements with a handful of employees and
with hundreds more (their assignments, deliveries, alerts and ledger chains): every list is one
page read by keyset with its counts from one aggregate query. Both engines."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from bench.dataset import add_employees
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices.models import Notice
from portal.notices.operations import push_notice
from portal.org.models import Employee
from portal.workbench.operations import scan
from tests.conftest import assign_course, login
from tests.web.cases.route_expectations import prepare_cases
from tests.web.test_query_counts import _statements as statements_of

TODAY = date(2026, 11, 26)
MATRIX = "/records/courses/injury-basics"


def _statements(client, path: str) -> int:
    client.get(path)  # the first visit may warm per-request caches; measure the second
    return statements_of(client, path)


def test_hr_lists_take_as_many_statements_at_any_company_size(client, world, courses):
    prepare_cases(world)
    walk_through_course(assign_course(courses["injury-basics"], world.worker), world.user("worker").id)
    assign_course(courses["injury-basics"], world.outsider)
    notice = db.session.execute(sa.select(Notice).order_by(Notice.id)).scalars().first()
    push_notice(notice.versions[-1], [world.outsider, world.worker], TODAY, None, SYSTEM)
    db.session.commit()
    add_employees(5, 50, 0, TODAY)  # a few colleagues, so that every list and filter shows rows already
    scan(TODAY)
    pages = {
        "matrix": MATRIX, "matrix, one department": f"{MATRIX}?department={world.machining.id}",
        "matrix, overdue": f"{MATRIX}?status=overdue", "matrix, search": f"{MATRIX}?q=员工",
        "matrix, by due date": f"{MATRIX}?sort=-due", "deliveries": f"/records/notices/{notice.id}",
        "deliveries, unread": f"/records/notices/{notice.id}?status=unread", "workbench": "/workbench/",
        "employees": "/employees", "employee search": "/employees?q=员工", "employees by hire date": "/employees?sort=-hire_date",
        "evidence of one employee": f"/evidence/employees/{world.worker.id}",
    }
    login(client, "hr")
    small = {name: _statements(client, path) for name, path in pages.items()}
    login(client, "manager")
    small["manager's matrix"] = _statements(client, MATRIX)

    add_employees(300, 3000, 0, TODAY)
    scan(TODAY)
    assert db.session.execute(sa.select(sa.func.count(Employee.id))).scalar_one() > 300
    large = {"manager's matrix": _statements(client, MATRIX)}
    login(client, "hr")
    large |= {name: _statements(client, path) for name, path in pages.items()}
    assert "第 1–50 条" in client.get(MATRIX).get_data(as_text=True)  # the larger company fills pages

    assert large == small, {name: (small[name], large[name]) for name in small if small[name] != large[name]}
