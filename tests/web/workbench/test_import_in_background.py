"""A file of more rows than a request writes goes to the job queue: written all or nothing, and
whoever sent it is notified how it went; checked again when it runs, so a file that no longer
passes writes nothing. Both engines (jobs run at once in tests)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notifications.models import Notification
from portal.notifications.texts import notification_text
from portal.org.models import Department, Employee
from portal.workbench.jobs import import_in_background
from tests.conftest import csrf_token, login, multipart

STAFF = ("工号,姓名,入职日期,部门,合同类型,状态,离职日期\n"
         "A0301,周敏,2025-03-01,机加工车间,Fixed-term,Active,\n"
         "A0302,吴军,2025-03-01,装配车间,Fixed-term,Active,\n"
         "A0303,郑丽,2025-03-01,装配车间,Fixed-term,Active,\n")


def _notes(user_id: int) -> list[str]:
    """The person's import notifications as they read them in Chinese."""
    with current_app.test_request_context("/"), force_locale("zh_CN"):
        return [notification_text(n.text_key, n.params) for n in db.session.execute(
            sa.select(Notification).where(Notification.user_id == user_id, Notification.kind == "import")).scalars()]


def test_a_long_file_is_written_by_the_job_queue_and_its_sender_told(client, world, monkeypatch):
    monkeypatch.setattr("portal.workbench.routes.IMPORTED_IN_THE_REQUEST", 2)
    login(client, "hr")
    body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "employees", "mode": "commit"}, "upload",
                                "staff.csv", STAFF.encode(), "text/csv")
    response = client.post("/workbench/import", data=body, content_type=body_type)
    assert response.status_code == 303
    assert "3 行正在后台导入" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert {e.number for e in db.session.query(Employee).filter(Employee.number.like("A03%"))} == {
        "A0301", "A0302", "A0303"}
    assert _notes(world.user("hr").id) == ["您导入的 staff.csv 已写入：新增 3 条，更新 0 条。"]


def test_a_file_that_no_longer_passes_when_it_runs_writes_nothing(app, world):
    """The assembly workshop was renamed after HR checked the file: no row of it is written."""
    db.session.query(Department).filter_by(code="ASSY").one().name_zh = "总装车间"
    db.session.commit()
    import_in_background.delay("employees", STAFF.encode(), "staff.csv", world.user("hr").id,
                               {"channel": SYSTEM.channel})
    assert db.session.query(Employee).filter(Employee.number.like("A03%")).count() == 0
    (note,) = _notes(world.user("hr").id)
    assert "staff.csv" in note and "没有写入" in note
