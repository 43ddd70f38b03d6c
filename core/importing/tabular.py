"""Reading and writing the spreadsheets admins work in (.xlsx and .csv).

Text that begins with ``=``, ``+``, ``-`` or ``@`` is data, never a formula: it is read as the
text the cell shows and written back so that neither Excel nor LibreOffice evaluates it.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 200_000


class TableError(ValueError):
    """The file cannot be read as a table; the message is for the user."""


def read_table(data: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Return the header row and an iterator of (spreadsheet row number, cells)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data)
    if suffix == ".csv":
        return _read_csv(data)
    raise TableError(
        _("Only .xlsx and .csv files can be imported; %(name)s is neither.") % {"name": filename}
    )


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell gives its text ("=SUM(A1)"), never a computed value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise TableError(_("The file is not a readable Excel workbook (.xlsx).")) from None
    sheet = workbook.worksheets[0]
    # Read to the last row there is, not to the size the writer declared (<dimension>):
    # some tools write a wrong one, and openpyxl would stop there.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise TableError(_("The first sheet is empty.")) from None
    return _headers(header), _numbered(rows)


def _decode(data: bytes) -> str:
    """Excel saves CSV as UTF-8 (with or without BOM), "Unicode text" (UTF-16) or the
    Windows code page; latin-1 is the last resort because it accepts any byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The file's text encoding cannot be read; save it as CSV UTF-8."))


def _read_csv(data: bytes):
    # Old Mac files end lines with CR alone; the csv module wants them normalised.
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    return _headers(header), _numbered(reader)


def _headers(cells: Iterable) -> list[str]:
    return [" ".join(str(cell).split()).lower() if cell is not None else "" for cell in cells]


def _numbered(rows: Iterable) -> Iterator[tuple[int, list]]:
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise TableError(
                _("The file has more than %(max)s rows.") % {"max": intcomma(MAX_ROWS)}
            )
        cells = list(cells)
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue  # blank rows between data are common in hand-made sheets
        yield number, cells


def write_xlsx(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """An .xlsx whose text cells are always text (never formulas), dates as real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            elif isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """A UTF-8 CSV (with BOM, so Excel reads it right) with formula-like text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_safe(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value  # OWASP: a leading apostrophe keeps spreadsheets from evaluating it
    return value


# Counting rows reads the sheet's XML as bytes (no parsing); past this much of it the file
# is large whatever it holds, and the count stops there.
COUNT_MAX_XML_BYTES = 64 * 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?row[\s>]")


def table_row_count(data: bytes, filename: str) -> int | None:
    """An estimate of the data rows (blank rows included), for the progress bar and to
    decide whether a file is small enough to import during the request; None when it is
    too large to count (a worker will read it). A workbook's own statement of its size is
    not trusted: its rows are counted in the XML of its first sheet, up to a cap. A file
    that cannot be read counts 0: the import then says what is wrong with it."""
    if Path(filename).suffix.lower() == ".xlsx":
        try:
            rows = _xlsx_rows(data)
        except Exception:  # damaged, encrypted, unknown compression …: the parser explains
            return 0
        return None if rows is None else max(0, rows - 1)
    return max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1))


def _xlsx_rows(data: bytes) -> int | None:
    from openpyxl import load_workbook

    # openpyxl reads only the workbook's index here, to name the first sheet's file.
    path = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]._worksheet_path
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as sheet:
        rows, read, tail = 0, 0, b""
        while chunk := sheet.read(1024 * 1024):
            window = tail + chunk
            rows += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(tail))
            tail = window[-256:]
            read += len(chunk)
            if read > COUNT_MAX_XML_BYTES:
                return None
        return rows
