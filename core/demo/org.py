"""A demo Pemda's organisation: units, positions and employees in the import formats.

The shape follows a real Pemda (PP 18/2016 and the 2021 simplification of the bureaucracy):
the Sekretariat Daerah with its Asisten, Bagian (Biro in a province) and Subbagian, the
Sekretariat DPRD, the Inspektorat, dinas and badan with a Sekretariat, Bidang and Seksi, their
UPT (schools, Puskesmas, RSUD; Cabang Dinas Pendidikan in a province) and the kecamatan
with their kelurahan. Positions are the managerial posts of each unit plus Fungsional (with
jenjang) and Pelaksana posts; employees get Indonesian names from the region's own name
pools (and some from elsewhere), NIPs that ``nip_parse`` accepts and a golongan that fits
both their post and their years of service.

Everything is deterministic: the random generator is seeded with the region code and the
size, and every date counts back from ``REFERENCE_DATE``, never from today.

How big: ``employee_target`` gives the head count for a scale (``full``: about 1.2 % of the
population in a kabupaten/kota, 0.08 % in a province; ``small``: 120-400 on a log scale of
that, for a quick demo). The structure grows with it: posts are taken in priority order
(tiers) until the managerial share of the head count is used up, so a small Pemda has every
OPD head and the main bidang, and a big one every seksi, school and Puskesmas.
"""

from __future__ import annotations

import datetime
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.org.imports import ORG_IMPORTERS
from core.org.ranks import GOLONGAN, EmploymentStatus, JenisJabatan, Jenjang, UnitKind

if TYPE_CHECKING:
    from tenants.models import Region

UNIT_HEADERS = [column.header for column in ORG_IMPORTERS["units"].columns]
POSITION_HEADERS = [column.header for column in ORG_IMPORTERS["positions"].columns]
EMPLOYEE_HEADERS = [column.header for column in ORG_IMPORTERS["employees"].columns]

SCALES = ("small", "full")
# Every date is at or before this day, so the data does not change from one day to the next.
REFERENCE_DATE = datetime.date(2026, 1, 1)
LAST_YEAR = REFERENCE_DATE.year - 1

LOCAL_ASN_RATE = 0.012  # kabupaten/kota: ASN ≈ 1-1.5 % of the population
PROVINCE_ASN_RATE = 0.0008  # a province's own ASN: ≈ 0.05-0.1 % of the population
SMALL_RANGE = (120, 400)  # head count of the small scale ...
SMALL_LOG_SPAN = (3.0, 4.7)  # ... mapped from a full head count of 1,000 to 50,000
# Managerial posts as a share of the head count: a real Pemda has 5-15 %; a small demo needs
# more to show every OPD. Log-linear between these points.
MANAGERIAL_SHARE = ((150, 0.45), (1_000, 0.20), (30_000, 0.06))
VACANCY_SHARE = 0.03  # of the posts below the OPD heads, outside the first tier

T, M, P = Jenjang.TERAMPIL, Jenjang.MAHIR, Jenjang.PENYELIA
AP, AM, AMD = Jenjang.AHLI_PERTAMA, Jenjang.AHLI_MUDA, Jenjang.AHLI_MADYA
JENJANG_KELAS = {T: 7, M: 7, P: 8, AP: 8, AM: 9, AMD: 11, Jenjang.AHLI_UTAMA: 12}
JENJANG_GOLONGAN = {
    T: ("II/c", "II/d"),
    M: ("III/a", "III/b"),
    P: ("III/c", "III/d"),
    AP: ("III/a", "III/b"),
    AM: ("III/c", "III/d"),
    AMD: ("IV/a", "IV/c"),
    Jenjang.AHLI_UTAMA: ("IV/d", "IV/e"),
}
JENJANG_WEIGHT = {T: 4, M: 3, P: 2, AP: 4, AM: 3, AMD: 1.5}
MANAGERIAL_GOLONGAN = {
    JenisJabatan.JPT_MADYA: ("IV/c", "IV/e"),
    JenisJabatan.JPT_PRATAMA: ("IV/b", "IV/d"),
    JenisJabatan.ADMINISTRATOR: ("III/d", "IV/b"),
    JenisJabatan.PENGAWAS: ("III/b", "III/d"),
}
# Years of service before a post of this jenis is realistic.
MIN_SERVICE = {
    JenisJabatan.JPT_MADYA: 22,
    JenisJabatan.JPT_PRATAMA: 18,
    JenisJabatan.ADMINISTRATOR: 12,
    JenisJabatan.PENGAWAS: 6,
}
ENTRY_GOLONGAN = {"SMA": "II/a", "D3": "II/c", "S1": "III/a", "S2": "III/b"}
ENTRY_AGE = {"SMA": (19, 25), "D3": (21, 27), "S1": (23, 30), "S2": (26, 33)}
YEARS_PER_RANK = 4  # regular kenaikan pangkat
RETIREMENT_AGE = 58  # BUP; 60 for JPT and Ahli Madya (UU 20/2023)
PNS_MONTHS = (1, 2, 3, 3, 3, 4, 6, 10, 12, 12)  # CPNS TMT months, March and December common
PPPK_YEARS = (2019, 2021, 2022, 2022, 2023, 2023, 2024, 2024, 2024)
PART_TIME_YEAR = 2025  # the first PPPK Paruh Waktu were appointed in 2025
PHONE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896")


# --- Jobs: Fungsional and Pelaksana posts ---------------------------------------------------


@dataclass(frozen=True)
class Job:
    name: str
    jenjang: tuple[str, ...] = ()  # empty for a Pelaksana post
    education: str = "S1"  # Pelaksana only; a Fungsional's follows its jenjang
    kelas: int = 0  # Pelaksana only
    golongan: tuple[str, str] = ("", "")  # Pelaksana only
    female: float = 0.5
    pppk: float = 0.1
    part_time: float = 0.0
    degrees: tuple[str, ...] = ()  # after the name, for a graduate
    diploma: str = "A.Md."  # after the name, for a D3 (Terampil, Mahir, Penyelia)
    prefix: str = ""  # before the name: "dr.", "drg.", "apt."

    def is_fungsional(self) -> bool:
        return bool(self.jenjang)


def _jobs(*jobs: Job) -> dict[str, Job]:
    return {job.name: job for job in jobs}


OFFICE = ("S.Sos.", "S.E.", "S.H.", "S.AP.", "S.IP.", "S.Kom.", "S.T.", "S.Si.")
JOBS = _jobs(
    # Education and health, where most ASN of a kabupaten/kota work.
    Job("Guru", (AP, AM, AMD), female=0.66, pppk=0.35,
        degrees=("S.Pd.", "S.Pd.", "S.Pd.", "S.Pd.I.", "S.Pd., M.Pd.")),
    Job("Pengawas Sekolah", (AM, AMD), pppk=0, degrees=("S.Pd., M.Pd.", "M.Pd.")),
    Job("Penilik", (AP, AM), degrees=("S.Pd.",)),
    Job("Pustakawan", (T, M, AP), female=0.7, degrees=("S.IP.", "S.Hum.")),
    Job("Dokter", (AP, AM, AMD), female=0.55, pppk=0.15, prefix="dr."),
    Job("Dokter Gigi", (AP, AM), female=0.7, pppk=0.15, prefix="drg."),
    Job("Perawat", (T, M, P, AP, AM), female=0.72, pppk=0.3, part_time=0.05,
        degrees=("S.Kep., Ns.",), diploma="A.Md.Kep."),
    Job("Bidan", (T, M, AP), female=1.0, pppk=0.3, part_time=0.05,
        degrees=("S.Tr.Keb.",), diploma="A.Md.Keb."),
    Job("Apoteker", (AP, AM), female=0.7, pppk=0.2, degrees=("S.Farm.",), prefix="apt."),
    Job("Asisten Apoteker", (T, M), female=0.75, pppk=0.2, diploma="A.Md.Farm."),
    Job("Nutrisionis", (T, AP), female=0.85, pppk=0.2, degrees=("S.Gz.",), diploma="A.Md.Gz."),
    Job("Pranata Laboratorium Kesehatan", (T, M, AP), female=0.7, pppk=0.2,
        degrees=("S.Tr.Kes.",), diploma="A.Md.AK."),
    Job("Tenaga Sanitasi Lingkungan", (T, AP), pppk=0.2, degrees=("S.KM.",),
        diploma="A.Md.KL."),
    Job("Penyuluh Kesehatan Masyarakat", (AP, AM), female=0.65, degrees=("S.KM.",)),
    Job("Epidemiolog Kesehatan", (AP, AM), female=0.6, degrees=("S.KM.", "S.KM., M.Epid.")),
    Job("Administrator Kesehatan", (AP, AM, AMD), female=0.6, degrees=("S.KM.", "S.KM., M.Kes.")),
    Job("Radiografer", (T, M), diploma="A.Md.Rad."),
    Job("Perekam Medis", (T, M), female=0.7, pppk=0.2, diploma="A.Md.Kes."),
    # The office posts every OPD has.
    Job("Analis SDM Aparatur", (AP, AM, AMD), female=0.6, degrees=("S.Psi.", "S.Sos.", "S.AP.")),
    Job("Asesor SDM Aparatur", (AP, AM), female=0.6, degrees=("S.Psi.", "S.Psi., M.Psi.")),
    Job("Pranata Komputer", (T, AP, AM), pppk=0.15, degrees=("S.Kom.", "S.T."),
        diploma="A.Md.Kom."),
    Job("Perencana", (AP, AM, AMD), degrees=("S.E.", "S.T.", "S.P.", "S.E., M.Si.")),
    Job("Analis Kebijakan", (AP, AM, AMD), degrees=("S.IP.", "S.Sos.", "S.AP.", "S.IP., M.Si.")),
    Job("Analis Keuangan Pusat dan Daerah", (AP, AM), female=0.6, degrees=("S.E.", "S.Ak.")),
    Job("Penilai Pemerintah", (AP, AM), degrees=("S.E.", "S.T.")),
    Job("Arsiparis", (T, AP, AM), female=0.6, degrees=("S.Hum.", "S.Sos.")),
    Job("Pranata Hubungan Masyarakat", (T, AP, AM), female=0.55, degrees=("S.I.Kom.",)),
    Job("Perancang Peraturan Perundang-undangan", (AP, AM), degrees=("S.H.", "S.H., M.H.")),
    Job("Analis Hukum", (AP, AM), degrees=("S.H.",)),
    Job("Pengelola Pengadaan Barang/Jasa", (AP, AM), degrees=("S.T.", "S.E.")),
    Job("Auditor", (AP, AM, AMD), degrees=("S.E.", "S.Ak.", "S.E., M.Ak.")),
    Job("Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah", (AP, AM),
        degrees=("S.STP.", "S.IP.")),
    Job("Administrator Database Kependudukan", (AP, AM), degrees=("S.Kom.",)),
    # Technical posts of the dinas.
    Job("Teknik Jalan dan Jembatan", (T, AP, AM), female=0.2, degrees=("S.T.",),
        diploma="A.Md.T."),
    Job("Teknik Pengairan", (T, AP, AM), female=0.2, degrees=("S.T.",), diploma="A.Md.T."),
    Job("Teknik Tata Bangunan dan Perumahan", (T, AP, AM), female=0.3, degrees=("S.T.",),
        diploma="A.Md.T."),
    Job("Penata Ruang", (AP, AM), degrees=("S.T.", "S.PWK.")),
    Job("Pembina Jasa Konstruksi", (AP, AM), female=0.3, degrees=("S.T.",)),
    Job("Polisi Pamong Praja", (T, M, P, AP, AM), female=0.2, pppk=0.1, part_time=0.1,
        degrees=("S.H.", "S.Sos.")),
    Job("Pekerja Sosial", (T, AP, AM), female=0.6, degrees=("S.Sos.", "S.Tr.Sos.")),
    Job("Penyuluh Sosial", (AP, AM), degrees=("S.Sos.",)),
    Job("Penguji Kendaraan Bermotor", (T, M, AP), female=0.1, diploma="A.Md.T.",
        degrees=("S.T.",)),
    Job("Pengendali Dampak Lingkungan", (AP, AM), degrees=("S.T.", "S.Si.")),
    Job("Pengawas Lingkungan Hidup", (AP, AM), degrees=("S.T.", "S.Si.")),
    Job("Sandiman", (T, AP), degrees=("S.Kom.",), diploma="A.Md.Kom."),
    Job("Statistisi", (AP, AM), degrees=("S.Stat.", "S.Si.")),
    Job("Penyuluh Pertanian", (T, M, AP, AM), female=0.35, pppk=0.4, degrees=("S.P.",),
        diploma="A.Md.P."),
    Job("Pengendali Organisme Pengganggu Tumbuhan", (T, AP), pppk=0.3, degrees=("S.P.",)),
    Job("Medik Veteriner", (AP, AM), prefix="drh."),
    Job("Analis Ketahanan Pangan", (AP, AM), degrees=("S.P.", "S.TP.")),
    Job("Pengawas Koperasi", (AP, AM), degrees=("S.E.",)),
    Job("Penera", (T, M, AP), female=0.3, degrees=("S.T.",)),
    Job("Pengawas Perdagangan", (AP, AM), degrees=("S.E.",)),
    Job("Pengantar Kerja", (AP, AM), degrees=("S.Psi.", "S.Sos.")),
    Job("Mediator Hubungan Industrial", (AP, AM), degrees=("S.H.",)),
    Job("Instruktur", (T, AP), female=0.3, degrees=("S.T.",)),
    Job("Adyatama Kepariwisataan dan Ekonomi Kreatif", (AP, AM), degrees=("S.Par.",)),
    Job("Pamong Budaya", (AP, AM), degrees=("S.S.", "S.Sn.")),
    Job("Penyuluh Keluarga Berencana", (AP, AM), female=0.65, pppk=0.25, degrees=("S.Sos.",)),
    Job("Penggerak Swadaya Masyarakat", (AP, AM), degrees=("S.Sos.", "S.IP.")),
    Job("Penyuluh Perikanan", (T, AP), pppk=0.3, degrees=("S.Pi.",)),
    Job("Pengawas Perikanan", (AP, AM), degrees=("S.Pi.",)),
    Job("Analis Kebakaran", (T, M, P), female=0.1, pppk=0.1, part_time=0.15),
    Job("Polisi Kehutanan", (T, M, P), female=0.1, degrees=("S.Hut.",)),
    Job("Penyuluh Kehutanan", (T, AP), female=0.3, degrees=("S.Hut.",)),
    Job("Penyelidik Bumi", (AP, AM), female=0.3, degrees=("S.T.",)),
    Job("Widyaiswara", (AM, AMD), degrees=("M.Si.", "M.Pd.", "M.AP.")),
    # Pelaksana (KepmenPANRB 11/2024 names, and the drivers).
    Job("Pengadministrasi Perkantoran", education="SMA", kelas=5, golongan=("II/a", "III/b"),
        female=0.55, pppk=0.1, part_time=0.25),
    Job("Operator Layanan Operasional", education="SMA", kelas=5, golongan=("II/a", "II/d"),
        pppk=0.15, part_time=0.35),
    Job("Pengelola Layanan Operasional", education="D3", kelas=6, golongan=("II/c", "III/b"),
        female=0.55, pppk=0.1, part_time=0.1),
    Job("Penata Layanan Operasional", education="S1", kelas=7, golongan=("III/a", "III/c"),
        female=0.55, pppk=0.1, degrees=OFFICE),
    Job("Pengelola Umum Operasional", education="SMA", kelas=5, golongan=("II/a", "II/c"),
        female=0.3, pppk=0.1, part_time=0.4),
    Job("Pengemudi", education="SMA", kelas=5, golongan=("II/a", "II/d"), female=0.0,
        pppk=0.1, part_time=0.3),
)  # fmt: skip

OFFICE_STAFF = (("Penata Layanan Operasional", 2), ("Pengadministrasi Perkantoran", 2))
STAFF_PROFILES: dict[str, tuple[tuple[str, float], ...]] = {
    "admin": (
        ("Perencana", 1), ("Analis Keuangan Pusat dan Daerah", 1.5), ("Arsiparis", 0.7),
        ("Pranata Komputer", 0.7), ("Analis SDM Aparatur", 0.7),
        ("Pengadministrasi Perkantoran", 3), ("Pengelola Layanan Operasional", 1.5),
        ("Penata Layanan Operasional", 2), ("Pengemudi", 1),
    ),
    "setda": (
        ("Analis Kebijakan", 3), ("Perancang Peraturan Perundang-undangan", 1),
        ("Analis Hukum", 1), ("Pranata Hubungan Masyarakat", 1),
        ("Pengelola Pengadaan Barang/Jasa", 1), ("Analis SDM Aparatur", 0.5),
        ("Penata Layanan Operasional", 2), ("Pengadministrasi Perkantoran", 2),
        ("Pengemudi", 0.5),
    ),
    "wilayah": (
        ("Penata Layanan Operasional", 3), ("Pengadministrasi Perkantoran", 3),
        ("Operator Layanan Operasional", 2), ("Pengelola Layanan Operasional", 1),
        ("Analis Kebijakan", 0.5), ("Pengemudi", 0.5),
    ),
    "school": (
        ("Guru", 10), ("Pengadministrasi Perkantoran", 0.8), ("Pustakawan", 0.3),
        ("Pengelola Umum Operasional", 0.6),
    ),
    "puskesmas": (
        ("Perawat", 5), ("Bidan", 4), ("Dokter", 1.2), ("Dokter Gigi", 0.4), ("Apoteker", 0.4),
        ("Asisten Apoteker", 0.5), ("Nutrisionis", 0.5), ("Pranata Laboratorium Kesehatan", 0.5),
        ("Tenaga Sanitasi Lingkungan", 0.5), ("Penyuluh Kesehatan Masyarakat", 0.5),
        ("Perekam Medis", 0.5), ("Pengadministrasi Perkantoran", 0.8), ("Pengemudi", 0.4),
    ),
    "rsud": (
        ("Perawat", 12), ("Bidan", 3), ("Dokter", 3), ("Apoteker", 1), ("Asisten Apoteker", 1),
        ("Radiografer", 0.6), ("Pranata Laboratorium Kesehatan", 1), ("Nutrisionis", 0.6),
        ("Perekam Medis", 1), ("Pengadministrasi Perkantoran", 1.5),
        ("Penata Layanan Operasional", 1), ("Pengemudi", 0.5),
    ),
    "labkes": (
        ("Pranata Laboratorium Kesehatan", 5), ("Epidemiolog Kesehatan", 1),
        ("Pengadministrasi Perkantoran", 1),
    ),
    "cabdin": (("Pengawas Sekolah", 3), ("Analis Kebijakan", 1), *OFFICE_STAFF),
}  # fmt: skip


# --- The OPD catalogue -----------------------------------------------------------------------

LOCAL, PROVINCE, KOTA, KABUPATEN = "local", "prov", "kota", "kabupaten"
DEFAULT_SUBBAG = ("Umum dan Kepegawaian", "Keuangan dan Aset", "Perencanaan dan Pelaporan")


@dataclass(frozen=True)
class Opd:
    key: str
    name: str
    kind: str
    urusan: str  # the Permendagri 90/2019 urusan code: the prefix of the OPD's unit codes
    bidang: tuple[tuple[str, tuple[str, ...]], ...]  # (bidang, its seksi)
    technical: tuple[str, ...]
    head: str = ""  # the head's title; "Kepala <name>" when empty
    where: tuple[str, ...] = (LOCAL, PROVINCE)
    core: bool = False
    seksi: bool = False  # whether its bidang keep seksi (most lost them in 2021)
    degrees: tuple[str, ...] = ()  # typical degrees of its managers
    upt: tuple[str, ...] = ()  # a few UPT of its own (schools and health are built apart)


def _b(*items: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Bidang written as 'Bidang' or 'Bidang: Seksi A; Seksi B'."""
    result = []
    for item in items:
        name, _, seksi = item.partition(":")
        result.append((name.strip(), tuple(s.strip() for s in seksi.split(";") if s.strip())))
    return tuple(result)


DINAS, BADAN = UnitKind.DINAS, UnitKind.BADAN
# "prefix|suffix" where the title goes before the name ("Drs. Nama, M.Pd.").
EDUCATION_DEGREES = ("S.Pd., M.Pd.", "Drs.|M.Pd.", "S.Pd., M.Si.")
OPDS = (
    Opd(
        "disdik",
        "Dinas Pendidikan",
        DINAS,
        "1.01",
        _b(
            "Pembinaan Sekolah Dasar: Kurikulum dan Penilaian SD; "
            "Peserta Didik dan Pembangunan Karakter SD; Kelembagaan dan Sarana Prasarana SD",
            "Pembinaan Sekolah Menengah Pertama: Kurikulum dan Penilaian SMP; "
            "Peserta Didik dan Pembangunan Karakter SMP; Kelembagaan dan Sarana Prasarana SMP",
            "Pembinaan Pendidikan Anak Usia Dini dan Pendidikan Nonformal: "
            "Kurikulum dan Penilaian PAUD; Kelembagaan PAUD dan Pendidikan Nonformal",
            "Guru dan Tenaga Kependidikan: Pendidik dan Tenaga Kependidikan SD; "
            "Pendidik dan Tenaga Kependidikan SMP",
        ),
        ("Pengawas Sekolah", "Penilik", "Analis Kebijakan", "Pranata Komputer"),
        where=(LOCAL,),
        core=True,
        seksi=True,
        degrees=EDUCATION_DEGREES,
    ),
    Opd(
        "disdik",
        "Dinas Pendidikan",
        DINAS,
        "1.01",
        _b(
            "Pembinaan Sekolah Menengah Atas: Kurikulum dan Penilaian SMA; "
            "Peserta Didik dan Pembangunan Karakter SMA; Kelembagaan dan Sarana Prasarana SMA",
            "Pembinaan Sekolah Menengah Kejuruan: Kurikulum dan Penilaian SMK; "
            "Peserta Didik dan Pembangunan Karakter SMK; Kelembagaan dan Sarana Prasarana SMK",
            "Pembinaan Pendidikan Khusus: Kurikulum dan Peserta Didik Pendidikan Khusus; "
            "Kelembagaan Pendidikan Khusus",
            "Guru dan Tenaga Kependidikan: Pendidik dan Tenaga Kependidikan SMA; "
            "Pendidik dan Tenaga Kependidikan SMK",
        ),
        ("Pengawas Sekolah", "Analis Kebijakan", "Pranata Komputer"),
        where=(PROVINCE,),
        core=True,
        seksi=True,
        degrees=EDUCATION_DEGREES,
    ),
    Opd(
        "dinkes",
        "Dinas Kesehatan",
        DINAS,
        "1.02",
        _b(
            "Pelayanan Kesehatan: Pelayanan Kesehatan Primer; Pelayanan Kesehatan Rujukan; "
            "Kefarmasian dan Alat Kesehatan",
            "Pencegahan dan Pengendalian Penyakit: Surveilans dan Imunisasi; "
            "Pencegahan dan Pengendalian Penyakit Menular; "
            "Penyakit Tidak Menular dan Kesehatan Jiwa",
            "Kesehatan Masyarakat: Kesehatan Keluarga dan Gizi; "
            "Promosi dan Pemberdayaan Masyarakat; Kesehatan Lingkungan, Kerja dan Olahraga",
            "Sumber Daya Kesehatan: Sumber Daya Manusia Kesehatan; Sarana Prasarana Kesehatan",
        ),
        (
            "Administrator Kesehatan",
            "Epidemiolog Kesehatan",
            "Penyuluh Kesehatan Masyarakat",
            "Apoteker",
            "Nutrisionis",
        ),
        core=True,
        seksi=True,
        degrees=("S.KM., M.Kes.", "dr.|M.Kes.", "dr.|M.Kes.", "S.Kep., Ns., M.Kes."),
    ),
    Opd(
        "dpu",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        DINAS,
        "1.03",
        _b(
            "Bina Marga: Pembangunan Jalan dan Jembatan; Preservasi Jalan dan Jembatan",
            "Sumber Daya Air: Irigasi; Sungai, Danau dan Air Baku",
            "Cipta Karya: Air Minum dan Sanitasi; Bangunan Gedung",
            "Penataan Ruang: Perencanaan Tata Ruang; Pengendalian Pemanfaatan Ruang",
            "Bina Konstruksi: Pembinaan Jasa Konstruksi; Pengawasan Jasa Konstruksi",
        ),
        (
            "Teknik Jalan dan Jembatan",
            "Teknik Pengairan",
            "Teknik Tata Bangunan dan Perumahan",
            "Penata Ruang",
            "Pembina Jasa Konstruksi",
            "Operator Layanan Operasional",
        ),
        core=True,
        seksi=True,
        degrees=("S.T., M.T.", "S.T.", "S.T., M.Si."),
        upt=("UPT Peralatan dan Perbengkelan", "UPT Laboratorium Bahan Konstruksi"),
    ),
    Opd(
        "dukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil",
        DINAS,
        "2.12",
        _b(
            "Pelayanan Pendaftaran Penduduk: Identitas Penduduk; Pindah Datang Penduduk",
            "Pelayanan Pencatatan Sipil: Kelahiran dan Kematian; "
            "Perkawinan, Perceraian dan Perubahan Status Anak",
            "Pengelolaan Informasi Administrasi Kependudukan: "
            "Sistem Informasi Administrasi Kependudukan; "
            "Pengolahan dan Penyajian Data Kependudukan",
            "Pemanfaatan Data dan Inovasi Pelayanan: Kerja Sama; Inovasi Pelayanan",
        ),
        (
            "Administrator Database Kependudukan",
            "Pranata Komputer",
            "Operator Layanan Operasional",
        ),
        core=True,
        seksi=True,
    ),
    Opd(
        "bappeda",
        "Badan Perencanaan Pembangunan Daerah",
        BADAN,
        "5.01",
        _b(
            "Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah",
            "Pemerintahan dan Pembangunan Manusia",
            "Perekonomian dan Sumber Daya Alam",
            "Infrastruktur dan Kewilayahan",
            "Penelitian dan Pengembangan",
        ),
        ("Perencana", "Analis Kebijakan", "Statistisi"),
        core=True,
    ),
    # Its first bidang is where the demo's atasan and pegawai1..3 work.
    Opd(
        "bkpsdmd",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Daerah",
        BADAN,
        "5.03",
        _b(
            "Pengembangan Kompetensi",
            "Pengadaan, Pemberhentian dan Informasi Kepegawaian",
            "Mutasi dan Promosi",
            "Penilaian Kinerja Aparatur dan Penghargaan",
        ),
        ("Analis SDM Aparatur", "Asesor SDM Aparatur", "Pranata Komputer"),
        core=True,
        degrees=("S.Psi., M.Si.", "S.Sos., M.AP.", "S.STP., M.Si."),
    ),
    Opd(
        "bpkad",
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        BADAN,
        "5.02",
        _b(
            "Anggaran",
            "Perbendaharaan",
            "Akuntansi dan Pelaporan",
            "Pengelolaan Barang Milik Daerah",
        ),
        ("Analis Keuangan Pusat dan Daerah", "Penilai Pemerintah", "Pranata Komputer"),
        core=True,
        degrees=("S.E., M.M.", "S.E., Ak., M.Si.", "S.E."),
    ),
    Opd(
        "satpolpp",
        "Satuan Polisi Pamong Praja",
        UnitKind.LAINNYA,
        "1.05",
        _b(
            "Penegakan Peraturan Daerah: Pembinaan, Pengawasan dan Penyuluhan; "
            "Penyelidikan dan Penyidikan",
            "Ketertiban Umum dan Ketenteraman Masyarakat: Operasi dan Pengendalian; Kerja Sama",
            "Perlindungan Masyarakat: Satuan Perlindungan Masyarakat; Bina Potensi Masyarakat",
            "Sumber Daya Aparatur: Pelatihan Dasar; Teknis Fungsional",
        ),
        ("Polisi Pamong Praja", "Polisi Pamong Praja", "Pengemudi"),
        core=True,
        seksi=True,
        degrees=("S.STP., M.Si.", "S.H., M.H.", "S.Sos."),
    ),
    # Optional OPD, most usual first: a bigger Pemda has more of them.
    Opd(
        "dinsos",
        "Dinas Sosial",
        DINAS,
        "1.06",
        _b(
            "Perlindungan dan Jaminan Sosial",
            "Rehabilitasi Sosial",
            "Pemberdayaan Sosial dan Penanganan Fakir Miskin",
        ),
        ("Pekerja Sosial", "Penyuluh Sosial"),
    ),
    Opd(
        "bapenda",
        "Badan Pendapatan Daerah",
        BADAN,
        "5.02",
        _b(
            "Pendataan dan Penetapan",
            "Penagihan dan Keberatan",
            "Pengembangan dan Pengendalian Pendapatan",
        ),
        ("Analis Keuangan Pusat dan Daerah", "Penilai Pemerintah", "Pranata Komputer"),
    ),
    Opd(
        "dishub",
        "Dinas Perhubungan",
        DINAS,
        "2.15",
        _b("Lalu Lintas dan Angkutan", "Sarana dan Prasarana", "Pengendalian dan Operasional"),
        ("Penguji Kendaraan Bermotor", "Operator Layanan Operasional"),
        upt=("UPT Pengujian Kendaraan Bermotor",),
    ),
    Opd(
        "dlh",
        "Dinas Lingkungan Hidup",
        DINAS,
        "2.11",
        _b(
            "Tata Lingkungan",
            "Pengelolaan Sampah dan Limbah B3",
            "Pengendalian Pencemaran dan Kerusakan Lingkungan",
        ),
        (
            "Pengendali Dampak Lingkungan",
            "Pengawas Lingkungan Hidup",
            "Operator Layanan Operasional",
            "Operator Layanan Operasional",
        ),
        upt=("UPT Tempat Pemrosesan Akhir Sampah",),
    ),
    Opd(
        "kominfo",
        "Dinas Komunikasi dan Informatika",
        DINAS,
        "2.16",
        _b("Informasi dan Komunikasi Publik", "Aplikasi Informatika", "Persandian dan Statistik"),
        ("Pranata Komputer", "Pranata Hubungan Masyarakat", "Sandiman", "Statistisi"),
    ),
    Opd(
        "bpbd",
        "Badan Penanggulangan Bencana Daerah",
        BADAN,
        "1.05",
        _b(
            "Pencegahan dan Kesiapsiagaan",
            "Kedaruratan dan Logistik",
            "Rehabilitasi dan Rekonstruksi",
        ),
        ("Analis Kebijakan", "Operator Layanan Operasional"),
        head="Kepala Pelaksana Badan Penanggulangan Bencana Daerah",
    ),
    Opd(
        "pertanian",
        "Dinas Pertanian dan Ketahanan Pangan",
        DINAS,
        "3.27",
        _b(
            "Tanaman Pangan dan Hortikultura",
            "Peternakan dan Kesehatan Hewan",
            "Penyuluhan",
            "Ketahanan Pangan",
        ),
        (
            "Penyuluh Pertanian",
            "Penyuluh Pertanian",
            "Pengendali Organisme Pengganggu Tumbuhan",
            "Medik Veteriner",
            "Analis Ketahanan Pangan",
        ),
        where=(LOCAL,),
    ),
    Opd(
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        DINAS,
        "2.18",
        _b(
            "Penanaman Modal",
            "Pelayanan Perizinan",
            "Pengaduan, Kebijakan dan Pelaporan Layanan",
        ),
        ("Analis Kebijakan", "Pranata Komputer"),
    ),
    Opd(
        "kesbangpol",
        "Badan Kesatuan Bangsa dan Politik",
        BADAN,
        "8.01",
        _b(
            "Ideologi, Wawasan Kebangsaan dan Karakter Bangsa",
            "Politik Dalam Negeri dan Organisasi Kemasyarakatan",
            "Kewaspadaan Nasional dan Penanganan Konflik",
        ),
        ("Analis Kebijakan",),
    ),
    Opd(
        "perkim",
        "Dinas Perumahan dan Kawasan Permukiman",
        DINAS,
        "1.04",
        _b("Perumahan", "Kawasan Permukiman", "Pertanahan"),
        ("Teknik Tata Bangunan dan Perumahan", "Penata Ruang"),
    ),
    Opd(
        "damkar",
        "Dinas Pemadam Kebakaran dan Penyelamatan",
        DINAS,
        "1.05",
        _b("Pencegahan Kebakaran", "Pemadaman dan Penyelamatan"),
        ("Analis Kebakaran", "Analis Kebakaran", "Pengemudi"),
        where=(KOTA,),
    ),
    Opd(
        "dp3a",
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        DINAS,
        "2.08",
        _b("Pemberdayaan Perempuan", "Perlindungan Anak"),
        ("Analis Kebijakan", "Pekerja Sosial"),
    ),
    Opd(
        "dppkb",
        "Dinas Pengendalian Penduduk dan Keluarga Berencana",
        DINAS,
        "2.14",
        _b("Pengendalian Penduduk", "Keluarga Berencana dan Ketahanan Keluarga"),
        ("Penyuluh Keluarga Berencana", "Penyuluh Keluarga Berencana"),
        where=(LOCAL,),
    ),
    Opd(
        "koperasi",
        "Dinas Koperasi, Usaha Kecil dan Menengah",
        DINAS,
        "2.17",
        _b("Kelembagaan dan Pengawasan Koperasi", "Pemberdayaan Usaha Mikro"),
        ("Pengawas Koperasi",),
    ),
    Opd(
        "perdagangan",
        "Dinas Perdagangan dan Perindustrian",
        DINAS,
        "3.30",
        _b("Perdagangan", "Perindustrian", "Metrologi Legal"),
        ("Pengawas Perdagangan", "Penera", "Operator Layanan Operasional"),
    ),
    Opd(
        "disnaker",
        "Dinas Tenaga Kerja",
        DINAS,
        "2.07",
        _b("Pelatihan dan Penempatan Tenaga Kerja", "Hubungan Industrial dan Jaminan Sosial"),
        ("Pengantar Kerja", "Mediator Hubungan Industrial", "Instruktur"),
    ),
    Opd(
        "pariwisata",
        "Dinas Pariwisata dan Kebudayaan",
        DINAS,
        "3.26",
        _b(
            "Destinasi Pariwisata",
            "Pemasaran Pariwisata dan Ekonomi Kreatif",
            "Kebudayaan",
        ),
        ("Adyatama Kepariwisataan dan Ekonomi Kreatif", "Pamong Budaya"),
    ),
    Opd(
        "perpustakaan",
        "Dinas Perpustakaan dan Kearsipan",
        DINAS,
        "2.23",
        _b("Perpustakaan", "Kearsipan"),
        ("Pustakawan", "Arsiparis"),
    ),
    Opd(
        "dispora",
        "Dinas Kepemudaan dan Olahraga",
        DINAS,
        "2.19",
        _b("Kepemudaan", "Keolahragaan"),
        ("Analis Kebijakan",),
    ),
    Opd(
        "dpmd",
        "Dinas Pemberdayaan Masyarakat dan Desa",
        DINAS,
        "2.13",
        _b("Pemerintahan Desa", "Pemberdayaan Masyarakat Desa"),
        ("Penggerak Swadaya Masyarakat",),
        where=(KABUPATEN, PROVINCE),
    ),
    Opd(
        "perikanan",
        "Dinas Perikanan",
        DINAS,
        "3.25",
        _b("Perikanan Tangkap", "Perikanan Budidaya"),
        ("Penyuluh Perikanan", "Pengawas Perikanan"),
        where=(LOCAL,),
    ),
    # A province's own dinas and badan.
    Opd(
        "bpsdm",
        "Badan Pengembangan Sumber Daya Manusia",
        BADAN,
        "5.04",
        _b(
            "Pengembangan Kompetensi Manajerial",
            "Pengembangan Kompetensi Teknis dan Fungsional",
            "Sertifikasi Kompetensi",
        ),
        ("Widyaiswara", "Widyaiswara", "Analis SDM Aparatur"),
        where=(PROVINCE,),
    ),
    Opd(
        "kehutanan",
        "Dinas Kehutanan",
        DINAS,
        "3.28",
        _b(
            "Perencanaan dan Pemanfaatan Hutan",
            "Perlindungan Hutan dan Konservasi Sumber Daya Alam",
            "Penyuluhan dan Pemberdayaan Masyarakat",
        ),
        ("Polisi Kehutanan", "Penyuluh Kehutanan"),
        where=(PROVINCE,),
        upt=(
            "UPT Kesatuan Pengelolaan Hutan Wilayah I",
            "UPT Kesatuan Pengelolaan Hutan Wilayah II",
        ),
    ),
    Opd(
        "esdm",
        "Dinas Energi dan Sumber Daya Mineral",
        DINAS,
        "3.29",
        _b(
            "Mineral dan Batubara",
            "Ketenagalistrikan dan Energi Baru Terbarukan",
            "Geologi dan Air Tanah",
        ),
        ("Penyelidik Bumi", "Analis Kebijakan"),
        where=(PROVINCE,),
    ),
    Opd(
        "dkp",
        "Dinas Kelautan dan Perikanan",
        DINAS,
        "3.25",
        _b("Kelautan dan Pesisir", "Perikanan Tangkap", "Perikanan Budidaya"),
        ("Penyuluh Perikanan", "Pengawas Perikanan"),
        where=(PROVINCE,),
    ),
    Opd(
        "tph",
        "Dinas Tanaman Pangan dan Hortikultura",
        DINAS,
        "3.27",
        _b("Tanaman Pangan", "Hortikultura", "Prasarana dan Sarana Pertanian"),
        ("Penyuluh Pertanian", "Pengendali Organisme Pengganggu Tumbuhan"),
        where=(PROVINCE,),
    ),
    Opd(
        "peternakan",
        "Dinas Peternakan dan Kesehatan Hewan",
        DINAS,
        "3.27",
        _b("Produksi Peternakan", "Kesehatan Hewan dan Kesehatan Masyarakat Veteriner"),
        ("Medik Veteriner",),
        where=(PROVINCE,),
    ),
    Opd(
        "sda",
        "Dinas Sumber Daya Air",
        DINAS,
        "1.03",
        _b("Irigasi dan Rawa", "Sungai, Danau dan Pantai", "Air Baku"),
        ("Teknik Pengairan",),
        where=(PROVINCE,),
    ),
)

SETDA_LOCAL = (
    # (Asisten, [(Bagian, Biro in a province, its Subbagian / the Biro's Bagian)])
    ("Pemerintahan dan Kesejahteraan Rakyat", (
        ("Tata Pemerintahan", "Pemerintahan dan Otonomi Daerah",
         ("Pemerintahan dan Otonomi Daerah", "Administrasi Kewilayahan", "Kerja Sama")),
        ("Kesejahteraan Rakyat", "Kesejahteraan Rakyat",
         ("Bina Mental dan Spiritual", "Kesejahteraan Sosial", "Pendidikan dan Kesehatan")),
        ("Hukum", "Hukum",
         ("Perundang-undangan", "Bantuan Hukum", "Dokumentasi dan Informasi Hukum")),
    )),
    ("Perekonomian dan Pembangunan", (
        ("Perekonomian dan Sumber Daya Alam", "Perekonomian",
         ("Perekonomian", "Sumber Daya Alam", "Pembinaan BUMD")),
        ("Administrasi Pembangunan", "Administrasi Pembangunan",
         ("Penyusunan Program", "Pengendalian Program", "Evaluasi dan Pelaporan")),
        ("Pengadaan Barang dan Jasa", "Pengadaan Barang dan Jasa",
         ("Pengelolaan Pengadaan Barang/Jasa", "Layanan Pengadaan Secara Elektronik",
          "Pembinaan dan Advokasi Pengadaan")),
    )),
    ("Administrasi Umum", (
        ("Organisasi", "Organisasi",
         ("Kelembagaan dan Analisis Jabatan", "Reformasi Birokrasi dan Akuntabilitas Kinerja",
          "Tata Laksana dan Pelayanan Publik")),
        ("Umum", "Umum", ("Tata Usaha Pimpinan", "Rumah Tangga", "Keuangan")),
        ("Protokol dan Komunikasi Pimpinan", "Administrasi Pimpinan",
         ("Protokol", "Komunikasi Pimpinan", "Dokumentasi Pimpinan")),
    )),
)  # fmt: skip
SETDA_FIRST = ("Organisasi", "Umum")  # the Bagian every demo Pemda has
STAF_AHLI = (
    "Hukum, Politik dan Pemerintahan",
    "Ekonomi, Keuangan dan Pembangunan",
    "Kemasyarakatan dan Sumber Daya Manusia",
)
SETWAN_BAGIAN = (
    ("Umum dan Keuangan", ("Tata Usaha dan Kepegawaian", "Keuangan", "Perlengkapan")),
    (
        "Persidangan dan Perundang-undangan",
        ("Kajian Perundang-undangan", "Persidangan dan Risalah"),
    ),
    (
        "Fasilitasi Penganggaran dan Pengawasan",
        ("Fasilitasi Penganggaran", "Fasilitasi Pengawasan"),
    ),
)
KECAMATAN_SEKSI = (
    "Pemerintahan",
    "Ketenteraman dan Ketertiban Umum",
    "Pemberdayaan Masyarakat",
    "Pelayanan Umum",
    "Kesejahteraan Sosial",
)
LEADER = {KOTA: "Wali Kota", KABUPATEN: "Bupati", "provinsi": "Gubernur"}
KELAS = {
    # kabupaten/kota: Sekda eselon II.a, kepala dinas II.b, sekretaris III.a, kabid III.b
    LOCAL: {
        "sekda": 15, "jpt": 14, "karo": 14, "sekretaris": 12, "kabid": 11, "kabag": 12,
        "camat": 12, "sekcam": 11, "pengawas": 9, "lurah": 9, "upt": 9, "school": 8,
        "rsud": 12, "kacabdin": 12,
    },
    # province: Sekda eselon I.b, kepala dinas II.a, kepala biro II.b, kabid III.a
    PROVINCE: {
        "sekda": 16, "jpt": 15, "karo": 14, "sekretaris": 12, "kabid": 12, "kabag": 12,
        "camat": 12, "sekcam": 11, "pengawas": 9, "lurah": 9, "upt": 9, "school": 9,
        "rsud": 13, "kacabdin": 12,
    },
}  # fmt: skip
MANAGER_DEGREES = (
    "S.Sos., M.Si.", "S.STP., M.Si.", "S.E., M.M.", "S.H., M.H.", "S.IP., M.AP.",
    "S.T., M.T.", "S.Sos.", "S.E.", "S.H.", "S.AP.", "S.Kom., M.Kom.", "S.Pd., M.Pd.",
)  # fmt: skip

# Real kecamatan of the demo kabupaten/kota (others get made-up names).
KECAMATAN = {
    "35.78": "Asemrowo, Benowo, Bubutan, Bulak, Dukuh Pakis, Gayungan, Genteng, Gubeng, "
    "Gunung Anyar, Jambangan, Karang Pilang, Kenjeran, Krembangan, Lakarsantri, Mulyorejo, "
    "Pabean Cantian, Pakal, Rungkut, Sambikerep, Sawahan, Semampir, Simokerto, Sukolilo, "
    "Sukomanunggal, Tambaksari, Tandes, Tegalsari, Tenggilis Mejoyo, Wiyung, Wonocolo, "
    "Wonokromo",
    "15.71": "Alam Barajo, Danau Sipin, Danau Teluk, Jambi Selatan, Jambi Timur, Jelutung, "
    "Kota Baru, Paal Merah, Pasar Jambi, Pelayangan, Telanaipura",
    "33.72": "Banjarsari, Jebres, Laweyan, Pasar Kliwon, Serengan",
    "13.11": "Koto Parik Gadang Diateh, Pauh Duo, Sangir, Sangir Balai Janggo, "
    "Sangir Batang Hari, Sangir Jujuan, Sungai Pagu",
    "76.06": "Budong-Budong, Karossa, Pangale, Tobadak, Topoyo",
    "72.05": "Biau, Bokat, Bukal, Bunobogu, Gadung, Karamat, Lakea, Momunu, Paleleh, "
    "Paleleh Barat, Tiloan",
    "74.03": "Batalaiworu, Batukara, Bone, Duruka, Kabangka, Kabawo, Katobu, Kontukowuna, "
    "Kontunaga, Lasalepa, Lohia, Marobo, Napabalano, Parigi, Pasir Putih, Tongkuno, "
    "Tongkuno Selatan, Towea, Wakorumba Selatan, Watopute",
    "72.10": "Dolo, Dolo Barat, Dolo Selatan, Gumbasa, Kinovaro, Kulawi, Kulawi Selatan, Lindu, "
    "Marawola, Marawola Barat, Nokilalaki, Palolo, Pipikoro, Sigi Biromaru, Tanambulava",
    "73.11": "Balusu, Barru, Mallusetasi, Pujananting, Soppeng Riaja, Tanete Riaja, Tanete Rilau",
    "33.15": "Brati, Gabus, Geyer, Godong, Grobogan, Gubug, Karangrayung, Kedungjati, Klambu, "
    "Kradenan, Ngaringan, Penawangan, Pulokulon, Purwodadi, Tanggungharjo, Tawangharjo, "
    "Tegowanu, Toroh, Wirosari",
    "64.72": "Loa Janan Ilir, Palaran, Samarinda Ilir, Samarinda Kota, Samarinda Seberang, "
    "Samarinda Ulu, Samarinda Utara, Sambutan, Sungai Kunjang, Sungai Pinang",
}
PLACE_NAMES = (
    "Sukamaju, Sidomulyo, Karangrejo, Sumberrejo, Tanjungsari, Mekarsari, Sukajadi, "
    "Margamulya, Harjosari, Sidorejo, Mulyorejo, Tegalrejo, Kedungsari, Wonosari, Purwosari, "
    "Sukarame, Kampung Baru, Pasar Baru, Tanah Merah, Bukit Sari, Air Hitam, Teluk Dalam, "
    "Rawasari, Sungai Baru, Talang Jaya, Tanjung Harapan, Padang Sari, Karya Makmur, "
    "Sido Makmur, Sukadamai, Bumi Ayu, Lubuk Sari, Pematang Sari, Batu Putih, Bangun Rejo"
).split(", ")
ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV".split()


# --- Names --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    first_m: tuple[str, ...]
    first_f: tuple[str, ...]
    last_m: tuple[str, ...]
    last_f: tuple[str, ...] = ()  # the male list when empty
    prefix_m: tuple[str, ...] = ()  # "I Made", "La Ode"
    prefix_f: tuple[str, ...] = ()
    prefix_rate: float = 0.0
    single_rate: float = 0.1  # people known by one name only
    muslim: bool = True  # older Muslims often carry H./Hj. (the hajj)


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


NAME_POOLS = {
    "jawa": NamePool(
        _names("Agus, Bambang, Budi, Joko, Slamet, Sugeng, Heru, Eko, Teguh, Bayu, Adi, Arif, "
               "Rudi, Yudi, Hendro, Bagus, Dimas, Gilang, Fajar, Yoga, Aditya, Puguh, Wawan, "
               "Hadi, Sigit, Anang, Didik, Sutrisno, Mulyono, Widodo, Rizky, Dwi, Tri"),
        _names("Sri, Endang, Siti, Tutik, Rina, Dewi, Wulan, Retno, Yuli, Ratna, Fitri, Ika, "
               "Anik, Dyah, Rini, Nanik, Erna, Kartika, Ayu, Puji, Suryani, Nurul, Indah, "
               "Lina, Novi, Eka, Dwi, Tri"),
        _names("Santoso, Wibowo, Setiawan, Susanto, Hartono, Purnomo, Prasetyo, Nugroho, "
               "Saputro, Wahyudi, Kurniawan, Hidayat, Utomo, Haryanto, Sulistyo, Raharjo, "
               "Gunawan, Prabowo, Handoko, Suprapto, Pamungkas, Wicaksono, Firmansyah, "
               "Mahendra, Kusuma, Ramadhan, Pratama, Setyawan"),
        _names("Wahyuni, Lestari, Rahayu, Handayani, Susanti, Wulandari, Kusumawati, Purwanti, "
               "Astuti, Sulistyowati, Rahmawati, Widyastuti, Puspitasari, Setyaningsih, "
               "Kurniasih, Nurhayati, Pratiwi, Anggraini, Maharani, Safitri, Permatasari, "
               "Novitasari, Ningsih, Yuliani"),
    ),
    "sunda": NamePool(
        _names("Asep, Dede, Cecep, Ujang, Dadang, Iwan, Yayan, Deden, Aep, Ridwan, Yusuf, "
               "Hendra, Dani, Rizal, Ade, Encep, Jajang, Nanang, Dudi, Acep, Irfan, Rahmat"),
        _names("Euis, Neneng, Iis, Yeni, Nining, Enung, Ai, Lilis, Tati, Nia, Imas, Cucu, Rina, "
               "Siti, Dewi, Yanti, Elis, Yuyun, Heni, Rani, Mira, Ela, Dian"),
        _names("Saepudin, Sopian, Hermawan, Supriatna, Kusnadi, Sutisna, Ruhiyat, Permana, "
               "Nugraha, Rukmana, Kurniawan, Suryana, Gunawan, Hidayat, Setiadi, Ramdani, "
               "Sumarna, Mulyana, Hermansyah, Juhana, Sobari, Firdaus, Maulana"),
        _names("Nurhayati, Rosmiati, Sumiati, Komalasari, Marlina, Rostika, Herlina, Sulastri, "
               "Rahmawati, Nurjanah, Kurniasih, Susilawati, Maryani, Rosita, Ratnasari, "
               "Mulyani, Yulianti, Hasanah, Fauziah, Agustina"),
    ),
    "melayu": NamePool(
        _names("Muhammad, Ahmad, Rahmat, Syafri, Zulkifli, Hendri, Syafrudin, Erwin, Doni, "
               "Riko, Fadli, Irwan, Azhar, Taufik, Hasan, Ilham, Firdaus, Amran, Joni, Yusran, "
               "Khairul, Nasrul, Ridho, Fikri, Arman"),
        _names("Nurhasanah, Yulia, Rosmaini, Fitriani, Desi, Elvi, Mardiana, Yusnidar, Rahmi, "
               "Sri, Novi, Rini, Herlina, Suryani, Liza, Tuti, Eka, Fatimah, Juliana, Maya, "
               "Zuraida, Aisyah, Rosdiana, Nelly"),
        _names("Syahputra, Efendi, Hidayat, Saputra, Yusuf, Harun, Rasyid, Amri, Zainal, "
               "Anwar, Ismail, Hamzah, Azwar, Fauzi, Arifin, Bakri, Abdullah, Sulaiman, Usman, "
               "Rahman, Kasim, Munir"),
        _names("Yanti, Sari, Wati, Fitri, Yusnita, Hasanah, Novita, Oktavia, Rahmadani, "
               "Handayani, Safitri, Lestari, Marlina, Susanti, Anggraini, Puspita, Ramadhani, "
               "Aprilia, Juwita"),
    ),
    "minang": NamePool(
        _names("Afrizal, Yusrizal, Zulhendri, Syafril, Yulizar, Erizal, Hendra, Rahmat, Febri, "
               "Dasril, Jasman, Rusdi, Nofrizal, Yuhardi, Asril, Mardinal, Ferdi, Edwar, "
               "Zulfikar, Ikhsan, Fauzan"),
        _names("Yusnimar, Rosmaini, Yenni, Desmawati, Elfira, Nofriyanti, Yulidar, Fitri, "
               "Silvia, Rahmi, Mardiana, Nelvi, Yulia, Rika, Resti, Mega, Syafrida, Elmiwati"),
        _names("Putra, Chaniago, Piliang, Tanjung, Koto, Sikumbang, Jambak, Syafei, Amir, "
               "Efendi, Nasrul, Rahman, Yunus, Hamzah, Ilyas, Syahputra"),
        _names("Yanti, Fitri, Wati, Yusnita, Sari, Nofita, Rahmi, Putri, Susanti, Hayati, "
               "Delfia, Chaniago, Piliang, Tanjung, Koto"),
    ),
    "batak": NamePool(
        _names("Parlindungan, Maruli, Togar, Hotman, Sahat, Ronald, Benny, Hendrik, Bonar, "
               "Tumpal, Poltak, Robert, Martua, Edison, Ferry, Daniel, Rudolf"),
        _names("Tiurma, Rosmawati, Lasmaria, Dameria, Melva, Rotua, Nurhaida, Rosdiana, Lenny, "
               "Sondang, Tetty, Ernawati, Hotmaida, Kristina, Marta, Veronika, Yohana"),
        _names("Siregar, Simanjuntak, Nasution, Lubis, Harahap, Sitompul, Hutapea, Sinaga, "
               "Pardede, Manurung, Panjaitan, Tambunan, Simatupang, Situmorang, Sihombing, "
               "Pasaribu, Hutagalung, Silalahi, Napitupulu, Damanik, Sembiring, Ginting, "
               "Tarigan"),
        single_rate=0.0,
        muslim=False,
    ),
    "bali": NamePool(
        _names("Suarsana, Sudarma, Arsana, Widiana, Suardana, Astawa, Wirawan, Adnyana, "
               "Sukadana, Mahendra, Darmawan, Budiarta, Wijaya, Saputra, Sudiarta, Parwata"),
        _names("Sukarmini, Wulandari, Ardani, Suartini, Yuliani, Ariani, Sumerti, Dewi, "
               "Lestari, Widiastuti, Purnami, Astiti, Suwitri, Sri Ayu, Pratiwi"),
        _names("Putra, Wiguna, Mahardika, Artawan, Suryawan, Antara, Sedana, Yasa, Arimbawa"),
        _names("Astuti, Purnamawati, Suryani, Dewi, Sari, Utami, Rahayu, Lestari"),
        prefix_m=_names("I Made, I Wayan, I Ketut, I Komang, I Nyoman, I Gede, I Putu, I Kadek"),
        prefix_f=_names("Ni Made, Ni Luh, Ni Wayan, Ni Ketut, Ni Komang, Ni Putu, Ni Kadek"),
        prefix_rate=0.95,
        single_rate=0.4,
        muslim=False,
    ),
    "bugis": NamePool(
        _names("Muhammad, Muh., Andi Muhammad, Syamsul, Baharuddin, Jamaluddin, Nasrullah, "
               "Ismail, Arifuddin, Sudirman, Hasanuddin, Rusli, Amiruddin, Ilham, Akbar, "
               "Syahrul, Kamaruddin, Mustari, Abdul Rahman, Haeruddin, Anwar, Burhanuddin, "
               "Irwan, Rahmat"),
        _names("Hasnawati, Nurhayati, Sitti Aminah, Andi Nurul, Murniati, Kasmawati, Haslinda, "
               "Nurjannah, Hasriani, Suriani, Jumriani, Rosmini, Hasna, Irmawati, Sukmawati, "
               "Hasmiati, Nurhaedah, Rahmatia, Husnah, Syamsiah, Asriani, Nurlina"),
        _names("Syam, Rahman, Tahir, Hamid, Latif, Arsyad, Saleh, Kadir, Rahim, Said, Gani, "
               "Mappiare, Yunus, Hasan, Amir, Basri, Sultan, Ramli, Jufri, Mansyur, Makmur, "
               "Mattola"),
        single_rate=0.25,
    ),
    "kaili": NamePool(
        _names("Moh., Mohammad, Abdul, Ahmad, Rizal, Syarifuddin, Mahmud, Irwan, Yahya, Rusdi, "
               "Nasrun, Amran, Ridwan, Ardin, Zainal, Ikhsan, Fadli, Hartono"),
        _names("Nurhayati, Fatmawati, Sitti, Nurlela, Rahmawati, Hadijah, Salmah, Sri, Nurmi, "
               "Farida, Asmawati, Nursia, Wahyuni, Nurfitri"),
        _names("Lamasitudju, Lamakarate, Tombolotutu, Labolo, Lasahido, Lamarauna, Lapasere, "
               "Djanggola, Rauf, Lahadji, Batalipu, Hamid, Yotolembah, Pettalolo"),
    ),
    "muna": NamePool(
        _names("Rusman, Sahidin, Munir, Haris, Kamaludin, Zaidun, Hasan, Rahman, Syukur, Amir, "
               "Safaruddin, Jamil, Yusuf, Ali, Bahari, Nasir, Muhammad Ali, Muhamad Taufik"),
        _names("Hasna, Rahmi, Nurmiati, Asni, Sariani, Nurhaya, Siti, Fatima, Harnia, Nurlin, "
               "Sartini, Halima, Murni, Nurhayati"),
        _names("Rahman, Hamid, Saleh, Idrus, Rasyid, Ahmadi, Halim, Kadir, Ibrahim"),
        prefix_m=_names("La Ode, La Ode, La"),
        prefix_f=_names("Wa Ode, Wa Ode, Wa"),
        prefix_rate=0.6,
        single_rate=0.5,
    ),
    "banjar": NamePool(
        _names("Muhammad, Ahmad, Akhmad, Rahmadi, Fahrianoor, Syahrani, Gusti, Fauzi, Hairul, "
               "Rusdiansyah, Yudi, Arbainsyah, Saipul, Husin, Rijali, Abdul"),
        _names("Siti, Norhayati, Rusmiati, Mahmudah, Fatimah, Sarifah, Hairunnisa, Noorjannah, "
               "Rahmah, Halimah, Mariani, Jamilah, Aulia, Rabiatul"),
        _names("Noor, Syahrani, Rahman, Fauzi, Hidayat, Rizani, Iskandar, Hamdani, Arsyad, "
               "Maulana, Ramadhan, Rahmadi, Wahyudi, Ansyari, Yusuf, Fahmi"),
        _names("Aini, Rahmawati, Hayati, Fitriani, Jannah, Noorhasanah, Mariana, Rahmah, "
               "Maulida, Hidayati"),
    ),
    "minahasa": NamePool(
        _names("Johny, Frans, Steven, Ronny, Hendrik, Jefry, Ferry, Roy, Max, Fredy, Olly, "
               "Vicky, Denny, Alfian, Michael"),
        _names("Grace, Meity, Nova, Lenny, Christine, Vivi, Deisy, Jeane, Marlyn, Irene, Yuli, "
               "Stella, Feybe, Olvie"),
        _names("Lumentut, Rondonuwu, Tumbelaka, Sondakh, Wowor, Mandagi, Rumondor, Pangemanan, "
               "Tumiwa, Kalalo, Lengkong, Sumampouw, Kaunang, Runtuwene, Tambuwun"),
        single_rate=0.0,
        muslim=False,
    ),
    "timur": NamePool(
        _names("Yohanes, Fransiskus, Petrus, Yosef, Marthen, Agustinus, Simon, Paulus, Daniel, "
               "Stefanus, Yakob, Markus, Nikolaus"),
        _names("Maria, Yuliana, Agustina, Margaretha, Elisabeth, Theresia, Veronika, Yohana, "
               "Magdalena, Anastasia, Kristina, Fransiska"),
        _names("Bria, Nahak, Seran, Manek, Fernandez, Da Silva, Pattiasina, Latuheru, "
               "Tuhumury, Wenda, Kogoya, Rumbiak, Mandacan, Sahetapy, Tanamal, Ratu, Kase, "
               "Nenobais, Bere"),
        single_rate=0.0,
        muslim=False,
    ),
}  # fmt: skip
# Name pools by province code; anyone may also come from elsewhere (NATIONAL_MIX).
PROVINCE_POOLS = {
    "11": {"melayu": 1}, "12": {"batak": 6, "melayu": 4}, "13": {"minang": 1},
    "14": {"melayu": 7, "minang": 2, "batak": 1}, "15": {"melayu": 7, "jawa": 2, "minang": 1},
    "16": {"melayu": 7, "jawa": 3}, "17": {"melayu": 7, "jawa": 2, "minang": 1},
    "18": {"jawa": 6, "melayu": 4}, "19": {"melayu": 1}, "21": {"melayu": 1},
    "31": {"jawa": 5, "sunda": 3, "batak": 2}, "32": {"sunda": 8, "jawa": 2},
    "33": {"jawa": 1}, "34": {"jawa": 1}, "35": {"jawa": 1}, "36": {"sunda": 7, "jawa": 3},
    "51": {"bali": 1}, "52": {"melayu": 5, "bali": 2, "bugis": 3}, "53": {"timur": 1},
    "61": {"melayu": 6, "timur": 2, "jawa": 2}, "62": {"banjar": 6, "timur": 2, "jawa": 2},
    "63": {"banjar": 1}, "64": {"banjar": 4, "bugis": 3, "jawa": 3},
    "65": {"banjar": 4, "bugis": 4, "timur": 2}, "71": {"minahasa": 1},
    "72": {"kaili": 6, "bugis": 4}, "73": {"bugis": 1}, "74": {"muna": 6, "bugis": 4},
    "75": {"kaili": 5, "bugis": 5}, "76": {"bugis": 1}, "81": {"timur": 7, "melayu": 3},
    "82": {"melayu": 6, "timur": 4},
}  # fmt: skip
NATIONAL_MIX = {"jawa": 45, "sunda": 15, "melayu": 10, "bugis": 10, "batak": 8, "minang": 7}
LOCAL_SHARE = 0.75  # the rest of the employees come from anywhere in Indonesia
EMAIL_SHARE = 0.4
PHONE_SHARE = 0.6


# --- ABK: norma waktu per post --------------------------------------------------------------

# (task, output unit, minutes per unit, yearly volume for one holder)
NORMS: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    "Analis SDM Aparatur": (
        ("Menyusun laporan kepegawaian", "Laporan", 120, 24),
        ("Memverifikasi usulan kenaikan pangkat", "Berkas", 30, 600),
        ("Menyusun analisis jabatan dan beban kerja", "Dokumen", 240, 40),
        ("Mengolah data kebutuhan formasi ASN", "Dokumen", 180, 12),
        ("Memfasilitasi penilaian kinerja pegawai", "Kegiatan", 90, 60),
    ),
    "Asesor SDM Aparatur": (
        ("Melaksanakan penilaian kompetensi", "Peserta", 240, 120),
        ("Menyusun laporan hasil penilaian kompetensi", "Laporan", 180, 60),
    ),
    "Pranata Komputer": (
        ("Memelihara basis data sistem informasi", "Kegiatan", 60, 250),
        ("Menangani gangguan perangkat dan jaringan", "Laporan", 45, 300),
        ("Membuat cadangan data sistem informasi", "Berkas", 30, 104),
        ("Mengembangkan modul aplikasi", "Modul", 1200, 12),
    ),
    "Pengadministrasi Perkantoran": (
        ("Mengagendakan surat masuk dan keluar", "Surat", 5, 4000),
        ("Mengarsipkan dokumen", "Berkas", 10, 1500),
        ("Menyiapkan bahan rapat", "Kegiatan", 60, 96),
        ("Mengetik konsep naskah dinas", "Naskah", 20, 600),
    ),
    "Penata Layanan Operasional": (
        ("Menyusun bahan laporan kegiatan", "Laporan", 120, 48),
        ("Memverifikasi kelengkapan berkas layanan", "Berkas", 15, 1800),
        ("Mengolah data layanan", "Dokumen", 90, 150),
    ),
    "Pengemudi": (
        ("Mengantar pimpinan dalam tugas kedinasan", "Perjalanan", 120, 300),
        ("Merawat kendaraan dinas", "Kali", 60, 104),
        ("Melaporkan kondisi kendaraan dinas", "Laporan", 15, 52),
    ),
    "Guru": (
        ("Melaksanakan pembelajaran tatap muka", "Jam Pelajaran", 40, 900),
        ("Menyusun modul ajar", "Dokumen", 120, 36),
        ("Menilai hasil belajar peserta didik", "Kelas", 180, 24),
        ("Membimbing kegiatan ekstrakurikuler", "Kegiatan", 90, 60),
    ),
    "Perawat": (
        ("Melakukan pengkajian keperawatan", "Pasien", 15, 1800),
        ("Memberikan asuhan keperawatan", "Pasien", 20, 1600),
        ("Mendokumentasikan asuhan keperawatan", "Dokumen", 10, 1600),
    ),
    "Bidan": (
        ("Melakukan pemeriksaan ibu hamil", "Pasien", 20, 1200),
        ("Menolong persalinan normal", "Persalinan", 180, 60),
        ("Memberikan pelayanan keluarga berencana", "Akseptor", 20, 500),
    ),
    "Auditor": (
        ("Melaksanakan audit kinerja", "Laporan Hasil Audit", 2400, 12),
        ("Melaksanakan reviu laporan keuangan", "Laporan", 1200, 8),
        ("Memantau tindak lanjut hasil pemeriksaan", "Rekomendasi", 60, 150),
    ),
    "Polisi Pamong Praja": (
        ("Melaksanakan patroli ketertiban umum", "Kali", 240, 150),
        ("Melaksanakan penertiban pelanggaran perda", "Kegiatan", 180, 60),
        ("Menyusun laporan hasil patroli", "Laporan", 30, 150),
    ),
    "Kepala Subbagian Umum dan Kepegawaian": (
        ("Menyusun rencana kerja subbagian", "Dokumen", 480, 2),
        ("Memaraf dan meneruskan naskah dinas", "Naskah", 10, 2400),
        ("Mengoordinasikan urusan kepegawaian dan rumah tangga", "Kegiatan", 120, 120),
        ("Menilai kinerja bawahan", "Pegawai", 120, 20),
    ),
    "Kepala Bidang Pengembangan Kompetensi": (
        ("Menyusun rencana pengembangan kompetensi ASN", "Dokumen", 480, 2),
        ("Memverifikasi usulan tugas belajar", "Berkas", 30, 150),
        ("Mengevaluasi pelaksanaan pelatihan", "Laporan", 240, 12),
        ("Memimpin rapat koordinasi bidang", "Kegiatan", 120, 48),
        ("Menilai kinerja bawahan", "Pegawai", 120, 10),
    ),
}
NORMS_PER_JOB_OUTSIDE_BKPSDMD = 5  # a small catalogue: every BKPSDMD post, a few elsewhere
EFFECTIVE_MINUTES = 75_000  # 1,250 hours (PermenPANRB 1/2020)


# --- Result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Norm:
    position_code: str
    name: str
    output_unit: str
    minutes_per_unit: int
    yearly_volume: int


@dataclass
class DemoOrg:
    units: list[list] = field(default_factory=list)
    positions: list[list] = field(default_factory=list)
    employees: list[list] = field(default_factory=list)
    norms: list[Norm] = field(default_factory=list)

    def tables(self) -> dict[str, tuple[list[str], list[list]]]:
        """The rows by import kind, in import order, each with its header row."""
        return {
            "units": (UNIT_HEADERS, self.units),
            "positions": (POSITION_HEADERS, self.positions),
            "employees": (EMPLOYEE_HEADERS, self.employees),
        }


# --- Sizes --------------------------------------------------------------------------------


def employee_target(*, level: str, population: int, scale: str = "small") -> int:
    """How many employees a Pemda of this level and population gets at this scale."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    rate = PROVINCE_ASN_RATE if level == "provinsi" else LOCAL_ASN_RATE
    full = max(SMALL_RANGE[0], round(population * rate))
    if scale == "full":
        return full
    low, high = SMALL_LOG_SPAN
    share = min(1.0, max(0.0, (math.log10(full) - low) / (high - low)))
    return round(SMALL_RANGE[0] + share * (SMALL_RANGE[1] - SMALL_RANGE[0]))


def _managerial_budget(employees: int) -> int:
    points = MANAGERIAL_SHARE
    share = points[0][1] if employees <= points[0][0] else points[-1][1]
    for (n0, share0), (n1, share1) in zip(points, points[1:], strict=False):
        if n0 <= employees <= n1:
            t = (math.log10(employees) - math.log10(n0)) / (math.log10(n1) - math.log10(n0))
            share = share0 + (share1 - share0) * t
            break
    return round(employees * share)


def _base_name(region_name: str) -> str:
    return re.sub(r"^(Kota|Kabupaten|Kab\.)\s+", "", region_name)


# --- The tree -----------------------------------------------------------------------------


@dataclass(eq=False)
class _Post:
    title: str
    jenis: str
    kelas: int
    node: _Node
    tier: int
    order: int
    seq: int
    persona: str = ""
    vacant: bool = False
    code: str = ""


@dataclass(eq=False)
class _Node:
    name: str
    kind: str
    parent: _Node | None
    tier: int
    order: int
    seq: int
    profile: tuple[tuple[str, float], ...]
    weight: float
    urusan: str = ""
    skippable: bool = False  # a grouping (Asisten) whose children may stand without it
    degrees: tuple[str, ...] = ()
    posts: list[_Post] = field(default_factory=list)
    included: bool = False
    code: str = ""

    @property
    def head(self) -> _Post | None:
        return self.posts[0] if self.posts else None

    def opd(self) -> _Node:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class _Tree:
    """Every unit and managerial post a Pemda of this size could have, each with a priority.

    A post's (tier, order) orders it: tier 0 is the minimum every demo Pemda has (each core
    OPD with its head, Sekretariat, one Subbagian and one Bidang); higher tiers add the second
    bidang, optional OPD, kecamatan, then seksi, schools and Puskesmas. Within a tier, order
    interleaves the OPD so a budget cut in the middle spreads evenly.
    """

    def __init__(
        self, *, code: str, level: str, name: str, population: int, localities: Sequence[str]
    ):
        self.level = level
        self.where = PROVINCE if level == "provinsi" else LOCAL
        self.kelas = KELAS[self.where]
        self.base = _base_name(name)
        self.population = population
        self.localities = list(localities)
        self.kecamatan = self._kecamatan_names(code) if level != "provinsi" else []
        self.nodes: list[_Node] = []
        self.posts: list[_Post] = []
        self.bkpsdmd_first_bidang: _Node | None = None
        self.sekda: _Post | None = None
        self.kepala_bkpsdmd: _Post | None = None

    def node(
        self, name, kind, parent, *, tier, order=0, profile=(), weight=1.0, head=None, **extra
    ) -> _Node:
        # A unit never comes before its (non-skippable) parent.
        if parent is not None and not parent.skippable:
            if tier <= parent.tier:
                tier, order = parent.tier, max(order, parent.order)
        node = _Node(
            name, kind, parent, tier, order, len(self.nodes), tuple(profile), weight, **extra
        )
        self.nodes.append(node)
        if head is not None:
            self.post(node, *head, tier=tier, order=order)
        return node

    def post(self, node, title, jenis, kelas, *, tier, order=0) -> _Post:
        post = _Post(title, jenis, kelas, node, tier, order, len(self.posts))
        node.posts.append(post)
        self.posts.append(post)
        return post

    # -- builders --

    def build(self) -> None:
        self._setda()
        self._setwan_and_inspektorat()
        optional = 0
        for spec in OPDS:
            if not self._serves(spec):
                continue
            if spec.core:
                self._opd(spec, tier=0, order=0)
            else:
                self._opd(spec, tier=2, order=optional)
                optional += 1
        if self.level != "provinsi":
            self._kecamatan()

    def _serves(self, spec: Opd) -> bool:
        return self.where in spec.where or self.level in spec.where

    def _setda(self) -> None:
        k = self.kelas
        province = self.level == "provinsi"
        sekda_jenis = JenisJabatan.JPT_MADYA if province else JenisJabatan.JPT_PRATAMA
        setda = self.node(
            "Sekretariat Daerah",
            UnitKind.SEKRETARIAT_DAERAH,
            None,
            tier=0,
            profile=STAFF_PROFILES["setda"],
            weight=0.4,
            urusan="4.01",
            head=("Sekretaris Daerah", sekda_jenis, k["sekda"]),
        )
        self.sekda = setda.head
        leader = LEADER[self.level]
        for i, field_name in enumerate(STAF_AHLI):
            title = f"Staf Ahli {leader} Bidang {field_name}"
            self.post(setda, title, JenisJabatan.JPT_PRATAMA, k["jpt"], tier=3, order=i)
        later = 0
        for a, (asisten, bagians) in enumerate(SETDA_LOCAL):
            group = self.node(
                f"Asisten {asisten}",
                UnitKind.LAINNYA,
                setda,
                tier=3,
                order=a,
                profile=STAFF_PROFILES["setda"],
                weight=0.2,
                skippable=True,
                head=(f"Asisten {asisten}", JenisJabatan.JPT_PRATAMA, k["jpt"]),
            )
            for bagian, biro, subs in bagians:
                first = bagian in SETDA_FIRST
                # two more Bagian early, the rest with the optional OPD
                tier, order = (0, 0) if first else (1 if later < 2 else 2, later)
                later += 0 if first else 1
                if province:  # Biro (JPT Pratama) → Bagian (Administrator)
                    unit = self.node(
                        f"Biro {biro}",
                        UnitKind.LAINNYA,
                        group,
                        tier=tier,
                        order=order,
                        profile=STAFF_PROFILES["setda"],
                        weight=0.5,
                        head=(f"Kepala Biro {biro}", JenisJabatan.JPT_PRATAMA, k["karo"]),
                    )
                    child_kind, child_head = UnitKind.BAGIAN, ("Bagian", "Kepala Bagian")
                    child_jenis, child_kelas = JenisJabatan.ADMINISTRATOR, k["kabag"]
                else:  # Bagian (Administrator) → Subbagian (Pengawas)
                    unit = self.node(
                        f"Bagian {bagian}",
                        UnitKind.BAGIAN,
                        group,
                        tier=tier,
                        order=order,
                        profile=STAFF_PROFILES["setda"],
                        weight=1.0,
                        head=(f"Kepala Bagian {bagian}", JenisJabatan.ADMINISTRATOR, k["kabag"]),
                    )
                    child_kind, child_head = UnitKind.SUBBAGIAN, ("Subbagian", "Kepala Subbagian")
                    child_jenis, child_kelas = JenisJabatan.PENGAWAS, k["pengawas"]
                for s, sub in enumerate(subs):
                    self.node(
                        f"{child_head[0]} {sub}",
                        child_kind,
                        unit,
                        tier=tier if s == 0 else 3,
                        order=s,
                        profile=STAFF_PROFILES["setda"],
                        weight=1.2,
                        head=(f"{child_head[1]} {sub}", child_jenis, child_kelas),
                    )

    def _setwan_and_inspektorat(self) -> None:
        k = self.kelas
        setwan = self.node(
            "Sekretariat DPRD",
            UnitKind.SEKRETARIAT_DPRD,
            None,
            tier=0,
            profile=STAFF_PROFILES["setda"],
            weight=0.3,
            urusan="4.02",
            head=("Sekretaris DPRD", JenisJabatan.JPT_PRATAMA, k["jpt"]),
        )
        for i, (bagian, subs) in enumerate(SETWAN_BAGIAN):
            unit = self.node(
                f"Bagian {bagian}",
                UnitKind.BAGIAN,
                setwan,
                tier=0 if i == 0 else 1,
                profile=STAFF_PROFILES["setda"],
                head=(f"Kepala Bagian {bagian}", JenisJabatan.ADMINISTRATOR, k["kabag"]),
            )
            for s, sub in enumerate(subs):
                self.node(
                    f"Subbagian {sub}",
                    UnitKind.SUBBAGIAN,
                    unit,
                    tier=0 if s == 0 else 3,
                    order=s,
                    profile=STAFF_PROFILES["admin"],
                    weight=1.2,
                    head=(f"Kepala Subbagian {sub}", JenisJabatan.PENGAWAS, k["pengawas"]),
                )
        inspektorat = self.node(
            "Inspektorat",
            UnitKind.INSPEKTORAT,
            None,
            tier=0,
            profile=(("Auditor", 3), ("Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah", 2)),
            weight=0.6,
            urusan="6.01",
            head=("Inspektur", JenisJabatan.JPT_PRATAMA, k["jpt"]),
        )
        self._secretariat(inspektorat, "Inspektorat", tier=0, order=0)
        audit = (
            ("Auditor", 4),
            ("Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah", 3),
            ("Pengadministrasi Perkantoran", 0.5),
        )
        for i, wilayah in enumerate((*ROMAN[:4], "Khusus")):
            name = f"Inspektur Pembantu {'Wilayah ' if wilayah != 'Khusus' else ''}{wilayah}"
            self.node(
                name.replace("Inspektur", "Inspektorat", 1),
                UnitKind.LAINNYA,
                inspektorat,
                tier=0 if i == 0 else (1 if i == 1 else 3),
                order=i,
                profile=audit,
                weight=2.5,
                head=(name, JenisJabatan.ADMINISTRATOR, k["kabid"]),
            )

    def _secretariat(self, opd: _Node, opd_name: str, *, tier: int, order: int) -> _Node:
        secretariat = self.node(
            "Sekretariat",
            UnitKind.SEKRETARIAT,
            opd,
            tier=tier,
            order=order,
            profile=STAFF_PROFILES["admin"],
            weight=1.0,
            head=(f"Sekretaris {opd_name}", JenisJabatan.ADMINISTRATOR, self.kelas["sekretaris"]),
        )
        for s, sub in enumerate(DEFAULT_SUBBAG):
            self.node(
                f"Subbagian {sub}",
                UnitKind.SUBBAGIAN,
                secretariat,
                tier=tier if s == 0 else 3,
                order=s,
                profile=STAFF_PROFILES["admin"],
                weight=1.5,
                head=(f"Kepala Subbagian {sub}", JenisJabatan.PENGAWAS, self.kelas["pengawas"]),
            )
        return secretariat

    def _opd(self, spec: Opd, *, tier: int, order: int) -> None:
        k = self.kelas
        technical = tuple((job, 3.0) for job in spec.technical) + OFFICE_STAFF
        opd = self.node(
            spec.name,
            spec.kind,
            None,
            tier=tier,
            order=order,
            profile=technical,
            weight=0.4,
            urusan=spec.urusan,
            degrees=spec.degrees,
            head=(spec.head or f"Kepala {spec.name}", JenisJabatan.JPT_PRATAMA, k["jpt"]),
        )
        if spec.key == "bkpsdmd":
            self.kepala_bkpsdmd = opd.head
        self._secretariat(opd, spec.name, tier=tier, order=order)
        for b, (bidang, seksis) in enumerate(spec.bidang):
            if b == 0:
                b_tier, b_round = tier, order
            elif b == 1 and tier == 0:
                b_tier, b_round = 1, 0
            else:
                b_tier, b_round = 3, b
            unit = self.node(
                f"Bidang {bidang}",
                UnitKind.BIDANG,
                opd,
                tier=b_tier,
                order=b_round,
                profile=technical,
                weight=2.0,
                head=(f"Kepala Bidang {bidang}", JenisJabatan.ADMINISTRATOR, k["kabid"]),
            )
            if spec.key == "bkpsdmd" and b == 0:
                self.bkpsdmd_first_bidang = unit
                continue  # post-2021: the bidang's work is done by Fungsional, no seksi
            for s, seksi in enumerate(seksis if spec.seksi else ()):
                self.node(
                    f"Seksi {seksi}",
                    UnitKind.SEKSI,
                    unit,
                    tier=4,
                    order=s,
                    profile=technical,
                    weight=1.5,
                    head=(f"Kepala Seksi {seksi}", JenisJabatan.PENGAWAS, k["pengawas"]),
                )
        for u, name in enumerate(spec.upt):
            self.node(
                name,
                UnitKind.UPT,
                opd,
                tier=4,
                order=u,
                profile=technical,
                weight=3.0,
                head=(f"Kepala {name}", JenisJabatan.PENGAWAS, k["upt"]),
            )
        if spec.key == "disdik":
            self._schools(opd)
        elif spec.key == "dinkes":
            self._health(opd)
        elif spec.key == "bapenda" and self.level == "provinsi":
            for u, place in enumerate(self._localities()):
                name = f"UPT Pengelolaan Pendapatan Daerah {place}"
                self.node(
                    name,
                    UnitKind.UPT,
                    opd,
                    tier=4,
                    order=u,
                    profile=technical,
                    weight=3.0,
                    head=(f"Kepala {name}", JenisJabatan.PENGAWAS, k["upt"]),
                )

    def _localities(self) -> list[str]:
        if self.localities:
            return [_base_name(name) for name in self.localities]
        return [f"Wilayah {numeral}" for numeral in ROMAN[:6]]

    def _kecamatan_names(self, code: str) -> list[str]:
        known = KECAMATAN.get(code)
        if known:
            return _names(known)
        count = min(40, max(3, round(math.sqrt(self.population) / 56)))
        names = [f"{self.base} {side}" for side in ("Kota", "Utara", "Selatan", "Timur", "Barat")]
        names += PLACE_NAMES
        return names[:count]

    def _schools(self, disdik: _Node) -> None:
        k, school = self.kelas, STAFF_PROFILES["school"]
        head_jenis = JenisJabatan.PENGAWAS
        if self.level == "provinsi":
            places = self._localities()
            branches = min(13, max(1, round(len(places) / 2)))
            kinds = (
                ("SMA Negeri", max(2, round(self.population / 100_000)), 12.0),
                ("SMK Negeri", max(1, round(self.population / 170_000)), 14.0),
                ("SLB Negeri", max(1, round(self.population / 1_200_000)), 6.0),
            )
            cabdins = []
            for c in range(branches):
                name = f"Cabang Dinas Pendidikan Wilayah {ROMAN[c]}"
                cabdins.append(
                    self.node(
                        name,
                        UnitKind.UPT,
                        disdik,
                        tier=0 if c == 0 else 4,
                        order=c,
                        profile=STAFF_PROFILES["cabdin"],
                        weight=1.5,
                        head=(f"Kepala {name}", JenisJabatan.ADMINISTRATOR, k["kacabdin"]),
                    )
                )
            for label, count, weight in kinds:
                numbers: Counter = Counter()
                for i in range(count):
                    place = places[i % len(places)]
                    numbers[place] += 1
                    name = f"UPT {label} {numbers[place]} {place}"
                    branch = cabdins[(i % len(places)) * branches // len(places)]
                    first = i == 0 and label == "SMA Negeri"
                    self.node(
                        name,
                        UnitKind.UPT,
                        branch,
                        tier=0 if first else 5,
                        order=i,
                        profile=school,
                        weight=weight,
                        head=(f"Kepala {name}", head_jenis, k["school"]),
                    )
            return
        kecamatan = self.kecamatan
        kinds = (
            ("SD Negeri", max(1, round(self.population / 9_000)), 5.0),
            ("SMP Negeri", max(1, round(self.population / 45_000)), 9.0),
        )
        for label, count, weight in kinds:
            for i in range(count):
                if label == "SD Negeri":  # "SD Negeri 3 Toroh": numbered within the kecamatan
                    place = kecamatan[i % len(kecamatan)]
                    name = f"UPT {label} {i // len(kecamatan) + 1} {place}"
                else:  # "SMP Negeri 12 Surabaya": numbered across the Pemda
                    name = f"UPT {label} {i + 1} {self.base}"
                first = i == 0 and label == "SD Negeri"
                self.node(
                    name,
                    UnitKind.UPT,
                    disdik,
                    tier=0 if first else 5,
                    order=i,
                    profile=school,
                    weight=weight,
                    head=(f"Kepala {name}", head_jenis, k["school"]),
                )

    def _health(self, dinkes: _Node) -> None:
        k = self.kelas
        if self.level == "provinsi":
            units = [("UPT Laboratorium Kesehatan Daerah", "labkes", 6.0, "upt")]
            units += [("UPT Rumah Sakit Umum Daerah", "rsud", 60.0, "rsud")]
            units += [("UPT Rumah Sakit Jiwa", "rsud", 30.0, "rsud")]
            for u, (name, profile, weight, kelas) in enumerate(units):
                title = f"Direktur {name[4:]}" if profile == "rsud" else f"Kepala {name}"
                jenis = JenisJabatan.ADMINISTRATOR if profile == "rsud" else JenisJabatan.PENGAWAS
                self.node(
                    name,
                    UnitKind.UPT,
                    dinkes,
                    tier=0 if u == 0 else 4,
                    order=u,
                    profile=STAFF_PROFILES[profile],
                    weight=weight,
                    head=(title, jenis, k[kelas]),
                )
            return
        kecamatan = self.kecamatan
        count = max(len(kecamatan), round(self.population / 48_000))
        for i in range(count):
            place = kecamatan[i % len(kecamatan)]
            name = f"UPT Puskesmas {place}" + (
                f" {ROMAN[i // len(kecamatan)]}" if i >= len(kecamatan) else ""
            )
            self.node(
                name,
                UnitKind.UPT,
                dinkes,
                tier=0 if i == 0 else 4,
                order=i,
                profile=STAFF_PROFILES["puskesmas"],
                weight=10.0,
                head=(f"Kepala {name}", JenisJabatan.PENGAWAS, k["upt"]),
            )
        hospitals = 1 + (self.population > 1_000_000)
        for h in range(hospitals):
            name = f"UPT Rumah Sakit Umum Daerah {self.base}" + (f" {ROMAN[h]}" if h else "")
            self.node(
                name,
                UnitKind.UPT,
                dinkes,
                tier=4,
                order=h,
                profile=STAFF_PROFILES["rsud"],
                weight=60.0,
                head=(f"Direktur {name[4:]}", JenisJabatan.ADMINISTRATOR, k["rsud"]),
            )

    def _kecamatan(self) -> None:
        k, wilayah = self.kelas, STAFF_PROFILES["wilayah"]
        kelurahan_each = 0
        if self.level == "kota":
            kelurahan_each = max(1, round(self.population / 20_000 / len(self.kecamatan)))
        for i, kec in enumerate(self.kecamatan):
            tier, order = (0, 0) if i < 2 else (2, i - 2)
            node = self.node(
                f"Kecamatan {kec}",
                UnitKind.KECAMATAN,
                None,
                tier=tier,
                order=order,
                profile=wilayah,
                weight=1.5,
                urusan="7.01",
                head=(f"Camat {kec}", JenisJabatan.ADMINISTRATOR, k["camat"]),
            )
            secretariat = self.node(
                "Sekretariat Kecamatan",
                UnitKind.SEKRETARIAT,
                node,
                tier=tier,
                order=order,
                profile=STAFF_PROFILES["admin"],
                head=(f"Sekretaris Kecamatan {kec}", JenisJabatan.ADMINISTRATOR, k["sekcam"]),
            )
            for s, sub in enumerate(("Umum dan Kepegawaian", "Perencanaan dan Keuangan")):
                self.node(
                    f"Subbagian {sub}",
                    UnitKind.SUBBAGIAN,
                    secretariat,
                    tier=3,
                    order=s,
                    profile=STAFF_PROFILES["admin"],
                    weight=1.2,
                    head=(f"Kepala Subbagian {sub}", JenisJabatan.PENGAWAS, k["pengawas"]),
                )
            for s, seksi in enumerate(KECAMATAN_SEKSI):
                self.node(
                    f"Seksi {seksi}",
                    UnitKind.SEKSI,
                    node,
                    tier=tier if s == 0 else 3,
                    order=s,
                    profile=wilayah,
                    weight=1.2,
                    head=(f"Kepala Seksi {seksi}", JenisJabatan.PENGAWAS, k["pengawas"]),
                )
            for j in range(kelurahan_each):
                name = kec if j == 0 else PLACE_NAMES[(i * 7 + j) % len(PLACE_NAMES)]
                self.node(
                    f"Kelurahan {name}",
                    UnitKind.KELURAHAN,
                    node,
                    tier=4,
                    order=j,
                    profile=wilayah,
                    weight=1.5,
                    head=(f"Lurah {name}", JenisJabatan.PENGAWAS, k["lurah"]),
                )

    # -- selection --

    def select(self, budget: int) -> list[_Post]:
        """Take posts in priority order until the budget (or the whole tree) is used."""
        ordered = sorted(self.posts, key=lambda post: (post.tier, post.order, post.seq))
        minimum = sum(1 for post in ordered if post.tier == 0)
        chosen = ordered[: max(budget, minimum)]
        for post in chosen:
            if post is post.node.head:
                post.node.included = True
        chosen = [post for post in chosen if post.node.included]
        for node in self.nodes:  # a unit never stands without its (non-skippable) parent
            parent = node.parent
            assert not node.included or parent is None or parent.included or parent.skippable
        return sorted(chosen, key=lambda post: post.seq)

    def effective_parent(self, node: _Node) -> _Node | None:
        parent = node.parent
        while parent is not None and not parent.included:
            parent = parent.parent
        return parent

    def assign_codes(self) -> list[_Node]:
        """Codes like the Permendagri 90/2019 urusan: '1.01.01' Dinas Pendidikan, '1.01.01.02'
        its second unit. Returns the included units, parents before children."""
        included = [node for node in self.nodes if node.included]
        children: dict[int, list[_Node]] = {}
        roots = []
        for node in included:
            parent = self.effective_parent(node)
            if parent is None:
                roots.append(node)
            else:
                children.setdefault(parent.seq, []).append(node)
        numbers: Counter = Counter()
        ordered: list[_Node] = []

        def visit(node: _Node) -> None:
            ordered.append(node)
            kids = children.get(node.seq, [])
            width = 2 if len(kids) < 100 else 3
            for i, child in enumerate(kids, start=1):
                child.code = f"{node.code}.{i:0{width}d}"
                visit(child)

        roots.sort(key=lambda node: (node.urusan, node.seq))
        for root in roots:
            numbers[root.urusan] += 1
            root.code = f"{root.urusan}.{numbers[root.urusan]:02d}"
            visit(root)
        return ordered


# --- People -------------------------------------------------------------------------------


class _People:
    """Names, NIPs, golongan and dates, all from one seeded random generator."""

    def __init__(self, rng: random.Random, *, province: str, slug: str):
        self.rng = rng
        self.slug = slug
        local = PROVINCE_POOLS.get(province, NATIONAL_MIX)
        self.local = (list(local), list(local.values()))
        self.national = (list(NATIONAL_MIX), list(NATIONAL_MIX.values()))
        self.nips: set[str] = set()
        self.emails: set[str] = set()

    def reserve(self, nip: str) -> None:
        self.nips.add(nip)

    # -- names --

    def name(self, female: bool) -> tuple[str, NamePool]:
        rng = self.rng
        pools, weights = self.local if rng.random() < LOCAL_SHARE else self.national
        pool = NAME_POOLS[rng.choices(pools, weights)[0]]
        first = rng.choice(pool.first_f if female else pool.first_m)
        last_names = (pool.last_f or pool.last_m) if female else pool.last_m
        parts = []
        prefixes = pool.prefix_f if female else pool.prefix_m
        if prefixes and rng.random() < pool.prefix_rate:
            parts.append(rng.choice(prefixes))
        parts.append(first)
        if rng.random() >= pool.single_rate or first.endswith("."):  # never "Muh." alone
            last = rng.choice(last_names)
            if last != first:
                parts.append(last)
        return " ".join(parts), pool

    def titled(
        self, name: str, pool: NamePool, *, female: bool, age: int, degrees: str, prefix: str
    ) -> str:
        if pool.muslim and age >= 40 and self.rng.random() < 0.12:
            name = f"{'Hj.' if female else 'H.'} {name}"
        if prefix:
            name = f"{prefix} {name}"
        return f"{name}, {degrees}" if degrees else name

    def email(self, name: str) -> str:
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        skip = {"i", "ni", "la", "wa", "ode", "muh", "moh"}
        words = [word for word in re.findall(r"[a-z]+", plain) if word not in skip]
        words = words or re.findall(r"[a-z]+", plain) or ["pegawai"]
        local = f"{words[0]}.{words[-1]}" if len(words) > 1 else words[0]
        candidate, number = local, 1
        while candidate in self.emails:
            number += 1
            candidate = f"{local}{number}"
        self.emails.add(candidate)
        return f"{candidate}@{self.slug}.go.id"

    def phone(self) -> str:
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(self.rng.choice((7, 8))))
        return f"{self.rng.choice(PHONE_PREFIXES)}{digits}"

    # -- NIP and career --

    def nip(self, birth: datetime.date, appointed: str, female: bool) -> str:
        """An unused NIP: the sequence counts up from a small random start."""
        sex = "2" if female else "1"
        sequence = self.rng.randint(1, 9)
        while True:
            nip = f"{birth:%Y%m%d}{appointed}{sex}{sequence:03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip
            sequence += 1
            if sequence > 999:
                birth += datetime.timedelta(days=1)
                sequence = 1

    def birth_date(self, year: int) -> datetime.date:
        return datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def pns(self, golongan: tuple[str, str], education: str, retire: int, min_years: int = 1):
        """(golongan, birth date, appointment YYYY, month) that fit together."""
        rng = self.rng
        entry = GOLONGAN.index(ENTRY_GOLONGAN[education])
        rank = max(entry, rng.randint(GOLONGAN.index(golongan[0]), GOLONGAN.index(golongan[1])))
        years = min(34, (rank - entry) * YEARS_PER_RANK + rng.randint(0, 3))
        years = max(years, min_years + rng.randint(0, 3) if min_years > 1 else 1)
        appointed = LAST_YEAR - years + 1
        birth_year = appointed - rng.randint(*ENTRY_AGE[education])
        oldest = REFERENCE_DATE.year - retire + 1  # still in service on the reference date
        if birth_year < oldest:
            birth_year = oldest + rng.randint(0, 2)
            appointed = max(appointed, birth_year + ENTRY_AGE["SMA"][0])
        return GOLONGAN[rank], self.birth_date(birth_year), appointed, rng.choice(PNS_MONTHS)

    def tmt(self, start: datetime.date, *, span_years: int) -> datetime.date:
        end = REFERENCE_DATE - datetime.timedelta(days=15)
        start = max(start, end - datetime.timedelta(days=365 * span_years))
        if start >= end:  # appointed (or qualified) only lately: some day of the last year
            start = end - datetime.timedelta(days=365)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))


# --- Generation ---------------------------------------------------------------------------


def _golongan_for_years(low: str, high: str, education: str, years: int) -> str:
    entry = GOLONGAN.index(ENTRY_GOLONGAN[education])
    rank = entry + years // YEARS_PER_RANK
    return GOLONGAN[min(GOLONGAN.index(high), max(GOLONGAN.index(low), rank))]


def _kind_cell(kind: str) -> str:
    # "Lainnya" matches the value LAINNYA whatever the import's language.
    return "Lainnya" if kind == UnitKind.LAINNYA else str(UnitKind(kind).label)


@dataclass
class _Holder:
    """One employee row before it is written."""

    nip: str
    name: str
    status: str
    golongan: str
    position: str
    unit: str
    tmt: datetime.date | None
    email: str = ""
    phone: str = ""


# The demo accounts (core.demo.services.DEMO_PEOPLE) and where they work.
PERSONA_STAFF = {
    "pegawai1": ("Analis SDM Aparatur", AM),
    "pegawai2": ("Pranata Komputer", AP),
    "pegawai3": ("Pengadministrasi Perkantoran", ""),
}


def org_generate(
    *,
    region: Region,
    slug: str,
    scale: str = "small",
    employees: int | None = None,
    personas: Mapping[str, str] | None = None,
    localities: Sequence[str] = (),
) -> DemoOrg:
    """The organisation of the Pemda of ``region`` as import rows; the same every run.

    1. Size: ``employees`` or the scale's target for the region's level and population.
    2. Build every unit and post such a Pemda could have, each with a priority (``_Tree``),
       and keep the posts the managerial budget allows; leave a few lower posts vacant.
    3. Fill the posts: managers, then staff spread over the units by weight (every Seksi and
       Subbagian gets at least one, so atasan chains run staff → kasi → kabid → kepala → Sekda).
    4. ``personas`` (username → NIP: sekda, kepala.bkpsdmd, atasan, pegawai1..3) take their
       posts: the Sekretaris Daerah, the head of BKPSDMD, its first Kepala Bidang and three
       staff of that bidang.
    5. Norma waktu for the BKPSDMD posts and a few posts of each other catalogued job.

    ``localities``: for a province, the names of its kabupaten/kota (school and UPT names).
    """
    personas = dict(personas or {})
    target = employees or employee_target(
        level=region.level, population=region.population, scale=scale
    )
    rng = random.Random(f"sinergi-demo:{region.code}:{target}")
    tree = _Tree(
        code=region.code,
        level=region.level,
        name=region.name,
        population=region.population,
        localities=localities,
    )
    tree.build()
    posts = tree.select(_managerial_budget(target))
    units = tree.assign_codes()
    people = _People(rng, province=region.code[:2], slug=slug)
    for nip in personas.values():
        people.reserve(nip)

    _vacancies(rng, posts)
    persona_posts = {
        "sekda": tree.sekda,
        "kepala.bkpsdmd": tree.kepala_bkpsdmd,
        "atasan": tree.bkpsdmd_first_bidang.head if tree.bkpsdmd_first_bidang else None,
    }
    for key, post in persona_posts.items():
        if key in personas and post is not None:
            post.persona, post.vacant = key, False

    filled = [post for post in posts if not post.vacant]
    staff_count = target - len(filled)
    if staff_count < len(PERSONA_STAFF):
        raise ValueError(f"{target} employees cannot fill {len(filled)} managerial posts")

    org = DemoOrg()
    for node in units:
        parent = tree.effective_parent(node)
        org.units.append(
            [node.code, node.name, parent.code if parent else "", _kind_cell(node.kind)]
        )

    holders: list[_Holder] = []
    for post in posts:
        post.code = f"{post.node.code}-{post.node.posts.index(post) + 1:02d}"
    for post in filled:
        holders.append(_manager(people, post, personas.get(post.persona)))

    staff_positions: dict[tuple[int, str, str], str] = {}  # (unit, job, jenjang) → code
    numbers = Counter({node.seq: len(node.posts) for node in units})
    position_rows: dict[str, list] = {}
    for post in posts:
        position_rows[post.code] = [
            post.code,
            post.title,
            str(JenisJabatan(post.jenis).label),
            "",
            post.kelas,
            post.node.code,
        ]

    def staff_position(node: _Node, job: Job, jenjang: str) -> str:
        key = (node.seq, job.name, jenjang)
        if key not in staff_positions:
            numbers[node.seq] += 1
            code = f"{node.code}-{numbers[node.seq]:02d}"
            staff_positions[key] = code
            if jenjang:
                row = [
                    code,
                    f"{job.name} {Jenjang(jenjang).label}",
                    "Fungsional",
                    str(Jenjang(jenjang).label),
                    JENJANG_KELAS[jenjang],
                    node.code,
                ]
            else:
                row = [code, job.name, "Pelaksana", "", job.kelas, node.code]
            position_rows[code] = row
        return staff_positions[key]

    home = tree.bkpsdmd_first_bidang
    persona_staff = [key for key in PERSONA_STAFF if key in personas]
    for key in persona_staff:
        job_name, jenjang = PERSONA_STAFF[key]
        code = staff_position(home, JOBS[job_name], jenjang)
        holders.append(_persona_staff(people, JOBS[job_name], jenjang, personas[key], code, home))

    counts = _staff_counts(units, staff_count - len(persona_staff), home)
    for node in units:
        for _ in range(counts.get(node.seq, 0)):
            job_name = rng.choices([j for j, _w in node.profile], [w for _j, w in node.profile])[0]
            job = JOBS[job_name]
            holders.append(_staff(people, job, node, staff_position))

    org.positions = [position_rows[code] for code in sorted(position_rows, key=_code_key)]
    org.employees = [
        [h.nip, h.name, h.status, h.golongan, h.position, h.unit, h.tmt, h.email, h.phone]
        for h in holders
    ]
    org.norms = _norms(rng, org, tree)
    return org


def _code_key(code: str) -> tuple:
    unit, _, number = code.rpartition("-")
    return tuple(int(part) for part in unit.split(".")), int(number)


def _vacancies(rng: random.Random, posts: list[_Post]) -> None:
    """A few posts below the OPD heads stand empty, as in every real Pemda."""
    candidates = [
        post
        for post in posts
        if post.tier > 0
        and post is post.node.head
        and post.node.parent is not None
        and post.jenis in (JenisJabatan.ADMINISTRATOR, JenisJabatan.PENGAWAS)
    ]
    for post in rng.sample(candidates, round(len(candidates) * VACANCY_SHARE)):
        post.vacant = True


def _staff_counts(units: list[_Node], count: int, home: _Node | None) -> Counter:
    """Spread ``count`` staff over the units by weight (largest remainder); every staffed
    Seksi and Subbagian gets one first so that the deepest atasan chains exist."""
    counts: Counter = Counter()
    has_child = {node.parent.seq for node in units if node.parent is not None}
    leaves = [
        node
        for node in units
        if node.kind in (UnitKind.SEKSI, UnitKind.SUBBAGIAN) and node.head and not node.head.vacant
    ]
    for node in leaves[:count]:
        counts[node.seq] += 1
    count -= min(count, len(leaves))

    def weight(node: _Node) -> float:
        if node.kind == UnitKind.BIDANG and node.seq in has_child:
            return node.weight * 0.4  # its seksi hold most of its staff
        if node is home:
            return node.weight * 0.5  # already holds the demo's pegawai1..3
        return node.weight

    weights = [(node, weight(node)) for node in units if node.profile]
    total = sum(w for _node, w in weights)
    shares = [(node, count * w / total) for node, w in weights]
    for node, share in shares:
        counts[node.seq] += int(share)
    left = count - sum(int(share) for _node, share in shares)
    by_remainder = sorted(shares, key=lambda item: (-(item[1] - int(item[1])), item[0].seq))
    for node, _share in by_remainder[:left]:
        counts[node.seq] += 1
    return counts


def _education(rng: random.Random, jenjang: str) -> str:
    if jenjang in (T, M, P):
        return "D3"
    if jenjang == AMD:
        return rng.choice(("S1", "S2"))
    return "S1"


def _manager(people: _People, post: _Post, persona_nip: str | None) -> _Holder:
    rng = people.rng
    low, high = MANAGERIAL_GOLONGAN[post.jenis]
    jpt = post.jenis in (JenisJabatan.JPT_MADYA, JenisJabatan.JPT_PRATAMA)
    education = rng.choice(("S1", "S2", "S2")) if jpt else rng.choice(("S1", "S1", "S2"))
    if persona_nip:
        birth = datetime.date(int(persona_nip[:4]), int(persona_nip[4:6]), int(persona_nip[6:8]))
        appointed = int(persona_nip[8:12])
        female = persona_nip[14] == "2"
        golongan = _golongan_for_years(low, high, "S1", LAST_YEAR - appointed)
        nip = persona_nip
        start = datetime.date(appointed, int(persona_nip[12:14]), 1)
    else:
        female = rng.random() < (0.22 if jpt else 0.38)
        golongan, birth, appointed, month = people.pns(
            (low, high), education, 60 if jpt else 58, MIN_SERVICE[post.jenis]
        )
        nip = people.nip(birth, f"{appointed}{month:02d}", female)
        start = datetime.date(appointed, month, 1)
    name, pool = people.name(female)
    prefix, _, degrees = rng.choice(post.node.opd().degrees or MANAGER_DEGREES).rpartition("|")
    if jpt and not prefix and rng.random() < 0.12:
        prefix = "Dr."  # a doctorate
    age = REFERENCE_DATE.year - birth.year
    tmt = people.tmt(start + datetime.timedelta(days=365 * MIN_SERVICE[post.jenis]), span_years=6)
    holder = _Holder(
        nip=nip,
        name=people.titled(name, pool, female=female, age=age, degrees=degrees, prefix=prefix),
        status=str(EmploymentStatus.PNS.label),
        golongan=golongan,
        position=post.code,
        unit=post.node.code,
        tmt=tmt,
    )
    if rng.random() < 0.8:
        holder.email = people.email(name)
    if rng.random() < 0.85:
        holder.phone = people.phone()
    return holder


def _persona_staff(people, job: Job, jenjang: str, nip: str, code: str, node: _Node) -> _Holder:
    birth_year, appointed, female = int(nip[:4]), int(nip[8:12]), nip[14] == "2"
    if jenjang:
        education = _education(people.rng, jenjang)
        golongan = _golongan_for_years(*JENJANG_GOLONGAN[jenjang], education, LAST_YEAR - appointed)
    else:
        education = job.education
        golongan = _golongan_for_years(*job.golongan, education, LAST_YEAR - appointed)
    name, pool = people.name(female)
    degrees = _degrees(people.rng, job, jenjang, education)
    return _Holder(
        nip=nip,
        name=people.titled(
            name,
            pool,
            female=female,
            age=REFERENCE_DATE.year - birth_year,
            degrees=degrees,
            prefix=job.prefix,
        ),
        status=str(EmploymentStatus.PNS.label),
        golongan=golongan,
        position=code,
        unit=node.code,
        tmt=people.tmt(datetime.date(appointed + 2, 1, 2), span_years=5),
        email=people.email(name),
        phone=people.phone(),
    )


def _degrees(rng: random.Random, job: Job, jenjang: str, education: str) -> str:
    if education == "SMA":
        return ""
    if education == "D3":
        return job.diploma
    if job.degrees:
        return rng.choice(job.degrees)
    return rng.choice(OFFICE) if job.prefix == "" else ""


def _staff(people: _People, job: Job, node: _Node, staff_position) -> _Holder:
    rng = people.rng
    female = rng.random() < job.female
    draw = rng.random()
    status = EmploymentStatus.PNS
    if draw < job.part_time:
        status = EmploymentStatus.PPPK_PARUH_WAKTU
    elif draw < job.part_time + job.pppk:
        status = EmploymentStatus.PPPK
    if job.is_fungsional():
        if status == EmploymentStatus.PNS:
            jenjang = rng.choices(job.jenjang, [JENJANG_WEIGHT.get(j, 1) for j in job.jenjang])[0]
        else:
            jenjang = job.jenjang[0]  # PPPK are appointed at the first jenjang
        education = _education(rng, jenjang)
        golongan_range = JENJANG_GOLONGAN[jenjang]
        retire = 60 if jenjang == AMD else RETIREMENT_AGE
    else:
        jenjang, education, golongan_range, retire = "", job.education, job.golongan, 58
    code = staff_position(node, job, jenjang)
    if status == EmploymentStatus.PNS:
        golongan, birth, appointed, month = people.pns(golongan_range, education, retire)
        nip = people.nip(birth, f"{appointed}{month:02d}", female)
        tmt = people.tmt(datetime.date(appointed + 1, month, 1), span_years=12)
    else:
        appointed = (
            PART_TIME_YEAR
            if status == EmploymentStatus.PPPK_PARUH_WAKTU
            else (rng.choice(PPPK_YEARS))
        )
        birth = people.birth_date(appointed - rng.randint(22, 45))
        golongan = ""
        nip = people.nip(birth, f"{appointed}21", female)
        month = 10 if status == EmploymentStatus.PPPK_PARUH_WAKTU else rng.choice((1, 3, 4, 7))
        tmt = datetime.date(appointed, month, 1)
    if rng.random() < 0.1:
        tmt = None  # not every admin records the TMT jabatan
    name, pool = people.name(female)
    holder = _Holder(
        nip=nip,
        name=people.titled(
            name,
            pool,
            female=female,
            age=REFERENCE_DATE.year - birth.year,
            degrees=_degrees(rng, job, jenjang, education),
            prefix=job.prefix if education != "D3" else "",
        ),
        status=str(status.label),
        golongan=golongan,
        position=code,
        unit=node.code,
        tmt=tmt,
    )
    if rng.random() < EMAIL_SHARE:
        holder.email = people.email(name)
    if rng.random() < PHONE_SHARE:
        holder.phone = people.phone()
    return holder


def _norms(rng: random.Random, org: DemoOrg, tree: _Tree) -> list[Norm]:
    """Norma waktu for catalogued posts, the yearly volume set so that the required FTE is
    70-135 % of the current holders: ABK then shows both shortages and surpluses."""
    holders = Counter(row[4] for row in org.employees)
    bkpsdmd = tree.kepala_bkpsdmd.node.code if tree.kepala_bkpsdmd else None
    outside: Counter = Counter()
    norms = []
    for code, title, _jenis, jenjang, _kelas, unit in org.positions:
        if not holders[code]:
            continue
        job = title.removesuffix(f" {jenjang}") if jenjang else title
        tasks = NORMS.get(job)
        if tasks is None:
            continue
        in_bkpsdmd = bkpsdmd is not None and (unit == bkpsdmd or unit.startswith(f"{bkpsdmd}."))
        if not in_bkpsdmd:
            if outside[job] >= NORMS_PER_JOB_OUTSIDE_BKPSDMD:
                continue
            outside[job] += 1
        per_person = sum(minutes * volume for _task, _unit, minutes, volume in tasks)
        factor = holders[code] * EFFECTIVE_MINUTES * rng.uniform(0.7, 1.35) / per_person
        for task, output_unit, minutes, volume in tasks:
            norms.append(Norm(code, task, output_unit, minutes, max(1, round(volume * factor))))
    return norms
