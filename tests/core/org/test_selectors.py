"""The org pages' reads agree with the straightforward computation they replace."""

import pytest

from core.org import selectors
from core.org.models import Employee, Unit

pytestmark = pytest.mark.django_db


def test_a_page_of_units_counts_the_same_staff_as_the_whole_tree(people, surabaya):
    """The unit list reads the subtrees of its page only; the export walks the whole tree.
    Both count each unit's active employees, units below included."""
    with surabaya:
        everywhere = selectors.unit_staff_totals()
        units = selectors.units_with_staff(Unit.objects.order_by("tree_path"))
        assert {unit.pk: unit.staff for unit in units} == everywhere
        assert sum(everywhere[u.pk] for u in units if u.parent_id is None) == (
            Employee.objects.filter(is_active=True).count()
        )
        leaf = min(units, key=lambda u: (-u.depth, u.pk))
        assert selectors.units_with_staff([leaf])[0].staff == everywhere[leaf.pk]
        assert selectors.unit_staff_totals_of([]) == {}
