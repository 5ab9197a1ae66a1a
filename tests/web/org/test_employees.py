"""Employee list (page and fragment), profile and the HR employee form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import ContractType
from portal.org.search import COUNTED_MATCHES
from tests.conftest import login, post_form
from tests.conftest import counted_statements

ROWS = {"HX-Request": "true", "HX-Target": "employee-rows"}


def test_hr_lists_everyone_and_manager_only_their_department(client, world):
    login(client, "hr")
    body = client.get("/employees").get_data(as_text=True)
    assert "李强" in body and "陈晓雨" in body
    post_form(client, "/logout")
    login(client, "manager")
    body = client.get("/employees").get_data(as_text=True)
    assert "李强" in body and "陈晓雨" not in body


def test_manager_cannot_filter_their_way_into_another_department(client, world):
    login(client, "manager")
    body = client.get(f"/employees?department={world.assembly.id}").get_data(as_text=True)
    assert "陈晓雨" not in body
    assert "共 0 条" in body


def test_search_without_htmx_returns_the_whole_page(client, world):
    login(client, "hr")
    response = client.get("/employees?q=E001")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in body and "李强" in body and "陈晓雨" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_search_from_htmx_returns_only_the_rows(client, world):
    login(client, "hr")
    response = client.get("/employees?q=陈", headers=ROWS)
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="employee-rows"')
    assert "陈晓雨" in body and "李强" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_rows_fragment_skips_the_department_filter(client, world):
    login(client, "hr")
    assert f'<option value="{world.assembly.id}"' in client.get("/employees").get_data(as_text=True)
    with counted_statements() as statements:
        rows = client.get("/employees", headers=ROWS).get_data(as_text=True)
    assert "李强" in rows and "FROM departments" not in " ".join(statements).replace("\n", " ")


@pytest.mark.parametrize(
    "headers",
    [{"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "employee-rows"},
     {"HX-Request": "true", "HX-Target": "something-else"},
     {"HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Target": "employee-rows"}],
)
def test_boosted_other_target_and_history_restore_get_the_full_page(client, world, headers):
    login(client, "hr")
    assert "<html" in client.get("/employees", headers=headers).get_data(as_text=True)


def test_employee_sees_own_profile_through_me(client, world):
    login(client, "worker")
    response = client.get("/me")
    assert response.headers["Location"] == f"/employees/{world.worker.id}"
    assert "E001" in client.get(response.headers["Location"]).get_data(as_text=True)


def valid_form(world, **changes):
    data = {
        "number": "e777", "name": "周敏", "hire_date": "2025-05-06", "department_id": str(world.assembly.id),
        "contract_type": "short_term", "email": "zhou@example.com", "phone": "138 0000 7777",
        "preferred_locale": "zh_CN", "status": "active", "left_date": "",
    }
    data.update(changes)
    return data


def test_hr_adds_an_employee(client, world):
    login(client, "hr")
    response = post_form(client, "/employees/new", valid_form(world))
    assert response.status_code == 303
    created = db.session.query(Employee).filter_by(number="E777").one()  # normalised to upper case
    assert created.name == "周敏" and created.department_id == world.assembly.id
    assert response.headers["Location"] == f"/employees/{created.id}"


def count_employees() -> int:
    return db.session.query(Employee).count()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"number": "E001"}, "已有员工使用此工号"),
        ({"number": "a b"}, "请使用 2–20 个字母、数字或短横线"),
        ({"name": "张" * 101}, "最多 100 个字符"),
        ({"name": ""}, "请输入姓名"),
        ({"hire_date": "2025-13-45"}, "请按 YYYY-MM-DD 输入日期"),
        ({"hire_date": (date.today() + timedelta(days=40)).isoformat()}, "该日期在未来"),
        ({"email": "not-an-address"}, "请输入有效的电子邮箱地址"),
        ({"phone": "call me"}, "只能使用数字、空格和短横线"),
        ({"status": "left"}, "请填写离职日期"),
        ({"left_date": "2020-01-01"}, "离职日期早于入职日期"),
        ({"department_id": "0"}, "请选择部门"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client, world, changes, message):
    login(client, "hr")
    before = count_employees()
    response = post_form(client, "/employees/new", valid_form(world, **changes))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert 'aria-invalid="true"' in body
    assert count_employees() == before


def test_hr_edits_an_employee_and_departure_needs_a_date(client, world):
    login(client, "hr")
    url = f"/employees/{world.outsider.id}/edit"
    form = valid_form(world, number="E002", name="陈晓雨", status="left", left_date="2026-06-30")
    assert post_form(client, url, form).status_code == 303
    db.session.refresh(world.outsider)
    assert world.outsider.left_date == date(2026, 6, 30)


def test_manager_cannot_post_the_employee_form(client, world):
    login(client, "manager")
    before = count_employees()
    assert post_form(client, "/employees/new", valid_form(world)).status_code == 403
    assert count_employees() == before


def add_staff(world, count: int, start: int = 100) -> None:
    for n in range(start, start + count):
        db.session.add(Employee(number=f"S{n:04d}", name=f"员工{n}", hire_date=date(2025, 1, 1) + timedelta(days=n),
                                department=world.assembly if n % 2 else world.machining,
                                contract_type=ContractType.REGULAR, preferred_locale="zh_CN", phone=f"1380000{n:04d}"))
    db.session.commit()


@pytest.mark.parametrize("query", ["13800000101", "outsider", "装配", "Assembly"])
def test_search_covers_phone_user_name_and_department(client, world, query):
    add_staff(world, 2)
    world.outsider.phone = "13800000101" if query != "13800000101" else None
    db.session.commit()
    login(client, "hr")
    body = client.get("/employees", query_string={"q": query}, headers=ROWS).get_data(as_text=True)
    assert "李强" not in body  # machining, no such phone or user name
    if query == "13800000101":
        assert "员工101" in body and "员工100" not in body
    else:
        assert "陈晓雨" in body


def test_columns_sort_both_ways_and_pages_are_numbered_with_the_total(client, world):
    add_staff(world, 120)
    login(client, "hr")
    body = client.get("/employees?sort=-hire_date", headers=ROWS).get_data(as_text=True)
    assert body.index("员工219") < body.index("员工218")  # newest hire first
    assert 'aria-sort="descending"' in body and "sort=hire_date" in body  # the header now sorts ascending
    assert "第 1–50 条，共 125 条" in body
    assert 'aria-current="page" href="/employees?page=1' in body and "page=3" in body
    third = client.get("/employees?sort=-hire_date&page=3", headers=ROWS).get_data(as_text=True)
    assert "第 101–125 条，共 125 条" in third and "员工100" in third
    assert "第 1–50 条" in client.get("/employees?sort=bogus&page=x").get_data(as_text=True)


def test_list_queries_do_not_grow_with_the_number_of_employees(client, world):
    login(client, "hr")
    client.get("/employees?q=员")  # warm caches (the menu, the bell, the departments a search matches)
    with counted_statements() as few:
        assert client.get("/employees?q=员工").status_code == 200
    add_staff(world, 150)  # new people in a department: the kept departments are read again
    client.get("/employees?q=员")
    with counted_statements() as many:
        body = client.get("/employees?q=员工").get_data(as_text=True)
    assert f"共超过 {COUNTED_MATCHES} 条" in body  # 150 matches
    assert len(many) == len(few)
