"""HR's and managers' lists cost the same number of SQL statements with a handful of employees and
with hundreds more (their assignments, deliveries, alerts and ledger chains): every list is one
page read by keyset with its counts from one aggregate query; the cost report and the case list
the same with three injury cases and with thirty. Both engines."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_login import login_user

from bench.dataset import add_employees
from portal.auth.access import scope_filter
from portal.cases import operations as cases
from portal.cases.models import InjuryCase
from portal.cases.rules import Condition, Dependant, EntryKind, Relation
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM, NewEvent, append_events
from portal.extensions import db
from portal.notices.models import Notice
from portal.notices import rules as notice_rules
from portal.notices.operations import acknowledge_notice, open_notice, push_notice, save_notice, shanghai_date
from portal.org.models import Employee
from portal.workbench import operations as workbench
from portal.workbench.operations import scan
from portal.core.kept import kept_parts
from tests.conftest import _engine_events, assign_course, counted_statements, login, post_form
from tests.web.cases.conftest import open_case_for
from tests.web.cases.route_expectations import prepare_cases
from tests.web.test_query_counts import _statements as statements_of

TODAY = date(2026, 11, 26)
BOUND_LIMIT = re.compile(r"\b(LIMIT|OFFSET) (\?|%\(\w+\)s)")
MATRIX = "/records/courses/injury-basics"


def _statements(client, path: str) -> int:
    client.get(path)  # the first visit may warm per-request caches
    client.get(path)  # and a broad search's second reads the order of its matches once (KnownOrder)
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

    # Beyond the matches a search counts, the matrix's search knows so from its first visit and
    # counts no states (``count_states``): one statement fewer, never more.
    expected = small | {"matrix, search": small["matrix, search"] - 1}
    assert large == expected, {name: (expected[name], large[name]) for name in small if expected[name] != large[name]}


def open_cases(count: int) -> None:
    """``count`` new employees, each with a case: assessed with the share owed and part withheld, a
    death with a dependant, or a recognition applied for; two months of wages each."""
    add_employees(count, count, 0, TODAY)
    newest = db.session.execute(sa.select(Employee).order_by(Employee.id.desc()).limit(count)).scalars().all()
    for index, employee in enumerate(newest):
        for month in (1, 2):
            cases.add_wage(employee, 2026, month, Decimal("4800") + index, None, SYSTEM)
        kind = index % 3
        if kind == 0:
            case = open_case_for(employee, suspension_start=date(2026, 3, 2), suspension_months=6,
                                 assessment_applied_date=date(2026, 8, 10),
                                 assessment_concluded_date=date(2026, 9, 10), grade=9)
            cases.record_owed_for_suspension(case, None, SYSTEM)
            cases.add_entry(case, EntryKind.WITHHELD, Decimal("100.00"), date(2026, 10, 5), None, SYSTEM)
        elif kind == 1:
            case = open_case_for(employee, death_date=date(2026, 3, 2), suspension_start=None, suspension_months=None)
            cases.add_dependant(case, Dependant(Relation.SPOUSE, False, "王芳", Condition.UNABLE_TO_WORK), None,
                                SYSTEM)
        else:
            open_case_for(employee, accident_date=date(2026, 10, 1), recognition_applied_date=date(2026, 10, 10),
                          recognition_applicant="employer", suspension_start=None, suspension_months=None)
    db.session.commit()


def _computed_statements(client, path: str) -> int:
    """The statements of a page computed afresh (nothing kept from an earlier visit)."""
    client.get(path)
    kept_parts().clear()
    return statements_of(client, path)


def _case_scan_statements() -> int:
    """What the daily risk scan reads to compute the cases' alerts (one batch of up to 100 cases)."""
    with counted_statements() as statements:
        assert list(workbench.case_alerts(TODAY))
    return len(statements)


def test_cost_report_and_case_list_take_as_many_statements_with_ten_times_the_cases(client, world, courses):
    """Every case's inputs (wages, actions, entries, dependants, policy versions, holidays) are
    read in bulk, so three cases and thirty cost the same statements (the exports and the daily
    risk scan too), with the
    same figures as each case computed alone."""
    prepare_cases(world)
    open_cases(2)
    pages = {"cost report": "/workbench/costs", "case list": "/records/cases/",
             "case list, one status": "/records/cases/?status=subsidy_expected",
             "case list, by name": "/records/cases/?sort=name&status=deceased",
             "cost export": "/workbench/costs.csv", "case export": "/workbench/export/cases.csv",
             "account export": "/workbench/export/accounts.csv"}
    login(client, "hr")
    small = {name: _computed_statements(client, path) for name, path in pages.items()}
    small["risk scan of the cases"] = _case_scan_statements()
    kept = {name: _statements(client, pages[name]) for name in ("cost report", "case list", "case list, one status")}

    open_cases(27)
    assert db.session.execute(sa.select(sa.func.count(InjuryCase.id))).scalar_one() == 30
    large = {name: _computed_statements(client, path) for name, path in pages.items()}
    large["risk scan of the cases"] = _case_scan_statements()
    # Until an input changes the pages are not computed again: the account (with the bell), the stamps.
    assert kept == {name: _statements(client, pages[name]) for name in kept} == dict.fromkeys(kept, 2)
    assert "第 1–20 条" in client.get("/records/cases/").get_data(as_text=True)  # more cases than one page
    assert large == small, {name: (small[name], large[name]) for name in small if small[name] != large[name]}

    every_case = sa.select(InjuryCase).order_by(InjuryCase.id)
    alone = [line for case in db.session.execute(every_case).scalars()
             for line in workbench.case_cost_lines(case, TODAY)]
    assert workbench.cost_lines(every_case, TODAY, "zh_CN") == alone
    db.session.expire_all()
    bulk = cases.case_views(db.session.execute(every_case.options(*cases.CASE_ROWS)).scalars(), TODAY)
    assert [(v.timeline, v.status, v.own_wage, v.benefits, v.account, v.dependants) for v in bulk] == [
        (v.timeline, v.status, v.own_wage, v.benefits, v.account, v.dependants)
        for v in map(lambda c: cases.case_view(c, TODAY), db.session.execute(every_case).scalars())]


def test_a_timeline_page_takes_as_many_statements_with_two_thousand_events(client, world):
    """Computed afresh or kept, any page of an employee's timeline (filtered or not) costs the same
    statements with ten events on the chain and with two thousand."""
    path = f"/evidence/employees/{world.worker.id}"
    pages = {"first": path, "last": f"{path}?page=2&at=last", "one type": f"{path}?type=reminder_sent",
             "one type, last": f"{path}?type=reminder_sent&page=2&at=last", "one case": f"{path}?content=case:7"}

    def record(count: int) -> None:
        append_events([NewEvent("case_viewed", world.worker.id, None, SYSTEM, payload={"case": 7, "own": False})
                       if i % 3 == 0 else NewEvent("reminder_sent", world.worker.id, None, SYSTEM, payload={})
                       for i in range(count)])
        db.session.commit()

    def measured() -> dict[str, tuple[int, int]]:
        return {name: (_computed_statements(client, url), _statements(client, url)) for name, url in pages.items()}

    record(10)
    login(client, "hr")
    few = measured()
    record(1990)
    many = measured()
    assert "第 1–50 条，共 2001 条" in client.get(path).get_data(as_text=True)
    assert many == few, {name: (few[name], many[name]) for name in few if few[name] != many[name]}


def test_a_managers_page_reads_their_department_with_the_account(client, world, courses):
    """A manager's pages cost the statements HR's do: their department comes with the account's
    own statement, and still limits what they see; a manager of no department sees only themself."""
    for person in (world.manager, world.worker, world.outsider):
        assign_course(courses["injury-basics"], person)
    db.session.commit()
    login(client, "hr")
    hr = _statements(client, MATRIX)
    post_form(client, "/logout")
    login(client, "manager")
    client.get(MATRIX)
    with counted_statements() as statements:
        body = client.get(MATRIX).get_data(as_text=True)
    assert len(statements) == hr
    assert not any("department_managers" in s and not s.startswith("SELECT users.") for s in statements)
    assert "李强" in body and "赵经理" in body and "陈晓雨" not in body
    world.machining.manager = None
    db.session.commit()
    body = client.get(MATRIX).get_data(as_text=True)
    assert "赵经理" in body and "李强" not in body and "陈晓雨" not in body


def test_the_matrix_and_the_deliveries_read_their_counts_with_the_course_or_notice(client, world, courses):
    """A matrix or deliveries page makes three statements: the account, the course or notice with the
    departments' stamp and its counts by status, and the page. The counts follow the data at once,
    and a manager's own row outside their department is counted live in that same statement."""
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    delivered = push_notice(version, [world.worker, world.outsider], notice_rules.due_date(shanghai_date()), hr, SYSTEM)
    worker_course = [assign_course(courses["injury-basics"], p) for p in (world.worker, world.outsider, world.manager)][0]
    other = next(course for slug, course in courses.items() if slug != "injury-basics")
    assign_course(other, world.outsider)  # counted for its own course only
    db.session.commit()
    deliveries = f"/records/notices/{version.notice_id}"
    login(client, "hr")
    for path, tally in ((MATRIX, "course_status_counts"), (f"{MATRIX}?department={world.machining.id}&status=overdue",
                        "course_status_counts"), (deliveries, "notice_status_counts"),
                        (f"{deliveries}?status=unread&department={world.assembly.id}", "notice_status_counts")):
        client.get(path)
        with counted_statements() as statements:
            assert client.get(path).status_code == 200
        assert len(statements) == 3, statements
        assert [i for i, s in enumerate(statements) if tally in s] == [1]
        assert "FROM courses" in statements[1] or "FROM notices" in statements[1]
    assert "未开始</span> 3" in client.get(MATRIX).get_data(as_text=True)
    assert "未读</span> 2" in client.get(deliveries).get_data(as_text=True)

    walk_through_course(worker_course, world.user("worker").id)
    worker = world.user("worker").id
    open_notice(delivered[0], "zh_CN", worker, SYSTEM)
    acknowledge_notice(delivered[0], world.worker.name, "zh_CN", worker, SYSTEM)
    db.session.commit()
    matrix = client.get(MATRIX).get_data(as_text=True)
    assert "未开始</span> 2" in matrix and "已确认</span> 1" in matrix
    page = client.get(deliveries).get_data(as_text=True)
    assert "未读</span> 1" in page and "已确认</span> 1" in page
    assert "已确认</span> 0" in client.get(f"{deliveries}?department={world.assembly.id}").get_data(as_text=True)

    world.machining.manager = None
    world.assembly.manager = world.manager  # their own row now lies outside the department they manage
    db.session.commit()
    post_form(client, "/logout")
    login(client, "manager")
    client.get(MATRIX)
    with counted_statements() as statements:
        body = client.get(MATRIX).get_data(as_text=True)
    assert len(statements) == 3
    assert "未开始</span> 2" in body and "已确认</span> 0" in body  # the outsider and themself, not the worker
    assert "赵经理" in body and "陈晓雨" in body and "李强" not in body


def test_no_statement_of_a_page_is_rewritten_when_it_runs(client, world, courses):
    """A list of values bound as one parameter, or a value SQLAlchemy writes into the statement at
    run time, has the whole statement's text rewritten at every run (``one_of``,
    ``joined_strings``): the statements of the pages' every visit bind each value apart."""
    prepare_cases(world)
    open_case_for(world.worker)
    assign_course(courses["injury-basics"], world.worker)
    assign_course(courses["injury-basics"], world.outsider)
    notice = db.session.execute(sa.select(Notice).order_by(Notice.id)).scalars().first()
    push_notice(notice.versions[-1], [world.outsider, world.worker], TODAY, None, SYSTEM)
    db.session.commit()
    pages = {"worker": ("/learning/", "/notices/", "/my-case/"),
             "hr": (MATRIX, f"{MATRIX}?q=员工", f"/records/notices/{notice.id}", "/employees", "/employees?q=李",
                    "/workbench/", "/records/cases/"),
             "manager": (MATRIX, "/employees")}
    compiled = []
    for username, paths in pages.items():
        login(client, username)
        for path in paths:
            client.get(path)  # what the first visit computes is kept (my case's figures load with the ORM)
            with _engine_events("before_cursor_execute", lambda *args: args[4].compiled) as run:
                assert client.get(path).status_code == 200, path
            compiled += run
        post_form(client, "/logout", {})
    assert len(compiled) >= 12
    rewritten = {c.string for c in compiled if c is not None and "POSTCOMPILE" in c.string}
    assert not rewritten, rewritten
    # A page's size written in (``listing.written``): PostgreSQL may keep one plan for every run.
    # (SQLite's statements name an OFFSET of 0 after every LIMIT; it plans each run anyway.)
    postgresql = db.engine.dialect.name == "postgresql"
    bound_limits = {c.string for c in compiled if c is not None and postgresql and BOUND_LIMIT.search(c.string)}
    assert not bound_limits, bound_limits


def test_a_readers_departments_are_written_into_the_statements_built_for_them(app, world):
    """A manager's departments (and own record) and a list's department filter are written in, not
    bound (``listing.written_in``): PostgreSQL then plans a prepared statement for those very
    departments, where a plan for any department walked the whole course."""
    manager = world.user("manager")
    with app.test_request_context("/"):
        login_user(manager)
        reach = scope_filter("course.records", Employee.id, Employee.department_id).compile(db.engine)
    assert not reach.params
    assert f"IN ({world.machining.id})" in str(reach) and f"= {manager.employee_id}" in str(reach)
