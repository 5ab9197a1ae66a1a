"""Course operations: sync from files, assign, open, read, answer the quiz, acknowledge.

Every state change writes its ledger event through ``portal.evidence.ledger.append_event`` in the
same transaction as the change itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa

from portal.auth.figures import PageRead, own_employee
from portal.core.records import (add_once, columns_of, commit_keeping_loaded, plain_rows, record_from_columns,
                                 split_columns, store_values)
from portal.core.types import SHANGHAI, local_timestamp, utcnow
from portal.courses import rules
from portal.courses.content import CourseSource, QuizQuestion, grade, load_courses, unknown_option_ids
from portal.courses.models import Acknowledgement, Assignment, Course, CourseVersion, LessonProgress, QuizAttempt
from portal.courses.rules import Audience, AssignmentReason
from portal.evidence.ledger import ContentRef, Origin, append_event
from portal.extensions import db
from portal.lifecycle.rules import ChangeKind, diff_summary
from portal.org.models import Employee
from portal.signals import acknowledged

LOCALES = ("zh_CN", "en")


# --- Sync -----------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reassigned: int = 0

    def lines(self) -> list[str]:
        return (
            [f"created course {slug}" for slug in self.created]
            + [f"new version {item}" for item in self.new_versions]
            + [f"unchanged {item}" for item in self.unchanged]
            + [f"re-assigned {self.reassigned} employee(s) who acknowledged an earlier version (material change)"]
        )


def sync_courses(root: Path, origin: Origin, now: datetime | None = None) -> SyncReport:
    """Load ``root`` into the database in one transaction; any bad file loads nothing.

    Raises ``portal.courses.content.CourseErrors`` naming every bad file and line.
    """
    sources = load_courses(root)  # parse everything before writing anything
    now = now or utcnow()
    report = SyncReport()
    try:
        for source in sources:
            _sync_course(source, origin, now, report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _sync_course(source: CourseSource, origin: Origin, now: datetime, report: SyncReport) -> None:
    course = db.session.execute(sa.select(Course).where(Course.slug == source.slug)).scalar_one_or_none()
    if course is None:
        course = Course(slug=source.slug)
        db.session.add(course)
        report.created.append(source.slug)
    course.order = source.order
    course.audience = ",".join(sorted(source.audience))
    course.due_days = source.due_days
    course.pass_mark = source.pass_mark
    course.validity_months = source.validity_months
    course.title_zh, course.title_en = source.title["zh_CN"], source.title["en"]
    course.updated_at = now
    db.session.flush()
    changed = False
    for locale in LOCALES:
        digest = source.content_hash(locale)
        versions = [v for v in course.versions if v.locale == locale]
        if any(v.sha256 == digest for v in versions):
            report.unchanged.append(f"{source.slug} {locale}")
            continue
        previous = max(versions, key=lambda v: v.number, default=None)
        mark = source.change if previous is not None else None
        version = CourseVersion(
            course=course, locale=locale, number=(previous.number + 1) if previous else 1,
            sha256=digest, snapshot_json=source.snapshot_json(locale), created_at=now,
            change_kind=mark.kind if mark else None, change_by=mark.by if mark else "",
            change_note=mark.note if mark else "",
        )
        db.session.add(version)
        db.session.flush()
        append_event(
            "course_version_published", employee_id=None, actor_user_id=None, origin=origin, occurred_at=now,
            content=_content_ref(version), payload={"locale": locale, "title": source.title[locale]},
        )
        report.new_versions.append(f"{source.slug} {locale} v{version.number}" + (f" ({mark.kind})" if mark else ""))
        if previous is not None and mark is not None:
            append_event(
                "content_change_marked", employee_id=None, actor_user_id=None, origin=origin, occurred_at=now,
                content=_content_ref(version),
                payload={"change": mark.kind, "by": mark.by, "note": mark.note,
                         "previous": {"version": previous.number, "sha256": previous.sha256},
                         "diff": diff_summary(previous.snapshot, version.snapshot)},
            )
            changed = changed or mark.kind == ChangeKind.MATERIAL.value
    if changed:
        report.reassigned += _reassign_after_material_change(course, origin, now)


def _reassign_after_material_change(course: Course, origin: Origin, now: datetime) -> int:
    """Everyone who acknowledged an earlier version, in whichever language, gets the course again
    (a new cycle with a due date) and reads the new version in their language."""
    acknowledged = db.session.execute(
        sa.select(Assignment)
        .where(Assignment.course_id == course.id, Assignment.is_current.is_(True),
               Assignment.acknowledged_at.is_not(None))
        .with_for_update()
    ).scalars().all()
    for previous in acknowledged:
        renew_assignment(previous, AssignmentReason.NEW_VERSION, origin, now)
    return len(acknowledged)


def renew_assignment(previous: Assignment, reason: AssignmentReason, origin: Origin, now: datetime) -> Assignment:
    """The next cycle of an acknowledged assignment; the acknowledged cycle stays as it was."""
    previous.is_current = False
    return _new_assignment(previous.course, previous.employee, reason, None, origin, now, cycle=previous.cycle + 1)


# --- Assignment -----------------------------------------------------------------------------------


def _content_ref(version: CourseVersion) -> ContentRef:
    return ContentRef(kind="course", id=version.course.slug, version=version.number, sha256=version.sha256)


def current_assignment(course: Course, employee_id: int) -> Assignment | None:
    return db.session.execute(
        sa.select(Assignment).where(
            Assignment.course_id == course.id, Assignment.employee_id == employee_id, Assignment.is_current.is_(True)
        )
    ).scalar_one_or_none()


def _new_assignment(
    course: Course, employee: Employee, reason: AssignmentReason, by_user_id: int | None, origin: Origin,
    now: datetime, cycle: int = 1,
) -> Assignment:
    assignment = Assignment(
        course=course, employee=employee, cycle=cycle, reason=reason, assigned_at=now, assigned_by_id=by_user_id,
        due_date=rules.due_date(now.astimezone(SHANGHAI).date(), course.due_days),
    )
    db.session.add(assignment)
    db.session.flush()
    ref = ContentRef(kind="course", id=course.slug)
    payload = {"reason": reason.value, "due_date": assignment.due_date.isoformat(), "cycle": cycle}
    append_event("course_assigned", employee_id=employee.id, actor_user_id=by_user_id, origin=origin,
                 content=ref, payload=payload, occurred_at=now)
    # The assignment appears in the employee's "My learning", the portal inbox they were told to use
    # (Electronic Signature Law Art. 11: receipt is when the message enters the designated system).
    append_event("course_notified", employee_id=employee.id, actor_user_id=by_user_id,
                 origin=Origin(channel="portal-inbox"), content=ref, payload={"cycle": cycle}, occurred_at=now)
    return assignment


def assign(
    course: Course, employee: Employee, reason: AssignmentReason, by_user_id: int | None, origin: Origin,
    now: datetime | None = None,
) -> Assignment | None:
    """Give ``course`` to ``employee`` unless they already have it; returns the new assignment."""
    if current_assignment(course, employee.id) is not None:
        return None
    return _new_assignment(course, employee, reason, by_user_id, origin, now or utcnow())


def courses_for(audience: Audience) -> list[Course]:
    courses = db.session.execute(sa.select(Course).order_by(Course.order)).scalars()
    return [c for c in courses if audience.value in c.audiences]


def assign_audiences(
    employee: Employee, audiences: Iterable[Audience], by_user_id: int | None, origin: Origin,
    now: datetime | None = None,
) -> list[Assignment]:
    created = []
    for audience in audiences:
        for course in courses_for(audience):
            assignment = assign(course, employee, rules.reason_for(audience), by_user_id, origin, now)
            if assignment is not None:
                created.append(assignment)
    return created


def assign_on_hire(employee: Employee, by_user_id: int | None, origin: Origin, now: datetime | None = None) -> list[Assignment]:
    """Onboarding courses for every new hire, plus the short-tenure ones for short-term contracts."""
    return assign_audiences(employee, rules.audiences_on_hire(employee.contract_type), by_user_id, origin, now)


def assign_injury_courses(employee: Employee, by_user_id: int | None, origin: Origin, now: datetime | None = None) -> list[Assignment]:
    """Called when an injury case opens: the courses on suspension pay, shares and disability benefits."""
    return assign_audiences(employee, [Audience.INJURED], by_user_id, origin, now)


def assign_manually(course: Course, employees: Iterable[Employee], by_user_id: int, origin: Origin) -> tuple[int, int]:
    """HR assigns a course to people or whole departments in one transaction: (assigned, already had it)."""
    created = skipped = 0
    now = utcnow()
    for employee in employees:
        if assign(course, employee, AssignmentReason.MANUAL, by_user_id, origin, now) is None:
            skipped += 1
        else:
            created += 1
    db.session.commit()
    return created, skipped


# --- Reading --------------------------------------------------------------------------------------


def current_version(course: Course, locale: str) -> CourseVersion:
    """The newest version in ``locale``, falling back to Chinese when a locale has none."""
    for wanted in (locale, "zh_CN"):
        version = db.session.execute(
            sa.select(CourseVersion)
            .where(CourseVersion.course_id == course.id, CourseVersion.locale == wanted)
            .order_by(CourseVersion.number.desc())
            .limit(1)
        ).scalar_one_or_none()
        if version is not None:
            return version
    raise LookupError(f"course {course.slug} has no version")


@cache
def _progress_statement() -> sa.Select:
    return sa.select(LessonProgress).where(LessonProgress.assignment_id == sa.bindparam("assignment_id"),
                                           LessonProgress.version_id == sa.bindparam("version_id"))


def progress_for(assignment: Assignment, version: CourseVersion) -> dict[int, LessonProgress]:
    rows = db.session.execute(_progress_statement(),
                              {"assignment_id": assignment.id, "version_id": version.id}).scalars()
    return {row.lesson_number: row for row in rows}


def open_lesson(
    assignment: Assignment, version: CourseVersion, number: int, by_user_id: int, origin: Origin,
    now: datetime | None = None,
) -> LessonProgress:
    """Record that the employee opened lesson ``number`` of ``version`` (first course open too)."""
    return record_opening(assignment, version, number, progress_for(assignment, version).get(number),
                          by_user_id, origin, now)


def record_opening(
    assignment: Assignment, version: CourseVersion, number: int, progress: LessonProgress | None, by_user_id: int,
    origin: Origin, now: datetime | None = None,
) -> LessonProgress:
    """:func:`open_lesson` with the lesson's ``progress`` already read (``None``: never opened).

    Every opening before the lesson is read is recorded and restarts its reading clock; reopening a
    lesson already read records nothing (its openings and its reading are on record, and "I have
    read this lesson" counts it once), so reviewing costs no write.
    """
    if progress is not None and progress.read_at is not None:
        return progress
    now = now or utcnow()
    ref = _content_ref(version)
    if assignment.first_opened_at is None:
        assignment.first_opened_at = now
        append_event("course_opened", employee_id=assignment.employee_id, actor_user_id=by_user_id,
                     origin=origin, content=ref, payload={"cycle": assignment.cycle}, occurred_at=now)
    if progress is None:
        progress = LessonProgress(assignment_id=assignment.id, version_id=version.id, lesson_number=number,
                                  first_opened_at=now, last_opened_at=now)
        db.session.add(progress)
    else:
        progress.last_opened_at = now
    append_event("lesson_viewed", employee_id=assignment.employee_id, actor_user_id=by_user_id, origin=origin,
                 content=ref, payload={"lesson": number, "started_at": now.isoformat()}, occurred_at=now)
    commit_keeping_loaded()
    return progress


class ReadTooSoon(Exception):
    """"Finished reading" came sooner after opening the lesson than its minimum reading time."""

    def __init__(self, seconds_open: int, minimum_seconds: int) -> None:
        super().__init__(f"{seconds_open}s of {minimum_seconds}s")
        self.seconds_open = seconds_open
        self.minimum_seconds = minimum_seconds


def lesson_minimum_seconds(version: CourseVersion, number: int, scale: float = 1.0) -> int:
    return rules.minimum_reading_seconds(version.snapshot["lessons"][number - 1]["markdown"], scale)


def mark_lesson_read(
    assignment: Assignment, version: CourseVersion, number: int, by_user_id: int, origin: Origin,
    reading_scale: float = 1.0, now: datetime | None = None,
) -> int:
    """Record the end of reading a lesson and the time spent since it was opened; returns seconds.

    Raises ``ReadTooSoon`` (and records nothing) when the lesson was opened less than its minimum
    reading time ago, or was never opened. A lesson already read records nothing more (0 seconds).
    """
    progress = progress_for(assignment, version).get(number)
    if progress is not None and progress.read_at is not None:
        return 0
    now = now or utcnow()
    minimum = lesson_minimum_seconds(version, number, reading_scale)
    seconds = 0 if progress is None else rules.seconds_between(progress.last_opened_at.timestamp(), now.timestamp())
    if progress is None or not rules.reading_counts(seconds, minimum):
        raise ReadTooSoon(seconds, minimum)
    progress.seconds_spent += seconds
    progress.read_at = progress.read_at or now
    append_event("lesson_read", employee_id=assignment.employee_id, actor_user_id=by_user_id, origin=origin,
                 content=_content_ref(version), occurred_at=now,
                 payload={"lesson": number, "seconds": seconds, "minimum_seconds": minimum})
    db.session.commit()
    return seconds


def lessons_read(assignment: Assignment, version: CourseVersion) -> list[LessonProgress]:
    """The lessons of ``version`` that count as read, in lesson order."""
    return sorted((p for p in progress_for(assignment, version).values() if p.read_at is not None),
                  key=lambda p: p.lesson_number)


def statement_for(assignment: Assignment, version: CourseVersion) -> str:
    """The acknowledgement statement naming each lesson read and when (Beijing time)."""
    return _statement(version, lessons_read(assignment, version))


def _statement(version: CourseVersion, read: Sequence[LessonProgress | sa.Row]) -> str:
    titles = {lesson["number"]: lesson["title"] for lesson in version.snapshot["lessons"]}
    lines = [rules.LessonRead(p.lesson_number, titles[p.lesson_number], local_timestamp(p.read_at)) for p in read]
    return rules.acknowledgement_statement(version.locale, version.snapshot["title"], version.number, lines)


@dataclass(frozen=True)
class AcknowledgementTerms:
    """What stands between the employee and the acknowledgement, and the statement they would sign."""

    missing: list[rules.Missing]
    statement: str


_PROGRESS, _ATTEMPTS = LessonProgress.__table__, QuizAttempt.__table__
_QUIZ_PASSED = sa.exists().where(_ATTEMPTS.c.assignment_id == sa.bindparam("assignment"),
                                 _ATTEMPTS.c.version_id == sa.bindparam("version"), _ATTEMPTS.c.passed.is_(True))
# The lessons read and whether the quiz was passed, in one statement built once (every
# acknowledgement reads it): an outer join from a one-row table answers even when nothing was read.
_TERMS = (
    sa.select(_QUIZ_PASSED.label("quiz_passed"), _PROGRESS.c.lesson_number, _PROGRESS.c.read_at)
    .select_from(sa.select(sa.literal(1).label("one")).subquery())
    .outerjoin(_PROGRESS, sa.and_(_PROGRESS.c.assignment_id == sa.bindparam("assignment"),
                                  _PROGRESS.c.version_id == sa.bindparam("version"), _PROGRESS.c.read_at.is_not(None)))
    .order_by(_PROGRESS.c.lesson_number)
)


def acknowledgement_terms(assignment: Assignment, version: CourseVersion) -> AcknowledgementTerms:
    """:func:`blockers` and :func:`statement_for` together, with one statement."""
    rows = db.session.execute(_TERMS, {"assignment": assignment.id, "version": version.id}).all()
    read = [row for row in rows if row.lesson_number is not None]
    lessons = [lesson["number"] for lesson in version.snapshot["lessons"]]
    missing = rules.acknowledgement_blockers(lessons, [p.lesson_number for p in read], bool(rows[0].quiz_passed))
    return AcknowledgementTerms(missing, _statement(version, read))


class UnknownAnswer(ValueError):
    """The submitted answers name questions or options that the quiz does not have."""


def submit_quiz(
    assignment: Assignment, version: CourseVersion, questions: list[QuizQuestion],
    answers: Mapping[str, frozenset[str]], by_user_id: int, origin: Origin,
) -> tuple[QuizAttempt, rules.QuizResult]:
    """Grade, store the attempt and its event; unanswered questions count as wrong."""
    known = {q.id for q in questions}
    if set(answers) - known or any(unknown_option_ids(q, answers.get(q.id, frozenset())) for q in questions):
        raise UnknownAnswer
    for question in questions:
        if question.kind == "single" and len(answers.get(question.id, ())) > 1:
            raise UnknownAnswer
    result = rules.quiz_result({q.id: grade(q, answers.get(q.id, frozenset())) for q in questions},
                               assignment.course.pass_mark)
    now = utcnow()
    chosen = {qid: sorted(ids) for qid, ids in sorted(answers.items())}
    attempt = QuizAttempt(assignment_id=assignment.id, version_id=version.id, answers_json=json.dumps(chosen),
                          correct=result.correct, total=result.total, percent=result.percent,
                          passed=result.passed, submitted_at=now)
    db.session.add(attempt)
    if result.passed and assignment.quiz_passed_at is None:
        assignment.quiz_passed_at = now
    append_event("quiz_attempted", employee_id=assignment.employee_id, actor_user_id=by_user_id, origin=origin,
                 content=_content_ref(version), occurred_at=now,
                 payload={"answers": chosen, "correct": result.correct, "total": result.total,
                          "percent": result.percent, "passed": result.passed})
    db.session.commit()
    return attempt, result


def quiz_passed_on(assignment: Assignment, version: CourseVersion) -> bool:
    return db.session.execute(sa.select(_QUIZ_PASSED), {"assignment": assignment.id, "version": version.id}).scalar_one()


def blockers(assignment: Assignment, version: CourseVersion) -> list[rules.Missing]:
    return acknowledgement_terms(assignment, version).missing


class NotYetAllowed(Exception):
    def __init__(self, missing: list[rules.Missing]) -> None:
        super().__init__(", ".join(m.value for m in missing))
        self.missing = missing


def acknowledge(
    assignment: Assignment, version: CourseVersion, typed_name: str, by_user_id: int, origin: Origin,
    terms: AcknowledgementTerms | None = None,
) -> Acknowledgement:
    """The explicit acknowledgement, once per assignment: a second submit returns the first.
    Flushed, not committed: the caller commits it with whatever else the acknowledgement brings
    (the receipt's e-mail), in one transaction.

    ``terms`` are :func:`acknowledgement_terms` when the caller has just read them."""
    if assignment.acknowledgement is not None:
        return assignment.acknowledgement
    terms = terms or acknowledgement_terms(assignment, version)
    if terms.missing:
        raise NotYetAllowed(terms.missing)
    now = utcnow()
    statement = terms.statement
    record = Acknowledgement(
        assignment_id=assignment.id, version_id=version.id, employee_id=assignment.employee_id,
        statement=statement, typed_name=typed_name.strip(), content_sha256=version.sha256,
        acknowledged_at=now, ip=origin.ip, user_agent=origin.user_agent,
    )
    record, created = add_once(record, sa.select(Acknowledgement).where(Acknowledgement.assignment_id == assignment.id))
    if not created:
        return record
    receipt = rules.receipt_number(record.id, now.astimezone(SHANGHAI).date())
    event = append_event(
        "course_acknowledged", employee_id=assignment.employee_id, actor_user_id=by_user_id, origin=origin,
        content=_content_ref(version), occurred_at=now,
        payload={"statement": statement, "typed_name": record.typed_name, "receipt": receipt},
    )
    # Number and hash together, after the event: the record is written once more, not twice.
    store_values(record, receipt_number=receipt, event_hash=event.hash)
    acknowledged.send("courses", subject_kind="assignment", subject_id=assignment.id, by_user_id=by_user_id,
                      origin=origin)
    # Marked last, just before the commit: what the database keeps in step with the assignments (their
    # counts by status) locks rows that every acknowledgement of the same course shares, until the commit.
    store_values(assignment, acknowledged_at=now)
    return record


# The employee pages' statements are built once, with their values as parameters: SQLAlchemy then
# finds their compiled form by a key it keeps with the statement, instead of building the statement
# and its key again on every page (a quarter of a millisecond for the course's join).


class MyAssignment(NamedTuple):
    """One line of "My learning": what the list shows of a current assignment and its course."""

    slug: str
    title_zh: str
    title_en: str
    due_date: date
    first_opened_at: datetime | None
    quiz_passed_at: datetime | None
    acknowledged_at: datetime | None

    title = Course.title  # the course's title in a language, from the same two columns


@cache
def my_assignments_read() -> PageRead:
    """The signed-in employee's current assignments as plain rows (a list page loads no records),
    read with the account."""
    return PageRead(
        sa.select(Course.slug, Course.title_zh, Course.title_en, Assignment.due_date, Assignment.first_opened_at,
                  Assignment.quiz_passed_at, Assignment.acknowledged_at)
        .join(Course, Course.id == Assignment.course_id)
        .where(Assignment.employee_id == own_employee(), Assignment.is_current.is_(True)),
        order_by=(Assignment.acknowledged_at.is_not(None), Assignment.due_date, Course.order))


# The records an employee's course pages start from, in this order; read as plain columns and made
# records without the ORM's loading, which cost five times the statement (every acknowledgement
# and every finished lesson reads them).
_MY_COURSE_RECORDS = (Assignment, Course, CourseVersion, Acknowledgement)


@cache
def _my_course_statement() -> sa.Select:
    return (sa.select(*columns_of(*_MY_COURSE_RECORDS))
            .select_from(Assignment)
            .join(Course, Assignment.course_id == Course.id)
            .join(CourseVersion, CourseVersion.course_id == Course.id)
            .outerjoin(Acknowledgement, Acknowledgement.assignment_id == Assignment.id)
            .where(Course.slug == sa.bindparam("slug"), Assignment.employee_id == sa.bindparam("employee_id"),
                   Assignment.is_current.is_(True), CourseVersion.locale.in_([sa.bindparam("locale"), "zh_CN"]))
            .order_by((CourseVersion.locale == sa.bindparam("locale")).desc(), CourseVersion.number.desc())
            .limit(1))


def _my_course_records(row: Sequence[Any]) -> tuple[Assignment, CourseVersion]:
    assignment, course, version, acknowledgement = split_columns(row, _MY_COURSE_RECORDS)
    course_record = record_from_columns(Course, course)
    version_record = record_from_columns(CourseVersion, version, course=course_record)
    acknowledged = record_from_columns(Acknowledgement, acknowledgement) if acknowledgement[0] is not None else None
    return (record_from_columns(Assignment, assignment, course=course_record, acknowledgement=acknowledged),
            version_record)


def my_course(slug: str, employee_id: int, locale: str) -> tuple[Assignment, CourseVersion] | None:
    """The employee's current assignment of ``slug`` (its course and acknowledgement loaded) and the
    version they read: the newest in ``locale``, else the newest Chinese one (as
    :func:`current_version`). One statement, since every page of a course starts here."""
    found = plain_rows(_my_course_statement(), {"slug": slug, "employee_id": employee_id, "locale": locale}).first()
    return _my_course_records(found) if found is not None else None


@cache
def _my_lesson_statement() -> sa.Select:
    return (_my_course_statement().add_columns(*columns_of(LessonProgress))
            .outerjoin(LessonProgress, sa.and_(LessonProgress.assignment_id == Assignment.id,
                                               LessonProgress.version_id == CourseVersion.id,
                                               LessonProgress.lesson_number == sa.bindparam("number"))))


def my_lesson(slug: str, employee_id: int, locale: str, number: int
              ) -> tuple[Assignment, CourseVersion, LessonProgress | None] | None:
    """:func:`my_course` with the employee's progress on lesson ``number`` of that version, in the
    same statement (``None`` when never opened)."""
    found = plain_rows(_my_lesson_statement(), {"slug": slug, "employee_id": employee_id, "locale": locale,
                                                "number": number}).first()
    if found is None:
        return None
    width = len(columns_of(*_MY_COURSE_RECORDS))
    progress = found[width:]
    return (*_my_course_records(found[:width]),
            record_from_columns(LessonProgress, progress) if progress[0] is not None else None)


class CourseFacts(NamedTuple):
    """What the lesson reader and the quiz show of the employee's current assignment of a course,
    the version they read and their reading of one lesson, without loading records."""

    subject_employee_id: int
    slug: str
    pass_mark: int
    version_id: int
    version_locale: str
    read_at: datetime | None  # of the lesson asked for: None when not read (or not a lesson)
    subject_department_id: int  # the employee's, given by the caller (who read the employee already)


_LARGEST_LESSON = 2**31 - 1  # a lesson number past the column's range names no lesson


@cache
def my_course_facts_read() -> PageRead:
    """The signed-in employee's current assignment of the course ``slug``, once per version of the
    course, newest first, with the reading of lesson ``number`` (0: none) of each, as columns read
    with the account; :func:`course_facts` picks the version."""
    return PageRead(
        sa.select(Assignment.employee_id, Course.slug, Course.pass_mark, CourseVersion.id, CourseVersion.locale,
                  LessonProgress.read_at)
        .join(Course, Assignment.course_id == Course.id)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .outerjoin(LessonProgress, sa.and_(LessonProgress.assignment_id == Assignment.id,
                                           LessonProgress.version_id == CourseVersion.id,
                                           LessonProgress.lesson_number == sa.bindparam("number")))
        .where(Course.slug == sa.bindparam("slug"), Assignment.employee_id == own_employee(),
               Assignment.is_current.is_(True)),
        order_by=(CourseVersion.number.desc(), CourseVersion.id.desc()),
        parameters=lambda view_args: {"slug": view_args.get("slug", ""),
                                      "number": min(view_args.get("number", 0), _LARGEST_LESSON)})


def course_facts(rows: list[tuple[Any, ...]], locale: str, department_id: int) -> CourseFacts | None:
    """The facts of the version read: the newest in ``locale``, else the newest Chinese one (as
    :func:`current_version`); None when the course is not assigned."""
    for wanted in (locale, "zh_CN"):
        for row in rows:
            if row[4] == wanted:
                return CourseFacts(*row, department_id)
    return None


def version_snapshot(version_id: int) -> dict[str, Any]:
    """A course version's content by its id (read it, never change it)."""
    return db.session.execute(_snapshot_statement(), {"id": version_id}).scalar_one().snapshot


@cache
def _snapshot_statement() -> sa.Select:
    return sa.select(CourseVersion).where(CourseVersion.id == sa.bindparam("id"))


def course_by_slug(slug: str) -> Course | None:
    return db.session.execute(sa.select(Course).where(Course.slug == slug)).scalar_one_or_none()


def today_in_shanghai(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()
