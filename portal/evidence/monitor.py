"""What an outside auditor runs with only the employer's public key fingerprint and the heads they
were sent: fetch the log's signed heads and prove each one consistent with the next.

Consistency is transitive (if A extends to B and B to C, A extends to C), so proving every pair
of neighbours by size proves every pair seen; two heads of one size must share their root.
No database and no portal code beyond the standard-library verifier.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from portal.evidence.verify_pack import PackError, check_head, verify_consistency


class MonitorError(Exception):
    pass


def load_heads(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("head-*.json"))]


def monitor(fetch: Callable[[str], bytes], keys: set[str], seen: list[dict], folder: Path | None = None) -> list[str]:
    """Raise MonitorError naming the first problem; return what was proved."""
    wanted = {k.replace(" ", "").lower() for k in keys}
    fetched = json.loads(fetch("/heads"))["heads"]
    by_size: dict[int, tuple[dict, dict]] = {}
    for origin, head in [("seen", h) for h in seen] + [("fetched", h) for h in fetched]:
        try:
            body = check_head(head, f"{origin} head")
        except (PackError, KeyError, ValueError) as error:
            raise MonitorError(str(error)) from None
        if body["key"].replace(" ", "") not in wanted:
            raise MonitorError(f"{origin} head of size {body['size']} is signed by key {body['key']}, not a key you gave")
        known = by_size.get(body["size"])
        if known is not None and known[1]["root"] != body["root"]:
            raise MonitorError(f"two signed heads of size {body['size']} with different roots: the log was forked")
        by_size[body["size"]] = (head, body)
    ordered = [by_size[size] for size in sorted(by_size)]
    for (_, older), (_, newer) in zip(ordered, ordered[1:]):
        if newer["at"] < older["at"]:
            raise MonitorError(f"the head of size {newer['size']} is dated before the head of size {older['size']}")
        proof = json.loads(fetch(f"/consistency?first={older['size']}&second={newer['size']}"))["proof"]
        if not verify_consistency(older["size"], newer["size"], bytes.fromhex(older["root"]),
                                  bytes.fromhex(newer["root"]), [bytes.fromhex(h) for h in proof]):
            raise MonitorError(f"the head of size {older['size']} is not consistent with the head of size "
                               f"{newer['size']}: the log was rewritten between them")
    if folder is not None:
        for head, body in ordered:
            target = folder / f"head-{body['size']:012d}.json"
            if not target.exists():
                target.write_text(json.dumps(head, ensure_ascii=False, indent=1), encoding="utf-8")
    sizes = sorted(by_size)
    return [f"{len(seen)} heads held, {len(fetched)} fetched; all signatures hold",
            f"{max(len(sizes) - 1, 0)} consistency proofs verified, sizes {sizes[0] if sizes else 0}–{sizes[-1] if sizes else 0}"]
