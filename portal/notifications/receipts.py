"""Acknowledgement receipts mailed to the employee, when e-mail is configured: a copy of exactly
what they confirmed, outside the employer's systems, sent through the outbox like every e-mail."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.core.types import local_timestamp
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.notifications.operations import path_for, queue_email


def receipt_text(record: Any, what: str, link: str) -> str:
    """Both languages, the statement verbatim, and the fingerprints that make the receipt checkable."""
    return "\n".join([
        f"确认回执 Acknowledgement receipt {record.receipt_number}",
        f"员工 Employee: {record.employee.name} ({record.employee.number})",
        what,
        f"确认时间 Acknowledged (北京时间 Beijing time): {local_timestamp(record.acknowledged_at)}",
        "",
        record.statement,
        "",
        f"内容 SHA-256 Content SHA-256: {record.content_sha256}",
        f"账本事件哈希 Ledger event hash: {record.event_hash or '—'}",
        f"回执 Receipt: {link}",
    ])


def _queue(record: Any, what: str, endpoint: str) -> OutboxMessage | None:
    """Write the receipt's e-mail to the outbox in the caller's transaction, once per receipt (a
    repeated acknowledgement returns the first receipt and sends nothing more)."""
    if not (current_app.config.get("SMTP_HOST") and record.employee.email):
        return None
    subject = f"确认回执 Receipt {record.receipt_number}"
    if db.session.execute(sa.select(OutboxMessage.id).where(OutboxMessage.subject == subject)).first():
        return None
    link = current_app.config["BASE_URL"].rstrip("/") + path_for(endpoint, number=record.receipt_number)
    return queue_email(record.employee.email, subject, receipt_text(record, what, link))


def queue_course_receipt(record: Any) -> OutboxMessage | None:
    version = record.version
    return _queue(record, f"课程 Course: {version.snapshot['title']} (v{version.number})", "courses.receipt")


def queue_notice_receipt(record: Any) -> OutboxMessage | None:
    version = record.delivery.version
    return _queue(record, f"告知书 Notice: {version.title('zh_CN')} (v{version.number})", "notices.receipt")
