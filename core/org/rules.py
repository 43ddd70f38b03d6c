"""The rules of a Pemda's organisation data, each in one place.

Pure functions: no database, no request. The admin's forms, the API and the Excel import
reach them through the org services (or, for the import's thousands of rows, call them
directly row by row), and the models' ``clean()`` calls them too, so a record refused at
one door is refused at every door with the same words (DESIGN.md decisions 7 and 8).

Each rule returns a list of :class:`Violation` — the field it concerns and a message for the
user — and an empty list when the value is allowed.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.org.nip import NIPError, nip_parse
from core.org.ranks import EmploymentStatus, JenisJabatan

EARLIEST_TMT_YEAR = 1940
KELAS_JABATAN_MIN, KELAS_JABATAN_MAX = 1, 17
PPPK_STATUSES = (EmploymentStatus.PPPK, EmploymentStatus.PPPK_PARUH_WAKTU)


@dataclass(frozen=True)
class Violation:
    field: str  # the model field the rule is about ("golongan", "parent" …)
    message: str
    conflict: bool = False  # the value is taken by another record (a code, a NIP)


class OrgError(ValueError):
    """A change the organisation refuses as a whole; the message is for the user."""


class RuleError(ValueError):
    """A record the rules refuse; carries every violation, each with its field."""

    def __init__(self, violations: list[Violation]):
        self.violations = list(violations)
        super().__init__(" ".join(v.message for v in self.violations))

    @property
    def is_conflict(self) -> bool:
        """Every refusal is a value another record already holds (HTTP 409 in the API)."""
        return all(violation.conflict for violation in self.violations)

    def by_field(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for violation in self.violations:
            fields.setdefault(violation.field, []).append(violation.message)
        return fields


def violations_raise(violations: list[Violation]) -> None:
    if violations:
        raise RuleError(violations)


# --- Employees ----------------------------------------------------------------------------


def nip_violations(nip: str, *, today: datetime.date) -> list[Violation]:
    try:
        nip_parse(nip, today=today)
    except NIPError as exc:
        return [Violation("nip", str(exc))]
    return []


def golongan_violations(status: str, golongan: str) -> list[Violation]:
    """A PNS has a golongan/ruang; a PPPK (paruh waktu or not) has none."""
    if status == EmploymentStatus.PNS and not golongan:
        return [Violation("golongan", _("A PNS needs a golongan, e.g. III/a."))]
    if status in PPPK_STATUSES and golongan:
        return [Violation("golongan", _("A PPPK has no golongan: leave it empty."))]
    return []


def tmt_violations(tmt: datetime.date | None, *, today: datetime.date) -> list[Violation]:
    """TMT jabatan lies between 1940 and today (a later date is a typing slip)."""
    if tmt is None:
        return []
    if tmt > today:
        return [
            Violation(
                "tmt_jabatan",
                _("The date %(date)s lies in the future.") % {"date": tmt.isoformat()},
            )
        ]
    if tmt.year < EARLIEST_TMT_YEAR:
        return [
            Violation(
                "tmt_jabatan",
                _("The date %(date)s is before %(year)s; check the year.")
                % {"date": tmt.isoformat(), "year": EARLIEST_TMT_YEAR},
            )
        ]
    return []


def email_violations(email: str, *, held_by_another: bool) -> list[Violation]:
    """An email address belongs to one account: every employee's login carries it."""
    if email and held_by_another:
        return [
            Violation(
                "email", _("%(email)s already belongs to another account.") % {"email": email}
            )
        ]
    return []


def employee_violations(
    record: Mapping, *, today: datetime.date, email_held_by_another: bool = False
) -> list[Violation]:
    """Every rule on one employee's values (``record`` maps model field names to values)."""
    return [
        *golongan_violations(record.get("status", ""), record.get("golongan", "")),
        *tmt_violations(record.get("tmt_jabatan"), today=today),
        *email_violations(record.get("email", ""), held_by_another=email_held_by_another),
    ]


# --- Positions ----------------------------------------------------------------------------


def jenjang_violations(jenis: str, jenjang: str) -> list[Violation]:
    if jenjang and jenis != JenisJabatan.FUNGSIONAL:
        return [Violation("jenjang", _("Only a Fungsional position has a jenjang."))]
    return []


def kelas_jabatan_message(value) -> str:
    return _("Kelas jabatan must be a whole number from 1 to 17; got “%(value)s”.") % {
        "value": value
    }


def kelas_jabatan_violations(kelas: int | None) -> list[Violation]:
    if kelas is None or not KELAS_JABATAN_MIN <= kelas <= KELAS_JABATAN_MAX:
        return [Violation("kelas_jabatan", kelas_jabatan_message("" if kelas is None else kelas))]
    return []


def position_violations(record: Mapping) -> list[Violation]:
    return [
        *jenjang_violations(record.get("jenis", ""), record.get("jenjang", "")),
        *kelas_jabatan_violations(record.get("kelas_jabatan")),
    ]


# --- Codes of units and positions --------------------------------------------------------


def code_violations(code: str) -> list[Violation]:
    """A code is what people type and read in Excel: no control characters, and no "/"
    (it separates the codes of a unit's path in the tree)."""
    if "/" in code or any(unicodedata.category(ch)[0] == "C" for ch in code):
        return [
            Violation(
                "code",
                _("A code may not contain “/” or invisible characters; “%(code)s” does.")
                % {"code": code.encode("unicode_escape").decode("ascii")},
            )
        ]
    return []


# --- Units --------------------------------------------------------------------------------


def unit_parent_violations(
    *, unit: int | str | None, parent: int | str | None, parent_of: Mapping
) -> list[Violation]:
    """A unit cannot sit below itself or below one of its own units.

    ``unit`` and ``parent`` are keys of ``parent_of`` (ids or codes), which maps every unit
    to its parent (None for an OPD) as the tree will stand; ``unit`` is None for a new unit,
    which has nothing below it yet.
    """
    node, seen = parent, set()
    while node is not None and node not in seen:
        if unit is not None and node == unit:
            return [below_itself()]
        seen.add(node)
        node = parent_of.get(node)
    return []


def below_itself() -> Violation:
    return Violation("parent", _("A unit cannot be placed below itself or one of its own units."))


def units_below_themselves(parent_of: Mapping) -> set:
    """Every unit on a loop of parent links (each would sit below itself), for many units at
    once: each unit is visited once, so a file of 20,000 units is checked in linear time."""
    done: set = set()
    looped: set = set()
    for start in parent_of:
        path: dict = {}  # the walk from ``start``, in order, for membership and position
        node = start
        while node is not None and node in parent_of and node not in done and node not in path:
            path[node] = len(path)
            node = parent_of[node]
        if node in path:  # the walk came back to itself
            looped.update(list(path)[path[node] :])
        done.update(path)
    return looped
