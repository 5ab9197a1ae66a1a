"""Adding and disabling witnesses (pages and ``flask evidence witness``): checked, serialized with
publication runs, and recorded in the ledger's portal-wide chain, so who changed the witnesses and
when is itself evidence. A witness is never deleted: its delivery receipts keep pointing at it."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core.types import utcnow
from portal.evidence.ledger import Origin, append_event
from portal.evidence.log import WITNESS_KINDS, hold_publisher_lock
from portal.evidence.models import HeadDelivery, TreeHead, Witness
from portal.extensions import db

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
TARGET_MAX = 300
LABEL_MAX = 120
KIND_NAMES = {"email": _l("E-mail"), "webhook": _l("Webhook"), "directory": _l("Directory (write-once storage)")}


class WitnessRefused(ValueError):
    """A witness that cannot be added; ``field`` names the form field, ``message`` is translated."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _printable(text: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def target_problem(kind: str, target: str) -> str | None:
    """Why ``target`` is no usable address for a witness of ``kind`` (None when it is)."""
    if not target or not _printable(target):
        return _l("Enter the witness's address.")
    if len(target) > TARGET_MAX:
        return _l("At most %(max)d characters.", max=TARGET_MAX)
    if kind == "email" and not EMAIL.match(target):
        return _l("Enter an e-mail address such as union.rep@example.cn.")
    if kind == "webhook":
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in target):
            return _l("Enter a web address starting with https:// (or http://).")
    if kind == "directory":
        folder = Path(target)
        if not folder.is_absolute():
            return _l("Enter an absolute path such as /mnt/worm/evidence-heads.")
        if not folder.is_dir():
            return _l("This directory does not exist on the portal's server.")
        if not os.access(folder, os.W_OK | os.X_OK):
            return _l("The portal cannot write to this directory.")
    return None


def add(kind: str, target: str, label: str, actor_user_id: int | None, origin: Origin) -> Witness:
    """Add a witness and record it; refuses an unknown kind, a bad address, or one already active."""
    target, label = target.strip(), label.strip()
    if kind not in WITNESS_KINDS:
        raise WitnessRefused("kind", _l("Choose e-mail, webhook or directory."))
    problem = target_problem(kind, target)
    if problem is None and len(label) > LABEL_MAX:
        raise WitnessRefused("label", _l("At most %(max)d characters.", max=LABEL_MAX))
    if problem is None and not _printable(label):
        raise WitnessRefused("label", _l("Use letters, digits and punctuation only."))
    if problem is not None:
        raise WitnessRefused("target", problem)
    hold_publisher_lock()  # one change or publication at a time: no duplicate, no half-seen witness
    if db.session.execute(sa.select(Witness.id).where(
            Witness.kind == kind, Witness.target == target, Witness.active.is_(True))).first():
        db.session.rollback()
        raise WitnessRefused("target", _l("This address is already an active witness."))
    witness = Witness(kind=kind, target=target, label=label or target, active=True, added_at=utcnow())
    db.session.add(witness)
    db.session.flush()
    append_event("witness_added", employee_id=None, actor_user_id=actor_user_id, origin=origin,
                 payload={"witness": witness.id, "kind": kind, "target": target, "label": witness.label})
    db.session.commit()
    return witness


def disable(witness_id: int, actor_user_id: int | None, origin: Origin) -> Witness | None:
    """Stop sending heads to a witness and record it; disabling one already off changes nothing."""
    hold_publisher_lock()
    witness = db.session.execute(sa.select(Witness).where(Witness.id == witness_id).with_for_update()).scalar()
    if witness is None or not witness.active:
        db.session.rollback()
        return witness
    witness.active = False
    append_event("witness_disabled", employee_id=None, actor_user_id=actor_user_id, origin=origin,
                 payload={"witness": witness.id, "kind": witness.kind, "target": witness.target})
    db.session.commit()
    return witness


@dataclass(frozen=True)
class Receipt:
    """One delivery of a signed tree head to a witness, as shown to HR."""

    head_size: int
    at: datetime
    ok: bool
    reference: str


def receipts(witness_ids: list[int], per_witness: int = 5) -> dict[int, list[Receipt]]:
    """The latest deliveries (publication receipts) of each witness, newest first."""
    ranked = sa.select(
        HeadDelivery.witness_id, TreeHead.size, HeadDelivery.at, HeadDelivery.ok, HeadDelivery.reference,
        sa.func.row_number().over(partition_by=HeadDelivery.witness_id,
                                  order_by=HeadDelivery.id.desc()).label("rank"),
    ).join(TreeHead, TreeHead.id == HeadDelivery.head_id).where(HeadDelivery.witness_id.in_(witness_ids)).subquery()
    found: dict[int, list[Receipt]] = {witness_id: [] for witness_id in witness_ids}
    for row in db.session.execute(sa.select(ranked).where(ranked.c.rank <= per_witness)
                                  .order_by(ranked.c.witness_id, ranked.c.rank)):
        found[row.witness_id].append(Receipt(row.size, row.at, row.ok, row.reference))
    return found
