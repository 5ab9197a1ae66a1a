"""Words for the rules engine's codes: timeline items, statuses, the status sentence, benefits,
account entries and validation errors, in the reader's language. No rule is computed here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.cases.rules import (
    MAX_DEPENDANTS,
    Actor,
    BenefitResult,
    Code,
    Condition,
    EntryKind,
    ItemStatus,
    Relation,
    StatusCode,
    StatusSentence,
    TimelineItem,
)
from portal.web.templating import yuan

TIMELINE_LABELS = {
    Code.ACCIDENT: _l("Accident at work"),
    Code.REPORTED: _l("Reported to the employer"),
    Code.EMPLOYER_FILING_DEADLINE: _l("Employer applies for injury recognition"),
    Code.WORKER_FILING_DEADLINE: _l("Last day for the worker or family to apply for recognition"),
    Code.RECOGNITION_APPLIED: _l("Injury recognition applied for"),
    Code.ACCEPTANCE_DEADLINE: _l("The department decides whether to accept the application"),
    Code.RECOGNITION_ACCEPTED: _l("Application accepted"),
    Code.RECOGNITION_DECISION_DEADLINE: _l("Recognition decision due"),
    Code.RECOGNITION_DECIDED: _l("Recognition decided"),
    Code.DECISION_SERVICE_DEADLINE: _l("Decision served on the worker and the employer"),
    Code.DECISION_SERVED: _l("Decision served"),
    Code.SUSPENSION_STARTED: _l("Paid suspension period starts"),
    Code.SUSPENSION_ENDS: _l("Paid suspension period ends"),
    Code.ORIGINAL_PAY_STOPS: _l("Original pay stops"),
    Code.ASSESSMENT_APPLIED: _l("Labour capacity assessment applied for"),
    Code.ASSESSMENT_CONCLUSION_DEADLINE: _l("Assessment conclusion due"),
    Code.ASSESSMENT_CONCLUDED: _l("Assessment concluded"),
    Code.REASSESSMENT_REQUEST_DEADLINE: _l("Last day to request a re-assessment"),
    Code.REASSESSMENT_APPLIED: _l("Re-assessment applied for"),
    Code.REASSESSMENT_CONCLUSION_DEADLINE: _l("Re-assessment conclusion due"),
    Code.REASSESSMENT_CONCLUDED: _l("Re-assessment concluded"),
    Code.REVIEW_ASSESSMENT_POSSIBLE: _l("A review assessment becomes possible"),
    Code.RETURNED_TO_WORK: _l("Returned to work"),
    Code.LEFT: _l("Left the company"),
    Code.DEATH: _l("Death"),
}

ITEM_STATUS_LABELS = {
    ItemStatus.DONE: _l("Done"),
    ItemStatus.DUE: _l("Due soon"),
    ItemStatus.OVERDUE: _l("Overdue"),
    ItemStatus.UPCOMING: _l("Upcoming"),
    ItemStatus.WAITING: _l("Waiting"),
    ItemStatus.NOT_APPLICABLE: _l("Not needed"),
}

WAITING_FOR = {
    Actor.DEPARTMENT: _l("Waiting for the social insurance department"),
    Actor.COMMITTEE: _l("Waiting for the labour capacity assessment committee"),
    Actor.HR: _l("Waiting for HR to confirm"),
}

STATUS_FILTER_LABELS = {
    StatusCode.DECEASED: _l("Deceased"),
    StatusCode.LEFT: _l("Left"),
    StatusCode.RECOGNITION_REFUSED: _l("Recognition refused"),
    StatusCode.REASSESSMENT_SUBMITTED: _l("Re-assessment submitted"),
    StatusCode.SUBSIDY_EXPECTED: _l("Grade assessed"),
    StatusCode.ASSESSED_WITHOUT_GRADE: _l("Assessed without a grade"),
    StatusCode.ASSESSMENT_SUBMITTED: _l("Assessment submitted"),
    StatusCode.SUSPENSION_PAID_UNTIL: _l("In the paid suspension period"),
    StatusCode.RETURNED_TO_WORK: _l("Returned to work"),
    StatusCode.SUSPENSION_ENDED: _l("Suspension ended"),
    StatusCode.RECOGNIZED: _l("Recognized"),
    StatusCode.RECOGNITION_PENDING: _l("Recognition pending"),
    StatusCode.RECOGNITION_APPLIED: _l("Recognition applied for"),
    StatusCode.RECOGNITION_DUE: _l("Recognition to apply for"),
    StatusCode.RECOGNITION_OVERDUE: _l("Recognition overdue"),
}

STATUS_SENTENCES = {
    StatusCode.DECEASED: _l("The worker died on %(date)s; the death benefits apply."),
    StatusCode.LEFT: _l("Left the company on %(date)s."),
    StatusCode.RECOGNITION_REFUSED: _l("The injury was not recognized as a work injury (decision of %(decided)s)."),
    StatusCode.REASSESSMENT_SUBMITTED: _l(
        "Re-assessment submitted on %(applied)s; the conclusion is expected by %(expected_by)s."),
    StatusCode.SUBSIDY_EXPECTED: _l("Assessed disability grade %(grade)s on %(concluded)s: the fund pays a one-time "
                                    "disability subsidy of %(subsidy_months)s months of own wage."),
    StatusCode.ASSESSED_WITHOUT_GRADE: _l("The assessment of %(concluded)s found no disability grade."),
    StatusCode.ASSESSMENT_SUBMITTED: _l(
        "Assessment submitted on %(applied)s; the conclusion is expected by %(expected_by)s."),
    StatusCode.SUSPENSION_PAID_UNTIL: _l(
        "In the paid suspension period since %(start)s: original wages are paid up to %(until)s."),
    StatusCode.RETURNED_TO_WORK: _l("Returned to work on %(date)s."),
    StatusCode.SUSPENSION_ENDED: _l("The paid suspension period ended on %(ended)s; the assessment is awaited."),
    StatusCode.RECOGNIZED: _l("Recognized as a work injury on %(decided)s."),
    StatusCode.RECOGNITION_PENDING: _l(
        "Application accepted on %(accepted)s; the decision is expected by %(expected_by)s."),
    StatusCode.RECOGNITION_APPLIED: _l(
        "Recognition applied for on %(applied)s; acceptance is decided by %(acceptance_by)s."),
    StatusCode.RECOGNITION_DUE: _l("The employer must apply for injury recognition by %(due)s."),
    StatusCode.RECOGNITION_OVERDUE: _l(
        "The employer's deadline (%(due)s) passed; the worker or family may apply until %(worker_due)s."),
}

BENEFIT_LABELS = {
    "suspension_wage_monthly": _l("Original wage during the paid suspension period"),
    "one_time_disability_subsidy": _l("One-time disability subsidy"),
    "disability_allowance": _l("Monthly disability allowance"),
    "care_fee": _l("Monthly life-care fee"),
    "personal_share_monthly": _l("My personal share each month"),
    "funeral_subsidy": _l("Funeral subsidy"),
    "one_time_death_subsidy": _l("One-time work-death subsidy"),
    "dependants_pensions_total": _l("Dependants' pensions in all, each month"),
}
# HR's pages speak about the worker in the third person.
BENEFIT_LABELS_HR = {**BENEFIT_LABELS, "personal_share_monthly": _l("The worker's personal share each month")}

PAYER_LABELS = {"fund": _l("paid by the work-injury insurance fund"), "employer": _l("paid by the employer"),
                "employee": _l("paid by me")}
PAYER_LABELS_HR = {**PAYER_LABELS, "employee": _l("paid by the worker")}

FREQUENCY_LABELS = {"monthly": _l("a month"), "once": _l("once")}

ENTRY_LABELS = {
    EntryKind.OWED: _l("Owed"),
    EntryKind.WITHHELD: _l("Withheld from wages"),
    EntryKind.DEDUCTED: _l("Deducted from the one-time subsidy"),
    EntryKind.REFUNDED: _l("Refunded to me"),
    EntryKind.COLLECTED: _l("Paid in by me"),
}
ENTRY_LABELS_HR = {**ENTRY_LABELS, EntryKind.REFUNDED: _l("Refunded to the worker"),
                   EntryKind.COLLECTED: _l("Paid in by the worker")}

APPLICANT_LABELS = {"employer": _l("The employer"), "worker": _l("The worker"), "relative": _l("A close relative"),
                    "union": _l("The trade union")}

CARE_LABELS = {"fully_unable": _l("Fully unable to look after oneself"),
               "mostly_unable": _l("Mostly unable to look after oneself"),
               "partly_unable": _l("Partly unable to look after oneself")}

ACTION_LABELS = {"stop_original_pay": _l("Stop original pay")}

RELATION_LABELS = {Relation.SPOUSE: _l("Spouse"), Relation.CHILD: _l("Child"), Relation.PARENT: _l("Parent"),
                   Relation.OTHER: _l("Grandparent, grandchild, brother or sister")}
CONDITION_LABELS = {Condition.MINOR: _l("Under 18"),
                    Condition.ELDERLY: _l("Of age: a man of 60 or more, a woman of 55 or more"),
                    Condition.UNABLE_TO_WORK: _l("Completely unable to work")}
DEPENDANT_ERRORS = {
    "too_many": _l("A case holds at most %(count)d dependants.", count=MAX_DEPENDANTS),
    "second_spouse": _l("A spouse is already recorded."),
    "condition_not_for_relation": _l("This reason does not qualify this relative: a child qualifies under 18 or "
                                     "unable to work, a spouse or parent by age or inability to work."),
    "lone_needs_age": _l("The extra 10 percent is for an orphan under 18 or a lone elderly person."),
    "not_a_death_case": _l("Record the date of death first: dependants' pensions follow a death (Regulations "
                           "Art. 39)."),
}

ERROR_MESSAGES = {
    "future": _l("This date is in the future."),
    "before_accident": _l("This date is before the accident."),
    "before_application": _l("This date is before the application."),
    "before_acceptance": _l("This date is before the acceptance."),
    "before_decision": _l("This date is before the decision."),
    "before_conclusion": _l("This date is before the assessment conclusion."),
    "before_start": _l("The suspension period cannot end before it starts."),
    "before_planned_end": _l("The extension cannot end before the planned end."),
    "over_12_months": _l("At most 12 months (Regulations Art. 33)."),
    "over_24_months": _l("At most 24 months in all (Regulations Art. 33)."),
    "out_of_range": _l("A grade is 1 to 10 (Regulations Art. 22)."),
    "negative": _l("Must not be negative."),
    "invalid": _l("Not a valid amount."),
    "required": _l("Enter this date first: a later step is recorded."),
    "required_when_applied": _l("Choose who applied."),
    "required_when_decided": _l("Choose whether the injury was recognized."),
    "required_with_outcome": _l("Enter the decision date with the outcome."),
    "required_with_grade": _l("Enter the conclusion date with the grade."),
    "required_with_extension": _l("Required with an extension."),
    "over_cap": _l("The extension is longer than the region allows."),
    "end_before_start": _l("The end is before the start."),
    "no_policy": _l("No regional policy is in force on this date. Enter one under Regional policy first."),
}


def money(amount: Decimal | str) -> str:
    """An amount where the sentence or column names the unit: the portal's one money format."""
    return yuan(amount, unit=False)


def day(value: str | date) -> str:
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "medium")


# Rest days as the maintained calendar names them (chinese-calendar), and the engine's two fallbacks.
REST_DAY_NAMES = {
    "New Year's Day": _l("New Year's Day"), "Spring Festival": _l("Spring Festival"),
    "Tomb-sweeping Day": _l("Tomb-sweeping Day"), "Labour Day": _l("Labour Day"),
    "Dragon Boat Festival": _l("Dragon Boat Festival"), "National Day": _l("National Day"),
    "Mid-autumn Festival": _l("Mid-autumn Festival"), "Anti-Fascist 70th Day": _l("Anti-Fascist 70th Day"),
    "weekend": _l("a weekend"), "holiday": _l("a public holiday"),
}


def moved_note(item: TimelineItem) -> str:
    """Why a deadline is later than the period's end: it fell on a rest day (Civil Code Art. 203)."""
    if "moved_from" not in item.params:
        return ""
    reason = item.params.get("moved_reason", "holiday")
    return _("The period ended on %(day)s, %(reason)s, so the deadline moved to the next working day "
             "(Civil Code Art. 203).", day=day(item.params["moved_from"]), reason=str(REST_DAY_NAMES.get(reason, reason)))


def change_value(value: Any) -> str:
    """A recorded field value in words: dates in the reader's format, yes/no, labels for codes."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        if value in APPLICANT_LABELS:
            return str(APPLICANT_LABELS[value])
        if value in CARE_LABELS:
            return str(CARE_LABELS[value])
        try:
            return day(value)
        except ValueError:
            return value
    return str(value)


def error_message(code: str) -> str:
    return str(ERROR_MESSAGES.get(code, code))


def status_text(sentence: StatusSentence | None, locale: str = "zh_CN") -> str:
    """The case's status in one sentence with its cause and article, in the reader's language."""
    if sentence is None:
        return _("The case cannot be computed: check its dates.")
    p = {k: (day(v) if k not in ("grade", "subsidy_months", "pay_stop_cause") else v)
         for k, v in sentence.params.items()}
    code = sentence.code
    text = str(STATUS_SENTENCES[code]) % p
    if code is StatusCode.SUBSIDY_EXPECTED and p.get("pay_stop_cause") == "period_ended":
        text += " " + _("The paid suspension period ended on %(period_end)s, so original pay stops from "
                        "%(pay_stops_from)s.", **p)
    elif code is StatusCode.SUBSIDY_EXPECTED and "pay_stops_from" in p:
        text += " " + _("The grade was assessed within the paid suspension period, so original pay stops from "
                        "%(pay_stops_from)s.", **p)
    elif code is StatusCode.ASSESSMENT_SUBMITTED and "paid_until" in p:
        text += " " + _("Suspension wages are paid up to %(paid_until)s.", **p)
    return _("%(sentence)s (Basis: %(article)s)", sentence=text,
             article=sentence.article_en if locale == "en" else sentence.article_zh)


def item_label(item: TimelineItem, third_person: bool = False) -> str:
    label = str(TIMELINE_LABELS.get(item.code, item.code.value))
    if item.code in (Code.ASSESSMENT_CONCLUDED, Code.REASSESSMENT_CONCLUDED) and "grade" in item.params:
        label += " · " + _("grade %(grade)s", grade=item.params["grade"])
    if item.code is Code.RECOGNITION_DECIDED:
        label += " · " + (_("recognized") if item.params.get("recognized") == "yes" else _("not recognized"))
    if item.code is Code.RECOGNITION_APPLIED and item.params.get("applicant") in APPLICANT_LABELS:
        label += " · " + str(APPLICANT_LABELS[item.params["applicant"]])
    if item.actor is Actor.WORKER and item.kind.value == "deadline":
        label += " · " + (_("the worker's own deadline") if third_person else _("your own deadline"))
    return label


def item_state(item: TimelineItem) -> str:
    """The state in words: who is awaited for a waiting step, "window closed" for an unused right."""
    if item.status is ItemStatus.WAITING and item.actor in WAITING_FOR:
        return str(WAITING_FOR[item.actor])
    if item.status is ItemStatus.OVERDUE and item.optional:
        return _("Window closed")
    if item.status is ItemStatus.OVERDUE and item.kind.value == "deadline":
        return _("Missed")
    return str(ITEM_STATUS_LABELS[item.status])


def formula(result: BenefitResult) -> str:
    """The calculation in the reader's words, with the numbers filled in."""
    i = result.inputs
    code = result.code
    if code == "one_time_disability_subsidy":
        return _("Grade %(grade)s: %(months)s months × own wage %(wage)s = %(amount)s yuan", grade=i["grade"],
                 months=i["months"], wage=money(i["own_wage"]), amount=money(i["amount"]))
    if code == "suspension_wage_monthly":
        return _("Original monthly wage %(wage)s yuan, unchanged during the paid suspension period, paid monthly "
                 "by the employer", wage=money(i["original_monthly_wage"]))
    if code == "disability_allowance":
        return _("Grade %(grade)s: %(rate)s × own wage %(wage)s = %(amount)s yuan (topped up to the local minimum "
                 "wage %(minimum)s if lower)", grade=i["grade"], rate=i["rate"], wage=money(i["own_wage"]),
                 amount=money(i["amount"]), minimum=money(i["minimum_wage"]))
    if code == "care_fee":
        return _("%(rate)s × regional average monthly wage %(wage)s = %(amount)s yuan", rate=i["rate"],
                 wage=money(i["regional_average_wage"]), amount=money(i["amount"]))
    if code == "personal_share_monthly":
        branches = _("pension %(pension)s, medical %(medical)s, unemployment %(unemployment)s",
                     pension=money(i.get("pension", "0")), medical=money(i.get("medical", "0")),
                     unemployment=money(i.get("unemployment", "0")))
        if i.get("includes_housing_fund") == "yes":
            return _("On the contribution base %(base)s yuan: social insurance %(si)s (%(branches)s) + housing fund "
                     "%(hf)s = %(amount)s yuan, withheld from pay by the employer", base=money(i["base"]),
                     si=money(i["social_insurance"]), branches=branches, hf=money(i["housing_fund"]),
                     amount=money(i["amount"]))
        return _("On the contribution base %(base)s yuan: social insurance only, %(branches)s = %(amount)s yuan, "
                 "withheld from pay by the employer; the employer does not recover the housing-fund share this way",
                 base=money(i["base"]), branches=branches, amount=money(i["amount"]))
    if code == "funeral_subsidy":
        return _("%(months)s months × regional average monthly wage %(wage)s = %(amount)s yuan", months=i["months"],
                 wage=money(i["regional_average_wage"]), amount=money(i["amount"]))
    if code == "dependant_pension":
        text = _("%(condition)s%(lone)s: %(rate)s × own wage %(wage)s = %(before)s yuan",
                 condition=CONDITION_LABELS[Condition(i["condition"])] if i.get("condition") else "",
                 lone=_(", an orphan or a lone elderly person") if i["lone"] == "yes" else "",
                 rate=i["rate"], wage=money(i["own_wage"]), before=money(i["before_cap"]))
        if i["capped"] == "yes":
            text += _("; all the pensions together exceed the worker's wage before death (%(cap)s yuan), so each is "
                      "cut in proportion to %(amount)s yuan", cap=money(i["cap"]), amount=money(i["amount"]))
        return text
    if code == "dependants_pensions_total":
        if i["dependants"] == "0":
            return _("No dependant is recorded.")
        text = _("%(count)s dependants: %(parts)s = %(uncapped)s yuan", count=i["dependants"], parts=i["parts"],
                 uncapped=money(i["uncapped"]))
        if i["capped"] == "yes":
            text += _("; above the worker's wage before death, so capped at %(cap)s yuan", cap=money(i["cap"]))
        return text
    if code == "one_time_death_subsidy":
        return _("%(multiple)s × national urban per-capita disposable income of the prior year %(income)s = "
                 "%(amount)s yuan", multiple=i["multiple"], income=money(i["national_disposable_income"]),
                 amount=money(i["amount"]))
    return result.formula


def benefit_label(result: BenefitResult, third_person: bool = False) -> str:
    """A figure's name: a dependant's pension names the relative and the relation."""
    if result.code == "dependant_pension":
        return _("Pension of %(name)s (%(relation)s)", name=result.inputs["name"],
                 relation=RELATION_LABELS[Relation(result.inputs["relation"])])
    return str((BENEFIT_LABELS_HR if third_person else BENEFIT_LABELS)[result.code])


def own_wage_formula(own: Any) -> str:
    i = own.inputs
    if i["months_counted"] == "0":
        return _("Injured in the first month, before a full month of wages: %(average)s yuan as the region's rule "
                 "sets; kept within 60%%–300%% of the regional average wage %(regional)s: own wage %(amount)s yuan",
                 average=money(i["average"]), regional=money(i["regional_average_wage"]), amount=money(i["own_wage"]))
    return _("Average monthly contribution wage over %(months)s months before the injury: %(average)s yuan; "
             "kept within 60%%–300%% of the regional average wage %(regional)s: own wage %(amount)s yuan",
             months=i["months_counted"], average=money(i["average"]), regional=money(i["regional_average_wage"]),
             amount=money(i["own_wage"]))


def article(result: Any, locale: str) -> str:
    return result.article_en if locale == "en" else result.article_zh


def helpers(locale: str, third_person: bool = False) -> dict[str, Any]:
    """Everything the case templates need to put codes into words; HR's pages (``third_person``)
    speak about the worker, the worker's own page to the worker."""
    return dict(
        timeline_labels=TIMELINE_LABELS, item_status_labels=ITEM_STATUS_LABELS,
        benefit_labels=BENEFIT_LABELS_HR if third_person else BENEFIT_LABELS,
        benefit_label=lambda r: benefit_label(r, third_person), relation_labels=RELATION_LABELS,
        condition_labels=CONDITION_LABELS,
        payer_labels=PAYER_LABELS_HR if third_person else PAYER_LABELS, frequency_labels=FREQUENCY_LABELS,
        entry_labels=ENTRY_LABELS_HR if third_person else ENTRY_LABELS,
        applicant_labels=APPLICANT_LABELS, care_labels=CARE_LABELS, action_labels=ACTION_LABELS,
        status_filter_labels=STATUS_FILTER_LABELS, status_text=lambda s: status_text(s, locale),
        item_label=lambda i: item_label(i, third_person), item_state=item_state, formula=formula,
        own_wage_formula=own_wage_formula, article=lambda r: article(r, locale), money=money, locale=locale,
        third_person=third_person,
        day=day, change_value=change_value, moved_note=moved_note,
        entry_kind_labels={k.value: v for k, v in (ENTRY_LABELS_HR if third_person else ENTRY_LABELS).items()},
    )
