"""``flask evidence monitor``: an outside auditor with the key fingerprint and the heads they were
sent proves the log append-only, and catches a log rebuilt behind their back."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from portal.evidence.ledger import SYSTEM, append_event
from portal.evidence.log import publish
from portal.evidence.models import TreeHead
from portal.evidence.monitor import MonitorError, load_heads, monitor
from portal.evidence.signing import fingerprint
from portal.extensions import db
from tests.conftest import login
from tests.web.evidence.test_integrity import bypass_triggers


def grow(world, count: int) -> None:
    for _ in range(count):
        append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()


@pytest.fixture
def fetch(client):
    def get(path: str) -> bytes:
        response = client.get("/evidence/log" + path)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data()
    return get


def test_monitor_proves_every_head_seen_consistent_and_keeps_them(app, world, witness_dir, fetch, tmp_path):
    for count in (3, 1, 5):
        grow(world, count)
        publish()
    seen = tmp_path / "auditor"
    seen.mkdir()
    lines = monitor(fetch, {fingerprint()}, load_heads(witness_dir), seen)
    assert "3 heads held, 3 fetched; all signatures hold" in lines[0]
    assert "2 consistency proofs verified, sizes 5–11"  # the witness added, then 3, 1, 5 events in lines[1]
    assert len(load_heads(seen)) == 3


def test_monitor_refuses_another_key(app, world, witness_dir, fetch):
    grow(world, 2)
    publish()
    with pytest.raises(MonitorError, match="not a key you gave"):
        monitor(fetch, {"0000 0000 0000 0000 0000 0000 0000 0000"}, [], None)


def test_monitor_catches_a_log_rebuilt_and_re_signed_by_the_keeper(app, world, witness_dir, fetch):
    """The keeper, with database and key, changes an event and rebuilds log and heads; the witness
    still holds the old head of the same size."""
    grow(world, 3)
    publish()
    held = load_heads(witness_dir)
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        for table in ("evidence_head_deliveries", "evidence_head_timestamps", "evidence_tree_heads",
                      "evidence_log_leaves"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
        connection.execute(sa.text("UPDATE evidence_events SET body = replace(body, 'system', 'SYSTEM'), "
                                   "hash = :h WHERE seq = 2"), {"h": "ab" * 32})
    db.session.expire_all()
    for path in witness_dir.iterdir():
        path.rename(path.with_suffix(".held"))  # the witness keeps what it had; the rebuilt log sends anew
    publish()
    with pytest.raises(MonitorError, match="two signed heads of size 5 with different roots: the log was forked"):
        monitor(fetch, {fingerprint()}, held, None)


def test_log_endpoints_refuse_sizes_that_were_not_published(client, world, witness_dir):
    grow(world, 2)
    publish()
    grow(world, 2)
    publish()
    sizes = [json.loads(head["body"])["size"] for head in client.get("/evidence/log/heads").get_json()["heads"]]
    assert len(sizes) == 2
    for first, second in ((1, sizes[1]), (sizes[1], sizes[0]), (sizes[0], 10**30), ("x", sizes[1])):
        response = client.get(f"/evidence/log/consistency?first={first}&second={second}")
        assert response.status_code == 400 and "published tree sizes" in response.get_json()["error"]
    proof = client.get(f"/evidence/log/consistency?first={sizes[0]}&second={sizes[1]}")
    assert proof.status_code == 200 and proof.get_json()["proof"]


def test_the_evidence_page_marks_the_heads_a_witness_received_reading_only_those_it_shows(client, world,
                                                                                          witness_dir):
    for _ in range(12):  # a log published hourly holds thousands of heads; the page shows the last ten
        grow(world, 1)
        publish()
    witness_dir.rename(witness_dir.with_suffix(".gone"))
    witness_dir.write_text("not a folder")  # the newest head never reaches its witness
    grow(world, 1)
    publish()
    login(client, "hr")
    loaded: list[int] = []

    def count(head: TreeHead, _context: object) -> None:
        loaded.append(head.size)

    sa.event.listen(TreeHead, "load", count)
    try:
        page = client.get("/evidence/").get_data(as_text=True)
    finally:
        sa.event.remove(TreeHead, "load", count)
    assert page.count("已公布") == 9 and page.count("尚未发送给见证方") == 1
    assert len(loaded) == 10
