"""Who hears about what: ledger events and account events turned into notifications.

Each notification's ``event_key`` names the ledger event (or the token) and the recipient, so
the same event never notifies the same person twice.
"""

from __future__ import annotations

from typing import Any

from portal.auth.models import User
from portal.auth.policy import Role
from portal.evidence.ledger import payload_of
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notifications.operations import enabled_users_with_roles, notify, path_for, user_of


def tell_about_reset_link(sender: Any, **details: Any) -> None:
    """The account holder learns that a password link was created for them, and by whom."""
    user: User = details["user"]
    issued_by: User | None = details.get("issued_by")
    notify(user.id, "account", "reset_link_issued", {"actor": issued_by.display_name if issued_by else "—"})


def notify_about_evidence(sender: Any, **details: Any) -> None:
    event: EvidenceEvent = details["event"]
    handler = HANDLERS.get(event.event_type)
    if handler is not None and event.employee_id is not None:
        handler(event)


def _employee_notice(event: EvidenceEvent, kind: str, text_key: str, params: dict[str, Any], link: str) -> None:
    user = user_of(event.employee_id)
    if user is not None:
        notify(user.id, kind, text_key, params, link, event_key=f"{text_key}:{event.id}:{user.id}")


def _locale_of(event: EvidenceEvent) -> str:
    from portal.org.models import Employee

    employee = db.session.get(Employee, event.employee_id)
    return employee.preferred_locale if employee is not None else "zh_CN"


def _course_notified(event: EvidenceEvent) -> None:
    from portal.courses.models import Assignment, Course

    slug = (event.content_ref or "").partition(":")[2]
    course = db.session.query(Course).filter_by(slug=slug).one_or_none()
    if course is None:
        return
    assignment = (db.session.query(Assignment).filter_by(course_id=course.id, employee_id=event.employee_id)
                  .order_by(Assignment.id.desc()).first())
    title = course.title_en if _locale_of(event) == "en" else course.title_zh
    _employee_notice(event, "course", "course_assigned",
                     {"title": title, "due": assignment.due_date.isoformat() if assignment else ""},
                     path_for("courses.course", slug=slug))


def _notice_delivery(delivery_id: int) -> Any:
    from portal.notices.models import NoticeDelivery

    return db.session.get(NoticeDelivery, delivery_id)


def _notice_notified(event: EvidenceEvent) -> None:
    delivery = _notice_delivery(payload_of(event)["delivery"])
    _employee_notice(event, "notice", "notice_pushed",
                     {"title": delivery.version.title(_locale_of(event)), "due": delivery.due_date.isoformat()},
                     path_for("notices.detail", delivery_id=delivery.id))


def _notice_responded(event: EvidenceEvent) -> None:
    payload = payload_of(event)
    delivery = _notice_delivery(payload["delivery"])
    text_key = "notice_objection" if payload["kind"] == "objection" else "notice_question"
    params = {"name": delivery.employee.name, "title": delivery.version.title("zh_CN")}
    for user in enabled_users_with_roles(Role.HR):
        notify(user.id, "notice", text_key, params, path_for("notices_admin.responses"),
               event_key=f"{text_key}:{event.id}:{user.id}")


def _notice_answered(event: EvidenceEvent) -> None:
    from portal.notices.models import NoticeResponse

    response = db.session.get(NoticeResponse, payload_of(event)["response"])
    delivery = response.delivery
    _employee_notice(event, "notice", "notice_answered", {"title": delivery.version.title(_locale_of(event))},
                     path_for("notices.detail", delivery_id=delivery.id))


def _case_opened(event: EvidenceEvent) -> None:
    from portal.cases.models import InjuryCase

    case = db.session.get(InjuryCase, payload_of(event)["case"])
    _employee_notice(event, "case", "case_opened", {"date": case.accident_date.isoformat()}, path_for("cases.mine"))


def _case_changed(event: EvidenceEvent) -> None:
    _employee_notice(event, "case", "case_changed", {}, path_for("cases.mine"))


def _case_action_created(event: EvidenceEvent) -> None:
    payload = payload_of(event)
    for user in enabled_users_with_roles(Role.HR):
        notify(user.id, "action", "case_action_waiting", {"date": payload["effective_date"]},
               path_for("cases_admin.detail", case_id=payload["case"]), event_key=f"case_action:{event.id}:{user.id}")


def _report_decided(event: EvidenceEvent) -> None:
    payload = payload_of(event)
    if payload["decision"] == "return":
        _employee_notice(event, "report", "report_returned",
                         {"report": payload["report"], "step": payload["step"], "comment": payload["comment"]},
                         path_for("workbench.report", report_id=payload["report"]))
    elif payload["next"] is None:
        _employee_notice(event, "report", "report_approved", {"report": payload["report"]}, path_for("cases.mine"))


HANDLERS = {
    "course_notified": _course_notified,
    "notice_notified": _notice_notified,
    "notice_responded": _notice_responded,
    "notice_answered": _notice_answered,
    "case_opened": _case_opened,
    "case_updated": _case_changed,
    "case_action_created": _case_action_created,
    "report_step_decided": _report_decided,
}
