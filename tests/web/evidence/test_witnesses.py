"""Witnesses outside the employer receive every signed tree head: e-mail (a local SMTP server the
test starts), a webhook (a local receiver) and a directory; a failed delivery is retried."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from portal.evidence.ledger import SYSTEM, append_event
from portal.evidence import witnesses
from portal.evidence.log import publish, published_heads
from portal.evidence.models import HeadDelivery
from portal.extensions import db
from tests.ports import free_port
from tests.unit.core.test_mailer import Inbox


def test_every_kind_of_witness_receives_the_head_and_failures_are_retried(app, world, witness_dir, monkeypatch):
    inbox, port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", port)
        monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
        witnesses.add("email", "union.rep@example.cn", "工会代表 union representative", None, SYSTEM)
        witnesses.add("webhook", f"http://127.0.0.1:{server.server_address[1]}/heads", "auditor", None, SYSTEM)
        witnesses.add("webhook", "http://127.0.0.1:9/down", "unreachable auditor", None, SYSTEM)
        append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
        db.session.commit()
        result = publish()
        head = result.head
        assert result.delivered == 3 and any("unreachable auditor" in f for f in result.failures)
        (mail,) = inbox.messages
        assert mail[1] == ["union.rep@example.cn"]
        text = message_from_bytes(mail[2]).get_payload(decode=True).decode()
        assert f"Root: {head.root}" in text and head.key_fingerprint in text
        assert received[0]["signed_head"] == head.signed()
        assert (witness_dir / f"head-{head.size:012d}.json").exists()
        assert published_heads() == [head]
        retry = publish()  # the unreachable one is tried again; the others are not sent twice
        assert retry.delivered == 0 and len(inbox.messages) == 1 and len(received) == 1
        assert db.session.query(HeadDelivery).filter_by(ok=False).count() == 2
    finally:
        smtp.stop()
        server.shutdown()
        server.server_close()


def test_the_hourly_job_publishes_once_per_slot_to_the_witnesses(app, world, witness_dir, monkeypatch):
    from portal.evidence.jobs import publish_hourly
    from portal.jobs import queue

    queue.storage.flush_all()  # this hour's slot may be claimed by the other engine's run
    # Both runs fire in one minute, as two schedulers would (the clock may pass a minute between them).
    monkeypatch.setattr("portal.jobs.scheduled_minute", lambda: datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc))
    append_event("profile_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()
    assert "head of size 3" in publish_hourly.call_local()  # the witness added, the identity event and the view
    assert publish_hourly.call_local() is None  # a second scheduler in the same minute does nothing
    assert [head.size for head in published_heads()] == [3]
    assert sorted(p.name for p in witness_dir.iterdir()) == ["head-000000000003.json"]
