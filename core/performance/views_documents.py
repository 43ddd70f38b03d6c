"""Printable documents of the performance module, in the layout of PermenPANRB 6/2022: the
SKP of a year and the Dokumen Evaluasi Kinerja Pegawai of a period. A4 pages of HTML with a
print style sheet (print them, or save them as PDF from the browser's print dialog).

Whoever may see the SKP may print it (``Skp.objects.visible_to``); anyone else gets a 404.
The pages only read: a constant number of queries, whatever the number of RHK and IKI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.config.periods import Period, PeriodKind
from core.org.access import object_get_for_user
from core.org.ranks import PANGKAT
from core.performance.content import evaluation_content, skp_content
from core.performance.models import (
    BehaviourRating,
    Evaluation,
    Evidence,
    Feedback,
    Iki,
    Rhk,
    Skp,
    UnitPeriod,
)
from core.performance.rules import BerAkhlak, EvaluationState, RhkKind

# The behaviour guide of each core value (panduan perilaku BerAKHLAK, SE MenPANRB 20/2021,
# printed on the SKP by PermenPANRB 6/2022). Official wording, quoted as it is: it is the
# regulation's text, not an interface label, so it is not translated.
BEHAVIOUR_GUIDE: dict[str, tuple[str, ...]] = {
    BerAkhlak.BERORIENTASI_PELAYANAN: (
        "Memahami dan memenuhi kebutuhan masyarakat",
        "Ramah, cekatan, solutif, dan dapat diandalkan",
        "Melakukan perbaikan tiada henti",
    ),
    BerAkhlak.AKUNTABEL: (
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan "
        "berintegritas tinggi",
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, "
        "dan efisien",
        "Tidak menyalahgunakan kewenangan jabatan",
    ),
    BerAkhlak.KOMPETEN: (
        "Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
        "Membantu orang lain belajar",
        "Melaksanakan tugas dengan kualitas terbaik",
    ),
    BerAkhlak.HARMONIS: (
        "Menghargai setiap orang apapun latar belakangnya",
        "Suka menolong orang lain",
        "Membangun lingkungan kerja yang kondusif",
    ),
    BerAkhlak.LOYAL: (
        "Memegang teguh ideologi Pancasila, Undang-Undang Dasar Negara Republik Indonesia "
        "Tahun 1945, setia kepada Negara Kesatuan Republik Indonesia serta pemerintahan yang "
        "sah",
        "Menjaga nama baik sesama ASN, pimpinan, instansi, dan negara",
        "Menjaga rahasia jabatan dan negara",
    ),
    BerAkhlak.ADAPTIF: (
        "Cepat menyesuaikan diri menghadapi perubahan",
        "Terus berinovasi dan mengembangkan kreativitas",
        "Bertindak proaktif",
    ),
    BerAkhlak.KOLABORATIF: (
        "Memberi kesempatan kepada berbagai pihak untuk berkontribusi",
        "Terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
        "Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama",
    ),
}

EMPLOYEE_RELATIONS = ("position", "unit__opd", "atasan_override", "derived_atasan")


# --- What the documents show --------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One identity block of the forms: nama, NIP, pangkat/gol. ruang, jabatan, unit kerja."""

    name: str = ""
    nip: str = ""
    pangkat: str = ""
    jabatan: str = ""
    unit: str = ""


def _pangkat(employee) -> str:
    """ "Penata Muda (III/a)"; empty for a PPPK, who has no golongan/ruang."""
    golongan = getattr(employee, "golongan", "") or ""
    name = PANGKAT.get(golongan)
    return f"{name} ({golongan})" if name else golongan


def _unit_kerja(unit, unit_name: str = "") -> str:
    """The unit, and the OPD it belongs to when that is another unit."""
    name = unit_name or (unit.name if unit else "")
    opd = unit.opd if unit is not None and unit.opd_id and unit.opd_id != unit.pk else None
    return f"{name}, {opd.name}" if opd and opd.name != name else name


def person_of(employee, *, name="", nip="", jabatan="", unit=None, unit_name="") -> Person:
    """A person as of a snapshot (``name``, ``nip``, ``jabatan``, ``unit_name`` kept with the
    SKP or the evaluation), completed from their employee record as it is now."""
    if employee is None and not name:
        return Person()
    return Person(
        name=name or employee.name,
        nip=nip or employee.nip,
        pangkat=_pangkat(employee) if employee is not None else "",
        jabatan=jabatan or (employee.position.name if employee and employee.position else ""),
        unit=_unit_kerja(
            unit if unit is not None else (employee.unit if employee else None), unit_name
        ),
    )


@dataclass
class IkiRow:
    iki: Iki
    realisation: str = ""


@dataclass
class RhkRow:
    number: int
    rhk: Rhk
    iki: list[IkiRow]
    feedback: list[Feedback] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def span(self) -> int:
        return max(len(self.iki), 1)


@dataclass
class Section:
    letter: str
    kind: str
    label: str
    rows: list[RhkRow]


@dataclass
class BehaviourRow:
    number: int
    value: str
    label: str
    guide: tuple[str, ...]
    expectation: str = ""
    rating: str = ""


def _sections(rhks, iki_rows=None) -> list[Section]:
    """Hasil kerja in the form's two parts, A. Utama and B. Tambahan, numbered in each."""
    sections = []
    for letter, kind in (("A", RhkKind.UTAMA), ("B", RhkKind.TAMBAHAN)):
        mine = [rhk for rhk in rhks if rhk.kind == kind]
        rows = [
            RhkRow(number, rhk, (iki_rows or {}).get(rhk.pk) or [IkiRow(i) for i in rhk.iki.all()])
            for number, rhk in enumerate(mine, start=1)
        ]
        sections.append(Section(letter, kind, RhkKind(kind).label, rows))
    return sections


def _behaviours(expectations=None, ratings=None) -> list[BehaviourRow]:
    expectations, ratings = expectations or {}, ratings or {}
    return [
        BehaviourRow(
            number=number,
            value=value,
            label=str(label),
            guide=BEHAVIOUR_GUIDE[value],
            expectation=expectations.get(value, ""),
            rating=ratings.get(value, ""),
        )
        for number, (value, label) in enumerate(BerAkhlak.choices, start=1)
    ]


def _place(pemda) -> str:
    """Where the documents are signed: the Pemda's city or regency ("Surabaya")."""
    region = getattr(pemda, "region", None)
    name = region.name if region is not None else getattr(pemda, "name", "")
    for prefix in ("Kabupaten ", "Kota ", "Provinsi "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def _government(pemda) -> str:
    """The heading of the forms: "PEMERINTAH KOTA SURABAYA"."""
    region = getattr(pemda, "region", None)
    name = region.government_name if region is not None else getattr(pemda, "name", "")
    if not name.upper().startswith("PEMERINTAH"):
        name = f"Pemerintah {name}"
    return name.upper()


def _skp_get(request, pk):
    queryset = Skp.objects.select_related(
        *(f"employee__{relation}" for relation in EMPLOYEE_RELATIONS),
        "unit__opd",
        "appraiser__position",
        "appraiser__unit__opd",
    )
    skp, _access = object_get_for_user(queryset, request.user, pk)
    return skp


def _skp_people(skp) -> tuple[Person, Person]:
    employee = skp.employee
    return (
        person_of(
            employee, jabatan=skp.position_name, unit=skp.unit or employee.unit,
            unit_name=skp.unit_name,
        ),
        person_of(skp.appraiser, name=skp.appraiser_name, nip=skp.appraiser_nip),
    )  # fmt: skip


# --- Pages --------------------------------------------------------------------------------


@login_required
@require_GET
def skp_print(request, pk: int):
    """The SKP in the form of PermenPANRB 6/2022: identities, hasil kerja with the leader's
    RHK each supports, the 7 perilaku kerja with any ekspektasi khusus pimpinan, signatures."""
    skp = _skp_get(request, pk)
    employee, appraiser = _skp_people(skp)
    # Ekspektasi khusus pimpinan are written when rating a period: the latest of each value.
    expectations = {}
    for rating in (
        BehaviourRating.objects.filter(evaluation__skp=skp)
        .exclude(expectation="")
        .order_by("evaluation__evaluated_at", "evaluation__updated_at", "pk")
        .only("value", "expectation")
    ):
        expectations[rating.value] = rating.expectation
    year = Period(PeriodKind.ANNUAL, skp.year, 1)
    return render(
        request,
        "performance/print/skp.html",
        {
            "skp": skp,
            "government": _government(request.tenant),
            "place": _place(request.tenant),
            "signed_on": timezone.localdate(),
            "period": year,
            "employee": employee,
            "appraiser": appraiser,
            "sections": _sections(skp_content(skp)),
            "behaviours": _behaviours(expectations),
        },
    )


def _realisation(realisation, iki) -> str:
    if realisation is None:
        return ""
    if realisation.value is not None:
        value = f"{realisation.value.normalize():f}"
        shown = f"{value} {iki.target_unit}".strip()
        return f"{shown} ({realisation.text})" if realisation.text else shown
    return realisation.text


def _feedback_window(evaluation, period: Period) -> Q:
    """Umpan balik of the period: given in it, or after it until the rating."""
    tz = timezone.get_current_timezone()
    until = period.ends_at(tz)
    if evaluation.evaluated_at and evaluation.evaluated_at > until:
        until = evaluation.evaluated_at
    return Q(created_at__gte=period.starts_at(tz), created_at__lt=until)


def _period_of(evaluation) -> Period | None:
    try:
        return Period.parse(evaluation.period)
    except ValueError:
        return None


@login_required
@require_GET
def evaluation_print(request, pk: int):
    """The Dokumen Evaluasi Kinerja Pegawai of a period: identities (with the appraiser's
    own atasan), the organisation's capaian, the predikat, the appraiser's note and the
    signatures; then hasil kerja with realisasi, bukti dukung and umpan balik, and the
    perilaku kerja with their ratings."""
    queryset = Evaluation.objects.select_related(
        "skp__unit__opd",
        *(f"skp__employee__{relation}" for relation in EMPLOYEE_RELATIONS),
        "unit__opd",
        "opd",
        *(f"appraiser__{relation}" for relation in ("position", "unit__opd")),
        *(f"appraiser__atasan_override__{r}" for r in ("position", "unit__opd")),
        *(f"appraiser__derived_atasan__{r}" for r in ("position", "unit__opd")),
    )
    evaluation, _access = object_get_for_user(queryset, request.user, pk)
    skp = evaluation.skp
    period = _period_of(evaluation)
    rhks, realisations = evaluation_content(evaluation)  # what it rated, once rated
    iki_rows = {
        rhk.pk: [IkiRow(iki, _realisation(realisations.get(iki.pk), iki)) for iki in rhk.iki.all()]
        for rhk in rhks
    }
    sections = _sections(rhks, iki_rows)
    by_rhk = {row.rhk.pk: row for section in sections for row in section.rows}
    feedback = Feedback.objects.filter(skp=skp).order_by("created_at", "pk")
    if period is not None:
        feedback = feedback.filter(_feedback_window(evaluation, period))
    general = []
    for item in feedback:
        row = by_rhk.get(item.rhk_id)
        (row.feedback if row else general).append(item)
    other_evidence = []
    for item in Evidence.objects.filter(evaluation=evaluation).order_by("created_at", "pk"):
        row = by_rhk.get(item.rhk_id)
        (row.evidence if row else other_evidence).append(item)

    ratings, expectations = {}, {}
    for rating in evaluation.behaviours.all():
        ratings[rating.value] = rating.get_rating_display()
        expectations[rating.value] = rating.expectation
    org_predikat = ""
    if evaluation.opd_id:
        unit_period = UnitPeriod.objects.filter(
            opd_id=evaluation.opd_id, period=evaluation.period
        ).first()
        if unit_period is not None and unit_period.org_predikat:
            org_predikat = unit_period.get_org_predikat_display()

    employee = skp.employee
    appraiser = evaluation.appraiser
    rated = evaluation.state in (EvaluationState.EVALUATED, EvaluationState.FINAL)
    return render(
        request,
        "performance/print/evaluation.html",
        {
            "evaluation": evaluation,
            "skp": skp,
            "rated": rated,
            "government": _government(request.tenant),
            "place": _place(request.tenant),
            "signed_on": timezone.localdate(evaluation.evaluated_at)
            if evaluation.evaluated_at
            else timezone.localdate(),
            "period": period,
            "period_label": period.label if period else evaluation.period,
            "is_final_period": period is not None and period.kind == PeriodKind.ANNUAL,
            "employee": person_of(
                employee,
                jabatan=skp.position_name,
                unit=evaluation.unit or skp.unit or employee.unit,
            ),
            "appraiser": person_of(
                appraiser, name=evaluation.appraiser_name, nip=evaluation.appraiser_nip
            ),
            "appraiser_atasan": person_of(appraiser.atasan if appraiser else None),
            "org_predikat": org_predikat,
            "sections": sections,
            "general_feedback": general,
            "other_evidence": other_evidence,
            "behaviours": _behaviours(expectations, ratings),
        },
    )
