#!/usr/bin/env python3
"""Verify an evidence pack from the injury portal, offline, with the Python standard library only.

Usage:  python3 verify_pack.py [PACK_FOLDER_OR_ZIP]      (default: the folder this file is in)

It checks, and names the first thing that does not hold:
 1. manifest.json is unchanged (its SHA-256 is in manifest.sha256);
 2. every file listed in the manifest is present and unchanged, and no file was added;
 3. events.jsonl is an unbroken hash chain: each event's hash is SHA-256 of the previous hash, a
    newline and the event's exact text, starting from 64 zeros;
 4. every text the employee was shown (content/<sha256>.json) and every scanned paper receipt
    (scans/<sha256>.*) has exactly the SHA-256 that the events recorded;
 5. the chain's last event is listed in checkpoint.json, whose own hash and Merkle root hold.
Compare the checkpoint's Merkle root printed at the end with a copy the employer printed or mailed
at the time (for example to the union representative): if they match, the records were not
rewritten afterwards.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

GENESIS = "0" * 64


class PackError(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def merkle_root(leaves: list[bytes]) -> str:
    """RFC 6962 Merkle tree hash (an odd node moves up unchanged)."""
    if not leaves:
        return sha256(b"")
    level = [hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]
    while len(level) > 1:
        paired = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def read_pack(location: Path) -> dict[str, bytes]:
    if location.is_file() and zipfile.is_zipfile(location):
        with zipfile.ZipFile(location) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            prefix = _common_prefix(names)
            return {name[len(prefix):]: archive.read(name) for name in names}
    return {str(p.relative_to(location)).replace("\\", "/"): p.read_bytes()
            for p in location.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def _common_prefix(names: list[str]) -> str:
    first = names[0].split("/")[0] + "/" if names and "/" in names[0] else ""
    return first if first and all(n.startswith(first) for n in names) else ""


def verify(files: dict[str, bytes]) -> str:
    """Raise PackError naming the first problem; return a summary when everything holds."""
    if "manifest.json" not in files or "manifest.sha256" not in files:
        raise PackError("manifest.json or manifest.sha256 is missing")
    if sha256(files["manifest.json"]) != files["manifest.sha256"].decode().split()[0]:
        raise PackError("manifest.json was changed: its SHA-256 differs from manifest.sha256")
    manifest = json.loads(files["manifest.json"])
    listed = manifest["files"]
    for name, digest in sorted(listed.items()):
        if name not in files:
            raise PackError(f"{name} is missing")
        if sha256(files[name]) != digest:
            raise PackError(f"{name} was changed: its SHA-256 differs from the manifest")
    extra = sorted(set(files) - set(listed) - {"manifest.json", "manifest.sha256"})
    if extra:
        raise PackError(f"{extra[0]} was added: it is not in the manifest")

    previous, expected_seq, last = GENESIS, 1, None
    for number, line in enumerate(files["events.jsonl"].decode().splitlines(), start=1):
        record = json.loads(line)
        body = record["body"]
        data = json.loads(body)
        if data["seq"] != expected_seq or record["seq"] != expected_seq:
            raise PackError(f"events.jsonl line {number}: event #{expected_seq} is missing")
        if record["prev_hash"] != previous:
            raise PackError(f"events.jsonl line {number} (event #{data['seq']}): its link to the previous event is broken")
        if sha256(f"{previous}\n{body}".encode()) != record["hash"]:
            raise PackError(f"events.jsonl line {number} (event #{data['seq']}): it was changed (hash mismatch)")
        if data["chain"] != manifest["chain"]:
            raise PackError(f"events.jsonl line {number}: the event belongs to another chain")
        content = data.get("content") or {}
        if content.get("sha256") and f"content/{content['sha256']}.json" not in files:
            raise PackError(f"event #{data['seq']}: the text it refers to (content/{content['sha256']}.json) is missing")
        scan = (data.get("payload") or {}).get("scan_sha256")
        if scan and not any(n.startswith(f"scans/{scan}") for n in files):
            raise PackError(f"event #{data['seq']}: the paper receipt scan it refers to is missing")
        previous, expected_seq, last = record["hash"], expected_seq + 1, data
    for name, data in files.items():
        if name.startswith(("content/", "scans/")):
            stem = name.split("/", 1)[1].split(".", 1)[0]
            if sha256(data) != stem:
                raise PackError(f"{name} was changed: its SHA-256 is not the one the events recorded")

    head = manifest["head"]
    if last is None or head["seq"] != last["seq"] or head["hash"] != previous:
        raise PackError("the last event of events.jsonl is not the head the manifest names")
    checkpoint = json.loads(files["checkpoint.json"])
    if sha256(checkpoint["body"].encode()) != checkpoint["hash"]:
        raise PackError("checkpoint.json was changed: its content does not match its hash")
    body = json.loads(checkpoint["body"])
    heads = [tuple(h) for h in body["heads"]]
    if merkle_root([f"{c}\n{s}\n{h}".encode() for c, s, h in heads]) != body["root"]:
        raise PackError("checkpoint.json: the Merkle root does not match the chain heads it lists")
    covered = dict(((c, s), h) for c, s, h in heads)
    if covered.get((manifest["chain"], head["seq"])) != head["hash"]:
        raise PackError("checkpoint.json does not list this chain's last event")
    if manifest["checkpoint"]["root"] != body["root"]:
        raise PackError("the manifest names another checkpoint")
    return (f"{expected_seq - 1} events, {sum(1 for n in files if n.startswith('content/'))} texts and "
            f"{sum(1 for n in files if n.startswith('scans/'))} scans verified.\n"
            f"Checkpoint {checkpoint['id']} of {body['at']}: Merkle root {body['root']}")


def main(argv: list[str]) -> int:
    location = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    try:
        summary = verify(read_pack(location))
    except (PackError, KeyError, ValueError, UnicodeDecodeError) as error:
        reason = error if isinstance(error, PackError) else f"the pack is malformed ({type(error).__name__}: {error})"
        print(f"FAILED / 验证失败: {reason}")
        return 1
    print("OK / 验证通过: " + summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
