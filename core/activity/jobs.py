"""Per-Pemda jobs of the activity module, run for every Pemda by the dispatcher (tenants)."""

from __future__ import annotations

import datetime

from core.activity.indices import month_recompute_enqueue
from tenants.dispatch import pemda_job


@pemda_job("activity.indices_refresh")
def indices_refresh(pemda) -> dict:
    """Hourly: this month's and last month's indices of the whole Pemda recomputed from what
    is stored, each by its own task once this job commits (a recompute holds its month
    alone; two in one transaction would hold both). Every write already queues its own
    people's month; this catches what reaches an index from elsewhere (a KPI's realisation,
    a rated perilaku, a setting changed) and repairs anything missed. Nothing for a Pemda
    that does not keep the daily log (``performance.daily_activity_log``) or has neither an
    activity nor a month row since last month."""
    from core.activity.models import Activity, MonthlyIndex
    from core.activity.services import daily_log_kept, today_local

    this_month = today_local().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    in_use = daily_log_kept() and (
        Activity.objects.filter(day__gte=last_month).exists()
        or MonthlyIndex.objects.filter(month__gte=last_month).exists()
    )
    if not in_use:  # a Pemda that does not keep the daily log: no rows of zeros
        return {"months": 0}
    return {"months": month_recompute_enqueue([last_month, this_month])}
