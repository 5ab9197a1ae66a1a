"""The injury reports page at any number of reports: the filed ones a page at a time, newest first,
walked to the end by "older" links; the same statements however many reports wait or were filed;
who may decide a report worked out from the account, as its approvers are. Both engines."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.workbench import operations
from portal.workbench.models import InjuryReport
from tests.conftest import counted_statements, login

FILED_AT = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def _add_reports(world, filed: int, waiting: int) -> list[int]:
    """``filed`` filed reports, two at each moment (so a page may end between two of one moment), and
    ``waiting`` reports waiting at HR's confirmation; the filed ones' ids."""
    steps = operations.current_steps()
    stored = json.dumps([{"key": s.key, "role": s.role.value, "label": s.label} for s in steps])
    hr_step = [s.key for s in steps].index("hr_confirmation")
    reports = [InjuryReport(employee_id=world.worker.id, accident_date=date(2026, 1, 1), place="车间",
                            what_happened=f"第{n}份", steps_json=stored, current=len(steps),
                            completed_at=FILED_AT - timedelta(minutes=n // 2)) for n in range(filed)]
    reports += [InjuryReport(employee_id=world.outsider.id, accident_date=date(2026, 2, 1), place="车间",
                             what_happened="待确认", steps_json=stored, current=hr_step) for _ in range(waiting)]
    db.session.add_all(reports)
    db.session.commit()
    return [report.id for report in reports[:filed]]


def _newest_first(filed: list[int]) -> list[int]:
    """As the page lists them: the latest moment first, the higher id first within one moment."""
    return sorted(filed, key=lambda report_id: (filed.index(report_id) // 2, -report_id))


def _filed_section(page: str) -> list[int]:
    section = page.split("<h2>已申报的报告</h2>", 1)[1] if "<h2>已申报的报告</h2>" in page else ""
    return [int(n) for n in re.findall(r">#(\d+)</a>", section.split('<nav class="pager"')[0])]


def test_filed_reports_are_walked_newest_first_a_page_at_a_time(client, world):
    filed = _add_reports(world, 2 * operations.FILED_PAGE + 7, 0)
    login(client, "hr")
    seen, path, pages = [], "/workbench/reports/", 0
    while path:
        page = client.get(path).get_data(as_text=True)
        shown = _filed_section(page)
        assert 0 < len(shown) <= operations.FILED_PAGE
        assert ("最新申报的报告" in page) == (pages > 0)  # a link back to the newest on every later page
        seen += shown
        pages += 1
        older = re.search(r'href="([^"]+)" rel="next">更早申报的报告', page)
        path = older.group(1).replace("&amp;", "&") if older else None
    assert pages == 3 and seen == _newest_first(filed)


def test_an_older_link_that_was_tampered_with_starts_at_the_newest(client, world):
    filed = _add_reports(world, 3, 0)
    login(client, "hr")
    for bad in ("after.bm90LWpzb24", "before.W10", "after.WzEsMl0", "nonsense"):
        response = client.get(f"/workbench/reports/?older={bad}")
        assert response.status_code == 200 and _filed_section(response.get_data(as_text=True)) == _newest_first(filed)


def test_the_reports_page_reads_as_many_statements_however_many_reports_there_are(client, world):
    login(client, "hr")
    counts, waiting_in_all = [], 0
    for filed, waiting in ((3, 2), (120, 30)):
        _add_reports(world, filed, waiting)
        waiting_in_all += waiting
        with counted_statements() as statements:
            page = client.get("/workbench/reports/").get_data(as_text=True)
        assert page.count("陈晓雨") == waiting_in_all  # each waits for HR, whose queue this is
        counts.append(len(statements))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("step_key", ["report", "department_review", "hr_confirmation", "insurance_filing"])
def test_who_may_decide_is_exactly_the_reports_approvers(app, world, step_key):
    for employee in (world.worker, world.outsider):
        report = operations.file_report(employee, date(2026, 11, 1), "车间", "手被压伤", None, SYSTEM)
        report.current = [step.key for step in operations.report_steps(report)].index(step_key)
        db.session.commit()
        approvers = {user.id for user in operations.approvers(report)}
        for name in ("worker", "outsider", "manager", "other.manager", "hr", "admin"):
            user = world.user(name)
            assert operations.may_decide(user, report) == (user.id in approvers or name == "admin"), (name, step_key)
