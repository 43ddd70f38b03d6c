"""Evaluation periods (DOMAIN.md §2) and their bounds in a Pemda's time zone (§1).

Pure: no database, no models. A period is a calendar span of whole months (a month, a
quarter, a semester or a year); its dates need no time zone, but the instants that bound it
do, because one UTC instant falls on different local days across WIB, WITA and WIT. Store
those instants (aware, UTC in the database); compute which period they fall in with the
Pemda's zone through ``period_at``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Codes carry four-digit years, and no Pemda evaluates before the 20th century; anything
# outside is a typo or junk from an import, better refused than turned into a period.
MIN_YEAR = 1900
MAX_YEAR = 2999

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SEMESTER = "semester", _("Per semester")
    ANNUAL = "annual", _("Annual")

    @property
    def months(self) -> int:
        """Length of one period in months (also what angka kredit prorates by)."""
        return _MONTHS_PER_PERIOD[self]

    @property
    def per_year(self) -> int:
        return 12 // self.months


_MONTHS_PER_PERIOD = {
    PeriodKind.MONTHLY: 1,
    PeriodKind.QUARTERLY: 3,
    PeriodKind.SEMESTER: 6,
    PeriodKind.ANNUAL: 12,
}


def period_kind_parse(value: PeriodKind | str) -> PeriodKind:
    """The kind named by ``value``; refuses anything but the exact stored values."""
    if isinstance(value, str) and value in PeriodKind.values:
        return PeriodKind(value)
    allowed = ", ".join(PeriodKind.values)
    raise ValueError(f"Unknown period kind {value!r}; expected one of: {allowed}.")


def _is_int(value: object) -> bool:
    # bool is an int subclass; Period(kind, True, 1) is a bug, not year 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _require_date(day: object) -> None:
    # A datetime is a date too, but taking its date part silently ignores the time zone,
    # which is exactly the mistake that puts 00:30 WITA on New Year's Day into December.
    if isinstance(day, datetime.datetime):
        raise TypeError(
            f"Expected a date, got the datetime {day!r}; use period_at() with the Pemda's "
            "time zone for instants."
        )
    if not isinstance(day, datetime.date):
        raise TypeError(f"Expected a date, got {day!r}.")


def _zone(tz: datetime.tzinfo | str) -> datetime.tzinfo:
    if isinstance(tz, datetime.tzinfo):
        return tz
    if isinstance(tz, str):
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"Unknown time zone {tz!r}, e.g. 'Asia/Jakarta'.") from None
    raise TypeError(f"Expected a ZoneInfo or a time zone name, got {tz!r}.")


_CODE = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?:(?P<month>[0-9]{2})|Q(?P<quarter>[0-9])|S(?P<semester>[0-9])))?"
)


@dataclass(frozen=True, order=True)
class Period:
    """One evaluation period: ``number`` counts from 1 within ``year`` (months 1–12,
    quarters 1–4, semesters 1–2, the year itself 1). Orders chronologically within a kind."""

    kind: PeriodKind
    year: int
    number: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", period_kind_parse(self.kind))
        if not _is_int(self.year) or not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(
                f"A period's year must be a whole number from {MIN_YEAR} to {MAX_YEAR}, "
                f"not {self.year!r}."
            )
        per_year = self.kind.per_year
        if not _is_int(self.number) or not 1 <= self.number <= per_year:
            raise ValueError(
                f"A {self.kind.value} period's number must be from 1 to {per_year}, "
                f"not {self.number!r}."
            )

    def __str__(self) -> str:
        return self.code

    @property
    def _first_month(self) -> int:
        return (self.number - 1) * self.kind.months + 1

    @property
    def _day_after_end(self) -> datetime.date:
        month_after = self._first_month + self.kind.months
        if month_after > 12:
            return datetime.date(self.year + 1, 1, 1)
        return datetime.date(self.year, month_after, 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self._first_month, 1)

    @property
    def end(self) -> datetime.date:
        """The last day, inclusive."""
        return self._day_after_end - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        _require_date(day)
        return self.start <= day <= self.end

    def starts_at(self, tz: datetime.tzinfo | str) -> datetime.datetime:
        """Local midnight on the first day, as an aware datetime."""
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=_zone(tz))

    def ends_at(self, tz: datetime.tzinfo | str) -> datetime.datetime:
        """Local midnight after the last day: an exclusive bound, so ``starts_at <= t <
        ends_at`` selects the period and it equals the next period's ``starts_at``."""
        return datetime.datetime.combine(self._day_after_end, datetime.time(), tzinfo=_zone(tz))

    def next(self) -> Period:
        if self.number < self.kind.per_year:
            return Period(self.kind, self.year, self.number + 1)
        return Period(self.kind, self.year + 1, 1)

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, self.kind.per_year)

    @property
    def code(self) -> str:
        """Stable, sortable within a kind, safe in URLs and file names: "2026-03",
        "2026-Q1", "2026-S2", "2026"."""
        match self.kind:
            case PeriodKind.MONTHLY:
                return f"{self.year:04d}-{self.number:02d}"
            case PeriodKind.QUARTERLY:
                return f"{self.year:04d}-Q{self.number}"
            case PeriodKind.SEMESTER:
                return f"{self.year:04d}-S{self.number}"
            case _:
                return f"{self.year:04d}"

    @classmethod
    def parse(cls, code: str) -> Period:
        """The period a ``code`` names; accepts exactly what ``code`` produces."""
        match = _CODE.fullmatch(code) if isinstance(code, str) else None
        if match is None:
            raise ValueError(
                f"{code!r} is not a period code; expected e.g. 2026-03, 2026-Q1, 2026-S2 or 2026."
            )
        year = int(match["year"])
        if match["month"]:
            return cls(PeriodKind.MONTHLY, year, int(match["month"]))
        if match["quarter"]:
            return cls(PeriodKind.QUARTERLY, year, int(match["quarter"]))
        if match["semester"]:
            return cls(PeriodKind.SEMESTER, year, int(match["semester"]))
        return cls(PeriodKind.ANNUAL, year, 1)

    @property
    def label(self) -> str:
        """For people, in the active language: "Maret 2026", "Triwulan I 2026"."""
        roman = _ROMAN.get(self.number)
        match self.kind:
            case PeriodKind.MONTHLY:
                # Django ships the month names in Indonesian; no msgid of our own needed.
                return f"{MONTHS[self.number]} {self.year}"
            case PeriodKind.QUARTERLY:
                return gettext("Quarter %(roman)s %(year)s") % {"roman": roman, "year": self.year}
            case PeriodKind.SEMESTER:
                return gettext("Semester %(roman)s %(year)s") % {"roman": roman, "year": self.year}
            case _:
                return gettext("Year %(year)s") % {"year": self.year}


def period_of(kind: PeriodKind | str, day: datetime.date) -> Period:
    """The period of ``kind`` that contains the calendar ``day``."""
    kind = period_kind_parse(kind)
    _require_date(day)
    return Period(kind, day.year, (day.month - 1) // kind.months + 1)


def period_at(
    kind: PeriodKind | str, moment: datetime.datetime, tz: datetime.tzinfo | str
) -> Period:
    """The period of ``kind`` in which the instant ``moment`` falls, read on the wall
    clock of ``tz`` (the Pemda's zone, e.g. "Asia/Makassar")."""
    if not isinstance(moment, datetime.datetime):
        raise TypeError(f"Expected an aware datetime, got {moment!r}.")
    if moment.utcoffset() is None:
        raise ValueError(
            f"The datetime {moment!r} is naive; its period depends on the time zone, so "
            "pass an aware datetime (e.g. django.utils.timezone.now())."
        )
    return period_of(kind, moment.astimezone(_zone(tz)).date())


def periods_in_year(kind: PeriodKind | str, year: int) -> list[Period]:
    kind = period_kind_parse(kind)
    return [Period(kind, year, number) for number in range(1, kind.per_year + 1)]


def periods_between(
    kind: PeriodKind | str, first: datetime.date, last: datetime.date
) -> list[Period]:
    """Every period of ``kind`` that overlaps the days ``first`` to ``last``, inclusive,
    in order."""
    _require_date(first)
    _require_date(last)
    if first > last:
        raise ValueError(f"The range is reversed: {first} is after {last}.")
    period = period_of(kind, first)
    periods = [period]
    while period.end < last:
        period = period.next()
        periods.append(period)
    return periods
