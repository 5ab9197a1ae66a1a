"""Which reminders to send: pure rules, so ``flask reminders send`` can run twice and send nothing
twice. Overdue courses, notices and approval steps remind the person who must act; after
``escalate_after_days`` more days the department manager is told as well.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_ESCALATION_DAYS = 3


@dataclass(frozen=True)
class PendingItem:
    kind: str  # "course", "notice" or "approval"
    item_id: int
    recipient_id: int  # the employee who must act
    manager_id: int | None  # their department manager, for escalation
    due: date
    done: bool = False


@dataclass(frozen=True)
class Reminder:
    kind: str
    item_id: int
    recipient_id: int
    escalation: bool
    due: date
    soon: bool = False  # a heads-up before the due date, not an overdue reminder

    @property
    def level(self) -> str:
        return "due_soon" if self.soon else "escalation" if self.escalation else "reminder"

    @property
    def key(self) -> str:
        """One reminder per item, recipient, level and due date: the idempotency key (a new due
        date after an extension is a new key)."""
        return f"{self.kind}:{self.item_id}:{self.level}:{self.recipient_id}:{self.due.isoformat()}"


def reminders_due(
    items: Iterable[PendingItem],
    already_sent: Collection[str],
    today: date,
    escalate_after_days: int = DEFAULT_ESCALATION_DAYS,
    due_soon_days: int = 0,
) -> list[Reminder]:
    """Reminders to send today that were not sent before (their keys are not in ``already_sent``);
    with ``due_soon_days`` also a heads-up to whoever must act once the due date is that close."""
    if escalate_after_days < 1:
        raise ValueError("escalate_after_days must be at least 1")
    due_now = []
    for item in items:
        if item.done:
            continue
        if today <= item.due:
            if due_soon_days > 0 and (item.due - today).days <= due_soon_days:
                soon = Reminder(item.kind, item.item_id, item.recipient_id, False, item.due, soon=True)
                if soon.key not in already_sent:
                    due_now.append(soon)
            continue
        candidates = [Reminder(item.kind, item.item_id, item.recipient_id, False, item.due)]
        if item.manager_id is not None and item.manager_id != item.recipient_id \
                and today > item.due + timedelta(days=escalate_after_days):
            candidates.append(Reminder(item.kind, item.item_id, item.manager_id, True, item.due))
        due_now.extend(r for r in candidates if r.key not in already_sent)
    return due_now
