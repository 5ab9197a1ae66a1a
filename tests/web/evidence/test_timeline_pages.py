"""The evidence timeline of one employee is a paged list: newest first, read by keyset along the
chain's (chain, seq) index, the filters kept on every pager link, forged cursors harmless, and
each page kept until the chain grows. Both engines."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal.core.types import SHANGHAI
from portal.evidence.ledger import SYSTEM, ContentRef, NewEvent, append_events
from portal.evidence.models import EvidenceEvent
from portal.evidence.pack import PackScope
from portal.evidence.routes import EVENTS_PER_PAGE
from portal.extensions import db
from tests.conftest import counted_statements, login

HX = {"HX-Request": "true", "HX-Target": "evidence-timeline"}


def _record(employee_id: int, count: int, occurred_at: datetime | None = None) -> None:
    """``count`` events on the employee's chain: reminders, with every third a case step."""
    append_events([NewEvent("case_viewed", employee_id, None, SYSTEM, payload={"case": 7, "own": False})
                   if i % 3 == 0 else NewEvent("reminder_sent", employee_id, None, SYSTEM, payload={})
                   for i in range(count)], occurred_at)
    db.session.commit()


def _seqs(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"<strong>#(\d+) ", text)]


def _link(text: str, rel: str) -> str:
    return html.unescape(re.search(rf'<a href="([^"]+)" rel="{rel}"', text).group(1))


def _last_link(text: str) -> str:
    return html.unescape(re.findall(r'<li><a href="([^"]+)"[^>]*aria-label', text)[-1])


def test_pages_walk_the_chain_newest_first_and_back(client, world):
    _record(world.worker.id, 120)  # with the identity event: seqs 1–121
    login(client, "hr")
    first = client.get(f"/evidence/employees/{world.worker.id}").get_data(as_text=True)
    assert _seqs(first) == list(range(121, 71, -1))
    assert 'id="evidence-timeline"' in first and 'hx-target="#evidence-timeline"' in first

    second = client.get(_link(first, "next"), headers=HX)
    assert second.headers["Vary"] and "HX-Request" in second.headers["Vary"]
    second_text = second.get_data(as_text=True)
    assert second_text.lstrip().startswith('<div id="evidence-timeline"') and "<main" not in second_text
    assert _seqs(second_text) == list(range(71, 21, -1))
    assert _seqs(client.get(_link(second_text, "prev")).get_data(as_text=True)) == list(range(121, 71, -1))

    last_url = _last_link(first)
    assert "at=last" in last_url
    assert _seqs(client.get(last_url).get_data(as_text=True)) == list(range(21, 0, -1))
    assert _seqs(client.get(f"/evidence/employees/{world.worker.id}?page=3").get_data(as_text=True)) \
        == list(range(21, 0, -1))


def test_a_filter_is_kept_across_pages(client, world):
    _record(world.worker.id, 3 * EVENTS_PER_PAGE + 30)
    login(client, "hr")
    wanted = list(db.session.execute(
        sa.select(EvidenceEvent.seq).where(EvidenceEvent.employee_id == world.worker.id,
                                           EvidenceEvent.event_type == "reminder_sent")
        .order_by(EvidenceEvent.seq.desc())).scalars())
    assert len(wanted) > 2 * EVENTS_PER_PAGE
    seen: list[int] = []
    url = f"/evidence/employees/{world.worker.id}?type=reminder_sent&content=&from=&to="
    while url:
        text = client.get(url, headers=HX).get_data(as_text=True)
        seen += _seqs(text)
        url = _link(text, "next") if 'rel="next"' in text else ""
        assert not url or "type=reminder_sent" in url
    assert seen == wanted

    by_case = client.get(f"/evidence/employees/{world.worker.id}?content=case:7&page=2", headers=HX)
    case_seqs = [s for s in _seqs(by_case.get_data(as_text=True))]
    assert case_seqs and all(s % 3 == 2 for s in case_seqs)  # every third event after the identity one


@pytest.mark.parametrize("at", [
    "after.garbage", "before.", "after." + base64.urlsafe_b64encode(b'["x"]').decode(),
    "after." + base64.urlsafe_b64encode(b"[1, 2]").decode(),
    "after." + base64.urlsafe_b64encode(json.dumps([10 ** 30]).encode()).decode(),
    "before." + base64.urlsafe_b64encode(json.dumps([-(10 ** 30)]).encode()).decode(),
    "after." + base64.urlsafe_b64encode(b'[{"dt": "2026-01-01"}]').decode(), "last", "x" * 600,
])
def test_forged_cursors_show_a_page(client, world, at):
    _record(world.worker.id, 70)
    login(client, "hr")
    response = client.get(f"/evidence/employees/{world.worker.id}", query_string={"page": "2", "at": at})
    assert response.status_code == 200
    assert _seqs(response.get_data(as_text=True))


def test_each_page_is_kept_until_the_chain_grows(client, world):
    _record(world.worker.id, 70)
    login(client, "hr")
    first = client.get(f"/evidence/employees/{world.worker.id}", headers=HX).get_data(as_text=True)
    second_url = _link(first, "next")
    second = client.get(second_url, headers=HX).get_data(as_text=True)
    assert _seqs(second) == list(range(21, 0, -1))
    with counted_statements() as statements:
        assert client.get(second_url, headers=HX).get_data(as_text=True) == second
    assert not [s for s in statements if "evidence_events" in s], statements

    _record(world.worker.id, 1)
    assert _seqs(client.get(f"/evidence/employees/{world.worker.id}", headers=HX).get_data(as_text=True))[0] == 72


def test_the_scope_in_sql_picks_what_the_pack_picks(app, world):
    """Dates are Shanghai days: an event at 23:30 in Shanghai belongs to that day, not the UTC one;
    case 7 is not case 70."""
    late = datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI).astimezone(timezone.utc)
    _record(world.worker.id, 3, late)
    _record(world.worker.id, 3, late + timedelta(hours=1))
    append_events([NewEvent("case_viewed", world.worker.id, None, SYSTEM, payload={"case": 70, "own": False}),
                   NewEvent("lesson_read", world.worker.id, None, SYSTEM,
                            ContentRef("course", "course:injury-basics", "0" * 64, 1), {})])
    db.session.commit()
    events = list(db.session.execute(sa.select(EvidenceEvent).where(EvidenceEvent.employee_id == world.worker.id))
                  .scalars())
    scopes = [PackScope(), PackScope(since=date(2026, 3, 2)), PackScope(until=date(2026, 3, 1)),
              PackScope(since=date(2026, 3, 1), until=date(2026, 3, 1)), PackScope("case:7"), PackScope("case:70"),
              PackScope("case:7%"), PackScope("course:injury-basics"), PackScope(since=date.min, until=date.max)]
    for scope in scopes:
        in_sql = set(db.session.execute(sa.select(EvidenceEvent.id).where(
            EvidenceEvent.employee_id == world.worker.id, scope.condition())).scalars())
        assert in_sql == {e.id for e in events if scope.includes(e)}, scope
    assert len({frozenset(db.session.execute(sa.select(EvidenceEvent.id).where(s.condition())).scalars())
                for s in scopes}) >= 6  # the scopes do tell the events apart
