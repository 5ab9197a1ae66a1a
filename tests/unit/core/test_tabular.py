"""The one CSV/XLSX writer: nothing a spreadsheet would run, text cells only, Beijing time."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from portal.core import tabular

ATTACKS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "  =1+1", "\u3000=1+1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_starts_are_neutralized_and_restored(text):
    safe = tabular.neutralize(text)
    assert safe.startswith("'") and tabular.restore(safe) == text


@given(st.text(max_size=30))
def test_no_neutralized_cell_starts_a_formula(text):
    safe = tabular.neutralize(text)
    assert not safe.lstrip(" \u3000").startswith(tabular.FORMULA_STARTS)
    assert tabular.restore(safe) == text


def test_csv_has_a_bom_and_beijing_time():
    moment = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)
    body = tabular.csv_bytes(["姓名", "时间"], [[ATTACKS[0], moment], ["李强", Decimal("-806.00")]])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["姓名", "时间"], ["'" + ATTACKS[0], "2026-03-02 09:30:00"], ["李强", "-806.00"]]


def test_xlsx_cells_are_text_never_formulas():
    body = tabular.xlsx_bytes(["姓名"], [[text] for text in ATTACKS] + [[5]])
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    expected = ["'" + text.replace("\r", "\n") for text in ATTACKS] + ["5"]  # XML reads a CR as a newline
    assert [cell.value for cell in cells] == expected


def test_yes_and_no_are_words_in_both_formats():
    rows = [[True, False, None]]
    assert tabular.csv_bytes(["a", "b", "c"], rows).decode("utf-8-sig").splitlines()[1] == "是,否,"
    assert tabular.csv_bytes(["a", "b", "c"], rows, ("Yes", "No")).decode("utf-8-sig").splitlines()[1] == "Yes,No,"
    sheet = load_workbook(io.BytesIO(tabular.xlsx_bytes(["a", "b"], [[True, False]], yes_no=("Yes", "No")))).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2))] == ["Yes", "No"]
