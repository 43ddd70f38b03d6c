"""Billing's rules as pure functions (no database): which month an invoice covers, which days
of it are billed, the amount, the number, and when an unpaid invoice makes a Pemda read-only."""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from djmoney.money import Money

CURRENCY = "IDR"


def month_bounds(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def invoice_month(today: date) -> tuple[date, date]:
    """The month invoiced on ``today``: the last whole month before it (billed in arrears)."""
    return month_bounds(today.replace(day=1) - timedelta(days=1))


def trial_end(started_on: date, trial_days: int) -> date:
    """The trial's last day: ``trial_days`` days counting ``started_on`` (0: no trial)."""
    if trial_days < 0:
        raise ValueError("trial_days must not be negative")
    return started_on + timedelta(days=trial_days - 1)


def billable_period(
    *, month_start: date, month_end: date, started_on: date, trial_ends_on: date
) -> tuple[date, date] | None:
    """The days of the month that are billed: from the later of the month's first day, the
    subscription's start and the day after the trial, to the month's last day; None when
    the trial (or a later start) covers the whole month."""
    start = max(month_start, started_on, trial_ends_on + timedelta(days=1))
    if start > month_end:
        return None
    return start, month_end


def invoice_amount(
    *, employee_count: int, price: Money, period_start: date, period_end: date
) -> Money:
    """``employee_count`` × ``price`` per month, pro rata for a partial month (the month of
    the trial's end), rounded half up to whole rupiah."""
    if employee_count < 0:
        raise ValueError("employee_count must not be negative")
    if period_end < period_start or (period_start.year, period_start.month) != (
        period_end.year,
        period_end.month,
    ):
        raise ValueError("an invoice period lies within one month")
    days_in_month = calendar.monthrange(period_start.year, period_start.month)[1]
    days = (period_end - period_start).days + 1
    exact = Decimal(employee_count) * price.amount * Decimal(days) / Decimal(days_in_month)
    return Money(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP), CURRENCY)


def invoice_number(*, issued_on: date, sequence: int) -> str:
    """``INV/2026/12/0001``: the year and month of issue and a running number in that month."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"INV/{issued_on.year:04d}/{issued_on.month:02d}/{sequence:04d}"


def invoice_number_prefix(issued_on: date) -> str:
    return f"INV/{issued_on.year:04d}/{issued_on.month:02d}/"


def invoice_due_on(*, issued_on: date, due_days: int) -> date:
    return issued_on + timedelta(days=due_days)


def invoice_past_grace(*, due_on: date | None, today: date, grace_days: int) -> bool:
    """An issued invoice still unpaid more than ``grace_days`` after its due date makes its
    Pemda read-only (the due day and the grace days themselves are still fine)."""
    return due_on is not None and today > due_on + timedelta(days=grace_days)


def rupiah(value: Money | Decimal | int) -> str:
    """``Rp 1.234.567`` (Indonesian grouping, whole rupiah; negative as ``-Rp 5``)."""
    amount = value.amount if isinstance(value, Money) else Decimal(value)
    whole = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    grouped = f"{abs(whole):,}".replace(",", ".")
    return f"{'-' if whole < 0 else ''}Rp {grouped}"
