"""Demo data. Refuses to run unless the platform is in demo mode (DEMO_MODE=1)."""

from __future__ import annotations

import random
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from core.accounts.models import Role, User
from core.activity.demo import ActivityDemoReport, activity_demo_seed
from core.activity.services import daily_log_kept
from core.demo.org import SCALES, org_generate
from core.demo.pemda import DEMO_PEMDA
from core.importing.report import ImportReport
from core.importing.tabular import write_xlsx
from core.org.imports import KINDS, people_import
from core.org.models import ActivityNorm, Position
from core.org.nip import nip_parse
from core.performance.demo import DemoSeedReport, performance_demo_seed
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda, Region, RegionLevel
from tenants.services import pemda_provision, pemda_request


class DemoModeRequired(RuntimeError):
    pass


class DemoImportError(RuntimeError):
    """The generated organisation did not import: a bug in the generator, not user input."""


LEADER_TITLE = {"kota": "Wali Kota", "kabupaten": "Bupati", "provinsi": "Gubernur"}
# Region names carry their kind ("Kota Jambi", "Kabupaten Buol"), which the title already says:
# the leader is "Wali Kota Jambi", not "Wali Kota Kota Jambi". Longest prefix first.
REGION_KIND_PREFIXES = ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ")
PLATFORM_STAFF_USERNAME = "staff"
# (username, name, role, birth date, appointment YYYYMM, sex digit). The organisation import
# gives each of them a post (core.demo.org) and their real name; sekda and kepala.bkpsdmd keep
# their role, the others get the one their post implies (the same as here).
DEMO_PEOPLE = [
    ("sekda", "Sekretaris Daerah", Role.LEADER, "19700312", "199503", "1"),
    ("kepala.bkpsdmd", "Kepala BKPSDMD", Role.HEAD_OF_OPD, "19750621", "200003", "2"),
    ("atasan", "Kepala Bidang Pengembangan Kompetensi", Role.ATASAN, "19800105", "200503", "1"),
    ("pegawai1", "Analis SDM Aparatur", Role.EMPLOYEE, "19880917", "201203", "2"),
    ("pegawai2", "Pranata Komputer", Role.EMPLOYEE, "19910228", "201502", "1"),
    ("pegawai3", "Pengadministrasi Perkantoran", Role.EMPLOYEE, "19950704", "202001", "2"),
]


def demo_persona_nips() -> dict[str, str]:
    """username → NIP of the demo accounts that are employees."""
    nips = {}
    for sequence, (username, _title, _role, birth, appointed, sex) in enumerate(
        DEMO_PEOPLE, start=1
    ):
        nip = f"{birth}{appointed}{sex}{sequence:03d}"
        nip_parse(nip)  # the demo must only ever show valid NIPs
        nips[username] = nip
    return nips


def demo_leader_name(region: Region) -> str:
    """'Wali Kota Jambi', 'Bupati Buol', 'Gubernur Jawa Barat'."""
    name = region.name.strip()
    for prefix in REGION_KIND_PREFIXES:
        if name.startswith(prefix):
            name = name.removeprefix(prefix)
            break
    return f"{LEADER_TITLE[region.level]} {name}"


def demo_people(pemda: Pemda) -> list[User]:
    """The demo accounts of one Pemda, unsaved: a leader, heads, an atasan and employees."""
    people = [
        User(
            username="pimpinan",
            name=demo_leader_name(pemda.region),
            role=Role.LEADER,
            role_set_by_hand=True,
            nip=None,
        )
    ]
    nips = demo_persona_nips()
    for username, title, role, *_nip_parts in DEMO_PEOPLE:
        people.append(
            User(
                username=username,
                name=f"{title} ({pemda.region.name})",
                role=role,
                nip=nips[username],
            )
        )
    return people


def demo_org_import(*, pemda: Pemda, scale: str = "small") -> dict[str, ImportReport]:
    """Import the Pemda's generated organisation through the admins' own import path.

    1. Generate units, positions and employees (``core.demo.org``; the same every run).
    2. Write each kind as an .xlsx and import it with ``people_import``: all or nothing,
       upsert by code and NIP, NIP-login accounts (the demo personas' accounts are linked
       by their NIP), atasan and roles derived. Running it again changes nothing.
    3. Add the norma waktu (ABK) the generator proposes that are not there yet.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    region = pemda.region
    localities: list[str] = []
    if region.level == RegionLevel.PROVINSI:
        localities = list(
            Region.objects.filter(province_id=region.province_id, autonomous=True)
            .exclude(level=RegionLevel.PROVINSI)
            .order_by("code")
            .values_list("name", flat=True)
        )
    org = org_generate(
        region=region,
        slug=pemda.slug,
        scale=scale,
        personas=demo_persona_nips(),
        localities=localities,
    )
    reports = {}
    with pemda:
        for kind in KINDS:
            headers, rows = org.tables()[kind]
            report = people_import(
                kind=kind, data=write_xlsx(headers, rows), filename=f"{kind}.xlsx"
            )
            if report.errors or not report.written:
                shown = "; ".join(
                    f"row {error.row} {error.column}: {error.message}"
                    for error in report.errors[:5]
                )
                raise DemoImportError(f"{pemda.slug}: the demo {kind} did not import: {shown}")
            reports[kind] = report
        _norms_add(org.norms)
    return reports


def _names_correct(people: list[User]) -> None:
    """Give existing demo accounts the names the seed gives them now (a database seeded by an
    older version keeps e.g. "Wali Kota Kota Jambi" otherwise). Only accounts without a NIP:
    the others take their names from the organisation import."""
    for user in people:
        if user.nip is None:
            User.objects.filter(username=user.username, nip=None).exclude(name=user.name).update(
                name=user.name
            )


def demo_platform_staff_seed(*, password: str) -> User:
    """The demo's platform staff account ``staff`` (public schema), so that the platform's
    "Log in" and its admin can be tried.

    Like ``createsuperuser`` in the README, it may do everything in the platform admin. Its
    password is set when it is created only: a password changed since then is kept.
    """
    if not settings.DEMO_MODE:
        raise DemoModeRequired("Demo accounts exist only in demo mode: set DEMO_MODE=1.")
    wanted = {
        "name": "Staf Platform (demo)",
        "email": "staff@demo.sinergi.id",
        "role": Role.PLATFORM_STAFF,
        "is_staff": True,
        "is_superuser": True,
        "is_active": True,
    }
    with schema_context(get_public_schema_name()):
        user = User.objects.filter(username=PLATFORM_STAFF_USERNAME).first()
        created = user is None
        if created:
            user = User(username=PLATFORM_STAFF_USERNAME, password=make_password(password))
        changed = [field for field, value in wanted.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, wanted[field])
        if created:
            user.save()
        elif changed:
            user.save(update_fields=changed)
    return user


def _norms_add(norms) -> int:
    positions = dict(
        Position.objects.filter(code__in={norm.position_code for norm in norms}).values_list(
            "code", "id"
        )
    )
    existing = set(ActivityNorm.objects.values_list("position__code", "name"))
    new = [
        ActivityNorm(
            position_id=positions[norm.position_code],
            name=norm.name,
            output_unit=norm.output_unit,
            minutes_per_unit=norm.minutes_per_unit,
            yearly_volume=norm.yearly_volume,
        )
        for norm in norms
        if (norm.position_code, norm.name) not in existing
    ]
    ActivityNorm.objects.bulk_create(new)
    return len(new)


def demo_performance_seed(pemda: Pemda) -> DemoSeedReport:
    """A year of SKP, evaluations, ratings and calibration (core.performance.demo) for the
    Pemda's current year, inside its schema; seeding again writes nothing."""
    year = timezone.localdate(timezone=ZoneInfo(pemda.time_zone)).year
    rng = random.Random(f"sinergi-demo-performance:{pemda.slug}:{year}")
    return performance_demo_seed(year=year, rng=rng, personas=demo_persona_nips())


def demo_activity_seed(pemda: Pemda) -> ActivityDemoReport | None:
    """A year of attendance, daily activities, KPI and monthly indices (core.activity.demo)
    for a Pemda that keeps the daily activity log (the Model Surabaya), inside its schema,
    after its performance data; None for the others. Seeding again writes nothing."""
    if not daily_log_kept(fresh=True):
        return None
    year = timezone.localdate(timezone=ZoneInfo(pemda.time_zone)).year
    rng = random.Random(f"sinergi-demo-activity:{pemda.slug}:{year}")
    return activity_demo_seed(year=year, rng=rng, personas=demo_persona_nips())


def demo_pemda_seed(
    *,
    password: str,
    scale: str = "small",
    only: str | None = None,
    log: Callable[[str], None] | None = None,
) -> list[Pemda]:
    """Provision the demo Pemda (or only the one with slug ``only``), their accounts, their
    organisation and a year of performance data, and the platform's staff account; running
    it again adds nothing.

    Every NIP account without a password gets the demo password, so that any employee of the
    demo can log in. Changing ``scale`` later adds the other scale's people to those already
    there (imports never delete): start from a fresh database to switch.
    """
    if not settings.DEMO_MODE:
        raise DemoModeRequired("Demo accounts exist only in demo mode: set DEMO_MODE=1.")
    items = [item for item in DEMO_PEMDA if only in (None, item.slug)]
    if not items:
        known = ", ".join(item.slug for item in DEMO_PEMDA)
        raise ValueError(f"“{only}” is not a demo Pemda; choose one of: {known}.")
    demo_platform_staff_seed(password=password)
    seeded = []
    password_hash = make_password(password)
    for item in items:
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
            people = demo_people(pemda)
            taken = set(User.objects.values_list("username", flat=True))
            taken |= set(User.objects.exclude(nip=None).values_list("nip", flat=True))
            new = [user for user in people if not {user.username, user.nip} & taken]
            for user in new:
                user.password = password_hash
            User.objects.bulk_create(new)
            _names_correct(people)
            reports = demo_org_import(pemda=pemda, scale=scale)
            User.objects.exclude(nip=None).filter(
                password__startswith=UNUSABLE_PASSWORD_PREFIX
            ).update(password=password_hash)
            performance = demo_performance_seed(pemda)
            activity = demo_activity_seed(pemda)
        if log is not None:
            employees = reports["employees"]
            log(
                f"{pemda.slug}: {employees.total} employees "
                f"({employees.created} new, {employees.updated} changed), "
                f"{reports['units'].total} units, {reports['positions'].total} positions"
                + (f"; new: {performance}" if performance.skps else "")
                + (f"; {activity}" if activity and activity.attendance else "")
            )
        seeded.append(pemda)
    return seeded
