"""The API's resources under ``/api/v1``. Views parse (through ``operation``), call the domains'
operations and shape the answer; every rule lives in the domains."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, after_this_request, current_app, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from portal.api import schemas
from portal.api.endpoint import current_token, parse, operation, rate_limit_key, rate_limit_value
from portal.api.problems import Problem, from_http_exception, invalid
from portal.auth.access import public, scope_filter
from portal.auth.policy import can
from portal.cases import operations as cases
from portal.cases.forms import WageForm
from portal.cases.models import CaseAction, InjuryCase, ShareEntry
from portal.cases.rules import BenefitResult, EntryKind
from portal.core.types import local_today, utcnow
from portal.courses.models import Acknowledgement, Assignment, Course
from portal.courses.records import status_expression
from portal.evidence import operations as evidence_operations
from portal.evidence.ledger import Origin
from portal.evidence.models import PackRequest
from portal.evidence.pack import PackScope, build_pack
from portal.extensions import csrf, db, limiter
from portal.notices.models import Notice, NoticeAcknowledgement, NoticeDelivery, NoticeVersion
from portal.notices.records import status_expression as notice_status_expression
from portal.org import operations as org
from portal.org.forms import EmployeeForm, check_employee_form
from portal.org.models import Department, Employee
from portal.org.rules import ContractType, EmploymentStatus, normalise_employee_number
from portal.web import errors, security
from portal.workbench import importing
from portal.workbench.presenters import IMPORT_REASONS
from portal.webhooks import operations as webhooks
from portal.webhooks.models import Subscription

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def api_origin() -> Origin:
    token = current_token()
    return Origin(channel="api", ip=request.remote_addr, user_agent=(request.user_agent.string or "")[:300] or None,
                  session=f"token:{token.id}" if token else None)


def _actor_id() -> int:
    token = current_token()
    assert token is not None
    return token.user_id


# --- Cursors ---------------------------------------------------------------------------------------


def _page(rows: list[Any], limit: int, key: Any) -> tuple[list[Any], Any]:
    """Keyset pagination: fetch ``limit + 1`` rows; the last shown row's sort key is the next cursor."""
    if len(rows) > limit:
        return rows[:limit], key(rows[limit - 1])
    return rows, None


# --- Organisation ----------------------------------------------------------------------------------


@operation(bp, "/departments", "GET", scope="org:read", action="employee.list", tag="organisation",
           summary="Departments the token's account may list", response=schemas.DepartmentList)
def departments() -> schemas.DepartmentList:
    return schemas.DepartmentList(items=[schemas.Department(code=d.code, name_zh=d.name_zh, name_en=d.name_en)
                                         for d in org.visible_departments()])


@operation(bp, "/departments/<code>", "PUT", scope="org:write", action="employee.edit", tag="organisation",
           summary="Create or rename a department by code", body=schemas.DepartmentFields, response=schemas.BulkResult)
def put_department(code: str, body: schemas.DepartmentFields) -> schemas.BulkResult:
    """Checked with the department import's rules (code up to 20 characters, Chinese name required)."""
    preview = importing.preview_departments([["code", "name_zh", "name_en"], [code, body.name_zh, body.name_en or ""]])
    if preview.errors:
        raise invalid([{"field": e.column, "message": str(IMPORT_REASONS[e.reason])} for e in preview.errors])
    record = preview.records[0]
    department = db.session.execute(sa.select(Department).where(Department.code == record["code"])
                                    .with_for_update()).scalar_one_or_none()
    if department is not None and (department.name_zh, department.name_en) == (record["name_zh"], record["name_en"]):
        return schemas.BulkResult(created=0, updated=0, unchanged=1)
    created = department is None
    if created:
        department = Department(code=record["code"])
        db.session.add(department)
    department.name_zh, department.name_en = record["name_zh"], record["name_en"]
    db.session.flush()
    return schemas.BulkResult(created=int(created), updated=int(not created), unchanged=0)


def _employee(e: Employee) -> schemas.Employee:
    return schemas.Employee(number=e.number, name=e.name, hire_date=e.hire_date, department=e.department.code,
                            contract_type=e.contract_type, email=e.email, phone=e.phone,
                            preferred_locale=e.preferred_locale if e.preferred_locale in ("zh_CN", "en") else "zh_CN",
                            status=e.status, left_date=e.left_date)


def _visible_employee(number: str, action: str) -> Employee:
    employee = db.session.execute(sa.select(Employee).where(
        Employee.number == normalise_employee_number(number),
        scope_filter(action, Employee.id, Employee.department_id))).scalar_one_or_none()
    if employee is None:
        raise Problem(404, "not-found", _("No such employee, or not visible to this token."))
    return employee


@operation(bp, "/employees", "GET", scope="org:read", action="employee.list", tag="organisation",
           summary="Employees, by number, a page at a time", query=schemas.EmployeeQuery, response=schemas.EmployeePage)
def employees(query: schemas.EmployeeQuery) -> schemas.EmployeePage:
    stmt = (sa.select(Employee).options(sa.orm.joinedload(Employee.department))
            .where(scope_filter("employee.list", Employee.id, Employee.department_id)))
    if query.cursor is not None:
        stmt = stmt.where(Employee.number > query.cursor)
    if query.department:
        stmt = stmt.join(Department, Department.id == Employee.department_id).where(Department.code == query.department)
    if query.status:
        stmt = stmt.where(Employee.status == query.status)
    rows = list(db.session.execute(stmt.order_by(Employee.number).limit(query.limit + 1)).scalars())
    shown, cursor = _page(rows, query.limit, lambda e: e.number)
    return schemas.EmployeePage(items=[_employee(e) for e in shown], next_cursor=cursor)


@operation(bp, "/employees/<number>", "GET", scope="org:read", action="employee.view", tag="organisation",
           summary="One employee", response=schemas.Employee)
def employee(number: str) -> schemas.Employee:
    return _employee(_visible_employee(number, "employee.view"))


def _form_data(record: schemas.EmployeeRecord, department_ids: dict[str, int]) -> MultiDict:
    values = {"number": record.number, "name": record.name, "hire_date": record.hire_date.isoformat(),
              "department_id": str(department_ids.get(record.department, 0)),
              "contract_type": record.contract_type.value, "email": record.email or "", "phone": record.phone or "",
              "preferred_locale": record.preferred_locale, "status": record.status.value,
              "left_date": record.left_date.isoformat() if record.left_date else ""}
    return MultiDict(values)


FIELD_NAMES = {"department_id": "department"}


def _save_employees(records: list[schemas.EmployeeRecord], prefix: str) -> schemas.BulkResult:
    """Check every record with the HR form's rules, then upsert them all, or nothing."""
    department_ids = {d.code: d.id for d in org.all_departments()}
    choices = [SelectChoice(0, "")] + [SelectChoice(i, c) for c, i in department_ids.items()]
    numbers = [normalise_employee_number(r.number) for r in records]
    existing = {e.number: e for e in db.session.execute(
        sa.select(Employee).where(Employee.number.in_(numbers)).with_for_update()).scalars()}
    problems: list[dict[str, str]] = []
    seen: set[str] = set()
    today = local_today()
    checked = []
    for index, (record, number) in enumerate(zip(records, numbers)):
        where = prefix.format(index=index)
        if number in seen:
            problems.append({"field": f"{where}number", "message": _("This number appears twice in the request.")})
        seen.add(number)
        form = EmployeeForm(formdata=_form_data(record, department_ids), meta={"csrf": False})
        form.department_id.choices = choices
        if not check_employee_form(form, existing.get(number), today):
            for field in form:
                for message in field.errors:
                    problems.append({"field": where + FIELD_NAMES.get(field.name, field.name), "message": str(message)})
        checked.append((number, form))
    if problems:
        raise invalid(problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for number, form in checked:
        person = existing.get(number)
        data = org.EmployeeData(
            number=number, name=form.name.data.strip(), hire_date=form.hire_date.data,
            department_id=form.department_id.data, contract_type=ContractType(form.contract_type.data),
            email=(form.email.data or "").strip() or None, phone=(form.phone.data or "").strip() or None,
            preferred_locale=form.preferred_locale.data, status=EmploymentStatus(form.status.data),
            left_date=form.left_date.data)
        saved = org.apply_employee(data, person, _actor_id(), api_origin())
        counts["unchanged" if saved is None else "created" if person is None else "updated"] += 1
    return schemas.BulkResult(**counts)


@operation(bp, "/employees/<number>", "PUT", scope="org:write", action="employee.edit", tag="organisation",
           summary="Create or update one employee by number", body=schemas.EmployeeFields, response=schemas.BulkResult)
def put_employee(number: str, body: schemas.EmployeeFields) -> schemas.BulkResult:
    """Upsert by employee number, checked with the rules of the HR employee form."""
    record = parse(schemas.EmployeeRecord, {**body.model_dump(mode="json"), "number": number}, "number")
    return _save_employees([record], "")


@operation(bp, "/employees/bulk", "POST", scope="org:write", action="employee.edit", tag="organisation",
           summary="Create or update many employees, all or nothing", body=schemas.EmployeeBulk,
           response=schemas.BulkResult)
def bulk_employees(body: schemas.EmployeeBulk) -> schemas.BulkResult:
    """Every record is checked first; any problem writes nothing and names each field
    (``employees[12].hire_date``). New hires get their account and onboarding courses."""
    return _save_employees(body.employees, "employees[{index}].")


@operation(bp, "/employees/<number>/leave", "POST", scope="org:write", action="employee.edit", tag="organisation",
           summary="Record that an employee left", body=schemas.Leaving, response=schemas.BulkResult)
def leave(number: str, body: schemas.Leaving) -> schemas.BulkResult:
    person = _visible_employee(number, "employee.edit")
    record = _employee(person).model_copy(update={"status": EmploymentStatus.LEFT, "left_date": body.left_date})
    return _save_employees([parse(schemas.EmployeeRecord, record.model_dump(mode="json"), "number")], "")


@operation(bp, "/wage-months/bulk", "POST", scope="wages:write", action="case.manage", tag="organisation",
           summary="Record contribution wages of many months, all or nothing", body=schemas.WageBulk,
           response=schemas.WageResult)
def bulk_wages(body: schemas.WageBulk) -> schemas.WageResult:
    """Checked with the wage form's rules; a month already on record is refused, not overwritten."""
    numbers = {normalise_employee_number(r.employee) for r in body.wage_months}
    people = {e.number: e for e in db.session.execute(sa.select(Employee).where(Employee.number.in_(numbers))).scalars()}
    problems: list[dict[str, str]] = []
    checked = []
    for index, record in enumerate(body.wage_months):
        where = f"wage_months[{index}]."
        person = people.get(normalise_employee_number(record.employee))
        if person is None:
            problems.append({"field": where + "employee", "message": _("No employee has this number.")})
        form = WageForm(formdata=MultiDict({"year": str(record.year), "month": str(record.month), "wage": record.wage}),
                        meta={"csrf": False})
        if not form.validate():
            problems += [{"field": where + f.name, "message": str(m)} for f in form for m in f.errors]
        checked.append((person, form))
    if problems:
        raise invalid(problems)
    for index, (person, form) in enumerate(checked):
        try:
            cases.add_wage(person, form.year.data, form.month.data, Decimal(form.wage.data), _actor_id(), api_origin())
        except cases.DuplicateMonth:
            raise invalid([{"field": f"wage_months[{index}].month",
                            "message": _("This month is already on record.")}]) from None
        except (InvalidOperation, ValueError):
            raise invalid([{"field": f"wage_months[{index}].wage", "message": _("Enter an amount in yuan.")}]) from None
    return schemas.WageResult(created=len(checked))


# --- Learning --------------------------------------------------------------------------------------


def _assignment_filters(stmt: sa.Select, query: Any, status: sa.Case, due_date: Any) -> sa.Select:
    """The filters course and notice assignments share: department, status and due date range."""
    if query.department:
        stmt = stmt.where(Department.code == query.department)
    if query.status:
        stmt = stmt.where(status == query.status.value)
    if query.due_from:
        stmt = stmt.where(due_date >= query.due_from)
    if query.due_to:
        stmt = stmt.where(due_date <= query.due_to)
    return stmt


@operation(bp, "/course-assignments", "GET", scope="learning:read", action="course.records", tag="learning",
           summary="Course assignments and their acknowledgement status", query=schemas.AssignmentQuery,
           response=schemas.AssignmentPage)
def course_assignments(query: schemas.AssignmentQuery) -> schemas.AssignmentPage:
    """Filter by course, department, status and due date; ordered by assignment id."""
    today = local_today()
    status = status_expression(today)
    stmt = (sa.select(Assignment, status, Course.slug, Employee.number, Department.code)
            .join(Course, Course.id == Assignment.course_id)
            .join(Employee, Employee.id == Assignment.employee_id)
            .join(Department, Department.id == Employee.department_id)
            .where(Assignment.is_current.is_(True), Assignment.id > (query.cursor or 0))
            .where(scope_filter("course.records", Employee.id, Employee.department_id)))
    stmt = _assignment_filters(stmt, query, status, Assignment.due_date)
    if query.course:
        stmt = stmt.where(Course.slug == query.course)
    rows = list(db.session.execute(stmt.options(sa.orm.selectinload(Assignment.acknowledgement))
                                   .order_by(Assignment.id).limit(query.limit + 1)).all())
    shown, cursor = _page(rows, query.limit, lambda row: row[0].id)
    return schemas.AssignmentPage(items=[
        schemas.Assignment(id=a.id, kind="course", key=slug, employee=number, department=code,
                           assigned_at=a.assigned_at, due_date=a.due_date, status=state,
                           acknowledged_at=a.acknowledged_at,
                           receipt=a.acknowledgement.receipt_number if a.acknowledgement else None)
        for a, state, slug, number, code in shown], next_cursor=cursor)


@operation(bp, "/notice-assignments", "GET", scope="learning:read", action="notice.manage", tag="learning",
           summary="Notices pushed to employees and their acknowledgement status", query=schemas.NoticeAssignmentQuery,
           response=schemas.AssignmentPage)
def notice_assignments(query: schemas.NoticeAssignmentQuery) -> schemas.AssignmentPage:
    """Filter by notice key, department, status and due date; ordered by delivery id."""
    status = notice_status_expression(local_today())
    stmt = (sa.select(NoticeDelivery, status, Notice, Employee.number, Department.code)
            .join(NoticeVersion, NoticeVersion.id == NoticeDelivery.version_id)
            .join(Notice, Notice.id == NoticeVersion.notice_id)
            .join(Employee, Employee.id == NoticeDelivery.employee_id)
            .join(Department, Department.id == Employee.department_id)
            .where(NoticeDelivery.id > (query.cursor or 0))
            .where(scope_filter("notice.manage", Employee.id, Employee.department_id)))
    if query.notice:
        stmt = stmt.where(Notice.key == query.notice)
    stmt = _assignment_filters(stmt, query, status, NoticeDelivery.due_date)
    rows = list(db.session.execute(stmt.options(sa.orm.selectinload(NoticeDelivery.acknowledgement))
                                   .order_by(NoticeDelivery.id).limit(query.limit + 1)).all())
    shown, cursor = _page(rows, query.limit, lambda row: row[0].id)
    return schemas.AssignmentPage(items=[
        schemas.Assignment(id=d.id, kind="notice", key=notice.key or f"notice-{notice.id}", employee=number,
                           department=code, assigned_at=d.pushed_at, due_date=d.due_date, status=state,
                           acknowledged_at=d.acknowledged_at,
                           receipt=d.acknowledgement.receipt_number if d.acknowledgement else None)
        for d, state, notice, number, code in shown], next_cursor=cursor)


@operation(bp, "/employees/<number>/receipts", "GET", scope="learning:read", action="receipt.view", tag="learning",
           summary="An employee's acknowledgement receipts (courses and notices)", response=schemas.ReceiptList)
def receipts(number: str) -> schemas.ReceiptList:
    person = _visible_employee(number, "receipt.view")
    courses = db.session.execute(sa.select(Acknowledgement, Course.slug)
                                 .join(Assignment, Assignment.id == Acknowledgement.assignment_id)
                                 .join(Course, Course.id == Assignment.course_id)
                                 .where(Acknowledgement.employee_id == person.id)).all()
    notices = db.session.execute(sa.select(NoticeAcknowledgement, Notice)
                                 .join(NoticeDelivery, NoticeDelivery.id == NoticeAcknowledgement.delivery_id)
                                 .join(NoticeVersion, NoticeVersion.id == NoticeDelivery.version_id)
                                 .join(Notice, Notice.id == NoticeVersion.notice_id)
                                 .where(NoticeAcknowledgement.employee_id == person.id)).all()
    items = [schemas.Receipt(number=a.receipt_number or "", kind="course", key=slug, employee=person.number,
                             acknowledged_at=a.acknowledged_at, content_sha256=a.content_sha256, event_hash=a.event_hash)
             for a, slug in courses]
    items += [schemas.Receipt(number=a.receipt_number or "", kind="notice", key=n.key or f"notice-{n.id}",
                              employee=person.number, acknowledged_at=a.acknowledged_at,
                              content_sha256=a.content_sha256, event_hash=a.event_hash) for a, n in notices]
    return schemas.ReceiptList(items=sorted(items, key=lambda r: (r.acknowledged_at, r.number)))


# --- Cases and the payroll feed --------------------------------------------------------------------


def _yuan(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _benefit(result: BenefitResult) -> schemas.Benefit:
    return schemas.Benefit(code=result.code, amount=_yuan(result.amount), payer=result.payer.value,
                           frequency=result.frequency.value, formula=result.formula, article=result.article)


def _case(view: cases.CaseView) -> schemas.Case:
    case = view.case
    stop = next((a for a in case.actions if a.kind == cases.STOP_ORIGINAL_PAY), None)
    account, pensions = view.account, view.dependants
    return schemas.Case(
        id=case.id, employee=case.employee.number, accident_date=case.accident_date,
        pay_stop_date=stop.effective_date if stop else None, pay_stop_confirmed=bool(stop and stop.confirmed_at),
        monthly_personal_share=_yuan(view.monthly_share.amount) if view.monthly_share else None,
        benefits=[_benefit(b) for b in view.benefits],
        dependants_pensions=schemas.DependantsPensions(
            items=[_benefit(p) for p in pensions.items], total=_yuan(pensions.total.amount), capped=pensions.capped,
        ) if pensions else None,
        timeline=[schemas.TimelineItem(date=i.date, kind=i.kind.value, code=i.code.value, status=i.status.value,
                                       article=i.article) for i in view.timeline],
        account=schemas.Account(
            owed=_yuan(account.owed), withheld=_yuan(account.withheld), deducted=_yuan(account.deducted),
            collected=_yuan(account.collected), refunded=_yuan(account.refunded), balance=_yuan(account.balance),
            entries=[schemas.AccountEntry(kind=e.kind.value, amount=_yuan(e.amount), on=e.on_date,
                                          period=f"{e.period_year}-{e.period_month:02d}" if e.period_year else None)
                     for e in case.entries]))


def _visible_cases() -> sa.Select:
    return (sa.select(InjuryCase).join(Employee, Employee.id == InjuryCase.employee_id)
            .where(scope_filter("case.view", Employee.id, Employee.department_id)))


@operation(bp, "/cases", "GET", scope="cases:read", action="case.view", tag="cases",
           summary="Injury cases with their timeline and personal-share account", query=schemas.CaseQuery,
           response=schemas.CasePage)
def case_list(query: schemas.CaseQuery) -> schemas.CasePage:
    """The same figures as the case pages (computed by the same function)."""
    stmt = _visible_cases().where(InjuryCase.id > (query.cursor or 0))
    if query.employee:
        stmt = stmt.where(Employee.number == normalise_employee_number(query.employee))
    rows = list(db.session.execute(stmt.options(*cases.CASE_ROWS).order_by(InjuryCase.id)
                                   .limit(query.limit + 1)).scalars())
    shown, cursor = _page(rows, query.limit, lambda c: c.id)
    return schemas.CasePage(items=[_case(v) for v in cases.case_views(shown)], next_cursor=cursor)


@operation(bp, "/cases/<int:case_id>", "GET", scope="cases:read", action="case.view", tag="cases",
           summary="One injury case", response=schemas.Case)
def case_detail(case_id: int) -> schemas.Case:
    """Reading a case is logged on the employee's chain, as on the pages (sensitive data)."""
    case = db.session.execute(_visible_cases().where(InjuryCase.id == case_id)).scalar_one_or_none()
    if case is None:
        raise Problem(404, "not-found", _("No such case, or not visible to this token."))
    cases.record_view(case, _actor_id(), api_origin, own=False)
    db.session.commit()
    return _case(cases.case_view(case))


def _payroll_actions(first: date, after: date) -> list[schemas.PayrollAction]:
    """Pay stops dated in the month, the personal share owed for it (to withhold from that month's pay)
    and deduction instalments dated in it: the case page's stored actions and account entries."""
    visible = sa.select(InjuryCase.id).join(Employee, Employee.id == InjuryCase.employee_id).where(
        scope_filter("case.view", Employee.id, Employee.department_id))
    items: list[schemas.PayrollAction] = []
    stops = db.session.execute(sa.select(CaseAction, Employee.number).join(Employee, Employee.id == CaseAction.employee_id)
                               .where(CaseAction.case_id.in_(visible), CaseAction.kind == cases.STOP_ORIGINAL_PAY,
                                      CaseAction.effective_date >= first, CaseAction.effective_date < after))
    for action, number in stops:
        items.append(schemas.PayrollAction(id=f"stop-{action.id}", kind="pay_stop", employee=number, case=action.case_id,
                                           date=action.effective_date, amount=None,
                                           confirmed=action.confirmed_at is not None))
    entries = db.session.execute(
        sa.select(ShareEntry, Employee.number).join(Employee, Employee.id == ShareEntry.employee_id)
        .where(ShareEntry.case_id.in_(visible), ShareEntry.kind.in_([EntryKind.OWED, EntryKind.DEDUCTED]),
               ShareEntry.on_date >= first, ShareEntry.on_date < after))
    for entry, number in entries:
        kind = "withholding" if entry.kind is EntryKind.OWED else "deduction"
        items.append(schemas.PayrollAction(id=f"{kind}-{entry.id}", kind=kind, employee=number, case=entry.case_id,
                                           date=entry.on_date, amount=_yuan(entry.amount), confirmed=True))
    return sorted(items, key=lambda i: (i.date.isoformat(), i.id))


@operation(bp, "/payroll/actions", "GET", scope="payroll:read", action="case.view", tag="payroll",
           summary="The payroll feed of one month: pay stops, withholding, deduction instalments",
           query=schemas.PayrollQuery, response=schemas.PayrollPage)
def payroll_actions(query: schemas.PayrollQuery) -> schemas.PayrollPage:
    """Original pay stops on the assessment (Regulations Art. 33 ¶2); the personal share is withheld
    (Social Insurance Law Art. 60) and the rest deducted in instalments from the one-time subsidy."""
    year, month = (int(part) for part in query.month.split("-"))
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    items = _payroll_actions(first, after)
    if query.cursor is not None:
        items = [i for i in items if f"{i.date.isoformat()}|{i.id}" > query.cursor]
    shown, cursor = _page(items, query.limit, lambda i: f"{i.date.isoformat()}|{i.id}")
    return schemas.PayrollPage(items=shown, next_cursor=cursor)


# --- Evidence packs -------------------------------------------------------------------------------


API_PACK_STATUS = {"queued": "pending", "building": "pending", "ready": "ready", "failed": "failed", "expired": "expired"}


def _pack(pack: PackRequest) -> schemas.Pack:
    return schemas.Pack(id=pack.id, employee=pack.employee.number, status=API_PACK_STATUS[pack.status],
                        sha256=pack.sha256,
                        download=url_for("api.pack_download", pack_id=pack.id) if pack.status == "ready" else None)


def _visible_pack(pack_id: int) -> PackRequest:
    pack = db.session.get(PackRequest, pack_id)
    if pack is None or not can(current_token().user.actor, "evidence.pack", pack):
        raise Problem(404, "not-found", _("No such pack, or not visible to this token."))
    return pack


@operation(bp, "/evidence-packs", "POST", scope="evidence:read", action="evidence.pack", tag="evidence",
           summary="Request an employee's evidence pack", body=schemas.PackOrder, response=schemas.Pack,
           status=202)
def request_pack(body: schemas.PackOrder) -> schemas.Pack:
    """Built by the pages' job into the same table; poll the pack until its status is ``ready`` (or
    subscribe to ``pack.ready``). The per-user hourly limit counts the pages' requests too."""
    try:
        person = _visible_employee(body.employee, "evidence.pack")
    except Problem:
        raise invalid([{"field": "employee", "message": _("No employee has this number.")}]) from None
    user = current_token().user
    limit = int(current_app.config["EVIDENCE_PACKS_PER_HOUR"])
    if evidence_operations.pack_limit_reached(user.id, limit, utcnow()):
        raise Problem(429, "rate-limited", _("You asked for %(limit)d evidence packs in the last hour; please wait "
                                             "before asking again.", limit=limit), headers={"Retry-After": "3600"})
    pack = evidence_operations.request_pack(person.id, user.id, PackScope())
    after_this_request(lambda response: _build_after_commit(pack.id, response))
    return _pack(pack)


def _build_after_commit(pack_id: int, response: Response) -> Response:
    if response.status_code == 202:
        build_pack.delay(pack_id)
    return response


@operation(bp, "/evidence-packs/<int:pack_id>", "GET", scope="evidence:read", action="evidence.pack", tag="evidence",
           summary="Poll a requested pack", response=schemas.Pack)
def pack_status(pack_id: int) -> schemas.Pack:
    return _pack(_visible_pack(pack_id))


@operation(bp, "/evidence-packs/<int:pack_id>/download", "GET", scope="evidence:read", action="evidence.pack",
           tag="evidence", summary="Download a ready pack (ZIP)", media_type="application/zip")
def pack_download(pack_id: int) -> Response:
    pack = _visible_pack(pack_id)
    if pack.status == "expired":
        raise Problem(410, "expired", _("The pack was deleted under the retention periods; request a new one."))
    if pack.status != "ready" or pack.data is None:
        raise Problem(409, "not-ready", _("The pack is not ready yet."))
    response = Response(pack.data, mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", filename=pack.filename)  # quoted by werkzeug
    return response


# --- Webhook subscriptions ------------------------------------------------------------------------


def _subscription(s: Subscription, secret: str | None = None) -> schemas.Subscription:
    return schemas.Subscription(id=s.id, url=s.url, events=sorted(s.kinds), active=s.active, secret=secret)


@operation(bp, "/webhooks", "GET", scope="webhooks:write", action="account.manage", tag="webhooks",
           summary="Webhook subscriptions", response=schemas.SubscriptionList)
def webhook_list() -> schemas.SubscriptionList:
    return schemas.SubscriptionList(items=[_subscription(s) for s in webhooks.subscriptions()])


@operation(bp, "/webhooks", "POST", scope="webhooks:write", action="account.manage", tag="webhooks",
           summary="Subscribe a receiver URL to event kinds", body=schemas.SubscriptionInput,
           response=schemas.Subscription, status=201)
def subscribe(body: schemas.SubscriptionInput) -> schemas.Subscription:
    """The answer carries the signing secret, once. Receivers hear only about employees the token's
    account may see."""
    token = current_token()
    assert token is not None
    subscription = webhooks.subscribe(body.url, list(body.events), token.user)
    return _subscription(subscription, subscription.secret)


@operation(bp, "/webhooks/<int:subscription_id>/cancel", "POST", scope="webhooks:write", action="account.manage",
           tag="webhooks", summary="Stop a subscription", response=schemas.Subscription)
def unsubscribe(subscription_id: int) -> schemas.Subscription:
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        raise Problem(404, "not-found", _("No such subscription."))
    webhooks.unsubscribe(subscription)
    return _subscription(subscription)


# --- The document and its page ---------------------------------------------------------------------


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    """The OpenAPI 3.1 document, generated from the operations."""
    from portal.api.openapi import openapi_document

    return openapi_document("/")


@bp.get("/")
@public
def reference() -> str:
    """A server-rendered reference of every operation: works offline, needs no JavaScript."""
    from portal.api.openapi import openapi_document

    return render_template("api/reference.html", document=openapi_document("/"),
                           json_url=url_for("api.openapi"))


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    limiter.limit(rate_limit_value, key_func=rate_limit_key)(bp)
    errors.handle_errors_under(bp.url_prefix or "/api", lambda error: from_http_exception(error).response())
    security.nul_characters_checked_in_views_of(bp.name)
    app.register_blueprint(bp)

