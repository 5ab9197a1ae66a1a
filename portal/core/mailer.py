"""E-mail delivery through SMTP, when configured. No Flask: settings come in."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    sender: str = "portal@localhost"
    sender_name: str = "工伤服务平台 Injury portal"
    timeout: float = 10.0


def settings_from(config: Mapping[str, Any]) -> SmtpSettings | None:
    """The mail server named by the portal's configuration; ``None`` when ``SMTP_HOST`` is not set."""
    if not config.get("SMTP_HOST"):
        return None
    return SmtpSettings(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]), username=config.get("SMTP_USERNAME"),
                        password=config.get("SMTP_PASSWORD"), starttls=bool(config["SMTP_STARTTLS"]),
                        sender=config["SMTP_SENDER"])


def new_message_id(sender: str) -> str:
    return make_msgid(domain=sender.split("@")[-1] or "localhost")


def compose(settings: SmtpSettings, to: str, subject: str, text: str, message_id: str | None = None) -> EmailMessage:
    """A plain-text UTF-8 message; the Message-ID is recorded as delivery evidence (an outbox
    message brings the one it was given when written, so a resend keeps its identity)."""
    message = EmailMessage()
    message["From"] = formataddr((settings.sender_name, settings.sender))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or new_message_id(settings.sender)
    message.set_content(text, charset="utf-8")
    return message


def send(settings: SmtpSettings, message: EmailMessage) -> str:
    """Send one message and return its Message-ID (the channel's reference for the ledger)."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as client:
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)
    return str(message["Message-ID"])
