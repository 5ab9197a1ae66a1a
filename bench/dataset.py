"""The benchmark company: the demo company of 500 people, then bulk employees up to the size asked
for, each with an account, the basic course, a notice and a ledger chain of real hash links.

Rows go in with bulk INSERTs in batches (one commit per batch, so memory stays flat); the chain
hashes are computed with the ledger's own rules (``portal.evidence.chain``), so ``flask evidence
verify`` passes on the result. The last ``ack_pool`` employees have read every lesson and passed
the quiz but not yet acknowledged: the acknowledgement load acknowledges them over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from portal.auth.models import User
from portal.auth.policy import Role
from portal.courses import rules as course_rules
from portal.courses.models import Acknowledgement, Assignment, Course, CourseVersion, LessonProgress, QuizAttempt
from portal.demo.operations import load_demo
from portal.evidence.chain import GENESIS, chain_key, event_body, link_hash
from portal.evidence.models import ChainHead, EvidenceEvent
from portal.extensions import db
from portal.notices.models import NoticeAcknowledgement, NoticeDelivery, NoticeVersion
from portal.org.models import Department, Employee, department_managers

BENCH_PASSWORD = "bench-password-2026"
BATCH = 2000
PER_DEPARTMENT = 1000
T0 = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)
ORIGIN = {"channel": "portal", "ip": "10.1.2.3", "user_agent": "Mozilla/5.0 (Linux; Android 14)", "session": None}


@dataclass(frozen=True)
class Size:
    employees: int
    events: int
    ack_pool: int

    @property
    def label(self) -> str:
        """Names the cached data set: everything it is built from."""
        return f"{self.employees}e-{self.events}ev-{self.ack_pool}ready"


def build(size: Size, today: date) -> None:
    """Fill an empty, migrated database (inside an app context)."""
    load_demo(today)
    existing = db.session.execute(sa.select(sa.func.count(Employee.id))).scalar_one()
    existing_events = db.session.execute(sa.select(sa.func.count(EvidenceEvent.id))).scalar_one()
    add_employees(max(size.employees - existing, 0), size.events - existing_events, size.ack_pool, today)


def add_employees(count: int, events: int, ack_pool: int, today: date) -> None:
    """``count`` employees with ``events`` ledger events between them (at least one each), in
    departments of a thousand; needs the courses synced (and uses the first notice when there is one)."""
    course = db.session.execute(sa.select(Course).where(Course.slug == "injury-basics")).scalar_one()
    version = db.session.execute(sa.select(CourseVersion).where(CourseVersion.course_id == course.id,
                                                                CourseVersion.locale == "zh_CN")
                                 .order_by(CourseVersion.number.desc())).scalars().first()
    notice = db.session.execute(sa.select(NoticeVersion).order_by(NoticeVersion.id)).scalars().first()
    lessons = [lesson["number"] for lesson in version.snapshot["lessons"]]
    first_id = (db.session.execute(sa.select(sa.func.max(Employee.id))).scalar_one() or 0) + 1
    per_employee = max(-(-events // max(count, 1)), 1)
    password_hash = generate_password_hash(BENCH_PASSWORD, method="pbkdf2:sha256:1000")
    ids = Ids.start()
    for start in range(0, count, BATCH):
        batch = range(first_id + start, first_id + min(start + BATCH, count))
        _insert_batch(batch, first_id, count, ack_pool, today, course.id, version, notice, lessons, per_employee,
                      password_hash, ids)
        db.session.commit()
    _reset_sequences()
    db.session.commit()


@dataclass
class Ids:
    """Next primary keys of the tables filled in bulk (explicit ids keep the batches independent)."""

    department: int
    user: int
    assignment: int
    acknowledgement: int
    delivery: int
    notice_ack: int

    @classmethod
    def start(cls) -> Ids:
        def after(model: Any) -> int:
            return (db.session.execute(sa.select(sa.func.max(model.id))).scalar_one() or 0) + 1

        return cls(after(Department), after(User), after(Assignment), after(Acknowledgement), after(NoticeDelivery),
                   after(NoticeAcknowledgement))


def _insert_batch(batch: range, first_id: int, extra: int, ack_pool: int, today: date, course_id: int,
                  version: CourseVersion, notice: NoticeVersion | None, lessons: list[int], per_employee: int,
                  password_hash: str, ids: Ids) -> None:
    rows: dict[Any, list[dict]] = {m: [] for m in (Department, Employee, User, Assignment, Acknowledgement,
                                                    LessonProgress, QuizAttempt, NoticeDelivery,
                                                    NoticeAcknowledgement, EvidenceEvent, ChainHead)}
    managers = []
    pool_start = first_id + extra - ack_pool
    for employee_id in batch:
        offset = employee_id - first_id
        if offset % PER_DEPARTMENT == 0:
            rows[Department].append({"id": ids.department, "code": f"B{ids.department:05d}",
                                     "name_zh": f"基准部门{ids.department}", "name_en": f"Bench {ids.department}"})
            managers.append({"department_id": ids.department, "employee_id": employee_id})
            ids.department += 1
        department_id = ids.department - 1
        name = f"员工{employee_id}"
        rows[Employee].append({"id": employee_id, "number": f"B{employee_id:07d}", "name": name,
                               "hire_date": date(2025, 1, 1) + timedelta(days=offset % 400),
                               "department_id": department_id, "contract_type": "regular",
                               "preferred_locale": "zh_CN", "status": "active", "created_at": T0})
        rows[User].append({"id": ids.user, "username": f"b{employee_id}", "password_hash": password_hash,
                           "role": Role.MANAGER.value if managers and managers[-1]["employee_id"] == employee_id
                           else Role.EMPLOYEE.value, "employee_id": employee_id, "is_enabled": True,
                           "session_token": f"{employee_id:064x}", "created_at": T0})
        ids.user += 1
        in_pool = employee_id >= pool_start
        state = "pool" if in_pool else ("done", "done", "done", "open", "overdue")[offset % 5]
        assignment_id = ids.assignment
        ids.assignment += 1
        due = today + timedelta(days=14) if state in ("open", "pool") else today - timedelta(days=10)
        acked_at = T0 + timedelta(days=2) if state == "done" else None
        rows[Assignment].append({"id": assignment_id, "course_id": course_id, "employee_id": employee_id, "cycle": 1,
                                 "is_current": True, "reason": "onboarding", "assigned_at": T0, "due_date": due,
                                 "first_opened_at": T0 if state in ("done", "pool") else None,
                                 "quiz_passed_at": T0 + timedelta(days=1) if state in ("done", "pool") else None,
                                 "acknowledged_at": acked_at})
        if state in ("done", "pool"):
            for number in lessons:
                rows[LessonProgress].append({"assignment_id": assignment_id, "version_id": version.id,
                                             "lesson_number": number, "first_opened_at": T0, "last_opened_at": T0,
                                             "read_at": T0, "seconds_spent": 120})
            rows[QuizAttempt].append({"assignment_id": assignment_id, "version_id": version.id, "answers_json": "{}",
                                      "correct": 5, "total": 5, "percent": 100, "passed": True,
                                      "submitted_at": T0 + timedelta(days=1)})
        if acked_at is not None:
            rows[Acknowledgement].append({
                "id": ids.acknowledgement, "assignment_id": assignment_id, "version_id": version.id,
                "employee_id": employee_id, "typed_name": name, "content_sha256": version.sha256,
                "statement": course_rules.acknowledgement_statement("zh_CN", version.snapshot["title"], version.number),
                "acknowledged_at": acked_at, "ip": ORIGIN["ip"], "user_agent": ORIGIN["user_agent"],
                "receipt_number": course_rules.receipt_number(ids.acknowledgement, acked_at.date()), "event_hash": None})
            ids.acknowledgement += 1
        if notice is not None:
            noticed = offset % 10 < 7
            rows[NoticeDelivery].append({"id": ids.delivery, "version_id": notice.id, "employee_id": employee_id,
                                         "pushed_at": T0, "due_date": today - timedelta(days=5) if offset % 10 == 9
                                         else today + timedelta(days=10),
                                         "first_opened_at": T0 if noticed else None,
                                         "acknowledged_at": T0 + timedelta(days=1) if noticed else None})
            if noticed:
                rows[NoticeAcknowledgement].append({
                    "id": ids.notice_ack, "delivery_id": ids.delivery, "employee_id": employee_id,
                    "statement": "我已阅读并理解本告知书。", "typed_name": name, "content_sha256": notice.sha256,
                    "acknowledged_at": T0 + timedelta(days=1), "ip": ORIGIN["ip"], "user_agent": ORIGIN["user_agent"],
                    "receipt_number": course_rules.receipt_number(ids.notice_ack, T0.date(), "N"), "event_hash": None})
                ids.notice_ack += 1
            ids.delivery += 1
        _chain(employee_id, per_employee, version, rows[EvidenceEvent], rows[ChainHead])
    for model, values in rows.items():
        if values:
            db.session.execute(sa.insert(model), values)
    if managers:
        db.session.execute(sa.insert(department_managers), managers)


EVENT_TYPES = ("course_notified", "lesson_opened", "lesson_read", "quiz_submitted", "course_acknowledged",
               "notice_delivered", "notice_opened", "notice_acknowledged")


def _chain(employee_id: int, count: int, version: CourseVersion, events: list[dict], heads: list[dict]) -> None:
    """``count`` events of one employee, linked exactly as the ledger writer links them."""
    chain, previous = chain_key(employee_id), GENESIS
    content = {"kind": "course", "id": "injury-basics", "version": version.number, "sha256": version.sha256}
    for seq in range(1, count + 1):
        at = T0 + timedelta(minutes=seq)
        event_type = EVENT_TYPES[(seq - 1) % len(EVENT_TYPES)]
        body = event_body(chain=chain, seq=seq, event_type=event_type, occurred_at=at, employee_id=employee_id,
                          actor_user_id=None, content=content, origin=ORIGIN, payload={"n": seq})
        digest = link_hash(previous, body)
        events.append({"chain": chain, "seq": seq, "event_type": event_type, "occurred_at": at,
                       "employee_id": employee_id, "actor_user_id": None, "content_kind": "course",
                       "content_ref": "course:injury-basics", "content_sha256": version.sha256, "body": body,
                       "prev_hash": previous, "hash": digest})
        previous = digest
    heads.append({"chain": chain, "seq": count, "hash": previous})


def _reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the explicit ids inserted above."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (Department, Employee, User, Assignment, Acknowledgement, LessonProgress, QuizAttempt,
                  NoticeDelivery, NoticeAcknowledgement, EvidenceEvent):
        table = model.__tablename__
        db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


def summary() -> dict[str, int]:
    count = lambda model: db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()  # noqa: E731
    return {"employees": count(Employee), "events": count(EvidenceEvent), "assignments": count(Assignment),
            "deliveries": count(NoticeDelivery)}
