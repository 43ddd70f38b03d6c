"""Golongan/ruang (PNS ranks) with their pangkat names, and jenis jabatan (DOMAIN.md §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

PANGKAT = {
    "I/a": "Juru Muda", "I/b": "Juru Muda Tingkat I", "I/c": "Juru", "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda", "II/b": "Pengatur Muda Tingkat I", "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda", "III/b": "Penata Muda Tingkat I", "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina", "IV/b": "Pembina Tingkat I", "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya", "IV/e": "Pembina Utama",
}  # fmt: skip
GOLONGAN = list(PANGKAT)


class Golongan(models.TextChoices):
    # Values are the golongan/ruang as written ("III/a"); labels add the pangkat.
    locals().update(
        {code.replace("/", "_").upper(): (code, f"{code} {name}") for code, name in PANGKAT.items()}
    )


def golongan_normalise(raw: str) -> str | None:
    """'iii/A', 'III a', 'III-a' → 'III/a'; None if it is not a golongan."""
    text = "".join(raw.split()).replace("-", "/").replace(".", "/")
    if "/" not in text and text[-1:].isalpha():
        text = f"{text[:-1]}/{text[-1]}"
    if "/" not in text:
        return None
    roman, ruang = text.split("/", 1)
    candidate = f"{roman.upper()}/{ruang.lower()}"
    return candidate if candidate in PANGKAT else None


class EmploymentStatus(models.TextChoices):
    PNS = "PNS", "PNS"
    PPPK = "PPPK", "PPPK"
    PPPK_PARUH_WAKTU = "PPPK_PW", "PPPK Paruh Waktu"


class JenisJabatan(models.TextChoices):
    JPT_UTAMA = "JPT_UTAMA", "JPT Utama"
    JPT_MADYA = "JPT_MADYA", "JPT Madya"
    JPT_PRATAMA = "JPT_PRATAMA", "JPT Pratama"
    ADMINISTRATOR = "ADMINISTRATOR", "Administrator"
    PENGAWAS = "PENGAWAS", "Pengawas"
    FUNGSIONAL = "FUNGSIONAL", "Fungsional"
    PELAKSANA = "PELAKSANA", "Pelaksana"


# Managerial posts, highest first: the highest managerial post in a unit heads it.
MANAGERIAL_RANK = {
    JenisJabatan.JPT_UTAMA: 5,
    JenisJabatan.JPT_MADYA: 4,
    JenisJabatan.JPT_PRATAMA: 3,
    JenisJabatan.ADMINISTRATOR: 2,
    JenisJabatan.PENGAWAS: 1,
}


class Jenjang(models.TextChoices):
    AHLI_PERTAMA = "AHLI_PERTAMA", "Ahli Pertama"
    AHLI_MUDA = "AHLI_MUDA", "Ahli Muda"
    AHLI_MADYA = "AHLI_MADYA", "Ahli Madya"
    AHLI_UTAMA = "AHLI_UTAMA", "Ahli Utama"
    PEMULA = "PEMULA", "Pemula"
    TERAMPIL = "TERAMPIL", "Terampil"
    MAHIR = "MAHIR", "Mahir"
    PENYELIA = "PENYELIA", "Penyelia"


class UnitKind(models.TextChoices):
    SEKRETARIAT_DAERAH = "SEKRETARIAT_DAERAH", "Sekretariat Daerah"
    SEKRETARIAT_DPRD = "SEKRETARIAT_DPRD", "Sekretariat DPRD"
    INSPEKTORAT = "INSPEKTORAT", "Inspektorat"
    DINAS = "DINAS", "Dinas"
    BADAN = "BADAN", "Badan"
    KECAMATAN = "KECAMATAN", "Kecamatan"
    KELURAHAN = "KELURAHAN", "Kelurahan"
    BAGIAN = "BAGIAN", "Bagian"
    BIDANG = "BIDANG", "Bidang"
    SEKRETARIAT = "SEKRETARIAT", "Sekretariat"
    SUBBAGIAN = "SUBBAGIAN", "Subbagian"
    SEKSI = "SEKSI", "Seksi"
    UPT = "UPT", "UPT"
    LAINNYA = "LAINNYA", _("Other")


def choice_lookup(choices: type[models.TextChoices], raw: str) -> str | None:
    """Match a cell to a choice by value or label, ignoring case, spaces and punctuation."""

    def key(text: str) -> str:
        return "".join(ch for ch in str(text).lower() if ch.isalnum())

    wanted = key(raw)
    for value, label in choices.choices:
        if wanted in (key(value), key(label)):
            return value
    return None
