"""The hot lookups and every list filter and sort are planned on indexes. SQLite plans the hot lookups on selective indexes. Without statistics its planner takes any
index on an equality, and a boolean one (``is_current``) made an acknowledgement scan every
current assignment of the company."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from portal.core.listing import sort_keys
from portal.core.paging import Sort
from portal.courses.models import Assignment
from portal.evidence.ledger import SYSTEM, NewEvent, append_events
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notices.operations import push_notice, save_notice
from portal.notifications.models import OutboxMessage
from portal.org.models import Employee
from portal.workbench import operations as workbench
from portal.workbench.models import RiskAlert
from tests.conftest import assign_course, login


def _plan(statement: sa.Select) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " | ".join(row[-1] for row in rows)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_employees_current_assignment_is_found_by_course_and_employee(app):
    plan = _plan(sa.select(Assignment).where(Assignment.course_id == 1, Assignment.employee_id == 2,
                                             Assignment.is_current.is_(True)))
    assert "uq_course_assignments_course_id" in plan or "(course_id=? AND employee_id=?)" in plan, plan
    assert "is_current" not in plan, plan


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_one_employees_events_of_one_type_use_the_combined_index(app):
    plan = _plan(sa.select(EvidenceEvent.id).where(EvidenceEvent.employee_id == 2,
                                                   EvidenceEvent.event_type == "lesson_read"))
    assert "ix_evidence_events_employee_type (employee_id=? AND event_type=?)" in plan, plan


# --- The lists' filters and sorts, on both engines ---------------------------------------------
# PostgreSQL plans a handful of rows with a sequential scan whatever the indexes; with sequential
# scans priced out, the plan shows which index serves each filter and sort.


def _explain(statement: sa.Select) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        return _plan(statement)
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_sort = off"))
    return " | ".join(row[0] for row in db.session.execute(sa.text(f"EXPLAIN {compiled}")).all())


BY_NAME = sort_keys(Sort("name"), {"name": Employee.name}, Employee.id)
LIST_FILTERS = {
    "matrix: one course": (sa.select(Assignment.id).where(Assignment.course_id == 1),
                           "ix_course_assignments_course_"),  # either: both lead with it
    "deliveries: one notice's versions": (sa.select(NoticeDelivery.id).where(NoticeDelivery.version_id == 1),
                                          "ix_notice_deliveries_version_"),  # either: both lead with it
    "any list: one department": (sa.select(Employee.id).where(Employee.department_id == 1), "ix_employees_department_id"),
    "workbench: one person's alerts": (sa.select(RiskAlert.id).where(RiskAlert.employee_id == 1),
                                       "ix_risk_alerts_employee_id"),
    "employees: by number": (sa.select(Employee.id).order_by(Employee.number, Employee.id).limit(50), "employees"),
    "employees: by name": (sa.select(Employee.id).order_by(Employee.name, Employee.id).limit(50), "ix_employees_name"),
    "employees: by hire date": (sa.select(Employee.id).order_by(Employee.hire_date.desc(), Employee.id.desc()).limit(50),
                                "ix_employees_hire_date"),
    "employees: after a cursor": (sa.select(Employee.id).where(BY_NAME.beyond(["员工", 5]))
                                  .order_by(*BY_NAME.clauses()).limit(50), "ix_employees_name"),
    "employees: before a cursor": (sa.select(Employee.id).where(BY_NAME.beyond(["员工", 5], reverse=True))
                                   .order_by(*BY_NAME.clauses(reverse=True)).limit(50), "ix_employees_name"),
}
# Sorted by a date that may be missing: one index gives either direction, from a cursor on either side.
WHEN = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
for _descending in (False, True):
    for _reverse in (False, True):
        _order = sort_keys(Sort("acknowledged", _descending), {"acknowledged": Assignment.acknowledged_at},
                           Assignment.id, ["acknowledged"])
        LIST_FILTERS[f"matrix: by acknowledgement{' descending' * _descending}{', backwards' * _reverse}"] = (
            sa.select(Assignment.id).where(Assignment.course_id == 1, _order.beyond([WHEN, 5], _reverse))
            .order_by(*_order.clauses(_reverse)).limit(50), "ix_course_assignments_course_acknowledged")
        _order = sort_keys(Sort("opened", _descending), {"opened": NoticeDelivery.first_opened_at},
                           NoticeDelivery.id, ["opened"])
        LIST_FILTERS[f"deliveries: by opening{' descending' * _descending}{', backwards' * _reverse}"] = (
            sa.select(NoticeDelivery.id).where(NoticeDelivery.version_id == 1, _order.beyond([WHEN, 5], _reverse))
            .order_by(*_order.clauses(_reverse)).limit(50), "ix_notice_deliveries_version_opened")


@pytest.mark.parametrize("name", LIST_FILTERS)
def test_every_list_filter_and_sort_has_an_index(app, name):
    statement, index = LIST_FILTERS[name]
    plan = _explain(statement)
    whole_sort = "Sort  (" in plan.replace("Incremental Sort", "Incremental")  # PostgreSQL: ties only is fine
    assert index in plan and "TEMP B-TREE" not in plan and "Seq Scan" not in plan and not whole_sort, plan


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_acknowledgement_finds_the_alerts_about_its_subject_by_index(app):
    plan = _plan(sa.select(RiskAlert.id).where(RiskAlert.subject_kind == "assignment", RiskAlert.subject_id == 7,
                                               RiskAlert.status != "resolved"))
    assert "ix_risk_alerts_subject (subject_kind=? AND subject_id=?)" in plan, plan


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_mailed_receipt_is_looked_up_in_the_outbox_by_index(app):
    plan = _plan(sa.select(OutboxMessage.id).where(OutboxMessage.subject == "确认回执 Receipt R20261130-000001"))
    assert "ix_mail_outbox_subject (subject=?)" in plan, plan


# --- The HR lists' pages, as the pages send them -------------------------------------------------
# A page sorted by a column of the people walks that column's index over employees and finds each
# one's assignment or delivery by employee: 50 rows cost 50 lookups, not a sort of the course.


@contextmanager
def _captured(prefix: str) -> Iterator[list[tuple[str, Any]]]:
    found: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().startswith(prefix):
            found.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _page_plan(client, url: str, prefix: str) -> str:
    (plan,) = _page_plans(client, url, prefix)
    return plan


def _page_plans(client, url: str, prefix: str, containing: str = "") -> list[str]:
    """The plan of each statement of the page that starts with ``prefix`` (and holds ``containing``)."""
    with _captured(prefix) as found:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    found = [(statement, parameters) for statement, parameters in found if containing in statement]
    assert found
    plans = []
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            # Statistics as the test left them, not as the server's background analysis last saw tables
            # other tests emptied and filled (two plans of equal cost on a few rows swapped with it).
            connection.exec_driver_sql("ANALYZE employees, course_assignments, notice_deliveries")
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            connection.exec_driver_sql("SET LOCAL enable_sort = off")
        for statement, parameters in found:
            if db.engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
                plans.append(" | ".join(row[-1] for row in rows))
            else:
                plans.append(" | ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}",
                                                                                     parameters).all()))
    return plans


PERSON_INDEX = {"number": ("sqlite_autoindex_employees_1", "uq_employees_number"), "name": ("ix_employees_name",) * 2}


def assert_walks_the_people(plan: str, sort: str, table: str) -> None:
    """Employees read in the order of the sort's index, each one's ``table`` rows found by employee;
    a sort of the ties on one person (several deliveries) is fine, a sort of the whole list is not."""
    sqlite_index, postgresql_index = PERSON_INDEX[sort]
    if db.engine.dialect.name == "sqlite":
        assert f"SCAN employees USING COVERING INDEX {sqlite_index}" in plan, plan
        assert any(step.startswith(f"SEARCH {table} USING INDEX") and "employee_id=?" in step
                   for step in plan.split(" | ")), plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan.replace("RIGHT PART OF ORDER BY", ""), plan
    else:
        assert postgresql_index in plan and "Sort  (" not in plan.replace("Incremental Sort", "Incremental"), plan


@pytest.mark.parametrize("query", [
    "sort=number", "sort=-number&page=99&at=last", "sort=name", "status=overdue", "status=quiz_passed&sort=-name",
])
def test_a_matrix_page_walks_the_employees_index(client, world, courses, query):
    for person in (world.worker, world.outsider, world.manager):
        assign_course(courses["injury-basics"], person)
    login(client, "hr")
    plan = _page_plan(client, f"/records/courses/injury-basics?{query}", "SELECT course_assignments.id")
    assert_walks_the_people(plan, "name" if "name" in query else "number", "course_assignments")


@pytest.mark.parametrize("query, index", [
    ("sort=due", "ix_course_assignments_course_due"), ("sort=-due&page=99&at=last", "ix_course_assignments_course_due"),
    ("sort=due&status=overdue", "ix_course_assignments_course_due"),
    ("contract=short_term", "ix_employees_contract_number"),  # those people read in number order
])
def test_a_matrix_page_reads_its_order_from_an_index(client, world, courses, query, index):
    for person in (world.worker, world.outsider, world.manager):
        assign_course(courses["injury-basics"], person)
    login(client, "hr")
    plan = _page_plan(client, f"/records/courses/injury-basics?{query}", "SELECT course_assignments.id")
    assert index in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "Sort  (" not in plan.replace("Incremental Sort", "Incremental"), plan


def test_a_managers_matrix_reads_their_departments_people_only(client, world, courses):
    for person in (world.worker, world.outsider, world.manager):
        assign_course(courses["injury-basics"], person)
    login(client, "manager")
    plan = _page_plan(client, "/records/courses/injury-basics", "SELECT course_assignments.id")
    if db.engine.dialect.name == "sqlite":
        assert "SEARCH employees USING INDEX ix_employees_department_id" in plan, plan
        assert "SCAN course_assignments" not in plan, plan
    else:  # PostgreSQL weighs the departments' index against the number's from its statistics
        assert "Seq Scan" not in plan and "Sort  (" not in plan.replace("Incremental Sort", "Incremental"), plan


@pytest.mark.parametrize("query", ["sort=number", "status=unread", "sort=-name"])
def test_a_deliveries_page_walks_the_employees_index(client, world, query):
    version, _ = save_notice(None, {"zh_CN": "须知"}, {"zh_CN": "正文"}, world.user("hr").id, SYSTEM)
    push_notice(version, [world.worker, world.outsider], date(2026, 12, 31), world.user("hr").id, SYSTEM)
    db.session.commit()
    login(client, "hr")
    plan = _page_plan(client, f"/records/notices/{version.notice_id}?{query}", "SELECT notice_deliveries.id")
    assert_walks_the_people(plan, "name" if "name" in query else "number", "notice_deliveries")


# A page sorted by a column of the rows reads the course's or the version's rows from an index in
# that column's order (either direction; rows without the date come first ascending, last
# descending), the people found by id: no sort of the whole course or notice.


def assert_reads_in_index_order(plan: str, index: str) -> None:
    assert index in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "SCAN course_assignments" not in plan, plan
    assert "SCAN notice_deliveries" not in plan, plan
    assert "Sort  (" not in plan.replace("Incremental Sort", "Incremental") and "Seq Scan" not in plan, plan


@pytest.mark.parametrize("query", [
    "sort=acknowledged", "sort=-acknowledged", "sort=acknowledged&page=99&at=last", "sort=-acknowledged&page=99&at=last",
])
def test_a_matrix_page_by_acknowledgement_reads_the_course_in_that_order(client, world, courses, query):
    for person in (world.worker, world.outsider, world.manager):
        assign_course(courses["injury-basics"], person)
    login(client, "hr")
    plan = _page_plan(client, f"/records/courses/injury-basics?{query}", "SELECT course_assignments.id")
    assert_reads_in_index_order(plan, "ix_course_assignments_course_acknowledged")


@pytest.mark.parametrize("query", ["days=90", "days=730", "days=90&after=after.W3siZCI6IjIwMjYtMDEtMTAifSx7ImR0IjoiMjAy"
                                   "NS0wMS0xMFQwMjowMDowMCswMDowMCJ9LCJjb3Vyc2UiLDVd"])
def test_a_renewals_page_reads_each_course_in_the_order_acknowledged(client, world, courses, query):
    for person in (world.worker, world.outsider, world.manager):
        assign_course(courses["injury-basics"], person).acknowledged_at = datetime(2025, 1, 10, 2, tzinfo=timezone.utc)
    db.session.commit()
    login(client, "hr")
    plans = _page_plans(client, f"/records/renewals/?{query}", "SELECT course_assignments.id")
    assert len(plans) == sum(1 for c in courses.values() if c.validity_months)
    for plan in plans:
        assert_reads_in_index_order(plan, "ix_course_assignments_course_acknowledged")


@pytest.mark.parametrize("query", ["", "older=after.W3siZHQiOiIyMDI2LTExLTIwVDA4OjAwOjAwKzAwOjAwIn0sNV0"])
def test_the_filed_reports_are_read_newest_first_from_their_index(client, world, query):
    for _ in range(3):
        workbench.file_report(world.worker, date(2026, 11, 1), "车间", "手被压伤", None, SYSTEM).completed_at = \
            datetime(2026, 11, 20, 8, tzinfo=timezone.utc)
    db.session.commit()
    login(client, "hr")
    (plan,) = _page_plans(client, f"/workbench/reports/?{query}", "SELECT injury_reports.id",
                          "injury_reports.completed_at IS NOT NULL")
    assert "ix_injury_reports_completed_at_id" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort  (" not in plan, plan


@pytest.mark.parametrize("query, index", [
    ("sort=due", "ix_notice_deliveries_version_due"), ("sort=-due&page=99&at=last", "ix_notice_deliveries_version_due"),
    ("sort=-due&status=unread", "ix_notice_deliveries_version_due"),
    ("sort=opened", "ix_notice_deliveries_version_opened"), ("sort=-opened&page=99&at=last", "ix_notice_deliveries_version_opened"),
])
def test_a_deliveries_page_by_a_date_reads_the_version_in_that_order(client, world, query, index):
    version, _ = save_notice(None, {"zh_CN": "须知"}, {"zh_CN": "正文"}, world.user("hr").id, SYSTEM)
    push_notice(version, [world.worker, world.outsider], date(2026, 12, 31), world.user("hr").id, SYSTEM)
    db.session.commit()
    login(client, "hr")
    plan = _page_plan(client, f"/records/notices/{version.notice_id}?{query}", "SELECT notice_deliveries.id")
    assert_reads_in_index_order(plan, index)

@pytest.mark.parametrize("query", ["", "type=reminder_sent", "page=2&at=last", "content=case:7&from=2026-01-01"])
def test_a_timeline_page_walks_the_employees_chain_by_seq(client, world, query):
    append_events([NewEvent("reminder_sent", world.worker.id, None, SYSTEM, payload={}) for _ in range(60)])
    db.session.commit()
    login(client, "hr")
    plan = _page_plan(client, f"/evidence/employees/{world.worker.id}?{query}", "SELECT evidence_events.id")
    if db.engine.dialect.name == "sqlite":
        assert "SEARCH evidence_events USING INDEX sqlite_autoindex_evidence_events_1 (chain=?" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert "uq_evidence_events_chain_seq" in plan and "Sort  (" not in plan, plan


def test_the_employees_last_verification_is_read_from_its_index(client, world):
    """The evidence page reads the employee, the chain head and the last verification in one
    statement; the verifications grow with every run, so they are found by employee, not scanned."""
    login(client, "hr")
    plan = _page_plan(client, f"/evidence/employees/{world.worker.id}", "SELECT employees.id")
    assert "ix_evidence_verifications_employee" in plan, plan
    assert "SCAN evidence_verifications" not in plan and "Seq Scan on evidence_verifications" not in plan, plan


# A search's counts start from the people the search index finds and look each one's assignment or
# delivery up by employee. Left to its statistics (or with none, as on a fresh database), SQLite
# read every row of the course and looked each person up in the search index.


def assert_counts_start_from_the_search(plan: str, table: str) -> None:
    if db.engine.dialect.name == "sqlite":
        steps = plan.split(" | ")
        searched = next(i for i, step in enumerate(steps) if "VIRTUAL TABLE" in step)
        assert steps[searched].startswith("SCAN employee_search"), plan
        looked_up = next(i for i, step in enumerate(steps) if table in step)
        assert searched < looked_up and "(employee_id=?)" in steps[looked_up], plan
    else:  # PostgreSQL weighs the search index against the course's from its statistics: either, by index
        assert f"Seq Scan on {table}" not in plan and "Seq Scan on employees" not in plan, plan


def test_a_matrix_search_counts_from_the_people_found(client, world, courses):
    for person in (world.worker, world.outsider, world.manager):
        assign_course(courses["injury-basics"], person)
    login(client, "hr")
    plan = _page_plan(client, f"/records/courses/injury-basics?q={world.worker.number}", "SELECT anon_1.state")
    assert_counts_start_from_the_search(plan, "course_assignments")


def test_a_deliveries_search_counts_from_the_people_found(client, world):
    version, _ = save_notice(None, {"zh_CN": "须知"}, {"zh_CN": "正文"}, world.user("hr").id, SYSTEM)
    push_notice(version, [world.worker, world.outsider], date(2026, 12, 31), world.user("hr").id, SYSTEM)
    db.session.commit()
    login(client, "hr")
    plan = _page_plan(client, f"/records/notices/{version.notice_id}?q={world.worker.number}", "SELECT anon_1.state")
    assert_counts_start_from_the_search(plan, "notice_deliveries")
