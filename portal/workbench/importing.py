"""Reading departments, employees and wage history from CSV or XLSX, for data migration.

Pure Python (no Flask, no database): the caller passes what already exists (department codes)
and gets back validated records or every problem with its row, column, value and reason, so the
import can be previewed and then committed all or nothing. Row numbers are the spreadsheet's:
the header is row 1.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from portal.core import bounds
from portal.core.tabular import restore
from portal.org.rules import ContractType, EmploymentStatus, is_valid_employee_number, normalise_employee_number


class Kind(str, enum.Enum):
    DEPARTMENTS = "departments"
    EMPLOYEES = "employees"
    WAGES = "wages"


class Reason(str, enum.Enum):
    """Why a cell was refused; the web layer words each one in the user's language."""

    MISSING_COLUMN = "missing_column"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    BAD_NUMBER_FORMAT = "bad_employee_number"
    BAD_DATE = "bad_date"
    FUTURE_DATE = "future_date"
    UNKNOWN_CHOICE = "unknown_choice"
    UNKNOWN_DEPARTMENT = "unknown_department"
    UNKNOWN_EMPLOYEE = "unknown_employee"
    DUPLICATE = "duplicate"
    BAD_AMOUNT = "bad_amount"
    NEGATIVE = "negative"
    BAD_MONTH = "bad_month"
    UNREADABLE = "unreadable_file"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    TOO_LARGE = "too_large"
    OLD_EXCEL = "old_excel"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: Reason
    allowed: tuple[str, ...] = ()  # for a value not among the choices: what the column accepts


@dataclass
class Preview:
    kind: Kind
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# Column names: the English key, and the Chinese headers HR spreadsheets use.
COLUMNS: dict[Kind, dict[str, tuple[str, ...]]] = {
    Kind.DEPARTMENTS: {"code": ("部门编码",), "name_zh": ("部门名称", "中文名称"), "name_en": ("英文名称",)},
    Kind.EMPLOYEES: {
        "number": ("工号",), "name": ("姓名",), "hire_date": ("入职日期",), "department": ("部门编码", "部门"),
        "contract_type": ("合同类型",), "email": ("邮箱", "电子邮箱"), "phone": ("手机", "手机号码"),
        "preferred_locale": ("语言", "首选语言"), "status": ("状态",), "left_date": ("离职日期",),
    },
    Kind.WAGES: {"number": ("工号",), "year": ("年", "年份"), "month": ("月", "月份"), "wage": ("缴费工资", "工资")},
}
REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.DEPARTMENTS: ("code", "name_zh"),
    Kind.EMPLOYEES: ("number", "name", "hire_date", "department", "contract_type"),
    Kind.WAGES: ("number", "year", "month", "wage"),
}
CONTRACT_ALIASES = {"regular": ContractType.REGULAR, "无固定期限": ContractType.REGULAR,
                    "fixed_term": ContractType.FIXED_TERM, "固定期限": ContractType.FIXED_TERM,
                    "short_term": ContractType.SHORT_TERM, "短期": ContractType.SHORT_TERM,
                    "试用期": ContractType.SHORT_TERM, "短期/试用期": ContractType.SHORT_TERM}
STATUS_ALIASES = {"active": EmploymentStatus.ACTIVE, "在职": EmploymentStatus.ACTIVE,
                  "left": EmploymentStatus.LEFT, "离职": EmploymentStatus.LEFT}
LOCALE_ALIASES = {"zh_cn": "zh_CN", "zh": "zh_CN", "中文": "zh_CN", "简体中文": "zh_CN", "en": "en", "english": "en",
                  "英文": "en"}


def spelling(aliases: Mapping[str, Any], value: Any) -> str:
    """How an export writes ``value`` so the importer reads it back: its first Chinese spelling."""
    return next(word for word, meant in aliases.items() if meant == value and not word.isascii())


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
# Limits of one file, checked before and while reading: a file past any of them is refused whole,
# never checked in part. The upload itself is capped by MAX_CONTENT_LENGTH (2 MB).
MAX_ROWS = 50_000  # data rows, after the header
MAX_COLUMNS = 30
MAX_UNCOMPRESSED = 25_000_000  # bytes of all XLSX parts together (50,000 wage rows take 9 MB), from the zip directory
MAX_ZIP_MEMBERS = 200
MAX_LISTED_CHOICES = 40  # accepted spellings named in one error


class TableRefused(ValueError):
    """The file as a whole cannot be checked; ``reason`` says why."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls), whatever the file is called
CSV_DELIMITERS = ",\t;"


def read_table(data: bytes) -> list[list[str]]:
    """Rows of cell texts from a CSV (UTF-8, GB18030 as Chinese Excel saves it, or UTF-16 as its
    "Unicode text"; comma, tab or semicolon separated) or XLSX file. The format comes from the
    bytes, not the name: a workbook renamed ``.csv`` is still read as a workbook.

    Raises ``TableRefused`` for a file past the limits or one that cannot be read. Cells an export
    neutralized for spreadsheets (``'=…``) are read back as they were.
    """
    if data.startswith(OLE2_MAGIC):
        raise TableRefused(Reason.OLD_EXCEL)
    rows = _xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(data)
    table: list[list[str]] = []
    for cells in rows:
        if len(table) > MAX_ROWS:  # the header plus MAX_ROWS rows are allowed
            raise TableRefused(Reason.TOO_MANY_ROWS)
        if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
            raise TableRefused(Reason.TOO_MANY_COLUMNS)
        if any("\x00" in cell for cell in cells):  # no spreadsheet text has one; PostgreSQL cannot store it
            raise TableRefused(Reason.UNREADABLE)
        table.append([restore(cell) for cell in cells[:MAX_COLUMNS]])
    return table


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableRefused(Reason.UNREADABLE)
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)  # the header's separator (a comma on a tie)
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            yield [cell.strip() for cell in row]
    except csv.Error:
        raise TableRefused(Reason.UNREADABLE) from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    """Streamed with openpyxl's read-only reader, after checking the zip directory: the declared
    sheet dimensions are ignored (a tiny file may declare A1:XFD1048576) and columns past the cap
    are never built."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise TableRefused(Reason.UNREADABLE) from None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
        raise TableRefused(Reason.TOO_LARGE)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            cells = [_cell_text(value) for value in row]
            while cells and not cells[-1]:  # iter_rows pads every row to max_col
                cells.pop()
            yield cells
        book.close()
    except TableRefused:
        raise
    except Exception:  # openpyxl and the zip and XML readers raise many kinds for a broken file
        raise TableRefused(Reason.UNREADABLE) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_map(header: list[str], kind: Kind) -> dict[str, int]:
    positions = {}
    for index, name in enumerate(header):
        cleaned = name.strip().lower()
        for key, aliases in COLUMNS[kind].items():
            if cleaned == key or name.strip() in aliases:
                positions.setdefault(key, index)
    return positions


def parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _amount(text: str) -> Decimal | None:
    """An amount within the money bounds (negative allowed here: the caller words that itself)."""
    try:
        return bounds.money(text, minimum=-bounds.MONEY_MAX)
    except bounds.OutOfBounds:
        return None


class _Row:
    """One data row with helpers that record an error and return None on bad cells."""

    def __init__(self, number: int, cells: list[str], positions: dict[str, int], errors: list[RowError]) -> None:
        self.number, self.cells, self.positions, self.errors = number, cells, positions, errors
        self.failed = False

    def text(self, key: str, required: bool = False, max_length: int = 100) -> str | None:
        index = self.positions.get(key)
        value = self.cells[index].strip() if index is not None and index < len(self.cells) else ""
        if not value:
            if required:
                self.fail(key, value, Reason.REQUIRED)
            return None
        if len(value) > max_length:
            return self.fail(key, value[:50], Reason.TOO_LONG)
        return value

    def fail(self, key: str, value: str, reason: Reason, allowed: Iterable[str] = ()) -> None:
        self.errors.append(RowError(self.number, key, value, reason, tuple(allowed)))
        self.failed = True
        return None

    def choice(self, key: str, aliases: Mapping[str, Any], required: bool = False, reason: Reason = Reason.UNKNOWN_CHOICE,
               max_length: int = 100) -> Any:
        """A value looked up as written, in upper case (codes) and in lower case; the error lists the
        accepted spellings."""
        value = self.text(key, required, max_length)
        if value is None:
            return None
        for spelling in (value, value.upper(), value.lower()):
            if spelling in aliases:
                return aliases[spelling]
        return self.fail(key, value, reason, sorted(aliases)[:MAX_LISTED_CHOICES])

    def day(self, key: str, today: date, required: bool = False) -> date | None:
        value = self.text(key, required)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            return self.fail(key, value, Reason.BAD_DATE)
        return parsed if parsed <= today else self.fail(key, value, Reason.FUTURE_DATE)


def _rows(table: list[list[str]], kind: Kind, errors: list[RowError]) -> Iterator[_Row]:
    positions = _header_map(table[0], kind) if table else {}
    missing = [key for key in REQUIRED[kind] if key not in positions]
    for key in missing:
        errors.append(RowError(1, key, "", Reason.MISSING_COLUMN))
    if missing:
        return
    for offset, cells in enumerate(table[1:], start=2):
        if any(cell.strip() for cell in cells):
            yield _Row(offset, cells, positions, errors)


def _unique(records: Iterable[tuple[int, str, Any]], column: str, errors: list[RowError]) -> set[int]:
    """Rows whose key repeats an earlier row's; each repeat is an error on the later row."""
    seen: dict[Any, int] = {}
    duplicates = set()
    for row, shown, key in records:
        if key in seen:
            errors.append(RowError(row, column, shown, Reason.DUPLICATE))
            duplicates.add(row)
        else:
            seen[key] = row
    return duplicates


def preview_departments(table: list[list[str]]) -> Preview:
    preview = Preview(Kind.DEPARTMENTS)
    keys: list[tuple[int, str, Any]] = []  # every row's key, failed rows too: duplicates in the same pass
    for row in _rows(table, Kind.DEPARTMENTS, preview.errors):
        code = (row.text("code", required=True, max_length=20) or "").upper()
        name_zh = row.text("name_zh", required=True)
        name_en = row.text("name_en") or name_zh
        if code:
            keys.append((row.number, code, code))
        if not row.failed:
            preview.records.append({"row": row.number, "code": code, "name_zh": name_zh, "name_en": name_en})
    _drop(preview, _unique(keys, "code", preview.errors))
    return preview


def department_aliases(departments: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Code, Chinese name and English name (code, name_zh, name_en) of each department -> its code:
    HR writes whichever their spreadsheet has."""
    aliases: dict[str, str] = {}
    for code, name_zh, name_en in departments:
        aliases.setdefault(name_en.lower(), code)
        aliases.setdefault(name_zh, code)
    for code, _zh, _en in departments:
        aliases[code] = code  # a code always wins over another department's name
    return aliases


def preview_employees(table: list[list[str]], departments: Mapping[str, str] | set[str], today: date,
                      contract_aliases: Mapping[str, ContractType] | None = None,
                      status_aliases: Mapping[str, EmploymentStatus] | None = None) -> Preview:
    """Employees keyed by number: importing again updates them (the caller upserts by number).
    ``departments`` maps every accepted spelling to a code (a set means codes only); the alias
    mappings add the portal's own labels for contract types and statuses."""
    if not isinstance(departments, Mapping):
        departments = {code: code for code in departments}
    contracts = {**CONTRACT_ALIASES, **(contract_aliases or {})}
    statuses = {**STATUS_ALIASES, **(status_aliases or {})}
    preview = Preview(Kind.EMPLOYEES)
    keys: list[tuple[int, str, Any]] = []
    for row in _rows(table, Kind.EMPLOYEES, preview.errors):
        raw_number = row.text("number", required=True, max_length=20)
        number = normalise_employee_number(raw_number) if raw_number else None
        if number:
            keys.append((row.number, number, number))
        if number and not is_valid_employee_number(number):
            row.fail("number", raw_number or "", Reason.BAD_NUMBER_FORMAT)
        name = row.text("name", required=True)
        hire_date = row.day("hire_date", today, required=True)
        department = row.choice("department", departments, required=True, reason=Reason.UNKNOWN_DEPARTMENT)
        contract = row.choice("contract_type", contracts, required=True)
        status = row.choice("status", statuses) or EmploymentStatus.ACTIVE
        left_date = row.day("left_date", today)
        email = row.text("email", max_length=254)
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            row.fail("email", email, Reason.UNKNOWN_CHOICE)
        phone = row.text("phone", max_length=30)
        locale = row.choice("preferred_locale", LOCALE_ALIASES) or "zh_CN"
        if status is EmploymentStatus.LEFT and left_date is None and not row.failed:
            row.fail("left_date", "", Reason.REQUIRED)
        if not row.failed:
            preview.records.append({
                "row": row.number, "number": number, "name": name, "hire_date": hire_date, "department": department,
                "contract_type": contract, "email": email, "phone": phone, "preferred_locale": locale,
                "status": status, "left_date": left_date,
            })
    _drop(preview, _unique(keys, "number", preview.errors))
    return preview


def named_numbers(table: list[list[str]], kind: Kind) -> set[str]:
    """The employee numbers a file names, spelled as its check reads them: the caller looks up
    these, not every stored number."""
    index = _header_map(table[0], kind).get("number") if table else None
    if index is None:
        return set()
    cells = (row[index].strip() for row in table[1:] if index < len(row))
    return {normalise_employee_number(cell) for cell in cells if cell}


def preview_wages(table: list[list[str]], employee_numbers: set[str], today: date) -> Preview:
    """Monthly contribution wages; one row per employee and month."""
    preview = Preview(Kind.WAGES)
    keys: list[tuple[int, str, Any]] = []
    for row in _rows(table, Kind.WAGES, preview.errors):
        raw_number = row.text("number", required=True, max_length=20)
        number = normalise_employee_number(raw_number) if raw_number else None
        if number and number not in employee_numbers:
            row.fail("number", raw_number or "", Reason.UNKNOWN_EMPLOYEE)
        year, month = row.text("year", required=True, max_length=4), row.text("month", required=True, max_length=2)
        period = None
        if year and month:
            if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12 and 2000 <= int(year) <= today.year:
                period = (int(year), int(month))
                if period > (today.year, today.month):
                    row.fail("month", f"{year}-{month}", Reason.FUTURE_DATE)
            else:
                row.fail("month", f"{year}-{month}", Reason.BAD_MONTH)
        if number and period:
            keys.append((row.number, f"{number} {period[0]}-{period[1]:02d}", (number, *period)))
        raw_wage = row.text("wage", required=True, max_length=20)
        wage = _amount(raw_wage) if raw_wage else None
        if raw_wage and wage is None:
            row.fail("wage", raw_wage, Reason.BAD_AMOUNT)
        elif wage is not None and wage < 0:
            row.fail("wage", raw_wage or "", Reason.NEGATIVE)
        if not row.failed:
            preview.records.append({"row": row.number, "number": number, "year": period[0], "month": period[1],
                                    "wage": wage})
    _drop(preview, _unique(keys, "month", preview.errors))
    return preview


def _drop(preview: Preview, rows: set[int]) -> None:
    preview.records = [r for r in preview.records if r["row"] not in rows]




@dataclass(frozen=True)
class Change:
    """What importing one row will do: ``create``, ``rename`` (the name changes, perhaps more),
    ``update`` (other columns change) or ``unchanged``."""

    row: int
    key: str
    action: str
    old_name: str | None = None
    new_name: str | None = None


KEY_COLUMNS = {Kind.DEPARTMENTS: ("code",), Kind.EMPLOYEES: ("number",), Kind.WAGES: ("number", "year", "month")}
NAME_COLUMNS = {Kind.DEPARTMENTS: "name_zh", Kind.EMPLOYEES: "name"}


def record_key(kind: Kind, record: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(record[column] for column in KEY_COLUMNS[kind])


def plan_changes(preview: Preview, existing: Mapping[tuple[Any, ...], Mapping[str, Any]]) -> list[Change]:
    """Each record of an error-free preview against the stored rows (by the same keys and columns):
    the preview shown before anything is written."""
    name = NAME_COLUMNS.get(preview.kind)
    changes = []
    for record in preview.records:
        key = record_key(preview.kind, record)
        shown = " ".join(str(part) for part in key)
        stored = existing.get(key)
        if stored is None:
            changes.append(Change(record["row"], shown, "create", new_name=record.get(name) if name else None))
        elif name and stored[name] != record[name]:
            changes.append(Change(record["row"], shown, "rename", stored[name], record[name]))
        elif any(stored[column] != value for column, value in record.items() if column in stored):
            changes.append(Change(record["row"], shown, "update"))
        else:
            changes.append(Change(record["row"], shown, "unchanged"))
    return changes
