"""Menus and home cards of the activity module: the daily log and its approvals
(core/activity/ui.py).

Cards: "Activities waiting for approval" (an atasan: per person, late ones counted),
"Activities rejected" (an employee: the last two weeks', with the atasan's reason) and
"Late approvals in your OPD" (the head of an OPD: per atasan). Each is one query when it
has nothing to say, and is then not shown; the calendar (holidays, settings) is read only
when something may be late.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.activity import selectors, services
from core.org.access import employee_of
from core.ui.registry import HomeCard, NavEntry, card_register, nav_register

ACTIVITIES = _("Performance")  # the SKP pages' menu (see ui_kpi.py)
APPROVER_ROLES = (Role.ATASAN, Role.HEAD_OF_OPD)
CARD_REJECTED = 6


def keeps_a_log(user) -> bool:
    """Whoever has an employee record logs in with a NIP (core.org.services keeps the
    account's NIP): read from the account, so the menu costs no query."""
    return user.is_authenticated and bool(getattr(user, "nip", None))


def approves(user) -> bool:
    """Atasan and heads of OPD; and a leader with an employee record (the Sekda appraises
    the heads of OPD). Roles follow the appraisal relation (core.org.tree), so a plain
    employee approves nobody and pays nothing for the card."""
    if not user.is_authenticated:
        return False
    return user.role in APPROVER_ROLES or (user.role == Role.LEADER and keeps_a_log(user))


def _head_of_opd(user) -> bool:
    return user.is_authenticated and user.role == Role.HEAD_OF_OPD


def _late_before():
    today = services.today_local()
    calendar = services.calendar_current(
        today - timedelta(days=services.CALENDAR_LOOKBACK_DAYS), today
    )
    return calendar, calendar.late_before_time(today)


def _waiting(request):
    """Per person, the entries waiting for the user, with how many are late (read only when
    the oldest is: the calendar and a second query)."""
    rows = selectors.waiting_counts(request.user)
    if not rows:
        return None
    late = {}
    today = services.today_local()
    if any(timezone.localdate(row["since"]) < today for row in rows):  # else none is late
        _calendar, late_before = _late_before()
        if any(row["since"] < late_before for row in rows):
            late = selectors.waiting_late_counts(request.user, late_before=late_before)
    for row in rows:
        row["late"] = late.get(row["employee_id"], 0)
    shown = rows[: selectors.CARD_PEOPLE]
    return {
        "people": shown,
        "more": len(rows) - len(shown),
        "total": sum(row["count"] for row in rows),
    }


def _rejected(request):
    me = employee_of(request.user)
    if me is None:
        return None
    entries = selectors.rejected_recent(
        me,
        since=timezone.now() - timedelta(days=selectors.REJECTED_SINCE_DAYS),
        limit=CARD_REJECTED,
    )
    return {"entries": entries} if entries else None


def _late(request):
    """The late entries of the OPD per atasan; the calendar is read only when something in
    the OPD has waited at least a day."""
    since = selectors.opd_pending_since(request.user)
    if since is None or timezone.localdate(since) >= services.today_local():
        return None
    calendar, late_before = _late_before()
    if since >= late_before:
        return None
    rows = selectors.late_by_atasan(request.user, late_before=late_before)
    return {"rows": rows, "days": calendar.late_approval_days} if rows else None


nav_register(
    NavEntry(ACTIVITIES, _("Daily log"), "activity:log", keeps_a_log, order=50),
    NavEntry(ACTIVITIES, _("Daily log by month"), "activity:log_history", keeps_a_log, 51),
    NavEntry(ACTIVITIES, _("Activities to approve"), "activity:approvals", approves, 52),
)
card_register(
    HomeCard("activity.waiting", "activity/log/cards/waiting.html", _waiting, approves, order=16),
    HomeCard("activity.rejected", "activity/log/cards/rejected.html", _rejected, keeps_a_log, 17),
    HomeCard("activity.late", "activity/log/cards/late.html", _late, _head_of_opd, order=26),
)
