"""The employee's journey: My learning, lessons, quiz, acknowledgement and receipt."""

from __future__ import annotations

import re
from email import message_from_bytes
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core.types import SHANGHAI
from portal.courses.models import Acknowledgement, LessonProgress, QuizAttempt
from portal.courses.operations import current_version, lesson_minimum_seconds
from portal.courses.presenters import questions_of
from portal.evidence.ledger import payload_of
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notifications.operations import deliver_outbox, smtp_settings
from tests.conftest import assign_course, counted_statements, csrf_token, login, post_form
from tests.unit.core.test_mailer import smtp_server  # noqa: F401  (fixture)

SLUG = "injury-basics"


@pytest.fixture
def assigned(world, courses):
    return assign_course(courses[SLUG], world.worker)


def events(employee_id: int, event_type: str) -> list[EvidenceEvent]:
    return list(db.session.execute(
        sa.select(EvidenceEvent).where(EvidenceEvent.employee_id == employee_id, EvidenceEvent.event_type == event_type)
    ).scalars())


def open_lesson_for(client, number: int, seconds: int) -> None:
    """Open a lesson, then move its opening ``seconds`` into the past (the server's reading clock)."""
    assert client.get(f"/learning/{SLUG}/lessons/{number}").status_code == 200
    progress = db.session.execute(sa.select(LessonProgress).where(LessonProgress.lesson_number == number)).scalar_one()
    progress.last_opened_at -= timedelta(seconds=seconds)
    db.session.commit()


def read_all_lessons(client, version) -> None:
    for lesson in version.snapshot["lessons"]:
        open_lesson_for(client, lesson["number"], lesson_minimum_seconds(version, lesson["number"]))
        assert post_form(client, f"/learning/{SLUG}/lessons/{lesson['number']}/read").status_code == 303


def right_answers(version) -> dict[str, list[str]]:
    return {f"q-{q.id}": sorted(q.correct_ids()) for q in questions_of(version)}


def pass_quiz(client, version):
    return post_form(client, f"/learning/{SLUG}/quiz", right_answers(version))


def test_my_learning_lists_the_assignment_with_its_due_date(client, world, assigned):
    login(client, "worker")
    body = client.get("/learning/").get_data(as_text=True)
    assert "工伤基础与报告流程" in body
    assert "未开始" in body
    assert assigned.due_date.strftime("%Y年%-m月%-d日") in body


def test_my_learning_follows_progress_and_language_though_its_list_is_kept(client, world, assigned):
    """The list is drawn once per set of rows and kept: a changed row or language draws it again."""
    login(client, "worker")
    assert "未开始" in client.get("/learning/").get_data(as_text=True)
    assert client.get(f"/learning/{SLUG}/lessons/1").status_code == 200
    body = client.get("/learning/").get_data(as_text=True)
    assert "进行中" in body and "未开始" not in body
    world.worker.preferred_locale = "en"
    db.session.commit()
    body = client.get("/learning/").get_data(as_text=True)
    assert "In progress" in body and "Work injury basics and reporting" in body
    assert "进行中" not in body and "工伤基础与报告流程" not in body


def test_english_employee_reads_the_english_version(client, world, assigned):
    world.worker.preferred_locale = "en"
    db.session.commit()
    login(client, "worker")
    body = client.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)
    assert "Lesson 1 of 3" in body and "<html lang=\"en\">" in body


def test_opening_and_reading_a_lesson_is_recorded_with_time_spent(client, world, assigned):
    login(client, "worker")
    response = client.get(f"/learning/{SLUG}/lessons/1", headers={"User-Agent": "PhoneBrowser/1.0"})
    assert response.status_code == 200
    assert "第 1 课，共 3 课" in response.get_data(as_text=True)
    opened = events(world.worker.id, "lesson_viewed")
    assert len(opened) == 1 and '"lesson":1' in opened[0].body and "PhoneBrowser/1.0" in opened[0].body
    assert len(events(world.worker.id, "course_opened")) == 1
    open_lesson_for(client, 1, 95)
    response = post_form(client, f"/learning/{SLUG}/lessons/1/read")
    assert response.headers["Location"] == f"/learning/{SLUG}/lessons/2"
    read = events(world.worker.id, "lesson_read")
    assert len(read) == 1
    # 95 s since the opening, plus however long this machine took between the two requests
    seconds = payload_of(read[0])["seconds"]
    progress = db.session.query(LessonProgress).one()
    assert 95 <= seconds and progress.seconds_spent == seconds and progress.read_at is not None


def test_finished_reading_too_soon_does_not_count(client, world, assigned):
    login(client, "worker")
    version = current_version(assigned.course, "zh_CN")
    minimum = lesson_minimum_seconds(version, 1)
    assert minimum > 10  # scaled to the lesson's length, above the floor
    open_lesson_for(client, 1, minimum - 5)
    response = post_form(client, f"/learning/{SLUG}/lessons/1/read")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and f"至少需要 {minimum} 秒" in body and "第 1 课，共 3 课" in body
    assert events(world.worker.id, "lesson_read") == []
    assert db.session.query(LessonProgress).one().read_at is None
    assert "读完每一课" in client.get(f"/learning/{SLUG}/acknowledge").get_data(as_text=True)
    # Opened but never read to the end: posting for lesson 2 without opening it is refused too.
    assert post_form(client, f"/learning/{SLUG}/lessons/2/read").status_code == 422


def test_reopening_records_until_the_lesson_is_read_then_reviewing_records_nothing(client, world, assigned):
    login(client, "worker")
    open_lesson_for(client, 1, 30)
    reopened = client.get(f"/learning/{SLUG}/lessons/1")
    assert reopened.status_code == 200 and len(events(world.worker.id, "lesson_viewed")) == 2
    # The reopening restarted the clock: 30 s ago is forgotten, reading now is too soon.
    assert post_form(client, f"/learning/{SLUG}/lessons/1/read").status_code == 422
    open_lesson_for(client, 1, 600)
    assert post_form(client, f"/learning/{SLUG}/lessons/1/read").status_code == 303
    progress = db.session.query(LessonProgress).one()
    spent, read_at, viewed = progress.seconds_spent, progress.read_at, len(events(world.worker.id, "lesson_viewed"))
    assert spent >= 600 and viewed == 3

    with counted_statements() as statements:
        review = client.get(f"/learning/{SLUG}/lessons/1")
    assert review.status_code == 200 and "读完" in review.get_data(as_text=True)
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s in statements)
    again = post_form(client, f"/learning/{SLUG}/lessons/1/read")
    assert again.headers["Location"] == f"/learning/{SLUG}/lessons/2"
    db.session.expire_all()
    progress = db.session.query(LessonProgress).one()
    assert (progress.seconds_spent, progress.read_at) == (spent, read_at)
    assert len(events(world.worker.id, "lesson_viewed")) == viewed and len(events(world.worker.id, "lesson_read")) == 1


def test_statement_lists_each_lesson_read_and_when(client, world, assigned):
    login(client, "worker")
    version = current_version(assigned.course, "zh_CN")
    read_all_lessons(client, version)
    pass_quiz(client, version)
    post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": "李强"})
    record = db.session.query(Acknowledgement).one()
    progress = {p.lesson_number: p for p in db.session.query(LessonProgress)}
    for lesson in version.snapshot["lessons"]:
        read_at = progress[lesson["number"]].read_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        assert f"第 {lesson['number']} 课《{lesson['title']}》于 {read_at} 读完" in record.statement


def test_lesson_reader_page_and_fragment(client, world, assigned):
    login(client, "worker")
    page = client.get(f"/learning/{SLUG}/lessons/2")
    fragment = client.get(f"/learning/{SLUG}/lessons/2", headers={"HX-Request": "true", "HX-Target": "lesson-reader"})
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<article id="lesson-reader"')
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_lesson_html_is_sanitized_markdown(client, world, assigned):
    login(client, "worker")
    body = client.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)
    assert "<h2>" in body and "<script" not in body.split("</main>")[0].split("<main")[1]


def test_last_lesson_leads_to_the_quiz(client, world, assigned):
    login(client, "worker")
    open_lesson_for(client, 3, 600)
    assert post_form(client, f"/learning/{SLUG}/lessons/3/read").headers["Location"] == f"/learning/{SLUG}/quiz"


def test_unknown_lesson_is_404(client, world, assigned):
    login(client, "worker")
    assert client.get(f"/learning/{SLUG}/lessons/9").status_code == 404


def test_quiz_gives_feedback_and_allows_retries(client, world, assigned):
    login(client, "worker")
    version = current_version(assigned.course, "zh_CN")
    wrong = {key: ["a"] if "q1" in key else [] for key in right_answers(version)}
    failed = post_form(client, f"/learning/{SLUG}/quiz", wrong)
    body = failed.get_data(as_text=True)
    assert failed.status_code == 200
    assert "需要 80% 才能通过" in body
    assert questions_of(version)[0].explanation["zh_CN"][:20] in body
    passed = pass_quiz(client, version)
    assert "通过" in passed.get_data(as_text=True)
    attempts = db.session.query(QuizAttempt).order_by(QuizAttempt.id).all()
    assert [a.passed for a in attempts] == [False, True] and attempts[1].percent == 100
    assert len(events(world.worker.id, "quiz_attempted")) == 2


def test_quiz_fragment_for_htmx(client, world, assigned):
    login(client, "worker")
    version = current_version(assigned.course, "zh_CN")
    token = csrf_token(client, f"/learning/{SLUG}/quiz")
    response = client.post(f"/learning/{SLUG}/quiz", data={"csrf_token": token, **right_answers(version)},
                           headers={"HX-Request": "true", "HX-Target": "quiz"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="quiz"') and "<html" not in body


@pytest.mark.parametrize(
    "tampered",
    [{"q-q1": ["z"]}, {"q-q99": ["a"]}, {"q-q1": ["a", "b"]}],
    ids=["unknown option", "unknown question", "two answers to a single-choice question"],
)
def test_tampered_answers_are_refused_with_a_message(client, world, assigned, tampered):
    login(client, "worker")
    response = post_form(client, f"/learning/{SLUG}/quiz", tampered)
    assert response.status_code == 400
    assert "本测验没有的选项" in response.get_data(as_text=True)
    assert db.session.query(QuizAttempt).count() == 0


def test_acknowledgement_waits_for_every_lesson_and_a_passed_quiz(client, world, assigned):
    login(client, "worker")
    page = client.get(f"/learning/{SLUG}/acknowledge").get_data(as_text=True)
    assert "读完每一课" in page and "通过测验" in page
    response = post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": "李强"})
    assert response.status_code == 409
    version = current_version(assigned.course, "zh_CN")
    pass_quiz(client, version)
    assert post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": "李强"}).status_code == 409
    assert db.session.query(Acknowledgement).count() == 0


def test_full_journey_gives_one_receipt_with_hash_ip_and_text(client, world, assigned):
    login(client, "worker")
    version = current_version(assigned.course, "zh_CN")
    read_all_lessons(client, version)
    pass_quiz(client, version)
    page = client.get(f"/learning/{SLUG}/acknowledge").get_data(as_text=True)
    assert f"我已阅读并理解《工伤基础与报告流程》第 {version.number} 版" in page
    wrong_name = post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": "张三"})
    assert wrong_name.status_code == 422 and "李强" in wrong_name.get_data(as_text=True)
    response = post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": " 李 强 "})
    assert response.status_code == 303
    receipt_url = response.headers["Location"]
    again = post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": "李强"})
    assert again.headers["Location"] == receipt_url  # a double submit makes no second record
    record = db.session.query(Acknowledgement).one()
    assert record.content_sha256 == version.sha256 and record.ip == "127.0.0.1"
    assert len(events(world.worker.id, "course_acknowledged")) == 1
    receipt = client.get(receipt_url).get_data(as_text=True)
    assert record.receipt_number in receipt and version.sha256 in receipt
    assert re.search(r"R\d{8}-\d{6}", record.receipt_number)
    assert version.snapshot["lessons"][0]["title"] in receipt


def test_employee_cannot_open_another_employees_receipt_or_course(client, world, courses):
    from portal.demo.operations import walk_through_course

    receipt = walk_through_course(assign_course(courses[SLUG], world.worker), world.user("worker").id)
    login(client, "outsider")
    assert client.get(f"/learning/receipts/{receipt.receipt_number}").status_code == 403
    assert client.get(f"/learning/{SLUG}").status_code == 404  # not assigned to them


def test_new_hire_created_by_hr_gets_the_onboarding_courses(client, world, courses):
    login(client, "hr")
    form = {"number": "N100", "name": "周敏", "hire_date": "2026-11-01", "department_id": str(world.assembly.id),
            "contract_type": "short_term", "email": "", "phone": "", "preferred_locale": "zh_CN",
            "status": "active", "left_date": ""}
    assert post_form(client, "/employees/new", form).status_code == 303
    from portal.org.models import Employee

    hired = db.session.query(Employee).filter_by(number="N100").one()
    assigned = {e.body.split('"id":"')[1].split('"')[0] for e in events(hired.id, "course_assigned")}
    assert assigned == {"injury-basics", "social-insurance-shares", "short-tenure"}


def test_receipt_is_mailed_to_the_employee_when_email_is_configured(app, client, world, assigned, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, SMTP_SENDER="hr@company-a.example")
    world.worker.email = "li.qiang@company-a.example"
    db.session.commit()
    login(client, "worker")
    version = current_version(assigned.course, "zh_CN")
    read_all_lessons(client, version)
    pass_quiz(client, version)
    assert post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": "李强"}).status_code == 303
    record = db.session.query(Acknowledgement).one()
    assert deliver_outbox(smtp_settings()).sent == 1  # what the outbox job does every minute
    ((_sender, recipients, content),) = inbox.messages
    text = message_from_bytes(content).get_payload(decode=True).decode("utf-8")
    assert recipients == ["li.qiang@company-a.example"]
    assert record.receipt_number in text and record.statement in text and record.content_sha256 in text
    assert f"/learning/receipts/{record.receipt_number}" in text


def test_no_mail_without_an_address(app, client, world, assigned, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    login(client, "worker")
    version = current_version(assigned.course, "zh_CN")
    read_all_lessons(client, version)
    pass_quiz(client, version)
    assert post_form(client, f"/learning/{SLUG}/acknowledge", {"typed_name": "李强"}).status_code == 303
    assert deliver_outbox(smtp_settings()).sent == 0
    assert inbox.messages == []
