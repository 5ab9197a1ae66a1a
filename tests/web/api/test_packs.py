"""Pages and the API ask for evidence packs in one table, built by one job, under one per-user limit."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from portal.evidence.models import PackRequest
from portal.extensions import db
from portal.jobs import queue
from tests.conftest import assign_course, login, post_form
from tests.web.api.conftest import write


def test_the_api_reads_the_pack_asked_for_on_the_pages(client, world, courses, make_token):
    assign_course(courses["injury-basics"], world.worker)
    login(client, "hr")
    asked = post_form(client, f"/evidence/employees/{world.worker.id}/packs")
    pack_id = int(asked.headers["Location"].rsplit("/", 1)[1])
    polled = client.get(f"/api/v1/evidence-packs/{pack_id}", headers=make_token("hr", "evidence:read")).get_json()
    assert polled["status"] == "ready" and polled["employee"] == world.worker.number
    stored = db.session.get(PackRequest, pack_id)
    assert polled["sha256"] == stored.sha256 == hashlib.sha256(stored.data).hexdigest()


def test_the_per_user_limit_counts_pages_and_api_together(client, world, courses, make_token, app):
    app.config["EVIDENCE_PACKS_PER_HOUR"] = 2
    assign_course(courses["injury-basics"], world.worker)
    hr = make_token("hr", "evidence:read")
    assert write(client, "POST", "/api/v1/evidence-packs", hr, {"employee": "E001"}, "p1").status_code == 202
    login(client, "hr")
    assert post_form(client, f"/evidence/employees/{world.worker.id}/packs").status_code == 303
    refused = write(client, "POST", "/api/v1/evidence-packs", hr, {"employee": "E001"}, "p2")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "2" in refused.get_json()["title"]
    assert post_form(client, f"/evidence/employees/{world.worker.id}/packs").status_code == 429
    assert db.session.execute(sa.select(sa.func.count(PackRequest.id))).scalar_one() == 2


def test_asking_answers_at_once_and_the_worker_builds_both_kinds_of_request(client, world, courses, make_token):
    """Nothing is built on the request path: both requests are queued, and one job builds each."""
    assign_course(courses["injury-basics"], world.worker)
    hr = make_token("hr", "evidence:read")
    queue.immediate = False
    try:
        queue.storage.flush_all()
        api = write(client, "POST", "/api/v1/evidence-packs", hr, {"employee": "E001"}, "p1").get_json()
        login(client, "hr")
        assert post_form(client, f"/evidence/employees/{world.worker.id}/packs").status_code == 303
        assert api["status"] == "pending" and api["download"] is None
        rows = db.session.execute(sa.select(PackRequest.status, PackRequest.filename)).all()
        assert rows == [("queued", None), ("queued", None)]
        while (task := queue.dequeue()) is not None:
            queue.execute(task)
    finally:
        queue.storage.flush_all()
        queue.immediate = True
    db.session.expire_all()
    assert [p.status for p in db.session.execute(sa.select(PackRequest)).scalars()] == ["ready", "ready"]
    assert client.get(f"/api/v1/evidence-packs/{api['id']}", headers=hr).get_json()["status"] == "ready"
