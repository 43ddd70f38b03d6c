"""Benchmark: hostile and maximal import files — how long each takes and how much memory.

Run from the project root:  DEBUG=1 .venv/bin/python bench/import_hostile.py

Issue 7's security test found files that took a web worker to 2.8 GB, or a request for
minutes. Each file below is imported the way a worker imports it (``table_import`` for the
employees of a fresh Pemda: read, parse, check every row, inside a transaction that is
rolled back), in a process of its own. The process's peak memory is reset just before the
file is read (``/proc/self/clear_refs``), so "grew" is what the import itself added. The bound
the issue sets: no upload of at most 25 MB makes a process grow by more than 300 MB.

1. A database of its own (``<name>_bench_hostile``), dropped at the end; one Pemda.
2. The files, built here: the issue's three crafted workbooks at full size, a "zip bomb"
   unpacking to 1 GB, a CSV of 1,000,000 rows, texts and nesting at the limits, and the
   largest real files the limits allow (100,000 employees as CSV and as .xlsx with long
   names; their rows break rules, so every row is checked and reported, nothing written).
3. Each file in a child process: seconds, the outcome (the first message), memory growth.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _database import bench_django, bench_platform_setup

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

REGION = "35.78"  # Kota Surabaya
SLUG = "bench-hostile"
BOUND_MB = 300
UPLOAD_MAX_MB = 25
EMPLOYEE_HEADER = ["NIP", "Nama", "Status", "Golongan", "Kode Jabatan", "Kode Unit"]
EMPLOYEE_HEADER += ["TMT Jabatan", "Email", "Telepon"]


# --- the files -----------------------------------------------------------------------------


def _workbook(write_sheet) -> bytes:
    """A workbook (openpyxl's parts) whose first sheet's XML ``write_sheet(stream)`` writes."""
    from core.importing.tabular import write_xlsx

    template = zipfile.ZipFile(io.BytesIO(write_xlsx(["A"], [])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in template.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, template.read(item.filename))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                )
                write_sheet(sheet)
                sheet.write(b"</worksheet>")
    return out.getvalue()


def one_row_of_3m_cells(sheet):
    sheet.write(b'<dimension ref="A1"/><sheetData><row r="1">')
    cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * 10_000
    for _ in range(300):
        sheet.write(cells)
    sheet.write(b"</row></sheetData>")


def rows_200k_by_50_without_dimension(sheet):
    sheet.write(b"<sheetData>")
    cells = b"<c><v>1</v></c>" * 50
    for start in range(1, 200_001, 1000):
        sheet.write(
            b"".join(b'<row r="%d">' % n + cells + b"</row>" for n in range(start, start + 1000))
        )
    sheet.write(b"</sheetData>")


def _header_row() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in EMPLOYEE_HEADER)
    return f'<row r="1">{cells}</row>'.encode()


def varied_200k_by_50(sheet):
    """The same size, but numbers that do not repeat: it passes the compression check and
    is stopped by the count of cells."""
    sheet.write(b"<sheetData>" + _header_row())
    for start in range(2, 200_002, 1000):
        sheet.write(
            b"".join(
                b'<row r="%d">' % n
                + b"".join(
                    b"<c><v>%d</v></c>" % ((n * 7919 + col * 104729) % 1000) for col in range(50)
                )
                + b"</row>"
                for n in range(start, start + 1000)
            )
        )
    sheet.write(b"</sheetData>")


def a_million_blank_cells(sheet):
    sheet.write(b"<sheetData>" + _header_row())
    letters = [f"{chr(65 + n // 26) if n >= 26 else ''}{chr(65 + n % 26)}" for n in range(100)]
    for row in range(2, 10_002):
        sheet.write(
            f'<row r="{row}">'.encode()
            + "".join(f'<c r="{col}{row}" s="1"/>' for col in letters).encode()
            + b"</row>"
        )
    sheet.write(b"</sheetData>")


def a_gigabyte_of_xml(sheet):
    sheet.write(b'<sheetData><row r="1">')
    chunk = b"<c/>" * (256 * 1024)
    for _ in range(1024):
        sheet.write(chunk)
    sheet.write(b"</row></sheetData>")


def employee_rows(count: int, name_length: int = 0, email_length: int = 0):
    for n in range(count):
        name = f"Pegawai Uji Beban Nomor {n}"
        email = f"pegawai.{n}@contoh.go.id"
        yield [
            f"19{n % 30 + 70:02d}0101{2000 + n % 20}03{n % 2 + 1}{n % 1000:03d}",
            name + " " + "x" * max(0, name_length - len(name) - 1) if name_length else name,
            "PNS",
            "III/a",
            f"JAB-{n % 5000:05d}",
            f"UNIT-TIDAK-ADA-{n % 1200}",
            "2020-01-02",
            "p" * max(0, email_length - len(email)) + email if email_length else email,
            "081234567890",
        ]


def shared_strings_at_the_limit(count: int = 1_000_000, length: int = 23) -> bytes:
    """A workbook listing a million distinct texts of 23 characters (the limits allow a
    million and 24 million characters), used by a small sheet."""
    from core.importing.tabular import write_xlsx

    data = write_xlsx(EMPLOYEE_HEADER, [])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId9" Target="sharedStrings.xml" Type="http://schemas.'
                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                    b"</Relationships>",
                )
            target.writestr(item.filename, body)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for start in range(0, count, 10_000):
                strings.write(
                    b"".join(
                        b"<si><t>%s</t></si>" % f"{n:0{length}d}".encode()
                        for n in range(start, start + 10_000)
                    )
                )
            strings.write(b"</sst>")
    return out.getvalue()


def deep_nesting(sheet):
    sheet.write(b"<sheetData>" + _header_row() + b'<row r="2">')
    for _ in range(100):
        sheet.write(b"<a>" * 60_000)
    sheet.write(b"</row></sheetData>")


def one_long_attribute(sheet):
    sheet.write(b'<sheetData><row r="1" x="')
    for _ in range(200):
        sheet.write(b"y" * 1024 * 1024)
    sheet.write(b'"/></sheetData>')


def broken_chain(count: int):
    """Units in one chain, each the parent of the next; the first one's parent is missing,
    so every row is refused (issue 7 found 161 s for 2,000 before)."""
    yield ["U00000", "Unit 0", "TIDAK-ADA", "DINAS"]
    for n in range(1, count):
        yield [f"U{n:05d}", f"Unit {n}", f"U{n - 1:05d}", "BIDANG"]


def files() -> dict[str, tuple[str, bytes]]:
    from core.importing.tabular import write_csv, write_xlsx

    bad_csv = (",".join(EMPLOYEE_HEADER) + "\n").encode() + b"bukan-nip,,,,,,,,\n" * 1_000_000
    unit_header = ["Kode Unit", "Nama Unit", "Kode Induk", "Jenis"]
    return {
        "units: 20,000 in a broken chain": (
            "units.xlsx",
            write_xlsx(unit_header, broken_chain(20_000)),
        ),
        "issue: 1 row x 3,000,000 cells": ("a.xlsx", _workbook(one_row_of_3m_cells)),
        "issue: 200,000 x 50 cells, no <dimension>": (
            "b.xlsx",
            _workbook(rows_200k_by_50_without_dimension),
        ),
        "200,000 x 50 varied cells": ("b2.xlsx", _workbook(varied_200k_by_50)),
        "issue: 1,000,000 blank cells": ("c.xlsx", _workbook(a_million_blank_cells)),
        "zip bomb: 1 GB of XML": ("d.xlsx", _workbook(a_gigabyte_of_xml)),
        "issue: CSV, 1,000,000 bad rows": ("e.csv", bad_csv),
        "nesting 6,000,000 deep": ("h.xlsx", _workbook(deep_nesting)),
        "one attribute of 200 MB": ("i.xlsx", _workbook(one_long_attribute)),
        "1,000,000 shared texts (the limits)": ("j.xlsx", shared_strings_at_the_limit()),
        "largest: 100,000 employees .csv": (
            "f.csv",
            write_csv(EMPLOYEE_HEADER, employee_rows(100_000, name_length=80, email_length=60)),
        ),
        "largest: 100,000 employees .xlsx, long texts": (
            "g.xlsx",
            write_xlsx(EMPLOYEE_HEADER, employee_rows(100_000, name_length=150, email_length=60)),
        ),
    }


# --- one file, in a process of its own -------------------------------------------------------


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(path: str, name: str) -> None:
    kind = "units" if name.startswith("units") else "employees"
    import django

    django.setup()
    from django.db import transaction

    from core.importing.engine import table_import
    from core.org import imports  # noqa: F401  (registers the importers)
    from tenants.models import Pemda

    pemda = Pemda.objects.get(slug=SLUG)
    with pemda:
        Path("/proc/self/clear_refs").write_text("5")  # peak memory from here on
        before = _status_kb("VmRSS")
        start = time.perf_counter()
        data = Path(path).read_bytes()
        with transaction.atomic():
            report = table_import(kind=kind, data=data, filename=name)
            transaction.set_rollback(True)
        seconds = time.perf_counter() - start
        peak = _status_kb("VmHWM")
    result = {
        "seconds": seconds,
        "grew_mb": (peak - before) / 1024,
        "rows": report.total,
        "errors": report.error_count,
        "kept": len(report.errors),
        "first": report.errors[0].message if report.errors else "",
    }
    print(json.dumps(result))


def _run_child(path: Path, name: str) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--name", name],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    if completed.returncode:
        raise SystemExit(completed.stderr[-3000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _bench(name: str) -> None:
    from django.db import connection

    from tenants.lifecycle import PemdaStatus
    from tenants.services import pemda_provision, pemda_request

    bench_platform_setup(name)
    pemda = pemda_request(
        region_code=REGION, template_name="surabaya", slug=SLUG, admin_password="x"
    )
    if pemda_provision(pemda_id=pemda.pk).status != PemdaStatus.ACTIVE:
        raise SystemExit("provisioning the bench Pemda failed")
    connection.close()

    print(
        f"bound: an upload of at most {UPLOAD_MAX_MB} MB grows a process by at most {BOUND_MB} MB"
    )
    print()
    print(f"{'file':<44} {'size':>9} {'seconds':>8} {'grew MB':>8}  outcome")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for label, (filename, data) in files().items():
            path = Path(folder) / filename
            path.write_bytes(data)
            size = len(data) / (1024 * 1024)
            result = _run_child(path, filename)
            worst = max(worst, result["grew_mb"]) if size <= UPLOAD_MAX_MB else worst
            outcome = result["first"][:70] or "imported"
            if result["errors"] > 1:
                outcome = (
                    f"{result['rows']:,} rows, {result['errors']:,} errors "
                    f"({result['kept']:,} kept): {outcome[:40]}"
                )
            print(
                f"{label:<44} {size:>7.2f}MB {result['seconds']:>8.2f} "
                f"{result['grew_mb']:>8.1f}  {outcome}"
            )
            path.unlink()
    print()
    verdict = "within" if worst <= BOUND_MB else "OVER"
    print(f"largest growth, uploads up to {UPLOAD_MAX_MB} MB: {worst:.0f} MB ({verdict} the bound)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.name)
        return
    with bench_django("bench_hostile") as name:
        _bench(name)


if __name__ == "__main__":
    main()
