"""Translated names of ledger event types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_LABELS = {
    "alert_acknowledged": _l("Alert acknowledged"),
    "alert_resolved": _l("Alert resolved"),
    "reminder_sent": _l("Reminder sent"),
    "injury_reported": _l("Injury reported"),
    "report_step_decided": _l("Report step decided"),
    "workflow_changed": _l("Approval workflow changed"),
    "data_imported": _l("Data imported"),
    "course_version_published": _l("Course version published"),
    "course_assigned": _l("Course assigned"),
    "course_notified": _l("Delivered to the portal inbox"),
    "course_opened": _l("Course opened for the first time"),
    "lesson_viewed": _l("Lesson opened"),
    "lesson_read": _l("Lesson read"),
    "quiz_attempted": _l("Quiz attempt"),
    "course_acknowledged": _l("Acknowledged"),
    "paper_acknowledgement_recorded": _l("Paper acknowledgement recorded"),
    "acknowledged_on_behalf": _l("Acknowledgement recorded on the employee's behalf"),
    "due_date_extended": _l("Due date moved"),
    "notice_version_published": _l("Notice version published"),
    "notice_pushed": _l("Notice pushed"),
    "notice_notified": _l("Notice delivered to the portal inbox"),
    "notice_opened": _l("Notice opened"),
    "notice_acknowledged": _l("Notice acknowledged"),
    "notice_responded": _l("Question or objection from the employee"),
    "notice_answered": _l("Answered by HR"),
    "policy_version_saved": _l("Regional policy version saved"),
    "wage_recorded": _l("Contribution wage recorded"),
    "case_opened": _l("Injury case opened"),
    "case_updated": _l("Injury case updated"),
    "case_viewed": _l("Injury case viewed"),
    "case_action_created": _l("Action triggered for HR to confirm"),
    "case_action_confirmed": _l("Action confirmed by HR"),
    "share_entry_recorded": _l("Personal share account entry"),
    "share_deduction_planned": _l("Personal share deduction planned"),
}


# The evidence pack's report is bilingual on purpose (read by courts and arbitrators as well as
# the employee), so it names every event type in both languages at once.
EVENT_PAIRS = {
    "course_version_published": ("课程版本发布", "Course version published"),
    "course_assigned": ("课程已分配", "Course assigned"),
    "course_notified": ("已送达门户收件箱", "Delivered to the portal inbox"),
    "course_opened": ("首次打开课程", "Course opened for the first time"),
    "lesson_viewed": ("课时已打开", "Lesson opened"),
    "lesson_read": ("课时已读完", "Lesson read"),
    "quiz_attempted": ("测验作答", "Quiz attempt"),
    "course_acknowledged": ("已确认", "Acknowledged"),
    "paper_acknowledgement_recorded": ("纸质确认已登记", "Paper acknowledgement recorded"),
    "notice_version_published": ("通知版本发布", "Notice version published"),
    "notice_pushed": ("通知已推送", "Notice pushed"),
    "notice_notified": ("通知已送达门户收件箱", "Notice delivered to the portal inbox"),
    "notice_opened": ("通知已打开", "Notice opened"),
    "notice_acknowledged": ("通知已确认", "Notice acknowledged"),
    "notice_responded": ("员工提问或异议", "Question or objection from the employee"),
    "notice_answered": ("人事已答复", "Answered by HR"),
    "policy_version_saved": ("地区政策版本已保存", "Regional policy version saved"),
    "wage_recorded": ("缴费工资已登记", "Contribution wage recorded"),
    "case_opened": ("工伤案件已建立", "Injury case opened"),
    "case_updated": ("工伤案件已更新", "Injury case updated"),
    "case_viewed": ("工伤案件被查看", "Injury case viewed"),
    "case_action_created": ("触发待人事确认的事项", "Action triggered for HR to confirm"),
    "case_action_confirmed": ("人事已确认事项", "Action confirmed by HR"),
    "share_entry_recorded": ("个人缴费账户记录", "Personal share account entry"),
    "share_deduction_planned": ("个人缴费部分抵扣计划", "Personal share deduction planned"),
}
