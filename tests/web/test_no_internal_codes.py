"""No internal code reaches a person: the demo company's pages and exports, read as HR, a worker and a
manager, and the worker's evidence pack report, show words, never an enum value, a step key, an event
type, a label key or a raw True/False/None.

The codes are collected from the portal itself: every value of its string enums, every key of its
label tables and every ledger event type that reads as an identifier (has an underscore), so a new
code is covered as soon as it exists."""

from __future__ import annotations

import enum
import io
import re
import sys
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel.speaklater import LazyString

from portal import PROJECT_ROOT
from portal.auth.policy import Role
from portal.cases import operations as cases
from portal.cases.models import InjuryCase
from portal.cases.rules import Condition, Dependant, Relation
from portal.core.types import local_today
from portal.demo.company import DEMO_PASSWORD
from portal.demo.operations import load_demo
from portal.evidence.ledger import SYSTEM
from portal.evidence.pack import PackScope, assemble
from portal.extensions import db
from portal.org.models import Employee
from portal.workbench import workflow
from portal.workbench.operations import file_report, save_steps, scan
from tests.conftest import login
from tests.visible import visible_text

IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
RAW_VALUES = re.compile(r"(?<![\w.])(True|False|None)(?![\w.])")


def internal_codes() -> set[str]:
    """Every snake_case value of the portal's string enums, every such key of its label tables and
    every event type the portal records."""
    source = "\n".join(path.read_text() for path in (PROJECT_ROOT / "portal").rglob("*.py"))
    codes = set(re.findall(r'append_event\(\s*"([a-z_]+)"', source))
    for name, module in list(sys.modules.items()):
        if not name.startswith("portal.") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__ == name:
                codes |= {m.value for m in value if isinstance(m.value, str)}
            elif isinstance(value, dict) and value and all(isinstance(v, LazyString) for v in value.values()):
                codes |= {getattr(k, "value", k) for k in value if isinstance(getattr(k, "value", k), str)}
    return {c for c in codes if IDENTIFIER.match(c)}


def leaks(text: str, codes: set[str]) -> set[str]:
    words = set(re.findall(r"[a-z][a-z0-9_]*", text))
    return (words & codes) | set(RAW_VALUES.findall(text))


@pytest.fixture
def database_url() -> str:
    """What a page says does not depend on the engine: SQLite only (each route's own tests run on both)."""
    return "sqlite://"


@pytest.fixture
def demo(app):
    today = local_today()
    load_demo(today)
    scan(today)
    # What the demo does not hold yet: a death case with dependants, a step HR added, a report waiting.
    li = db.session.execute(sa.select(Employee).filter_by(number="A0101")).scalar_one()
    other = db.session.execute(sa.select(Employee).where(Employee.department_id == li.department_id,
                                                         Employee.id != li.id).limit(1)).scalar_one()
    died = cases.open_case(other, {**dict.fromkeys(cases.CASE_FIELDS), "accident_date": date(2026, 3, 2),
                                   "description": "", "death_date": date(2026, 3, 2)}, None, SYSTEM)
    for year, month in ((2025, 12), (2026, 1), (2026, 2)):
        cases.add_wage(other, year, month, Decimal("6000"), None, SYSTEM)
    cases.add_dependant(died, Dependant(Relation.SPOUSE, False, "王芳", Condition.UNABLE_TO_WORK), None, SYSTEM)
    cases.add_dependant(died, Dependant(Relation.CHILD, True, "李一", Condition.MINOR), None, SYSTEM)
    safety = workflow.Step("step_safety", Role.MANAGER, "安全部门复核")
    save_steps(workflow.add_step(workflow.DEFAULT_STEPS, safety, 2), None, SYSTEM)
    file_report(li, today, "车间二", "手被压伤", None, SYSTEM)
    db.session.commit()
    return {"li": li.id, "li_case": db.session.execute(sa.select(InjuryCase.id).where(InjuryCase.employee_id == li.id)).scalar(),
            "death_case": died.id}


HR_PAGES = ("/", "/workbench/", "/workbench/costs", "/workbench/reports/", "/workbench/workflow", "/workbench/import",
            "/records/cases/", "/records/cases/{li_case}", "/records/cases/{li_case}/edit", "/records/cases/{death_case}",
            "/records/cases/policy", "/records/cases/holidays", "/notifications/", "/evidence/employees/{li}")
HR_EXPORTS = ("/workbench/export/cases.csv", "/workbench/export/accounts.csv", "/workbench/export/acknowledgements.csv",
              "/workbench/export/employees.csv", "/workbench/costs.csv")
WORKER_PAGES = ("/", "/my-case/", "/learning/", "/notices/", "/notifications/", "/workbench/reports/", "/privacy/")
MANAGER_PAGES = ("/", "/records/cases/", "/records/cases/{li_case}", "/workbench/reports/", "/notifications/")


def test_no_page_or_export_shows_an_internal_code(app, demo):
    codes = internal_codes() | {"step_safety"}  # and the key of the step HR added
    assert {"department_review", "stop_original_pay", "unable_to_work", "personal_share_monthly",
            "dependant_recorded", "case_viewed"} <= codes
    found: dict[str, set[str]] = {}
    for username, pages, exports in (("hr.wang", HR_PAGES, HR_EXPORTS), ("li.qiang", WORKER_PAGES, ()),
                                     ("mgr.zhao", MANAGER_PAGES, ())):
        client = app.test_client()
        assert login(client, username, DEMO_PASSWORD).status_code == 303
        for path in pages:
            url = path.format(**demo)
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            if bad := leaks(visible_text(response.get_data(as_text=True)), codes):
                found[f"{username} {url}"] = bad
        for url in exports:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            if bad := leaks(response.get_data(as_text=True), codes):
                found[f"{username} {url}"] = bad
        reports = client.get("/workbench/reports/").get_data(as_text=True)
        for link in sorted(set(re.findall(r'href="(/workbench/reports/\d+)"', reports)))[:2]:
            if bad := leaks(visible_text(client.get(link).get_data(as_text=True)), codes):
                found[f"{username} {link}"] = bad
    with app.test_request_context():
        pack = assemble(db.session.get(Employee, demo["li"]), PackScope(), "hr.wang")
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        for name in archive.namelist():
            if name.endswith(".html") and (bad := leaks(visible_text(archive.read(name).decode()), codes)):
                found[f"pack {name}"] = bad
    assert found == {}
