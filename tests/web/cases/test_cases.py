"""Injury cases: HR opens and edits them, the stop-pay action, the personal-share account, who sees
what, htmx fragments, view logging, the regional policy and the source case end to end."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.cases.models import CaseAction, InjuryCase, PolicyVersion, ShareEntry, WageMonth
from portal.cases.rules import EntryKind
from portal.core.types import local_today
from portal.courses.models import Assignment
from portal.evidence.ledger import payload_of
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from tests.conftest import csrf_token, login, post_form
from tests.web.cases.conftest import CASE_FORM, POLICY_FORM, events, open_case_for

ROWS = {"HX-Request": "true", "HX-Target": "case-rows"}
ACCOUNT = {"HX-Request": "true", "HX-Target": "case-account"}


def test_hr_opens_a_case_with_notice_courses_and_events(client, cases_ready):
    world = cases_ready
    login(client, "hr")
    response = post_form(client, "/records/cases/new", {"employee_number": "E001", **CASE_FORM})
    case = db.session.query(InjuryCase).one()
    assert response.status_code == 303 and response.headers["Location"] == f"/records/cases/{case.id}"
    assert case.employee_id == world.worker.id and case.suspension_months == 6 and case.recognized is True
    (opened,) = events("case_opened", world.worker.id)
    assert payload_of(opened)["fields"]["accident_date"] == "2026-03-02"
    assert opened.actor_user_id == world.user("hr").id
    (guide,) = db.session.query(NoticeDelivery).filter_by(employee_id=world.worker.id).all()
    assert guide.scenario == "injury-process-guide"
    slugs = {a.course.slug for a in db.session.query(Assignment).filter_by(employee_id=world.worker.id)}
    assert {"suspension-pay", "disability-benefits"} <= slugs


@pytest.mark.parametrize("data,field", [
    ({"accident_date": "2099-01-01", "suspension_start": "", "suspension_months": "", "reported_date": "",
      "recognition_applied_date": "", "recognition_accepted_date": "", "recognition_decided_date": "",
      "recognized": "", "recognition_applicant": ""}, "accident_date"),
    ({"suspension_months": "-2"}, "suspension_months"),
    ({"assessment_applied_date": "2026-02-01"}, "assessment_applied_date"),
    ({"assessment_applied_date": "2026-08-10", "assessment_concluded_date": "2026-09-10", "grade": "11"}, "grade"),
    ({"suspension_months": "13"}, "suspension_months"),
    ({"recognition_accepted_date": "2026-03-10"}, "recognition_accepted_date"),
])
def test_bad_case_input_names_the_field_and_saves_nothing(client, cases_ready, data, field):
    login(client, "hr")
    response = post_form(client, "/records/cases/new", {"employee_number": "E001", **CASE_FORM, **data})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.query(InjuryCase).count() == 0 and events("case_opened") == []
    assert db.session.query(NoticeDelivery).count() == 0


def test_error_messages_are_translated(client, cases_ready):
    login(client, "hr")
    body = post_form(client, "/records/cases/new",
                     {"employee_number": "E001", **CASE_FORM, "suspension_months": "-1"}).get_data(as_text=True)
    assert "停工留薪期的结束不能早于开始" in body


def test_wages_refuse_negative_and_duplicate_months(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    login(client, "hr")
    before = db.session.query(WageMonth).count()
    response = post_form(client, f"/records/cases/{case.id}/wages", {"year": "2026", "month": "3", "wage": "-1"})
    assert response.status_code == 422 and 'id="wage-error"' in response.get_data(as_text=True)
    response = post_form(client, f"/records/cases/{case.id}/wages", {"year": "2026", "month": "2", "wage": "5000"})
    assert response.status_code == 422 and 'id="month-error"' in response.get_data(as_text=True)
    assert db.session.query(WageMonth).count() == before
    response = post_form(client, f"/records/cases/{case.id}/wages", {"year": "2026", "month": "3", "wage": "5000"})
    assert response.status_code == 303 and db.session.query(WageMonth).count() == before + 1
    assert payload_of(events("wage_recorded", world.worker.id)[-1]) == {"year": 2026, "month": 3, "wage": "5000.00"}


def test_assessment_triggers_a_pending_stop_that_hr_confirms(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    login(client, "hr")
    data = {**CASE_FORM, "assessment_applied_date": "2026-08-10", "assessment_concluded_date": "2026-09-10",
            "grade": "9"}
    assert post_form(client, f"/records/cases/{case.id}/edit", data).status_code == 303
    (updated,) = events("case_updated", world.worker.id)
    assert payload_of(updated)["changes"]["grade"] == [None, 9]
    (action,) = db.session.query(CaseAction).all()
    assert action.kind == "stop_original_pay" and action.effective_date == date(2026, 9, 3) and action.confirmed_at is None
    scenarios = {d.scenario for d in db.session.query(NoticeDelivery).filter_by(employee_id=world.worker.id)}
    assert scenarios == {"injury-process-guide", "disability-benefit-explanation", "original-pay-stop"}
    listing = client.get("/records/cases/").get_data(as_text=True)
    assert "停发原工资" in listing and "2026年9月3日" in listing
    response = post_form(client, f"/records/cases/{case.id}/actions/{action.id}/confirm")
    assert response.status_code == 303
    assert action.confirmed_at is not None and action.confirmed_by_id == world.user("hr").id
    (confirmed,) = events("case_action_confirmed", world.worker.id)
    assert payload_of(confirmed)["effective_date"] == "2026-09-03"
    assert post_form(client, f"/records/cases/{case.id}/actions/{action.id}/confirm").status_code == 409
    # Saving the same assessment again triggers nothing new.
    assert post_form(client, f"/records/cases/{case.id}/edit", data).status_code == 303
    assert db.session.query(CaseAction).count() == 1


def test_personal_account_owed_withheld_instalments_and_balance(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker, assessment_applied_date=date(2026, 8, 10),
                         assessment_concluded_date=date(2026, 9, 10), grade=9)
    login(client, "hr")
    assert post_form(client, f"/records/cases/{case.id}/account/owed").status_code == 303
    owed = db.session.query(ShareEntry).filter_by(kind=EntryKind.OWED).order_by(ShareEntry.on_date).all()
    assert [e.period for e in owed] == [(2026, m) for m in range(3, 9)]
    assert {e.amount for e in owed} == {Decimal("546.00")}  # 10.5% social insurance of 5,200 (no housing fund)
    response = post_form(client, f"/records/cases/{case.id}/account/entries",
                         {"kind": "withheld", "amount": "546.00", "on_date": "2026-03-31", "period": "2026-03"},
                         headers=ACCOUNT)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="case-account"' in body
    assert "HX-Request" in response.headers["Vary"] and "2,730.00" in body
    bad = post_form(client, f"/records/cases/{case.id}/account/entries",
                    {"kind": "owed", "amount": "-5", "on_date": "2026-03-31"}, headers=ACCOUNT)
    assert bad.status_code == 422 and 'id="amount-error"' in bad.get_data(as_text=True)
    assert post_form(client, f"/records/cases/{case.id}/account/plan",
                     {"instalments": "3", "first_date": "2026-09-25", "token": "t1"}).status_code == 303
    deducted = db.session.query(ShareEntry).filter_by(kind=EntryKind.DEDUCTED).order_by(ShareEntry.on_date).all()
    assert [e.amount for e in deducted] == [Decimal("910.00"), Decimal("910.00"), Decimal("910.00")]
    assert [e.on_date for e in deducted] == [date(2026, 9, 25), date(2026, 10, 25), date(2026, 11, 25)]
    assert len(events("share_entry_recorded", world.worker.id)) == 6 + 1 + 3
    assert len(events("share_deduction_planned", world.worker.id)) == 1
    # Nothing is left to deduct: the plan is refused with a field message.
    again = post_form(client, f"/records/cases/{case.id}/account/plan",
                      {"instalments": "1", "first_date": "2026-11-25", "token": "t2"})
    assert again.status_code == 422 and 'id="instalments-error"' in again.get_data(as_text=True)
    client = client.application.test_client()
    login(client, "worker")
    assert "今日余额：0.00 元，已结清" in client.get("/my-case/").get_data(as_text=True)


def test_each_role_sees_only_the_cases_in_reach(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    other = open_case_for(world.outsider)
    login(client, "outsider")
    assert "2026年3月2日" in client.get("/my-case/").get_data(as_text=True)  # his own case
    assert client.get(f"/records/cases/{case.id}").status_code == 403
    client = client.application.test_client()
    login(client, "manager")
    assert client.get(f"/records/cases/{case.id}").status_code == 200
    assert client.get(f"/records/cases/{other.id}").status_code == 403
    listing = client.get("/records/cases/").get_data(as_text=True)
    assert f"/records/cases/{case.id}\"" in listing and f"/records/cases/{other.id}\"" not in listing
    assert client.get(f"/records/cases/{case.id}/edit").status_code == 403
    client = client.application.test_client()
    login(client, "hr")
    listing = client.get("/records/cases/").get_data(as_text=True)
    assert f"/records/cases/{case.id}\"" in listing and f"/records/cases/{other.id}\"" in listing
    viewed = events("case_viewed")
    assert [(e.employee_id, e.actor_user_id) for e in viewed] == [
        (world.outsider.id, world.user("outsider").id), (world.worker.id, world.user("manager").id)]


def test_the_worker_sees_his_own_case_only(client, cases_ready):
    world = cases_ready
    open_case_for(world.outsider, accident_date=date(2026, 4, 1), suspension_start=date(2026, 4, 1))
    login(client, "worker")
    body = client.get("/my-case/").get_data(as_text=True)
    assert "您没有工伤案件" in body and "2026年4月1日" not in body
    assert events("case_viewed", world.worker.id) == []


def test_case_list_filters_and_fragment(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    login(client, "hr")
    page = client.get("/records/cases/?status=suspension_ended")
    assert "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]
    fragment = client.get("/records/cases/?status=suspension_ended", headers=ROWS)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="case-rows"') and "HX-Request" in fragment.headers["Vary"]
    assert f"/records/cases/{case.id}\"" in body
    other = client.get(f"/records/cases/?department={world.assembly.id}", headers=ROWS).get_data(as_text=True)
    assert f"/records/cases/{case.id}\"" not in other
    boosted = client.get("/records/cases/", headers={**ROWS, "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_hr_view_is_logged_with_who_and_the_page_shows_the_log(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    login(client, "hr")
    body = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    (viewed,) = events("case_viewed", world.worker.id)
    assert viewed.actor_user_id == world.user("hr").id and payload_of(viewed) == {"case": case.id, "own": False}
    assert "工伤案件已建立" in body and "停工留薪期开始" in body


def test_policy_new_version_and_validation(client, cases_ready):
    login(client, "hr")
    page = client.get("/records/cases/policy").get_data(as_text=True)
    assert "苏州市" in page
    token = csrf_token(client, "/records/cases/policy")
    form = {**POLICY_FORM, "csrf_token": token, "source": "苏州市人社局 2026 年公布数",
            "personal_share_includes_housing_fund": "yes"}
    bad = client.post("/records/cases/policy", data={**form, "contribution_base_floor": "30000"})
    assert bad.status_code == 422 and 'id="contribution_base_floor-error"' in bad.get_data(as_text=True)
    bad = client.post("/records/cases/policy", data={**form, "pension_personal": "8"})
    assert bad.status_code == 422 and 'id="pension_personal-error"' in bad.get_data(as_text=True)
    assert db.session.query(PolicyVersion).count() == 1
    assert client.post("/records/cases/policy", data=form).status_code == 303
    versions = db.session.query(PolicyVersion).order_by(PolicyVersion.valid_from).all()
    assert [v.valid_from for v in versions] == [date(2025, 7, 1), date(2026, 7, 1)]
    assert versions[1].to_policy().average_monthly_wage == Decimal("8600.00")
    assert versions[1].to_policy().personal_share_includes_housing_fund is True
    assert events("policy_version_saved")[-1].employee_id is None
    assert client.post("/records/cases/policy", data=form).status_code == 422  # same region and date


def test_the_source_case_end_to_end(client, app):
    from portal.demo.operations import load_demo

    load_demo(date(2026, 11, 25))
    li = db.session.execute(sa.text("select id from employees where number = 'A0101'")).scalar_one()
    case = db.session.query(InjuryCase).filter_by(employee_id=li).one()
    assert db.session.query(WageMonth).filter_by(employee_id=li).count() == 6
    assert case.suspension_months == 6 and case.grade == 9
    (action,) = case.actions
    assert action.confirmed_at is not None and action.effective_date == date(2026, 9, 3)
    explanation = db.session.query(NoticeDelivery).filter_by(employee_id=li,
                                                             scenario="disability-benefit-explanation").one()
    assert explanation.acknowledgement is not None
    owed = [e for e in case.entries if e.kind is EntryKind.OWED]
    assert len(owed) == 6 and all(e.amount == Decimal("546.00") for e in owed)
    assert len([e for e in case.entries if e.kind is EntryKind.DEDUCTED]) == 3
    login(client, "li.qiang", "portal-demo-2026")
    body = client.get("/my-case/").get_data(as_text=True)
    assert "伤残等级 9 级" in body and "46,800.00" in body and "《工伤保险条例》第三十七条" in body
    assert "今日余额：0.00 元，已结清" in body and "已确认" in body
    hr = client.application.test_client()
    login(hr, "hr.wang", "portal-demo-2026")
    hr_body = hr.get(f"/records/cases/{case.id}").get_data(as_text=True)
    review = "upcoming" if local_today() < date(2027, 9, 11) else "done"
    expected = {  # Li's facts: the employer filed in time, HR confirmed the pay stop, no re-assessment asked
        "accident": "done", "reported": "done", "recognition_applied": "done",
        "worker_filing_deadline": "not_applicable", "recognition_accepted": "done", "recognition_decided": "done",
        "decision_served": "done", "suspension_started": "done", "assessment_applied": "done",
        "suspension_ends": "done", "original_pay_stops": "done", "assessment_concluded": "done",
        "reassessment_request_deadline": "overdue", "review_assessment_possible": review,
    }
    for page, own_deadline in ((body, "您本人的申请期限"), (hr_body, "员工本人的申请期限")):
        status = re.search(r'id="case-status">([^<]*)<', page).group(1)
        assert "停工留薪期于 2026年9月2日 届满，因此自 2026年9月3日 起停发原工资福利待遇" in status
        assert "《工伤保险条例》第三十三条第二款" in status
        rows = re.findall(r'data-code="([^"]+)" data-state="([^"]+)"', page)
        assert len(rows) == len({code for code, _ in rows})  # no step twice
        assert dict(rows) == expected
        assert own_deadline in page and "期限已过" in page  # the re-assessment window, unused
        assert page.count("由 王芳 登记") >= 10  # each step done says who recorded it (HR 王芳 in the demo)


def test_case_list_searches_sorts_pages_and_costs_the_same_at_any_size(client, cases_ready):
    from portal.cases.models import CASE_FIELDS
    from portal.core.kept import kept_parts
    from portal.org.models import Employee
    from tests.conftest import counted_statements
    from tests.web.org.test_employees import add_staff

    world = cases_ready

    def cases_for_staff(count: int, start: int) -> None:
        add_staff(world, count, start)
        for person in db.session.query(Employee).filter(Employee.number >= f"S{start:04d}", Employee.number.like("S%")):
            db.session.add(InjuryCase(**{**dict.fromkeys(CASE_FIELDS), "employee_id": person.id, "description": "",
                                         "accident_date": date(2026, 1, 1) + (person.hire_date - date(2025, 1, 1))}))
        db.session.commit()

    login(client, "hr")
    cases_for_staff(22, 100)
    kept_parts().clear()  # the department choices read afresh in both, as the cases are
    with counted_statements() as few:
        first = client.get("/records/cases/", headers=ROWS).get_data(as_text=True)
    cases_for_staff(30, 122)
    kept_parts().clear()
    with counted_statements() as many:
        body = client.get("/records/cases/", headers=ROWS).get_data(as_text=True)
    assert len(many) == len(few)
    assert "第 1–20 条，共 22 条" in first and "第 1–20 条，共 52 条" in body
    assert body.index("员工151") < body.index("员工150")  # newest accident first by default
    oldest = client.get("/records/cases/?sort=accident&page=3", headers=ROWS).get_data(as_text=True)
    assert "第 41–52 条" in oldest and "员工151" in oldest
    found = client.get("/records/cases/?q=13800000120", headers=ROWS).get_data(as_text=True)
    assert "员工120" in found and "第 1–1 条，共 1 条" in found
