"""The privacy notice, acknowledged like any notice, and an employee's copy of their own data."""

from __future__ import annotations

import json


from portal import PROJECT_ROOT
from portal.evidence.ledger import SYSTEM
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notices.operations import sync_scenario_notices
from tests.conftest import login


def test_every_active_employee_gets_the_privacy_notice_once(app, world):
    sync_scenario_notices(PROJECT_ROOT / "notices", SYSTEM)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "pushed to 5" in runner.invoke(args=["privacy", "push"]).output
    assert "pushed to 0" in runner.invoke(args=["privacy", "push"]).output
    assert db.session.query(NoticeDelivery).count() == 5


def test_the_privacy_page_shows_the_notice_and_the_way_to_acknowledge_it(client, world):
    sync_scenario_notices(PROJECT_ROOT / "notices", SYSTEM)
    db.session.commit()
    client.application.test_cli_runner().invoke(args=["privacy", "push"])
    login(client, "worker")
    body = client.get("/privacy/").get_data(as_text=True)
    assert "个人信息处理告知书" in body and "部门经理" in body
    assert "永久保存" in body and "自您离职之日起满人事设定的年限后删除" in body  # the retention rule
    delivery = db.session.query(NoticeDelivery).filter_by(employee_id=world.worker.id).one()
    assert f"/notices/{delivery.id}" in body and f'action="/evidence/employees/{world.worker.id}/packs"' in body


def test_my_data_holds_my_records_without_secrets_and_the_download_is_recorded(client, world):
    login(client, "worker")
    response = client.get("/privacy/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.data)
    assert data["tables"]["employees"][0]["number"] == "E001"
    account = data["tables"]["users"][0]
    assert account["username"] == "worker" and "password_hash" not in account and "session_token" not in account
    assert "E002" not in response.get_data(as_text=True)
    event = db.session.query(EvidenceEvent).filter_by(event_type="personal_data_downloaded").one()
    assert event.employee_id == world.worker.id
