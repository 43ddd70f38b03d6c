"""Starting an SKP and starting an evaluation: who may, for which years and which periods.

The pages (core/performance/views_skp.py, views_evaluation.py) and the API
(core/performance/api/views.py) start both through here, so one rule answers everywhere:

- an SKP is started by the employee themself or by their appraiser (the atasan of now),
  for a year of :func:`startable_years`;
- an evaluation is started by the SKP's owner or their appraiser, for a period of the SKP's
  year in the Pemda's evaluation calendar (core.performance.services.periods_of_year).

Leaders, the BKPSDMD admin and a head of OPD who does not appraise the person read; a
start by any of them is refused (PermissionDenied). Starting what is already started gives
the record that exists. Callers fetch the employee or the SKP through the org scopes first
(``object_get_for_user``: 404 for what one may not see).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.org.access import access_for
from core.performance import selectors, services
from core.performance.models import Evaluation, Skp
from core.performance.rules import PerformanceError, PerformanceRuleError, Violation


def startable_years() -> range:
    """The years an SKP may be started for: this year and the ones around it (the year
    picker's; a year far away is a typing mistake)."""
    now = selectors.year_current()
    return range(now - selectors.YEARS_AROUND, now + selectors.YEARS_AROUND + 1)


def may_start(user, obj) -> bool:
    """Whether ``user`` may start an SKP of ``obj`` (an employee) or an evaluation of ``obj``
    (an SKP): its owner, or the owner's appraiser."""
    access = access_for(user, obj)
    return access.own or access.appraise


def skp_start(*, employee, year, by) -> Skp:
    """``employee``'s SKP of ``year``, started now (with who and where they are now) unless
    it already was.

    1. Only the employee or their appraiser (PermissionDenied).
    2. Only a year of :func:`startable_years` (PerformanceRuleError on ``year``).
    3. Made once, even when two requests start it at once (services.skp_get_or_create)."""
    if not may_start(by, employee):
        raise PermissionDenied(_("Only the employee and their appraiser may start their SKP."))
    if isinstance(year, bool) or not isinstance(year, int) or year not in startable_years():
        raise PerformanceRuleError(
            [
                Violation(
                    "year", _("An SKP can be started for last year, this year or next year only.")
                )
            ]
        )
    return services.skp_get_or_create(employee=employee, year=year, by=by)


def evaluation_period_check(*, skp: Skp, period) -> None:
    """Refuse (PerformanceRuleError on ``period``) a period that is not one of the SKP's
    year in the Pemda's calendar."""
    if not isinstance(period, str):
        period = ""
    try:
        services.periods_of_year(skp.year, check=period)
    except PerformanceError as exc:
        raise PerformanceRuleError([Violation("period", str(exc))]) from None


def evaluation_start(*, skp: Skp, period, by) -> Evaluation:
    """The SKP's evaluation of ``period``, started now unless it already was.

    1. Only the SKP's owner or their appraiser (PermissionDenied).
    2. Only a period of the SKP's year (:func:`evaluation_period_check`).
    3. Made once, with the unit and appraiser of now (services.evaluation_get_or_create)."""
    if not may_start(by, skp):
        raise PermissionDenied(
            _("Only the owner of the SKP and their appraiser may start its evaluations.")
        )
    evaluation_period_check(skp=skp, period=period)
    return services.evaluation_get_or_create(skp=skp, period=period)
