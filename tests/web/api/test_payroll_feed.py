"""A payroll system polls the feed month by month and gets exactly what the case page shows."""

from __future__ import annotations

import re
from datetime import date

from portal.cases import operations as cases
from portal.cases.models import InjuryCase
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from tests.conftest import login
from tests.web.cases.route_expectations import prepare_cases

ROW = re.compile(r'<td data-label="日期">([^<]+)</td><td data-label="类型">([^<]+)</td>\s*'
                 r'<td data-label="月份">([^<]+)</td>\s*<td data-label="金额" class="num">([^<]+)</td>')
ACTIONS = re.compile(r'<section[^>]*id="case-actions">(.*?)</section>', re.S)
LABELS = {"应缴": "withholding", "从一次性伤残补助金中抵扣": "deduction"}


def _poll(client, headers, month: str) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {"month": month, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/payroll/actions", query_string=query, headers=headers)
        assert page.status_code == 200, page.get_data(as_text=True)
        items += page.get_json()["items"]
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            return items


def test_payroll_feed_matches_the_case_page(app, client, world, make_token):
    case_id = int(prepare_cases(world)["case"])
    case = db.session.get(InjuryCase, case_id)
    cases.apply_deduction_plan(case, 3, date(2026, 9, 25), None, SYSTEM, token="payroll-plan")
    db.session.commit()
    payroll = make_token("hr", "payroll:read")
    feed = [item for month in range(1, 13) for item in _poll(client, payroll, f"2026-{month:02d}")]

    assert login(client, "hr").status_code == 303
    page = client.get(f"/records/cases/{case_id}").get_data(as_text=True)
    shown = ROW.findall(page)
    assert shown, "the case page lists the account's entries"
    local_date = app.jinja_env.filters["local_date"]
    with app.test_request_context():
        fed = sorted((local_date(date.fromisoformat(i["date"])), i["kind"], i["amount"]) for i in feed
                     if i["kind"] != "pay_stop")
        stops = [local_date(date.fromisoformat(i["date"])) for i in feed if i["kind"] == "pay_stop"]
    on_page = sorted((on, LABELS[kind], amount.replace(",", "")) for on, kind, _month, amount in shown if kind in LABELS)
    assert fed == on_page
    assert [k for _d, k, _a in fed].count("withholding") == 6 and [k for _d, k, _a in fed].count("deduction") == 3
    assert len(stops) == 1 and stops[0] in ACTIONS.search(page).group(1)
    assert {i["amount"] for i in feed if i["kind"] == "withholding"} == {f"{cases.case_view(case).monthly_share.amount:.2f}"}
    assert [i["confirmed"] for i in feed if i["kind"] == "pay_stop"] == [False]

    detail = client.get(f"/api/v1/cases/{case_id}", headers=make_token("hr", "cases:read")).get_json()
    assert [(e["amount"]) for e in detail["account"]["entries"]] == [a.replace(",", "") for *_r, a in shown]
    assert detail["pay_stop_date"] == case.actions[0].effective_date.isoformat()
    balance = re.search(r'id="share-balance"><strong>(.*?)</strong>', page, re.S).group(1)
    assert detail["account"]["balance"] == "0.00" and "0.00" in balance  # settled, as the page says


def test_feed_follows_the_policy_and_the_scope(client, world, make_token):
    prepare_cases(world)
    other = make_token("other.manager", "payroll:read")
    assert _poll(client, other, "2026-09") == []  # another department's case stays invisible
    wrong_scope = make_token("hr", "cases:read")
    assert client.get("/api/v1/payroll/actions?month=2026-09", headers=wrong_scope).status_code == 403
    hr = make_token("hr", "payroll:read")
    assert client.get("/api/v1/payroll/actions?month=2026-13", headers=hr).status_code == 422
