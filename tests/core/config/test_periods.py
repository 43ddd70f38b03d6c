import datetime
import logging
import random
from zoneinfo import ZoneInfo

import pytest
from django.db.models import JSONField, Value
from django.utils import translation

from core.config.models import PolicySetting
from core.config.periods import (
    Period,
    PeriodKind,
    period_at,
    period_kind_parse,
    period_of,
    periods_between,
    periods_in_year,
)
from core.config.selectors import evaluation_period_kind

D = datetime.date
UTC = datetime.UTC
WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
ZONES = [WIB, WITA, WIT]
KINDS = list(PeriodKind)
YEARS = [2024, 2025, 2026, 2027, 2028, 2100]  # leap, common, ..., a century that is not leap

M, Q, S, A = PeriodKind.MONTHLY, PeriodKind.QUARTERLY, PeriodKind.SEMESTER, PeriodKind.ANNUAL


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


# Kinds


def test_kinds_are_the_four_of_the_policy_setting():
    assert [k.value for k in PeriodKind] == ["monthly", "quarterly", "semester", "annual"]
    assert [k.months for k in PeriodKind] == [1, 3, 6, 12]


def test_plain_strings_work_wherever_a_kind_is_accepted():
    assert Period("quarterly", 2026, 1) == Period(Q, 2026, 1)
    assert Period("quarterly", 2026, 1).kind is Q
    assert period_of("semester", D(2026, 7, 1)) == Period(S, 2026, 2)
    assert period_at("annual", utc(2026, 5, 1), "Asia/Jakarta") == Period(A, 2026, 1)
    assert periods_in_year("monthly", 2026)[2] == Period(M, 2026, 3)
    assert periods_between("quarterly", D(2026, 1, 1), D(2026, 1, 2)) == [Period(Q, 2026, 1)]
    assert period_kind_parse("monthly") is M
    assert period_kind_parse(M) is M


@pytest.mark.parametrize("junk", ["weekly", "", "Monthly", " monthly", "Q", None, 3, ["monthly"]])
def test_an_unknown_kind_is_refused_naming_the_allowed_values(junk):
    with pytest.raises(ValueError, match="expected one of: monthly, quarterly, semester, annual"):
        period_kind_parse(junk)


def test_a_period_of_an_unknown_kind_cannot_be_made():
    with pytest.raises(ValueError, match="Unknown period kind 'weekly'"):
        Period("weekly", 2026, 1)


def test_kind_labels_are_for_people(english):
    assert [str(k.label) for k in PeriodKind] == ["Monthly", "Quarterly", "Per semester", "Annual"]


# Construction


@pytest.mark.parametrize(
    ("kind", "year", "number", "message"),
    [
        (M, 2026, 0, "monthly period's number must be from 1 to 12, not 0"),
        (M, 2026, 13, "from 1 to 12, not 13"),
        (Q, 2026, 5, "quarterly period's number must be from 1 to 4, not 5"),
        (S, 2026, 3, "semester period's number must be from 1 to 2, not 3"),
        (A, 2026, 2, "annual period's number must be from 1 to 1, not 2"),
        (Q, 2026, "1", "not '1'"),
        (Q, 2026, 1.0, "not 1.0"),
        (Q, 2026, True, "not True"),
        (Q, "2026", 1, "year must be a whole number from 1900 to 2999, not '2026'"),
        (Q, 1899, 1, "not 1899"),
        (Q, 3000, 1, "not 3000"),
    ],
)
def test_an_impossible_period_is_refused_with_a_reason(kind, year, number, message):
    with pytest.raises(ValueError, match=message):
        Period(kind, year, number)


def test_periods_are_values_that_sort_chronologically_within_a_kind():
    months = [Period(M, year, n) for year in (2025, 2026) for n in range(1, 13)]
    shuffled = random.Random(7).sample(months, len(months))
    assert sorted(shuffled) == months
    assert len({Period(Q, 2026, 1), Period("quarterly", 2026, 1)}) == 1
    with pytest.raises(AttributeError):
        Period(Q, 2026, 1).number = 2


# Dates


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(M, 2026, 1), D(2026, 1, 1), D(2026, 1, 31)),
        (Period(M, 2026, 4), D(2026, 4, 1), D(2026, 4, 30)),
        (Period(M, 2026, 12), D(2026, 12, 1), D(2026, 12, 31)),
        (Period(Q, 2026, 1), D(2026, 1, 1), D(2026, 3, 31)),
        (Period(Q, 2026, 2), D(2026, 4, 1), D(2026, 6, 30)),
        (Period(Q, 2026, 3), D(2026, 7, 1), D(2026, 9, 30)),
        (Period(Q, 2026, 4), D(2026, 10, 1), D(2026, 12, 31)),
        (Period(S, 2026, 1), D(2026, 1, 1), D(2026, 6, 30)),
        (Period(S, 2026, 2), D(2026, 7, 1), D(2026, 12, 31)),
        (Period(A, 2026, 1), D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_a_period_runs_from_its_first_to_its_last_day_inclusive(period, start, end):
    assert (period.start, period.end) == (start, end)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - datetime.timedelta(days=1))
    assert not period.contains(end + datetime.timedelta(days=1))


def test_february_2028_has_29_days_and_february_2026_has_28():
    assert Period(M, 2028, 2).end == D(2028, 2, 29)
    assert Period(M, 2026, 2).end == D(2026, 2, 28)
    assert Period(M, 2000, 2).end == D(2000, 2, 29)  # divisible by 400
    assert Period(M, 2100, 2).end == D(2100, 2, 28)  # a century, not divisible by 400
    assert period_of(M, D(2028, 2, 29)) == Period(M, 2028, 2)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("year", YEARS)
def test_the_periods_of_a_year_tile_it_with_no_gap_or_overlap(kind, year):
    periods = periods_in_year(kind, year)
    assert len(periods) == 12 // kind.months
    assert periods[0].start == D(year, 1, 1)
    assert periods[-1].end == D(year, 12, 31)
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.start == before.end + datetime.timedelta(days=1)
    days_in_year = (D(year + 1, 1, 1) - D(year, 1, 1)).days
    assert sum((p.end - p.start).days + 1 for p in periods) == days_in_year


@pytest.mark.parametrize("kind", KINDS)
def test_every_day_of_a_leap_year_lies_in_exactly_one_period_the_one_period_of_names(kind):
    periods = periods_in_year(kind, 2028)
    day = D(2028, 1, 1)
    while day.year == 2028:
        assert [p for p in periods if p.contains(day)] == [period_of(kind, day)]
        day += datetime.timedelta(days=1)


def test_period_of_takes_a_date_not_an_instant():
    with pytest.raises(TypeError, match="use period_at"):
        period_of(M, datetime.datetime(2026, 12, 31, 23, 30, tzinfo=WIB))
    with pytest.raises(TypeError, match="use period_at"):
        Period(M, 2026, 12).contains(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=WIB))
    with pytest.raises(TypeError, match="Expected a date"):
        period_of(M, "2026-12-31")


# Next and previous


@pytest.mark.parametrize(
    ("period", "following"),
    [
        (Period(M, 2026, 12), Period(M, 2027, 1)),
        (Period(Q, 2026, 4), Period(Q, 2027, 1)),
        (Period(S, 2026, 2), Period(S, 2027, 1)),
        (Period(A, 2026, 1), Period(A, 2027, 1)),
        (Period(M, 2026, 3), Period(M, 2026, 4)),
        (Period(Q, 2026, 1), Period(Q, 2026, 2)),
        (Period(S, 2026, 1), Period(S, 2026, 2)),
    ],
)
def test_next_and_previous_cross_the_year_end(period, following):
    assert period.next() == following
    assert following.previous() == period


@pytest.mark.parametrize("kind", KINDS)
def test_walking_forward_visits_every_period_in_order_and_back_again(kind):
    expected = [p for year in (2025, 2026, 2027) for p in periods_in_year(kind, year)]
    walked = [expected[0]]
    while len(walked) < len(expected):
        walked.append(walked[-1].next())
    assert walked == expected
    assert [p.previous() for p in walked[1:]] == walked[:-1]
    assert all(
        before.end + datetime.timedelta(days=1) == after.start
        for before, after in zip(walked, walked[1:], strict=False)
    )


def test_walking_past_the_supported_years_is_refused():
    with pytest.raises(ValueError, match="not 3000"):
        Period(M, 2999, 12).next()
    with pytest.raises(ValueError, match="not 1899"):
        Period(Q, 1900, 1).previous()


# Codes


@pytest.mark.parametrize(
    ("period", "code"),
    [
        (Period(M, 2026, 3), "2026-03"),
        (Period(M, 2026, 12), "2026-12"),
        (Period(Q, 2026, 1), "2026-Q1"),
        (Period(S, 2026, 2), "2026-S2"),
        (Period(A, 2026, 1), "2026"),
    ],
)
def test_a_period_has_a_code_that_parses_back_into_it(period, code):
    assert period.code == code
    assert str(period) == code
    assert Period.parse(code) == period


@pytest.mark.parametrize("kind", KINDS)
def test_every_code_of_several_years_round_trips(kind):
    for year in (1900, *YEARS, 2999):
        for period in periods_in_year(kind, year):
            assert Period.parse(period.code) == period


def test_codes_sort_like_their_periods_within_a_kind():
    months = [p for year in (2026, 2027) for p in periods_in_year(M, year)]
    assert sorted(p.code for p in months) == [p.code for p in sorted(months)]


@pytest.mark.parametrize(
    ("junk", "message"),
    [
        ("", "is not a period code"),
        ("2026-3", "is not a period code"),
        ("2026-003", "is not a period code"),
        ("2026-03-01", "is not a period code"),
        ("26-03", "is not a period code"),
        ("2026-q1", "is not a period code"),
        ("2026-Q", "is not a period code"),
        ("2026-Q01", "is not a period code"),
        ("2026-T1", "is not a period code"),
        (" 2026", "is not a period code"),
        ("2026\n", "is not a period code"),
        ("٢٠٢٦", "is not a period code"),  # Arabic-Indic digits that int() would accept
        (None, "is not a period code"),
        (2026, "is not a period code"),
        ("2026-13", "from 1 to 12, not 13"),
        ("2026-00", "from 1 to 12, not 0"),
        ("2026-Q5", "from 1 to 4, not 5"),
        ("2026-Q0", "from 1 to 4, not 0"),
        ("2026-S3", "from 1 to 2, not 3"),
        ("0000", "year must be a whole number from 1900 to 2999"),
        ("9999-Q1", "year must be a whole number from 1900 to 2999"),
    ],
)
def test_junk_codes_are_refused_with_a_reason(junk, message):
    with pytest.raises(ValueError, match=message):
        Period.parse(junk)


# Instants and time zones


def test_the_last_quarter_ends_at_local_midnight_on_new_year():
    quarter = Period(Q, 2026, 4)
    assert quarter.ends_at(WIB) == datetime.datetime(2027, 1, 1, tzinfo=WIB)
    assert quarter.ends_at(WIB) == utc(2026, 12, 31, 17)
    assert quarter.ends_at(WITA) == utc(2026, 12, 31, 16)
    assert quarter.ends_at(WIT) == utc(2026, 12, 31, 15)


def test_a_period_starts_at_local_midnight_on_its_first_day():
    year = Period(A, 2026, 1)
    assert year.starts_at("Asia/Jakarta") == utc(2025, 12, 31, 17)
    assert year.starts_at("Asia/Makassar") == utc(2025, 12, 31, 16)
    assert year.starts_at("Asia/Jayapura") == utc(2025, 12, 31, 15)
    start = year.starts_at(WITA)
    assert (start.date(), start.time(), start.utcoffset()) == (
        D(2026, 1, 1),
        datetime.time(),
        datetime.timedelta(hours=8),
    )


@pytest.mark.parametrize("zone", ZONES, ids=str)
@pytest.mark.parametrize("kind", KINDS)
def test_each_period_ends_exactly_where_the_next_starts(kind, zone):
    for year in (2025, 2026, 2028):
        for period in periods_in_year(kind, year):
            assert period.ends_at(zone) == period.next().starts_at(zone)
            assert period.starts_at(zone) < period.ends_at(zone)


@pytest.mark.parametrize("zone", ZONES, ids=str)
@pytest.mark.parametrize("kind", KINDS)
def test_the_bounds_agree_with_period_at(kind, zone):
    for period in periods_in_year(kind, 2026):
        tick = datetime.timedelta(microseconds=1)
        assert period_at(kind, period.starts_at(zone), zone) == period
        assert period_at(kind, period.ends_at(zone) - tick, zone) == period
        assert period_at(kind, period.ends_at(zone), zone) == period.next()
        # The same instants read in UTC, as they come back from the database.
        assert period_at(kind, period.starts_at(zone).astimezone(UTC), zone) == period


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", Period(M, 2026, 12)),  # 23:30 WIB on 31 December
        ("Asia/Makassar", Period(M, 2027, 1)),  # 00:30 WITA on New Year's Day
        ("Asia/Jayapura", Period(M, 2027, 1)),  # 01:30 WIT
    ],
)
def test_an_instant_at_year_end_falls_in_december_in_wib_but_january_in_wita_and_wit(
    zone, expected
):
    moment = utc(2026, 12, 31, 16, 30)
    assert period_at(M, moment, zone) == expected
    assert period_at(Q, moment, zone).year == expected.year
    assert period_at(S, moment, zone).year == expected.year
    assert period_at(A, moment, zone) == Period(A, expected.year, 1)


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        # 31 March 16:30 UTC: 23:30 WIB, but already 1 April in WITA and WIT.
        (utc(2026, 3, 31, 16, 30), WIB, Period(Q, 2026, 1)),
        (utc(2026, 3, 31, 16, 30), WITA, Period(Q, 2026, 2)),
        (utc(2026, 3, 31, 16, 30), WIT, Period(Q, 2026, 2)),
        # 30 June 15:30 UTC: 22:30 WIB and 23:30 WITA, but 00:30 on 1 July in WIT.
        (utc(2026, 6, 30, 15, 30), WIB, Period(Q, 2026, 2)),
        (utc(2026, 6, 30, 15, 30), WITA, Period(Q, 2026, 2)),
        (utc(2026, 6, 30, 15, 30), WIT, Period(Q, 2026, 3)),
        # 30 September 16:59:59 UTC is the last second of Q3 in WIB only.
        (utc(2026, 9, 30, 16, 59, 59), WIB, Period(Q, 2026, 3)),
        (utc(2026, 9, 30, 16, 59, 59), WITA, Period(Q, 2026, 4)),
        (utc(2026, 9, 30, 16, 59, 59), WIT, Period(Q, 2026, 4)),
    ],
    ids=str,
)
def test_an_instant_near_a_quarter_boundary_falls_in_the_quarter_of_the_local_day(
    moment, zone, expected
):
    assert period_at(Q, moment, zone) == expected
    assert period_at(Q, moment, str(zone)) == expected


def test_the_offset_of_the_moment_itself_does_not_matter_only_the_pemdas_zone():
    # 23:30 WIB and 00:30 WITA are the same instant; a Makassar Pemda reads it as January.
    in_wib = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=WIB)
    in_wita = datetime.datetime(2027, 1, 1, 0, 30, tzinfo=WITA)
    assert in_wib == in_wita
    assert period_at(M, in_wib, WITA) == period_at(M, in_wita, WITA) == Period(M, 2027, 1)
    assert period_at(M, in_wita, WIB) == Period(M, 2026, 12)


def test_a_fixed_offset_zone_is_accepted_too():
    plus_eight = datetime.timezone(datetime.timedelta(hours=8))
    assert period_at(M, utc(2026, 12, 31, 16, 30), plus_eight) == Period(M, 2027, 1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="is naive"):
        period_at(M, datetime.datetime(2026, 12, 31, 23, 30), WIB)


def test_a_plain_date_is_not_an_instant():
    with pytest.raises(TypeError, match="aware datetime"):
        period_at(M, D(2026, 12, 31), WIB)


@pytest.mark.parametrize("zone", ["Asia/Bandung", "WITA", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(zone):
    with pytest.raises(ValueError, match="Unknown time zone"):
        period_at(M, utc(2026, 1, 1), zone)
    with pytest.raises(ValueError, match="Unknown time zone"):
        Period(M, 2026, 1).starts_at(zone)


def test_a_time_zone_must_be_a_zone_or_its_name():
    with pytest.raises(TypeError, match="time zone name"):
        Period(M, 2026, 1).ends_at(7)


# Ranges


@pytest.mark.parametrize(
    ("kind", "first", "last", "codes"),
    [
        (M, D(2026, 11, 15), D(2027, 2, 1), ["2026-11", "2026-12", "2027-01", "2027-02"]),
        (M, D(2026, 3, 1), D(2026, 3, 31), ["2026-03"]),
        (M, D(2026, 3, 31), D(2026, 3, 31), ["2026-03"]),
        (Q, D(2026, 3, 31), D(2026, 4, 1), ["2026-Q1", "2026-Q2"]),
        (Q, D(2026, 12, 31), D(2027, 1, 1), ["2026-Q4", "2027-Q1"]),
        (S, D(2026, 1, 1), D(2026, 12, 31), ["2026-S1", "2026-S2"]),
        (A, D(2025, 12, 31), D(2027, 1, 1), ["2025", "2026", "2027"]),
    ],
)
def test_periods_between_lists_every_period_overlapping_the_range(kind, first, last, codes):
    assert [p.code for p in periods_between(kind, first, last)] == codes


def test_periods_between_a_whole_year_are_the_periods_in_that_year():
    for kind in KINDS:
        assert periods_between(kind, D(2028, 1, 1), D(2028, 12, 31)) == periods_in_year(kind, 2028)


def test_a_reversed_range_is_refused():
    with pytest.raises(ValueError, match="reversed: 2026-04-01 is after 2026-03-31"):
        periods_between(Q, D(2026, 4, 1), D(2026, 3, 31))


# Labels


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period(M, 2026, 1), "January 2026"),
        (Period(M, 2026, 3), "March 2026"),
        (Period(M, 2026, 12), "December 2026"),
        (Period(Q, 2026, 1), "Quarter I 2026"),
        (Period(Q, 2026, 4), "Quarter IV 2026"),
        (Period(S, 2026, 2), "Semester II 2026"),
        (Period(A, 2026, 1), "Year 2026"),
    ],
)
def test_labels_in_english(period, label):
    with translation.override("en"):
        assert period.label == label


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period(M, 2026, 1), "Januari 2026"),
        (Period(M, 2026, 3), "Maret 2026"),
        (Period(M, 2026, 5), "Mei 2026"),
        (Period(M, 2026, 8), "Agustus 2026"),
        (Period(M, 2026, 12), "Desember 2026"),
        (Period(S, 2026, 2), "Semester II 2026"),  # the same word in both languages
    ],
)
def test_labels_in_indonesian_the_default_language(period, label):
    with translation.override("id"):
        assert period.label == label


@pytest.mark.parametrize(
    ("period", "msgid", "label"),
    [
        (Period(Q, 2026, 1), "Quarter %(roman)s %(year)s", "Triwulan I 2026"),
        (Period(Q, 2026, 4), "Quarter %(roman)s %(year)s", "Triwulan IV 2026"),
        (Period(A, 2026, 1), "Year %(year)s", "Tahun 2026"),
    ],
)
def test_quarter_and_year_labels_in_indonesian(period, msgid, label):
    with translation.override("id"):
        if translation.gettext(msgid) == msgid:
            pytest.skip(f"{msgid!r} is not yet translated in locale/id")
        assert period.label == label


def test_a_label_follows_the_language_active_when_it_is_read():
    period = Period(M, 2026, 8)
    with translation.override("id"):
        assert period.label == "Agustus 2026"
    with translation.override("en"):
        assert period.label == "August 2026"


# The Pemda's setting


def _set_evaluation_period(value):
    PolicySetting.objects.update_or_create(
        key="performance.evaluation_period", defaults={"value": value}
    )


def test_the_evaluation_period_is_read_from_the_pemdas_policy(surabaya):
    with surabaya:
        assert evaluation_period_kind() is PeriodKind.MONTHLY  # as Model Surabaya sets it


def test_a_changed_evaluation_period_is_read_at_once(surabaya):
    with surabaya:
        _set_evaluation_period("semester")
        assert evaluation_period_kind() is PeriodKind.SEMESTER


def test_a_missing_evaluation_period_falls_back_to_quarterly_as_on_the_official_forms(surabaya):
    with surabaya:
        PolicySetting.objects.filter(key="performance.evaluation_period").delete()
        assert evaluation_period_kind() is PeriodKind.QUARTERLY


@pytest.mark.parametrize("junk", ["weekly", "Monthly", "", 3, ["monthly"], {"kind": "monthly"}])
def test_an_invalid_evaluation_period_falls_back_to_quarterly_and_is_logged(surabaya, caplog, junk):
    with surabaya:
        _set_evaluation_period(junk)
        with caplog.at_level(logging.WARNING, logger="core.config.selectors"):
            assert evaluation_period_kind() is PeriodKind.QUARTERLY
    assert "performance.evaluation_period" in caplog.text
    assert "surabaya" in caplog.text


def test_a_json_null_evaluation_period_falls_back_to_quarterly(surabaya):
    with surabaya:
        _set_evaluation_period(Value(None, JSONField()))
        assert evaluation_period_kind() is PeriodKind.QUARTERLY
