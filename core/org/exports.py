"""Excel/CSV exports of the org lists, with the filters the user applied.

The first columns are exactly the import columns, so an export can be edited and imported
back; the extra columns after them (names, atasan) are ignored by the import.
"""

from __future__ import annotations

import datetime

from core.org import selectors
from core.org.models import EmploymentStatus, JenisJabatan, Jenjang, UnitKind
from core.org.tabular import write_csv, write_xlsx

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
CHUNK = 2000


def render(headers, rows, fmt: str) -> bytes:
    return write_xlsx(headers, rows) if fmt == "xlsx" else write_csv(headers, rows)


def employees(*, user, q="", opd="", unit="", status="", **_ignored):
    headers = [
        "NIP",
        "Nama",
        "Status",
        "Golongan",
        "Kode Jabatan",
        "Kode Unit",
        "TMT Jabatan",
        "Email",
        "Telepon",
        "Nama Jabatan",
        "Nama Unit",
        "OPD",
        "NIP Atasan",
        "Nama Atasan",
    ]
    status_label = dict(EmploymentStatus.choices)
    queryset = selectors.employee_list(user=user, q=q, opd=opd, unit=unit, status=status)
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


def units(*, user, q="", opd="", **_ignored):
    headers = ["Kode Unit", "Nama Unit", "Kode Induk", "Jenis", "OPD", "Jumlah Pegawai"]
    kind_label = dict(UnitKind.choices)
    rows = (
        [
            u.code,
            u.name,
            u.parent.code if u.parent else "",
            kind_label[u.kind],
            u.opd.name if u.opd else "",
            u.employee_count,
        ]
        for u in selectors.unit_list(user=user, q=q, opd=opd).iterator(chunk_size=CHUNK)
    )
    return headers, rows, "unit"


def positions(*, user, q="", opd="", jenis="", **_ignored):
    headers = [
        "Kode Jabatan",
        "Nama Jabatan",
        "Jenis Jabatan",
        "Jenjang",
        "Kelas Jabatan",
        "Kode Unit",
        "Nama Unit",
        "Jumlah Pemangku",
    ]
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
        for p in selectors.position_list(user=user, q=q, opd=opd, jenis=jenis).iterator(
            chunk_size=CHUNK
        )
    )
    return headers, rows, "jabatan"


EXPORTS = {"employees": employees, "units": units, "positions": positions}

TEMPLATE_EXAMPLES = {
    "units": [
        ["DISDIK", "Dinas Pendidikan", "", "Dinas"],
        ["DISDIK.SEK", "Sekretariat Dinas Pendidikan", "DISDIK", "Sekretariat"],
        ["DISDIK.SEK.UMUM", "Subbagian Umum dan Kepegawaian", "DISDIK.SEK", "Subbagian"],
    ],
    "positions": [
        ["DISDIK.KADIS", "Kepala Dinas Pendidikan", "JPT Pratama", "", 14, "DISDIK"],
        ["DISDIK.SEKDIS", "Sekretaris Dinas", "Administrator", "", 12, "DISDIK.SEK"],
        [
            "DISDIK.KASUBAG",
            "Kepala Subbagian Umum dan Kepegawaian",
            "Pengawas",
            "",
            9,
            "DISDIK.SEK.UMUM",
        ],
        ["DISDIK.ASDM", "Analis SDM Aparatur", "Fungsional", "Ahli Pertama", 8, "DISDIK.SEK.UMUM"],
    ],
    "employees": [
        [
            "197203101998031004",
            "Contoh Nama Pegawai",
            "PNS",
            "IV/b",
            "DISDIK.KADIS",
            "DISDIK",
            datetime.date(2023, 1, 2),
            "kadis@contoh.go.id",
            "081234567890",
        ],
        [
            "199507072023212003",
            "Contoh Pegawai PPPK",
            "PPPK",
            "",
            "DISDIK.ASDM",
            "DISDIK.SEK.UMUM",
            datetime.date(2024, 3, 1),
            "",
            "",
        ],
    ],
}
