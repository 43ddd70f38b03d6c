"""The rules of individual performance (core/performance/rules.py): pure functions, tested
exhaustively. The matrix cell by cell, every distribution rule of every organisation
predikat at its boundaries (halves up: 70 % of 1 is 1, 10 % of 3 is 0, 60 % of 7 is 4),
units of one, two and three people, "at least one" whatever the size, the tenant's other
roundings, leniency, the SKP content rules and the workflow's transitions."""

from decimal import Decimal

import pytest

from core.performance import rules
from core.performance.rules import (
    DEFAULT_DISTRIBUTION_RULES,
    BerAkhlak,
    EvaluationState,
    OrgPredikat,
    PerformanceError,
    PerformanceRuleError,
    Predikat,
    Rating,
    count_of_percent,
    distribution_violations,
    hasil_of_unit_head,
    iki_is_level,
    iki_progress,
    leniency,
    perilaku_overall,
    predikat,
    predikat_mean,
    transition_target,
)

SB, B, BP, K, SK = "SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"


def broken(org, counts, rounding="half_up"):
    """The broken rules, each as (rule, predikat group, bound, actual): easy to compare."""
    return [
        (v.rule, v.predikat, v.bound, v.actual)
        for v in distribution_violations(org, counts, rounding=rounding)
    ]


# --- Predikat: the matrix -------------------------------------------------------------------

MATRIX = [
    ("DI_ATAS", "DI_ATAS", SB),
    ("DI_ATAS", "SESUAI", B),
    ("DI_ATAS", "DI_BAWAH", K),
    ("SESUAI", "DI_ATAS", B),
    ("SESUAI", "SESUAI", B),
    ("SESUAI", "DI_BAWAH", K),
    ("DI_BAWAH", "DI_ATAS", BP),
    ("DI_BAWAH", "SESUAI", BP),
    ("DI_BAWAH", "DI_BAWAH", SK),
]


@pytest.mark.parametrize(("hasil", "perilaku", "expected"), MATRIX)
def test_each_cell_of_the_matrix_gives_its_predikat(hasil, perilaku, expected):
    assert predikat(hasil, perilaku) == expected
    assert predikat(Rating(hasil), Rating(perilaku)) is Predikat(expected)


def test_the_matrix_has_nine_cells_and_every_predikat_appears():
    assert len(MATRIX) == 9
    assert {cell[2] for cell in MATRIX} == set(Predikat.values)


def test_the_pemdas_own_matrix_is_read_when_given():
    harsh = {h: {p: "BUTUH_PERBAIKAN" for p in Rating.values} for h in Rating.values}

    assert predikat("DI_ATAS", "DI_ATAS", harsh) == BP


def test_a_matrix_without_a_valid_cell_is_refused():
    with pytest.raises(PerformanceError):
        predikat("DI_ATAS", "DI_ATAS", {"DI_ATAS": {"DI_ATAS": "LUAR_BIASA"}})
    with pytest.raises(PerformanceError):
        predikat("SESUAI", "SESUAI", {"DI_ATAS": {"DI_ATAS": SB}})


@pytest.mark.parametrize("bad", ["di_atas", "DIATAS", "", " SESUAI", None, 1, True, ["SESUAI"]])
def test_a_rating_outside_the_choices_is_refused(bad):
    with pytest.raises(PerformanceError):
        predikat(bad, "SESUAI")
    with pytest.raises(PerformanceError):
        predikat("SESUAI", bad)


def test_the_refusal_of_a_rating_says_what_is_allowed(english):
    with pytest.raises(PerformanceError, match="hasil must be one of DI_ATAS, SESUAI, DI_BAWAH"):
        predikat("BAGUS", "SESUAI")


# --- Perilaku kerja: the 7 BerAKHLAK values --------------------------------------------------


def values_rated(*ratings):
    """The 7 values rated in their official order."""
    return dict(zip(BerAkhlak.values, ratings, strict=True))


@pytest.mark.parametrize("level", Rating.values)
def test_seven_equal_ratings_give_that_rating(level):
    assert perilaku_overall(values_rated(*[level] * 7)) == level


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        # four of seven at or above a level make that level
        (["DI_ATAS"] * 4 + ["DI_BAWAH"] * 3, "DI_ATAS"),
        (["DI_ATAS"] * 3 + ["DI_BAWAH"] * 4, "DI_BAWAH"),
        (["DI_ATAS"] * 3 + ["SESUAI"] * 4, "SESUAI"),
        (["DI_ATAS"] * 3 + ["SESUAI"] + ["DI_BAWAH"] * 3, "SESUAI"),
        (["DI_BAWAH"] * 3 + ["SESUAI"] * 4, "SESUAI"),
        (["DI_ATAS"] * 6 + ["DI_BAWAH"], "DI_ATAS"),
        (
            ["DI_BAWAH", "DI_ATAS", "DI_BAWAH", "DI_ATAS", "DI_BAWAH", "DI_ATAS", "DI_ATAS"],
            "DI_ATAS",
        ),
    ],
)
def test_perilaku_is_the_median_of_the_seven_values(ratings, expected):
    assert perilaku_overall(values_rated(*ratings)) == expected


def test_perilaku_needs_every_value_rated_and_names_the_missing_ones(english):
    ratings = values_rated(*["SESUAI"] * 7)
    del ratings["loyal"], ratings["adaptif"]

    with pytest.raises(PerformanceError, match="Rate every core value first: Loyal, Adaptif"):
        perilaku_overall(ratings)


def test_perilaku_refuses_a_value_rated_outside_the_choices():
    ratings = values_rated(*["SESUAI"] * 7)
    ratings["harmonis"] = "BAIK"

    with pytest.raises(PerformanceError):
        perilaku_overall(ratings)


def test_perilaku_takes_the_enums_and_plain_strings_alike():
    ratings = {BerAkhlak(v): Rating.DI_ATAS for v in BerAkhlak.values}

    assert perilaku_overall(ratings) is Rating.DI_ATAS


# --- A unit head's hasil kerja ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("org", "hasil"),
    [
        ("ISTIMEWA", "DI_ATAS"),
        ("BAIK", "SESUAI"),
        ("BUTUH_PERBAIKAN", "DI_BAWAH"),
        ("KURANG", "DI_BAWAH"),
        ("SANGAT_KURANG", "DI_BAWAH"),
    ],
)
def test_a_unit_heads_hasil_follows_the_units_predikat(org, hasil):
    assert hasil_of_unit_head(org) == hasil
    assert hasil_of_unit_head(OrgPredikat(org)) is Rating(hasil)


@pytest.mark.parametrize("bad", ["istimewa", "SANGAT_BAIK", "", None, 3])
def test_an_unknown_organisation_predikat_is_refused(bad):
    with pytest.raises(PerformanceError):
        hasil_of_unit_head(bad)
    with pytest.raises(PerformanceError):
        distribution_violations(bad, {B: 1})


# --- Percentages of people ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "n", "people"),
    [
        (70, 1, 1),  # 0.7 → 1
        (10, 3, 0),  # 0.3 → 0
        (60, 7, 4),  # 4.2 → 4
        (10, 5, 1),  # 0.5 → 1: halves go up
        (70, 5, 4),  # 3.5 → 4
        (10, 15, 2),  # 1.5 → 2
        (10, 25, 3),  # 2.5 → 3 (not to even)
        (70, 2, 1),  # 1.4 → 1
        (60, 2, 1),  # 1.2 → 1
        (60, 1, 1),  # 0.6 → 1
        (10, 4, 0),  # 0.4 → 0
        (70, 10, 7),
        (0, 1000, 0),
        (100, 3, 3),
        ("12.5", 4, 1),  # 0.5 → 1
        (Decimal("33.3"), 3, 1),
    ],
)
def test_a_percentage_of_people_rounds_halves_up(percent, n, people):
    assert count_of_percent(percent, n) == people


@pytest.mark.parametrize(
    ("percent", "n", "down", "up"),
    [(70, 1, 0, 1), (10, 3, 0, 1), (60, 7, 4, 5), (10, 5, 0, 1), (70, 10, 7, 7), (0, 9, 0, 0)],
)
def test_the_pemda_may_round_down_or_up_instead(percent, n, down, up):
    assert count_of_percent(percent, n, "down") == down
    assert count_of_percent(percent, n, "up") == up


@pytest.mark.parametrize("bad", ["HALF_UP", "nearest", "", None])
def test_an_unknown_rounding_is_refused(bad):
    with pytest.raises(PerformanceError):
        count_of_percent(70, 3, bad)


def test_a_percentage_that_is_no_number_is_refused():
    with pytest.raises(PerformanceError):
        count_of_percent("seventy", 3)


# --- The distribution rules, organisation predikat by organisation predikat -----------------


def test_the_default_rules_are_those_of_se_menpanrb_3_2023():
    assert set(DEFAULT_DISTRIBUTION_RULES) == set(OrgPredikat.values)


# Istimewa: Sangat Baik at most 70 %.
@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({SB: 7, B: 3}, []),
        ({SB: 8, B: 2}, [("at_most", (SB,), 7, 8)]),
        ({SB: 1}, []),  # 70 % of 1 is 1
        ({SB: 1, B: 1}, []),  # 70 % of 2 is 1
        ({SB: 2}, [("at_most", (SB,), 1, 2)]),
        ({SB: 2, BP: 1}, []),  # 70 % of 3 is 2
        ({SB: 3}, [("at_most", (SB,), 2, 3)]),
        ({B: 3}, []),  # the rest any
        ({SK: 3}, []),
    ],
)
def test_istimewa_allows_at_most_70_percent_sangat_baik(counts, expected):
    assert broken("ISTIMEWA", counts) == expected


# Baik: Baik at most 70 %; at least one Butuh Perbaikan or Kurang.
@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({B: 7, BP: 1, SB: 2}, []),
        ({B: 8, K: 1, SB: 1}, [("at_most", (B,), 7, 8)]),
        ({B: 7, SB: 3}, [("at_least", (BP, K), 1, 0)]),
        ({B: 10}, [("at_most", (B,), 7, 10), ("at_least", (BP, K), 1, 0)]),
        # units of one, two, three
        ({BP: 1}, []),
        ({K: 1}, []),
        ({B: 1}, [("at_least", (BP, K), 1, 0)]),  # 70 % of 1 is 1: only the low one missing
        ({SB: 1}, [("at_least", (BP, K), 1, 0)]),
        ({B: 1, K: 1}, []),
        ({B: 2}, [("at_most", (B,), 1, 2), ("at_least", (BP, K), 1, 0)]),
        ({B: 2, BP: 1}, []),  # 70 % of 3 is 2
        ({B: 3}, [("at_most", (B,), 2, 3), ("at_least", (BP, K), 1, 0)]),
        ({B: 1, SB: 1, BP: 1}, []),
    ],
)
def test_baik_allows_at_most_70_percent_baik_and_needs_a_low_rating(counts, expected):
    assert broken("BAIK", counts) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 10, 100, 1000])
def test_baik_org_requires_at_least_one_low_rating_whatever_the_size(n):
    low = max(n // 2, 0)
    without = {SB: n - low, SK: low}  # Sangat Kurang is not Butuh Perbaikan or Kurang
    with_one = {SB: n - 1, BP: 1} if n > 1 else {K: 1}

    assert ("at_least", (BP, K), 1, 0) in broken("BAIK", without)
    assert all(rule[1] != (BP, K) for rule in broken("BAIK", with_one))


# Butuh Perbaikan: Butuh Perbaikan at least 60 %; Sangat Baik at most 10 %.
@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({BP: 4, B: 3}, []),  # 60 % of 7 is 4
        ({BP: 3, B: 4}, [("at_least", (BP,), 4, 3)]),
        ({BP: 3, SB: 1, B: 1}, []),  # 10 % of 5 is 1 (0.5 up), 60 % of 5 is 3
        ({BP: 3, SB: 2}, [("at_most", (SB,), 1, 2)]),
        ({BP: 6, SB: 1, B: 3}, []),
        ({BP: 5, SB: 2, B: 3}, [("at_least", (BP,), 6, 5), ("at_most", (SB,), 1, 2)]),
        # units of one, two, three
        ({BP: 1}, []),
        ({B: 1}, [("at_least", (BP,), 1, 0)]),  # 60 % of 1 is 1
        ({SB: 1}, [("at_least", (BP,), 1, 0), ("at_most", (SB,), 0, 1)]),  # 10 % of 1 is 0
        ({BP: 1, B: 1}, []),  # 60 % of 2 is 1
        ({B: 2}, [("at_least", (BP,), 1, 0)]),
        ({BP: 2, K: 1}, []),  # 60 % of 3 is 2
        ({BP: 1, K: 2}, [("at_least", (BP,), 2, 1)]),
        ({BP: 2, SB: 1}, [("at_most", (SB,), 0, 1)]),  # 10 % of 3 is 0
    ],
)
def test_butuh_perbaikan_needs_60_percent_low_and_few_sangat_baik(counts, expected):
    assert broken("BUTUH_PERBAIKAN", counts) == expected


# Kurang: Kurang at least 60 %; Butuh Perbaikan at least 10 %; Sangat Baik at most 10 %.
@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({K: 6, BP: 1, SB: 1, B: 2}, []),
        ({K: 5, BP: 2, SB: 1, B: 2}, [("at_least", (K,), 6, 5)]),
        ({K: 6, SB: 1, B: 3}, [("at_least", (BP,), 1, 0)]),
        ({K: 6, BP: 1, SB: 2, B: 1}, [("at_most", (SB,), 1, 2)]),
        ({K: 4, B: 1}, [("at_least", (BP,), 1, 0)]),  # 10 % of 5 is 1
        ({K: 3, BP: 1, B: 1}, []),  # 60 % of 5 is 3
        # units of one, two, three
        ({K: 1}, []),  # 10 % of 1 is 0: no Butuh Perbaikan needed
        ({BP: 1}, [("at_least", (K,), 1, 0)]),
        ({K: 1, SB: 1}, [("at_most", (SB,), 0, 1)]),
        ({K: 1, B: 1}, []),  # 60 % of 2 is 1
        ({K: 2, B: 1}, []),  # 60 % of 3 is 2, 10 % of 3 is 0
        ({K: 1, B: 2}, [("at_least", (K,), 2, 1)]),
        ({K: 3}, []),
    ],
)
def test_kurang_needs_60_percent_kurang_and_10_percent_butuh_perbaikan(counts, expected):
    assert broken("KURANG", counts) == expected


# Sangat Kurang: Sangat Kurang at least 60 %; Kurang and/or Butuh Perbaikan at least 10 %;
# no Sangat Baik.
@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({SK: 6, K: 1, B: 3}, []),
        ({SK: 6, BP: 1, B: 3}, []),
        ({SK: 5, K: 1, B: 4}, [("at_least", (SK,), 6, 5)]),
        ({SK: 6, B: 4}, [("at_least", (K, BP), 1, 0)]),
        ({SK: 6, K: 1, SB: 1, B: 2}, [("at_most", (SB,), 0, 1)]),
        ({SK: 60, K: 10, SB: 1, B: 29}, [("at_most", (SB,), 0, 1)]),  # none, whatever n
        # units of one, two, three
        ({SK: 1}, []),
        ({K: 1}, [("at_least", (SK,), 1, 0)]),
        ({SB: 1}, [("at_least", (SK,), 1, 0), ("at_most", (SB,), 0, 1)]),
        ({SK: 1, B: 1}, []),
        ({SK: 2, B: 1}, []),
        ({SK: 1, K: 2}, [("at_least", (SK,), 2, 1)]),
    ],
)
def test_sangat_kurang_needs_60_percent_sangat_kurang_and_no_sangat_baik(counts, expected):
    assert broken("SANGAT_KURANG", counts) == expected


@pytest.mark.parametrize("org", OrgPredikat.values)
def test_a_unit_with_nobody_rated_breaks_nothing(org):
    assert distribution_violations(org, {}) == []
    assert distribution_violations(org, dict.fromkeys(Predikat.values, 0)) == []


def test_plain_strings_and_enums_are_the_same_arguments():
    as_strings = distribution_violations("BAIK", {"BAIK": 3})
    as_enums = distribution_violations(OrgPredikat.BAIK, {Predikat.BAIK: 3})

    assert as_strings == as_enums
    assert len(as_strings) == 2


@pytest.mark.parametrize(
    "counts",
    [{"baik": 1}, {"EXCELLENT": 1}, {1: 1}, {None: 1}, {B: -1}, {B: 1.0}, {B: "1"}, {B: True}],
)
def test_counts_with_an_unknown_predikat_or_no_whole_number_are_refused(counts):
    with pytest.raises(PerformanceError):
        distribution_violations("BAIK", counts)


def test_the_pemda_rounding_moves_the_bounds():
    # 70 % of 3 people: 2 half up or down, 3 up.
    assert broken("ISTIMEWA", {SB: 3}) == [("at_most", (SB,), 2, 3)]
    assert broken("ISTIMEWA", {SB: 3}, "up") == []
    assert broken("ISTIMEWA", {SB: 3}, "down") == [("at_most", (SB,), 2, 3)]
    # 10 % of 3: 0 Butuh Perbaikan needed half up, 1 when rounding up.
    assert broken("KURANG", {K: 3}) == []
    assert broken("KURANG", {K: 3}, "up") == [("at_least", (BP,), 1, 0)]
    # 60 % of 7: 4 half up or down, 5 up; 10 % of 5: 1 half up or up, 0 down.
    assert broken("BUTUH_PERBAIKAN", {BP: 4, B: 3}, "up") == [("at_least", (BP,), 5, 4)]
    assert broken("BUTUH_PERBAIKAN", {BP: 4, B: 3}, "down") == []
    assert broken("BUTUH_PERBAIKAN", {BP: 4, SB: 1}, "down") == [("at_most", (SB,), 0, 1)]


def test_an_unknown_rounding_is_refused_when_a_rule_needs_it():
    with pytest.raises(PerformanceError):
        distribution_violations("ISTIMEWA", {SB: 3}, rounding="banker")


def test_the_pemdas_own_rule_table_is_read_when_given():
    strict = {"BAIK": [{"predikat": [SB], "at_most_percent": 0}]}

    assert [v.predikat for v in distribution_violations("BAIK", {SB: 1}, strict)] == [(SB,)]
    assert distribution_violations("ISTIMEWA", {SB: 10}, strict) == []  # no rules: none broken
    assert distribution_violations("BAIK", {B: 10}, {}) == []


@pytest.mark.parametrize(
    "rule",
    [
        {"predikat": [SB], "at_most_percent": "seventy"},
        {"predikat": [SB], "at_most_percent": 101},
        {"predikat": [SB], "at_least_percent": -1},
        {"predikat": [SB], "at_most_percent": "NaN"},
        {"predikat": [SB], "at_most_percent": "Infinity"},
        {"predikat": [SB], "at_least_count": "one"},
        {"predikat": [SB], "at_least_count": None},
    ],
)
def test_a_rule_table_with_a_bad_bound_is_refused_clearly(rule):
    with pytest.raises(PerformanceError):
        distribution_violations("BAIK", {SB: 1}, {"BAIK": [rule]})


# --- Every violation spelled out -------------------------------------------------------------


def test_an_at_most_violation_says_how_many_are_too_many(english):
    (violation,) = distribution_violations("ISTIMEWA", {SB: 8, B: 2})

    assert (violation.percent, violation.total, violation.excess, violation.shortfall) == (
        70,
        10,
        1,
        0,
    )
    assert violation.message == (
        "Sangat Baik: at most 70 % (7 of 10 people); there are 8, 1 too many."
    )


def test_an_at_least_violation_says_how_many_are_missing(english):
    (violation,) = distribution_violations("BUTUH_PERBAIKAN", {BP: 3, B: 4})

    assert (violation.excess, violation.shortfall) == (0, 1)
    assert violation.message == (
        "Butuh Perbaikan: at least 60 % (4 of 7 people); there are 3, 1 missing."
    )


def test_an_at_least_one_violation_names_both_predikat(english):
    (violation,) = distribution_violations("BAIK", {SB: 1})

    assert violation.percent is None
    assert violation.message == (
        "Butuh Perbaikan or Kurang/Misconduct: at least 1; there are 0, 1 missing."
    )


def test_a_fractional_percentage_is_shown_as_written(english):
    table = {"BAIK": [{"predikat": [SB], "at_most_percent": "12.50"}]}

    (violation,) = distribution_violations("BAIK", {SB: 2, B: 2}, table)

    assert "at most 12.5 % (1 of 4 people)" in violation.message


# --- Leniency ----------------------------------------------------------------------------------


def test_the_mean_of_predikat_compares_appraisers():
    assert predikat_mean({SB: 1, B: 2}) == Decimal("4.33")
    assert predikat_mean({SK: 1}) == Decimal("1.00")
    assert predikat_mean({}) is None


def test_an_appraiser_half_a_predikat_above_the_pemda_is_lenient():
    pemda = {B: 10}  # mean 4.00

    exactly = leniency({SB: 2, B: 2}, pemda)  # 4.50
    below = leniency({SB: 1, B: 2}, pemda)  # 4.33

    assert (exactly.mean, exactly.gap_to_pemda, exactly.lenient, exactly.severe) == (
        Decimal("4.50"),
        Decimal("0.50"),
        True,
        False,
    )
    assert (below.lenient, below.severe) == (False, False)
    assert exactly.top_share == Decimal("100.0")


def test_an_appraiser_half_a_predikat_below_the_pemda_is_severe():
    result = leniency({BP: 2, B: 2}, {B: 10})

    assert (result.gap_to_pemda, result.lenient, result.severe) == (Decimal("-0.50"), False, True)
    assert result.top_share == Decimal("50.0")


def test_fewer_than_three_rated_people_say_nothing_about_an_appraiser():
    result = leniency({SB: 2}, {SK: 10})

    assert result.gap_to_pemda == Decimal("4.00")
    assert (result.lenient, result.severe) == (False, False)


def test_leniency_without_ratings_is_empty():
    nobody = leniency({}, {B: 10})
    no_pemda = leniency({SB: 5}, {})

    assert (nobody.mean, nobody.gap_to_pemda, nobody.lenient, nobody.top_share) == (
        None,
        None,
        False,
        None,
    )
    assert (no_pemda.mean, no_pemda.gap_to_pemda, no_pemda.lenient) == (
        Decimal("5.00"),
        None,
        False,
    )


def test_leniency_refuses_counts_it_cannot_read():
    with pytest.raises(PerformanceError):
        leniency({"GOOD": 3}, {B: 1})


# --- SKP content -------------------------------------------------------------------------------


def fields(violations):
    return [v.field for v in violations]


def test_a_good_rhk_breaks_nothing():
    assert rules.rhk_violations(text="Menyusun laporan", kind="utama") == []
    assert (
        rules.rhk_violations(
            text="Meningkatnya layanan", kind="tambahan", perspektif="anggaran", is_jpt=True
        )
        == []
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"text": "", "kind": "utama"}, ["text"]),
        ({"text": "   ", "kind": "utama"}, ["text"]),
        ({"text": "x" * 2001, "kind": "utama"}, ["text"]),
        ({"text": "Laporan", "kind": "UTAMA"}, ["kind"]),
        ({"text": "Laporan", "kind": "utama", "perspektif": "keuangan"}, ["perspektif"]),
        ({"text": "Laporan", "kind": "utama", "is_jpt": True}, ["perspektif"]),
        ({"text": "", "kind": "", "is_jpt": True}, ["text", "kind", "perspektif"]),
    ],
)
def test_an_rhk_is_refused_field_by_field(kwargs, expected):
    assert fields(rules.rhk_violations(**kwargs)) == expected


def iki(**changes):
    base = {
        "text": "Jumlah dokumen",
        "aspect": "kuantitas",
        "approach": "kuantitatif",
        "target_value": 12,
        "target_unit": "Dokumen",
        "target_text": "",
    }
    return rules.iki_violations(**(base | changes))


def test_a_good_iki_breaks_nothing():
    assert iki() == []
    assert iki(target_value="0") == []
    assert iki(target_value=Decimal("999999999999")) == []
    assert iki(approach="kualitatif", target_value=None, target_unit="", target_text="Tepat") == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"text": ""}, ["text"]),
        ({"text": "x" * 2001}, ["text"]),
        ({"aspect": "biaya"}, ["aspect"]),
        ({"approach": "campuran"}, ["approach"]),
        ({"target_value": None}, ["target_value"]),
        ({"target_value": ""}, ["target_value"]),
        ({"target_value": "dua belas"}, ["target_value"]),
        ({"target_value": "NaN"}, ["target_value"]),
        ({"target_value": "Infinity"}, ["target_value"]),
        ({"target_value": -1}, ["target_value"]),
        ({"target_value": "1000000000000"}, ["target_value"]),
        ({"target_unit": ""}, ["target_unit"]),  # a target without a unit
        ({"target_unit": "   "}, ["target_unit"]),
        ({"target_unit": "x" * 51}, ["target_unit"]),
        ({"approach": "kualitatif", "target_text": ""}, ["target_text"]),
        ({"target_value": None, "target_unit": ""}, ["target_value", "target_unit"]),
    ],
)
def test_an_iki_is_refused_field_by_field(changes, expected):
    assert fields(iki(**changes)) == expected


def test_violations_raise_gathers_every_refusal_by_field():
    rules.violations_raise([])  # nothing to refuse

    with pytest.raises(PerformanceRuleError) as refused:
        rules.violations_raise(iki(text="", target_unit=""))

    assert set(refused.value.by_field()) == {"text", "target_unit"}
    assert isinstance(refused.value, PerformanceError)


# --- The workflow ------------------------------------------------------------------------------

ALLOWED = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "return"): "returned",
    ("evaluated", "return"): "returned",
    ("submitted", "evaluate"): "evaluated",
    ("evaluated", "finalise"): "final",
}


@pytest.mark.parametrize("state", EvaluationState.values)
@pytest.mark.parametrize("action", ["submit", "return", "evaluate", "finalise"])
def test_each_transition_is_allowed_from_its_states_only(state, action):
    if (state, action) in ALLOWED:
        assert transition_target(state, action) == ALLOWED[state, action]
    else:
        with pytest.raises(PerformanceError):
            transition_target(state, action)


def test_a_final_evaluation_moves_no_more():
    for action in rules.TRANSITIONS:
        with pytest.raises(PerformanceError):
            transition_target(EvaluationState.FINAL, action)


def test_a_refused_transition_says_why(english):
    with pytest.raises(PerformanceError, match="This evaluation is Submitted; it cannot be "):
        transition_target("submitted", "submit")


@pytest.mark.parametrize(("state", "action"), [("draft", "approve"), ("archived", "submit")])
def test_an_unknown_action_or_state_is_refused(state, action):
    with pytest.raises(PerformanceError):
        transition_target(state, action)


# --- An IKI's progress in a period ------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "realisation", "unit", "months", "progress"),
    [
        # Counted over the year: the target's share by the period's end.
        (12, 3, "Laporan", 3, "100.00"),  # March: 3 of 12 is on track
        (12, 2, "Laporan", 3, "66.67"),
        (12, 6, "Dokumen", 12, "50.00"),  # the year: half the target
        (12, 12, "Dokumen", 6, "100.00"),  # ahead counts as on track
        (10, 1, "Kegiatan", 1, "100.00"),  # January: 10/12 due, 1.2 % over
        (24, 1, "Kegiatan", 1, "50.00"),
        (12, 0, "Bulan", 9, "0.00"),
        (5, "7.5", "Hari", 6, "100.00"),
        # Levels: the target as it stands, whatever the period.
        (90, 81, "%", 1, "90.00"),
        (90, 81, "%", 12, "90.00"),
        (80, 60, "Indeks", 3, "75.00"),
        (80, 60, " NILAI ", 3, "75.00"),  # any case, any spacing
        (100, 120, "persen", 6, "100.00"),  # at most 100
        (8, 2, "Jam/minggu", 4, "25.00"),
        (3, 1, "%", 5, "33.33"),
        (3, 2, "%", 5, "66.67"),  # 66.666…: halves up
        (200, 1, "%", 1, "0.50"),
        (10, -5, "%", 1, "0.00"),  # never below 0
    ],
)
def test_an_ikis_progress_is_its_realisation_against_the_target_due(
    target, realisation, unit, months, progress
):
    result = iki_progress(target, realisation, target_unit=unit, months_elapsed=months)

    assert result == Decimal(progress)
    assert str(result) == progress


@pytest.mark.parametrize(
    ("target", "realisation"), [(12, None), (None, 5), (0, 5), (-3, 5), ("0", "0")]
)
def test_an_ikis_progress_that_cannot_be_measured_is_none(target, realisation):
    assert iki_progress(target, realisation, target_unit="Laporan", months_elapsed=6) is None
    assert iki_progress(target, realisation, target_unit="%", months_elapsed=6) is None


@pytest.mark.parametrize(
    ("target", "realisation", "months"),
    [(12, 3, 0), (12, 3, 13), ("twelve", 3, 3), (12, "three", 3), (12, "NaN", 3)],
)
def test_an_ikis_progress_refuses_nonsense(target, realisation, months):
    with pytest.raises(ValueError):
        iki_progress(target, realisation, target_unit="Laporan", months_elapsed=months)


@pytest.mark.parametrize(
    ("unit", "level"),
    [("%", True), ("Indeks", True), ("nilai", True), ("Jam/minggu", True), ("Skor", True),
     ("Laporan", False), ("Dokumen", False), ("Hari", False), ("", False), (None, False)],
)  # fmt: skip
def test_a_level_is_told_by_its_unit(unit, level):
    assert iki_is_level(unit) is level
