"""Test data with factory_boy. Factories write rows directly, as fixtures do; derived fields
(OPD, heads, atasan, roles) come from ``org_refresh_all()`` or from the services."""

import datetime

import factory
from factory.django import DjangoModelFactory

from core.accounts.models import Role, User
from core.org.models import Employee, Position, Unit
from core.org.ranks import EmploymentStatus, JenisJabatan, UnitKind


def nip_for(n: int) -> str:
    """A valid, unique NIP for each n (birth date, appointment at 25, sex, sequence)."""
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=(n * 37) % 12000)
    appointed_year = birth.year + 25
    return f"{birth:%Y%m%d}{appointed_year}{n % 12 + 1:02d}{n % 2 + 1}{n % 997 + 1:03d}"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = UnitKind.BIDANG
    parent = None


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"Jabatan {n}")
    jenis = JenisJabatan.PELAKSANA
    kelas_jabatan = 5
    unit = factory.SubFactory(UnitFactory)


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.Sequence(nip_for)
    name = factory.Sequence(lambda n: f"Pegawai {n}")
    status = EmploymentStatus.PNS
    golongan = "III/a"
    position = factory.SubFactory(PositionFactory)
    unit = factory.LazyAttribute(lambda employee: employee.position.unit)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"User {n}")
    role = Role.EMPLOYEE
    password = factory.PostGenerationMethodCall("set_password", "kata-sandi-uji-123")
