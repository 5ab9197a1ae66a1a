"""Notice fixtures: a notice written by HR and delivered to the machining worker."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.evidence.ledger import SYSTEM
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notices import rules
from portal.notices.models import NoticeDelivery, NoticeVersion
from portal.notices.operations import push_notice, save_notice, shanghai_date

TITLE = {"zh_CN": "工伤报告须知", "en": "Reporting a work injury"}
BODY = {"zh_CN": "## 立即报告\n\n受伤后立即报告主管（《工伤保险条例》第十七条）。",
        "en": "## Report at once\n\nReport an injury to your supervisor at once (Regulations, Art. 17)."}


@pytest.fixture
def version(world) -> NoticeVersion:
    published, _created = save_notice(None, TITLE, BODY, world.user("hr").id, SYSTEM)
    db.session.commit()
    return published


@pytest.fixture
def delivery(world, version) -> NoticeDelivery:
    (pushed,) = push_notice(version, [world.worker], rules.due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    return pushed


@pytest.fixture
def english(world) -> None:
    """The worker and HR read the portal in English (UI texts are then the source strings)."""
    world.worker.preferred_locale = world.hr.preferred_locale = "en"
    db.session.commit()


def events(event_type: str, employee_id: int | None = None) -> list[EvidenceEvent]:
    query = sa.select(EvidenceEvent).where(EvidenceEvent.event_type == event_type)
    if employee_id is not None:
        query = query.where(EvidenceEvent.employee_id == employee_id)
    return list(db.session.execute(query.order_by(EvidenceEvent.id)).scalars())
