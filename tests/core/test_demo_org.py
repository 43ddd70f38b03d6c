"""The demo organisation: a real Pemda's shape, valid people, the same every run, and imported
through the admins' own import path with the demo personas in their posts."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max

from core.accounts.models import Role, User
from core.demo.org import (
    EMPLOYEE_HEADERS,
    POSITION_HEADERS,
    REFERENCE_DATE,
    UNIT_HEADERS,
    employee_target,
    org_generate,
)
from core.demo.services import demo_pemda_seed, demo_persona_nips
from core.org.imports import ORG_IMPORTERS
from core.org.models import ActivityNorm, Employee, Unit
from core.org.nip import nip_parse
from core.org.ranks import GOLONGAN
from tenants.models import Pemda, Region
from tests.conftest import client_for, login

pytestmark = pytest.mark.django_db

PASSWORD = "demo-12345"


def generate(code, slug, scale="small", **kwargs):
    region = Region.objects.get(code=code)
    return org_generate(region=region, slug=slug, scale=scale, **kwargs)


def test_the_generator_gives_the_same_organisation_every_run():
    first = generate("72.05", "buol", personas=demo_persona_nips())
    again = generate("72.05", "buol", personas=demo_persona_nips())

    assert first == again
    assert first.employees != generate("73.11", "barru").employees


def test_the_rows_are_in_the_import_formats():
    org = generate("35.78", "surabaya")

    for kind, (headers, rows) in org.tables().items():
        assert headers == [column.header for column in ORG_IMPORTERS[kind].columns]
        assert rows and all(len(row) == len(headers) for row in rows)
    assert UNIT_HEADERS == ["Kode Unit", "Nama Unit", "Kode Induk", "Jenis"]
    assert POSITION_HEADERS[0] == "Kode Jabatan" and EMPLOYEE_HEADERS[0] == "NIP"
    units = {row[0] for row in org.units}
    positions = {row[0]: row for row in org.positions}
    assert {row[2] for row in org.units} - {""} <= units  # every parent is a unit
    for _nip, _name, _status, _golongan, position, unit, *_rest in org.employees:
        assert positions[position][5] == unit  # the post is in the employee's unit


def test_every_nip_is_valid_unique_and_fits_status_golongan_and_dates():
    for code, slug in (("33.15", "grobogan"), ("32", "prov-jabar")):
        org = generate(code, slug, personas=demo_persona_nips())
        nips = [row[0] for row in org.employees]
        assert len(nips) == len(set(nips))
        statuses = Counter()
        for nip, name, status, golongan, _pos, _unit, tmt, email, phone in org.employees:
            parsed = nip_parse(nip, today=REFERENCE_DATE)
            statuses[status] += 1
            if status == "PNS":
                assert golongan in GOLONGAN and not parsed.is_pppk
            else:
                assert golongan == "" and parsed.is_pppk
            assert tmt is None or tmt <= REFERENCE_DATE
            assert not email or email.endswith(f"@{slug}.go.id")
            assert not phone or (phone.startswith("08") and phone.isdigit())
            assert name and len(name) <= 150
        assert statuses["PNS"] > statuses["PPPK"] > 0 and statuses["PPPK Paruh Waktu"] > 0
        emails = [row[7] for row in org.employees if row[7]]
        assert len(emails) == len(set(emails))


def test_managers_hold_posts_of_their_rank_and_every_opd_head_is_filled():
    org = generate("35.78", "surabaya", scale="full")
    heads_of_opd = {
        row[0] for row in org.positions if row[5].count(".") == 2 and row[0].endswith("-01")
    }
    held = {row[4]: row for row in org.employees}
    assert heads_of_opd <= set(held)
    by_kind = {row[0]: row for row in org.positions}
    for position, row in held.items():
        jenis, kelas = by_kind[position][2], by_kind[position][4]
        golongan = row[3]
        if jenis == "JPT Pratama":
            assert 14 <= kelas <= 15 and golongan.startswith("IV/")
        elif jenis == "Administrator":
            assert 11 <= kelas <= 13 and golongan in ("III/d", "IV/a", "IV/b")
        elif jenis == "Pengawas":
            assert 8 <= kelas <= 9 and golongan.startswith("III/")
        elif jenis == "Fungsional":
            assert 7 <= kelas <= 12
        else:
            assert jenis == "Pelaksana" and 5 <= kelas <= 7
    names = {row[1] for row in org.positions}
    assert {"Sekretaris Daerah", "Guru Ahli Muda", "Perawat Terampil", "Pengemudi"} <= names
    units = {row[1] for row in org.units}
    assert {
        "Sekretariat DPRD",
        "Inspektorat",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Daerah",
        "Satuan Polisi Pamong Praja",
        "Kecamatan Genteng",
        "UPT Puskesmas Genteng",
    } <= units
    assert 30_000 < len(org.employees) < 45_000  # ASN ≈ 1.2 % of 3 million people


def test_a_bigger_pemda_gets_more_people():
    def size(code, scale="small"):
        region = Region.objects.get(code=code)
        return employee_target(level=region.level, population=region.population, scale=scale)

    for scale in ("small", "full"):
        assert size("35.78", scale) > size("33.15", scale) > size("15.71", scale)
        assert size("15.71", scale) > size("72.05", scale) > size("76.06", scale)
        assert size("32", scale) > size("15", scale) > size("17", scale)
    assert all(120 <= size(code) <= 400 for code in ("35.78", "32", "76.06", "17"))
    assert len(generate("35.78", "surabaya").employees) == size("35.78")
    # a province has more dinas and badan, and no kecamatan
    province = {row[1] for row in generate("32", "prov-jabar", scale="full").units}
    assert "Dinas Kehutanan" in province and "Cabang Dinas Pendidikan Wilayah I" in province
    assert not any(name.startswith("Kecamatan") for name in province)


def _chain_length(employee_id, atasan):
    length = 0
    while atasan.get(employee_id):
        employee_id = atasan[employee_id]
        length += 1
    return length


def test_seeding_one_demo_pemda_imports_its_organisation_with_the_personas(settings):
    settings.DEMO_MODE = True
    demo_pemda_seed(password=PASSWORD, only="buol")
    buol = Pemda.objects.select_related("region").get(slug="buol")
    expected = generate("72.05", "buol", personas=demo_persona_nips())

    with buol:
        assert Employee.objects.count() == len(expected.employees)
        assert Unit.objects.count() == len(expected.units)
        atasan = {
            employee.pk: employee.atasan_id
            for employee in Employee.objects.only("derived_atasan", "atasan_override")
        }
        sekda = User.objects.get(username="sekda").employee
        assert sekda.position.name == "Sekretaris Daerah" and sekda.atasan_id is None
        assert [pk for pk, boss in atasan.items() if boss is None] == [sekda.pk]
        assert max(_chain_length(pk, atasan) for pk in atasan) >= 4

        kepala = User.objects.get(username="kepala.bkpsdmd")
        assert kepala.role == Role.HEAD_OF_OPD and kepala.employee.atasan_id == sekda.pk
        assert kepala.employee.unit.code == kepala.employee.unit.opd.code
        chief = User.objects.get(username="atasan")
        assert chief.role == Role.ATASAN
        assert chief.employee.position.name == "Kepala Bidang Pengembangan Kompetensi"
        assert chief.employee.atasan_id == kepala.employee.pk
        for username in ("pegawai1", "pegawai2", "pegawai3"):
            user = User.objects.get(username=username)
            assert user.role == Role.EMPLOYEE and user.employee.atasan_id == chief.employee.pk
        assert User.objects.get(username="sekda").role == Role.LEADER  # set by hand, kept
        assert not User.objects.filter(username__in=["admin", "pimpinan"], employee__isnull=False)
        assert ActivityNorm.objects.filter(position=chief.employee.position).count() >= 3
        some_nip = Employee.objects.filter(status="PPPK").values_list("nip", flat=True).first()
        before = (
            Employee.objects.count(),
            User.objects.count(),
            ActivityNorm.objects.count(),
            Employee.objects.aggregate(Max("updated_at"))["updated_at__max"],
        )

    assert login(client_for(buol), some_nip, PASSWORD).status_code == 302

    lines = []
    demo_pemda_seed(password=PASSWORD, only="buol", log=lines.append)  # again: no change
    assert lines == [f"buol: {before[0]} employees (0 new, 0 changed), {len(expected.units)} "
                     f"units, {len(expected.positions)} positions"]  # fmt: skip
    with buol:
        assert (
            Employee.objects.count(),
            User.objects.count(),
            ActivityNorm.objects.count(),
            Employee.objects.aggregate(Max("updated_at"))["updated_at__max"],
        ) == before


def test_the_seed_command_refuses_an_unknown_pemda(settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="not a demo Pemda"):
        call_command("seed_demo", "--only", "atlantis")
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "huge")
