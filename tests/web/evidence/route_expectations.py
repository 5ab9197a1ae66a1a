"""Who may use each evidence route (merged into tests/web/test_route_matrix.py)."""

from __future__ import annotations

ROLES = ("anonymous", "worker", "outsider", "manager", "other.manager", "hr", "admin")
LOGIN = "login"
HR_ONLY: dict[str, int | str] = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "hr": 200, "admin": 200}

EVIDENCE_EXPECTED: dict[str, tuple[str, str, dict[str, str], dict[str, int | str]]] = {
    "evidence.index": ("GET", "/evidence/", {}, HR_ONLY),
}


def prepare_evidence(world) -> dict[str, str]:
    """Records the URLs above need, created for the matrix's ``world``; returns URL placeholders."""
    return {}
