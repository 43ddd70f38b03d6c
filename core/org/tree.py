"""What the org tree implies, kept in stored fields: each unit's OPD, depth, tree path and
head; each employee's derived atasan; each account's role.

Two ways to bring them up to date:

- :func:`org_refresh_all` recomputes everything (after an import of many rows);
- :func:`org_refresh` recomputes only what one edit can have changed (an :class:`OrgChange`),
  so saving one employee at a Pemda of 20,000 costs milliseconds, not a second.

Both use the same pure derivations (:func:`head_key`, :func:`atasan_walk`, :func:`role_for`),
so they cannot disagree; a test replays random edits and compares the two after each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.accounts.models import Role, User
from core.org.models import Employee, Unit
from core.org.ranks import MANAGERIAL_RANK, UnitKind
from core.org.rules import OrgError

# Raise when the rules that derive heads, atasan or roles change: every Pemda is then
# refreshed from scratch within the hour (core.org.jobs.refresh_all).
ORG_DERIVATION_VERSION = 2


class TreeError(ValueError):
    """The stored tree is inconsistent (a cycle); the message is for the user."""


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


def org_write_lock(*, wait_seconds: int | None = None) -> None:
    """Take this Pemda's organisation for the rest of the transaction.

    Each edit refreshes the derived fields from what it reads; two edits at once (two
    admins, an import and an edit) would each read the other's state half-made and could
    store a wrong head or atasan. A transaction-level advisory lock per schema makes them
    take turns; in READ COMMITTED the second then reads what the first committed.

    ``wait_seconds`` bounds the wait of an edit made by a person (a large import holds the
    lock for seconds): past it, the edit is refused with a message to try again.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("org_write_lock() holds only inside a transaction")
    key = f"sinergi.org:{connection.schema_name}"
    with connection.cursor() as cursor:
        if wait_seconds is None:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
            return
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [key])
        if cursor.fetchone()[0]:
            return
        # Busy: wait, but not for ever (lock_timeout applies to this statement only).
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{wait_seconds}s"])
        try:
            with transaction.atomic():
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        except OperationalError:
            raise OrgError(
                _("The organisation is being changed by an import; try again in a minute.")
            ) from None
        finally:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


# --- Pure derivations ---------------------------------------------------------------------


def head_key(jenis: str, kelas: int, position_code: str) -> tuple:
    """How strongly a post claims to head its unit: JPT > Administrator > Pengawas, then the
    higher kelas, then the lower position code (so the choice is stable)."""
    return (MANAGERIAL_RANK[jenis], kelas, tuple(-ord(ch) for ch in position_code))


def atasan_walk(
    *,
    employee: int,
    unit: int,
    parent_of: Mapping[int, int | None],
    head_of: Mapping[int, int | None],
    sekda: int | None,
) -> int | None:
    """The derived atasan of one active employee.

    1. An employee who heads their unit starts from the parent unit; others from their unit.
    2. The first unit upwards with a head (who is not the employee) gives the atasan.
    3. Past the top (an OPD head): the Sekda, head of the Sekretariat Daerah; the Sekda
       (and a Pemda without one) has no atasan among the ASN — the leader appraises.
    """
    node = parent_of.get(unit) if head_of.get(unit) == employee else unit
    for _step in range(len(parent_of) + 1):  # the rules keep the tree acyclic; never loop
        if node is None:
            break
        head = head_of.get(node)
        if head is not None and head != employee:
            return head
        node = parent_of.get(node)
    return sekda if sekda is not None and sekda != employee else None


def role_for(*, employee: int, sekda: int | None, opd_heads: set[int], appraisers: set[int]):
    """The Sekda is a leader (the whole Pemda, read-only); the head of another OPD is head of
    OPD; anyone who appraises an active employee is an atasan; everyone else an employee."""
    if employee == sekda:
        return Role.LEADER
    if employee in opd_heads:
        return Role.HEAD_OF_OPD
    if employee in appraisers:
        return Role.ATASAN
    return Role.EMPLOYEE


@dataclass
class UnitRow:
    parent: int | None
    head: int | None
    kind: str
    code: str


class Units(dict):
    """Every unit of the Pemda (id → UnitRow): a few thousand rows at most, loaded at once."""

    @classmethod
    def load(cls) -> Units:
        return cls(
            (pk, UnitRow(parent, head, kind, code))
            for pk, parent, head, kind, code in Unit.objects.values_list(
                "id", "parent_id", "head_id", "kind", "code"
            )
        )

    def parent_of(self) -> dict[int, int | None]:
        return {pk: row.parent for pk, row in self.items()}

    def head_of(self) -> dict[int, int | None]:
        return {pk: row.head for pk, row in self.items()}

    def sekda(self) -> int | None:
        """Head of the Sekretariat Daerah (the OPD of that kind with the lowest code)."""
        setda = [
            (row.code, pk)
            for pk, row in self.items()
            if row.parent is None and row.kind == UnitKind.SEKRETARIAT_DAERAH
        ]
        return self[min(setda)[1]].head if setda else None

    def opd_heads(self) -> set[int]:
        return {row.head for row in self.values() if row.parent is None and row.head is not None}

    def ancestors(self, unit: int) -> list[int]:
        chain, node = [], self[unit].parent
        while node is not None and node not in chain:
            chain.append(node)
            node = self[node].parent
        return chain

    def subtree(self, roots: Iterable[int]) -> set[int]:
        children: dict[int | None, list[int]] = {}
        for pk, row in self.items():
            children.setdefault(row.parent, []).append(pk)
        found, stack = set(), [root for root in roots if root in self]
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(children.get(node, ()))
        return found

    def tree_fields(self, unit: int) -> tuple[int, int, str]:
        """(OPD, depth, tree path) of one unit; refuses a cycle."""
        chain, node = [unit], unit
        while self[node].parent is not None:
            node = self[node].parent
            if node in chain:
                raise TreeError(_("The unit tree has a cycle."))
            chain.append(node)
        return node, len(chain) - 1, "/".join(self[n].code for n in reversed(chain))


# --- Writing the derived fields -----------------------------------------------------------


def _tree_fields_write(units: Units, unit_ids: Iterable[int]) -> None:
    fields = {pk: units.tree_fields(pk) for pk in unit_ids}
    column_update_from_pairs("org_unit", "opd_id", [(pk, f[0]) for pk, f in fields.items()])
    column_update_from_pairs("org_unit", "depth", [(pk, f[1]) for pk, f in fields.items()])
    column_update_from_pairs(
        "org_unit", "tree_path", [(pk, f[2]) for pk, f in fields.items()], value_type="text"
    )


def unit_heads_compute(unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """unit id → the employee who heads it: of the active employees working in that unit, the
    one in the strongest managerial post (:func:`head_key`; the lower id on a tie).

    Where an employee works (their unit) decides what they head, the same unit their own
    appraisal walks up from, so the derived chain always climbs the tree and cannot loop.
    """
    managers = Employee.objects.filter(is_active=True, position__jenis__in=list(MANAGERIAL_RANK))
    if unit_ids is not None:
        managers = managers.filter(unit_id__in=list(unit_ids))
    best: dict[int, tuple] = {}
    for employee_id, unit_id, jenis, kelas, code in managers.order_by("id").values_list(
        "id", "unit_id", "position__jenis", "position__kelas_jabatan", "position__code"
    ):
        key = head_key(jenis, kelas, code)
        if unit_id not in best or key > best[unit_id][0]:
            best[unit_id] = (key, employee_id)
    return {unit_id: employee_id for unit_id, (_key, employee_id) in best.items()}


def atasan_derive_all(units: Units | None = None) -> dict[int, int | None]:
    """employee id → derived atasan for every employee, from the stored unit heads.
    Someone who has left keeps no appraiser (so no former atasan keeps seeing them)."""
    units = Units.load() if units is None else units
    return _derive(units, Employee.objects.values_list("id", "unit_id", "is_active"))


def _derive(units: Units, rows) -> dict[int, int | None]:
    parent_of, head_of, sekda = units.parent_of(), units.head_of(), units.sekda()
    return {
        employee: atasan_walk(
            employee=employee, unit=unit, parent_of=parent_of, head_of=head_of, sekda=sekda
        )
        if active
        else None
        for employee, unit, active in rows
    }


def roles_refresh(employee_ids: Iterable[int] | None = None, *, units: Units | None = None):
    """Give the accounts of these employees (all, with None) the role their place implies.
    A role an admin set by hand is left alone."""
    units = Units.load() if units is None else units
    accounts = Employee.objects.exclude(user=None)
    appraised = Employee.objects.filter(is_active=True)
    if employee_ids is not None:
        ids = list(set(employee_ids) - {None})
        if not ids:
            return
        accounts = accounts.filter(pk__in=ids)
        appraised = appraised.filter(
            Q(atasan_override__in=ids) | Q(atasan_override=None, derived_atasan__in=ids)
        )
    appraisers = set()
    for override, derived in appraised.values_list("atasan_override_id", "derived_atasan_id"):
        appraisers.add(override or derived)
    sekda, opd_heads = units.sekda(), units.opd_heads()
    by_role: dict[str, list[int]] = {}
    for employee_id, user_id in accounts.values_list("id", "user_id"):
        role = role_for(
            employee=employee_id, sekda=sekda, opd_heads=opd_heads, appraisers=appraisers
        )
        by_role.setdefault(role, []).append(user_id)
    for role, user_ids in by_role.items():
        User.objects.filter(pk__in=user_ids, role_set_by_hand=False).exclude(role=role).update(
            role=role
        )


@transaction.atomic
def org_refresh_all() -> None:
    """Bring every derived field up to date (after an import, or to repair)."""
    units = Units.load()
    _tree_fields_write(units, list(units))
    heads = unit_heads_compute()
    column_update_from_pairs("org_unit", "head_id", [(pk, heads.get(pk)) for pk in units])
    for pk, row in units.items():
        row.head = heads.get(pk)
    derived = atasan_derive_all(units)
    column_update_from_pairs("org_employee", "derived_atasan_id", list(derived.items()))
    roles_refresh(units=units)


@dataclass
class OrgChange:
    """What one edit may have changed, for :func:`org_refresh`.

    ``employees``: whose own place changed (unit, position, active), new ones included;
    ``head_units``: units whose head may have changed; ``moved_units``: units whose parent
    or code changed (their whole subtree's OPD, depth and path follow); ``role_employees``:
    employees whose role may change for another reason (e.g. an atasan set by hand).
    """

    employees: set[int] = field(default_factory=set)
    head_units: set[int] = field(default_factory=set)
    moved_units: set[int] = field(default_factory=set)
    role_employees: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.employees or self.head_units or self.moved_units or self.role_employees)


@transaction.atomic
def org_refresh(change: OrgChange, *, before: Units | None = None) -> None:
    """Bring the derived fields up to date after one edit, touching only what it can affect.

    1. Moved units: recompute OPD, depth and path of their subtrees.
    2. Heads of the named units: recompute; note who stopped and who started heading.
    3. Re-derive the atasan of the employees whose upward walk can have changed: the edited
       ones; old and new heads; in a subtree whose head changed, those whose atasan was that
       head, a head above it, the Sekda or nobody (the walk passed that unit); everyone in a
       moved subtree; if the Sekda changed, those appraised by the Sekda or by nobody.
    4. Re-derive the roles of everyone whose standing can have changed.

    ``before`` is the units as they stood before the edit; a caller that changed a unit's
    parent or kind must pass it (the Sekda and the OPD heads follow from those).
    """
    if not change:
        return
    units = Units.load()
    old_sekda = (before or units).sekda()
    old_opd_heads = (before or units).opd_heads()

    moved_subtree = units.subtree(change.moved_units)
    if moved_subtree:
        _tree_fields_write(units, moved_subtree)

    head_units = {pk for pk in change.head_units if pk in units}
    new_heads = unit_heads_compute(head_units) if head_units else {}
    changed_heads = {pk: units[pk].head for pk in head_units if units[pk].head != new_heads.get(pk)}
    column_update_from_pairs(
        "org_unit", "head_id", [(pk, new_heads.get(pk)) for pk in changed_heads]
    )
    for pk in changed_heads:
        units[pk].head = new_heads.get(pk)
    new_sekda = units.sekda()

    walkers = Q(pk__in=list(change.employees))
    touched = set(change.employees) | set(change.role_employees)
    old_heads = set(changed_heads.values())
    for pk, old_head in changed_heads.items():
        touched |= {old_head, units[pk].head}
        passed = {old_head, old_sekda} | old_heads
        passed |= {units[a].head for a in units.ancestors(pk)}
        walkers |= Q(unit__in=list(units.subtree([pk]))) & (
            Q(derived_atasan__in=list(passed - {None})) | Q(derived_atasan=None)
        )
    if moved_subtree:
        walkers |= Q(unit__in=list(moved_subtree))
        touched |= {units[pk].head for pk in moved_subtree}
    if old_sekda != new_sekda:
        walkers |= Q(derived_atasan=old_sekda) | Q(derived_atasan=None)
        touched |= {old_sekda, new_sekda}
    walkers |= Q(pk__in=list(touched - {None}))

    rows = list(
        Employee.objects.filter(walkers).values_list(
            "id", "unit_id", "is_active", "derived_atasan_id", "atasan_override_id"
        )
    )
    derived = _derive(units, [(pk, unit, active) for pk, unit, active, *_old in rows])
    changed = [(pk, derived[pk]) for pk, _unit, _active, old, _o in rows if derived[pk] != old]
    column_update_from_pairs("org_employee", "derived_atasan_id", changed)

    # Whoever appraised or now appraises one of them (derived or set by hand) may gain or
    # lose the atasan role: someone who leaves is nobody's appraisee any more.
    touched |= {pk for pk, *_rest in rows}
    touched |= {old for *_rest, old, _o in rows} | {new for _pk, new in changed}
    touched |= {override for *_rest, override in rows}
    touched |= old_opd_heads ^ units.opd_heads()
    roles_refresh(touched, units=units)
