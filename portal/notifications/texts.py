"""The words of every notification kind, in the reader's language (also used for e-mail, under
``force_locale``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

TEXTS = {
    "approval_waiting": _l("Injury report #%(report)s of %(name)s waits for your decision."),
    "report_filed": _l("Injury report #%(report)s of %(name)s passed every step: open a case from it."),
    "report_case_opened": _l("Injury report #%(report)s of %(name)s passed every step: its case is opened, check it."),
    "report_approved": _l("Your injury report #%(report)s was approved at every step; HR opened your case."),
    "report_returned": _l("Your injury report #%(report)s was returned to the previous step: %(comment)s"),
    "case_action_waiting": _l("A case needs your confirmation: stop original pay from %(date)s."),
    "course_assigned": _l("A course was assigned to you: %(title)s, due on %(due)s."),
    "notice_pushed": _l("A notice was sent to you: %(title)s, please read and acknowledge it by %(due)s."),
    "course_due_soon": _l("The course %(title)s is due on %(due)s."),
    "notice_due_soon": _l("The notice %(title)s is due on %(due)s."),
    "approval_due_soon": _l("Injury report %(title)s waits for your decision (due %(due)s)."),
    "course_reminder": _l("Reminder: the course %(title)s was due on %(due)s."),
    "course_escalation": _l("A course of your department (%(title)s) is unacknowledged since %(due)s."),
    "notice_reminder": _l("Reminder: the notice %(title)s was due on %(due)s."),
    "notice_escalation": _l("A notice of your department (%(title)s) is unacknowledged since %(due)s."),
    "approval_reminder": _l("Reminder: injury report %(title)s waits for your decision (due %(due)s)."),
    "approval_escalation": _l("The decision on injury report %(title)s is overdue since %(due)s."),
    "notice_question": _l("%(name)s asked a question about the notice %(title)s."),
    "notice_objection": _l("%(name)s objected to the notice %(title)s."),
    "notice_answered": _l("HR answered you about the notice %(title)s."),
    "case_opened": _l("Your injury case was opened (accident on %(date)s); see its next step."),
    "case_changed": _l("Your injury case changed: see its next step."),
    "reset_link_issued": _l("A one-time password link was created for your account by %(actor)s. If you did not ask for it, tell HR."),
    "due_extended": _l("The due date of %(title)s was moved to %(due)s."),
    "evidence_pack_ready": _l("The evidence pack for %(name)s is ready to download."),
    "import_done": _l("Your import of %(title)s is written: %(created)s new, %(updated)s updated."),
    "import_refused": _l("Your import of %(title)s was not written: %(count)s problems were found when it ran. Check the file again."),
    "renewal_reminder": _l("Your acknowledgement of %(title)s expires on %(due)s; you will be asked to renew it."),
}
KINDS = sorted(TEXTS)


def notification_text(text_key: str, params: dict[str, Any]) -> str:
    template = TEXTS.get(text_key)
    if template is None:
        return text_key
    safe = {"report": "", "name": "", "title": "", "due": "", "comment": "", "date": "", "actor": "", "created": "",
            "updated": "", "count": "", **params}
    return str(template) % safe
