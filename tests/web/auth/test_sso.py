"""Single sign-on against an OpenID Connect provider the test starts: the code flow with PKCE, the
ID token checked, the identity mapped to an employee by number or verified e-mail."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from portal.auth.models import AuditEntry
from portal.extensions import db
from tests.conftest import make_app
from tests.oidc_provider import Provider, running_provider, sso_config


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def app_config(provider):
    return sso_config(provider)


@pytest.fixture
def linked(world):
    world.worker.email = "Li.Qiang@company-a.example"
    db.session.commit()
    return world


def _through_provider(client, login: str, tamper_state: bool = False):
    """The browser's round trip: portal → provider's sign-in form → back to the portal with a code."""
    start = client.get("/login/sso?next=/notifications/")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0] and query["nonce"][0]
    form = {k: v[0] for k, v in query.items()} | {"login": login}
    back = requests.post(authorize.split("?")[0], data=form, allow_redirects=False, timeout=10)
    callback = back.headers["Location"]
    if tamper_state:
        callback = callback.replace("state=", "state=x")
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def test_the_employee_signs_in_through_the_provider_by_verified_e_mail(client, linked, provider):
    response = _through_provider(client, "li.qiang")
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/"
    assert "李强" in client.get("/").get_data(as_text=True)
    assert provider.token_requests[-1]["code_verifier"]  # PKCE: the verifier went with the code
    assert db.session.query(AuditEntry).filter_by(action="sso_signed_in").one().target_user_id == \
        linked.user("worker").id


def test_an_employee_number_claim_maps_to_the_manager(client, world):
    assert _through_provider(client, "zhao").status_code == 303
    assert "赵经理" in client.get("/").get_data(as_text=True)


def test_an_unlinked_identity_or_a_forged_state_is_refused(client, linked):
    refused = _through_provider(client, "stranger")
    assert refused.status_code == 403 and "未与本平台的有效账号关联" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    forged = _through_provider(client, "li.qiang", tamper_state=True)
    assert forged.status_code == 403 and client.get("/").status_code == 302


def test_without_configuration_there_is_no_single_sign_on():
    plain = make_app("sqlite://")
    assert plain.test_client().get("/login/sso").status_code == 404
