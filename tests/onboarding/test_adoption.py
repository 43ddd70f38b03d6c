"""The mentor's view: its adopters' progress, aggregates only, small groups suppressed."""

import pytest
from django.db import connection
from django.utils import timezone

from core.accounts.models import User
from onboarding.adoption import (
    SUPPRESSED,
    AdoptionCounts,
    adopters_of,
    adoption_progress,
    adoption_row,
    share_display,
)
from tests import personas
from tests.conftest import client_for, login, personas_import

pytestmark = pytest.mark.django_db


# --- The rules (pure) ----------------------------------------------------------------------


def test_a_share_is_a_whole_percentage():
    assert share_display(2, 8) == "25%"
    assert share_display(0, 5) == "0%"
    assert share_display(5, 5) == "100%"


def test_a_group_of_fewer_than_five_people_is_suppressed():
    assert share_display(0, 4) == SUPPRESSED
    assert share_display(4, 4) == SUPPRESSED
    assert share_display(0, 0) == SUPPRESSED


def test_a_pemda_with_fewer_than_five_employees_shows_nothing_but_the_sign():
    counts = AdoptionCounts(
        employees=4, logged_in=1, with_email=2, with_phone=0, with_tmt=3, units=3, units_headed=2
    )
    row = adoption_row(pemda_name="Kota X", template_name="Model Y", counts=counts)
    assert {
        row.employees,
        row.logged_in,
        row.with_email,
        row.with_phone,
        row.with_tmt,
        row.units_headed,
    } == {SUPPRESSED}


def test_a_pemda_with_five_employees_or_more_shows_its_shares():
    counts = AdoptionCounts(
        employees=8, logged_in=2, with_email=1, with_phone=0, with_tmt=6, units=4, units_headed=3
    )
    row = adoption_row(pemda_name="Kota X", template_name="Model Y", counts=counts)
    assert (row.employees, row.logged_in, row.with_tmt, row.units_headed) == (
        "8",
        "25%",
        "75%",
        "75%",
    )


# --- Who mentors whom, and what the mentor sees ---------------------------------------------


@pytest.fixture
def jambi_org(jambi):
    """Kota Jambi (which adopted Model Surabaya) with the personas' organisation; two of its
    people have logged in."""
    with jambi:
        personas_import()
        User.objects.filter(nip__in=[personas.KABAN, personas.ANALIS]).update(
            last_login=timezone.now()
        )
    return jambi


def test_surabaya_mentors_jambi_which_adopted_its_model(surabaya, jambi):
    assert list(adopters_of(surabaya)) == [jambi]
    assert list(adopters_of(jambi)) == []


def test_the_mentor_sees_its_adopters_figures(org, jambi_org):
    (row,) = adoption_progress(org)
    assert (row.pemda_name, row.template_name) == ("Kota Jambi", "Model Surabaya")
    total = len(personas.EMPLOYEES) - 1
    assert row.employees == str(total)
    assert row.logged_in == share_display(2, total)
    assert row.with_email == share_display(1, total)


def test_a_small_adopter_is_suppressed(org, jambi):
    (row,) = adoption_progress(org)  # Kota Jambi has no employee record yet
    assert row.employees == SUPPRESSED and row.logged_in == SUPPRESSED


def _admin_client(pemda, password):
    client = client_for(pemda)
    assert login(client, "admin", password).status_code == 302
    return client


def test_the_mentors_admin_sees_the_page_without_personal_data(people, org, jambi_org):
    response = people["admin"].get("/konfigurasi/adopsi/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kota Jambi" in page and "Model Surabaya" in page
    for row in personas.EMPLOYEES[1:]:
        nip, name, email = row[0], row[1], row[7]
        assert nip not in page and name not in page
        assert not email or email not in page
    assert "pegawai" not in page  # an account name of Jambi


def test_the_mentors_configuration_page_links_to_the_adoption_progress(people):
    page = people["admin"].get("/konfigurasi/").content.decode()
    assert 'href="/konfigurasi/adopsi/"' in page


def test_an_adopters_admin_does_not_see_other_adopters(jambi_org):
    from tests.conftest import JAMBI_PASSWORD

    client = _admin_client(jambi_org, JAMBI_PASSWORD)
    response = client.get("/konfigurasi/adopsi/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kota Jambi" not in page.split("<main", 1)[1].split("</h1>", 1)[1]
    assert "Kota Surabaya" not in page
    assert 'href="/konfigurasi/adopsi/"' not in client.get("/konfigurasi/").content.decode()


@pytest.mark.parametrize("persona", ["mayor", "sekda", "head", "employee"])
def test_only_the_admin_sees_the_adoption_progress(people, persona):
    assert people[persona].get("/konfigurasi/adopsi/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(people):
    response = people["anonymous"].get("/konfigurasi/adopsi/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_surabaya_session_is_worthless_at_jambi(people, jambi):
    """The mentor's admin cannot read an adopter's pages either: sessions are per schema."""
    client = people["admin"]
    client.defaults["HTTP_HOST"] = jambi.domain_name
    response = client.get("/konfigurasi/adopsi/")
    assert response.status_code == 302


def test_a_pemda_that_published_a_template_mentors_its_adopters(people, org, jambi):
    from tenants.services import pemda_provision, pemda_request

    people["admin"].post(
        "/konfigurasi/terbitkan/", {"label": "Model Surabaya 2", "description": "Versi 2."}
    )
    connection.set_schema_to_public()
    pemda = pemda_provision(
        pemda_id=pemda_request(region_code="33.15", template_name="surabaya_1", slug="grobogan").pk
    )
    assert [p.name for p in adopters_of(org)] == ["Kabupaten Grobogan", "Kota Jambi"]
    assert pemda in adopters_of(org)
    # Jambi adopted the built model, not Surabaya's publication: Grobogan is not its adopter.
    assert list(adopters_of(jambi)) == []


def test_the_page_reads_every_adopter_in_one_statement(people, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert people["admin"].get("/konfigurasi/adopsi/").status_code == 200
