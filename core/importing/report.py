"""What an import found and did: every bad row with its column and reason, and counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

FILE_ROW = 1  # problems with the file itself (its header row, its format) are reported here


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (1 is the header row); 0 for the whole file
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    # The file itself cannot be imported (unreadable, or a column missing): there are no
    # "good rows" to offer, whatever the counts say.
    unusable: bool = False

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def file_error(self, column: str, message: str) -> None:
        self.unusable = True
        self.errors.append(RowError(FILE_ROW, column, message))

    def refuse(self, message: str) -> None:
        """The rows were good, but writing them was refused as a whole (the message says
        why): nothing was written, and there are no good rows to offer on their own."""
        self.unusable = True
        self.created = self.updated = self.unchanged = 0
        self.errors.append(RowError(0, "", message))

    @property
    def bad_row_numbers(self) -> set[int]:
        return {error.row for error in self.errors}

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
            "errors": [asdict(error) for error in self.errors],
        }
