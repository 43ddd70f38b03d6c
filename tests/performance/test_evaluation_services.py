"""The evaluation workflow and its ratings (core/performance/evaluation.py): every
transition from every state, compare-and-set on the version, the ratings and the predikat
matrix, realisation, evidence and feedback, and who may do each (personas: tests/personas.py;
KASUB appraises ANALIS and PPPK, SEKDA appraises KABAN, the head of BKPSDMD)."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.audit.actions import action_label
from core.audit.models import AuditEvent
from core.config.models import RuleTable
from core.org.models import Employee, Unit
from core.performance import audit
from core.performance import evaluation as ev
from core.performance.access import may_edit_skp
from core.performance.content import evaluation_content
from core.performance.models import BehaviourRating, Evaluation, Evidence, Iki, Rhk, UnitPeriod
from core.performance.rules import BerAkhlak, PerformanceError
from core.performance.services import (
    evaluation_get_or_create,
    periods_of_year,
    rhk_create,
    skp_content_locked,
    skp_get_or_create,
)
from tests.personas import ANALIS, KABAN, KABID, KADINKES, KASUB, PPPK, SEKDA

pytestmark = pytest.mark.django_db

YEAR = 2026
ALL = {value: "SESUAI" for value in BerAkhlak.values}


# --- Helpers (also used by test_evaluation_pages.py) ---------------------------------------


def user(identifier: str) -> User:
    if identifier.isdigit():
        return User.objects.get(nip=identifier)
    return User.objects.get(username=identifier)


def period(index: int = 0, year: int = YEAR) -> str:
    """A periodic evaluation period of the Pemda (monthly in the Surabaya template)."""
    return periods_of_year(year)[index].code


def skp_with_iki(nip: str, year: int = YEAR, *, rhk_count: int = 1):
    """An SKP with RHK, each with a quantitative and a qualitative IKI (made with the ORM:
    the RHK services are another helper's)."""
    skp = skp_get_or_create(employee=Employee.objects.get(nip=nip), year=year)
    for n in range(rhk_count):
        rhk = Rhk.objects.create(skp=skp, kind="utama", text=f"Laporan kepegawaian {n}", order=n)
        Iki.objects.create(
            rhk=rhk,
            text="Jumlah laporan",
            aspect="kuantitas",
            approach="kuantitatif",
            target_value=12,
            target_unit="Laporan",
        )
        Iki.objects.create(
            rhk=rhk,
            text="Mutu laporan",
            aspect="kualitas",
            approach="kualitatif",
            target_text="Diterima tanpa revisi",
        )
    return skp


def fill(evaluation, by) -> None:
    for iki in Iki.objects.filter(rhk__skp=evaluation.skp_id):
        if iki.approach == "kuantitatif":
            ev.realisation_set(evaluation=evaluation, by=by, iki=iki, value="10")
        else:
            ev.realisation_set(evaluation=evaluation, by=by, iki=iki, text="Diterima")


def draft(nip: str = ANALIS, code: str | None = None, **kwargs):
    skp = skp_with_iki(nip, **kwargs)
    return evaluation_get_or_create(skp=skp, period=code or period())


def submitted(nip: str = ANALIS, code: str | None = None, **kwargs):
    evaluation = draft(nip, code, **kwargs)
    fill(evaluation, user(nip))
    return ev.evaluation_submit(evaluation=evaluation, by=user(nip), version=evaluation.version)


def rated(nip=ANALIS, appraiser=KASUB, hasil="SESUAI", behaviours=None):
    evaluation = submitted(nip)
    return ev.evaluation_rate(
        evaluation=evaluation,
        by=user(appraiser),
        hasil=hasil,
        behaviours=behaviours or ALL,
        version=evaluation.version,
    )


def fresh(evaluation):
    return Evaluation.objects.get(pk=evaluation.pk)


# --- Submit -------------------------------------------------------------------------------


def test_the_owner_submits_a_filled_draft_to_their_current_atasan(org):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        done = ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)
        assert done.state == "submitted"
        assert done.version == 1
        assert done.submitted_at is not None
        assert done.appraiser.nip == KASUB
        assert done.appraiser_nip == KASUB
        assert AuditEvent.objects.filter(
            action="performance.evaluation.submit", object_id=str(done.pk)
        ).exists()


def test_submit_refreshes_the_appraiser_from_the_organisation_of_now(org):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        Evaluation.objects.filter(pk=evaluation.pk).update(appraiser=None, appraiser_name="Old")
        evaluation = fresh(evaluation)
        done = ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)
        assert done.appraiser_name == Employee.objects.get(nip=KASUB).name


def test_a_double_submit_is_refused_and_changes_nothing(org, english):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)
        with pytest.raises(PerformanceError, match="already been submitted"):
            ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)
        with pytest.raises(PerformanceError, match="already been submitted"):
            ev.evaluation_submit(evaluation=fresh(evaluation), by=user(ANALIS), version=1)
        assert fresh(evaluation).version == 1
        assert AuditEvent.objects.filter(action="performance.evaluation.submit").count() == 1


def test_a_stale_version_is_refused_and_changes_nothing(org, english):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        Evaluation.objects.filter(pk=evaluation.pk).update(version=5)  # changed in another tab
        with pytest.raises(PerformanceError, match="changed meanwhile"):
            ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=4)
        assert fresh(evaluation).state == "draft"


@pytest.mark.parametrize("version", [None, "abc", True])
def test_a_version_that_is_no_number_is_refused(org, english, version):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        with pytest.raises(PerformanceError, match="Reload the page"):
            ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=version)


def test_submit_needs_the_realisation_of_every_indicator(org, english):
    with org:
        evaluation = draft()
        iki = Iki.objects.filter(rhk__skp=evaluation.skp_id, approach="kuantitatif").first()
        ev.realisation_set(evaluation=evaluation, by=user(ANALIS), iki=iki, value=3)
        with pytest.raises(PerformanceError, match="1 of 2 are empty"):
            ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)
        assert fresh(evaluation).state == "draft"


def test_submit_needs_indicators(org, english):
    with org:
        skp = skp_get_or_create(employee=Employee.objects.get(nip=ANALIS), year=YEAR)
        evaluation = evaluation_get_or_create(skp=skp, period=period())
        with pytest.raises(PerformanceError, match="no indicators"):
            ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)


def test_someone_without_an_atasan_cannot_submit(org, english):
    with org:
        Employee.objects.filter(nip=ANALIS).update(derived_atasan=None, atasan_override=None)
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        with pytest.raises(PerformanceError, match="no atasan"):
            ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)


@pytest.mark.parametrize("who", [KASUB, PPPK, KABAN, "admin", "pimpinan"])
def test_only_the_owner_submits(org, who):
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        with pytest.raises(PermissionDenied):
            ev.evaluation_submit(evaluation=evaluation, by=user(who), version=0)
        assert fresh(evaluation).state == "draft"


# --- Return -------------------------------------------------------------------------------


def test_the_appraiser_returns_a_submitted_evaluation_with_a_note(org):
    with org:
        evaluation = submitted()
        done = ev.evaluation_return(
            evaluation=evaluation, by=user(KASUB), note="Lengkapi bukti", version=1
        )
        assert (done.state, done.return_note, done.version) == ("returned", "Lengkapi bukti", 2)
        event = AuditEvent.objects.get(action="performance.evaluation.return")
        assert event.reason == "Lengkapi bukti"


def test_returning_needs_a_note(org, english):
    with org:
        evaluation = submitted()
        with pytest.raises(PerformanceError, match="Write the reason"):
            ev.evaluation_return(evaluation=evaluation, by=user(KASUB), note="  ", version=1)
        assert fresh(evaluation).state == "submitted"


def test_returning_a_rated_evaluation_withdraws_its_rating(org):
    with org:
        evaluation = rated()
        assert BehaviourRating.objects.filter(evaluation=evaluation).count() == 7
        done = ev.evaluation_return(evaluation=evaluation, by=user(KASUB), note="Ulangi", version=2)
        assert (done.state, done.hasil, done.perilaku, done.predikat) == ("returned", "", "", "")
        # The value ratings go too (found in review: the API and the print still showed
        # them); the trail keeps what they were.
        assert not BehaviourRating.objects.filter(evaluation=evaluation).exists()
        event = AuditEvent.objects.filter(action=audit.EVALUATION_RETURN).latest("pk")
        assert len(event.before["behaviours"]) == 7


def test_a_returned_evaluation_is_revised_and_submitted_again(org):
    with org:
        evaluation = submitted()
        evaluation = ev.evaluation_return(
            evaluation=evaluation, by=user(KASUB), note="Perbaiki", version=1
        )
        iki = Iki.objects.filter(rhk__skp=evaluation.skp_id, approach="kuantitatif").first()
        ev.realisation_set(evaluation=evaluation, by=user(ANALIS), iki=iki, value="12")
        done = ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=2)
        assert (done.state, done.version) == ("submitted", 3)


@pytest.mark.parametrize("state", ["draft", "returned", "final"])
def test_return_from_a_wrong_state_is_refused(org, english, state):
    with org:
        evaluation = draft()
        Evaluation.objects.filter(pk=evaluation.pk).update(state=state)
        with pytest.raises(PerformanceError, match="cannot be returned for revision now"):
            ev.evaluation_return(evaluation=fresh(evaluation), by=user(KASUB), note="x", version=0)
        assert fresh(evaluation).state == state


@pytest.mark.parametrize("who", [ANALIS, PPPK, KABID, KABAN, "admin", "pimpinan"])
def test_only_the_appraiser_returns(org, who):
    with org:
        evaluation = submitted()
        with pytest.raises(PermissionDenied):
            ev.evaluation_return(evaluation=evaluation, by=user(who), note="x", version=1)
        assert fresh(evaluation).state == "submitted"


# --- Rate ---------------------------------------------------------------------------------


def test_the_appraiser_rates_hasil_and_every_core_value(org):
    with org:
        evaluation = submitted()
        behaviours = dict(ALL, akuntabel="DI_ATAS", loyal="DI_BAWAH")
        done = ev.evaluation_rate(
            evaluation=evaluation,
            by=user(KASUB),
            hasil="DI_ATAS",
            behaviours=behaviours,
            expectations={"akuntabel": "Laporan tepat waktu"},
            note="Baik sekali",
            version=1,
        )
        assert (done.state, done.hasil, done.perilaku, done.predikat) == (
            "evaluated",
            "DI_ATAS",
            "SESUAI",
            "BAIK",
        )
        assert done.appraiser_note == "Baik sekali"
        assert done.evaluated_at is not None
        rows = dict(BehaviourRating.objects.filter(evaluation=done).values_list("value", "rating"))
        assert rows == behaviours
        assert BehaviourRating.objects.get(evaluation=done, value="akuntabel").expectation == (
            "Laporan tepat waktu"
        )
        event = AuditEvent.objects.get(action="performance.evaluation.rate")
        assert event.after["predikat"] == "BAIK"


# DOMAIN.md §2: hasil ↓ / perilaku →
MATRIX = [
    ("DI_ATAS", "DI_BAWAH", "KURANG"),
    ("DI_ATAS", "SESUAI", "BAIK"),
    ("DI_ATAS", "DI_ATAS", "SANGAT_BAIK"),
    ("SESUAI", "DI_BAWAH", "KURANG"),
    ("SESUAI", "SESUAI", "BAIK"),
    ("SESUAI", "DI_ATAS", "BAIK"),
    ("DI_BAWAH", "DI_BAWAH", "SANGAT_KURANG"),
    ("DI_BAWAH", "SESUAI", "BUTUH_PERBAIKAN"),
    ("DI_BAWAH", "DI_ATAS", "BUTUH_PERBAIKAN"),
]


@pytest.mark.parametrize(("hasil", "perilaku", "expected"), MATRIX)
def test_each_matrix_cell_through_the_service(org, hasil, perilaku, expected):
    with org:
        # 4 of the 7 values at the level make the perilaku; the 3 others pull the other way.
        other = "DI_BAWAH" if perilaku != "DI_BAWAH" else "DI_ATAS"
        values = BerAkhlak.values
        behaviours = {v: (perilaku if i < 4 else other) for i, v in enumerate(values)}
        done = rated(hasil=hasil, behaviours=behaviours)
        assert (done.perilaku, done.predikat) == (perilaku, expected)


@pytest.mark.parametrize(
    "broken",
    [["not", "a", "mapping"], {"DI_ATAS": "x"}, {"DI_ATAS": {"SESUAI": "HEBAT"}}],
)
def test_a_broken_matrix_falls_back_to_the_national_one(org, broken):
    """Found in review: a matrix row that was no mapping gave every rating page a 500."""
    with org:
        current = RuleTable.objects.filter(name="predikat_matrix").order_by("-version").first()
        RuleTable.objects.create(name="predikat_matrix", version=current.version + 1, data=broken)
        matrix, table = ev.predikat_matrix_current()
        assert table is None and matrix["DI_ATAS"]["DI_ATAS"] == "SANGAT_BAIK"
        assert rated(hasil="SESUAI").predikat == "BAIK"


def test_the_pemdas_own_matrix_decides(org):
    with org:
        current = RuleTable.objects.filter(name="predikat_matrix").order_by("-version").first()
        data = {row: dict(cells) for row, cells in current.data.items()}
        data["SESUAI"]["DI_ATAS"] = "SANGAT_BAIK"
        RuleTable.objects.create(name="predikat_matrix", version=current.version + 1, data=data)
        done = rated(hasil="SESUAI", behaviours={v: "DI_ATAS" for v in BerAkhlak.values})
        assert done.predikat == "SANGAT_BAIK"


@pytest.mark.parametrize(
    ("hasil", "behaviours", "message"),
    [
        ("BAGUS", ALL, "hasil kerja must be one of"),
        ("", ALL, "Choose the rating of the hasil kerja"),
        ("SESUAI", dict(ALL, loyal="HEBAT"), "must be one of"),
        ("SESUAI", {v: "SESUAI" for v in BerAkhlak.values[:6]}, "Rate every core value"),
        ("SESUAI", dict(ALL, jujur="SESUAI"), "Unknown core value"),
        ("SESUAI", "SESUAI", "Rate every core value"),
    ],
)
def test_a_rating_outside_the_choices_is_refused_and_changes_nothing(
    org, english, hasil, behaviours, message
):
    with org:
        evaluation = submitted()
        with pytest.raises(PerformanceError, match=message):
            ev.evaluation_rate(
                evaluation=evaluation,
                by=user(KASUB),
                hasil=hasil,
                behaviours=behaviours,
                version=1,
            )
        after = fresh(evaluation)
        assert (after.state, after.predikat, after.version) == ("submitted", "", 1)
        assert not BehaviourRating.objects.filter(evaluation=evaluation).exists()


def test_an_expectation_is_at_most_2000_characters(org, english):
    with org:
        evaluation = submitted()
        with pytest.raises(PerformanceError, match="at most 2000"):
            ev.evaluation_rate(
                evaluation=evaluation,
                by=user(KASUB),
                hasil="SESUAI",
                behaviours=ALL,
                expectations={"loyal": "x" * 2001},
                version=1,
            )


def test_two_raters_at_once_the_second_is_told_and_nothing_changes(org, english):
    """Both loaded the page at version 1; the first rating wins."""
    with org:
        evaluation = submitted()
        ev.evaluation_rate(
            evaluation=evaluation, by=user(KASUB), hasil="DI_ATAS", behaviours=ALL, version=1
        )
        with pytest.raises(PerformanceError, match="changed meanwhile"):
            ev.evaluation_rate(
                evaluation=evaluation,
                by=user(KASUB),
                hasil="DI_BAWAH",
                behaviours={v: "DI_BAWAH" for v in BerAkhlak.values},
                version=1,
            )
        after = fresh(evaluation)
        assert (after.hasil, after.predikat, after.version) == ("DI_ATAS", "BAIK", 2)
        assert set(
            BehaviourRating.objects.filter(evaluation=after).values_list("rating", flat=True)
        ) == {"SESUAI"}


@pytest.mark.parametrize("state", ["draft", "returned", "evaluated", "final"])
def test_rating_from_a_wrong_state_is_refused(org, english, state):
    with org:
        evaluation = draft()
        Evaluation.objects.filter(pk=evaluation.pk).update(state=state)
        with pytest.raises(PerformanceError, match="cannot be evaluated now"):
            ev.evaluation_rate(
                evaluation=fresh(evaluation),
                by=user(KASUB),
                hasil="SESUAI",
                behaviours=ALL,
                version=0,
            )
        assert fresh(evaluation).state == state


def test_nobody_rates_their_own_evaluation(org, english):
    with org:
        evaluation = submitted(KASUB)  # KASUB is an atasan; their own is KABID's to rate
        with pytest.raises(PermissionDenied, match="own evaluation"):
            ev.evaluation_rate(
                evaluation=evaluation, by=user(KASUB), hasil="DI_ATAS", behaviours=ALL, version=1
            )
        own = submitted(ANALIS)
        with pytest.raises(PermissionDenied):
            ev.evaluation_rate(
                evaluation=own, by=user(ANALIS), hasil="DI_ATAS", behaviours=ALL, version=1
            )
        assert fresh(evaluation).state == fresh(own).state == "submitted"


@pytest.mark.parametrize("who", [PPPK, KABID, KABAN, KADINKES, "admin", "pimpinan"])
def test_only_the_current_appraiser_rates(org, who):
    """A peer, the atasan's own atasan, the head of the OPD, another OPD's head, the admin
    and the mayor (a leader: reads, never writes) may not."""
    with org:
        evaluation = submitted()
        with pytest.raises(PermissionDenied):
            ev.evaluation_rate(
                evaluation=evaluation, by=user(who), hasil="SESUAI", behaviours=ALL, version=1
            )
        assert fresh(evaluation).state == "submitted"


def test_the_atasan_of_a_head_of_opd_rates_them(org):
    with org:
        done = rated(KABAN, SEKDA)
        assert done.predikat == "BAIK"


def test_a_unit_heads_hasil_defaults_to_the_opds_capaian(org):
    with org:
        evaluation = submitted(KABAN)
        opd = Unit.objects.get(code="BKPSDMD")
        assert ev.evaluation_hasil_default(evaluation) is None
        UnitPeriod.objects.create(opd=opd, period=evaluation.period, org_predikat="ISTIMEWA")
        assert ev.evaluation_hasil_default(evaluation) == "DI_ATAS"
        done = ev.evaluation_rate(
            evaluation=evaluation, by=user(SEKDA), hasil=None, behaviours=ALL, version=1
        )
        assert (done.hasil, done.predikat) == ("DI_ATAS", "BAIK")


def test_the_appraiser_may_choose_another_hasil_than_the_unit_heads_default(org):
    with org:
        evaluation = submitted(KABAN)
        UnitPeriod.objects.create(
            opd=Unit.objects.get(code="BKPSDMD"), period=evaluation.period, org_predikat="KURANG"
        )
        done = ev.evaluation_rate(
            evaluation=evaluation, by=user(SEKDA), hasil="SESUAI", behaviours=ALL, version=1
        )
        assert done.hasil == "SESUAI"


def test_the_head_of_a_sub_unit_starts_from_the_opds_capaian_too(org):
    with org:
        evaluation = submitted(KASUB)
        assert fresh(evaluation).unit.head.nip == KASUB
        UnitPeriod.objects.create(
            opd=Unit.objects.get(code="BKPSDMD"), period=evaluation.period, org_predikat="KURANG"
        )
        assert ev.evaluation_hasil_default(fresh(evaluation)) == "DI_BAWAH"


def test_calibration_names_the_heads_rated_off_the_capaian_after_it_changed(org):
    from core.performance.calibration import opd_calibration, org_predikat_set

    with org:
        evaluation = submitted(KASUB)
        opd = Unit.objects.get(code="BKPSDMD")
        sekda = user(SEKDA)
        org_predikat_set(opd=opd, period=evaluation.period, by=sekda, org_predikat="BAIK")
        ev.evaluation_rate(
            evaluation=evaluation, by=user(KABID), hasil=None, behaviours=ALL, version=1
        )
        staff = rated(ANALIS, hasil="DI_BAWAH")  # staff never count: they head nothing
        assert opd_calibration(opd=opd, period=evaluation.period).heads_off_capaian == []
        org_predikat_set(opd=opd, period=evaluation.period, by=sekda, org_predikat="ISTIMEWA")
        named = opd_calibration(opd=opd, period=evaluation.period).heads_off_capaian
        assert [(p.evaluation_id, p.nip) for p in named] == [(evaluation.pk, KASUB)]
        assert staff.pk not in [p.evaluation_id for p in named]


def test_staff_have_no_default_hasil(org):
    with org:
        evaluation = submitted(ANALIS)
        UnitPeriod.objects.create(
            opd=Unit.objects.get(code="BKPSDMD"), period=evaluation.period, org_predikat="BAIK"
        )
        assert ev.evaluation_hasil_default(evaluation) is None


# --- Realisation --------------------------------------------------------------------------


def _iki(evaluation, approach="kuantitatif"):
    return Iki.objects.filter(rhk__skp=evaluation.skp_id, approach=approach).first()


def test_the_owner_sets_a_number_or_words_and_changes_them(org):
    with org:
        evaluation = draft()
        owner = user(ANALIS)
        r = ev.realisation_set(evaluation=evaluation, by=owner, iki=_iki(evaluation), value="7,5")
        assert r.value == Decimal("7.50")
        r = ev.realisation_set(evaluation=evaluation, by=owner, iki=_iki(evaluation), value=9)
        assert r.value == Decimal("9.00")
        q = ev.realisation_set(
            evaluation=evaluation, by=owner, iki=_iki(evaluation, "kualitatif"), text=" Selesai "
        )
        assert q.text == "Selesai"
        assert evaluation.realisations.count() == 2


@pytest.mark.parametrize(
    ("approach", "value", "message"),
    [
        ("kuantitatif", "-1", "between 0 and"),
        ("kuantitatif", "1e20", "between 0 and"),
        ("kuantitatif", "banyak", "must be a number"),
        ("kuantitatif", "NaN", "must be a number"),
        ("kualitatif", "3", "in words, not a number"),
    ],
)
def test_a_bad_realisation_is_refused(org, english, approach, value, message):
    with org:
        evaluation = draft()
        with pytest.raises(PerformanceError, match=message):
            ev.realisation_set(
                evaluation=evaluation, by=user(ANALIS), iki=_iki(evaluation, approach), value=value
            )
        assert not evaluation.realisations.exists()


def test_realisation_changes_only_while_draft_or_returned(org, english):
    with org:
        evaluation = submitted()
        with pytest.raises(PerformanceError, match="only while it is a draft"):
            ev.realisation_set(
                evaluation=evaluation, by=user(ANALIS), iki=_iki(evaluation), value=1
            )
        assert evaluation.realisations.get(iki=_iki(evaluation)).value == Decimal("10.00")


@pytest.mark.parametrize("who", [KASUB, PPPK, "admin", "pimpinan"])
def test_only_the_owner_sets_the_realisation(org, who):
    with org:
        evaluation = draft()
        with pytest.raises(PermissionDenied):
            ev.realisation_set(evaluation=evaluation, by=user(who), iki=_iki(evaluation), value=1)


def test_an_indicator_of_another_skp_is_refused(org, english):
    with org:
        evaluation = draft()
        other = skp_with_iki(PPPK)
        iki = Iki.objects.filter(rhk__skp=other).first()
        with pytest.raises(PerformanceError, match="not on the SKP"):
            ev.realisation_set(evaluation=evaluation, by=user(ANALIS), iki=iki, value=1)


# --- Evidence -----------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.pdf", PDF),
        ("foto.JPG", JPG),
        ("foto.jpeg", JPG),
        ("grafik.png", PNG),
        ("rekap.xlsx", office("xl/workbook.xml")),
        ("nota.docx", office("word/document.xml")),
    ],
)
def test_evidence_files_of_the_allowed_types_are_kept(org, name, content):
    with org:
        evaluation = draft()
        upload = SimpleUploadedFile(name, content)
        evidence = ev.evidence_add(evaluation=evaluation, by=user(ANALIS), file=upload, note="x")
        assert evidence.file_name == name
        assert evidence.file.name.startswith("performance/evidence/")
        assert f"/{org.schema_name}/" in evidence.file.name
        assert name not in evidence.file.name
        evidence.file.open("rb")
        assert evidence.file.read() == content
        evidence.file.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.jpg", b"MZ\x90\x00 not an image at all", "not a real JPG"),
        ("foto.jpg", PNG, "not a real JPG"),
        ("laporan.pdf", b"<html>phish</html>", "not a real PDF"),
        ("rekap.xlsx", office("word/document.xml"), "not a real XLSX"),
        ("rekap.xlsx", b"PK\x03\x04 broken archive", "not a real XLSX"),
        ("skrip.exe", PDF, "none of them"),
        ("tanpa-ekstensi", PDF, "none of them"),
        ("kosong.pdf", b"", "empty"),
    ],
)
def test_evidence_that_is_not_what_it_says_is_refused(org, english, name, content, message):
    with org:
        evaluation = draft()
        with pytest.raises(PerformanceError, match=message):
            ev.evidence_add(
                evaluation=evaluation, by=user(ANALIS), file=SimpleUploadedFile(name, content)
            )
        assert not Evidence.objects.exists()


def test_a_50_mb_file_is_refused(org, english):
    with org:
        evaluation = draft()
        big = SimpleUploadedFile("besar.pdf", PDF + b"0" * (50 * 1024 * 1024))
        with pytest.raises(PerformanceError, match="larger than 10 MB"):
            ev.evidence_add(evaluation=evaluation, by=user(ANALIS), file=big)
        edge = SimpleUploadedFile("pas.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF)))
        assert ev.evidence_add(evaluation=evaluation, by=user(ANALIS), file=edge).pk
        assert Evidence.objects.count() == 1


def test_a_link_is_evidence_too_but_only_http(org, english):
    with org:
        evaluation = draft()
        rhk = Rhk.objects.filter(skp=evaluation.skp_id).first()
        evidence = ev.evidence_add(
            evaluation=evaluation, by=user(ANALIS), link="https://drive.example.id/x", rhk=rhk.pk
        )
        assert (evidence.link, evidence.rhk) == ("https://drive.example.id/x", rhk)
        for bad in ("javascript:alert(1)", "ftp://example.id/x", "bukan tautan"):
            with pytest.raises(PerformanceError, match="http"):
                ev.evidence_add(evaluation=evaluation, by=user(ANALIS), link=bad)
        assert Evidence.objects.count() == 1


def test_evidence_is_a_file_or_a_link_not_both_nor_none(org, english):
    with org:
        evaluation = draft()
        with pytest.raises(PerformanceError, match="either a file or a link"):
            ev.evidence_add(evaluation=evaluation, by=user(ANALIS))
        with pytest.raises(PerformanceError, match="either a file or a link"):
            ev.evidence_add(
                evaluation=evaluation,
                by=user(ANALIS),
                file=SimpleUploadedFile("a.pdf", PDF),
                link="https://example.id",
            )


def test_evidence_for_an_rhk_of_another_skp_is_refused(org, english):
    with org:
        evaluation = draft()
        other = Rhk.objects.filter(skp=skp_with_iki(PPPK)).first()
        with pytest.raises(PerformanceError, match="RHK of this SKP"):
            ev.evidence_add(
                evaluation=evaluation, by=user(ANALIS), link="https://example.id", rhk=other
            )


def test_evidence_is_added_at_any_time_until_final_and_removed_only_before_submitting(org, english):
    with org:
        evaluation = submitted()
        added = ev.evidence_add(
            evaluation=evaluation, by=user(ANALIS), link="https://example.id/sesudah"
        )
        with pytest.raises(PermissionDenied):
            ev.evidence_add(evaluation=evaluation, by=user(KASUB), link="https://example.id")
        with pytest.raises(PerformanceError, match="only while it is a draft"):
            ev.evidence_delete(evidence=added, by=user(ANALIS))  # the appraiser may have seen it
        rated_one = ev.evaluation_rate(
            evaluation=evaluation, by=user(KASUB), hasil="SESUAI", behaviours=ALL, version=1
        )
        ev.evidence_add(evaluation=rated_one, by=user(ANALIS), link="https://example.id/diminta")
        Evaluation.objects.filter(pk=evaluation.pk).update(state="final")
        with pytest.raises(PerformanceError, match="final"):
            ev.evidence_add(evaluation=fresh(evaluation), by=user(ANALIS), link="https://x.id")
        assert Evidence.objects.filter(evaluation=evaluation).count() == 2


def test_the_owner_removes_evidence_while_they_may_change_it(org, english):
    with org:
        evaluation = draft()
        evidence = ev.evidence_add(
            evaluation=evaluation, by=user(ANALIS), file=SimpleUploadedFile("a.pdf", PDF)
        )
        with pytest.raises(PermissionDenied):
            ev.evidence_delete(evidence=evidence, by=user(KASUB))
        ev.evidence_delete(evidence=evidence, by=user(ANALIS))
        assert not Evidence.objects.exists()


# --- Feedback -----------------------------------------------------------------------------


def test_the_appraiser_gives_feedback_and_the_owner_replies(org):
    with org:
        skp = skp_with_iki(ANALIS)
        rhk = Rhk.objects.filter(skp=skp).first()
        first = ev.feedback_add(skp=skp, by=user(KASUB), text="Percepat laporan", rhk=rhk)
        reply = ev.feedback_add(skp=skp, by=user(ANALIS), text="Siap")
        assert (first.author_name, first.rhk) == (Employee.objects.get(nip=KASUB).name, rhk)
        assert reply.author == user(ANALIS)


@pytest.mark.parametrize("who", [PPPK, KABID, KABAN, "admin", "pimpinan"])
def test_nobody_else_writes_feedback(org, who):
    with org:
        skp = skp_with_iki(ANALIS)
        with pytest.raises(PermissionDenied):
            ev.feedback_add(skp=skp, by=user(who), text="Halo")


def test_feedback_needs_words_and_an_rhk_of_the_skp(org, english):
    with org:
        skp = skp_with_iki(ANALIS)
        with pytest.raises(PerformanceError, match="Write the feedback"):
            ev.feedback_add(skp=skp, by=user(KASUB), text=" ")
        with pytest.raises(PerformanceError, match="at most 2000"):
            ev.feedback_add(skp=skp, by=user(KASUB), text="x" * 2001)
        other = Rhk.objects.filter(skp=skp_with_iki(PPPK)).first()
        with pytest.raises(PerformanceError, match="RHK of this SKP"):
            ev.feedback_add(skp=skp, by=user(KASUB), text="x", rhk=other)


# --- What waits for whom ------------------------------------------------------------------

FEBRUARY = datetime.date(YEAR, 2, 10)  # the Surabaya template evaluates monthly


def test_the_owner_waits_on_current_drafts_and_anything_returned(org):
    with org:
        skp = skp_with_iki(ANALIS)
        january = evaluation_get_or_create(skp=skp, period=f"{YEAR}-01")
        june = evaluation_get_or_create(skp=skp, period=f"{YEAR}-06")
        march = evaluation_get_or_create(skp=skp, period=f"{YEAR}-03")
        Evaluation.objects.filter(pk=march.pk).update(state="returned")
        waiting = set(ev.evaluations_waiting_for(user(ANALIS), today=FEBRUARY))
        assert waiting == {january, march}
        assert june not in waiting


def test_the_appraiser_waits_on_submitted_evaluations_of_their_appraisees(org):
    with org:
        mine = submitted(ANALIS)
        draft(PPPK)
        assert list(ev.evaluations_waiting_for(user(KASUB), today=FEBRUARY)) == [mine]
        assert list(ev.evaluations_waiting_for(user(KABID), today=FEBRUARY)) == []
        assert list(ev.evaluations_waiting_for(user(ANALIS), today=FEBRUARY)) == []
        assert list(ev.evaluations_waiting_for(user("pimpinan"))) == []
        assert list(ev.evaluations_waiting_for(user("admin"))) == []


def test_what_waits_is_one_query(org, django_assert_max_num_queries):
    with org:
        for nip in (ANALIS, PPPK):
            submitted(nip)
        kasub = user(KASUB)
        kasub.employee  # noqa: B018 (read with the account on a page)
        with django_assert_max_num_queries(1):
            rows = list(ev.evaluations_waiting_for(kasub, today=FEBRUARY))
            names = [row.skp.employee.name for row in rows]
        assert len(names) == 2


# --- Locks: an RHK edit and a rating never pass each other --------------------------------


def _locks_before_the_change(queries) -> list[str]:
    """The tables locked (SELECT … FOR UPDATE) before the evaluation's compare-and-set."""
    locked = []
    for sql in (q["sql"] for q in queries):
        if sql.startswith("UPDATE") and '"performance_evaluation"' in sql:
            return locked
        if "FOR UPDATE" in sql:
            locked.append(sql.split(" FROM ", 1)[1].split()[0].strip('"'))
    raise AssertionError("no compare-and-set of the evaluation")


def test_rating_locks_the_skp_then_the_opds_period_before_it_changes_anything(org):
    """The RHK and IKI services lock the SKP before they check skp_content_locked: with the
    rating locking it too, one of them waits for the other (and an edit after a rating is
    refused), whatever the order."""
    with org:
        evaluation = submitted()
        UnitPeriod.objects.create(opd=evaluation.opd, period=evaluation.period)  # open
        with CaptureQueriesContext(connection) as queries:
            ev.evaluation_rate(
                evaluation=evaluation, by=user(KASUB), hasil="SESUAI", behaviours=ALL, version=1
            )
        locked = _locks_before_the_change(queries.captured_queries)
        assert locked[:2] == ["performance_skp", "performance_unitperiod"]


# --- Perubahan SKP: a rated period keeps its copy; the rated year closes the SKP ------------


def test_a_rated_month_keeps_what_it_rated_while_the_skp_is_revised_for_later_months(org):
    with org:
        evaluation = rated()  # January
        skp = evaluation.skp
        assert not skp_content_locked(skp)
        kept = fresh(evaluation).content
        assert [row["text"] for row in kept] == list(
            Rhk.objects.filter(skp=skp).values_list("text", flat=True)
        )
        first_iki = kept[0]["iki"][0]
        assert first_iki["realisation"] is not None
        # The owner revises the SKP for February on: a new RHK, a target changed, one dropped.
        owner = user(ANALIS)
        rhk_create(skp=skp, by=owner, kind="tambahan", text="Tugas baru sejak Februari")
        iki = Iki.objects.get(pk=first_iki["id"])
        Iki.objects.filter(pk=iki.pk).update(target_value=Decimal("99"))
        # What January shows and prints is what January rated.
        rhks, realisations = evaluation_content(fresh(evaluation))
        assert [rhk.text for rhk in rhks] == [row["text"] for row in kept]
        shown = rhks[0].iki.all()[0]
        assert shown.pk == iki.pk and shown.target_value != Decimal("99")
        assert realisations[iki.pk].value == Decimal(first_iki["realisation"]["value"])
        iki_id = iki.pk
        iki.delete()  # gone from the SKP, still in January's copy
        rhks, realisations = evaluation_content(fresh(evaluation))
        assert rhks[0].iki.all()[0].text == first_iki["text"] and iki_id in realisations
        # February (not rated yet) shows the SKP as it is now.
        february = evaluation_get_or_create(skp=skp, period=period(1))
        rhks, _realisations = evaluation_content(february)
        assert "Tugas baru sejak Februari" in [rhk.text for rhk in rhks]


def test_returning_a_rated_period_drops_its_copy(org):
    with org:
        done = rated()
        returned = ev.evaluation_return(evaluation=done, by=user(KASUB), note="Ulangi", version=2)
        assert returned.content == []


def test_the_rated_year_closes_the_skp_for_good(org, english):
    with org:
        year = periods_of_year(YEAR)[-1].code
        assert year == str(YEAR)
        evaluation = submitted(code=year)
        ev.evaluation_rate(
            evaluation=evaluation, by=user(KASUB), hasil="SESUAI", behaviours=ALL, version=1
        )
        assert skp_content_locked(evaluation.skp)
        with pytest.raises(PerformanceError, match="year"):
            rhk_create(skp=evaluation.skp, by=user(KASUB), kind="utama", text="Sesudahnya")


def test_a_submitted_period_holds_the_skp_until_it_is_rated_or_returned(org, english):
    with org:
        evaluation = submitted()
        with pytest.raises(PerformanceError, match="waits for the appraiser"):
            rhk_create(skp=evaluation.skp, by=user(ANALIS), kind="utama", text="Diam-diam")
        ev.evaluation_rate(
            evaluation=evaluation, by=user(KASUB), hasil="SESUAI", behaviours=ALL, version=1
        )
        rhk_create(skp=evaluation.skp, by=user(ANALIS), kind="utama", text="Bulan depan")
        assert Rhk.objects.filter(skp=evaluation.skp, text="Bulan depan").exists()


def test_returning_locks_the_skp_too(org):
    with org:
        done = rated()
        with CaptureQueriesContext(connection) as queries:
            ev.evaluation_return(evaluation=done, by=user(KASUB), note="Ulangi", version=2)
        assert _locks_before_the_change(queries.captured_queries)[0] == "performance_skp"
        assert not skp_content_locked(done.skp)  # the rating is withdrawn: editable again


# --- A final OPD period -------------------------------------------------------------------


def _finalise(evaluation, *, opd=None, period=None) -> UnitPeriod:
    return UnitPeriod.objects.create(
        opd=opd or evaluation.opd or evaluation.skp.employee.unit.opd,
        period=period or evaluation.period,
        org_predikat="BAIK",
        state="final",
    )


def test_no_submit_into_a_final_opd_period(org, english):
    """Finalising refuses while drafts wait, but a draft made afterwards must not slip in."""
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        _finalise(evaluation)
        with pytest.raises(PerformanceError, match="OPD's period has been finalised"):
            ev.evaluation_submit(evaluation=evaluation, by=user(ANALIS), version=0)
        after = fresh(evaluation)
        assert (after.state, after.version) == ("draft", 0)
        assert not AuditEvent.objects.filter(action="performance.evaluation.submit").exists()


def test_no_rating_in_a_final_opd_period(org, english):
    with org:
        evaluation = submitted()
        _finalise(evaluation)
        with pytest.raises(PerformanceError, match="OPD's period has been finalised"):
            ev.evaluation_rate(
                evaluation=evaluation, by=user(KASUB), hasil="SESUAI", behaviours=ALL, version=1
            )
        after = fresh(evaluation)
        assert (after.state, after.predikat, after.version) == ("submitted", "", 1)
        assert not BehaviourRating.objects.filter(evaluation=evaluation).exists()


def test_no_return_in_a_final_opd_period(org, english):
    with org:
        evaluation = submitted()
        _finalise(evaluation)
        with pytest.raises(PerformanceError, match="OPD's period has been finalised"):
            ev.evaluation_return(evaluation=evaluation, by=user(KASUB), note="Ulangi", version=1)
        assert (fresh(evaluation).state, fresh(evaluation).version) == ("submitted", 1)


def test_the_opd_the_owner_is_in_now_counts_too(org, english):
    """A submit records the OPD of now (evaluation_snapshot): its period being final refuses,
    even when the draft was made in another OPD."""
    with org:
        evaluation = draft()
        fill(evaluation, user(ANALIS))
        Evaluation.objects.filter(pk=evaluation.pk).update(opd=Unit.objects.get(code="DINKES"))
        _finalise(evaluation, opd=Unit.objects.get(code="BKPSDMD"))
        with pytest.raises(PerformanceError, match="OPD's period has been finalised"):
            ev.evaluation_submit(evaluation=fresh(evaluation), by=user(ANALIS), version=0)


def test_an_open_period_or_another_final_one_does_not_block(org):
    with org:
        evaluation = submitted()
        UnitPeriod.objects.create(opd=evaluation.opd, period=evaluation.period)  # open
        _finalise(evaluation, period=period(1))  # the next month
        _finalise(evaluation, opd=Unit.objects.get(code="DINKES"))  # another OPD
        done = ev.evaluation_rate(
            evaluation=evaluation, by=user(KASUB), hasil="SESUAI", behaviours=ALL, version=1
        )
        assert done.state == "evaluated"


# --- Leaders: the Sekda appraises the heads of OPD; the mayor only reads -------------------


def test_the_mayor_may_not_write_an_skp(org, people, english):
    """The Wali Kota (role leader, no employee record) sees every SKP, writes none."""
    with org:
        skp = skp_with_iki(KABAN)
        mayor = user("pimpinan")
        assert not may_edit_skp(mayor, skp)
        with pytest.raises(PermissionDenied):
            rhk_create(skp=skp, by=mayor, kind="utama", text="Dari wali kota")
        rhks = Rhk.objects.filter(skp=skp).count()
    url = f"/kinerja/skp/{skp.pk}/rhk/baru/"
    assert people["mayor"].get(url).status_code == 403
    response = people["mayor"].post(url, {"kind": "utama", "text": "Dari wali kota"})
    assert response.status_code == 403
    assert people["mayor"].get(f"/kinerja/skp/{skp.pk}/").status_code == 200  # reads it
    with org:
        assert Rhk.objects.filter(skp=skp).count() == rhks


def test_the_sekda_edits_and_rates_the_head_of_an_opd_as_their_appraiser(org, people):
    """The Sekda (role leader, with an employee record) is the atasan of the heads of OPD;
    on anyone else's SKP they only read."""
    with org:
        sekda = user(SEKDA)
        head_skp = skp_with_iki(KABAN)
        assert may_edit_skp(sekda, head_skp)
        staff_skp = skp_with_iki(ANALIS)
        assert not may_edit_skp(sekda, staff_skp)
        evaluation = submitted(KABAN)
        done = ev.evaluation_rate(
            evaluation=evaluation, by=sekda, hasil="DI_ATAS", behaviours=ALL, version=1
        )
        assert (done.state, done.appraiser_nip, done.predikat) == ("evaluated", SEKDA, "BAIK")
    assert people["sekda"].get(f"/kinerja/skp/{staff_skp.pk}/rhk/baru/").status_code == 403


# --- The module's audited actions ---------------------------------------------------------


def test_the_catalogue_actions_are_declared_with_the_others(english):
    """core/performance/audit.py declares every action of the module, the RHK catalogue's
    too, so the history page names them."""
    assert audit.RHK_TEMPLATE_CREATE == "performance.rhk_template.create"
    assert audit.RHK_TEMPLATE_DELETE == "performance.rhk_template.delete"
    assert action_label(audit.RHK_TEMPLATE_CREATE) == "RHK catalogue entry added"
    assert action_label(audit.RHK_TEMPLATE_DELETE) == "RHK catalogue entry removed"
    assert "RHK_TEMPLATE_CREATE" in vars(audit)


def test_a_rated_period_without_a_copy_gets_the_same_copy_before_the_skp_changes(org):
    """Rated before copies were kept (or seeded by the demo): the database's copy is the
    rating's own, and it is taken before an edit can change what was rated."""
    from core.performance.content import content_taken
    from core.performance.services import iki_delete

    with org:
        evaluation = rated()
        expected = content_taken(evaluation)
        Evaluation.objects.filter(pk=evaluation.pk).update(content=[])
        iki = Iki.objects.filter(rhk__skp=evaluation.skp).first()
        iki_delete(iki=iki, by=user(ANALIS))  # the SKP's first change since
        assert fresh(evaluation).content == expected
        rhks, realisations = evaluation_content(fresh(evaluation))
        assert len(realisations) == 2 and len(rhks[0].iki.all()) == 2


def test_an_skp_of_a_year_gone_by_is_closed(org, english):
    with org:
        skp = skp_with_iki(ANALIS, year=2024)
        assert skp_content_locked(skp)
        with pytest.raises(PerformanceError, match="closed"):
            rhk_create(skp=skp, by=user(ANALIS), kind="utama", text="Terlambat")


@pytest.mark.parametrize("rhk_count", [1, 12])
def test_realisations_are_saved_together_in_the_same_statements_whatever_their_number(
    org, rhk_count
):
    with org:
        evaluation = draft(rhk_count=rhk_count)
        items = [
            (iki, "5" if iki.approach == "kuantitatif" else "", "Selesai")
            for iki in Iki.objects.filter(rhk__skp=evaluation.skp)
        ]
        with CaptureQueriesContext(connection) as queries:
            refused = ev.realisations_set(
                evaluation=evaluation, by=user(ANALIS), items=items, clear_others=True
            )
        assert refused == {}
        assert evaluation.realisations.count() == 2 * rhk_count
        assert len(queries) <= 8  # savepoint, access, lock, the IKI, the upsert, the clear


def test_one_refused_realisation_saves_none_and_names_its_index(org, english):
    with org:
        evaluation = draft()
        quantitative, qualitative = Iki.objects.filter(rhk__skp=evaluation.skp).order_by("pk")
        refused = ev.realisations_set(
            evaluation=evaluation,
            by=user(ANALIS),
            items=[(quantitative, "5", ""), (qualitative, "3", "")],
        )
        assert list(refused) == [1] and "in words" in refused[1]
        assert not evaluation.realisations.exists()
