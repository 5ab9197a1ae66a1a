"""The HR workbench on both engines: alerts, costs, the approval workflow, import/export,
reminders and notifications."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.cases import operations as cases
from portal.cases.models import CASE_FIELDS
from portal.courses.models import Assignment
from portal.core.types import local_today
from portal.evidence.ledger import SYSTEM
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.org.models import Employee
from portal.workbench import costs as cost_rules
from portal.workbench import operations
from portal.core.mailer import SmtpSettings
from portal.notifications.models import Notification, OutboxMessage
from portal.notifications.operations import deliver_outbox, notify
from portal.workbench.models import RiskAlert, SentReminder
from portal.core.kept import kept_parts
from tests.conftest import csrf_token, login, post_form
from tests.unit.core.test_mailer import smtp_server  # noqa: F401  (fixture)
from tests.web.cases.route_expectations import prepare_cases

TODAY = date(2026, 11, 26)


def _events(kind: str) -> list[EvidenceEvent]:
    return list(db.session.execute(sa.select(EvidenceEvent).where(EvidenceEvent.event_type == kind)).scalars())


def _open_case(employee, **values):
    row = {**dict.fromkeys(CASE_FIELDS), "description": "", **values}
    case = cases.open_case(employee, row, None, SYSTEM)
    db.session.commit()
    return case


@pytest.fixture
def ready(world, courses):
    prepare_cases(world)  # the worker's case: grade 9, stop-pay pending, share owed (balance 3,276.00)
    return world


def test_alerts_of_each_kind_come_from_the_database_with_fix_links(client, ready):
    world = ready
    # Filing missed: an accident 60 days ago, nothing filed.
    _open_case(world.outsider, accident_date=TODAY - timedelta(days=60))
    # Filing due within a week.
    _open_case(world.hr, accident_date=TODAY - timedelta(days=26))
    # Suspension near its 12-month limit, recognition decision and assessment overdue.
    _open_case(world.manager, accident_date=date(2025, 8, 1), recognition_applied_date=date(2025, 8, 10),
               recognition_accepted_date=date(2025, 8, 12), suspension_start=date(2025, 12, 20), suspension_months=12,
               assessment_applied_date=date(2026, 8, 1))
    # An overdue course (the worker's injury courses were assigned by the case with due dates; move one into the past).
    assignment = db.session.execute(sa.select(Assignment).where(Assignment.employee_id == world.worker.id)).scalars().first()
    assignment.due_date = TODAY - timedelta(days=5)
    db.session.commit()
    result = operations.scan(TODAY)
    codes = {a.code for a in db.session.query(RiskAlert)}
    assert {"filing_missed", "pay_not_stopped", "balance_owed", "acknowledgement_overdue",
            "suspension_near_limit", "recognition_decision_overdue", "assessment_overdue", "filing_due"} <= codes
    assert result.new == db.session.query(RiskAlert).count()
    again = operations.scan(TODAY)
    assert again.new == 0 and again.still_open == result.new  # idempotent: same alerts
    login(client, "hr")
    body = client.get("/workbench/").get_data(as_text=True)
    alert = db.session.query(RiskAlert).filter_by(code="pay_not_stopped").one()
    assert f'href="/records/cases/{alert.subject_id}"' in body
    course_alert = db.session.query(RiskAlert).filter_by(code="acknowledgement_overdue", subject_kind="assignment").first()
    assert f'href="/workbench/alerts/{course_alert.id}/fix"' in body and f"《{assignment.course.title_zh}》" in body
    fix_page = client.get(f"/workbench/alerts/{course_alert.id}/fix").get_data(as_text=True)
    assert f"/records/courses/{assignment.course.slug}/employees/{world.worker.id}" in fix_page
    assert "第三十三条" in body
    # Managers see only their department's alerts.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "other.manager")
    rows = client.get("/workbench/", headers={"HX-Request": "true", "HX-Target": "alert-rows"})
    text = rows.get_data(as_text=True)
    assert "HX-Request" in rows.headers["Vary"] and "陈晓雨" in text and "李强" not in text


def test_acknowledge_and_resolve_are_ledger_events_and_stale_alerts_resolve(client, ready):
    operations.scan(TODAY)
    alert = db.session.query(RiskAlert).filter_by(code="pay_not_stopped").one()
    login(client, "hr")
    assert post_form(client, f"/workbench/alerts/{alert.id}/acknowledge").status_code == 303
    assert post_form(client, f"/workbench/alerts/{alert.id}/acknowledge").status_code == 409
    assert post_form(client, f"/workbench/alerts/{alert.id}/resolve").status_code == 303
    assert [json.loads(e.body)["payload"]["alert"] for e in _events("alert_acknowledged")] == [alert.key]
    assert len(_events("alert_resolved")) == 1
    # Confirming the stop makes the other open alert of that kind go away at the next scan.
    for action in db.session.query(cases.CaseAction):
        cases.confirm_action(action, ready.user("hr").id, SYSTEM)
    db.session.commit()
    operations.scan(TODAY)
    assert db.session.query(RiskAlert).filter_by(code="pay_not_stopped").one().status == "resolved"


def test_cost_report_equals_the_case_page_and_the_exports(client, ready):
    case = db.session.query(cases.InjuryCase).one()
    cases.add_entry(case, cases.EntryKind.WITHHELD, Decimal("546.00"), date(2026, 3, 31), None, SYSTEM, period=(2026, 3))
    cases.apply_deduction_plan(case, 3, date(2026, 9, 25), None, SYSTEM, token="plan-1")
    db.session.commit()
    view = cases.case_view(case, TODAY)
    lines = operations.case_cost_lines(case, TODAY)
    row = cost_rules.by_case(lines)[case.id]
    assert row[cost_rules.Category.PERSONAL_WITHHELD] == view.account.withheld == Decimal("546.00")
    assert row[cost_rules.Category.PERSONAL_DEDUCTED] == view.account.deducted == Decimal("2730.00")
    assert row[cost_rules.Category.PERSONAL_OUTSTANDING] == view.account.worker_owes == Decimal("0.00")
    assert row[cost_rules.Category.FUND_BENEFITS] == view.subsidy.amount
    wage = next(b for b in view.benefits if b.code == "suspension_wage_monthly").amount
    assert row[cost_rules.Category.SUSPENSION_WAGES] == wage * len(cases.suspension_months(case))
    login(client, "hr")
    page = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    report = client.get("/workbench/costs").get_data(as_text=True)
    assert "<svg" in report and "{:,.2f}".format(view.subsidy.amount) in page
    assert "{:,.2f}".format(view.subsidy.amount) in report and "2,730.00" in report and "2,730.00" in page
    exported = list(csv.reader(io.StringIO(client.get("/workbench/costs.csv").get_data(as_text=True).lstrip("\ufeff"))))
    header, values = exported[0], exported[1]
    assert values[header.index("个人部分已抵扣")] == "2730.00"
    assert Decimal(values[header.index("工伤保险基金支付的待遇")]) == view.subsidy.amount
    sheet = load_workbook(io.BytesIO(client.get("/workbench/costs.xlsx").data)).active
    xlsx = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert xlsx[0] == header and xlsx[1] == values  # every cell is text, the same as in the CSV


def test_cost_report_names_cases_and_gives_totals_and_chart_text(client, ready):
    case = db.session.query(cases.InjuryCase).one()
    login(client, "hr")
    report = client.get("/workbench/costs").get_data(as_text=True)
    name = f"李强 (E001), {case.accident_date:%Y-%m-%d}"
    assert f'>{name}</a></th>' in report and f">#{case.id}<" not in report
    total = cost_rules.employer_cost(cost_rules.totals(operations.case_cost_lines(case, local_today())))
    assert f"全部案件的单位成本合计：{total:,.2f} 元" in report
    for chart in ("chart-case", "chart-month", "chart-department"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in report
    assert re.search(r'<desc id="chart-month-desc">\d{4}-\d{2}: 合计 [\d,]+\.\d{2} 元', report)


def test_workflow_runs_in_order_by_role_without_skipping(client, world):
    login(client, "worker")
    response = post_form(client, "/workbench/reports/new",
                         {"accident_date": "2026-11-20", "place": "车间二", "what_happened": "手被压伤"})
    assert response.status_code == 303
    report_url = response.headers["Location"]
    report_id = int(report_url.rstrip("/").rsplit("/", 1)[1])
    manager_user = world.user("manager")
    assert db.session.query(Notification).filter_by(user_id=manager_user.id, text_key="approval_waiting").count() == 1
    # The worker cannot decide the manager's step; HR cannot skip to its own step.
    assert post_form(client, f"{report_url}/decide", {"step": "department_review", "decision": "approve"}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "hr")
    assert post_form(client, f"{report_url}/decide", {"step": "hr_confirmation", "decision": "approve"}).status_code == 409
    assert post_form(client, f"{report_url}/decide", {"step": "department_review", "decision": "approve"}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "manager")
    assert "#%d" % report_id in client.get("/workbench/reports/").get_data(as_text=True)  # in the queue
    assert post_form(client, f"{report_url}/decide", {"step": "department_review", "decision": "return"}).status_code == 409
    assert post_form(client, f"{report_url}/decide", {"step": "department_review", "decision": "approve",
                                                      "comment": "属实"}).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "hr")
    for step in ("hr_confirmation", "insurance_filing"):
        assert post_form(client, f"{report_url}/decide", {"step": step, "decision": "approve"}).status_code == 303
    page = client.get(report_url).get_data(as_text=True)
    assert "accident_date=2026-11-20" in page and "employee=E001" in page
    form = client.get("/records/cases/new?employee=E001&accident_date=2026-11-20").get_data(as_text=True)
    assert 'value="2026-11-20"' in form
    decided = [json.loads(e.body)["payload"] for e in _events("report_step_decided")]
    assert [d["step"] for d in decided] == ["report", "department_review", "hr_confirmation", "insurance_filing"]
    assert decided[1]["comment"] == "属实"


def test_hr_reorders_steps_and_new_reports_follow_them(client, world):
    login(client, "hr")
    page = client.get("/workbench/workflow").get_data(as_text=True)
    assert "部门审核 · 部门经理" in page and "department_review" not in page.replace('value="department_review"', "")
    assert 'name="key"' not in page.split("<h2>")[-1]  # the add form names a step, it never asks for a key
    assert post_form(client, "/workbench/workflow", {"operation": "add", "label": "安全部门复核", "role": "manager",
                                                     "after": "0"}).status_code == 303
    added = operations.current_steps()[1]
    assert (added.label, added.role.value) == ("安全部门复核", "manager") and added.key.startswith("step_")
    assert post_form(client, "/workbench/workflow", {"operation": "add", "label": "安全部门复核", "role": "hr",
                                                     "after": "2"}).status_code == 422  # names are unique
    assert "请为新步骤命名" in post_form(client, "/workbench/workflow", {"operation": "add", "label": " ",
                                                                        "after": "0"}).get_data(as_text=True)
    assert post_form(client, "/workbench/workflow", {"operation": "up", "key": "hr_confirmation"}).status_code == 303
    assert post_form(client, "/workbench/workflow", {"operation": "up", "key": "hr_confirmation"}).status_code == 303
    assert post_form(client, "/workbench/workflow", {"operation": "up", "key": "hr_confirmation"}).status_code == 422
    assert post_form(client, "/workbench/workflow", {"operation": "down", "key": "report"}).status_code == 422
    assert [s.key for s in operations.current_steps()] == [
        "report", "hr_confirmation", added.key, "department_review", "insurance_filing"]
    page = client.get("/workbench/workflow").get_data(as_text=True)
    assert "安全部门复核 · 部门经理" in page and added.key not in page.replace(f'value="{added.key}"', "")
    report = operations.file_report(world.worker, date(2026, 11, 1), "A", "B", world.user("worker").id, SYSTEM)
    db.session.commit()
    assert operations.waiting_step(report).key == "hr_confirmation"
    assert post_form(client, "/workbench/workflow", {"operation": "remove", "key": added.key}).status_code == 303
    assert post_form(client, "/workbench/workflow", {"operation": "remove", "key": "no_such"}).status_code == 422
    assert added.key not in [s.key for s in operations.current_steps()]
    assert "安全部门复核" in client.get(f"/workbench/reports/{report.id}").get_data(as_text=True)  # kept its steps
    assert db.session.query(Notification).filter_by(user_id=world.user("hr").id).count() == 1


def _employee_rows(count: int, bad: set[int]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "name", "hire_date", "department", "contract_type"])
    for i in range(count):
        hire = "2025-13-45" if i in bad else "2025-01-02"
        writer.writerow([f"B{i:04d}", f"员工{i}", hire, "MACH", "regular"])
    return out.getvalue()


def test_import_1000_rows_all_or_nothing_then_update_by_number(client, world):
    login(client, "hr")
    bad = set(range(0, 1000, 20))
    upload = lambda text, mode: post_form(client, "/workbench/import", {  # noqa: E731
        "kind": "employees", "mode": mode, "upload": (io.BytesIO(text.encode("utf-8")), "staff.csv")},
        content_type="multipart/form-data")
    before = db.session.query(Employee).count()
    response = upload(_employee_rows(1000, bad), "commit")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and db.session.query(Employee).count() == before
    assert body.count("2025-13-45") == 50 and "50" in body
    assert body.count('data-label="列">入职日期</td>') == 50 and "hire_date</td>" not in body  # the template's header
    assert upload(_employee_rows(1000, set()), "preview").status_code == 200
    assert db.session.query(Employee).count() == before  # a check writes nothing
    assert upload(_employee_rows(1000, set()), "commit").status_code == 303
    assert db.session.query(Employee).count() == before + 1000
    changed = _employee_rows(1000, set()).replace("员工7,", "员工七,")
    assert upload(changed, "commit").status_code == 303
    assert db.session.query(Employee).count() == before + 1000
    assert db.session.query(Employee).filter_by(number="B0007").one().name == "员工七"
    template = client.get("/workbench/import/employees.csv").get_data(as_text=True)
    assert template.lstrip("\ufeff").startswith("工号,姓名,入职日期") and "工号=number" in template


def test_exports_round_trip(client, ready):
    world = ready
    login(client, "hr")
    text = client.get("/workbench/export/accounts.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    case = db.session.query(cases.InjuryCase).one()
    account = cases.case_view(case, TODAY).account
    assert rows[0]["工号"] == "E001" and Decimal(rows[0]["余额"]) == account.balance
    sheet = load_workbook(io.BytesIO(client.get("/workbench/export/accounts.xlsx").data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [str(v) for v in values[0]] == list(rows[0]) and Decimal(str(values[1][-1])) == account.balance
    assert rows[0]["个人缴费部分包括"] in ("仅社会保险", "社会保险和住房公积金")
    assert {"已安排的扣除", "扣除全部完成后的余额"} <= set(rows[0])
    acks = list(csv.reader(io.StringIO(client.get("/workbench/export/acknowledgements.csv").get_data(as_text=True))))
    assert {row[0] for row in acks[1:]} == {"课程", "通知"} and "确认时间（北京时间）" in acks[0]
    assert all(row[3] and not row[3].isascii() for row in acks[1:])  # titles, not internal slugs
    case.recognized = True
    _open_case(world.hr, accident_date=TODAY, recognized=False)
    sheet = load_workbook(io.BytesIO(client.get("/workbench/export/cases.xlsx").data)).active
    table = [[str(v or "") for v in row] for row in sheet.iter_rows(values_only=True)]
    recognized = table[0].index("认定为工伤")
    assert [row[recognized] for row in table[1:]] == ["是", "否"]
    assert not {"True", "False", "None"} & {cell for row in table for cell in row}
    employees = client.get("/workbench/export/employees.csv").get_data(as_text=True)
    assert "在职" in employees and "active" not in employees and "regular" not in employees


def test_reminders_are_sent_once_and_escalate(app, ready, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    world = ready
    world.worker.email = "li@example.com"
    for d in db.session.query(NoticeDelivery):
        d.due_date = TODAY - timedelta(days=10)
    db.session.commit()
    settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False)
    first = operations.send_reminders(TODAY, 3)
    assert first.portal > 0 and first.escalations > 0 and first.email > 0
    assert deliver_outbox(settings).sent >= first.email
    assert len(inbox.messages) == db.session.query(OutboxMessage).count()
    assert db.session.query(Notification).filter_by(user_id=world.user("manager").id,
                                                    text_key="notice_escalation").count() > 0
    events = [json.loads(e.body) for e in _events("reminder_sent")]
    assert {e["origin"]["channel"] for e in events} == {"email", "portal-inbox"} or \
        {e["origin"]["channel"] for e in events} == {"email"}
    assert all(e["payload"]["message_id"] for e in events if e["origin"]["channel"] == "email")
    count = db.session.query(SentReminder).count()
    mailed = len(inbox.messages)
    second = operations.send_reminders(TODAY, 3)
    assert (second.portal, second.email) == (0, 0) and db.session.query(SentReminder).count() == count
    assert deliver_outbox(settings).sent == 0 and len(inbox.messages) == mailed


def test_reminders_cli_without_smtp(app, ready):
    for d in db.session.query(NoticeDelivery):
        d.due_date = date.today() - timedelta(days=1)
    db.session.commit()
    runner = app.test_cli_runner()
    out = runner.invoke(args=["reminders", "send"]).output
    assert "0 by e-mail" in out and runner.invoke(args=["risks", "scan"]).exit_code == 0
    assert "Reminders: 0 in the portal" in runner.invoke(args=["reminders", "send"]).output


def test_notification_bell_page_and_fragment(client, world):
    user = world.user("worker")
    notify(user.id, "approval", "approval_waiting", {"report": 1, "name": "李强"}, "/workbench/reports/")
    db.session.commit()
    login(client, "worker")
    home = client.get("/").get_data(as_text=True)
    assert 'id="notification-bell"' in home and 'hx-trigger="every 60s"' in home and "bell-count" in home
    fragment = client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert "HX-Request" in fragment.headers["Vary"] and ">1</span>" in fragment.get_data(as_text=True)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "李强" in page and "#1" in page
    assert "bell-count" not in client.get("/notifications/bell").get_data(as_text=True)


# --- The alerts list: filters, groups, fix page ----------------------------------------------------


def overdue_notices(world) -> None:
    prepare_cases(world)
    for delivery in db.session.query(NoticeDelivery).filter_by(employee_id=world.worker.id):
        delivery.due_date = date(2026, 11, 1)
    operations.scan(date(2026, 11, 26))


def test_alerts_are_grouped_per_person_and_name_their_notice(client, world):
    overdue_notices(world)
    login(client, "hr")
    body = client.get("/workbench/").get_data(as_text=True)
    assert body.count('class="alert-person"') == 1  # one group for 李强, however many alerts
    titles = re.findall(r'class="alert-subject">《([^》]+)》', body)
    assert len(titles) >= 2 and len(set(titles)) == len(titles)  # each row names its own notice
    assert "共 1 条" in body


@pytest.mark.parametrize("query, shown", [
    ({"kind": "acknowledgement_overdue"}, {"acknowledgement_overdue"}),
    ({"severity": "3"}, None), ({"owner": "manager"}, {"acknowledgement_overdue"}),
])
def test_alert_filters_narrow_the_list(client, world, query, shown):
    overdue_notices(world)
    login(client, "hr")
    body = client.get("/workbench/", query_string=query, headers={"HX-Request": "true", "HX-Target": "alert-rows"})
    codes = set(re.findall(r'class="alert-item alert-([a-z_]+)"', body.get_data(as_text=True)))
    assert codes
    if shown:
        assert codes == shown
    else:
        assert all(a.severity == 3 for a in db.session.query(RiskAlert).filter(RiskAlert.code.in_(codes)))


def test_department_filter_and_scope(client, world):
    overdue_notices(world)
    login(client, "hr")
    assert "李强" not in client.get(f"/workbench/?department={world.assembly.id}").get_data(as_text=True)
    assert "李强" in client.get(f"/workbench/?department={world.machining.id}").get_data(as_text=True)


def test_fix_page_reminds_and_extends_the_due_date(client, world):
    overdue_notices(world)
    alert = db.session.query(RiskAlert).filter_by(subject_kind="delivery").first()
    login(client, "manager")
    body = client.get("/workbench/").get_data(as_text=True)
    assert f"/workbench/alerts/{alert.id}/fix" in body
    page = client.get(f"/workbench/alerts/{alert.id}/fix").get_data(as_text=True)
    assert "发送提醒" in page and "延长截止日期" in page
    assert post_form(client, f"/workbench/alerts/{alert.id}/remind").status_code == 303
    assert db.session.query(Notification).filter_by(user_id=world.user("worker").id, kind="reminder").count() == 1
    past = post_form(client, f"/workbench/alerts/{alert.id}/extend", {"due": "2020-01-01"})
    assert past.status_code == 422 and "请选择今天之后的日期" in past.get_data(as_text=True)
    bad = post_form(client, f"/workbench/alerts/{alert.id}/extend", {"due": "not a date"})
    assert bad.status_code == 422
    assert post_form(client, f"/workbench/alerts/{alert.id}/extend", {"due": "2099-01-31"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(NoticeDelivery, alert.subject_id).due_date == date(2099, 1, 31)
    assert db.session.get(RiskAlert, alert.id).status == "resolved"


def test_alert_list_queries_do_not_grow_with_the_number_of_people(client, world):
    from tests.conftest import counted_statements
    from tests.web.org.test_employees import add_staff

    overdue_notices(world)
    login(client, "hr")
    client.get("/workbench/")
    with counted_statements() as kept:
        client.get("/workbench/")
    assert len(kept) == 2  # the account (with the bell) and the stamps: kept until an alert changes
    kept_parts().clear()
    with counted_statements() as few:
        client.get("/workbench/")
    add_staff(world, 40)
    for person in db.session.query(Employee).filter(Employee.number.like("S%")):
        db.session.add(RiskAlert(key=f"test:{person.id}", code="acknowledgement_overdue", severity=2,
                                 subject_kind="delivery", subject_id=person.id, employee_id=person.id,
                                 due=date(2026, 11, 1), owner_role="manager", article_zh="", article_en=""))
    db.session.commit()
    kept_parts().clear()  # the department choices too, as for ``few``
    with counted_statements() as many:  # computed again: the alerts changed
        body = client.get("/workbench/").get_data(as_text=True)
    assert "共 41 条" in body
    assert len(many) == len(few)


def test_acknowledging_resolves_its_alert_at_once(client, world):
    overdue_notices(world)
    alert = db.session.query(RiskAlert).filter_by(subject_kind="delivery").first()
    delivery = db.session.get(NoticeDelivery, alert.subject_id)
    login(client, "worker")
    client.get(f"/notices/{delivery.id}")
    assert post_form(client, f"/notices/{delivery.id}/acknowledge", {"typed_name": "李强"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(RiskAlert, alert.id).status == "resolved"
    others = db.session.query(RiskAlert).filter(RiskAlert.subject_kind == "delivery", RiskAlert.id != alert.id)
    assert all(a.status == "open" for a in others)
    resolved = db.session.query(EvidenceEvent).filter_by(employee_id=world.worker.id, event_type="alert_resolved").count()
    assert resolved == 1


@pytest.mark.parametrize("username,sees_worker", [("hr", True), ("manager", True), ("other.manager", False)])
def test_the_alert_list_shows_people_in_reach_only(client, world, username, sees_worker):
    overdue_notices(world)
    login(client, username)
    response = client.get("/workbench/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "alert-rows" in body
    assert (body.count('class="alert-person"') == 1) is sees_worker
    assert ("李强" in body) is sees_worker
