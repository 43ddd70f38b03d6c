"""Demo data. Refuses to run unless the platform is in demo mode (DEMO_MODE=1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password

from core.accounts.models import Role, User
from core.demo.pemda import DEMO_PEMDA
from core.org.nip import nip_parse
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.services import pemda_provision, pemda_request


class DemoModeRequired(RuntimeError):
    pass


LEADER_TITLE = {"kota": "Wali Kota", "kabupaten": "Bupati", "provinsi": "Gubernur"}
# (username, name, role, birth date, appointment YYYYMM, sex digit)
DEMO_PEOPLE = [
    ("sekda", "Sekretaris Daerah", Role.LEADER, "19700312", "199503", "1"),
    ("kepala.bkpsdmd", "Kepala BKPSDMD", Role.HEAD_OF_OPD, "19750621", "200003", "2"),
    ("atasan", "Kepala Bidang Pengembangan Kompetensi", Role.ATASAN, "19800105", "200503", "1"),
    ("pegawai1", "Analis SDM Aparatur", Role.EMPLOYEE, "19880917", "201203", "2"),
    ("pegawai2", "Pranata Komputer", Role.EMPLOYEE, "19910228", "201502", "1"),
    ("pegawai3", "Pengadministrasi Perkantoran", Role.EMPLOYEE, "19950704", "202001", "2"),
]


def demo_people(pemda: Pemda) -> list[User]:
    """The demo accounts of one Pemda, unsaved: a leader, heads, an atasan and employees."""
    leader_title = LEADER_TITLE[pemda.region.level]
    people = [
        User(
            username="pimpinan",
            name=f"{leader_title} {pemda.region.name}",
            role=Role.LEADER,
            nip=None,
        )
    ]
    for sequence, (username, title, role, birth, appointed, sex) in enumerate(DEMO_PEOPLE, start=1):
        nip = f"{birth}{appointed}{sex}{sequence:03d}"
        nip_parse(nip)  # the demo must only ever show valid NIPs
        people.append(
            User(username=username, name=f"{title} ({pemda.region.name})", role=role, nip=nip)
        )
    return people


def demo_pemda_seed(*, password: str) -> list[Pemda]:
    """Provision the 14 demo Pemda and their accounts; running it again adds nothing."""
    if not settings.DEMO_MODE:
        raise DemoModeRequired("Demo accounts exist only in demo mode: set DEMO_MODE=1.")
    seeded = []
    password_hash = make_password(password)
    for item in DEMO_PEMDA:
        pemda = pemda_request(
            region_code=item.code,
            template_name=item.template,
            slug=item.slug,
            admin_email=f"admin@{item.slug}.demo.sinergi.id",
            admin_password=password,
        )
        if pemda.status != PemdaStatus.ACTIVE:
            pemda = pemda_provision(pemda_id=pemda.pk)
        if pemda.status != PemdaStatus.ACTIVE:
            raise RuntimeError(f"{pemda.name}: {pemda.error}")
        with pemda:
            taken = set(User.objects.values_list("username", flat=True))
            taken |= set(User.objects.exclude(nip=None).values_list("nip", flat=True))
            new = [user for user in demo_people(pemda) if not {user.username, user.nip} & taken]
            for user in new:
                user.password = password_hash
            User.objects.bulk_create(new)
        seeded.append(pemda)
    return seeded
