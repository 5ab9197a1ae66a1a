"""Onboarding a whole company: an import of 1,000 employees gives each an account and the onboarding
courses; invitations go out (e-mail links, printed codes); one person activates from the link and one
from a code, and each finds their courses at home. One engine (SQLite) only: the test is about volume and the journey, which the
smaller onboarding tests cover on both engines."""

from __future__ import annotations

import re
import time

import pytest

from portal.accounts import operations as accounts
from portal.auth.models import AuditEntry, User
from portal.core.types import local_today, utcnow
from portal.courses.models import Assignment
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.org.models import Employee
from portal.workbench import importing
from portal.workbench import operations as workbench
from tests.conftest import csrf_token, login, post_form

CODE = re.compile(r"<code>([a-z0-9.-]+)</code><br>\s*[^<]*<code class=\"copyable\">([A-Z0-9-]+)</code>")
ONBOARDING = {"injury-basics", "social-insurance-shares"}


@pytest.fixture
def database_url() -> str:
    return "sqlite://"


def _table(count: int) -> list[list[str]]:
    rows = [["number", "name", "hire_date", "department", "contract_type", "email"]]
    for n in range(count):
        email = f"w{n:04d}@company-a.example" if n % 2 else ""  # half of the shop floor has no e-mail
        rows.append([f"W{n:04d}", f"工人{n:04d}", "2026-01-05", "MACH", "regular", email])
    return rows


def test_a_thousand_imported_employees_are_invited_and_one_activates(client, world, courses):
    started = time.monotonic()
    preview = workbench.preview(importing.Kind.EMPLOYEES, _table(1000), local_today())
    assert preview.ok, preview.errors[:3]
    workbench.commit_import(preview, world.user("hr").id, SYSTEM)
    db.session.commit()
    imported = db.session.query(User).filter(User.username.like("w0%")).all()
    assert len(imported) == 1000 and not any(u.password_set for u in imported)
    per_person = {(a.employee_id, a.course.slug) for a in db.session.query(Assignment).join(Employee)
                  .filter(Employee.number.like("W%"))}
    assert len(per_person) == 1000 * len(ONBOARDING)
    assert db.session.query(OutboxMessage).filter(OutboxMessage.to_address.like("w%")).count() >= 500
    invitation_mail = db.session.query(OutboxMessage).filter_by(to_address="w0001@company-a.example").first()
    assert "/reset/" in invitation_mail.body and "w0001" in invitation_mail.body

    login(client, "hr")
    assert "500" in client.get("/accounts/invite").get_data(as_text=True)
    sheet = client.post("/accounts/invite", data={"csrf_token": csrf_token(client)})
    codes = dict(CODE.findall(sheet.get_data(as_text=True)))
    assert len(codes) == 500 and "w0000" in codes and "w0001" not in codes
    assert accounts.waiting_for_invitation(utcnow()) == []
    post_form(client, "/logout")

    # One person with e-mail activates from the link in their invitation …
    link = re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", invitation_mail.body).group(1)
    assert client.get(link).status_code == 200
    assert post_form(client, link, {"new_password": "linked secret 1", "confirm": "linked secret 1"}).status_code == 303
    assert login(client, "w0001", "linked secret 1").status_code == 303
    assert courses["injury-basics"].title_zh in client.get("/").get_data(as_text=True)
    post_form(client, "/logout")
    # … and one without e-mail from the code on the printed sheet.
    form = {"code": codes["w0000"].lower(), "new_password": "my own secret 1", "confirm": "my own secret 1"}
    assert post_form(client, "/activate", form).status_code == 303
    assert post_form(client, "/activate", form).status_code == 422  # a code works once
    assert login(client, "w0000", "my own secret 1").status_code == 303
    home = client.get("/").get_data(as_text=True)
    for slug in ONBOARDING:
        assert courses[slug].title_zh in home
    assert db.session.query(AuditEntry).filter_by(action="activated").count() == 2
    print(f"1,000 employees imported and invited, two activated in {time.monotonic() - started:.1f} s")
