"""Evidence ledger benchmark: append and verify throughput, and verify speed against raw hashing.

    python bench/evidence.py                      # 1,000,000 events over 100,000 employees
    python bench/evidence.py --events 20000 --employees 2000

It builds a SQLite ledger in a temporary folder: a sample of events goes through the portal's
own writer (``append_event``, one commit each, as in a request) to measure append throughput; the
rest is generated with the same chain rules and inserted in bulk. Then ``verify_ledger`` (the code
behind ``flask evidence verify``) checks everything, and the same bytes are hashed with hashlib in
the same run as the baseline. Target: verify at no less than half the speed of raw hashing.

It then publishes (every event joins the Merkle log; a tree head is signed), and measures
inclusion-proof verification against raw hashing of the same number of nodes, the signing time
of a tree head, and the build of an evidence pack (report and exhibit list as HTML and PDF) for
an employee with 1,000 events.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from portal import create_app  # noqa: E402
from portal.evidence.chain import GENESIS, chain_key, event_body, link_hash  # noqa: E402
from portal.evidence.ledger import SYSTEM, append_event  # noqa: E402
from portal.evidence.models import ChainHead, EvidenceEvent  # noqa: E402
from portal.evidence.operations import _column_problems, _link_rows, verify_ledger  # noqa: E402
from portal.evidence import witnesses  # noqa: E402
from portal.evidence.ledger import SYSTEM  # noqa: E402
from portal.evidence.log import load_tree, publish  # noqa: E402
from portal.evidence.pack import PackScope, assemble  # noqa: E402
from portal.evidence.signing import sign  # noqa: E402
from portal.evidence.verify import LinkRow, verify_links  # noqa: E402
from portal.evidence.verify_pack import verify_inclusion  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.org.models import Department, Employee  # noqa: E402

T0 = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)


def build_employees(count: int) -> None:
    db.session.add(Department(id=1, code="BENCH", name_zh="基准", name_en="Bench"))
    db.session.flush()
    rows = [{"id": i, "number": f"B{i:07d}", "name": f"员工{i}", "hire_date": date(2024, 1, 1), "department_id": 1,
             "contract_type": "regular", "preferred_locale": "zh_CN", "status": "active", "created_at": T0}
            for i in range(1, count + 1)]
    db.session.execute(sa.insert(Employee), rows)
    db.session.commit()


# The pack's employee has what a long case history holds: reading, acknowledgements, notices, wages,
# case steps and personal-share entries, so the report and the exhibit list are both long.
PACK_KINDS = [
    ("lesson_read", {"seconds": 95}),
    ("course_acknowledged", {"statement": "本人已阅读并理解上述内容", "typed_name": "员工"}),
    ("notice_acknowledged", {"receipt": "R-2026-0001"}),
    ("wage_recorded", {"year": 2026, "month": 3, "wage": "5200.00"}),
    ("case_updated", {"case": 3, "changes": {"grade": 7, "decision_number": "沪人社伤认（2026）第 123 号"}}),
    ("share_entry_recorded", {"case": 3, "amount": "312.50", "year": 2026, "month": 4, "kind": "withheld"}),
]


def bulk_events(employees: int, per_employee: int, skip: set[int], extra: dict[int, int] | None = None) -> int:
    """Events made with the portal's chain rules, inserted in bulk (the writer is measured apart);
    ``extra`` gives some employees another number of events."""
    inserted = 0
    batch: list[dict] = []
    heads: list[dict] = []
    counts = {employee_id: per_employee for employee_id in range(1, employees + 1) if employee_id not in skip}
    counts.update(extra or {})
    for employee_id, count in counts.items():
        chain, previous = chain_key(employee_id), GENESIS
        kinds = PACK_KINDS if employee_id in (extra or {}) else PACK_KINDS[:1]
        for seq in range(1, count + 1):
            at = T0 + timedelta(minutes=seq)
            event_type, payload = kinds[seq % len(kinds)]
            body = event_body(chain=chain, seq=seq, event_type=event_type, occurred_at=at, employee_id=employee_id,
                              actor_user_id=None, content={"kind": "course", "id": "injury-basics", "version": 1,
                                                           "sha256": "ab" * 32},
                              origin={"channel": "portal", "ip": "10.1.2.3", "user_agent": "Mozilla/5.0 (Linux; Android 14)",
                                      "session": None}, payload={**payload, "lesson": seq % 3 + 1})
            digest = link_hash(previous, body)
            batch.append({"chain": chain, "seq": seq, "event_type": event_type, "occurred_at": at,
                          "employee_id": employee_id, "actor_user_id": None, "content_kind": "course",
                          "content_ref": "course:injury-basics", "content_sha256": "ab" * 32, "body": body,
                          "prev_hash": previous, "hash": digest})
            previous = digest
        heads.append({"chain": chain, "seq": count, "hash": previous})
        if len(batch) >= 20000:
            db.session.execute(sa.insert(EvidenceEvent), batch)
            inserted += len(batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(EvidenceEvent), batch)
        inserted += len(batch)
    db.session.execute(sa.insert(ChainHead), heads)
    db.session.commit()
    return inserted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--append-sample", type=int, default=5_000, help="events written through append_event")
    args = parser.parse_args()
    per_employee = max(args.events // args.employees, 1)

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"})
        with app.app_context():
            db.create_all()
            build_employees(args.employees + 1)  # the last one has 1,000 events, for the pack
            sample_employees = min(max(args.append_sample // per_employee, 1), args.employees)
            started = time.perf_counter()
            written = 0
            for employee_id in range(1, sample_employees + 1):
                for _ in range(per_employee):
                    append_event("lesson_read", employee_id=employee_id, actor_user_id=None, origin=SYSTEM,
                                 payload={"lesson": 1, "seconds": 95})
                    db.session.commit()
                    written += 1
            append_seconds = time.perf_counter() - started
            started = time.perf_counter()
            bulk = bulk_events(args.employees, per_employee, skip=set(range(1, sample_employees + 1)),
                               extra={args.employees + 1: PACK_EVENTS})
            bulk_seconds = time.perf_counter() - started
            total = written + bulk
            db.session.remove()

            started = time.perf_counter()
            report = verify_ledger()
            verify_seconds = time.perf_counter() - started
            assert report.ok, report.first_problem

            started = time.perf_counter()
            rows = [LinkRow(*row) for row in _link_rows(None)]
            read_seconds = time.perf_counter() - started
            gc.collect()
            gc.freeze()  # the loaded rows are set-up: keep the collector from re-scanning them
            started = time.perf_counter()
            assert _column_problems(None) == []
            columns_seconds = time.perf_counter() - started
            started = time.perf_counter()
            core = verify_links(rows)
            core_seconds = time.perf_counter() - started
            assert core.ok
            payloads = [row.prev_hash.encode() + b"\n" + row.body for row in rows]
            started = time.perf_counter()
            for payload in payloads:
                hashlib.sha256(payload).hexdigest()
            hash_seconds = time.perf_counter() - started
            size = sum(len(p) for p in payloads)
            gc.unfreeze()
            del rows, payloads
            log_figures = measure_log(app, args.employees + 1, Path(folder))

    print(f"ledger: {total:,} events over {args.employees:,} employees ({size / 1e6:,.0f} MB of hashed bytes)")
    print(f"append (append_event + commit each, {written:,} events): {written / append_seconds:,.0f} events/s")
    print(f"bulk build of the rest: {bulk / bulk_seconds:,.0f} events/s")
    print(f"verify, whole ledger from the database: {total / verify_seconds:,.0f} events/s ({verify_seconds:.1f} s)")
    print(f"verify, hash-chain checks on loaded rows: {total / core_seconds:,.0f} events/s ({core_seconds:.1f} s)")
    print(f"  of which reading the rows: {read_seconds:.1f} s; the database's column check: {columns_seconds:.1f} s")
    print(f"baseline, hashlib.sha256 over the same bytes: {total / hash_seconds:,.0f} events/s ({hash_seconds:.1f} s)")
    print(f"ratio verify/hash (database, end to end): {hash_seconds / verify_seconds:.2f}")
    print(f"ratio verify/hash (chain checks):         {hash_seconds / core_seconds:.2f}   target >= 0.50")
    for line in log_figures:
        print(line)


PACK_EVENTS = 1000


def measure_log(app, pack_employee_id: int, folder: Path) -> list[str]:
    """Publication, inclusion proofs against raw hashing, head signing, and one pack of 1,000 events
    (published to a directory witness, so every event of the pack carries its inclusion proof)."""
    witness_folder = folder / "witness"
    witness_folder.mkdir()
    witnesses.add("directory", str(witness_folder), "bench", None, SYSTEM)
    started = time.perf_counter()
    head = publish().head
    publish_seconds = time.perf_counter() - started
    tree = load_tree()
    step = max(tree.size // 20000, 1)
    indices = list(range(0, tree.size, step))
    proofs = [(i, tree.inclusion_proof(i)) for i in indices]
    root = tree.root()
    leaves = tree.levels[0]
    started = time.perf_counter()
    for index, proof in proofs:
        assert verify_inclusion(leaves[index], index, tree.size, proof, root)
    proof_seconds = time.perf_counter() - started
    nodes = [b"\x01" + leaves[i] + p for i, proof in proofs for p in proof]
    started = time.perf_counter()
    for node in nodes:
        hashlib.sha256(node).digest()
    node_seconds = time.perf_counter() - started
    body = head.body.encode()
    started = time.perf_counter()
    for _ in range(200):
        sign(body)
    sign_seconds = (time.perf_counter() - started) / 200
    employee = db.session.get(Employee, pack_employee_id)
    stages: dict[str, float] = {}

    def progress(stage: str) -> None:
        stages[stage] = time.perf_counter()

    cpu_before = os.times()
    started = time.perf_counter()
    with app.test_request_context():
        pack = assemble(employee, PackScope(), "bench", progress)
    pack_seconds = time.perf_counter() - started
    cpu_after = os.times()
    own_cpu = cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system
    child_cpu = (cpu_after.children_user + cpu_after.children_system
                 - cpu_before.children_user - cpu_before.children_system)
    pdf_seconds = started + pack_seconds - stages["pdf"]  # the PDFs, then signing and zipping (milliseconds)
    return [
        f"publish (log {tree.size:,} events, sign one head): {publish_seconds:.1f} s",
        f"inclusion proofs: {len(proofs):,} verified at {len(proofs) / proof_seconds:,.0f}/s; "
        f"ratio raw hashing/proof checks over the same {len(nodes):,} nodes: {node_seconds / proof_seconds:.2f}",
        f"tree head signing (Ed25519, cryptography): {sign_seconds * 1e6:,.0f} µs per head",
        f"evidence pack for {PACK_EVENTS:,} events (report and exhibit list, HTML and PDF): {pack_seconds:.1f} s, "
        f"of which the two PDFs {pdf_seconds:.1f} s; {len(pack.data) / 1e6:.1f} MB; "
        f"load average {os.getloadavg()[0]:.1f} (target: ready in under 10 s)",
        f"  CPU time of that pack: {own_cpu:.1f} s in this process, {child_cpu:.1f} s in the PDF child "
        f"(on two idle cores the wait is about the larger of the two)",
    ]


if __name__ == "__main__":
    main()
