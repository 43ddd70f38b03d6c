"""KPI (IKU) and cross-OPD teams (core.activity.kpi) on a real Pemda schema: who may add,
change and report which KPI, the monthly grid's checks (nothing stored on a bad cell),
the cascade into RHK, team membership, what credits an employee and the unit's IKO."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.accounts.models import User
from core.activity import kpi as kpis
from core.activity.kpi import KpiError
from core.activity.models import Kpi, KpiPeriod, Team
from core.audit.models import AuditEvent
from core.org.models import Employee, Unit
from core.performance import services as skp_services
from core.performance.models import Rhk
from tests.personas import ANALIS, KABAN, KADINKES, KASUB, LOGINS, SEKDA, STAF_DINKES

pytestmark = pytest.mark.django_db

YEAR = 2026
JAMBI_NIP = "199001012015031001"  # an employee account of Kota Jambi (tests/conftest.py)


def user(persona: str) -> User:
    login = LOGINS.get(persona, persona)
    return User.objects.get(nip=login) if login.isdigit() else User.objects.get(username=login)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def employee(nip: str) -> Employee:
    return Employee.objects.select_related("unit").get(nip=nip)


def kpi_data(**changes) -> dict:
    return {
        "name": "Indeks Profesionalitas ASN",
        "measure": "Indeks",
        "annual_target": "80",
        "direction": "higher",
        "aggregation": "last",
        "weight": "1",
        **changes,
    }


def pemda_kpi(**changes) -> Kpi:
    return kpis.kpi_create(by=user("admin"), year=YEAR, **kpi_data(**changes))


def opd_kpi(code="BKPSDMD", by="head", **changes) -> Kpi:
    return kpis.kpi_create(
        by=user(by), year=YEAR, unit=unit(code), **kpi_data(name=f"IKU {code}", **changes)
    )


def team(by="head", name="Tim Percepatan Stunting", **kwargs) -> Team:
    return kpis.team_create(by=user(by), name=name, year=YEAR, **kwargs)


def rhk_of(nip: str, year: int = YEAR, text="Terlaksananya diklat") -> Rhk:
    skp = skp_services.skp_get_or_create(employee=employee(nip), year=year)
    return Rhk.objects.create(skp=skp, kind="utama", text=text)


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Who adds which KPI ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "mayor", "sekda"])
def test_the_admin_and_the_leaders_add_the_pemdas_kpis(org, persona):
    with org:
        made = kpis.kpi_create(by=user(persona), year=YEAR, **kpi_data())

        assert (made.unit, made.team, made.annual_target) == (None, None, Decimal("80.00"))
        assert audited("activity.kpi.create")[-1].actor == user(persona)


@pytest.mark.parametrize("persona", ["head", "kabid", "kasub", "employee", "head_dinkes"])
def test_nobody_else_adds_a_pemda_kpi(org, persona):
    with org:
        with pytest.raises(PermissionDenied):
            kpis.kpi_create(by=user(persona), year=YEAR, **kpi_data())

        assert not Kpi.objects.exists()


def test_the_head_of_an_opd_adds_kpis_for_the_opd_and_its_units_only(org):
    with org:
        own = opd_kpi("BKPSDMD")
        below = opd_kpi("BKPSDMD.1.1")
        with pytest.raises(PermissionDenied):
            opd_kpi("DINKES")

        assert {own.unit.code, below.unit.code} == {"BKPSDMD", "BKPSDMD.1.1"}
        assert not Kpi.objects.filter(unit__code="DINKES").exists()


@pytest.mark.parametrize("persona", ["mayor", "kabid", "kasub", "employee", "head_dinkes"])
def test_others_add_no_kpi_for_an_opd_they_do_not_head(org, persona):
    with org:
        with pytest.raises(PermissionDenied):
            opd_kpi("BKPSDMD", by=persona)

        assert not Kpi.objects.exists()


def test_the_admin_adds_kpis_for_any_opd(org):
    with org:
        assert opd_kpi("DINKES", by="admin").unit.code == "DINKES"


def test_bad_kpi_fields_are_all_named_and_nothing_is_stored(org, english):
    with org:
        with pytest.raises(KpiError) as refused:
            pemda_kpi(name=" ", measure="", annual_target="-5", weight="lots", direction="up")

        assert set(refused.value.fields) == {
            "name",
            "measure",
            "annual_target",
            "weight",
            "direction",
        }
        assert refused.value.fields["annual_target"] == "The annual target cannot be negative."
        assert "must be a number" in refused.value.fields["weight"]
        assert not Kpi.objects.exists() and not audited("activity.kpi.create")


def test_the_same_kpi_name_twice_for_one_owner_and_year_is_refused(org, english):
    with org:
        pemda_kpi()
        with pytest.raises(KpiError) as refused:
            pemda_kpi()

        assert "already a KPI of that name" in refused.value.fields["name"]
        assert Kpi.objects.count() == 1
        assert kpis.kpi_create(by=user("admin"), year=YEAR + 1, **kpi_data()).year == YEAR + 1


def test_a_kpi_serves_a_kpi_one_level_up_of_its_year(org, english):
    with org:
        pemda = pemda_kpi()
        opd = opd_kpi("BKPSDMD", parent=pemda.pk)
        section = kpis.kpi_create(
            by=user("head"), year=YEAR, unit=unit("BKPSDMD.1.1"), **kpi_data(parent=opd.pk)
        )
        other_opd = opd_kpi("DINKES", by="admin")
        with pytest.raises(KpiError) as sideways:
            opd_kpi("BKPSDMD.1", parent=other_opd.pk)
        with pytest.raises(KpiError) as other_year:
            kpis.kpi_create(
                by=user("head"), year=YEAR + 1, unit=unit("BKPSDMD"), **kpi_data(parent=pemda.pk)
            )

        assert opd.parent == pemda and section.parent == opd
        assert "one level up" in sideways.value.fields["parent"]
        assert "parent" in other_year.value.fields
        assert set(pemda.children.all()) == {opd}


def test_a_kpi_is_changed_and_removed_by_its_owner_with_the_trail(org):
    with org:
        kpi = opd_kpi("BKPSDMD")
        with pytest.raises(PermissionDenied):
            kpis.kpi_update(kpi=kpi, by=user("head_dinkes"), **kpi_data(name="X"))

        kpis.kpi_update(kpi=kpi, by=user("head"), **kpi_data(name="IKU baru", annual_target="90"))
        change = audited("activity.kpi.update")[-1]
        with pytest.raises(PermissionDenied):
            kpis.kpi_delete(kpi=kpi, by=user("employee"))
        kpis.kpi_periods_set(kpi=kpi, by=user("head"), targets={"2026-01": "7"})
        kpis.kpi_delete(kpi=kpi, by=user("head"))

        assert change.before == {"name": "IKU BKPSDMD", "annual_target": "80.00"}
        assert change.after == {"name": "IKU baru", "annual_target": "90.00"}
        assert not Kpi.objects.exists() and not KpiPeriod.objects.exists()
        removed = audited("activity.kpi.delete")[-1]
        assert removed.before["periods"] == {"2026-01": {"target": "7.00", "realisation": None}}


@pytest.mark.parametrize(
    ("owner", "persona"),
    [
        ("pemda", "head"),
        ("pemda", "kasub"),
        ("pemda", "employee"),
        ("opd", "mayor"),
        ("opd", "sekda"),
        ("opd", "kabid"),
        ("opd", "kasub"),  # heads a unit below: reports, does not manage
        ("opd", "employee"),
        ("opd", "head_dinkes"),
    ],
)
def test_who_may_not_manage_a_kpi_changes_removes_or_links_nothing(org, owner, persona):
    with org:
        kpi = pemda_kpi() if owner == "pemda" else opd_kpi("BKPSDMD")
        linked = rhk_of(ANALIS, text="Sudah tertaut")
        kpis.kpi_rhk_link(kpi=kpi, by=user("admin"), rhk=linked)
        outsider = user(persona)
        attempts = [
            lambda: kpis.kpi_update(kpi=kpi, by=outsider, **kpi_data(name="Diubah")),
            lambda: kpis.kpi_delete(kpi=kpi, by=outsider),
            lambda: kpis.kpi_periods_set(kpi=kpi, by=outsider, targets={"2026-01": "1"}),
            lambda: kpis.kpi_rhk_link(kpi=kpi, by=outsider, rhk=rhk_of(KASUB)),
            lambda: kpis.kpi_rhk_unlink(kpi=kpi, by=outsider, rhk=linked),
        ]
        for attempt in attempts:
            with pytest.raises(PermissionDenied):
                attempt()

        kpi.refresh_from_db()
        assert kpi.name != "Diubah" and list(kpi.rhk.all()) == [linked]
        assert not kpi.periods.exists()
        assert not kpis.may_manage_kpi(outsider, kpi)


# --- The monthly grid -------------------------------------------------------------------------


def test_the_owner_sets_monthly_targets_and_realisations_in_one_audited_change(org):
    with org:
        kpi = opd_kpi("BKPSDMD")
        changed = kpis.kpi_periods_set(
            kpi=kpi,
            by=user("head"),
            targets={"2026-01": "10", "2026-02": "12,5", "2026-03": ""},
            realisations={"2026-01": "8", "2026-02": "1.250,5"},
        )

        months = {m.code: m for m in kpis.kpi_months(kpi)}
        assert changed == 2
        assert (months["2026-01"].target, months["2026-01"].realisation) == (10, 8)
        assert months["2026-01"].achievement == Decimal("80.00")
        assert months["2026-02"].realisation == Decimal("1250.50")
        assert months["2026-02"].achievement == Decimal("100.00")  # capped
        assert months["2026-03"].target is None and len(months) == 12
        event = audited("activity.kpi.periods")[-1]
        assert event.after["periods"]["2026-01"] == {"target": "10.00", "realisation": "8.00"}


def test_emptying_both_cells_of_a_month_removes_it(org):
    with org:
        kpi = opd_kpi("BKPSDMD")
        kpis.kpi_periods_set(kpi=kpi, by=user("head"), targets={"2026-04": "3"})
        kpis.kpi_periods_set(
            kpi=kpi, by=user("head"), targets={"2026-04": ""}, realisations={"2026-04": ""}
        )

        assert not KpiPeriod.objects.filter(kpi=kpi).exists()
        assert audited("activity.kpi.periods")[-1].after == {"periods": {"2026-04": None}}


def test_saving_the_same_grid_again_changes_nothing(org):
    with org:
        kpi = opd_kpi("BKPSDMD")
        grid = {"targets": {"2026-05": "3"}, "realisations": {"2026-05": "2"}}
        kpis.kpi_periods_set(kpi=kpi, by=user("head"), **grid)

        assert kpis.kpi_periods_set(kpi=kpi, by=user("head"), **grid) == 0
        assert len(audited("activity.kpi.periods")) == 1


@pytest.mark.parametrize(
    ("targets", "realisations", "cell", "message"),
    [
        ({"2026-01": "-1"}, {}, "target:2026-01", "cannot be negative"),
        ({"2026-01": "5"}, {"2026-01": "-0.5"}, "realisation:2026-01", "cannot be negative"),
        ({"2026-01": "sepuluh"}, {}, "target:2026-01", "must be a number"),
        ({"2026-01": "NaN"}, {}, "target:2026-01", "must be a number"),
        ({"2026-01": "1e30"}, {}, "target:2026-01", "too large"),
        ({"2026-13": "5"}, {}, "period:2026-13", "is not a month of 2026"),
        ({"2025-03": "5"}, {}, "period:2025-03", "is not a month of 2026"),
        ({"2026-Q1": "5"}, {}, "period:2026-Q1", "is not a month of 2026"),
        ({}, {"2026-02": "4"}, "realisation:2026-02", "before its realisation"),
    ],
)
def test_a_bad_cell_is_named_and_nothing_of_the_grid_is_stored(
    org, english, targets, realisations, cell, message
):
    with org:
        kpi = opd_kpi("BKPSDMD")
        with pytest.raises(KpiError) as refused:
            kpis.kpi_periods_set(
                kpi=kpi,
                by=user("head"),
                targets={"2026-06": "9", **targets},  # a good cell, not stored either
                realisations=realisations,
            )

        assert message in refused.value.fields[cell]
        assert not KpiPeriod.objects.filter(kpi=kpi).exists()
        assert not audited("activity.kpi.periods")


def test_the_head_of_the_kpis_unit_reports_its_realisation_but_not_its_target(org):
    with org:
        kpi = opd_kpi("BKPSDMD.1.1")  # the Kasubbid heads it
        kpis.kpi_periods_set(kpi=kpi, by=user("head"), targets={"2026-01": "4"})
        kpis.kpi_periods_set(kpi=kpi, by=user("kasub"), realisations={"2026-01": "3"})
        with pytest.raises(PermissionDenied):
            kpis.kpi_periods_set(kpi=kpi, by=user("kasub"), targets={"2026-01": "1"})

        row = KpiPeriod.objects.get(kpi=kpi)
        assert (row.target, row.realisation) == (4, 3)
        assert kpis.may_report_kpi(user("kasub"), kpi)
        assert not kpis.may_manage_kpi(user("kasub"), kpi)


@pytest.mark.parametrize("persona", ["employee", "kabid", "head_dinkes", "mayor"])
def test_others_report_nothing_on_an_opds_kpi(org, persona):
    with org:
        kpi = opd_kpi("BKPSDMD.1.1")
        kpis.kpi_periods_set(kpi=kpi, by=user("head"), targets={"2026-01": "4"})
        with pytest.raises(PermissionDenied):
            kpis.kpi_periods_set(kpi=kpi, by=user(persona), realisations={"2026-01": "3"})

        assert KpiPeriod.objects.get(kpi=kpi).realisation is None


# --- Teams across OPD -------------------------------------------------------------------------


def test_a_head_of_opd_sets_up_a_team_they_lead_with_members_from_other_opds(org):
    with org:
        made = team()
        kpis.team_member_add(team=made, by=user("head"), nip=STAF_DINKES)
        kpis.team_member_add(team=made, by=user("head"), nip=f" {ANALIS[:9]} {ANALIS[9:]} ")

        assert made.lead.nip == KABAN
        assert set(made.members.values_list("nip", flat=True)) == {KABAN, STAF_DINKES, ANALIS}
        assert [e.after["member"] for e in audited("activity.team.member_add")] == [
            str(employee(STAF_DINKES)),
            str(employee(ANALIS)),
        ]


@pytest.mark.parametrize("persona", ["kabid", "kasub", "employee"])
def test_only_the_admin_leaders_and_heads_of_opd_set_up_teams(org, persona):
    with org:
        with pytest.raises(PermissionDenied):
            team(by=persona)

        assert not Team.objects.exists()


def test_the_admin_sets_up_a_team_with_a_lead_by_nip(org):
    with org:
        made = team(by="admin", lead=KASUB)

        assert made.lead.nip == KASUB and list(made.members.all()) == [made.lead]


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        (JAMBI_NIP, "No active employee of this Pemda"),  # a member of another Pemda
        ("123", "is not one"),
        ("abcdefghijklmnopqr", "is not one"),
    ],
)
def test_a_member_who_is_not_of_this_pemda_is_refused_with_nothing_changed(
    org, english, nip, message
):
    with org:
        made = team()
        with pytest.raises(KpiError) as refused:
            kpis.team_member_add(team=made, by=user("head"), nip=nip)

        assert message in str(refused.value)
        assert made.members.count() == 1
        assert not audited("activity.team.member_add")


def test_a_member_added_twice_is_refused(org, english):
    with org:
        made = team()
        kpis.team_member_add(team=made, by=user("head"), nip=ANALIS)
        with pytest.raises(KpiError, match="already in the team"):
            kpis.team_member_add(team=made, by=user("head"), nip=ANALIS)

        assert made.members.count() == 2


@pytest.mark.parametrize("persona", ["employee", "kasub", "head_dinkes"])
def test_only_the_lead_admin_and_leaders_change_a_team(org, persona):
    with org:
        made = team()
        kpis.team_member_add(team=made, by=user("head"), nip=ANALIS)
        with pytest.raises(PermissionDenied):
            kpis.team_member_add(team=made, by=user(persona), nip=STAF_DINKES)
        with pytest.raises(PermissionDenied):
            kpis.team_member_remove(team=made, by=user(persona), employee=employee(ANALIS))
        with pytest.raises(PermissionDenied):
            kpis.team_update(team=made, by=user(persona), name="Lain", lead=KASUB)
        with pytest.raises(PermissionDenied):
            kpis.kpi_create(by=user(persona), year=YEAR, team=made, **kpi_data())

        assert made.members.count() == 2 and not made.kpis.exists()
        assert kpis.may_manage_team(user("sekda"), made)


def test_the_lead_stays_a_member_until_someone_else_leads(org, english):
    with org:
        made = team()
        with pytest.raises(KpiError, match="leads the team"):
            kpis.team_member_remove(team=made, by=user("head"), employee=employee(KABAN))
        kpis.team_update(team=made, by=user("head"), name=made.name, lead=KADINKES)
        kpis.team_member_remove(team=made, by=user("admin"), employee=employee(KABAN))

        made.refresh_from_db()
        assert made.lead.nip == KADINKES
        assert list(made.members.values_list("nip", flat=True)) == [KADINKES]
        assert not kpis.may_manage_team(user("head"), made)


def test_a_team_with_kpis_is_not_removed(org, english):
    with org:
        made = team()
        kpi = kpis.kpi_create(by=user("head"), year=YEAR, team=made, **kpi_data())
        with pytest.raises(KpiError, match="still has KPIs"):
            kpis.team_delete(team=made, by=user("head"))
        kpis.kpi_delete(kpi=kpi, by=user("head"))
        kpis.team_delete(team=made, by=user("head"))

        assert not Team.objects.exists()
        assert audited("activity.team.delete")[-1].before["members"] == [KABAN]


def test_a_teams_kpi_is_of_the_teams_year(org, english):
    with org:
        made = team()
        with pytest.raises(KpiError) as refused:
            kpis.kpi_create(by=user("head"), year=YEAR + 1, team=made, **kpi_data())

        assert "of 2026" in refused.value.fields["year"]


def test_a_team_name_is_unique_in_its_year(org, english):
    with org:
        team()
        with pytest.raises(KpiError) as refused:
            team(by="admin", name="tim percepatan stunting")

        assert "already a team" in refused.value.fields["name"]


# --- The cascade into RHK --------------------------------------------------------------------


def test_a_unit_kpi_cascades_into_rhk_of_people_in_the_unit_or_below(org, english):
    with org:
        kpi = opd_kpi("BKPSDMD.1")
        below = rhk_of(ANALIS)  # BKPSDMD.1.1
        elsewhere = rhk_of(STAF_DINKES)
        last_year = rhk_of(KASUB, year=YEAR - 1)
        kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=below)
        with pytest.raises(KpiError, match="someone in Bidang Pengembangan Kompetensi"):
            kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=elsewhere)
        with pytest.raises(KpiError, match="of 2026"):
            kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=last_year)
        with pytest.raises(KpiError, match="already linked"):
            kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=below)
        with pytest.raises(PermissionDenied):
            kpis.kpi_rhk_link(kpi=kpi, by=user("employee"), rhk=rhk_of(KASUB))

        assert list(kpi.rhk.all()) == [below]
        assert list(below.kpis.all()) == [kpi]
        assert ANALIS in audited("activity.kpi.rhk_link")[-1].after["rhk"]


def test_a_teams_kpi_cascades_into_rhk_of_its_members_only(org, english):
    with org:
        made = team()
        kpis.team_member_add(team=made, by=user("head"), nip=STAF_DINKES)
        kpi = kpis.kpi_create(by=user("head"), year=YEAR, team=made, **kpi_data())
        member = rhk_of(STAF_DINKES)
        kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=member.pk)
        with pytest.raises(KpiError, match="a member of the team"):
            kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=rhk_of(ANALIS))
        kpis.kpi_rhk_unlink(kpi=kpi, by=user("head"), rhk=member)
        with pytest.raises(KpiError, match="not linked"):
            kpis.kpi_rhk_unlink(kpi=kpi, by=user("head"), rhk=member)

        assert not kpi.rhk.exists()
        assert len(audited("activity.kpi.rhk_unlink")) == 1


def test_the_rhk_search_finds_by_text_name_or_nip(org):
    with org:
        kpi = pemda_kpi()
        mine = rhk_of(ANALIS, text="Tersusunnya kurikulum")
        theirs = rhk_of(STAF_DINKES, text="Terlayaninya surat")

        assert list(kpis.rhk_choices(kpi, "kurikulum")) == [mine]
        assert list(kpis.rhk_choices(kpi, STAF_DINKES[:10])) == [theirs]
        assert set(kpis.rhk_choices(kpi)) == {mine, theirs}


# --- What credits an employee, and the IKO ------------------------------------------------------


def test_an_employee_is_credited_by_their_unit_line_and_their_teams(org, django_assert_num_queries):
    with org:
        pemda_kpi()
        opd = opd_kpi("BKPSDMD")
        bidang = opd_kpi("BKPSDMD.1")
        section = opd_kpi("BKPSDMD.1.1")
        opd_kpi("DINKES", by="admin")
        made = team()
        kpis.team_member_add(team=made, by=user("head"), nip=ANALIS)
        teams_kpi = kpis.kpi_create(
            by=user("head"),
            year=YEAR,
            team=made,
            **kpi_data(name="Prevalensi stunting", direction="lower"),
        )
        other_team = team(by="admin", name="Tim lain")  # the analyst is not in it
        kpis.kpi_create(by=user("admin"), year=YEAR, team=other_team, **kpi_data())
        kpis.kpi_periods_set(
            kpi=opd, by=user("head"), targets={"2026-03": "80"}, realisations={"2026-03": "60"}
        )
        kpis.kpi_periods_set(
            kpi=teams_kpi,
            by=user("head"),
            targets={"2026-03": "20"},
            realisations={"2026-03": "15"},
        )
        analyst = employee(ANALIS)

        with django_assert_num_queries(1):
            credits = kpis.kpis_crediting(analyst, "2026-03")

        got = {c.kpi: (c.via, c.achievement) for c in credits}
        assert got == {
            opd: ("opd", Decimal("75.00")),
            bidang: ("unit", None),
            section: ("unit", None),
            teams_kpi: ("team", Decimal("100.00")),  # lower is better: 15 of 20 is over
        }
        assert [c.kpi for c in credits][-1] == teams_kpi
        assert kpis.kpis_crediting(analyst, "2027-03") == []


def test_a_bad_period_for_the_credits_is_refused(org, english):
    with org:
        with pytest.raises(KpiError, match="not a month"):
            kpis.kpis_crediting(employee(ANALIS), "2026-Q1")


def test_the_units_iko_weighs_its_own_kpis_in_one_query(org, django_assert_num_queries):
    with org:
        bkpsdmd = unit("BKPSDMD")
        heavy = opd_kpi("BKPSDMD", weight="3")
        light = kpis.kpi_create(
            by=user("head"), year=YEAR, unit=bkpsdmd, **kpi_data(name="Keluhan", direction="lower")
        )
        unreported = kpis.kpi_create(
            by=user("head"), year=YEAR, unit=bkpsdmd, **kpi_data(name="Belum dilaporkan")
        )
        for kpi, target, realisation in ((heavy, "100", "80"), (light, "10", "5")):
            kpis.kpi_periods_set(
                kpi=kpi,
                by=user("head"),
                targets={"2026-02": target},
                realisations={"2026-02": realisation},
            )
        kpis.kpi_periods_set(kpi=unreported, by=user("head"), targets={"2026-02": "9"})
        section = opd_kpi("BKPSDMD.1.1")  # another unit's: not in BKPSDMD's index
        kpis.kpi_periods_set(
            kpi=section, by=user("head"), targets={"2026-02": "10"}, realisations={"2026-02": "0"}
        )

        with django_assert_num_queries(1):
            index = kpis.organisation_index_of(bkpsdmd, "2026-02")

        assert index == Decimal("85.00")  # (3 × 80 + 1 × 100) ÷ 4
        assert kpis.organisation_index_of(bkpsdmd, "2026-03") is None


# --- Who sees what --------------------------------------------------------------------------------


def test_each_role_sees_the_pemdas_kpis_its_opds_and_its_teams(org):
    with org:
        pemda = pemda_kpi()
        bkpsdmd = opd_kpi("BKPSDMD")
        dinkes = opd_kpi("DINKES", by="admin")
        made = team(by="admin", name="Tim lintas OPD", lead=STAF_DINKES)
        kpis.team_member_add(team=made, by=user("admin"), nip=ANALIS)
        teams_kpi = kpis.kpi_create(by=user("admin"), year=YEAR, team=made, **kpi_data())

        def seen(persona):
            return set(Kpi.objects.visible_to(user(persona)))

        everything = {pemda, bkpsdmd, dinkes, teams_kpi}
        assert seen("admin") == seen("mayor") == seen("sekda") == everything
        assert seen("employee") == {pemda, bkpsdmd, teams_kpi}
        assert seen("head") == {pemda, bkpsdmd, teams_kpi}  # a member of the OPD is in it
        assert seen("head_dinkes") == {pemda, dinkes, teams_kpi}
        assert seen("kasub") == {pemda, bkpsdmd}
        assert set(Team.objects.visible_to(user("kasub"))) == set()
        assert set(Team.objects.visible_to(user(SEKDA))) == {made}


def test_another_pemda_sees_none_of_these_kpis(org, jambi):
    with org:
        pemda_kpi()
    with jambi:
        outsider = User.objects.get(nip=JAMBI_NIP)
        assert not Kpi.objects.visible_to(outsider).exists()
        assert not Team.objects.exists()


# --- Pure pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", Decimal("15")), ("last", Decimal("7")), ("average", Decimal("5.00"))],
)
def test_the_years_realisation_is_read_from_the_months(aggregation, expected):
    values = [Decimal(3), None, Decimal(5), Decimal(7), None]

    assert kpis.annual_realisation(values, aggregation) == expected
    assert kpis.annual_realisation([None, None], aggregation) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", Decimal("12.00")),
        ("7,5", Decimal("7.50")),
        ("1.250,5", Decimal("1250.50")),
        ("1,250.5", Decimal("1250.50")),
        (" 1 000 ", Decimal("1000.00")),
        ("0,005", Decimal("0.01")),
        ("", None),
        (None, None),
        (3, Decimal("3.00")),
    ],
)
def test_numbers_are_read_as_typed(typed, expected):
    assert kpis.number_parse(typed, what="X") == expected


@pytest.mark.parametrize("typed", ["abc", "NaN", "Infinity", "-1", "1e20", True, "1,2,3.4.5"])
def test_what_is_not_a_usable_number_is_refused(typed, english):
    with pytest.raises(KpiError):
        kpis.number_parse(typed, what="X")
