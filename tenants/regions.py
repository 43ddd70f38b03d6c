"""Kemendagri region codes and the reference list loaded from ``data/regions.csv``."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"
_CODE_RE = re.compile(r"^(?P<province>\d{2})(?:\.(?P<local>\d{2}))?$")
TIME_ZONES = {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"}


class RegionCodeError(ValueError):
    pass


@dataclass(frozen=True)
class RegionCode:
    """A parsed Kemendagri code: ``PP`` for a province, ``PP.KK`` for a kabupaten/kota."""

    province: str
    local: str | None

    @property
    def level(self) -> str:
        if self.local is None:
            return "provinsi"
        # Within a province, city (kota) codes start at 71; regencies count up from 01.
        return "kota" if int(self.local) >= 71 else "kabupaten"

    def __str__(self) -> str:
        return self.province if self.local is None else f"{self.province}.{self.local}"


def region_code_parse(raw: str) -> RegionCode:
    """Parse and check the shape of a region code; raise RegionCodeError with a readable reason."""
    code = (raw or "").strip()
    match = _CODE_RE.match(code)
    if not match:
        raise RegionCodeError(
            _(
                "Region code “%(code)s” is not valid: use PP for a province or PP.KK for a "
                "regency/city, e.g. 35.78."
            )
            % {"code": code}
        )
    province, local = match["province"], match["local"]
    if not 11 <= int(province) <= 96:
        raise RegionCodeError(
            _("Province code %(code)s is outside the range 11–96.") % {"code": province}
        )
    if local is not None and int(local) == 0:
        raise RegionCodeError(_("A regency/city code cannot be 00."))
    return RegionCode(province=province, local=local)


def read_regions(path: Path = REGIONS_CSV) -> list[dict]:
    """Read and check the reference file; every row must be consistent with its code."""
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = region_code_parse(row["code"])
            if code.level != row["level"] or code.province != row["province_code"]:
                raise RegionCodeError(f"{path.name}:{line}: {row['code']} is not a {row['level']}")
            if row["timezone"] not in TIME_ZONES:
                raise RegionCodeError(f"{path.name}:{line}: unknown time zone {row['timezone']}")
            rows.append(row)
    return rows


def regions_load(*, province_model, region_model, path: Path = REGIONS_CSV) -> int:
    """Insert or update every province and region from the reference file; return the row count.

    Takes the model classes so that a data migration can pass its historical models.
    """
    rows = read_regions(path)
    provinces = {
        row["province_code"]: province_model(
            code=row["province_code"], name=row["province_name"], time_zone=row["timezone"]
        )
        for row in rows
    }
    province_model.objects.bulk_create(
        provinces.values(),
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "time_zone"],
    )
    region_model.objects.bulk_create(
        [
            region_model(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                province_id=row["province_code"],
                time_zone=row["timezone"],
                autonomous=row["autonomous"] == "yes",
                population=int(row["population"] or 0),
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "province", "time_zone", "autonomous", "population"],
    )
    return len(rows)
