"""Replaying the ledger: what an employee had been pushed, had opened, read, acknowledged or objected
to by a moment, with the exact versions (by hash), and the facts of their injury case as they were
known then. Pure Python: no Flask, no database; the events and the moment are passed in.

Only ledger events are used, never the current tables, so the answer is what the hash chain proves
(SPC Evidence Provisions Art. 93: integrity of electronic data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from portal.courses import rules as course_rules
from portal.notices import rules as notice_rules


@dataclass(frozen=True)
class ReplayEvent:
    chain: str
    seq: int
    event_type: str
    occurred_at: datetime
    content: dict[str, Any] | None
    payload: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class Version:
    number: int | None
    sha256: str | None


def _version(event: ReplayEvent) -> Version:
    content = event.content or {}
    return Version(content.get("version"), content.get("sha256"))


@dataclass
class CourseTrail:
    slug: str
    cycle: int = 0
    assigned_at: datetime | None = None
    due_date: date | None = None
    opened_at: datetime | None = None
    lessons_read: set[int] = field(default_factory=set)
    quiz_attempts: int = 0
    quiz_passed: bool = False
    versions_shown: list[Version] = field(default_factory=list)
    acknowledged_at: datetime | None = None
    acknowledged_version: Version | None = None
    receipt: str | None = None

    def status(self, today: date) -> course_rules.Status:
        """The matrix status of the cycle current at the moment (``courses.rules.status``)."""
        return course_rules.status(opened=self.opened_at is not None, quiz_passed=self.quiz_passed,
                                   acknowledged=self.acknowledged_at is not None,
                                   due=self.due_date or today, today=today)


@dataclass
class Response:
    id: int
    kind: str
    text: str
    at: datetime
    answer: str | None = None


@dataclass
class NoticeTrail:
    ref: str
    delivery: int
    version: Version
    pushed_at: datetime
    due_date: date
    opened: int = 0
    acknowledged_at: datetime | None = None
    receipt: str | None = None
    responses: list[Response] = field(default_factory=list)

    def status(self, today: date) -> notice_rules.Status:
        return notice_rules.status(opened=self.opened > 0, acknowledged=self.acknowledged_at is not None,
                                   due=self.due_date, today=today)


@dataclass
class CaseFactsThen:
    """A case's values, wages and personal-share entries as the ledger recorded them by the moment."""

    case_id: int
    values: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Replay:
    until: datetime
    courses: dict[str, CourseTrail] = field(default_factory=dict)
    notices: list[NoticeTrail] = field(default_factory=list)
    cases: dict[int, CaseFactsThen] = field(default_factory=dict)
    wages: dict[tuple[int, int], str] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)
    first: ReplayEvent | None = None
    last: ReplayEvent | None = None
    count: int = 0

    @property
    def case(self) -> CaseFactsThen | None:
        """The case "My case" showed: the newest accident, as the page orders them."""
        if not self.cases:
            return None
        return max(self.cases.values(), key=lambda c: (c.values["accident_date"], c.case_id))


def replay(employee_events: list[ReplayEvent], portal_events: list[ReplayEvent], until: datetime) -> Replay:
    """Fold the employee's chain (and the portal chain's regional policy versions) up to ``until``,
    exclusive, in chain order."""
    result = Replay(until)
    for event in portal_events:
        if event.occurred_at < until and event.event_type == "policy_version_saved":
            result.policies.append(event.payload)
    deliveries: dict[int, NoticeTrail] = {}
    for event in employee_events:
        if event.occurred_at >= until:
            break
        result.first = result.first or event
        result.last = event
        result.count += 1
        _apply(result, deliveries, event)
    result.notices = sorted(deliveries.values(), key=lambda n: (n.pushed_at, n.delivery))
    return result


def _apply(result: Replay, deliveries: dict[int, NoticeTrail], event: ReplayEvent) -> None:
    kind, payload, content = event.event_type, event.payload, event.content or {}
    if kind == "course_assigned":
        result.courses[content["id"]] = CourseTrail(content["id"], payload.get("cycle", 1), event.occurred_at,
                                                    date.fromisoformat(payload["due_date"]))
        return
    trail = result.courses.get(content.get("id", "")) if content.get("kind") == "course" else None
    if trail is not None:
        version = _version(event)
        if version.sha256 and version not in trail.versions_shown:
            trail.versions_shown.append(version)
        if kind == "course_opened":
            trail.opened_at = event.occurred_at
        elif kind == "lesson_read":
            trail.lessons_read.add(payload["lesson"])
        elif kind == "quiz_attempted":
            trail.quiz_attempts += 1
            trail.quiz_passed = trail.quiz_passed or bool(payload.get("passed"))
        elif kind == "course_acknowledged":
            trail.acknowledged_at, trail.acknowledged_version = event.occurred_at, version
            trail.receipt = payload.get("receipt")
        return
    if kind == "notice_pushed":
        deliveries[payload["delivery"]] = NoticeTrail(content["id"], payload["delivery"], _version(event),
                                                      event.occurred_at, date.fromisoformat(payload["due_date"]))
    elif kind == "notice_opened" and payload.get("delivery") in deliveries:
        deliveries[payload["delivery"]].opened += 1
    elif kind == "notice_responded" and payload.get("delivery") in deliveries:
        deliveries[payload["delivery"]].responses.append(
            Response(payload["response"], payload["kind"], payload["text"], event.occurred_at))
    elif kind == "notice_acknowledged":
        # The event names the notice and the version's hash; the delivery is the newest one of that
        # version still open (a renewal delivers the same version again).
        open_ones = [n for n in deliveries.values() if n.ref == content.get("id")
                     and n.version.sha256 == content.get("sha256") and n.acknowledged_at is None]
        if open_ones:
            notice = max(open_ones, key=lambda n: n.delivery)
            notice.acknowledged_at, notice.receipt = event.occurred_at, payload.get("receipt")
    elif kind == "notice_answered":
        for notice in deliveries.values():
            for response in notice.responses:
                if response.id == payload.get("response"):
                    response.answer = payload.get("answer")
    elif kind == "case_opened":
        result.cases[payload["case"]] = CaseFactsThen(payload["case"], dict(payload["fields"]))
    elif kind == "case_updated" and payload["case"] in result.cases:
        result.cases[payload["case"]].values.update({name: new for name, (_old, new) in payload["changes"].items()})
    elif kind == "share_entry_recorded" and payload["case"] in result.cases:
        result.cases[payload["case"]].entries.append(payload)
    elif kind == "wage_recorded":
        result.wages[(payload["year"], payload["month"])] = payload["wage"]
