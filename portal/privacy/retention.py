"""The retention rule, as pure functions: what may be purged, and when.

Kept forever: the evidence ledger (every event, with the SHA-256 of every text and scan), the paper
receipt rows, cases, wages and course and notice records. Purged: the bytes of paper-receipt scans
of staff who left more than ``scan_years`` years ago, and built evidence packs (copies of records
the portal can build again) ``pack_days`` days after they were built.

The floor of one year after leaving is the limitation period for labour arbitration (劳动争议调解仲裁法
Art. 27, work-injury rules 1.19): evidence must be kept at least that long after the employment ends.
The period is counted as the Civil Code counts periods (Arts. 201–202): it ends on the same-numbered
day ``scan_years`` later (the month's last day if there is none), and the scan may go the day after.
No Flask, no database; ``today`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.cases.rules.dates import add_months

SCAN_YEARS_MIN, SCAN_YEARS_MAX, SCAN_YEARS_DEFAULT = 1, 30, 3
PACK_DAYS_MIN, PACK_DAYS_MAX, PACK_DAYS_DEFAULT = 1, 365, 30
SCANS_AFTER_DEPARTURE = "scans_after_departure"  # the rule's name in purge events


@dataclass(frozen=True)
class Periods:
    scan_years: int = SCAN_YEARS_DEFAULT
    pack_days: int = PACK_DAYS_DEFAULT

    def __post_init__(self) -> None:
        if not SCAN_YEARS_MIN <= self.scan_years <= SCAN_YEARS_MAX:
            raise ValueError(f"scans are kept {SCAN_YEARS_MIN}–{SCAN_YEARS_MAX} years after leaving")
        if not PACK_DAYS_MIN <= self.pack_days <= PACK_DAYS_MAX:
            raise ValueError(f"built packs are kept {PACK_DAYS_MIN}–{PACK_DAYS_MAX} days")


def scans_kept_until(left_date: date, scan_years: int) -> date:
    """The last day a departed employee's scans are kept (the period ends at 24:00 that day)."""
    return add_months(left_date, 12 * scan_years)


def scan_purge_due(left_date: date | None, today: date, scan_years: int) -> bool:
    """Whether the scans of someone who left on ``left_date`` may be purged on ``today``; never for
    someone who has not left."""
    return left_date is not None and today > scans_kept_until(left_date, scan_years)


def departure_cutoff(today: date, scan_years: int) -> date:
    """Scans of those who left before this day are due on ``today``: the same test as
    ``scan_purge_due``, as one bound for a query."""
    return add_months(today, -12 * scan_years)
