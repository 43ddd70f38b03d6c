"""NIP, the 18-digit civil-servant number (DOMAIN.md §1).

Layout: birth date ``YYYYMMDD`` + CPNS appointment ``YYYYMM`` + sex (1 male, 2 female)
+ a 3-digit sequence. Example: ``196608011988031001``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MINIMUM_APPOINTMENT_AGE = 18  # UU ASN: a CPNS is at least 18 at appointment
# PPPK NIPs carry the code 21 where a PNS NIP has the appointment month (e.g. 2023 21).
PPPK_MONTH_CODE = 21


class NIPError(ValueError):
    pass


@dataclass(frozen=True)
class NIP:
    value: str
    birth_date: datetime.date
    appointment_year: int
    appointment_month: int | None  # None for a PPPK NIP, which records the year only
    sex: str  # "L" (laki-laki) or "P" (perempuan)
    sequence: int

    @property
    def is_pppk(self) -> bool:
        return self.appointment_month is None

    def __str__(self) -> str:
        return self.value


def nip_parse(raw: str, *, today: datetime.date | None = None) -> NIP:
    """Validate a NIP and derive its parts; raise NIPError with a readable reason."""
    today = today or datetime.date.today()
    value = "".join((raw or "").split())  # NIPs are often written "19660801 198803 1 001"
    if not re.fullmatch(r"[0-9]{18}", value):  # str.isdigit() also takes "²" and "٣"
        raise NIPError(_("NIP must be exactly 18 digits."))
    try:
        birth = datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise NIPError(
            _("NIP birth date %(date)s is not a real date.") % {"date": value[0:8]}
        ) from None
    if birth > today:
        raise NIPError(_("NIP birth date lies in the future."))
    year, month = int(value[8:12]), int(value[12:14])
    if month == PPPK_MONTH_CODE:
        month = None
    elif not 1 <= month <= 12:
        raise NIPError(
            _("NIP appointment month %(month)s is not a month.") % {"month": value[12:14]}
        )
    if (year, month or 1) > (today.year, today.month):
        raise NIPError(_("NIP appointment date lies in the future."))
    if (year, month or 12) < (birth.year + MINIMUM_APPOINTMENT_AGE, birth.month):
        raise NIPError(
            _("NIP appointment date is before the employee turned %(age)s.")
            % {"age": MINIMUM_APPOINTMENT_AGE}
        )
    if value[14] not in "12":
        raise NIPError(_("NIP sex digit must be 1 (male) or 2 (female)."))
    sequence = int(value[15:18])
    if sequence == 0:
        raise NIPError(_("NIP sequence number cannot be 000."))
    return NIP(
        value=value,
        birth_date=birth,
        appointment_year=year,
        appointment_month=month,
        sex="L" if value[14] == "1" else "P",
        sequence=sequence,
    )


def nip_is_valid(raw: str) -> bool:
    try:
        nip_parse(raw)
    except NIPError:
        return False
    return True
