"""Import previews for departments, employees and wages, without Flask or a database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from portal.org.rules import ContractType, EmploymentStatus
from portal.workbench.importing import (
    Kind,
    Reason,
    named_numbers,
    preview_departments,
    preview_employees,
    preview_wages,
    read_table,
)

TODAY = date(2026, 11, 25)
CODES = {"MACH", "ASSY"}
HEADER_EN = "number,name,hire_date,department,contract_type,email,phone,preferred_locale,status,left_date"
HEADER_ZH = "工号,姓名,入职日期,部门编码,合同类型,邮箱,手机,语言,状态,离职日期"


def table(text: str) -> list[list[str]]:
    return read_table(text.encode("utf-8"))


def test_employees_with_english_headers():
    preview = preview_employees(table(f"{HEADER_EN}\na0101,李强,2025-09-01,mach,fixed_term,li@example.com,138,zh_CN,active,\n"),
                                CODES, TODAY)
    assert preview.ok
    (record,) = preview.records
    assert record["number"] == "A0101" and record["department"] == "MACH"
    assert record["contract_type"] is ContractType.FIXED_TERM and record["status"] is EmploymentStatus.ACTIVE


def test_employees_with_chinese_headers_and_labels_in_gb18030():
    text = f"{HEADER_ZH}\nA0102,陈晓雨,2026/11/16,ASSY,短期/试用期,,,简体中文,在职,\n"
    preview = preview_employees(read_table(text.encode("gb18030")), CODES, TODAY)
    assert preview.ok and preview.records[0]["contract_type"] is ContractType.SHORT_TERM
    assert preview.records[0]["hire_date"] == date(2026, 11, 16)


def test_xlsx_with_date_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER_ZH.split(","))
    sheet.append(["A0103", "周敏", date(2026, 11, 23), "MACH", "固定期限", None, 13800000000, "中文", "在职", None])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = preview_employees(read_table(buffer.getvalue()), CODES, TODAY)
    assert preview.ok, preview.errors
    assert preview.records[0]["hire_date"] == date(2026, 11, 23) and preview.records[0]["phone"] == "13800000000"


@pytest.mark.parametrize("row,column,reason", [
    ("A 1,李强,2025-09-01,MACH,regular,,,,,", "number", Reason.BAD_NUMBER_FORMAT),
    (",李强,2025-09-01,MACH,regular,,,,,", "number", Reason.REQUIRED),
    ("A0101,,2025-09-01,MACH,regular,,,,,", "name", Reason.REQUIRED),
    ("A0101,李强,2025-13-01,MACH,regular,,,,,", "hire_date", Reason.BAD_DATE),
    ("A0101,李强,2027-01-01,MACH,regular,,,,,", "hire_date", Reason.FUTURE_DATE),
    ("A0101,李强,2025-09-01,WELD,regular,,,,,", "department", Reason.UNKNOWN_DEPARTMENT),
    ("A0101,李强,2025-09-01,MACH,forever,,,,,", "contract_type", Reason.UNKNOWN_CHOICE),
    ("A0101,李强,2025-09-01,MACH,regular,not-mail,,,,", "email", Reason.UNKNOWN_CHOICE),
    ("A0101,李强,2025-09-01,MACH,regular,,,,left,", "left_date", Reason.REQUIRED),
    ("A0101," + "李" * 101 + ",2025-09-01,MACH,regular,,,,,", "name", Reason.TOO_LONG),
])
def test_each_bad_cell_is_named_with_row_column_value_and_reason(row, column, reason):
    preview = preview_employees(table(f"{HEADER_EN}\nA0100,王芳,2016-03-01,MACH,regular,,,,,\n{row}\n"), CODES, TODAY)
    assert [(e.row, e.column, e.reason) for e in preview.errors] == [(3, column, reason)]
    assert [r["number"] for r in preview.records] == ["A0100"]


def test_missing_column_is_reported_on_the_header_row():
    preview = preview_employees(table("number,name\nA0101,李强\n"), CODES, TODAY)
    assert {(e.row, e.column, e.reason) for e in preview.errors} == {
        (1, "hire_date", Reason.MISSING_COLUMN), (1, "department", Reason.MISSING_COLUMN),
        (1, "contract_type", Reason.MISSING_COLUMN)}


def test_duplicate_numbers_flag_the_later_row():
    rows = "A0101,李强,2025-09-01,MACH,regular,,,,,\na0101,李强,2025-09-01,MACH,regular,,,,,"
    preview = preview_employees(table(f"{HEADER_EN}\n{rows}\n"), CODES, TODAY)
    assert [(e.row, e.reason) for e in preview.errors] == [(3, Reason.DUPLICATE)]


def test_a_thousand_rows_with_fifty_bad_ones_lists_all_fifty():
    lines = [HEADER_EN]
    bad_rows = set(list(range(7, 1000, 20))[:50])
    for index in range(1000):
        row_number = index + 2
        hire = "2025-13-40" if row_number in bad_rows else "2024-05-06"
        lines.append(f"B{index:04d},员工{index},{hire},MACH,regular,,,,,")
    preview = preview_employees(table("\n".join(lines)), CODES, TODAY)
    assert len(preview.errors) == 50 and {e.row for e in preview.errors} == bad_rows
    assert len(preview.records) == 950


def test_departments():
    preview = preview_departments(table("部门编码,部门名称,英文名称\nmach,机加工车间,Machining\nQC,质检部,\nmach,重复,\n"))
    assert [r["code"] for r in preview.records] == ["MACH", "QC"]
    assert preview.records[1]["name_en"] == "质检部"
    assert [(e.row, e.reason) for e in preview.errors] == [(4, Reason.DUPLICATE)]


@pytest.mark.parametrize("row,column,reason", [
    ("A9999,2026,3,5000", "number", Reason.UNKNOWN_EMPLOYEE),
    ("A0101,2026,13,5000", "month", Reason.BAD_MONTH),
    ("A0101,2027,1,5000", "month", Reason.BAD_MONTH),
    ("A0101,2026,12,5000", "month", Reason.FUTURE_DATE),
    ("A0101,2026,3,五千", "wage", Reason.BAD_AMOUNT),
    ("A0101,2026,3,5000.123", "wage", Reason.BAD_AMOUNT),
    ("A0101,2026,3,-1", "wage", Reason.NEGATIVE),
])
def test_wage_rows(row, column, reason):
    preview = preview_wages(table(f"工号,年,月,缴费工资\nA0101,2026,2,\"5,050.00\"\n{row}\n"), {"A0101"}, TODAY)
    assert preview.records[0]["wage"] == Decimal("5050.00")
    assert [(e.row, e.column, e.reason) for e in preview.errors] == [(3, column, reason)]


def test_duplicate_wage_month():
    preview = preview_wages(table("number,year,month,wage\nA0101,2026,2,5000\nA0101,2026,02,5100\n"), {"A0101"}, TODAY)
    assert [(e.row, e.reason) for e in preview.errors] == [(3, Reason.DUPLICATE)]


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 9999)), min_size=1, max_size=40, unique_by=lambda t: t[1]))
def test_every_row_is_either_a_record_or_an_error(rows):
    lines = [HEADER_EN] + [f"C{n:04d},员工,{'2025-02-30' if bad else '2025-02-28'},MACH,regular,,,,," for bad, n in rows]
    preview = preview_employees(table("\n".join(lines)), CODES, TODAY)
    assert len(preview.records) + len({e.row for e in preview.errors}) == len(rows)
    assert len(preview.errors) == sum(1 for bad, _n in rows if bad)


spellings = st.sampled_from(["A0101", "a0101", " A0102 ", "A0103", "Z9", "", "A0101X" * 4])


@given(st.lists(st.tuples(spellings, st.integers(1, 13)), max_size=8), st.sets(st.sampled_from(["A0101", "A0102", "Z9"])))
def test_a_wage_check_needs_only_the_stored_numbers_its_file_names(rows, stored):
    """The caller looks up ``named_numbers`` instead of every stored number: the check is the same."""
    text = "工号,年,月,缴费工资\n" + "".join(f"{number},2026,{month},5000\n" for number, month in rows)
    parsed = table(text)
    looked_up = stored & named_numbers(parsed, Kind.WAGES)
    assert preview_wages(parsed, looked_up, TODAY) == preview_wages(parsed, stored, TODAY)


def test_a_file_without_a_number_column_names_no_numbers():
    assert named_numbers(table("年,月,缴费工资\n2026,1,5000\n"), Kind.WAGES) == set()
    assert named_numbers([], Kind.WAGES) == set()
