"""HR and admin manage witnesses on a page: checked input, CSRF, every change in the ledger, and each
witness's publication receipts shown."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from portal.evidence.chain import chain_key
from portal.evidence.ledger import SYSTEM, append_event
from portal.evidence.log import publish
from portal.evidence.models import EvidenceEvent, HeadDelivery, Witness
from portal.evidence.operations import verify_ledger
from portal.extensions import db
from tests.conftest import login, post_form

PAGE = "/evidence/witnesses"


def witness_events() -> list[tuple[str, dict, int | None]]:
    rows = db.session.execute(sa.select(EvidenceEvent.event_type, EvidenceEvent.body, EvidenceEvent.actor_user_id)
                              .where(EvidenceEvent.chain == chain_key(None), EvidenceEvent.event_type.like("witness_%"))
                              .order_by(EvidenceEvent.seq)).all()
    return [(kind, json.loads(body)["payload"], actor) for kind, body, actor in rows]


def test_hr_adds_a_witness_that_then_receives_heads_and_shows_the_receipt(client, world, tmp_path):
    folder = tmp_path / "worm"
    folder.mkdir()
    login(client, "hr")
    added = post_form(client, PAGE, {"kind": "directory", "target": str(folder), "label": "工会代表 union"})
    assert added.status_code == 303
    witness = db.session.execute(sa.select(Witness)).scalar_one()
    assert (witness.kind, witness.target, witness.label, witness.active) == ("directory", str(folder), "工会代表 union",
                                                                              True)
    assert witness_events() == [("witness_added", {"witness": witness.id, "kind": "directory", "target": str(folder),
                                                   "label": "工会代表 union"}, world.user("hr").id)]
    append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()
    head = publish().head
    page = client.get(PAGE).get_data(as_text=True)
    assert "工会代表 union" in page and str(folder / f"head-{head.size:012d}.json") in page
    assert f"{head.size} ·" in page and 'class="badge badge-acknowledged"' in page
    assert verify_ledger().ok
    for listing in (page, client.get("/evidence/").get_data(as_text=True)):
        assert "目录（一次写入存储）" in listing and "· directory ·" not in listing


@pytest.mark.parametrize("form, field_message", [
    ({"kind": "email", "target": "union.rep at example.cn"}, "请输入电子邮箱地址"),
    ({"kind": "webhook", "target": "ftp://auditor.example.cn/heads"}, "请输入以 https://"),
    ({"kind": "webhook", "target": "https:///no-host"}, "请输入以 https://"),
    ({"kind": "directory", "target": "relative/heads"}, "请输入绝对路径"),
    ({"kind": "directory", "target": "/nonexistent/evidence-heads"}, "门户服务器上不存在该目录"),
    ({"kind": "carrier-pigeon", "target": "x@example.cn"}, 'id="kind-error"'),
    ({"kind": "email", "target": ""}, "请输入见证方的地址"),
    ({"kind": "email", "target": "a@example.cn", "label": "x" * 121}, "最多 120 个字符"),
    ({"kind": "email", "target": "a@" + "b" * 300 + ".cn"}, "最多 300 个字符"),
    ({"kind": "directory", "target": "/tmp/\x01heads"}, "请输入见证方的地址"),
    ({"kind": "email", "target": "a@example.cn", "label": "union\x1b[2J"}, "只能使用文字、数字和标点符号"),
])
def test_bad_witness_input_names_the_field_and_writes_nothing(client, world, form, field_message):
    login(client, "admin")
    refused = post_form(client, PAGE, form)
    assert refused.status_code == 422 and field_message in refused.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count(Witness.id))).scalar_one() == 0 and witness_events() == []


def test_the_same_address_twice_is_refused(client, world):
    login(client, "hr")
    form = {"kind": "email", "target": "union.rep@example.cn", "label": "union"}
    assert post_form(client, PAGE, form).status_code == 303
    again = post_form(client, PAGE, form)
    assert again.status_code == 422 and "该地址已是启用中的见证方" in again.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count(Witness.id))).scalar_one() == 1 and len(witness_events()) == 1


def test_disabling_is_recorded_once_and_stops_deliveries(client, world, tmp_path):
    login(client, "hr")
    assert post_form(client, PAGE, {"kind": "directory", "target": str(tmp_path)}).status_code == 303
    witness = db.session.execute(sa.select(Witness)).scalar_one()
    assert client.post(f"{PAGE}/{witness.id}/disable").status_code == 400  # no CSRF token
    assert post_form(client, f"{PAGE}/{witness.id}/disable").status_code == 303
    assert post_form(client, f"{PAGE}/{witness.id}/disable").status_code == 303  # again: nothing more happens
    db.session.expire_all()
    assert db.session.get(Witness, witness.id).active is False
    assert [kind for kind, _payload, _actor in witness_events()] == ["witness_added", "witness_disabled"]
    publish()
    assert db.session.execute(sa.select(sa.func.count(HeadDelivery.id))).scalar_one() == 0
    assert post_form(client, f"{PAGE}/999999/disable").status_code == 404


def test_the_command_line_checks_and_records_like_the_page(app, world, tmp_path):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["evidence", "witness", "add", "webhook", "not a url"])
    assert refused.exit_code != 0 and "target" in refused.output
    added = runner.invoke(args=["evidence", "witness", "add", "directory", str(tmp_path), "--label", "auditor"])
    assert added.exit_code == 0, added.output
    witness_id = db.session.execute(sa.select(Witness.id)).scalar_one()
    assert runner.invoke(args=["evidence", "witness", "disable", str(witness_id)]).exit_code == 0
    assert [(kind, actor) for kind, _payload, actor in witness_events()] == [("witness_added", None),
                                                                            ("witness_disabled", None)]
