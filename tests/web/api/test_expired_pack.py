"""A pack the retention purge emptied says so through the API, and its download is gone (410)."""

from __future__ import annotations

from portal.core.types import utcnow
from portal.evidence.models import PackRequest
from portal.extensions import db


def test_an_expired_pack_is_reported_and_gone(client, world, make_token):
    pack = PackRequest(employee_id=world.worker.id, requested_by_id=world.user("hr").id, status="expired",
                       stage="done", filename="pack.zip", data=None, created_at=utcnow(), finished_at=utcnow())
    db.session.add(pack)
    db.session.commit()
    headers = make_token("hr", "evidence:read")
    polled = client.get(f"/api/v1/evidence-packs/{pack.id}", headers=headers)
    assert polled.status_code == 200 and polled.get_json()["status"] == "expired"
    assert polled.get_json()["download"] is None
    gone = client.get(f"/api/v1/evidence-packs/{pack.id}/download", headers=headers)
    assert gone.status_code == 410 and gone.mimetype == "application/problem+json"
