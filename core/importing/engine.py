"""The import engine: a module declares an :class:`Importer` (its columns, its row rules and
how it writes) and gets the rest — header matching, cell parsing, the all-or-nothing
report, good-rows-only, background jobs with progress, template files and the page.

Importing is all or nothing: every row is checked first; the report lists each bad row
with its column and the reason, and nothing is written unless every row is good, or the
admin asks for the good rows only. Writers upsert, so importing a file again changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.models import Role
from core.importing.columns import CellError, Column
from core.importing.limits import DEFAULT_LIMITS, ReadLimits
from core.importing.report import ImportReport
from core.importing.tabular import TableError, read_table


class ImportRefused(ValueError):
    """Raised by a writer for a problem found only while writing; nothing is written and the
    message (for the user) goes into the report."""


class Importer:
    """One kind of file a module imports. Subclass, set the attributes, register it."""

    kind: str  # unique across modules: "units", "skp_rhk" …
    label: str  # for people ("Unit", "Jabatan" …)
    columns: list[Column]
    examples: list[list] = []  # rows of the downloadable template file
    order: int = 100  # place on the import page

    def may_import(self, user) -> bool:
        """Imports change the Pemda's data: the BKPSDMD admin's work unless a module says."""
        return user.is_authenticated and user.role == Role.TENANT_ADMIN

    def header(self, field: str) -> str:
        return next(column.header for column in self.columns if column.field == field)

    def reject(self, report: ImportReport, record: dict, field: str, message: str) -> None:
        report.error(record["_row"], self.header(field), message)

    def validate(self, records: list[dict], report: ImportReport) -> None:
        """Rules across rows and against the database (duplicates, references, the
        module's rules); report each problem with :meth:`reject`."""

    def write(self, records: list[dict], report: ImportReport) -> None:
        """Upsert the good records and count created, updated and unchanged rows."""
        raise NotImplementedError


_IMPORTERS: dict[str, Importer] = {}


KIND_MAX_LENGTH = 50  # ImportJob.kind


def importer_register(importer: Importer) -> Importer:
    if len(importer.kind) > KIND_MAX_LENGTH:
        raise ValueError(f"import kind {importer.kind!r} is longer than {KIND_MAX_LENGTH}")
    if importer.kind in _IMPORTERS and type(_IMPORTERS[importer.kind]) is not type(importer):
        raise ValueError(f"two importers claim the kind {importer.kind!r}")
    _IMPORTERS[importer.kind] = importer
    return importer


def importer_get(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}") from None


def importers_all() -> list[Importer]:
    return sorted(_IMPORTERS.values(), key=lambda importer: (importer.order, importer.kind))


def importers_for(user) -> list[Importer]:
    return [importer for importer in importers_all() if importer.may_import(user)]


def _records(importer: Importer, data: bytes, filename: str, report, progress, counted, limits):
    headers, rows = read_table(data, filename, limits, counted=counted)
    index = {}
    for column in importer.columns:
        if column.key in headers:
            index[column.field] = headers.index(column.key)
        elif column.required:
            report.file_error(
                column.header,
                _("The header row has no column “%(name)s”.") % {"name": column.header},
            )
    if report.unusable:
        return []
    records = []
    for number, cells in rows:
        report.total += 1
        record = {"_row": number}
        for column in importer.columns:
            position = index.get(column.field)
            value = cells[position] if position is not None and position < len(cells) else None
            try:
                record[column.field] = column.parse(value)
            except CellError as exc:
                report.error(number, column.header, str(exc))
        records.append(record)
        if progress and report.total % 1000 == 0:
            progress(report.total)
    return records


def table_import(
    *,
    kind: str,
    data: bytes,
    filename: str,
    good_rows_only: bool = False,
    progress: Callable[[int], None] | None = None,
    counted: Callable[[int], None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ImportReport:
    """Check every row of the file, then write all of it in one transaction, or nothing.
    ``counted`` hears how many rows the file holds (an estimate) before they are checked,
    ``progress`` how many have been, every 1,000.

    1. Read the table and match the header row to the importer's columns.
    2. Parse every cell, then check every row (the importer's cross-row and module rules).
    3. If any row is bad, write nothing, unless ``good_rows_only`` is set.
    4. Write the good rows in one transaction (the importer upserts).
    """
    importer = importer_get(kind)
    report = ImportReport(kind=kind)
    try:
        records = _records(importer, data, filename, report, progress, counted, limits)
    except TableError as exc:
        # Refused part-way (a limit passed, a damaged part): the rows checked until then
        # do not matter; the report says what is wrong with the file, and only that.
        report = ImportReport(kind=kind)
        report.file_error("", str(exc))
        return report
    if report.unusable:
        return report
    if not records:
        report.file_error("", _("The file has its header row but no data rows below it."))
        return report
    importer.validate(records, report)
    report.errors.sort(key=lambda error: error.row)
    if report.errors and not good_rows_only:
        return report
    bad = report.bad_row_numbers
    good = [record for record in records if record["_row"] not in bad]
    if not good:
        return report
    try:
        with transaction.atomic():
            importer.write(good, report)
    except ImportRefused as exc:
        report.refuse(str(exc))
        return report
    report.written = True
    return report
