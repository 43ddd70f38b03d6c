"""What an import found and did: the bad rows with their column and reason, and counts.

A report keeps the first MAX_KEPT_ERRORS errors word for word and counts all of them (in
total and per column), so a file of a million bad cells makes a small report.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

FILE_ROW = 1  # problems with the file itself (its header row, its format) are reported here
MAX_KEPT_ERRORS = 1000
MAX_QUOTED = 100
MAX_MESSAGE = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    return _CONTROL.sub("", str(text))


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (1 is the header row); 0 for the whole file
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_KEPT_ERRORS
    error_count: int = 0
    errors_by_column: dict[str, int] = field(default_factory=dict)
    bad_row_numbers: set[int] = field(default_factory=set)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    # The file itself cannot be imported (unreadable, or a column missing): there are no
    # "good rows" to offer, whatever the counts say.
    unusable: bool = False

    def error(self, row: int, column: str, message: str) -> None:
        # A message may quote the file (a value, a header); what it quotes is cut short and
        # loses its control characters (PostgreSQL cannot store NUL in the report).
        column = printable(column)[:MAX_QUOTED]
        message = printable(message)[:MAX_MESSAGE]
        self.error_count += 1
        self.bad_row_numbers.add(row)
        self.errors_by_column[column] = self.errors_by_column.get(column, 0) + 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(RowError(row, column, message))

    def file_error(self, column: str, message: str) -> None:
        self.unusable = True
        self.error(FILE_ROW, column, message)

    def refuse(self, message: str) -> None:
        """The rows were good, but writing them was refused as a whole (the message says
        why): nothing was written, and there are no good rows to offer on their own."""
        self.unusable = True
        self.created = self.updated = self.unchanged = 0
        self.error(0, "", message)

    @property
    def bad_rows(self) -> int:
        return 0 if self.unusable else len(self.bad_row_numbers)

    @property
    def good_rows(self) -> int:
        return 0 if self.unusable else max(0, self.total - self.bad_rows)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "total": self.total,
            "good_rows": self.good_rows,
            "bad_rows": self.bad_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "written": self.written,
            "unusable": self.unusable,
            "error_count": self.error_count,
            "errors_by_column": self.errors_by_column,
            "errors": [asdict(error) for error in self.errors],
        }
