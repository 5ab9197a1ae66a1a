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
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, BinaryIO
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


EXPORT_BATCH = 2000  # rows turned into text at a time, and read from the database at a time (``streamed``)
SPOOLED_IN_MEMORY = 4 * 1024 * 1024  # a whole export's file stays in memory up to this size, then on disk


def write_csv(out: BinaryIO, header: Sequence[str], rows: Iterable[Iterable[Any]],
              yes_no: tuple[str, str] = YES_NO) -> None:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to read Chinese correctly;
    written ``EXPORT_BATCH`` rows at a time, so a table of any length holds one batch as text."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(safe_cells(header))
    out.write("\ufeff".encode())
    for number, row in enumerate(rows, 1):
        writer.writerow(safe_cells(row, yes_no))
        if number % EXPORT_BATCH == 0:
            out.write(text.getvalue().encode())
            text.seek(0)
            text.truncate()
    out.write(text.getvalue().encode())


def csv_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]], yes_no: tuple[str, str] = YES_NO) -> bytes:
    out = io.BytesIO()
    write_csv(out, header, rows, yes_no)
    return out.getvalue()


def csv_file(header: Sequence[str], rows: Iterable[Iterable[Any]], yes_no: tuple[str, str] = YES_NO) -> IO[bytes]:
    """A whole table's CSV in a file kept in memory while small and on disk beyond, read from its start."""
    out = tempfile.SpooledTemporaryFile(SPOOLED_IN_MEMORY)
    write_csv(out, header, rows, yes_no)
    out.seek(0)
    return out


def xlsx_file(header: Sequence[str], rows: Iterable[Iterable[Any]], title: str = "export",
              yes_no: tuple[str, str] = YES_NO) -> IO[bytes]:
    """A whole table as XLSX, its rows written as they come (openpyxl's write-only workbook), every
    cell as text, in a file kept in memory while small and on disk beyond."""
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
    out = tempfile.SpooledTemporaryFile(SPOOLED_IN_MEMORY)
    book.save(out)
    out.seek(0)
    return out
