"""Hash chains, canonical bodies, Merkle roots and verification, without Flask or a database."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.evidence.chain import (
    GENESIS,
    canonical_json,
    chain_hashes,
    checkpoint_body,
    checkpoint_hash,
    event_body,
    head_leaf,
    link_hash,
    merkle_root,
    timestamp,
)
from portal.evidence.verify import CheckpointRow, EventRow, verify_chains, verify_checkpoints

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def test_canonical_json_is_sorted_compact_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "李强"}) == '{"a":"李强","b":1}'


@given(json_values)
def test_canonical_json_is_stable_whatever_the_key_order(value):
    if isinstance(value, dict):
        reordered = dict(reversed(list(value.items())))
        assert canonical_json(value) == canonical_json(reordered)
    assert canonical_json(value) == canonical_json(value)


def test_timestamp_is_utc_with_microseconds():
    shanghai = timezone(timedelta(hours=8))
    assert timestamp(datetime(2026, 3, 2, 9, 30, tzinfo=shanghai)) == "2026-03-02T01:30:00.000000Z"
    with pytest.raises(ValueError):
        timestamp(datetime(2026, 3, 2, 9, 30))


def test_link_hash_is_sha256_of_previous_newline_body():
    assert link_hash(GENESIS, "{}") == hashlib.sha256(f"{GENESIS}\n{{}}".encode()).hexdigest()


def make_rows(count: int, chain: str = "employee:1", employee_id: int | None = 1) -> list[EventRow]:
    rows, previous = [], GENESIS
    for seq in range(1, count + 1):
        at = T0 + timedelta(minutes=seq)
        body = event_body(chain=chain, seq=seq, event_type="lesson_read", occurred_at=at, employee_id=employee_id,
                          actor_user_id=7, content={"kind": "course", "id": "x", "version": 1, "sha256": "ab" * 32},
                          origin={"channel": "portal", "ip": "10.0.0.1"}, payload={"lesson": seq})
        digest = link_hash(previous, body)
        rows.append(EventRow(seq, chain, seq, "lesson_read", at, employee_id, 7, "ab" * 32, body, previous, digest))
        previous = digest
    return rows


def heads_of(rows: list[EventRow]) -> dict[str, tuple[int, str]]:
    return {rows[-1].chain: (rows[-1].seq, rows[-1].hash)}


def test_a_good_chain_verifies():
    rows = make_rows(5)
    report = verify_chains(rows, heads_of(rows))
    assert report.ok and report.events == 5 and report.chains == 1


@given(st.integers(2, 12), st.data())
def test_any_changed_body_is_found_and_named(count, data):
    rows = make_rows(count)
    index = data.draw(st.integers(0, count - 1))
    bad = rows[index]._replace(body=rows[index].body.replace('"lesson":', '"lesson": '))
    report = verify_chains(rows[:index] + [bad] + rows[index + 1:], heads_of(rows))
    assert not report.ok
    assert report.first_problem.event_id == bad.id
    assert "does not match its hash" in report.first_problem.reason


@pytest.mark.parametrize("column,value,reason", [
    ("event_type", "course_acknowledged", "event type"),
    ("occurred_at", T0 + timedelta(days=1), "time"),
    ("actor_user_id", 8, "actor"),
    ("employee_id", 2, "employee"),
    ("content_sha256", "cd" * 32, "content hash"),
])
def test_a_column_changed_without_the_body_is_found(column, value, reason):
    rows = make_rows(3)
    rows[1] = rows[1]._replace(**{column: value})
    report = verify_chains(rows, heads_of(rows))
    assert report.first_problem.event_id == rows[1].id and reason in report.first_problem.reason


def test_a_removed_event_is_found():
    rows = make_rows(4)
    report = verify_chains(rows[:1] + rows[2:], heads_of(rows))
    assert report.first_problem.seq == 3 and "missing" in report.first_problem.reason


def test_a_removed_last_event_is_found_through_the_head():
    rows = make_rows(4)
    report = verify_chains(rows[:-1], heads_of(rows))
    assert not report.ok and "removed" in report.first_problem.reason


def test_a_rehashed_rewrite_breaks_the_next_link():
    rows = make_rows(3)
    forged_body = rows[1].body.replace('"lesson":2', '"lesson":9')
    forged = rows[1]._replace(body=forged_body, hash=link_hash(rows[0].hash, forged_body))
    report = verify_chains([rows[0], forged, rows[2]], heads_of(rows))
    assert report.first_problem.event_id == rows[2].id and "link" in report.first_problem.reason


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=20))
def test_chain_hashes_depend_on_every_body_and_their_order(bodies):
    hashes = chain_hashes(bodies)
    assert len(set(hashes)) == len(hashes)
    changed = chain_hashes(bodies[:-1] + [bodies[-1] + "x"])
    assert changed[-1] != hashes[-1]


leaves = st.lists(st.binary(min_size=1, max_size=16), min_size=1, max_size=33, unique=True)


@given(leaves, st.data())
def test_merkle_root_changes_when_any_leaf_changes(items, data):
    index = data.draw(st.integers(0, len(items) - 1))
    changed = items[:index] + [items[index] + b"!"] + items[index + 1:]
    assert merkle_root(items) != merkle_root(changed)


@given(leaves)
def test_merkle_root_depends_on_order(items):
    if len(items) > 1:
        assert merkle_root(items) != merkle_root(list(reversed(items)))


def test_merkle_known_small_trees():
    leaf = lambda b: hashlib.sha256(b"\x00" + b).digest()  # noqa: E731
    node = lambda a, b: hashlib.sha256(b"\x01" + a + b).digest()  # noqa: E731
    assert merkle_root([b"a"]) == leaf(b"a").hex()
    assert merkle_root([b"a", b"b", b"c"]) == node(node(leaf(b"a"), leaf(b"b")), leaf(b"c")).hex()


def checkpoint(rows, previous=GENESIS, id_=1):
    body = checkpoint_body(at=T0, heads=[(r.chain, r.seq, r.hash) for r in rows], event_count=len(rows),
                           previous_hash=previous)
    return CheckpointRow(id_, body, checkpoint_hash(body))


def test_checkpoints_verify_and_detect_a_rewritten_ledger():
    a, b = make_rows(3, "employee:1", 1), make_rows(2, "employee:2", 2)
    first = checkpoint([a[-1], b[-1]])
    second = checkpoint([a[-1], b[-1]], previous=first.hash, id_=2)
    hashes = {(r.chain, r.seq): r.hash for r in a + b}
    assert list(verify_checkpoints([first, second], hashes)) == []
    rewritten = dict(hashes)
    rewritten[("employee:2", 2)] = "f" * 64
    problems = list(verify_checkpoints([first], rewritten))
    assert problems and "employee:2 #2" in problems[0].reason
    tampered = first._replace(body=first.body.replace('"event_count":2', '"event_count":3'))
    assert "does not match its hash" in next(verify_checkpoints([tampered], hashes)).reason
    unlinked = checkpoint([a[-1]], previous="0" * 63 + "1", id_=2)
    assert "link" in next(verify_checkpoints([first, unlinked], hashes)).reason


def test_head_leaf_spells_chain_seq_and_hash():
    assert head_leaf("employee:1", 3, "ab") == b"employee:1\n3\nab"
