"""Regional policy parameters: everything the Regulations leave to the pooling region or province.

Each ``RegionalPolicy`` is one version of one region's figures, valid from a date and carrying its
source. The engine never hard-codes a regional figure: it asks ``policy_in_force`` for the version
in force on the relevant date (the injury date for the own wage, the death date for death benefits)
and reads the figure from it. The Regulations themselves expect the figures to move: allowances,
pensions and the care fee are adjusted by the provinces from time to time (Regulations Art. 40).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from portal.cases.rules.money import quantity, rate, yuan


class Insurance(str, enum.Enum):
    """The social insurances with a contribution (Social Insurance Law Arts. 10, 23, 33, 44, 53)."""

    PENSION = "pension"  # 基本养老保险
    MEDICAL = "medical"  # 基本医疗保险 (maternity merged into it since 2019 in most regions)
    UNEMPLOYMENT = "unemployment"  # 失业保险
    WORK_INJURY = "work_injury"  # 工伤保险: employer only (Regulations Art. 10; Social Insurance Law Art. 33)
    MATERNITY = "maternity"  # 生育保险: employer only (Social Insurance Law Art. 53), where still separate


EMPLOYER_ONLY = frozenset({Insurance.WORK_INJURY, Insurance.MATERNITY})


class CareLevel(str, enum.Enum):
    """How far the worker can look after himself or herself (Regulations Art. 34)."""

    FULLY_UNABLE = "fully_unable"  # 生活完全不能自理
    MOSTLY_UNABLE = "mostly_unable"  # 生活大部分不能自理
    PARTLY_UNABLE = "partly_unable"  # 生活部分不能自理


class SubsidyBasis(str, enum.Enum):
    """What the provincial one-time medical and employment subsidy tables count months of."""

    REGIONAL_AVERAGE_WAGE = "regional_average_wage"  # 统筹地区上年度职工月平均工资 (e.g. Jiangsu, Beijing)
    OWN_WAGE = "own_wage"  # 本人工资 (e.g. Guangdong)


class OwnWageRule(str, enum.Enum):
    """How the own wage (Regulations Art. 64) is averaged when fewer than 12 months are on record.

    The national text is silent; the source case and the common practice divide by the months
    actually worked. Which provinces write which variant into their rules is UNCONFIRMED.
    """

    MONTHS_WORKED = "months_worked"  # sum of the months on record ÷ their number (default)
    MONTHS_CONTRIBUTED = "months_contributed"  # as above, but months with a zero contribution wage are left out
    TWELVE_MONTHS = "twelve_months"  # literal reading: the sum ÷ 12 whatever the months on record


class FirstMonthRule(str, enum.Enum):
    """The own wage of a worker injured before a full month of wages is on record: the national text
    is silent (fact sheet §2.2, Beijing-style rule, UNCONFIRMED per province)."""

    CONTRACT_WAGE = "contract_wage"  # the contract wage, within 60%–300% of the regional average (default)
    REGIONAL_FLOOR = "regional_floor"  # 60% of the regional average wage


class PayStopRule(str, enum.Enum):
    """From when original pay stops once the suspension period ends or the grade is assessed
    (Regulations Art. 33 ¶2 says only "停发原待遇"; the day is regional practice, UNCONFIRMED)."""

    DAY_AFTER = "day_after"  # from the day after (default: the literal reading of Art. 33 ¶2)
    NEXT_MONTH = "next_month"  # from the first day of the following month (monthly payroll practice)


class PersonalShareHandling(str, enum.Enum):
    """How the worker's unpaid personal share is recovered after the assessment (source case, 多退少补)."""

    DEDUCT_AT_ONCE = "deduct_at_once"
    INSTALMENTS = "instalments"


@dataclass(frozen=True)
class ShareRates:
    """Employer and personal contribution rates of one insurance, as fractions (0.16 for 16%)."""

    employer: Decimal
    personal: Decimal


NATIONAL_CARE_FEE_RATES = {
    CareLevel.FULLY_UNABLE: Decimal("0.50"),
    CareLevel.MOSTLY_UNABLE: Decimal("0.40"),
    CareLevel.PARTLY_UNABLE: Decimal("0.30"),
}
SUBSIDY_GRADES = range(5, 11)
DEFAULT_RECOGNITION_EXTENSION_CAP_DAYS = 30  # one provincial rule (province not identified): UNCONFIRMED


@dataclass(frozen=True)
class RegionalPolicy:
    """One version of a region's work-injury and social-insurance figures.

    Amounts are yuan a month unless named otherwise; rates are fractions. Validated on creation:
    negative amounts, rates outside 0–1, a floor above its ceiling, a personal share on an
    employer-only insurance and a subsidy table missing a grade 5–10 are all refused.
    """

    region: str
    valid_from: date
    source: str  # the region and where the figures come from (URL or document)
    average_monthly_wage: Decimal  # 统筹地区上年度职工月平均工资: own-wage clamp, care fee, funeral subsidy
    minimum_monthly_wage: Decimal  # 当地最低工资标准: allowance top-up (Arts. 35–36)
    national_disposable_income: Decimal  # 上一年度全国城镇居民人均可支配收入, a year: death subsidy (Art. 39)
    insurance_rates: Mapping[Insurance, ShareRates]
    contribution_base_floor: Decimal
    contribution_base_ceiling: Decimal
    housing_fund_employer_rate: Decimal
    housing_fund_personal_rate: Decimal
    medical_subsidy_months: Mapping[int, Decimal]  # 一次性工伤医疗补助金, grades 5–10 (Arts. 36–37)
    employment_subsidy_months: Mapping[int, Decimal]  # 一次性伤残就业补助金, grades 5–10 (Arts. 36–37)
    subsidy_basis: SubsidyBasis = SubsidyBasis.REGIONAL_AVERAGE_WAGE
    housing_fund_base_floor: Decimal | None = None  # None: the social-insurance floor
    housing_fund_base_ceiling: Decimal | None = None  # None: the social-insurance ceiling
    care_fee_rates: Mapping[CareLevel, Decimal] = field(default_factory=lambda: dict(NATIONAL_CARE_FEE_RATES))
    funeral_subsidy_months: Decimal = Decimal(6)  # Art. 39 ¶1(1)
    death_subsidy_multiple: Decimal = Decimal(20)  # Art. 39 ¶1(3)
    dependant_spouse_rate: Decimal = Decimal("0.40")  # Art. 39 ¶1(2)
    dependant_other_rate: Decimal = Decimal("0.30")
    dependant_lone_bonus_rate: Decimal = Decimal("0.10")  # orphans and lone elderly people (孤寡老人、孤儿)
    personal_share_handling: PersonalShareHandling = PersonalShareHandling.DEDUCT_AT_ONCE
    personal_share_instalments: int = 3  # used when the handling is INSTALMENTS
    recognition_extension_cap_days: int | None = DEFAULT_RECOGNITION_EXTENSION_CAP_DAYS  # None: no cap
    own_wage_rule: OwnWageRule = OwnWageRule.MONTHS_WORKED
    pay_stop_rule: PayStopRule = PayStopRule.DAY_AFTER
    first_month_rule: FirstMonthRule = FirstMonthRule.CONTRACT_WAGE
    # The employer's own choice: whether it also withholds the worker's housing-fund share with the
    # social-insurance share it recovers (Housing Fund Regulations Art. 18); False: social insurance only.
    personal_share_includes_housing_fund: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.valid_from, date):
            raise TypeError("valid_from must be a date")
        if not self.region.strip():
            raise ValueError("region must not be empty")
        if not self.source.strip():
            raise ValueError("source must not be empty")
        for name in ("average_monthly_wage", "minimum_monthly_wage", "national_disposable_income",
                     "contribution_base_floor", "contribution_base_ceiling"):
            self._set(name, yuan(getattr(self, name), name))
        for name in ("housing_fund_base_floor", "housing_fund_base_ceiling"):
            if getattr(self, name) is not None:
                self._set(name, yuan(getattr(self, name), name))
        for name in ("housing_fund_employer_rate", "housing_fund_personal_rate", "dependant_spouse_rate",
                     "dependant_other_rate", "dependant_lone_bonus_rate"):
            self._set(name, rate(getattr(self, name), name))
        for name in ("funeral_subsidy_months", "death_subsidy_multiple"):
            self._set(name, quantity(getattr(self, name), name))
        if self.contribution_base_floor > self.contribution_base_ceiling:
            raise ValueError("contribution_base_floor must not exceed contribution_base_ceiling")
        if self.housing_fund_floor > self.housing_fund_ceiling:
            raise ValueError("housing_fund_base_floor must not exceed housing_fund_base_ceiling")

        rates: dict[Insurance, ShareRates] = {}
        for insurance, shares in self.insurance_rates.items():
            insurance = Insurance(insurance)
            name = f"insurance_rates[{insurance.value}]"
            employer = rate(shares.employer, f"{name}.employer")
            personal = rate(shares.personal, f"{name}.personal")
            if insurance in EMPLOYER_ONLY and personal:
                # Workers pay no work-injury or maternity premium (Regulations Art. 10; Social Insurance Law Arts. 33, 53).
                raise ValueError(f"{name}.personal must be 0: the employer alone pays {insurance.value} insurance")
            rates[insurance] = ShareRates(employer, personal)
        self._set("insurance_rates", MappingProxyType(rates))

        for name in ("medical_subsidy_months", "employment_subsidy_months"):
            table = {int(grade): quantity(months, f"{name}[{grade}]") for grade, months in getattr(self, name).items()}
            if set(table) != set(SUBSIDY_GRADES):
                raise ValueError(f"{name} must give months for grades 5–10 exactly (got {sorted(table)})")
            self._set(name, MappingProxyType(table))

        care = {CareLevel(level): rate(value, f"care_fee_rates[{level}]") for level, value in self.care_fee_rates.items()}
        if set(care) != set(CareLevel):
            raise ValueError("care_fee_rates must give a rate for every care level")
        self._set("care_fee_rates", MappingProxyType(care))

        if isinstance(self.personal_share_instalments, bool) or not isinstance(self.personal_share_instalments, int) \
                or self.personal_share_instalments < 1:
            raise ValueError("personal_share_instalments must be a whole number ≥ 1")
        if not isinstance(self.personal_share_includes_housing_fund, bool):
            raise TypeError("personal_share_includes_housing_fund must be true or false")
        cap = self.recognition_extension_cap_days
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            raise ValueError("recognition_extension_cap_days must be a whole number ≥ 0 or None")
        for name, kind in (("subsidy_basis", SubsidyBasis), ("personal_share_handling", PersonalShareHandling),
                           ("own_wage_rule", OwnWageRule), ("pay_stop_rule", PayStopRule),
                           ("first_month_rule", FirstMonthRule)):
            self._set(name, kind(getattr(self, name)))

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    @property
    def housing_fund_floor(self) -> Decimal:
        return self.contribution_base_floor if self.housing_fund_base_floor is None else self.housing_fund_base_floor

    @property
    def housing_fund_ceiling(self) -> Decimal:
        return self.contribution_base_ceiling if self.housing_fund_base_ceiling is None else self.housing_fund_base_ceiling

    @property
    def deduction_instalments(self) -> int:
        """How many instalments the personal share is deducted in: 1 when deducted at once."""
        if self.personal_share_handling is PersonalShareHandling.DEDUCT_AT_ONCE:
            return 1
        return self.personal_share_instalments


def policy_in_force(policies: Iterable[RegionalPolicy], on_date: date, region: str | None = None) -> RegionalPolicy:
    """The version with the newest ``valid_from`` on or before ``on_date`` (of ``region`` if given):
    regional figures change over time (Regulations Art. 40; fact sheet §8), and a benefit uses the
    figures in force on its own date.

    Raises ``ValueError`` when no version was in force yet, or when two versions of the same region
    claim the same ``valid_from`` (the choice between them would be arbitrary).
    """
    candidates = [p for p in policies if p.valid_from <= on_date and (region is None or p.region == region)]
    if not candidates:
        where = f" for {region}" if region else ""
        raise ValueError(f"no regional policy{where} in force on {on_date.isoformat()}")
    if len({p.region for p in candidates}) > 1:
        raise ValueError(f"policies of several regions are in force on {on_date.isoformat()}: pass region")
    newest = max(p.valid_from for p in candidates)
    chosen = [p for p in candidates if p.valid_from == newest]
    if len(chosen) > 1:
        raise ValueError(f"two policies of {chosen[0].region} are valid from {newest.isoformat()}")
    return chosen[0]


DEMO_POLICY = RegionalPolicy(
    region="苏州市 (Suzhou, Jiangsu) — DEMO",
    valid_from=date(2025, 7, 1),
    source=(
        "DEMO VALUES for the demo company and the tests, NOT official figures: plausible round numbers "
        "in the range of Suzhou's published ones. The national urban per-capita disposable income "
        "(54,188 yuan) is the 2024 figure; the subsidy tables are invented and must be replaced by the "
        "province's implementing measures before any real use."
    ),
    average_monthly_wage=Decimal("8210.00"),
    minimum_monthly_wage=Decimal("2690.00"),
    national_disposable_income=Decimal("54188.00"),
    insurance_rates={
        Insurance.PENSION: ShareRates(Decimal("0.16"), Decimal("0.08")),
        Insurance.MEDICAL: ShareRates(Decimal("0.07"), Decimal("0.02")),
        Insurance.UNEMPLOYMENT: ShareRates(Decimal("0.005"), Decimal("0.005")),
        Insurance.WORK_INJURY: ShareRates(Decimal("0.009"), Decimal("0")),
        Insurance.MATERNITY: ShareRates(Decimal("0.008"), Decimal("0")),
    },
    contribution_base_floor=Decimal("4926.00"),  # 60% of the demo average wage
    contribution_base_ceiling=Decimal("24630.00"),  # 300% of it
    housing_fund_employer_rate=Decimal("0.05"),
    housing_fund_personal_rate=Decimal("0.05"),
    housing_fund_base_floor=Decimal("2690.00"),
    housing_fund_base_ceiling=Decimal("24630.00"),
    medical_subsidy_months={5: Decimal(16), 6: Decimal(14), 7: Decimal(12), 8: Decimal(10), 9: Decimal(8), 10: Decimal(6)},
    employment_subsidy_months={5: Decimal(30), 6: Decimal(25), 7: Decimal(20), 8: Decimal(15), 9: Decimal(10),
                               10: Decimal(5)},
    personal_share_handling=PersonalShareHandling.INSTALMENTS,
    personal_share_instalments=3,
)
