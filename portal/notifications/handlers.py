"""Who hears about what: ledger events and account events turned into notifications.

Each notification's ``event_key`` names the ledger event (or the token) and the recipient, so
the same event never notifies the same person twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from portal.auth.models import User
from portal.auth.policy import Role
from portal.evidence.ledger import payload_of
from portal.evidence.models import EvidenceEvent, PackRequest
from portal.extensions import db
from portal.notifications.operations import enabled_users_with_roles, notify, path_for, user_of


def tell_about_reset_link(sender: Any, **details: Any) -> None:
    """The account holder learns that a password link was created for them, and by whom."""
    user: User = details["user"]
    issued_by: User | None = details.get("issued_by")
    notify(user.id, "account", "reset_link_issued", {"actor": issued_by.display_name if issued_by else "—"})


def notify_about_evidence(sender: Any, **details: Any) -> None:
    """Events about an employee tell that employee (when their account is in use) or HR."""
    event: EvidenceEvent = details["event"]
    if event.employee_id is None:
        return
    if event.event_type in FOR_HR:
        FOR_HR[event.event_type](event)
    elif event.event_type in FOR_THE_EMPLOYEE:
        user = user_of(event.employee_id)  # first: most events of a fresh import have nobody to tell yet
        message = FOR_THE_EMPLOYEE[event.event_type](event) if user is not None else None
        if message is not None:
            kind, text_key, params, link = message
            notify(user.id, kind, text_key, params, link, event_key=f"{text_key}:{event.id}:{user.id}")


Message = tuple[str, str, dict[str, Any], str] | None  # kind, text key, parameters, link


def _locale_of(event: EvidenceEvent) -> str:
    from portal.org.models import Employee

    employee = db.session.get(Employee, event.employee_id)
    return employee.preferred_locale if employee is not None else "zh_CN"


def _course_notified(event: EvidenceEvent) -> Message:
    from portal.courses.models import Assignment, Course

    slug = (event.content_ref or "").partition(":")[2]
    found = db.session.execute(
        sa.select(Course, Assignment.due_date).join(Assignment, Assignment.course_id == Course.id)
        .where(Course.slug == slug, Assignment.employee_id == event.employee_id, Assignment.is_current.is_(True))
    ).first()
    if found is None:
        return None
    course, due = found
    title = course.title_en if _locale_of(event) == "en" else course.title_zh
    return "course", "course_assigned", {"title": title, "due": due.isoformat()}, path_for("courses.course", slug=slug)


def _notice_delivery(delivery_id: int) -> Any:
    from portal.notices.models import NoticeDelivery

    return db.session.get(NoticeDelivery, delivery_id)


def _notice_notified(event: EvidenceEvent) -> Message:
    delivery = _notice_delivery(payload_of(event)["delivery"])
    return ("notice", "notice_pushed",
            {"title": delivery.version.title(_locale_of(event)), "due": delivery.due_date.isoformat()},
            path_for("notices.detail", delivery_id=delivery.id))


def _notice_answered(event: EvidenceEvent) -> Message:
    from portal.notices.models import NoticeResponse

    delivery = db.session.get(NoticeResponse, payload_of(event)["response"]).delivery
    return ("notice", "notice_answered", {"title": delivery.version.title(_locale_of(event))},
            path_for("notices.detail", delivery_id=delivery.id))


def _case_opened(event: EvidenceEvent) -> Message:
    from portal.cases.models import InjuryCase

    case = db.session.get(InjuryCase, payload_of(event).get("case"))
    if case is None:  # an event about a case this database does not hold (an imported history)
        return None
    return "case", "case_opened", {"date": case.accident_date.isoformat()}, path_for("cases.mine")


def _case_changed(event: EvidenceEvent) -> Message:
    return "case", "case_changed", {}, path_for("cases.mine")


def _report_decided(event: EvidenceEvent) -> Message:
    """The reporter hears when a step returns the report, and when the last step approves it."""
    payload = payload_of(event)
    if payload["decision"] == "return":
        return ("report", "report_returned",
                {"report": payload["report"], "comment": payload["comment"]},
                path_for("workbench.report", report_id=payload["report"]))
    if payload["next"] is None:
        return "report", "report_approved", {"report": payload["report"]}, path_for("cases.mine")
    return None


def _tell_hr(event: EvidenceEvent, kind: str, text_key: str, params: dict[str, Any], link: str) -> None:
    for user in enabled_users_with_roles(Role.HR):
        notify(user.id, kind, text_key, params, link, event_key=f"{text_key}:{event.id}:{user.id}")


def _notice_responded(event: EvidenceEvent) -> None:
    payload = payload_of(event)
    delivery = _notice_delivery(payload["delivery"])
    text_key = "notice_objection" if payload["kind"] == "objection" else "notice_question"
    _tell_hr(event, "notice", text_key, {"name": delivery.employee.name, "title": delivery.version.title("zh_CN")},
             path_for("notices_admin.responses"))


def _case_action_created(event: EvidenceEvent) -> None:
    payload = payload_of(event)
    _tell_hr(event, "action", "case_action_waiting", {"date": payload["effective_date"]},
             path_for("cases_admin.detail", case_id=payload["case"]))


FOR_THE_EMPLOYEE: dict[str, Callable[[EvidenceEvent], Message]] = {
    "course_notified": _course_notified,
    "notice_notified": _notice_notified,
    "notice_answered": _notice_answered,
    "case_opened": _case_opened,
    "case_updated": _case_changed,
    "report_step_decided": _report_decided,
}
FOR_HR: dict[str, Callable[[EvidenceEvent], None]] = {
    "notice_responded": _notice_responded,
    "case_action_created": _case_action_created,
}


def notify_pack_ready(_sender: object, *, pack_request: PackRequest) -> None:
    """Whoever asked for an evidence pack learns it is built and where to download it."""
    notify(pack_request.requested_by_id, "evidence", "evidence_pack_ready", {"name": pack_request.employee.name},
           f"/evidence/packs/{pack_request.id}")
