"""The month's minutes kept current as entries are logged and decided, so the leader's view
(core.activity.dashboard) shows an approval at its next poll without waiting for the
worker's recompute (core.activity.indices.month_recompute, which sets every figure exactly
again, the IKI and the score included).

``minutes_moved`` adds signed minutes to each person's month row in one statement (an
upsert): logging adds to logged and waiting; approving moves waiting to approved; rejecting
takes them out of logged and waiting; removing a waiting entry takes them out too. The row
is made on the first entry of the month; every write sets the person's unit and OPD of
now, as the recompute does (the leader's view groups by them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection

from core.activity.models import ActivityState


def _month(day: date) -> date:
    return day.replace(day=1)


def minutes_moved(moves: Iterable[tuple[int, date, int, int, int]]) -> None:
    """Add (employee id, day, logged, approved, pending) minute deltas to the months."""
    totals: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for employee_id, day, logged, approved, pending in moves:
        total = totals[employee_id, _month(day)]
        total[0] += logged
        total[1] += approved
        total[2] += pending
    totals = {key: value for key, value in totals.items() if any(value)}
    if not totals:
        return
    from core.activity.indices import month_lock

    for month in sorted({month for _employee, month in totals}):
        month_lock(month, shared=True)  # a recompute of the month is not halfway
    # New rows start from the deltas (never below 0); existing rows add them. The deltas
    # travel in a second VALUES list, since EXCLUDED holds the clamped ones.
    rows, params = [], []
    for (employee_id, month), (logged, approved, pending) in sorted(totals.items()):
        rows.append("(%s::bigint, %s::date, %s::integer, %s::integer, %s::integer)")
        params += [employee_id, month, logged, approved, pending]
    sql = f"""
WITH d (employee_id, month, logged, approved, pending) AS (VALUES {", ".join(rows)})
INSERT INTO activity_monthlyindex (
    employee_id, month, unit_id, opd_id, logged_minutes, approved_minutes, counted_minutes,
    pending_minutes, target_minutes, pay_withheld, computed_at
)
SELECT d.employee_id, d.month, e.unit_id, u.opd_id, GREATEST(d.logged, 0),
       GREATEST(d.approved, 0), 0, GREATEST(d.pending, 0), 0, false, clock_timestamp()
FROM d
JOIN org_employee e ON e.id = d.employee_id
LEFT JOIN org_unit u ON u.id = e.unit_id
ON CONFLICT (employee_id, month) DO UPDATE SET
    logged_minutes = GREATEST(activity_monthlyindex.logged_minutes + (
        SELECT d.logged FROM d WHERE d.employee_id = EXCLUDED.employee_id
        AND d.month = EXCLUDED.month), 0),
    approved_minutes = GREATEST(activity_monthlyindex.approved_minutes + (
        SELECT d.approved FROM d WHERE d.employee_id = EXCLUDED.employee_id
        AND d.month = EXCLUDED.month), 0),
    pending_minutes = GREATEST(activity_monthlyindex.pending_minutes + (
        SELECT d.pending FROM d WHERE d.employee_id = EXCLUDED.employee_id
        AND d.month = EXCLUDED.month), 0),
    unit_id = EXCLUDED.unit_id,
    opd_id = EXCLUDED.opd_id,
    computed_at = clock_timestamp()
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def logged(entry) -> tuple[int, date, int, int, int]:
    """The move of a new entry (waiting)."""
    return (entry.employee_id, entry.day, entry.minutes, 0, entry.minutes)


def removed(entry) -> tuple[int, date, int, int, int]:
    """The move of a waiting entry removed (or changed: removed, then logged again)."""
    return (entry.employee_id, entry.day, -entry.minutes, 0, -entry.minutes)


def decided(employee_id: int, day: date, minutes: int, state: str) -> tuple:
    """The move of a waiting entry approved or rejected."""
    if state == ActivityState.APPROVED:
        return (employee_id, day, 0, minutes, -minutes)
    return (employee_id, day, -minutes, 0, -minutes)
