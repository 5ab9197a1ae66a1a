"""Benefit amounts: who pays how much, on what formula, under which article.

Every function returns a ``BenefitResult`` (or a small bundle of them). The own wage is passed in,
either as the ``OwnWage`` from ``own_wage()`` or as its ``Decimal`` amount; regional figures come
from the ``RegionalPolicy`` in force on the relevant date.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from portal.cases.rules import citations
from portal.cases.rules.money import (
    ZERO,
    BenefitResult,
    Frequency,
    Payer,
    fmt,
    number,
    percent,
    plain,
    quantity,
    quantize,
    quantize_down,
    result,
    yuan,
)
from portal.cases.rules.policy import SUBSIDY_GRADES, CareLevel, RegionalPolicy, SubsidyBasis
from portal.cases.rules.wages import OwnWage

GRADES = range(1, 11)

# Months of own wage for the one-time disability subsidy (一次性伤残补助金), Regulations Arts. 35–37.
DISABILITY_SUBSIDY_MONTHS = {1: 27, 2: 25, 3: 23, 4: 21, 5: 18, 6: 16, 7: 13, 8: 11, 9: 9, 10: 7}
# Monthly disability allowance (伤残津贴) as a share of the own wage: Art. 35 (fund), Art. 36 (employer).
ALLOWANCE_RATES = {
    1: Decimal("0.90"), 2: Decimal("0.85"), 3: Decimal("0.80"), 4: Decimal("0.75"),
    5: Decimal("0.70"), 6: Decimal("0.60"),
}

CARE_LEVEL_WORDS = {
    CareLevel.FULLY_UNABLE: "fully unable to look after oneself",
    CareLevel.MOSTLY_UNABLE: "mostly unable to look after oneself",
    CareLevel.PARTLY_UNABLE: "partly unable to look after oneself",
}


def check_grade(grade: int) -> int:
    """A disability grade, 1 (most severe) to 10 (lightest) (Regulations Art. 22)."""
    if isinstance(grade, bool) or not isinstance(grade, int):
        raise TypeError(f"grade must be a whole number 1–10 (got {grade!r})")
    if grade not in GRADES:
        raise ValueError(f"grade must be 1–10 (got {grade})")
    return grade


def has_disability_allowance(grade: int) -> bool:
    """Grades 1–6 carry a monthly disability allowance; grades 7–10 do not (Regulations Arts. 35–37)."""
    return check_grade(grade) <= 6


def allowance_payer(grade: int) -> Payer:
    """The fund pays the allowance of grades 1–4 (Art. 35), the employer that of grades 5–6 (Art. 36)."""
    if not has_disability_allowance(grade):
        raise ValueError(f"grade {grade} carries no disability allowance (Regulations Art. 37)")
    return Payer.FUND if grade <= 4 else Payer.EMPLOYER


def keeps_labour_relationship(grade: int) -> bool:
    """Grades 1–4 keep the labour relationship and leave the post; the worker cannot be let go (Art. 35)."""
    return check_grade(grade) <= 4


def _wage(value: OwnWage | Decimal | int, name: str = "own_wage") -> Decimal:
    return value.amount if isinstance(value, OwnWage) else yuan(value, name)


def suspension_wage(original_monthly_wage: Decimal) -> BenefitResult:
    """The monthly pay during the paid suspension period: the original wage and benefits unchanged,
    paid monthly by the employer (Regulations Art. 33 ¶1).

    What counts as the original wage is regional (see ``pre_injury_average_wage``); pass the figure.
    """
    wage = yuan(original_monthly_wage, "original_monthly_wage")
    return result(
        "suspension_wage_monthly", wage, Payer.EMPLOYER, Frequency.MONTHLY,
        f"Original monthly wage {fmt(wage)}, unchanged during the paid suspension period",
        {"original_monthly_wage": plain(wage)},
        citations.SUSPENSION_PAY,
    )


def suspension_wage_total(original_monthly_wage: Decimal, months: int | Decimal) -> BenefitResult:
    """The employer's total original pay over ``months`` of paid suspension (Regulations Art. 33 ¶¶1–2:
    at most 24 months)."""
    wage = yuan(original_monthly_wage, "original_monthly_wage")
    count = quantity(months, "months")
    if count > 24:
        raise ValueError(f"months must not exceed 24 (got {number(count)}), the cap of Regulations Art. 33 ¶2")
    amount = quantize(wage * count)
    return result(
        "suspension_wage_total", amount, Payer.EMPLOYER, Frequency.ONCE,
        f"{number(count)} months × original monthly wage {fmt(wage)} = {fmt(amount)}",
        {"months": number(count), "original_monthly_wage": plain(wage), "total": plain(amount)},
        citations.joined([citations.SUSPENSION_PAY, citations.SUSPENSION_LENGTH]),
    )


def one_time_disability_subsidy(grade: int, own_wage: OwnWage | Decimal) -> BenefitResult:
    """The one-time disability subsidy (一次性伤残补助金), paid by the fund: 27, 25, 23, 21, 18, 16,
    13, 11, 9 or 7 months of own wage for grades 1–10 (Regulations Arts. 35–37)."""
    months = DISABILITY_SUBSIDY_MONTHS[check_grade(grade)]
    wage = _wage(own_wage)
    amount = quantize(wage * months)
    return result(
        "one_time_disability_subsidy", amount, Payer.FUND, Frequency.ONCE,
        f"Grade {grade}: {months} months × own wage {fmt(wage)} = {fmt(amount)}",
        {"grade": str(grade), "months": str(months), "own_wage": plain(wage), "amount": plain(amount)},
        citations.for_grade(grade),
    )


def disability_allowance(
    grade: int, own_wage: OwnWage | Decimal, minimum_wage: Decimal, *, suitable_work_arranged: bool = False
) -> BenefitResult:
    """The monthly disability allowance (伤残津贴) of grades 1–6.

    Grades 1–4: 90%, 85%, 80% or 75% of own wage, paid by the fund (Regulations Art. 35).
    Grades 5–6: 70% or 60%, paid by the employer, only when it cannot arrange suitable work
    (Art. 36); with suitable work arranged the amount is 0 and the worker is paid for the work.
    Below the local minimum wage the same payer makes up the difference (Arts. 35–36).
    Grades 7–10 have no allowance (Art. 37): ``ValueError``.
    """
    payer = allowance_payer(grade)
    wage = _wage(own_wage)
    minimum = yuan(minimum_wage, "minimum_wage")
    share = ALLOWANCE_RATES[grade]
    inputs = {"grade": str(grade), "rate": percent(share), "own_wage": plain(wage), "minimum_wage": plain(minimum)}
    citation = citations.for_grade(grade)
    if grade >= 5 and suitable_work_arranged:
        inputs.update(base=plain(ZERO), top_up=plain(ZERO), amount=plain(ZERO), suitable_work_arranged="yes")
        return result(
            "disability_allowance", ZERO, payer, Frequency.MONTHLY,
            f"Grade {grade}: suitable work is arranged, so no allowance is due; the work is paid as wages",
            inputs, citation,
        )
    base = quantize(wage * share)
    top_up = max(minimum - base, ZERO)
    amount = base + top_up
    inputs.update(base=plain(base), top_up=plain(top_up), amount=plain(amount))
    formula = f"Grade {grade}: {percent(share)} × own wage {fmt(wage)} = {fmt(base)}"
    if top_up:
        formula += (f", below the local minimum wage {fmt(minimum)}, so topped up by {fmt(top_up)} "
                    f"to {fmt(amount)}")
    if grade <= 4:
        notes = ("Basic medical insurance continues on the allowance as the base, paid by the employer and "
                 "the worker (Art. 35); who withholds the worker's share is regional (UNCONFIRMED).",)
    else:
        notes = ("The employer also pays the social insurance premiums due (Art. 36); whether the worker's "
                 "share is withheld from the allowance is regional practice (UNCONFIRMED).",)
    return result("disability_allowance", amount, payer, Frequency.MONTHLY, formula, inputs, citation, notes)


def care_fee(care_level: CareLevel, policy: RegionalPolicy) -> BenefitResult:
    """The monthly life-care fee (生活护理费), paid by the fund once the committee confirms the need:
    50%, 40% or 30% of the regional average monthly wage for a worker fully, mostly or partly unable
    to look after himself or herself (Regulations Art. 34; rates from ``policy.care_fee_rates``)."""
    level = CareLevel(care_level)
    share = policy.care_fee_rates[level]
    regional = policy.average_monthly_wage
    amount = quantize(regional * share)
    return result(
        "care_fee", amount, Payer.FUND, Frequency.MONTHLY,
        f"{CARE_LEVEL_WORDS[level].capitalize()}: {percent(share)} × regional average monthly wage "
        f"{fmt(regional)} = {fmt(amount)}",
        {"care_level": level.value, "rate": percent(share), "regional_average_wage": plain(regional),
         "amount": plain(amount)},
        citations.CARE_FEE,
    )


def _leaving_subsidy(
    code: str, words: str, table: dict[int, Decimal], payer: Payer, grade: int, policy: RegionalPolicy,
    own_wage: OwnWage | Decimal | None,
) -> BenefitResult:
    check_grade(grade)
    if grade not in SUBSIDY_GRADES:
        raise ValueError(f"grade must be 5–10 for the one-time {words} (got {grade}): grades 1–4 keep the "
                         "labour relationship (Regulations Art. 35)")
    months = table[grade]
    if policy.subsidy_basis is SubsidyBasis.OWN_WAGE:
        if own_wage is None:
            raise ValueError(f"own_wage is required: {policy.region} counts the {words} in months of own wage")
        base, base_words, base_key = _wage(own_wage), "own wage", "own_wage"
    else:
        base, base_words, base_key = policy.average_monthly_wage, "regional average monthly wage", "regional_average_wage"
    amount = quantize(base * months)
    return result(
        code, amount, payer, Frequency.ONCE,
        f"Grade {grade}, on leaving: {number(months)} months × {base_words} {fmt(base)} = {fmt(amount)} "
        f"({policy.region} table)",
        {"grade": str(grade), "months": number(months), base_key: plain(base), "amount": plain(amount),
         "region": policy.region},
        citations.for_grade(grade),
    )


def one_time_medical_subsidy(grade: int, policy: RegionalPolicy, *, own_wage: OwnWage | Decimal | None = None) -> BenefitResult:
    """The one-time work-injury medical subsidy (一次性工伤医疗补助金), paid by the fund when a worker
    of grades 5–10 leaves (Regulations Arts. 36–37; the months are provincial: ``policy``)."""
    return _leaving_subsidy("one_time_medical_subsidy", "medical subsidy", dict(policy.medical_subsidy_months),
                            Payer.FUND, grade, policy, own_wage)


def one_time_employment_subsidy(grade: int, policy: RegionalPolicy, *, own_wage: OwnWage | Decimal | None = None) -> BenefitResult:
    """The one-time disability employment subsidy (一次性伤残就业补助金), paid by the employer when a
    worker of grades 5–10 leaves (Regulations Arts. 36–37; the months are provincial: ``policy``).
    Reductions for workers near retirement, found in some provinces, are not modelled."""
    return _leaving_subsidy("one_time_employment_subsidy", "employment subsidy",
                            dict(policy.employment_subsidy_months), Payer.EMPLOYER, grade, policy, own_wage)


def funeral_subsidy(policy: RegionalPolicy) -> BenefitResult:
    """The funeral subsidy (丧葬补助金), paid by the fund: 6 months of the regional average monthly
    wage (Regulations Art. 39 ¶1(1))."""
    months = policy.funeral_subsidy_months
    regional = policy.average_monthly_wage
    amount = quantize(regional * months)
    return result(
        "funeral_subsidy", amount, Payer.FUND, Frequency.ONCE,
        f"{number(months)} months × regional average monthly wage {fmt(regional)} = {fmt(amount)}",
        {"months": number(months), "regional_average_wage": plain(regional), "amount": plain(amount)},
        citations.FUNERAL_SUBSIDY,
    )


def death_subsidy(policy: RegionalPolicy) -> BenefitResult:
    """The one-time work-death subsidy (一次性工亡补助金), paid by the fund: 20 × the prior year's
    national per-capita disposable income of urban residents (Regulations Art. 39 ¶1(3); not the
    national average salary, as some English summaries have it)."""
    multiple = policy.death_subsidy_multiple
    income = policy.national_disposable_income
    amount = quantize(income * multiple)
    return result(
        "one_time_death_subsidy", amount, Payer.FUND, Frequency.ONCE,
        f"{number(multiple)} × national urban per-capita disposable income of the previous year "
        f"{fmt(income)} = {fmt(amount)}",
        {"multiple": number(multiple), "national_disposable_income": plain(income), "amount": plain(amount)},
        citations.DEATH_SUBSIDY,
    )


class Relation(str, enum.Enum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    OTHER = "other"  # grandparents, grandchildren, brothers and sisters within the ministry's scope


class Condition(str, enum.Enum):
    """Why a relative qualifies (《因工死亡职工供养亲属范围规定》 Art. 3): a relative who relied on the
    worker and is under 18, has reached the age (men 60, women 55), or cannot work at all."""

    MINOR = "minor"
    ELDERLY = "elderly"
    UNABLE_TO_WORK = "unable_to_work"


QUALIFYING_CONDITIONS = {
    Relation.SPOUSE: frozenset({Condition.ELDERLY, Condition.UNABLE_TO_WORK}),
    Relation.CHILD: frozenset({Condition.MINOR, Condition.UNABLE_TO_WORK}),
    Relation.PARENT: frozenset({Condition.ELDERLY, Condition.UNABLE_TO_WORK}),
    Relation.OTHER: frozenset(Condition),
}
MAX_DEPENDANTS = 12


class DependantError(ValueError):
    """A dependant the rules do not accept; ``code`` names the reason for the message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Dependant:
    """A relative who relied on the worker and cannot work (《因工死亡职工供养亲属范围规定》).

    ``lone`` marks an orphan or a lone elderly person (孤儿、孤寡老人), who receives 10% more;
    ``condition`` is why the relative qualifies (None: not recorded, as in a bare computation).
    """

    relation: Relation
    lone: bool = False
    label: str = ""
    condition: Condition | None = None


def check_dependants(dependants: Sequence[Dependant]) -> None:
    """Raise :class:`DependantError` unless every dependant qualifies as recorded: a condition that
    fits the relation (a child qualifies as a minor or unable to work, a parent or spouse by age or
    inability), the 10% extra only for an orphan (a minor) or a lone elderly person, at most one
    spouse and at most ``MAX_DEPENDANTS``."""
    if len(dependants) > MAX_DEPENDANTS:
        raise DependantError("too_many")
    if sum(1 for d in dependants if Relation(d.relation) is Relation.SPOUSE) > 1:
        raise DependantError("second_spouse")
    for d in dependants:
        condition = None if d.condition is None else Condition(d.condition)
        if condition is not None and condition not in QUALIFYING_CONDITIONS[Relation(d.relation)]:
            raise DependantError("condition_not_for_relation")
        if d.lone and condition is not None and condition not in (Condition.MINOR, Condition.ELDERLY):
            raise DependantError("lone_needs_age")


@dataclass(frozen=True)
class DependantPensions:
    items: tuple[BenefitResult, ...]  # one per dependant, in the order given
    total: BenefitResult
    capped: bool


def dependants_pensions(
    own_wage: OwnWage | Decimal,
    dependants: Sequence[Dependant],
    policy: RegionalPolicy,
    *,
    cap: Decimal | None = None,
) -> DependantPensions:
    """The monthly dependants' pensions (供养亲属抚恤金), paid by the fund (Regulations Art. 39 ¶1(2)):
    own wage × 40% for the spouse, 30% for each other dependant, 10% more for an orphan or a lone
    elderly person, the total capped at the worker's wage.

    Art. 39 ¶1(2) caps the total at the worker's wage before death (生前的工资), not at the own
    wage: by default the worker's average wage before the injury, unclamped (``OwnWage.average``);
    pass ``cap`` for the actual pre-death wage. When the cap bites, every pension is cut in
    proportion (rounded down to fen; the last one takes the remaining fen), as the Regulations do
    not say how to share the cut.
    """
    wage = _wage(own_wage)
    before_death = own_wage.average if isinstance(own_wage, OwnWage) else wage
    limit = before_death if cap is None else yuan(cap, "cap")
    check_dependants(dependants)
    citation = citations.DEPENDANTS_PENSION
    shares = []
    for d in dependants:
        share = policy.dependant_spouse_rate if Relation(d.relation) is Relation.SPOUSE else policy.dependant_other_rate
        shares.append(share + (policy.dependant_lone_bonus_rate if d.lone else ZERO))
    raw = [quantize(wage * share) for share in shares]
    uncapped = sum(raw, ZERO)
    capped = uncapped > limit
    amounts = list(raw)
    if capped:
        amounts = [quantize_down(a * limit / uncapped) for a in raw[:-1]]
        amounts.append(limit - sum(amounts, ZERO))
    items = []
    for index, (d, share, before, amount) in enumerate(zip(dependants, shares, raw, amounts, strict=True), start=1):
        who = d.label or f"dependant {index} ({Relation(d.relation).value}{', orphan or lone elder' if d.lone else ''})"
        formula = f"{who}: {percent(share)} × own wage {fmt(wage)} = {fmt(before)}"
        if capped:
            formula += f", cut in proportion to {fmt(amount)} as the total is capped at {fmt(limit)}"
        items.append(result(
            "dependant_pension", amount, Payer.FUND, Frequency.MONTHLY, formula,
            {"dependant": str(index), "name": d.label, "relation": Relation(d.relation).value,
             "condition": Condition(d.condition).value if d.condition else "", "lone": "yes" if d.lone else "no",
             "rate": percent(share), "own_wage": plain(wage), "before_cap": plain(before), "cap": plain(limit),
             "capped": "yes" if capped else "no", "amount": plain(amount)},
            citation,
        ))
    total_amount = sum(amounts, ZERO)
    total_formula = f"{len(items)} dependants: {' + '.join(fmt(a) for a in raw) or '0.00'} = {fmt(uncapped)}"
    if capped:
        total_formula += f", above the worker's wage, so capped at {fmt(limit)}"
    total = result(
        "dependants_pensions_total", total_amount, Payer.FUND, Frequency.MONTHLY, total_formula,
        {"dependants": str(len(items)), "parts": " + ".join(fmt(a) for a in raw), "uncapped": plain(uncapped),
         "cap": plain(limit), "capped": "yes" if capped else "no", "amount": plain(total_amount)},
        citation,
    )
    return DependantPensions(tuple(items), total, capped)


@dataclass(frozen=True)
class DeathBenefits:
    funeral_subsidy: BenefitResult
    dependants_pensions: DependantPensions
    death_subsidy: BenefitResult | None  # None: a grade 1–4 worker who died after the suspension period

    def results(self) -> list[BenefitResult]:
        items = [self.funeral_subsidy, *self.dependants_pensions.items]
        return items + ([self.death_subsidy] if self.death_subsidy else [])


def death_benefits(
    own_wage: OwnWage | Decimal,
    dependants: Sequence[Dependant],
    policy: RegionalPolicy,
    *,
    grade: int | None = None,
    died_after_suspension: bool = False,
    cap: Decimal | None = None,
) -> DeathBenefits:
    """What the close relatives receive from the fund on a death from the work injury (Regulations Art. 39).

    All three items on a death at work or during the paid suspension period (Art. 39 ¶¶1–2); for a
    worker of grades 1–4 who dies after the suspension period, the funeral subsidy and the pensions
    only (Art. 39 ¶3). ``policy`` is the one in force on the date of death.
    """
    if grade is not None:
        check_grade(grade)
    without_death_subsidy = died_after_suspension and grade is not None and grade <= 4
    return DeathBenefits(
        funeral_subsidy(policy),
        dependants_pensions(own_wage, dependants, policy, cap=cap),
        None if without_death_subsidy else death_subsidy(policy),
    )
