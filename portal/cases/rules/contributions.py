"""Monthly social-insurance and housing-fund contributions, employer and personal shares.

The base is clamped to the policy's floor and ceiling (60%–300% of the average wage in most
regions). The employer pays its share; the worker's share is the worker's and the employer withholds
it from the wage (Social Insurance Law Art. 60; Collection Regulations Art. 12), also during the paid
suspension period, when the labour relationship and the contributions continue (fact sheet §5.4).
Each line is rounded to fen on its own and the totals add the rounded lines, so they reconcile with
a payslip.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.cases.rules import citations
from portal.cases.rules.money import ZERO, BenefitResult, Frequency, Payer, fmt, percent, plain, quantize, result, yuan
from portal.cases.rules.policy import Insurance, RegionalPolicy


@dataclass(frozen=True)
class ContributionLine:
    """One insurance: its rates and the month's amounts on the clamped base."""

    insurance: Insurance
    employer_rate: Decimal
    personal_rate: Decimal
    employer: Decimal
    personal: Decimal


@dataclass(frozen=True)
class Contributions:
    """A month's contributions on one base.

    ``employer`` and ``personal`` are the social-insurance totals as results; the housing fund
    (not a social insurance) is kept apart in ``housing_fund_employer`` and ``housing_fund_personal``.
    """

    wage: Decimal
    base: Decimal  # the social-insurance base after the clamp
    base_clamp: str | None  # "floor", "ceiling" or None
    housing_fund_base: Decimal
    lines: tuple[ContributionLine, ...]
    employer: BenefitResult
    personal: BenefitResult
    housing_fund_employer: BenefitResult
    housing_fund_personal: BenefitResult

    @property
    def personal_with_housing_fund(self) -> Decimal:
        """Everything withheld from the worker's pay in a month: the personal share the source case speaks of."""
        return self.personal.amount + self.housing_fund_personal.amount

    @property
    def employer_with_housing_fund(self) -> Decimal:
        return self.employer.amount + self.housing_fund_employer.amount

    def line(self, insurance: Insurance) -> ContributionLine:
        for line in self.lines:
            if line.insurance is insurance:
                return line
        raise KeyError(insurance)


INSURANCE_WORDS = {
    Insurance.PENSION: "pension",
    Insurance.MEDICAL: "medical",
    Insurance.UNEMPLOYMENT: "unemployment",
    Insurance.WORK_INJURY: "work injury",
    Insurance.MATERNITY: "maternity",
}


def _clamped(value: Decimal, floor: Decimal, ceiling: Decimal) -> tuple[Decimal, str | None]:
    if value < floor:
        return floor, "floor"
    if value > ceiling:
        return ceiling, "ceiling"
    return value, None


def contribution_base(wage: Decimal, policy: RegionalPolicy) -> Decimal:
    """The social-insurance base for a declared wage: clamped to the policy's floor and ceiling
    (S17 国办发〔2019〕13号: 60%–300% of the all-caliber average wage)."""
    return _clamped(yuan(wage, "wage"), policy.contribution_base_floor, policy.contribution_base_ceiling)[0]


def contributions(wage: Decimal, policy: RegionalPolicy) -> Contributions:
    """A month's employer and personal contributions on ``wage`` (the declared contribution wage,
    usually the prior year's monthly average; the base is clamped to the policy's floor and ceiling).

    Rates are per insurance from ``policy.insurance_rates``; the worker pays nothing for work-injury
    and maternity insurance (Regulations Art. 10; Social Insurance Law Arts. 33, 53). The employer
    withholds the personal share (Social Insurance Law Art. 60; Collection Regulations Art. 12).
    """
    declared = yuan(wage, "wage")
    base, clamp = _clamped(declared, policy.contribution_base_floor, policy.contribution_base_ceiling)
    hf_base, _ = _clamped(declared, policy.housing_fund_floor, policy.housing_fund_ceiling)
    lines = tuple(
        ContributionLine(insurance, shares.employer, shares.personal,
                         quantize(base * shares.employer), quantize(base * shares.personal))
        for insurance, shares in sorted(policy.insurance_rates.items(), key=lambda kv: list(Insurance).index(kv[0]))
    )
    employer_total = sum((line.employer for line in lines), ZERO)
    personal_total = sum((line.personal for line in lines), ZERO)
    base_words = f"base {fmt(base)}"
    if clamp:
        base_words += f" (wage {fmt(declared)} raised to the floor)" if clamp == "floor" else \
            f" (wage {fmt(declared)} lowered to the ceiling)"

    def breakdown(share: str) -> str:
        parts = [f"{INSURANCE_WORDS[line.insurance]} {percent(getattr(line, share + '_rate'))} = {fmt(getattr(line, share))}"
                 for line in lines if getattr(line, share + "_rate")]
        return "; ".join(parts) or "none"

    inputs = {"wage": plain(declared), "base": plain(base), "clamp": clamp or ""}
    employer = result(
        "employer_contributions", employer_total, Payer.EMPLOYER, Frequency.MONTHLY,
        f"Employer's share on {base_words}: {breakdown('employer')}; total {fmt(employer_total)}",
        {**inputs, **{f"{line.insurance.value}_rate": percent(line.employer_rate) for line in lines},
         "total": plain(employer_total)},
        citations.EMPLOYER_CONTRIBUTIONS,
    )
    personal = result(
        "personal_contributions", personal_total, Payer.EMPLOYEE, Frequency.MONTHLY,
        f"Worker's own share on {base_words}, withheld from pay by the employer: {breakdown('personal')}; "
        f"total {fmt(personal_total)}",
        {**inputs, **{f"{line.insurance.value}_rate": percent(line.personal_rate) for line in lines},
         "total": plain(personal_total)},
        citations.WITHHOLDING,
    )
    hf_employer_amount = quantize(hf_base * policy.housing_fund_employer_rate)
    hf_personal_amount = quantize(hf_base * policy.housing_fund_personal_rate)
    hf_inputs = {"wage": plain(declared), "base": plain(hf_base)}
    hf_employer = result(
        "housing_fund_employer", hf_employer_amount, Payer.EMPLOYER, Frequency.MONTHLY,
        f"Housing fund, employer: {percent(policy.housing_fund_employer_rate)} × base {fmt(hf_base)} "
        f"= {fmt(hf_employer_amount)}",
        {**hf_inputs, "rate": percent(policy.housing_fund_employer_rate), "total": plain(hf_employer_amount)},
        citations.HOUSING_FUND,
    )
    hf_personal = result(
        "housing_fund_personal", hf_personal_amount, Payer.EMPLOYEE, Frequency.MONTHLY,
        f"Housing fund, worker's own share withheld from pay: {percent(policy.housing_fund_personal_rate)} "
        f"× base {fmt(hf_base)} = {fmt(hf_personal_amount)}",
        {**hf_inputs, "rate": percent(policy.housing_fund_personal_rate), "total": plain(hf_personal_amount)},
        citations.HOUSING_FUND,
    )
    return Contributions(declared, base, clamp, hf_base, lines, employer, personal, hf_employer, hf_personal)


def personal_share(wage: Decimal, policy: RegionalPolicy) -> BenefitResult:
    """The worker's own share of one month that stays owed while it cannot be withheld from pay:
    the social-insurance share by branch (pension, medical, unemployment; Social Insurance Law
    Art. 60), plus the housing-fund share only where the employer's policy version says it
    withholds that too (``personal_share_includes_housing_fund``; Housing Fund Regulations Art. 18).
    """
    c = contributions(wage, policy)
    branches = {f"{line.insurance.value}": plain(line.personal) for line in c.lines if line.personal_rate}
    with_fund = policy.personal_share_includes_housing_fund
    housing = c.housing_fund_personal.amount if with_fund else ZERO
    total = c.personal.amount + housing
    formula = c.personal.formula
    citation = citations.WITHHOLDING
    if with_fund:
        formula += f"; {c.housing_fund_personal.formula}; together {fmt(total)}"
        citation = citations.joined([citations.WITHHOLDING, citations.HOUSING_FUND])
    return result(
        "personal_share_monthly", total, Payer.EMPLOYEE, Frequency.MONTHLY, formula,
        {"wage": plain(c.wage), "base": plain(c.base), "social_insurance": plain(c.personal.amount),
         "housing_fund": plain(housing), "includes_housing_fund": "yes" if with_fund else "no",
         "amount": plain(total), **branches},
        citation,
    )
