"""The employee's side: My notices, reading, acknowledging, asking or objecting, receipts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.evidence.ledger import SYSTEM, origin_of, payload_of
from portal.extensions import db
from portal.notices.models import NoticeAcknowledgement, NoticeResponse
from portal.notices import rules
from portal.notices.operations import push_notice, save_notice, shanghai_date
from portal.notices.rules import notice_statement
from portal.notifications.operations import deliver_outbox, smtp_settings
from tests.conftest import counted_statements, csrf_token, login, post_form
from tests.unit.core.test_mailer import smtp_server  # noqa: F401  (fixture)
from tests.web.notices.conftest import TITLE, events

RESPONSES = {"HX-Request": "true", "HX-Target": "notice-responses"}
PHONE = {"User-Agent": "PhoneBrowser/2.0"}


def test_my_notices_lists_the_delivery_with_its_status_and_due_date(client, world, delivery, english):
    login(client, "worker")
    body = client.get("/notices/").get_data(as_text=True)
    assert TITLE["en"] in body and "Unread" in body
    assert f"/notices/{delivery.id}" in body
    assert delivery.due_date.strftime("%b %-d, %Y") in body


def test_overdue_and_done_are_shown_as_such(client, world, delivery, english):
    delivery.due_date = shanghai_date() - timedelta(days=1)
    db.session.commit()
    login(client, "worker")
    assert "Overdue" in client.get("/notices/").get_data(as_text=True)
    client.get(f"/notices/{delivery.id}")
    post_form(client, f"/notices/{delivery.id}/acknowledge", {"typed_name": "李强"})
    body = client.get("/notices/").get_data(as_text=True)
    assert "Done" in body and "Overdue" not in body


def test_every_opening_is_recorded_with_address_and_device(client, world, delivery):
    login(client, "worker")
    page = client.get(f"/notices/{delivery.id}", headers=PHONE).get_data(as_text=True)
    assert TITLE["zh_CN"] in page and "<h2>立即报告</h2>" in page  # rendered Markdown, in the worker's Chinese
    first_opened = delivery.first_opened_at
    client.get(f"/notices/{delivery.id}", headers=PHONE)
    opened = events("notice_opened", world.worker.id)
    assert [payload_of(e)["first"] for e in opened] == [True, False]
    assert all(origin_of(e)["ip"] == "127.0.0.1" and origin_of(e)["user_agent"] == "PhoneBrowser/2.0" for e in opened)
    assert "PhoneBrowser/2.0" in opened[0].body and opened[0].content_sha256 == delivery.version.sha256
    assert delivery.first_opened_at == first_opened is not None


def test_acknowledging_needs_the_right_name_and_gives_one_receipt(client, world, delivery):
    login(client, "worker")
    page = client.get(f"/notices/{delivery.id}").get_data(as_text=True)
    statement = notice_statement("zh_CN", TITLE["zh_CN"], 1)
    assert statement == "我已阅读并理解《工伤报告须知》第 1 版的全部内容，并输入本人姓名确认。"
    assert statement in page
    url = f"/notices/{delivery.id}/acknowledge"
    wrong = post_form(client, url, {"typed_name": "张三"})
    assert wrong.status_code == 422 and 'id="typed_name-error"' in wrong.get_data(as_text=True)
    assert "李强" in wrong.get_data(as_text=True).split('id="typed_name-error"')[1][:200]
    empty = post_form(client, url, {"typed_name": ""})
    assert empty.status_code == 422
    right = post_form(client, url, {"typed_name": " 李 强 "}, headers=PHONE)
    assert right.status_code == 303
    receipt_url = right.headers["Location"]
    again = post_form(client, url, {"typed_name": "李强"})
    assert again.status_code == 303 and again.headers["Location"] == receipt_url
    record = db.session.query(NoticeAcknowledgement).one()
    assert re.fullmatch(r"N\d{8}-\d{6}", record.receipt_number) and receipt_url == f"/notices/receipts/{record.receipt_number}"
    assert record.statement == statement and record.typed_name == "李 强" and record.user_agent == "PhoneBrowser/2.0"
    assert record.content_sha256 == delivery.version.sha256 and delivery.acknowledged_at == record.acknowledged_at
    (event,) = events("notice_acknowledged", world.worker.id)
    assert record.event_hash == event.hash
    assert payload_of(event) == {"statement": statement, "typed_name": "李 强", "receipt": record.receipt_number}
    receipt = client.get(receipt_url).get_data(as_text=True)
    assert record.receipt_number in receipt and delivery.version.sha256 in receipt and event.hash in receipt
    assert "受伤后立即报告主管" in receipt and "Report an injury to your supervisor at once" in receipt
    assert "PhoneBrowser/2.0" in receipt and statement in receipt


def test_an_english_reader_confirms_the_english_statement(client, world, delivery, english):
    login(client, "worker")
    page = client.get(f"/notices/{delivery.id}").get_data(as_text=True)
    assert "<h2>Report at once</h2>" in page
    statement = "I have read and understood version 1 of “Reporting a work injury” and confirm this by typing my full name."
    assert statement in page
    post_form(client, f"/notices/{delivery.id}/acknowledge", {"typed_name": "李强"})
    assert db.session.query(NoticeAcknowledgement).one().statement == statement


def test_a_notice_never_opened_cannot_be_acknowledged(client, world, delivery):
    login(client, "worker")
    token = csrf_token(client, "/notices/")
    response = client.post(f"/notices/{delivery.id}/acknowledge", data={"csrf_token": token, "typed_name": "李强"})
    assert response.status_code == 409 and db.session.query(NoticeAcknowledgement).count() == 0


@pytest.mark.parametrize("data,field", [
    ({"kind": "question", "text": "   "}, "text"),
    ({"kind": "question", "text": "问" * 2001}, "text"),
    ({"kind": "complaint", "text": "为什么？"}, "kind"),
])
def test_bad_question_is_422_on_the_field(client, world, delivery, data, field):
    login(client, "worker")
    client.get(f"/notices/{delivery.id}")
    response = post_form(client, f"/notices/{delivery.id}/respond", data)
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.query(NoticeResponse).count() == 0 and events("notice_responded") == []


def test_question_and_answer_round_trip(app, client, world, delivery, english):
    login(client, "worker")
    response = post_form(client, f"/notices/{delivery.id}/respond", {"kind": "objection", "text": "我不同意\r\n这个说法。"})
    assert response.status_code == 303 and response.headers["Location"] == f"/notices/{delivery.id}#notice-responses"
    (event,) = events("notice_responded", world.worker.id)
    asked = db.session.query(NoticeResponse).one()
    assert payload_of(event) == {"delivery": delivery.id, "response": asked.id, "kind": "objection",
                                 "text": "我不同意\n这个说法。"}
    assert "Waiting for HR" in client.get(f"/notices/{delivery.id}").get_data(as_text=True)
    hr = app.test_client()
    login(hr, "hr")
    assert "我不同意" in hr.get("/records/notices/responses").get_data(as_text=True)
    assert post_form(hr, f"/records/notices/responses/{asked.id}/answer", {"answer": "请看第三十三条。"}).status_code == 303
    page = client.get(f"/notices/{delivery.id}").get_data(as_text=True)
    assert "请看第三十三条。" in page and "HR answered on" in page


def test_respond_page_and_fragment(client, world, delivery):
    login(client, "worker")
    token = csrf_token(client, f"/notices/{delivery.id}")
    url = f"/notices/{delivery.id}/respond"
    fragment = client.post(url, data={"csrf_token": token, "kind": "question", "text": "什么时候发工资？"}, headers=RESPONSES)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert body.lstrip().startswith('<section id="notice-responses"') and "<html" not in body
    assert "什么时候发工资？" in body
    invalid = client.post(url, data={"csrf_token": token, "kind": "question", "text": ""}, headers=RESPONSES)
    assert invalid.status_code == 422 and invalid.get_data(as_text=True).lstrip().startswith('<section id="notice-responses"')
    full = client.post(url, data={"csrf_token": token, "kind": "question", "text": ""})
    assert full.status_code == 422 and "<html" in full.get_data(as_text=True) and "HX-Request" in full.headers["Vary"]
    plain = client.post(url, data={"csrf_token": token, "kind": "question", "text": "还有一个问题"})
    assert plain.status_code == 303


@pytest.mark.parametrize("username,receipt_status", [
    ("outsider", 403), ("manager", 200), ("other.manager", 403), ("hr", 200),
])
def test_only_the_employee_opens_a_delivery_and_the_receipt_follows_the_policy(
    app, client, world, delivery, username, receipt_status,
):
    login(client, "worker")
    client.get(f"/notices/{delivery.id}")
    receipt_url = post_form(client, f"/notices/{delivery.id}/acknowledge", {"typed_name": "李强"}).headers["Location"]
    other = app.test_client()
    login(other, username)
    assert other.get(f"/notices/{delivery.id}").status_code == 404
    assert post_form(other, f"/notices/{delivery.id}/respond", {"kind": "question", "text": "?"}).status_code == 404
    assert post_form(other, f"/notices/{delivery.id}/acknowledge", {"typed_name": "李强"}).status_code == 404
    assert other.get(receipt_url).status_code == receipt_status
    assert other.get("/notices/receipts/N20261126-999999").status_code == 404


def test_notice_receipt_is_mailed_once_when_email_is_configured(app, client, world, delivery, smtp_server):  # noqa: F811
    from email import message_from_bytes

    inbox, port = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    world.worker.email = "li.qiang@company-a.example"
    db.session.commit()
    login(client, "worker")
    client.get(f"/notices/{delivery.id}")
    post_form(client, f"/notices/{delivery.id}/acknowledge", {"typed_name": "李强"})
    post_form(client, f"/notices/{delivery.id}/acknowledge", {"typed_name": "李强"})  # a double submit
    record = db.session.query(NoticeAcknowledgement).one()
    assert deliver_outbox(smtp_settings()).sent == 1  # what the outbox job does every minute
    ((_sender, recipients, content),) = inbox.messages
    text = message_from_bytes(content).get_payload(decode=True).decode("utf-8")
    assert recipients == ["li.qiang@company-a.example"]
    assert record.receipt_number in text and record.statement in text and TITLE["zh_CN"] in text


def test_my_notices_names_each_version_in_the_readers_language_without_reading_its_text(client, world, delivery):
    """A title in English when the version has an English text, else the Chinese one; titles are
    read once per process (a version never changes), so the list's one statement carries no text."""
    hr = world.user("hr").id
    chinese_only, _created = save_notice(None, {"zh_CN": "只有中文的通知", "en": "Chinese only"}, {"zh_CN": "正文", "en": ""},
                                         hr, SYSTEM)
    push_notice(chinese_only, [world.worker], rules.due_date(shanghai_date()), hr, SYSTEM)
    db.session.commit()
    login(client, "worker")
    chinese = client.get("/notices/").get_data(as_text=True)
    assert TITLE["zh_CN"] in chinese and "只有中文的通知" in chinese
    world.worker.preferred_locale = "en"
    db.session.commit()
    english = client.get("/notices/").get_data(as_text=True)
    assert TITLE["en"] in english and "只有中文的通知" in english and "Chinese only" not in english
    with counted_statements() as statements:
        assert client.get("/notices/").status_code == 200
    assert len(statements) == 1 and "snapshot_json" not in statements[0]
