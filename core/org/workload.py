"""Workload analysis (ABK, PermenPANRB 1/2020): required staff from norma waktu.

Required FTE = Σ(volume × minutes per unit) ÷ effective working minutes a year
(75,000 minutes = 1,250 hours by default; a tenant setting).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_EFFECTIVE_MINUTES = 75_000
EFFECTIVE_MINUTES_SETTING = "abk.effective_minutes"
TWO_PLACES = Decimal("0.01")


def required_fte(
    items: Iterable[tuple[int | Decimal, int | Decimal]],
    effective_minutes: int | Decimal = DEFAULT_EFFECTIVE_MINUTES,
) -> Decimal:
    """Σ(volume × minutes_per_unit) ÷ effective_minutes, rounded half up to 2 places."""
    effective = Decimal(effective_minutes)
    if effective <= 0:
        raise ValueError("effective working minutes must be positive")
    total = Decimal(0)
    for volume, minutes in items:
        volume, minutes = Decimal(volume), Decimal(minutes)
        if volume < 0 or minutes < 0:
            raise ValueError("volumes and norma waktu cannot be negative")
        total += volume * minutes
    return (total / effective).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def staffing_gap(required: Decimal, holders: int) -> Decimal:
    """Holders minus required: negative is a shortage, positive a surplus."""
    return (Decimal(holders) - required).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
