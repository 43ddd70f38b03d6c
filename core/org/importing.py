"""Importing units, positions and employees from a spreadsheet: all or nothing.

Every row is checked first; the result lists each bad row with its column and the reason,
and nothing is written unless every row is good, or the admin asks for the good rows only.
Importing the same file again changes nothing (upsert by code, and by NIP for employees).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.models import User
from core.org.models import Employee, Position, Unit
from core.org.nip import NIPError, nip_parse
from core.org.ranks import (
    EmploymentStatus,
    JenisJabatan,
    Jenjang,
    UnitKind,
    choice_lookup,
    golongan_normalise,
)
from core.org.services import (
    OrgError,
    column_update_from_pairs,
    employee_accounts_upsert,
    org_structure_refresh,
)
from core.org.tabular import FORMULA_PREFIXES, TableError, read_table

KINDS = ("units", "positions", "employees")
BATCH = 2000


class CellError(ValueError):
    pass


@dataclass(frozen=True)
class Column:
    header: str  # as in the template file; matched ignoring case and extra spaces
    field: str
    parse: Callable
    required: bool = True


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def good_rows(self) -> int:
        return self.total - self.bad_rows

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "total": self.total,
            "good_rows": self.good_rows,
            "bad_rows": self.bad_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "written": self.written,
            "errors": [error.__dict__ for error in self.errors],
        }


# --- Cell parsers -------------------------------------------------------------------------


def _text(max_length: int, *, required: bool = True):
    def parse(value):
        if value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))  # Excel turns codes like 101 into 101.0
        else:
            text = " ".join(str(value).split())
        if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
            text = text[1:]  # the guard our CSV export adds to "+62…", "=…": not data
        if not text and required:
            raise CellError(_("This cell is empty."))
        if len(text) > max_length:
            raise CellError(
                _("Too long: at most %(max)s characters, this has %(n)s.")
                % {"max": max_length, "n": len(text)}
            )
        return text

    return parse


def _choice(choices, *, required: bool = True):
    def parse(value):
        text = _text(100, required=required)(value)
        if not text:
            return ""
        found = choice_lookup(choices, text)
        if found is None:
            allowed = ", ".join(label for _value, label in choices.choices)
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
            )
        return found

    return parse


def _kelas(value):
    text = _text(5)(value)
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 17:
        raise CellError(
            _("Kelas jabatan must be a whole number from 1 to 17; got “%(value)s”.")
            % {"value": text}
        )
    return int(text)


def _nip(value):
    text = "".join(_text(30)(value).split())
    try:
        return nip_parse(text).value
    except NIPError as exc:
        raise CellError(str(exc)) from None


EARLIEST_YEAR = 1940
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")


def _date(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        parsed = value.date()
    elif isinstance(value, datetime.date):
        parsed = value
    else:
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise CellError(
                _("“%(value)s” is not a date: use an Excel date, YYYY-MM-DD or DD-MM-YYYY.")
                % {"value": text}
            )
    if parsed > timezone.localdate():
        raise CellError(_("The date %(date)s lies in the future.") % {"date": parsed.isoformat()})
    if parsed.year < EARLIEST_YEAR:
        raise CellError(
            _("The date %(date)s is before %(year)s; check the year.")
            % {"date": parsed.isoformat(), "year": EARLIEST_YEAR}
        )
    return parsed


def _email(value):
    text = _text(254, required=False)(value)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("“%(value)s” is not an email address.") % {"value": text}) from None
    return text.lower()


def _golongan(value):
    text = _text(10, required=False)(value)
    if not text:
        return ""
    found = golongan_normalise(text)
    if found is None:
        raise CellError(
            _("Golongan “%(value)s” does not exist: use I/a … IV/e, e.g. III/a.") % {"value": text}
        )
    return found


SPECS: dict[str, list[Column]] = {
    "units": [
        Column("Kode Unit", "code", _text(30)),
        Column("Nama Unit", "name", _text(200)),
        Column("Kode Induk", "parent", _text(30, required=False), required=False),
        Column("Jenis", "kind", _choice(UnitKind)),
    ],
    "positions": [
        Column("Kode Jabatan", "code", _text(30)),
        Column("Nama Jabatan", "name", _text(200)),
        Column("Jenis Jabatan", "jenis", _choice(JenisJabatan)),
        Column("Jenjang", "jenjang", _choice(Jenjang, required=False), required=False),
        Column("Kelas Jabatan", "kelas_jabatan", _kelas),
        Column("Kode Unit", "unit", _text(30)),
    ],
    "employees": [
        Column("NIP", "nip", _nip),
        Column("Nama", "name", _text(150)),
        Column("Status", "status", _choice(EmploymentStatus)),
        Column("Golongan", "golongan", _golongan, required=False),
        Column("Kode Jabatan", "position", _text(30)),
        Column("Kode Unit", "unit", _text(30)),
        Column("TMT Jabatan", "tmt_jabatan", _date, required=False),
        Column("Email", "email", _email, required=False),
        Column("Telepon", "phone", _text(30, required=False), required=False),
    ],
}
KIND_LABELS = {
    "units": gettext_lazy("Units"),
    "positions": gettext_lazy("Positions"),
    "employees": gettext_lazy("Employees"),
}


# --- Validation ---------------------------------------------------------------------------


def _parse_rows(kind, data, filename, report, progress):
    headers, rows = read_table(data, filename)
    spec = SPECS[kind]
    index = {}
    for column in spec:
        key = " ".join(column.header.split()).lower()
        if key in headers:
            index[column.field] = headers.index(key)
        elif column.required:
            report.errors.append(
                RowError(
                    1,
                    column.header,
                    _("The header row has no column “%(name)s”.") % {"name": column.header},
                )
            )
    if report.errors:
        return []
    parsed = []
    for number, cells in rows:
        report.total += 1
        record = {"_row": number}
        for column in spec:
            position = index.get(column.field)
            value = cells[position] if position is not None and position < len(cells) else None
            try:
                record[column.field] = column.parse(value)
            except CellError as exc:
                report.errors.append(RowError(number, column.header, str(exc)))
        parsed.append(record)
        if progress and report.total % 1000 == 0:
            progress(report.total)
    return parsed


def _check_duplicates(records, key, header, report):
    first_row = {}
    for record in records:
        value = record.get(key)
        if not value:
            continue
        if value in first_row:
            report.errors.append(
                RowError(
                    record["_row"],
                    header,
                    _("%(value)s also appears in row %(row)s.")
                    % {"value": value, "row": first_row[value]},
                )
            )
        else:
            first_row[value] = record["_row"]


def _bad_rows(report):
    return {error.row for error in report.errors}


def _validate_units(records, report):
    _check_duplicates(records, "code", "Kode Unit", report)
    known = set(Unit.objects.values_list("code", flat=True))
    for record in records:
        if record.get("parent") and record.get("parent") == record.get("code"):
            report.errors.append(
                RowError(record["_row"], "Kode Induk", _("A unit cannot be its own parent."))
            )
    # A parent must exist already or be a good row of this file (repeat until stable).
    while True:
        good = {r["code"] for r in records if r["_row"] not in _bad_rows(report) and "code" in r}
        missing = [
            r
            for r in records
            if r["_row"] not in _bad_rows(report)
            and r.get("parent")
            and r["parent"] not in known
            and r["parent"] not in good
        ]
        if not missing:
            break
        for record in missing:
            report.errors.append(
                RowError(
                    record["_row"],
                    "Kode Induk",
                    _("Parent unit %(code)s is neither in this Pemda nor a valid row of this file.")
                    % {"code": record["parent"]},
                )
            )


def _validate_positions(records, report):
    _check_duplicates(records, "code", "Kode Jabatan", report)
    units = set(Unit.objects.values_list("code", flat=True))
    for record in records:
        if record.get("unit") and record["unit"] not in units:
            report.errors.append(
                RowError(
                    record["_row"],
                    "Kode Unit",
                    _("Unit %(code)s does not exist in this Pemda.") % {"code": record["unit"]},
                )
            )
        if record.get("jenjang") and record.get("jenis") != JenisJabatan.FUNGSIONAL:
            report.errors.append(
                RowError(record["_row"], "Jenjang", _("Only a Fungsional position has a jenjang."))
            )


def _validate_employees(records, report):
    _check_duplicates(records, "nip", "NIP", report)
    _check_duplicates(records, "email", "Email", report)
    positions = set(Position.objects.values_list("code", flat=True))
    units = set(Unit.objects.values_list("code", flat=True))
    nips = [r["nip"] for r in records if r.get("nip")]
    emails_taken = dict(
        User.objects.exclude(email="").exclude(nip__in=nips).values_list("email", "username")
    )
    emails_taken = {email.lower(): username for email, username in emails_taken.items()}
    for record in records:
        row = record["_row"]
        if record.get("position") and record["position"] not in positions:
            report.errors.append(
                RowError(
                    row,
                    "Kode Jabatan",
                    _("Position %(code)s does not exist in this Pemda.")
                    % {"code": record["position"]},
                )
            )
        if record.get("unit") and record["unit"] not in units:
            report.errors.append(
                RowError(
                    row,
                    "Kode Unit",
                    _("Unit %(code)s does not exist in this Pemda.") % {"code": record["unit"]},
                )
            )
        status, golongan = record.get("status"), record.get("golongan")
        if status == EmploymentStatus.PNS and "golongan" in record and not golongan:
            report.errors.append(
                RowError(row, "Golongan", _("A PNS needs a golongan, e.g. III/a."))
            )
        if status in (EmploymentStatus.PPPK, EmploymentStatus.PPPK_PARUH_WAKTU) and golongan:
            report.errors.append(
                RowError(row, "Golongan", _("A PPPK has no golongan: leave the cell empty."))
            )
        if record.get("email") and record["email"] in emails_taken:
            report.errors.append(
                RowError(
                    row,
                    "Email",
                    _("%(email)s already belongs to another account.") % {"email": record["email"]},
                )
            )


VALIDATORS = {
    "units": _validate_units,
    "positions": _validate_positions,
    "employees": _validate_employees,
}


# --- Writing ------------------------------------------------------------------------------


def _upsert(model, records, key, fields, report, convert):
    """Create new rows, update changed ones, leave identical ones alone."""
    wanted = {r[key]: convert(r) for r in records}
    existing = {
        obj[key]: obj
        for obj in model.objects.filter(**{f"{key}__in": list(wanted)}).values(key, "id", *fields)
    }
    to_create, to_update = [], []
    for value, attrs in wanted.items():
        current = existing.get(value)
        if current is None:
            to_create.append(model(**{key: value}, **attrs))
        elif any(current[name] != attrs[name] for name in fields):
            to_update.append(model(id=current["id"], **{key: value}, **attrs))
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=BATCH)
    update_fields = list(fields) + (["updated_at"] if hasattr(model, "updated_at") else [])
    if hasattr(model, "updated_at"):
        now = timezone.now()
        for obj in to_update:
            obj.updated_at = now
    model.objects.bulk_update(to_update, update_fields, batch_size=BATCH)
    report.created += len(to_create)
    report.updated += len(to_update)


def _write_units(records, report):
    existing = {
        u["code"]: u for u in Unit.objects.values("id", "code", "name", "kind", "parent__code")
    }
    to_create, to_update = [], []
    for record in records:
        current = existing.get(record["code"])
        attrs = {"name": record["name"], "kind": record["kind"]}
        if current is None:
            to_create.append(Unit(code=record["code"], **attrs))
        elif (current["name"], current["kind"], current["parent__code"] or "") != (
            record["name"],
            record["kind"],
            record.get("parent", ""),
        ):
            to_update.append(Unit(id=current["id"], code=record["code"], **attrs))
        else:
            report.unchanged += 1
    Unit.objects.bulk_create(to_create, batch_size=BATCH)
    Unit.objects.bulk_update(to_update, ["name", "kind"], batch_size=BATCH)
    report.created += len(to_create)
    report.updated += len(to_update)
    # Parents last: a parent may be a row of this same file.
    ids = dict(Unit.objects.values_list("code", "id"))
    column_update_from_pairs(
        "org_unit",
        "parent_id",
        [(ids[r["code"]], ids[r["parent"]] if r.get("parent") else None) for r in records],
    )


def _write_positions(records, report):
    units = dict(Unit.objects.values_list("code", "id"))
    _upsert(
        Position,
        records,
        "code",
        ["name", "jenis", "jenjang", "kelas_jabatan", "unit_id"],
        report,
        lambda r: {
            "name": r["name"],
            "jenis": r["jenis"],
            "jenjang": r.get("jenjang", ""),
            "kelas_jabatan": r["kelas_jabatan"],
            "unit_id": units[r["unit"]],
        },
    )


def _write_employees(records, report):
    positions = dict(Position.objects.values_list("code", "id"))
    units = dict(Unit.objects.values_list("code", "id"))
    fields = [
        "name",
        "status",
        "golongan",
        "position_id",
        "unit_id",
        "tmt_jabatan",
        "email",
        "phone",
    ]
    _upsert(
        Employee,
        records,
        "nip",
        fields,
        report,
        lambda r: {
            "name": r["name"],
            "status": r["status"],
            "golongan": r.get("golongan", ""),
            "position_id": positions[r["position"]],
            "unit_id": units[r["unit"]],
            "tmt_jabatan": r.get("tmt_jabatan"),
            "email": r.get("email", ""),
            "phone": r.get("phone", ""),
        },
    )
    employee_accounts_upsert(records)


WRITERS = {"units": _write_units, "positions": _write_positions, "employees": _write_employees}


def people_import(
    *,
    kind: str,
    data: bytes,
    filename: str,
    good_rows_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row of the file, then write all of it in one transaction, or nothing.

    1. Read the table and match the header row to the kind's columns.
    2. Parse every cell and check every row (cross-row rules: duplicates, references).
    3. If any row is bad, write nothing, unless ``good_rows_only`` is set.
    4. Upsert the good rows and refresh the derived org fields (OPD, atasan, roles).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    report = ImportReport(kind=kind)
    try:
        records = _parse_rows(kind, data, filename, report, progress)
    except TableError as exc:
        report.errors.append(RowError(1, "", str(exc)))
        return report
    if report.errors and not records:
        return report
    VALIDATORS[kind](records, report)
    report.errors.sort(key=lambda error: error.row)
    if report.errors and not good_rows_only:
        return report
    bad = _bad_rows(report)
    good = [r for r in records if r["_row"] not in bad]
    if not good:
        return report
    try:
        with transaction.atomic():
            WRITERS[kind](good, report)
            org_structure_refresh()
    except OrgError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        report.created = report.updated = report.unchanged = 0
        return report
    report.written = True
    return report
