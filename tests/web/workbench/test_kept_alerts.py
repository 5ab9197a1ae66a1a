"""The workbench's alert list is kept until an alert, a course or notice it names, or a person
changes: resolving an alert on the page, an employee's acknowledgement and a new scan all show at
once; the buttons of every alert submit the page's one form with the reader's own CSRF token.
Both engines."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from portal.core.kept import kept_parts
from portal.extensions import db
from portal.workbench import operations
from portal.workbench.models import RiskAlert
from tests.conftest import csrf_token, login
from tests.web.cases.test_kept_pages import main_content
from tests.web.workbench.test_workbench import overdue_notices


def _open_alerts() -> list[RiskAlert]:
    return list(db.session.execute(sa.select(RiskAlert).where(RiskAlert.status != "resolved")
                                   .order_by(RiskAlert.id)).scalars())


def test_the_kept_list_follows_every_change_of_the_alerts(client, world):
    overdue_notices(world)
    login(client, "hr")
    first = main_content(client, "/workbench/")
    alerts = _open_alerts()
    assert len(alerts) >= 2 and first.count('class="alert-item alert-') == len(alerts)

    # The page's buttons post through its one form, which carries this reader's token.
    page = client.get("/workbench/").get_data(as_text=True)
    assert page.count('form="alert-actions"') >= len(alerts) and page.count('id="alert-actions"') == 1
    resolve = re.search(r'formaction="(/workbench/alerts/\d+/resolve)"', page).group(1)
    assert client.post(resolve, data={"csrf_token": csrf_token(client, "/workbench/")}).status_code == 303
    after = main_content(client, "/workbench/")
    assert after.count('class="alert-item alert-') == len(alerts) - 1

    # A scan raising a new alert (statements outside the unit of work) shows too.
    db.session.execute(sa.update(RiskAlert).values(status="open"))
    db.session.commit()
    assert main_content(client, "/workbench/").count('class="alert-item alert-') == len(alerts)
    operations.scan(date(2026, 11, 26))
    kept = main_content(client, "/workbench/")
    kept_parts().clear()
    assert main_content(client, "/workbench/") == kept
