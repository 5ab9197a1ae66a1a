"""Scans in their content-addressed store, and the retention purge: a departed employee's scan goes
after the set years, the purge is a ledger event, and the evidence still verifies, page and pack."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.cases.rules.dates import add_months
from portal.core.types import local_today, utcnow
from portal.evidence.ledger import SYSTEM, ContentRef
from portal.evidence.log import publish
from portal.evidence.models import EvidenceEvent, PackRequest, PaperReceipt
from portal.evidence.operations import PaperReceiptData, record_paper_receipt, verify_ledger
from portal.extensions import db
from portal.jobs import SCHEDULED, queue
from portal.org.rules import EmploymentStatus
from portal.privacy import jobs as privacy_jobs
from portal.privacy import purging
from portal.scans.models import StoredScan
from tests.conftest import login
from tests.web.evidence.test_pack import PNG, download, resign, run_verifier, unpack

TODAY = local_today()
OTHER_PNG = PNG + b"\n"  # other bytes after the image end, another digest


def receipt_for(world, employee, scan: bytes = PNG) -> PaperReceipt:
    receipt = record_paper_receipt(PaperReceiptData(
        employee_id=employee.id, content=ContentRef("notice", "privacy-notice", 1, None), signed_on=date(2024, 5, 6),
        note=None, scan_filename="签收单.png", scan_mimetype="image/png", scan=scan), world.user("hr").id, SYSTEM)
    return receipt


def leave(employee, left_on: date) -> None:
    employee.status, employee.left_date = EmploymentStatus.LEFT, left_on
    db.session.commit()


def purge_events() -> list[EvidenceEvent]:
    return list(db.session.execute(sa.select(EvidenceEvent).where(EvidenceEvent.event_type == "scan_purged")).scalars())


def test_the_same_scan_is_stored_once_under_its_digest(world):
    first, second = receipt_for(world, world.worker), receipt_for(world, world.outsider)
    assert first.scan_sha256 == second.scan_sha256 == hashlib.sha256(PNG).hexdigest()
    assert first.scan_size == len(PNG)
    stored = db.session.execute(sa.select(StoredScan)).scalars().all()
    assert [(s.sha256, s.size, s.mimetype, s.data) for s in stored] == [(first.scan_sha256, len(PNG), "image/png", PNG)]


def test_a_departed_employees_scan_is_purged_once_and_the_ledger_still_verifies(client, world):
    receipt = receipt_for(world, world.worker)
    kept = receipt_for(world, world.outsider, OTHER_PNG)
    leave(world.worker, date(TODAY.year - 4, 1, 15))
    result = purging.purge(TODAY)
    assert (result.scans, result.kept_shared) == (1, 0)
    assert db.session.get(StoredScan, receipt.scan_sha256) is None
    assert db.session.get(StoredScan, kept.scan_sha256) is not None  # the outsider has not left
    assert db.session.get(PaperReceipt, receipt.id).scan_sha256 == receipt.scan_sha256  # the receipt row stays
    (event,) = purge_events()
    assert event.employee_id == world.worker.id
    assert f'"purged_sha256":"{receipt.scan_sha256}"' in event.body
    assert '"rule":"scans_after_departure"' in event.body and '"years":3' in event.body
    assert verify_ledger().ok
    assert purging.purge(TODAY).scans == 0 and len(purge_events()) == 1  # a second run finds nothing

    login(client, "hr")
    gone = client.get(f"/evidence/paper-receipts/{receipt.id}/scan")
    assert gone.status_code == 410
    assert "保存期限" in gone.get_data(as_text=True)
    page = client.get(f"/evidence/employees/{world.worker.id}").get_data(as_text=True)
    assert "按保存期限规则删除" in page and f"/evidence/paper-receipts/{receipt.id}/scan" not in page


def test_a_pack_names_the_purge_and_still_verifies_offline(client, world, witness_dir, tmp_path):
    receipt = receipt_for(world, world.worker)
    leave(world.worker, date(TODAY.year - 4, 1, 15))
    purging.purge(TODAY)
    publish()
    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    assert not (folder / "scans").exists()
    report = (folder / "report.html").read_text()
    assert "Scan purged on" in report and "under the retention rule (3 years after leaving)" in report
    assert receipt.scan_sha256 in (folder / "events.jsonl").read_text()
    checked = run_verifier(folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_scan_dropped_without_a_purge_event_fails_verification_even_re_signed(client, world, tmp_path):
    receipt_for(world, world.worker)
    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    for scan in (folder / "scans").iterdir():
        scan.unlink()
    resign(folder)  # the employer's own key cannot make a scan disappear unrecorded
    checked = run_verifier(folder)
    assert checked.returncode != 0 and "scan it refers to is missing" in checked.stdout + checked.stderr


def test_scans_within_their_period_of_the_rehired_and_that_another_receipt_needs_are_kept(world):
    recent = receipt_for(world, world.worker)
    leave(world.worker, add_months(TODAY, -24))
    shared = receipt_for(world, world.outsider, OTHER_PNG)
    receipt_for(world, world.manager, OTHER_PNG)  # the same file, attached for someone still employed
    leave(world.outsider, date(TODAY.year - 10, 6, 1))
    rehired = receipt_for(world, world.hr, PNG + b"rehired")
    world.hr.left_date = date(TODAY.year - 10, 6, 1)  # left long ago, works here again (status active)
    db.session.commit()
    result = purging.purge(TODAY)
    assert (result.scans, result.kept_shared) == (0, 1)
    for receipt in (recent, shared, rehired):
        assert db.session.get(StoredScan, receipt.scan_sha256) is not None
    assert purge_events() == []


def ready_pack(world, employee, finished_at) -> PackRequest:
    pack = PackRequest(employee_id=employee.id, requested_by_id=world.user("hr").id, status="ready", stage="done",
                       created_at=finished_at, finished_at=finished_at, filename="pack.zip", data=b"PK zip")
    db.session.add(pack)
    db.session.commit()
    return pack


def test_built_packs_expire_after_their_days_and_with_a_purged_scan(client, world):
    receipt_for(world, world.worker)
    now = utcnow()
    worker_pack = ready_pack(world, world.worker, now)  # it holds the scan
    old, fresh = ready_pack(world, world.outsider, now - timedelta(days=31)), ready_pack(world, world.outsider, now)
    leave(world.worker, date(TODAY.year - 4, 1, 15))
    assert purging.purge(TODAY, now).packs == 2
    statuses = dict(db.session.execute(sa.select(PackRequest.id, PackRequest.status)).all())
    assert statuses == {worker_pack.id: "expired", old.id: "expired", fresh.id: "ready"}
    assert db.session.execute(sa.select(PackRequest.data).where(PackRequest.status == "expired")).scalars().all() \
        == [None, None]
    login(client, "hr")
    assert client.get(f"/evidence/packs/{worker_pack.id}/download").status_code == 404
    assert "保存期限" in client.get(f"/evidence/packs/{worker_pack.id}").get_data(as_text=True)


def test_the_command_and_the_nightly_job_run_the_same_purge(app, world):
    first = receipt_for(world, world.worker)
    leave(world.worker, date(TODAY.year - 4, 1, 15))
    output = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert output.exit_code == 0 and output.output.startswith("1 scan(s) purged"), output.output
    assert db.session.get(StoredScan, first.scan_sha256) is None
    second = receipt_for(world, world.worker, OTHER_PNG)
    queue.storage.flush_all()  # this minute's slot may be claimed already by the other engine's run
    assert privacy_jobs.purge_nightly.call_local().startswith("1 scan(s) purged")
    assert db.session.get(StoredScan, second.scan_sha256) is None
    assert "retention-purge" in SCHEDULED
