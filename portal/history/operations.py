"""The "as of" view: read an employee's chain up to the end of a past day, replay it, and compute
their case page as it was then with the case module's own computation (``case_view_from``).

A reconstruction can be recorded in the ledger (``history_reconstructed`` on the employee's chain:
the summary, its SHA-256 and the event range), so every evidence pack, which carries the whole
chain, carries it too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal.cases import rules as case_rules
from portal.cases.models import CaseAction, InjuryCase, ShareEntry, policy_from_values
from portal.cases.operations import CaseView, case_view_from, events_of_case, policy_among, recorded_by
from portal.core.types import SHANGHAI
from portal.courses.models import Course, CourseVersion
from portal.evidence.chain import canonical_json, chain_key
from portal.evidence.ledger import ContentRef, Origin, append_event
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.history import rules
from portal.history.rules import Replay, ReplayEvent
from portal.notices.models import NoticeVersion
from portal.org.models import Employee


def end_of_day(on: date) -> datetime:
    """The first instant after ``on`` in Shanghai: the replay takes every event before it."""
    return datetime.combine(on + timedelta(days=1), time(), SHANGHAI)


def _replay_events(query: sa.Select[Any]) -> list[ReplayEvent]:
    events = []
    for row in db.session.execute(query.order_by(EvidenceEvent.seq)).scalars():
        body = json.loads(row.body)
        events.append(ReplayEvent(row.chain, row.seq, row.event_type, row.occurred_at, body["content"],
                                  body["payload"], row.hash))
    return events


@dataclass
class AsOf:
    employee: Employee
    on: date
    replay: Replay
    case_view: CaseView | None
    recorded_by: dict[Any, str]

    def course_title(self, slug: str, sha256: str | None, locale: str) -> str:
        """The title of the exact version shown, or of the course when no version was shown yet."""
        return _course_title(slug, sha256, locale)

    def notice_title(self, trail: rules.NoticeTrail, locale: str) -> str:
        version = db.session.execute(sa.select(NoticeVersion).where(
            NoticeVersion.sha256 == trail.version.sha256)).scalars().first()
        return version.title(locale) if version is not None else trail.ref


def _course_title(slug: str, sha256: str | None, locale: str) -> str:
    version = None
    if sha256:
        version = db.session.execute(sa.select(CourseVersion).where(CourseVersion.sha256 == sha256)).scalars().first()
    if version is not None:
        return version.snapshot["title"]
    course = db.session.execute(sa.select(Course).where(Course.slug == slug)).scalar_one_or_none()
    return course.title(locale) if course is not None else slug


def as_of(employee: Employee, on: date) -> AsOf:
    """What the ledger shows of ``employee`` at the end of ``on`` (Shanghai), and their case page then."""
    until = end_of_day(on)
    replay = rules.replay(
        _replay_events(sa.select(EvidenceEvent).where(EvidenceEvent.chain == chain_key(employee.id))),
        _replay_events(sa.select(EvidenceEvent).where(EvidenceEvent.chain == chain_key(None),
                                                      EvidenceEvent.event_type == "policy_version_saved")),
        until,
    )
    view = _case_view_then(employee, replay, on, until)
    recorders = recorded_by(db.session.get(InjuryCase, view.case.id), until) if view is not None else {}
    return AsOf(employee, on, replay, view, recorders)


def _typed(name: str, value: Any) -> Any:
    column = InjuryCase.__table__.c[name]
    if value is not None and isinstance(column.type, sa.Date):
        return date.fromisoformat(value)
    return value


def _case_view_then(employee: Employee, replay: Replay, on: date, until: datetime) -> CaseView | None:
    then = replay.case
    if then is None:
        return None
    case = InjuryCase(id=then.case_id, employee_id=employee.id,
                      **{name: _typed(name, value) for name, value in then.values.items()})
    for entry in sorted(then.entries, key=lambda e: e["on"]):  # the page's order: date, then recording order
        year, month = map(int, entry["period"].split("-")) if entry["period"] else (None, None)
        ShareEntry(case=case, employee_id=employee.id, kind=case_rules.EntryKind(entry["kind"]),
                   amount=Decimal(entry["amount"]), on_date=date.fromisoformat(entry["on"]),
                   period_year=year, period_month=month, source=entry["source"], note=entry["note"])
    _actions_then(case, until)
    newest_first = sorted(enumerate(replay.policies), key=lambda ip: (ip[1]["valid_from"], ip[0]), reverse=True)
    policies = [policy_from_values(p["region"], date.fromisoformat(p["valid_from"]), p["source"], p["values"])
                for _saved, p in newest_first]  # the order of ``policies()``: valid from, then saved, newest first
    wages = [case_rules.MonthlyWage(year, month, Decimal(wage)) for (year, month), wage in sorted(replay.wages.items())]
    return case_view_from(case, policy_among(policies, case.accident_date), wages, on)


def _actions_then(case: InjuryCase, until: datetime) -> None:
    """The case's triggered actions (the pay stop) and their confirmations as the ledger had them."""
    actions: dict[int, CaseAction] = {}
    for event in reversed(events_of_case(case)):  # oldest first
        if event.occurred_at > until:
            break
        payload = json.loads(event.body)["payload"]
        if event.event_type == "case_action_created":
            actions[payload["action"]] = CaseAction(case=case, employee_id=case.employee_id, kind=payload["kind"],
                                                    effective_date=date.fromisoformat(payload["effective_date"]))
        elif event.event_type == "case_action_confirmed" and payload["action"] in actions:
            actions[payload["action"]].confirmed_at = event.occurred_at
            actions[payload["action"]].confirmed_by_id = event.actor_user_id


# --- Recording a reconstruction -------------------------------------------------------------------


def summary(result: AsOf) -> dict[str, Any]:
    """The reconstruction in plain values: what it says and which events it rests on."""
    replay, view = result.replay, result.case_view
    return {
        "on": result.on.isoformat(),
        "events": {"count": replay.count,
                   "first": replay.first.seq if replay.first else None,
                   "last": replay.last.seq if replay.last else None,
                   "last_hash": replay.last.hash if replay.last else None},
        "courses": [{"course": t.slug, "cycle": t.cycle, "status": t.status(result.on).value,
                     "versions_shown": [v.sha256 for v in t.versions_shown],
                     "acknowledged_sha256": t.acknowledged_version.sha256 if t.acknowledged_version else None,
                     "receipt": t.receipt} for t in replay.courses.values()],
        "notices": [{"notice": n.ref, "version": n.version.number, "sha256": n.version.sha256,
                     "status": n.status(result.on).value, "opened": n.opened, "receipt": n.receipt,
                     "responses": [r.kind for r in n.responses]} for n in replay.notices],
        "case": None if view is None else {
            "status": None if view.status is None else {"code": view.status.code.value, "params": view.status.params},
            "timeline": [[i.code.value, i.date.isoformat(), i.status.value] for i in view.timeline],
            "benefits": [[b.code, str(b.amount)] for b in view.benefits],
            "balance": str(view.account.balance),
        },
    }


def record_reconstruction(result: AsOf, by_user_id: int, origin: Origin) -> str:
    """Put the reconstruction into the employee's chain with the SHA-256 of its summary; returns it.

    The summary travels in the event itself, so the content reference carries no hash: a pack's
    content files are the texts that were shown, and a reconstruction was not shown to anyone.
    """
    body = summary(result)
    digest = hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
    append_event("history_reconstructed", employee_id=result.employee.id, actor_user_id=by_user_id, origin=origin,
                 content=ContentRef(kind="reconstruction", id=result.on.isoformat()),
                 payload={"summary": body, "sha256": digest})
    db.session.commit()
    return digest
