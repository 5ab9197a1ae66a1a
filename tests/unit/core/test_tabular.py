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
    with tabular.xlsx_file(["姓名"], [[text] for text in ATTACKS] + [[5]]) as written:
        body = written.read()
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    expected = ["'" + text.replace("\r", "\n") for text in ATTACKS] + ["5"]  # XML reads a CR as a newline
    assert [cell.value for cell in cells] == expected


def test_yes_and_no_are_words_in_both_formats():
    rows = [[True, False, None]]
    assert tabular.csv_bytes(["a", "b", "c"], rows).decode("utf-8-sig").splitlines()[1] == "是,否,"
    assert tabular.csv_bytes(["a", "b", "c"], rows, ("Yes", "No")).decode("utf-8-sig").splitlines()[1] == "Yes,No,"
    with tabular.xlsx_file(["a", "b"], [[True, False]], yes_no=("Yes", "No")) as written:
        sheet = load_workbook(io.BytesIO(written.read())).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2))] == ["Yes", "No"]


def test_a_long_table_is_written_batch_by_batch_into_a_file_spooled_to_disk(monkeypatch):
    """Rows come as the database gives them and leave as text a batch at a time: the file holds the
    same CSV as one written at once, and goes to disk past its size in memory."""
    monkeypatch.setattr(tabular, "SPOOLED_IN_MEMORY", 1000)
    rows = ([n, f"员工{n}", "=1+1" if n % 7 == 0 else "", None] for n in range(tabular.EXPORT_BATCH * 2 + 3))
    with tabular.csv_file(["编号", "姓名", "备注", "空"], rows) as spooled:
        assert spooled._rolled  # on disk, not in memory
        body = spooled.read()
    assert body.startswith("\ufeff".encode()) and body.count("\ufeff".encode()) == 1
    read = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(read) == tabular.EXPORT_BATCH * 2 + 4 and read[-1] == [str(tabular.EXPORT_BATCH * 2 + 2), f"员工{tabular.EXPORT_BATCH * 2 + 2}", "", ""]
    assert read[8] == ["7", "员工7", "'=1+1", ""]
    assert body == tabular.csv_bytes(["编号", "姓名", "备注", "空"], ([n, f"员工{n}", "=1+1" if n % 7 == 0 else "", None]
                                                           for n in range(tabular.EXPORT_BATCH * 2 + 3)))
