"""Evidence packs: content, offline verification, tampering, the PDF, paper receipts, access."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest

from portal.demo.operations import walk_through_course
from portal.evidence.models import EvidenceEvent, PaperReceipt
from portal.extensions import db
from tests.conftest import assign_course, csrf_token, login

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\r\xefF\xb8\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def journey(world, courses):
    return walk_through_course(assign_course(courses["injury-basics"], world.worker), world.user("worker").id)


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


def download(client, employee_id: int, query: str = "") -> bytes:
    response = client.get(f"/evidence/employees/{employee_id}/pack.zip{query}")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    return response.get_data()


def unpack(data: bytes, target: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(target)
    (folder,) = list(target.iterdir())
    return folder


def run_verifier(folder: Path) -> subprocess.CompletedProcess[str]:
    """As a lawyer would: the pack's own script, a plain Python, no portal on the path."""
    return subprocess.run([sys.executable, "-I", str(folder / "verify_pack.py")], capture_output=True, text=True,
                          cwd=folder, timeout=60)


def test_pack_holds_everything_and_verifies_offline(client, world, journey, notice, tmp_path):
    """A full course journey plus a notice: the pack verifies and carries both exact texts."""
    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    names = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert {"report.html", "report.pdf", "events.jsonl", "events.csv", "manifest.json", "manifest.sha256",
            "checkpoint.json", "verify_pack.py", f"content/{journey.content_sha256}.json",
            f"content/{notice.content_sha256}.json"} <= names
    result = run_verifier(folder)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK")
    events = (folder / "events.jsonl").read_text().splitlines()
    assert len(events) == db.session.query(EvidenceEvent).filter_by(employee_id=world.worker.id).count()
    report = (folder / "report.html").read_text()
    assert journey.receipt_number in report and journey.content_sha256 in report and "python3 verify_pack.py" in report
    assert notice.receipt_number in report and "受伤后立即报告" in report


def test_pdf_renders_chinese_text(client, world, journey, tmp_path):
    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(folder / "report.pdf").pages)
    compact = "".join(text.split())
    assert "证据包" in compact and "李强" in compact and "工伤基础与报告流程" in compact


def rewrite(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


@pytest.mark.parametrize("target,expected", [
    ("events.jsonl", "events.jsonl was changed"),
    ("content", "was changed"),
    ("manifest.json", "manifest.json was changed"),
    ("report.pdf", "report.pdf was changed"),
])
def test_changing_any_byte_fails_and_names_the_file(client, world, journey, tmp_path, target, expected):
    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    path = folder / target if target != "content" else folder / "content" / f"{journey.content_sha256}.json"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = run_verifier(folder)
    assert result.returncode == 1
    assert expected in result.stdout
    if target == "content":
        assert journey.content_sha256 in result.stdout


def test_a_consistent_forgery_still_breaks_the_chain(client, world, journey, tmp_path):
    """Change an event and update the manifest to match: the hash chain names the event."""
    import hashlib

    login(client, "hr")
    folder = unpack(download(client, world.worker.id), tmp_path)
    rewrite(folder / "events.jsonl", b'"channel\\":\\"demo\\"', b'"channel\\":\\"dem0\\"')
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["events.jsonl"] = hashlib.sha256((folder / "events.jsonl").read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "manifest.sha256").write_text(hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest())
    result = run_verifier(folder)
    assert result.returncode == 1
    assert "events.jsonl line" in result.stdout and "changed" in result.stdout


def test_the_verifier_reads_the_zip_directly(client, world, journey, tmp_path):
    login(client, "hr")
    zipped = tmp_path / "pack.zip"
    zipped.write_bytes(download(client, world.worker.id))
    folder = unpack(zipped.read_bytes(), tmp_path / "x")
    result = subprocess.run([sys.executable, "-I", str(folder / "verify_pack.py"), str(zipped)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "OK" in result.stdout


def test_scope_narrows_the_report_not_the_chain(client, world, journey, tmp_path):
    login(client, "hr")
    folder = unpack(download(client, world.worker.id, "?content=course:injury-basics&from=2000-01-01"), tmp_path)
    assert run_verifier(folder).returncode == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scope"] == {"content": "course:injury-basics", "since": "2000-01-01", "until": None}


def test_employee_downloads_only_their_own_pack(client, world, journey):
    login(client, "worker")
    assert client.get(f"/evidence/employees/{world.worker.id}/pack.zip").status_code == 200
    assert client.get(f"/evidence/employees/{world.outsider.id}/pack.zip").status_code == 403


def test_manager_cannot_download_packs(client, world, journey):
    login(client, "manager")
    assert client.get(f"/evidence/employees/{world.worker.id}/pack.zip").status_code == 403


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


def test_paper_receipt_chains_the_scan_hash_and_travels_in_the_pack(client, world, journey, tmp_path):
    import hashlib

    login(client, "hr")
    assert paper_form(client, world).status_code == 303
    receipt = db.session.query(PaperReceipt).one()
    assert receipt.scan_sha256 == hashlib.sha256(PNG).hexdigest()
    event = db.session.query(EvidenceEvent).filter_by(event_type="paper_acknowledgement_recorded").one()
    assert receipt.scan_sha256 in event.body and event.hash == receipt.event_hash
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
