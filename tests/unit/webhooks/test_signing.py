"""Webhook signatures, the retry back-off and the event mapping: pure rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.webhooks import events, signing

NOW = 1_790_000_000


@given(secret=st.text(min_size=1, max_size=64), body=st.binary(max_size=512), age=st.integers(0, 300))
def test_a_signature_verifies_within_the_tolerance(secret, body, age):
    header = signing.signature(secret, NOW - age, body)
    assert signing.verify(secret, header, body, NOW)


@given(secret=st.text(min_size=1, max_size=64), body=st.binary(min_size=1, max_size=512), flip=st.integers(0, 511))
def test_any_changed_byte_breaks_the_signature(secret, body, flip):
    header = signing.signature(secret, NOW, body)
    index = flip % len(body)
    changed = body[:index] + bytes([body[index] ^ 1]) + body[index + 1:]
    assert not signing.verify(secret, header, changed, NOW)
    assert not signing.verify(secret + "x", header, body, NOW)


@pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", f"t={NOW - 301},v1=00", "garbage"])
def test_malformed_or_stale_headers_are_refused(header):
    assert not signing.verify("s", header, b"{}", NOW)


def test_a_replayed_old_delivery_is_refused():
    header = signing.signature("s", NOW - 301, b"{}")
    assert not signing.verify("s", header, b"{}", NOW)


def test_retries_back_off_over_about_a_day():
    delays = signing.retry_delays()
    assert delays[0] == signing.FIRST_RETRY_SECONDS
    assert all(later == earlier * signing.BACKOFF for earlier, later in zip(delays, delays[1:]))
    assert 6 * 3600 < sum(delays) < 24 * 3600


@pytest.mark.parametrize(("event_type", "payload", "kind"), [
    ("course_assigned", {"due_date": "2026-07-01"}, "course.assigned"),
    ("course_acknowledged", {"receipt": "R1"}, "acknowledged"),
    ("notice_acknowledged", {"receipt": "N1"}, "acknowledged"),
    ("notice_responded", {"kind": "objection", "text": "不同意"}, "objection.raised"),
    ("notice_responded", {"kind": "question", "text": "为什么"}, None),
    ("case_opened", {"case": 3}, "case.opened"),
    ("case_action_created", {"kind": "stop_original_pay", "effective_date": "2026-09-03"}, "pay_stop.due"),
    ("case_viewed", {"case": 3}, None),
])
def test_ledger_events_map_to_webhook_kinds(event_type, payload, kind):
    assert events.webhook_kind(event_type, payload) == kind


def test_free_texts_stay_in_the_portal():
    assert events.webhook_data("objection.raised", {"delivery": 4, "text": "不同意", "kind": "objection"}) == {"delivery": 4}
    assert set(events.webhook_data("acknowledged", {"receipt": "R1", "typed_name": "李强", "statement": "…"})) == {"receipt"}
