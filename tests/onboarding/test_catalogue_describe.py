"""What a template sets, described for people (onboarding.catalogue_describe)."""

from onboarding.catalogue_describe import (
    SETTINGS,
    rule_table_label,
    rule_table_summary,
    setting_describe,
)
from onboarding.templates_catalogue import template_specs


def test_the_assessment_period_reads_as_a_period():
    described = setting_describe("performance.evaluation_period", "monthly", "en")
    assert (described.label, described.value, described.known) == (
        "Assessment period",
        "Monthly",
        True,
    )


def test_weights_read_as_percentages_and_switches_as_yes_or_no():
    assert setting_describe("performance.individual_weight_percent", 80, "en").value == "80%"
    assert setting_describe("performance.daily_activity_log", True, "en").value == "yes"
    assert setting_describe("kpi.cross_opd_teams", False, "en").value == "no"


def test_the_effective_working_time_reads_in_minutes_and_hours():
    value = setting_describe("abk.effective_minutes", 75000, "en").value
    assert value == "75,000 minutes a year (1,250 hours)"


def test_the_potential_weights_read_part_by_part():
    value = setting_describe(
        "talent.potential_weights_percent",
        {"competence": 40, "potential": 40, "qualification": 20},
        "en",
    ).value
    assert value == "competence 40%, potential 40%, qualification 20%"


def test_a_choice_reads_as_words_and_an_unknown_choice_as_stored():
    assert setting_describe("tpp.payment_cycle", "quarterly", "en").value == "every quarter"
    assert setting_describe("tpp.payment_cycle", "weekly", "en").value == "weekly"


def test_an_unknown_key_is_shown_as_stored_not_hidden():
    described = setting_describe("future.module_flag", {"a": 1}, "en")
    assert (described.label, described.value, described.known) == (
        "future.module_flag",
        '{"a": 1}',
        False,
    )


def test_a_value_of_the_wrong_type_is_shown_as_stored_not_failing():
    described = setting_describe("abk.effective_minutes", "lots", "en")
    assert described.value == "lots" and not described.known


def test_every_setting_of_every_template_file_has_a_description():
    unknown = {
        (spec.name, key)
        for spec in template_specs().values()
        for key in spec.settings
        if key not in SETTINGS
    }
    assert unknown == set()


def test_every_rule_table_of_the_templates_has_a_label():
    for spec in template_specs().values():
        for name in spec.rules:
            assert rule_table_label(name, "en") != name, name


def test_the_norma_waktu_catalogue_reads_task_by_task():
    lines = rule_table_summary(
        "catalogue.norma_waktu",
        [
            {
                "position": "Analis",
                "task": "Menyusun",
                "output_unit": "Dokumen",
                "minutes_per_unit": 30,
            }
        ],
        "en",
    )
    assert lines == ["Analis: Menyusun, 30 minutes per dokumen"]
