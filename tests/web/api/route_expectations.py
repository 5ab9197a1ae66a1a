"""Who may use the API's pages (merged into tests/web/test_route_matrix.py). The token-authenticated
operations under /api/v1 have their own scope × account matrix in tests/web/api/test_scope_matrix.py."""

from __future__ import annotations

from tests.web.route_roles import LOGIN, ROLES, Expectation

ADMIN_ONLY: Expectation = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "admin": 200}

API_PAGES_EXPECTED: dict[str, tuple[str, str, dict[str, str], Expectation]] = {
    "api.openapi": ("GET", "/api/v1/openapi.json", {}, dict.fromkeys(ROLES, 200)),
    "api.reference": ("GET", "/api/v1/", {}, dict.fromkeys(ROLES, 200)),
    "api_admin.token_list": ("GET", "/admin/api/tokens", {}, ADMIN_ONLY),
    "api_admin.revoke": ("POST", "/admin/api/tokens/999/revoke", {}, {**ADMIN_ONLY, "admin": 404}),
    "webhooks.deliveries": ("GET", "/admin/webhooks/", {}, ADMIN_ONLY),
    "webhooks.resend": ("POST", "/admin/webhooks/deliveries/999/resend", {}, {**ADMIN_ONLY, "admin": 404}),
}
