"""Columns of an import file and the parsers that turn a cell into a value.

A parser takes the raw cell (text from a CSV; text, number, date or None from a workbook)
and returns the value, or raises :class:`CellError` with a message for the user. Parsers
only read; the rules of each module decide whether the value is allowed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from core.importing.tabular import FORMULA_PREFIXES

# PostgreSQL cannot store NUL: a cell with one is a row error (other control characters
# are the modules' rules' call, e.g. codes; tabs and line breaks become single spaces).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class CellError(ValueError):
    """A cell that cannot be read as its column's value; the message is for the user."""


@dataclass(frozen=True)
class Column:
    header: str  # as in the template file; matched ignoring case and extra spaces
    field: str  # the record key (the model field where there is one)
    parse: Callable
    required: bool = True  # the header must be present (an empty cell is the parser's call)

    @property
    def key(self) -> str:
        return " ".join(self.header.split()).lower()


def text(max_length: int, *, required: bool = True) -> Callable:
    def parse(value):
        if value is None:
            result = ""
        elif isinstance(value, float) and value.is_integer():
            result = str(int(value))  # Excel turns codes like 101 into 101.0
        else:
            result = " ".join(str(value).split())
        if "\x00" in result:
            raise CellError(
                _(
                    "This cell holds a control character (such as NUL) that is not text; "
                    "type it again."
                )
            )
        if result.startswith("'") and result[1:2] in FORMULA_PREFIXES:
            result = result[1:]  # the guard our CSV export adds to "+62…", "=…": not data
        if not result and required:
            raise CellError(_("This cell is empty."))
        if len(result) > max_length:
            raise CellError(
                _("Too long: at most %(max)s characters, this has %(n)s.")
                % {"max": max_length, "n": len(result)}
            )
        return result

    return parse


def choice_lookup(choices: type[models.TextChoices], raw: str) -> str | None:
    """Match a cell to a choice by value or label, ignoring case, spaces and punctuation."""

    def key(value: str) -> str:
        return "".join(ch for ch in str(value).lower() if ch.isalnum())

    wanted = key(raw)
    for value, label in choices.choices:
        if wanted in (key(value), key(label)):
            return value
    return None


def choice(choices: type[models.TextChoices], *, required: bool = True) -> Callable:
    def parse(value):
        raw = text(100, required=required)(value)
        if not raw:
            return ""
        found = choice_lookup(choices, raw)
        if found is None:
            allowed = ", ".join(str(label) for _value, label in choices.choices)
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw, "allowed": allowed}
            )
        return found

    return parse


def whole_number(message: Callable[[str], str]) -> Callable:
    """A whole number (Excel may give 8.0); ``message(raw)`` explains a cell that is not."""

    def parse(value):
        raw = text(12)(value)
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise CellError(message(raw))
        return int(raw)

    return parse


DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")


def date(value):
    """An Excel date, or text as YYYY-MM-DD or DD-MM-YYYY (also with slashes); empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = _CONTROL.sub("", str(value)).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(
        _("“%(value)s” is not a date: use an Excel date, YYYY-MM-DD or DD-MM-YYYY.")
        % {"value": raw[:40]}
    )


def email(value):
    raw = text(254, required=False)(value)
    if raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise CellError(_("“%(value)s” is not an email address.") % {"value": raw}) from None
    return raw.lower()
