"""The approval workflow's codes in the evidence pack's words: built-in step names and decisions."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from portal.evidence.models import EvidenceEvent
from portal.evidence.sections import in_both_languages, register_value_words
from portal.extensions import db
from portal.workbench.presenters import DECISION_LABELS, STEP_LABELS


def workflow_value_words() -> dict[str, tuple[str, str]]:
    """Built-in steps and decisions in both languages; a step HR added under the name it gave it,
    as every workflow change recorded it (also a step removed since)."""
    added = {}
    changes = db.session.execute(sa.select(EvidenceEvent.body).where(EvidenceEvent.event_type == "workflow_changed")
                                 .order_by(EvidenceEvent.id)).scalars()
    for body in changes:
        for step in json.loads(body)["payload"]["steps"]:
            if len(step) > 2 and step[2]:
                added[step[0]] = (step[2], step[2])
    return {**added, **in_both_languages({**STEP_LABELS, **DECISION_LABELS})}


def init_app(app: Flask) -> None:
    register_value_words(app, workflow_value_words)
