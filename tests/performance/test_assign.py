"""Bulk assignment: one RHK pushed down to many people at once, from one's own RHK (the
cascade) or from the catalogue; idempotent; only to one's people (a head of OPD: the OPD);
500 people within 2 s; and its page."""

import time

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit.models import AuditEvent
from core.org.models import Employee, Position, Unit
from core.performance import services
from core.performance.audit import RHK_ASSIGN
from core.performance.models import Iki, Rhk, RhkTemplate, Skp
from core.performance.rules import PerformanceError, PerformanceRuleError
from tests.factories import nip_for
from tests.performance.test_skp_support import YEAR, cascade, employee, iki, rated, skp_of
from tests.performance.test_skp_support import user_of as user
from tests.personas import ANALIS, KABAN, KABID, KADINKES, KASUB, PPPK, STAF_DINKES

pytestmark = pytest.mark.django_db

ASSIGN = "/kinerja/tim/tugaskan/"


def kasub_rhk(**changes):
    return services.rhk_create(
        skp=skp_of(KASUB),
        by=user("kasub"),
        kind="utama",
        text="Terlaksananya diklat teknis",
        iki=[iki(text="Jumlah diklat", target_value="4", target_unit="Kegiatan")],
        **changes,
    )


def catalogue_entry(position_code="ANALIS", **changes) -> RhkTemplate:
    return services.rhk_template_create(
        by=user("admin"),
        position=Position.objects.get(code=position_code),
        kind="utama",
        text="Tersusunnya analisis jabatan",
        iki=[iki()],
        **changes,
    )


# --- The service ---------------------------------------------------------------------------


def test_an_atasan_pushes_their_rhk_to_their_people_with_its_iki_in_one_step(org):
    with org:
        source = kasub_rhk()

        made = services.rhk_assign_bulk(
            by=user("kasub"), year=YEAR, employees=[employee(ANALIS), employee(PPPK)], source=source
        )

        assert len(made) == 2
        for rhk in Rhk.objects.filter(parent=source).select_related("skp__employee"):
            assert rhk.skp.employee.nip in (ANALIS, PPPK) and rhk.skp.year == YEAR
            assert (rhk.text, rhk.kind, rhk.assigned_by.nip) == (source.text, "utama", KASUB)
            assert [i.target_display for i in rhk.iki.all()] == ["4 Kegiatan"]
        [event] = AuditEvent.objects.filter(action=RHK_ASSIGN)
        assert (event.after["count"], event.after["skp_made"]) == (2, 2)
        assert sorted(event.after["employees"]) == sorted([ANALIS, PPPK])


def test_a_second_click_assigns_nothing_twice(org):
    with org:
        source = kasub_rhk()
        people = [employee(ANALIS).pk, employee(PPPK).pk]
        services.rhk_assign_bulk(by=user("kasub"), year=YEAR, employees=people, source=source)

        again = services.rhk_assign_bulk(
            by=user("kasub"), year=YEAR, employees=people, source=source
        )

        assert again == []
        assert Rhk.objects.filter(parent=source).count() == 2
        assert Iki.objects.filter(rhk__parent=source).count() == 2
        assert AuditEvent.objects.filter(action=RHK_ASSIGN).count() == 1


def test_a_catalogue_entry_is_assigned_without_a_parent(org):
    with org:
        entry = catalogue_entry()

        made = services.rhk_assign_bulk(
            by=user("kasub"), year=YEAR, employees=[employee(ANALIS)], template=entry
        )

        [rhk] = made
        assert (rhk.text, rhk.parent, rhk.skp.employee.nip) == (entry.text, None, ANALIS)
        assert [i.target_display for i in rhk.iki.all()] == ["12 Dokumen"]
        assert (
            services.rhk_assign_bulk(
                by=user("kasub"), year=YEAR, employees=[employee(ANALIS)], template=entry
            )
            == []
        )


def test_an_iki_given_replaces_the_rhks_own(org):
    with org:
        made = services.rhk_assign_bulk(
            by=user("kasub"),
            year=YEAR,
            employees=[employee(ANALIS)],
            source=kasub_rhk(),
            iki=[iki(text="Laporan diklat", target_value="2", target_unit="Laporan")],
        )

        assert [(i.text, i.target_display) for i in made[0].iki.all()] == [
            ("Laporan diklat", "2 Laporan")
        ]


def test_a_bad_iki_given_is_refused_and_nothing_is_assigned(org):
    with org:
        with pytest.raises(PerformanceRuleError) as refused:
            services.rhk_assign_bulk(
                by=user("kasub"),
                year=YEAR,
                employees=[employee(ANALIS)],
                source=kasub_rhk(),
                iki=[iki(target_unit="")],
            )

        assert set(refused.value.by_field()) == {"iki_target_unit"}
        assert not Skp.objects.filter(employee__nip=ANALIS).exists()


@pytest.mark.parametrize("outsider", [STAF_DINKES, KABID, KASUB])
def test_someone_the_atasan_does_not_appraise_is_refused_and_nothing_is_assigned(org, outsider):
    """Another OPD's staff, their own atasan, themself."""
    with org:
        source = kasub_rhk()

        with pytest.raises(PermissionDenied):
            services.rhk_assign_bulk(
                by=user("kasub"),
                year=YEAR,
                employees=[employee(ANALIS), employee(outsider)],
                source=source,
            )

        assert not Rhk.objects.filter(parent=source).exists()
        assert not Skp.objects.filter(employee__nip=ANALIS).exists()


def test_an_rhk_of_someone_else_or_another_year_cannot_be_the_source(org):
    with org:
        made = cascade()
        with pytest.raises(PermissionDenied):
            services.rhk_assign_bulk(
                by=user("kasub"), year=YEAR, employees=[employee(PPPK)], source=made["kabid"]
            )
        old = services.rhk_create(
            skp=skp_of(KASUB, YEAR - 1), by=user("kasub"), kind="utama", text="Lama"
        )
        with pytest.raises(PerformanceError):
            services.rhk_assign_bulk(
                by=user("kasub"), year=YEAR, employees=[employee(PPPK)], source=old
            )
        with pytest.raises(PerformanceError):
            services.rhk_assign_bulk(by=user("kasub"), year=YEAR, employees=[employee(PPPK)])
        with pytest.raises(PerformanceError):
            services.rhk_assign_bulk(
                by=user("kasub"), year=YEAR, employees=[], source=made["kasub"]
            )


@pytest.mark.parametrize("persona", ["admin", "mayor", "employee"])
def test_people_who_appraise_nobody_assign_to_nobody(org, persona):
    with org:
        entry = catalogue_entry()

        with pytest.raises(PermissionDenied):
            services.rhk_assign_bulk(
                by=user(persona), year=YEAR, employees=[employee(PPPK)], template=entry
            )


def test_a_head_of_opd_assigns_to_anyone_in_the_opd_but_not_beyond(org):
    with org:
        source = cascade()["head"]

        made = services.rhk_assign_bulk(
            by=user("head"),
            year=YEAR,
            employees=[employee(ANALIS), employee(PPPK), employee(KASUB)],
            source=source,
        )

        assert len(made) == 3 and {rhk.parent_id for rhk in made} == {source.pk}
        with pytest.raises(PermissionDenied):
            services.rhk_assign_bulk(
                by=user("head"), year=YEAR, employees=[employee(STAF_DINKES)], source=source
            )


def test_people_with_a_rated_skp_are_skipped(org):
    with org:
        source = kasub_rhk()
        rated(skp_of(ANALIS))

        made = services.rhk_assign_bulk(
            by=user("kasub"), year=YEAR, employees=[employee(ANALIS), employee(PPPK)], source=source
        )

        assert [rhk.skp.employee.nip for rhk in made] == [PPPK]


def test_a_jpt_gets_no_rhk_without_a_perspektif(org):
    """The Sekda appraises the heads of OPD, who hold JPT posts."""
    with org:
        entry = catalogue_entry("KABAN")

        with pytest.raises(PerformanceError) as refused:
            services.rhk_assign_bulk(
                by=user("sekda"), year=YEAR, employees=[employee(KABAN)], template=entry
            )

        assert "Sri Wahyuni" in str(refused.value)
        assert not Rhk.objects.filter(skp__employee__nip=KABAN).exists()


def many_appraisees(count: int) -> list[Employee]:
    """``count`` active analysts whose atasan is the Kasubbid (derived, as the tree would)."""
    kasub = Employee.objects.get(nip=KASUB)
    position = Position.objects.get(code="ANALIS")
    unit = Unit.objects.get(code="BKPSDMD.1.1")
    return Employee.objects.bulk_create(
        Employee(
            nip=nip_for(10_000 + n),
            name=f"Analis {n:04d}",
            status="PNS",
            golongan="III/a",
            position=position,
            unit=unit,
            derived_atasan=kasub,
        )
        for n in range(count)
    )


def test_assigning_to_500_people_takes_at_most_two_seconds_in_a_fixed_number_of_queries(org):
    with org:
        people = many_appraisees(500)
        source = kasub_rhk()

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            made = services.rhk_assign_bulk(
                by=user("kasub"), year=YEAR, employees=people, source=source
            )
            took = time.perf_counter() - started

        print(f"\nbulk assignment to 500 people: {took:.3f} s, {len(queries)} queries")
        assert len(made) == 500
        assert Iki.objects.filter(rhk__parent=source).count() == 500
        assert took <= 2.0
        assert len(queries) <= 20


# --- The page ------------------------------------------------------------------------------


def test_the_page_lists_my_people_and_my_rhk(org, people):
    with org:
        source = kasub_rhk()

    response = people["kasub"].get(ASSIGN)

    assert response.status_code == 200
    assert {row.nip for row in response.context["rows"]} == {ANALIS, PPPK}
    assert f"rhk:{source.pk}" in response.content.decode()
    assert b"performance-assign.js" in response.content


def test_submitting_assigns_and_says_to_how_many(org, people):
    with org:
        source = kasub_rhk()
        ids = [str(employee(ANALIS).pk), str(employee(PPPK).pk)]
    form = {"tahun": YEAR, "source": f"rhk:{source.pk}", "employees": ids}
    client = people["kasub"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(ASSIGN, form, follow=True)
    again = client.post(ASSIGN, form, follow=True)

    assert "RHK assigned to 2 employees." in response.content.decode()
    assert "2 people already had this RHK" in again.content.decode()
    with org:
        assert Rhk.objects.filter(parent=source).count() == 2


def test_a_head_of_opd_picks_anyone_in_the_opd_on_the_page(org, people):
    with org:
        catalogue_entry()

    response = people["head"].get(ASSIGN)

    assert {row.nip for row in response.context["rows"]} == {KABID, KASUB, ANALIS, PPPK}
    assert "tpl:" in response.content.decode()


def test_ticking_someone_not_mine_is_forbidden_and_assigns_nothing(org, people):
    with org:
        source = kasub_rhk()
        outsider = employee(KADINKES).pk

    response = people["kasub"].post(
        ASSIGN, {"tahun": YEAR, "source": f"rhk:{source.pk}", "employees": [outsider]}
    )

    assert response.status_code == 403
    with org:
        assert not Rhk.objects.filter(parent=source).exists()


def test_nobody_ticked_or_no_rhk_chosen_is_said_on_the_form(org, people):
    with org:
        source = kasub_rhk()

    nobody = people["kasub"].post(ASSIGN, {"tahun": YEAR, "source": f"rhk:{source.pk}"})
    foreign = people["kasub"].post(
        ASSIGN, {"tahun": YEAR, "source": "rhk:999999", "employees": ["1"]}
    )

    assert nobody.status_code == 400 and nobody.context["form"].non_field_errors()
    assert foreign.status_code == 400 and foreign.context["form"].errors["source"]


@pytest.mark.parametrize("persona", ["admin", "mayor"])
def test_an_account_without_an_employee_record_may_not_assign(people, persona):
    assert people[persona].get(ASSIGN).status_code == 403
