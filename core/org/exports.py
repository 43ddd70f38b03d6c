"""Excel/CSV exports of the org lists, with the filters the user applied.

The first columns are exactly the import columns (core.org.imports), so an export can be
edited and imported back; the extra columns after them (names, atasan) are ignored by the
import.
"""

from __future__ import annotations

from core.org import selectors
from core.org.imports import ORG_IMPORTERS
from core.org.models import EmploymentStatus, JenisJabatan, Jenjang, UnitKind

CHUNK = 2000


def _headers(kind: str, *extra: str) -> list[str]:
    return [column.header for column in ORG_IMPORTERS[kind].columns] + list(extra)


def employees(*, user, q="", opd="", unit="", status="", missing="", **_ignored):
    headers = _headers("employees", "Nama Jabatan", "Nama Unit", "OPD", "NIP Atasan", "Nama Atasan")
    status_label = dict(EmploymentStatus.choices)
    queryset = selectors.employee_list(
        user=user, q=q, opd=opd, unit=unit, status=status, missing=missing
    )
    rows = (
        [
            e.nip,
            e.name,
            status_label[e.status],
            e.golongan,
            e.position.code,
            e.unit.code,
            e.tmt_jabatan,
            e.email,
            e.phone,
            e.position.name,
            e.unit.name,
            e.unit.opd.name if e.unit.opd else "",
            e.atasan.nip if e.atasan else "",
            e.atasan.name if e.atasan else "",
        ]
        for e in queryset.iterator(chunk_size=CHUNK)
    )
    return headers, rows, "pegawai"


def units(*, user, q="", opd="", missing="", **_ignored):
    headers = _headers("units", "OPD", "Kepala Unit", "Jumlah Pegawai")
    kind_label = dict(UnitKind.choices)
    totals = selectors.unit_staff_totals()
    rows = (
        [
            u.code,
            u.name,
            u.parent.code if u.parent else "",
            kind_label[u.kind],
            u.opd.name if u.opd else "",
            u.head.name if u.head else "",
            totals.get(u.pk, 0),
        ]
        for u in selectors.unit_list(user=user, q=q, opd=opd, missing=missing).iterator(
            chunk_size=CHUNK
        )
    )
    return headers, rows, "unit"


def positions(*, user, q="", opd="", jenis="", missing="", **_ignored):
    headers = _headers("positions", "Nama Unit", "Jumlah Pemangku")
    jenis_label, jenjang_label = dict(JenisJabatan.choices), dict(Jenjang.choices)
    rows = (
        [
            p.code,
            p.name,
            jenis_label[p.jenis],
            jenjang_label.get(p.jenjang, ""),
            p.kelas_jabatan,
            p.unit.code,
            p.unit.name,
            p.holder_count,
        ]
        for p in selectors.position_list(
            user=user, q=q, opd=opd, jenis=jenis, missing=missing
        ).iterator(chunk_size=CHUNK)
    )
    return headers, rows, "jabatan"


EXPORTS = {"employees": employees, "units": units, "positions": positions}
