"""Querysets of the org models, scoped through core.org.access (one pattern for all)."""

from django.db import models

from core.org.access import EmployeeScopedQuerySet, appraisees_q, can_manage, org_structure_scope


class EmployeeQuerySet(EmployeeScopedQuerySet):
    employee_field = ""  # each row is the employee

    def appraised_by(self, employee):
        """The active employees whose effective atasan is ``employee``."""
        return self.filter(appraisees_q(employee))


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return org_structure_scope(self, user, unit_field="", employees_field="unit")

    def manageable_by(self, user):
        return self if can_manage(user) else self.none()

    def opds(self):
        return self.filter(parent__isnull=True)


class PositionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return org_structure_scope(self, user, unit_field="unit__", employees_field="position")

    def manageable_by(self, user):
        return self if can_manage(user) else self.none()


class ActivityNormQuerySet(models.QuerySet):
    """A norma-waktu task is seen with its position."""

    def visible_to(self, user):
        from core.org.models import Position

        return self.filter(position__in=Position.objects.visible_to(user))
