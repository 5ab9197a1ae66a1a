"""A search counts its matches up to a limit and beyond says "more than"; its pages then walk the
list's order checking each person, and still list exactly the matches, in order (both engines)."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from portal.auth.operations import create_user
from portal.auth.policy import Role
from portal.core.kept import kept_parts
from portal.courses.models import Assignment
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notices.operations import push_notice, save_notice, shanghai_date
from portal.notices.rules import due_date
from portal.org.models import Employee
from portal.org.rules import ContractType
from tests.conftest import PASSWORD, assign_course, counted_statements, login
from tests.web.notices.conftest import BODY, TITLE
from tests.web.org.test_employees import add_staff

ROWS = {"HX-Request": "true", "HX-Target": "employee-rows"}
MATRIX = {"HX-Request": "true", "HX-Target": "course-matrix"}
DELIVERIES = {"HX-Request": "true", "HX-Target": "notice-deliveries"}
SLUG = "injury-basics"
STAFF = [f"S{n:04d}" for n in range(100, 109)]  # 员工100 … 员工108: all nine match "员工10"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("portal.org.operations.PAGE_SIZE", 3)
    monkeypatch.setattr("portal.courses.records.MATRIX_PAGE_SIZE", 3)
    monkeypatch.setattr("portal.notices.records.DELIVERIES_PER_PAGE", 3)


def counting(monkeypatch, limit: int) -> None:
    monkeypatch.setattr("portal.org.search.COUNTED_MATCHES", limit)


def walk(client, url: str, headers: dict[str, str], link: str = "next") -> tuple[list[str], list[str]]:
    """Every page from ``url`` on by its Next (or Previous) links: the numbers listed, page by page
    in the order followed, and each page's summary. Going back from the last page must list the
    same pages."""
    numbers: list[str] = []
    summaries: list[str] = []
    pages: list[list[str]] = []
    last = url
    while url:
        body = client.get(url, headers=headers).get_data(as_text=True)
        pages.append(re.findall(r'<td data-label="工号">(\w+)</td>', body))
        summaries += re.findall(r"第 [^<]*条", body)
        following = re.search(rf'<a href="([^"]+)" rel="{link}"', body)
        last, url = url, html.unescape(following.group(1)) if following else ""
        assert len(pages) <= len(STAFF) + 2, "the pages never end"
    numbers = [n for page in pages for n in page]
    if link == "next" and len(pages) > 1:
        back, _ = walk(client, last, headers, "prev")
        assert back == [n for page in reversed(pages) for n in page], "Previous lists other pages than Next"
    return numbers, summaries


@pytest.mark.parametrize("walked", [2_000, 4])  # 4: walks come up short and the page is read from the matches
@pytest.mark.parametrize("sort", ["number", "-number", "name", "-hire_date"])
def test_employee_search_beyond_the_limit_lists_every_match_in_order(client, world, small_pages, monkeypatch, sort,
                                                                    walked):
    add_staff(world, 9, 100)
    world.outsider.number = "S0103a"  # between the matches in number order, not one of them
    db.session.commit()
    monkeypatch.setattr("portal.core.listing.WALKED_ROWS", walked)
    counting(monkeypatch, 4)
    login(client, "hr")
    numbers, summaries = walk(client, f"/employees?q=员工10&sort={sort}", ROWS)
    descending = sort.startswith("-")
    key = {"number": lambda n: n, "name": lambda n: f"员工{n[1:].lstrip('0')}", "hire_date": lambda n: n}[sort.lstrip("-")]
    assert numbers == sorted(STAFF, key=key, reverse=descending)
    assert summaries == ["第 1–3 条，共超过 4 条", "第 4–6 条，共超过 6 条", "第 7–9 条，共 9 条"]


@pytest.mark.parametrize(("limit", "summary"), [(8, "第 1–3 条，共超过 8 条"), (9, "第 1–3 条，共 9 条")])
def test_employee_search_counts_exactly_up_to_the_limit(client, world, small_pages, monkeypatch, limit, summary):
    add_staff(world, 9, 100)
    counting(monkeypatch, limit)
    login(client, "hr")
    body = client.get("/employees?q=员工10", headers=ROWS).get_data(as_text=True)
    assert summary in body
    assert ('aria-label="第 3 页"' in body) is (limit == 9)  # the last page is linked only when known
    typed = client.get("/employees?q=员工10&page=2", headers=ROWS).get_data(as_text=True)  # no cursor: by OFFSET
    assert re.findall(r'<td data-label="工号">(\w+)</td>', typed) == STAFF[3:6] and "第 4–6 条" in typed
    assert client.get("/employees?q=员工10&page=2147483647", headers=ROWS).status_code == 200
    assert "共 1 条" in client.get("/employees?q=员工104", headers=ROWS).get_data(as_text=True)


@pytest.fixture
def assigned(world, courses):
    """The nine staff assigned the course; S0104 has acknowledged it."""
    add_staff(world, 9, 100)
    staff = {e.number: e for e in db.session.query(Employee).filter(Employee.number.in_(STAFF))}
    for number in STAFF:
        assignment = assign_course(courses[SLUG], staff[number])
        if number == "S0104":
            walk_through_course(assignment, create_user("s0104", PASSWORD, Role.EMPLOYEE, staff[number].id).id)
    return staff


@pytest.mark.parametrize("walked", [2_000, 3])
def test_matrix_search_beyond_the_limit_says_so_and_lists_every_match(client, world, assigned, small_pages,
                                                                       monkeypatch, walked):
    monkeypatch.setattr("portal.core.listing.WALKED_ROWS", walked)
    counting(monkeypatch, 4)
    login(client, "hr")
    url = f"/records/courses/{SLUG}?q=员工10"
    first = client.get(url, headers=MATRIX).get_data(as_text=True)
    assert "符合搜索条件的记录超过 4 条" in first and "已分配 9 人" not in first and "已确认 " not in first
    numbers, summaries = walk(client, url, MATRIX)
    assert numbers == STAFF
    assert summaries == ["第 1–3 条，共超过 4 条", "第 4–6 条，共超过 6 条", "第 7–9 条，共 9 条"]
    # A status that few of the matches have is counted exactly, whatever the whole.
    acknowledged, summaries = walk(client, f"{url}&status=acknowledged", MATRIX)
    assert acknowledged == ["S0104"] and summaries == ["第 1–1 条，共 1 条"]
    not_started, summaries = walk(client, f"{url}&status=not_started&sort=-number", MATRIX)
    assert not_started == [n for n in reversed(STAFF) if n != "S0104"]
    assert summaries[0] == "第 1–3 条，共超过 4 条"


def test_matrix_search_up_to_the_limit_counts_each_status(client, world, assigned, small_pages, monkeypatch):
    counting(monkeypatch, 9)
    login(client, "hr")
    body = client.get(f"/records/courses/{SLUG}?q=员工10", headers=MATRIX).get_data(as_text=True)
    assert "已分配 9 人" in body and "超过" not in body and "第 1–3 条，共 9 条" in body
    assert "已确认 11%" in body


def test_a_searched_list_takes_the_same_statements_beyond_the_limit(client, world, assigned, small_pages,
                                                                   monkeypatch):
    counting(monkeypatch, 4)
    login(client, "hr")
    for url, headers in (("/employees?q={}", ROWS), (f"/records/courses/{SLUG}?q={{}}", MATRIX)):
        kept_parts().clear()  # both computed afresh (a first view reads the department names once)
        with counted_statements() as few:
            assert client.get(url.format("员工104"), headers=headers).status_code == 200
        kept_parts().clear()
        with counted_statements() as many:
            assert "超过 4" in client.get(url.format("员工10"), headers=headers).get_data(as_text=True)
        assert len(many) == len(few), url


def test_deliveries_search_beyond_the_limit_says_so_and_lists_every_match(client, world, small_pages, monkeypatch):
    add_staff(world, 9, 100)
    staff = db.session.query(Employee).filter(Employee.number.in_(STAFF)).all()
    published, _created = save_notice(None, TITLE, BODY, world.user("hr").id, SYSTEM)
    push_notice(published, staff, due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    counting(monkeypatch, 4)
    login(client, "hr")
    url = f"/records/notices/{published.notice_id}?q=员工10"
    first = client.get(url, headers=DELIVERIES).get_data(as_text=True)
    assert "符合搜索条件的记录超过 4 条" in first and "已推送" not in first
    numbers, summaries = walk(client, url, DELIVERIES)
    assert numbers == STAFF
    assert summaries == ["第 1–3 条，共超过 4 条", "第 4–6 条，共超过 6 条", "第 7–9 条，共 9 条"]
    counting(monkeypatch, 9)
    exact = client.get(url, headers=DELIVERIES).get_data(as_text=True)
    assert "超过" not in exact and "第 1–3 条，共 9 条" in exact


def _statements_and_body(client, url: str, headers: dict[str, str]) -> tuple[int, str]:
    with counted_statements() as statements:
        body = client.get(url, headers=headers).get_data(as_text=True)
    return len(statements), body


def _searched_broadly(client, monkeypatch, page: str, headers: dict[str, str]) -> tuple[str, int, str]:
    """HR searches ``page`` (a format of the query) for one of the nine (员工104), twice, then for all
    of them (员工10), counting four, twice: the broad search's URL, the statements of the narrow
    one's second visit (the first reads what any list reads once) and the broad one's page."""
    counting(monkeypatch, 4)
    login(client, "hr")
    client.get(page.format("员工104"), headers=headers)
    narrow, _ = _statements_and_body(client, page.format("员工104"), headers)
    body = client.get(page.format("员工10"), headers=headers).get_data(as_text=True)
    assert "符合搜索条件的记录超过 4 条" in body
    # Viewed again: the order of its matches is read once (``KnownOrder``), the same page.
    assert client.get(page.format("员工10"), headers=headers).get_data(as_text=True) == body
    return page.format("员工10"), narrow, body


def _four_counted_as_afresh(client, url: str, headers: dict[str, str]) -> str:
    """After the write in hand is committed, the search counts its four matches exactly, as the page
    computed with nothing kept does; that page."""
    db.session.commit()
    body = client.get(url, headers=headers).get_data(as_text=True)
    assert "超过" not in body and "第 1–3 条，共 4 条" in body
    kept_parts().clear()
    assert client.get(url, headers=headers).get_data(as_text=True) == body
    return body


def _end_assignments(numbers: list[str], by_statement: bool) -> None:
    ended = db.session.execute(sa.select(Assignment).join(Employee).where(Employee.number.in_(numbers))).scalars().all()
    if by_statement:
        db.session.execute(sa.update(Assignment).where(Assignment.id.in_([a.id for a in ended])).values(is_current=False))
    else:
        for assignment in ended:
            assignment.is_current = False


# Writes after which a search of 员工10 matches four of the nine instead of all of them.
FEWER_MATCHES = {
    "five matches renamed": lambda staff: [setattr(staff[n], "name", f"职员{n}") for n in STAFF[:5]],
    "five matches moved to a contract type filtered out": lambda staff: [
        setattr(staff[n], "contract_type", ContractType.FIXED_TERM) for n in STAFF[:5]],
    "five assignments ended": lambda staff: _end_assignments(STAFF[:5], by_statement=False),
    "five assignments ended by a statement": lambda staff: _end_assignments(STAFF[:5], by_statement=True),
}


@pytest.mark.parametrize("edit", FEWER_MATCHES)
def test_a_matrix_search_known_to_match_more_is_counted_again_once_who_is_listed_changes(
        client, world, assigned, small_pages, monkeypatch, edit):
    account = create_user("s0105", PASSWORD, Role.EMPLOYEE, assigned["S0105"].id).id  # accounts are searched
    db.session.commit()
    url, narrow, body = _searched_broadly(client, monkeypatch, f"/records/courses/{SLUG}?contract=regular&q={{}}", MATRIX)
    # Known from the first visit: the states are not counted again (one statement fewer than a
    # search matching few), even after an acknowledgement (it changes states, not who is listed).
    walk_through_course(db.session.execute(sa.select(Assignment).where(Assignment.employee_id == assigned["S0105"].id))
                        .scalar_one(), account)
    again, kept_body = _statements_and_body(client, url, MATRIX)
    assert again == narrow - 1 and kept_body == body
    # A state filtered for is still counted exactly, the second time too.
    filtered = f"{url}&status=acknowledged"
    assert walk(client, filtered, MATRIX) == walk(client, filtered, MATRIX) == (["S0104", "S0105"], ["第 1–2 条，共 2 条"])

    FEWER_MATCHES[edit](assigned)
    assert "已分配 4 人" in _four_counted_as_afresh(client, url, MATRIX)


@pytest.mark.parametrize("edit", ["five matches renamed", "five deliveries moved to another notice"])
def test_a_deliveries_search_known_to_match_more_is_counted_again_once_who_is_listed_changes(
        client, world, small_pages, monkeypatch, edit):
    add_staff(world, 9, 100)
    staff = {e.number: e for e in db.session.query(Employee).filter(Employee.number.in_(STAFF))}
    published, _created = save_notice(None, TITLE, BODY, world.user("hr").id, SYSTEM)
    other, _created = save_notice(None, {"zh_CN": "另一份通知", "en": "Another notice"}, BODY, world.user("hr").id, SYSTEM)
    push_notice(published, list(staff.values()), due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    url, narrow, body = _searched_broadly(client, monkeypatch, f"/records/notices/{published.notice_id}?q={{}}",
                                          DELIVERIES)
    again, kept_body = _statements_and_body(client, url, DELIVERIES)
    assert again == narrow - 1 and kept_body == body

    moved = [staff[n].id for n in STAFF[:5]]
    if edit == "five matches renamed":
        for number in STAFF[:5]:
            staff[number].name = f"职员{number}"
    else:
        db.session.execute(sa.update(NoticeDelivery).where(NoticeDelivery.employee_id.in_(moved))
                           .values(version_id=other.id))
    _four_counted_as_afresh(client, url, DELIVERIES)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_search_page_plans_its_statements_once_for_any_query(client, world, assigned, monkeypatch):
    """On PostgreSQL the search's statements take one plan each, made for any query, not one per
    query on each run (``read_only.plan_once``): psycopg prepares a statement on its fifth run."""
    counting(monkeypatch, 4)
    published, _created = save_notice(None, TITLE, BODY, world.user("hr").id, SYSTEM)
    push_notice(published, list(assigned.values()), due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    login(client, "hr")
    pages = ("/employees?q={}", f"/records/courses/{SLUG}?q={{}}", f"/records/notices/{published.notice_id}?q={{}}")
    for _ in range(7):
        for page in pages:
            for query in ("员工10", "员工104", "装配", "S01", "zzz"):  # many matches, one, a department, a prefix, none
                assert client.get(page.format(query)).status_code == 200
    with db.engine.connect() as connection:
        plans = connection.exec_driver_sql(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%%search_trigrams%%'").all()
    assert len(plans) >= len(pages) and all(generic > 0 and custom == 0 for generic, custom in plans), plans


def _looked_up(statements: list[str]) -> list[str]:
    """The statements that look rows up in a known order (by the people given as one parameter)."""
    return [s for s in statements if "json_each" in s or "%(_people)s" in s]


def _numbers(client, url: str, headers: dict[str, str]) -> list[str]:
    return re.findall(r'<td data-label="工号">(\w+)</td>', client.get(url, headers=headers).get_data(as_text=True))


@pytest.mark.parametrize(("page", "headers"), [("/employees?sort=name&q=员工10", ROWS),
                                               (f"/records/courses/{SLUG}?sort=name&q=员工10", MATRIX)])
def test_a_broad_search_viewed_again_is_read_from_the_order_of_its_matches_until_it_changes(
        client, world, assigned, small_pages, monkeypatch, page, headers):
    counting(monkeypatch, 4)
    login(client, "hr")
    first = client.get(page, headers=headers).get_data(as_text=True)  # walked: counted, nothing ordered yet
    again = client.get(page, headers=headers).get_data(as_text=True)  # seen before: its order is read once
    with counted_statements() as statements:
        kept = client.get(page, headers=headers).get_data(as_text=True)
    assert first == again == kept and _numbers(client, page, headers) == STAFF[:3]
    assert len(_looked_up(statements)) == 1 and not any("OFFSET" in s for s in statements), statements  # no walk
    kept_parts().clear()
    assert client.get(page, headers=headers).get_data(as_text=True) == kept

    # A rename moves S0108 first in the order of names (员工10 before 员工100): read again.
    assigned["S0108"].name = "员工10"
    db.session.commit()
    assert _numbers(client, page, headers) == ["S0108", "S0100", "S0101"]
    numbers, _ = walk(client, page, headers)
    assert numbers == ["S0108", *STAFF[:-1]]


def test_a_state_filtered_page_is_looked_up_in_the_known_order_as_far_as_it_takes(
        client, world, assigned, small_pages, monkeypatch):
    """The order lists every match whatever its state; a page of one state looks up more of it at
    a time while too few pass, and lists exactly the matches of that state, in order."""
    counting(monkeypatch, 2)
    login(client, "hr")
    for number in ("S0101", "S0107"):  # acknowledged besides S0104
        walk_through_course(db.session.execute(sa.select(Assignment).where(
            Assignment.employee_id == assigned[number].id)).scalar_one(),
            create_user(number.lower(), PASSWORD, Role.EMPLOYEE, assigned[number].id).id)
    db.session.commit()
    url = f"/records/courses/{SLUG}?q=员工10&status=acknowledged&sort=-number"
    first = walk(client, url, MATRIX)
    assert first == walk(client, url, MATRIX) == (["S0107", "S0104", "S0101"], ["第 1–3 条，共 3 条"])


def test_a_search_matching_more_than_an_order_is_kept_for_is_walked_as_before(client, world, small_pages, monkeypatch):
    add_staff(world, 9, 100)
    monkeypatch.setattr("portal.core.listing.KNOWN_ORDER_ROWS", 8)
    monkeypatch.setattr("portal.core.listing.WALKED_ROWS", 4)  # walks come up short
    counting(monkeypatch, 4)
    login(client, "hr")
    url = "/employees?q=员工10&sort=-number"
    first, summaries = walk(client, url, ROWS)
    with counted_statements() as statements:
        assert walk(client, url, ROWS) == (first, summaries)
    assert first == STAFF[::-1] and not _looked_up(statements)  # walked, then read from the matches


@pytest.mark.parametrize("walked", [2_000, 2])
def test_deliveries_of_two_versions_per_person_are_each_listed_once_from_a_known_order(
        client, world, small_pages, monkeypatch, walked):
    """A person's deliveries (one per version) are found by the person; a page of the known order
    keeps those in its range only, so none is listed twice or skipped across pages."""
    add_staff(world, 9, 100)
    staff = db.session.query(Employee).filter(Employee.number.in_(STAFF)).all()
    first, _created = save_notice(None, TITLE, BODY, world.user("hr").id, SYSTEM)
    push_notice(first, staff, due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    second, _created = save_notice(first.notice, TITLE, {**BODY, "zh_CN": BODY["zh_CN"] + "\n\n补充。"},
                                   world.user("hr").id, SYSTEM)
    push_notice(second, staff, due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    monkeypatch.setattr("portal.core.listing.WALKED_ROWS", walked)
    counting(monkeypatch, 4)
    login(client, "hr")
    url = f"/records/notices/{first.notice_id}?q=员工10&sort=-number"
    expected = [n for n in reversed(STAFF) for _ in range(2)]
    numbers, summaries = walk(client, url, DELIVERIES)
    assert numbers == expected and len(summaries) == 6
    assert walk(client, url, DELIVERIES) == (numbers, summaries)  # seen before: read from the kept order
