"""Junk posted to every form of the route matrix, as every role allowed to post it: never a 5xx,
and a rejected post (4xx) changes no table.

Bounded in the suite (``FUZZ_EXAMPLES`` examples per role and form, 3 by default); the longer run
is ``PORTAL_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/web/test_fuzz.py`` (see docs/security.md).
"""

from __future__ import annotations

import io
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token, login, table_counts
from tests.web.route_roles import LOGIN
from tests.web.test_route_matrix import API_OPERATIONS, EXPECTED, prepare_url

FUZZ_EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "3"))
FILE_FIELDS = {"scan", "upload"}
NOT_FUZZED = {"csrf_token"}
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')

JUNK = st.one_of(
    st.sampled_from(["", " ", "\t", "\u3000", "sNaN", "NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1e20",
                     "-1", "0", "9" * 30, "-" + "9" * 30, str(2**31), str(2**63), "9999-12-31", "10000-01-01",
                     "0001-01-01", "2026-02-30", "'; DROP TABLE employees; --", "<script>alert(1)</script>",
                     "=HYPERLINK(\"x\")", "\x00", "\u202e", "工伤" * 3000, "../../etc/passwd", "%s%n", "{{7*7}}", "１２３"]),
    st.text(max_size=40),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def posting_roles(endpoint: str) -> list[str]:
    return [role for role, outcome in EXPECTED[endpoint][3].items() if outcome not in (403, 404, LOGIN)]


def post_endpoints() -> list[str]:
    from tests.conftest import make_app

    rules = make_app("sqlite://").url_map.iter_rules()
    # The token API takes JSON, not forms: schemathesis posts junk to it (tests/web/api).
    return sorted({rule.endpoint for rule in rules if "POST" in (rule.methods or ())
                   and rule.endpoint not in API_OPERATIONS and posting_roles(rule.endpoint)})


def form_fields(client, endpoint: str, url: str) -> list[str]:
    """The fields the form at ``url`` shows, plus the ones the matrix posts."""
    names = set(EXPECTED[endpoint][2])
    if EXPECTED[endpoint][0] == "GET":
        names |= set(FIELD_NAME.findall(client.get(url).get_data(as_text=True)))
    return sorted(names - NOT_FUZZED)


@pytest.mark.parametrize("endpoint", post_endpoints())
def test_junk_never_breaks_a_form(app, world, courses, endpoint):
    url = prepare_url(world, courses, endpoint)
    for role in posting_roles(endpoint):
        client = app.test_client()
        if role != "anonymous":
            login(client, role)
        fields = form_fields(client, endpoint, url)
        token = csrf_token(client, url if EXPECTED[endpoint][0] == "GET" else "/login")

        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(values=st.fixed_dictionaries({name: JUNK for name in fields}))
        def post_junk(values: dict[str, str]) -> None:
            data: dict[str, object] = {"csrf_token": token}
            for name, value in values.items():
                data[name] = (io.BytesIO(value.encode("utf-8", "surrogatepass")), value[:40] or "x") \
                    if name in FILE_FIELDS else value
            before = table_counts()
            response = client.post(url, data=data, content_type="multipart/form-data")
            response.close()
            assert response.status_code < 500, (endpoint, role, values)
            if 400 <= response.status_code < 500:
                after = table_counts()
                if endpoint == "auth.login":  # a failed sign-in is itself recorded, by design (audit log)
                    after.pop("account_audit_log"), before.pop("account_audit_log")
                assert after == before, (endpoint, role, values, response.status_code)

        post_junk()
