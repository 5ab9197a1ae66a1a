"""An acknowledgement that another request stored between this one's read of the assignment and its
write: the second writer gets the stored record back and writes nothing (no second record, no
second ledger event). The record a first writer gets is the stored row, in the session; a record
holding a related record instead of its column is refused before anything is written. Both engines."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from portal.courses import operations
from portal.core.records import add_once
from portal.courses.models import Acknowledgement, Assignment, CourseVersion
from portal.evidence.ledger import Origin
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from tests.conftest import assign_course

ORIGIN = Origin(ip="10.0.0.9", user_agent="test")
TERMS = operations.AcknowledgementTerms(missing=[], statement="我已阅读并理解。")


def _loaded(world, courses) -> tuple[Assignment, CourseVersion, int]:
    """The worker's assignment and version as the acknowledgement page reads them, and their account."""
    assign_course(courses["injury-basics"], world.worker)
    employee_id, user_id = world.worker.id, world.user("worker").id
    db.session.expunge_all()
    found = operations.my_course("injury-basics", employee_id, "zh_CN")
    assert found is not None and found[0].acknowledgement is None
    return (*found, user_id)


def _acknowledged_events() -> int:
    return db.session.execute(sa.select(sa.func.count(EvidenceEvent.id))
                              .where(EvidenceEvent.event_type == "course_acknowledged")).scalar_one()


def test_an_acknowledgement_stored_meanwhile_is_returned_and_nothing_is_written_twice(app, world, courses):
    assignment, version, user_id = _loaded(world, courses)
    with db.engine.begin() as other_request:  # the other tab's submit commits first
        other_request.execute(sa.insert(Acknowledgement.__table__).values(
            assignment_id=assignment.id, version_id=version.id, employee_id=assignment.employee_id,
            receipt_number="R20261130-000001", statement=TERMS.statement, typed_name="李强（另一页）",
            content_sha256=version.sha256, acknowledged_at=datetime(2026, 11, 30, 2, tzinfo=timezone.utc)))

    record = operations.acknowledge(assignment, version, "李强", user_id, ORIGIN, TERMS)
    db.session.commit()

    assert record.typed_name == "李强（另一页）" and record.receipt_number == "R20261130-000001"
    assert db.session.execute(sa.select(sa.func.count(Acknowledgement.id))).scalar_one() == 1
    assert _acknowledged_events() == 0


def test_the_first_acknowledgement_is_the_stored_row_in_the_session(app, world, courses):
    assignment, version, user_id = _loaded(world, courses)

    record = operations.acknowledge(assignment, version, " 李强 ", user_id, ORIGIN, TERMS)
    db.session.commit()

    assert sa.inspect(record).persistent and record.id is not None
    assert record.typed_name == "李强" and record.ip == "10.0.0.9" and record.version is version
    assert record.receipt_number.startswith("R") and record.event_hash is not None
    stored = db.session.execute(sa.select(Acknowledgement.__table__)).one()
    assert (stored.id, stored.receipt_number, stored.event_hash) == (record.id, record.receipt_number,
                                                                     record.event_hash)
    assert _acknowledged_events() == 1


def test_a_record_with_a_related_record_set_is_refused_before_anything_is_written(app, world, courses):
    assignment, version, user_id = _loaded(world, courses)
    record = Acknowledgement(assignment=assignment, version_id=version.id, employee_id=assignment.employee_id,
                             statement=TERMS.statement, typed_name="李强", content_sha256=version.sha256,
                             acknowledged_at=datetime(2026, 11, 30, 2, tzinfo=timezone.utc))

    with pytest.raises(TypeError, match="assignment"):
        add_once(record, sa.select(Acknowledgement))
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(Acknowledgement.id))).scalar_one() == 0
