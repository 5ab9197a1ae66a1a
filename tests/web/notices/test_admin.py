"""HR's notice pages: writing, versions, pushing, the deliveries table, questions and answers."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from portal.evidence.ledger import SYSTEM, origin_of, payload_of
from portal.extensions import db
from portal.notices.models import Notice, NoticeDelivery, NoticeResponse, NoticeVersion
from portal.org.models import Employee
from portal.notices.operations import respond, shanghai_date
from portal.notices.rules import ResponseKind
from tests.conftest import counted_statements, login, post_form
from tests.web.notices.conftest import BODY, TITLE, events

DELIVERIES = {"HX-Request": "true", "HX-Target": "notice-deliveries"}
FORM = {"title_zh": TITLE["zh_CN"], "body_zh": BODY["zh_CN"], "title_en": TITLE["en"], "body_en": BODY["en"]}


def push(client, notice_id: int, **data: str):
    return post_form(client, f"/records/notices/{notice_id}/push",
                     {"employee_numbers": "", "department": "0", "due_date": "2099-12-31", **data})


def test_hr_writes_a_notice_and_its_first_version_is_published(client, world):
    login(client, "hr")
    response = post_form(client, "/records/notices/new", FORM)
    notice = db.session.query(Notice).one()
    assert response.status_code == 303 and response.headers["Location"] == f"/records/notices/{notice.id}"
    version = notice.newest
    assert version.number == 1 and notice.key is None and notice.created_by_id == world.user("hr").id
    assert version.sha256 == hashlib.sha256(version.snapshot_json.encode("utf-8")).hexdigest()
    assert version.snapshot == {"format": 1, "key": None, "title": TITLE, "body": BODY}
    (published,) = events("notice_version_published")
    assert published.employee_id is None and published.content_ref == f"notice:{notice.id}"
    assert published.content_sha256 == version.sha256
    assert TITLE["zh_CN"] in client.get(f"/records/notices/{notice.id}").get_data(as_text=True)


def test_missing_chinese_title_names_the_field_and_saves_nothing(client, world, english):
    login(client, "hr")
    response = post_form(client, "/records/notices/new", {**FORM, "title_zh": "  "})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="error" id="title_zh-error">Enter the Chinese title.</p>' in body
    assert db.session.query(Notice).count() == 0 and events("notice_version_published") == []


@pytest.mark.parametrize("data,field", [
    ({"title_en": "Only a title", "body_en": ""}, "body_en"),
    ({"title_en": "", "body_en": "Only a text"}, "title_en"),
    ({"body_zh": "字" * 20001}, "body_zh"),
    ({"title_zh": "题" * 201}, "title_zh"),
])
def test_bad_notice_input_is_422_on_the_field(client, world, data, field):
    login(client, "hr")
    response = post_form(client, "/records/notices/new", {**FORM, **data})
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.query(Notice).count() == 0


def test_editing_the_text_makes_a_new_version_and_the_same_text_does_not(client, world, version, english):
    login(client, "hr")
    edit = f"/records/notices/{version.notice_id}/edit"
    before = client.get(f"/records/notices/{version.notice_id}").get_data(as_text=True)  # its heading drawn and kept
    assert "The text of version 1" in before and "请保存病历" not in before
    assert TITLE["en"] in client.get(edit).get_data(as_text=True)  # the form starts from the newest text
    changed = post_form(client, edit, {**FORM, "body_zh": BODY["zh_CN"] + "\n\n请保存病历。"})
    assert changed.status_code == 303
    same = post_form(client, edit, {**FORM, "body_zh": BODY["zh_CN"] + "\r\n\r\n请保存病历。  "})
    assert same.status_code == 303
    page = client.get(same.headers["Location"]).get_data(as_text=True)
    assert "The text is unchanged; it stays version 2." in page
    assert "The text of version 2" in page and "Version 1," in page and "Version 2," in page
    numbers = [v.number for v in db.session.query(NoticeVersion).order_by(NoticeVersion.number)]
    assert numbers == [1, 2] and len(events("notice_version_published")) == 2
    earlier = post_form(client, edit, FORM)  # back to version 1's text
    assert earlier.status_code == 422 and "This is the text of version 1." in earlier.get_data(as_text=True)
    assert db.session.query(NoticeVersion).count() == 2


def test_push_to_numbers_then_to_a_department_skips_who_has_it(client, world, version, english):
    login(client, "hr")
    response = push(client, version.notice_id, employee_numbers="e001，E002")
    assert response.status_code == 303
    assert "Pushed version 1 to 2 people; 0 already had it." in client.get(response.headers["Location"]).get_data(as_text=True)
    response = push(client, version.notice_id, department=str(world.machining.id))
    assert "Pushed version 1 to 2 people; 1 already had it." in client.get(response.headers["Location"]).get_data(as_text=True)
    received = {d.employee_id: d for d in db.session.query(NoticeDelivery)}
    assert set(received) == {world.worker.id, world.outsider.id, world.manager.id, world.hr.id}
    assert received[world.worker.id].due_date.isoformat() == "2099-12-31"
    pushed, notified = events("notice_pushed", world.worker.id), events("notice_notified", world.worker.id)
    assert len(pushed) == len(notified) == 1
    assert payload_of(pushed[0])["due_date"] == "2099-12-31" and origin_of(pushed[0])["ip"] == "127.0.0.1"
    assert origin_of(notified[0])["channel"] == "portal-inbox"
    assert notified[0].content_sha256 == version.sha256


def test_unknown_number_is_named_and_nothing_is_pushed(client, world, version, english):
    login(client, "hr")
    response = push(client, version.notice_id, employee_numbers="E001 X999", department=str(world.assembly.id))
    assert response.status_code == 422
    assert "Unknown employee numbers: X999. Nothing was pushed." in response.get_data(as_text=True)
    assert db.session.query(NoticeDelivery).count() == 0 and events("notice_pushed") == []


@pytest.mark.parametrize("data,field", [
    ({"employee_numbers": "E001", "due_date": "2020-01-01"}, "due_date"),
    ({"employee_numbers": "E001", "due_date": "tomorrow"}, "due_date"),
    ({}, "employee_numbers"),
])
def test_bad_push_is_422_on_the_field(client, world, version, data, field):
    login(client, "hr")
    response = push(client, version.notice_id, **data)
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.query(NoticeDelivery).count() == 0


def test_deliveries_fragment_skips_what_only_the_page_shows(client, world, delivery):
    login(client, "hr")
    url = f"/records/notices/{delivery.version.notice_id}"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{world.assembly.id}"' in page and "<form" in page  # the filter and the push form
    with counted_statements() as statements:
        fragment = client.get(url, headers=DELIVERIES).get_data(as_text=True)
    assert delivery.employee.name in fragment and "<form" not in fragment
    assert "FROM departments" not in " ".join(statements).replace("\n", " ")


def test_deliveries_table_page_and_fragment_with_filters(client, world, delivery):
    login(client, "hr")
    push(client, delivery.version.notice_id, employee_numbers="E002")
    url = f"/records/notices/{delivery.version.notice_id}"
    page = client.get(url)
    assert "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]
    fragment = client.get(f"{url}?q=李", headers=DELIVERIES)
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="notice-deliveries"') and "<html" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert "李强" in body and "陈晓雨" not in body
    delivery.due_date = shanghai_date() - timedelta(days=1)
    db.session.commit()
    overdue = client.get(f"{url}?status=overdue", headers=DELIVERIES).get_data(as_text=True)
    assert "李强" in overdue and "陈晓雨" not in overdue
    unread = client.get(f"{url}?status=unread&department={world.assembly.id}", headers=DELIVERIES).get_data(as_text=True)
    assert "陈晓雨" in unread and "李强" not in unread


def test_index_counts_deliveries_and_open_questions(client, world, delivery, english):
    respond(delivery, ResponseKind.OBJECTION, "我不同意。", world.user("worker").id, SYSTEM)
    db.session.commit()
    login(client, "hr")
    body = client.get("/records/notices/").get_data(as_text=True)
    assert TITLE["en"] in body and "1 waiting for an answer" in body


def test_hr_answers_and_the_answer_is_recorded_once(client, world, delivery):
    question = respond(delivery, ResponseKind.QUESTION, "停工留薪期多长？", world.user("worker").id, SYSTEM)
    db.session.commit()
    login(client, "hr")
    assert "停工留薪期多长？" in client.get("/records/notices/responses").get_data(as_text=True)
    url = f"/records/notices/responses/{question.id}/answer"
    empty = post_form(client, url, {"answer": " "})
    assert empty.status_code == 422 and f'id="answer-{question.id}-error"' in empty.get_data(as_text=True)
    assert post_form(client, url, {"answer": "一般不超过 12 个月。"}).status_code == 303
    assert post_form(client, url, {"answer": "再答一次"}).status_code == 409
    answered = db.session.get(NoticeResponse, question.id)
    assert answered.answer == "一般不超过 12 个月。" and answered.answered_by_id == world.user("hr").id
    (event,) = events("notice_answered", world.worker.id)
    assert payload_of(event) == {"response": question.id, "answer": "一般不超过 12 个月。"}


@pytest.mark.parametrize("path", ["/records/notices/", "/records/notices/new", "/records/notices/responses"])
def test_a_manager_cannot_reach_hr_notice_pages(client, world, path):
    login(client, "manager")
    assert client.get(path).status_code == 403


def test_a_manager_cannot_push_or_open_a_notice(client, world, version):
    login(client, "manager")
    assert client.get(f"/records/notices/{version.notice_id}").status_code == 403
    assert push(client, version.notice_id, employee_numbers="E001").status_code == 403
    assert db.session.query(NoticeDelivery).count() == 0


def test_deliveries_are_paged_sorted_and_their_queries_do_not_grow(client, world, version):
    from portal.notices.operations import push_notice
    from portal.notices.rules import due_date
    from portal.core.kept import kept_parts
    from tests.conftest import counted_statements
    from tests.web.org.test_employees import add_staff

    login(client, "hr")
    url = f"/records/notices/{version.notice_id}"
    push_notice(version, [world.worker, world.outsider], due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    kept_parts().clear()  # both views computed afresh (a first view reads the department names once)
    with counted_statements() as few:
        assert client.get(url, headers=DELIVERIES).status_code == 200
    add_staff(world, 118)
    staff = db.session.query(Employee).filter(Employee.number.like("S%")).all()
    push_notice(version, staff, due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    kept_parts().clear()
    with counted_statements() as many:
        body = client.get(url, headers=DELIVERIES).get_data(as_text=True)
    assert len(many) == len(few)
    assert "第 1–50 条，共 120 条" in body and body.count("<tr>") == 50 + 1  # 50 rows and the header
    by_name = client.get(f"{url}?sort=-name&page=3", headers=DELIVERIES).get_data(as_text=True)
    assert "第 101–120 条，共 120 条" in by_name and "员工100" in by_name  # names descending: 员工… last
    by_phone = client.get(f"{url}?q=13800000105", headers=DELIVERIES).get_data(as_text=True)
    assert "员工105" in by_phone and "第 1–1 条，共 1 条" in by_phone
