"""The performance module's import: RHK and IKI of many SKP from a spreadsheet, through the
import engine (core.importing): all or nothing, the same rules as the SKP pages
(core.performance.rules), and importing the same file again changes nothing.

One row is one IKI: the rows of an employee, year, kind and RHK text make one RHK with
those IKI. A quantitative IKI (the default) has a number as its target and a unit; a
qualitative one (``Pendekatan``: Kualitatif) describes its target in ``Target``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import columns as cells
from core.importing.columns import CellError, Column
from core.importing.engine import Importer, ImportRefused, importer_register
from core.importing.report import ImportReport
from core.org.models import Employee
from core.org.nip import NIPError, nip_parse
from core.performance.access import skp_holding
from core.performance.content import copies_taken
from core.performance.models import Evaluation, Iki, Rhk, Skp
from core.performance.rules import (
    TEXT_MAX,
    UNIT_MAX,
    Approach,
    Aspect,
    Perspektif,
    RhkKind,
    iki_violations,
    rhk_violations,
)
from core.performance.services import (
    BATCH,
    JPT,
    YEAR_MAX,
    YEAR_MIN,
    iki_item,
    iki_values,
    skp_get_or_create_bulk,
)

# --- Cells --------------------------------------------------------------------------------


def _nip(value):
    raw = "".join(cells.text(30)(value).split())
    try:
        return nip_parse(raw).value
    except NIPError as exc:
        raise CellError(str(exc)) from None


def _year(value):
    year = cells.whole_number(
        lambda raw: _("“%(value)s” is not a year such as 2026.") % {"value": raw}
    )(value)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellError(_("“%(value)s” is not a year such as 2026.") % {"value": year})
    return year


def _target(value):
    """A number as it is (Excel), or the text; whether it must be a number is the rules'
    call (a qualitative target is text). A decimal comma is read as a point."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    raw = cells.text(TEXT_MAX, required=False)(value)
    if raw and "," in raw and "." not in raw and raw.replace(",", "").strip().isdigit():
        raw = raw.replace(",", ".")
    return raw


# rules' field → the column it is reported under
_RHK_FIELDS = {"text": "rhk", "kind": "kind", "perspektif": "perspektif"}
_IKI_FIELDS = {
    "text": "iki",
    "aspect": "aspect",
    "approach": "approach",
    "target_value": "target",
    "target_text": "target",
    "target_unit": "unit",
}


def _iki_of(record: dict) -> dict:
    approach = record.get("approach") or Approach.KUANTITATIF
    quantitative = approach == Approach.KUANTITATIF
    return iki_item(
        {
            "text": record.get("iki", ""),
            "aspect": record.get("aspect", ""),
            "approach": approach,
            "target_value": record.get("target") if quantitative else None,
            "target_unit": record.get("unit", ""),
            "target_text": "" if quantitative else record.get("target", ""),
        }
    )


class RhkImporter(Importer):
    kind = "skp_rhk"
    label = gettext_lazy("SKP: RHK and IKI")
    order = 40
    columns = [
        Column("NIP", "nip", _nip),
        Column("Tahun", "year", _year),
        Column("Jenis RHK", "kind", cells.choice(RhkKind)),
        Column("RHK", "rhk", cells.text(TEXT_MAX)),
        Column("Indikator", "iki", cells.text(TEXT_MAX)),
        Column("Aspek", "aspect", cells.choice(Aspect)),
        Column("Target", "target", _target),
        Column("Satuan", "unit", cells.text(UNIT_MAX, required=False)),
        Column("Pendekatan", "approach", cells.choice(Approach, required=False), required=False),
        Column(
            "Perspektif", "perspektif", cells.choice(Perspektif, required=False), required=False
        ),
    ]
    examples = [
        [
            "199001012015031005",
            2026,
            "Utama",
            "Tersusunnya analisis jabatan seluruh perangkat daerah",
            "Jumlah dokumen analisis jabatan yang disusun",
            "Kuantitas",
            12,
            "Dokumen",
            "Kuantitatif",
            "",
        ],
        [
            "199001012015031005",
            2026,
            "Utama",
            "Tersusunnya analisis jabatan seluruh perangkat daerah",
            "Dokumen analisis jabatan diterima tanpa revisi",
            "Kualitas",
            "Diterima tanpa revisi oleh Kepala Bidang",
            "",
            "Kualitatif",
            "",
        ],
    ]

    def _employees(self, records) -> dict[str, Employee]:
        nips = {r["nip"] for r in records if r.get("nip")}
        return {
            e.nip: e
            for e in Employee.objects.filter(nip__in=nips).select_related(
                "position", "unit", "derived_atasan", "atasan_override"
            )
        }

    def validate(self, records, report: ImportReport) -> None:
        """Every NIP is an active employee of this Pemda; no SKP it adds to is rated; each
        row passes the rules of an RHK and an IKI (a JPT's RHK needs a perspektif); an IKI
        appears once, and an RHK has one perspektif."""
        employees = self._employees(records)
        skps = {
            (skp["employee__nip"], skp["year"]): skp
            for skp in Skp.objects.filter(employee__nip__in=list(employees)).values(
                "pk", "employee__nip", "year", "is_jpt"
            )
        }
        locked = set(
            Evaluation.objects.filter(
                skp_holding(), skp_id__in=[skp["pk"] for skp in skps.values()]
            ).values_list("skp_id", flat=True)
        )
        seen: dict[tuple, int] = {}
        perspektif_of: dict[tuple, tuple[str, int]] = {}
        for record in records:
            nip = record.get("nip")
            employee = employees.get(nip) if nip else None
            if nip and employee is None:
                self.reject(
                    report,
                    record,
                    "nip",
                    _("No employee of this Pemda has NIP %(nip)s.") % {"nip": nip},
                )
            elif employee is not None and not employee.is_active:
                self.reject(
                    report,
                    record,
                    "nip",
                    _("%(name)s is no longer active.") % {"name": employee.name},
                )
            skp = skps.get((nip, record.get("year")))
            if skp is not None and skp["pk"] in locked:
                self.reject(
                    report,
                    record,
                    "year",
                    _(
                        "The SKP of %(year)s is held: an evaluation of it waits for the "
                        "appraiser, or the evaluation of its year has been rated."
                    )
                    % {"year": record["year"]},
                )
            if skp is not None:
                is_jpt = skp["is_jpt"]
            else:
                is_jpt = bool(employee and employee.position.jenis in JPT)
            if all(field in record for field in ("kind", "rhk")):
                for violation in rhk_violations(
                    text=record["rhk"],
                    kind=record["kind"],
                    perspektif=record.get("perspektif", ""),
                    is_jpt=is_jpt,
                ):
                    self.reject(report, record, _RHK_FIELDS[violation.field], violation.message)
            if all(field in record for field in ("iki", "aspect", "target")):
                item = _iki_of(record)
                for violation in iki_violations(**item):
                    self.reject(report, record, _IKI_FIELDS[violation.field], violation.message)
            rhk_key = (nip, record.get("year"), record.get("kind"), record.get("rhk"))
            key = (*rhk_key, record.get("iki"))
            if None not in key and key in seen:
                self.reject(
                    report,
                    record,
                    "iki",
                    _("This indicator of this RHK also appears in row %(row)s.")
                    % {"row": seen[key]},
                )
            elif None not in key:
                seen[key] = record["_row"]
            wanted = record.get("perspektif", "")
            if None not in rhk_key and "perspektif" in record:
                first = perspektif_of.setdefault(rhk_key, (wanted, record["_row"]))
                if first[0] != wanted:
                    self.reject(
                        report,
                        record,
                        "perspektif",
                        _("This RHK has another perspektif in row %(row)s.") % {"row": first[1]},
                    )

    def write(self, records, report: ImportReport) -> None:
        """1. Make the missing SKP (per year, at once). 2. Add the RHK not there yet (matched
        by kind and text), set a changed perspektif. 3. Add or change the IKI (matched by
        their text within the RHK); an identical one is left alone."""
        employees = self._employees(records)
        skps: dict[tuple[int, int], Skp] = {}
        for year in {r["year"] for r in records}:
            people = {
                employees[r["nip"]].pk: employees[r["nip"]] for r in records if r["year"] == year
            }
            found, _made = skp_get_or_create_bulk(employees=people.values(), year=year)
            skps.update(((employee_id, year), skp) for employee_id, skp in found.items())

        def skp_of(record) -> Skp:
            return skps[(employees[record["nip"]].pk, record["year"])]

        skp_ids = [skp.pk for skp in skps.values()]
        # Lock the SKPs (in id order, as every writer does) and look again: one rated or
        # submitted since the rows were checked must not change under its appraiser.
        list(Skp.objects.select_for_update().filter(pk__in=skp_ids).order_by("pk").values("pk"))
        held = Evaluation.objects.filter(skp_holding(), skp_id__in=skp_ids).exists()
        if held:
            raise ImportRefused(
                _(
                    "An SKP in this file was submitted or rated while the file was checked; "
                    "nothing was imported. Import the file again to see which rows."
                )
            )
        copies_taken(skp_ids)  # rated periods keep what they rated
        rhk_by_key = {
            (rhk.skp_id, rhk.kind, rhk.text): rhk for rhk in Rhk.objects.filter(skp_id__in=skp_ids)
        }
        orders = {
            (row["skp_id"], row["kind"]): row["top"]
            for row in Rhk.objects.filter(skp_id__in=skp_ids)
            .values("skp_id", "kind")
            .annotate(top=Max("order"))
        }
        new_rhk, changed_rhk = [], {}
        for record in records:
            skp = skp_of(record)
            key = (skp.pk, record["kind"], record["rhk"])
            perspektif = record.get("perspektif", "")
            rhk = rhk_by_key.get(key)
            if rhk is None:
                top = orders.get((skp.pk, record["kind"]))
                orders[(skp.pk, record["kind"])] = 0 if top is None else top + 1
                rhk = Rhk(
                    skp=skp,
                    kind=record["kind"],
                    text=record["rhk"],
                    perspektif=perspektif,
                    order=orders[(skp.pk, record["kind"])],
                )
                rhk_by_key[key] = rhk
                new_rhk.append(rhk)
            elif perspektif and rhk.pk and rhk.perspektif != perspektif:
                rhk.perspektif = perspektif
                changed_rhk[rhk.pk] = rhk
        Rhk.objects.bulk_create(new_rhk, batch_size=BATCH)
        Rhk.objects.bulk_update(list(changed_rhk.values()), ["perspektif"], batch_size=BATCH)

        iki_by_key = {
            (iki.rhk_id, iki.text): iki
            for iki in Iki.objects.filter(rhk__skp_id__in=skp_ids).select_related(None)
        }
        iki_orders = {
            row["rhk_id"]: row["top"]
            for row in Iki.objects.filter(rhk__skp_id__in=skp_ids)
            .values("rhk_id")
            .annotate(top=Max("order"))
        }
        new_iki, changed_iki = [], []
        fields = ["aspect", "approach", "target_value", "target_unit", "target_text"]
        for record in records:
            rhk = rhk_by_key[(skp_of(record).pk, record["kind"], record["rhk"])]
            values = iki_values(_iki_of(record))
            iki = iki_by_key.get((rhk.pk, values["text"]))
            if iki is None:
                top = iki_orders.get(rhk.pk)
                iki_orders[rhk.pk] = 0 if top is None else top + 1
                new_iki.append(Iki(rhk=rhk, order=iki_orders[rhk.pk], **values))
                report.created += 1
            elif any(getattr(iki, name) != values[name] for name in fields):
                for name in fields:
                    setattr(iki, name, values[name])
                changed_iki.append(iki)
                report.updated += 1
            elif rhk.pk in changed_rhk:
                report.updated += 1
            else:
                report.unchanged += 1
        Iki.objects.bulk_create(new_iki, batch_size=BATCH)
        Iki.objects.bulk_update(changed_iki, fields, batch_size=BATCH)


SKP_IMPORTER = importer_register(RhkImporter())
