"""Evidence packs: content, offline verification, tampering, the PDF, paper receipts, access."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest

from portal.core.types import utcnow
from portal.demo.operations import walk_through_course
from portal.evidence.chain import link_hash
from portal.evidence.ledger import SYSTEM, append_event
from portal.evidence.log import publish
from portal.evidence.models import EvidenceEvent, PackRequest, PaperReceipt, TreeHead
from portal.evidence.signing import sign
from portal.extensions import db
from tests.conftest import assign_course, csrf_token, login, post_form

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\r\xefF\xb8\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def journey(world, courses):
    return walk_through_course(assign_course(courses["injury-basics"], world.worker), world.user("worker").id)


@pytest.fixture
def published(journey, witness_dir):
    """The journey is in the log, and a signed, timestamped head went to a witness."""
    return publish().head


@pytest.fixture
def notice(world, journey):
    """HR pushes a notice to the worker, who opens and acknowledges it."""
    from portal.evidence.ledger import SYSTEM
    from portal.notices import rules
    from portal.notices.operations import acknowledge_notice, open_notice, push_notice, save_notice, shanghai_date

    version, _created = save_notice(None, {"zh_CN": "工伤报告须知", "en": "Reporting an injury"},
                                    {"zh_CN": "受伤后立即报告（第十七条）。", "en": "Report at once (Art. 17)."},
                                    world.user("hr").id, SYSTEM)
    (delivery,) = push_notice(version, [world.worker], rules.due_date(shanghai_date()), world.user("hr").id, SYSTEM)
    db.session.commit()
    user_id = world.user("worker").id
    open_notice(delivery, "zh_CN", user_id, SYSTEM)
    db.session.commit()
    record = acknowledge_notice(delivery, "李强", "zh_CN", user_id, SYSTEM)
    db.session.commit()
    return record


def download(client, employee_id: int, data: dict | None = None) -> bytes:
    """As a user does: ask for the pack, follow to its page, download it when ready."""
    response = post_form(client, f"/evidence/employees/{employee_id}/packs", data or {})
    assert response.status_code == 303, response.status_code
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/evidence/packs/\d+/download)"', page)
    assert link, page
    archive = client.get(link.group(1))
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    assert archive.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in archive.headers["Cache-Control"] and archive.headers["X-Content-Type-Options"] == "nosniff"
    return archive.get_data()


def unpack(data: bytes, target: Path) -> Path:
    target = target / "unpacked"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(target)
    (folder,) = list(target.iterdir())
    return folder


def run_verifier(folder: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    """As a lawyer would: the pack's own script, a plain Python, no portal on the path."""
    return subprocess.run([sys.executable, "-I", str(folder / "verify_pack.py"), *args], capture_output=True,
                          text=True, cwd=folder, timeout=60, env=env)


def resign(folder: Path) -> None:
    """What the employer could do with its own key: rebuild the manifest and sign it again."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                         for p in folder.rglob("*") if p.is_file() and p.name not in ("manifest.json", "manifest.sig")}
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    (folder / "manifest.json").write_bytes(data)
    (folder / "manifest.sig").write_text(sign(data)[0] + "\n")


def test_pack_holds_proofs_and_verifies_offline_with_the_tsa_token(client, world, journey, notice, witness_dir,
                                                                  tmp_path):
    """A course journey plus a notice, published: every event is proven in the signed, timestamped log."""
    head = publish().head
    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    names = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert {"report.html", "report.pdf", "exhibits.html", "exhibits.pdf", "events.jsonl", "events.csv",
            "manifest.json", "manifest.sig", "proofs.json", f"heads/{head.size}.json", f"heads/{head.size}.tsr",
            "tsa-ca.pem", "verify_pack.py", f"content/{journey.content_sha256}.json",
            f"content/{notice.content_sha256}.json"} <= names
    result = run_verifier(folder)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK")
    assert "RFC 3161 timestamp verified with openssl" in result.stdout
    assert f"in the published log of size {head.size}" in result.stdout
    events = (folder / "events.jsonl").read_text().splitlines()
    assert len(events) == db.session.query(EvidenceEvent).filter_by(employee_id=world.worker.id).count()
    report = (folder / "report.html").read_text()
    assert journey.receipt_number in report and journey.content_sha256 in report and "python3 verify_pack.py" in report
    assert notice.receipt_number in report and "受伤后立即报告" in report
    exhibits = (folder / "exhibits.html").read_text()
    assert "证明目的" in exhibits and "证明员工确认已阅读并理解该内容" in exhibits and journey.event_hash in exhibits


def test_a_pack_names_no_other_employee_says_what_was_recorded_and_mints_no_head(client, world, journey, witness_dir,
                                                                                 tmp_path):
    append_event("course_assigned", employee_id=world.outsider.id, actor_user_id=None, origin=SYSTEM)
    append_event("share_entry_recorded", employee_id=world.worker.id, actor_user_id=world.user("hr").id,
                 origin=SYSTEM, payload={"case": 1, "kind": "refund", "amount": "1200.00", "year": 2026, "month": 10})
    db.session.commit()
    publish()
    append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM, payload={"lesson": 9})
    db.session.commit()
    heads = db.session.query(TreeHead).count()
    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    assert db.session.query(TreeHead).count() == heads
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".pdf":
            text = path.read_bytes()
            assert f"employee:{world.outsider.id}".encode() not in text, path
            assert world.outsider.number.encode() not in text and world.outsider.name.encode() not in text, path
    manifest = json.loads((folder / "manifest.json").read_text())
    last = len((folder / "events.jsonl").read_text().splitlines())
    assert manifest["not_yet_anchored"] == [last] and manifest["next_publication"]
    result = run_verifier(folder)
    assert result.returncode == 0 and f"NOT YET ANCHORED: events #{last}–#{last}" in result.stdout
    report = (folder / "report.html").read_text()
    assert "尚未锚定" in report
    assert "金额（元） amount (yuan): 1200.00" in report and "月 month: 10" in report
    assert f"操作人 acted by: {world.user('hr').username}" in report
    assert "工伤基础与报告流程" in report  # the course's title next to its hash
    text = "".join(page.extract_text() for page in pypdf.PdfReader(folder / "report.pdf").pages)
    compact = "".join(text.split())
    assert "证据包" in compact and "李强" in compact and "1200.00" in compact
    assert f"操作人actedby:{world.user('hr').username}" in compact
    for record in map(json.loads, (folder / "events.jsonl").read_text().splitlines()):  # every event is printed
        assert f"#{record['seq']}" in compact and record["hash"] in compact
    exhibits = "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(folder / "exhibits.pdf").pages)
    assert "证据目录" in exhibits and "证明目的" in exhibits


def copy_of(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target)
    return target


def rewrite_chain(folder: Path) -> None:
    """The employer changes an event, rehashes the whole chain and names the new head."""
    lines = [json.loads(line) for line in (folder / "events.jsonl").read_text().splitlines()]
    previous = "0" * 64
    for record in lines:
        record["body"] = record["body"].replace('"channel":"demo"', '"channel":"dem0"')
        record["prev_hash"], record["hash"] = previous, link_hash(previous, record["body"])
        previous = record["hash"]
    (folder / "events.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines))
    set_manifest(folder, head={"seq": lines[-1]["seq"], "hash": previous})


def append_back_dated(folder: Path) -> None:
    lines = (folder / "events.jsonl").read_text().splitlines()
    last = json.loads(lines[-1])
    body = json.loads(last["body"])
    body.update(seq=last["seq"] + 1, type="course_acknowledged", at="2020-01-01T00:00:00.000000Z")
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    forged = {"seq": last["seq"] + 1, "prev_hash": last["hash"], "hash": link_hash(last["hash"], text), "body": text,
              "log_index": None}
    (folder / "events.jsonl").write_text("\n".join(lines + [json.dumps(forged, ensure_ascii=False)]) + "\n")
    set_manifest(folder, head={"seq": forged["seq"], "hash": forged["hash"]})


def set_manifest(folder: Path, **changes) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def edit_text(name: str, edit):
    def change(folder: Path) -> None:
        path = folder / name
        path.write_text(edit(path.read_text(encoding="utf-8-sig")), encoding="utf-8")
    return change


def flip_middle_byte(name: str):
    def change(folder: Path) -> None:
        path = folder / name
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    return change


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_attack_on_a_real_pack_is_named(client, world, journey, published, tmp_path):
    """Each attack from the field, on a copy of one real pack; the employer re-signs where it could."""
    login(client, "hr")
    zipped = tmp_path / "pack.zip"
    zipped.write_bytes(download(client, world.worker.id))
    folder = unpack(zipped.read_bytes(), tmp_path)
    direct = subprocess.run([sys.executable, "-I", str(folder / "verify_pack.py"), str(zipped)], capture_output=True,
                            text=True, timeout=60)
    assert direct.returncode == 0 and direct.stdout.startswith("OK"), direct.stdout
    outsider = {"number": world.outsider.number, "name": world.outsider.name,
                "name_sha256": hashlib.sha256(f"{world.outsider.number}\n{world.outsider.name}".encode()).hexdigest()}
    content = f"content/{journey.content_sha256}.json"
    attacks = [
        (rewrite_chain, True, "is not in the published log"),
        (append_back_dated, True, "back-dated"),
        (lambda f: set_manifest(f, employee=outsider), True,
         f"the employee {world.outsider.number} is not the one bound into the chain"),
        (edit_text("events.csv", lambda t: t.replace(",course_acknowledged,", ",course_assigned,", 1)), True,
         "events.csv: the row for event"),
        (edit_text("report.html", lambda t: re.sub(r'data-event="1:[0-9a-f]{64}"', 'data-event="1:' + "0" * 64 + '"', t)),
         True, "report.html: the row for event #1"),
        (edit_text("report.html", lambda t: re.sub(r'data-event="1:', 'data-x="1:', t)), True,
         "report.html: event #1"),
        (flip_middle_byte("events.jsonl"), False, "events.jsonl was changed"),
        (flip_middle_byte(content), False, f"{content} was changed"),
        (flip_middle_byte("manifest.json"), False, "manifest.json"),
        (flip_middle_byte("report.pdf"), False, "report.pdf was changed"),
        (flip_middle_byte("exhibits.pdf"), False, "exhibits.pdf was changed"),
    ]
    for n, (attack, re_signed, expected) in enumerate(attacks):
        target = copy_of(folder, tmp_path / f"attack-{n}")
        attack(target)
        if re_signed:
            resign(target)
        result = run_verifier(target)
        assert result.returncode == 1 and expected in result.stdout, (n, result.stdout)
    without = run_verifier(folder, env={"PATH": str(tmp_path / "empty")})
    assert without.returncode == 2 and not without.stdout.startswith("OK")
    assert "NOT CHECKED (openssl is missing)" in without.stdout
    size = published.size
    assert f"openssl ts -verify -data heads/{size}.body -in heads/{size}.tsr -CAfile tsa-ca.pem" in without.stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_mutation_of_every_file_fails_naming_the_file(client, world, journey, published, tmp_path):
    """Property: bytes changed, lines dropped or swapped, files removed or added: each fails, naming the file."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from portal.evidence.verify_pack import PackError, read_pack, verify

    login(client, "hr")
    files = read_pack(unpack(download(client, world.worker.id), tmp_path))
    names = sorted(files)

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.sampled_from(names), st.sampled_from(["flip", "drop_line", "swap_lines", "remove", "add", "truncate"]),
           st.integers(min_value=0))
    def mutated_pack_fails(name, kind, where):
        changed = dict(files)
        data = files[name]
        lines = data.split(b"\n")
        if kind == "flip":
            changed[name] = data[:where % len(data)] + bytes([data[where % len(data)] ^ 0x20]) + data[where % len(data) + 1:]
        elif kind == "drop_line" and len(lines) > 1:
            del lines[where % len(lines)]
            changed[name] = b"\n".join(lines)
        elif kind == "swap_lines" and len(set(lines)) > 1:
            i = where % (len(lines) - 1)
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
            changed[name] = b"\n".join(lines)
        elif kind == "truncate":
            changed[name] = data[:where % len(data)]
        elif kind == "remove":
            del changed[name]
        else:
            name = f"extra/{name}"
            changed[name] = b"anything"
        if changed == files:
            return
        with pytest.raises(PackError) as failure:
            verify(changed)
        assert name in str(failure.value) or (name == "manifest.sig" and "manifest.json or manifest.sig" in str(failure.value))

    mutated_pack_fails()
    for name in names:  # and every file, every kind of change, every JSON field, without sampling
        for kind in ("flip", "drop_line", "swap_lines", "remove", "add", "truncate"):
            mutated_pack_fails.hypothesis.inner_test(name, kind, len(files[name]) // 2)
        for changed in json_field_mutations(name, files[name]) if name.endswith((".json", ".jsonl")) else ():
            with pytest.raises(PackError) as failure:
                verify({**files, name: changed})
            assert name in str(failure.value), (name, str(failure.value))


def json_field_mutations(name: str, data: bytes):
    """The file with one JSON field (at any depth, on any line of a .jsonl) given another value, field by field."""
    lines = data.decode().split("\n") if name.endswith(".jsonl") else [data.decode()]

    def leaves(node, trail=()):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, (dict, list)):
                yield from leaves(value, trail + (key,))
            else:
                yield trail + (key,), value

    for number, line in enumerate(lines):
        if not line.strip():
            continue
        for path, value in list(leaves(json.loads(line))):
            copy = json.loads(line)
            target = copy
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = "changed" if value != "changed" else "other"
            text = json.dumps(copy, ensure_ascii=False, indent=1 if len(lines) == 1 else None, sort_keys=True)
            yield "\n".join(lines[:number] + [text] + lines[number + 1:]).encode()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_pack_cut_back_to_an_older_published_head_is_named(client, world, published, witness_dir, tmp_path):
    """An old but real pack: a head the reader got from the witness shows it is out of date."""
    login(client, "hr")
    old = unpack(download(client, world.worker.id), tmp_path / "old")
    append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM, payload={"lesson": 7})
    db.session.commit()
    newer = publish().head
    witness_head = witness_dir / f"head-{newer.size:012d}.json"
    result = run_verifier(old, "--head", str(witness_head))
    assert result.returncode == 1 and "cut back to an older head" in result.stdout
    fresh = unpack(download(client, world.worker.id), tmp_path / "new")
    older_head = witness_dir / f"head-{published.size:012d}.json"
    agreed = run_verifier(fresh, "--head", str(older_head))
    assert agreed.returncode == 0 and f"consistent with the head you gave (size {published.size}" in agreed.stdout
    typed = run_verifier(fresh, "--root", "ab" * 32, "--size", str(published.size))
    assert typed.returncode == 1 and "not consistent" in typed.stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_scope_narrows_the_report_not_the_chain(client, world, published, tmp_path):
    login(client, "hr")
    folder = unpack(download(client, world.worker.id, {"content": "course:injury-basics", "from": "2000-01-01"}),
                    tmp_path)
    assert run_verifier(folder).returncode == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scope"] == {"content": "course:injury-basics", "since": "2000-01-01", "until": None}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_exhibit_list_for_a_case_lists_its_steps(client, world, journey, witness_dir, tmp_path):
    hr = world.user("hr").id
    opened = append_event("case_opened", employee_id=world.worker.id, actor_user_id=hr, origin=SYSTEM,
                          payload={"case": 7, "fields": {"decision_number": "深人社认字〔2026〕118号", "grade": 9}})
    other = append_event("case_opened", employee_id=world.worker.id, actor_user_id=hr, origin=SYSTEM,
                         payload={"case": 71, "fields": {}})
    db.session.commit()
    publish()
    login(client, "hr")
    assert "case:7" in client.get(f"/evidence/employees/{world.worker.id}").get_data(as_text=True)
    folder = unpack(download(client, world.worker.id, {"content": "case:7"}), tmp_path)
    exhibits = (folder / "exhibits.html").read_text()
    assert opened.hash in exhibits and other.hash not in exhibits
    assert "认定决定书文号 decision number" in exhibits and "深人社认字〔2026〕118号" in exhibits
    assert "伤残等级 disability grade" in exhibits and "证明工伤案件的登记内容" in exhibits
    assert run_verifier(folder).returncode == 0


def test_employee_gets_only_their_own_pack_and_is_told_when_it_is_ready(client, world, journey):
    from portal.notifications.models import Notification, OutboxMessage

    world.worker.email = "li.qiang@company-a.example"
    db.session.commit()
    login(client, "worker")
    assert download(client, world.worker.id)
    (note,) = db.session.query(Notification).filter_by(user_id=world.user("worker").id, kind="evidence").all()
    assert note.text_key == "evidence_pack_ready" and note.link.startswith("/evidence/packs/")
    (mail,) = db.session.query(OutboxMessage).filter_by(notification_id=note.id).all()  # and by e-mail, once
    assert mail.to_address == "li.qiang@company-a.example" and note.link in mail.body
    assert post_form(client, f"/evidence/employees/{world.outsider.id}/packs").status_code == 403
    other = PackRequest(employee_id=world.outsider.id, requested_by_id=world.user("hr").id, status="ready",
                        created_at=utcnow(), filename="x.zip", data=b"x")
    db.session.add(other)
    db.session.commit()
    assert client.get(f"/evidence/packs/{other.id}").status_code == 403
    assert client.get(f"/evidence/packs/{other.id}/download").status_code == 403


def test_manager_cannot_ask_for_packs(client, world, journey):
    login(client, "manager")
    assert post_form(client, f"/evidence/employees/{world.worker.id}/packs").status_code == 403


def test_pack_progress_page_polls_with_htmx_and_works_without(client, world, journey):
    login(client, "hr")
    pack_request = PackRequest(employee_id=world.worker.id, requested_by_id=world.user("hr").id, status="building",
                               stage="pdf", created_at=utcnow())
    db.session.add(pack_request)
    db.session.commit()
    page = client.get(f"/evidence/packs/{pack_request.id}")
    html = page.get_data(as_text=True)
    assert "<html" in html and 'hx-trigger="every 2s"' in html and f'href="/evidence/packs/{pack_request.id}"' in html
    fragment = client.get(f"/evidence/packs/{pack_request.id}", headers={"HX-Request": "true", "HX-Target": "pack-status"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="pack-status"')
    assert "HX-Request" in fragment.headers["Vary"]
    assert client.get(f"/evidence/packs/{pack_request.id}/download").status_code == 404


def test_packs_are_rate_limited_per_user(client, world, app):
    app.config["EVIDENCE_PACKS_PER_HOUR"] = 1
    login(client, "outsider")
    assert post_form(client, f"/evidence/employees/{world.outsider.id}/packs").status_code == 303
    refused = post_form(client, f"/evidence/employees/{world.outsider.id}/packs")
    assert refused.status_code == 429 and "1" in refused.get_data(as_text=True)
    assert db.session.query(PackRequest).count() == 1


def paper_form(client, world, **changes):
    from portal.courses.models import CourseVersion

    version = db.session.query(CourseVersion).filter_by(locale="zh_CN").first()
    data = {"csrf_token": csrf_token(client), "content": f"course:{version.id}", "signed_on": "2026-11-20",
            "note": "签收单第 3 页", "scan": (io.BytesIO(PNG), "signed.png")}
    data.update(changes)
    if isinstance(data["scan"][0], bytes):  # parameters hold bytes; each request gets a fresh file
        data["scan"] = (io.BytesIO(data["scan"][0]), data["scan"][1])
    return client.post(f"/evidence/employees/{world.worker.id}/paper-receipts/new", data=data,
                       content_type="multipart/form-data")


def test_paper_receipt_chains_the_scan_hash_and_travels_in_the_pack(client, world, journey, witness_dir, tmp_path):
    import hashlib

    login(client, "hr")
    assert paper_form(client, world).status_code == 303
    receipt = db.session.query(PaperReceipt).one()
    assert receipt.scan_sha256 == hashlib.sha256(PNG).hexdigest()
    event = db.session.query(EvidenceEvent).filter_by(event_type="paper_acknowledgement_recorded").one()
    assert receipt.scan_sha256 in event.body and event.hash == receipt.event_hash
    publish()
    folder = unpack(download(client, world.worker.id), tmp_path)
    assert (folder / "scans" / f"{receipt.scan_sha256}.png").read_bytes() == PNG
    assert run_verifier(folder).returncode == 0


@pytest.mark.parametrize("changes,message", [
    ({"scan": (b"MZ", "tool.exe")}, "PDF、PNG 或 JPEG"),
    ({"signed_on": "2099-01-01"}, "该日期在未来"),
    ({"content": ""}, "请选择员工签署的内容"),
])
def test_paper_receipt_bad_input_names_the_field_and_saves_nothing(client, world, journey, changes, message):
    login(client, "hr")
    response = paper_form(client, world, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(PaperReceipt).count() == 0


def test_evidence_timeline_page_and_fragment(client, world, journey):
    login(client, "hr")
    page = client.get(f"/evidence/employees/{world.worker.id}?type=course_acknowledged")
    fragment = client.get(f"/evidence/employees/{world.worker.id}?type=course_acknowledged",
                          headers={"HX-Request": "true", "HX-Target": "evidence-timeline"})
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="evidence-timeline"') and "1 " in body
    assert journey.event_hash in body and "HX-Request" in fragment.headers["Vary"]


def test_hr_verifies_one_employee_from_the_page(client, world, journey):
    from tests.conftest import post_form

    login(client, "hr")
    response = post_form(client, f"/evidence/employees/{world.worker.id}/verify", follow_redirects=True)
    assert "已验证" in response.get_data(as_text=True) or "Verified" in response.get_data(as_text=True)


def test_a_long_document_is_drawn_by_a_second_process_with_the_same_text():
    """The child process draws what this one would (CJK included); a failing child changes nothing."""
    from portal.evidence import pack

    first, second = ("<p>证据包 report 一</p>", "<p>证据目录 exhibits 二</p>")
    drawn = pack.pdfs(first, second, parallel_from=0)
    texts = ["".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages) for data in drawn]
    assert "证据包" in texts[0] and "证据目录" in texts[1] and "二" in texts[1]
    original = pack.PDF_CHILD, pack.PDF_CHILD_SECONDS
    try:
        for broken in ("raise SystemExit(3)", "import time; time.sleep(600)"):  # fails; hangs past its time
            pack.PDF_CHILD, pack.PDF_CHILD_SECONDS = broken, 1
            redrawn = pack.pdfs(first, second, parallel_from=0)[1]
            assert "证据目录" in pypdf.PdfReader(io.BytesIO(redrawn)).pages[0].extract_text()
    finally:
        pack.PDF_CHILD, pack.PDF_CHILD_SECONDS = original
