"""The SKP planning services: RHK and IKI by their owner or appraiser, the cascade, the
JPT's perspektif, targets, the lock once rated, and the SKP made in bulk."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.audit.models import AuditEvent
from core.performance import services
from core.performance.audit import RHK_CREATE, RHK_DELETE, RHK_UPDATE
from core.performance.models import Iki, Rhk, Skp
from core.performance.rules import EvaluationState, PerformanceError, PerformanceRuleError
from tests.performance.test_skp_support import (
    YEAR,
    cascade,
    employee,
    iki,
    rated,
    skp_of,
    user_of,
)
from tests.personas import ANALIS, KABAN, KABID, KASUB, PPPK, SEKDA, STAF_DINKES

pytestmark = pytest.mark.django_db


def fields_of(error: PerformanceRuleError) -> set[str]:
    return set(error.by_field())


# --- Writing an RHK and its IKI -------------------------------------------------------------


def test_the_owner_adds_an_rhk_with_its_iki_and_the_trail_records_it(org):
    with org:
        skp = skp_of(ANALIS)
        rhk = services.rhk_create(
            skp=skp,
            by=user_of("employee"),
            kind="utama",
            text="  Tersusunnya analisis jabatan  ",
            iki=[
                iki(),
                iki(text="Ketepatan waktu", aspect="waktu", target_value="100", target_unit="%"),
            ],
        )

        assert rhk.text == "Tersusunnya analisis jabatan"
        assert [(i.target_display, i.order) for i in rhk.iki.all()] == [
            ("12 Dokumen", 0),
            ("100 %", 1),
        ]
        event = AuditEvent.objects.get(action=RHK_CREATE)
        assert event.object_id == str(rhk.pk) and event.after["iki"] == 2


def test_an_rhk_supports_an_rhk_of_the_appraisers_skp_of_the_same_year(org):
    with org:
        made = cascade()

        assert made["employee"].parent == made["kasub"]
        assert made["kasub"].parent == made["kabid"]
        assert made["kabid"].parent == made["head"]


def test_a_parent_outside_the_cascade_is_refused_and_nothing_is_written(org):
    with org:
        made = cascade()
        last_year = services.rhk_create(
            skp=skp_of(KASUB, YEAR - 1), by=user_of("kasub"), kind="utama", text="Tahun lalu"
        )
        before = Rhk.objects.count()
        for wrong in (made["kabid"], made["head"], last_year, made["employee"].pk + 999):
            with pytest.raises(PerformanceRuleError) as refused:
                services.rhk_create(
                    skp=skp_of(ANALIS), by=user_of("employee"), kind="utama", text="X", parent=wrong
                )
            assert fields_of(refused.value) == {"parent"}

        assert Rhk.objects.count() == before


def test_an_existing_link_from_a_head_of_opd_is_kept_when_the_rhk_is_edited(org):
    with org:
        made = cascade()
        [pushed] = services.rhk_assign_bulk(
            by=user_of("head"), year=YEAR, employees=[employee(ANALIS)], source=made["head"]
        )

        services.rhk_update(
            rhk=pushed, by=user_of("employee"), kind="utama", text="Diubah", parent=made["head"]
        )

        pushed.refresh_from_db()
        assert (pushed.text, pushed.parent) == ("Diubah", made["head"])


def test_a_jpt_rhk_needs_a_perspektif(org):
    with org:
        skp = skp_of(KABAN)
        assert skp.is_jpt

        with pytest.raises(PerformanceRuleError) as refused:
            services.rhk_create(skp=skp, by=user_of("head"), kind="utama", text="Tujuan OPD")

        assert fields_of(refused.value) == {"perspektif"}
        assert not Rhk.objects.filter(skp=skp).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"target_unit": ""}, "iki_target_unit"),
        ({"target_value": "dua belas"}, "iki_target_value"),
        ({"target_value": None}, "iki_target_value"),
        ({"target_value": "-1"}, "iki_target_value"),
        ({"aspect": "kecepatan"}, "iki_aspect"),
        ({"approach": "kualitatif", "target_text": ""}, "iki_target_text"),
        ({"text": "  "}, "iki_text"),
    ],
)
def test_a_bad_iki_is_refused_with_its_field_and_nothing_is_written(org, changes, field):
    with org:
        skp = skp_of(ANALIS)

        with pytest.raises(PerformanceRuleError) as refused:
            services.rhk_create(
                skp=skp, by=user_of("employee"), kind="utama", text="RHK", iki=[iki(**changes)]
            )

        assert field in fields_of(refused.value)
        assert not Rhk.objects.filter(skp=skp).exists()


def test_a_bad_kind_or_empty_text_is_refused(org):
    with org:
        with pytest.raises(PerformanceRuleError) as refused:
            services.rhk_create(skp=skp_of(ANALIS), by=user_of("employee"), kind="x", text="")

        assert fields_of(refused.value) == {"kind", "text"}


def test_an_iki_is_added_changed_and_removed_by_the_owner(org):
    with org:
        rhk = cascade()["employee"]
        owner = user_of("employee")

        added = services.iki_create(
            rhk=rhk,
            by=owner,
            text="Kualitas kurikulum",
            aspect="kualitas",
            approach="kualitatif",
            target_text="Disetujui Kepala Bidang",
            target_value="5",  # ignored: a qualitative target is described
            target_unit="Dokumen",
        )
        assert (added.target_value, added.target_unit, added.target_display) == (
            None,
            "",
            "Disetujui Kepala Bidang",
        )
        changed = services.iki_update(
            iki=added,
            by=owner,
            text="Kurikulum",
            aspect="kuantitas",
            approach="kuantitatif",
            target_value="12.345",
            target_unit="Modul",
        )
        assert (changed.target_value, changed.target_text) == (Decimal("12.35"), "")
        with pytest.raises(PerformanceRuleError):
            services.iki_update(
                iki=added,
                by=owner,
                text="Kurikulum",
                aspect="kuantitas",
                approach="kuantitatif",
                target_value="12",
                target_unit="",
            )
        services.iki_delete(iki=added, by=owner)

        assert list(rhk.iki.values_list("text", flat=True)) == ["Jumlah dokumen analisis jabatan"]


# --- Who writes ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "mayor", "sekda", "head", "kabid", "head_dinkes"])
def test_only_the_owner_and_their_appraiser_write_an_skp(org, persona):
    with org:
        skp = skp_of(ANALIS)

        with pytest.raises(PermissionDenied):
            services.rhk_create(skp=skp, by=user_of(persona), kind="utama", text="Bukan saya")

        assert not Rhk.objects.filter(skp=skp).exists()


def test_a_peer_cannot_write_another_employees_skp(org):
    with org:
        from core.accounts.models import User

        peer = User.objects.get(nip=PPPK)
        with pytest.raises(PermissionDenied):
            services.rhk_create(skp=skp_of(ANALIS), by=peer, kind="utama", text="Bukan saya")
        with pytest.raises(PermissionDenied):
            services.rhk_create(
                skp=skp_of(STAF_DINKES), by=user_of("employee"), kind="utama", text="X"
            )


def test_the_appraiser_edits_and_removes_an_appraisees_rhk(org):
    with org:
        rhk = cascade()["employee"]
        kasub = user_of("kasub")

        services.rhk_update(rhk=rhk, by=kasub, kind="tambahan", text="Diperbaiki atasan")
        rhk.refresh_from_db()
        assert (rhk.kind, rhk.text, rhk.parent) == ("tambahan", "Diperbaiki atasan", None)
        event = AuditEvent.objects.get(action=RHK_UPDATE)
        assert event.before["kind"] == "utama" and event.after["kind"] == "tambahan"

        services.rhk_delete(rhk=rhk, by=kasub)
        assert not Rhk.objects.filter(pk=rhk.pk).exists()
        assert not Iki.objects.filter(rhk_id=rhk.pk).exists()
        assert AuditEvent.objects.filter(action=RHK_DELETE).count() == 1


def test_an_rhk_that_others_support_is_not_removed(org):
    with org:
        made = cascade()

        with pytest.raises(PerformanceError):
            services.rhk_delete(rhk=made["kasub"], by=user_of("kasub"))

        assert Rhk.objects.filter(pk=made["kasub"].pk).exists()


# --- Locked once rated ---------------------------------------------------------------------


@pytest.mark.parametrize("state", [EvaluationState.EVALUATED, EvaluationState.FINAL])
def test_nothing_changes_once_an_evaluation_is_rated(org, state):
    with org:
        rhk = cascade()["employee"]
        skp = rhk.skp
        the_iki = rhk.iki.get()
        assert not services.skp_content_locked(skp)
        rated(skp, state=state)
        assert services.skp_content_locked(skp)
        owner = user_of("employee")

        for attempt in (
            lambda: services.rhk_create(skp=skp, by=owner, kind="utama", text="Baru"),
            lambda: services.rhk_update(rhk=rhk, by=owner, kind="utama", text="Ubah"),
            lambda: services.rhk_delete(rhk=rhk, by=owner),
            lambda: services.iki_create(rhk=rhk, by=owner, **iki(text="Baru")),
            lambda: services.iki_update(iki=the_iki, by=owner, **iki(text="Ubah")),
            lambda: services.iki_delete(iki=the_iki, by=owner),
        ):
            with pytest.raises(PerformanceError):
                attempt()

        rhk.refresh_from_db()
        assert rhk.text == "Tersusunnya kurikulum diklat teknis"
        assert list(rhk.iki.values_list("text", flat=True)) == [the_iki.text]


def test_a_submitted_evaluation_holds_the_skp_until_it_is_returned(org):
    """Found in review: the owner lowered a target after submitting, and the appraiser rated
    the lowered target. A submitted SKP is not locked for good (skp_content_locked), but
    nobody changes it while the appraiser has it."""
    with org:
        skp = skp_of(ANALIS)
        evaluation = rated(skp, state=EvaluationState.SUBMITTED)
        assert not services.skp_content_locked(skp)

        with pytest.raises(PerformanceError):
            services.rhk_create(
                skp=skp, by=user_of("employee"), kind="utama", text="RHK baru", iki=[iki()]
            )
        assert not Rhk.objects.filter(skp=skp, text="RHK baru").exists()

        evaluation.state = EvaluationState.RETURNED
        evaluation.save(update_fields=["state"])
        services.rhk_create(
            skp=skp, by=user_of("employee"), kind="utama", text="RHK baru", iki=[iki()]
        )
        assert Rhk.objects.filter(skp=skp, text="RHK baru").exists()


# --- SKP in bulk ---------------------------------------------------------------------------


def test_skp_are_made_in_bulk_with_the_same_snapshots_and_existing_ones_kept(org):
    with org:
        existing = skp_of(ANALIS)
        people = [employee(ANALIS), employee(PPPK), employee(KABAN), employee(SEKDA)]

        skps, made = services.skp_get_or_create_bulk(employees=people, year=YEAR)

        assert made == 3 and skps[existing.employee_id] == existing
        kaban = skps[employee(KABAN).pk]
        one = services.skp_get_or_create(employee=employee(KABAN), year=YEAR)
        assert one == kaban
        assert (kaban.is_jpt, kaban.appraiser.nip, kaban.appraiser_nip) == (True, SEKDA, SEKDA)
        assert skps[employee(PPPK).pk].appraiser_nip == KASUB
        assert skps[employee(PPPK).pk].unit_name == "Subbidang Diklat"
        assert Skp.objects.filter(year=YEAR).count() == 4
        assert services.skp_get_or_create_bulk(employees=people, year=YEAR)[1] == 0


def test_kabid_is_kabans_appraisee(org):
    """The personas' chain the cascade tests rely on."""
    with org:
        assert employee(KABID).atasan.nip == KABAN
        assert employee(KABAN).atasan.nip == SEKDA
