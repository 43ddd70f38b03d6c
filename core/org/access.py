"""Who may see and who may change what, in one place (STYLE.md §3). Every page, export and
API endpoint of every module goes through these; schema isolation already keeps each
Pemda's rows apart, these decide what each role sees and does inside its own Pemda.

Read scope, by role (``visible_to``):

- tenant admin (BKPSDMD) and leader: the whole Pemda (the leader read-only);
- head of OPD: the OPD they work in;
- atasan: themselves and the people they appraise;
- employee: themselves.

Write scopes: ``manageable_by`` (the admin administers the Pemda's records),
``appraisable_by`` (an atasan acts on the records of the people they appraise, e.g. rates
them) and ``owned_by`` (an employee acts on their own records, e.g. their daily log).

A model that belongs to an employee (an SKP, an activity, a TPP line …) declares where its
owner is and inherits all of it::

    class ActivityQuerySet(EmployeeOwnedQuerySet):
        employee_field = "employee"

    Activity.objects.visible_to(user), Activity.objects.appraisable_by(user)

Pages and endpoints fetch one object with :func:`object_get_for_user`, which returns the
object and the caller's :class:`Access` and answers 404 when the object is not theirs to
see, 403 when they see it but may not do what they asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from core.accounts.models import Role

WHOLE_PEMDA_ROLES = (Role.TENANT_ADMIN, Role.LEADER)
NOTHING = Q(pk__in=[])


def employee_of(user):
    """The employee record behind an account, or None (the admin, a leader without one)."""
    if not user.is_authenticated:
        return None
    try:
        return user.employee
    except ObjectDoesNotExist:
        return None


def can_manage(user) -> bool:
    """Administering the Pemda's records (org data, imports, settings) is the BKPSDMD's."""
    return user.is_authenticated and user.role == Role.TENANT_ADMIN


def appraisees_q(me, prefix: str = "") -> Q:
    """Active employees whose effective atasan is ``me`` (the override, else the derived)."""
    return Q(**{f"{prefix}is_active": True}) & (
        Q(**{f"{prefix}atasan_override": me})
        | Q(**{f"{prefix}atasan_override__isnull": True, f"{prefix}derived_atasan": me})
    )


def employee_scope_q(user, prefix: str = "") -> Q | None:
    """The employees ``user`` may see, as a filter on ``prefix`` (None: all of them)."""
    if not user.is_authenticated:
        return NOTHING
    if user.role in WHOLE_PEMDA_ROLES:
        return None
    me = employee_of(user)
    if me is None:
        return NOTHING
    own = Q(**{f"{prefix}pk": me.pk})
    if user.role == Role.HEAD_OF_OPD:
        # Their OPD, and anyone else they appraise (an atasan set by hand in another OPD).
        return Q(**{f"{prefix}unit__opd_id": me.unit.opd_id}) | own | appraisees_q(me, prefix)
    if user.role == Role.ATASAN:
        return own | appraisees_q(me, prefix)
    return own


def scope_description(user) -> str:
    """The rule that decides what this user sees, said plainly (shown on list pages)."""
    if not user.is_authenticated:
        return ""
    if user.role in WHOLE_PEMDA_ROLES:
        return _("You see the whole Pemda.")
    me = employee_of(user)
    if me is None:
        return _("Your account is not linked to an employee, so you see no records.")
    if user.role == Role.HEAD_OF_OPD:
        opd = me.unit.opd or me.unit
        return _("You see your OPD: %(name)s, and anyone else you appraise.") % {"name": opd.name}
    if user.role == Role.ATASAN:
        return _("You see yourself and the people you appraise, with their units and positions.")
    return _("You see your own record, with your unit and position.")


class EmployeeScopedQuerySet(models.QuerySet):
    """Read and write scopes declared once, through the field that leads to the employee
    who owns each row (``""`` on Employee itself)."""

    employee_field = "employee"

    @property
    def _prefix(self) -> str:
        return f"{self.employee_field}__" if self.employee_field else ""

    def visible_to(self, user):
        scope = employee_scope_q(user, self._prefix)
        return self if scope is None else self.filter(scope)

    def appraisable_by(self, user):
        """Rows of the people ``user`` appraises now (an atasan rates them, approves their
        log …); always within what ``user`` sees (a role set by hand to "employee" sees, and
        so appraises, nobody)."""
        me = employee_of(user)
        if me is None:
            return self.none()
        return self.visible_to(user).filter(appraisees_q(me, self._prefix))

    def owned_by(self, user):
        me = employee_of(user)
        return self.none() if me is None else self.filter(**{f"{self._prefix}pk": me.pk})

    def manageable_by(self, user):
        return self if can_manage(user) else self.none()


class EmployeeOwnedQuerySet(EmployeeScopedQuerySet):
    """Base for every model that belongs to an employee; set ``employee_field`` if the
    owner is not at ``employee``."""


def org_structure_scope(queryset, user, *, unit_field: str, employees_field: str):
    """Units and positions follow the employee scope, so every page agrees: the whole Pemda
    for admins and leaders, the OPD for its head (vacant posts included), and for everyone
    else the units and positions where the people they see work."""
    if not user.is_authenticated:
        return queryset.none()
    if user.role in WHOLE_PEMDA_ROLES:
        return queryset
    me = employee_of(user)
    if me is None:
        return queryset.none()
    from core.org.models import Employee

    seen = Exists(Employee.objects.visible_to(user).filter(**{employees_field: OuterRef("pk")}))
    if user.role == Role.HEAD_OF_OPD:
        return queryset.filter(Q(**{f"{unit_field}opd_id": me.unit.opd_id}) | seen)
    return queryset.filter(seen)


@dataclass(frozen=True)
class Access:
    """What the caller may do with one object they can see."""

    manage: bool = False  # administer it (the BKPSDMD admin)
    appraise: bool = False  # act as the owner's atasan
    own: bool = False  # it is the caller's own

    def allows(self, need: str | None) -> bool:
        return need is None or getattr(self, need)


def _owner(obj, employee_field: str | None):
    if employee_field is None:
        return None
    node = obj
    for name in filter(None, employee_field.split("__")):
        node = getattr(node, name)
    return node


def access_for(user, obj) -> Access:
    queryset = type(obj)._default_manager.get_queryset()
    employee_field = getattr(queryset, "employee_field", None)
    owner, me = _owner(obj, employee_field), employee_of(user)
    return Access(
        manage=can_manage(user),
        appraise=bool(owner and me and owner.is_active and owner.atasan_id == me.pk),
        own=bool(owner and me and owner.pk == me.pk),
    )


def object_get_for_user(queryset, user, pk, *, need: str | None = None):
    """(object, Access) for an object ``user`` may see; 404 if they may not see it, 403 if
    they see it but lack ``need`` ("manage", "appraise" or "own")."""
    try:
        obj = queryset.visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access = access_for(user, obj)
    if not access.allows(need):
        raise PermissionDenied
    return obj, access
