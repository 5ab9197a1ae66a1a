#!/usr/bin/env python3
"""Verify an evidence pack from the injury portal, offline, with the Python standard library only.

Usage:
  python3 verify_pack.py [PACK_FOLDER_OR_ZIP]                 (default: the folder this file is in)
  python3 verify_pack.py PACK --head HEAD.json               a signed tree head you obtained yourself
  python3 verify_pack.py PACK --root HEX --size N            or its root and size, typed in
  python3 verify_pack.py PACK --key FINGERPRINT              insist on the employer's published key

What it checks (and prints what it could not check):
 1. every file is listed in manifest.json with its SHA-256, none is missing or added, and
    manifest.json carries the portal's Ed25519 signature (manifest.sig);
 2. events.jsonl is the employee's unbroken hash chain from its first event, which binds the
    employee's number and name hash; times never go backwards;
 3. every event up to the latest published signed tree head is in the portal's Merkle log
    (RFC 6962 inclusion proof), and every earlier published head is consistent with it
    (RFC 6962 consistency proof), so nothing was rewritten or removed since it was published;
    events after that head are listed as "not yet anchored";
 4. each signed tree head's Ed25519 signature, and its RFC 3161 timestamp with `openssl ts -verify`;
 5. events.csv and report.html say what events.jsonl says (same events, same hashes; the report
    lists every event unless the pack was narrowed to a course, notice or dates);
 6. every text shown (content/<sha256>.json) and scan (scans/<sha256>.*) has the recorded SHA-256;
    a scan may be absent only when a later event in the chain records its purge (retention rule).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

GENESIS = "0" * 64
LOG_NAME = "injury-portal evidence log"


class PackError(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- RFC 6962 / RFC 9162 Merkle proofs ------------------------------------------------------------

def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def log_leaf(chain: str, seq: int, event_hash: str) -> bytes:
    """What the log holds for one event: its chain, position in the chain and hash."""
    return f"{chain}\n{seq}\n{event_hash}".encode()


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``leaf`` (a leaf hash) sit at ``index`` of the tree with ``root``?"""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not (fn & 1 or fn == 0):
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, path: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of size ``second`` an append-only extension of ``first``?"""
    if first > second or first < 0:
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not (fn & 1 or fn == 0):
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


# --- Ed25519 signature verification (RFC 8032 §5.1.7), pure Python ---------------------------------

_P = 2**255 - 19
_Q = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _point(data: bytes) -> tuple[int, int, int, int] | None:
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


def _add(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa, bb = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    cc, dd = t1 * 2 * _D * t2 % _P, z1 * 2 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return e * f % _P, g * h % _P, f * g % _P, e * h % _P


def _multiply(scalar: int, point: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point, scalar = _add(point, point), scalar >> 1
    return result


_G = (lambda y: (_recover_x(y, 0), y, 1, _recover_x(y, 0) * y % _P))(4 * pow(5, _P - 2, _P) % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _point(public_key), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _Q
    left, right = _multiply(s, _G), _add(r, _multiply(h, a))
    return (left[0] * right[2] - right[0] * left[2]) % _P == 0 and (left[1] * right[2] - right[1] * left[2]) % _P == 0


def key_fingerprint(public_key: bytes) -> str:
    """How people compare keys: SHA-256 of the raw public key, in groups of four."""
    digest = sha256(public_key)[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


# --- Signed tree heads -----------------------------------------------------------------------------

def check_head(head: dict, name: str) -> dict:
    """A signed tree head: {"body": canonical JSON text, "signature": hex, "public_key": hex}."""
    body = json.loads(head["body"])
    if body.get("log") != LOG_NAME:
        raise PackError(f"{name}: it is not a head of the portal's evidence log")
    if not ed25519_verify(bytes.fromhex(head["public_key"]), head["body"].encode(), bytes.fromhex(head["signature"])):
        raise PackError(f"{name}: its Ed25519 signature does not hold (the head was changed or not signed by this key)")
    if body["key"] != key_fingerprint(bytes.fromhex(head["public_key"])):
        raise PackError(f"{name}: it names another signing key than the one it carries")
    return body


def openssl_command(data: str, token: str, ca: str) -> list[str]:
    return ["openssl", "ts", "-verify", "-data", data, "-in", token, "-CAfile", ca]


def check_timestamp(files: dict[str, bytes], name: str) -> str:
    """Verify heads/<size>.tsr over heads/<size>.body with openssl, or say exactly how to."""
    token, data = f"{name}.tsr", f"{name}.body"
    if token not in files:
        return f"{name}: no RFC 3161 timestamp (not checked)"
    if "tsa-ca.pem" not in files:
        return f"{name}: timestamp present, TSA certificate missing (not checked)"
    command = openssl_command(data, token, "tsa-ca.pem")
    if shutil.which("openssl") is None:
        return f"{name}: RFC 3161 timestamp NOT CHECKED (openssl is missing); run in the pack folder: {' '.join(command)}"
    with tempfile.TemporaryDirectory() as folder:
        for file in (token, data, "tsa-ca.pem"):
            target = Path(folder, file)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[file])
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or "Verification: OK" not in result.stdout:
        raise PackError(f"{token}: the RFC 3161 timestamp does not verify ({(result.stdout + result.stderr).strip()[:200]})")
    return f"{name}: RFC 3161 timestamp verified with openssl"


# --- The pack --------------------------------------------------------------------------------------

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


def _check_files(files: dict[str, bytes], key: str | None) -> tuple[dict, bytes]:
    for name in ("manifest.json", "manifest.sig"):
        if name not in files:
            raise PackError(f"{name} is missing")
    try:
        manifest = json.loads(files["manifest.json"])
        public_key = bytes.fromhex(manifest["public_key"])
    except (ValueError, KeyError, TypeError):
        raise PackError("manifest.json was changed: it is no longer a readable manifest") from None
    if not re.fullmatch(rb"[0-9a-f]{128}\n", files["manifest.sig"]):
        raise PackError("manifest.sig was changed: it is not one signature in lowercase hexadecimal")
    signature = bytes.fromhex(files["manifest.sig"].decode())
    if not ed25519_verify(public_key, files["manifest.json"], signature):
        raise PackError("manifest.json or manifest.sig was changed: the portal's signature does not hold")
    if key and key_fingerprint(public_key).replace(" ", "") != key.replace(" ", "").lower():
        raise PackError(f"manifest.json: signed with key {key_fingerprint(public_key)}, not the key you gave")
    listed = manifest["files"]
    for name, digest in sorted(listed.items()):
        if name not in files:
            raise PackError(f"{name} is missing")
        if sha256(files[name]) != digest:
            raise PackError(f"{name} was changed: its SHA-256 differs from the manifest")
    extra = sorted(set(files) - set(listed) - {"manifest.json", "manifest.sig"})
    if extra:
        raise PackError(f"{extra[0]} was added: it is not in the manifest")
    return manifest, public_key


def _check_chain(files: dict[str, bytes], manifest: dict) -> list[dict]:
    previous, expected_seq, last_at, records = GENESIS, 1, "", []
    scans: dict[str, str] = {}  # digest -> where the chain records it
    purged: set[str] = set()  # digests a later event says were purged under the retention rule
    for number, line in enumerate(files["events.jsonl"].decode().splitlines(), start=1):
        where = f"events.jsonl line {number}"
        record = json.loads(line)
        body = record["body"]
        data = json.loads(body)
        if data["seq"] != expected_seq or record["seq"] != expected_seq:
            raise PackError(f"{where}: event #{expected_seq} is missing or out of order")
        if record["prev_hash"] != previous:
            raise PackError(f"{where} (event #{data['seq']}): its link to the previous event is broken")
        if sha256(f"{previous}\n{body}".encode()) != record["hash"]:
            raise PackError(f"{where} (event #{data['seq']}): it was changed (hash mismatch)")
        if data["chain"] != manifest["chain"]:
            raise PackError(f"{where}: the event belongs to another chain")
        if data["at"] < last_at:
            raise PackError(f"{where} (event #{data['seq']}): its time {data['at']} is before the previous event's "
                            f"{last_at} (back-dated)")
        content = data.get("content") or {}
        if content.get("sha256") and f"content/{content['sha256']}.json" not in files:
            raise PackError(f"{where}: the text it refers to (content/{content['sha256']}.json) is missing")
        payload = data.get("payload") or {}
        if payload.get("scan_sha256"):
            scans[payload["scan_sha256"]] = where
        if data["type"] == "scan_purged":
            purged.add(payload.get("purged_sha256"))
        previous, expected_seq, last_at = record["hash"], expected_seq + 1, data["at"]
        records.append({**record, "data": data})
    if not records:
        raise PackError("events.jsonl holds no event")
    for scan, where in scans.items():
        if scan not in purged and not any(n.startswith(f"scans/{scan}") for n in files):
            raise PackError(f"{where}: the paper receipt scan it refers to is missing")
    head = manifest["head"]
    if head["seq"] != records[-1]["seq"] or head["hash"] != previous:
        raise PackError("events.jsonl: its last event is not the chain head that manifest.json names (events removed)")
    for name, data in files.items():
        if name.startswith(("content/", "scans/")):
            stem = name.split("/", 1)[1].split(".", 1)[0]
            if sha256(data) != stem:
                raise PackError(f"{name} was changed: its SHA-256 is not the one the events recorded")
    return records


def _check_identity(records: list[dict], manifest: dict) -> str:
    first = records[0]["data"]
    identity = manifest["employee"]
    if first["type"] != "chain_opened":
        bound = [r["data"] for r in records if r["data"]["type"] == "chain_opened"]
        if not bound:
            raise PackError("events.jsonl: no event binds the employee's identity to this chain")
        first = bound[0]
    payload = first["payload"]
    if payload.get("employee_number") != identity["number"] or payload.get("name_sha256") != identity["name_sha256"]:
        raise PackError(f"manifest.json: the employee {identity['number']} is not the one bound into the chain "
                        f"(event #{first['seq']} names {payload.get('employee_number')})")
    if sha256(f"{identity['number']}\n{identity['name']}".encode()) != identity["name_sha256"]:
        raise PackError("manifest.json: the employee's name does not match the name hash bound into the chain")
    return f"identity {identity['number']} bound at event #{first['seq']}"


def _check_log(files: dict[str, bytes], manifest: dict, records: list[dict]) -> tuple[dict | None, list[str]]:
    """Inclusion of every anchored event in the latest published head; consistency of earlier heads."""
    proofs = json.loads(files["proofs.json"])
    notes = []
    heads = {}
    for size in proofs["heads"]:
        name = f"heads/{size}"
        if f"{name}.json" not in files:
            raise PackError(f"{name}.json is missing")
        head = json.loads(files[f"{name}.json"])
        if files.get(f"{name}.body", b"").decode() != head["body"]:
            raise PackError(f"{name}.body differs from the head in {name}.json")
        body = check_head(head, f"{name}.json")
        if body["size"] != size:
            raise PackError(f"{name}.json: its size is {body['size']}, not {size}")
        if body["key"] != key_fingerprint(bytes.fromhex(manifest["public_key"])):
            notes.append(f"{name}: signed with key {body['key']} (an earlier key)")
        heads[size] = body
    ordered = sorted(heads.values(), key=lambda b: b["size"])
    for earlier, later in zip(ordered, ordered[1:]):
        if later["at"] < earlier["at"]:
            raise PackError(f"heads/{later['size']}.json: its time is before the head of size {earlier['size']}")
    latest = ordered[-1] if ordered else None
    anchored = manifest["anchored_through"]
    if latest is None:
        if anchored or proofs["latest"] is not None:
            raise PackError("manifest.json names anchored events but the pack carries no published head")
        if manifest["not_yet_anchored"] != [r["seq"] for r in records]:
            raise PackError("manifest.json: with no published head, every event must be listed as not yet anchored")
        return None, notes + ["log: no published head yet (not checked): every event is not yet anchored"]
    if proofs["latest"] != latest["size"]:
        raise PackError("proofs.json: its latest head is not the newest head in heads/")
    notes.append(check_timestamp(files, f"heads/{latest['size']}"))
    root = bytes.fromhex(latest["root"])
    for size, body in heads.items():
        if size == latest["size"]:
            continue
        path = [bytes.fromhex(h) for h in proofs["consistency"].get(str(size), [])]
        if not verify_consistency(size, latest["size"], bytes.fromhex(body["root"]), root, path):
            raise PackError(f"proofs.json: the head of size {size} is not consistent with the head of size "
                            f"{latest['size']} (the log was rewritten between them)")
    for record in records:
        index = record.get("log_index")
        seq = record["seq"]
        if seq > anchored:
            continue
        if index is None or index >= latest["size"]:
            raise PackError(f"events.jsonl: event #{seq} is said to be anchored but has no place in the log")
        path = [bytes.fromhex(h) for h in proofs["inclusion"].get(str(seq), [])]
        leaf = leaf_hash(log_leaf(manifest["chain"], seq, record["hash"]))
        if not verify_inclusion(leaf, index, latest["size"], path, root):
            raise PackError(f"proofs.json: event #{seq} is not in the published log at position {index} "
                            f"(it was changed or added after publication)")
    pending = [r["seq"] for r in records if r["seq"] > anchored]
    if pending != manifest["not_yet_anchored"]:
        raise PackError("manifest.json: its list of events not yet anchored is not the chain's last events")
    return latest, notes


def _check_reports(files: dict[str, bytes], manifest: dict, records: list[dict]) -> None:
    rows = list(csv.DictReader(io.StringIO(files["events.csv"].decode("utf-8-sig"))))
    if len(rows) != len(records):
        raise PackError(f"events.csv: {len(rows)} rows for {len(records)} events")
    for row, record in zip(rows, records):
        if (row["seq"].lstrip("'"), row["hash"].lstrip("'"), row["type"].lstrip("'")) != (
                str(record["seq"]), record["hash"], record["data"]["type"]):
            raise PackError(f"events.csv: the row for event #{record['seq']} does not say what events.jsonl says")
    rows = dict(re.findall(r'data-event="(\d+):([0-9a-f]{64})"', files["report.html"].decode()))
    for seq, digest in rows.items():
        if not 0 < int(seq) <= len(records) or records[int(seq) - 1]["hash"] != digest:
            raise PackError(f"report.html: the row for event #{seq} does not say what events.jsonl says")
    if not any(manifest["scope"].values()):
        for record in records:
            if str(record["seq"]) not in rows:
                raise PackError(f"report.html: event #{record['seq']} ({record['hash'][:12]}…) is missing from the report")


def _check_independent_head(given: dict, latest: dict | None, files: dict[str, bytes]) -> str:
    """A head the reader obtained elsewhere (a witness, the union): the pack must agree with it."""
    proofs = json.loads(files["proofs.json"])
    if latest is None:
        raise PackError("the pack carries no published head to compare with the head you gave")
    if given["size"] > latest["size"]:
        raise PackError(f"the head you gave (size {given['size']}) is newer than the pack's latest head "
                        f"(size {latest['size']}): the pack was cut back to an older head or is out of date")
    if given["size"] == latest["size"]:
        if given["root"] != latest["root"]:
            raise PackError("the head you gave has the same size but another root: the log was forked or rewritten")
    else:
        path = [bytes.fromhex(h) for h in proofs["consistency"].get(str(given["size"]), [])]
        if not verify_consistency(given["size"], latest["size"], bytes.fromhex(given["root"]),
                                  bytes.fromhex(latest["root"]), path):
            raise PackError(f"the head you gave (size {given['size']}) is not consistent with the pack's head "
                            f"(size {latest['size']}): the log was rewritten after that head")
    return f"consistent with the head you gave (size {given['size']}, root {given['root']})"


def verify(files: dict[str, bytes], given_head: dict | None = None, key: str | None = None) -> list[str]:
    """Raise PackError naming the first problem; return what was checked and what was not."""
    manifest, public_key = _check_files(files, key)
    records = _check_chain(files, manifest)
    identity = _check_identity(records, manifest)
    latest, notes = _check_log(files, manifest, records)
    _check_reports(files, manifest, records)
    lines = [
        f"files: {len(manifest['files'])} files match the signed manifest (key {key_fingerprint(public_key)})",
        f"chain: {len(records)} events, unbroken, times never go backwards; {identity}",
        "reports: events.csv and report.html list exactly these events",
    ]
    if latest is not None:
        lines.append(f"log: events #1–#{manifest['anchored_through']} are in the published log of size "
                     f"{latest['size']} (root {latest['root']}, {latest['at']}); "
                     f"{len(json.loads(files['proofs.json'])['heads']) - 1} earlier heads consistent with it")
    pending = manifest["not_yet_anchored"]
    if pending:
        lines.append(f"NOT YET ANCHORED: events #{pending[0]}–#{pending[-1]} came after the last published head; "
                     f"next publication {manifest.get('next_publication') or 'not scheduled'}")
    lines.extend(notes)
    if given_head is not None:
        lines.append(_check_independent_head(given_head, latest, files))
    else:
        lines.append("independent head: none given (give --head FILE or --root HEX --size N from a witness)")
    if key is None:
        lines.append(f"signing key: compare the fingerprint {key_fingerprint(public_key)} with the one the employer "
                     "published (or give --key)")
    return lines


def _given_head(argv: list[str]) -> dict | None:
    options = dict(zip(argv[::2], argv[1::2]))
    if "--head" in options:
        head = json.loads(Path(options["--head"]).read_text(encoding="utf-8"))
        return check_head(head, options["--head"]) if "signature" in head else head
    if "--root" in options and "--size" in options:
        return {"root": options["--root"].strip().lower(), "size": int(options["--size"])}
    return None


def main(argv: list[str]) -> int:
    args = argv[1:]
    location = Path(args.pop(0)) if args and not args[0].startswith("--") else Path(__file__).resolve().parent
    try:
        options = dict(zip(args[::2], args[1::2]))
        lines = verify(read_pack(location), _given_head(args), options.get("--key"))
    except (PackError, KeyError, ValueError, TypeError, UnicodeDecodeError, OSError) as error:
        reason = error if isinstance(error, PackError) else f"the pack is malformed ({type(error).__name__}: {error})"
        print(f"FAILED / 验证失败: {reason}")
        return 1
    unchecked = [line for line in lines if "NOT CHECKED" in line or "(not checked)" in line]
    if unchecked:
        print("NOT FULLY CHECKED / 未全部验证: nothing failed, but some checks could not run (see 'not checked')")
    else:
        print("OK / 验证通过")
    for line in lines:
        print(f" - {line}")
    return 2 if unchecked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
