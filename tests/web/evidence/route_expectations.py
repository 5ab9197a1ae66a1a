"""Who may use each evidence route (merged into tests/web/test_route_matrix.py)."""

from __future__ import annotations

import io

from portal.courses.models import Course
from portal.courses.operations import current_assignment
from portal.demo.operations import walk_through_course
from portal.evidence.operations import PaperReceiptData, record_paper_receipt, take_checkpoint
from portal.evidence.ledger import SYSTEM, ContentRef
from portal.extensions import db
from tests.conftest import assign_course

ROLES = ("anonymous", "worker", "outsider", "manager", "other.manager", "hr", "admin")
LOGIN = "login"
HR_ONLY: dict[str, int | str] = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "hr": 200, "admin": 200}
HR_REDIRECT: dict[str, int | str] = {**HR_ONLY, "hr": 303, "admin": 303}

EVIDENCE_EXPECTED: dict[str, tuple[str, str, dict[str, str], dict[str, int | str]]] = {
    "evidence.index": ("GET", "/evidence/", {}, HR_ONLY),
    "evidence.employee": ("GET", "/evidence/employees/{worker}", {}, HR_ONLY),
    "evidence.verify": ("POST", "/evidence/employees/{worker}/verify", {}, HR_REDIRECT),
    "evidence.pack": ("GET", "/evidence/employees/{worker}/pack.zip", {}, {**HR_ONLY, "worker": 200}),
    "evidence.paper_receipt": ("GET", "/evidence/employees/{worker}/paper-receipts/new", {}, HR_ONLY),
    "evidence.scan": ("GET", "/evidence/paper-receipts/{paper_receipt}/scan", {}, HR_ONLY),
    "evidence.checkpoint": ("POST", "/evidence/checkpoints", {}, HR_REDIRECT),
    "evidence.checkpoint_detail": ("GET", "/evidence/checkpoints/{checkpoint}", {}, HR_ONLY),
}


def prepare_evidence(world) -> dict[str, str]:
    """The worker finished a course and signed a paper form; a checkpoint exists."""
    course = db.session.query(Course).filter_by(slug="injury-basics").one()
    assignment = current_assignment(course, world.worker.id) or assign_course(course, world.worker)
    walk_through_course(assignment, world.user("worker").id)
    receipt = record_paper_receipt(PaperReceiptData(
        employee_id=world.worker.id, content=ContentRef("course", "injury-basics", 1, None), signed_on=course.updated_at.date(),
        note=None, scan_filename="form.pdf", scan_mimetype="application/pdf", scan=io.BytesIO(b"%PDF-1.4 form").read(),
    ), world.user("hr").id, SYSTEM)
    return {"paper_receipt": str(receipt.id), "checkpoint": str(take_checkpoint().id)}
