"""Employee search through the trigram index finds exactly what a LIKE over the same fields finds,
on both engines, and the index follows every change to employees and accounts."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.auth.models import User
from portal.auth.policy import Role
from portal.extensions import db
from portal.org.models import Department, Employee
from portal.org.operations import search_condition, search_stamps
from portal.org.rules import ContractType, EmploymentStatus
from portal.org.search import SHORTEST_SUBSTRING, employee_search, named_departments, search_terms
from tests.conftest import assign_course, login

# Chinese names, mixed case (ASCII and not), digits, LIKE's wildcards and escapes, quotes, blanks.
ALPHABET = "王伟欧阳娜员工陈AaBbÉéßK015%_\\/'\" "
field = st.text(ALPHABET, min_size=1, max_size=8)


def like_condition(text: str) -> sa.ColumnElement[bool]:
    """The search as a plain LIKE scan over the same fields: contains, or starts with for short queries."""
    def matches(column):
        if len(text) < SHORTEST_SUBSTRING:
            return column.istartswith(text, autoescape=True)
        return column.icontains(text, autoescape=True)

    return sa.or_(
        matches(Employee.name), matches(Employee.number), matches(Employee.phone),
        Employee.id.in_(sa.select(User.employee_id).where(matches(User.username))),
        Employee.department_id.in_(sa.select(Department.id).where(sa.or_(*(
            column.icontains(text, autoescape=True)
            for column in (Department.name_zh, Department.name_en, Department.code))))),
    )


def found(condition: sa.ColumnElement[bool], parameters: dict[str, object] | None = None) -> set[int]:
    return set(db.session.execute(sa.select(Employee.id).where(condition), parameters).scalars())


def add_employee(department: Department, number: str, name: str, phone: str | None,
                 username: str | None = None) -> Employee:
    employee = Employee(number=number, name=name, phone=phone, hire_date=date(2025, 1, 1), department=department,
                        contract_type=ContractType.REGULAR, preferred_locale="zh_CN")
    db.session.add(employee)
    db.session.flush()
    if username is not None:
        db.session.add(User(username=username, password_hash="x", role=Role.EMPLOYEE, employee_id=employee.id,
                            session_token=f"t{employee.id}"))
    return employee


people = st.lists(st.tuples(field, field, st.one_of(st.none(), field), st.one_of(st.none(), field)),
                  min_size=1, max_size=6, unique_by=(lambda p: p[1], lambda p: p[3] or object()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people, departments=st.lists(field, min_size=2, max_size=2, unique=True), data=st.data())
def test_search_finds_exactly_what_like_finds(app, people, departments, data):
    stored = [value for person in people for value in person if value] + departments
    sample = data.draw(st.sampled_from(stored))
    start = data.draw(st.integers(0, len(sample) - 1))
    query = data.draw(st.one_of(
        st.just(sample[start:start + data.draw(st.integers(1, 5))]),
        st.just(sample[start:].swapcase()),
        field,
    ))
    made = [Department(code=f"D{i}", name_zh=name, name_en=name.upper()) for i, name in enumerate(departments)]
    try:
        db.session.add_all(made)
        for i, (name, number, phone, username) in enumerate(people):
            add_employee(made[i % 2], number, name, phone, username)
        db.session.commit()
        text = search_terms(query)
        if text:
            expected = found(like_condition(text))
            search = employee_search(query)
            assert found(search_condition(query)) == expected, query
            assert found(search.walked, search.parameters) == expected, query  # per row, as a walked page checks it
            if "search_few_accounts" in search.parameters:  # each row's account read, as when many accounts match
                assert found(search.walked, {**search.parameters, "search_few_accounts": 0}) == expected, query
            with app.test_request_context():  # the departments named, matched against the kept departments
                stamps = search_stamps()
                assert stamps is not None
                assert set(named_departments(text, stamps.departments)) == set(named_departments(text)), query
            assert found(search.indexed, search.parameters) == expected, query  # as a page of few matches reads it
            among_some = employee_search(query, everyone=False)  # a manager's: their people checked each
            assert found(among_some.indexed, among_some.parameters) == expected, query
            assert set(db.session.execute(sa.select(among_some.counted(sa.select(Employee.id)).c.id),
                                          among_some.parameters).scalars()) == expected, query
            counted = search.counted(sa.select(Employee.id))  # as the counts read it (fewer than the limit here)
            assert set(db.session.execute(sa.select(counted.c.id), search.parameters).scalars()) == expected, query
    finally:
        db.session.rollback()
        db.session.execute(sa.delete(User))
        db.session.execute(sa.delete(Employee))
        db.session.execute(sa.delete(Department))
        db.session.commit()


def test_the_index_follows_changes_to_employees_and_accounts(app):
    machining = Department(code="MACH", name_zh="机加工车间", name_en="Machining")
    db.session.add(machining)
    wang = add_employee(machining, "E1001", "王伟", "13800001234", "wang.wei")
    chen = add_employee(machining, "E1002", "陈晓雨", None)
    db.session.commit()

    def finds(query: str) -> set[int]:
        return found(search_condition(query))

    assert finds("wang.w") == {wang.id} and finds("王") == {wang.id} and finds("晓雨") == set()
    assert finds("陈晓雨") == {chen.id} and finds("陈") == {chen.id} and finds("e100") == {wang.id, chen.id}
    assert finds("机加工") == {wang.id, chen.id} and finds("machin") == {wang.id, chen.id}

    wang.name, wang.number, wang.phone = "王伟强", "F2001", None
    account = db.session.execute(sa.select(User).where(User.username == "wang.wei")).scalar_one()
    account.username = "wq.2"
    db.session.commit()
    assert finds("王伟强") == {wang.id} and finds("F20") == {wang.id} and finds("E1001") == set()
    assert finds("1234") == set() and finds("wang.w") == set() and finds("WQ.2") == {wang.id}

    account.employee_id = chen.id  # the account moves to another employee
    db.session.commit()
    assert finds("wq.2") == {chen.id}

    db.session.delete(account)
    db.session.commit()
    assert finds("wq.2") == set()
    db.session.delete(chen)
    db.session.commit()
    assert finds("陈晓雨") == set() and finds("e100") == set() and finds("F2001") == {wang.id}


@pytest.mark.parametrize("query", ["员工5", "wa"])
def test_a_search_reads_the_index_not_every_employee(app, query):
    statement = sa.select(sa.func.count()).select_from(Employee).where(search_condition(query))
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        plan = " | ".join(row[-1] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "VIRTUAL TABLE" in plan and "SCAN employees" not in plan, plan
    else:
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a handful of rows: priced out
        plan = " | ".join(row[0] for row in db.session.execute(sa.text(f"EXPLAIN {compiled}")))
        assert "ix_employees_search" in plan and "ix_users_search" in plan, plan


@pytest.mark.parametrize("query", ["员工5", "wa"])
def test_a_page_of_many_matches_walks_the_numbers_and_counting_stops_early(app, query):
    """The walked condition leaves the page to the number index (not the employees' search index, no
    scan of the accounts); SQLite counts from the search index joined, so reading stops at the limit."""
    search = employee_search(query)
    page = sa.select(Employee.id).where(search.walked).order_by(Employee.number).limit(50).params(search.parameters)
    counted = sa.select(sa.func.count()).select_from(search.counted(sa.select(Employee.id))).params(search.parameters)
    if db.engine.dialect.name == "sqlite":
        def plan(statement):
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            return " | ".join(row[-1] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
        walked = plan(page)
        assert "SCAN employees USING INDEX" in walked and "TEMP B-TREE" not in walked, walked  # the number's, in order
        assert "VIRTUAL TABLE" not in walked, walked
        assert "LIST SUBQUERY" not in plan(counted) and "VIRTUAL TABLE" in plan(counted), plan(counted)
    else:
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a handful of rows: priced out
        compiled = page.compile(db.engine, compile_kwargs={"literal_binds": True})
        walked = " | ".join(row[0] for row in db.session.execute(sa.text(f"EXPLAIN {compiled}")))
        assert "uq_employees_number" in walked and "ix_employees_search" not in walked, walked
        # the accounts the query names found once through their index, not every account scanned
        assert "ix_users_search" in walked and "Seq Scan on users" not in walked, walked


@pytest.mark.parametrize("path", ["/employees", "/records/cases/"])
def test_the_search_box_says_what_short_queries_match(client, world, path):
    login(client, "hr")
    body = client.get(path).get_data(as_text=True)
    assert 'aria-describedby="q-hint"' in body and "一两个字符只匹配开头" in body


@pytest.mark.parametrize("path", ["/employees", "/records/courses/injury-basics"])
def test_a_department_renamed_is_searched_by_its_new_name(client, world, courses, path):
    """The departments a search names are matched against kept departments: renaming one changes
    what the same search finds on the next request."""
    for person in (world.worker, world.outsider):
        assign_course(courses["injury-basics"], person)
    login(client, "hr")

    def numbers(query: str) -> set[str]:
        body = client.get(path, query_string={"q": query}).get_data(as_text=True)
        return set(re.findall(r'<td data-label="工号">(\w+)</td>', body))

    assert numbers("装配") >= {"E002"} and "E001" not in numbers("装配")
    assert numbers("焊接") == set()
    world.assembly.name_zh = "焊接车间"
    db.session.commit()
    assert numbers("焊接") >= {"E002"} and "E001" not in numbers("焊接")
    assert numbers("装配") == set()


def test_a_kept_count_follows_the_people_behind_it(client, world):
    """A search's count is kept while no employee, account or department is written: each kind of
    write the count depends on shows on the next view."""
    login(client, "hr")

    def summary(query: str) -> str:
        body = client.get("/employees", query_string={"q": query}).get_data(as_text=True)
        return re.search(r"第 [^<]*条", body).group(0)

    assert summary("陈晓雨") == "第 1–1 条，共 1 条"
    assert summary("陈晓雨") == "第 1–1 条，共 1 条"  # kept
    twin = add_employee(world.machining, "E0900", "陈晓雨", None)
    db.session.commit()
    assert summary("陈晓雨") == "第 1–2 条，共 2 条"  # a new employee
    twin.name = "陈晓"
    db.session.commit()
    assert summary("陈晓雨") == "第 1–1 条，共 1 条"  # a name changed
    account = world.user("worker")
    account.username = "xiaoyu.li"
    db.session.commit()
    assert summary("xiaoyu") == "第 1–1 条，共 1 条"  # an account renamed
    world.outsider.status = EmploymentStatus.LEFT
    db.session.commit()
    assert summary("陈晓雨") == "第 0–0 条，共 0 条"  # left: the list shows the active by default
    world.assembly.name_zh = "晓雨车间"
    db.session.commit()
    assert summary("晓雨车间") == "第 1–1 条，共 1 条"  # a department renamed: its people found (the other manager)
