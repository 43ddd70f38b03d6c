"""The derived fields of the org tree: pure derivations, and the incremental refresh that
must agree with a full refresh after every kind of edit."""

import random

import pytest

from core.accounts.models import Role, User
from core.org import services
from core.org.models import Employee, Position, Unit
from core.org.ranks import JenisJabatan, UnitKind
from core.org.rules import RuleError
from core.org.tree import atasan_walk, org_refresh_all, role_for
from tests.factories import EmployeeFactory, PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


# --- Pure derivations ---------------------------------------------------------------------

PARENT = {1: None, 2: 1, 3: 2, 4: 3}  # OPD 1 → bidang 2 → seksi 3 → subseksi 4


def test_an_employee_is_appraised_by_the_head_of_their_unit():
    assert atasan_walk(employee=10, unit=3, parent_of=PARENT, head_of={3: 30}, sekda=None) == 30


def test_a_head_is_appraised_by_the_head_of_the_unit_above():
    heads = {2: 20, 3: 30}
    assert atasan_walk(employee=30, unit=3, parent_of=PARENT, head_of=heads, sekda=None) == 20


def test_a_vacant_unit_passes_the_appraisal_up():
    heads = {1: 1000}
    assert atasan_walk(employee=40, unit=4, parent_of=PARENT, head_of=heads, sekda=None) == 1000


def test_an_opd_head_is_appraised_by_the_sekda_and_the_sekda_by_nobody():
    heads = {1: 1000}
    assert atasan_walk(employee=1000, unit=1, parent_of=PARENT, head_of=heads, sekda=7) == 7
    assert atasan_walk(employee=7, unit=9, parent_of={9: None}, head_of={9: 7}, sekda=7) is None


def test_roles_follow_the_place_in_the_tree():
    common = {"sekda": 1, "opd_heads": {1, 2}, "appraisers": {2, 3}}
    assert role_for(employee=1, **common) == Role.LEADER
    assert role_for(employee=2, **common) == Role.HEAD_OF_OPD
    assert role_for(employee=3, **common) == Role.ATASAN
    assert role_for(employee=4, **common) == Role.EMPLOYEE


# --- Incremental refresh against a full refresh -------------------------------------------

MANAGERIAL = [
    JenisJabatan.JPT_PRATAMA,
    JenisJabatan.ADMINISTRATOR,
    JenisJabatan.PENGAWAS,
    JenisJabatan.PELAKSANA,
    JenisJabatan.FUNGSIONAL,
]


def _random_org(rng: random.Random):
    for factory_class in (UnitFactory, PositionFactory, EmployeeFactory):
        factory_class.reset_sequence()  # the same seed, the same organisation
    setda = UnitFactory(kind=UnitKind.SEKRETARIAT_DAERAH)
    roots = [setda, UnitFactory(kind=UnitKind.DINAS), UnitFactory(kind=UnitKind.BADAN)]
    units = list(roots)
    for _ in range(10):
        units.append(UnitFactory(parent=rng.choice(units)))
    positions = [
        PositionFactory(unit=unit, jenis=rng.choice(MANAGERIAL), kelas_jabatan=rng.randint(5, 15))
        for unit in units
        for _ in range(rng.randint(1, 2))
    ]
    employees = []
    for _ in range(40):
        position = rng.choice(positions)
        unit = position.unit if rng.random() < 0.8 else rng.choice(units)
        employees.append(EmployeeFactory(position=position, unit=unit))
    services.employee_accounts_upsert(
        [{"nip": e.nip, "name": e.name, "email": ""} for e in employees]
    )
    org_refresh_all()


def _snapshot():
    return (
        sorted(Unit.objects.values_list("id", "opd_id", "depth", "tree_path", "head_id")),
        sorted(Employee.objects.values_list("id", "derived_atasan_id")),
        sorted(User.objects.exclude(nip=None).values_list("id", "role")),
    )


def _random_edit(rng: random.Random, admin) -> str:
    units = list(Unit.objects.all())
    positions = list(Position.objects.all())
    employees = list(Employee.objects.all())
    kind = rng.choice(
        ["move", "promote", "leave", "new", "reparent", "rekind", "rerank", "override"]
    )
    if kind == "move":
        services.employee_update(
            employee=rng.choice(employees), data={"unit": rng.choice(units)}, by=admin
        )
    elif kind == "promote":
        position = rng.choice(positions)
        services.employee_update(
            employee=rng.choice(employees),
            data={"position": position, "unit": position.unit},
            by=admin,
        )
    elif kind == "leave":
        employee = rng.choice(employees)
        services.employee_update(
            employee=employee, data={"is_active": not employee.is_active}, by=admin
        )
    elif kind == "new":
        position = rng.choice(positions)
        services.employee_create(
            data={
                "nip": EmployeeFactory.build().nip,
                "name": "Pegawai Baru",
                "status": "PNS",
                "golongan": "II/a",
                "position": position,
                "unit": position.unit,
                "is_active": True,
            },
            by=admin,
        )
    elif kind == "reparent":
        unit = rng.choice(units)
        parent = rng.choice([None, *units])
        try:
            services.unit_update(unit=unit, data={"parent": parent}, by=admin)
        except RuleError:
            return "reparent refused (a unit below itself)"
    elif kind == "rekind":
        unit = rng.choice([u for u in units if u.parent_id is None] or units)
        new_kind = rng.choice([UnitKind.SEKRETARIAT_DAERAH, UnitKind.DINAS])
        services.unit_update(unit=unit, data={"kind": new_kind}, by=admin)
    elif kind == "rerank":
        services.position_update(
            position=rng.choice(positions),
            data={"jenis": rng.choice(MANAGERIAL[:3]), "kelas_jabatan": rng.randint(5, 15)},
            by=admin,
        )
    else:
        employee, atasan = rng.choice(employees), rng.choice([None, *employees])
        try:
            services.atasan_override_set(employee=employee, atasan=atasan, reason="uji", by=admin)
        except services.OrgError:
            return "override refused"
    return kind


@pytest.mark.parametrize("seed", range(1, 7))
def test_every_edit_refreshes_exactly_what_a_full_refresh_would(surabaya, seed):
    """Random edits through the services; after each, a full refresh must find nothing left
    to change: the incremental refresh touched everything the edit could affect."""
    rng = random.Random(seed)
    with surabaya:
        admin = User.objects.get(username="admin")
        _random_org(rng)
        for step in range(40):
            done = _random_edit(rng, admin)
            after_edit = _snapshot()
            org_refresh_all()
            assert _snapshot() == after_edit, f"seed {seed}, step {step}: {done}"


def test_an_edit_that_moves_nobody_refreshes_nothing(org, django_assert_max_num_queries):
    from tests.personas import ANALIS

    with org:
        admin = User.objects.get(username="admin")
        employee = Employee.objects.get(nip=ANALIS)
        with django_assert_max_num_queries(8):
            services.employee_update(employee=employee, data={"phone": "0812"}, by=admin)
