"""The SKP planning pages: my SKP, anyone's SKP one may see, the RHK and IKI forms, the team
list, the catalogue, the menu and the home card; who is refused where (404 unseen, 403 seen
but not theirs to change), bad input on the forms, and the query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.org.models import Position
from core.performance import services
from core.performance.models import Iki, Rhk, RhkTemplate, Skp
from tests.conftest import JAMBI_PASSWORD, login
from tests.performance.test_assign import many_appraisees
from tests.performance.test_skp_support import (
    YEAR,
    cascade,
    employee,
    iki,
    rated,
    skp_of,
    user_of,
)
from tests.personas import ANALIS, KABID, KASUB, PPPK

pytestmark = pytest.mark.django_db

MINE = "/kinerja/skp/"
TEAM = "/kinerja/tim/"
CATALOGUE = "/kinerja/katalog/"
START = "/kinerja/skp/mulai/"


def detail(skp) -> str:
    return f"/kinerja/skp/{skp.pk}/"


def new_rhk(skp) -> str:
    return f"/kinerja/skp/{skp.pk}/rhk/baru/"


def rhk_form(**changes) -> dict:
    return {
        "kind": "utama",
        "text": "Tersusunnya analisis jabatan",
        "parent": "",
        "iki_text": "Jumlah dokumen analisis jabatan",
        "iki_aspect": "kuantitas",
        "iki_approach": "kuantitatif",
        "iki_target_value": "12",
        "iki_target_unit": "Dokumen",
        **changes,
    }


# --- My SKP ----------------------------------------------------------------------------------


def test_an_employee_starts_their_skp_of_the_year_and_sees_it(org, people):
    client = people["employee"]

    first = client.get(MINE)
    started = client.post(MINE, {"tahun": YEAR})

    assert first.status_code == 200 and first.context["can_start"]
    assert first.context["skp"] is None
    assert started.status_code == 302
    with org:
        assert Skp.objects.filter(employee__nip=ANALIS, year=YEAR).exists()
    assert client.get(MINE).context["can_edit"]


def test_a_year_far_away_cannot_be_started(org, people):
    people["employee"].post(MINE, {"tahun": 2999})

    with org:
        assert not Skp.objects.filter(employee__nip=ANALIS).exists()


def test_my_skp_shows_rhk_utama_and_tambahan_with_iki_targets_and_the_rhk_supported(org, people):
    with org:
        made = cascade()
        services.rhk_create(
            skp=made["employee"].skp,
            by=user_of("employee"),
            kind="tambahan",
            text="Menjadi narasumber",
            iki=[iki(text="Kegiatan", target_value="2", target_unit="Kali")],
        )

    response = people["employee"].get(MINE, {"tahun": YEAR})

    page = response.content.decode()
    groups = {kind: [rhk.text for rhk in rows] for kind, _label, rows in response.context["groups"]}
    assert groups == {
        "utama": ["Tersusunnya kurikulum diklat teknis"],
        "tambahan": ["Menjadi narasumber"],
    }
    assert "12 Dokumen" in page and "2 Kali" in page
    assert "Terlaksananya diklat teknis" in page  # the Kasubbid's RHK it supports
    assert f'href="/kinerja/skp/{made["employee"].skp_id}/rhk/baru/"' in page


@pytest.mark.parametrize("persona", ["admin", "mayor"])
def test_an_account_without_an_employee_record_is_told_it_has_no_skp(people, persona):
    response = people[persona].get(MINE)

    assert response.status_code == 200 and response.context["no_employee"]


def test_my_skp_costs_the_same_queries_for_one_or_many_rhk(
    org, people, django_assert_max_num_queries
):
    client = people["employee"]
    with org:
        skp = skp_of(ANALIS)
        owner = user_of("employee")
        services.rhk_create(skp=skp, by=owner, kind="utama", text="RHK 0", iki=[iki()])
    client.get(MINE)
    with CaptureQueriesContext(connection) as one:
        client.get(MINE)
    with org:
        for n in range(1, 12):
            services.rhk_create(
                skp=skp,
                by=owner,
                kind=("utama", "tambahan")[n % 2],
                text=f"RHK {n}",
                iki=[iki(), iki(text="Waktu", aspect="waktu")],
            )

    with django_assert_max_num_queries(13):
        response = client.get(MINE)

    assert len(response.context["groups"][0][2]) + len(response.context["groups"][1][2]) == 12
    with CaptureQueriesContext(connection) as many:
        client.get(MINE)
    assert len(many) == len(one)


# --- Someone's SKP: who sees, who writes -------------------------------------------------------


def test_a_peer_neither_sees_nor_edits_another_employees_skp(org, people):
    with org:
        skp = skp_of(PPPK)

    assert people["employee"].get(detail(skp)).status_code == 404
    assert people["employee"].post(new_rhk(skp), rhk_form()).status_code == 404
    with org:
        assert not Rhk.objects.filter(skp=skp).exists()


def test_the_atasan_edits_an_appraisees_skp(org, people):
    with org:
        skp = skp_of(ANALIS)

    page = people["kasub"].get(detail(skp))
    added = people["kasub"].post(new_rhk(skp), rhk_form())

    assert page.status_code == 200 and page.context["can_edit"]
    assert added.status_code == 302 and added["Location"] == detail(skp)
    with org:
        [rhk] = Rhk.objects.filter(skp=skp)
        assert [i.target_display for i in rhk.iki.all()] == ["12 Dokumen"]


def test_the_atasan_above_reaches_only_their_own_appraisees(org, people):
    """The Kabid appraises the Kasubbid, not the Kasubbid's analysts."""
    with org:
        analyst, kasub = skp_of(ANALIS), skp_of(KASUB)

    assert people["kabid"].get(detail(analyst)).status_code == 404
    assert people["kabid"].post(new_rhk(analyst), rhk_form()).status_code == 404
    assert people["kabid"].get(detail(kasub)).context["can_edit"]


@pytest.mark.parametrize("persona", ["mayor", "sekda", "admin", "head"])
def test_those_who_only_read_see_the_skp_but_may_not_change_it(org, people, persona):
    """The leaders, the BKPSDMD admin, and the head of the OPD for someone they do not
    appraise themself."""
    with org:
        rhk = cascade()["employee"]
        skp = rhk.skp
        the_iki = rhk.iki.get()
    client = people[persona]

    page = client.get(detail(skp))

    assert page.status_code == 200 and not page.context["can_edit"]
    assert b"/rhk/baru/" not in page.content
    assert client.get(new_rhk(skp)).status_code == 403
    assert client.post(new_rhk(skp), rhk_form()).status_code == 403
    assert client.post(f"{detail(skp)}rhk/{rhk.pk}/ubah/", rhk_form()).status_code == 403
    assert client.post(f"{detail(skp)}rhk/{rhk.pk}/hapus/").status_code == 403
    assert client.post(f"{detail(skp)}iki/{the_iki.pk}/hapus/").status_code == 403
    with org:
        assert Rhk.objects.filter(skp=skp).count() == 1 and Iki.objects.filter(pk=the_iki.pk)


def test_another_pemdas_ids_resolve_nowhere(org, people, jambi_client):
    with org:
        skp = skp_of(ANALIS)
    assert login(jambi_client, "admin", JAMBI_PASSWORD).status_code == 302

    assert jambi_client.get(detail(skp)).status_code == 404
    assert jambi_client.post(new_rhk(skp), rhk_form()).status_code == 404


def test_an_rhk_reached_through_another_skps_address_is_not_found(org, people):
    with org:
        made = cascade()
        other = skp_of(PPPK)

    response = people["kasub"].post(f"{detail(other)}rhk/{made['employee'].pk}/ubah/", rhk_form())

    assert response.status_code == 404


# --- Bad input on the forms --------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"iki_target_unit": ""}, "iki_target_unit"),
        ({"iki_target_value": "dua belas", "text": ""}, "iki_target_value"),
        ({"iki_target_value": ""}, "iki_target_value"),
        ({"text": ""}, "text"),
        ({"kind": "lainnya"}, "kind"),
        ({"parent": "999999"}, "parent"),
    ],
)
def test_a_bad_rhk_form_says_what_is_wrong_next_to_the_field_and_writes_nothing(
    org, people, changes, field
):
    with org:
        skp = skp_of(ANALIS)

    response = people["employee"].post(new_rhk(skp), rhk_form(**changes))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    if "text" in changes:  # every problem is said at once
        assert "text" in response.context["form"].errors
    with org:
        assert not Rhk.objects.filter(skp=skp).exists()


def test_a_decimal_comma_is_a_decimal_point(org, people):
    with org:
        skp = skp_of(ANALIS)

    people["employee"].post(new_rhk(skp), rhk_form(iki_target_value="7,5"))

    with org:
        assert Iki.objects.get(rhk__skp=skp).target_display == "7.5 Dokumen"


def test_a_parent_offered_is_only_an_rhk_of_the_atasans_skp(org, people):
    with org:
        made = cascade()
        skp = made["employee"].skp

    form = people["employee"].get(new_rhk(skp)).context["form"]

    assert [value for value, _label in form.fields["parent"].choices] == ["", str(made["kasub"].pk)]
    wrong = people["employee"].post(new_rhk(skp), rhk_form(parent=str(made["kabid"].pk)))
    assert wrong.status_code == 400 and "parent" in wrong.context["form"].errors


def test_a_jpt_form_asks_for_the_perspektif(org, people):
    with org:
        skp = skp_of("197205151995032002")  # the head of BKPSDMD: JPT Pratama

    missing = people["head"].post(new_rhk(skp), rhk_form())
    given = people["head"].post(new_rhk(skp), rhk_form(perspektif="penerima_layanan"))

    assert missing.status_code == 400 and "perspektif" in missing.context["form"].errors
    assert given.status_code == 302


def test_a_locked_skp_shows_read_only_and_refuses_changes(org, people):
    with org:
        rhk = cascade()["employee"]
        skp = rhk.skp
        rated(skp)

    page = people["employee"].get(MINE)
    form = people["employee"].get(new_rhk(skp))
    posted = people["employee"].post(new_rhk(skp), rhk_form())
    edited = people["employee"].post(f"{detail(skp)}rhk/{rhk.pk}/ubah/", rhk_form(text="Baru"))

    assert page.context["locked"] and not page.context["can_edit"]
    assert form.status_code == 302
    assert posted.status_code == 400 and posted.context["form"].non_field_errors()
    assert edited.status_code == 400
    with org:
        rhk.refresh_from_db()
        assert rhk.text == "Tersusunnya kurikulum diklat teknis"
        assert Rhk.objects.filter(skp=skp).count() == 1


def test_the_owner_edits_and_removes_rhk_and_iki_through_the_pages(org, people):
    client = people["employee"]
    with org:
        rhk = cascade()["employee"]
        skp = rhk.skp
        the_iki = rhk.iki.get()

    edited = client.post(
        f"{detail(skp)}rhk/{rhk.pk}/ubah/", rhk_form(text="Kurikulum baru", parent=rhk.parent_id)
    )
    iki_added = client.post(
        f"{detail(skp)}rhk/{rhk.pk}/iki/baru/",
        {
            "text": "Ketepatan",
            "aspect": "waktu",
            "approach": "kuantitatif",
            "target_value": "12",
            "target_unit": "Bulan",
        },
    )
    iki_bad = client.post(
        f"{detail(skp)}iki/{the_iki.pk}/ubah/",
        {"text": "X", "aspect": "kuantitas", "approach": "kuantitatif", "target_value": "1"},
    )
    iki_removed = client.post(f"{detail(skp)}iki/{the_iki.pk}/hapus/")

    assert [r.status_code for r in (edited, iki_added, iki_removed)] == [302, 302, 302]
    assert iki_bad.status_code == 400 and "target_unit" in iki_bad.context["form"].errors
    with org:
        rhk.refresh_from_db()
        assert rhk.text == "Kurikulum baru"
        assert [i.target_display for i in rhk.iki.all()] == ["12 Bulan"]
    assert client.post(f"{detail(skp)}rhk/{rhk.pk}/hapus/").status_code == 302
    with org:
        assert not Rhk.objects.filter(pk=rhk.pk).exists()


# --- The team ------------------------------------------------------------------------------


def test_the_atasan_sees_their_people_with_the_state_of_their_skp(org, people):
    with org:
        cascade()
        rhk = services.rhk_create(
            skp=skp_of(PPPK), by=user_of("kasub"), kind="utama", text="Tanpa IKI"
        )
        assert rhk.iki.count() == 0

    response = people["kasub"].get(TEAM)

    rows = {row.nip: row for row in response.context["page"]}
    assert set(rows) == {ANALIS, PPPK}
    assert (rows[ANALIS].rhk_count, rows[ANALIS].status.code) == (1, "planned")
    assert rows[PPPK].status.code == "no_iki"


def test_the_atasan_starts_an_appraisees_skp_from_the_team_list(org, people):
    with org:
        pppk = employee(PPPK).pk
        analyst = employee(ANALIS).pk
    start = {"employee": pppk, "tahun": YEAR}

    listed = people["kasub"].get(TEAM).content.decode()
    started = people["kasub"].post(START, start)

    assert START in listed
    with org:
        skp = Skp.objects.get(employee_id=pppk, year=YEAR)
    assert started["Location"] == detail(skp)
    assert people["employee"].post(START, start).status_code == 404  # a peer
    assert people["head"].post(START, {"employee": analyst, "tahun": YEAR}).status_code == 403
    assert people["mayor"].post(START, {"employee": analyst, "tahun": YEAR}).status_code == 403
    assert people["kasub"].post(START, {"employee": "x"}).status_code == 404
    with org:
        assert not Skp.objects.filter(employee_id=analyst).exists()


def test_the_head_of_opd_sees_the_whole_opd_and_an_employee_nobody(org, people):
    head = people["head"].get(TEAM)
    employee = people["employee"].get(TEAM)

    assert {row.nip for row in head.context["page"]} == {KABID, KASUB, ANALIS, PPPK}
    assert list(employee.context["page"]) == []
    subunit = people["head"].get(TEAM, {"unit": "BKPSDMD.1.1"})
    assert {row.nip for row in subunit.context["page"]} == {KASUB, ANALIS, PPPK}


def test_a_rated_skp_shows_as_locked_on_the_team_list(org, people):
    with org:
        rated(skp_of(ANALIS))

    rows = {row.nip: row for row in people["kasub"].get(TEAM).context["page"]}

    assert rows[ANALIS].status.code == "locked"
    assert rows[PPPK].status.code == "none"


def test_the_team_list_costs_the_same_queries_for_2_or_60_people(
    org, people, django_assert_max_num_queries
):
    client = people["kasub"]
    client.get(TEAM)
    with CaptureQueriesContext(connection) as few:
        client.get(TEAM)
    with org:
        for person in many_appraisees(58):
            services.skp_get_or_create(employee=person, year=YEAR)

    with django_assert_max_num_queries(11):
        response = client.get(TEAM)

    assert response.context["page"].paginator.count == 60
    assert len(response.context["page"].object_list) == 50
    with CaptureQueriesContext(connection) as many:
        client.get(TEAM)
    assert len(many) == len(few)


# --- The catalogue -------------------------------------------------------------------------


def catalogue_form(**changes) -> dict:
    return {
        "position": "ANALIS",
        "kind": "utama",
        "text": "Tersusunnya analisis jabatan",
        "iki_text": "Jumlah dokumen",
        "iki_aspect": "kuantitas",
        "iki_approach": "kuantitatif",
        "iki_target_value": "12",
        "iki_target_unit": "Dokumen",
        **changes,
    }


def test_the_admin_keeps_the_catalogue_and_others_read_it(org, people):
    added = people["admin"].post(CATALOGUE, catalogue_form())
    bad = people["admin"].post(CATALOGUE, catalogue_form(iki_target_unit=""))

    assert added.status_code == 302 and bad.status_code == 400
    assert "iki_target_unit" in bad.context["form"].errors
    with org:
        entry = RhkTemplate.objects.get()
        assert entry.iki[0]["target_value"] == "12" and entry.position.code == "ANALIS"
    listed = people["kasub"].get(CATALOGUE, {"jabatan": "ANALIS"})
    assert [e.pk for e in listed.context["page"]] == [entry.pk]
    assert listed.context["form"] is None
    assert people["kasub"].post(CATALOGUE, catalogue_form()).status_code == 403
    assert people["kasub"].post(f"{CATALOGUE}{entry.pk}/hapus/").status_code == 403
    assert people["admin"].post(f"{CATALOGUE}{entry.pk}/hapus/").status_code == 302
    with org:
        assert not RhkTemplate.objects.exists()


def test_an_unknown_position_is_said_on_the_catalogue_form(org, people):
    response = people["admin"].post(CATALOGUE, catalogue_form(position="TIDAKADA"))

    assert response.status_code == 400 and "position" in response.context["form"].errors
    with org:
        assert not RhkTemplate.objects.exists()
        assert Position.objects.filter(code="ANALIS").exists()


# --- Menu and home card --------------------------------------------------------------------


def test_the_menu_offers_my_skp_to_employees_and_the_team_to_atasan(people):
    employee = people["employee"].get(MINE).content.decode()
    atasan = people["kasub"].get(MINE).content.decode()
    admin = people["admin"].get(CATALOGUE).content.decode()

    assert 'href="/kinerja/skp/"' in employee and 'href="/kinerja/tim/"' not in employee
    assert 'href="/kinerja/tim/"' in atasan
    assert 'href="/kinerja/skp/"' not in admin and 'href="/kinerja/katalog/"' in admin


def test_the_home_card_counts_my_rhk_and_iki(org, people):
    with org:
        cascade()

    home = people["employee"].get("/")

    cards = {card.key: context for card, context in home.context["cards"]}
    assert cards["performance.my_skp"]["skp"]["rhk_n"] == 1
    assert cards["performance.my_skp"]["skp"]["iki_n"] == 1
    assert "performance.my_skp" not in {
        card.key for card, _c in people["admin"].get("/").context["cards"]
    }
