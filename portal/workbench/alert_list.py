"""The alerts list as HR reads it: filtered, grouped per person, each alert naming its course or
notice, a page of people at a time in a fixed number of queries; and the fixes for an overdue
acknowledgement (remind now, extend the due date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from portal.auth.access import scope_filter
from portal.auth.models import User
from portal.core.kept import watch
from portal.core.listing import Key, Ordering, paginate
from portal.core.paging import Page
from portal.courses.models import Assignment, Course
from portal.evidence.ledger import Origin, append_event
from portal.extensions import db
from portal.notices.models import NoticeDelivery, NoticeVersion
from portal.org.models import Department, Employee
from portal.workbench.models import RESOLVED, RiskAlert
from portal.workbench.operations import notify, path_for, resolve_alert

PEOPLE_PER_PAGE = 20
# What the alerts list is computed from besides the people (the case figures watch has those): the
# alerts, and the course and notice each names. Striped by person: acknowledgements resolve alerts
# all day, and two acknowledgements by different people rarely renew the same stamp.
ALERTS = watch("alerts", {RiskAlert: None, Course: ("title_zh", "title_en"), NoticeDelivery: ("version_id",),
                          NoticeVersion: None}, stripes=16)


@dataclass(frozen=True)
class AlertFilter:
    code: str | None = None
    severity: int | None = None
    department_id: int | None = None
    owner: str | None = None
    page: int = 1
    at: str = ""  # the pager's keyset cursor


@dataclass
class PersonAlerts:
    employee: Employee
    alerts: list[RiskAlert] = field(default_factory=list)


def _conditions(criteria: AlertFilter) -> list[Any]:
    conditions = [RiskAlert.status != RESOLVED]
    reach = scope_filter("workbench.view", Employee.id, Employee.department_id)
    if not isinstance(reach, sa.sql.elements.True_):  # HR sees everyone: no need to read the people
        conditions.append(RiskAlert.employee_id.in_(sa.select(Employee.id).where(reach)))
    if criteria.code:
        conditions.append(RiskAlert.code == criteria.code)
    if criteria.severity:
        conditions.append(RiskAlert.severity == criteria.severity)
    if criteria.owner:
        conditions.append(RiskAlert.owner_role == criteria.owner)
    if criteria.department_id:
        conditions.append(RiskAlert.employee_id.in_(
            sa.select(Employee.id).where(Employee.department_id == criteria.department_id)))
    return conditions


def alert_groups(criteria: AlertFilter) -> tuple[list[PersonAlerts], Page]:
    """People with alerts in reach, worst first, and their alerts: a count of the people (over the
    alerts alone), a page of them, their alerts."""
    conditions = _conditions(criteria)
    worst = (sa.select(RiskAlert.employee_id, sa.func.max(RiskAlert.severity).label("worst"))
             .where(*conditions).group_by(RiskAlert.employee_id).subquery())
    people = (sa.select(Employee).join(worst, worst.c.employee_id == Employee.id)
              .join(Department, Employee.department_id == Department.id)
              .options(sa.orm.contains_eager(Employee.department)))
    ordering = Ordering((Key(worst.c.worst, True), Key(Employee.number, False), Key(Employee.id, False)))
    total = db.session.execute(sa.select(sa.func.count(sa.distinct(RiskAlert.employee_id))).where(*conditions)).scalar_one()
    employees, page = paginate(db.session, people, criteria.page, PEOPLE_PER_PAGE, ordering, criteria.at, total=total)
    groups = {e.id: PersonAlerts(e) for e in employees}
    if groups:
        for alert in db.session.execute(
            sa.select(RiskAlert).where(*conditions, RiskAlert.employee_id.in_(groups))
            .order_by(RiskAlert.severity.desc(), RiskAlert.due, RiskAlert.id)
        ).scalars():
            groups[alert.employee_id].alerts.append(alert)
    return list(groups.values()), page


def subject_titles(alerts: list[RiskAlert], locale: str) -> dict[int, str]:
    """The course or notice each acknowledgement alert is about, by alert id: always two queries,
    so the page costs the same whichever kinds of alert it shows."""
    sources = {
        "assignment": (sa.select(Assignment.id, Course).join(Course, Assignment.course_id == Course.id), Assignment.id),
        "delivery": (sa.select(NoticeDelivery.id, NoticeVersion)
                     .join(NoticeVersion, NoticeDelivery.version_id == NoticeVersion.id), NoticeDelivery.id),
    }
    titles: dict[int, str] = {}
    for kind, (query, subject_id) in sources.items():
        alert_of = {a.subject_id: a.id for a in alerts if a.subject_kind == kind}
        for item_id, titled in db.session.execute(query.where(subject_id.in_(alert_of))).all():
            titles[alert_of[item_id]] = titled.title(locale)
    return titles


def fix_endpoint(alert: RiskAlert) -> tuple[str, dict[str, Any]] | None:
    """Where the alert is fixed: the case page, or the acknowledgement fix page (remind, extend,
    paper receipt)."""
    if alert.subject_kind == "case":
        return "cases_admin.detail", {"case_id": alert.subject_id}
    if alert.subject_kind in ("assignment", "delivery"):
        return "workbench.alert_fix", {"alert_id": alert.id}
    return None


def pending_item(alert: RiskAlert) -> Assignment | NoticeDelivery | None:
    """The unacknowledged assignment or delivery behind an overdue-acknowledgement alert."""
    model = {"assignment": Assignment, "delivery": NoticeDelivery}.get(alert.subject_kind)
    return db.session.get(model, alert.subject_id) if model else None


def remind_now(alert: RiskAlert, title: str, by_user_id: int, origin: Origin) -> bool:
    """An in-portal reminder to the employee, recorded as ``reminder_sent``; False when they have no account."""
    item = pending_item(alert)
    user = db.session.execute(sa.select(User).where(User.employee_id == alert.employee_id)).scalar_one_or_none()
    if item is None or user is None:
        return False
    kind = "course" if alert.subject_kind == "assignment" else "notice"
    link = (path_for("courses.course", slug=item.course.slug) if kind == "course" else path_for("notices.index"))
    notify(user.id, "reminder", f"{kind}_reminder", {"title": title, "due": item.due_date.isoformat()}, link)
    append_event("reminder_sent", employee_id=alert.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"key": f"manual:{alert.key}", "kind": kind, "item": item.id, "recipient": alert.employee_id,
                          "escalation": False, "due": item.due_date.isoformat(), "message_id": None})
    db.session.commit()
    return True


def extend_due_date(alert: RiskAlert, new_due: date, by_user_id: int, origin: Origin) -> None:
    """Move the due date (row locked) and resolve the alert at once: its key carries the old
    deadline, and the next scan raises a new alert only if the new date passes too."""
    model = {"assignment": Assignment, "delivery": NoticeDelivery}[alert.subject_kind]
    item = db.session.execute(sa.select(model).where(model.id == alert.subject_id).with_for_update()).scalar_one()
    item.due_date = new_due
    if alert.status != RESOLVED:
        resolve_alert(alert, by_user_id, origin)
    db.session.commit()
