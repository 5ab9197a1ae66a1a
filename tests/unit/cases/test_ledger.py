"""The worker's personal-share account and its deduction plan (多退少补), without Flask."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.cases.rules import EntryKind, LedgerEntry, deduction_entries, deduction_plan, personal_account

D = Decimal
ON = date(2026, 9, 30)


def entry(kind: EntryKind, amount: str) -> LedgerEntry:
    return LedgerEntry(kind, D(amount), ON)


def test_balance_is_owed_minus_settlements_plus_refunds():
    account = personal_account([
        entry(EntryKind.OWED, "782.75"), entry(EntryKind.OWED, "782.75"), entry(EntryKind.OWED, "782.75"),
        entry(EntryKind.WITHHELD, "782.75"),
        entry(EntryKind.DEDUCTED, "1000.00"),
        entry(EntryKind.COLLECTED, "100.00"),
        entry(EntryKind.REFUNDED, "50.00"),
    ])
    assert (account.owed, account.withheld, account.deducted, account.collected, account.refunded) == (
        D("2348.25"), D("782.75"), D("1000.00"), D("100.00"), D("50.00"))
    assert account.balance == D("515.50")
    assert account.worker_owes == D("515.50") and account.refund_due == 0 and not account.settled


def test_over_withheld_balance_is_a_refund():
    account = personal_account([entry(EntryKind.OWED, "500"), entry(EntryKind.WITHHELD, "600")])
    assert account.balance == D("-100.00") and account.refund_due == D("100.00") and account.worker_owes == 0
    assert personal_account([entry(EntryKind.OWED, "500"), entry(EntryKind.WITHHELD, "600"),
                             entry(EntryKind.REFUNDED, "100")]).settled


def test_empty_account_is_settled():
    assert personal_account([]).balance == 0 and personal_account([]).settled


def test_there_is_no_way_to_waive_the_personal_share():
    """An agreement not to pay social insurance is void (SPC Interpretation (II) Art. 19): no opt-out kind."""
    assert {k.value for k in EntryKind} == {"owed", "withheld", "deducted", "refunded", "collected"}
    with pytest.raises(ValueError):
        LedgerEntry("waived", D(1), ON)  # type: ignore[arg-type]


def test_entries_refuse_negative_and_float_amounts():
    with pytest.raises(ValueError, match="amount must not be negative"):
        LedgerEntry(EntryKind.OWED, D("-1"), ON)
    with pytest.raises(TypeError, match="amount"):
        LedgerEntry(EntryKind.OWED, 1.5, ON)  # type: ignore[arg-type]
    assert LedgerEntry("owed", D("1.005"), ON).amount == D("1.01")  # type: ignore[arg-type]


@pytest.mark.parametrize("balance,source,n,instalments,to_collect,to_refund", [
    ("3913.75", "45450", 3, ["1304.58", "1304.58", "1304.59"], "0", "0"),
    ("4696.50", "45450", 1, ["4696.50"], "0", "0"),
    ("100", "45450", 3, ["33.33", "33.33", "33.34"], "0", "0"),
    ("200", "45450", 3, ["66.66", "66.66", "66.68"], "0", "0"),
    ("0.05", "45450", 10, ["0.00"] * 9 + ["0.05"], "0", "0"),
    ("1000", "600", 2, ["300.00", "300.00"], "400", "0"),  # the source does not cover it: collect the rest
    ("1000", "0", 2, [], "1000", "0"),
    ("0", "45450", 3, [], "0", "0"),
    ("-50", "45450", 3, [], "0", "50"),  # over-withheld before: refund
])
def test_deduction_plan(balance, source, n, instalments, to_collect, to_refund):
    plan = deduction_plan(D(balance), D(source), n)
    assert list(plan.instalments) == [D(i) for i in instalments]
    assert sum(plan.instalments, D(0)) == plan.total
    assert plan.to_collect == D(to_collect) and plan.to_refund == D(to_refund)
    assert plan.total <= min(max(D(balance), D(0)), D(source))


def test_deduction_plan_explanation():
    assert deduction_plan(D("3913.75"), D("45450"), 3).explanation == (
        "Deduct 3,913.75 from 45,450.00 in 3 instalments: 1,304.58 + 1,304.58 + 1,304.59 (Social Insurance Law Art. 60)")
    assert "collect the remaining 400.00" in deduction_plan(D(1000), D(600), 2).explanation
    assert deduction_plan(D(-50), D(600), 2).explanation.startswith("Over-withheld 50.00")
    assert deduction_plan(D(0), D(600), 2).explanation == "Nothing to deduct"


@pytest.mark.parametrize("args,error,field", [
    ((D(100), D(100), 0), ValueError, "instalments"),
    ((D(100), D(100), -2), ValueError, "instalments"),
    ((D(100), D(100), 1.5), TypeError, "instalments"),
    ((D(100), D(-1), 3), ValueError, "source_amount"),
    ((100.0, D(100), 3), TypeError, "balance"),
])
def test_deduction_plan_errors(args, error, field):
    with pytest.raises(error, match=field):
        deduction_plan(*args)


def test_deduction_entries():
    plan = deduction_plan(D(100), D(500), 2)
    entries = deduction_entries(plan, [date(2026, 10, 1), date(2026, 11, 1)], "one_time_disability_subsidy")
    assert [(e.kind, e.amount, e.on, e.source) for e in entries] == [
        (EntryKind.DEDUCTED, D("50.00"), date(2026, 10, 1), "one_time_disability_subsidy"),
        (EntryKind.DEDUCTED, D("50.00"), date(2026, 11, 1), "one_time_disability_subsidy"),
    ]
    with pytest.raises(ValueError, match="one date per instalment"):
        deduction_entries(plan, [date(2026, 10, 1)], "x")
