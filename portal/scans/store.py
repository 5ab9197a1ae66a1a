"""Keeping, reading and purging scans by digest. Functions flush at most; the caller commits."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from portal.core.types import utcnow
from portal.core.upsert import insert_ignoring_conflicts
from portal.extensions import db
from portal.scans.models import StoredScan


SCAN_PURGED = "scan_purged"
"""The ledger event that records a purge: its payload names the digest (``purged_sha256``), the rule
(``rule``, ``years``) and why it applied (``left_date``)."""


def keep(data: bytes, mimetype: str) -> str:
    """Store ``data`` under its SHA-256 (once, however often it is attached, even by two servers at
    the same moment) and return the digest."""
    digest = hashlib.sha256(data).hexdigest()
    db.session.execute(insert_ignoring_conflicts(StoredScan, ["sha256"]).values(
        sha256=digest, mimetype=mimetype, size=len(data), stored_at=utcnow(), data=data))
    return digest


def load(digest: str) -> bytes | None:
    """The bytes stored under ``digest``, or ``None`` when there are none (never stored, or purged)."""
    return db.session.execute(sa.select(StoredScan.data).where(StoredScan.sha256 == digest)).scalar_one_or_none()


def stored(digests: set[str]) -> set[str]:
    """Which of ``digests`` still have their bytes."""
    if not digests:
        return set()
    return set(db.session.execute(sa.select(StoredScan.sha256).where(StoredScan.sha256.in_(digests))).scalars())


def lock_stored(digests: list[str]) -> set[str]:
    """Lock the rows of ``digests`` that are still stored (in digest order, so two purges cannot
    deadlock) and return their digests."""
    if not digests:
        return set()
    return set(db.session.execute(sa.select(StoredScan.sha256).where(StoredScan.sha256.in_(digests))
                                  .order_by(StoredScan.sha256).with_for_update()).scalars())


def discard(digest: str) -> None:
    """Delete the bytes stored under ``digest`` (flushed, not committed)."""
    db.session.execute(sa.delete(StoredScan).where(StoredScan.sha256 == digest))
