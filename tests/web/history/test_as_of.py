"""The "as of" view replays the ledger: Li's case page on five dates of his case, recorded while the
history is built, equals what the replay shows for those dates."""

from __future__ import annotations

import hashlib
import re
import sys
from datetime import date, datetime, time
from decimal import Decimal

import pytest

import portal.core.types
from portal import PROJECT_ROOT
from portal.cases import operations as cases
from portal.cases.models import CASE_FIELDS
from portal.cases.rules import EntryKind
from portal.core.types import SHANGHAI
from portal.courses.operations import course_by_slug, current_assignment
from portal.demo.operations import LI_CASE, LI_WAGES, walk_through_course
from portal.evidence.chain import canonical_json
from portal.evidence.ledger import SYSTEM, payload_of
from portal.evidence.log import publish
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notices.operations import acknowledge_notice, open_notice, respond, sync_scenario_notices
from portal.notices.rules import ResponseKind
from portal.cases.routes import case_notices
from tests.conftest import login, post_form
from tests.web.evidence.test_pack import download, run_verifier, unpack

ORIGINAL_UTCNOW, ORIGINAL_TODAY = portal.core.types.utcnow, portal.core.types.local_today
PAGE_PARTS = {
    "status": r'<p class="status-sentence" id="case-status">.*?</p>',
    "timeline": r'<ol class="timeline case-timeline" id="case-timeline">.*?</ol>',
    "receive": r'<section class="card" aria-labelledby="receive-title" id="case-receive">.*?</section>',
    "owe": r'<section class="card" aria-labelledby="owe-title" id="case-owe">.*?</section>',
}


class Clock:
    """Moves the portal's clock: every module's ``utcnow`` and ``local_today`` read ``self.now``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime.now(SHANGHAI)
        for name, module in list(sys.modules.items()):
            if not name.startswith("portal"):
                continue
            if getattr(module, "utcnow", None) is ORIGINAL_UTCNOW:
                monkeypatch.setattr(module, "utcnow", lambda: self.now.astimezone(portal.core.types.timezone.utc))
            if getattr(module, "local_today", None) is ORIGINAL_TODAY:
                monkeypatch.setattr(module, "local_today", lambda: self.now.astimezone(SHANGHAI).date())

    def set(self, day: date, hour: int) -> None:
        self.now = datetime.combine(day, time(hour), SHANGHAI)


STATES = re.compile(r'<strong>([^<]+)</strong>.*?<span class="badge badge-(\w+)">', re.S)


def states(page: str, section_id: str) -> list[tuple[str, str]]:
    """(title, status) of every course or notice listed in the section with ``section_id``."""
    match = re.search(rf'id="{section_id}".*?</(table|section)>', page, re.S)
    assert match, section_id
    return sorted(STATES.findall(match.group(0)))


def parts(page: str) -> dict[str, str]:
    found = {name: re.search(pattern, page, re.S) for name, pattern in PAGE_PARTS.items()}
    assert all(found.values()), [name for name, match in found.items() if match is None]
    return {name: match.group(0) for name, match in found.items()}


def case_values(**dates: object) -> dict[str, object]:
    return {**dict.fromkeys(CASE_FIELDS), **{k: LI_CASE[k] for k in ("accident_date", "description")}, **dates}


def stage(day: date, hr_id: int, li, li_user_id: int):
    """What HR and Li did on ``day`` (the source case's dates)."""
    if day == date(2026, 3, 10):
        sync_scenario_notices(PROJECT_ROOT / "notices", SYSTEM)
        cases.ensure_demo_policy(SYSTEM)
        for year, month, wage in LI_WAGES:
            cases.add_wage(li, year, month, Decimal(wage), hr_id, SYSTEM)
        cases.open_case(li, case_values(reported_date=LI_CASE["reported_date"]), hr_id, SYSTEM)
    case = cases.cases_of(li.id)[0] if day != date(2026, 3, 10) else None
    keys = ("recognition_applied_date", "recognition_applicant", "recognition_accepted_date")
    if day == date(2026, 4, 1):
        cases.update_case(case, {k: LI_CASE[k] for k in keys}, hr_id, SYSTEM)
        (guide,) = case_notices(li.id)
        open_notice(guide, "zh_CN", li_user_id, SYSTEM)
        respond(guide, ResponseKind.OBJECTION, "申请时间太晚了。", li_user_id, SYSTEM)
    keys = ("recognition_decided_date", "recognized", "decision_number", "decision_served_date", "suspension_start",
            "suspension_months")
    if day == date(2026, 6, 1):
        cases.update_case(case, {k: LI_CASE[k] for k in keys}, hr_id, SYSTEM)
        (guide,) = case_notices(li.id)
        acknowledge_notice(guide, li.name, "zh_CN", li_user_id, SYSTEM)
        walk_through_course(current_assignment(course_by_slug("suspension-pay"), li.id), li_user_id)
    if day == date(2026, 9, 15):
        cases.update_case(case, {k: LI_CASE[k] for k in ("assessment_applied_date", "assessment_concluded_date", "grade")},
                          hr_id, SYSTEM)
        cases.record_owed_for_suspension(case, hr_id, SYSTEM)
    if day == date(2026, 11, 20):
        for action in case.pending_actions:
            cases.confirm_action(action, hr_id, SYSTEM)
        march = next(e for e in case.entries if e.kind is EntryKind.OWED and e.period == (2026, 3))
        cases.add_entry(case, EntryKind.WITHHELD, march.amount, date(2026, 3, 31), hr_id, SYSTEM, period=(2026, 3))
        cases.apply_deduction_plan(case, 3, date(2026, 9, 25), hr_id, SYSTEM, token="li-plan")
    db.session.commit()


DATES = (date(2026, 3, 10), date(2026, 4, 1), date(2026, 6, 1), date(2026, 9, 15), date(2026, 11, 20))


@pytest.fixture
def history(app, client, world, courses, monkeypatch):
    """Builds Li's case date by date, recording his "My case", "My learning" and "My notices" at the
    end of each date."""
    clock = Clock(monkeypatch)
    hr_id, li, li_user_id = world.user("hr").id, world.worker, world.user("worker").id
    login(client, "worker")
    recorded = {}
    for day in DATES:
        clock.set(day, 10)
        stage(day, hr_id, li, li_user_id)
        clock.set(day, 18)
        recorded[day] = {**parts(client.get("/my-case/").get_data(as_text=True)),
                         "courses": states(client.get("/learning/").get_data(as_text=True), "learning-title"),
                         "notices": states(client.get("/notices/").get_data(as_text=True), "notices-title")}
    clock.set(date(2026, 11, 29), 9)
    return recorded


def test_the_replay_shows_what_the_case_page_showed_on_five_dates(app, client, history, world):
    hr = app.test_client()
    login(hr, "hr")
    assert len({str(recorded) for recorded in history.values()}) == 5  # five different pages
    assert {status for day in history.values() for _title, status in day["courses"] + day["notices"]} >= {
        "not_started", "overdue", "acknowledged", "unread"}
    for day, recorded in history.items():
        page = hr.get(f"/history/{world.worker.id}?on={day.isoformat()}").get_data(as_text=True)
        replayed = {**parts(page), "courses": states(page, "asof-courses"), "notices": states(page, "asof-notices")}
        assert replayed == recorded, day
        assert "根据证据账本重建" in page
    views = db.session.query(EvidenceEvent).filter_by(event_type="case_viewed", actor_user_id=world.user("hr").id).all()
    assert len(views) == 1  # looking at the injury details is logged, once per person, case and hour
    # Li himself: the exact notice version, his objection, the receipt only once he acknowledged, the event range.
    guide = case_notices(world.worker.id)[0]
    before = client.get(f"/history/{world.worker.id}?on=2026-04-01").get_data(as_text=True)
    after = client.get(f"/history/{world.worker.id}?on=2026-06-01").get_data(as_text=True)
    assert guide.version.sha256[:16] in before and "申请时间太晚了。" in before
    assert guide.acknowledgement.receipt_number not in before and guide.acknowledgement.receipt_number in after
    events = db.session.query(EvidenceEvent).filter_by(employee_id=world.worker.id).order_by(EvidenceEvent.seq).all()
    replayed = [e for e in events if e.occurred_at < datetime(2026, 4, 2, tzinfo=SHANGHAI)]
    assert replayed[-1].hash in before and replayed[-1].seq < events[-1].seq
    assert f"第 {replayed[0].seq} 至 {replayed[-1].seq} 条" in before



def test_a_reconstruction_is_recorded_in_the_chain_and_its_pack_verifies(app, client, history, world, tmp_path,
                                                                         monkeypatch, witness_dir):
    response = post_form(client, f"/history/{world.worker.id}/record?on=2026-09-15", follow_redirects=True)
    (event,) = db.session.query(EvidenceEvent).filter_by(event_type="history_reconstructed").all()
    recorded = payload_of(event)
    body = recorded["summary"]
    assert recorded["sha256"] == hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
    assert recorded["sha256"] in response.get_data(as_text=True)
    assert event.employee_id == world.worker.id and body["on"] == "2026-09-15"
    assert body["case"]["status"]["code"] == "subsidy_expected" and body["case"]["balance"] == "3276.00"
    assert [n["notice"] for n in body["notices"]][:1] == ["injury-process-guide"]
    monkeypatch.setattr("portal.evidence.pack._pdf", lambda html: b"%PDF-")  # the PDF is tested with the packs
    publish()  # the hourly publication: a signed, timestamped head that a witness holds
    folder = unpack(download(client, world.worker.id), tmp_path)  # Li downloads his own pack
    assert run_verifier(folder).returncode == 0
    assert recorded["sha256"] in (folder / "events.jsonl").read_text()


def test_a_date_in_the_future_is_refused_with_a_message(client, world):
    login(client, "worker")
    response = client.get(f"/history/{world.worker.id}?on=2999-01-01")
    assert response.status_code == 422 and 'id="on-error"' in response.get_data(as_text=True)
