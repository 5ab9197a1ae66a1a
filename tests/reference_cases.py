"""Reference cases worked out by hand: every figure and date with the article it rests on.

The engine (tests/unit/cases/test_reference_cases.py) and the pages (tests/web/cases/
test_reference_pages.py) must both give exactly these. Unless a row says otherwise the regional
figures are the demo policy's (DEMO_POLICY): average monthly wage 8,210.00, so the own-wage floor is
60% = 4,926.00 and the cap 300% = 24,630.00 (Regulations Art. 64); local minimum wage 2,690.00;
national urban per-capita disposable income 54,188.00; social-insurance personal rates pension 8%,
medical 2%, unemployment 0.5% on a base kept within 4,926.00–24,630.00 (Social Insurance Law
Art. 60); the housing fund is not part of the recovered share (the employer's setting). Deadlines use
the chinese-calendar rest days (Civil Code Art. 203).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

D = Decimal
ART_64 = "Regulations Art. 64"
ART_33_1 = "Regulations Art. 33 ¶1"
ART_35 = "Regulations Art. 35"
ART_36 = "Regulations Art. 36"
ART_37 = "Regulations Art. 37"
ART_39 = "Regulations Art. 39"
ART_39_PENSIONS = "Regulations Art. 39 ¶1(2)"
SI_60 = "Social Insurance Law Art. 60"

LI_WAGES = ((2025, 9, "5100"), (2025, 10, "5250"), (2025, 11, "5180"), (2025, 12, "5300"), (2026, 1, "5220"),
            (2026, 2, "5150"))  # 31,200 ÷ 6 = 5,200.00


def months(first: tuple[int, int], count: int, wage: str) -> tuple[tuple[int, int, str], ...]:
    year, month = first
    out = []
    for _ in range(count):
        out.append((year, month, wage))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


@dataclass(frozen=True)
class CaseRow:
    """One case: its facts, and the figures (yuan) and article each must show."""

    key: str
    title: str
    wages: tuple[tuple[int, int, str], ...]
    accident: date
    figures: dict[str, tuple[Decimal, str]]  # benefit code (or "own_wage") -> (amount, article)
    grade: int | None = None
    contract_wage: str | None = None
    death: date | None = None
    policy: dict[str, Any] = field(default_factory=dict)  # changes to DEMO_POLICY
    # A death case's dependants as HR records them: (name, relation, why they qualify, orphan or lone elder);
    # their figures are "dependant_pension:<n>" (in this order) and "dependants_pensions_total".
    dependants: tuple[tuple[str, str, str, bool], ...] = ()


ACCIDENT = date(2026, 3, 2)
SIX_MONTHS = months((2025, 9), 6, "5200")

CASES: tuple[CaseRow, ...] = (
    CaseRow("li", "Li: six months of service, grade 9", LI_WAGES, ACCIDENT, {
        "own_wage": (D("5200.00"), ART_64),                                # 31,200 ÷ 6
        "suspension_wage_monthly": (D("5200.00"), ART_33_1),               # original wage unchanged
        "one_time_disability_subsidy": (D("46800.00"), ART_37),            # 9 × 5,200
        "personal_share_monthly": (D("546.00"), SI_60),                    # 416.00 + 104.00 + 26.00
    }, grade=9),
    CaseRow("g1", "grade 1", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("140400.00"), ART_35),           # 27 × 5,200
        "disability_allowance": (D("4680.00"), ART_35),                    # 90% × 5,200
    }, grade=1),
    CaseRow("g2", "grade 2", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("130000.00"), ART_35),           # 25 × 5,200
        "disability_allowance": (D("4420.00"), ART_35),                    # 85%
    }, grade=2),
    CaseRow("g3", "grade 3", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("119600.00"), ART_35),           # 23 × 5,200
        "disability_allowance": (D("4160.00"), ART_35),                    # 80%
    }, grade=3),
    CaseRow("g4", "grade 4", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("109200.00"), ART_35),           # 21 × 5,200
        "disability_allowance": (D("3900.00"), ART_35),                    # 75%
    }, grade=4),
    CaseRow("g5", "grade 5: the employer pays the allowance", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("93600.00"), ART_36),            # 18 × 5,200
        "disability_allowance": (D("3640.00"), ART_36),                    # 70%
    }, grade=5),
    CaseRow("g6", "grade 6", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("83200.00"), ART_36),            # 16 × 5,200
        "disability_allowance": (D("3120.00"), ART_36),                    # 60%
    }, grade=6),
    CaseRow("g7", "grade 7", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("67600.00"), ART_37),            # 13 × 5,200
    }, grade=7),
    CaseRow("g8", "grade 8", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("57200.00"), ART_37),            # 11 × 5,200
    }, grade=8),
    CaseRow("g10", "grade 10", SIX_MONTHS, ACCIDENT, {
        "one_time_disability_subsidy": (D("36400.00"), ART_37),            # 7 × 5,200
    }, grade=10),
    CaseRow("floor", "wage below the floor: raised to 60% of the average wage", months((2025, 9), 6, "3000"),
            ACCIDENT, {
                "own_wage": (D("4926.00"), ART_64),                         # 3,000 < 4,926
                "suspension_wage_monthly": (D("3000.00"), ART_33_1),       # the original wage is not clamped
                "one_time_disability_subsidy": (D("34482.00"), ART_37),    # 7 × 4,926
                "personal_share_monthly": (D("517.23"), SI_60),            # base 4,926: 394.08 + 98.52 + 24.63
            }, grade=10),
    CaseRow("topup", "grade 6 allowance below the minimum wage: topped up", months((2025, 9), 6, "3000"), ACCIDENT, {
        "disability_allowance": (D("3000.00"), ART_36),                    # 60% × 4,926 = 2,955.60 < 3,000
    }, grade=6, policy={"minimum_monthly_wage": D("3000.00")}),
    CaseRow("cap", "wage above the cap: lowered to 300% of the average wage", months((2025, 3), 12, "30000"),
            ACCIDENT, {
                "own_wage": (D("24630.00"), ART_64),                        # 30,000 > 24,630
                "one_time_disability_subsidy": (D("665010.00"), ART_35),   # 27 × 24,630
                "disability_allowance": (D("22167.00"), ART_35),           # 90% × 24,630
                "personal_share_monthly": (D("2586.15"), SI_60),           # base 24,630: 1,970.40 + 492.60 + 123.15
            }, grade=1),
    CaseRow("one-month", "one month of service", ((2026, 2, "6000"),), ACCIDENT, {
        "own_wage": (D("6000.00"), ART_64),
        "one_time_disability_subsidy": (D("42000.00"), ART_37),            # 7 × 6,000
    }, grade=10),
    CaseRow("four-months", "four months of service: the months worked", (
        (2025, 11, "4800"), (2025, 12, "5000"), (2026, 1, "5200"), (2026, 2, "5400")), ACCIDENT, {
        "own_wage": (D("5100.00"), ART_64),                                # 20,400 ÷ 4
        "suspension_wage_monthly": (D("5100.00"), ART_33_1),
        "one_time_disability_subsidy": (D("66300.00"), ART_37),            # 13 × 5,100
    }, grade=7),
    CaseRow("twelve-plus", "fourteen months on record: only the last twelve count",
            months((2025, 1), 2, "10000") + months((2025, 3), 12, "6000"), ACCIDENT, {
                "own_wage": (D("6000.00"), ART_64),
                "one_time_disability_subsidy": (D("66000.00"), ART_37),    # 11 × 6,000
            }, grade=8),
    CaseRow("first-month", "injured in the first month: the contract wage", (), date(2026, 3, 10), {
        "own_wage": (D("7000.00"), ART_64),
        "suspension_wage_monthly": (D("7000.00"), ART_33_1),
        "one_time_disability_subsidy": (D("63000.00"), ART_37),            # 9 × 7,000
    }, grade=9, contract_wage="7000"),
    CaseRow("first-month-low", "first month, contract wage below the floor", (), date(2026, 3, 10), {
        "own_wage": (D("4926.00"), ART_64),                                # 3,000 raised to 60%
    }, grade=9, contract_wage="3000"),
    CaseRow("first-month-floor-rule", "first month where the region takes 60% of the average wage", (),
            date(2026, 3, 10), {
                "own_wage": (D("4926.00"), ART_64),
            }, grade=9, contract_wage="7000", policy={"first_month_rule": "regional_floor"}),
    CaseRow("death", "death at work: funeral and work-death subsidies", SIX_MONTHS, ACCIDENT, {
        "funeral_subsidy": (D("49260.00"), ART_39),                        # 6 × 8,210
        "one_time_death_subsidy": (D("1083760.00"), ART_39),                        # 20 × 54,188
    }, death=ACCIDENT),
    # Dependants' pensions (Art. 39 ¶1(2)): 40% of the own wage for the spouse, 30% for each other
    # dependant, 10% more for an orphan or a lone elder; the total capped at the wage before death
    # (the unclamped average), a cut shared in proportion, rounded down to fen, the last taking the rest.
    CaseRow("death-spouse-child", "death: spouse unable to work and a child under 18", SIX_MONTHS, ACCIDENT, {
        "dependant_pension:1": (D("2080.00"), ART_39_PENSIONS),            # 40% × 5,200
        "dependant_pension:2": (D("1560.00"), ART_39_PENSIONS),            # 30% × 5,200
        "dependants_pensions_total": (D("3640.00"), ART_39_PENSIONS),      # below 5,200: no cap
        "funeral_subsidy": (D("49260.00"), ART_39),
    }, death=ACCIDENT, dependants=(("王芳", "spouse", "unable_to_work", False), ("李小明", "child", "minor", False))),
    CaseRow("death-two-orphans", "death: spouse and two orphans, capped at the wage", SIX_MONTHS, ACCIDENT, {
        "dependant_pension:1": (D("1733.33"), ART_39_PENSIONS),            # 2,080 × 5,200 ÷ 6,240, down to fen
        "dependant_pension:2": (D("1733.33"), ART_39_PENSIONS),            # (30% + 10%) × 5,200 = 2,080, cut alike
        "dependant_pension:3": (D("1733.34"), ART_39_PENSIONS),            # 5,200 − 3,466.66
        "dependants_pensions_total": (D("5200.00"), ART_39_PENSIONS),      # 6,240 > 5,200: capped
    }, death=ACCIDENT, dependants=(("赵兰", "spouse", "elderly", False), ("李一", "child", "minor", True),
                                   ("李二", "child", "minor", True))),
    CaseRow("death-low-wage", "death: wage below the floor, pensions capped at the wage earned",
            months((2025, 9), 6, "3000"), ACCIDENT, {
                "own_wage": (D("4926.00"), ART_64),                        # 3,000 raised to 60% of 8,210
                "dependant_pension:1": (D("1200.00"), ART_39_PENSIONS),    # 1,970.40 × 3,000 ÷ 4,926
                "dependant_pension:2": (D("900.00"), ART_39_PENSIONS),     # 1,477.80 × 3,000 ÷ 4,926
                "dependant_pension:3": (D("900.00"), ART_39_PENSIONS),     # 3,000 − 2,100
                "dependants_pensions_total": (D("3000.00"), ART_39_PENSIONS),  # 4,926 > 3,000 earned
            }, death=ACCIDENT, dependants=(("周梅", "spouse", "unable_to_work", False),
                                           ("李父", "parent", "elderly", False), ("李幼", "child", "minor", False))),
    CaseRow("death-high-wage-lone-parent", "death: wage above the cap, a lone elderly parent",
            months((2025, 9), 6, "30000"), ACCIDENT, {
                "own_wage": (D("24630.00"), ART_64),                       # 30,000 capped at 300% of 8,210
                "dependant_pension:1": (D("9852.00"), ART_39_PENSIONS),    # (30% + 10%) × 24,630
                "dependants_pensions_total": (D("9852.00"), ART_39_PENSIONS),  # below the 30,000 earned
            }, death=ACCIDENT, dependants=(("李母", "parent", "elderly", True),)),
    CaseRow("death-four-dependants", "death: spouse, two parents and a child unable to work", SIX_MONTHS, ACCIDENT, {
        "dependant_pension:1": (D("1600.00"), ART_39_PENSIONS),            # 2,080 × 5,200 ÷ 6,760
        "dependant_pension:2": (D("1200.00"), ART_39_PENSIONS),            # 1,560 × 5,200 ÷ 6,760
        "dependant_pension:3": (D("1200.00"), ART_39_PENSIONS),
        "dependant_pension:4": (D("1200.00"), ART_39_PENSIONS),            # 5,200 − 4,000
        "dependants_pensions_total": (D("5200.00"), ART_39_PENSIONS),      # 2,080 + 3 × 1,560 = 6,760 > 5,200
    }, death=ACCIDENT, dependants=(("孙丽", "spouse", "elderly", False), ("李父", "parent", "elderly", False),
                                   ("李母", "parent", "unable_to_work", False), ("李三", "child", "unable_to_work", False))),
)


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline from its start date, with the rest day that moved it (or none)."""

    key: str
    rule: str  # the name of the function in portal.cases.rules
    start: date
    due: date
    article: str


DEADLINES: tuple[DeadlineRow, ...] = (
    DeadlineRow("employer-filing", "employer_filing_deadline", date(2026, 3, 2), date(2026, 4, 1),
                "Regulations Art. 17 ¶1"),                                  # + 30 days, a Wednesday
    DeadlineRow("employer-filing-national-day", "employer_filing_deadline", date(2026, 9, 1), date(2026, 10, 8),
                "Regulations Art. 17 ¶1; Civil Code Art. 203"),             # 1 Oct: National Day to 7 Oct
    DeadlineRow("employer-filing-spring-festival", "employer_filing_deadline", date(2026, 1, 16), date(2026, 2, 24),
                "Regulations Art. 17 ¶1; Civil Code Art. 203"),             # 15 Feb: Spring Festival to 23 Feb
    DeadlineRow("worker-filing-national-day", "worker_filing_deadline", date(2025, 10, 1), date(2026, 10, 8),
                "Regulations Art. 17 ¶2; Civil Code Art. 203"),             # one year on, 1 Oct again
    DeadlineRow("acceptance-qingming", "acceptance_deadline", date(2026, 3, 20), date(2026, 4, 7),
                "Recognition Measures Art. 8; Civil Code Art. 203"),        # 4 Apr: Tomb-sweeping Day to 6 Apr
    DeadlineRow("acceptance-labour-day", "acceptance_deadline", date(2026, 4, 16), date(2026, 5, 6),
                "Recognition Measures Art. 8; Civil Code Art. 203"),        # 1 May: Labour Day to 5 May
    DeadlineRow("assessment-national-day", "assessment_conclusion_deadline", date(2026, 8, 2), date(2026, 10, 8),
                "Regulations Art. 25 ¶2; Civil Code Art. 203"),             # + 60 days = 1 Oct
    DeadlineRow("reassessment-request-mid-autumn", "reassessment_request_deadline", date(2026, 9, 10),
                date(2026, 9, 28), "Regulations Art. 26; Civil Code Art. 203"),  # 25 Sep: Mid-autumn Festival,
    DeadlineRow("reassessment-request", "reassessment_request_deadline", date(2026, 9, 1), date(2026, 9, 16),
                "Regulations Art. 26"),                                     # + 15 days, a Wednesday
)


@dataclass(frozen=True)
class PlanRow:
    """A personal-share account and a deduction plan (多退少补, Social Insurance Law Art. 60)."""

    key: str
    owed: Decimal
    withheld: Decimal
    subsidy_left: Decimal
    instalments: int
    parts: tuple[Decimal, ...]
    to_collect: Decimal = D("0.00")
    to_refund: Decimal = D("0.00")


PLANS: tuple[PlanRow, ...] = (
    PlanRow("li", D("3276.00"), D("546.00"), D("46800.00"), 3, (D("910.00"),) * 3),  # 6 × 546, March withheld
    PlanRow("at-once", D("3276.00"), D("0.00"), D("46800.00"), 1, (D("3276.00"),)),
    PlanRow("uneven", D("1000.00"), D("0.00"), D("46800.00"), 3, (D("333.33"), D("333.33"), D("333.34"))),
    PlanRow("short-subsidy", D("5000.00"), D("0.00"), D("3000.00"), 2, (D("1500.00"), D("1500.00")),
            to_collect=D("2000.00")),                                       # the rest collected (少补)
    PlanRow("over-withheld", D("1092.00"), D("1200.00"), D("46800.00"), 1, (), to_refund=D("108.00")),  # 多退
)


@dataclass(frozen=True)
class DependantsRow:
    """Dependants' pensions (Regulations Art. 39 ¶1(2)): 40% spouse, 30% others, +10% orphan or lone
    elder, of the own wage; the total capped at the wage before death (the unclamped average)."""

    key: str
    wages: tuple[tuple[int, int, str], ...]
    dependants: tuple[tuple[str, bool], ...]  # (relation, lone)
    parts: tuple[Decimal, ...]
    capped: bool


DEPENDANTS: tuple[DependantsRow, ...] = (
    DependantsRow("spouse-and-child", SIX_MONTHS, (("spouse", False), ("other", False)),
                  (D("2080.00"), D("1560.00")), False),                     # 40% and 30% of 5,200
    DependantsRow("capped-at-the-wage", SIX_MONTHS, (("spouse", False), ("other", True), ("other", True)),
                  (D("1733.33"), D("1733.33"), D("1733.34")), True),        # 3 × 2,080 = 6,240 > 5,200
    DependantsRow("capped-below-the-own-wage", months((2025, 9), 6, "3000"),
                  (("spouse", False), ("other", False), ("other", False)),
                  (D("1200.00"), D("900.00"), D("900.00")), True),          # 4,926.00 on 4,926 > 3,000 earned
)
