"""The lesson reader and the unanswered quiz are drawn once and kept (``portal.web.kept_html``):
each view equals the page drawn afresh for that person, with their own CSRF token and time of
reading, and a change to what the key names shows at once. Both engines."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import sqlalchemy as sa
from markupsafe import Markup

from portal.core.types import local_timestamp
from portal.courses import routes as course_routes
from portal.courses.models import Acknowledgement, Assignment, CourseVersion, LessonProgress
from portal.courses.operations import current_version
from portal.demo.operations import walk_through_course
from portal.extensions import db
from tests.conftest import assign_course, login, post_form
from tests.web.courses.test_learning import SLUG, right_answers
from tests.web.test_layout import TOKEN, _tokens

PAGES = (f"/learning/{SLUG}/quiz", f"/learning/{SLUG}/lessons/1", f"/learning/{SLUG}/lessons/2")
FRAGMENTS = {f"/learning/{SLUG}/quiz": "quiz", f"/learning/{SLUG}/lessons/1": "lesson-reader"}


def _read_lesson_one(client) -> None:
    """Open lesson 1, move its opening a day back (the server's reading clock), and finish it."""
    assert client.get(f"/learning/{SLUG}/lessons/1").status_code == 200
    for progress in db.session.execute(sa.select(LessonProgress).where(
            LessonProgress.lesson_number == 1, LessonProgress.read_at.is_(None))).scalars():
        progress.last_opened_at -= timedelta(days=1)
    db.session.commit()
    assert post_form(client, f"/learning/{SLUG}/lessons/1/read").status_code == 303


def _drawn_afresh(_key, draw, **values) -> Markup:
    return Markup(draw(**values))


def _views(client) -> list[str]:
    pages = [client.get(path) for path in PAGES]
    fragments = [client.get(path, headers={"HX-Request": "true", "HX-Target": target})
                 for path, target in FRAGMENTS.items()]
    assert all(response.status_code == 200 for response in pages + fragments)
    return [response.get_data(as_text=True) for response in pages + fragments]


def _same_as_drawn_afresh(client, monkeypatch) -> list[str]:
    kept = _views(client)
    kept_again = _views(client)
    with monkeypatch.context() as patched:
        patched.setattr(course_routes, "kept_html", _drawn_afresh)
        fresh = _views(client)
    for kept_page, again, fresh_page in zip(kept, kept_again, fresh):
        assert TOKEN.sub("T", kept_page) == TOKEN.sub("T", again) == TOKEN.sub("T", fresh_page)
        assert len(_tokens(kept_page)) == 1
    return kept


def test_kept_reader_and_quiz_equal_the_pages_drawn_afresh_for_each_person(app, client, world, courses, monkeypatch):
    assign_course(courses[SLUG], world.worker)
    assign_course(courses[SLUG], world.outsider)
    version = current_version(courses[SLUG], "zh_CN")
    login(client, "worker")
    _read_lesson_one(client)
    worker_views = _same_as_drawn_afresh(client, monkeypatch)
    read_at = db.session.execute(sa.select(LessonProgress.read_at).where(LessonProgress.lesson_number == 1)).scalar_one()
    assert local_timestamp(read_at) in worker_views[1] and local_timestamp(read_at) not in worker_views[2]

    other = app.test_client()
    login(other, "outsider")
    outsider_views = _same_as_drawn_afresh(other, monkeypatch)
    assert local_timestamp(read_at) not in outsider_views[1]  # not read by this person
    _read_lesson_one(other)
    progress = db.session.execute(sa.select(LessonProgress).join(Assignment).where(
        LessonProgress.lesson_number == 1, Assignment.employee_id == world.outsider.id)).scalar_one()
    outsider_read = progress.read_at = read_at - timedelta(days=3, hours=5)  # told apart from the worker's
    db.session.commit()
    outsider_read_page = other.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)
    assert local_timestamp(outsider_read) in outsider_read_page and local_timestamp(read_at) not in outsider_read_page
    assert _tokens(outsider_read_page).isdisjoint(_tokens(worker_views[1]))

    # The kept quiz's token is this session's own: answering with it is accepted.
    quiz = other.get(f"/learning/{SLUG}/quiz").get_data(as_text=True)
    answered = other.post(f"/learning/{SLUG}/quiz", data={**right_answers(version), "csrf_token": _tokens(quiz).pop()})
    assert answered.status_code == 200 and 'class="result passed"' in answered.get_data(as_text=True)

    post_form(client, "/locale", {"locale": "en", "next": "/"})  # the UI language is in the key
    world.worker.preferred_locale = "en"
    db.session.commit()
    english = _same_as_drawn_afresh(client, monkeypatch)
    assert english[0] != worker_views[0] and "Check my answers" in english[0]


def test_a_changed_pass_mark_and_reading_time_show_at_once(app, client, world, courses):
    assign_course(courses[SLUG], world.worker)
    login(client, "worker")
    course = courses[SLUG]
    first = client.get(f"/learning/{SLUG}/quiz").get_data(as_text=True)
    assert f"{course.pass_mark}%" in first
    course.pass_mark = 55 if course.pass_mark != 55 else 65
    db.session.commit()
    assert f"{course.pass_mark}%" in client.get(f"/learning/{SLUG}/quiz").get_data(as_text=True)

    def minimum(page: str) -> str:
        return re.search(r'<p class="hint">.*?(\d+).*?</p>', page, re.S).group(1)

    reader = client.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)
    app.config["LESSON_READING_SCALE"] = 2.0
    doubled = client.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)
    assert int(minimum(doubled)) == 2 * int(minimum(reader)) > 0


def test_reading_too_soon_is_refused_on_the_page_drawn_afresh(client, world, courses):
    assign_course(courses[SLUG], world.worker)
    login(client, "worker")
    assert client.get(f"/learning/{SLUG}/lessons/1").status_code == 200
    refused = post_form(client, f"/learning/{SLUG}/lessons/1/read")
    assert refused.status_code == 422 and 'id="read-too-soon"' in refused.get_data(as_text=True)
    assert 'id="read-too-soon"' not in client.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)


def test_a_new_version_shows_at_once_and_each_receipt_keeps_its_own_text(client, world, courses):
    """A minor new version (the same assignment, read from then on) replaces the kept quiz and
    reader at once; a receipt's acknowledged text is that of its own version."""
    assign_course(courses[SLUG], world.worker)
    login(client, "worker")
    old = current_version(courses[SLUG], "zh_CN")
    first_quiz = client.get(f"/learning/{SLUG}/quiz").get_data(as_text=True)
    first_reader = client.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)
    lessons = [{**lesson, "title": f"新版第{lesson['number']}课"} for lesson in old.snapshot["lessons"]]
    quiz = [{**question, "prompt": f"新版：{question['prompt']}"} for question in old.snapshot["quiz"]]
    snapshot = {**old.snapshot, "title": "新版课程", "lessons": lessons, "quiz": quiz}
    db.session.add(CourseVersion(course_id=old.course_id, locale="zh_CN", number=old.number + 1, sha256="0" * 64,
                                 snapshot_json=json.dumps(snapshot, ensure_ascii=False), change_kind="minor"))
    db.session.commit()
    new_quiz = client.get(f"/learning/{SLUG}/quiz").get_data(as_text=True)
    new_reader = client.get(f"/learning/{SLUG}/lessons/1").get_data(as_text=True)
    assert "新版课程" in new_quiz and "新版：" in new_quiz and "新版：" not in first_quiz
    assert "新版第1课" in new_reader and "新版第1课" not in first_reader


def test_the_receipt_shows_its_versions_text_in_each_language(app, client, world, courses, monkeypatch):
    receipt = walk_through_course(assign_course(courses[SLUG], world.worker), world.user("worker").id).receipt_number
    version = db.session.execute(sa.select(Acknowledgement).where(Acknowledgement.receipt_number == receipt)
                                 ).scalar_one().version
    login(client, "worker")
    for locale in ("zh_CN", "en"):
        world.worker.preferred_locale = locale
        db.session.commit()
        kept = [client.get(f"/learning/receipts/{receipt}").get_data(as_text=True) for _ in range(2)]
        with monkeypatch.context() as patched:
            patched.setattr(course_routes, "kept_html", _drawn_afresh)
            fresh = client.get(f"/learning/receipts/{receipt}").get_data(as_text=True)
        assert TOKEN.sub("T", kept[0]) == TOKEN.sub("T", kept[1]) == TOKEN.sub("T", fresh)
        assert all(f"{lesson['number']}. {lesson['title']}" in kept[0] for lesson in version.snapshot["lessons"])
    assert "The text that was acknowledged" in kept[0]
