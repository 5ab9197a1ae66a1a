"""The roles of the route × role matrix and the expectations many routes share; each area's
``route_expectations`` and ``test_route_matrix`` build their rows from these."""

from __future__ import annotations

ROLES = ("anonymous", "worker", "outsider", "manager", "other.manager", "hr", "admin")
LOGIN = "login"  # a redirect to the sign-in page

Expectation = dict[str, int | str]

EVERYONE: Expectation = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}
# Only the employee a course or notice is assigned to reaches it; everyone else gets 404 (not assigned).
MINE_ONLY: Expectation = {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN}
HR_ONLY: Expectation = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "hr": 200, "admin": 200}
HR_POST: Expectation = {**HR_ONLY, "hr": 303, "admin": 303}
MANAGERS_AND_HR: Expectation = {**HR_ONLY, "manager": 200, "other.manager": 200}
# The employee, their own manager, HR and admin (a record about one person).
SELF_MANAGER_AND_HR: Expectation = {**HR_ONLY, "worker": 200, "manager": 200}
