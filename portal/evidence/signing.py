"""The portal's Ed25519 signing key: where it lives, its fingerprint, signing tree heads and packs.

Production keeps the private key in a file outside the database (``PORTAL_EVIDENCE_SIGNING_KEY_FILE``,
made by ``flask evidence key generate``), so someone who can rewrite the database still cannot sign.
Without that setting the portal makes a key under ``instance/`` (tests: one per process, in memory).
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from flask import current_app

from portal.evidence.verify_pack import key_fingerprint


log = logging.getLogger(__name__)


class SigningKeyError(RuntimeError):
    pass


def generate_key_file(path: Path) -> str:
    """Write a new private key (mode 0600, never overwriting) and return its fingerprint."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key_fingerprint(public_bytes(key))


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Ed25519PrivateKey:
    key = load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} does not hold an Ed25519 private key")
    return key


@lru_cache(maxsize=1)
def _test_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def signing_key() -> Ed25519PrivateKey:
    configured = current_app.config.get("EVIDENCE_SIGNING_KEY_FILE")
    if configured:
        return _load(configured, os.path.getmtime(configured))
    if current_app.testing:
        return _test_key()
    path = Path(current_app.instance_path, "evidence-signing-key.pem")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fingerprint = generate_key_file(path)
        log.warning("PORTAL_EVIDENCE_SIGNING_KEY_FILE is not set: created %s (fingerprint %s); production should "
                    "keep its key outside the application folder", path, fingerprint)
    return _load(str(path), os.path.getmtime(path))


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_hex() -> str:
    return public_bytes(signing_key()).hex()


def fingerprint() -> str:
    return key_fingerprint(public_bytes(signing_key()))


def sign(message: bytes) -> tuple[str, str, str]:
    """(signature hex, public key hex, fingerprint) for ``message``."""
    key = signing_key()
    public = public_bytes(key)
    return key.sign(message).hex(), public.hex(), key_fingerprint(public)
