"""The HR lists' tables are kept by the rows they show (portal.web.fragments): a change to the data
behind a page shows at once, a kept table is drawn once, and nothing of one reader reaches another.
Department choices are kept until a department is written."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader, UndefinedError

from portal.core.kept import kept_parts
from portal.courses.models import Acknowledgement
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices import rules as notice_rules
from portal.notices.operations import acknowledge_notice, open_notice, push_notice, save_notice, shanghai_date
from markupsafe import Markup

from portal.web import fragments, layout
from tests.conftest import assign_course, login, post_form

SLUG = "injury-basics"
MATRIX = f"/records/courses/{SLUG}"


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The templates drawn afresh (a kept table is not drawn again)."""
    calls: list[str] = []
    render = fragments.render_alone

    def counting(template, context):
        calls.append(template)
        return render(template, context)

    monkeypatch.setattr(fragments, "render_alone", counting)
    return calls


def _body(client, url: str, target: str | None = None) -> str:
    headers = {"HX-Request": "true", "HX-Target": target} if target else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_matrix_shows_an_acknowledgement_at_once_and_draws_a_kept_table_once(client, world, courses, drawn):
    course = courses[SLUG]
    assignment = assign_course(course, world.worker)
    assign_course(course, world.outsider)
    login(client, "hr")
    before = _body(client, MATRIX, "course-matrix")
    assert _body(client, MATRIX, "course-matrix") == before  # kept: the same rows give the same table
    assert before in _body(client, MATRIX)  # the page shows the same kept table
    assert drawn.count("courses/records/_matrix.html") == 1
    assert "已确认</span> 0" in before and "李强" in before
    walk_through_course(assignment, world.user("worker").id)
    db.session.commit()
    after = _body(client, MATRIX, "course-matrix")
    assert drawn.count("courses/records/_matrix.html") == 2
    assert "已确认</span> 1" in after and 'class="badge badge-acknowledged"' in after
    assert after in _body(client, MATRIX)  # the page shows the same kept table


def test_deliveries_show_a_receipt_at_once(client, world):
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    delivered = push_notice(version, [world.worker, world.outsider], notice_rules.due_date(shanghai_date()), hr, SYSTEM)
    db.session.commit()
    url = f"/records/notices/{version.notice_id}"
    login(client, "hr")
    assert "/receipts/" not in _body(client, url)
    worker = world.user("worker").id
    open_notice(delivered[0], "zh_CN", worker, SYSTEM)
    receipt = acknowledge_notice(delivered[0], world.worker.name, "zh_CN", worker, SYSTEM)
    db.session.commit()
    assert receipt.receipt_number in _body(client, url) and receipt.receipt_number in _body(client, url, "notice-deliveries")


def test_employee_list_shows_a_rename_at_once(client, world, drawn):
    login(client, "hr")
    assert "李强" in _body(client, "/employees") and "李小强" not in _body(client, "/employees")
    world.worker.name = "李小强"
    db.session.commit()
    assert "李小强" in _body(client, "/employees", "employee-rows")
    assert drawn.count("org/_employee_rows.html") == 2


SIGNED = re.compile(r"[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")  # a signed CSRF token


def test_a_kept_list_page_is_the_page_drawn_afresh_for_each_reader(client, world, courses, monkeypatch):
    """The matrix, the deliveries, the employee list, a lesson and the quiz keep their pages'
    headings and sections (``layout.kept_page``): for HR, who may assign and add, for a manager, who
    may not, after the other's page was kept, and for a worker, each page equals the one drawn with
    nothing kept."""
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    push_notice(version, [world.worker], notice_rules.due_date(shanghai_date()), hr, SYSTEM)
    db.session.commit()
    assign_course(courses[SLUG], world.worker)
    db.session.commit()
    pages = {"hr": (MATRIX, "/employees", "/employees?q=李", f"/records/notices/{version.notice_id}"),
             "manager": (MATRIX, "/employees"),
             "worker": (f"/learning/{SLUG}/lessons/1", f"/learning/{SLUG}/quiz")}
    kept = {}
    for username, paths in pages.items():
        login(client, username)
        for path in paths:
            client.get(path)
            kept[username, path] = client.get(path).get_data(as_text=True)
            with monkeypatch.context() as patched:
                patched.setattr(layout, "kept_html", lambda _key, draw, **values: Markup(draw(**values)))
                fresh = client.get(path).get_data(as_text=True)
            assert SIGNED.sub("T", kept[username, path]) == SIGNED.sub("T", fresh), (username, path)
        post_form(client, "/logout", {})
    assert 'id="assign-title"' in kept["hr", MATRIX] and 'id="assign-title"' not in kept["manager", MATRIX]
    assert 'href="/employees/new"' in kept["hr", "/employees"] and 'href="/employees/new"' not in kept["manager", "/employees"]
    assert "安全须知" in kept["hr", f"/records/notices/{version.notice_id}"]
    assert f'href="/learning/{SLUG}"' in kept["worker", f"/learning/{SLUG}/quiz"]


def test_kept_tables_hold_no_token_and_each_reader_sees_their_own(client, world, courses):
    for person in (world.worker, world.outsider):
        assign_course(courses[SLUG], person)
    login(client, "hr")
    page = _body(client, MATRIX)
    assert "陈晓雨" in page and "陈晓雨" in _body(client, "/employees")
    for value in kept_parts()._parts.values():  # nothing kept holds a reader's token
        assert "csrf_token" not in str(value)
    post_form(client, "/logout")
    login(client, "manager")  # the machining workshop only: other rows, another statement and table
    for url in (MATRIX, "/employees"):
        body = _body(client, url)
        assert "李强" in body and "陈晓雨" not in body
    assert "装配车间" not in _body(client, "/employees")  # the manager's department choices


def test_language_is_part_of_what_a_table_is_kept_by(client, world):
    login(client, "hr")
    assert "合同类型" in _body(client, "/employees")
    world.hr.preferred_locale = "en"
    db.session.commit()
    body = _body(client, "/employees", "employee-rows")
    assert "Contract type" in body and "合同类型" not in body


def test_department_choices_show_a_renamed_department_at_once(client, world, courses):
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    db.session.commit()
    pages = ("/employees", MATRIX, f"/records/notices/{version.notice_id}")  # the stamp read alone, or with the page
    login(client, "hr")
    for url in pages:
        assert "装配车间" in _body(client, url)
    world.assembly.name_zh = "总装车间"
    db.session.commit()
    for url in pages:
        body = _body(client, url)
        assert f'<option value="{world.assembly.id}">总装车间</option>' in body and "装配车间" not in body
    chosen = _body(client, f"/employees?department={world.assembly.id}")
    assert f'<option value="{world.assembly.id}" selected>总装车间</option>' in chosen


def test_tables_name_each_persons_department_and_show_a_rename_at_once(client, world, courses):
    """The tables take department names from the kept choices of every department, not the
    reader's: a manager's own row outside the departments they manage is named too."""
    world.manager.department = world.assembly  # manages machining, works in assembly
    for person in (world.manager, world.worker, world.outsider):
        assign_course(courses[SLUG], person)
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    push_notice(version, [world.worker, world.outsider], notice_rules.due_date(shanghai_date()), hr, SYSTEM)
    db.session.commit()
    deliveries = f"/records/notices/{version.notice_id}"

    def department_of(body: str, name: str) -> str:
        row = next(row for row in body.split("<tr>") if name in row)
        return next(department for department in ("机加工车间", "装配车间", "总装车间") if department in row)

    login(client, "manager")
    own = _body(client, MATRIX, "course-matrix")
    assert department_of(own, "赵经理") == "装配车间" and department_of(own, "李强") == "机加工车间"
    assert "陈晓雨" not in own
    post_form(client, "/logout")
    login(client, "hr")
    assert department_of(_body(client, deliveries, "notice-deliveries"), "陈晓雨") == "装配车间"
    world.assembly.name_zh = "总装车间"
    db.session.commit()
    assert department_of(_body(client, deliveries, "notice-deliveries"), "陈晓雨") == "总装车间"
    assert department_of(_body(client, deliveries), "陈晓雨") == "总装车间"
    post_form(client, "/logout")
    login(client, "manager")
    assert department_of(_body(client, MATRIX, "course-matrix"), "赵经理") == "总装车间"


def test_a_kept_fragment_cannot_read_the_request(app, world, monkeypatch):
    probes = DictLoader({"probe/user.html": "{{ current_user.username }}", "probe/token.html": "{{ csrf_token() }}",
                         "probe/plain.html": "{{ rows|length }} {{ url_for('org.employees') }}"})
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([probes, app.jinja_env.loader]))
    with app.test_request_context("/employees"):
        assert fragments.kept_fragment("probe/plain.html", rows=[1, 2]) == "2 /employees"
        for template in ("probe/user.html", "probe/token.html"):
            with pytest.raises(UndefinedError):
                fragments.kept_fragment(template)
        with pytest.raises(TypeError):
            fragments.kept_fragment("probe/plain.html", rows=[world.worker])  # an object says nothing of its contents


def _token(body: str, action: str) -> str:
    form = body[body.index(f'action="{action}"'):]
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)


def test_kept_forms_carry_each_readers_own_token(app, client, world, courses):
    """The assign form is kept by what it shows; each reader's page carries their own working token."""
    action = f"{MATRIX}/assign"
    login(client, "hr")
    first = _token(_body(client, MATRIX), action)
    other = app.test_client()
    login(other, "hr")
    second = _token(_body(other, MATRIX), action)
    assert first != second and "csrf-slot" not in first
    for value in kept_parts()._parts.values():
        assert first not in str(value) and second not in str(value)
    answer = other.post(action, data={"csrf_token": second, "employee_numbers": world.worker.number})
    assert answer.status_code == 303
    assert client.post(action, data={"csrf_token": second, "employee_numbers": "E002"}).status_code == 400


def test_a_refused_push_shows_the_readers_input_and_a_fresh_one_does_not(client, world):
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    db.session.commit()
    url = f"/records/notices/{version.notice_id}"
    login(client, "hr")
    page = _body(client, url)
    refused = post_form(client, f"{url}/push", {"employee_numbers": "NOBODY9", "department": "0",
                                                "due_date": "2020-01-01"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "NOBODY9" in body and 'aria-invalid="true"' in body
    assert "NOBODY9" not in _body(client, url) and 'aria-invalid="true"' not in _body(client, url)
    assert _token(page, f"{url}/push")


def test_the_day_is_part_of_what_statements_and_tables_are_kept_by(client, world, courses, monkeypatch):
    """Overdue depends on the day: a matrix kept yesterday is not shown today."""
    from datetime import timedelta

    from portal.courses import operations

    assignment = assign_course(courses[SLUG], world.worker)
    login(client, "hr")
    assert "逾期</span> 0" in _body(client, MATRIX, "course-matrix")
    monkeypatch.setattr(operations, "today_in_shanghai", lambda now=None: assignment.due_date + timedelta(days=1))
    later = _body(client, MATRIX, "course-matrix")
    overdue_row = '<td data-label="状态"><span class="badge badge-overdue">逾期</span></td>'
    assert "逾期</span> 1" in later and overdue_row in later
    assert overdue_row in _body(client, f"{MATRIX}?status=overdue", "course-matrix")


def test_a_kept_table_and_form_follow_the_mount_point(client, world, courses):
    """The same rows drawn under another mount point link there (url_for inside a kept fragment)."""
    assign_course(courses[SLUG], world.worker)
    login(client, "hr")
    plain = _body(client, MATRIX)
    mounted = client.get(MATRIX, base_url="http://localhost/portal").get_data(as_text=True)
    assert f'href="/records/courses/{SLUG}/export' in plain and "/portal/records/" not in plain
    assert f'href="/portal/records/courses/{SLUG}/export' in mounted
    assert 'action="/portal/records/courses/' in mounted  # the kept assign form posts under the mount point
    assert "/portal/" not in _body(client, MATRIX)  # and the first one's addresses are kept apart


def test_fixed_labels_are_translated_once_per_language_and_a_page_shows_its_languages(app, client, world):
    """A table's labels come translated: a fixed set once per language (kept), any other mapping
    each time; the kept English never reaches a Chinese page, nor the other way round."""
    from flask_babel import force_locale

    from portal.notices.presenters import STATUS_LABELS
    from portal.notices.rules import Status
    from portal.web.templating import as_text

    with app.test_request_context("/"):
        with force_locale("en"):
            english = as_text(STATUS_LABELS)
            assert english[Status.UNREAD] == "Unread" and as_text(STATUS_LABELS) is english
            assert as_text(dict(STATUS_LABELS)) == english and as_text(dict(STATUS_LABELS)) is not english
        with force_locale("zh_CN"):
            assert as_text(STATUS_LABELS)[Status.UNREAD] == "未读"
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    push_notice(version, [world.worker], notice_rules.due_date(shanghai_date()), hr, SYSTEM)
    db.session.commit()
    login(client, "hr")
    url = f"/records/notices/{version.notice_id}"
    assert "未读</span> 1" in _body(client, url, "notice-deliveries")
    world.hr.preferred_locale = "en"
    db.session.commit()
    english_page = _body(client, url, "notice-deliveries")
    assert "Unread</span> 1" in english_page and "未读" not in english_page


def test_a_workers_own_lists_are_kept_by_the_rows_and_the_day_they_are_drawn_from(client, world, courses, drawn,
                                                                                   monkeypatch):
    """My learning, my notices and a receipt are drawn once per rows as read and day: the same rows
    on the same day draw nothing, a changed row or the next day draws again (overdue shows)."""
    from datetime import timedelta

    from portal.courses import operations as course_operations
    from portal.notices import operations as notice_operations

    assignment = assign_course(courses[SLUG], world.worker)
    hr = world.user("hr").id
    version, _ = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."}, hr, SYSTEM)
    (delivery,) = push_notice(version, [world.worker], notice_rules.due_date(shanghai_date()), hr, SYSTEM)
    db.session.commit()
    login(client, "worker")
    lists = {"/learning/": "courses/_my_learning.html", "/notices/": "notices/_my_notices.html"}
    first = {url: _body(client, url) for url in lists}
    assert {url: _body(client, url) for url in lists} == first
    assert sorted(drawn) == sorted(lists.values())  # once each
    assert "逾期" not in first["/learning/"] and "逾期" not in first["/notices/"]

    open_notice(delivery, "zh_CN", world.user("worker").id, SYSTEM)  # a changed row draws the notices again
    db.session.commit()
    assert _body(client, "/notices/") != first["/notices/"] and drawn.count("notices/_my_notices.html") == 2

    later = max(assignment.due_date, delivery.due_date) + timedelta(days=1)
    monkeypatch.setattr(course_operations, "today_in_shanghai", lambda now=None: later)
    monkeypatch.setattr(notice_operations, "shanghai_date", lambda now=None: later)
    assert '<span class="badge badge-overdue">逾期</span>' in _body(client, "/learning/")
    assert "逾期" in _body(client, "/notices/")
    assert drawn.count("courses/_my_learning.html") == 2 and drawn.count("notices/_my_notices.html") == 3

    walk_through_course(assignment, world.user("worker").id)  # a receipt: kept by its rows and the day too
    db.session.commit()
    number = db.session.scalar(sa.select(Acknowledgement.receipt_number))
    receipt = _body(client, f"/learning/receipts/{number}")
    assert _body(client, f"/learning/receipts/{number}") == receipt and drawn.count("courses/_receipt.html") == 1
    monkeypatch.setattr("portal.courses.routes.local_today", lambda: later + timedelta(days=1))
    assert _body(client, f"/learning/receipts/{number}") and drawn.count("courses/_receipt.html") == 2
