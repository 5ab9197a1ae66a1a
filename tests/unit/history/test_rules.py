"""Replaying the ledger: what is counted by a moment, course and notice trails, case facts."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from portal.courses.rules import Status
from portal.history.rules import ReplayEvent, replay
from portal.notices.rules import Status as NoticeStatus

START = datetime(2026, 3, 1, tzinfo=timezone.utc)
COURSE = {"kind": "course", "id": "injury-basics", "version": 1, "sha256": "c1"}
NOTICE = {"kind": "notice", "id": "injury-process-guide", "version": 1, "sha256": "n1"}


def event(seq, event_type, content=None, **payload):
    return ReplayEvent("employee:1", seq, event_type, START + timedelta(days=seq), content, payload, f"h{seq}")


HISTORY = [
    event(1, "course_assigned", {"kind": "course", "id": "injury-basics"}, reason="onboarding", due_date="2026-03-10",
          cycle=1),
    event(2, "course_opened", COURSE, cycle=1),
    event(3, "lesson_read", COURSE, lesson=1, seconds=30),
    event(4, "quiz_attempted", COURSE, passed=True),
    event(5, "course_acknowledged", COURSE, receipt="R1"),
    event(6, "notice_pushed", NOTICE, delivery=7, due_date="2026-03-20", scenario=None),
    event(7, "notice_opened", NOTICE, delivery=7, first=True),
    event(8, "notice_responded", NOTICE, delivery=7, response=3, kind="objection", text="不同意"),
    event(9, "notice_answered", NOTICE, response=3, answer="已说明"),
    event(10, "notice_acknowledged", NOTICE, receipt="N1"),
    event(11, "case_opened", None, case=4, fields={"accident_date": "2026-03-02"}),
    event(12, "case_updated", None, case=4, changes={"reported_date": [None, "2026-03-03"]}),
    event(13, "wage_recorded", None, year=2026, month=2, wage="5150.00"),
]


def test_a_full_replay_follows_every_step():
    result = replay(HISTORY, [], START + timedelta(days=100))
    course = result.courses["injury-basics"]
    assert course.receipt == "R1" and course.acknowledged_version.sha256 == "c1" and course.lessons_read == {1}
    assert course.status(date(2026, 4, 1)) is Status.ACKNOWLEDGED
    (notice,) = result.notices
    assert (notice.opened, notice.receipt, notice.responses[0].answer) == (1, "N1", "已说明")
    assert result.case.values == {"accident_date": "2026-03-02", "reported_date": "2026-03-03"}
    assert result.wages == {(2026, 2): "5150.00"}
    assert (result.first.seq, result.last.seq, result.count) == (1, 13, 13)


def test_an_earlier_moment_sees_only_the_earlier_events():
    result = replay(HISTORY, [], START + timedelta(days=4))  # events 1 to 3
    course = result.courses["injury-basics"]
    assert course.acknowledged_at is None and course.status(date(2026, 3, 11)) is Status.OVERDUE
    assert result.notices == [] and result.case is None and result.last.seq == 3


def test_an_acknowledgement_after_a_renewal_belongs_to_the_open_delivery():
    renewed = HISTORY[5:10] + [event(20, "notice_pushed", NOTICE, delivery=30, due_date="2027-03-20", cycle=2,
                                     reason="renewal"),
                               event(21, "notice_acknowledged", NOTICE, receipt="N2")]
    first, second = replay(renewed, [], START + timedelta(days=100)).notices
    assert (first.receipt, second.receipt) == ("N1", "N2")
    assert second.status(date(2026, 3, 25)) is NoticeStatus.ACKNOWLEDGED


@given(st.integers(0, 20))
def test_the_replay_counts_exactly_the_events_before_the_moment(days):
    result = replay(HISTORY, [], START + timedelta(days=days))
    assert result.count == len([e for e in HISTORY if e.seq < days])
