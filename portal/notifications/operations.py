"""Recording notifications once, writing their e-mail to the outbox, and delivering the outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import ORMExecuteState, Session
from flask_babel import force_locale

from portal.auth.models import User
from portal.auth.figures import page_figures, read_with_the_account
from portal.core.types import utcnow
from portal.core.upsert import insert_ignoring_conflicts
from portal.extensions import db
from portal.core import mailer
from portal.notifications.models import Notification, OutboxMessage
from portal.notifications.texts import notification_text
from portal.org.models import Employee


def path_for(endpoint: str, **values: Any) -> str:
    """A link to store in a notification, also from the CLI or a job (no request there)."""
    from flask import has_request_context, url_for

    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def user_of(employee_id: int) -> User | None:
    """The account of an employee that is in use: enabled and activated. Someone who has not set a
    password yet gets one message, the invitation; what was assigned meanwhile waits on their home page."""
    return db.session.execute(sa.select(User).where(User.employee_id == employee_id, User.is_enabled.is_(True),
                                                    User.password_set.is_(True))).scalar_one_or_none()


def enabled_users_with_roles(*roles: Any) -> list[User]:
    return list(db.session.execute(sa.select(User).where(User.role.in_(roles), User.is_enabled.is_(True))
                                   .order_by(User.id)).scalars())


def notify(user_id: int, kind: str, text_key: str, params: dict[str, Any], link: str = "",
           event_key: str | None = None) -> Notification | None:
    """Record one notification (and its e-mail in the outbox, when the person wants e-mail and has
    an address) in the caller's transaction. With ``event_key`` the same event is recorded once:
    a second call returns ``None``."""
    values = dict(user_id=user_id, kind=kind, text_key=text_key, link=link, created_at=utcnow(),
                  params_json=json.dumps(params, ensure_ascii=False, sort_keys=True), event_key=event_key)
    if event_key is None:
        row = Notification(**values)
        db.session.add(row)
        db.session.flush()
    else:
        new_id = db.session.execute(insert_ignoring_conflicts(Notification, ["event_key"]).values(**values)
                                    .returning(Notification.id)).scalar_one_or_none()
        if new_id is None:
            return None
        row = db.session.execute(sa.select(Notification).where(Notification.id == new_id)
                                 .execution_options(populate_existing=True)).scalar_one()
    _write_email(row)
    return row


@dataclass(frozen=True)
class NewNotification:
    user_id: int
    kind: str
    text_key: str
    params: dict[str, Any]
    link: str
    event_key: str


def notify_many(items: list[NewNotification]) -> dict[str, str | None]:
    """Record many notifications, each once by its event key, with their e-mail in the outbox, in a
    fixed number of statements whatever their number (batch jobs). Returns, for each one recorded now,
    the Message-ID of its e-mail, or ``None`` when it has none."""
    if not items:
        return {}
    now = utcnow()
    table = Notification.__table__
    rows = [dict(user_id=i.user_id, kind=i.kind, text_key=i.text_key, link=i.link, created_at=now,
                 params_json=json.dumps(i.params, ensure_ascii=False, sort_keys=True), event_key=i.event_key)
            for i in items]
    recorded = dict(db.session.execute(insert_ignoring_conflicts(table, ["event_key"])
                                       .returning(table.c.event_key, table.c.id), rows).all())
    readers = {row.id: row for row in db.session.execute(
        sa.select(User.id, User.email_notifications, Employee.email, Employee.preferred_locale)
        .join(Employee, Employee.id == User.employee_id)
        .where(User.id.in_({i.user_id for i in items if i.event_key in recorded})))}
    message_ids: dict[str, str | None] = {key: None for key in recorded}
    outbox = []
    for item in items:
        reader = readers.get(item.user_id)
        if item.event_key not in recorded or reader is None or not reader.email_notifications or not reader.email:
            continue
        with force_locale(reader.preferred_locale or "zh_CN"):
            text, subject = notification_text(item.text_key, item.params), email_subject()
        message_id = mailer.new_message_id(current_app.config["SMTP_SENDER"])
        outbox.append(dict(notification_id=recorded[item.event_key], to_address=reader.email, subject=subject,
                           body=_email_body(text, item.link), message_id=message_id, created_at=now,
                           attempts=0, last_error=""))
        message_ids[item.event_key] = message_id
    if outbox:
        db.session.execute(OutboxMessage.__table__.insert(), outbox)
    return message_ids


def _email_body(text: str, link: str) -> str:
    if link.startswith("/"):
        link = current_app.config["BASE_URL"].rstrip("/") + link
    return f"{text}\n\n{link}\n" if link else f"{text}\n"


def _write_email(notification: Notification) -> None:
    user = db.session.get(User, notification.user_id)
    address = user.employee.email if user is not None and user.employee is not None else None
    if user is None or not user.email_notifications or not address:
        return
    locale = user.employee.preferred_locale or "zh_CN"
    with force_locale(locale):
        text = notification_text(notification.text_key, notification.params)
        subject = email_subject()
    queue_email(address, subject, _email_body(text, notification.link), notification.id)


def queue_email(address: str, subject: str, body: str, notification_id: int | None = None) -> OutboxMessage:
    """Write one e-mail to the outbox in the caller's transaction; it is sent only if that commits."""
    message = OutboxMessage(notification_id=notification_id, to_address=address, subject=subject, body=body,
                            message_id=mailer.new_message_id(current_app.config["SMTP_SENDER"]), created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    return message


def email_subject() -> str:
    from flask_babel import gettext as _

    return _("Injury portal: a message for you")


def unread_count(user_id: int) -> int:
    return db.session.execute(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))).scalar_one()


_UNREAD = "unread_notifications"
_WRITTEN = "notifications_written"
read_with_the_account(_UNREAD, sa.select(sa.func.count(Notification.id)).where(
    Notification.user_id == User.id, Notification.read_at.is_(None)).correlate(User).scalar_subquery())


def unread_count_of(user: User) -> int:
    """The bell's count: the one read with the account, unless this request has written notifications
    since (marked them read, recorded new ones), then read again."""
    known = page_figures(user).get(_UNREAD)
    if known is None or db.session.info.get(_WRITTEN):
        return unread_count(user.id)
    return known


@sa.event.listens_for(Session, "after_flush")
def _note_flushed_notifications(session: Session, _context: Any) -> None:
    if any(isinstance(row, Notification) for rows in (session.new, session.dirty, session.deleted) for row in rows):
        session.info[_WRITTEN] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _note_notification_statements(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and \
            getattr(getattr(state.statement, "table", None), "name", None) == Notification.__tablename__:
        state.session.info[_WRITTEN] = True


def recent(user_id: int, limit: int = 200) -> list[Notification]:
    return list(db.session.execute(sa.select(Notification).where(Notification.user_id == user_id)
                                   .order_by(Notification.id.desc()).limit(limit)).scalars())


def mark_read(rows: list[Notification]) -> None:
    now = utcnow()
    for row in rows:
        if row.read_at is None:
            row.read_at = now
    db.session.commit()


def smtp_settings() -> mailer.SmtpSettings | None:
    """The mail server from the configuration; ``None`` when ``SMTP_HOST`` is not set."""
    return mailer.settings_from(current_app.config)


@dataclass
class OutboxRun:
    sent: int = 0
    failed: bool = False
    error: str = ""


def deliver_outbox(settings: mailer.SmtpSettings, batch: int = 200) -> OutboxRun:
    """Send unsent outbox messages oldest first, committing each as it is sent: a failing server
    stops the run, what was sent stays sent and the rest waits for the next run. Rows are locked
    (skipping rows another server holds), so two runners never send the same message."""
    run = OutboxRun()
    while True:
        query = (sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                 .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True))
        message = db.session.execute(query).scalar_one_or_none()
        if message is None or run.sent >= batch:
            db.session.commit()
            return run
        message.attempts += 1
        try:
            mailer.send(settings, mailer.compose(settings, message.to_address, message.subject, message.body,
                                                 message.message_id))
        except (OSError, mailer.smtplib.SMTPException) as error:
            message.last_error = str(error)[:300]
            db.session.commit()
            run.failed, run.error = True, message.last_error
            return run
        message.sent_at = utcnow()
        db.session.commit()
        run.sent += 1
