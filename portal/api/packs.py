"""The one place where the API reaches evidence packs: request one, build it in a job, read it back.

Packs are assembled by ``portal.evidence.pack.assemble``, the same builder the pages' background
pack job uses; this adapter only stores the result for polling and announces it (``pack.ready``).
"""

from __future__ import annotations

import hashlib

from flask import current_app

from portal.api.models import PackRequest
from portal.auth.models import User
from portal.core.types import utcnow
from portal.evidence.pack import PackScope, assemble
from portal.extensions import db
from portal.jobs import job
from portal.org.models import Employee
from portal.webhooks import operations as webhooks


def request_pack(employee: Employee, requested_by: User) -> PackRequest:
    """A pending pack (flushed); :func:`build_pack_job` builds it once the request has committed."""
    pack = PackRequest(employee_id=employee.id, employee=employee, requested_by_id=requested_by.id)
    db.session.add(pack)
    db.session.flush()
    return pack


@job(retries=2, retry_delay=30)
def build_pack_job(pack_id: int) -> None:
    """Build the ZIP the pages would download, store it and tell subscribers it is ready."""
    pack = db.session.get(PackRequest, pack_id)
    if pack is None or pack.status != "pending":
        return
    requester = db.session.get(User, pack.requested_by_id)
    try:
        with current_app.test_request_context():  # the report's templates need a request; a job has none
            built = assemble(pack.employee, PackScope(), requester.username if requester else "api")
    except LookupError:
        pack.status = "failed"
        db.session.commit()
        return
    pack.data, pack.filename = built.data, built.filename
    pack.sha256 = hashlib.sha256(built.data).hexdigest()
    pack.status, pack.ready_at = "ready", utcnow()
    webhooks.record("pack.ready", f"pack-{pack.id}", pack.ready_at, pack.employee_id,
                    {"pack": pack.id, "sha256": pack.sha256})
    db.session.commit()
