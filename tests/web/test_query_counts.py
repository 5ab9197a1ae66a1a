"""An employee's pages cost the same number of SQL statements with a handful of colleagues and with
hundreds more (with their assignments, acknowledgements, notices and ledger chains): nothing on
them grows with the company. Both engines."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from bench.dataset import add_employees
from portal.core.kept import kept_parts
from portal.courses.models import Acknowledgement
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices.models import Notice
from portal.notices.operations import push_notice
from tests.conftest import assign_course, counted_statements, login
from tests.web.cases.route_expectations import prepare_cases

TODAY = date(2026, 11, 26)
# Exactly (all within 8, my case computed afresh too): the account with its employee and the bell's count (1) on
# every page, and with it the rows of my learning, my notices, the quiz and the lesson (already read, so
# reviewing it writes nothing): their list, or the assignment with its course's versions and the reading
# of the lesson (portal.auth.figures, read with the account); receipt: the receipt with what it names (1)
# and later versions (1); my case: the newest case with the stamp its figures are kept under and the
# views logged this hour (1) and notices (1); when the figures are computed afresh, also the case's
# actions, entries and dependants (1), policies, calendar and wages (3) and who recorded each step with
# their names (1).
EXPECTED = {"my learning": 1, "lesson": 1, "quiz": 1, "receipt": 3, "my case": 3, "my notices": 1}
MY_CASE_COMPUTED = 8


def _statements(client, path: str) -> int:
    with counted_statements() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def test_employee_pages_take_as_many_statements_at_any_company_size(client, world, courses):
    prepare_cases(world)
    receipt = walk_through_course(assign_course(courses["injury-basics"], world.worker),
                                  world.user("worker").id).receipt_number
    notice = db.session.execute(sa.select(Notice).order_by(Notice.id)).scalars().first()
    push_notice(notice.versions[-1], [world.outsider, world.worker], TODAY, None, SYSTEM)
    db.session.commit()
    login(client, "worker")
    pages = {"my learning": "/learning/", "lesson": "/learning/injury-basics/lessons/1",
             "quiz": "/learning/injury-basics/quiz", "receipt": f"/learning/receipts/{receipt}",
             "my case": "/my-case/", "my notices": "/notices/"}

    def measured() -> tuple[dict[str, int], int]:
        for path in pages.values():
            client.get(path)  # first visits may record first opens; measure the steady state
        steady = {name: _statements(client, path) for name, path in pages.items()}
        kept_parts().clear()
        return steady, _statements(client, pages["my case"])

    small, small_computed = measured()
    add_employees(300, 3000, 0, TODAY)
    assert db.session.execute(sa.select(sa.func.count(Acknowledgement.id))).scalar_one() > 150
    large, large_computed = measured()

    assert large == small, (small, large)
    assert small == EXPECTED, small
    assert small_computed == large_computed == MY_CASE_COMPUTED
