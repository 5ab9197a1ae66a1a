"""A person's own pages read their rows with the account, in one statement
(``portal.auth.figures``): the rows are exactly those the page's own statement reads, in its
order, only the signed-in person's, and only on reads of that page. Both engines."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

from portal.auth.figures import PAGE_FIGURES, PAGE_READS, page_rows
from portal.auth.routes import _account_statement, load_user
from portal.courses.models import Course
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices import rules
from portal.notices.operations import push_notice, save_notice, shanghai_date
from tests.conftest import assign_course, counted_statements, login
from tests.web.cases.conftest import cases_ready, open_case_for, parsed_notices  # noqa: F401  (fixtures)

SLUG = "injury-basics"
PAGES = {
    "courses.index": "/learning/",
    "notices.index": "/notices/",
    "courses.lesson": f"/learning/{SLUG}/lessons/2",
    "courses.quiz": f"/learning/{SLUG}/quiz",
    "courses.receipt": "/learning/receipts/{receipt}",
    "cases.mine": "/my-case/",
}


@pytest.fixture
def assigned(cases_ready):
    world = cases_ready
    courses = {course.slug: course for course in db.session.query(Course)}
    assignments = {slug: assign_course(course, world.worker) for slug, course in courses.items()}
    world.receipt = walk_through_course(assignments["suspension-pay"], world.user("worker").id).receipt_number
    open_case_for(world.worker)  # which pushes the case's notices
    assign_course(courses[SLUG], world.outsider)
    for title in ("工伤报告须知", "停工留薪期说明"):
        version, _created = save_notice(None, {"zh_CN": title, "en": title}, {"zh_CN": "正文", "en": "Text"},
                                        world.user("hr").id, SYSTEM)
        push_notice(version, [world.worker], rules.due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    return world


def test_every_page_that_reads_with_the_account_is_listed_here(app):
    assert set(PAGE_READS) == set(PAGES)


@pytest.mark.parametrize("endpoint", PAGES)
def test_the_rows_read_with_the_account_are_the_pages_own(app, assigned, endpoint):
    worker = assigned.user("worker")
    session_id, employee_id = f"{worker.id}:{worker.session_token}", assigned.worker.id
    db.session.commit()
    db.session.remove()
    path = PAGES[endpoint].format(receipt=assigned.receipt)
    with app.test_request_context(path):
        with counted_statements() as statements:
            account = load_user(session_id)
        assert len(statements) == 1
        with_the_account = page_rows(account, endpoint, app.url_map.bind("").match(path)[1])
        assert with_the_account, endpoint
    db.session.remove()
    with app.test_request_context(path, method="POST"):  # a write reads the account alone
        account = load_user(session_id)
        assert "_page_rows" not in account.__dict__
        with counted_statements() as statements:
            read_alone = page_rows(account, endpoint, app.url_map.bind("").match(path)[1])
        assert len(statements) == 1
    assert with_the_account == read_alone
    if endpoint in ("courses.lesson", "courses.quiz"):
        assert {row[0] for row in read_alone} == {employee_id}
    if endpoint == "cases.mine":
        assert all(row[3] is not None for row in read_alone)  # the case with each notice it pushed


@pytest.mark.parametrize("endpoint", [*PAGES, None])
def test_each_account_statement_is_short_enough_for_psycopg_to_keep_it_parsed(app, endpoint):
    """psycopg parses a statement's text for its parameters on every run unless the text is at
    most ``MAX_CACHED_STATEMENT_LENGTH`` bytes (then it keeps the parsed form): that parse cost a
    tenth of a signed-in page beyond a bare request. Every signed-in read runs one of these."""
    dialect = sa.create_engine("postgresql+psycopg://").dialect
    text = str(_account_statement(PAGE_FIGURES, endpoint).compile(dialect=dialect))
    assert len(text.encode()) <= MAX_CACHED_STATEMENT_LENGTH, endpoint


def test_another_persons_rows_never_come_with_the_account(app, client, assigned):
    login(client, "outsider")
    body = client.get("/learning/").get_data(as_text=True)
    assert "工伤基础与报告流程" in body and "停工留薪期与工资" not in body
    body = client.get("/notices/").get_data(as_text=True)
    assert "您目前还没有收到通知。" in body and "工伤报告须知" not in body
    assert client.get("/learning/suspension-pay/quiz").status_code == 404
    worker = app.test_client()
    login(worker, "worker")
    body = worker.get("/notices/").get_data(as_text=True)
    assert "工伤报告须知" in body and "停工留薪期说明" in body


def test_a_lesson_number_past_any_integer_is_not_found(app, client, assigned):
    login(client, "worker")
    assert client.get(f"/learning/{SLUG}/lessons/{10**30}").status_code == 404
    assert client.get(f"/learning/{SLUG}/lessons/{2**31}").status_code == 404


def test_the_account_read_as_columns_is_held_by_the_session_as_if_loaded(app, world):
    """``load_user`` makes the account and its employee from plain columns: the session holds both
    as stored, a change to either is written on commit, and what was not read loads when asked."""
    worker = world.user("worker")
    session_id, department = f"{worker.id}:{worker.session_token}", world.machining.name_zh
    db.session.commit()
    db.session.remove()
    with app.test_request_context("/learning/"):
        account = load_user(session_id)
        assert account in db.session and account.employee in db.session
        assert not db.session.dirty and not db.session.new
        assert account.employee.department.name_zh == department  # loads on demand
        account.employee.preferred_locale = "en"
        account.email_notifications = False
        db.session.commit()
    db.session.remove()
    stored = world.user("worker")
    assert stored.employee.preferred_locale == "en" and stored.email_notifications is False
