"""The template catalogue on the platform site (/templat/) and the preview selector."""

import pytest
from django.utils.html import escape

from onboarding.selectors import template_catalogue, template_preview

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_the_three_templates_with_their_mentor_and_users(platform_client):
    response = platform_client.get("/templat/")
    page = response.content.decode()
    assert response.status_code == 200
    for label in ("Model Surabaya", "Model Jawa Barat", "Nasional"):
        assert label in page
    # Kota Surabaya follows its own model and mentors Kota Jambi, which adopted it.
    entry = {e.name: e for e in template_catalogue(language="id")}["surabaya"]
    assert entry.mentor == "Kota Surabaya"
    assert entry.users == ("Kota Jambi", "Kota Surabaya")
    assert "Kota Jambi" in page


def test_the_catalogue_is_in_indonesian_by_default(platform_client):
    page = platform_client.get("/templat/nasional/").content.decode()
    assert escape("Pengaturan dasar sesuai PermenPANRB 6/2022") in page
    assert "The plain set-up" not in page


def test_the_detail_describes_each_setting_its_rule_tables_and_catalogues(platform_client):
    response = platform_client.get("/templat/surabaya/")
    assert response.status_code == 200
    preview = template_preview("surabaya", "en")
    described = {item.label: item.value for item in preview.settings}
    assert described["Assessment period"] == "Monthly"
    assert described["Daily activity log"] == "yes"
    assert described["Weight of individual work results"] == "80%"
    assert described["Performance pay (TPP) paid"] == "every quarter"
    assert {table.name for table in preview.rules} >= {"predikat_matrix", "nine_box"}
    assert {table.name for table in preview.catalogues} == {
        "catalogue.opd_types",
        "catalogue.norma_waktu",
    }
    page = response.content.decode()
    assert "Mengagendakan surat masuk dan keluar" in page  # a norma waktu entry
    assert "Inspektorat" in page  # an OPD type


def test_the_preview_of_model_jawa_barat_shows_its_talent_settings():
    described = {item.label: item.value for item in template_preview("jabar", "en").settings}
    assert described["Weights of the potential axis"] == (
        "competence 40%, potential 40%, qualification 20%"
    )
    assert described["Talent pool from the 9-box"] == "yes"
    assert described["Cross-OPD teams"] == "yes"


@pytest.mark.parametrize("name", ["tidak-ada", "public", "x" * 80, "tpl_surabaya"])
def test_an_unknown_template_is_not_found(platform_client, name):
    assert platform_client.get(f"/templat/{name}/").status_code == 404
    assert template_preview(name, "id") is None


def test_the_catalogue_only_reads(platform_client):
    assert platform_client.post("/templat/").status_code == 405
    assert platform_client.post("/templat/surabaya/").status_code == 405


def test_the_platform_home_links_to_the_catalogue(platform_client):
    page = platform_client.get("/").content.decode()
    assert 'href="/templat/"' in page
    assert 'href="/templat/surabaya/"' in page


def test_the_catalogue_is_not_served_on_a_pemda_site(surabaya_client):
    assert surabaya_client.get("/templat/").status_code == 404
