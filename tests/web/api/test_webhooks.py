"""Webhook deliveries: the policy of the subscriber, retries with back-off, the log and "send again"."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import time

import sqlalchemy as sa

from datetime import date, datetime, timezone

from portal.cases import operations as cases
from portal.cases.models import CASE_FIELDS
from portal.evidence.ledger import SYSTEM
from portal.jobs import queue
from portal.webhooks import signing
from portal.webhooks.handlers import send_committed
from portal.webhooks.models import Delivery
from portal.extensions import db
from tests.conftest import assign_course, csrf_token, login
from tests.web.api.conftest import write
from tests.web.cases.route_expectations import prepare_cases


def _subscribe(client, headers, url, events, key):
    response = write(client, "POST", "/api/v1/webhooks", headers, {"url": url, "events": events}, key)
    assert response.status_code == 201
    return response.get_json()["secret"]


def test_pay_stop_and_case_webhooks_reach_only_who_may_see_them(client, world, make_token, receiver):
    hr_secret = _subscribe(client, make_token("hr", "webhooks:write"), receiver.url,
                           ["case.opened", "pay_stop.due"], "s1")
    other = make_token("other.manager", "webhooks:write")
    assert write(client, "POST", "/api/v1/webhooks", other, {"url": receiver.url, "events": ["case.opened"]},
                 "s2").status_code == 403  # managers do not manage integrations
    prepare_cases(world)
    send_committed()  # as at the end of the command that made the change
    kinds = sorted(r["json"]["kind"] for r in receiver.received)
    assert kinds == ["case.opened", "pay_stop.due"]
    stop = next(r for r in receiver.received if r["json"]["kind"] == "pay_stop.due")
    assert stop["json"]["employee"] == "E001" and stop["json"]["data"]["effective_date"] == "2026-09-03"
    assert signing.verify(hr_secret, stop["headers"]["Portal-Signature"], stop["raw"], int(time.time()))


def test_a_failing_receiver_is_retried_with_back_off_and_sent_again_by_hand(client, world, make_token, receiver):
    _subscribe(client, make_token("admin", "webhooks:write"), receiver.url, ["case.opened"], "s1")
    receiver.status = 503
    scheduled_before = len(queue.scheduled())
    prepare_cases(world)
    send_committed()
    delivery = db.session.execute(sa.select(Delivery)).scalar_one()
    assert (delivery.attempts, delivery.last_status, delivery.delivered_at) == (1, 503, None)
    retries = queue.scheduled()[scheduled_before:]
    assert [task.args for task in retries] == [(delivery.id,)]  # the queue holds the retry, with its delay
    wait = (retries[0].eta - datetime.now(timezone.utc).replace(tzinfo=None)).total_seconds()
    assert signing.FIRST_RETRY_SECONDS - 10 < wait <= signing.FIRST_RETRY_SECONDS
    assert retries[0].retries == signing.RETRIES - 1
    assert retries[0].retry_delay == signing.FIRST_RETRY_SECONDS * signing.BACKOFF  # the one after waits longer

    assert login(client, "admin").status_code == 303
    log = client.get("/admin/webhooks/").get_data(as_text=True)
    assert "503" in log and "case.opened" in log
    receiver.status = 204
    again = client.post(f"/admin/webhooks/deliveries/{delivery.id}/resend",
                        data={"csrf_token": csrf_token(client, "/admin/webhooks/")})
    assert again.status_code == 303
    db.session.refresh(delivery)
    assert (delivery.attempts, delivery.last_status) == (2, 204) and delivery.delivered_at is not None
    bodies = [r["raw"] for r in receiver.received]
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # the same event id and body, for deduplication
    assert json.loads(bodies[0])["id"] == delivery.event_id


def test_a_rolled_back_event_is_never_announced(client, world, make_token, receiver):
    _subscribe(client, make_token("admin", "webhooks:write"), receiver.url, ["pay_stop.due", "case.opened"], "s1")
    prepare_cases(world)
    case = cases.cases_of(world.worker.id)[0]
    send_committed()
    received = len(receiver.received)
    cases.open_case(world.outsider, {**{f: getattr(case, f) for f in CASE_FIELDS}, "accident_date": date(2026, 4, 1)},
                    None, SYSTEM)
    db.session.rollback()
    send_committed()
    assert len(receiver.received) == received
    assert db.session.execute(sa.select(sa.func.count()).select_from(Delivery)).scalar_one() == received


def test_an_evidence_pack_is_requested_polled_and_downloaded(client, world, courses, make_token, receiver):
    _subscribe(client, make_token("admin", "webhooks:write"), receiver.url, ["pack.ready"], "s1")
    assign_course(courses["injury-basics"], world.worker)  # a chain to pack
    hr = make_token("hr", "evidence:read")
    requested = write(client, "POST", "/api/v1/evidence-packs", hr, {"employee": "E001"}, "p1")
    assert requested.status_code == 202
    pack = requested.get_json()
    polled = client.get(f"/api/v1/evidence-packs/{pack['id']}", headers=hr).get_json()
    assert polled["status"] == "ready" and polled["download"]  # the job ran at once under tests
    download = client.get(polled["download"], headers=hr)
    assert download.mimetype == "application/zip"
    assert hashlib.sha256(download.data).hexdigest() == polled["sha256"]
    assert any(name.endswith("/verify_pack.py") for name in zipfile.ZipFile(io.BytesIO(download.data)).namelist())
    assert [r["json"]["data"]["pack"] for r in receiver.received] == [pack["id"]]
    outsider = make_token("outsider", "evidence:read")
    assert client.get(f"/api/v1/evidence-packs/{pack['id']}", headers=outsider).status_code == 404


def test_an_acknowledgement_is_announced_with_its_receipt(client, world, courses, make_token, receiver):
    from portal.demo.operations import walk_through_course

    _subscribe(client, make_token("hr", "webhooks:write"), receiver.url, ["acknowledged"], "s1")
    assignment = assign_course(courses["injury-basics"], world.worker)
    receipt = walk_through_course(assignment, world.user("worker").id).receipt_number
    send_committed()
    assert [(r["json"]["kind"], r["json"]["employee"], r["json"]["data"]) for r in receiver.received] == [
        ("acknowledged", "E001", {"receipt": receipt, "content": "course:injury-basics"})]
