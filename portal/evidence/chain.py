"""Hash-chain rules: pure functions, no Flask, no database.

Each chain (one per employee, plus one for portal-wide events) is a sequence of event bodies. An
event's hash is SHA-256 over the previous event's hash and the event's canonical bytes, so changing,
removing or reordering any event changes every hash after it. Courts weigh electronic data by its
integrity and by hash verification (SPC Provisions on Evidence in Civil Procedures, Arts. 93–94;
SPC Provisions on Internet Courts, Art. 11).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling for one value: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def timestamp(moment: datetime) -> str:
    """UTC with microseconds and a Z, the only time format inside event bodies."""
    if moment.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link_hash(previous_hash: str, body: str) -> str:
    """The hash of an event: SHA-256 of the previous hash, a newline, and the canonical body."""
    return hashlib.sha256(f"{previous_hash}\n{body}".encode()).hexdigest()


def chain_hashes(bodies: Iterable[str], start: str = GENESIS) -> list[str]:
    """The hashes of a chain of bodies, in order."""
    hashes = []
    previous = start
    for body in bodies:
        previous = link_hash(previous, body)
        hashes.append(previous)
    return hashes


def event_body(
    *,
    chain: str,
    seq: int,
    event_type: str,
    occurred_at: datetime,
    employee_id: int | None,
    actor_user_id: int | None,
    content: Mapping[str, Any] | None,
    origin: Mapping[str, Any],
    payload: Mapping[str, Any],
) -> str:
    """The canonical body of one event: everything the hash covers."""
    return canonical_json(
        {
            "chain": chain,
            "seq": seq,
            "type": event_type,
            "at": timestamp(occurred_at),
            "employee_id": employee_id,
            "actor_user_id": actor_user_id,
            "content": dict(content) if content else None,
            "origin": dict(origin),
            "payload": dict(payload),
        }
    )


def name_hash(number: str, name: str) -> str:
    """The employee's identity as bound into their chain: the name is hashed with the number, so
    the chain does not spell the name but a reader who knows both can check it."""
    return hashlib.sha256(f"{number}\n{name}".encode()).hexdigest()


def chain_key(employee_id: int | None) -> str:
    """Employees' events chain per employee, so concurrent writers rarely contend on one tail."""
    return f"employee:{employee_id}" if employee_id is not None else "portal"


def _leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> str:
    """Merkle tree hash as in RFC 6962 §2.1 (leaf and node prefixes keep the two apart)."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = [_leaf(leaf) for leaf in leaves]
    while len(level) > 1:
        paired = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])  # an odd node moves up unchanged
        level = paired
    return level[0].hex()


def head_leaf(chain: str, seq: int, hash_: str) -> bytes:
    return f"{chain}\n{seq}\n{hash_}".encode()


def checkpoint_body(
    *, at: datetime, heads: list[tuple[str, int, str]], event_count: int, previous_hash: str
) -> str:
    """A checkpoint: the head of every chain, their Merkle root, and the previous checkpoint's hash.

    Printed or mailed to outside parties, it makes a later rewrite of the whole database
    detectable: the rewritten chains would no longer reach these heads.
    """
    ordered = sorted(heads)
    return canonical_json(
        {
            "at": timestamp(at),
            "event_count": event_count,
            "chain_count": len(ordered),
            "root": merkle_root([head_leaf(*head) for head in ordered]),
            "heads": [list(head) for head in ordered],
            "previous": previous_hash,
        }
    )


def checkpoint_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()
