"""Two servers run the nightly purge at the same moment: each scan is purged and recorded once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from portal.evidence.models import EvidenceEvent
from portal.evidence.operations import verify_ledger
from portal.core.types import utcnow
from portal.extensions import db
from portal.privacy import purging
from portal.privacy.models import RetentionSettings
from portal.scans.models import StoredScan
from tests.web.evidence.test_scan_retention import OTHER_PNG, TODAY, leave, receipt_for
from tests.web.evidence.test_pack import PNG


@pytest.fixture
def database_url(postgres_schema: str) -> str:
    """PostgreSQL: the only engine here on which two writers really overlap."""
    return postgres_schema


def test_two_purges_at_once_record_each_scan_once(app, world):
    receipt_for(world, world.worker, PNG)
    receipt_for(world, world.outsider, OTHER_PNG)
    leave(world.worker, date(TODAY.year - 5, 3, 1))
    leave(world.outsider, date(TODAY.year - 6, 3, 1))
    departed = sorted([world.worker.id, world.outsider.id])
    db.session.add(RetentionSettings(id=RetentionSettings.ONLY_ROW, scan_years=4, pack_days=30, updated_at=utcnow()))
    db.session.commit()  # saved before: the purges do not queue on creating the row
    db.session.remove()
    start = threading.Barrier(3)
    purged: list[int] = []

    def run() -> None:
        with app.app_context():
            start.wait()
            purged.append(purging.purge(TODAY).scans)
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(purged) == [0, 0, 2]
    assert db.session.execute(sa.select(sa.func.count()).select_from(StoredScan)).scalar_one() == 0
    events = db.session.execute(sa.select(EvidenceEvent.employee_id).where(
        EvidenceEvent.event_type == "scan_purged")).scalars().all()
    assert sorted(events) == departed
    assert verify_ledger().ok
