"""HR records the dependants of a worker who died: validated, once, in the ledger; each pension and the
capped total on HR's case page, the worker's own page, the cost report and the exports, all from the
one case view (Regulations Art. 39 ¶1(2)); on both engines."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from portal.cases import operations, rules
from portal.cases.models import CaseDependant
from portal.evidence.ledger import SYSTEM, payload_of
from portal.extensions import db
from portal.workbench import operations as workbench
from portal.workbench.costs import Category, by_case
from tests.conftest import login, post_form
from tests.visible import visible_text
from tests.web.api.conftest import make_token  # noqa: F401 - the fixture
from tests.web.cases.conftest import events, open_case_for

DIED = {"death_date": date(2026, 3, 2), "suspension_start": None, "suspension_months": None}
SPOUSE = {"name": "王芳", "relation": "spouse", "condition": "unable_to_work"}


def test_hr_records_dependants_and_every_surface_shows_the_capped_pensions(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker, **DIED)
    url = f"/records/cases/{case.id}/dependants"
    login(client, "hr")
    # Refused whole, with the field named: a reason that does not fit the relation, a name too long, no name.
    wrong = post_form(client, url, {**SPOUSE, "condition": "minor"})
    assert wrong.status_code == 422 and 'id="condition-error"' in wrong.get_data(as_text=True)
    assert "子女须未满18周岁" in wrong.get_data(as_text=True)
    assert post_form(client, url, {**SPOUSE, "name": "王" * 51}).status_code == 422
    assert 'id="name-error"' in post_form(client, url, {**SPOUSE, "name": " "}).get_data(as_text=True)
    assert post_form(client, url, {**SPOUSE, "relation": "cousin"}).status_code == 422
    lone_adult = post_form(client, url, {"name": "李一", "relation": "child", "condition": "unable_to_work",
                                         "lone": "y"})
    assert lone_adult.status_code == 422 and "孤儿" in lone_adult.get_data(as_text=True)
    assert db.session.query(CaseDependant).count() == 0 and events("dependant_recorded") == []
    # Recorded once even when sent twice (a double click).
    assert post_form(client, url, SPOUSE).status_code == 303
    assert post_form(client, url, SPOUSE).status_code == 303
    assert post_form(client, url, {**SPOUSE, "name": "赵兰"}).status_code == 422  # a second spouse
    for name in ("李一", "李二"):
        assert post_form(client, url, {"name": name, "relation": "child", "condition": "minor",
                                        "lone": "y"}).status_code == 303
    assert [d.name for d in case.dependants] == ["王芳", "李一", "李二"]
    recorded = [payload_of(e) for e in events("dependant_recorded", world.worker.id)]
    assert [(p["name"], p["relation"], p["condition"], p["lone"]) for p in recorded] == [
        ("王芳", "spouse", "unable_to_work", False), ("李一", "child", "minor", True), ("李二", "child", "minor", True)]
    # 40% and twice (30% + 10%) of 5,200 = 6,240, above the 5,200 earned: cut in proportion.
    view = operations.case_view(case)
    assert [p.amount for p in view.dependants.items] == [Decimal("1733.33"), Decimal("1733.33"), Decimal("1733.34")]
    assert view.dependants.total.amount == Decimal("5200.00") and view.dependants.capped
    page = client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    for text in ("王芳（配偶）的供养亲属抚恤金", "1,733.34", "以职工生前工资封顶", "5,200.00", "第三十九条"):
        assert text in page, text
    assert "spouse" not in visible_text(page) and "unable_to_work" not in visible_text(page)
    assert "王芳 · 配偶 · 完全丧失劳动能力" in visible_text(page)  # the event log says who was recorded
    # The worker's own page (what the family sees) shows the same pensions.
    family = client.application.test_client()
    login(family, "worker")
    mine = family.get("/my-case/").get_data(as_text=True)
    assert "王芳（配偶）的供养亲属抚恤金" in mine and "1,733.34" in mine and "5,200.00" in mine
    # The cost report: the pensions from the month after the death (April), the subsidies in its month.
    row = by_case(workbench.case_cost_lines(case, date(2026, 4, 30)))[case.id]
    assert row[Category.DEPENDANTS_PENSIONS] == Decimal("5200.00")  # April
    assert row[Category.FUND_BENEFITS] == Decimal("49260.00") + Decimal("1083760.00")  # funeral + death subsidy
    # The cases export: the death, the number of dependants and the capped monthly total.
    exported = client.get("/workbench/export/cases.csv").get_data(as_text=True).lstrip("\ufeff")
    (line,) = [r for r in csv.DictReader(io.StringIO(exported)) if r["工号"] == world.worker.number]
    assert (line["死亡日期"], line["供养亲属人数"], line["供养亲属抚恤金（每月，合计已封顶）"]) == ("2026-03-02", "3", "5200.00")
    # Removing one needs a reason, which the ledger keeps with what was recorded; a second removal does nothing.
    child = case.dependants[2]
    remove = f"/records/cases/{case.id}/dependants/{child.id}/remove"
    assert post_form(client, remove, {"reason": " "}).status_code == 422
    assert post_form(client, remove, {"reason": "已被他人收养"}).status_code == 303
    assert post_form(client, remove, {"reason": "已被他人收养"}).status_code == 303
    (removed,) = events("dependant_removed", world.worker.id)
    assert payload_of(removed)["name"] == "李二" and payload_of(removed)["reason"] == "已被他人收养"
    view = operations.case_view(case)
    assert [p.amount for p in view.dependants.items] == [Decimal("2080.00"), Decimal("2080.00")]
    assert view.dependants.total.amount == Decimal("4160.00") and not view.dependants.capped


def test_dependants_need_a_death_and_only_hr_records_them(client, cases_ready):
    world = cases_ready
    case = open_case_for(world.worker)
    login(client, "hr")
    refused = post_form(client, f"/records/cases/{case.id}/dependants", SPOUSE)
    assert refused.status_code == 422 and "请先填写死亡日期" in refused.get_data(as_text=True)
    assert 'id="case-dependants"' not in client.get(f"/records/cases/{case.id}").get_data(as_text=True)
    died = open_case_for(world.manager, **DIED)
    manager = client.application.test_client()
    login(manager, "manager")
    assert post_form(manager, f"/records/cases/{died.id}/dependants", SPOUSE).status_code == 403
    assert db.session.query(CaseDependant).count() == 0


def test_the_api_gives_every_figure_and_the_dependants_pensions_as_the_pages_compute_them(client, cases_ready,
                                                                                          make_token):
    world = cases_ready
    case = open_case_for(world.worker, **DIED)
    for dependant in (rules.Dependant(rules.Relation.SPOUSE, label="王芳", condition=rules.Condition.UNABLE_TO_WORK),
                      rules.Dependant(rules.Relation.CHILD, lone=True, label="李一", condition=rules.Condition.MINOR),
                      rules.Dependant(rules.Relation.CHILD, lone=True, label="李二", condition=rules.Condition.MINOR)):
        operations.add_dependant(case, dependant, None, SYSTEM)
    db.session.commit()
    view = operations.case_view(case)
    detail = client.get(f"/api/v1/cases/{case.id}", headers=make_token("hr", "cases:read")).get_json()
    assert [(b["code"], b["amount"], b["article"]) for b in detail["benefits"]] == [
        (b.code, f"{b.amount:.2f}", b.article) for b in view.benefits]
    pensions = detail["dependants_pensions"]
    assert [p["amount"] for p in pensions["items"]] == ["1733.33", "1733.33", "1733.34"]
    assert (pensions["total"], pensions["capped"]) == ("5200.00", True)
    assert all("第三十九条" in p["article"] and p["payer"] == "fund" and p["frequency"] == "monthly"
               for p in pensions["items"])
    living = client.get("/api/v1/cases", headers=make_token("hr", "cases:read")).get_json()["items"]
    assert [c["dependants_pensions"] for c in living if c["id"] != case.id] == [None] * (len(living) - 1)
