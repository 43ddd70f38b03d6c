"""Demo data of the Surabaya model (issue 10, item 8): a year of attendance, daily activities
with their approvals, KPI (IKU) with cross-OPD teams, and the monthly indices, for a Pemda on
the Model Surabaya, plausible and uneven so that every chart has a story.

``activity_demo_seed(year=…, rng=…)`` runs inside a Pemda's schema, after
core.performance.demo: activities link to the RHK of the SKP it writes, and the monthly
behaviour score comes from its evaluations.

1. The calendar: the year's national holidays and cuti bersama as Holiday rows, loaded from
   core/activity/data/holidays_id.csv as the admin's button does
   (``core.activity.calendar.national_holidays_load``); for a year the file does not list,
   ``HOLIDAYS`` or else the holidays with a fixed date.
2. The catalogue: every staffed position without norma waktu gets tasks (the demo
   organisation, core.demo.org, catalogues every BKPSDMD post but only a few posts of each
   other job; a Pemda on the Surabaya model has a catalogue for every post, or its people
   could not log). Tasks of the job where core.demo.org has them, else tasks of the kind of
   post; yearly volumes set as core.demo.org does, so that the ABK shows both shortages and
   surpluses.
3. Profiles: each OPD has a level of work and of KPI achievement (a few OPDs are clearly
   weaker), a sick-leave level and a share of slow approvers; each person, within their OPD,
   how much of the day they log, how often they are on leave, sick, on duty travel or absent,
   how long they stay, and how often their entries are rejected; each atasan approves after a
   lag of working days (most within 1–2 days, a few take a week: late approvals).
4. Day by day over the months in detail (below), for each active employee with no
   attendance of the year yet: attendance of every working day (present 7–9 hours, less in
   Ramadan; leave in blocks, more around Lebaran and Christmas; sick, duty travel; rarely
   absent), and on each day present or on duty travel 3–8 entries from the catalogue of
   their position, together under the day's cap (``rules.day_cap``), some linked to an RHK
   of their SKP. An entry is approved or rejected (with a reason) when its atasan's lag has
   passed, else it waits; today only part of the day is logged, and nobody's attendance
   hours are known yet.
5. The demo accounts' story (``personas``: username → NIP): ``pegawai1`` has today's log
   partly filled and yesterday's (the last working day's) entries waiting for ``atasan``,
   who has a handful waiting and approves everything else the same afternoon; another
   atasan of the BKPSDMD is slow, so ``kepala.bkpsdmd`` sees late approvals. ``atasan``
   and ``pegawai1`` are members of a cross-OPD team.
6. KPI of the Pemda and of each OPD (cascading from the Pemda's) with monthly targets and
   the realisations of every month that has ended; two cross-OPD teams with members from
   several OPDs and their KPIs.
7. The monthly indices: ``core.activity.indices.month_recompute`` for every month with
   detail, then ANALYZE of the tables filled.

How much: attendance and activities for the current month and the 2 before it, and for
the months before those MonthlyIndex rows alone, drawn from the same profiles (their totals,
with no days to drill into). A whole year in detail took 2 minutes for the demo's Kota
Surabaya alone (377 people, 83,000 attendance days, 385,000 entries, on this shared 2-core
machine), too slow for ``make demo``; 3 months (in December: 17,000 attendance days, 78,000
entries) take 20-25 s, and Kota Jambi's 12 s. A Pemda so big that 3 months exceed
``DETAIL_BUDGET`` person-days (``seed_demo --scale full``) gets 2 months or the current
month only. ``detail_months=None`` writes the whole year in detail.

Deterministic: the same organisation, year, day and seed give the same rows (each person and
each part draws from a generator of its own). Idempotent: people who already have attendance
of the year are left alone, holidays, norma waktu, KPI and teams that exist are kept, so a
second run writes nothing. All in one transaction.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from core.accounts.models import Role, User
from core.activity import rules
from core.activity.calendar import national_holidays_load
from core.activity.indices import (
    month_first,
    month_perilaku,
    month_recompute,
    month_score,
    month_settings,
    person_indices,
    rhk_progress,
)
from core.activity.models import (
    Activity,
    ActivityState,
    Attendance,
    Favourite,
    Holiday,
    HolidayKind,
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiPeriod,
    MonthlyIndex,
    Team,
)
from core.activity.rules import AttendanceStatus
from core.activity.services import calendar_current
from core.demo.org import EFFECTIVE_MINUTES, NORMS
from core.org.models import ActivityNorm, Employee, Position, Unit
from core.org.ranks import JenisJabatan, Jenjang
from core.performance.models import Rhk

CHUNK = 200  # people whose rows are built and written together
BATCH = 2000  # rows per INSERT
DETAIL_MONTHS = 3  # in detail: the current month and the 2 before it
DETAIL_BUDGET = 150_000  # person-days in detail at most: fewer months for a big Pemda

# --- 1. The calendar ------------------------------------------------------------------------

N, CB = HolidayKind.NATIONAL, HolidayKind.CUTI_BERSAMA
# SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB No. 1497, 2 dan 5 Tahun 2025.
HOLIDAYS = {
    2026: (
        ("2026-01-01", "Tahun Baru 2026 Masehi", N),
        ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW", N),
        ("2026-02-16", "Cuti bersama Tahun Baru Imlek", CB),
        ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili", N),
        ("2026-03-18", "Cuti bersama Hari Suci Nyepi", CB),
        ("2026-03-19", "Hari Suci Nyepi (Tahun Baru Saka 1948)", N),
        ("2026-03-20", "Cuti bersama Idul Fitri 1447 H", CB),
        ("2026-03-21", "Idul Fitri 1447 H", N),
        ("2026-03-22", "Idul Fitri 1447 H", N),
        ("2026-03-23", "Cuti bersama Idul Fitri 1447 H", CB),
        ("2026-03-24", "Cuti bersama Idul Fitri 1447 H", CB),
        ("2026-04-03", "Wafat Yesus Kristus", N),
        ("2026-04-05", "Kebangkitan Yesus Kristus (Paskah)", N),
        ("2026-05-01", "Hari Buruh Internasional", N),
        ("2026-05-14", "Kenaikan Yesus Kristus", N),
        ("2026-05-15", "Cuti bersama Kenaikan Yesus Kristus", CB),
        ("2026-05-27", "Idul Adha 1447 H", N),
        ("2026-05-28", "Cuti bersama Idul Adha 1447 H", CB),
        ("2026-05-31", "Hari Raya Waisak 2570 BE", N),
        ("2026-06-01", "Hari Lahir Pancasila", N),
        ("2026-06-16", "Tahun Baru Islam 1448 H", N),
        ("2026-08-17", "Hari Proklamasi Kemerdekaan RI", N),
        ("2026-08-25", "Maulid Nabi Muhammad SAW", N),
        ("2026-12-24", "Cuti bersama Hari Raya Natal", CB),
        ("2026-12-25", "Hari Raya Natal", N),
    ),
}
FIXED_HOLIDAYS = (
    (1, 1, "Tahun Baru Masehi"),
    (5, 1, "Hari Buruh Internasional"),
    (6, 1, "Hari Lahir Pancasila"),
    (8, 17, "Hari Proklamasi Kemerdekaan RI"),
    (12, 25, "Hari Raya Natal"),
)
# Ramadan (shorter office hours) by year: first and last day.
RAMADAN = {2026: (datetime.date(2026, 2, 19), datetime.date(2026, 3, 20))}

# --- 2. The catalogue: tasks for posts core.demo.org leaves without norma waktu --------------

# (task, output unit, minutes per unit, share of the post's time)
MANAGER_TASKS = (
    ("Memimpin rapat koordinasi unit kerja", "Kegiatan", 90, 3),
    ("Memeriksa dan menandatangani naskah dinas", "Naskah", 10, 3),
    ("Memberikan arahan dan membagi tugas kepada bawahan", "Kegiatan", 30, 2),
    ("Memverifikasi aktivitas harian bawahan", "Pegawai", 10, 2),
    ("Memantau pelaksanaan kegiatan unit kerja", "Laporan", 60, 2),
    ("Menyusun laporan kinerja unit kerja", "Laporan", 240, 1),
    ("Menghadiri rapat dengan pimpinan atau instansi lain", "Kegiatan", 120, 2),
)
FUNGSIONAL_TASKS = (
    ("Menyusun kajian teknis di bidang tugas", "Dokumen", 240, 2),
    ("Mengolah dan menganalisis data", "Dokumen", 120, 3),
    ("Memberikan layanan atau konsultasi teknis", "Layanan", 45, 3),
    ("Mengikuti rapat koordinasi teknis", "Kegiatan", 90, 1),
    ("Menyusun laporan pelaksanaan tugas", "Laporan", 60, 1),
)
PELAKSANA_TASKS = (
    ("Menginput dan memutakhirkan data layanan", "Data", 5, 3),
    ("Memverifikasi kelengkapan berkas permohonan", "Berkas", 15, 3),
    ("Melayani permohonan atau pertanyaan masyarakat", "Layanan", 20, 3),
    ("Menyusun rekapitulasi kegiatan harian", "Laporan", 30, 1),
    ("Mengarsipkan dokumen", "Berkas", 10, 1),
)
# By the start of the post's name, before the kind of post.
TITLE_TASKS = {
    "Camat": (
        ("Memimpin rapat koordinasi kecamatan", "Kegiatan", 120, 2),
        ("Menandatangani dokumen layanan administrasi", "Berkas", 5, 3),
        ("Meninjau lapangan di wilayah kecamatan", "Kali", 180, 2),
        ("Membina penyelenggaraan pemerintahan kelurahan", "Kegiatan", 120, 2),
        ("Memverifikasi aktivitas harian bawahan", "Pegawai", 10, 1),
    ),
    "Lurah": (
        ("Melayani surat keterangan warga", "Surat", 15, 3),
        ("Memimpin rapat koordinasi kelurahan", "Kegiatan", 90, 1),
        ("Meninjau lapangan di wilayah kelurahan", "Kali", 120, 2),
        ("Memverifikasi aktivitas harian bawahan", "Pegawai", 10, 1),
    ),
    "Analis Kebijakan": (
        ("Menyusun telaahan kebijakan", "Dokumen", 300, 2),
        ("Mengumpulkan dan mengolah data kebijakan", "Dokumen", 120, 3),
        ("Menyusun rekomendasi kebijakan", "Dokumen", 360, 1),
        ("Mengikuti rapat pembahasan kebijakan", "Kegiatan", 120, 2),
    ),
    "Analis Keuangan": (
        ("Memverifikasi dokumen pembayaran", "Dokumen", 20, 3),
        ("Menyusun laporan realisasi anggaran", "Laporan", 240, 1),
        ("Merekonsiliasi data keuangan", "Dokumen", 120, 2),
    ),
    "Pengelola Pengadaan": (
        ("Menyusun dokumen pemilihan penyedia", "Dokumen", 240, 2),
        ("Mengevaluasi penawaran penyedia", "Paket", 180, 2),
        ("Mengunggah dokumen pengadaan ke SPSE", "Dokumen", 30, 2),
    ),
    "Pranata Hubungan Masyarakat": (
        ("Menyusun siaran pers", "Naskah", 90, 2),
        ("Mendokumentasikan kegiatan pimpinan", "Kegiatan", 120, 2),
        ("Mengelola konten media sosial", "Konten", 30, 3),
    ),
}

# --- 3. Profiles ----------------------------------------------------------------------------

WEAK_OPD_SHARE = 0.15  # OPDs whose people log clearly less and whose KPIs lag
SLOW_APPROVER_SHARE = 0.04
LOW_LOGGER_SHARE = 0.06  # people who often log little or nothing
ENTRIES = (3, 4, 5, 6, 7, 8)
ENTRY_WEIGHTS = (14, 24, 26, 18, 11, 7)
# The month's level of work: January starts slowly, Lebaran (March 2026) and December too.
MONTH_LEVEL = {1: 0.94, 2: 0.98, 3: 0.92, 4: 1.0, 5: 0.98, 6: 1.0, 7: 1.02, 8: 0.97,
               9: 1.02, 10: 1.03, 11: 1.02, 12: 0.93}  # fmt: skip
REJECT_REASONS = (
    "Bukti dukung belum dilampirkan.",
    "Volume tidak sesuai dengan output yang dilaporkan; mohon diperbaiki.",
    "Aktivitas tidak sesuai dengan uraian tugas jabatan.",
    "Waktu pelaksanaan tumpang tindih dengan aktivitas lain pada hari yang sama.",
    "Output belum dapat diverifikasi; lengkapi keterangan hasil kerja.",
)
OUTPUTS = (
    "{q} {unit} selesai",
    "{q} {unit}, diserahkan kepada atasan",
    "{q} {unit}, tersimpan di folder bersama unit",
    "{q} {unit} sesuai disposisi",
)
OUTPUT_SHARE = 0.6
RHK_LINKED_TASKS = 0.45  # of a person's tasks, those they link to one of their RHK

# --- 6. KPI ---------------------------------------------------------------------------------

H, L = KpiDirection.HIGHER, KpiDirection.LOWER
LEVEL, RAMP, COUNT = "level", "ramp", "count"  # a level, a cumulative %, a count per month
AGGREGATION = {LEVEL: KpiAggregation.LAST, RAMP: KpiAggregation.LAST, COUNT: KpiAggregation.SUM}


@dataclass(frozen=True)
class _KpiText:
    key: str  # the Pemda KPI it cascades from ("" for none)
    name: str
    measure: str
    direction: str
    annual: float
    kind: str
    weight: int = 1


PEMDA_KPIS = (
    _KpiText("ikm", "Indeks kepuasan masyarakat atas pelayanan publik", "Indeks", H, 85, LEVEL),
    _KpiText("rb", "Indeks reformasi birokrasi", "Nilai", H, 80, LEVEL),
    _KpiText("belanja", "Persentase realisasi belanja daerah", "%", H, 95, RAMP),
    _KpiText("sakip", "Persentase indikator kinerja utama yang mencapai target", "%", H, 90, LEVEL),
    _KpiText("tpt", "Tingkat pengangguran terbuka", "%", L, 5.5, LEVEL),
    _KpiText("stunting", "Prevalensi balita stunting", "%", L, 9, LEVEL),
)
OPD_KPIS = (
    _KpiText("ikm", "Indeks kepuasan masyarakat atas layanan {opd}", "Indeks", H, 85, LEVEL),
    _KpiText("belanja", "Persentase realisasi anggaran {opd}", "%", H, 95, RAMP),
    _KpiText("sakip", "Persentase capaian target program {opd}", "%", H, 100, LEVEL, 2),
)
# By a word of the OPD's name: its own KPI.
OPD_THEMES = (
    ("Kesehatan", _KpiText("stunting", "Persentase balita stunting yang mendapat intervensi gizi",
                           "%", H, 90, LEVEL, 2)),
    ("Pendidikan", _KpiText("", "Angka partisipasi murni SD", "%", H, 98, LEVEL, 2)),
    ("Kependudukan", _KpiText("ikm", "Persentase dokumen kependudukan terbit tepat waktu",
                              "%", H, 98, LEVEL, 2)),
    ("Kecamatan", _KpiText("ikm", "Persentase layanan administrasi yang selesai dalam 1 hari",
                           "%", H, 95, LEVEL, 2)),
    ("Kepegawaian", _KpiText("rb", "Persentase ASN yang memenuhi 20 JP pengembangan kompetensi",
                             "%", H, 85, RAMP, 2)),
    ("Pendapatan", _KpiText("belanja", "Persentase realisasi pendapatan asli daerah", "%", H,
                            100, RAMP, 2)),
    ("Sosial", _KpiText("", "Jumlah keluarga penerima manfaat yang diverifikasi", "Keluarga", H,
                        12000, COUNT, 2)),
    ("Pekerjaan Umum", _KpiText("", "Persentase jalan kota dalam kondisi mantap", "%", H, 92,
                                LEVEL, 2)),
    ("Perhubungan", _KpiText("", "Jumlah kendaraan yang lulus uji berkala", "Kendaraan", H,
                             24000, COUNT, 2)),
    ("Lingkungan", _KpiText("", "Persentase sampah yang tertangani", "%", H, 90, LEVEL, 2)),
    ("Polisi Pamong Praja", _KpiText("", "Jumlah pelanggaran perda yang ditindaklanjuti",
                                     "Kasus", H, 600, COUNT, 2)),
    ("Bencana", _KpiText("", "Waktu tanggap darurat bencana", "Menit", L, 15, LEVEL, 2)),
    ("Inspektorat", _KpiText("rb", "Persentase rekomendasi hasil pemeriksaan yang "
                             "ditindaklanjuti", "%", H, 90, LEVEL, 2)),
)  # fmt: skip


@dataclass(frozen=True)
class _TeamText:
    name: str
    rhk_team: str  # the team's name in core.performance.demo's RHK tambahan
    opd_words: tuple[str, ...]  # OPDs its members come from
    kpis: tuple[_KpiText, ...]
    personas: tuple[str, ...] = ()


TEAMS = (
    _TeamText(
        "Tim Percepatan Penurunan Stunting",
        "percepatan penurunan stunting",
        ("Kesehatan", "Sosial", "Perencanaan", "Kecamatan"),
        (
            _KpiText("stunting", "Persentase balita berisiko stunting yang didampingi", "%", H,
                     90, LEVEL, 2),
            _KpiText("", "Jumlah posyandu aktif yang dibina", "Posyandu", H, 240, COUNT),
        ),
    ),
    _TeamText(
        "Tim Reformasi Birokrasi dan Zona Integritas",
        "Reformasi Birokrasi",
        ("Kepegawaian", "Inspektorat", "Komunikasi", "Sekretariat Daerah"),
        (
            _KpiText("rb", "Nilai evaluasi reformasi birokrasi", "Nilai", H, 80, LEVEL, 2),
            _KpiText("", "Jumlah unit kerja yang diusulkan berpredikat WBK", "Unit", H, 6, RAMP),
        ),
        personas=("atasan", "pegawai1"),
    ),
)  # fmt: skip
TEAM_SIZE = (8, 14)

STORY_PEGAWAI, STORY_ATASAN, STORY_HEAD = "pegawai1", "atasan", "kepala.bkpsdmd"


@dataclass
class ActivityDemoReport:
    """What one run wrote."""

    holidays: int = 0
    norms: int = 0
    attendance: int = 0
    activities: int = 0
    favourites: int = 0
    kpis: int = 0
    kpi_periods: int = 0
    teams: int = 0
    indices: int = 0
    detail_from: datetime.date | None = None
    states: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        return (
            f"{self.attendance} attendance days, {self.activities} activities, {self.kpis} KPI, "
            f"{self.teams} teams, {self.indices} monthly indices"
        )


@dataclass(slots=True)
class _Opd:
    level: float  # how much of the day its people log
    strength: float  # its KPI achievement
    sick: float
    slow: float  # share of its atasan who approve late


@dataclass(slots=True)
class _Person:
    id: int
    nip: str
    unit_id: int
    opd_id: int
    position_id: int
    jenis: str
    atasan_id: int | None
    user_id: int | None
    new: bool = True
    story: str = ""
    fill: float = 0.75
    skip: float = 0.02  # days present without a log
    leave: float = 0.02
    sick: float = 0.01
    travel: float = 0.01
    absent: float = 0.0
    stay: int = 480  # minutes present on a usual day
    reject: float = 0.02
    rhk: dict = field(default_factory=dict)  # norm id → RHK id


@dataclass(slots=True)
class _Norm:
    id: int
    name: str
    unit: str
    minutes: int
    weight: float


def _batched(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _minutes(quantity: Decimal, per_unit: int) -> int:
    """As core.activity.services computes an entry's minutes."""
    return int((quantity * per_unit).to_integral_value(rounding=ROUND_HALF_UP))


@contextmanager
def _timestamps_kept(model) -> Iterator[None]:
    """bulk_create stamps auto_now(_add) fields with the present moment; the demo's entries
    keep the moments planned for them (logged on their day, decided days later), which the
    approval delays shown to leaders are made of."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def holidays_of_year(year: int) -> list[tuple[datetime.date, str, str]]:
    """(day, name, kind) of the year's national holidays and cuti bersama for a year the
    shared data file (core.activity.calendar) does not list: ``HOLIDAYS``, else the holidays
    with a fixed date."""
    if year in HOLIDAYS:
        return [(datetime.date.fromisoformat(d), name, kind) for d, name, kind in HOLIDAYS[year]]
    return [(datetime.date(year, m, d), name, N) for m, d, name in FIXED_HOLIDAYS]


def _today(today: datetime.date | None) -> tuple[datetime.date, ZoneInfo]:
    tenant = getattr(connection, "tenant", None)
    zone = ZoneInfo(getattr(tenant, "time_zone", None) or "Asia/Jakarta")
    return (today or timezone.localdate(timezone=zone)), zone


@transaction.atomic
def activity_demo_seed(
    *,
    year: int,
    rng: random.Random,
    today: datetime.date | None = None,
    personas: Mapping[str, str] | None = None,
    detail_months: int | None = DETAIL_MONTHS,
    detail_budget: int = DETAIL_BUDGET,
) -> ActivityDemoReport:
    """A year of the Surabaya model's data for the current Pemda (see the module's
    docstring). ``today``: the day the data is as of (the Pemda's today by default);
    ``personas``: the demo accounts, username → NIP, whose story is set; ``detail_months``:
    the months written in detail, up to today's (None: the whole year), fewer when they
    would exceed ``detail_budget`` person-days."""
    today, zone = _today(today)
    seed = _Seed(
        year=year,
        rng=rng,
        today=today,
        zone=zone,
        personas=dict(personas or {}),
        detail_months=detail_months,
        detail_budget=detail_budget,
    )
    return seed.run()


class _Seed:
    def __init__(self, *, year, rng, today, zone, personas, detail_months, detail_budget):
        self.year, self.today, self.zone = year, today, zone
        self.last = min(today, datetime.date(year, 12, 31))
        # The moment the data is as of: now, or midday of a ``today`` given in the past.
        self.now = timezone.now()
        if today < timezone.localdate(timezone=zone):
            self.now = datetime.datetime.combine(today, datetime.time(12), tzinfo=zone)
        self.personas = personas
        self.detail_months, self.detail_budget = detail_months, detail_budget
        self.caps: dict[tuple, int] = {}
        # One generator per part, so that what one part draws never shifts another.
        self.base = rng.getrandbits(64)
        self.report = ActivityDemoReport()

    def _rng(self, *key) -> random.Random:
        return random.Random(f"{self.base}:" + ":".join(str(k) for k in key))

    def _at(self, day: datetime.date, minute: int) -> datetime.datetime:
        """The moment ``minute`` minutes after midnight of ``day`` in the Pemda's zone, never
        after now."""
        moment = datetime.datetime.combine(day, datetime.time(0), tzinfo=self.zone)
        return min(moment + datetime.timedelta(minutes=minute), self.now)

    # 1. The calendar -------------------------------------------------------------------

    def _holidays(self) -> None:
        loaded = national_holidays_load(years=[self.year])  # the shared file, as the admin's
        self.report.holidays = loaded.added
        if not loaded.added + loaded.kept:  # a year the file does not list
            existing = set(
                Holiday.objects.filter(day__year=self.year).values_list("day", flat=True)
            )
            new = [
                Holiday(day=day, name=name, kind=kind)
                for day, name, kind in holidays_of_year(self.year)
                if day not in existing
            ]
            Holiday.objects.bulk_create(new, ignore_conflicts=True)
            self.report.holidays = len(new)
        first = datetime.date(self.year, 1, 1)
        self.calendar = calendar_current(first, datetime.date(self.year, 12, 31))
        self.days = [
            first + datetime.timedelta(days=n)
            for n in range((self.last - first).days + 1)
            if self.calendar.working(first + datetime.timedelta(days=n))
        ]
        self.max_minutes = self.calendar.max_minutes_per_day
        ramadan = RAMADAN.get(self.year)
        self.ramadan = {d for d in self.days if ramadan and ramadan[0] <= d <= ramadan[1]}
        # Leave clusters around the long holidays (Lebaran, Christmas and New Year).
        long_breaks = [datetime.date(self.year, 12, 31)] + list(
            Holiday.objects.filter(day__year=self.year, kind=CB).values_list("day", flat=True)
        )
        self.busy_leave = {d for d in self.days if any(abs((d - b).days) <= 6 for b in long_breaks)}

    # 2. The organisation and the catalogue ---------------------------------------------

    def _load(self) -> None:
        rows = (
            Employee.objects.filter(is_active=True)
            .order_by("nip")
            .values_list(
                "id",
                "nip",
                "unit_id",
                "unit__opd_id",
                "position_id",
                "position__jenis",
                "atasan_override_id",
                "derived_atasan_id",
                "user_id",
            )
        )
        self.people = [
            _Person(pk, nip, unit, opd or unit, position, jenis, over or derived, user)
            for pk, nip, unit, opd, position, jenis, over, derived, user in rows
        ]
        seeded = set(
            Attendance.objects.filter(day__year=self.year)
            .values_list("employee_id", flat=True)
            .distinct()
        )
        by_nip = {person.nip: person for person in self.people}
        for person in self.people:
            person.new = person.id not in seeded
        for key, nip in self.personas.items():
            if nip in by_nip:
                by_nip[nip].story = key
        self.by_id = {person.id: person for person in self.people}
        self.users = dict(Employee.objects.exclude(user=None).values_list("id", "user_id"))
        self.leader_user = (
            User.objects.filter(role=Role.LEADER, is_active=True, employee__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        self.opd_names = dict(Unit.objects.filter(parent__isnull=True).values_list("id", "name"))
        self.opd_heads = dict(Unit.objects.filter(parent__isnull=True).values_list("id", "head_id"))

    def _norms(self) -> None:
        """Norma waktu for every staffed position that has none (see the module's
        docstring), then each position's catalogue with the share of time of each task."""
        holders = Counter(person.position_id for person in self.people)
        positions = Position.objects.filter(pk__in=list(holders)).values_list(
            "id", "name", "jenis", "jenjang"
        )
        have = set(ActivityNorm.objects.values_list("position_id", flat=True).distinct())
        rng = self._rng("norms")
        new = []
        for pk, name, jenis, jenjang in sorted(positions):
            if pk in have:
                continue
            tasks = self._tasks_for(name, jenis, jenjang)
            total = sum(share for *_task, share in tasks)
            for task, unit, minutes, share in tasks:
                volume = holders[pk] * EFFECTIVE_MINUTES * rng.uniform(0.7, 1.35) * share / total
                new.append(
                    ActivityNorm(
                        position_id=pk,
                        name=task,
                        output_unit=unit,
                        minutes_per_unit=minutes,
                        yearly_volume=max(1, round(volume / minutes)),
                    )
                )
        ActivityNorm.objects.bulk_create(new, batch_size=BATCH)
        self.report.norms = len(new)
        self.catalogue: dict[int, list[_Norm]] = defaultdict(list)
        for pk, position, name, unit, minutes, volume in ActivityNorm.objects.filter(
            position_id__in=list(holders)
        ).values_list("id", "position_id", "name", "output_unit", "minutes_per_unit",
                      "yearly_volume"):  # fmt: skip
            if minutes:
                weight = max(volume, 1) * minutes
                self.catalogue[position].append(_Norm(pk, name, unit, minutes, weight))
        for norms in self.catalogue.values():
            norms.sort(key=lambda norm: norm.id)

    @staticmethod
    def _tasks_for(name: str, jenis: str, jenjang: str) -> tuple:
        job = name.removesuffix(f" {Jenjang(jenjang).label}") if jenjang else name
        if job in NORMS:
            per_job = NORMS[job]
            total = sum(minutes * volume for _t, _u, minutes, volume in per_job)
            return tuple(
                (task, unit, minutes, minutes * volume / total)
                for task, unit, minutes, volume in per_job
            )
        for start, tasks in TITLE_TASKS.items():
            if job.startswith(start):
                return tasks
        if jenis == JenisJabatan.FUNGSIONAL:
            return FUNGSIONAL_TASKS
        if jenis == JenisJabatan.PELAKSANA:
            return PELAKSANA_TASKS
        return MANAGER_TASKS

    # 3. Profiles -----------------------------------------------------------------------

    def _profiles(self) -> None:
        rng = self._rng("profiles")
        opds = sorted({person.opd_id for person in self.people})
        weak = set(rng.sample(opds, max(1, round(len(opds) * WEAK_OPD_SHARE))))
        self.opds = {}
        for opd in opds:
            if opd in weak:
                level, strength = rng.uniform(0.55, 0.66), rng.uniform(0.68, 0.82)
            else:
                level, strength = rng.uniform(0.68, 0.9), rng.uniform(0.86, 1.08)
            self.opds[opd] = _Opd(
                level=level,
                strength=strength,
                sick=rng.uniform(0.6, 1.7),
                slow=rng.choice((0, 0, 0.03, 0.06, 0.15)) if opd not in weak else 0.2,
            )
        # Each atasan's lag in working days before they approve.
        appraisers = sorted({p.atasan_id for p in self.people if p.atasan_id})
        self.lag = {}
        for atasan in appraisers:
            person = self.by_id.get(atasan)
            slow = self.opds[person.opd_id].slow if person else 0
            if rng.random() < max(slow, SLOW_APPROVER_SHARE):
                self.lag[atasan] = rng.randint(5, 9)
            else:
                self.lag[atasan] = rng.choices((0, 1, 2, 3, 4), (10, 45, 27, 12, 6))[0]
        story = {person.story: person for person in self.people if person.story}
        self.story_atasan = story[STORY_ATASAN].id if STORY_ATASAN in story else None
        if STORY_ATASAN in story:
            self.lag[story[STORY_ATASAN].id] = 0
            # A slow atasan elsewhere in the BKPSDMD: late approvals for its head.
            opd = story[STORY_ATASAN].opd_id
            others = [
                a
                for a in appraisers
                if a != story[STORY_ATASAN].id
                and a in self.by_id
                and self.by_id[a].opd_id == opd
                and self.by_id[a].story != STORY_HEAD
            ]
            if others:
                self.lag[others[0]] = 7
        rhk = defaultdict(list)
        for employee_id, rhk_id in (
            Rhk.objects.filter(skp__year=self.year, kind="utama")
            .order_by("skp__employee_id", "order", "pk")
            .values_list("skp__employee_id", "pk")
        ):
            rhk[employee_id].append(rhk_id)
        for person in self.people:
            self._profile(person, self._rng("person", person.nip), rhk.get(person.id, []))

    def _profile(self, person: _Person, rng: random.Random, rhk: list[int]) -> None:
        opd = self.opds[person.opd_id]
        person.fill = _clamp(rng.gauss(opd.level, 0.1), 0.35, 0.98)
        if rng.random() < LOW_LOGGER_SHARE:
            person.fill, person.skip = rng.uniform(0.3, 0.5), rng.uniform(0.15, 0.35)
        else:
            person.skip = rng.uniform(0, 0.03)
        person.leave = rng.uniform(0.012, 0.028)
        person.sick = _clamp(rng.lognormvariate(-4.6, 0.7) * opd.sick, 0.001, 0.06)
        managerial = person.jenis not in (JenisJabatan.FUNGSIONAL, JenisJabatan.PELAKSANA)
        person.travel = rng.uniform(0.02, 0.05) if managerial else rng.uniform(0.003, 0.02)
        person.absent = rng.uniform(0.004, 0.02) if rng.random() < 0.15 else 0.0
        person.stay = round(_clamp(rng.gauss(485, 18), 440, 530))
        person.reject = rng.uniform(0.06, 0.12) if rng.random() < 0.07 else rng.uniform(0, 0.03)
        norms = self.catalogue.get(person.position_id, [])
        if rhk:
            for norm in norms:
                if rng.random() < RHK_LINKED_TASKS:
                    person.rhk[norm.id] = rng.choice(rhk)
        if person.story == STORY_PEGAWAI:
            person.fill, person.skip, person.absent, person.reject = 0.82, 0.0, 0.0, 0.02

    # 4. Day by day ---------------------------------------------------------------------

    def _yesterday(self) -> datetime.date | None:
        """The last working day before today (today itself may be a day off)."""
        before = [day for day in self.days[-2:] if day < self.today]
        return before[-1] if before else None

    def _window(self, new: list[_Person]) -> None:
        months = self.last.month if self.detail_months is None else self.detail_months
        while True:
            self.detail_from = datetime.date(self.year, max(1, self.last.month - months + 1), 1)
            in_detail = sum(1 for day in self.days if day >= self.detail_from)
            if months <= 1 or len(new) * in_detail <= self.detail_budget:
                break
            months -= 1
        self.report.detail_from = self.detail_from
        self.detail_days = [d for d in self.days if d >= self.detail_from]
        self.index = {day: n for n, day in enumerate(self.days)}

    def _write(self, new: list[_Person]) -> None:
        for chunk in _batched(new, CHUNK):
            attendance, activities, favourites = [], [], []
            for person in chunk:
                a, b, c = self._person_days(person, self._rng("days", person.nip))
                attendance += a
                activities += b
                favourites += c
            Attendance.objects.bulk_create(attendance, batch_size=BATCH)
            with _timestamps_kept(Activity):
                Activity.objects.bulk_create(activities, batch_size=BATCH)
            Favourite.objects.bulk_create(favourites, batch_size=BATCH, ignore_conflicts=True)
            self.report.attendance += len(attendance)
            self.report.activities += len(activities)
            self.report.favourites += len(favourites)
            self.report.states.update(entry.state for entry in activities)

    def _status(self, person: _Person, rng: random.Random, day: datetime.date, block: list):
        """The day's attendance status: a block of leave, sick or travel days goes on, or
        one starts, or the person is absent or present."""
        if block[1] > 0:
            block[1] -= 1
            return block[0]
        leave = person.leave * (3 if day in self.busy_leave else 1)
        draw = rng.random()
        for status, chance, lengths in (
            (AttendanceStatus.LEAVE, leave, (1, 1, 2, 3)),
            (AttendanceStatus.SICK, person.sick, (1, 1, 1, 2, 3)),
            (AttendanceStatus.DUTY_TRAVEL, person.travel, (1, 2, 2, 3)),
            (AttendanceStatus.ABSENT, person.absent, (1,)),
        ):
            if draw < chance:
                block[0], block[1] = status, rng.choice(lengths) - 1
                return status
            draw -= chance
        return AttendanceStatus.PRESENT

    def _person_days(self, person: _Person, rng: random.Random):
        norms = self.catalogue.get(person.position_id, [])
        weights = list(accumulate(norm.weight for norm in norms))
        atasan = person.atasan_id
        approver_user = self.users.get(atasan) if atasan else self.leader_user
        lag = self.lag.get(atasan, 1) if atasan else 2
        last = len(self.days) - 1
        yesterday = self._yesterday()
        story = person.story == STORY_PEGAWAI
        attendance, activities, used = [], [], Counter()
        block = [None, 0]
        for day in self.detail_days:
            index = self.index[day]
            is_today = day == self.today
            status = self._status(person, rng, day, block)
            if story and (is_today or day == yesterday):
                status = AttendanceStatus.PRESENT
            hours = None
            if status == AttendanceStatus.PRESENT and not is_today:
                stay = person.stay - (75 if day in self.ramadan else 0)
                minutes = round(_clamp(rng.gauss(stay, 22), stay - 80, stay + 60))
                hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
            attendance.append(
                Attendance(employee_id=person.id, day=day, status=status, hours_present=hours)
            )
            if not norms or status not in rules.LOGGING_STATUSES:
                continue
            cap = self.caps.get((status, hours))
            if cap is None:
                cap = self.caps[status, hours] = rules.day_cap(
                    status, hours, max_minutes_per_day=self.max_minutes, attendance_required=False
                )
            level = person.fill * MONTH_LEVEL[day.month]
            if is_today:  # part of the day logged so far
                if story:
                    count, budget = 2, int(cap * 0.35)
                elif atasan != self.story_atasan and rng.random() < 0.6:
                    continue  # not logged yet (the story's atasan has a handful waiting)
                else:
                    count, budget = rng.randint(1, 3), int(cap * rng.uniform(0.15, 0.45))
            elif rng.random() < person.skip:
                continue
            else:
                count = rng.choices(ENTRIES, ENTRY_WEIGHTS)[0]
                budget = int(cap * _clamp(rng.gauss(level, 0.08), 0.2, 1.0))
            entries = self._entries(rng, norms, weights, count, budget, cap)
            # When the day was logged and when the atasan decided.
            if not is_today and index < last and rng.random() < 0.2:
                logged = self._at(self.days[index + 1], rng.randint(450, 570))
            else:
                logged = self._at(day, rng.randint(900, 1020) if not is_today else 600)
            decided = None
            if lag == 0:  # the same afternoon
                decided = logged + datetime.timedelta(minutes=rng.randint(60, 240))
            elif (later := index + lag + (lag > 1 and rng.random() < 0.3)) <= last:
                decided = self._at(self.days[later], rng.randint(480, 960))
            if decided is not None and decided <= logged:  # logged late, decided after
                decided = logged + datetime.timedelta(minutes=rng.randint(30, 120))
            if decided is not None and decided >= self.now:
                decided = None
            if story and day >= (yesterday or day):
                decided = None  # pegawai1's story: waiting for the atasan
            for norm, quantity, minutes in entries:
                used[norm.id] += 1
                entry = Activity(
                    employee_id=person.id,
                    day=day,
                    norm_id=norm.id,
                    name=norm.name[:300],
                    output_unit=norm.unit,
                    minutes_per_unit=norm.minutes,
                    quantity=quantity,
                    minutes=minutes,
                    output=self._output(rng, quantity, norm.unit),
                    rhk_id=person.rhk.get(norm.id),
                    approver_id=atasan,
                    created_at=logged,
                    updated_at=logged,
                )
                if decided is not None:
                    entry.decided_by_id = approver_user
                    entry.decided_at = entry.updated_at = decided
                    entry.version = 1
                    if rng.random() < person.reject:
                        entry.state = ActivityState.REJECTED
                        entry.reject_reason = rng.choice(REJECT_REASONS)
                    else:
                        entry.state = ActivityState.APPROVED
                activities.append(entry)
        favourites = [
            Favourite(employee_id=person.id, norm_id=norm_id) for norm_id, _n in used.most_common(3)
        ]
        return attendance, activities, favourites

    @staticmethod
    def _entries(rng, norms: list[_Norm], weights, count: int, budget: int, cap: int) -> list:
        """``count`` entries (norm, quantity, minutes) taking about ``budget`` minutes, never
        more than ``cap`` together: a task longer than its share is logged in part (0.25 of
        a report), a short one several times over (12 letters). ``weights`` are the norms'
        cumulative weights, worked out once per person."""
        entries, total = [], 0
        for n in range(count):
            left = cap - total
            share = (budget - total) / (count - n) * rng.uniform(0.6, 1.4)
            norm = rng.choices(norms, cum_weights=weights)[0]
            if share <= 0 or left <= 0:
                break
            if norm.minutes <= share:
                quantity = Decimal(max(1, min(int(share / norm.minutes), left // norm.minutes)))
            else:
                hundredths = int(min(share, left) * 100 / norm.minutes)
                quantity = Decimal(hundredths) / 100
            if quantity <= 0:
                continue
            minutes = _minutes(quantity, norm.minutes)
            if minutes < 1 or total + minutes > cap:
                continue
            entries.append((norm, quantity, minutes))
            total += minutes
        return entries

    @staticmethod
    def _output(rng, quantity: Decimal, unit: str) -> str:
        if rng.random() >= OUTPUT_SHARE:
            return ""
        shown = f"{quantity.normalize():f}".replace(".", ",")
        return rng.choice(OUTPUTS).format(q=shown, unit=unit.lower())

    # Months before the detail window: their MonthlyIndex only --------------------------

    def _aggregates(self, new: list[_Person]) -> None:
        months = range(1, self.detail_from.month)
        if not months:
            return
        settings = month_settings()
        target = settings["target"]
        rows = []
        for month in months:
            first = datetime.date(self.year, month, 1)
            period = f"{first:%Y-%m}"
            days = [d for d in self.days if d.month == month]
            iko = person_indices(period, [person.id for person in new])
            realised = rhk_progress(first, [person.id for person in new])
            behaviour = month_perilaku(first, [person.id for person in new])
            for person in new:
                rng = self._rng("month", person.nip, month)
                off = person.leave + person.sick + person.travel / 2 + person.absent
                worked = sum(1 for _day in days if rng.random() > off + person.skip)
                level = person.fill * MONTH_LEVEL[month]
                logged = round(worked * self.max_minutes * _clamp(rng.gauss(level, 0.05), 0.2, 1))
                approved = round(logged * (1 - person.reject))
                iki = rules.individual_index(approved, target)
                score_b, score, withheld = month_score(iki, behaviour.get(person.id), settings)
                rows.append(
                    MonthlyIndex(
                        employee_id=person.id,
                        month=first,
                        unit_id=person.unit_id,
                        opd_id=person.opd_id,
                        logged_minutes=logged,
                        approved_minutes=approved,
                        counted_minutes=approved,
                        target_minutes=target,
                        iki=iki,
                        iko=iko.get(person.id),
                        rhk=rules.rhk_achievement(realised.get(person.id, ())),
                        behaviour=score_b,
                        score=score,
                        pay_withheld=withheld,
                    )
                )
        MonthlyIndex.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        self.report.indices += len(rows)

    # 6. KPI and teams ------------------------------------------------------------------

    def _kpis(self) -> None:
        if Kpi.objects.filter(year=self.year).exists():
            return
        rng = self._rng("kpi")
        periods: list[KpiPeriod] = []
        pemda = {}
        for text in PEMDA_KPIS:
            kpi = Kpi.objects.create(
                year=self.year,
                name=text.name,
                measure=text.measure,
                direction=text.direction,
                weight=text.weight,
                aggregation=AGGREGATION[text.kind],
                annual_target=Decimal(str(text.annual)),
            )
            pemda[text.key] = kpi
            periods += self._periods(rng, kpi, text, rng.uniform(0.9, 1.04))
        heads_rhk = defaultdict(list)
        for employee_id, rhk_id in (
            Rhk.objects.filter(skp__year=self.year, kind="utama")
            .order_by("pk")
            .values_list("skp__employee_id", "pk")
        ):
            heads_rhk[employee_id].append(rhk_id)
        links = []
        count = len(pemda)
        for opd_id, name in sorted(self.opd_names.items()):
            profile = self.opds.get(opd_id) or _Opd(0.75, rng.uniform(0.8, 1.05), 1, 0)
            texts = list(OPD_KPIS)
            texts += [text for word, text in OPD_THEMES if word in name][:1]
            head_rhk = heads_rhk.get(self.opd_heads.get(opd_id), [])
            for n, text in enumerate(texts):
                kpi = Kpi.objects.create(
                    year=self.year,
                    unit_id=opd_id,
                    parent=pemda.get(text.key),
                    name=text.name.format(opd=name)[:300],
                    measure=text.measure,
                    direction=text.direction,
                    weight=text.weight,
                    aggregation=AGGREGATION[text.kind],
                    annual_target=Decimal(str(text.annual)),
                )
                count += 1
                strength = profile.strength + rng.gauss(0, 0.05)
                periods += self._periods(rng, kpi, text, strength)
                if head_rhk:
                    links.append(Kpi.rhk.through(kpi_id=kpi.pk, rhk_id=head_rhk[n % len(head_rhk)]))
        count += self._teams(rng, pemda, periods, links)
        KpiPeriod.objects.bulk_create(periods, batch_size=BATCH)
        Kpi.rhk.through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
        self.report.kpis = count
        self.report.kpi_periods = len(periods)

    def _periods(self, rng, kpi: Kpi, text: _KpiText, strength: float) -> list[KpiPeriod]:
        """Twelve monthly targets; a realisation for every month that has ended, around the
        target by the unit's strength, with a trend and noise."""
        rows = []
        trend = rng.gauss(0, 0.04)
        for month in range(1, 13):
            if text.kind == RAMP:
                target = text.annual * month / 12
            elif text.kind == COUNT:
                target = text.annual / 12
            else:
                target = text.annual
            places = Decimal("1") if text.kind == COUNT else Decimal("0.01")
            row = KpiPeriod(
                kpi=kpi,
                period=f"{self.year}-{month:02d}",
                target=Decimal(str(target)).quantize(places, rounding=ROUND_HALF_UP),
            )
            ended = datetime.date(self.year, month, 1) < month_first(self.last)
            if ended:
                reached = _clamp(strength + trend * (month - 6) / 6 + rng.gauss(0, 0.04), 0.4, 1.25)
                value = target * reached if text.direction == H else target * (2 - reached)
                if text.measure == "%":
                    value = min(value, 100)
                row.realisation = Decimal(str(max(value, 0))).quantize(
                    places, rounding=ROUND_HALF_UP
                )
            rows.append(row)
        return rows

    def _teams(self, rng, pemda: dict, periods: list, links: list) -> int:
        """The cross-OPD teams: members whose SKP has the team's RHK tambahan, the demo
        accounts named, and people of the team's OPDs up to its size."""
        existing = set(Team.objects.filter(year=self.year).values_list("name", flat=True))
        by_text = defaultdict(list)
        for employee_id, rhk_id, text in Rhk.objects.filter(
            skp__year=self.year, kind="tambahan", text__contains="anggota tim"
        ).values_list("skp__employee_id", "pk", "text"):
            by_text[text].append((employee_id, rhk_id))
        stories = {person.story: person.id for person in self.people if person.story}
        count = 0
        for spec in TEAMS:
            if spec.name in existing:
                continue
            rhk = by_text.get(f"Terlaksananya tugas sebagai anggota tim {spec.rhk_team}", [])
            members = [employee for employee, _rhk in rhk if employee in self.by_id]
            members += [stories[key] for key in spec.personas if key in stories]
            opds = [
                opd
                for opd, name in self.opd_names.items()
                if any(w in name for w in spec.opd_words)
            ]
            pool = sorted(p.id for p in self.people if p.opd_id in opds and p.id not in members)
            size = rng.randint(*TEAM_SIZE)
            members += rng.sample(pool, min(len(pool), max(0, size - len(members))))
            members = list(dict.fromkeys(members))
            team = Team.objects.create(
                name=spec.name, year=self.year, lead_id=members[0] if members else None
            )
            team.members.set(members)
            strength = rng.uniform(0.85, 1.05)
            for text in spec.kpis:
                kpi = Kpi.objects.create(
                    year=self.year,
                    team=team,
                    parent=pemda.get(text.key),
                    name=text.name,
                    measure=text.measure,
                    direction=text.direction,
                    weight=text.weight,
                    aggregation=AGGREGATION[text.kind],
                    annual_target=Decimal(str(text.annual)),
                )
                count += 1
                periods += self._periods(rng, kpi, text, strength)
                links += [Kpi.rhk.through(kpi_id=kpi.pk, rhk_id=rhk_id) for _e, rhk_id in rhk]
            self.report.teams += 1
        return count

    # 7. Indices ------------------------------------------------------------------------

    def _indices(self, new: bool) -> None:
        """Every month with attendance, from the detail window of the people seeded now
        (the months before it hold their aggregates, which a recompute would empty)."""
        first = Attendance.objects.filter(day__year=self.year).aggregate(first=Min("day"))["first"]
        if first is None:
            return
        month = max(first.month, self.detail_from.month) if new else first.month
        while month <= self.last.month:
            self.report.indices += month_recompute(datetime.date(self.year, month, 1))
            month += 1

    def run(self) -> ActivityDemoReport:
        self._holidays()
        self._load()
        if not self.days:
            return self.report
        self._norms()
        self._profiles()
        new = [person for person in self.people if person.new]
        if new:
            self._window(new)
        had_kpis = Kpi.objects.filter(year=self.year).exists()
        self._kpis()  # before the months aggregated: their IKO comes from the KPIs
        if new:
            self._write(new)
            self._aggregates(new)
        if new or not had_kpis:
            self._indices(bool(new))
            self._analyze()
        return self.report

    @staticmethod
    def _analyze() -> None:
        """Planner statistics for the tables just filled (as core.performance.demo does)."""
        tables = [
            model._meta.db_table
            for model in (
                Holiday,
                ActivityNorm,
                Attendance,
                Activity,
                Favourite,
                MonthlyIndex,
                Team,
                Team.members.through,
                Kpi,
                KpiPeriod,
                Kpi.rhk.through,
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(f'"{table}"' for table in tables))
