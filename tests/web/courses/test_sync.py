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


def mark_change(course_dir, slug, kind, note="Wording"):
    settings = course_dir / slug / "course.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + f'\n[change]\nkind = "{kind}"\nby = "王芳"\nnote = "{note}"\n', encoding="utf-8")


def ledger_payloads(event_type):
    from portal.evidence.ledger import payload_of
    from portal.evidence.models import EvidenceEvent
    return [payload_of(e) for e in db.session.query(EvidenceEvent).filter_by(event_type=event_type).order_by(EvidenceEvent.id)]


def test_a_minor_edit_keeps_everyone_acknowledged_and_the_receipt_says_it_still_applies(client, app, course_dir, world):
    sync(app)
    course = db.session.query(Course).filter_by(slug="injury-basics").one()
    receipt = walk_through_course(assign_course(course, world.worker), world.user("worker").id)
    login(client, "worker")
    before = client.get(f"/learning/receipts/{receipt.receipt_number}").get_data(as_text=True)
    assert "这仍是最新版本" in before and "Typo in lesson 1" not in before  # drawn and kept before the edit
    edit_lesson(course_dir)
    mark_change(course_dir, "injury-basics", "minor", "Typo in lesson 1")
    result = sync(app)
    assert "new version injury-basics zh_CN v2 (minor)" in result.output and "re-assigned 0" in result.output
    assignments = db.session.query(Assignment).filter_by(employee_id=world.worker.id).all()
    assert [(a.cycle, a.is_current, a.acknowledged_at is not None) for a in assignments] == [(1, True, True)]
    [marked] = ledger_payloads("content_change_marked")
    assert marked["change"] == "minor" and marked["by"] == "王芳" and marked["note"] == "Typo in lesson 1"
    assert marked["previous"]["version"] == 1 and marked["diff"]["changed"] == ["lessons/1/markdown"]
    assert marked["diff"]["lines_added"] == 2 and marked["diff"]["lines_removed"] == 0
    page = client.get(f"/learning/receipts/{receipt.receipt_number}").get_data(as_text=True)
    assert "仍然有效" in page and "Typo in lesson 1" in page


def test_a_material_edit_reassigns_exactly_those_who_acknowledged_in_either_language(client, app, course_dir, world):
    sync(app)
    course = db.session.query(Course).filter_by(slug="injury-basics").one()
    world.outsider.preferred_locale = "en"
    receipt = walk_through_course(assign_course(course, world.worker), world.user("worker").id)  # Chinese
    walk_through_course(assign_course(course, world.outsider), world.user("outsider").id)  # English
    assign_course(course, world.manager)  # assigned, not acknowledged: keeps their assignment
    edit_lesson(course_dir, locale="zh_CN")
    edit_lesson(course_dir, locale="en")
    mark_change(course_dir, "injury-basics", "material", "New reporting deadline")
    result = sync(app)
    assert "re-assigned 2" in result.output
    current = {a.employee_id: a for a in db.session.query(Assignment).filter_by(is_current=True)}
    assert {e: (a.cycle, a.reason.value) for e, a in current.items()} == {
        world.worker.id: (2, "new_version"), world.outsider.id: (2, "new_version"), world.manager.id: (1, "manual")}
    assert current[world.outsider.id].due_date > current[world.outsider.id].assigned_at.date()
    assert [p["change"] for p in ledger_payloads("content_change_marked")] == ["material", "material"]
    login(client, "worker")
    page = client.get(f"/learning/receipts/{receipt.receipt_number}").get_data(as_text=True)
    assert "不适用于当前文本" in page and "New reporting deadline" in page


def test_an_unmarked_edit_counts_as_material(app, course_dir, world):
    sync(app)
    course = db.session.query(Course).filter_by(slug="suspension-pay").one()
    walk_through_course(assign_course(course, world.worker), world.user("worker").id)
    lesson = course_dir / "suspension-pay" / "01-what-it-is.zh_CN.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    result = sync(app)
    assert "new version suspension-pay zh_CN v2 (material)" in result.output and "re-assigned 1" in result.output
