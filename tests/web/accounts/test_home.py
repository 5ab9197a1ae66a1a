"""Home pages are to-do lists: the worker's own open items and case step, the manager's people's
open items, HR's counts of what waits."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.core.types import local_today
from portal.extensions import db
from portal.workbench import operations as workbench
from tests.conftest import assign_course, login
from tests.web.cases.route_expectations import prepare_cases


def test_the_worker_sees_what_is_due_overdue_first_and_the_next_step_of_their_case(client, world, courses):
    late = assign_course(courses["injury-basics"], world.worker)
    late.due_date = local_today() - timedelta(days=3)
    db.session.commit()
    prepare_cases(world)  # the case assigns the injury courses too
    login(client, "worker")
    home = client.get("/").get_data(as_text=True)
    todo = home[home.index('id="my-todo"'):home.index('id="case-title"')]
    assert "1 项已逾期" in todo
    assert todo.index(courses["injury-basics"].title_zh) < todo.index(courses["suspension-pay"].title_zh)
    assert "查看我的案件" in home


def test_a_manager_sees_what_their_own_people_owe_and_no_one_else(client, world, courses):
    assign_course(courses["injury-basics"], world.worker)
    assign_course(courses["injury-basics"], world.outsider)  # the assembly workshop's
    login(client, "manager")
    home = client.get("/").get_data(as_text=True)
    assert "部门员工尚未完成的事项" in home and "李强" in home and "陈晓雨" not in home


def test_hr_sees_counts_of_what_waits(client, world):
    prepare_cases(world)
    workbench.scan(local_today())
    db.session.commit()
    login(client, "hr")
    home = client.get("/").get_data(as_text=True)
    counts = dict(re.findall(r'>([^<>]+)</a> <span class="badge">(\d+)</span>', home))
    assert counts["待确认的案件事项"] == "1"
    assert int(counts["未处理的风险提示"]) >= 1
    assert counts["待邀请的账号"] == "0"
