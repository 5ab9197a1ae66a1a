"""The worker's personal social-insurance account: what the worker owes and how it is settled.

The personal share is the worker's even while injured (Social Insurance Law Art. 60; fact sheet
§5.4). When it could not be withheld from pay, it stays owed and is settled after the assessment by
deduction from an amount paid to the worker, refunding any excess and collecting any shortfall
(多退少补, the source case). Every movement is an entry, so a later dispute can be answered from the
record.

There is deliberately no "waived" or "opt out" kind: an agreement that social insurance need not be
paid is void (SPC Interpretation (II) on Labour Disputes, 2025, Art. 19), so a balance can only be
settled, never written off.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from portal.cases.rules.money import ZERO, as_decimal, fmt, quantize, quantize_down, yuan


class EntryKind(str, enum.Enum):
    OWED = "owed"  # the personal share of one month falls due
    WITHHELD = "withheld"  # withheld from the wage (Collection Regulations Art. 12)
    DEDUCTED = "deducted"  # deducted from a fund-paid or employer-paid amount (e.g. the one-time subsidy)
    REFUNDED = "refunded"  # paid back to the worker after an over-deduction (多退)
    COLLECTED = "collected"  # paid in by the worker to cover a shortfall (少补)


@dataclass(frozen=True)
class LedgerEntry:
    """One movement on the personal account; ``amount`` is never negative, the kind gives the sign."""

    kind: EntryKind
    amount: Decimal
    on: date
    period: tuple[int, int] | None = None  # (year, month) the personal share belongs to, for OWED
    source: str = ""  # what a deduction was taken from, e.g. "one_time_disability_subsidy"
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EntryKind(self.kind))
        object.__setattr__(self, "amount", yuan(self.amount, "amount"))


@dataclass(frozen=True)
class PersonalAccount:
    """Totals per kind and the balance: positive, the worker still owes it; negative, refund it."""

    owed: Decimal
    withheld: Decimal
    deducted: Decimal
    collected: Decimal
    refunded: Decimal

    @property
    def balance(self) -> Decimal:
        return self.owed - self.withheld - self.deducted - self.collected + self.refunded

    @property
    def worker_owes(self) -> Decimal:
        return max(self.balance, ZERO)

    @property
    def refund_due(self) -> Decimal:
        return max(-self.balance, ZERO)

    @property
    def settled(self) -> bool:
        return self.balance == 0


def personal_account(entries: Iterable[LedgerEntry]) -> PersonalAccount:
    """The account of the worker's personal share: balance = owed − withheld − deducted − collected
    + refunded (Social Insurance Law Art. 60; 多退少补 in the source case)."""
    totals = {kind: ZERO for kind in EntryKind}
    for entry in entries:
        totals[entry.kind] += entry.amount
    return PersonalAccount(
        totals[EntryKind.OWED], totals[EntryKind.WITHHELD], totals[EntryKind.DEDUCTED],
        totals[EntryKind.COLLECTED], totals[EntryKind.REFUNDED],
    )


SUBSIDY_SOURCE = "one_time_disability_subsidy"


def _to_date(name: str) -> Any:
    return property(lambda self: getattr(self.to_date, name))


@dataclass(frozen=True)
class CaseAccount:
    """The one computed personal-share account of a case on ``today``: what every surface shows.

    ``to_date`` holds the entries dated up to today, ``scheduled`` those after it (instalments of a
    plan not yet due). The balance today is ``to_date.balance``; once every scheduled entry is made
    it is ``after_schedule``. ``subsidy_left`` is what remains of the one-time subsidy for new
    deductions, counting every deduction already made or scheduled from it.
    """

    today: date
    entries: tuple[LedgerEntry, ...]
    to_date: PersonalAccount
    scheduled: PersonalAccount
    subsidy: Decimal | None  # the one-time disability subsidy, None while no grade is assessed
    subsidy_used: Decimal

    # Today's figures are those of the entries made up to today.
    owed = _to_date("owed")
    withheld = _to_date("withheld")
    deducted = _to_date("deducted")
    collected = _to_date("collected")
    refunded = _to_date("refunded")
    balance = _to_date("balance")
    worker_owes = _to_date("worker_owes")
    refund_due = _to_date("refund_due")

    @property
    def scheduled_deductions(self) -> Decimal:
        return self.scheduled.deducted

    @property
    def after_schedule(self) -> Decimal:
        """The balance once every scheduled entry is made (positive: still to collect; negative: to refund)."""
        return self.to_date.balance + self.scheduled.balance

    @property
    def subsidy_left(self) -> Decimal:
        return max((self.subsidy or ZERO) - self.subsidy_used, ZERO)

    @property
    def settled(self) -> bool:
        return self.balance == 0 and self.after_schedule == 0

    def entries_to_date(self) -> list[LedgerEntry]:
        return [e for e in self.entries if e.on <= self.today]


def case_account(entries: Iterable[LedgerEntry], today: date, subsidy: Decimal | None = None) -> CaseAccount:
    """The personal-share account as of ``today`` (Social Insurance Law Art. 60; 多退少补): entries
    dated after today are scheduled, not yet made, so a plan starting next month leaves today's
    balance owed until each instalment falls due."""
    entries = tuple(entries)
    to_date = personal_account(e for e in entries if e.on <= today)
    scheduled = personal_account(e for e in entries if e.on > today)
    used = sum((e.amount for e in entries if e.kind is EntryKind.DEDUCTED and e.source == SUBSIDY_SOURCE), ZERO)
    return CaseAccount(today, entries, to_date, scheduled, None if subsidy is None else yuan(subsidy, "subsidy"), used)


class OverDeduction(ValueError):
    """A deduction larger than what is owed or than what remains of the subsidy; ``excess`` says by how much."""

    def __init__(self, limit: str, excess: Decimal) -> None:
        super().__init__(f"over the {limit} by {fmt(excess)}")
        self.limit = limit  # "debt" or "subsidy"
        self.excess = excess


def check_deduction(account: CaseAccount, amount: Decimal) -> None:
    """Refuse a deduction above what the worker still owes once the schedule is made, or above what
    remains of the one-time subsidy: never deduct more than is owed (Social Insurance Law Art. 60)
    nor more than the subsidy pays (Regulations Arts. 35–37)."""
    amount = yuan(amount, "amount")
    debt = max(account.after_schedule, ZERO)
    if amount > debt:
        raise OverDeduction("debt", amount - debt)
    if amount > account.subsidy_left:
        raise OverDeduction("subsidy", amount - account.subsidy_left)


@dataclass(frozen=True)
class DeductionPlan:
    """How a balance is deducted from one source amount.

    ``instalments`` sum exactly to ``total``; ``to_collect`` is what the source could not cover (少补)
    and ``to_refund`` what was over-withheld before (多退).
    """

    balance: Decimal
    source_amount: Decimal
    total: Decimal
    instalments: tuple[Decimal, ...]
    to_collect: Decimal
    to_refund: Decimal

    @property
    def explanation(self) -> str:
        if self.to_refund:
            return f"Over-withheld {fmt(self.to_refund)}: refund it to the worker; nothing to deduct"
        if not self.instalments:
            return "Nothing to deduct"
        parts = " + ".join(fmt(i) for i in self.instalments)
        text = f"Deduct {fmt(self.total)} from {fmt(self.source_amount)} in {len(self.instalments)} " \
               f"instalment{'s' if len(self.instalments) > 1 else ''}: {parts}"
        if self.to_collect:
            text += f"; collect the remaining {fmt(self.to_collect)} from the worker"
        return text + " (Social Insurance Law Art. 60)"


def deduction_plan(balance: Decimal | int, source_amount: Decimal | int, instalments: int) -> DeductionPlan:
    """Deduct the owed personal share from ``source_amount`` in ``instalments`` equal parts: the
    worker's share stays the worker's (Social Insurance Law Art. 60), recovered from an amount paid
    to the worker with the excess refunded and any shortfall collected (多退少补, the source case).

    Never more than the balance or the source amount. The equal parts are rounded down to fen and
    the last instalment takes the remaining fen, so the parts add up exactly and none is negative.
    A balance of 0 or less leaves nothing to deduct (and a negative one is a refund).
    """
    if isinstance(instalments, bool) or not isinstance(instalments, int):
        raise TypeError("instalments must be a whole number")
    if instalments < 1:
        raise ValueError(f"instalments must be at least 1 (got {instalments})")
    owed = quantize(as_decimal(balance, "balance"))  # may be negative: over-withheld
    source = yuan(source_amount, "source_amount")
    if owed <= 0:
        return DeductionPlan(owed, source, ZERO, (), ZERO, -owed)
    total = min(owed, source)
    if total == 0:
        return DeductionPlan(owed, source, ZERO, (), owed, ZERO)
    part = quantize_down(total / instalments)
    parts = (part,) * (instalments - 1) + (total - part * (instalments - 1),)
    return DeductionPlan(owed, source, total, parts, owed - total, ZERO)


def deduction_entries(plan: DeductionPlan, dates: Sequence[date], source: str) -> list[LedgerEntry]:
    """The DEDUCTED entries of a plan, one per instalment on the given dates, so every deduction of the
    personal share is on record (Social Insurance Law Art. 60; fact sheet §5.5)."""
    if len(dates) != len(plan.instalments):
        raise ValueError(f"dates must give one date per instalment ({len(plan.instalments)}, got {len(dates)})")
    return [LedgerEntry(EntryKind.DEDUCTED, amount, on, source=source) for amount, on in zip(plan.instalments, dates)]
