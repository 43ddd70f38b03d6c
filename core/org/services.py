"""Writes on the organisation: keep the tree's derived fields and every atasan current."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.accounts.models import Role, User
from core.org.models import AtasanOverride, Employee, Position, Unit
from core.org.ranks import MANAGERIAL_RANK, UnitKind


class OrgError(ValueError):
    """A change the organisation rules refuse; the message is for the user."""


def column_update_from_pairs(
    table: str, column: str, pairs: list[tuple[int, int | str | None]], value_type: str = "bigint"
) -> int:
    """UPDATE table SET column = v WHERE id = k for many (k, v), skipping unchanged rows."""
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 5000):
            chunk = pairs[start : start + 5000]
            values = ", ".join([f"(%s::bigint, %s::{value_type})"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS t SET {column} = v.value "
                f"FROM (VALUES {values}) AS v(id, value) "
                f"WHERE t.id = v.id AND t.{column} IS DISTINCT FROM v.value",
                [item for pair in chunk for item in pair],
            )
            changed += cursor.rowcount
    return changed


def unit_tree_refresh() -> None:
    """Recompute each unit's OPD (its root), depth and tree path; refuse a cycle."""
    rows = {
        pk: (parent, code)
        for pk, parent, code in Unit.objects.values_list("id", "parent_id", "code")
    }
    opd, depth, path = {}, {}, {}
    for unit_id in rows:
        chain, node = [unit_id], unit_id
        while rows[node][0] is not None:
            node = rows[node][0]
            if node in chain:
                raise OrgError(_("The unit tree has a cycle."))
            chain.append(node)
        opd[unit_id], depth[unit_id] = node, len(chain) - 1
        path[unit_id] = "/".join(rows[n][1] for n in reversed(chain))
    column_update_from_pairs("org_unit", "opd_id", list(opd.items()))
    column_update_from_pairs("org_unit", "depth", list(depth.items()))
    column_update_from_pairs("org_unit", "tree_path", list(path.items()), value_type="text")


def _unit_heads() -> dict[int, int]:
    """unit id → the employee who heads it: of the active employees working in that unit, the
    one in the highest managerial position (JPT > Administrator > Pengawas, then kelas).

    Where an employee works (their unit) decides what they head, the same unit their own
    appraisal walks up from, so the derived chain always climbs the tree and cannot loop.
    """
    best: dict[int, tuple] = {}
    for employee_id, unit_id, jenis, kelas, code in (
        Employee.objects.filter(is_active=True, position__jenis__in=list(MANAGERIAL_RANK))
        .order_by("id")
        .values_list(
            "id", "unit_id", "position__jenis", "position__kelas_jabatan", "position__code"
        )
    ):
        key = (MANAGERIAL_RANK[jenis], kelas, tuple(-ord(ch) for ch in code))
        if unit_id not in best or key > best[unit_id][0]:
            best[unit_id] = (key, employee_id)
    return {unit_id: employee_id for unit_id, (_, employee_id) in best.items()}


def atasan_derive_all(heads: dict[int, int] | None = None) -> dict[int, int | None]:
    """employee id → derived atasan, walking up the tree from the employee's unit.

    1. An employee who heads their unit starts from the parent unit; others from their unit.
    2. The first unit upwards with a head (who is not the employee) gives the atasan.
    3. Past the top (an OPD head): the Sekda, head of the Sekretariat Daerah; the Sekda
       (and a Pemda without one) has no atasan among the ASN — the leader appraises.
    """
    parent = dict(Unit.objects.values_list("id", "parent_id"))
    heads = _unit_heads() if heads is None else heads
    sekda_unit = Unit.objects.filter(kind=UnitKind.SEKRETARIAT_DAERAH, parent=None).first()
    sekda = heads.get(sekda_unit.pk) if sekda_unit else None
    derived = {}
    for employee_id, unit_id in Employee.objects.filter(is_active=True).values_list(
        "id", "unit_id"
    ):
        node = parent.get(unit_id) if heads.get(unit_id) == employee_id else unit_id
        atasan = None
        while node is not None:
            head = heads.get(node)
            if head is not None and head != employee_id:
                atasan = head
                break
            node = parent.get(node)
        if atasan is None and sekda is not None and sekda != employee_id:
            atasan = sekda
        derived[employee_id] = atasan
    # Someone who has left keeps no appraiser (and so no former atasan keeps seeing them).
    derived.update(
        dict.fromkeys(Employee.objects.filter(is_active=False).values_list("id", flat=True))
    )
    return derived


@transaction.atomic
def org_structure_refresh() -> None:
    """Bring every derived field up to date after the org or its people changed."""
    unit_tree_refresh()
    heads = _unit_heads()
    derived = atasan_derive_all(heads)
    column_update_from_pairs("org_employee", "derived_atasan_id", list(derived.items()))
    _roles_refresh(derived=derived, heads=heads)


def _roles_refresh(
    *, derived: dict[int, int | None] | None = None, heads: dict[int, int] | None = None
) -> None:
    """Give employees' accounts the role their place in the tree implies.

    The Sekda (head of the Sekretariat Daerah) is a leader: the whole Pemda, read-only.
    The head of another OPD is head_of_opd, anyone with appraisees is atasan, others
    employee. A role an admin set by hand is left alone; every other role follows the tree,
    so a Sekda who moves on stops being a leader. ``derived`` and ``heads`` are what the
    caller already computed; without them the stored derived atasan are used.
    """
    if derived is None:
        derived = dict(Employee.objects.values_list("id", "derived_atasan_id"))
    heads = _unit_heads() if heads is None else heads
    opds = dict(Unit.objects.filter(parent=None).values_list("id", "kind"))
    sekda = {e for u, e in heads.items() if opds.get(u) == UnitKind.SEKRETARIAT_DAERAH}
    opd_heads = {employee for unit, employee in heads.items() if unit in opds}
    appraisers = set(
        Employee.objects.filter(is_active=True)
        .exclude(atasan_override=None)
        .values_list("atasan_override_id", flat=True)
    )
    appraisers |= {atasan for atasan in derived.values() if atasan}
    by_role = {Role.LEADER: [], Role.HEAD_OF_OPD: [], Role.ATASAN: [], Role.EMPLOYEE: []}
    for employee_id, user_id in Employee.objects.exclude(user=None).values_list("id", "user_id"):
        if employee_id in sekda:
            by_role[Role.LEADER].append(user_id)
        elif employee_id in opd_heads:
            by_role[Role.HEAD_OF_OPD].append(user_id)
        elif employee_id in appraisers:
            by_role[Role.ATASAN].append(user_id)
        else:
            by_role[Role.EMPLOYEE].append(user_id)
    for role, user_ids in by_role.items():
        User.objects.filter(pk__in=user_ids, role_set_by_hand=False).exclude(role=role).update(
            role=role
        )


def employee_accounts_upsert(records):
    """Every employee logs in with their NIP: create or update their account."""
    by_nip = {r["nip"]: r for r in records}
    users = {u.nip: u for u in User.objects.filter(nip__in=list(by_nip))}
    to_create, to_update = [], []
    unusable = make_password(None)  # employees set a password through the reset link
    for nip, record in by_nip.items():
        user = users.get(nip)
        if user is None:
            to_create.append(
                User(
                    username=nip,
                    nip=nip,
                    name=record["name"],
                    email=record.get("email", ""),
                    role=Role.EMPLOYEE,
                    password=unusable,
                )
            )
        elif (user.name, user.email) != (record["name"], record.get("email", "")):
            user.name, user.email = record["name"], record.get("email", "")
            to_update.append(user)
    # Two employees may swap addresses in one file: clear the changing ones first, or the
    # unique email constraint would trip over the intermediate state.
    User.objects.filter(pk__in=[user.pk for user in to_update]).update(email="")
    User.objects.bulk_create(to_create, batch_size=2000)  # sets the new pks on PostgreSQL
    User.objects.bulk_update(to_update, ["name", "email"], batch_size=2000)
    user_ids = {user.nip: user.pk for user in [*users.values(), *to_create]}
    employee_ids = dict(Employee.objects.filter(nip__in=list(by_nip)).values_list("nip", "id"))
    column_update_from_pairs(
        "org_employee", "user_id", [(employee_ids[n], user_ids[n]) for n in by_nip]
    )


def employee_account_sync(*, employee: Employee, was_active: bool) -> None:
    """Keep an employee's NIP login in step with the record: name, email, and whether the
    person still works here (someone who has left no longer logs in)."""
    employee_accounts_upsert(
        [{"nip": employee.nip, "name": employee.name, "email": employee.email}]
    )
    if employee.is_active != was_active:
        User.objects.filter(nip=employee.nip).update(is_active=employee.is_active)


@transaction.atomic
def unit_save(*, unit: Unit) -> Unit:
    unit.save()
    org_structure_refresh()
    return unit


@transaction.atomic
def position_save(*, position: Position) -> Position:
    position.save()
    org_structure_refresh()
    return position


@transaction.atomic
def employee_save(*, employee: Employee) -> Employee:
    was_active = (
        Employee.objects.filter(pk=employee.pk).values_list("is_active", flat=True).first()
        if employee.pk
        else True
    )
    employee.save()
    employee_account_sync(employee=employee, was_active=was_active)
    org_structure_refresh()
    return employee


AUTOMATIC_ROLE = ""


@transaction.atomic
def account_role_set(*, employee: Employee, role: str, by) -> None:
    """Set the role of an employee's account by hand, or give it back to the organisation
    (``AUTOMATIC_ROLE``), after which it follows the tree again."""
    from core.accounts.models import TENANT_ROLES

    user = employee.user
    if user is None:
        raise OrgError(_("This employee has no login account yet."))
    if user.pk == by.pk:
        raise OrgError(_("You cannot change your own role; ask another admin."))
    if role == AUTOMATIC_ROLE:
        User.objects.filter(pk=user.pk).update(role_set_by_hand=False)
        _roles_refresh()
        return
    if role not in TENANT_ROLES:
        raise OrgError(_("Choose one of the roles offered."))
    User.objects.filter(pk=user.pk).update(role=role, role_set_by_hand=True)


@transaction.atomic
def atasan_override_set(
    *, employee: Employee, atasan: Employee | None, reason: str, by
) -> Employee:
    """Set (or clear, with None) an employee's atasan by hand, recording who did it and why."""
    if not reason.strip():
        raise OrgError(_("Give a reason for changing the atasan."))
    if atasan is not None and atasan.pk == employee.pk:
        raise OrgError(_("An employee cannot be their own atasan."))
    if atasan is not None and not atasan.is_active:
        raise OrgError(_("The chosen atasan is not an active employee."))
    # Refuse a loop: the new atasan must not be appraised (directly or not) by the employee.
    node, seen = atasan, set()
    while node is not None and node.pk not in seen:
        if node.atasan_id == employee.pk:
            raise OrgError(_("This would make a loop of appraisers."))
        seen.add(node.pk)
        node = node.atasan
    previous = employee.atasan
    AtasanOverride.objects.create(
        employee=employee, previous=previous, new=atasan, reason=reason.strip(), changed_by=by
    )
    employee.atasan_override = atasan
    employee.save(update_fields=["atasan_override", "updated_at"])
    _roles_refresh()
    return employee
