"""Risk alerts: what HR must act on before it becomes a dispute. Pure Python, ``today`` passed in.

Each alert names its rule and article, a severity, the role that owns it and a stable key, so a
scan run from cron (or on several servers at once) recognises an alert it raised before.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from portal.cases.rules import (
    NO_HOLIDAYS,
    CaseFacts,
    RegionalPolicy,
    add_months,
    assessment_conclusion_deadline,
    employer_filing_deadline,
    recognition_decision_deadline,
)

SOON_DAYS = 7  # a filing deadline this close is an alert
SUSPENSION_WARNING_DAYS = 30  # warn this long before the 12th month ends without an extension
DEFAULT_BALANCE_THRESHOLD = Decimal("2000.00")


class Severity(enum.IntEnum):
    WARNING = 2
    CRITICAL = 3


class AlertCode(str, enum.Enum):
    FILING_DUE = "filing_due"
    FILING_MISSED = "filing_missed"
    SUSPENSION_NEAR_LIMIT = "suspension_near_limit"
    SUSPENSION_PAST_MAXIMUM = "suspension_past_maximum"
    PAY_NOT_STOPPED = "pay_not_stopped"
    BALANCE_OWED = "balance_owed"
    ACKNOWLEDGEMENT_OVERDUE = "acknowledgement_overdue"
    RECOGNITION_DECISION_OVERDUE = "recognition_decision_overdue"
    ASSESSMENT_OVERDUE = "assessment_overdue"


@dataclass(frozen=True)
class Alert:
    code: AlertCode
    severity: Severity
    subject_kind: str  # "case", "assignment" or "delivery": what the fix link opens
    subject_id: int
    employee_id: int
    due: date | None
    article_zh: str
    article_en: str
    owner_role: str = "hr"
    params: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        """Stable across scans: one alert per rule and subject (and per deadline)."""
        return f"{self.code.value}:{self.subject_kind}:{self.subject_id}:{self.due or ''}"


@dataclass(frozen=True)
class CaseSnapshot:
    """What the alert rules need to know about one case."""

    case_id: int
    employee_id: int
    facts: CaseFacts
    pay_stop_date: date | None = None  # the computed date original pay must stop
    pay_stop_confirmed: bool = False  # HR confirmed the stop (automatic trigger, human confirmation)
    personal_balance: Decimal = Decimal("0.00")  # positive: the worker still owes


@dataclass(frozen=True)
class PendingAcknowledgement:
    kind: str  # "course" or "notice"
    item_id: int  # assignment or delivery id
    employee_id: int
    due: date
    acknowledged: bool


def _alert(code: AlertCode, severity: Severity, case: CaseSnapshot, due: date | None, zh: str, en: str,
           **params: str) -> Alert:
    return Alert(code, severity, "case", case.case_id, case.employee_id, due, zh, en,
                 params=tuple(sorted(params.items())))


def case_alerts(
    case: CaseSnapshot,
    policy: RegionalPolicy,
    today: date,
    holidays: Collection[date] = NO_HOLIDAYS,
    balance_threshold: Decimal = DEFAULT_BALANCE_THRESHOLD,
) -> list[Alert]:
    """Every alert one case raises today."""
    facts = case.facts
    alerts: list[Alert] = []
    closed = facts.death_date is not None or facts.left_date is not None
    if facts.recognition_applied_date is None and not closed:
        deadline = employer_filing_deadline(facts.accident_date, holidays, extension_days=facts.filing_extension_days,
                                            extension_cap_days=policy.recognition_extension_cap_days)
        if today > deadline:
            # Costs arising meanwhile fall on the employer (Art. 17 ¶4).
            alerts.append(_alert(AlertCode.FILING_MISSED, Severity.CRITICAL, case, deadline,
                                 "《工伤保险条例》第十七条第一款、第四款", "Regulations Art. 17 ¶¶1, 4"))
        elif (deadline - today).days <= SOON_DAYS:
            alerts.append(_alert(AlertCode.FILING_DUE, Severity.WARNING, case, deadline,
                                 "《工伤保险条例》第十七条第一款", "Regulations Art. 17 ¶1"))
    if (facts.recognition_accepted_date is not None and facts.recognition_decided_date is None and not closed):
        deadline = recognition_decision_deadline(facts.recognition_accepted_date, holidays,
                                                 simple=facts.recognition_simple, pauses=facts.recognition_pauses)
        if today > deadline:
            alerts.append(_alert(AlertCode.RECOGNITION_DECISION_OVERDUE, Severity.WARNING, case, deadline,
                                 "《工伤保险条例》第二十条", "Regulations Art. 20"))
    if facts.assessment_applied_date is not None and facts.assessment_concluded_date is None and not closed:
        deadline = assessment_conclusion_deadline(facts.assessment_applied_date, holidays,
                                                  extended=facts.assessment_extended)
        if today > deadline:
            alerts.append(_alert(AlertCode.ASSESSMENT_OVERDUE, Severity.WARNING, case, deadline,
                                 "《工伤保险条例》第二十五条第二款", "Regulations Art. 25 ¶2"))
    alerts.extend(_suspension_alerts(case, today))
    if case.pay_stop_date is not None and not case.pay_stop_confirmed and today >= case.pay_stop_date:
        alerts.append(_alert(AlertCode.PAY_NOT_STOPPED, Severity.CRITICAL, case, case.pay_stop_date,
                             "《工伤保险条例》第三十三条第二款", "Regulations Art. 33 ¶2"))
    if case.personal_balance > balance_threshold:
        alerts.append(_alert(AlertCode.BALANCE_OWED, Severity.WARNING, case, None,
                             "《社会保险法》第六十条", "Social Insurance Law Art. 60",
                             balance=f"{case.personal_balance:.2f}"))
    return alerts


def _suspension_alerts(case: CaseSnapshot, today: date) -> Iterable[Alert]:
    """The paid suspension period is 12 months at most, 24 with the committee's extension
    (Art. 33 ¶2): warn before month 12 ends unextended, and once month 24 has passed."""
    facts = case.facts
    start = facts.suspension_start
    ended = (facts.assessment_concluded_date or facts.returned_to_work_date or facts.left_date or facts.death_date)
    if start is None or ended is not None:
        return []
    twelve, twenty_four = add_months(start, 12), add_months(start, 24)
    if today > twenty_four:
        return [_alert(AlertCode.SUSPENSION_PAST_MAXIMUM, Severity.CRITICAL, case, twenty_four,
                       "《工伤保险条例》第三十三条第二款", "Regulations Art. 33 ¶2")]
    if facts.suspension_extended_end is None and today >= twelve - timedelta(days=SUSPENSION_WARNING_DAYS):
        return [_alert(AlertCode.SUSPENSION_NEAR_LIMIT, Severity.WARNING, case, twelve,
                       "《工伤保险条例》第三十三条第二款", "Regulations Art. 33 ¶2")]
    return []


def acknowledgement_alerts(items: Iterable[PendingAcknowledgement], today: date) -> list[Alert]:
    """Courses and notices not acknowledged after their due date: without an acknowledgement the
    employer cannot show the rule was made known (Labour Contract Law Art. 4; silence is no
    declaration, Civil Code Art. 140). The department manager follows up."""
    return [
        Alert(AlertCode.ACKNOWLEDGEMENT_OVERDUE, Severity.WARNING, "assignment" if item.kind == "course" else "delivery",
              item.item_id, item.employee_id, item.due, "《劳动合同法》第四条；《民法典》第一百四十条",
              "Labour Contract Law Art. 4; Civil Code Art. 140", owner_role="manager",
              params=(("kind", item.kind),))
        for item in items
        if not item.acknowledged and today > item.due
    ]
