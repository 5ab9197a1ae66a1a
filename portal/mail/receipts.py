"""Acknowledgement receipts mailed to the employee, when e-mail is configured: a copy of exactly
what they confirmed, outside the employer's systems, sent in the background."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portal.core.types import local_timestamp
from portal.courses.models import Acknowledgement
from portal.extensions import db
from portal.jobs import job
from portal.notices.models import NoticeAcknowledgement
from portal.workbench import mailer
from portal.workbench.cli import smtp_settings
from portal.workbench.operations import path_for


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


def _mail(record: Any, what: str, endpoint: str) -> str | None:
    settings = smtp_settings()
    if settings is None or record is None or not record.employee.email:
        return None
    # Outside a request (a worker), the link is the receipt's path; SERVER_NAME, when set, makes it absolute.
    link = path_for(endpoint, number=record.receipt_number, _external=bool(current_app.config.get("SERVER_NAME")))
    message = mailer.compose(settings, record.employee.email, f"确认回执 Receipt {record.receipt_number}",
                             receipt_text(record, what, link))
    return mailer.send(settings, message)


def should_mail(employee: Any) -> bool:
    return bool(current_app.config.get("SMTP_HOST") and employee.email)


@job(retries=3, retry_delay=60)
def mail_course_receipt(receipt_number: str) -> str | None:
    """Send a course receipt; returns the Message-ID, or None without e-mail settings or address."""
    record = db.session.query(Acknowledgement).filter_by(receipt_number=receipt_number).one_or_none()
    version = record.version if record else None
    what = f"课程 Course: {version.snapshot['title']} (v{version.number})" if version else ""
    return _mail(record, what, "courses.receipt")


@job(retries=3, retry_delay=60)
def mail_notice_receipt(receipt_number: str) -> str | None:
    """Send a notice receipt; returns the Message-ID, or None without e-mail settings or address."""
    record = db.session.query(NoticeAcknowledgement).filter_by(receipt_number=receipt_number).one_or_none()
    version = record.delivery.version if record else None
    what = f"告知书 Notice: {version.title('zh_CN')} (v{version.number})" if version else ""
    return _mail(record, what, "notices.receipt")
