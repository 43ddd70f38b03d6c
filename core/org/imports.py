"""The org module's imports: units, positions and employees from a spreadsheet, one kind per
file, through the import engine (core.importing). Upsert by code, and by NIP for employees,
so importing the same file again changes nothing. The row rules are core.org.rules, the
same the forms and the API apply.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.models import User
from core.importing import columns as cells
from core.importing.columns import CellError, Column
from core.importing.engine import Importer, ImportRefused, importer_register, table_import
from core.importing.report import ImportReport
from core.org import rules
from core.org.models import Employee, Position, Unit
from core.org.nip import NIPError, nip_parse
from core.org.ranks import EmploymentStatus, JenisJabatan, Jenjang, UnitKind, golongan_normalise
from core.org.services import employee_accounts_upsert
from core.org.tree import TreeError, column_update_from_pairs, org_refresh_all, org_write_lock

BATCH = 2000


# --- Cell parsers of the org columns ------------------------------------------------------


def _kelas(value):
    return cells.whole_number(rules.kelas_jabatan_message)(value)


def _nip(value):
    raw = "".join(cells.text(30)(value).split())
    try:
        return nip_parse(raw).value
    except NIPError as exc:
        raise CellError(str(exc)) from None


def _golongan(value):
    raw = cells.text(10, required=False)(value)
    if not raw:
        return ""
    found = golongan_normalise(raw)
    if found is None:
        raise CellError(
            _("Golongan “%(value)s” does not exist: use I/a … IV/e, e.g. III/a.") % {"value": raw}
        )
    return found


# --- Shared row checks --------------------------------------------------------------------


def _duplicates(importer: Importer, records, field: str, report: ImportReport) -> None:
    first_row = {}
    for record in records:
        value = record.get(field)
        if not value:
            continue
        if value in first_row:
            importer.reject(
                report,
                record,
                field,
                _("%(value)s also appears in row %(row)s.")
                % {"value": value, "row": first_row[value]},
            )
        else:
            first_row[value] = record["_row"]


def _violations(importer: Importer, report, record, violations) -> None:
    for violation in violations:
        importer.reject(report, record, violation.field, violation.message)


def _upsert(model, records, key, fields, report, convert) -> None:
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


def _refresh() -> None:
    """Many rows changed: bring every derived field up to date at once."""
    try:
        org_refresh_all()
    except TreeError as exc:
        raise ImportRefused(str(exc)) from None


# --- Units --------------------------------------------------------------------------------


def _unanchored(good: dict[str, dict], known: dict) -> list[str]:
    """Codes of the good rows whose chain of parents does not reach the Pemda's tree (a
    parent neither in the Pemda nor a good row of the file); linear in the rows."""
    anchored: dict[str, bool] = {}
    for code in good:
        chain, node = [], code
        while node in good and node not in anchored and node not in chain:
            chain.append(node)
            node = good[node].get("parent") or None
            if node is None:
                break
        if node in chain:  # a loop among the good rows: not anchored (the loop check says why)
            result = False
        else:
            result = anchored[node] if node in anchored else node is None or node in known
        anchored.update(dict.fromkeys(chain, result))
    return [code for code, ok in anchored.items() if not ok]


class UnitImporter(Importer):
    kind = "units"
    label = gettext_lazy("Units")
    order = 10
    columns = [
        Column("Kode Unit", "code", cells.text(30)),
        Column("Nama Unit", "name", cells.text(200)),
        Column("Kode Induk", "parent", cells.text(30, required=False), required=False),
        Column("Jenis", "kind", cells.choice(UnitKind)),
    ]
    examples = [
        ["DISDIK", "Dinas Pendidikan", "", "Dinas"],
        ["DISDIK.SEK", "Sekretariat Dinas Pendidikan", "DISDIK", "Sekretariat"],
        ["DISDIK.SEK.UMUM", "Subbagian Umum dan Kepegawaian", "DISDIK.SEK", "Subbagian"],
    ]

    def validate(self, records, report):
        """Codes are unique; no unit ends up below itself once the file's parents are applied
        to the tree; a parent exists already or is a good row of this file. Each check
        visits every row once, so a file of 20,000 units is checked in linear time."""
        _duplicates(self, records, "code", report)
        for record in records:
            _violations(self, report, record, rules.code_violations(record.get("code", "")))
        known = dict(Unit.objects.values_list("code", "parent__code"))
        # A refused row leaves its unit where it stands (or out of the tree), which may close
        # a loop or cut a chain through a row that looked good: check both again until a pass
        # refuses nothing new (each pass refuses at least one row; one or two in practice).
        while True:
            good: dict[str, dict] = {}  # code → its first good row (a repeat is refused)
            for record in records:
                code = record.get("code")
                if code and code not in good and record["_row"] not in report.bad_row_numbers:
                    good[code] = record
            parent_of = {**known, **{code: r.get("parent") or None for code, r in good.items()}}
            looped = rules.units_below_themselves(parent_of) & good.keys()
            for code in looped:
                _violations(self, report, good[code], [rules.below_itself()])
            loose = [code for code in _unanchored(good, known) if code not in looped]
            for code in loose:
                self.reject(
                    report,
                    good[code],
                    "parent",
                    _("Parent unit %(code)s is neither in this Pemda nor a valid row of this file.")
                    % {"code": good[code]["parent"]},
                )
            if not looped and not loose:
                break

    def write(self, records, report):
        org_write_lock()  # the writes and the refresh after them take turns
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
        _refresh()


# --- Positions ----------------------------------------------------------------------------


class PositionImporter(Importer):
    kind = "positions"
    label = gettext_lazy("Positions")
    order = 20
    columns = [
        Column("Kode Jabatan", "code", cells.text(30)),
        Column("Nama Jabatan", "name", cells.text(200)),
        Column("Jenis Jabatan", "jenis", cells.choice(JenisJabatan)),
        Column("Jenjang", "jenjang", cells.choice(Jenjang, required=False), required=False),
        Column("Kelas Jabatan", "kelas_jabatan", _kelas),
        Column("Kode Unit", "unit", cells.text(30)),
    ]
    examples = [
        ["DISDIK.KADIS", "Kepala Dinas Pendidikan", "JPT Pratama", "", 14, "DISDIK"],
        ["DISDIK.SEKDIS", "Sekretaris Dinas", "Administrator", "", 12, "DISDIK.SEK"],
        [
            "DISDIK.KASUBAG",
            "Kepala Subbagian Umum dan Kepegawaian",
            "Pengawas",
            "",
            9,
            "DISDIK.SEK.UMUM",
        ],
        ["DISDIK.ASDM", "Analis SDM Aparatur", "Fungsional", "Ahli Pertama", 8, "DISDIK.SEK.UMUM"],
    ]

    def validate(self, records, report):
        _duplicates(self, records, "code", report)
        units = set(Unit.objects.values_list("code", flat=True))
        for record in records:
            _violations(self, report, record, rules.code_violations(record.get("code", "")))
            if record.get("unit") and record["unit"] not in units:
                self.reject(
                    report,
                    record,
                    "unit",
                    _("Unit %(code)s does not exist in this Pemda.") % {"code": record["unit"]},
                )
            if "kelas_jabatan" in record:
                _violations(self, report, record, rules.position_violations(record))
            else:
                _violations(
                    self,
                    report,
                    record,
                    rules.jenjang_violations(record.get("jenis", ""), record.get("jenjang", "")),
                )

    def write(self, records, report):
        org_write_lock()  # the writes and the refresh after them take turns
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
        _refresh()


# --- Employees ----------------------------------------------------------------------------


class EmployeeImporter(Importer):
    kind = "employees"
    label = gettext_lazy("Employees")
    order = 30
    columns = [
        Column("NIP", "nip", _nip),
        Column("Nama", "name", cells.text(150)),
        Column("Status", "status", cells.choice(EmploymentStatus)),
        Column("Golongan", "golongan", _golongan, required=False),
        Column("Kode Jabatan", "position", cells.text(30)),
        Column("Kode Unit", "unit", cells.text(30)),
        Column("TMT Jabatan", "tmt_jabatan", cells.date, required=False),
        Column("Email", "email", cells.email, required=False),
        Column("Telepon", "phone", cells.text(30, required=False), required=False),
    ]
    examples = [
        [
            "197203101998031004",
            "Contoh Nama Pegawai",
            "PNS",
            "IV/b",
            "DISDIK.KADIS",
            "DISDIK",
            datetime.date(2023, 1, 2),
            "kadis@contoh.go.id",
            "081234567890",
        ],
        [
            "199507072023212003",
            "Contoh Pegawai PPPK",
            "PPPK",
            "",
            "DISDIK.ASDM",
            "DISDIK.SEK.UMUM",
            datetime.date(2024, 3, 1),
            "",
            "",
        ],
    ]

    def validate(self, records, report):
        _duplicates(self, records, "nip", report)
        _duplicates(self, records, "email", report)
        positions = set(Position.objects.values_list("code", flat=True))
        units = set(Unit.objects.values_list("code", flat=True))
        nips = [r["nip"] for r in records if r.get("nip")]
        # An address held by an account that is not one of this file's employees.
        emails_taken = {
            email.lower()
            for email in User.objects.exclude(email="")
            .exclude(nip__in=nips)
            .exclude(employee__nip__in=nips)
            .values_list("email", flat=True)
        }
        today = timezone.localdate()
        for record in records:
            if record.get("position") and record["position"] not in positions:
                self.reject(
                    report,
                    record,
                    "position",
                    _("Position %(code)s does not exist in this Pemda.")
                    % {"code": record["position"]},
                )
            if record.get("unit") and record["unit"] not in units:
                self.reject(
                    report,
                    record,
                    "unit",
                    _("Unit %(code)s does not exist in this Pemda.") % {"code": record["unit"]},
                )
            checked = dict(record)
            if "golongan" not in record:  # the golongan cell was unreadable: reported already
                checked["status"] = ""
            _violations(
                self,
                report,
                record,
                rules.employee_violations(
                    checked,
                    today=today,
                    email_held_by_another=record.get("email", "") in emails_taken,
                ),
            )

    def write(self, records, report):
        org_write_lock()  # the writes and the refresh after them take turns
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
        _refresh()


ORG_IMPORTERS = {
    importer.kind: importer_register(importer)
    for importer in (UnitImporter(), PositionImporter(), EmployeeImporter())
}
KINDS = tuple(ORG_IMPORTERS)


def people_import(
    *, kind: str, data: bytes, filename: str, good_rows_only: bool = False, progress=None
) -> ImportReport:
    """Import one org file (units, positions or employees): all or nothing."""
    if kind not in ORG_IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}")
    return table_import(
        kind=kind, data=data, filename=filename, good_rows_only=good_rows_only, progress=progress
    )
