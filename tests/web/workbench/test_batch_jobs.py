"""``flask risks scan`` and ``flask reminders send`` at scale, on both engines: they work in batches
(a fixed number of statements per batch, whatever the data size), send and raise each thing once
across batch boundaries, and two runs at once never undo each other."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal.courses.models import Assignment
from portal.evidence.ledger import SYSTEM, NewEvent, append_event, append_events
from portal.evidence.models import EvidenceEvent
from portal.evidence.operations import verify_ledger
from portal.extensions import db
from portal.notifications.models import Notification
from portal.org.models import Employee
from portal.workbench import operations
from portal.workbench.models import OPEN, RESOLVED, RiskAlert, SentReminder
from tests.conftest import assign_course, counted_statements

TODAY = date(2026, 11, 26)
OVERDUE = TODAY - timedelta(days=10)  # past the escalation days too


def _overdue_learners(world, course, count: int, start: int = 0) -> list[Employee]:
    people = []
    for index in range(start, start + count):
        employee = Employee(number=f"B{index:04d}", name=f"学员{index}", hire_date=date(2025, 1, 1),
                            department=world.machining, contract_type=world.worker.contract_type)
        db.session.add(employee)
        db.session.flush()
        assign_course(course, employee).due_date = OVERDUE
        people.append(employee)
    db.session.commit()
    return people


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(operations, "BATCH", 2)
    return 2


def test_reminders_cross_batches_once_each_with_escalation_and_a_verifying_ledger(app, world, courses,
                                                                                   small_batches):
    learners = _overdue_learners(world, courses["injury-basics"], 5)
    first = operations.send_reminders(TODAY, 3)
    # Every learner is reminded (in the ledger: they have no account, so no portal notification) and
    # the manager is told about each of them in the portal (escalation after 3 days).
    assert (first.portal, first.escalations) == (len(learners), len(learners))
    assert db.session.query(SentReminder).count() == 2 * len(learners)
    manager_user = world.user("manager")
    assert db.session.query(Notification).filter_by(user_id=manager_user.id, text_key="course_escalation").count() \
        == len(learners)
    events = db.session.execute(sa.select(EvidenceEvent.employee_id).where(
        EvidenceEvent.event_type == "reminder_sent")).scalars().all()
    assert sorted(events) == sorted([e.id for e in learners] * 2)
    again = operations.send_reminders(TODAY, 3)
    assert (again.portal, again.escalations) == (0, 0)
    assert verify_ledger(None).ok


def test_reminders_take_the_same_statements_per_batch_at_any_size(app, world, courses):
    course = courses["injury-basics"]
    _overdue_learners(world, course, 3)
    with counted_statements() as few:
        operations.send_reminders(TODAY, 3)
    _overdue_learners(world, course, 30, start=100)
    with counted_statements() as many:
        run = operations.send_reminders(TODAY, 3)
    assert (run.portal, run.escalations) == (30, 30)  # only the new ones
    assert len(many) == len(few)


def test_scan_raises_across_batches_resolves_what_is_gone_and_keeps_its_statement_count(app, world, courses,
                                                                                        small_batches):
    course = courses["injury-basics"]
    learners = _overdue_learners(world, course, 5)
    with counted_statements() as few:
        first = operations.scan(TODAY)
    assert (first.new, first.resolved) == (5, 0)
    done = db.session.execute(sa.select(Assignment).where(Assignment.employee_id == learners[0].id)).scalar_one()
    done.acknowledged_at = datetime(2026, 11, 25, tzinfo=timezone.utc)
    db.session.commit()
    with counted_statements() as same:
        second = operations.scan(TODAY)
    assert (second.new, second.still_open, second.resolved) == (0, 4, 1)
    assert len(same) <= len(few)
    statuses = dict(db.session.execute(sa.select(RiskAlert.employee_id, RiskAlert.status)).all())
    assert statuses[learners[0].id] == RESOLVED and statuses[learners[1].id] == OPEN


def test_an_older_scan_finishing_late_neither_rewinds_nor_resolves_a_newer_ones_alerts(app, world, courses):
    _overdue_learners(world, courses["injury-basics"], 2)
    operations.scan(TODAY)
    newest = db.session.execute(sa.select(sa.func.max(RiskAlert.last_seen_at))).scalar_one()
    older = newest - timedelta(minutes=5)
    alerts = {a.key: a for batch in operations.overdue_acknowledgements(TODAY)
              for a in operations.alert_rules.acknowledgement_alerts(batch, TODAY)}
    result = operations.ScanResult()
    operations._upsert_alerts(alerts, older, result)  # the slower run's write arrives after the newer one
    db.session.commit()
    assert result.still_open == 2
    assert set(db.session.execute(sa.select(RiskAlert.last_seen_at)).scalars()) == {newest}


def test_the_batch_writer_continues_each_chain_and_the_ledger_verifies(app, world):
    append_event("profile_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
    hashes = append_events([NewEvent("reminder_sent", employee_id, None, SYSTEM, payload={"n": n})
                            for n, employee_id in enumerate([world.worker.id, world.outsider.id, world.worker.id,
                                                             None])])
    db.session.commit()
    append_event("profile_viewed", employee_id=world.outsider.id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()
    assert len(set(hashes)) == 4
    chain = db.session.execute(sa.select(EvidenceEvent.seq, EvidenceEvent.event_type).where(
        EvidenceEvent.employee_id == world.worker.id).order_by(EvidenceEvent.seq)).all()
    # The chain opens with the identity event, then the single append, then the two batch events.
    assert [tuple(row) for row in chain] == [(1, "chain_opened"), (2, "profile_viewed"), (3, "reminder_sent"),
                                             (4, "reminder_sent")]
    opened = db.session.execute(sa.select(EvidenceEvent.event_type).where(
        EvidenceEvent.employee_id == world.outsider.id).order_by(EvidenceEvent.seq)).scalars().all()
    assert opened == ["chain_opened", "reminder_sent", "profile_viewed"]  # a new chain opened by the batch writer
    assert verify_ledger(None).ok


def test_the_scheduled_scan_and_reminders_run_the_batch_jobs(app, world, courses):
    from portal.jobs import queue
    from portal.workbench.jobs import scheduled_reminders, scheduled_risk_scan

    queue.storage.flush_all()  # this minute's slot may be claimed already by the other engine's run
    _overdue_learners(world, courses["injury-basics"], 3)
    assert scheduled_risk_scan.call_local() == "Risk scan: 3 new, 0 still raised, 0 resolved."
    assert scheduled_reminders.call_local().startswith("Reminders: 3 in the portal, 0 by e-mail, 3 escalations")
