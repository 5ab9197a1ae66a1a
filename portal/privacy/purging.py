"""Retention settings and the purge that applies them. The purge commits; the settings functions
flush and the route commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.core.types import utcnow
from portal.core.upsert import insert_ignoring_conflicts
from portal.evidence.ledger import SYSTEM, Origin, append_event
from portal.evidence.models import PackRequest, PaperReceipt
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import EmploymentStatus
from portal.privacy import retention
from portal.privacy.models import RetentionSettings
from portal.scans import store as scan_store
from portal.scans.models import StoredScan

EXPIRED = "expired"  # a built pack whose bytes were deleted


def current_periods() -> retention.Periods:
    row = db.session.get(RetentionSettings, RetentionSettings.ONLY_ROW)
    return row.periods() if row is not None else retention.Periods()


def _locked_settings() -> RetentionSettings:
    """The settings row, created with the defaults if absent, locked until the commit: saving and
    purging take it first, so they never interleave."""
    db.session.execute(insert_ignoring_conflicts(RetentionSettings, ["id"]).values(
        id=RetentionSettings.ONLY_ROW, scan_years=retention.SCAN_YEARS_DEFAULT,
        pack_days=retention.PACK_DAYS_DEFAULT, updated_at=utcnow(), updated_by_id=None))
    return db.session.execute(sa.select(RetentionSettings).where(RetentionSettings.id == RetentionSettings.ONLY_ROW)
                              .with_for_update().execution_options(populate_existing=True)).scalar_one()


def save_periods(periods: retention.Periods, user_id: int, origin: Origin) -> bool:
    """Store new periods (flushed, not committed); the change is a portal-wide ledger event. Saving
    the same periods again changes nothing and returns ``False``."""
    row = _locked_settings()
    before = row.periods()
    if before == periods:
        return False
    row.scan_years, row.pack_days = periods.scan_years, periods.pack_days
    row.updated_at, row.updated_by_id = utcnow(), user_id
    append_event("retention_changed", employee_id=None, actor_user_id=user_id, origin=origin,
                 payload={"scan_years": [before.scan_years, periods.scan_years],
                          "pack_days": [before.pack_days, periods.pack_days]})
    db.session.flush()
    return True


@dataclass(frozen=True)
class PurgeResult:
    scans: int
    kept_shared: int
    packs: int

    def line(self) -> str:
        return (f"{self.scans} scan(s) purged, {self.kept_shared} kept for a receipt still within its period, "
                f"{self.packs} built pack(s) deleted")


def _due_receipts(today: date, scan_years: int) -> list[tuple[str, int, date]]:
    """(digest, employee id, leaving date) of every receipt whose scan is still stored and due: found
    by the query's bound, kept by the rule itself (the two agree, as a property test shows)."""
    return [(digest, employee_id, left_date) for digest, employee_id, left_date in db.session.execute(
        sa.select(PaperReceipt.scan_sha256, Employee.id, Employee.left_date).distinct()
        .join(Employee, Employee.id == PaperReceipt.employee_id)
        .where(Employee.status == EmploymentStatus.LEFT, Employee.left_date.is_not(None),
               Employee.left_date < retention.departure_cutoff(today, scan_years),
               PaperReceipt.scan_sha256.in_(sa.select(StoredScan.sha256)))
        .order_by(PaperReceipt.scan_sha256, Employee.id))
        if retention.scan_purge_due(left_date, today, scan_years)]


def _still_needed(digests: set[str], due_employees: set[int]) -> set[str]:
    """Digests that a receipt of someone not yet due also refers to (the same file attached twice)."""
    if not digests:
        return set()
    return set(db.session.execute(sa.select(PaperReceipt.scan_sha256).where(
        PaperReceipt.scan_sha256.in_(digests), PaperReceipt.employee_id.not_in(due_employees))).scalars())


def _expire_packs(employee_ids: set[int], built_before: datetime) -> int:
    """Empty the built packs (asked for on the pages or through the API: one table) of
    ``employee_ids``, and every pack built before ``built_before``."""
    due = PackRequest.finished_at < built_before
    if employee_ids:
        due = sa.or_(due, PackRequest.employee_id.in_(employee_ids))
    return db.session.execute(sa.update(PackRequest).where(PackRequest.status == "ready", due)
                              .values(status=EXPIRED, data=None)).rowcount or 0


def purge(today: date, now: datetime | None = None, origin: Origin = SYSTEM) -> PurgeResult:
    """Apply the retention periods: delete the scans of staff who left more than the set years ago
    (each purge a ledger event on the employee's chain: which digest, under which rule, why), the
    packs built for them, and every pack built more than the set days ago. Safe to run again and on
    several servers at once: a scan already purged is not found again. Commits."""
    now = now or utcnow()
    periods = _locked_settings().periods()
    due = _due_receipts(today, periods.scan_years)
    due_employees = {employee_id for _, employee_id, _ in due}
    shared = _still_needed({digest for digest, _, _ in due}, due_employees)
    purgeable = sorted({digest for digest, _, _ in due} - shared)
    still_stored = scan_store.lock_stored(purgeable)
    purged_for: set[int] = set()
    for digest, employee_id, left_date in due:
        if digest not in still_stored:
            continue
        append_event(scan_store.SCAN_PURGED, employee_id=employee_id, actor_user_id=None, origin=origin,
                     payload={"purged_sha256": digest, "rule": retention.SCANS_AFTER_DEPARTURE,
                              "years": periods.scan_years, "left_date": left_date.isoformat()})
        purged_for.add(employee_id)
    for digest in sorted(still_stored):
        scan_store.discard(digest)
    packs = _expire_packs(purged_for, now - timedelta(days=periods.pack_days))
    db.session.commit()
    return PurgeResult(scans=len(still_stored), kept_shared=len(shared), packs=packs)
