"""How much of a file the import reads before it refuses it.

An upload is at most 25 MB, but a workbook is a zip archive: a few hundred kilobytes can
unpack to gigabytes of XML, or to one row of millions of cells. The readers check these
limits *while* reading, and stop with a :class:`TableError` (its message is for the user)
the moment one is passed, so no file makes a process grow by more than a bounded amount or
run for more than a bounded time. The figures are in the README ("Import limits").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024


class TableError(ValueError):
    """The file cannot be read as a table; the message is for the user."""


@dataclass(frozen=True)
class ReadLimits:
    # Data rows (the header row not counted). The largest Pemda has some 60,000 ASN.
    rows: int = 100_000
    # Columns of a row, and the cell furthest to the right. The widest import has 20.
    columns: int = 200
    # Characters in one cell: Excel's own limit.
    cell_chars: int = 32_767
    # Cells read in the whole sheet, blank ones included (100,000 rows × 30 columns).
    cells: int = 3_000_000
    # Distinct texts a workbook may list (its shared strings), and their characters in all.
    shared_strings: int = 1_000_000
    shared_chars: int = 24_000_000
    # What the parts the import reads (the first sheet, its texts, its styles) unpack to.
    xml_bytes: int = 256 * MEGABYTE
    # How much a part may shrink in the archive, for parts over 1 MB. Real sheets shrink
    # 5 to 15 times; a "zip bomb" hundreds or thousands of times.
    compression_ratio: int = 100
    # Lines of a CSV file that one row (quoted text with line breaks) may span.
    lines_per_row: int = 1000
    # Characters on one line of a CSV file.
    line_chars: int = 1_000_000
    # Seconds to read the file, from the first byte to the last row.
    seconds: float = 300.0


DEFAULT_LIMITS = ReadLimits()


class Budget:
    """The running counts a reader checks against its limits."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.cells = 0
        self.deadline = time.monotonic() + limits.seconds

    def cells_read(self, n: int = 1) -> None:
        self.cells += n
        if self.cells > self.limits.cells:
            raise TableError(
                _("The file has more than %(max)s cells; split it into smaller files.")
                % {"max": intcomma(self.limits.cells)}
            )
        if self.cells % 4096 == 0:
            self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise TableError(
                _(
                    "Reading the file took longer than %(seconds)s seconds; split it into "
                    "smaller files."
                )
                % {"seconds": int(self.limits.seconds)}
            )

    def row_width(self, columns: int, row: int) -> None:
        if columns > self.limits.columns:
            raise TableError(
                _(
                    "Row %(row)s has cells beyond column %(max)s; delete the columns to the "
                    "right of your data."
                )
                % {"row": intcomma(row), "max": self.limits.columns}
            )

    def cell_length(self, length: int, where: str) -> None:
        if length > self.limits.cell_chars:
            raise TableError(
                _("Cell %(cell)s holds more than %(max)s characters.")
                % {"cell": where, "max": intcomma(self.limits.cell_chars)}
            )

    def row_count(self, rows: int) -> None:
        if rows > self.limits.rows:
            raise TableError(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": intcomma(self.limits.rows)}
            )
