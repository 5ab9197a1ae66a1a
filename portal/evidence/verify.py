"""Verification of chains and checkpoints: pure Python, no Flask, no database.

It re-computes every hash and checks that the indexed columns say what the hashed body says, so
an edit made with a raw connection (past the append-only triggers) is found and named.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from typing import NamedTuple

from portal.evidence.chain import GENESIS, checkpoint_hash, head_leaf, merkle_root, timestamp
from portal.evidence.merkle import Tree
from portal.evidence.verify_pack import ed25519_verify, leaf_hash, log_leaf


class EventRow(NamedTuple):
    """One ledger row as stored: the hashed body and the columns queries rely on."""

    id: int
    chain: str
    seq: int
    event_type: str
    occurred_at: datetime
    employee_id: int | None
    actor_user_id: int | None
    content_sha256: str | None
    body: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Problem:
    chain: str
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.event_id} ({self.chain} #{self.seq})" if self.event_id else self.chain
        return f"{where}: {self.reason}"


@dataclass
class Report:
    events: int = 0
    chains: int = 0
    checkpoints: int = 0
    tree_heads: int = 0
    problems: list[Problem] = field(default_factory=list)
    hashes_at: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def _prefix(row: EventRow) -> str:
    """The start of the canonical body that the row's columns imply (keys are sorted)."""
    actor = "null" if row.actor_user_id is None else str(row.actor_user_id)
    return f'{{"actor_user_id":{actor},"at":"{timestamp(row.occurred_at)}","chain":"{row.chain}",'


def column_problem(row: EventRow) -> str | None:
    """Cheap string checks (no JSON parsing) that the columns match the hashed body."""
    body = row.body
    if not body.startswith(_prefix(row)):
        return "the actor, time or chain columns differ from the hashed body"
    if not body.endswith(f',"seq":{row.seq},"type":"{row.event_type}"}}'):
        return "the sequence number or event type column differs from the hashed body"
    employee = "null" if row.employee_id is None else str(row.employee_id)
    if f',"employee_id":{employee},"origin":' not in body:
        return "the employee column differs from the hashed body"
    if row.content_sha256 is not None and f'"sha256":"{row.content_sha256}"' not in body:
        return "the content hash column differs from the hashed body"
    return None


class LinkRow(NamedTuple):
    """The part of a row the hash chain covers; ``body`` as UTF-8 bytes."""

    id: int
    chain: str
    seq: int
    body: bytes
    prev_hash: str
    hash: str


def _order_problem(seq: int, expected_seq: int) -> str:
    if seq != expected_seq:
        return f"sequence number {seq} where {expected_seq} was expected (an event is missing)"
    return "its link to the previous event is broken"


def verify_links(
    rows: Iterable[LinkRow],
    heads: dict[str, tuple[int, str]] | None = None,
    wanted: frozenset[tuple[str, int]] = frozenset(),
) -> Report:
    """Check every chain: contiguous numbers, links, hashes, and the recorded heads.

    Rows may interleave chains (the database hands them over in storage order, which is fastest)
    but each chain's rows must come in sequence order, as appends store them. This is the hot
    loop of ``flask evidence verify``: one SHA-256 per event and a few comparisons. The hashes of
    the ``wanted`` positions (heads that checkpoints list) are kept for ``verify_checkpoints``.
    """
    report = Report()
    problems = report.problems
    hashes_at = report.hashes_at
    state: dict[str, tuple[int, str]] = {}
    start = (1, GENESIS)
    lookup, new_hash = state.get, sha256  # local names: this loop runs once per event
    events = 0
    for row_id, chain, seq, body, prev_hash, digest in rows:
        events += 1
        expected_seq, previous = lookup(chain, start)
        if seq != expected_seq or prev_hash != previous:
            problems.append(Problem(chain, seq, row_id, _order_problem(seq, expected_seq)))
        else:
            hasher = new_hash(prev_hash.encode())
            hasher.update(b"\n")
            hasher.update(body)
            if hasher.hexdigest() != digest:
                problems.append(Problem(chain, seq, row_id, "its content does not match its hash (the event was changed)"))
        state[chain] = (seq + 1, digest)
        if wanted and (chain, seq) in wanted:
            hashes_at[(chain, seq)] = digest
    report.events = events
    report.chains = len(state)
    for name, (seq, hash_) in sorted((heads or {}).items()):
        found_seq, found_hash = state.get(name, start)
        if found_seq - 1 < seq:
            problems.append(Problem(name, seq, None, f"the chain ends at #{found_seq - 1} but its recorded head is "
                                                     f"#{seq} (events were removed)"))
        elif found_seq - 1 > seq:
            problems.append(Problem(name, seq, None, f"the chain runs to #{found_seq - 1} past its recorded head "
                                                     f"#{seq} (events were added behind the writer's back)"))
        elif found_hash != hash_:
            problems.append(Problem(name, seq, None, "its last event differs from its recorded head (rewritten)"))
    return report


def verify_chains(
    rows: Iterable[EventRow],
    heads: dict[str, tuple[int, str]] | None = None,
    wanted: frozenset[tuple[str, int]] = frozenset(),
) -> Report:
    """``verify_links`` plus, row by row, that the columns say what the hashed body says."""
    materialised = list(rows)
    report = verify_links(
        (LinkRow(r.id, r.chain, r.seq, r.body.encode(), r.prev_hash, r.hash) for r in materialised), heads, wanted
    )
    flagged = {p.event_id for p in report.problems}
    for row in materialised:
        reason = None if row.id in flagged else column_problem(row)
        if reason:
            report.problems.append(Problem(row.chain, row.seq, row.id, reason))
    report.problems.sort(key=lambda p: (p.chain, p.seq or 0))
    return report


class CheckpointRow(NamedTuple):
    id: int
    body: str
    hash: str


def verify_checkpoints(
    checkpoints: Iterable[CheckpointRow], event_hash_at: dict[tuple[str, int], str]
) -> Iterator[Problem]:
    """Each checkpoint's own hash, its link to an earlier one, its root, and that every head it lists
    is still in the ledger with the same hash. Checkpoints predate the Merkle log; two taken at the
    same moment may share a predecessor, which is not a change of records."""
    earlier = {GENESIS}
    for checkpoint in checkpoints:
        where = f"checkpoint {checkpoint.id}"
        if checkpoint_hash(checkpoint.body) != checkpoint.hash:
            yield Problem(where, None, None, "its content does not match its hash")
            earlier.add(checkpoint.hash)
            continue
        data = json.loads(checkpoint.body)
        if data["previous"] not in earlier:
            yield Problem(where, None, None, "its link to the previous checkpoint is broken")
        heads = [tuple(head) for head in data["heads"]]
        if merkle_root([head_leaf(*head) for head in heads]) != data["root"]:
            yield Problem(where, None, None, "its Merkle root does not match its heads")
        for chain, seq, hash_ in heads:
            if event_hash_at.get((chain, seq)) != hash_:
                yield Problem(where, None, None, f"the ledger no longer holds {chain} #{seq} as it was at this checkpoint")
                break
        earlier.add(checkpoint.hash)


class LeafRow(NamedTuple):
    """A log leaf joined with the event it names (``None`` columns: the event is gone)."""

    position: int
    chain: str
    seq: int
    event_hash: str
    leaf_hash: str
    stored_chain: str | None
    stored_seq: int | None
    stored_hash: str | None


class HeadRow(NamedTuple):
    size: int
    root: str
    at: datetime
    body: str
    signature: str
    public_key: str
    tokens: tuple[bytes, ...]


def verify_log(leaves: Iterable[LeafRow]) -> tuple[list[bytes], list[Problem]]:
    """Each leaf in place and still naming an event as it is stored; returns the leaf hashes."""
    hashes, problems = [], []
    for expected, leaf in enumerate(leaves):
        where = f"log position {leaf.position}"
        if leaf.position != expected:
            problems.append(Problem(where, None, None, f"log position {expected} is missing (the log was cut)"))
            break
        if leaf_hash(log_leaf(leaf.chain, leaf.seq, leaf.event_hash)).hex() != leaf.leaf_hash:
            problems.append(Problem(where, None, None, "its leaf hash does not match what it names (changed)"))
        if leaf.stored_hash is None:
            problems.append(Problem(where, None, None, f"it names {leaf.chain} #{leaf.seq}, which the ledger no "
                                                       "longer holds (deleted after it was logged)"))
        elif (leaf.stored_chain, leaf.stored_seq, leaf.stored_hash) != (leaf.chain, leaf.seq, leaf.event_hash):
            problems.append(Problem(where, None, None, f"{leaf.chain} #{leaf.seq} differs from the event logged "
                                                       "(changed after it was logged)"))
        hashes.append(bytes.fromhex(leaf.leaf_hash))
    return hashes, problems


def verify_heads(heads: Iterable[HeadRow], tree: Tree, token_problem) -> Iterator[Problem]:
    """Every signed tree head: its signature, its root against the log, times that never go back,
    and its timestamp tokens (``token_problem(token, body)`` returns a reason or None)."""
    previous_at = None
    for head in heads:
        where = f"tree head of size {head.size}"
        body = json.loads(head.body)
        if not ed25519_verify(bytes.fromhex(head.public_key), head.body.encode(), bytes.fromhex(head.signature)):
            yield Problem(where, None, None, "its Ed25519 signature does not hold (forged or changed)")
        if (body["size"], body["root"], body["at"]) != (head.size, head.root, timestamp(head.at)):
            yield Problem(where, None, None, "its columns differ from the signed body")
        if head.size > tree.size:
            yield Problem(where, None, None, f"the log holds only {tree.size} leaves (leaves were removed)")
        elif tree.root(head.size).hex() != head.root:
            yield Problem(where, None, None, "the log no longer has this root (the log was rewritten)")
        if previous_at is not None and head.at <= previous_at:
            yield Problem(where, None, None, "its time is not after the previous head's (back-dated)")
        previous_at = head.at
        for token in head.tokens:
            reason = token_problem(token, head.body.encode())
            if reason:
                yield Problem(where, None, None, f"its RFC 3161 timestamp does not hold: {reason}")
