"""The work-injury rules engine: deadlines, the own wage, benefits, contributions, the personal
share account and the case timeline, each citing the article it comes from.

Pure Python: no Flask, no database, no clock. ``today``, amounts and the regional figures
(``RegionalPolicy``) are passed in. Money is ``Decimal`` yuan rounded half up to fen; floats are
refused. Import everything from here; the submodules are an implementation detail:

* ``policy``: ``RegionalPolicy`` and ``policy_in_force`` (figures the provinces set);
* ``dates``: Civil Code date counting and the procedural deadlines;
* ``wages``: the own wage (Regulations Art. 64);
* ``benefits``: the benefits of Regulations Arts. 33–39;
* ``contributions``: social-insurance and housing-fund shares;
* ``holidays``: rest days that move deadlines (Civil Code Art. 203);
* ``ledger``: the worker's personal-share account and its deduction plan;
* ``timeline``: case facts, their validation, the timeline and the status sentence.
"""

from portal.cases.rules.benefits import (
    ALLOWANCE_RATES,
    DISABILITY_SUBSIDY_MONTHS,
    MAX_DEPENDANTS,
    QUALIFYING_CONDITIONS,
    Condition,
    DeathBenefits,
    Dependant,
    DependantError,
    DependantPensions,
    Relation,
    allowance_payer,
    care_fee,
    check_grade,
    death_benefits,
    death_subsidy,
    check_dependants,
    dependants_pensions,
    disability_allowance,
    funeral_subsidy,
    has_disability_allowance,
    keeps_labour_relationship,
    one_time_disability_subsidy,
    one_time_employment_subsidy,
    one_time_medical_subsidy,
    suspension_wage,
    suspension_wage_total,
)
from portal.cases.rules.citations import Citation
from portal.cases.rules.contributions import (
    ContributionLine,
    Contributions,
    contribution_base,
    contributions,
    personal_share,
)
from portal.cases.rules.dates import (
    NO_HOLIDAYS,
    acceptance_deadline,
    add_months,
    assessment_conclusion_deadline,
    decision_service_deadline,
    employer_filing_deadline,
    next_working_day,
    original_pay_stop_date,
    period_end,
    reassessment_request_deadline,
    recognition_decision_deadline,
    review_assessment_earliest_date,
    suspension_end,
    worker_filing_deadline,
)
from portal.cases.rules.holidays import HolidayCalendar, Override
from portal.cases.rules.ledger import (
    SUBSIDY_SOURCE,
    CaseAccount,
    DeductionPlan,
    OverDeduction,
    case_account,
    check_deduction,
    EntryKind,
    LedgerEntry,
    PersonalAccount,
    deduction_entries,
    deduction_plan,
    personal_account,
)
from portal.cases.rules.money import BenefitResult, Frequency, Payer, quantize, yuan
from portal.cases.rules.policy import (
    DEMO_POLICY,
    CareLevel,
    FirstMonthRule,
    Insurance,
    OwnWageRule,
    PayStopRule,
    PersonalShareHandling,
    RegionalPolicy,
    ShareRates,
    SubsidyBasis,
    policy_in_force,
)
from portal.cases.rules.timeline import (
    Actor,
    Applicant,
    CaseFacts,
    CaseFactsError,
    Code,
    ItemKind,
    ItemStatus,
    StatusCode,
    StatusSentence,
    SuspensionPeriod,
    TimelineItem,
    case_status_sentence,
    case_timeline,
    deadline_status,
    validate_case_facts,
)
from portal.cases.rules.wages import MonthlyWage, OwnWage, own_wage, pre_injury_average_wage

__all__ = [
    "ALLOWANCE_RATES", "DEMO_POLICY", "SUBSIDY_SOURCE", "CaseAccount", "FirstMonthRule", "personal_share", "HolidayCalendar", "Override", "OverDeduction", "case_account",
    "check_deduction", "DISABILITY_SUBSIDY_MONTHS", "NO_HOLIDAYS",
    "Actor", "Applicant", "BenefitResult", "CareLevel", "CaseFacts", "CaseFactsError", "Citation", "Code", "ContributionLine",
    "Condition", "Contributions", "DeathBenefits", "DeductionPlan", "Dependant", "DependantError", "DependantPensions",
    "EntryKind", "Frequency", "MAX_DEPENDANTS", "QUALIFYING_CONDITIONS", "check_dependants",
    "Insurance", "ItemKind", "ItemStatus", "LedgerEntry", "MonthlyWage", "OwnWage", "OwnWageRule", "PayStopRule",
    "Payer", "PersonalAccount", "PersonalShareHandling", "RegionalPolicy", "Relation", "ShareRates", "StatusCode",
    "StatusSentence", "SubsidyBasis", "SuspensionPeriod", "TimelineItem",
    "acceptance_deadline", "add_months", "allowance_payer", "assessment_conclusion_deadline", "care_fee",
    "case_status_sentence", "case_timeline", "check_grade", "contribution_base", "contributions", "deadline_status",
    "death_benefits", "death_subsidy", "decision_service_deadline", "deduction_entries", "deduction_plan",
    "dependants_pensions", "disability_allowance", "employer_filing_deadline", "funeral_subsidy",
    "has_disability_allowance", "keeps_labour_relationship", "next_working_day", "one_time_disability_subsidy",
    "one_time_employment_subsidy", "one_time_medical_subsidy", "original_pay_stop_date", "own_wage", "period_end",
    "personal_account", "policy_in_force", "pre_injury_average_wage", "quantize", "reassessment_request_deadline",
    "recognition_decision_deadline", "review_assessment_earliest_date", "suspension_end", "suspension_wage",
    "suspension_wage_total", "validate_case_facts", "worker_filing_deadline", "yuan",
]
