"""A file past the import caps is refused whole, with a clear message, on both engines."""

from __future__ import annotations

from portal.cases.models import WageMonth
from portal.extensions import db
from tests.conftest import csrf_token, login, multipart


def test_a_100k_row_csv_is_refused_not_half_checked(client, world):
    login(client, "hr")
    text = "工号,年,月,缴费工资\n" + "E001,2025,1,5000\n" * 100_000
    body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "wages", "mode": "commit"}, "upload",
                                "wages.csv", text.encode(), "text/csv")
    response = client.post("/workbench/import", data=body, content_type=body_type)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "超过 50,000 行" in body and "没有问题" not in body
    assert db.session.query(WageMonth).count() == 0
