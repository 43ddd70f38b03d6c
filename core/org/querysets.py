"""Who sees what, in one place (STYLE.md §3). Schema isolation already keeps each Pemda's
rows apart; these scopes decide what each role sees inside its own Pemda:

- tenant admin (BKPSDMD) and leader: the whole Pemda (the leader read-only);
- head of OPD: the OPD they work in;
- atasan: themselves and the people they appraise;
- employee: themselves.
"""

from django.db import models

from core.accounts.models import Role

WHOLE_PEMDA_ROLES = (Role.TENANT_ADMIN, Role.LEADER)


def _employee_of(user):
    if not user.is_authenticated:
        return None
    try:
        return user.employee
    except models.ObjectDoesNotExist:
        return None


class EmployeeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role in WHOLE_PEMDA_ROLES:
            return self
        me = _employee_of(user)
        if me is None:
            return self.none()
        if user.role == Role.HEAD_OF_OPD:
            return self.filter(unit__opd_id=me.unit.opd_id)
        if user.role == Role.ATASAN:
            return self.filter(
                models.Q(pk=me.pk)
                | models.Q(is_active=True, atasan_override=me)
                | models.Q(is_active=True, atasan_override__isnull=True, derived_atasan=me)
            )
        return self.filter(pk=me.pk)

    def appraised_by(self, employee):
        return self.filter(
            models.Q(atasan_override=employee)
            | models.Q(atasan_override__isnull=True, derived_atasan=employee)
        )


def _whole_pemda_or_own_opd(queryset, user, opd_lookup: str):
    """Org structure (units, positions) is seen whole by admins and leaders; others see the
    OPD they work in."""
    if not user.is_authenticated:
        return queryset.none()
    if user.role in WHOLE_PEMDA_ROLES:
        return queryset
    me = _employee_of(user)
    if me is None:
        return queryset.none()
    return queryset.filter(**{opd_lookup: me.unit.opd_id})


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _whole_pemda_or_own_opd(self, user, "opd_id")

    def opds(self):
        return self.filter(parent__isnull=True)


class PositionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _whole_pemda_or_own_opd(self, user, "unit__opd_id")


def can_manage_org(user) -> bool:
    return user.is_authenticated and user.role == Role.TENANT_ADMIN
