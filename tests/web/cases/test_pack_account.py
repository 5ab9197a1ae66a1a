"""The case account travels in the employee's evidence pack: case_account.json and a report section,
bound into the signed manifest, with the same figures as the case page; on both engines."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.cases import operations
from portal.cases.pack_section import case_account_sections
from portal.core.types import local_today
from portal.evidence.ledger import SYSTEM
from portal.evidence.pack import PackScope, assemble
from portal.evidence.sections import PackSection, pack_sections, register_section_provider
from portal.extensions import db
from tests.web.cases.conftest import open_case_for
from tests.web.evidence.test_pack import run_verifier

GRADE_9 = {"assessment_applied_date": date(2026, 8, 10), "assessment_concluded_date": date(2026, 9, 10), "grade": 9}


def test_the_pack_carries_the_case_account_bound_into_the_signed_manifest(app, cases_ready, tmp_path):
    world = cases_ready
    case = open_case_for(world.worker, **GRADE_9)
    operations.record_owed_for_suspension(case, None, SYSTEM)
    operations.apply_deduction_plan(case, 3, local_today() + timedelta(days=40), None, SYSTEM, "pack-plan",
                                    Decimal("1000.00"))
    db.session.commit()
    view = operations.case_view(case)
    with app.test_request_context():
        pack = assemble(world.worker, PackScope(), "hr")
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        archive.extractall(tmp_path)
    (folder,) = list(tmp_path.iterdir())
    data = (folder / "case_account.json").read_bytes()
    assert pack.manifest["files"]["case_account.json"] == hashlib.sha256(data).hexdigest()
    (record,) = json.loads(data)["cases"]
    account = record["account"]
    assert (account["owed"], account["balance"], account["scheduled_deductions"], account["balance_after_schedule"]) == (
        str(view.account.owed), str(view.account.balance), "1000.00", str(view.account.after_schedule))
    assert Decimal(account["balance"]) == Decimal(account["owed"]) - Decimal(account["withheld"]) \
        - Decimal(account["deducted"]) - Decimal(account["collected"]) + Decimal(account["refunded"])
    assert [e["made"] for e in account["entries"] if e["kind"] == "deducted"] == [False, False, False]
    subsidy = next(f for f in record["benefits"] if f["code"] == "one_time_disability_subsidy")
    assert (subsidy["amount"], subsidy["article_en"]) == ("46800.00", "Work Injury Insurance Regulations Art. 37")
    assert "9 个月 × 本人工资 5,200.00" in subsidy["formula_zh"] and subsidy["name_zh"] == "一次性伤残补助金"
    share = record["personal_share_monthly"]
    assert (share["amount"], share["social_insurance"], share["housing_fund"]) == ("546.00", "546.00", "0.00")
    report = (folder / "report.html").read_text()
    assert "工伤案件账目" in report and "case_account.json" in report and "46,800.00" in report
    checked = run_verifier(folder)  # 2: nothing failed, no head published yet to prove the events against
    assert checked.returncode in (0, 2) and "FAILED" not in checked.stdout, checked.stdout
    (folder / "case_account.json").write_bytes(data.replace(b'"46800.00"', b'"56800.00"'))
    tampered = run_verifier(folder)
    assert tampered.returncode == 1 and "case_account.json" in tampered.stdout, tampered.stdout


def test_an_employee_without_a_case_gets_no_account_section(app, cases_ready):
    assert case_account_sections(cases_ready.worker.id, local_today()) == []


def test_two_sections_may_not_name_the_same_file(app, world):
    def first(employee_id, today):
        return [PackSection("甲", "A", {"notes.json": b"{}"})]

    def second(employee_id, today):
        return [PackSection("乙", "B", {"notes.json": b"[]"})]

    register_section_provider(app, first)
    register_section_provider(app, first)  # registering again changes nothing
    assert [s.title_en for s in pack_sections(world.worker.id, local_today())] == ["A"]
    register_section_provider(app, second)
    with pytest.raises(ValueError, match="same file"):
        pack_sections(world.worker.id, local_today())
