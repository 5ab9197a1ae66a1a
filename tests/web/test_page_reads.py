"""A person's own pages read their rows with the account, in one statement
(``portal.auth.figures``): the rows are exactly those the page's own statement reads, in its
order, only the signed-in person's, and only on reads of that page. Both engines."""

from __future__ import annotations

import pytest

from portal.auth.figures import PAGE_READS, page_rows
from portal.auth.routes import load_user
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices import rules
from portal.notices.operations import push_notice, save_notice, shanghai_date
from tests.conftest import assign_course, counted_statements, login

SLUG = "injury-basics"
PAGES = {
    "courses.index": "/learning/",
    "notices.index": "/notices/",
    "courses.lesson": f"/learning/{SLUG}/lessons/2",
    "courses.quiz": f"/learning/{SLUG}/quiz",
}


@pytest.fixture
def assigned(world, courses):
    for course in courses.values():
        assign_course(course, world.worker)
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
    with app.test_request_context(PAGES[endpoint]):
        with counted_statements() as statements:
            account = load_user(session_id)
        assert len(statements) == 1
        with_the_account = page_rows(account, endpoint, app.url_map.bind("").match(PAGES[endpoint])[1])
        assert with_the_account, endpoint
    db.session.remove()
    with app.test_request_context(PAGES[endpoint], method="POST"):  # a write reads the account alone
        account = load_user(session_id)
        assert "_page_rows" not in account.__dict__
        with counted_statements() as statements:
            read_alone = page_rows(account, endpoint, app.url_map.bind("").match(PAGES[endpoint])[1])
        assert len(statements) == 1
    assert with_the_account == read_alone
    if endpoint in ("courses.lesson", "courses.quiz"):
        assert {row[0] for row in read_alone} == {employee_id}


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
