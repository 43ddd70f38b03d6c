"""Downloads in the formats admins work in. An export's first columns are the import
columns of the same kind, so an export can be edited and imported back unchanged."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse

from core.importing.tabular import write_csv, write_xlsx

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def table_response(headers: list[str], rows: Iterable[Iterable], *, fmt: str, name: str):
    """An .xlsx or .csv download named ``name``.``fmt``."""
    data = write_xlsx(headers, rows) if fmt == "xlsx" else write_csv(headers, rows)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def import_template_response(importer):
    """The template file of an importer: its header row and example rows."""
    return table_response(
        [column.header for column in importer.columns],
        importer.examples,
        fmt="xlsx",
        name=f"template-{importer.kind}",
    )
