"""Import limits: a file past a cap is refused whole before or while streaming, never checked in part."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.workbench import importing
from portal.workbench.importing import Reason, TableRefused, read_table

CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '</Types>')
ROOT_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
             '</Relationships>')
WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 '</Relationships>')


def xlsx(rows_xml: str, dimension: str = "A1:B2") -> bytes:
    """A hand-made workbook, as an attacker writes it: whatever dimension it likes to declare."""
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, text)
    return out.getvalue()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_declared_huge_sheet_is_read_as_the_cells_it_has():
    data = xlsx(f'<row r="1">{cell("A1", "部门编码")}{cell("B1", "部门名称")}</row>'
                f'<row r="2">{cell("A2", "WELD")}{cell("B2", "焊接车间")}</row>', dimension="A1:XFD30000")
    assert len(data) < 2000
    assert read_table(data) == [["部门编码", "部门名称"], ["WELD", "焊接车间"]]


def test_a_dense_sheet_past_the_unpacked_limit_is_refused_before_parsing():
    row = "".join(cell(f"A{i}", "9" * 100) for i in range(1, 2))
    data = xlsx(f'<row r="1">{row}</row>' * (importing.MAX_UNCOMPRESSED // len(row) + 1))
    assert len(data) < 2_000_000  # within the upload limit: only the unpacked size gives it away
    with pytest.raises(TableRefused) as refused:
        read_table(data)
    assert refused.value.reason is Reason.TOO_LARGE


@pytest.mark.parametrize("extra_rows,refused", [(0, False), (1, True)])
def test_rows_past_the_cap_refuse_the_whole_file(extra_rows, refused):
    text = "工号,年,月,缴费工资\n" + "E001,2025,1,5000\n" * (importing.MAX_ROWS + extra_rows)
    if refused:
        with pytest.raises(TableRefused) as outcome:
            read_table(text.encode())
        assert outcome.value.reason is Reason.TOO_MANY_ROWS
    else:
        assert len(read_table(text.encode())) == importing.MAX_ROWS + 1


def test_too_many_columns_and_broken_files_are_refused():
    wide = ",".join(["x"] * (importing.MAX_COLUMNS + 1)) + "\n"
    with pytest.raises(TableRefused) as outcome:
        read_table(wide.encode())
    assert outcome.value.reason is Reason.TOO_MANY_COLUMNS
    for data in (b"PK\x03\x04 not really a zip", b"name\nA\x00B\n"):
        with pytest.raises(TableRefused) as outcome:
            read_table(data)
        assert outcome.value.reason is Reason.UNREADABLE


def test_neutralized_export_cells_read_back_as_they_were():
    assert read_table("姓名\n'=SUM(A1)\n".encode()) == [["姓名"], ["=SUM(A1)"]]


def test_departments_by_name_and_the_portals_own_labels_with_allowed_values_named():
    from datetime import date

    from portal.org.rules import ContractType

    departments = importing.department_aliases([("MACH", "机加工车间", "Machining workshop"),
                                                ("ASSY", "装配车间", "Assembly workshop")])
    text = ("工号,姓名,入职日期,部门,合同类型\n"
            "A0201,王一,2025-01-02,机加工车间,Fixed-term\n"
            "A0202,王二,2025-01-02,assembly workshop,regular\n"
            "A0203,王三,2025-01-02,焊接车间,regular\n")
    preview = importing.preview_employees(read_table(text.encode()), departments, date(2026, 11, 25),
                                          contract_aliases={"Fixed-term": ContractType.FIXED_TERM})
    assert [r["department"] for r in preview.records] == ["MACH", "ASSY"]
    assert preview.records[0]["contract_type"] is ContractType.FIXED_TERM
    (error,) = preview.errors
    assert error.reason is Reason.UNKNOWN_DEPARTMENT and "装配车间" in error.allowed and "MACH" in error.allowed


def test_duplicates_are_reported_in_the_same_pass_as_other_problems():
    from datetime import date

    text = "工号,年,月,缴费工资\nE001,2025,1,5000\nE001,2025,1,1e20\nE001,2025,2,5000\n"
    preview = importing.preview_wages(read_table(text.encode()), {"E001"}, date(2026, 11, 25))
    assert sorted((e.row, e.reason) for e in preview.errors) == [(3, Reason.BAD_AMOUNT), (3, Reason.DUPLICATE)]
