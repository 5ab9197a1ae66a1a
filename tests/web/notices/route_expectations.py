"""Who may use each notice route (merged into tests/web/test_route_matrix.py)."""

from __future__ import annotations

NOTICE_EXPECTED: dict[str, tuple[str, str, dict[str, str], dict[str, int | str]]] = {}


def prepare_notices(world) -> dict[str, str]:
    """Records the URLs above need, created for the matrix's ``world``; returns URL placeholders."""
    return {}
