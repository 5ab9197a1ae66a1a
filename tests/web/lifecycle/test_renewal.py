"""Renewal: an expired acknowledgement is assigned again once, with a due date; a reminder comes
before expiry; HR lists what expires; the matrix shows valid, expiring and expired."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from portal.core.types import SHANGHAI
from portal.courses.models import Assignment
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM, payload_of
from portal.extensions import db
from portal.lifecycle.operations import renew_expired
from portal.notices import rules as notice_rules
from portal.notices.models import NoticeDelivery
from portal.notices.operations import acknowledge_notice, open_notice, push_notice
from portal.notifications.models import Notification
from tests.conftest import assign_course, counted_statements, login
from tests.web.notices.conftest import events, version  # noqa: F401 (fixture)

ACKNOWLEDGED_ON = date(2025, 1, 10)  # the course is valid for 12 months: it expires on 2026-01-10


def acknowledged_a_year_ago(courses, world) -> Assignment:
    assignment = assign_course(courses["injury-basics"], world.worker)
    walk_through_course(assignment, world.user("worker").id)
    assignment.acknowledged_at = datetime(2025, 1, 10, 2, tzinfo=timezone.utc)  # 10:00 in Shanghai
    db.session.commit()
    return assignment


def test_an_expired_course_is_reassigned_once_with_a_due_date(courses, world):
    first = acknowledged_a_year_ago(courses, world)
    assert renew_expired(date(2026, 1, 9)).courses == 0  # the day before expiry: still valid
    run = renew_expired(date(2026, 1, 10))
    assert run.courses == 1 and "course injury-basics renewed for E001" in run.lines()
    again = renew_expired(date(2026, 1, 11))
    assert again.courses == 0  # idempotent: the renewed cycle is current and not acknowledged
    cycles = db.session.query(Assignment).filter_by(employee_id=world.worker.id).order_by(Assignment.cycle).all()
    assert [(a.cycle, a.is_current, a.reason.value) for a in cycles] == [(1, False, "manual"), (2, True, "renewal")]
    assert first.acknowledgement is not None  # the acknowledged cycle stays as it was
    assigned_on = cycles[1].assigned_at.astimezone(SHANGHAI).date()
    assert cycles[1].due_date == assigned_on + timedelta(days=courses["injury-basics"].due_days)
    assert [payload_of(e)["reason"] for e in events("course_assigned", world.worker.id)] == ["manual", "renewal"]


def test_a_reminder_comes_once_thirty_days_before_expiry(courses, world):
    acknowledged_a_year_ago(courses, world)
    assert renew_expired(date(2025, 12, 10)).reminders == 0  # 31 days before
    assert renew_expired(date(2025, 12, 11)).reminders == 1
    assert renew_expired(date(2025, 12, 12)).reminders == 0
    (note,) = db.session.query(Notification).filter_by(user_id=world.user("worker").id,
                                                       text_key="renewal_reminder").all()
    assert note.text_key == "renewal_reminder" and note.link == "/learning/injury-basics"
    assert [payload_of(e)["kind"] for e in events("reminder_sent", world.worker.id)] == ["renewal_course"]


def test_an_expired_notice_is_delivered_again_as_the_next_cycle(world, version):
    version.notice.validity_months = 6
    (delivery,) = push_notice(version, [world.worker], notice_rules.due_date(date(2025, 1, 1)), None, SYSTEM)
    open_notice(delivery, "zh_CN", world.user("worker").id, SYSTEM)
    acknowledge_notice(delivery, world.worker.name, "zh_CN", world.user("worker").id, SYSTEM)
    delivery.acknowledged_at = datetime(2025, 1, 10, 2, tzinfo=timezone.utc)
    db.session.commit()
    assert renew_expired(date(2025, 7, 10)).notices == 1
    assert renew_expired(date(2025, 7, 11)).notices == 0
    renewed = db.session.query(NoticeDelivery).order_by(NoticeDelivery.id).all()
    assert [(d.version_id, d.cycle) for d in renewed] == [(version.id, 1), (version.id, 2)]
    assert renewed[1].due_date == notice_rules.due_date(date(2025, 7, 10))


def test_hr_lists_what_expires_and_the_matrix_shows_validity(client, courses, world, monkeypatch):
    acknowledged_a_year_ago(courses, world)
    monkeypatch.setattr("portal.lifecycle.routes.local_today", lambda: date(2025, 11, 1))
    login(client, "hr")
    soon = client.get("/records/renewals/?days=90").get_data(as_text=True)
    assert "李强" in soon and "badge-due" in soon
    later = client.get("/records/renewals/?days=30", headers={"HX-Request": "true", "HX-Target": "expiring-list"})
    assert "<html" not in later.get_data(as_text=True) and "李强" not in later.get_data(as_text=True)
    assert "HX-Request" in later.headers["Vary"]
    monkeypatch.setattr("portal.courses.operations.today_in_shanghai", lambda: date(2026, 1, 10))
    matrix = client.get("/records/courses/injury-basics").get_data(as_text=True)
    assert "badge-overdue" in matrix and "已过期" in matrix  # the expiry day


def test_the_renewal_command_reports_what_it_did(app, courses, world):
    acknowledged_a_year_ago(courses, world)
    output = app.test_cli_runner().invoke(args=["renewals", "run"]).output
    assert "course injury-basics renewed for E001" in output
    assert "renewed 1 course(s) and 0 notice(s)" in output
    assert "renewed 0 course(s)" in app.test_cli_runner().invoke(args=["renewals", "run"]).output


def test_the_nightly_job_renews(app, courses, world, monkeypatch):
    from portal.lifecycle.jobs import renew_expired_nightly

    acknowledged_a_year_ago(courses, world)
    monkeypatch.setattr("portal.lifecycle.jobs.local_today", lambda: date(2026, 1, 10))
    # Each scheduled minute runs once; the two engines' runs may fall in the same minute.
    monkeypatch.setattr("portal.jobs.run_once_per_slot", lambda name, slot, **_: lambda func: func)
    renew_expired_nightly.call_local()
    assert [a.reason.value for a in db.session.query(Assignment).filter_by(is_current=True)] == ["renewal"]


def test_a_run_renews_every_expired_acknowledgement_once_batch_by_batch(courses, world, monkeypatch):
    """Read in locked batches from where the last one ended (two at a time here): five people's
    expired courses, one of them acknowledged at the very moment of another, are all renewed once;
    one valid for months more is left as it is."""
    monkeypatch.setattr("portal.lifecycle.operations.RENEWAL_BATCH", 2)
    people = [world.worker, world.outsider, world.manager, world.other_manager, world.hr]
    moments = [datetime(2025, 1, 10, 2, tzinfo=timezone.utc), datetime(2025, 1, 11, 2, tzinfo=timezone.utc),
               datetime(2025, 1, 11, 2, tzinfo=timezone.utc),  # the same moment, across the first batch's end
               datetime(2025, 2, 1, 2, tzinfo=timezone.utc),
               datetime(2025, 9, 1, 2, tzinfo=timezone.utc)]  # the last expires in September 2026
    for person, moment in zip(people, moments):
        assign_course(courses["injury-basics"], person).acknowledged_at = moment
    db.session.commit()
    with counted_statements() as statements:
        run = renew_expired(date(2026, 3, 1))
    assert run.courses == 4 and sorted(line.rsplit(" ", 1)[1] for line in run.renewed) == ["E001", "E002", "M001",
                                                                                          "M002"]
    batches = [s for s in statements if s.startswith("SELECT course_assignments.id")]
    others = sum(1 for c in courses.values() if c.validity_months) - 1
    assert len(batches) == 3 + others  # two full batches and an empty one; one empty batch per other course
    assert renew_expired(date(2026, 3, 2)).courses == 0
    current = db.session.query(Assignment).filter_by(is_current=True).all()
    assert len(current) == 5 and sum(a.acknowledged_at is None for a in current) == 4
