"""The cost report and the case list are kept until something they are computed from changes:
every kind of write to their inputs renews the stamp, writes elsewhere do not, a kept page is
never shown to a reader of another reach or on another day, and it equals the page computed
afresh (see also the random histories). Both engines."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.cases import calendar, freshness, operations
from portal.cases.models import CaseStatus, InjuryCase, PolicyVersion, WageMonth
from portal.cases.rules import DEMO_POLICY, Condition, Dependant, EntryKind, Relation, StatusCode
from portal.core.types import local_today
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.core.kept import kept_parts
from tests.conftest import login
from tests.web.cases.conftest import open_case_for

PAGES = ("/workbench/costs", "/records/cases/", "/records/cases/?status=suspension_paid_until",
         "/records/cases/?q=%E6%9D%8E")


def main_content(client, path: str) -> str:
    """The page's own content, without the CSRF tokens (signed afresh each second)."""
    page = client.get(path).get_data(as_text=True)
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page[page.index("<main"):page.index("</main>")])


def _wage(world) -> WageMonth:
    return db.session.execute(sa.select(WageMonth).where(WageMonth.employee_id == world.worker.id)
                              .order_by(WageMonth.id)).scalars().first()


def _case() -> InjuryCase:
    return db.session.execute(sa.select(InjuryCase)).scalars().one()


EDITS = {
    "a wage month": lambda w: operations.add_wage(w.worker, 2026, 3, Decimal("5000"), None, SYSTEM),
    "a corrected wage": lambda w: operations.correct_wage(_wage(w), Decimal("9999.00"), "typo", None, SYSTEM),
    "a deleted wage": lambda w: operations.delete_wage(_wage(w), "typo", None, SYSTEM),
    "a case date": lambda w: operations.update_case(_case(), {"returned_to_work_date": date(2026, 9, 1)}, None,
                                                   SYSTEM),
    "a new case": lambda w: open_case_for(w.outsider),
    "an account entry": lambda w: operations.add_entry(_case(), EntryKind.WITHHELD, Decimal("10"),
                                                       date(2026, 4, 1), None, SYSTEM),
    "a dependant": lambda w: (operations.update_case(_case(), {"death_date": date(2026, 4, 1)}, None, SYSTEM),
                              db.session.commit(),
                              operations.add_dependant(_case(), Dependant(Relation.SPOUSE, False, "王芳",
                                                                          Condition.UNABLE_TO_WORK), None, SYSTEM)),
    "a policy version": lambda w: operations.save_policy(
        DEMO_POLICY.__class__(**{**DEMO_POLICY.__dict__, "valid_from": date(2026, 6, 1)}), None, SYSTEM),
    "a holiday override": lambda w: calendar.save_override(date(2026, 4, 6), False, "", None, SYSTEM),
    "a department's name": lambda w: setattr(w.machining, "name_zh", "一车间"),
    "an employee's name": lambda w: setattr(w.worker, "name", "李强强"),
    "a user name": lambda w: setattr(w.user("worker"), "username", "li.qiang2"),
    "a statement run by the session": lambda w: db.session.execute(
        sa.update(PolicyVersion).values(source="人社局")),
}


@pytest.mark.parametrize("edit", EDITS)
def test_every_kind_of_input_renews_the_stamp_and_the_pages(client, cases_ready, edit):
    world = cases_ready
    open_case_for(world.worker)
    login(client, "hr")
    before = freshness.current_stamp()
    assert before is not None
    kept = [main_content(client, path) for path in PAGES]

    EDITS[edit](world)
    db.session.commit()

    assert freshness.current_stamp() != before
    shown = [main_content(client, path) for path in PAGES]
    kept_parts().clear()
    assert shown == [main_content(client, path) for path in PAGES]
    if edit in ("an employee's name", "a department's name", "a new case"):  # shown on every page
        assert shown != kept
    assert_statuses_filter_as_computed(client)


def assert_statuses_filter_as_computed(client) -> None:
    """Each status filter lists exactly the cases whose status, computed now, is that status (every
    status computed or stored is checked, so a stale stored status shows)."""
    today = local_today()
    computed: dict[str, set[int]] = {}
    for view in operations.case_views(db.session.execute(sa.select(InjuryCase)).scalars(), today):
        computed.setdefault(view.status.code.value if view.status else "", set()).add(view.case.id)
    stored = set(db.session.execute(sa.select(CaseStatus.code)).scalars())
    for code in [c for c in StatusCode if c.value in computed or c.value in stored]:
        rows = client.get(f"/records/cases/?status={code.value}").get_data(as_text=True).split('id="case-rows"')[1]
        assert set(map(int, re.findall(r'href="/records/cases/(\d+)"', rows))) == computed.get(code.value, set()), code


def test_writes_elsewhere_keep_the_pages(client, cases_ready):
    world = cases_ready
    open_case_for(world.worker)
    login(client, "hr")
    before = freshness.current_stamp()
    world.worker.preferred_locale = "en"
    world.user("worker").email_notifications = not world.user("worker").email_notifications
    db.session.commit()
    assert freshness.current_stamp() == before


def test_a_kept_list_is_not_shown_to_a_reader_of_another_reach(client, cases_ready):
    world = cases_ready
    open_case_for(world.worker)
    open_case_for(world.outsider)
    login(client, "hr")
    assert "陈晓雨" in client.get("/records/cases/").get_data(as_text=True)
    manager = client.application.test_client()
    login(manager, "manager")  # the machining workshop only
    page = manager.get("/records/cases/").get_data(as_text=True)
    assert "李强" in page and "陈晓雨" not in page


def test_a_kept_page_is_computed_again_the_next_day(client, cases_ready, monkeypatch):
    """The status moves with today: in the paid suspension period on one day, ended a month later."""
    case = open_case_for(cases_ready.worker, suspension_months=1)
    login(client, "hr")
    link = f'href="/records/cases/{case.id}"'
    for day, listed in ((date(2026, 3, 20), True), (date(2026, 5, 20), False), (date(2026, 3, 20), True)):
        monkeypatch.setattr("portal.cases.admin_routes.local_today", lambda: day)
        page = client.get("/records/cases/?status=suspension_paid_until").get_data(as_text=True)
        assert (link in page) is listed
