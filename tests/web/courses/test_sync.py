"""flask courses sync: versions by content hash, atomic loading, re-assignment, old receipts."""

from __future__ import annotations

import shutil

import pytest

from portal import PROJECT_ROOT
from portal.courses.models import Assignment, Course, CourseVersion
from portal.demo.operations import walk_through_course
from portal.extensions import db
from tests.conftest import assign_course, login


@pytest.fixture
def course_dir(tmp_path, app):
    target = tmp_path / "courses"
    shutil.copytree(PROJECT_ROOT / "courses", target)
    app.config["COURSES_DIR"] = str(target)
    return target


def sync(app):
    return app.test_cli_runner().invoke(args=["courses", "sync"])


def test_sync_is_idempotent_and_reports(app, course_dir):
    first = sync(app)
    assert first.exit_code == 0 and "created course injury-basics" in first.output
    assert db.session.query(CourseVersion).count() == 10
    second = sync(app)
    assert "unchanged injury-basics zh_CN" in second.output and "new version" not in second.output
    assert db.session.query(CourseVersion).count() == 10


def test_bad_file_names_file_and_line_and_loads_nothing(app, course_dir):
    quiz = course_dir / "short-tenure" / "quiz.toml"
    lines = quiz.read_text(encoding="utf-8").splitlines()
    lines[2] = "kind = = broken"
    quiz.write_text("\n".join(lines), encoding="utf-8")
    result = sync(app)
    assert result.exit_code != 0
    assert "short-tenure/quiz.toml:3" in result.output
    assert db.session.query(Course).count() == 0  # the good courses were not half-loaded either


def edit_lesson(course_dir, locale="zh_CN"):
    lesson = course_dir / "injury-basics" / f"01-what-counts.{locale}.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n补充说明：受伤后请立即报告。\n", encoding="utf-8")


def test_edited_lesson_makes_a_new_version_and_old_receipts_keep_the_old_text(client, app, course_dir, world):
    sync(app)
    course = db.session.query(Course).filter_by(slug="injury-basics").one()
    receipt = walk_through_course(assign_course(course, world.worker), world.user("worker").id)
    old_hash = receipt.content_sha256
    edit_lesson(course_dir)
    result = sync(app)
    assert "new version injury-basics zh_CN v2" in result.output
    assert "unchanged injury-basics en" in result.output
    assert "re-assigned 1" in result.output
    new = db.session.query(CourseVersion).filter_by(locale="zh_CN", number=2).one()
    assert new.sha256 != old_hash
    login(client, "worker")
    page = client.get(f"/learning/receipts/{receipt.receipt_number}").get_data(as_text=True)
    assert old_hash in page and "补充说明" not in page
    assignments = db.session.query(Assignment).filter_by(employee_id=world.worker.id).order_by(Assignment.cycle).all()
    assert [(a.cycle, a.is_current) for a in assignments] == [(1, False), (2, True)]
    assert "第 2 版" in client.get("/learning/injury-basics").get_data(as_text=True)


def test_no_reassignment_when_the_course_does_not_ask_for_it(app, course_dir, world):
    sync(app)
    course = db.session.query(Course).filter_by(slug="suspension-pay").one()
    walk_through_course(assign_course(course, world.worker), world.user("worker").id)
    lesson = course_dir / "suspension-pay" / "01-what-it-is.zh_CN.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    result = sync(app)
    assert "new version suspension-pay zh_CN v2" in result.output and "re-assigned 0" in result.output
    assert db.session.query(Assignment).filter_by(employee_id=world.worker.id).count() == 1
