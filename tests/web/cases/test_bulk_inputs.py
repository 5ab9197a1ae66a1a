"""Many employees' wage histories read together equal each one read alone, in one statement per
batch of ids whatever the batch size (SQLite refuses too many parameters in one). Both engines."""

from __future__ import annotations

from decimal import Decimal

from portal.cases import operations
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from tests.conftest import counted_statements


def test_wage_histories_read_in_batches_equal_each_history_alone(app, world, monkeypatch):
    people = [world.worker, world.outsider, world.manager, world.other_manager, world.hr]
    for index, person in enumerate(people[:4]):  # the last one has no wage on record
        for month in (3, 1, 2)[:index + 1]:
            operations.add_wage(person, 2026, month, Decimal("5000") + index, None, SYSTEM)
    db.session.commit()
    monkeypatch.setattr(operations, "IN_BATCH", 2)
    ids = [p.id for p in people]
    with counted_statements() as statements:
        together = operations.wages_of(ids + ids[:2])  # repeated ids are read once
    assert len(statements) == 3
    assert together == {p.id: operations.monthly_wages(p.id) for p in people}
    assert together[world.hr.id] == [] and [w.month for w in together[world.other_manager.id]] == [1, 2, 3]
