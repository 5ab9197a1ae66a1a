"""The case account in the employee's evidence pack: ``case_account.json`` and a section of the
report, from the same ``case_view`` every page reads, so the pack can never say other figures.

Each figure carries its formula (the engine's English words and the portal's Chinese sentence) and
its article; the personal share is split into social insurance and housing fund; the account lists
every entry (made or scheduled), its totals and the balance identity.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask, render_template
from flask_babel import force_locale
from markupsafe import Markup

from portal.cases import operations, presenters, rules
from portal.cases.models import STOP_ORIGINAL_PAY
from portal.evidence.sections import PackSection, in_both_languages, register_section_provider, register_value_words

FILENAME = "case_account.json"
IDENTITY = "balance = owed - withheld - deducted - collected + refunded"


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(rules.quantize(amount))


def _figure(result: rules.BenefitResult) -> dict[str, Any]:
    return {"code": result.code, "name_zh": presenters.benefit_label(result, third_person=True),
            "amount": _money(result.amount), "payer": result.payer.value, "frequency": result.frequency.value,
            "formula_en": result.formula, "formula_zh": presenters.formula(result),
            "article_zh": result.article_zh, "article_en": result.article_en, "inputs": result.inputs}


def _share(result: rules.BenefitResult | None) -> dict[str, Any] | None:
    """The monthly personal share, labelled social insurance vs housing fund (SI Law Art. 60;
    whether the housing-fund share is recovered is the employer's setting)."""
    if result is None:
        return None
    inputs = result.inputs
    return {**_figure(result), "social_insurance": inputs.get("social_insurance"),
            "housing_fund": inputs.get("housing_fund") if inputs.get("includes_housing_fund") == "yes" else "0.00",
            "includes_housing_fund": inputs.get("includes_housing_fund") == "yes"}


def case_account_record(view: operations.CaseView) -> dict[str, Any]:
    """Everything the case page shows about money, as plain JSON values."""
    account = view.account
    own = view.own_wage
    return {
        "case": view.case.id,
        "accident_date": view.case.accident_date.isoformat(),
        "death_date": view.case.death_date.isoformat() if view.case.death_date else None,
        "computed_on": account.today.isoformat(),
        "policy": None if view.policy is None else {"region": view.policy.region,
                                                   "valid_from": view.policy.valid_from.isoformat()},
        "own_wage": None if own is None else {
            "amount": _money(own.amount), "average_before_clamp": _money(own.average),
            "formula_en": own.formula, "formula_zh": presenters.own_wage_formula(own),
            "article_zh": own.article_zh, "article_en": own.article_en},
        "benefits": [_figure(r) for r in view.benefits],
        "dependants_pensions_total": None if view.dependants is None else {
            **_figure(view.dependants.total), "capped": view.dependants.capped},
        "personal_share_monthly": _share(view.monthly_share),
        "account": {
            "owed": _money(account.owed), "withheld": _money(account.withheld), "deducted": _money(account.deducted),
            "collected": _money(account.collected), "refunded": _money(account.refunded),
            "balance": _money(account.balance), "identity": IDENTITY,
            "scheduled_deductions": _money(account.scheduled_deductions),
            "balance_after_schedule": _money(account.after_schedule),
            "one_time_subsidy": _money(account.subsidy), "deducted_from_subsidy": _money(account.subsidy_used),
            "subsidy_left": _money(account.subsidy_left),
            "entries": [{"kind": e.kind.value, "amount": _money(e.amount), "on": e.on.isoformat(),
                         "period": f"{e.period[0]}-{e.period[1]:02d}" if e.period else None, "source": e.source,
                         "note": e.note, "made": e.on <= account.today} for e in account.entries],
        },
    }


def case_account_sections(employee_id: int, today: date) -> list[PackSection]:
    """The employee's cases (none: no section), each computed as the case page computes it today."""
    cases = operations.cases_of(employee_id)
    if not cases:
        return []
    with force_locale("zh_CN"):
        views = [operations.case_view(case, today) for case in cases]
        records = [case_account_record(view) for view in views]
        html = render_template("cases/_pack_account.html", views=views, records=records,
                               **presenters.helpers("zh_CN", third_person=True))
    data = json.dumps({"computed_on": today.isoformat(), "cases": records}, ensure_ascii=False, indent=1,
                      sort_keys=True).encode()
    return [PackSection("工伤案件账目", "Injury case accounts", {FILENAME: data}, Markup(html))]


def case_value_words() -> dict[str, tuple[str, str]]:
    """The codes case events carry in their payloads, in words: the action HR confirms, where a
    deduction comes from, what an owed entry is, who applied, the care level, a dependant's
    relation and why they qualify."""
    return in_both_languages({
        STOP_ORIGINAL_PAY: presenters.ACTION_LABELS[STOP_ORIGINAL_PAY],
        rules.SUBSIDY_SOURCE: presenters.BENEFIT_LABELS["one_time_disability_subsidy"],
        "personal_share": presenters.BENEFIT_LABELS_HR["personal_share_monthly"],
        **presenters.APPLICANT_LABELS, **presenters.CARE_LABELS,
        **{k.value: v for k, v in presenters.RELATION_LABELS.items()},
        **{k.value: v for k, v in presenters.CONDITION_LABELS.items()},
    })


def init_app(app: Flask) -> None:
    register_section_provider(app, case_account_sections)
    register_value_words(app, case_value_words)
