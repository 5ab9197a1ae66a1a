"""Every event a person should know about reaches them once, in the portal and by e-mail through
the outbox; a mail server failing mid-run loses nothing and repeats nothing."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from portal.auth.operations import issue_reset_link
from portal.auth.policy import Role
from portal.auth.routes import load_user
from portal.cases.models import InjuryCase
from portal.cases.operations import update_case
from portal.core.types import local_today, utcnow
from portal.courses.models import Assignment
from portal.evidence.ledger import SYSTEM, payload_of
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.jobs import queue
from portal.notices.models import NoticeDelivery
from portal.notices.operations import answer_response, push_notice, respond, save_notice
from portal.notices.rules import ResponseKind
from portal.notifications import operations
from portal.notifications.jobs import deliver_outbox_job
from portal.core.mailer import SmtpSettings
from portal.notifications.models import Notification, OutboxMessage
from portal.workbench import operations as workbench
from portal.workbench.models import RiskAlert
from portal.workbench.workflow import Decision
from tests.conftest import assign_course, counted_statements, csrf_token, login, post_form
from tests.ports import free_port
from tests.unit.core.test_mailer import smtp_server  # noqa: F401  (fixture)
from tests.web.cases.route_expectations import prepare_cases

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADDRESSES = {"worker": "li@company-a.example", "manager": "zhao@company-a.example", "hr": "wang@company-a.example"}


@pytest.fixture
def reachable(world):
    """The worker, their manager and HR have e-mail addresses (the admin has no employee record)."""
    for username, address in ADDRESSES.items():
        world.user(username).employee.email = address
    db.session.commit()
    return world


def _received(world, username: str) -> Counter:
    rows = db.session.query(Notification).filter_by(user_id=world.user(username).id)
    return Counter(n.text_key for n in rows)


def test_every_event_kind_reaches_the_right_person_once_in_the_portal_and_by_mail(app, reachable, courses,
                                                                                   smtp_server):  # noqa: F811
    world, (inbox, port) = reachable, smtp_server
    hr_id = world.user("hr").id
    overdue = assign_course(courses["injury-basics"], world.worker)                          # pushed course
    overdue.due_date = local_today() - timedelta(days=5)                                     # overdue, escalated
    version, _ = save_notice(None, {"zh_CN": "工伤报告须知"}, {"zh_CN": "受伤后立即报告主管。"}, hr_id, SYSTEM)
    (delivery,) = push_notice(version, [world.worker], local_today() + timedelta(days=1), hr_id, SYSTEM)  # notice
    question = respond(delivery, ResponseKind.QUESTION, "停工留薪期多长？", world.user("worker").id, SYSTEM)
    respond(delivery, ResponseKind.OBJECTION, "我不同意。", world.user("worker").id, SYSTEM)  # to HR
    answer_response(question, "一般不超过 12 个月。", hr_id, SYSTEM)                           # HR's answer
    db.session.commit()
    case = db.session.get(InjuryCase, int(prepare_cases(world)["case"]))  # case opened, stop-pay action for HR
    update_case(case, {"description": "右手压伤"}, hr_id, SYSTEM)                             # case changed
    report = workbench.file_report(world.worker, date(2026, 11, 20), "二号车间", "压床夹手",
                                   world.user("worker").id, SYSTEM)                        # waits for the manager
    workbench.decide_report(report, "department_review", Role.MANAGER, Decision.RETURN, "请补充时间",
                            world.user("manager").id, SYSTEM)                              # returned to the worker
    issue_reset_link(world.user("worker"), world.user("hr"), utcnow())                    # told about the link
    workbench.send_reminders(local_today(), 3)                                            # due soon
    db.session.commit()

    worker, manager, hr = (_received(world, name) for name in ("worker", "manager", "hr"))
    assigned = db.session.query(Assignment).filter_by(employee_id=world.worker.id).count()  # + the injury courses
    assert assigned > 1 and worker["course_assigned"] == assigned
    pushed = db.session.query(NoticeDelivery).filter_by(employee_id=world.worker.id).count()  # + the case's guide
    assert worker["notice_pushed"] == pushed and worker["notice_answered"] == 1
    assert worker["case_opened"] == 1 and worker["report_returned"] == 1 and worker["reset_link_issued"] == 1
    assert worker["notice_due_soon"] == 1 and worker["case_changed"] == 1 and worker["course_reminder"] == 1
    assert manager["approval_waiting"] == 1 and manager["course_escalation"] == 1 and manager["course_assigned"] == 0
    assert hr["notice_question"] == 1 and hr["notice_objection"] == 1 and hr["case_action_waiting"] == 1
    assert _received(world, "admin")["notice_question"] == 0  # HR answers questions; the admin is not copied

    # Recording the same events again changes nothing: the ledger event names each notification.
    before = db.session.query(Notification).count()
    workbench.send_reminders(local_today(), 3)
    assert db.session.query(Notification).count() == before

    # Every notification of someone with an address has exactly one e-mail; the outbox delivers them.
    mailed = db.session.query(Notification).join(OutboxMessage, OutboxMessage.notification_id == Notification.id)
    assert mailed.count() == sum(sum(c.values()) for c in (worker, manager, hr))
    settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False)
    assert operations.deliver_outbox(settings).sent == mailed.count()
    recipients = Counter(rcpt for _from, rcpts, _content in inbox.messages for rcpt in rcpts)
    assert recipients == {ADDRESSES["worker"]: sum(worker.values()), ADDRESSES["manager"]: sum(manager.values()),
                          ADDRESSES["hr"]: sum(hr.values())}
    assert operations.deliver_outbox(settings).sent == 0  # nothing twice


def test_the_approved_report_opens_its_case_and_tells_the_reporter(app, reachable):
    prepare_cases(reachable)  # the regional policy in force
    world = reachable
    report = workbench.file_report(world.worker, date(2026, 11, 2), "二号车间", "压床夹手", world.user("worker").id, SYSTEM)
    for step, role, user in (("department_review", Role.MANAGER, "manager"), ("hr_confirmation", Role.HR, "hr"),
                             ("insurance_filing", Role.HR, "hr")):
        workbench.decide_report(report, step, role, Decision.APPROVE, "", world.user(user).id, SYSTEM)
    db.session.commit()
    assert report.case_id is not None
    case = db.session.get(InjuryCase, report.case_id)
    assert (case.accident_date, case.reported_date) == (date(2026, 11, 2), report.created_at.astimezone(SHANGHAI).date())
    assert "压床夹手" in case.description
    assert _received(world, "worker")["report_approved"] == 1
    assert _received(world, "hr")["report_case_opened"] == 1


class FlakyInbox:
    """An SMTP server that refuses the third message once (a server restarting mid-run)."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refused = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if len(self.messages) == 2 and not self.refused:
            self.refused = True
            return "451 Try again later"
        self.messages.append(envelope.content)
        return "250 OK"


def test_a_mail_server_failure_mid_run_loses_nothing_and_repeats_nothing(app, reachable):
    worker = reachable.user("worker")
    for n in range(5):
        operations.notify(worker.id, "reminder", "course_due_soon", {"title": f"课程 {n}", "due": "2026-12-01"})
    db.session.commit()
    handler, port = FlakyInbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False)
        first = operations.deliver_outbox(settings)
        assert (first.sent, first.failed) == (2, True)
        assert db.session.query(OutboxMessage).filter(OutboxMessage.sent_at.is_(None)).count() == 3
        second = operations.deliver_outbox(settings)
        assert (second.sent, second.failed) == (3, False)
    finally:
        controller.stop()
    ids = [message_from_bytes(m)["Message-ID"] for m in handler.messages]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert set(ids) == {m.message_id for m in db.session.query(OutboxMessage)}
    bodies = sorted(message_from_bytes(m).get_payload(decode=True).decode() for m in handler.messages)
    assert [b.split("》")[0][-4:] for b in bodies] == ["课程 0", "课程 1", "课程 2", "课程 3", "课程 4"]


def test_the_scheduled_job_sends_the_outbox(app, reachable, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    operations.notify(reachable.user("worker").id, "reminder", "course_due_soon", {"title": "T", "due": "2026-12-01"})
    db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    queue.storage.flush_all()  # forget this minute's claim from an earlier test: each minute runs once
    deliver_outbox_job.call_local()
    assert len(inbox.messages) == 1
    assert db.session.query(OutboxMessage).one().sent_at is not None


def test_the_e_mail_preference_turns_mail_off_but_keeps_the_portal_copy(client, reachable):
    login(client, "worker")
    assert client.post("/notifications/preferences", data={"csrf_token": csrf_token(client, "/notifications/")}
                       ).status_code == 303  # the box unticked
    operations.notify(reachable.user("worker").id, "reminder", "course_due_soon", {"title": "T", "due": "2026-12-01"})
    db.session.commit()
    assert db.session.query(Notification).count() == 1 and db.session.query(OutboxMessage).count() == 0
    page = client.get("/notifications/").get_data(as_text=True)
    assert "课程《T》将于 2026-12-01 到期" in page and 'name="email" type="checkbox" value="y">' in page


def test_hr_reminds_now_and_moves_due_dates_in_one_go(client, reachable, courses):
    world = reachable
    first = assign_course(courses["injury-basics"], world.worker)
    second = assign_course(courses["injury-basics"], world.outsider)
    login(client, "hr")
    page = client.get("/notifications/duties").get_data(as_text=True)
    assert f'value="course:{first.id}"' in page and f'value="course:{second.id}"' in page
    items = {"item": [f"course:{first.id}", f"course:{second.id}"]}
    token = csrf_token(client, "/notifications/duties")
    assert client.post("/notifications/duties", data={"csrf_token": token, "action": "remind", **items}
                       ).status_code == 303
    assert _received(world, "worker")["course_due_soon"] == 1 and _received(world, "outsider")["course_due_soon"] == 1
    past = client.post("/notifications/duties", data={"csrf_token": token, "action": "extend",
                                                     "new_due": local_today().isoformat(), **items})
    assert past.status_code == 422 and "请选择今天之后的日期" in past.get_data(as_text=True)
    later = first.due_date + timedelta(days=14)
    assert client.post("/notifications/duties", data={"csrf_token": token, "action": "extend",
                                                     "new_due": later.isoformat(), **items}).status_code == 303
    db.session.refresh(first)
    assert first.due_date == later and _received(world, "worker")["due_extended"] == 1
    assert post_form(client, "/notifications/duties", {"action": "remind"}).status_code == 422


def test_hr_records_an_acknowledgement_on_behalf_only_with_how_it_was_given(client, reachable, courses):
    world = reachable
    assignment = assign_course(courses["injury-basics"], world.worker)
    assignment.due_date = local_today() - timedelta(days=5)
    db.session.commit()
    workbench.scan(local_today())
    login(client, "hr")
    token = csrf_token(client, "/notifications/duties")
    chosen = {"csrf_token": token, "action": "on_behalf", "item": f"course:{assignment.id}"}
    silent = client.post("/notifications/duties", data=chosen)
    assert silent.status_code == 422 and "沉默或未答复不构成确认" in silent.get_data(as_text=True)
    note = "11月3日班前会上宣读，本人口头确认已理解"
    assert client.post("/notifications/duties", data={**chosen, "consent": note}).status_code == 303
    db.session.refresh(assignment)
    assert assignment.acknowledged_at is not None
    (event,) = db.session.query(EvidenceEvent).filter_by(event_type="acknowledged_on_behalf").all()
    assert payload_of(event)["consent"] == note and event.content_sha256 and event.actor_user_id == world.user("hr").id
    alert = db.session.query(RiskAlert).filter_by(code="acknowledgement_overdue", subject_id=assignment.id).one()
    assert alert.status == "resolved"


def test_the_deliver_command_sends_and_fails_loudly(app, reachable, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    operations.notify(reachable.user("worker").id, "reminder", "course_due_soon", {"title": "T", "due": "2026-12-01"})
    db.session.commit()
    runner = app.test_cli_runner()
    assert "stays in the outbox" in runner.invoke(args=["notifications", "deliver"]).output
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)  # nobody listens
    failed = runner.invoke(args=["notifications", "deliver"])
    assert failed.exit_code == 1 and db.session.query(OutboxMessage).one().attempts == 1
    app.config.update(SMTP_PORT=port)
    assert "Outbox: 1 sent." in runner.invoke(args=["notifications", "deliver"]).output and len(inbox.messages) == 1


def _bell_of(page: str) -> str:
    return re.search(r'<a id="notification-bell".*?</a>', page, re.S).group(0)


def test_the_header_bell_shows_what_the_request_itself_changed(client, world):
    """The count comes with the account on page reads; a page that marks notifications read shows the
    count after that, and pages drawn by a POST (no count read with the account) count on their own."""
    user = world.user("worker")
    for n in range(2):
        operations.notify(user.id, "approval", "approval_waiting", {"report": n, "name": "李强"}, "/workbench/reports/")
    db.session.commit()
    login(client, "worker")
    assert ">2</span>" in _bell_of(client.get("/").get_data(as_text=True))
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "#1" in listing and "bell-count" not in _bell_of(listing)
    operations.notify(user.id, "approval", "approval_waiting", {"report": 3, "name": "李强"}, "/workbench/reports/")
    db.session.commit()
    refused = post_form(client, "/account/password", {"current_password": "not it", "new_password": "a-new-pass-2026!x",
                                              "confirm": "a-new-pass-2026!x"})
    assert refused.status_code == 422 and ">1</span>" in _bell_of(refused.get_data(as_text=True))


def test_the_count_read_with_the_account_gives_way_to_notifications_written_since(app, world):
    user = world.user("worker")
    session_id = f"{user.id}:{user.session_token}"
    db.session.commit()
    db.session.remove()  # each request has a session of its own
    with app.test_request_context("/"):
        account = load_user(session_id)
        with counted_statements() as statements:
            assert operations.unread_count_of(account) == 0
        assert statements == []
        operations.notify(account.id, "approval", "approval_waiting", {"report": 1, "name": "李强"},
                          "/workbench/reports/", event_key="report-1")  # one INSERT statement
        assert operations.unread_count_of(account) == 1
        operations.notify(account.id, "approval", "approval_waiting", {"report": 2, "name": "李强"},
                          "/workbench/reports/")  # a flushed row
        db.session.commit()
    db.session.remove()
    with app.test_request_context("/"):
        account = load_user(session_id)
        assert operations.unread_count_of(account) == 2
        operations.mark_read(operations.recent(account.id))
        assert operations.unread_count_of(account) == 0
    db.session.remove()
    with app.test_request_context("/", method="POST"):
        account = load_user(session_id)
        with counted_statements() as statements:
            assert operations.unread_count_of(account) == 0
        assert len(statements) == 1  # a POST reads the account alone
