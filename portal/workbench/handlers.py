"""Reactions of the workbench to other domains' signals."""

from __future__ import annotations

from portal.workbench.operations import notify


def notify_pack_ready(_sender: object, *, user_id: int, employee_name: str, link: str) -> None:
    notify(user_id, "evidence", "evidence_pack_ready", {"name": employee_name}, link)
