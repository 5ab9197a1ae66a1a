"""The portal-wide Merkle log: logging events, signed tree heads, RFC 3161 timestamps, witnesses.

``publish`` is the only writer of the log. Each of its steps holds the publisher lock (a row
locked until commit: ``SELECT … FOR UPDATE`` on PostgreSQL, the write lock on SQLite), so two runs
at once queue instead of forking the log, and each step finishes what an interrupted run left:
events not yet logged, heads without a timestamp, heads a witness has not received.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.core import mailer
from portal.core.types import utcnow
from portal.evidence.chain import canonical_json, timestamp
from portal.evidence.merkle import Tree
from portal.evidence.models import (
    EvidenceEvent,
    HeadDelivery,
    HeadTimestamp,
    LogLeaf,
    PublisherLock,
    TreeHead,
    Witness,
)
from portal.evidence.signing import fingerprint, sign
from portal.evidence.verify_pack import LOG_NAME, leaf_hash, log_leaf
from portal.extensions import db

log = logging.getLogger(__name__)
WITNESS_KINDS = ("email", "webhook", "directory")


@dataclass
class PublishResult:
    logged: int = 0
    head: TreeHead | None = None
    timestamped: int = 0
    delivered: int = 0
    failures: list[str] = field(default_factory=list)


def hold_publisher_lock() -> None:
    """Hold the publisher lock until the caller's commit."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(PublisherLock).values(id=1).on_conflict_do_nothing(index_elements=["id"]))
    db.session.execute(sa.update(PublisherLock).where(PublisherLock.id == 1).values(last_run_at=utcnow()))


def leaf_hashes(size: int | None = None) -> list[bytes]:
    stmt = sa.select(LogLeaf.leaf_hash).order_by(LogLeaf.position)
    if size is not None:
        stmt = stmt.where(LogLeaf.position < size)
    return [bytes.fromhex(h) for (h,) in db.session.execute(stmt)]


def load_tree(size: int | None = None) -> Tree:
    return Tree(leaf_hashes(size))


def log_new_events() -> int:
    """Append every event not yet in the log, in append order (caller holds the lock)."""
    size = db.session.execute(sa.select(sa.func.count()).select_from(LogLeaf)).scalar_one()
    pending = db.session.execute(
        sa.select(EvidenceEvent.id, EvidenceEvent.chain, EvidenceEvent.seq, EvidenceEvent.hash)
        .where(~sa.exists().where(LogLeaf.event_id == EvidenceEvent.id)).order_by(EvidenceEvent.id)).all()
    rows = [{"position": size + n, "event_id": event_id, "chain": chain, "seq": seq, "event_hash": digest,
             "leaf_hash": leaf_hash(log_leaf(chain, seq, digest)).hex()}
            for n, (event_id, chain, seq, digest) in enumerate(pending)]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(LogLeaf), rows[start:start + 5000])
    return len(rows)


def head_body(size: int, root: bytes, at: datetime, key_id: str) -> str:
    return canonical_json({"log": LOG_NAME, "size": size, "root": root.hex(), "at": timestamp(at), "key": key_id})


def latest_head() -> TreeHead | None:
    return db.session.execute(sa.select(TreeHead).order_by(TreeHead.size.desc()).limit(1)).scalar_one_or_none()


def _new_head(now: datetime) -> TreeHead | None:
    """Sign a head for the log as it is now, unless the latest head already has this size."""
    tree = load_tree()
    previous = latest_head()
    if tree.size == 0 or (previous is not None and previous.size == tree.size):
        return None
    if previous is not None and now <= previous.created_at:
        now = previous.created_at + timedelta(microseconds=1)  # a head's time never goes backwards
    body = head_body(tree.size, tree.root(), now, fingerprint())
    signature, public, key_id = sign(body.encode())
    head = TreeHead(size=tree.size, root=tree.root().hex(), created_at=now, body=body, signature=signature,
                    public_key=public, key_fingerprint=key_id)
    db.session.add(head)
    db.session.flush()
    return head


def tsa_urls() -> list[str]:
    configured = current_app.config.get("TSA_URL") or []
    return configured.replace(",", " ").split() if isinstance(configured, str) else list(configured)


def request_timestamp(url: str, data: bytes) -> tuple[bytes, datetime]:
    """Ask one RFC 3161 authority to timestamp ``data``; return the whole response and its time."""
    from rfc3161_client import HashAlgorithm, PKIStatus, TimestampRequestBuilder, decode_timestamp_response

    request = (TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).nonce(nonce=True)
               .cert_request(cert_request=True).build())
    http = urllib.request.Request(url, data=request.as_bytes(), headers={"Content-Type": "application/timestamp-query"})
    with urllib.request.urlopen(http, timeout=float(current_app.config["TSA_TIMEOUT"])) as answer:
        raw = answer.read()
    response = decode_timestamp_response(raw)
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise ValueError(f"the authority refused: status {response.status}")
    if response.tst_info.message_imprint.message != hashlib.sha256(data).digest():
        raise ValueError("the token covers other data")
    if response.tst_info.nonce != request.nonce:
        raise ValueError("the token answers another request")
    check_token(raw, data)
    return raw, response.tst_info.gen_time


def check_token(raw: bytes, data: bytes) -> None:
    """Verify a token's signature chain up to the configured TSA roots (when they are configured)."""
    ca_file = current_app.config.get("TSA_CA_FILE")
    if not ca_file:
        return
    from cryptography.x509 import load_pem_x509_certificates
    from rfc3161_client import VerifierBuilder, decode_timestamp_response

    builder = VerifierBuilder()
    for certificate in load_pem_x509_certificates(Path(ca_file).read_bytes()):
        builder = builder.add_root_certificate(certificate)
    builder.build().verify_message(decode_timestamp_response(raw), data)


def _timestamp_heads(result: PublishResult) -> None:
    urls = tsa_urls()
    if not urls:
        return
    missing = db.session.execute(sa.select(TreeHead).where(
        ~sa.exists().where(HeadTimestamp.head_id == TreeHead.id)).order_by(TreeHead.size)).scalars().all()
    for head in missing:
        for url in urls:  # the next authority only when one fails
            try:
                token, gen_time = request_timestamp(url, head.body.encode())
            except Exception as error:  # noqa: BLE001 - any failure of one authority means: try the next
                result.failures.append(f"timestamp of head {head.size} from {url}: {error}")
                continue
            db.session.add(HeadTimestamp(head_id=head.id, tsa_url=url, gen_time=gen_time, token=token))
            result.timestamped += 1
            break


def witness_message(head: TreeHead) -> dict[str, object]:
    return {"log": LOG_NAME, "size": head.size, "root": head.root, "at": head.created_at.isoformat(),
            "key_fingerprint": head.key_fingerprint, "signed_head": head.signed()}


def _deliver(witness: Witness, head: TreeHead) -> str:
    """Send one head to one witness; return the channel's reference (Message-ID, HTTP status, path)."""
    message = witness_message(head)
    text = json.dumps(message, ensure_ascii=False, indent=1)
    if witness.kind == "directory":
        target = Path(witness.target, f"head-{head.size:012d}.json")
        content = json.dumps(head.signed(), ensure_ascii=False, indent=1)
        try:
            with open(target, "x", encoding="utf-8") as handle:  # never overwrite what a witness holds
                handle.write(content)
        except FileExistsError:
            if target.read_text(encoding="utf-8") != content:
                raise RuntimeError(f"{target} holds another head of size {head.size}: the log was forked") from None
        return str(target)
    if witness.kind == "webhook":
        request = urllib.request.Request(witness.target, data=text.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return f"HTTP {answer.status}"
    settings = mailer.settings_from(current_app.config)
    if settings is None:
        raise RuntimeError("SMTP is not configured")
    subject = f"证据日志签名树头 Evidence log signed tree head: size {head.size}"
    body = ("请保存本邮件。It records the state of the employer's evidence log; keep it.\n"
            f"Size: {head.size}\nRoot: {head.root}\nKey fingerprint: {head.key_fingerprint}\n\n{text}\n")
    return mailer.send(settings, mailer.compose(settings, witness.target, subject, body))


def _deliver_heads(result: PublishResult) -> None:
    """Every head to every active witness that lacks it (heads since the witness was added, and the latest)."""
    latest = latest_head()
    for witness in db.session.execute(sa.select(Witness).where(Witness.active.is_(True)).order_by(Witness.id)).scalars():
        delivered = sa.select(HeadDelivery.head_id).where(HeadDelivery.witness_id == witness.id, HeadDelivery.ok.is_(True))
        heads = db.session.execute(sa.select(TreeHead).where(
            sa.or_(TreeHead.created_at >= witness.added_at, TreeHead.id == (latest.id if latest else -1)),
            TreeHead.id.not_in(delivered)).order_by(TreeHead.size)).scalars().all()
        for head in heads:
            try:
                reference, ok = _deliver(witness, head), True
            except Exception as error:  # noqa: BLE001 - recorded, retried by the next run
                reference, ok = f"failed: {error}"[:300], False
                result.failures.append(f"head {head.size} to {witness.label}: {error}")
            db.session.add(HeadDelivery(head_id=head.id, witness_id=witness.id, at=utcnow(), ok=ok, reference=reference))
            db.session.commit()  # each delivery is recorded as soon as it happened
            hold_publisher_lock()
            result.delivered += ok


def publish(now: datetime | None = None) -> PublishResult:
    """Log new events, sign a head, timestamp it, send it to the witnesses (``flask evidence publish``)."""
    result = PublishResult()
    hold_publisher_lock()
    result.logged = log_new_events()
    result.head = _new_head(now or utcnow())
    db.session.commit()
    hold_publisher_lock()
    _timestamp_heads(result)
    db.session.commit()
    hold_publisher_lock()
    _deliver_heads(result)
    db.session.commit()
    for failure in result.failures:
        log.warning("evidence publication: %s", failure)
    return result


def published_heads(up_to_size: int | None = None) -> list[TreeHead]:
    """Heads that at least one witness received, oldest first."""
    stmt = sa.select(TreeHead).where(sa.exists().where(HeadDelivery.head_id == TreeHead.id, HeadDelivery.ok.is_(True)))
    if up_to_size is not None:
        stmt = stmt.where(TreeHead.size <= up_to_size)
    return list(db.session.execute(stmt.order_by(TreeHead.size)).scalars())


def published_sizes(sizes: Iterable[int]) -> set[int]:
    """Which of these tree sizes have a head that at least one witness received (a page asks about
    the heads it shows, not every head published hourly since the log began)."""
    wanted = sorted(set(sizes))
    if not wanted:
        return set()
    return set(db.session.execute(sa.select(TreeHead.size).where(
        TreeHead.size.in_(wanted),
        sa.exists().where(HeadDelivery.head_id == TreeHead.id, HeadDelivery.ok.is_(True)))).scalars())


def next_publication(now: datetime) -> datetime:
    """Publication runs hourly, on the hour (UTC)."""
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
