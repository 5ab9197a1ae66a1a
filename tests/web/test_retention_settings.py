"""The retention periods page: HR and admin set them, validated, each change a ledger event."""

from __future__ import annotations

import sqlalchemy as sa

from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.privacy.models import RetentionSettings
from portal.privacy.purging import current_periods
from portal.privacy.retention import Periods
from tests.conftest import login, post_form, table_counts


def changes() -> list[str]:
    return list(db.session.execute(sa.select(EvidenceEvent.body).where(
        EvidenceEvent.event_type == "retention_changed")).scalars())


def test_hr_sets_the_periods_once_and_the_change_is_recorded(client, world):
    login(client, "hr")
    page = client.get("/privacy/retention")
    assert page.status_code == 200 and 'value="3"' in page.get_data(as_text=True)  # the defaults until saved
    assert "/privacy/retention" in client.get("/privacy/").get_data(as_text=True)
    saved = post_form(client, "/privacy/retention", {"scan_years": "5", "pack_days": "14"}, follow_redirects=True)
    assert "保存期限已保存" in saved.get_data(as_text=True)
    assert current_periods() == Periods(5, 14)
    (body,) = changes()
    assert '"scan_years":[3,5]' in body and '"pack_days":[30,14]' in body
    again = post_form(client, "/privacy/retention", {"scan_years": "5", "pack_days": "14"}, follow_redirects=True)
    assert "未作更改" in again.get_data(as_text=True) and len(changes()) == 1
    assert db.session.get(RetentionSettings, 1).updated_by_id == world.user("hr").id


BAD_PERIODS = [
    ("0", "30", "scan_years"), ("31", "30", "scan_years"), ("1e309", "30", "scan_years"), ("", "30", "scan_years"),
    ("99999999999999999999999999999", "30", "scan_years"), ("3", "0", "pack_days"), ("3", "NaN", "pack_days"),
    ("3", "-1", "pack_days"), ("3", "366", "pack_days"),
]


def test_bad_periods_name_the_field_and_change_nothing(client, world):
    login(client, "admin")
    before = table_counts()
    for scan_years, pack_days, wrong in BAD_PERIODS:
        response = post_form(client, "/privacy/retention", {"scan_years": scan_years, "pack_days": pack_days})
        assert response.status_code == 422, (scan_years, pack_days)
        page = response.get_data(as_text=True)
        assert f'id="{wrong}-error"' in page and f'aria-describedby="{wrong}-error"' in page, (scan_years, pack_days)
        right = {"scan_years": "pack_days", "pack_days": "scan_years"}[wrong]
        assert f'id="{right}-error"' not in page, (scan_years, pack_days)
    assert "离职后保存年限" in post_form(client, "/privacy/retention", {"scan_years": "0", "pack_days": "30"}).get_data(
        as_text=True)  # the message says which period and its bounds
    assert table_counts() == before


def test_managers_and_employees_may_not_see_the_periods(client, world):
    for role in ("manager", "worker"):
        login(client, role)
        assert client.get("/privacy/retention").status_code == 403
        assert "/privacy/retention" not in client.get("/privacy/").get_data(as_text=True)
