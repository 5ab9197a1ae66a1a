"""Error pages, the health check and request size limits."""

from __future__ import annotations

from portal.extensions import db
from portal.org.models import Department
from tests.conftest import login, make_app


def test_not_found_is_a_localized_page(client):
    response = client.get("/no-such-page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" in body and "页面不存在" in body


def test_not_found_for_htmx_is_a_fragment(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true", "HX-Target": "main"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in body and 'role="alert"' in body


def test_forbidden_is_explained(client, world):
    login(client, "worker")
    response = client.get("/employees")
    assert response.status_code == 403
    assert "您的账号无权打开此页面" in response.get_data(as_text=True)


def test_unexpected_error_shows_no_traceback_and_keeps_nothing(app, client):
    def explode():
        db.session.add(Department(code="HALF", name_zh="半", name_en="Half"))
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "boom" not in body
    assert "没有保存任何内容" in body
    assert db.session.query(Department).filter_by(code="HALF").count() == 0


def test_oversized_request_is_refused_with_a_message(client):
    response = client.post("/login", data={"username": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "超过" in response.get_data(as_text=True)


def test_health_check_answers_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_reports_a_dead_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing-dir/portal.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_the_icon_is_found_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()
