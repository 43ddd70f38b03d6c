"""The rules of the Surabaya model (core/activity/rules.py): pure functions, tested at their
boundaries. The calendar is May 2026 with its national holidays (1 May, Ascension on
Thursday 14 May with cuti bersama on Friday 15 May: a four-day weekend, Idul Adha on
Wednesday 27 May, Waisak on Sunday 31 May), for a Pemda working Monday–Friday and for one
that works on Saturdays too. No database: every function here is plain arithmetic."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from core.activity.rules import (
    DEFAULT_MAX_MINUTES_PER_DAY,
    DEFAULT_WEEKDAYS,
    LOGGING_STATUSES,
    AttendanceStatus,
    activity_refusal,
    attendance_status_parse,
    capped_minutes,
    day_cap,
    entry_deadline,
    entry_window_open,
    final_score,
    individual_index,
    is_working_day,
    kpi_achievement,
    logging_allowed,
    minute_cap,
    monthly_target_minutes,
    organisation_index,
    pay_withheld,
    rhk_achievement,
    working_days,
)

FIVE_DAYS = frozenset({1, 2, 3, 4, 5})
SIX_DAYS = frozenset({1, 2, 3, 4, 5, 6})
HOLIDAYS = frozenset(
    {
        date(2026, 5, 1),  # Labour Day, a Friday
        date(2026, 5, 14),  # Ascension, a Thursday
        date(2026, 5, 15),  # cuti bersama, the Friday after
        date(2026, 5, 27),  # Idul Adha, a Wednesday
        date(2026, 5, 31),  # Waisak, a Sunday
    }
)
MAY = {n: date(2026, 5, n) for n in range(1, 32)}
FRI_8, SAT_9, SUN_10, MON_11, TUE_12, WED_13 = (MAY[n] for n in (8, 9, 10, 11, 12, 13))
THU_14, SAT_16, SUN_17, MON_18, TUE_19 = (MAY[n] for n in (14, 16, 17, 18, 19))

PRESENT, LEAVE, SICK, DUTY_TRAVEL, ABSENT = (
    "present",
    "leave",
    "sick",
    "duty_travel",
    "absent",
)


def refusal(**changes):
    """``activity_refusal`` for 60 minutes on Monday 11 May, logged that day by someone
    present 8 hours with nothing logged yet, at a Pemda with a Monday–Friday week, 2 working
    days to log, a 450-minute daily maximum and attendance required; ``changes`` change
    one thing."""
    arguments = {
        "day": MON_11,
        "today": MON_11,
        "status": PRESENT,
        "hours_present": 8,
        "minutes": 60,
        "logged_minutes": 0,
        "weekdays": FIVE_DAYS,
        "holidays": HOLIDAYS,
        "days_open": 2,
        "max_minutes_per_day": 450,
        "attendance_required": True,
    } | changes
    day, today = arguments.pop("day"), arguments.pop("today")
    return activity_refusal(day, today, **arguments)


# --- The working calendar -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "weekdays", "expected"),
    [
        (MON_11, FIVE_DAYS, True),
        (FRI_8, FIVE_DAYS, True),
        (SAT_9, FIVE_DAYS, False),  # weekend
        (SUN_10, FIVE_DAYS, False),
        (SAT_9, SIX_DAYS, True),  # a Pemda working on Saturdays
        (SUN_10, SIX_DAYS, False),
        (MAY[1], FIVE_DAYS, False),  # Labour Day
        (THU_14, FIVE_DAYS, False),  # Ascension
        (MAY[15], FIVE_DAYS, False),  # cuti bersama
        (SAT_16, SIX_DAYS, True),  # the Saturday of the long weekend is worked at a 6-day Pemda
        (MAY[31], SIX_DAYS, False),  # a holiday on a Sunday is no working day either way
    ],
)
def test_a_working_day_is_a_working_weekday_that_is_not_a_holiday(day, weekdays, expected):
    assert is_working_day(day, weekdays=weekdays, holidays=HOLIDAYS) is expected


def test_the_pemdas_own_day_off_is_a_holiday_like_the_national_ones():
    anniversary = MAY[29]  # a Friday the Pemda gives off

    assert is_working_day(anniversary, weekdays=FIVE_DAYS, holidays=HOLIDAYS)
    assert not is_working_day(anniversary, weekdays=FIVE_DAYS, holidays=HOLIDAYS | {anniversary})


def test_may_2026_has_17_working_days_in_a_five_day_week_and_22_in_a_six_day_week():
    five = working_days(MAY[1], MAY[31], weekdays=FIVE_DAYS, holidays=HOLIDAYS)
    six = working_days(MAY[1], MAY[31], weekdays=SIX_DAYS, holidays=HOLIDAYS)

    assert len(five) == 17
    assert len(six) == 22
    assert five[0] == date(2026, 5, 4) and five[-1] == date(2026, 5, 29)
    assert set(six) - set(five) == {MAY[2], SAT_9, SAT_16, MAY[23], MAY[30]}
    assert five == sorted(five)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (MON_11, MON_11, [MON_11]),  # one day, both ends included
        (SAT_9, SUN_10, []),  # a weekend
        (WED_13, SUN_17, [WED_13]),  # the long weekend
        (FRI_8, MON_11, [FRI_8, MON_11]),
        (MON_11, FRI_8, []),  # the wrong way round
    ],
)
def test_working_days_lists_the_days_between_both_ends_included(first, last, expected):
    assert working_days(first, last, weekdays=FIVE_DAYS, holidays=HOLIDAYS) == expected


def test_without_holidays_the_defaults_are_monday_to_friday():
    assert DEFAULT_WEEKDAYS == FIVE_DAYS
    assert DEFAULT_MAX_MINUTES_PER_DAY == 450  # 37.5 hours a week over five days
    assert len(working_days(MAY[1], MAY[31], weekdays=DEFAULT_WEEKDAYS, holidays=())) == 21


@pytest.mark.parametrize("weekdays", [set(), {0}, {8}, {1, 9}, {True}, {"1"}])
def test_working_weekdays_must_be_iso_weekday_numbers(weekdays):
    with pytest.raises(ValueError):
        is_working_day(MON_11, weekdays=weekdays, holidays=HOLIDAYS)
    with pytest.raises(ValueError):
        working_days(MON_11, TUE_12, weekdays=weekdays, holidays=HOLIDAYS)
    with pytest.raises(ValueError):
        entry_deadline(MON_11, days_open=1, weekdays=weekdays, holidays=HOLIDAYS)


@pytest.mark.parametrize("bad", [datetime(2026, 5, 11, 9, 0), "2026-05-11", None])
def test_a_day_must_be_a_date_not_a_datetime(bad):
    with pytest.raises(ValueError):
        is_working_day(bad, weekdays=FIVE_DAYS, holidays=HOLIDAYS)
    with pytest.raises(ValueError):
        entry_window_open(MON_11, bad, days_open=2, weekdays=FIVE_DAYS, holidays=HOLIDAYS)


# --- The entry window: working days after the day -------------------------------------------


@pytest.mark.parametrize(
    ("day", "days_open", "weekdays", "deadline"),
    [
        (MON_11, 0, FIVE_DAYS, MON_11),  # the day itself only
        (MON_11, 1, FIVE_DAYS, TUE_12),
        (FRI_8, 1, FIVE_DAYS, MON_11),  # over the weekend
        (FRI_8, 2, FIVE_DAYS, TUE_12),  # not Sunday, as calendar days would say
        (FRI_8, 1, SIX_DAYS, SAT_9),  # a Saturday-working Pemda
        (TUE_12, 2, FIVE_DAYS, MON_18),  # Wednesday, then over the four-day weekend
        (WED_13, 1, FIVE_DAYS, MON_18),
        (WED_13, 1, SIX_DAYS, SAT_16),
        (SAT_9, 1, FIVE_DAYS, MON_11),  # a weekend day's window, for completeness
        (MAY[26], 1, FIVE_DAYS, MAY[28]),  # over Idul Adha
    ],
)
def test_the_deadline_is_the_last_open_working_day(day, days_open, weekdays, deadline):
    assert entry_deadline(day, days_open=days_open, weekdays=weekdays, holidays=HOLIDAYS) == (
        deadline
    )


def window(day, today, days_open=2, weekdays=FIVE_DAYS):
    return entry_window_open(day, today, days_open=days_open, weekdays=weekdays, holidays=HOLIDAYS)


@pytest.mark.parametrize(
    ("day", "today", "days_open", "expected"),
    [
        (MON_11, MON_11, 0, True),  # today, even with no days open
        (MON_11, TUE_12, 0, False),
        (MON_11, MON_11 - timedelta(days=1), 2, False),  # a future day, never
        (MON_11, WED_13, 2, True),  # the last open working day
        (MON_11, THU_14, 2, False),  # the next day (a holiday)
        (FRI_8, SAT_9, 1, True),  # the weekend before a Monday deadline
        (FRI_8, SUN_10, 1, True),
        (FRI_8, MON_11, 1, True),
        (FRI_8, TUE_12, 1, False),
        (MAY[7], FRI_8, 1, True),
        (MAY[7], SAT_9, 1, False),  # closed at the end of Friday, not after the weekend
        (TUE_12, SAT_16, 2, True),  # the holiday weekend does not count
        (TUE_12, SUN_17, 2, True),
        (TUE_12, MON_18, 2, True),
        (TUE_12, TUE_19, 2, False),
    ],
)
def test_an_entry_stays_open_until_its_deadline(day, today, days_open, expected):
    assert window(day, today, days_open) is expected


def test_a_saturday_working_pemda_counts_saturday_in_the_window():
    assert window(FRI_8, SAT_9, days_open=1, weekdays=SIX_DAYS)
    assert not window(FRI_8, MON_11, days_open=1, weekdays=SIX_DAYS)


@pytest.mark.parametrize("days_open", [-1, 1.5, Decimal(1), True, None])
def test_days_open_must_be_a_whole_number_of_at_least_zero(days_open):
    with pytest.raises(ValueError):
        window(MON_11, MON_11, days_open=days_open)


# --- Attendance -----------------------------------------------------------------------------


def test_the_attendance_statuses_are_the_five_of_the_model():
    assert AttendanceStatus.values == ["present", "leave", "sick", "duty_travel", "absent"]
    assert AttendanceStatus("duty_travel") is AttendanceStatus.DUTY_TRAVEL
    assert AttendanceStatus.PRESENT == "present"  # plain strings work as arguments


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(PRESENT, True), (DUTY_TRAVEL, True), (LEAVE, False), (SICK, False), (ABSENT, False)],
)
def test_activities_are_logged_on_days_present_or_on_duty_travel_only(status, allowed):
    assert logging_allowed(status) is allowed
    assert (AttendanceStatus(status) in LOGGING_STATUSES) is allowed


@pytest.mark.parametrize("bad", ["PRESENT", "hadir", "", 1, True])
def test_an_unknown_attendance_status_is_refused(bad):
    with pytest.raises(ValueError):
        attendance_status_parse(bad)
    with pytest.raises(ValueError):
        refusal(status=bad)


def test_no_attendance_record_is_none():
    assert attendance_status_parse(None) is None
    assert logging_allowed(None) is False


# --- The daily cap ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "maximum", "cap"),
    [
        (0, 450, 0),  # absent
        (1, 450, 60),
        (7, 450, 420),
        (Decimal("7.5"), 450, 450),  # exactly the maximum
        (8, 450, 450),  # more hours than the maximum counts
        (Decimal("7.999"), 600, 479),  # a started minute does not count
        (Decimal("0.01"), 450, 0),
        ("6.25", 450, 375),
        (7.5, 450, 450),  # a float from a JSON feed, read exactly
        (24, 10_000, 1440),
        (8, 0, 0),
    ],
)
def test_the_minute_cap_is_the_hours_present_at_most_the_daily_maximum(hours, maximum, cap):
    result = minute_cap(hours, max_minutes_per_day=maximum)

    assert result == cap
    assert type(result) is int


@pytest.mark.parametrize("hours", [-1, Decimal("24.01"), "lots", None, True, Decimal("NaN")])
def test_hours_present_must_be_between_0_and_24(hours):
    with pytest.raises(ValueError):
        minute_cap(hours, max_minutes_per_day=450)


@pytest.mark.parametrize("maximum", [-1, Decimal(450), 450.0, None])
def test_the_daily_maximum_must_be_whole_minutes(maximum):
    with pytest.raises(ValueError):
        minute_cap(8, max_minutes_per_day=maximum)


@pytest.mark.parametrize(
    ("status", "hours", "required", "cap"),
    [
        (PRESENT, 7, True, 420),
        (PRESENT, 9, True, 450),
        (PRESENT, None, True, 450),  # present, hours not recorded
        (DUTY_TRAVEL, None, True, 450),  # away from the clock
        (DUTY_TRAVEL, 4, True, 240),
        (LEAVE, 8, True, 0),
        (SICK, None, True, 0),
        (ABSENT, 0, True, 0),
        (ABSENT, 8, False, 0),  # a status always applies
        (None, None, True, 0),  # no record where attendance is required
        (None, None, False, 450),  # no attendance data at this Pemda: the maximum
    ],
)
def test_the_day_cap_follows_the_attendance(status, hours, required, cap):
    assert day_cap(status, hours, max_minutes_per_day=450, attendance_required=required) == cap


def test_capped_minutes_adds_each_days_approved_minutes_up_to_its_cap():
    approved = {MON_11: 420, TUE_12: 421, WED_13: 500, FRI_8: 0}
    caps = {MON_11: 420, TUE_12: 420, WED_13: 0, FRI_8: 450, THU_14: 450}

    assert capped_minutes(approved, caps) == 420 + 420 + 0 + 0


def test_capped_minutes_of_an_empty_month_is_zero():
    assert capped_minutes({}, {}) == 0


def test_capped_minutes_needs_the_cap_of_every_day_with_approved_minutes():
    with pytest.raises(ValueError, match="2026-05-12"):
        capped_minutes({MON_11: 60, TUE_12: 60}, {MON_11: 450})


@pytest.mark.parametrize(
    ("approved", "caps"),
    [({MON_11: -1}, {MON_11: 450}), ({MON_11: 60}, {MON_11: -1}), ({MON_11: 1.5}, {MON_11: 2})],
)
def test_capped_minutes_refuses_negative_or_fractional_minutes(approved, caps):
    with pytest.raises(ValueError):
        capped_minutes(approved, caps)


# --- What may be logged -------------------------------------------------------------------


def test_an_activity_on_a_working_day_present_within_the_cap_is_allowed():
    assert refusal() is None


@pytest.mark.parametrize(
    ("hours", "logged", "minutes", "allowed"),
    [
        (7, 360, 60, True),  # exactly the hours present
        (7, 361, 60, False),  # one minute over
        (7, 0, 420, True),
        (7, 0, 421, False),
        (8, 390, 60, True),  # 8 hours, capped at the daily maximum of 450
        (8, 391, 60, False),
        (0, 0, 1, False),  # present but no hours
    ],
)
def test_the_days_minutes_are_capped_by_the_hours_present(hours, logged, minutes, allowed):
    result = refusal(hours_present=hours, logged_minutes=logged, minutes=minutes)

    assert (result is None) is allowed


def test_one_minute_over_the_cap_says_how_many_minutes_are_left(english):
    assert refusal(hours_present=7, logged_minutes=361, minutes=60) == (
        "This activity takes 60 minutes, but May 11, 2026 can count at most 420 minutes and "
        "361 are already logged: 59 minutes are left."
    )


def test_a_full_day_says_no_more_can_be_added(english):
    assert refusal(hours_present=7, logged_minutes=420, minutes=5) == (
        "May 11, 2026 can count at most 420 minutes of activities and 420 are already logged, "
        "so no more can be added."
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ABSENT, "You were recorded absent on May 11, 2026, so no activities can be logged"),
        (LEAVE, "You were on leave on May 11, 2026, so no activities can be logged"),
        (SICK, "You were on sick leave on May 11, 2026, so no activities can be logged"),
    ],
)
def test_days_absent_on_leave_or_sick_refuse_activities_and_say_why(english, status, message):
    assert refusal(status=status, hours_present=0).startswith(message)
    assert refusal(status=AttendanceStatus(status), hours_present=None).startswith(message)


@pytest.mark.parametrize(("hours", "minutes"), [(None, 450), (8, 450), (4, 240)])
def test_duty_travel_is_work_and_allows_activities(hours, minutes):
    assert refusal(status=DUTY_TRAVEL, hours_present=hours, minutes=minutes) is None


def test_duty_travel_without_hours_is_capped_by_the_daily_maximum():
    assert refusal(status=DUTY_TRAVEL, hours_present=None, minutes=451) is not None


def test_a_holiday_refuses_activities(english):
    assert refusal(day=THU_14, today=THU_14) == (
        "May 14, 2026 is not a working day, so no activities can be logged for it."
    )


def test_a_weekend_refuses_activities_at_a_five_day_pemda(english):
    assert refusal(day=SAT_9, today=SAT_9) == (
        "May 9, 2026 is not a working day, so no activities can be logged for it."
    )


def test_a_saturday_working_pemda_allows_activities_on_saturday():
    assert refusal(day=SAT_9, today=SAT_9, weekdays=SIX_DAYS) is None
    assert refusal(day=SUN_10, today=SUN_10, weekdays=SIX_DAYS) is not None


def test_a_future_day_refuses_activities(english):
    assert refusal(day=TUE_12, today=MON_11) == (
        "May 12, 2026 has not come yet; activities are logged on the day or after it."
    )


def test_today_allows_activities():
    assert refusal(day=MON_11, today=MON_11) is None


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(WED_13, True), (THU_14, False), (SAT_16, False)],
)
def test_the_window_closes_after_its_last_working_day(today, allowed):
    assert (refusal(day=MON_11, today=today) is None) is allowed


def test_over_a_holiday_weekend_the_window_stays_open_until_the_monday(english):
    assert refusal(day=TUE_12, today=SUN_17) is None
    assert refusal(day=TUE_12, today=MON_18) is None
    assert refusal(day=TUE_12, today=TUE_19) == (
        "Activities for May 12, 2026 could be logged or changed until May 18, 2026; that time "
        "has passed."
    )


def test_no_attendance_record_refuses_activities_where_attendance_is_required(english):
    assert refusal(status=None, hours_present=None) == (
        "There is no attendance record for May 11, 2026 yet; activities can be logged once "
        "your attendance is recorded."
    )


@pytest.mark.parametrize(("minutes", "allowed"), [(450, True), (451, False)])
def test_no_attendance_record_is_allowed_up_to_the_maximum_where_not_required(minutes, allowed):
    result = refusal(status=None, hours_present=None, attendance_required=False, minutes=minutes)

    assert (result is None) is allowed


@pytest.mark.parametrize("minutes", [0, -30])
def test_an_activity_must_take_at_least_one_minute(english, minutes):
    assert refusal(minutes=minutes) == (
        "An activity must take at least one minute; check the quantity."
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        # a future holiday: not yet, before not a working day
        ({"day": THU_14, "today": MON_11}, "has not come yet"),
        # a closed holiday: not a working day, before the window
        ({"day": MAY[1], "today": MON_11}, "is not a working day"),
        # a closed day without attendance: the window, before the attendance
        ({"day": FRI_8, "today": TUE_19, "status": None}, "could be logged or changed until"),
        # absent and zero minutes: the attendance, before the minutes
        ({"status": ABSENT, "minutes": 0}, "recorded absent"),
        # no minutes on a full day: the minutes, before the cap
        ({"minutes": 0, "logged_minutes": 450}, "at least one minute"),
    ],
)
def test_the_first_reason_is_given_the_days_before_the_entrys(english, changes, reason):
    assert reason in refusal(**changes)


@pytest.mark.parametrize(
    "changes",
    [{"minutes": 1.5}, {"minutes": None}, {"logged_minutes": -1}, {"logged_minutes": "60"}],
)
def test_minutes_must_be_whole_and_logged_minutes_at_least_zero(changes):
    with pytest.raises(ValueError):
        refusal(**changes)


def test_the_refusals_show_the_date_in_the_users_language():
    with translation.override("id"):
        assert "11 Mei 2026" in refusal(status=ABSENT)


# --- The monthly target -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective", "months", "target"),
    [
        (75_000, 12, 6250),  # 1,250 hours a year (ABK)
        (72_000, 12, 6000),
        (75_001, 12, 6250),  # 6,250.08
        (75_006, 12, 6251),  # 6,250.5: halves up
        (75_005, 12, 6250),  # 6,250.42
        (75_000, 3, 25_000),  # a quarter
    ],
)
def test_the_monthly_target_is_a_twelfth_of_the_effective_minutes(effective, months, target):
    assert monthly_target_minutes(effective, months=months) == target


@pytest.mark.parametrize(("effective", "months"), [(0, 12), (-75_000, 12), (75_000, 0), (7.5, 12)])
def test_the_monthly_target_refuses_nonsense(effective, months):
    with pytest.raises(ValueError):
        monthly_target_minutes(effective, months=months)


# --- The individual index (IKI) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved", "target", "cap", "index"),
    [
        (0, 6250, 100, "0.00"),
        (6250, 6250, 100, "100.00"),  # at target
        (6249, 6250, 100, "99.98"),  # 99.984
        (7000, 6250, 100, "100.00"),  # over target, capped
        (7000, 6250, 120, "112.00"),  # a Pemda capping at 120
        (9000, 6250, 120, "120.00"),
        (9000, 6250, None, "144.00"),  # no cap
        (1, 3, 100, "33.33"),
        (2, 3, 100, "66.67"),
        (1, 20_000, 100, "0.01"),  # 0.005: halves up
        (2577, 4000, 100, "64.43"),  # 64.425: halves up, not to even
        (3125, 6250, 100, "50.00"),
    ],
)
def test_the_iki_is_approved_minutes_against_the_target(approved, target, cap, index):
    result = individual_index(approved, target, cap_percent=cap)

    assert result == Decimal(index)
    assert str(result) == index  # two places, always


def test_the_iki_is_capped_at_100_by_default():
    assert individual_index(12_500, 6250) == Decimal("100.00")


@pytest.mark.parametrize("target", [0, -6250])
def test_the_iki_refuses_a_target_of_zero_or_less(target):
    with pytest.raises(ValueError):
        individual_index(100, target)


@pytest.mark.parametrize(
    ("approved", "target", "cap"),
    [(-1, 6250, 100), (100.0, 6250, 100), (100, 6250.0, 100), (100, 6250, -1), (100, 6250, "x")],
)
def test_the_iki_refuses_bad_arguments(approved, target, cap):
    with pytest.raises(ValueError):
        individual_index(approved, target, cap_percent=cap)


def test_a_month_rolls_up_from_capped_days_into_the_iki():
    approved = {MON_11: 500, TUE_12: 300}
    caps = {
        MON_11: day_cap(PRESENT, 8, max_minutes_per_day=450, attendance_required=True),
        TUE_12: day_cap(PRESENT, 4, max_minutes_per_day=450, attendance_required=True),
    }

    minutes = capped_minutes(approved, caps)

    assert minutes == 450 + 240
    assert individual_index(minutes, monthly_target_minutes(75_000)) == Decimal("11.04")


# --- KPI achievement and the organisation index (IKO) ---------------------------------------


@pytest.mark.parametrize(
    ("target", "realisation", "higher", "cap", "achievement"),
    [
        (100, 80, True, 100, "80.00"),
        (100, 100, True, 100, "100.00"),
        (100, 120, True, 100, "100.00"),  # capped
        (100, 120, True, 120, "120.00"),
        (100, 150, True, None, "150.00"),
        (100, 0, True, 100, "0.00"),
        (100, -5, True, 100, "0.00"),  # never below 0
        (3, 1, True, 100, "33.33"),
        (3, 2, True, 100, "66.67"),
        (Decimal("12.5"), 10, True, 100, "80.00"),
        ("90", "92", True, 120, "102.22"),
        # lower is better: (2 − realisation ÷ target) × 100
        (10, 10, False, 100, "100.00"),
        (10, 15, False, 100, "50.00"),
        (10, 20, False, 100, "0.00"),
        (10, 25, False, 100, "0.00"),  # floored
        (10, 8, False, 100, "100.00"),  # better than target, capped
        (10, 8, False, 120, "120.00"),
        (10, 0, False, None, "200.00"),
        (7, Decimal("6.5"), False, 120, "107.14"),  # PermenPANRB 6/2022's own example: 107 %
        (3, 4, False, 100, "66.67"),
    ],
)
def test_a_kpis_achievement_follows_its_direction(target, realisation, higher, cap, achievement):
    result = kpi_achievement(target, realisation, higher_is_better=higher, cap_percent=cap)

    assert result == Decimal(achievement)
    assert str(result) == achievement


@pytest.mark.parametrize(
    ("realisation", "higher", "achievement"),
    [
        (5, True, None),  # anything meets a zero target: nothing to measure
        (0, True, None),
        (0, False, Decimal("100.00")),  # zero accidents, none happened
        (1, False, Decimal("0.00")),
    ],
)
def test_a_zero_target_is_met_only_by_zero_when_lower_is_better(realisation, higher, achievement):
    assert kpi_achievement(0, realisation, higher_is_better=higher) == achievement


def test_a_kpi_without_a_realisation_has_no_achievement_yet():
    assert kpi_achievement(100, None) is None
    assert kpi_achievement(100, None, higher_is_better=False) is None


@pytest.mark.parametrize(
    ("target", "realisation"), [(-1, 5), ("many", 5), (100, "lots"), (100, Decimal("Infinity"))]
)
def test_a_kpi_refuses_a_negative_target_and_non_numbers(target, realisation):
    with pytest.raises(ValueError):
        kpi_achievement(target, realisation)


@pytest.mark.parametrize(
    ("kpis", "index"),
    [
        ([(60, 100), (40, 50)], "80.00"),  # weighted
        ([(40, 100), (60, 50)], "70.00"),
        ([(50, 90), (50, 70)], "80.00"),
        ([(1, 90), (1, 70)], "80.00"),  # weights need not add up to 100
        ([(30, 100), (30, 0), (40, 75)], "60.00"),
        ([(1, 100), (2, 0)], "33.33"),
        ([(1, 100), (1, 0), (1, 0)], "33.33"),
        ([(2, "100.01"), (2, "0")], "50.01"),  # 50.005: halves up
        ([(100, "87.5")], "87.50"),
        ([(50, 90), (50, None)], "90.00"),  # an unreported KPI is left out
        ([(0, 10), (50, 90)], "90.00"),  # a weight of 0 does not count
    ],
)
def test_the_iko_is_the_weighted_mean_of_the_kpis(kpis, index):
    result = organisation_index(kpis)

    assert result == Decimal(index)
    assert str(result) == index


@pytest.mark.parametrize("kpis", [[], [(50, None), (50, None)], [(0, 80), (0, 90)]])
def test_the_iko_of_nothing_measured_is_none(kpis):
    assert organisation_index(kpis) is None


def test_the_iko_mixes_higher_and_lower_is_better_kpis():
    kpis = [
        (50, kpi_achievement(100, 90)),  # 90 %
        (30, kpi_achievement(10, 12, higher_is_better=False)),  # 80 %
        (20, kpi_achievement(0, 5)),  # not measurable: left out
    ]

    assert organisation_index(kpis) == Decimal("86.25")  # (50·90 + 30·80) ÷ 80


@pytest.mark.parametrize("kpis", [[(-10, 80)], [("heavy", 80)], [(50, "good")]])
def test_the_iko_refuses_negative_weights_and_non_numbers(kpis):
    with pytest.raises(ValueError):
        organisation_index(kpis)


# --- RHK realisation against target -----------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "achievement"),
    [
        (["100"], "100.00"),
        (["50", "90"], "70.00"),
        (["33.33", "66.67"], "50.00"),
        ([Decimal("12.5")], "12.50"),
        (["0"], "0.00"),
        (["50", None], "50.00"),  # an IKI that cannot be measured is left out
        (["100", "100", "0"], "66.67"),
        (["0.01", "0"], "0.01"),  # 0.005: halves up
    ],
)
def test_the_rhk_achievement_is_the_mean_of_the_iki_progress(progress, achievement):
    result = rhk_achievement(progress)

    assert result == Decimal(achievement)
    assert str(result) == achievement


@pytest.mark.parametrize("progress", [[], [None], [None, None]])
def test_the_rhk_achievement_of_nothing_measured_is_none(progress):
    assert rhk_achievement(progress) is None


@pytest.mark.parametrize("progress", [["much"], [float("nan")]])
def test_the_rhk_achievement_refuses_what_is_not_a_number(progress):
    with pytest.raises(ValueError):
        rhk_achievement(progress)


# --- The final score and the pay threshold --------------------------------------------------


@pytest.mark.parametrize(
    ("individual", "behaviour", "weights", "score"),
    [
        (90, 70, (80, 20), "86.00"),  # Model Surabaya
        (90, 70, (70, 30), "84.00"),
        (100, 0, (80, 20), "80.00"),
        (0, 100, (80, 20), "20.00"),
        (Decimal("83.33"), Decimal("66.67"), (80, 20), "80.00"),  # 79.998
        (Decimal("80.01"), 0, (50, 50), "40.01"),  # 40.005: halves up
        (Decimal("75.5"), 60, (80, 20), "72.40"),
        (90, 70, (100, 0), "90.00"),
        (90, 70, (Decimal("62.5"), Decimal("37.5")), "82.50"),
        (90, 70, ("80", "20"), "86.00"),  # as stored in a JSON setting
    ],
)
def test_the_final_score_weighs_individual_work_against_behaviour(
    individual, behaviour, weights, score
):
    result = final_score(
        individual, behaviour, individual_weight=weights[0], behaviour_weight=weights[1]
    )

    assert result == Decimal(score)
    assert str(result) == score


@pytest.mark.parametrize(
    "weights", [(80, 30), (70, 20), (0, 0), (-10, 110), (110, -10), (Decimal("80.1"), 20)]
)
def test_the_weights_must_add_up_to_exactly_100(weights):
    with pytest.raises(ValueError):
        final_score(90, 70, individual_weight=weights[0], behaviour_weight=weights[1])


@pytest.mark.parametrize(("individual", "behaviour"), [(-1, 70), (90, -1), (None, 70)])
def test_the_final_score_refuses_negative_or_missing_scores(individual, behaviour):
    with pytest.raises(ValueError):
        final_score(individual, behaviour, individual_weight=80, behaviour_weight=20)


@pytest.mark.parametrize(
    ("score", "withheld"),
    [
        (Decimal("59.99"), True),  # below
        (59, True),
        (0, True),
        (60, False),  # at the minimum: paid
        (Decimal("60.00"), False),
        (Decimal("60.01"), False),  # above
        (100, False),
    ],
)
def test_pay_is_withheld_below_the_minimum_monthly_score(score, withheld):
    assert pay_withheld(score, 60) is withheld


def test_the_minimum_is_the_tenants():
    assert pay_withheld(Decimal("62.50"), 65) is True
    assert pay_withheld(Decimal("62.50"), Decimal("62.5")) is False


@pytest.mark.parametrize(("score", "minimum"), [(None, 60), (60, None), ("good", 60)])
def test_the_pay_threshold_refuses_non_numbers(score, minimum):
    with pytest.raises(ValueError):
        pay_withheld(score, minimum)
