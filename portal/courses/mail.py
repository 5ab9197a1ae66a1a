"""The acknowledgement receipt mailed to the employee, when e-mail is configured: a copy of
exactly what they confirmed, outside the employer's systems, in the background."""

from __future__ import annotations

from flask import current_app

from portal.core.types import local_timestamp
from portal.courses.models import Acknowledgement
from portal.extensions import db
from portal.jobs import job
from portal.workbench import mailer
from portal.workbench.cli import smtp_settings
from portal.workbench.operations import path_for


def receipt_text(record: Acknowledgement, link: str) -> str:
    """Both languages, the statement verbatim, and the fingerprints that make the receipt checkable."""
    version = record.version
    return "\n".join([
        f"确认回执 Acknowledgement receipt {record.receipt_number}",
        f"员工 Employee: {record.employee.name} ({record.employee.number})",
        f"课程 Course: {version.snapshot['title']} (v{version.number})",
        f"确认时间 Acknowledged (北京时间 Beijing time): {local_timestamp(record.acknowledged_at)}",
        "",
        record.statement,
        "",
        f"内容 SHA-256 Content SHA-256: {record.content_sha256}",
        f"账本事件哈希 Ledger event hash: {record.event_hash or '—'}",
        f"回执 Receipt: {link}",
    ])


@job(retries=3, retry_delay=60)
def mail_course_receipt(receipt_number: str) -> str | None:
    """Send the receipt to the employee's e-mail address; returns the Message-ID, or None when
    e-mail is not configured or the employee has no address."""
    settings = smtp_settings()
    record = db.session.query(Acknowledgement).filter_by(receipt_number=receipt_number).one_or_none()
    if settings is None or record is None or not record.employee.email:
        return None
    # Outside a request (a worker), the link is the receipt's path: SERVER_NAME, when set, makes it absolute.
    link = path_for("courses.receipt", number=receipt_number, _external=bool(current_app.config.get("SERVER_NAME")))
    message = mailer.compose(settings, record.employee.email, f"确认回执 Receipt {receipt_number}",
                             receipt_text(record, link))
    return mailer.send(settings, message)
