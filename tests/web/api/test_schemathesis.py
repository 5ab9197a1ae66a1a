"""Schemathesis against the served OpenAPI document: no 5xx, no schema violation, no broken contract.

Every check runs except "schema-valid data is accepted": the forms' rules that JSON Schema cannot
express (an unknown department code, a hire date in the future, a wage month already on record) answer
422 with the field named, as documented. A bounded run is part of the suite; the longer run is one command (see README, "Open API"):
``SCHEMATHESIS_EXAMPLES=500 pytest tests/web/api/test_schemathesis.py``.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.api import tokens
from portal.extensions import db
from tests.web.cases.route_expectations import prepare_cases

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def database_url() -> str:
    """SQLite only: the generated requests exercise the API's own code; the engines are covered by
    the other API tests."""
    return "sqlite://"


@pytest.fixture
def api_schema(app, client, world):
    prepare_cases(world)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def everything(world, monkeypatch) -> dict[str, str]:
    # The checks also send every request without a token; the longer run sends more of those in a
    # minute than one address may (a 429 there is the limiter working, not a broken contract).
    monkeypatch.setattr(tokens, "DEFAULT_RATE_LIMIT", "100000 per minute")
    _token, secret = tokens.create_token("fuzzer", world.admin, set(tokens.SCOPES), world.admin,
                                         rate_limit="100000 per minute")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_api_keeps_its_contract(client, api_schema, everything):
    """Every operation of the document, with generated valid and invalid requests."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_contract(case):
            kwargs = case.as_transport_kwargs(base_url="http://localhost", headers=everything)
            body = {k: kwargs[k] for k in ("json", "data") if k in kwargs}
            response = client.open(case.formatted_path, method=kwargs["method"], headers=kwargs["headers"],
                                   query_string=kwargs.get("params"), **body)
            case.validate_response(response, headers=everything, transport_kwargs=kwargs,
                                   excluded_checks=[positive_data_acceptance])

        keeps_contract()
