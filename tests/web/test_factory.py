"""Application factory and configuration."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigurationError, normalise_database_url
from tests.conftest import login


def test_secret_key_is_required_outside_testing(monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="PORTAL_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_environment_variables_with_the_prefix_configure_the_app(monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PORTAL_RESET_LINK_HOURS", "24")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["RESET_LINK_HOURS"] == 24


def test_test_config_wins_over_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "from-the-environment")
    app = create_app({"SECRET_KEY": "from-the-test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-the-test"


def test_database_url_selects_postgresql_through_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal:pw@db.internal:5432/portal")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://portal:pw@db.internal:5432/portal"


@pytest.mark.parametrize(
    "raw,expected",
    [("postgresql://a/b", "postgresql+psycopg://a/b"), ("postgresql+psycopg://a/b", "postgresql+psycopg://a/b"),
     ("sqlite:///x.db", "sqlite:///x.db")],
)
def test_normalise_database_url(raw, expected):
    assert normalise_database_url(raw) == expected


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = login(client, "worker")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


class TestSecureCookies:
    @pytest.fixture
    def app_config(self):
        return {"SESSION_COOKIE_SECURE": True}

    def test_secure_flag_when_configured(self, client, world):
        response = login(client, "worker")
        assert "Secure" in response.headers["Set-Cookie"]
