"""Billing's pure rules (tenants.billing_rules): months, billed days, amounts, numbers, grace."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from djmoney.money import Money

from tenants import billing_rules as rules


def idr(amount) -> Money:
    return Money(amount, "IDR")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 1), (date(2026, 11, 1), date(2026, 11, 30))),
        (date(2026, 12, 31), (date(2026, 11, 1), date(2026, 11, 30))),
        (date(2027, 1, 1), (date(2026, 12, 1), date(2026, 12, 31))),  # over the year
        (date(2028, 3, 15), (date(2028, 2, 1), date(2028, 2, 29))),  # leap February
        (date(2027, 3, 1), (date(2027, 2, 1), date(2027, 2, 28))),
    ],
)
def test_the_invoiced_month_is_the_whole_month_before_today(today, expected):
    assert rules.invoice_month(today) == expected


def test_every_day_of_a_year_invoices_the_month_before_it():
    day = date(2026, 1, 1)
    while day.year == 2026:
        start, end = rules.invoice_month(day)
        assert start.day == 1 and end + timedelta(days=1) == day.replace(day=1)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("started", "days", "end"),
    [
        (date(2026, 11, 1), 30, date(2026, 11, 30)),
        (date(2026, 12, 15), 30, date(2027, 1, 13)),
        (date(2026, 12, 15), 1, date(2026, 12, 15)),  # the first day only
        (date(2026, 12, 15), 0, date(2026, 12, 14)),  # no trial: billed from the start
    ],
)
def test_the_trial_counts_its_first_day(started, days, end):
    assert rules.trial_end(started, days) == end


def test_a_negative_trial_is_refused():
    with pytest.raises(ValueError):
        rules.trial_end(date(2026, 1, 1), -1)


NOV = {"month_start": date(2026, 11, 1), "month_end": date(2026, 11, 30)}


@pytest.mark.parametrize(
    ("started", "trial_end", "expected"),
    [
        # trial over before the month: the whole month
        (date(2026, 9, 1), date(2026, 9, 30), (date(2026, 11, 1), date(2026, 11, 30))),
        # trial ends on the month's last day before it: the whole month
        (date(2026, 10, 1), date(2026, 10, 31), (date(2026, 11, 1), date(2026, 11, 30))),
        # trial ends mid-month: the days after it
        (date(2026, 10, 16), date(2026, 11, 14), (date(2026, 11, 15), date(2026, 11, 30))),
        # trial ends on the month's last day but one: one day
        (date(2026, 10, 31), date(2026, 11, 29), (date(2026, 11, 30), date(2026, 11, 30))),
        # trial ends on the month's last day: nothing
        (date(2026, 11, 1), date(2026, 11, 30), None),
        # trial runs past the month: nothing
        (date(2026, 11, 20), date(2026, 12, 19), None),
        # subscribed after the month: nothing, even without a trial
        (date(2026, 12, 1), date(2026, 11, 30), None),
        # subscribed mid-month without a trial: from the start
        (date(2026, 11, 10), date(2026, 11, 9), (date(2026, 11, 10), date(2026, 11, 30))),
    ],
)
def test_the_billed_days_are_those_after_the_trial_and_the_start(started, trial_end, expected):
    assert rules.billable_period(**NOV, started_on=started, trial_ends_on=trial_end) == expected


@pytest.mark.parametrize(
    ("count", "price", "start", "end", "expected"),
    [
        (1234, 5000, date(2026, 11, 1), date(2026, 11, 30), 6_170_000),  # whole month
        (0, 5000, date(2026, 11, 1), date(2026, 11, 30), 0),  # nobody employed yet
        (1000, 3000, date(2026, 11, 16), date(2026, 11, 30), 1_500_000),  # half of 30 days
        (1000, 3100, date(2026, 12, 31), date(2026, 12, 31), 100_000),  # one day of 31
        (1, 2500, date(2026, 11, 30), date(2026, 11, 30), 83),  # 83.33 → 83
        (1, 2500, date(2026, 11, 29), date(2026, 11, 30), 167),  # 166.67 → 167
        (3, 1, date(2026, 11, 16), date(2026, 11, 30), 2),  # 1.5 → 2 (half up)
        (1, 2900, date(2028, 2, 15), date(2028, 2, 29), 1_500),  # leap February, 15 of 29
        (25_000, 8500, date(2026, 1, 1), date(2026, 1, 31), 212_500_000),
    ],
)
def test_the_amount_is_employees_times_price_pro_rata(count, price, start, end, expected):
    amount = rules.invoice_amount(
        employee_count=count, price=idr(price), period_start=start, period_end=end
    )
    assert amount == idr(expected)
    assert amount.amount == amount.amount.to_integral_value()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 11, 30), date(2026, 12, 1)),  # two months
        (date(2026, 11, 10), date(2026, 11, 9)),  # backwards
        (date(2025, 11, 1), date(2026, 11, 30)),  # a year apart, same month
    ],
)
def test_a_period_outside_one_month_is_refused(start, end):
    with pytest.raises(ValueError):
        rules.invoice_amount(employee_count=1, price=idr(1), period_start=start, period_end=end)


def test_a_negative_employee_count_is_refused():
    with pytest.raises(ValueError):
        rules.invoice_amount(
            employee_count=-1,
            price=idr(1),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
        )


@pytest.mark.parametrize(
    ("issued", "sequence", "number"),
    [
        (date(2026, 12, 1), 1, "INV/2026/12/0001"),
        (date(2027, 1, 31), 42, "INV/2027/01/0042"),
        (date(2027, 1, 31), 12345, "INV/2027/01/12345"),
    ],
)
def test_invoice_numbers_run_per_month_of_issue(issued, sequence, number):
    assert rules.invoice_number(issued_on=issued, sequence=sequence) == number
    assert number.startswith(rules.invoice_number_prefix(issued))


def test_an_invoice_number_starts_at_one():
    with pytest.raises(ValueError):
        rules.invoice_number(issued_on=date(2026, 12, 1), sequence=0)


def test_an_invoice_is_due_its_days_after_issue():
    assert rules.invoice_due_on(issued_on=date(2026, 12, 1), due_days=14) == date(2026, 12, 15)


@pytest.mark.parametrize(
    ("today", "past"),
    [
        (date(2026, 12, 14), False),  # before the due date
        (date(2026, 12, 15), False),  # the due date
        (date(2026, 12, 29), False),  # the last grace day
        (date(2026, 12, 30), True),  # the day after the grace period
        (date(2027, 6, 1), True),
    ],
)
def test_an_invoice_is_past_grace_only_after_the_last_grace_day(today, past):
    assert rules.invoice_past_grace(due_on=date(2026, 12, 15), today=today, grace_days=14) is past


def test_an_invoice_without_a_due_date_is_never_past_grace():
    assert not rules.invoice_past_grace(due_on=None, today=date(2030, 1, 1), grace_days=0)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (idr(1234567), "Rp 1.234.567"),
        (idr(0), "Rp 0"),
        (idr(999), "Rp 999"),
        (idr(1000), "Rp 1.000"),
        (idr(Decimal("1500.50")), "Rp 1.501"),
        (Decimal("212500000"), "Rp 212.500.000"),
        (-5000, "-Rp 5.000"),
    ],
)
def test_rupiah_are_written_the_indonesian_way(value, text):
    assert rules.rupiah(value) == text
