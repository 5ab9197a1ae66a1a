"""Workbench operations: the risk scan, the cost lines, the approval workflow, imports and exports,
reminders and notifications. Functions flush; the route or CLI commits (a scan or a reminder run
commits itself, once)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.auth.models import User
from portal.auth.policy import Role
from portal.cases import operations as cases
from portal.cases import rules
from portal.cases.models import InjuryCase
from portal.cases.rules import EntryKind
from portal.core.types import local_today, utcnow
from portal.courses.models import Assignment
from portal.evidence.ledger import Origin, append_event
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.org.labels import CONTRACT_LABELS, STATUS_LABELS
from portal.org.models import Department, Employee
from portal.org.rules import EmploymentStatus
from portal.workbench import alerts as alert_rules
from portal.workbench import importing, workflow
from portal.workbench.costs import Category, CostLine
from portal.workbench.models import (
    ACKNOWLEDGED,
    OPEN,
    RESOLVED,
    InjuryReport,
    Notification,
    ReportDecision,
    RiskAlert,
    SentReminder,
    WorkflowStep,
)
from portal.workbench.reminders import PendingItem, reminders_due


def _insert(model: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the session's dialect (safe on several servers at once)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(model)


def path_for(endpoint: str, **values: Any) -> str:
    """A link to store in a notification, also from the CLI (no request there)."""
    from flask import current_app, has_request_context, url_for

    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


# --- Risk alerts --------------------------------------------------------------------------------


STOP_PAY = cases.STOP_ORIGINAL_PAY


def case_snapshot(case: InjuryCase, today: date) -> tuple[alert_rules.CaseSnapshot, rules.RegionalPolicy] | None:
    """What the alert rules need of one case, from the same computation the case pages use."""
    view = cases.case_view(case, today)
    if view.policy is None:
        return None
    stop = cases.pay_stop_date(case, view.policy)
    confirmed = any(a.kind == STOP_PAY and a.effective_date == stop and a.confirmed_at is not None for a in case.actions)
    return alert_rules.CaseSnapshot(case.id, case.employee_id, view.facts, stop, confirmed, view.account.balance), view.policy


def pending_acknowledgements() -> list[alert_rules.PendingAcknowledgement]:
    items = [alert_rules.PendingAcknowledgement("course", a.id, a.employee_id, a.due_date, False)
             for a in db.session.execute(sa.select(Assignment).where(
                 Assignment.is_current.is_(True), Assignment.acknowledged_at.is_(None))).scalars()]
    items += [alert_rules.PendingAcknowledgement("notice", d.id, d.employee_id, d.due_date, False)
              for d in db.session.execute(sa.select(NoticeDelivery).where(
                  NoticeDelivery.acknowledged_at.is_(None))).scalars()]
    return items


def raised_alerts(today: date) -> list[alert_rules.Alert]:
    found: list[alert_rules.Alert] = []
    for case in db.session.execute(sa.select(InjuryCase).order_by(InjuryCase.id)).scalars():
        snapshot = case_snapshot(case, today)
        if snapshot is not None:
            found.extend(alert_rules.case_alerts(snapshot[0], snapshot[1], today))
    found.extend(alert_rules.acknowledgement_alerts(pending_acknowledgements(), today))
    return found


@dataclass
class ScanResult:
    new: int = 0
    still_open: int = 0
    resolved: int = 0

    def line(self) -> str:
        return f"{self.new} new, {self.still_open} still raised, {self.resolved} resolved"


def scan(today: date) -> ScanResult:
    """Run the rules and upsert by key: new alerts are inserted (insert-or-ignore on the unique
    key), alerts seen again get ``last_seen_at``, open alerts no longer raised are resolved.
    An alert HR resolved stays resolved while it is raised again (its key carries the deadline,
    so a new deadline is a new alert)."""
    result = ScanResult()
    now = utcnow()
    raised = {a.key: a for a in raised_alerts(today)}
    for key, alert in raised.items():
        statement = _insert(RiskAlert).values(
            key=key, code=alert.code.value, severity=int(alert.severity), subject_kind=alert.subject_kind,
            subject_id=alert.subject_id, employee_id=alert.employee_id, due=alert.due, owner_role=alert.owner_role,
            article_zh=alert.article_zh, article_en=alert.article_en, params_json=json.dumps(dict(alert.params)),
            status=OPEN, first_seen_at=now, last_seen_at=now,
        ).on_conflict_do_nothing(index_elements=["key"]).returning(RiskAlert.id)
        inserted = db.session.execute(statement).scalar_one_or_none() is not None
        if inserted:
            result.new += 1
        else:
            result.still_open += 1
            db.session.execute(sa.update(RiskAlert).where(RiskAlert.key == key).values(last_seen_at=now))
    stale = db.session.execute(sa.select(RiskAlert).where(RiskAlert.status != RESOLVED)).scalars().all()
    for row in stale:
        if row.key not in raised:
            row.status, row.resolved_at = RESOLVED, now
            result.resolved += 1
    db.session.commit()
    return result


class AlertStateError(ValueError):
    pass


def acknowledge_alert(alert: RiskAlert, by_user_id: int, origin: Origin) -> None:
    if alert.status != OPEN:
        raise AlertStateError(alert.status)
    alert.status, alert.acknowledged_at, alert.acknowledged_by_id = ACKNOWLEDGED, utcnow(), by_user_id
    append_event("alert_acknowledged", employee_id=alert.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"alert": alert.key, "code": alert.code})


def resolve_alert(alert: RiskAlert, by_user_id: int, origin: Origin) -> None:
    if alert.status == RESOLVED:
        raise AlertStateError(alert.status)
    alert.status, alert.resolved_at, alert.resolved_by_id = RESOLVED, utcnow(), by_user_id
    append_event("alert_resolved", employee_id=alert.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"alert": alert.key, "code": alert.code})


def fix_target(alert: RiskAlert) -> tuple[str, dict[str, Any]] | None:
    """The endpoint and arguments of the page where the alert is fixed."""
    if alert.subject_kind == "case":
        return "cases_admin.detail", {"case_id": alert.subject_id}
    if alert.subject_kind == "assignment":
        assignment = db.session.get(Assignment, alert.subject_id)
        if assignment is not None:
            return "course_records.employee", {"slug": assignment.course.slug, "employee_id": assignment.employee_id}
    if alert.subject_kind == "delivery":
        delivery = db.session.get(NoticeDelivery, alert.subject_id)
        if delivery is not None:
            return "notices_admin.detail", {"notice_id": delivery.version.notice_id}
    return None


# --- Cost report --------------------------------------------------------------------------------


def _month(day: date) -> date:
    return day.replace(day=1)


def case_cost_lines(case: InjuryCase, today: date, locale: str = "zh_CN") -> list[CostLine]:
    """The case's costs from the case page's own figures (``case_view``): the suspension wage and
    the employer's contributions for each suspension month, fund and employer benefits (one-time
    amounts in the month of the assessment, monthly ones from the pay-stop month up to this month),
    and the personal-share account's withheld and deducted entries and its outstanding balance."""
    view = cases.case_view(case, today)
    department = case.employee.department.name(locale)
    lines: list[CostLine] = []

    def add(month: date, category: Category, amount: Decimal) -> None:
        if amount:
            lines.append(CostLine(case.id, department, _month(month), category, amount))

    months = [date(y, m, 1) for y, m in cases.suspension_months(case)]
    months = [m for m in months if m <= _month(today)]
    for benefit in view.benefits:
        if benefit.code == "suspension_wage_monthly":
            for month in months:
                add(month, Category.SUSPENSION_WAGES, benefit.amount)
    if view.own_wage is not None and view.policy is not None:
        c = rules.contributions(view.own_wage.average, view.policy)
        for month in months:
            add(month, Category.EMPLOYER_SOCIAL_INSURANCE, c.employer_with_housing_fund)
    concluded = case.assessment_concluded_date
    stop = cases.pay_stop_date(case, view.policy) if view.policy else None
    for benefit in view.benefits:
        if benefit.code == "suspension_wage_monthly" or benefit.payer is rules.Payer.EMPLOYEE:
            continue
        category = Category.FUND_BENEFITS if benefit.payer is rules.Payer.FUND else Category.EMPLOYER_ALLOWANCES
        if benefit.frequency is rules.Frequency.ONCE and concluded is not None and concluded <= today:
            add(concluded, category, benefit.amount)
        elif benefit.frequency is rules.Frequency.MONTHLY and stop is not None:
            month = _month(stop)
            while month <= _month(today):
                add(month, category, benefit.amount)
                month = rules.add_months(month, 1)
    for entry in case.entries:
        if entry.on_date > today:
            continue
        if entry.kind is EntryKind.WITHHELD:
            add(entry.on_date, Category.PERSONAL_WITHHELD, entry.amount)
        elif entry.kind is EntryKind.DEDUCTED:
            add(entry.on_date, Category.PERSONAL_DEDUCTED, entry.amount)
    outstanding = rules.personal_account([e.to_entry() for e in case.entries if e.on_date <= today]).worker_owes
    add(today, Category.PERSONAL_OUTSTANDING, outstanding)
    return lines


def cost_lines(cases_query: sa.Select[Any], today: date, locale: str) -> list[CostLine]:
    return [line for case in db.session.execute(cases_query).scalars() for line in case_cost_lines(case, today, locale)]


# --- Approval workflow --------------------------------------------------------------------------


def current_steps() -> tuple[workflow.Step, ...]:
    rows = db.session.execute(sa.select(WorkflowStep).order_by(WorkflowStep.position)).scalars().all()
    if not rows:
        return workflow.DEFAULT_STEPS
    return tuple(workflow.Step(r.key, Role(r.role)) for r in rows)


def save_steps(steps: tuple[workflow.Step, ...], by_user_id: int | None, origin: Origin) -> None:
    """Replace the stored steps (validated by the pure rules first); recorded on the portal chain."""
    workflow.validate_steps(steps)
    db.session.execute(sa.delete(WorkflowStep))
    db.session.flush()
    for position, step in enumerate(steps):
        db.session.add(WorkflowStep(position=position, key=step.key, role=step.role.value))
    db.session.flush()
    append_event("workflow_changed", employee_id=None, actor_user_id=by_user_id, origin=origin,
                 payload={"steps": [[s.key, s.role.value] for s in steps]})


def report_steps(report: InjuryReport) -> tuple[workflow.Step, ...]:
    return tuple(workflow.Step(s["key"], Role(s["role"])) for s in report.step_list)


def waiting_step(report: InjuryReport) -> workflow.Step | None:
    steps = report_steps(report)
    return None if report.current >= len(steps) else steps[report.current]


def file_report(employee: Employee, accident_date: date, place: str, what: str, by_user_id: int,
                origin: Origin) -> InjuryReport:
    """The employee reports: the report step is decided at once (the report itself), the next
    approver is notified."""
    steps = current_steps()
    report = InjuryReport(employee_id=employee.id, employee=employee, accident_date=accident_date, place=place,
                          what_happened=what, created_by_id=by_user_id,
                          steps_json=json.dumps([{"key": s.key, "role": s.role.value} for s in steps]))
    db.session.add(report)
    db.session.flush()
    append_event("injury_reported", employee_id=employee.id, actor_user_id=by_user_id, origin=origin,
                 payload={"report": report.id, "accident_date": accident_date.isoformat(), "place": place,
                          "what": what, "steps": [s.key for s in steps]})
    decide_report(report, steps[0].key, steps[0].role, workflow.Decision.APPROVE, "", by_user_id, origin)
    return report


def decide_report(report: InjuryReport, step_key: str, role: Role, decision: workflow.Decision, comment: str,
                  by_user_id: int | None, origin: Origin) -> None:
    """One transition through ``workflow.decide`` (raises ``WorkflowError``), with its ledger event
    and the notification of whoever acts next."""
    steps = report_steps(report)
    progress = workflow.decide(steps, workflow.Progress(report.current), step_key, role, decision, comment)
    report.current = progress.current
    report.waiting_since = utcnow()
    if progress.done(steps):
        report.completed_at = utcnow()
    db.session.add(ReportDecision(report=report, step_key=step_key, decision=decision.value, comment=comment,
                                  decided_by_id=by_user_id))
    db.session.flush()
    append_event("report_step_decided", employee_id=report.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"report": report.id, "step": step_key, "decision": decision.value, "comment": comment,
                          "next": None if progress.done(steps) else steps[progress.current].key})
    link = path_for("workbench.report", report_id=report.id)
    for user in approvers(report):
        notify(user.id, "approval", "approval_waiting", {"report": report.id, "name": report.employee.name}, link)
    if progress.done(steps):
        for user in users_with_role(Role.HR):
            notify(user.id, "approval", "report_filed", {"report": report.id, "name": report.employee.name}, link)


def users_with_role(role: Role) -> list[User]:
    return list(db.session.execute(sa.select(User).where(User.role == role, User.is_enabled.is_(True))
                                   .order_by(User.id)).scalars())


def approvers(report: InjuryReport) -> list[User]:
    """Who decides the waiting step: the reporter, their department's manager, or every HR/admin account."""
    step = waiting_step(report)
    if step is None:
        return []
    if step.role is Role.EMPLOYEE:
        return list(db.session.execute(sa.select(User).where(User.employee_id == report.employee_id)).scalars())
    if step.role is Role.MANAGER:
        manager = report.employee.department.manager
        return [] if manager is None else list(db.session.execute(
            sa.select(User).where(User.employee_id == manager.id)).scalars())
    return users_with_role(step.role)


def may_decide(user: User, report: InjuryReport) -> bool:
    """The waiting step's role, and for a manager step the reporter's own department manager."""
    step = waiting_step(report)
    if step is None:
        return False
    if user.role is Role.ADMIN:
        return True
    if user.role is not step.role:
        return False
    return any(u.id == user.id for u in approvers(report))


# --- Notifications ------------------------------------------------------------------------------


def notify(user_id: int, kind: str, text_key: str, params: dict[str, Any], link: str = "") -> Notification:
    row = Notification(user_id=user_id, kind=kind, text_key=text_key, params_json=json.dumps(params, ensure_ascii=False),
                       link=link, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def unread_count(user_id: int) -> int:
    return db.session.execute(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))).scalar_one()


# --- Reminders ----------------------------------------------------------------------------------


def _manager_employee(employee: Employee) -> int | None:
    manager = employee.department.manager
    return manager.id if manager is not None else None


SHANGHAI = ZoneInfo("Asia/Shanghai")
APPROVAL_DAYS = 2  # a waiting step is overdue after this many days (house default)


def pending_items() -> list[PendingItem]:
    items = []
    for a in db.session.execute(sa.select(Assignment).where(Assignment.is_current.is_(True),
                                                            Assignment.acknowledged_at.is_(None))).scalars():
        items.append(PendingItem("course", a.id, a.employee_id, _manager_employee(a.employee), a.due_date))
    for d in db.session.execute(sa.select(NoticeDelivery).where(NoticeDelivery.acknowledged_at.is_(None))).scalars():
        items.append(PendingItem("notice", d.id, d.employee_id, _manager_employee(d.employee), d.due_date))
    for r in db.session.execute(sa.select(InjuryReport).where(InjuryReport.completed_at.is_(None))).scalars():
        due = r.waiting_since.astimezone(SHANGHAI).date() + timedelta(days=APPROVAL_DAYS)
        for user in approvers(r):
            if user.employee_id is not None:
                items.append(PendingItem("approval", r.id, user.employee_id, _manager_employee(user.employee), due))
    return items


@dataclass
class ReminderRun:
    portal: int = 0
    email: int = 0
    escalations: int = 0


def _reminder_link(kind: str, item_id: int) -> tuple[str, dict[str, Any]]:
    url_for = path_for
    if kind == "course":
        assignment = db.session.get(Assignment, item_id)
        return url_for("courses.course", slug=assignment.course.slug), {"title": assignment.course.slug}
    if kind == "notice":
        delivery = db.session.get(NoticeDelivery, item_id)
        return url_for("notices.index"), {"title": delivery.version.notice.key or f"#{delivery.version.notice_id}"}
    return url_for("workbench.report", report_id=item_id), {"title": f"#{item_id}"}


def send_reminders(today: date, escalate_after_days: int, smtp: Any | None) -> ReminderRun:
    """Create the reminders due today that were not sent before; each key is claimed first with an
    insert-or-ignore, so two servers running at once send each reminder once."""
    from portal.workbench import mailer

    run = ReminderRun()
    sent = set(db.session.execute(sa.select(SentReminder.key)).scalars())
    for reminder in reminders_due(pending_items(), sent, today, escalate_after_days):
        claimed = db.session.execute(_insert(SentReminder).values(key=reminder.key, sent_at=utcnow())
                                     .on_conflict_do_nothing(index_elements=["key"])
                                     .returning(SentReminder.id)).scalar_one_or_none() is not None
        if not claimed:
            continue
        recipient = db.session.get(Employee, reminder.recipient_id)
        user = db.session.execute(sa.select(User).where(User.employee_id == recipient.id)).scalar_one_or_none()
        link, params = _reminder_link(reminder.kind, reminder.item_id)
        params = {**params, "due": reminder.due.isoformat()}
        text_key = f"{reminder.kind}_{'escalation' if reminder.escalation else 'reminder'}"
        subject_employee = _subject_employee(reminder.kind, reminder.item_id)
        if user is not None:
            notify(user.id, "reminder", text_key, params, link)
            run.portal += 1
        run.escalations += int(reminder.escalation)
        channel, reference = "portal-inbox", None
        if smtp is not None and recipient.email:
            message = mailer.compose(smtp, recipient.email, "工伤服务平台提醒 Portal reminder",
                                     f"{reminder_text(text_key, params, 'zh_CN')}\n{reminder_text(text_key, params, 'en')}")
            reference = mailer.send(smtp, message)
            channel = "email"
            run.email += 1
        append_event("reminder_sent", employee_id=subject_employee, actor_user_id=None, origin=Origin(channel=channel),
                     payload={"key": reminder.key, "kind": reminder.kind, "item": reminder.item_id,
                              "recipient": reminder.recipient_id, "escalation": reminder.escalation,
                              "due": reminder.due.isoformat(), "message_id": reference})
    db.session.commit()
    return run


def _subject_employee(kind: str, item_id: int) -> int:
    model = {"course": Assignment, "notice": NoticeDelivery, "approval": InjuryReport}[kind]
    return db.session.get(model, item_id).employee_id


def reminder_text(text_key: str, params: dict[str, Any], locale: str) -> str:
    """The e-mail text in one language (outside a request, so not through gettext)."""
    zh = {"course_reminder": "课程 {title} 已于 {due} 到期，请尽快完成并确认。",
          "course_escalation": "您部门员工的课程 {title} 已于 {due} 到期仍未确认，请跟进。",
          "notice_reminder": "告知书 {title} 已于 {due} 到期，请阅读并确认。",
          "notice_escalation": "您部门员工的告知书 {title} 已于 {due} 到期仍未确认，请跟进。",
          "approval_reminder": "工伤报告 {title} 等待您审批（{due} 到期）。",
          "approval_escalation": "工伤报告 {title} 的审批已于 {due} 逾期，请跟进。"}
    en = {"course_reminder": "The course {title} was due on {due}: please finish and acknowledge it.",
          "course_escalation": "A course of your department ({title}) is unacknowledged since {due}: please follow up.",
          "notice_reminder": "The notice {title} was due on {due}: please read and acknowledge it.",
          "notice_escalation": "A notice of your department ({title}) is unacknowledged since {due}: please follow up.",
          "approval_reminder": "The injury report {title} waits for your decision (due {due}).",
          "approval_escalation": "The decision on injury report {title} is overdue since {due}: please follow up."}
    return (zh if locale == "zh_CN" else en).get(text_key, text_key).format(**params)


# --- Import -------------------------------------------------------------------------------------


def preview(kind: importing.Kind, table: list[list[str]], today: date) -> importing.Preview:
    if kind is importing.Kind.DEPARTMENTS:
        return importing.preview_departments(table)
    if kind is importing.Kind.EMPLOYEES:
        departments = importing.department_aliases(
            db.session.execute(sa.select(Department.code, Department.name_zh, Department.name_en)).all())
        return importing.preview_employees(table, departments, today, _label_aliases(CONTRACT_LABELS),
                                           _label_aliases(STATUS_LABELS))
    numbers = set(db.session.execute(sa.select(Employee.number)).scalars())
    return importing.preview_wages(table, numbers, today)


def stored_records(kind: importing.Kind) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The stored rows an import of ``kind`` would change, keyed and spelled as preview records."""
    if kind is importing.Kind.DEPARTMENTS:
        return {(d.code,): {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en}
                for d in db.session.execute(sa.select(Department)).scalars()}
    if kind is importing.Kind.EMPLOYEES:
        return {(e.number,): {"number": e.number, "name": e.name, "hire_date": e.hire_date,
                              "department": e.department.code, "contract_type": e.contract_type, "email": e.email,
                              "phone": e.phone, "preferred_locale": e.preferred_locale, "status": e.status,
                              "left_date": e.left_date}
                for e in db.session.execute(sa.select(Employee)).scalars()}
    from portal.cases.models import WageMonth

    return {(w.employee.number, w.year, w.month): {"wage": w.wage}
            for w in db.session.execute(sa.select(WageMonth)).scalars()}


def _label_aliases(labels: Mapping[Any, Any]) -> dict[str, Any]:
    """The portal's own labels, in every language it speaks, as accepted import values."""
    from flask import current_app
    from flask_babel import force_locale

    aliases: dict[str, Any] = {}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            aliases.update({str(label): value for value, label in labels.items()})
    return aliases


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def commit_import(result: importing.Preview, by_user_id: int | None, origin: Origin) -> ImportResult:
    """Write every record of an error-free preview (the caller commits once: all or nothing).
    Departments update by code, employees by number, wage months by employee and month."""
    if not result.ok:
        raise ValueError("preview has errors")
    done = ImportResult()
    if result.kind is importing.Kind.DEPARTMENTS:
        existing = {d.code: d for d in db.session.execute(sa.select(Department)).scalars()}
        for r in result.records:
            row = existing.get(r["code"])
            if row is None:
                db.session.add(Department(code=r["code"], name_zh=r["name_zh"], name_en=r["name_en"]))
                done.created += 1
            else:
                row.name_zh, row.name_en = r["name_zh"], r["name_en"]
                done.updated += 1
    elif result.kind is importing.Kind.EMPLOYEES:
        departments = {d.code: d for d in db.session.execute(sa.select(Department)).scalars()}
        existing = {e.number: e for e in db.session.execute(sa.select(Employee)).scalars()}
        for r in result.records:
            values = dict(name=r["name"], hire_date=r["hire_date"], department=departments[r["department"]],
                          contract_type=r["contract_type"], email=r["email"], phone=r["phone"],
                          preferred_locale=r["preferred_locale"], status=r["status"], left_date=r["left_date"])
            row = existing.get(r["number"])
            if row is None:
                row = Employee(number=r["number"], **values)
                db.session.add(row)
                existing[r["number"]] = row
                done.created += 1
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                done.updated += 1
    else:
        from portal.cases.models import WageMonth

        employees = {e.number: e for e in db.session.execute(sa.select(Employee)).scalars()}
        existing = {(w.employee_id, w.year, w.month): w for w in db.session.execute(sa.select(WageMonth)).scalars()}
        for r in result.records:
            employee = employees[r["number"]]
            row = existing.get((employee.id, r["year"], r["month"]))
            if row is None:
                db.session.add(WageMonth(employee_id=employee.id, employee=employee, year=r["year"], month=r["month"],
                                         wage=r["wage"], created_by_id=by_user_id))
                done.created += 1
            else:
                row.wage = r["wage"]
                done.updated += 1
    db.session.flush()
    append_event("data_imported", employee_id=None, actor_user_id=by_user_id, origin=origin,
                 payload={"kind": result.kind.value, "created": done.created, "updated": done.updated})
    return done


def template_rows(kind: importing.Kind) -> tuple[list[str], list[list[str]]]:
    """The import template: the Chinese headers HR uses, and one line per column with its allowed values."""
    columns = importing.COLUMNS[kind]
    header = [aliases[0] for aliases in columns.values()]
    return header, [["# " + " / ".join(f"{aliases[0]}={key}" for key, aliases in columns.items())]]


# --- Exports ------------------------------------------------------------------------------------


def import_kind_rows(kind: importing.Kind, employee_filter: Any) -> tuple[list[str], list[list[Any]]]:
    """Departments, employees or wage months in the import template's columns and Chinese headers,
    so the file imports back unchanged."""
    header = [aliases[0] for aliases in importing.COLUMNS[kind].values()]
    if kind is importing.Kind.DEPARTMENTS:
        departments = db.session.execute(sa.select(Department).order_by(Department.code)).scalars()
        return header, [[d.code, d.name_zh, d.name_en] for d in departments]
    if kind is importing.Kind.EMPLOYEES:
        people = db.session.execute(sa.select(Employee).where(employee_filter).order_by(Employee.number)).scalars()
        return header, [[e.number, e.name, e.hire_date, e.department.code, e.contract_type.value, e.email, e.phone,
                         e.preferred_locale, e.status.value, e.left_date] for e in people]
    from portal.cases.models import WageMonth

    months = db.session.execute(sa.select(WageMonth).join(Employee, WageMonth.employee_id == Employee.id)
                                .where(employee_filter).order_by(Employee.number, WageMonth.year, WageMonth.month))
    return header, [[w.employee.number, w.year, w.month, w.wage] for w in months.scalars()]


def export_rows(what: str, employee_filter: Any) -> tuple[list[str], list[list[Any]]]:
    """Acknowledgement records, cases or personal-share accounts within the caller's reach."""
    if what == "acknowledgements":
        header = ["kind", "number", "name", "item", "due_date", "acknowledged_at"]
        rows: list[list[Any]] = []
        for a in db.session.execute(sa.select(Assignment).join(Employee, Assignment.employee_id == Employee.id)
                                    .where(employee_filter).order_by(Employee.number, Assignment.id)).scalars():
            rows.append(["course", a.employee.number, a.employee.name, a.course.slug, a.due_date, a.acknowledged_at])
        for d in db.session.execute(sa.select(NoticeDelivery).join(Employee, NoticeDelivery.employee_id == Employee.id)
                                    .where(employee_filter).order_by(Employee.number, NoticeDelivery.id)).scalars():
            rows.append(["notice", d.employee.number, d.employee.name, d.version.notice.key or d.version.notice_id, d.due_date,
                         d.acknowledged_at])
        return header, rows
    query = (sa.select(InjuryCase).join(Employee, InjuryCase.employee_id == Employee.id).where(employee_filter)
             .order_by(InjuryCase.id))
    if what == "cases":
        header = ["case", "number", "name", "accident_date", "recognized", "suspension_start", "suspension_months",
                  "assessment_concluded_date", "grade"]
        return header, [[c.id, c.employee.number, c.employee.name, c.accident_date, c.recognized, c.suspension_start,
                         c.suspension_months, c.assessment_concluded_date, c.grade]
                        for c in db.session.execute(query).scalars()]
    header = ["case", "number", "name", "owed", "withheld", "deducted", "collected", "refunded", "balance"]
    rows = []
    for c in db.session.execute(query).scalars():
        account = rules.personal_account(c.ledger_entries())
        rows.append([c.id, c.employee.number, c.employee.name, account.owed, account.withheld, account.deducted,
                     account.collected, account.refunded, account.balance])
    return header, rows


def is_active(employee: Employee) -> bool:
    return employee.status is EmploymentStatus.ACTIVE


def today() -> date:
    return local_today()
