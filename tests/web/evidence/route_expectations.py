"""Who may use each evidence route (merged into tests/web/test_route_matrix.py)."""

from __future__ import annotations

import io
import tempfile

from portal.courses.models import Course
from portal.courses.operations import current_assignment
from portal.demo.operations import walk_through_course
from portal.core.types import utcnow
from portal.evidence import witnesses
from portal.evidence.log import publish
from portal.evidence.models import PackRequest
from portal.evidence.operations import PaperReceiptData, record_paper_receipt, take_checkpoint
from portal.evidence.ledger import SYSTEM, ContentRef
from portal.extensions import db
from tests.conftest import assign_course
from tests.web.route_roles import HR_ONLY, HR_POST, ROLES, Expectation


EVIDENCE_EXPECTED: dict[str, tuple[str, str, dict[str, str], Expectation]] = {
    "evidence.index": ("GET", "/evidence/", {}, HR_ONLY),
    "evidence.employee": ("GET", "/evidence/employees/{worker}", {}, HR_ONLY),
    "evidence.verify": ("POST", "/evidence/employees/{worker}/verify", {}, HR_POST),
    "evidence.request_pack": ("POST", "/evidence/employees/{worker}/packs", {}, {**HR_POST, "worker": 303}),
    "evidence.pack_status": ("GET", "/evidence/packs/{pack_request}", {}, {**HR_ONLY, "worker": 200}),
    "evidence.pack_download": ("GET", "/evidence/packs/{pack_request}/download", {}, {**HR_ONLY, "worker": 200}),
    "evidence.log_heads": ("GET", "/evidence/log/heads", {}, dict.fromkeys(ROLES, 200)),
    "evidence.log_consistency": ("GET", "/evidence/log/consistency?first={head_size}&second={head_size}", {},
                                 dict.fromkeys(ROLES, 200)),
    "evidence.paper_receipt": ("GET", "/evidence/employees/{worker}/paper-receipts/new", {}, HR_ONLY),
    "evidence.scan": ("GET", "/evidence/paper-receipts/{paper_receipt}/scan", {}, HR_ONLY),
    "evidence.publish": ("POST", "/evidence/publish", {}, HR_POST),
    "evidence.checkpoint_detail": ("GET", "/evidence/checkpoints/{checkpoint}", {}, HR_ONLY),
    "evidence.witness_list": ("GET", "/evidence/witnesses", {}, HR_ONLY),
    "evidence.disable_witness": ("POST", "/evidence/witnesses/{witness}/disable", {}, HR_POST),
}


def prepare_evidence(world) -> dict[str, str]:
    """The worker finished a course and signed a paper form; a checkpoint exists, a head is published,
    and a pack the worker asked for is ready."""
    course = db.session.query(Course).filter_by(slug="injury-basics").one()
    assignment = current_assignment(course, world.worker.id) or assign_course(course, world.worker)
    walk_through_course(assignment, world.user("worker").id)
    receipt = record_paper_receipt(PaperReceiptData(
        employee_id=world.worker.id, content=ContentRef("course", "injury-basics", 1, None), signed_on=course.updated_at.date(),
        note=None, scan_filename="form.pdf", scan_mimetype="application/pdf", scan=io.BytesIO(b"%PDF-1.4 form").read(),
    ), world.user("hr").id, SYSTEM)
    witness = witnesses.add("directory", tempfile.mkdtemp(prefix="witness-"), "test witness", None, SYSTEM)
    head = publish().head
    pack_request = PackRequest(employee_id=world.worker.id, requested_by_id=world.user("worker").id, status="ready",
                               stage="done", created_at=utcnow(), filename="pack.zip", data=b"PK")
    db.session.add(pack_request)
    db.session.commit()
    return {"paper_receipt": str(receipt.id), "checkpoint": str(take_checkpoint().id), "head_size": str(head.size),
            "pack_request": str(pack_request.id), "witness": str(witness.id)}
