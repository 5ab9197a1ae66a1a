"""The one writer of CSV and XLSX files: every export, the import templates and the evidence pack's
``events.csv`` go through it.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, also after leading blanks) get a leading apostrophe, as the OWASP guidance on CSV
injection advises; the importer takes it off again, so an export can be imported back. XLSX cells
are always written as text, never as formulas. Times are shown in Beijing time, yes/no in words (the
caller passes them in the reader's language), never a program's True/False. Pure Python.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALIZER = "'"
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES_NO = ("是", "否")


def cell_text(value: Any, yes_no: tuple[str, str] = YES_NO) -> str:
    """A value as the text a person reads: times in Beijing time, amounts as written, yes/no in
    words, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, datetime):
        moment = value.astimezone(SHANGHAI) if value.tzinfo else value
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def neutralize(text: str) -> str:
    """``text`` made inert for a spreadsheet: an apostrophe before anything that starts a formula."""
    stripped = text.lstrip(" \u3000")
    if text.startswith(FORMULA_STARTS) or stripped.startswith(FORMULA_STARTS):
        return NEUTRALIZER + text
    return text


def restore(text: str) -> str:
    """The importer's inverse of ``neutralize``."""
    if text.startswith(NEUTRALIZER) and neutralize(text[1:]) == text:
        return text[1:]
    return text


def safe_cells(row: Iterable[Any], yes_no: tuple[str, str] = YES_NO) -> list[str]:
    """Cells of one row; numbers and dates come from the portal and are never neutralized."""
    return [neutralize(value) if isinstance(value, str) else cell_text(value, yes_no) for value in row]


def csv_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]], yes_no: tuple[str, str] = YES_NO) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to read Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_cells(header))
    for row in rows:
        writer.writerow(safe_cells(row, yes_no))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]], title: str = "export",
               yes_no: tuple[str, str] = YES_NO) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])

    def text_cells(values: Iterable[Any]) -> list[WriteOnlyCell]:
        cells = []
        for text in safe_cells(values, yes_no):
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # openpyxl would store a leading "=" as a live formula
            cells.append(cell)
        return cells

    sheet.append(text_cells(header))
    for row in rows:
        sheet.append(text_cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
