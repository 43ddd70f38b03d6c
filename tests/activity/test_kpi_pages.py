"""The KPI and team pages (/aktivitas/kpi/…): who sees and who changes what, role by role
(404 unseen, 403 seen but not theirs), bad input on the forms and the monthly grid (a clear
message, nothing stored), another Pemda, and the query counts of the lists and pages."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.activity import kpi as kpis
from core.activity.models import Kpi, KpiPeriod, Team
from core.org.models import Employee, Position, Unit
from tests.activity.test_kpi import JAMBI_NIP, YEAR, kpi_data, rhk_of, user
from tests.conftest import JAMBI_PASSWORD, login
from tests.factories import EmployeeFactory
from tests.personas import ANALIS, KABAN, KASUB, PPPK, STAF_DINKES

pytestmark = pytest.mark.django_db

LIST, MINE, NEW, TEAMS, PEOPLE = (
    "/aktivitas/kpi/",
    "/aktivitas/kpi/saya/",
    "/aktivitas/kpi/baru/",
    "/aktivitas/kpi/tim/",
    "/aktivitas/kpi/pegawai/cari/",
)
EVERYONE = ["admin", "mayor", "sekda", "head", "kabid", "kasub", "employee", "head_dinkes"]


def page(kpi: Kpi, tail: str = "") -> str:
    return f"/aktivitas/kpi/{kpi.pk}/{tail}"


def team_page(team: Team, tail: str = "") -> str:
    return f"/aktivitas/kpi/tim/{team.pk}/{tail}"


@pytest.fixture
def world(org):
    """A Pemda KPI, BKPSDMD's (with its Subbidang's below it), DINKES's, and a team led by
    the Kasubbid with the analyst and a DINKES staff member, with a KPI."""
    with org:
        pemda = kpis.kpi_create(by=user("admin"), year=YEAR, **kpi_data(name="IKU Pemda"))
        bkpsdmd = kpis.kpi_create(
            by=user("head"),
            year=YEAR,
            unit=Unit.objects.get(code="BKPSDMD"),
            **kpi_data(name="IKU BKPSDMD", parent=pemda.pk),
        )
        section = kpis.kpi_create(
            by=user("head"),
            year=YEAR,
            unit=Unit.objects.get(code="BKPSDMD.1.1"),
            **kpi_data(name="IKU Subbidang Diklat", parent=bkpsdmd.pk),
        )
        dinkes = kpis.kpi_create(
            by=user("admin"),
            year=YEAR,
            unit=Unit.objects.get(code="DINKES"),
            **kpi_data(name="IKU Dinkes"),
        )
        team = kpis.team_create(by=user("head"), name="Tim Stunting", year=YEAR, lead=KASUB)
        kpis.team_members_add(team=team, by=user("kasub"), nips=[ANALIS, STAF_DINKES])
        team_kpi = kpis.kpi_create(
            by=user("kasub"), year=YEAR, team=team, **kpi_data(name="Prevalensi stunting")
        )
    return {
        "pemda": pemda,
        "bkpsdmd": bkpsdmd,
        "section": section,
        "dinkes": dinkes,
        "team": team,
        "team_kpi": team_kpi,
    }


def grid(**cells) -> dict:
    """{"target-2026-01": "10", …} from target_01="10", realisation_01="8"."""
    posted = {}
    for key, value in cells.items():
        kind, month = key.rsplit("_", 1)
        posted[f"{kind}-{YEAR}-{month}"] = value
    return posted


# --- Who reaches which page ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_everyone_reads_the_list_my_kpis_and_the_teams(world, people, persona):
    client = people[persona]

    for url in (f"{LIST}?tahun={YEAR}", MINE, f"{TEAMS}?tahun={YEAR}"):
        assert client.get(url).status_code == 200, url


def test_the_anonymous_are_sent_to_log_in(world, people):
    client = people["anonymous"]

    for url in (LIST, MINE, NEW, TEAMS, PEOPLE, page(world["pemda"]), team_page(world["team"])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        (
            "admin",
            {
                "IKU Pemda",
                "IKU BKPSDMD",
                "IKU Subbidang Diklat",
                "IKU Dinkes",
                "Prevalensi stunting",
            },
        ),
        (
            "mayor",
            {
                "IKU Pemda",
                "IKU BKPSDMD",
                "IKU Subbidang Diklat",
                "IKU Dinkes",
                "Prevalensi stunting",
            },
        ),
        ("head", {"IKU Pemda", "IKU BKPSDMD", "IKU Subbidang Diklat", "Prevalensi stunting"}),
        ("kabid", {"IKU Pemda", "IKU BKPSDMD", "IKU Subbidang Diklat"}),
        ("employee", {"IKU Pemda", "IKU BKPSDMD", "IKU Subbidang Diklat", "Prevalensi stunting"}),
        ("head_dinkes", {"IKU Pemda", "IKU Dinkes", "Prevalensi stunting"}),
    ],
)
def test_the_list_shows_each_role_its_scope(world, people, persona, seen):
    response = people[persona].get(f"{LIST}?tahun={YEAR}")

    assert {row["kpi"].name for row in response.context["rows"]} == seen


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("pemda", {"IKU Pemda"}),
        ("opd", {"IKU BKPSDMD", "IKU Subbidang Diklat", "IKU Dinkes"}),
        ("tim", {"Prevalensi stunting"}),
    ],
)
def test_the_list_filters_by_whose(world, people, kind, expected):
    response = people["admin"].get(f"{LIST}?tahun={YEAR}&jenis={kind}")

    assert {row["kpi"].name for row in response.context["rows"]} == expected


def test_the_list_filters_by_opd_team_and_words(world, people):
    admin = people["admin"]

    by_opd = admin.get(f"{LIST}?tahun={YEAR}&opd=BKPSDMD").context["rows"]
    by_team = admin.get(f"{LIST}?tahun={YEAR}&tim={world['team'].pk}").context["rows"]
    by_words = admin.get(f"{LIST}?tahun={YEAR}&q=dinkes").context["rows"]
    other_year = admin.get(f"{LIST}?tahun={YEAR + 1}").context["rows"]

    assert {r["kpi"].name for r in by_opd} == {"IKU BKPSDMD", "IKU Subbidang Diklat"}
    assert [r["kpi"].name for r in by_team] == ["Prevalensi stunting"]
    assert [r["kpi"].name for r in by_words] == ["IKU Dinkes"]
    assert other_year == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 200),
        ("sekda", 200),
        ("head", 200),
        ("head_dinkes", 200),
        ("kasub", 200),  # leads a team
        ("kabid", 403),
        ("employee", 403),
    ],
)
def test_who_may_open_the_new_kpi_form(world, people, persona, status):
    assert people[persona].get(NEW).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 200),
        ("sekda", 200),
        ("head", 200),
        ("kabid", 200),
        ("kasub", 200),
        ("employee", 200),
        ("head_dinkes", 404),
    ],
)
def test_who_sees_an_opds_kpi(world, people, persona, status):
    assert people[persona].get(page(world["bkpsdmd"])).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("head", 200),
        ("admin", 200),
        ("employee", 403),
        ("kasub", 403),
        ("mayor", 403),
        ("head_dinkes", 404),
    ],
)
def test_who_may_edit_an_opds_kpi(world, people, persona, status):
    assert people[persona].get(page(world["bkpsdmd"], "ubah/")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("employee", 403), ("kasub", 403), ("mayor", 403), ("head_dinkes", 404)],
)
def test_others_change_nothing_of_an_opds_kpi(world, people, org, persona, status):
    client = people[persona]
    kpi = world["bkpsdmd"]
    with org:
        linked = rhk_of(ANALIS)
        kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=linked)

    answers = [
        client.post(page(kpi, "ubah/"), kpi_data(name="Diubah")).status_code,
        client.post(page(kpi, "hapus/")).status_code,
        client.post(page(kpi), grid(target_01="5", realisation_01="5")).status_code,
        client.post(page(kpi, "rhk/"), {"rhk": "1"}).status_code,
        client.get(page(kpi, "rhk/cari/")).status_code,
        client.post(page(kpi, f"rhk/{linked.pk}/hapus/")).status_code,
    ]

    assert answers == [status] * 6
    with org:
        assert Kpi.objects.get(pk=kpi.pk).name == "IKU BKPSDMD"
        assert not KpiPeriod.objects.exists()
        assert list(kpi.rhk.all()) == [linked]


def test_the_units_head_reports_realisations_on_the_page_but_sets_no_target(world, people, org):
    kpi = world["section"]
    with org:
        kpis.kpi_periods_set(kpi=kpi, by=user("head"), targets={f"{YEAR}-01": "10"})
    client = people["kasub"]  # heads Subbidang Diklat

    shown = client.get(page(kpi))
    saved = client.post(page(kpi), grid(target_01="1", realisation_01="7"))

    assert shown.context["can_report"] and not shown.context["can_manage"]
    assert saved.status_code == 302
    with org:
        row = KpiPeriod.objects.get(kpi=kpi)
        assert (row.target, row.realisation) == (10, 7)  # the posted target is ignored


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("head", 200),
        ("kasub", 200),
        ("employee", 200),
        ("head_dinkes", 200),
        ("kabid", 404),
        ("mayor", 200),
    ],
)
def test_who_sees_a_team(world, people, persona, status):
    assert people[persona].get(team_page(world["team"])).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("employee", 403), ("head_dinkes", 403), ("kabid", 404)]
)
def test_members_and_others_change_nothing_of_a_team(world, people, org, persona, status):
    client = people[persona]
    team = world["team"]
    with org:
        analyst = Employee.objects.get(nip=ANALIS)
    answers = [
        client.get(team_page(team, "ubah/")).status_code,
        client.post(team_page(team, "ubah/"), {"name": "X", "lead": ANALIS}).status_code,
        client.post(team_page(team, "hapus/")).status_code,
        client.post(team_page(team, "anggota/"), {"nips": PPPK}).status_code,
        client.post(team_page(team, f"anggota/{analyst.pk}/hapus/")).status_code,
        client.get(team_page(team, "cari/")).status_code,
    ]

    assert answers == [status] * 6
    with org:
        assert Team.objects.get(pk=team.pk).name == "Tim Stunting"
        assert Team.objects.get(pk=team.pk).members.count() == 3


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 200),
        ("head", 200),
        ("kasub", 200),
        ("kabid", 403),
        ("employee", 403),
    ],
)
def test_who_may_search_the_whole_pemda_for_people(world, people, persona, status):
    response = people[persona].get(f"{PEOPLE}?q=Lina")

    assert response.status_code == status
    if status == 200:
        assert [r["value"] for r in response.json()["results"]] == [STAF_DINKES]


@pytest.mark.parametrize("persona", ["kabid", "kasub", "employee"])
def test_only_the_admin_leaders_and_heads_set_up_a_team_on_the_page(world, people, org, persona):
    response = people[persona].post(TEAMS, {"name": "Tim Baru", "year": YEAR})

    assert response.status_code == 403
    assert response.context is None or response.context.get("form") is None
    with org:
        assert not Team.objects.filter(name="Tim Baru").exists()


# --- Doing it on the pages -----------------------------------------------------------------------


def test_a_head_of_opd_adds_a_kpi_for_a_unit_and_fills_the_grid(world, people, org):
    client = people["head"]

    form = client.get(f"{NEW}?unit=BKPSDMD.1")
    made = client.post(
        NEW,
        {
            "owner": "unit",
            "unit": "BKPSDMD.1",
            "year": YEAR,
            **kpi_data(name="IKU Bidang", parent=world["bkpsdmd"].pk),
        },
    )
    with org:
        kpi = Kpi.objects.get(name="IKU Bidang")
    saved = client.post(page(kpi), grid(target_01="10", realisation_01="7,5", target_02="12"))
    shown = client.get(page(kpi))

    assert form.status_code == 200 and form.context["form"]["owner"].value() == "unit"
    assert made.status_code == 302 and made["Location"] == page(kpi)
    assert kpi.unit.code == "BKPSDMD.1" and kpi.parent == world["bkpsdmd"]
    assert saved.status_code == 302
    rows = {row["code"]: row for row in shown.context["grid"]}
    assert rows[f"{YEAR}-01"]["achievement"] == Decimal("75.00")
    assert rows[f"{YEAR}-01"]["realisation"] == "7,5"  # shown in Indonesian
    assert shown.context["chart"]["achievement"][:2] == [75.0, None]
    assert b"data-kpi-chart" in shown.content and b"js/activity-kpi.js" in shown.content
    assert b"<script>" not in shown.content


def test_the_pemdas_kpi_is_added_by_a_leader(world, people, org):
    response = people["mayor"].post(NEW, {"owner": "pemda", "year": YEAR, **kpi_data(name="IPM")})

    assert response.status_code == 302
    with org:
        assert Kpi.objects.get(name="IPM").unit is None


def test_a_head_of_opd_cannot_add_a_kpi_for_another_opd_by_posting_its_code(world, people, org):
    response = people["head"].post(
        NEW, {"owner": "unit", "unit": "DINKES", "year": YEAR, **kpi_data(name="Menyusup")}
    )

    assert response.status_code == 403
    with org:
        assert not Kpi.objects.filter(name="Menyusup").exists()


def test_a_team_lead_adds_the_teams_kpi_from_the_team_page(world, people, org):
    client = people["kasub"]
    team = world["team"]

    form = client.get(f"{NEW}?tim={team.pk}")
    made = client.post(
        NEW, {"owner": "team", "team": team.pk, "year": YEAR, **kpi_data(name="Cakupan imunisasi")}
    )

    assert form.context["form"]["team"].value() == team.pk
    assert made.status_code == 302
    with org:
        assert Kpi.objects.get(name="Cakupan imunisasi").team == team


@pytest.mark.parametrize(
    ("cells", "cell", "message"),
    [
        ({"target_01": "-3"}, f"target:{YEAR}-01", "cannot be negative"),
        ({"target_01": "sepuluh"}, f"target:{YEAR}-01", "must be a number"),
        ({"realisation_02": "4"}, f"realisation:{YEAR}-02", "before its realisation"),
    ],
)
def test_a_bad_cell_on_the_page_is_marked_and_nothing_is_saved(
    world, people, org, cells, cell, message
):
    client = people["head"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(page(world["bkpsdmd"]), grid(target_03="9", **cells))

    assert response.status_code == 400
    kind, code = cell.split(":", 1)
    row = next(r for r in response.context["grid"] if r["code"] == code)
    assert message in row[f"{kind}_error"]
    assert message.encode() in response.content
    # What was typed stays in the grid to be corrected.
    assert next(r for r in response.context["grid"] if r["code"] == f"{YEAR}-03")["target"] == "9"
    with org:
        assert not KpiPeriod.objects.exists()


def test_a_bad_cell_says_why_in_english_too(world, people, org):
    client = people["head"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(page(world["bkpsdmd"]), {"target-2026-01": "-3", "target-2026-13": "5"})

    assert response.status_code == 400
    assert b"cannot be negative" in response.content
    assert b"2026-13 is not a month of 2026" in response.content
    with org:
        assert not KpiPeriod.objects.exists()


def test_bad_kpi_fields_on_the_form_are_shown_and_nothing_is_stored(world, people, org):
    client = people["admin"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        NEW, {"owner": "pemda", "year": YEAR, **kpi_data(name="", annual_target="-1", weight="x")}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["annual_target"] == ["The annual target cannot be negative."]
    assert "name" in form.errors and "weight" in form.errors
    with org:
        assert Kpi.objects.count() == 5


def test_a_kpi_is_edited_and_removed_on_its_pages(world, people, org):
    client = people["head"]
    kpi = world["section"]

    edited = client.post(
        page(kpi, "ubah/"), kpi_data(name="IKU Diklat", parent=world["bkpsdmd"].pk)
    )
    removed = client.post(page(kpi, "hapus/"))

    assert edited.status_code == 302 and removed.status_code == 302
    with org:
        assert not Kpi.objects.filter(pk=kpi.pk).exists()


def test_the_rhk_search_and_link_on_the_kpi_page(world, people, org):
    with org:
        analyst_rhk = rhk_of(ANALIS, text="Tersusunnya kurikulum diklat")
        rhk_of(STAF_DINKES, text="Terlayaninya surat menyurat")
    client = people["head"]
    kpi = world["section"]

    found = client.get(page(kpi, "rhk/cari/") + "?q=kurikulum").json()["results"]
    elsewhere = client.get(page(kpi, "rhk/cari/") + "?q=surat").json()["results"]
    linked = client.post(page(kpi, "rhk/"), {"rhk": analyst_rhk.pk})
    shown = client.get(page(kpi))
    unlinked = client.post(page(kpi, f"rhk/{analyst_rhk.pk}/hapus/"))

    assert [r["value"] for r in found] == [analyst_rhk.pk] and elsewhere == []
    assert linked.status_code == 302
    assert shown.context["linked"] == [analyst_rhk]
    assert unlinked.status_code == 302
    with org:
        assert not kpi.rhk.exists()


def test_linking_an_rhk_outside_the_unit_is_refused_on_the_page(world, people, org):
    with org:
        elsewhere = rhk_of(STAF_DINKES)

    response = people["head"].post(page(world["section"], "rhk/"), {"rhk": elsewhere.pk})

    assert response.status_code == 400
    assert response.context["rhk_form"].errors
    with org:
        assert not world["section"].rhk.exists()


def test_a_head_sets_up_a_team_and_adds_members_by_search_and_by_pasted_nips(world, people, org):
    client = people["head"]

    made = client.post(TEAMS, {"name": "Tim Reformasi Birokrasi", "year": YEAR})
    with org:
        team = Team.objects.get(name="Tim Reformasi Birokrasi")
    search = client.get(team_page(team, "cari/") + "?q=" + STAF_DINKES[:8]).json()["results"]
    added = client.post(
        team_page(team, "anggota/"), {"member": STAF_DINKES, "nips": f"{ANALIS}\n{PPPK}, {ANALIS}"}
    )
    again = client.get(team_page(team, "cari/") + "?q=" + STAF_DINKES[:8]).json()["results"]

    assert made.status_code == 302 and made["Location"] == team_page(team)
    assert [r["value"] for r in search] == [STAF_DINKES]
    assert added.status_code == 302
    assert again == []  # a member is not offered again
    with org:
        assert set(team.members.values_list("nip", flat=True)) == {KABAN, STAF_DINKES, ANALIS, PPPK}
    shown = client.get(team_page(team))
    assert shown.context["opd_count"] == 2 and len(shown.context["members"]) == 4


@pytest.mark.parametrize(
    ("posted", "words"),
    [
        ({"nips": JAMBI_NIP}, b"No active employee of this Pemda has the NIP"),
        ({"nips": f"{ANALIS} 12345"}, b"A NIP is 18 digits; 12345 is not one."),
        ({"nips": ""}, b"Give the NIP of the person to add."),
    ],
)
def test_a_bad_member_is_refused_with_a_message_and_nothing_changes(
    world, people, org, posted, words
):
    client = people["kasub"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(team_page(world["team"], "anggota/"), posted)

    assert response.status_code == 400
    assert words in response.content
    with org:
        assert world["team"].members.count() == 3


def test_a_member_is_removed_and_the_lead_is_not(world, people, org):
    client = people["kasub"]
    with org:
        analyst = Employee.objects.get(nip=ANALIS)
        lead = Employee.objects.get(nip=KASUB)

    removed = client.post(team_page(world["team"], f"anggota/{analyst.pk}/hapus/"))
    kept = client.post(team_page(world["team"], f"anggota/{lead.pk}/hapus/"))

    assert removed.status_code == kept.status_code == 302
    with org:
        assert set(world["team"].members.values_list("nip", flat=True)) == {KASUB, STAF_DINKES}


def test_a_team_is_renamed_and_handed_to_a_new_lead(world, people, org):
    response = people["kasub"].post(
        team_page(world["team"], "ubah/"), {"name": "Tim Stunting Terpadu", "lead": STAF_DINKES}
    )

    assert response.status_code == 302
    with org:
        team = Team.objects.get(pk=world["team"].pk)
        assert (team.name, team.lead.nip) == ("Tim Stunting Terpadu", STAF_DINKES)


def test_a_team_with_kpis_is_not_removed_on_the_page(world, people, org):
    response = people["kasub"].post(team_page(world["team"], "hapus/"))

    assert response.status_code == 302
    with org:
        assert Team.objects.filter(pk=world["team"].pk).exists()


def test_my_kpis_show_what_credits_me_in_a_month(world, people, org):
    with org:
        kpis.kpi_periods_set(
            kpi=world["bkpsdmd"],
            by=user("head"),
            targets={f"{YEAR}-03": "100"},
            realisations={f"{YEAR}-03": "90"},
        )

    response = people["employee"].get(f"{MINE}?periode={YEAR}-03")
    bad = people["employee"].get(f"{MINE}?periode=zzz")

    names = {row["credit"].kpi.name for row in response.context["credits"]}
    assert names == {"IKU BKPSDMD", "IKU Subbidang Diklat", "Prevalensi stunting"}
    assert response.context["opd_index"] == Decimal("90.00")
    assert bad.status_code == 200  # an unreadable month shows the current one


def test_my_kpis_for_an_account_without_an_employee_record(world, people):
    response = people["mayor"].get(MINE)

    assert response.status_code == 200 and response.context["me"] is None


def test_the_menu_offers_the_kpi_pages(world, people):
    employee = people["employee"].get(LIST).content.decode()
    mayor = people["mayor"].get(LIST).content.decode()

    assert LIST in employee and TEAMS in employee and MINE in employee
    assert LIST in mayor and MINE not in mayor


# --- Another Pemda -------------------------------------------------------------------------


def test_another_pemda_sees_none_of_it(world, jambi_client):
    assert login(jambi_client, JAMBI_NIP, JAMBI_PASSWORD).status_code == 302

    listed = jambi_client.get(f"{LIST}?tahun={YEAR}")

    assert listed.status_code == 200 and listed.context["rows"] == []
    assert jambi_client.get(page(world["pemda"])).status_code == 404
    assert jambi_client.get(team_page(world["team"])).status_code == 404


# --- Query counts ---------------------------------------------------------------------------------


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _more_kpis(n: int) -> None:
    bkpsdmd = Unit.objects.get(code="BKPSDMD")
    for i in range(n):
        kpi = kpis.kpi_create(by=user("head"), year=YEAR, unit=bkpsdmd, **kpi_data(name=f"K{i}"))
        kpis.kpi_periods_set(
            kpi=kpi,
            by=user("head"),
            targets={f"{YEAR}-01": "10", f"{YEAR}-02": "10"},
            realisations={f"{YEAR}-01": "8"},
        )


@pytest.mark.parametrize("persona", ["admin", "head", "employee"])
def test_the_list_costs_the_same_for_5_or_35_kpis(
    world, people, org, persona, django_assert_max_num_queries
):
    url = f"{LIST}?tahun={YEAR}"
    few = _count(people[persona], url)
    with org:
        _more_kpis(30)

    with django_assert_max_num_queries(15):
        people[persona].get(url)
    assert _count(people[persona], url) == few


def test_a_kpis_page_costs_the_same_for_few_or_many_links(
    world, people, org, django_assert_max_num_queries
):
    kpi = world["bkpsdmd"]
    client = people["head"]
    few = _count(client, page(kpi))
    with org:
        for i in range(8):
            child = kpis.kpi_create(
                by=user("head"),
                year=YEAR,
                unit=Unit.objects.get(code="BKPSDMD.1"),
                **kpi_data(name=f"Turunan {i}", parent=kpi.pk),
            )
            assert child.parent == kpi
            kpis.kpi_rhk_link(kpi=kpi, by=user("head"), rhk=rhk_of(ANALIS, text=f"RHK {i}"))
        kpis.kpi_periods_set(
            kpi=kpi, by=user("head"), targets={f"{YEAR}-{m:02d}": "5" for m in range(1, 13)}
        )

    with django_assert_max_num_queries(16):
        client.get(page(kpi))
    assert _count(client, page(kpi)) == few


def test_a_team_page_costs_the_same_for_few_or_many_members(
    world, people, org, django_assert_max_num_queries
):
    team = world["team"]
    client = people["kasub"]
    few = _count(client, team_page(team))
    with org:
        position = Position.objects.get(code="PENGADMIN")
        many = EmployeeFactory.create_batch(20, position=position, unit=position.unit)
        team.members.add(*many)
        for i in range(5):
            kpis.kpi_create(by=user("kasub"), year=YEAR, team=team, **kpi_data(name=f"T{i}"))

    with django_assert_max_num_queries(15):
        client.get(team_page(team))
    assert _count(client, team_page(team)) == few


def test_the_team_list_costs_the_same_for_one_or_many_teams(world, people, org):
    client = people["admin"]
    url = f"{TEAMS}?tahun={YEAR}"
    few = _count(client, url)
    with org:
        for i in range(10):
            kpis.team_create(by=user("admin"), name=f"Tim {i}", year=YEAR, lead=ANALIS)

    assert _count(client, url) == few


# --- Odd and hostile input never answers 5xx ----------------------------------------------------

HOSTILE = ("zz'\"<>", "-1", "9" * 25, "", "1900", "2999", "3000", "2026-Q1", "2026-13", "\x00")


def test_odd_and_hostile_parameters_never_answer_5xx(world, people):
    """Every GET page and lookup of the module, each query parameter alone with each odd
    value, as an admin, a head of OPD, a team lead and an employee; and ids that do not
    exist."""
    pages = {
        LIST: ("tahun", "jenis", "opd", "tim", "q", "page"),
        MINE: ("periode",),
        TEAMS: ("tahun",),
        NEW: ("tahun", "unit", "tim", "owner"),
        PEOPLE: ("q",),
        page(world["bkpsdmd"], "rhk/cari/"): ("q",),
        team_page(world["team"], "cari/"): ("q",),
    }
    missing = [
        "/aktivitas/kpi/999999/",
        "/aktivitas/kpi/999999/ubah/",
        "/aktivitas/kpi/999999/rhk/cari/",
        "/aktivitas/kpi/tim/999999/",
        "/aktivitas/kpi/tim/999999/ubah/",
        "/aktivitas/kpi/tim/999999/cari/",
    ]
    failures = []
    for persona in ("admin", "head", "kasub", "employee"):
        client = people[persona]
        for url, names in pages.items():
            for name in names:
                for value in HOSTILE:
                    status = client.get(url, {name: value}).status_code
                    if status >= 500:
                        failures.append((persona, url, name, value, status))
        for url in missing:
            status = client.get(url).status_code
            if status != 404:
                failures.append((persona, url, status))

    assert failures == []
