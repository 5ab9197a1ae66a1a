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
    "chain_opened": _l("Chain opened (binds the employee's identity)"),
}


# The exhibit list (证据目录) says what each kind of record proves (证明目的).
EXHIBIT_PURPOSES = {
    "chain_opened": ("证明该记录链属于该员工（工号与姓名哈希）", "Binds this chain to the employee (number and name hash)"),
    "course_assigned": ("证明用人单位已向员工布置该课程", "The employer assigned this course to the employee"),
    "course_notified": ("证明课程已送达员工的门户收件箱", "The course reached the employee's portal inbox"),
    "course_opened": ("证明员工打开了该课程", "The employee opened the course"),
    "lesson_viewed": ("证明员工打开了该课时", "The employee opened the lesson"),
    "lesson_read": ("证明员工阅读了该课时及用时", "The employee read the lesson, and for how long"),
    "quiz_attempted": ("证明员工参加测验及成绩", "The employee took the quiz, with the score"),
    "course_acknowledged": ("证明员工确认已阅读并理解该内容", "The employee acknowledged reading and understanding it"),
    "paper_acknowledgement_recorded": ("证明员工在纸面上签署确认（附扫描件）", "The employee signed on paper (scan attached)"),
    "notice_pushed": ("证明用人单位向员工推送了该通知", "The employer sent the notice to the employee"),
    "notice_notified": ("证明通知已送达员工的门户收件箱", "The notice reached the employee's portal inbox"),
    "notice_opened": ("证明员工打开了该通知", "The employee opened the notice"),
    "notice_acknowledged": ("证明员工确认收到并阅读该通知", "The employee acknowledged the notice"),
    "notice_responded": ("证明员工提出的问题或异议", "The employee's question or objection"),
    "notice_answered": ("证明用人单位对员工的答复", "The employer's answer to the employee"),
    "case_opened": ("证明工伤案件的登记内容", "What was recorded when the injury case was opened"),
    "case_updated": ("证明工伤案件的变更内容", "What changed in the injury case"),
    "case_action_confirmed": ("证明人事确认的事项（如停发原工资）", "A step HR confirmed (such as stopping the original pay)"),
    "share_entry_recorded": ("证明个人缴费账户的记账内容", "An entry in the personal-share account"),
    "wage_recorded": ("证明登记的缴费工资", "The contribution wage recorded"),
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
    "chain_opened": ("记录链建立（绑定员工身份）", "Chain opened (binds the employee's identity)"),
}
