"""Who may use each account, activation and notification-preference route (merged into
tests/web/test_route_matrix.py)."""

from __future__ import annotations

from tests.web.route_roles import HR_ONLY, HR_POST, LOGIN, ROLES, Expectation


ACCOUNT_EXPECTED: dict[str, tuple[str, str, dict[str, str], Expectation]] = {
    "accounts.index": ("GET", "/accounts/", {}, HR_ONLY),
    "accounts.create": ("GET", "/accounts/new", {}, HR_ONLY),
    "accounts.invite": ("GET", "/accounts/invite", {}, HR_ONLY),
    "accounts.audit_log": ("GET", "/accounts/audit", {}, HR_ONLY),
    # The machining worker's account: HR and admin manage employee accounts.
    "accounts.change_role": ("POST", "/accounts/{worker_user}/role", {"role": "manager"}, HR_POST),
    "accounts.set_state": ("POST", "/accounts/{worker_user}/state", {"enabled": "0"}, HR_POST),
    "auth.activate": ("GET", "/activate", {}, dict.fromkeys(ROLES, 200)),
    # Public: they start and finish single sign-on, which this portal has not set up (404).
    "auth.sso_login": ("GET", "/login/sso", {}, dict.fromkeys(ROLES, 404)),
    "auth.sso_callback": ("GET", "/login/sso/callback", {}, dict.fromkeys(ROLES, 404)),
    "notifications.duties": ("GET", "/notifications/duties", {}, HR_ONLY),
    "notifications.act_on_duties": ("POST", "/notifications/duties", {"action": "remind"},
                                    {**HR_ONLY, "hr": 422, "admin": 422}),  # nothing chosen
    "notifications.preferences": ("POST", "/notifications/preferences", {"email": "y"},
                                  {**dict.fromkeys(ROLES, 303), "anonymous": LOGIN}),
}
