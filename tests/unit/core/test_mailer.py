"""SMTP delivery against a real SMTP server that the test starts on the loopback address."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from portal.core.mailer import SmtpSettings, compose, send
from tests.ports import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"



@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_a_reminder_reaches_the_smtp_server_in_utf8(smtp_server):
    inbox, port = smtp_server
    settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender="hr@company-a.example")
    message = compose(settings, "li.qiang@company-a.example", "请确认《工伤基础与报告流程》",
                      "您好，李强：课程已逾期，请尽快完成并确认。")
    message_id = send(settings, message)
    ((mail_from, recipients, content),) = inbox.messages
    assert mail_from == "hr@company-a.example" and recipients == ["li.qiang@company-a.example"]
    received = message_from_bytes(content)
    assert str(make_header(decode_header(received["Subject"]))) == "请确认《工伤基础与报告流程》"
    assert received["Message-ID"] == message_id
    assert "课程已逾期" in received.get_payload(decode=True).decode("utf-8")


def test_an_unreachable_server_raises_instead_of_pretending(smtp_server):
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), starttls=False, timeout=2)
    with pytest.raises(OSError):
        send(settings, compose(settings, "x@example.com", "s", "t"))
