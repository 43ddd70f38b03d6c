"""Reading and writing the spreadsheets admins work in (.xlsx and .csv).

Text that begins with ``=``, ``+``, ``-`` or ``@`` is data, never a formula: it is read as the
text the cell shows and written back so that neither Excel nor LibreOffice evaluates it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from core.importing.limits import DEFAULT_LIMITS, Budget, ReadLimits, TableError
from core.importing.xlsx import Workbook, _column_letters

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def read_table(
    data: bytes,
    filename: str,
    limits: ReadLimits = DEFAULT_LIMITS,
    *,
    counted: Callable[[int], None] | None = None,
) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Return the header row and an iterator of (spreadsheet row number, cells).

    Both formats are read as a stream, checking ``limits`` as they go: the iterator raises
    :class:`TableError` the moment the file passes one. ``counted`` is told, before any
    data row is read, the estimate :func:`table_row_count` gives, taken from the count the
    reader makes anyway (a workbook's rows are counted before they are read)."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data, limits, counted)
    if suffix == ".csv":
        if counted:
            counted(_csv_row_estimate(data))
        return _read_csv(data, limits)
    raise TableError(
        _("Only .xlsx and .csv files can be imported; %(name)s is neither.") % {"name": filename}
    )


def _read_xlsx(data: bytes, limits: ReadLimits, counted: Callable[[int], None] | None):
    # Read to the last row there is, not to the size the writer declared (<dimension>):
    # some tools write a wrong one.
    workbook = Workbook(data, limits)
    rows = workbook.rows()
    try:
        _number, header = next(rows)
    except StopIteration:
        raise TableError(_("The first sheet is empty.")) from None
    if counted:
        counted(max(0, workbook.row_tags - 1))
    return _headers(header), _data_rows(rows, limits)


def _encoding(data: bytes) -> str:
    """Excel saves CSV as UTF-8 (with or without BOM), "Unicode text" (UTF-16) or the
    Windows code page; latin-1 is the last resort because it accepts any byte. Checked a
    chunk at a time, so no decoded copy of the whole file is made."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    view = memoryview(data)
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1024 * 1024):
                decoder.decode(view[start : start + 1024 * 1024])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


class _Lines:
    """The lines of a CSV file for the csv module, each at most ``line_chars`` long and at
    most ``lines_per_row`` for one row (quoted text may hold line breaks)."""

    def __init__(self, stream, limits: ReadLimits):
        self.stream = stream
        self.limits = limits
        self.since_row = 0

    def __iter__(self):
        while line := self.stream.readline(self.limits.line_chars + 1):
            self.since_row += 1
            if len(line) > self.limits.line_chars or self.since_row > self.limits.lines_per_row:
                raise TableError(
                    _(
                        "A row of the file is longer than %(max)s characters; check that it "
                        "is a table saved as CSV."
                    )
                    % {"max": intcomma(self.limits.line_chars)}
                )
            yield line


def _read_csv(data: bytes, limits: ReadLimits):
    encoding = _encoding(data)
    sample = data[:4096].decode(encoding, errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline=None: old Mac files end lines with CR alone; the csv module wants "\n".
    lines = _Lines(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=None), limits)
    reader = csv.reader(lines, dialect)
    budget = Budget(limits)

    def records():
        number = 1
        try:
            for cells in reader:
                lines.since_row = 0
                budget.cells_read(len(cells))
                budget.row_width(len(cells), number)
                for position, cell in enumerate(cells, start=1):
                    budget.cell_length(len(cell), f"{_column_letters(position)}{number}")
                number += 1
                yield cells
        except csv.Error as exc:
            raise TableError(
                _("Row %(row)s cannot be read as CSV: %(reason)s") % {"row": number, "reason": exc}
            ) from None
        except UnicodeError:  # a UTF-16 file cut in the middle of a character
            raise TableError(
                _("The file's text encoding cannot be read; save it as CSV UTF-8.")
            ) from None

    rows = records()
    try:
        header = next(rows)
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    return _headers(header), _data_rows(enumerate(rows, start=2), limits)


def _headers(cells: Iterable) -> list[str]:
    return [" ".join(str(cell).split()).lower() if cell is not None else "" for cell in cells]


def _data_rows(rows: Iterable, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[tuple[int, list]]:
    """The rows with something in them (blank rows between data are common in hand-made
    sheets), with their spreadsheet numbers; at most ``limits.rows`` of them."""
    count = 0
    for number, cells in rows:
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        count += 1
        if count > limits.rows:
            raise TableError(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": intcomma(limits.rows)}
            )
        yield number, cells


def write_xlsx(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """An .xlsx whose text cells are always text (never formulas), dates as real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                # Control characters (typed or pasted into a form) cannot be stored in a
                # workbook's XML: openpyxl would refuse the whole export.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
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


def table_row_count(data: bytes, filename: str) -> int | None:
    """An estimate of the data rows (blank rows included), for the progress bar and to
    decide whether a file is small enough to import during the request; None when it is
    too large to count (a worker will read it). A workbook's own statement of its size is
    not trusted: its rows are counted in the XML of its first sheet, up to a cap. A file
    that cannot be read counts 0: the import then says what is wrong with it."""
    if Path(filename).suffix.lower() == ".xlsx":
        try:
            tags = Workbook(data, DEFAULT_LIMITS).tags(max_bytes=64 * 1024 * 1024)
        except Exception:  # damaged, a zip bomb, unknown compression …: the reader explains
            return 0
        return None if tags is None else max(0, tags[0] - 1)
    return _csv_row_estimate(data)


def _csv_row_estimate(data: bytes) -> int:
    """The lines after the header (a quoted line break counts as a row)."""
    return max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1))
