"""Demo data of individual performance (issue 9, item 8): a year of SKP, RHK, IKI,
evaluations, ratings and OPD calibration for every active employee of the current Pemda,
written in bulk so that a Pemda of Surabaya's size (36,000 people) seeds in minutes.

``performance_demo_seed(year=…, rng=…)`` runs inside a Pemda's schema:

1. Read the organisation once: the active employees with their unit, OPD, position and
   atasan (the override, else the derived one), the OPD heads, the Pemda's period kind,
   predikat matrix, distribution rules, rounding and violation policy.
2. Plan and write an SKP for each active employee without one of ``year``, with the
   snapshots ``services.skp_get_or_create`` takes (unit, position, JPT, appraiser). The RHK
   are written top-down, one level of the appraisal tree after the other, so that each RHK
   utama can hang under one of the atasan's (the cascade); a JPT's RHK carry a perspektif;
   each RHK has 1–3 IKI with a target.
3. Plan every period of the year that has begun (and the year itself once it is over):
   each person has a usual predikat, shifted by their appraiser's leniency (a few
   appraisers are clearly lenient, a few severe), that a period sometimes departs from.
   Past periods are rated; the current one is being filled in or waits for the atasan.
4. Give each OPD an organisation predikat per past period and finalise most of them, as
   the OPD's head would: a finalised period keeps to the distribution rules (its ratings
   calibrated first) unless the Pemda's policy allows an override, which some lenient OPDs
   use, with a reason. The last past period is still open in most OPDs, and some of them
   break the rules.
5. The demo accounts' story (``personas``: username → NIP, core.demo.services): pegawai1
   has a draft of the current period to submit, pegawai2 a submitted one that waits for
   the atasan, pegawai3 one returned for revision; their past periods are rated, and their
   SKP stays open to the RHK their atasan pushes down (a rated period keeps its own copy,
   core.performance.content), except pegawai2's while it waits for the atasan. The OPD of
   kepala.bkpsdmd has its last period rated, open and ready to finalise, with a
   distribution that breaks a rule.
6. Write evaluations with their BerAKHLAK ratings (perilaku = ``rules.perilaku_overall``,
   predikat = ``rules.predikat`` with the Pemda's matrix) and realisations, then the OPD
   periods, with ``bulk_create`` in batches, a few hundred people at a time.

Deterministic: the same organisation, year, day and seed give the same rows. Idempotent:
people who already have an SKP of ``year`` and OPD periods that exist are left alone, so
seeding again writes nothing. All in one transaction.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from core.accounts.models import Role, User
from core.config.periods import Period, PeriodKind
from core.config.selectors import rule_table_current
from core.org.models import Employee, Unit
from core.performance.calibration import (
    POLICY_OVERRIDE,
    distribution_rounding,
    distribution_rules,
    violation_policy,
    violations_stored,
)
from core.performance.content import copies_taken
from core.performance.models import (
    BehaviourRating,
    Evaluation,
    Evidence,
    Feedback,
    Iki,
    Realisation,
    Rhk,
    Skp,
    UnitPeriod,
    UnitPeriodState,
)
from core.performance.rules import (
    DEFAULT_MATRIX,
    Approach,
    Aspect,
    BerAkhlak,
    EvaluationState,
    OrgPredikat,
    Perspektif,
    Predikat,
    Rating,
    RhkKind,
    distribution_violations,
    hasil_of_unit_head,
    iki_is_level,
    perilaku_overall,
    predikat,
)
from core.performance.services import JPT, periods_of_year

# The enums' value lists, once (each ``.values`` builds a new list).
RATINGS = tuple(Rating.values)
CORE_VALUES = tuple(BerAkhlak.values)
CHUNK = 400  # people whose rows are built and written together
BATCH = 2000  # rows per INSERT

S = EvaluationState
P = Predikat
_ORDER = [P.SANGAT_BAIK, P.BAIK, P.BUTUH_PERBAIKAN, P.KURANG, P.SANGAT_KURANG]

# A person's usual predikat, by the kind of appraiser they have. Overall this gives about
# 10 % Sangat Baik, 65 % Baik, 15 % Butuh Perbaikan, 6 % Kurang and 2–3 % Sangat Kurang.
WEIGHTS_NORMAL = {
    P.SANGAT_BAIK: 9,
    P.BAIK: 66,
    P.BUTUH_PERBAIKAN: 16,
    P.KURANG: 6.5,
    P.SANGAT_KURANG: 2.5,
}
WEIGHTS_LENIENT = {
    P.SANGAT_BAIK: 30,
    P.BAIK: 67,
    P.BUTUH_PERBAIKAN: 2.5,
    P.KURANG: 0.5,
    P.SANGAT_KURANG: 0,
}
WEIGHTS_SEVERE = {
    P.SANGAT_BAIK: 2,
    P.BAIK: 50,
    P.BUTUH_PERBAIKAN: 33,
    P.KURANG: 11,
    P.SANGAT_KURANG: 4,
}
LENIENT_OPD_SHARE = 0.18  # OPDs whose appraisers are mostly lenient (calibration stories)
LENIENT_IN_LENIENT_OPD = 0.65
LENIENT_ELSEWHERE = 0.06
SEVERE_ELSEWHERE = 0.05
USUAL_PREDIKAT_KEPT = 0.75  # per period, the person's usual predikat; else a fresh draw
ORG_WEIGHTS = {
    OrgPredikat.ISTIMEWA: 16,
    OrgPredikat.BAIK: 76,
    OrgPredikat.BUTUH_PERBAIKAN: 6,
    OrgPredikat.KURANG: 2,
    OrgPredikat.SANGAT_KURANG: 0,
}
ORG_KEPT = 0.8  # per period, the OPD's usual organisation predikat; else a fresh draw
FINAL_OLDER = 0.95  # OPD periods before the last one that are finalised
FINAL_LAST = 0.35  # and of the last past period
READY_LAST = 0.7  # open last periods where every evaluation is rated (ready to finalise)
CURRENT_STATES = {S.DRAFT: 55, S.SUBMITTED: 38, S.RETURNED: 7}
STRAGGLER_STATES = {S.EVALUATED: 88, S.SUBMITTED: 7, S.RETURNED: 3, S.DRAFT: 2}
FEEDBACK_SHARE = 0.08
EXPECTATION_SHARE = 0.15
NOTE_SHARE = 0.35

STORY_DRAFT, STORY_SUBMITTED, STORY_RETURNED = "pegawai1", "pegawai2", "pegawai3"
STORY_ATASAN, STORY_HEAD = "atasan", "kepala.bkpsdmd"
STORY_STAFF = (STORY_DRAFT, STORY_SUBMITTED, STORY_RETURNED)


# --- What people write: RHK and IKI ---------------------------------------------------------

# An IKI: (indicator, aspect, unit, low, high); unit None: a qualitative one, whose target
# text is in "low". Levels ("90 %": rules.iki_is_level) are reached as such; the others count
# up over the year (rules.iki_progress reads them so).
K, Q, W = Aspect.KUANTITAS, Aspect.KUALITAS, Aspect.WAKTU


@dataclass(frozen=True)
class _RhkText:
    text: str
    iki: tuple[tuple, ...]
    perspektif: str = ""


def _r(text, *iki, perspektif=""):
    return _RhkText(text, tuple(iki), perspektif)


PL, PI, PB, AN = (
    Perspektif.PENERIMA_LAYANAN,
    Perspektif.PENGUATAN_INTERNAL,
    Perspektif.PROSES_BISNIS,
    Perspektif.ANGGARAN,
)
JPT_RHK = [
    _r(
        "Meningkatnya kepuasan masyarakat atas layanan {opd}",
        ("Indeks kepuasan masyarakat", Q, "Indeks", 80, 90),
        ("Persentase pengaduan masyarakat yang ditindaklanjuti", W, "%", 90, 100),
        perspektif=PL,
    ),
    _r(
        "Meningkatnya kualitas pelayanan publik {opd}",
        ("Nilai kepatuhan terhadap standar pelayanan publik", Q, "Nilai", 80, 95),
        ("Jumlah inovasi pelayanan publik yang diterapkan", K, "Inovasi", 1, 4),
        perspektif=PL,
    ),
    _r(
        "Meningkatnya capaian kinerja {opd}",
        ("Persentase indikator kinerja utama yang mencapai target", K, "%", 85, 100),
        ("Nilai SAKIP perangkat daerah", Q, "Nilai", 70, 85),
        perspektif=PB,
    ),
    _r(
        "Terwujudnya tata kelola {opd} yang efektif dan efisien",
        ("Nilai evaluasi reformasi birokrasi perangkat daerah", Q, "Nilai", 70, 85),
        ("Persentase rekomendasi hasil pemeriksaan yang ditindaklanjuti", W, "%", 90, 100),
        perspektif=PB,
    ),
    _r(
        "Meningkatnya kompetensi dan disiplin ASN di lingkungan {opd}",
        ("Persentase ASN yang memenuhi 20 JP pengembangan kompetensi", K, "%", 80, 100),
        ("Indeks profesionalitas ASN", Q, "Indeks", 70, 85),
        perspektif=PI,
    ),
    _r(
        "Terwujudnya pengelolaan anggaran {opd} yang akuntabel",
        ("Persentase realisasi anggaran", K, "%", 90, 98),
        (
            "Kualitas laporan keuangan perangkat daerah",
            Q,
            None,
            "Tanpa temuan material dari pemeriksa",
        ),
        ("Ketepatan waktu penyampaian laporan keuangan", W, "Bulan", 12, 12),
        perspektif=AN,
    ),
]
ADMINISTRATOR_RHK = [
    _r(
        "Tercapainya target program pada {unit}",
        ("Persentase capaian target kegiatan", K, "%", 90, 100),
        ("Jumlah laporan capaian kinerja yang disusun", K, "Laporan", 4, 12),
        ("Ketepatan waktu penyampaian laporan kinerja", W, "Bulan", 12, 12),
    ),
    _r(
        "Meningkatnya kualitas layanan {unit}",
        ("Persentase layanan yang diselesaikan sesuai standar", Q, "%", 85, 100),
        ("Jumlah inovasi atau perbaikan layanan", K, "Inovasi", 1, 3),
    ),
    _r(
        "Terkendalinya pelaksanaan anggaran {unit}",
        ("Persentase realisasi anggaran kegiatan", K, "%", 90, 98),
        ("Ketepatan waktu pertanggungjawaban keuangan", W, "Bulan", 12, 12),
    ),
    _r(
        "Tersusunnya rencana kerja dan laporan kinerja {unit}",
        ("Jumlah dokumen perencanaan dan pelaporan yang disusun", K, "Dokumen", 3, 8),
        ("Kualitas dokumen perencanaan", Q, None, "Disetujui pimpinan tanpa revisi mayor"),
    ),
    _r(
        "Terlaksananya pembinaan pegawai di {unit}",
        ("Jumlah pegawai yang dibina dan dievaluasi kinerjanya", K, "Orang", 5, 30),
        ("Persentase penilaian kinerja bawahan yang tepat waktu", W, "%", 90, 100),
    ),
]
PENGAWAS_RHK = [
    _r(
        "Terlaksananya kegiatan operasional {unit}",
        ("Jumlah kegiatan yang dilaksanakan", K, "Kegiatan", 6, 24),
        ("Persentase kegiatan yang sesuai rencana", Q, "%", 85, 100),
        ("Ketepatan waktu pelaksanaan kegiatan", W, "Bulan", 12, 12),
    ),
    _r(
        "Tersusunnya laporan pelaksanaan kegiatan {unit}",
        ("Jumlah laporan yang disusun", K, "Laporan", 4, 12),
        ("Persentase laporan yang diterima tanpa revisi", Q, "%", 80, 100),
    ),
    _r(
        "Terkelolanya administrasi dan data {unit}",
        ("Jumlah berkas dan data yang dimutakhirkan", K, "Berkas", 50, 300),
        ("Persentase data yang valid", Q, "%", 90, 100),
    ),
    _r(
        "Terlaksananya monitoring dan evaluasi kegiatan {unit}",
        ("Jumlah laporan monitoring dan evaluasi", K, "Laporan", 4, 12),
        ("Persentase rekomendasi yang ditindaklanjuti", Q, "%", 80, 100),
    ),
]
# Fungsional and Pelaksana posts, by the start of the post's name.
JOB_RHK: dict[str, list[_RhkText]] = {
    "Guru": [
        _r(
            "Terlaksananya pembelajaran yang berkualitas",
            ("Jumlah jam tatap muka pembelajaran", K, "Jam/minggu", 24, 24),
            ("Persentase siswa yang mencapai ketuntasan belajar", Q, "%", 75, 95),
            ("Jumlah perangkat pembelajaran yang disusun", K, "Dokumen", 2, 6),
        ),
        _r(
            "Terlaksananya penilaian hasil belajar siswa",
            ("Jumlah laporan hasil belajar yang disusun", K, "Laporan", 2, 2),
            ("Ketepatan waktu penyerahan nilai rapor", W, "Hari", 5, 10),
        ),
        _r(
            "Terlaksananya pengembangan keprofesian berkelanjutan",
            ("Jumlah kegiatan pengembangan diri yang diikuti", K, "Kegiatan", 2, 6),
            ("Kualitas karya inovatif pembelajaran", Q, None, "Diterapkan di kelas yang diampu"),
        ),
    ],
    "Pengawas Sekolah": [
        _r(
            "Terlaksananya supervisi akademik dan manajerial sekolah binaan",
            ("Jumlah sekolah binaan yang disupervisi", K, "Sekolah", 8, 15),
            ("Persentase rekomendasi supervisi yang ditindaklanjuti", Q, "%", 75, 95),
        ),
    ],
    "Dokter": [
        _r(
            "Terlaksananya pelayanan medis kepada pasien",
            ("Jumlah pasien yang dilayani", K, "Pasien", 1500, 4000),
            ("Persentase pelayanan sesuai standar prosedur operasional", Q, "%", 90, 100),
        ),
        _r(
            "Terlaksananya upaya kesehatan masyarakat",
            ("Jumlah kegiatan promotif dan preventif", K, "Kegiatan", 6, 24),
            ("Persentase rujukan yang tepat indikasi", Q, "%", 85, 100),
        ),
    ],
    "Perawat": [
        _r(
            "Terlaksananya asuhan keperawatan kepada pasien",
            ("Jumlah pasien yang mendapat asuhan keperawatan", K, "Pasien", 500, 2000),
            ("Persentase dokumentasi asuhan keperawatan yang lengkap", Q, "%", 85, 100),
        ),
        _r(
            "Terlaksananya keperawatan kesehatan masyarakat",
            ("Jumlah kunjungan rumah yang dilaksanakan", K, "Kunjungan", 24, 120),
            ("Persentase keluarga rawan yang dibina", Q, "%", 70, 90),
        ),
    ],
    "Bidan": [
        _r(
            "Terlaksananya pelayanan kesehatan ibu dan anak",
            ("Jumlah ibu hamil yang mendapat pelayanan antenatal", K, "Orang", 100, 400),
            ("Persentase persalinan yang ditolong tenaga kesehatan", Q, "%", 90, 100),
        ),
        _r(
            "Terlaksananya pelayanan keluarga berencana",
            ("Jumlah akseptor KB yang dilayani", K, "Orang", 100, 500),
        ),
    ],
    "Apoteker": [
        _r(
            "Terkelolanya obat dan perbekalan farmasi",
            ("Jumlah resep yang dilayani", K, "Resep", 2000, 8000),
            ("Persentase ketersediaan obat esensial", Q, "%", 90, 100),
        ),
    ],
    "Asisten Apoteker": [
        _r(
            "Terlaksananya pelayanan resep dan pencatatan obat",
            ("Jumlah resep yang disiapkan", K, "Resep", 2000, 8000),
            ("Persentase laporan pemakaian obat yang tepat waktu", W, "%", 90, 100),
        ),
    ],
    "Analis SDM Aparatur": [
        _r(
            "Tersusunnya analisis jabatan dan analisis beban kerja",
            ("Jumlah dokumen analisis jabatan yang disusun", K, "Dokumen", 6, 24),
            ("Persentase dokumen yang disetujui tanpa revisi", Q, "%", 80, 100),
        ),
        _r(
            "Terlaksananya pengembangan kompetensi ASN",
            ("Jumlah ASN yang difasilitasi pengembangan kompetensi", K, "Orang", 50, 300),
            ("Persentase peserta yang lulus pelatihan", Q, "%", 90, 100),
        ),
        _r(
            "Termutakhirkannya data kepegawaian",
            ("Jumlah data pegawai yang dimutakhirkan", K, "Data", 200, 1500),
            ("Ketepatan waktu pemutakhiran data", W, "Hari", 5, 10),
        ),
    ],
    "Pranata Komputer": [
        _r(
            "Terkelolanya sistem informasi dan jaringan",
            ("Jumlah sistem informasi yang dipelihara", K, "Aplikasi", 2, 8),
            ("Persentase waktu layanan sistem tersedia", Q, "%", 95, 99),
            ("Waktu rata-rata penanganan gangguan", W, "Jam", 4, 24),
        ),
        _r(
            "Terlaksananya pengembangan aplikasi layanan",
            ("Jumlah modul aplikasi yang dikembangkan", K, "Modul", 2, 8),
            ("Kualitas aplikasi", Q, None, "Lolos uji fungsi tanpa galat kritis"),
        ),
    ],
    "Perencana": [
        _r(
            "Tersusunnya dokumen perencanaan perangkat daerah",
            ("Jumlah dokumen perencanaan yang disusun", K, "Dokumen", 3, 6),
            ("Persentase program yang selaras dengan RPJMD", Q, "%", 90, 100),
        ),
    ],
    "Analis Keuangan": [
        _r(
            "Tersusunnya laporan keuangan perangkat daerah",
            ("Jumlah laporan keuangan yang disusun", K, "Laporan", 12, 12),
            ("Persentase SPJ yang diverifikasi tepat waktu", W, "%", 90, 100),
        ),
    ],
    "Arsiparis": [
        _r(
            "Terkelolanya arsip dinamis dan statis",
            ("Jumlah berkas arsip yang ditata", K, "Berkas", 200, 1000),
            ("Persentase arsip yang ditemukan kembali dalam 1 hari", Q, "%", 90, 100),
        ),
    ],
    "Auditor": [
        _r(
            "Terlaksananya pengawasan dan audit kinerja",
            ("Jumlah penugasan audit yang diselesaikan", K, "Penugasan", 4, 12),
            ("Persentase temuan yang ditindaklanjuti", Q, "%", 80, 100),
        ),
    ],
    "Polisi Pamong Praja": [
        _r(
            "Terlaksananya penegakan peraturan daerah",
            ("Jumlah kegiatan patroli dan penertiban", K, "Kegiatan", 24, 96),
            ("Persentase pelanggaran perda yang ditindaklanjuti", Q, "%", 80, 100),
        ),
    ],
    "Penyuluh": [
        _r(
            "Terlaksananya penyuluhan kepada masyarakat",
            ("Jumlah kegiatan penyuluhan", K, "Kegiatan", 12, 48),
            ("Jumlah kelompok masyarakat yang dibina", K, "Kelompok", 4, 20),
        ),
    ],
    "Pengadministrasi Perkantoran": [
        _r(
            "Terlaksananya pengadministrasian surat masuk dan keluar",
            ("Jumlah surat yang diagendakan", K, "Surat", 500, 2000),
            ("Persentase surat yang didistribusikan pada hari yang sama", W, "%", 90, 100),
        ),
        _r(
            "Tersusunnya laporan administrasi kantor",
            ("Jumlah laporan administrasi yang disusun", K, "Laporan", 12, 12),
        ),
    ],
    "Pengemudi": [
        _r(
            "Terlaksananya layanan transportasi dinas",
            ("Jumlah perjalanan dinas yang dilayani", K, "Perjalanan", 100, 400),
            ("Persentase kendaraan dalam kondisi layak jalan", Q, "%", 95, 100),
        ),
    ],
}
OPERATIONAL_RHK = [  # the other Pelaksana posts
    _r(
        "Terlaksananya layanan operasional {unit}",
        ("Jumlah permohonan layanan yang diproses", K, "Berkas", 200, 1000),
        ("Persentase layanan yang selesai tepat waktu", W, "%", 90, 100),
    ),
    _r(
        "Termutakhirkannya data dan informasi {unit}",
        ("Jumlah data yang diinput dan diverifikasi", K, "Data", 200, 2000),
        ("Persentase data tanpa kesalahan", Q, "%", 95, 100),
    ),
]
FUNGSIONAL_RHK = [  # the other Fungsional posts
    _r(
        "Tersusunnya kajian dan rekomendasi teknis di bidang tugas",
        ("Jumlah kajian yang disusun", K, "Dokumen", 2, 8),
        ("Persentase rekomendasi yang diterima pimpinan", Q, "%", 70, 100),
    ),
    _r(
        "Terlaksananya layanan teknis sesuai keahlian",
        ("Jumlah layanan teknis yang diberikan", K, "Layanan", 24, 120),
        ("Persentase layanan sesuai standar", Q, "%", 85, 100),
    ),
]
TEAMS = (
    "Reformasi Birokrasi",
    "Zona Integritas menuju WBK",
    "penyusunan LKjIP",
    "SPBE",
    "percepatan penurunan stunting",
    "pengelolaan pengaduan masyarakat",
    "peringatan Hari Jadi daerah",
    "pengendalian inflasi daerah",
)
TAMBAHAN_RHK = [
    _r("Terlaksananya tugas sebagai anggota tim {team}",
       ("Jumlah rapat dan kegiatan tim yang diikuti", K, "Kegiatan", 4, 12),
       ("Ketepatan waktu penyampaian hasil kerja tim", W, "%", 90, 100)),
    _r("Terlaksananya tugas sebagai narasumber atau fasilitator",
       ("Jumlah kegiatan sebagai narasumber", K, "Kegiatan", 1, 4),),
    _r("Terlaksananya tugas piket layanan kantor",
       ("Jumlah hari piket yang dilaksanakan", K, "Hari", 12, 24),),
    _r("Terlaksananya pendampingan pegawai baru",
       ("Jumlah pegawai baru yang didampingi", K, "Orang", 1, 3),
       ("Kualitas pendampingan", Q, None, "Pegawai baru mampu bekerja mandiri")),
]  # fmt: skip

# The story's atasan pushes this one down to pegawai1–3 (nobody supports it yet).
STORY_NEW_RHK = _r(
    "Terlaksananya digitalisasi layanan {unit}",
    ("Jumlah layanan yang dapat diajukan secara daring", K, "Layanan", 3, 6),
    ("Persentase permohonan daring yang selesai tepat waktu", W, "%", 90, 100),
)
EXPECTATIONS = {
    BerAkhlak.BERORIENTASI_PELAYANAN: "Merespons permintaan layanan paling lambat satu hari kerja",
    BerAkhlak.AKUNTABEL: "Melaporkan penggunaan anggaran kegiatan setiap akhir bulan",
    BerAkhlak.KOMPETEN: "Mengikuti minimal 20 JP pengembangan kompetensi tahun ini",
    BerAkhlak.HARMONIS: "Menjaga suasana kerja yang saling menghargai di unit",
    BerAkhlak.LOYAL: "Menjaga kerahasiaan data pribadi pegawai dan masyarakat",
    BerAkhlak.ADAPTIF: "Aktif menggunakan aplikasi layanan digital yang baru",
    BerAkhlak.KOLABORATIF: "Terlibat aktif dalam tim lintas bidang",
}
NOTES = {
    P.SANGAT_BAIK: "Kinerja sangat baik dan melampaui target; pertahankan.",
    P.BAIK: "Target tercapai sesuai rencana.",
    P.BUTUH_PERBAIKAN: "Beberapa target belum tercapai; perbaiki ketepatan waktu pelaporan.",
    P.KURANG: "Perlu pembinaan perilaku kerja, terutama kedisiplinan dan kerja sama.",
    P.SANGAT_KURANG: "Target tidak tercapai dan perilaku kerja di bawah ekspektasi; "
    "perlu pembinaan intensif.",
}
RETURN_NOTES = (
    "Mohon lengkapi bukti dukung realisasi.",
    "Realisasi IKI belum sesuai dengan target yang disepakati; mohon diperbaiki.",
    "Lampirkan laporan kegiatan sebagai bukti dukung.",
)
# Realisation ÷ target by the hasil kerja rating.
REACHED = {Rating.DI_ATAS: (1.02, 1.2), Rating.SESUAI: (0.93, 1.05), Rating.DI_BAWAH: (0.55, 0.85)}
QUALITATIVE_DONE = {
    Rating.DI_ATAS: "Tercapai melampaui ekspektasi, menjadi contoh bagi unit lain",
    Rating.SESUAI: "Tercapai sesuai target yang disepakati",
    Rating.DI_BAWAH: "Belum tercapai; masih ada catatan perbaikan",
}
FEEDBACK = (
    "Progres RHK sudah baik; jaga konsistensi pelaporan bulanan.",
    "Mohon bukti dukung diunggah lebih awal agar penilaian tidak tertunda.",
    "Koordinasi dengan bidang lain sudah baik, lanjutkan.",
    "Target kuantitas perlu dikejar pada periode berikutnya.",
)
OVERRIDE_REASONS = (
    "Capaian organisasi didukung kinerja individu yang merata; sebaran dipertahankan "
    "sesuai hasil rapat kalibrasi pimpinan.",
    "Pegawai dengan kinerja rendah telah dimutasi sebelum akhir periode; tidak ada yang "
    "layak diberi predikat Butuh Perbaikan.",
)


# --- The plan ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    id: int
    nip: str
    name: str
    unit_id: int
    unit_name: str
    opd_id: int | None
    position_name: str
    jenis: str
    atasan_id: int | None
    user_id: int | None
    new: bool = True  # no SKP of the year yet: seeded now
    skp_id: int | None = None
    iki: list = field(default_factory=list)  # (iki_id, approach, target, unit)
    usual: str = P.BAIK


@dataclass(slots=True)
class _Plan:
    state: str
    predikat: str = ""
    hasil: str = ""  # fixed for an OPD head (the OPD's capaian); else from the predikat


@dataclass
class DemoSeedReport:
    """What one run wrote."""

    skps: int = 0
    rhk: int = 0
    iki: int = 0
    evaluations: int = 0
    behaviours: int = 0
    realisations: int = 0
    unit_periods: int = 0
    predikat: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        return (
            f"{self.skps} SKP, {self.rhk} RHK, {self.iki} IKI, {self.evaluations} evaluations, "
            f"{self.unit_periods} OPD periods"
        )


def _pick(rng: random.Random, weights: Mapping):
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _moment(day: datetime.date, rng: random.Random, zone, now) -> datetime.datetime:
    """An office-hours instant of ``day`` in the Pemda's zone, never after ``now``."""
    moment = datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 15), rng.randint(0, 59)), tzinfo=zone
    )
    return min(moment, now)


def _today(today: datetime.date | None) -> tuple[datetime.date, ZoneInfo]:
    tenant = getattr(connection, "tenant", None)
    zone = ZoneInfo(getattr(tenant, "time_zone", None) or "Asia/Jakarta")
    return (today or timezone.localdate(timezone=zone)), zone


def _batched(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def performance_demo_seed(
    *,
    year: int,
    rng: random.Random,
    today: datetime.date | None = None,
    personas: Mapping[str, str] | None = None,
) -> DemoSeedReport:
    """A year of performance data for the current Pemda (see the module's docstring).

    ``today``: the day the data is as of (the Pemda's today by default); ``personas``:
    the demo accounts, username → NIP, whose story is set."""
    today, zone = _today(today)
    seed = _Seed(year=year, rng=rng, today=today, zone=zone, personas=dict(personas or {}))
    return seed.run()


class _Seed:
    def __init__(self, *, year, rng, today, zone, personas):
        self.year, self.rng, self.today, self.zone = year, rng, today, zone
        self.now = timezone.now()
        self.report = DemoSeedReport()
        matrix = rule_table_current("predikat_matrix")
        self.matrix = matrix.data if matrix is not None and matrix.data else DEFAULT_MATRIX
        self.rules, self.rounding = distribution_rules(), distribution_rounding()
        self.override = violation_policy() == POLICY_OVERRIDE
        self.cells = self._cells()
        self._rated_cache: dict[tuple, tuple[str, str]] = {}
        periods = periods_of_year(year)
        periodic = [p for p in periods if p.kind != PeriodKind.ANNUAL]
        annual = [p for p in periods if p.kind == PeriodKind.ANNUAL]
        self.past = [p for p in periodic if p.end < today] + [p for p in annual if p.end < today]
        self.current = [p for p in periodic if p.start <= today <= p.end]
        self.last = {p.code for p in self.past if p.kind == PeriodKind.ANNUAL}
        if any(p.kind != PeriodKind.ANNUAL for p in self.past):
            self.last.add([p for p in self.past if p.kind != PeriodKind.ANNUAL][-1].code)
        self.personas = personas

    # 1. The organisation -----------------------------------------------------------------

    def _load(self) -> None:
        names = {}
        people = []
        rows = Employee.objects.order_by("nip").values_list(
            "id",
            "nip",
            "name",
            "is_active",
            "unit_id",
            "unit__name",
            "unit__opd_id",
            "position__name",
            "position__jenis",
            "atasan_override_id",
            "derived_atasan_id",
            "user_id",
        )
        for pk, nip, name, active, unit, unit_name, opd, pos, jenis, over, derived, user in rows:
            names[pk] = (name, nip)
            if active:
                people.append(
                    _Person(pk, nip, name, unit, unit_name, opd or unit, pos, jenis,
                            over or derived, user)
                )  # fmt: skip
        self.names = names
        self.people = people
        self.by_id = {person.id: person for person in people}
        have = dict(Skp.objects.filter(year=self.year).values_list("employee_id", "id"))
        for person in people:
            if person.id in have:
                person.new, person.skp_id = False, have[person.id]
        self.opds = {
            pk: (name, head)
            for pk, name, head in Unit.objects.filter(parent__isnull=True).values_list(
                "id", "name", "head_id"
            )
        }
        self.users = dict(
            Employee.objects.exclude(user=None).values_list("id", "user_id")
        )  # employee → account, inactive people included (an old appraiser)
        # The Wali Kota/Bupati (a leader without an employee record) rates the Setda.
        self.leader_user = (
            User.objects.filter(role=Role.LEADER, is_active=True)
            .order_by(F("employee__id").asc(nulls_first=True), "id")
            .values_list("id", flat=True)
            .first()
        )
        # OPD periods rated or finalised already (by people, or an earlier seed): kept.
        unit_periods = UnitPeriod.objects.filter(period__in=[p.code for p in self.past])
        self.existing = {
            (opd, period): (org, state)
            for opd, period, org, state in unit_periods.values_list(
                "opd_id", "period", "org_predikat", "state"
            )
        }
        nips = {nip: key for key, nip in self.personas.items()}
        self.story = {nips[p.nip]: p for p in people if p.nip in nips}

    def _levels(self) -> list[list[_Person]]:
        """The active people by their depth in the appraisal tree (roots first), so that
        an atasan's RHK exist before their people's."""
        depth: dict[int, int] = {}
        for person in self.people:
            chain, node = [], person
            while node is not None and node.id not in depth and node.id not in chain:
                chain.append(node.id)
                node = self.by_id.get(node.atasan_id) if node.atasan_id else None
            base = depth.get(node.id, -1) if node is not None else -1
            if node is not None and node.id in chain:  # a loop of atasan set by hand
                base = -1
            for offset, pk in enumerate(reversed(chain), start=1):
                depth[pk] = base + offset
        levels: dict[int, list[_Person]] = defaultdict(list)
        for person in self.people:
            levels[depth[person.id]].append(person)
        return [levels[d] for d in sorted(levels)]

    # Leniency, usual predikat, organisation predikat --------------------------------------

    def _appraisers(self) -> None:
        rng = self.rng
        self.lenient_opds = {opd for opd in sorted(self.opds) if rng.random() < LENIENT_OPD_SHARE}
        if STORY_HEAD in self.story:  # the story's OPD breaks the rules: its ratings are generous
            self.lenient_opds.add(self.story[STORY_HEAD].opd_id)
        style: dict[int, dict] = {}
        for person in self.people:
            appraiser = person.atasan_id
            if appraiser not in style:
                draw = rng.random()
                if person.opd_id in self.lenient_opds:
                    lenient = draw < LENIENT_IN_LENIENT_OPD
                    style[appraiser] = WEIGHTS_LENIENT if lenient else WEIGHTS_NORMAL
                elif draw < LENIENT_ELSEWHERE:
                    style[appraiser] = WEIGHTS_LENIENT
                elif draw < LENIENT_ELSEWHERE + SEVERE_ELSEWHERE:
                    style[appraiser] = WEIGHTS_SEVERE
                else:
                    style[appraiser] = WEIGHTS_NORMAL
            person.usual = _pick(rng, style[appraiser])
        self.style = style

    def _org_predikat(self) -> dict[tuple[int, str], str]:
        rng, found = self.rng, {}
        for opd in sorted(self.opds):
            usual = _pick(rng, ORG_WEIGHTS)
            for period in self.past:
                found[opd, period.code] = (
                    usual if rng.random() < ORG_KEPT else _pick(rng, ORG_WEIGHTS)
                )
        return found

    # 2. SKP, RHK, IKI ------------------------------------------------------------------

    def _skps(self) -> None:
        new = [p for p in self.people if p.new]
        for chunk in _batched(new, BATCH):
            skps = []
            for person in chunk:
                atasan = self.names.get(person.atasan_id, ("", "")) if person.atasan_id else None
                skps.append(
                    Skp(
                        employee_id=person.id,
                        year=self.year,
                        unit_id=person.unit_id,
                        unit_name=person.unit_name,
                        position_name=person.position_name,
                        is_jpt=person.jenis in JPT,
                        appraiser_id=person.atasan_id,
                        appraiser_name=atasan[0] if atasan else "",
                        appraiser_nip=atasan[1] if atasan else "",
                    )
                )
            Skp.objects.bulk_create(skps, batch_size=BATCH)
            for person, skp in zip(chunk, skps, strict=True):
                person.skp_id = skp.pk
        self.report.skps = len(new)

    def _bank(self, person: _Person) -> list[_RhkText]:
        if person.jenis in JPT:
            return JPT_RHK
        if person.jenis == "ADMINISTRATOR":
            return ADMINISTRATOR_RHK
        if person.jenis == "PENGAWAS":
            return PENGAWAS_RHK
        for start, bank in JOB_RHK.items():
            if person.position_name.startswith(start):
                return bank
        return FUNGSIONAL_RHK if person.jenis == "FUNGSIONAL" else OPERATIONAL_RHK

    def _target(self, spec) -> dict:
        text, aspect, unit, low, high = (*spec, None)[:5]
        if unit is None:
            return {"text": text, "aspect": aspect, "approach": Approach.KUALITATIF,
                    "target_value": None, "target_unit": "", "target_text": low}  # fmt: skip
        if unit == "%":
            value = self.rng.choice([v for v in range(low, high + 1) if v % 5 == 0] or [high])
        else:
            value = self.rng.randint(low, high)
        return {"text": text, "aspect": aspect, "approach": Approach.KUANTITATIF,
                "target_value": Decimal(value), "target_unit": unit, "target_text": ""}  # fmt: skip

    def _rhk_rows(self, person: _Person, parents: list[int]) -> list[tuple[Rhk, list[dict]]]:
        """2–4 RHK utama (each under one of the atasan's, in turn) and 0–2 tambahan, with
        their IKI; the texts come from the person's kind of post. The story's atasan has
        one more, new this year, that nobody's RHK supports yet (``self.fresh``)."""
        rng = self.rng
        bank = self._bank(person)
        opd_name = self.opds.get(person.opd_id, ("", None))[0]
        utama = rng.choices([2, 3, 4], [3, 4, 2])[0]
        tambahan = rng.choices([0, 1, 2], [5, 4, 1])[0]
        story = person is self.story.get(STORY_ATASAN)
        if story:
            utama = min(utama, 3)  # and the new one
        texts = rng.sample(bank, min(utama, len(bank)))
        if len(texts) < utama:  # a short bank: the general tasks of the kind of post
            general = FUNGSIONAL_RHK if person.jenis == "FUNGSIONAL" else OPERATIONAL_RHK
            general = [entry for entry in general if entry not in texts]
            texts += rng.sample(general, min(utama - len(texts), len(general)))
        start = rng.randrange(len(parents)) if parents else 0
        rows = []
        jpt = person.jenis in JPT
        for order, entry in enumerate(texts):
            rhk = Rhk(
                skp_id=person.skp_id,
                kind=RhkKind.UTAMA,
                text=entry.text.format(opd=opd_name, unit=person.unit_name),
                parent_id=parents[(start + order) % len(parents)] if parents else None,
                perspektif=(entry.perspektif or Perspektif.PROSES_BISNIS) if jpt else "",
                order=order,
                assigned_by_id=person.atasan_id if parents and rng.random() < 0.3 else None,
            )
            rows.append((rhk, self._iki_specs(entry)))
        if story:
            rhk = Rhk(
                skp_id=person.skp_id,
                kind=RhkKind.UTAMA,
                text=STORY_NEW_RHK.text.format(unit=person.unit_name),
                parent_id=parents[0] if parents else None,
                order=len(texts),
            )
            self.fresh.add(id(rhk))
            rows.append((rhk, [self._target(spec) for spec in STORY_NEW_RHK.iki]))
        for order, entry in enumerate(rng.sample(TAMBAHAN_RHK, tambahan)):
            rhk = Rhk(
                skp_id=person.skp_id,
                kind=RhkKind.TAMBAHAN,
                text=entry.text.format(team=rng.choice(TEAMS)),
                perspektif=Perspektif.PENGUATAN_INTERNAL if jpt else "",
                order=order,
            )
            rows.append((rhk, self._iki_specs(entry)))
        return rows

    def _iki_specs(self, entry: _RhkText) -> list[dict]:
        count = min(len(entry.iki), self.rng.choices([1, 2, 3], [3, 5, 2])[0])
        return [self._target(spec) for spec in entry.iki[:count]]

    def _rhk(self) -> None:
        """Level by level, a chunk at a time: the RHK (their ids come back), then their
        IKI; what the evaluations need is kept as plain tuples, the models dropped."""
        utama: dict[int, list[int]] = defaultdict(list)  # employee → ids of their RHK utama
        self.fresh: set[int] = set()
        for employee, pk in (
            Rhk.objects.filter(skp__year=self.year, kind=RhkKind.UTAMA)
            .order_by("skp__employee_id", "order", "pk")
            .values_list("skp__employee_id", "pk")
        ):
            utama[employee].append(pk)
        for level in self._levels():
            new = [p for p in level if p.new]
            for chunk in _batched(new, CHUNK):
                planned = []
                for person in chunk:
                    parents = utama.get(person.atasan_id, []) if person.atasan_id else []
                    planned.extend(
                        (person, rhk, iki) for rhk, iki in self._rhk_rows(person, parents)
                    )
                Rhk.objects.bulk_create([rhk for _p, rhk, _i in planned], batch_size=BATCH)
                ikis = []
                for person, rhk, specs in planned:
                    if rhk.kind == RhkKind.UTAMA and id(rhk) not in self.fresh:
                        utama[person.id].append(rhk.pk)
                    for order, spec in enumerate(specs):
                        ikis.append((person, Iki(rhk_id=rhk.pk, order=order, **spec)))
                Iki.objects.bulk_create([iki for _p, iki in ikis], batch_size=BATCH)
                for person, iki in ikis:
                    person.iki.append((iki.pk, iki.approach, iki.target_value, iki.target_unit))
                self.report.rhk += len(planned)
                self.report.iki += len(ikis)

    # 3.–5. Periods: states, predikat, calibration, the story ---------------------------

    def _plans(self) -> dict[tuple[int, str], _Plan]:
        rng = self.rng
        org = self._org_predikat()
        final: dict[tuple[int, str], bool] = {}
        ready: dict[tuple[int, str], bool] = {}
        for opd in sorted(self.opds):
            for period in self.past:
                last = period.code in self.last
                final[opd, period.code] = rng.random() < (FINAL_LAST if last else FINAL_OLDER)
                ready[opd, period.code] = rng.random() < READY_LAST
        story = self.story.get(STORY_HEAD)
        if story is not None:  # its last periods: rated, open, ready, breaking a rule
            for code in self.last:
                final[story.opd_id, code], ready[story.opd_id, code] = False, True
                org[story.opd_id, code] = OrgPredikat.BAIK
        for key, (org_predikat, state) in self.existing.items():  # kept as they are
            final[key], ready[key] = state == UnitPeriodState.FINAL, True
            if org_predikat:
                org[key] = org_predikat
            else:
                org.pop(key, None)
        self.org, self.final, self.ready = org, final, ready

        plans: dict[tuple[int, str], _Plan] = {}
        for person in self.people:
            if not person.new:
                continue
            weights = self.style[person.atasan_id]
            for period in self.past:
                key = (person.opd_id, period.code)
                if final.get(key, True) or ready.get(key, True):
                    state = S.FINAL if final.get(key, True) else S.EVALUATED
                else:
                    state = _pick(rng, STRAGGLER_STATES)
                plan = _Plan(state)
                if state in (S.EVALUATED, S.FINAL):
                    kept = rng.random() < USUAL_PREDIKAT_KEPT
                    plan.predikat = person.usual if kept else _pick(rng, weights)
                    if self.heads.get(person.id) == person.opd_id and key in org:
                        plan.hasil = hasil_of_unit_head(org[key])
                        plan.predikat = self._head_predikat(plan)
                plans[person.id, period.code] = plan
            for period in self.current:
                plans[person.id, period.code] = _Plan(_pick(rng, CURRENT_STATES))
        self._story(plans)
        self._calibrate_all(plans)
        return plans

    def _head_predikat(self, plan: _Plan) -> str:
        """The predikat an OPD head gets: their hasil is the OPD's capaian, their perilaku
        the one that comes closest to the planned predikat."""
        for perilaku in (*RATINGS, Rating.SESUAI):
            if (plan.hasil, perilaku) in self.cells.get(plan.predikat, []):
                break
        return predikat(plan.hasil, perilaku, self.matrix)

    def _story(self, plans) -> None:
        current = self.current[0].code if self.current else None
        for key, state in (
            (STORY_DRAFT, S.DRAFT),
            (STORY_SUBMITTED, S.SUBMITTED),
            (STORY_RETURNED, S.RETURNED),
            (STORY_ATASAN, S.DRAFT),
        ):
            person = self.story.get(key)
            if person is not None and current and (person.id, current) in plans:
                plans[person.id, current].state = state

    def _calibrate_all(self, plans) -> None:
        """Per OPD and past period, as its head would:

        - in a lenient OPD rated Baik, the low ratings are rounded up to Baik, so the rule
          "at least one Butuh Perbaikan or Kurang" breaks; such a period stays open (the
          story's OPD in its last periods), or, where the Pemda allows it, is finalised
          with an override and its reason;
        - any other finalised period keeps to the rules: its ratings are calibrated first
          (the head's own follows the OPD's predikat and stays). One the calibration cannot
          fix under a "block" policy stays open, rated.
        """
        members: dict[tuple[int, str], list[tuple[_Plan, bool]]] = defaultdict(list)
        for person in self.people:
            movable = self.heads.get(person.id) != person.opd_id
            for period in self.past:
                plan = plans.get((person.id, period.code))
                if plan is not None and plan.predikat:
                    members[person.opd_id, period.code].append((plan, movable))
        low = (P.BUTUH_PERBAIKAN, P.KURANG, P.SANGAT_KURANG)
        for key in sorted(members):
            opd, group = key[0], members[key]
            if key not in self.org or key in self.existing:
                continue
            lenient = opd in self.lenient_opds and self.org[key] == OrgPredikat.BAIK
            if lenient and (self.override or not self.final[key]):
                for plan, movable in group:
                    if plan.predikat in low:
                        plan.predikat = P.BAIK
                        if not movable:
                            plan.predikat = self._head_predikat(plan)
                continue
            if not self.final[key]:
                continue
            if not self._calibrate(group, self.org[key]) and not self.override:
                self.final[key] = False
                for plan, _movable in group:
                    plan.state = S.EVALUATED

    def _calibrate(self, group: list[tuple[_Plan, bool]], org: str) -> bool:
        """Move people between neighbouring predikat until the rules of ``org`` hold: an
        excess goes one step down (an excess of Baik alternately up and down), a shortfall
        is made up from the nearest predikat. False if the rules still do not hold."""
        for _round in range(12):
            counts = Counter(plan.predikat for plan, _movable in group)
            found = distribution_violations(org, counts, self.rules, self.rounding)
            if not found:
                return True
            broken = found[0]
            if broken.rule == "at_most":
                movers = [p for p, movable in group if movable and p.predikat in broken.predikat]
                self.rng.shuffle(movers)
                for n, plan in enumerate(movers[: broken.excess]):
                    index = _ORDER.index(plan.predikat)
                    if plan.predikat == P.BAIK and n % 2 and P.SANGAT_BAIK not in broken.predikat:
                        plan.predikat = P.SANGAT_BAIK
                    else:
                        plan.predikat = _ORDER[min(index + 1, len(_ORDER) - 1)]
            else:
                target = broken.predikat[0]
                aim = _ORDER.index(target)
                movers = [
                    p for p, movable in group if movable and p.predikat not in broken.predikat
                ]
                self.rng.shuffle(movers)
                movers.sort(key=lambda plan: abs(_ORDER.index(plan.predikat) - aim))
                for plan in movers[: broken.shortfall]:
                    plan.predikat = target
        counts = Counter(plan.predikat for plan, _movable in group)
        return not distribution_violations(org, counts, self.rules, self.rounding)

    # 6. Writing ------------------------------------------------------------------------

    def _cells(self) -> dict[str, list[tuple[str, str]]]:
        """predikat → the (hasil, perilaku) cells of the Pemda's matrix that give it, the
        plain "as expected" ones first."""
        cells: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for hasil in RATINGS:
            for perilaku in RATINGS:
                try:
                    cells[predikat(hasil, perilaku, self.matrix)].append((hasil, perilaku))
                except Exception:  # a tenant's matrix without this cell: never chosen
                    continue
        return cells

    def _ratings(self, plan: _Plan) -> tuple[str, dict[str, str]]:
        """hasil and the seven BerAKHLAK ratings for the plan's predikat (or, for an OPD
        head, the closest predikat their fixed hasil allows)."""
        rng = self.rng
        if plan.hasil:  # an OPD head: plan.predikat is one their hasil gives (_head_predikat)
            hasil = plan.hasil
            perilaku = next(p for p in RATINGS if (hasil, p) in self.cells.get(plan.predikat, []))
        else:
            target = plan.predikat
            index = _ORDER.index(target)
            while not self.cells.get(target):  # nearest predikat the matrix can give
                index = (index + 1) % len(_ORDER)
                target = _ORDER[index]
            cells = self.cells[target]
            weights = [4 if c == (Rating.SESUAI, Rating.SESUAI) else 1 for c in cells]
            hasil, perilaku = rng.choices(cells, weights)[0]
        values = list(CORE_VALUES)
        behaviours = dict.fromkeys(values, perilaku)
        # Up to three values a step off, so the median (perilaku_overall) stays put.
        others = [r for r in RATINGS if r != perilaku]
        for value in rng.sample(values, rng.choice([0, 1, 1, 2, 2, 3])):
            behaviours[value] = rng.choice(others)
        if perilaku == Rating.DI_ATAS:
            # Above as a whole needs 4 values above; the ones off are one step lower.
            behaviours = {
                v: r if r != Rating.DI_BAWAH else Rating.SESUAI for v, r in behaviours.items()
            }
        elif perilaku == Rating.DI_BAWAH:
            behaviours = {
                v: r if r != Rating.DI_ATAS else Rating.SESUAI for v, r in behaviours.items()
            }
        return hasil, behaviours

    def _rated(self, hasil: str, behaviours: dict[str, str]) -> tuple[str, str]:
        """(perilaku, predikat) by the rules (perilaku_overall, predikat with the Pemda's
        matrix), each combination worked out once: there are at most 3 × 3⁷ of them."""
        key = (hasil, *behaviours.values())
        found = self._rated_cache.get(key)
        if found is None:
            perilaku = perilaku_overall(behaviours)
            found = self._rated_cache[key] = (perilaku, predikat(hasil, perilaku, self.matrix))
        return found

    def _realisation(self, iki, hasil: str, period: Period, state: str) -> Realisation:
        iki_id, approach, target, unit = iki
        rng = self.rng
        if approach == Approach.KUALITATIF:
            if state == S.DRAFT:
                return Realisation(iki_id=iki_id, text="Sedang berjalan")
            return Realisation(iki_id=iki_id, text=QUALITATIVE_DONE[hasil or Rating.SESUAI])
        low, high = REACHED[hasil or Rating.SESUAI]
        factor = Decimal(str(round(rng.uniform(low, high), 3)))
        if iki_is_level(unit):
            value = target * factor
            if unit == "%":
                value = min(value, Decimal(100))
            value = value.quantize(Decimal("0.01"))
        else:
            share = (
                Decimal(min(period.end.month, 12)) / 12 if period.kind != PeriodKind.ANNUAL else 1
            )
            value = (target * share * factor).quantize(Decimal("1"))
        return Realisation(iki_id=iki_id, value=value)

    def _write(self, plans) -> None:
        periods = [*self.past, *self.current]
        story_ids = {person.id: key for key, person in self.story.items()}
        for chunk in _batched([p for p in self.people if p.new], CHUNK):
            evaluations, extras = [], []
            for person in chunk:
                for period in periods:
                    plan = plans.get((person.id, period.code))
                    if plan is None:
                        continue
                    evaluation, behaviours, hasil = self._evaluation(person, period, plan)
                    evaluations.append(evaluation)
                    extras.append((person, period, plan, behaviours, hasil))
            Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
            rows_b, rows_r, evidence = [], [], []
            for evaluation, (person, period, plan, behaviours, hasil) in zip(
                evaluations, extras, strict=True
            ):
                expectations = self.rng.random() < EXPECTATION_SHARE
                for value, rating in behaviours.items():
                    rows_b.append(
                        BehaviourRating(
                            evaluation_id=evaluation.pk,
                            value=value,
                            rating=rating,
                            expectation=EXPECTATIONS[value] if expectations else "",
                        )
                    )
                story = story_ids.get(person.id)
                for iki in person.iki:
                    if plan.state == S.DRAFT and story != STORY_DRAFT and self.rng.random() < 0.5:
                        continue  # a draft being filled in
                    row = self._realisation(iki, hasil, period, plan.state)
                    row.evaluation_id = evaluation.pk
                    rows_r.append(row)
                if story in (STORY_DRAFT, STORY_SUBMITTED) and period in self.current:
                    evidence.append(
                        Evidence(
                            evaluation_id=evaluation.pk,
                            link="https://drive.example.go.id/bukti-dukung/laporan-kegiatan",
                            note="Laporan kegiatan dan daftar hadir",
                            added_by_id=person.user_id,
                        )
                    )
                counted = plan.state in (S.EVALUATED, S.FINAL)
                if counted and period.kind != PeriodKind.ANNUAL:
                    self.report.predikat[evaluation.predikat] += 1
            BehaviourRating.objects.bulk_create(rows_b, batch_size=BATCH * 2)
            Realisation.objects.bulk_create(rows_r, batch_size=BATCH * 2)
            copies_taken({evaluation.skp_id for evaluation in evaluations})
            Evidence.objects.bulk_create(evidence)
            self._feedback(chunk, story_ids)
            self.report.evaluations += len(evaluations)
            self.report.behaviours += len(rows_b)
            self.report.realisations += len(rows_r)

    def _evaluation(self, person: _Person, period: Period, plan: _Plan):
        rng = self.rng
        atasan = self.names.get(person.atasan_id, ("", "")) if person.atasan_id else ("", "")
        evaluation = Evaluation(
            skp_id=person.skp_id,
            period=period.code,
            state=plan.state,
            unit_id=person.unit_id,
            opd_id=person.opd_id,
            appraiser_id=person.atasan_id,
            appraiser_name=atasan[0],
            appraiser_nip=atasan[1],
        )
        behaviours, hasil = {}, ""
        past = period.end < self.today
        after = period.end if past else None
        if plan.state != S.DRAFT:
            if past:
                day = after + datetime.timedelta(days=rng.randint(1, 5))
            else:
                day = period.start + datetime.timedelta(
                    days=rng.randint(0, (self.today - period.start).days)
                )
            evaluation.submitted_at = _moment(min(day, self.today), rng, self.zone, self.now)
            evaluation.version = 1
        if plan.state == S.RETURNED:
            evaluation.return_note = rng.choice(RETURN_NOTES)
            evaluation.version = 2
        if plan.state in (S.EVALUATED, S.FINAL):
            hasil, behaviours = self._ratings(plan)
            evaluation.hasil = hasil
            evaluation.perilaku, evaluation.predikat = self._rated(hasil, behaviours)
            if rng.random() < NOTE_SHARE:
                evaluation.appraiser_note = NOTES[evaluation.predikat]
            day = min(after + datetime.timedelta(days=rng.randint(5, 12)), self.today)
            evaluation.evaluated_at = max(
                _moment(day, rng, self.zone, self.now), evaluation.submitted_at
            )
            evaluation.version = 2
        if plan.state == S.FINAL:
            day = min(after + datetime.timedelta(days=rng.randint(13, 20)), self.today)
            evaluation.finalised_at = max(
                _moment(day, rng, self.zone, self.now), evaluation.evaluated_at
            )
            evaluation.version = 3
        return evaluation, behaviours, hasil

    def _feedback(self, chunk, story_ids) -> None:
        rows = []
        for person in chunk:
            story = story_ids.get(person.id)
            if not person.atasan_id or not (story or self.rng.random() < FEEDBACK_SHARE):
                continue
            rows.append(
                Feedback(
                    skp_id=person.skp_id,
                    author_id=self.users.get(person.atasan_id),
                    author_name=self.names.get(person.atasan_id, ("", ""))[0],
                    text=self.rng.choice(FEEDBACK),
                )
            )
        Feedback.objects.bulk_create(rows)

    def _unit_periods(self) -> None:
        """Every OPD and past period: its organisation predikat and, when finalised, the
        broken rules and the override's reason (counted from what was written)."""
        counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
        for row in (
            Evaluation.objects.filter(skp__year=self.year, state__in=(S.EVALUATED, S.FINAL))
            .values("opd_id", "period", "predikat")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[row["opd_id"], row["period"]][row["predikat"]] += row["n"]
        rows = []
        rng = self.rng
        for opd in sorted(self.opds):
            head = self.opds[opd][1]
            head_atasan = self.by_id[head].atasan_id if head in self.by_id else None
            rater = self.users.get(head_atasan) if head_atasan else self.leader_user
            for period in self.past:
                key = (opd, period.code)
                if key in self.existing or key not in self.org:
                    continue
                org = self.org[key]
                ends = period.end
                row = UnitPeriod(
                    opd_id=opd,
                    period=period.code,
                    org_predikat=org,
                    rated_by_id=rater,
                    rated_at=self._after(ends, 3, 10),
                    version=1,
                )
                if self.final[key] and counts.get(key):
                    row.state = UnitPeriodState.FINAL
                    row.finalised_by_id = self.users.get(head) if head else None
                    row.finalised_at = self._after(ends, 13, 20)
                    row.version = 2
                    found = distribution_violations(org, counts[key], self.rules, self.rounding)
                    if found:
                        row.override_reason = rng.choice(OVERRIDE_REASONS)
                        row.violations = violations_stored(found)
                rows.append(row)
        UnitPeriod.objects.bulk_create(rows, batch_size=BATCH)
        self.report.unit_periods = len(rows)

    def _after(self, day: datetime.date, low: int, high: int) -> datetime.datetime:
        later = day + datetime.timedelta(days=self.rng.randint(low, high))
        return _moment(min(later, self.today), self.rng, self.zone, self.now)

    def run(self) -> DemoSeedReport:
        self._load()
        if not any(person.new for person in self.people):
            return self.report
        self.heads = {head: opd for opd, (_name, head) in self.opds.items() if head}
        self._appraisers()
        self._skps()
        self._rhk()
        plans = self._plans()
        self._write(plans)
        self._unit_periods()
        self._analyze()
        return self.report

    @staticmethod
    def _analyze() -> None:
        """Planner statistics for the tables just filled: without them a query over the
        freshly seeded rows may pick a plan that takes minutes (seen in a test on the
        embedded PostgreSQL, before autovacuum came round)."""
        from django.db import connection

        from core.performance import models

        tables = [
            model._meta.db_table
            for model in (
                models.Skp,
                models.Rhk,
                models.Iki,
                models.Evaluation,
                models.BehaviourRating,
                models.Realisation,
                models.UnitPeriod,
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(f'"{table}"' for table in tables))
