import json

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import escape

from onboarding.templates_catalogue import DATA_DIR, template_spec_read
from tenants.models import Pemda

pytestmark = pytest.mark.django_db


def _description(name: str) -> dict[str, str]:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))["description"]


def test_every_template_is_described_in_indonesian_and_english():
    for name in ("surabaya", "jabar"):
        description = _description(name)
        assert set(description) == {"id", "en"}
        assert description["id"] != description["en"]


def test_the_platform_home_describes_the_templates_in_indonesian_by_default(platform_client):
    page = platform_client.get("/").content.decode()
    for name in ("surabaya", "jabar"):
        assert escape(_description(name)["id"]) in page
        assert escape(_description(name)["en"]) not in page


def test_the_platform_home_describes_the_templates_in_english_when_chosen(platform_client):
    platform_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = platform_client.get("/").content.decode()
    for name in ("surabaya", "jabar"):
        assert escape(_description(name)["en"]) in page
        assert escape(_description(name)["id"]) not in page


def test_the_template_row_keeps_the_indonesian_description():
    template = Pemda.objects.get(schema_name="tpl_surabaya")
    assert template.description == _description("surabaya")["id"]


def test_a_template_without_both_languages_is_refused_by_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        json.dumps(
            {
                "name": "broken",
                "label": "Model X",
                "version": 1,
                "settings": {},
                "description": {"id": "Hanya bahasa Indonesia"},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImproperlyConfigured, match="broken.json.*description.*en"):
        template_spec_read(path, rules={})


# --- The three templates, their data files, and the idempotent build (issue 8, item 1) ------


def _raw(name: str) -> dict:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def test_there_are_three_templates_surabaya_jawa_barat_and_nasional():
    from onboarding.templates_catalogue import template_specs

    specs = template_specs()
    assert {"surabaya", "jabar", "nasional"} <= set(specs)
    assert specs["nasional"].label == "Nasional"
    assert set(_description("nasional")) == {"id", "en"}
    assert "PermenPANRB 6/2022" in _description("nasional")["id"]


def test_model_surabaya_sets_a_daily_log_a_monthly_index_80_20_and_quarterly_pay():
    settings_ = _raw("surabaya")["settings"]
    assert settings_["performance.daily_activity_log"] is True
    assert settings_["performance.evaluation_period"] == "monthly"
    assert settings_["performance.monthly_individual_index"] is True
    assert settings_["performance.individual_weight_percent"] == 80
    assert settings_["performance.behaviour_weight_percent"] == 20
    assert settings_["tpp.payment_cycle"] == "quarterly"


def test_model_jawa_barat_is_talent_first_with_west_java_weights_a_pool_and_cross_opd_teams():
    settings_ = _raw("jabar")["settings"]
    # SIM Jawara's potential axis: competence 40, potential 40, qualification 20.
    assert settings_["talent.potential_weights_percent"] == {
        "competence": 40,
        "potential": 40,
        "qualification": 20,
    }
    assert settings_["talent.talent_pool"] is True
    assert settings_["talent.succession_from_talent_pool"] is True
    assert settings_["kpi.cross_opd_teams"] is True


def test_nasional_keeps_the_plain_quarterly_set_up_without_local_additions():
    settings_ = _raw("nasional")["settings"]
    assert settings_["performance.evaluation_period"] == "quarterly"
    assert settings_["performance.daily_activity_log"] is False
    assert "performance.individual_weight_percent" not in settings_
    assert settings_["kpi.cross_opd_teams"] is False


def test_every_template_carries_the_opd_type_and_norma_waktu_catalogues():
    from onboarding.templates_catalogue import template_specs

    for spec in template_specs().values():
        assert spec.rules["catalogue.opd_types"]["data"], spec.name
        norms = spec.rules["catalogue.norma_waktu"]["data"]
        assert norms and all(entry["minutes_per_unit"] > 0 for entry in norms), spec.name


def test_the_opd_type_catalogue_names_only_kinds_the_org_module_knows():
    from core.org.ranks import UnitKind
    from onboarding.templates_catalogue import template_specs

    kinds = {
        entry["kind"] for entry in template_specs()["nasional"].rules["catalogue.opd_types"]["data"]
    }
    assert kinds <= set(UnitKind.values)


def test_the_built_template_schemas_hold_the_data_files_configuration():
    from core.config.models import PolicySetting, RuleTable
    from onboarding.templates_catalogue import template_specs

    for spec in template_specs().values():
        with Pemda.objects.get(schema_name=spec.schema_name):
            assert dict(PolicySetting.objects.values_list("key", "value")) == spec.settings
            assert set(RuleTable.objects.values_list("name", flat=True)) == set(spec.rules)


def _template_rows() -> dict:
    from core.config.models import PolicySetting, RuleTable
    from onboarding.templates_catalogue import template_specs

    rows = {}
    for spec in template_specs().values():
        template = Pemda.objects.get(schema_name=spec.schema_name)
        with template:
            rows[spec.name] = (
                (template.pk, template.name, template.slug, template.template_version),
                sorted(PolicySetting.objects.values_list("pk", "key", "value")),
                sorted(RuleTable.objects.values_list("pk", "name", "version", "source", "data")),
            )
    return rows


def test_build_templates_twice_leaves_the_same_rows():
    from django.core.management import call_command

    call_command("build_templates", verbosity=0)
    first = _template_rows()
    call_command("build_templates", verbosity=0)
    assert _template_rows() == first
    assert (
        Pemda.objects.filter(
            is_template=True, schema_name__in=["tpl_surabaya", "tpl_jabar", "tpl_nasional"]
        ).count()
        == 3
    )
