"""Lifecycle rules: what a change between two versions is, when an acknowledgement expires, and
whether it is valid, expiring or expired. Pure Python: no Flask, no database, ``today`` passed in.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from portal.cases.rules import add_months

EXPIRING_WINDOW_DAYS = 90  # "expiring within 90 days", the HR list's default
REMINDER_DAYS = 30  # the employee is reminded once this many days before an acknowledgement expires


class ChangeKind(str, enum.Enum):
    """How the editor marks a new version.

    Minor (typo, formatting): the receipts of earlier versions stay valid. Material: what the
    employee confirmed has changed, so everyone who acknowledged an earlier version is asked again;
    a confirmation covers only the content it names (Civil Code Art. 140: no silent consent to the
    new text).
    """

    MINOR = "minor"
    MATERIAL = "material"


class Validity(str, enum.Enum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text of a snapshot with its path, e.g. ``lessons/2/markdown`` or ``body/en``."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key], f"{path}/{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value, 1):
            label = item.get("number", item.get("id", index)) if isinstance(item, dict) else index
            yield from _leaves(item, f"{path}/{label}")
    else:
        yield path, "" if value is None else str(value)


def diff_summary(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed from one snapshot to the next: the changed, added and removed parts and the
    number of text lines added and removed. Recorded with the change so the ledger shows its size."""
    before, after = dict(_leaves(old)), dict(_leaves(new))
    changed = sorted(path for path in before.keys() & after.keys() if before[path] != after[path])
    added_lines = removed_lines = 0
    for path in changed:
        for line in difflib.ndiff(before[path].splitlines(), after[path].splitlines()):
            added_lines += line.startswith("+ ")
            removed_lines += line.startswith("- ")
    for path in after.keys() - before.keys():
        added_lines += len(after[path].splitlines())
    for path in before.keys() - after.keys():
        removed_lines += len(before[path].splitlines())
    return {"changed": changed, "added": sorted(after.keys() - before.keys()),
            "removed": sorted(before.keys() - after.keys()),
            "lines_added": added_lines, "lines_removed": removed_lines}


def expires_on(acknowledged_on: date, validity_months: int | None) -> date | None:
    """The day an acknowledgement stops counting: ``validity_months`` after it was given, by the
    Civil Code's month counting (Art. 202: the same day of the last month, or its last day)."""
    if validity_months is None:
        return None
    return add_months(acknowledged_on, validity_months)


def first_acknowledged_on(expiring_from: date, validity_months: int) -> date:
    """The first day an acknowledgement valid for ``validity_months`` can be given and expire on
    ``expiring_from`` or later. The expiry day never falls as the day given rises (several days at
    a month's end expire on its last day, and some expiry days are never reached)."""
    day = add_months(expiring_from, -validity_months)
    while add_months(day, validity_months) < expiring_from:
        day += timedelta(days=1)
    while add_months(day - timedelta(days=1), validity_months) >= expiring_from:
        day -= timedelta(days=1)
    return day


def validity(expiry: date | None, today: date, window_days: int = EXPIRING_WINDOW_DAYS) -> Validity | None:
    """Valid, expiring within ``window_days`` or expired on ``today``; None when it never expires."""
    if expiry is None:
        return None
    if today >= expiry:
        return Validity.EXPIRED
    if (expiry - today).days <= window_days:
        return Validity.EXPIRING
    return Validity.VALID


def reminder_due(expiry: date | None, today: date, days_before: int = REMINDER_DAYS) -> bool:
    """Whether the employee should be reminded now that their acknowledgement is about to expire."""
    return expiry is not None and 0 < (expiry - today).days <= days_before


@dataclass(frozen=True)
class LaterVersion:
    number: int
    change: str | None
    note: str
    published_on: date


@dataclass(frozen=True)
class Standing:
    """Whether a receipt still covers the current text, and until when it counts."""

    still_applies: bool
    later: tuple[LaterVersion, ...]
    expires_on: date | None
    validity: Validity | None


def standing(later: list[LaterVersion], acknowledged_on: date, validity_months: int | None, today: date) -> Standing:
    """A receipt applies to the current text while every later version was a minor change; it counts
    until its validity period ends (a house rule: yearly renewal of safety training)."""
    expiry = expires_on(acknowledged_on, validity_months)
    applies = all(v.change == ChangeKind.MINOR.value for v in later)
    return Standing(applies, tuple(later), expiry, validity(expiry, today))
