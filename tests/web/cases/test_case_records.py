"""What the case records keep and show: one "case viewed" per person, case and hour; wage
corrections and deletions with their reason and the old and new value; HR's pages in the third
person and in words, never the engine's codes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.cases import operations
from portal.cases.models import WageMonth
from portal.core.types import utcnow
from portal.evidence.ledger import SYSTEM, payload_of
from portal.extensions import db
from tests.conftest import login, post_form
from tests.web.cases.conftest import events, open_case_for

GRADE_9 = {"assessment_applied_date": date(2026, 8, 10), "assessment_concluded_date": date(2026, 9, 10), "grade": 9}


def test_a_case_view_is_logged_once_per_person_and_hour(client, cases_ready, monkeypatch):
    world = cases_ready
    case = open_case_for(world.worker)
    login(client, "hr")
    for _ in range(3):
        assert client.get(f"/records/cases/{case.id}").status_code == 200
    post_form(client, f"/records/cases/{case.id}/wages", {"year": "2026", "month": "3", "wage": "5000"})
    assert client.get(f"/records/cases/{case.id}").status_code == 200  # back on the page after the save
    assert len(events("case_viewed", world.worker.id)) == 1
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr("portal.cases.operations.utcnow", lambda: later)
    client.get(f"/records/cases/{case.id}")
    worker = client.application.test_client()
    login(worker, "worker")
    worker.get("/my-case/")
    viewers = [(e.actor_user_id, payload_of(e)["own"]) for e in events("case_viewed", world.worker.id)]
    assert viewers == [(world.user("hr").id, False), (world.user("hr").id, False), (world.user("worker").id, True)]


def test_hr_corrects_and_deletes_a_wage_month_with_a_reason(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    feb = db.session.query(WageMonth).filter_by(year=2026, month=2).one()
    feb_id = feb.id
    login(client, "hr")
    missing = post_form(client, f"/records/cases/{case.id}/wages/{feb.id}", {"wage": "5250.00", "reason": " "})
    assert missing.status_code == 422 and f'id="reason-{feb.id}-error"' in missing.get_data(as_text=True)
    assert feb.wage == Decimal("5150.00") and events("wage_corrected") == []
    fixed = post_form(client, f"/records/cases/{case.id}/wages/{feb.id}",
                      {"wage": "5250.00", "reason": "payroll export was wrong"})
    assert fixed.status_code == 303 and feb.wage == Decimal("5250.00")
    (corrected,) = events("wage_corrected", world.worker.id)
    assert payload_of(corrected) == {"year": 2026, "month": 2, "old": "5150.00", "new": "5250.00",
                                     "reason": "payroll export was wrong"}
    assert post_form(client, f"/records/cases/{case.id}/wages/{feb.id}",
                     {"wage": "5250.00", "reason": "again"}).status_code == 303
    assert len(events("wage_corrected")) == 1  # the same value twice changes nothing
    assert post_form(client, f"/records/cases/{case.id}/wages/{feb.id}/delete",
                     {"reason": "entered for the wrong person"}).status_code == 303
    assert db.session.get(WageMonth, feb_id) is None
    (deleted,) = events("wage_deleted", world.worker.id)
    assert payload_of(deleted) == {"year": 2026, "month": 2, "old": "5250.00", "reason": "entered for the wrong person"}
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert "entered for the wrong person" in body and "缴费工资已更正" in body and "5,150.00" in body
    # The month is gone from the own wage: the average now runs over five months.
    assert operations.case_view(case).own_wage.inputs["months_counted"] == "5"


def test_hr_reads_the_case_in_the_third_person_and_in_words(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker, **GRADE_9)
    operations.record_owed_for_suspension(case, None, SYSTEM)
    db.session.commit()
    login(client, "hr")
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert "员工可领取的待遇" in body and "员工应缴部分" in body and "员工每月个人缴费部分" in body
    assert "我可以领取的" not in body and "我应承担的" not in body and "由本人承担" not in body
    for code in ("stop_original_pay", "department_review", "one_time_disability_subsidy 2026", "owed 546",
                 "suspension_months:", "assessment_concluded_date"):
        assert code not in body
    assert "自 2026年9月3日 起停发原工资" in body
    worker = client.application.test_client()
    login(worker, "worker")
    mine = worker.get("/my-case/").get_data(as_text=True)
    assert "我可以领取的" in mine and "员工可领取的待遇" not in mine


def test_deadlines_move_for_public_holidays_and_hr_overrides(client, cases_ready):
    world = cases_ready
    # 60 days from 2 Aug 2026 end on 1 Oct, National Day: the conclusion is due on 8 Oct.
    case = open_case_for(world.worker, assessment_applied_date=date(2026, 8, 2))
    login(client, "hr")
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert "2026年10月8日" in body and "期间届满日 2026年10月1日 为国庆节，期限顺延至下一个工作日" in body
    page = client.get("/records/cases/holidays").get_data(as_text=True)
    assert "维护的日历收录 2004 年至 2026 年" in page
    bad = post_form(client, "/records/cases/holidays", {"day": "2026-10-08", "working": "holiday", "name": ""})
    assert bad.status_code == 422 and 'id="name-error"' in bad.get_data(as_text=True)
    saved = post_form(client, "/records/cases/holidays",
                      {"day": "2026-10-08", "working": "holiday", "name": "国办发明电〔2026〕1号"})
    assert saved.status_code == 303 and len(events("holiday_override_saved")) == 1
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert "2026年10月9日" in body
    item = {i.code.value: i for i in operations.case_view(case).timeline}["assessment_conclusion_deadline"]
    assert item.date == date(2026, 10, 9)


def test_the_employee_picker_searches_with_and_without_javascript(client, cases_ready):
    login(client, "hr")
    page = client.get("/records/cases/new?q=李").get_data(as_text=True)  # the plain form's submit
    assert "<html" in page and 'href="/records/cases/new?employee=E001"' in page
    fragment = client.get("/records/cases/new?q=e00",
                          headers={"HX-Request": "true", "HX-Target": "employee-choices"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "E001" in body and "E002" in body and "M001" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert "没有找到符合条件的员工" in client.get("/records/cases/new?q=nobody").get_data(as_text=True)
    chosen = client.get("/records/cases/new?employee=E001").get_data(as_text=True)
    assert 'value="E001"' in chosen


def test_wage_months_in_one_table_or_pasted_all_or_nothing(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    login(client, "hr")
    page = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    assert 'value="2025-03"' in page and 'value="2026-02"' in page  # the twelve months before the accident
    before = db.session.query(WageMonth).count()
    bad = post_form(client, f"/records/cases/{case.id}/wages/table",
                    {"month-0": "2025-03", "wage-0": "5100", "month-1": "2025-04", "wage-1": "abc",
                     "pasted": "2025-05\t5000\n2025-13 5000"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="row-1-error"' in body and "第 2 行" in body
    assert db.session.query(WageMonth).count() == before
    clash = post_form(client, f"/records/cases/{case.id}/wages/table", {"month-0": "2026-02", "wage-0": "5100"})
    assert clash.status_code == 422 and "2026-02" in clash.get_data(as_text=True)
    saved = post_form(client, f"/records/cases/{case.id}/wages/table",
                      {"month-0": "2025-03", "wage-0": "5100", "month-1": "2025-04", "wage-1": "",
                       "pasted": "2025-05\t5,000.00\n2025-06, 5050"})
    assert saved.status_code == 303
    months = {(w.year, w.month): w.wage for w in db.session.query(WageMonth).filter_by(employee_id=world.worker.id)}
    assert months[(2025, 3)] == Decimal("5100.00") and months[(2025, 6)] == Decimal("5050.00")
    assert (2025, 4) not in months and len(events("wage_recorded", world.worker.id)) == 6 + 3
