"""Words for the workbench: alert reasons, cost categories, steps, import problems, notifications."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.workbench.alerts import AlertCode
from portal.workbench.costs import Category
from portal.workbench.importing import MAX_COLUMNS, MAX_ROWS, Reason
from portal.workbench.workflow import Step

ALERT_REASONS = {
    AlertCode.FILING_DUE.value: _l("The employer's 30-day filing deadline for injury recognition is near."),
    AlertCode.FILING_MISSED.value: _l("The filing deadline for injury recognition has passed: costs meanwhile fall on the employer."),
    AlertCode.SUSPENSION_NEAR_LIMIT.value: _l("The paid suspension period reaches 12 months soon and has no confirmed extension."),
    AlertCode.SUSPENSION_PAST_MAXIMUM.value: _l("The paid suspension period is past its 24-month maximum."),
    AlertCode.PAY_NOT_STOPPED.value: _l("The assessment is concluded but stopping original pay is not confirmed."),
    AlertCode.BALANCE_OWED.value: _l("The worker's personal share has a large balance outstanding."),
    AlertCode.ACKNOWLEDGEMENT_OVERDUE.value: _l("A course or notice is past its due date without an acknowledgement."),
    AlertCode.RECOGNITION_DECISION_OVERDUE.value: _l("The recognition decision is overdue: ask the social-insurance office."),
    AlertCode.ASSESSMENT_OVERDUE.value: _l("The disability assessment conclusion is overdue: ask the assessment committee."),
}
SEVERITY_LABELS = {2: _l("Warning"), 3: _l("Critical")}
STATUS_LABELS = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved")}
OWNER_LABELS = {"hr": _l("HR"), "manager": _l("Manager"), "employee": _l("Employee"), "admin": _l("Admin")}
CATEGORY_LABELS = {
    Category.SUSPENSION_WAGES: _l("Suspension wages (employer)"),
    Category.EMPLOYER_SOCIAL_INSURANCE: _l("Employer social insurance"),
    Category.EMPLOYER_HOUSING_FUND: _l("Employer housing fund"),
    Category.EMPLOYER_ALLOWANCES: _l("Allowances and subsidies (employer)"),
    Category.FUND_BENEFITS: _l("Fund-paid benefits"),
    Category.DEPENDANTS_PENSIONS: _l("Dependants' pensions (fund)"),
    Category.PERSONAL_WITHHELD: _l("Personal share withheld"),
    Category.PERSONAL_DEDUCTED: _l("Personal share deducted"),
    Category.PERSONAL_OUTSTANDING: _l("Personal share outstanding"),
}
STEP_LABELS = {
    "report": _l("Report"), "department_review": _l("Department review"),
    "hr_confirmation": _l("HR confirmation"), "insurance_filing": _l("Filing with the social-insurance office"),
}


def step_name(step: Step) -> str:
    """A step as people read it: the built-in steps' translated names, or the name HR gave it."""
    return str(STEP_LABELS.get(step.key) or step.label or _l("Additional step"))


DECISION_LABELS = {"approve": _l("Approved"), "return": _l("Returned")}
WORKFLOW_ERRORS = {
    "empty": _l("A workflow needs at least one step."),
    "label_required": _l("Give the new step a name."),
    "duplicate_step": _l("Another step already has this name."),
    "report_first": _l("The report step must stay first."),
    "unknown_step": _l("There is no such step."),
    "already_done": _l("This report has passed every step."),
    "not_the_waiting_step": _l("Only the step waiting for a decision can be decided: no step can be skipped."),
    "wrong_role": _l("This step is decided by another role."),
    "comment_required": _l("Say why when returning a report."),
}
# Export column headers, in the reader's language (Chinese by default); the importer accepts these too.
EXPORT_LABELS = {
    "kind": _l("Kind"), "number": _l("Employee number"), "name": _l("Name"), "item": _l("Course or notice"),
    "due_date": _l("Due"), "acknowledged_at": _l("Acknowledged at (Beijing time)"), "case": _l("Case"),
    "accident_date": _l("Date of the accident"), "recognized": _l("Recognized"),
    "suspension_start": _l("Suspension starts"), "suspension_months": _l("Suspension months"),
    "assessment_concluded_date": _l("Assessment concluded"), "grade": _l("Disability grade"),
    "owed": _l("Owed"), "withheld": _l("Withheld"), "deducted": _l("Deducted"), "collected": _l("Collected"),
    "refunded": _l("Refunded"), "balance": _l("Balance"), "employer_cost": _l("Employer cost"),
    "death_date": _l("Date of death"), "dependants": _l("Dependants"),
    "monthly_dependants_pensions": _l("Dependants' pensions each month (capped in all)"),
    "share_covers": _l("The personal share covers"), "scheduled_deductions": _l("Deductions scheduled"),
    "balance_after_schedule": _l("Balance once the scheduled deductions are made"),
    **{category.value: label for category, label in CATEGORY_LABELS.items()},
}
# Export cells that hold a code, in words; yes/no are written by the tabular writer.
EXPORT_VALUES = {
    "kind": {"course": _l("Course"), "notice": _l("Notice")},
    "share_covers": {"social_insurance": _l("Social insurance only"),
                     "social_insurance_and_housing_fund": _l("Social insurance and housing fund")},
}
IMPORT_REASONS = {
    Reason.MISSING_COLUMN: _l("The column is missing"),
    Reason.REQUIRED: _l("Required"),
    Reason.TOO_LONG: _l("Too long"),
    Reason.BAD_NUMBER_FORMAT: _l("Not a valid employee number"),
    Reason.BAD_DATE: _l("Not a date (use YYYY-MM-DD)"),
    Reason.FUTURE_DATE: _l("In the future"),
    Reason.UNKNOWN_CHOICE: _l("Not one of the allowed values"),
    Reason.UNKNOWN_DEPARTMENT: _l("No department has this code"),
    Reason.UNKNOWN_EMPLOYEE: _l("No employee has this number"),
    Reason.DUPLICATE: _l("Repeats an earlier row"),
    Reason.BAD_AMOUNT: _l("Not an amount in yuan"),
    Reason.NEGATIVE: _l("Negative"),
    Reason.BAD_MONTH: _l("Not a valid year and month"),
    Reason.UNREADABLE: _l("The file cannot be read"),
    Reason.TOO_MANY_ROWS: _l("The file has more than %(rows)s rows: split it and import the parts one by one. "
                             "Nothing was checked or imported.", rows=f"{MAX_ROWS:,}"),
    Reason.TOO_MANY_COLUMNS: _l("The file has more than %(columns)d columns: keep only the template's columns.",
                                columns=MAX_COLUMNS),
    Reason.TOO_LARGE: _l("The spreadsheet is too large once unpacked: save only the first sheet with the "
                         "template's columns, or use CSV."),
    Reason.OLD_EXCEL: _l("This is an Excel 97–2003 workbook (.xls): in Excel choose Save As, "
                         "Excel Workbook (.xlsx) or CSV, and import that file."),
}
