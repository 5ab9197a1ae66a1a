"""Files as HR's own tools save them: the format comes from the bytes, not the name."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from portal.workbench.importing import Reason, TableRefused, read_table

ROWS = [["工号", "姓名", "部门编码"], ["E101", "王伟", "MACH"]]


def workbook() -> bytes:
    book = Workbook()
    for row in ROWS:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [
    "工号,姓名,部门编码\r\nE101,王伟,MACH\r\n".encode("utf-8-sig"),  # Excel's "CSV UTF-8"
    "工号,姓名,部门编码\r\nE101,王伟,MACH\r\n".encode("gb18030"),  # Excel's "CSV" on Chinese Windows
    "工号\t姓名\t部门编码\r\nE101\t王伟\tMACH\r\n".encode("utf-16"),  # Excel's "Unicode text"
    "工号;姓名;部门编码\nE101;王伟;MACH\n".encode(),  # semicolons, as some locales save CSV
    workbook(),  # an XLSX, whatever it was renamed to
])
def test_every_way_excel_saves_the_table_reads_the_same(data):
    assert read_table(data) == ROWS


def test_an_old_excel_workbook_is_refused_with_its_own_reason():
    with pytest.raises(TableRefused) as refused:
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    assert refused.value.reason is Reason.OLD_EXCEL


def test_a_comma_in_a_quoted_cell_does_not_change_the_separator():
    assert read_table('工号,姓名\nE101,"王, 伟"\n'.encode()) == [["工号", "姓名"], ["E101", "王, 伟"]]
