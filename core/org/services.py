"""Writes on the organisation (STYLE.md §2). Forms, the API and the import parse; these
services decide (core.org.rules), write, bring the derived fields up to date for just what
the change can affect (core.org.tree), and record the change in the audit trail.

``data`` arguments map model field names to parsed values (a unit or position as the
model instance); an update changes only the fields present.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import TENANT_ROLES, Role, User
from core.audit.services import audit_record, changes_between
from core.org import audit as actions
from core.org import rules
from core.org.models import ActivityNorm, Employee, Position, Unit
from core.org.rules import OrgError, RuleError, Violation
from core.org.tree import (
    OrgChange,
    Units,
    column_update_from_pairs,
    org_refresh,
    org_refresh_all,
    org_write_lock,
    roles_refresh,
)

__all__ = [
    "OrgError",
    "RuleError",
    "org_refresh_all",
]


# An edit waits this long behind another change of the organisation (an import) at most.
EDIT_WAIT_SECONDS = 15

UNIT_FIELDS = ("code", "name", "kind", "parent")
POSITION_FIELDS = ("code", "name", "jenis", "jenjang", "kelas_jabatan", "unit")
EMPLOYEE_FIELDS = (
    "nip",
    "name",
    "status",
    "golongan",
    "position",
    "unit",
    "tmt_jabatan",
    "email",
    "phone",
    "is_active",
)
NORM_FIELDS = ("name", "output_unit", "minutes_per_unit", "yearly_volume")


def _snapshot(instance, fields) -> dict:
    """The audited view of a record: references by code (as in the Excel files)."""
    values = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = getattr(value, "code", value) if value is not None else None
    return values


def _assign(instance, data: Mapping, fields) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


def _audit_change(*, action, instance, fields, before: dict, by) -> None:
    """Record what changed (a new record: all its values); an edit that changed nothing
    leaves no trace."""
    old, new = changes_between(before, _snapshot(instance, fields))
    if old or new:
        audit_record(action=action, obj=instance, before=old, after=new, by=by)


def _locked(instance):
    """Take the Pemda's org lock, then read the record afresh: what the caller loaded may
    have changed while this edit waited for another (its unit, its stored atasan)."""
    org_write_lock(wait_seconds=EDIT_WAIT_SECONDS)
    if instance.pk is not None:
        instance.refresh_from_db()
    return instance


def _code_checked(instance, data: Mapping, *, taken: str) -> list[Violation]:
    """A unit's or position's code: the code rule for a new code (one stored before the
    rule stays editable), and no other record of the kind may hold it (``taken`` says so,
    with %(code)s)."""
    code = data.get("code", instance.code)
    violations = []
    if instance.pk is None or code != instance.code:
        violations += rules.code_violations(code)
    if type(instance).objects.filter(code=code).exclude(pk=instance.pk).exists():
        violations.append(Violation("code", taken % {"code": code}, conflict=True))
    return violations


# --- Units --------------------------------------------------------------------------------


def unit_create(*, data: Mapping, by) -> Unit:
    return unit_update(unit=Unit(), data=data, by=by)


@transaction.atomic
def unit_update(*, unit: Unit, data: Mapping, by) -> Unit:
    unit = _locked(unit)
    before = _snapshot(unit, UNIT_FIELDS) if unit.pk else {}
    old = (unit.parent_id, unit.code, unit.kind)
    violations = _code_checked(unit, data, taken=_("A unit with code %(code)s already exists."))
    _assign(unit, data, UNIT_FIELDS)
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    parent_of[unit.pk] = unit.parent_id
    violations += rules.unit_parent_violations(
        unit=unit.pk, parent=unit.parent_id, parent_of=parent_of
    )
    rules.violations_raise(violations)
    units_before = Units.load()
    is_new = unit.pk is None
    unit.save()
    if is_new or old != (unit.parent_id, unit.code, unit.kind):
        org_refresh(OrgChange(moved_units={unit.pk}), before=units_before)
    _audit_change(
        action=actions.UNIT_CREATE if is_new else actions.UNIT_UPDATE,
        instance=unit,
        fields=UNIT_FIELDS,
        before=before,
        by=by,
    )
    return unit


# --- Positions ----------------------------------------------------------------------------


def position_create(*, data: Mapping, by) -> Position:
    return position_update(position=Position(), data=data, by=by)


@transaction.atomic
def position_update(*, position: Position, data: Mapping, by) -> Position:
    position = _locked(position)
    before = _snapshot(position, POSITION_FIELDS) if position.pk else {}
    old = (position.jenis, position.kelas_jabatan, position.code)
    violations = _code_checked(
        position, data, taken=_("A position with code %(code)s already exists.")
    )
    _assign(position, data, POSITION_FIELDS)
    violations += rules.position_violations(
        {name: getattr(position, name) for name in ("jenis", "jenjang", "kelas_jabatan")}
    )
    rules.violations_raise(violations)
    is_new = position.pk is None
    position.save()
    if not is_new and old != (position.jenis, position.kelas_jabatan, position.code):
        # Who heads a unit follows from the rank of the posts held there.
        holders_units = set(
            position.holders.filter(is_active=True).values_list("unit_id", flat=True)
        )
        org_refresh(OrgChange(head_units=holders_units))
    _audit_change(
        action=actions.POSITION_CREATE if is_new else actions.POSITION_UPDATE,
        instance=position,
        fields=POSITION_FIELDS,
        before=before,
        by=by,
    )
    return position


# --- Employees ----------------------------------------------------------------------------


def email_held_by_another(email: str, *, nip: str) -> bool:
    """Whether another account than this employee's own login already carries ``email``."""
    if not email:
        return False
    return (
        User.objects.filter(email__iexact=email).exclude(Q(nip=nip) | Q(employee__nip=nip)).exists()
    )


def employee_create(*, data: Mapping, by) -> Employee:
    return employee_update(employee=Employee(), data=data, by=by)


@transaction.atomic
def employee_update(*, employee: Employee, data: Mapping, by) -> Employee:
    """Create or change an employee, keep their NIP login in step, and refresh the atasan
    and roles of those the change can affect (their old and new unit)."""
    employee = _locked(employee)
    is_new = employee.pk is None
    before = _snapshot(employee, EMPLOYEE_FIELDS) if not is_new else {}
    old_place = (employee.unit_id, employee.position_id, employee.is_active)
    old_login = (employee.name, employee.email, employee.is_active)
    data = dict(data)
    violations = []
    if not is_new and "".join(str(data.pop("nip", employee.nip)).split()) != employee.nip:
        violations.append(Violation("nip", _("The NIP of an employee cannot be changed.")))
    if "email" in data:
        data["email"] = (data["email"] or "").strip().lower()
    _assign(employee, data, EMPLOYEE_FIELDS)
    today = timezone.localdate()
    if is_new:
        violations += rules.nip_violations(employee.nip, today=today)
        employee.nip = "".join(employee.nip.split())
        if not violations and Employee.objects.filter(nip=employee.nip).exists():
            violations.append(
                Violation(
                    "nip",
                    _("An employee with NIP %(nip)s already exists.") % {"nip": employee.nip},
                    conflict=True,
                )
            )
    new_email = is_new or employee.email != old_login[1]
    violations += rules.employee_violations(
        {name: getattr(employee, name) for name in ("status", "golongan", "tmt_jabatan", "email")},
        today=today,
        email_held_by_another=new_email and email_held_by_another(employee.email, nip=employee.nip),
    )
    rules.violations_raise(violations)
    employee.save()
    # The NIP login carries the name and the email, and closes when the person leaves.
    if (
        is_new
        or employee.user_id is None
        or old_login
        != (
            employee.name,
            employee.email,
            employee.is_active,
        )
    ):
        employee_account_sync(employee=employee, was_active=is_new or old_login[2])
    if is_new or old_place != (employee.unit_id, employee.position_id, employee.is_active):
        org_refresh(
            OrgChange(employees={employee.pk}, head_units={old_place[0], employee.unit_id} - {None})
        )
        employee.refresh_from_db(fields=["derived_atasan"])
    _audit_change(
        action=actions.EMPLOYEE_CREATE if is_new else actions.EMPLOYEE_UPDATE,
        instance=employee,
        fields=EMPLOYEE_FIELDS,
        before=before,
        by=by,
    )
    return employee


def employee_accounts_upsert(records) -> None:
    """Every employee logs in with their NIP: create or update their accounts in bulk."""
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
    employee.refresh_from_db(fields=["user"])


AUTOMATIC_ROLE = ""


@transaction.atomic
def account_role_set(*, employee: Employee, role: str, by) -> None:
    """Set the role of an employee's account by hand, or give it back to the organisation
    (``AUTOMATIC_ROLE``), after which it follows the tree again."""
    employee = _locked(employee)
    user = employee.user
    if user is None:
        raise OrgError(_("This employee has no login account yet."))
    if user.pk == by.pk:
        raise OrgError(_("You cannot change your own role; ask another admin."))
    if role != AUTOMATIC_ROLE and role not in TENANT_ROLES:
        raise OrgError(_("Choose one of the roles offered."))
    before = {"role": user.role, "set_by_hand": user.role_set_by_hand}
    if role == AUTOMATIC_ROLE:
        User.objects.filter(pk=user.pk).update(role_set_by_hand=False)
        roles_refresh([employee.pk])
    else:
        User.objects.filter(pk=user.pk).update(role=role, role_set_by_hand=True)
    user.refresh_from_db(fields=["role", "role_set_by_hand"])
    after = {"role": user.role, "set_by_hand": user.role_set_by_hand}
    if after != before:  # giving back a role that already follows the tree changes nothing
        audit_record(action=actions.ROLE_SET, obj=employee, before=before, after=after, by=by)


@transaction.atomic
def atasan_override_set(
    *, employee: Employee, atasan: Employee | None, reason: str, by
) -> Employee:
    """Set (or clear, with None) an employee's atasan by hand, recording who did it and why."""
    employee = _locked(employee)
    if atasan is not None:
        atasan.refresh_from_db()
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
    if atasan is None and employee.atasan_override_id is None:
        return employee  # nothing was set by hand: nothing to give back, nothing to record
    previous, previous_by_hand = employee.atasan, employee.atasan_override_id is not None
    employee.atasan_override = atasan
    employee.save(update_fields=["atasan_override", "updated_at"])
    roles_refresh({employee.pk, getattr(previous, "pk", None), employee.atasan_id})
    audit_record(
        action=actions.ATASAN_OVERRIDE,
        obj=employee,
        before={"atasan": previous, "set_by_hand": previous_by_hand},
        after={"atasan": employee.atasan, "set_by_hand": atasan is not None},
        reason=reason,
        by=by,
    )
    return employee


@transaction.atomic
def account_password_setup_request(*, employee: Employee, by) -> str:
    """Email the employee a link to set their password, sent by the worker in this Pemda
    once the transaction commits; returns the address it goes to. Refused while the
    account's password emails are rate-limited (core.accounts.throttle)."""
    from core.accounts.services import account_password_email_claim
    from core.accounts.tasks import account_password_setup_send_task
    from core.accounts.throttle import wait_display

    if employee.user_id is None or not employee.email:
        raise OrgError(_("This employee has no email address: add one first."))
    wait = account_password_email_claim(user=employee.user, address=None)
    if wait is not None:
        raise OrgError(
            _(
                "A password link went to this employee a short while ago. "
                "The next one can be sent in %(wait)s."
            )
            % {"wait": wait_display(wait)}
        )
    user_id = employee.user_id
    transaction.on_commit(lambda: account_password_setup_send_task.delay(user_id))
    audit_record(action=actions.PASSWORD_LINK, obj=employee, after={"email": employee.email}, by=by)
    return employee.email


# --- Norma waktu --------------------------------------------------------------------------


@transaction.atomic
def norm_create(*, position: Position, data: Mapping, by) -> ActivityNorm:
    name = " ".join(str(data.get("name", "")).split())
    if position.norms.filter(name__iexact=name).exists():
        raise RuleError([Violation("name", _("This position already has a task with that name."))])
    norm = ActivityNorm(position=position)
    _assign(norm, {**data, "name": name}, NORM_FIELDS)
    norm.save()
    audit_record(
        action=actions.NORM_CREATE,
        obj=norm,
        object_repr=f"{norm.name} — {position.name}",
        after=_snapshot(norm, NORM_FIELDS),
        by=by,
    )
    return norm


@transaction.atomic
def norm_delete(*, norm: ActivityNorm, by) -> None:
    audit_record(
        action=actions.NORM_DELETE,
        obj=norm,
        object_repr=f"{norm.name} — {norm.position.name}",
        before=_snapshot(norm, NORM_FIELDS),
        by=by,
    )
    norm.delete()
