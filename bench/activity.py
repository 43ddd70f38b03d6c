"""Benchmark: the daily activity log of the Surabaya model (issue 10) at Surabaya's size.

Run from the project root:  DEBUG=1 .venv/bin/python bench/activity.py [--runs N]
(``--employees N`` for another size, e.g. a quick try.)

Targets: the monthly IKI/IKO recompute of the whole Pemda (``indices.month_recompute``) at
most 30 s; the atasan approving 200 entries in one go (``services.activities_decide``) at
most 1 s; an employee logging one activity (``services.activity_log``) at most 100 ms.
The leader's real-time view of the largest OPD (core.activity.dashboard) at most 300 ms,
with a fixed number of SQL statements (counted and printed; tests/activity/test_dashboard.py
pins that it does not grow with the rows).

1. A database of its own (``<name>_bench_activity``), created and dropped, as the other
   benchmarks do. One Pemda cloned from the template "surabaya" with the demo generator's
   organisation at 15,000 employees, imported the admins' way, and the demo's year of
   performance data (``core.performance.demo``: each month's rated perilaku feeds the
   final score).
2. The month: the latest month before this one with at least 22 working days in the
   Pemda's calendar. For each active employee, attendance of its first 22 working days
   (present, 7–9 hours) and 6 entries a day from three norma waktu of their position
   (45–75 minutes each, within the day's cap): 15,000 × 22 × 6 = 1.98 million entries,
   90 % approved, 3 % rejected, 7 % pending, written by SQL (``INSERT … SELECT``, a minute
   instead of the ten bulk_create would take), then VACUUM ANALYZE. The OPDs get three KPI each
   with the month's target and realisation (the IKO).
3. (a) ``month_recompute`` of that month, RUNS_RECOMPUTE times: IKI, IKO, final score and
   pay flag of every employee, 15,000 MonthlyIndex rows upserted.
   (b) The atasan with the most appraisees has all their entries of the month waiting;
   they approve 200 at a time, other entries each run.
   (c) One activity logged by a different employee each run, on the last working day up to
   today (attendance recorded, the entry window open), through the whole service: the
   catalogue, the day's rules, the lock on the person, the insert.
   (d) The leader's view of the month: the largest OPD as its head and as the Wali Kota,
   and the whole Pemda as the Wali Kota (GET through the test client, the whole page).
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

from _database import bench_django, bench_header, bench_pemda

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

RUNS = 15
RUNS_RECOMPUTE = 3
BIG = ("35.78", "bench-activity", 15_000)  # Kota Surabaya
DAYS = 22
PER_DAY = 6
BULK = 200
RECOMPUTE_TARGET_S = 30
BULK_TARGET_MS = 1000
LOG_TARGET_MS = 100
VIEW_TARGET_MS = 300


def _month(calendar, today: datetime.date) -> list[datetime.date]:
    """The first DAYS working days of the latest month before today's with at least DAYS."""
    first = today.replace(day=1)
    for _ in range(24):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        days = [
            first + datetime.timedelta(days=n)
            for n in range((following - first).days)
            if calendar.working(first + datetime.timedelta(days=n))
        ]
        if len(days) >= DAYS:
            return days[:DAYS]
    raise SystemExit(f"no month with {DAYS} working days in the last two years")


def _data(days: list[datetime.date]) -> dict:
    """Norma waktu, attendance, 1.98 million entries and the OPDs' KPI (see the module's
    docstring, step 2); returns counts and seconds."""
    from django.db import connection, transaction

    from core.activity.models import Kpi, KpiPeriod
    from core.org.models import Unit

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Three tasks per position, 45, 60 and 75 minutes: 6 entries make 360 minutes a day.
        cursor.execute(
            """
            INSERT INTO org_activitynorm (position_id, name, output_unit, minutes_per_unit,
                                          yearly_volume)
            SELECT p.id, 'Tugas bench ' || n, 'Dokumen', 30 + 15 * n, 500
            FROM org_position p CROSS JOIN generate_series(1, 3) AS n
            ON CONFLICT DO NOTHING
            """
        )
        cursor.execute(
            """
            INSERT INTO activity_attendance (employee_id, day, status, hours_present, source,
                                             updated_at)
            SELECT e.id, d::date, 'present', 7 + ((e.id * 7 + extract(doy FROM d)::int) %% 200)
                   / 100.0, 'import', now()
            FROM org_employee e CROSS JOIN unnest(%s::date[]) AS d
            WHERE e.is_active
            ON CONFLICT DO NOTHING
            """,
            [days],
        )
        attendance = cursor.rowcount
        cursor.execute(
            """
            WITH norms AS (
                SELECT id, position_id, name, output_unit, minutes_per_unit,
                       row_number() OVER (PARTITION BY position_id ORDER BY id) AS k
                FROM org_activitynorm WHERE name LIKE 'Tugas bench %%'
            ), entries AS (
                SELECT e.id AS employee_id, d::date AS day, n.id AS norm_id, n.name,
                       n.output_unit, n.minutes_per_unit,
                       coalesce(e.atasan_override_id, e.derived_atasan_id) AS approver_id,
                       abs(hashtext(e.id || ':' || d || ':' || s)) %% 100 AS draw
                FROM org_employee e
                CROSS JOIN unnest(%s::date[]) AS d
                CROSS JOIN generate_series(1, %s) AS s
                JOIN norms n ON n.position_id = e.position_id AND n.k = (s - 1) %% 3 + 1
                WHERE e.is_active
            )
            INSERT INTO activity_activity (
                employee_id, day, norm_id, name, output_unit, minutes_per_unit, quantity,
                minutes, output, rhk_id, evidence, evidence_name, state, approver_id,
                decided_by_id, decided_at, reject_reason, created_at, updated_at, version)
            SELECT x.employee_id, x.day, x.norm_id, x.name, x.output_unit, x.minutes_per_unit,
                   1, x.minutes_per_unit, '', NULL, '', '',
                   CASE WHEN x.draw < 90 THEN 'approved' WHEN x.draw < 93 THEN 'rejected'
                        ELSE 'pending' END,
                   x.approver_id,
                   CASE WHEN x.draw < 93 THEN a.user_id END,
                   CASE WHEN x.draw < 93 THEN x.day + interval '1 day 9 hours' END,
                   CASE WHEN x.draw BETWEEN 90 AND 92 THEN 'Bukti dukung belum dilampirkan.'
                        ELSE '' END,
                   x.day + interval '16 hours', x.day + interval '1 day 9 hours',
                   CASE WHEN x.draw < 93 THEN 1 ELSE 0 END
            FROM entries x LEFT JOIN org_employee a ON a.id = x.approver_id
            """,
            [days, PER_DAY],
        )
        entries = cursor.rowcount
        period = f"{days[0]:%Y-%m}"
        rng = random.Random("bench-kpi")
        for opd in Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True):
            for n in range(3):
                kpi = Kpi.objects.create(
                    year=days[0].year,
                    unit_id=opd,
                    name=f"Indikator {n + 1}",
                    measure="%",
                    annual_target=100,
                )
                KpiPeriod.objects.create(
                    kpi=kpi, period=period, target=100, realisation=rng.randint(60, 110)
                )
    with connection.cursor() as cursor:
        # What autovacuum does after such an insert: the statistics, and the visibility map
        # (the leader's view counts late entries from an index alone).
        cursor.execute(
            "VACUUM ANALYZE org_activitynorm, activity_attendance, activity_activity, "
            "activity_kpi, activity_kpiperiod"
        )
    return {"attendance": attendance, "entries": entries, "seconds": time.perf_counter() - start}


def _recompute(day: datetime.date, runs: int) -> tuple[list[float], int]:
    from core.activity.indices import month_recompute

    times, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        rows = month_recompute(day)
        times.append(time.perf_counter() - start)
    return times, rows


def _approver() -> tuple:
    """The atasan with the most active appraisees who have an account; all their
    appraisees' entries of the month are made to wait for them."""
    from django.db.models import Count

    from core.accounts.models import User
    from core.activity.models import Activity, ActivityState
    from core.org.models import Employee

    atasan_id, appraisees = (
        Activity.objects.exclude(approver=None)
        .filter(approver__user__isnull=False)
        .values_list("approver_id")
        .annotate(n=Count("employee_id", distinct=True))
        .order_by("-n")
        .first()
    )
    waiting = Activity.objects.filter(approver_id=atasan_id).update(
        state=ActivityState.PENDING, decided_by=None, decided_at=None, reject_reason=""
    )
    user = User.objects.get(employee=Employee.objects.get(pk=atasan_id))
    return user, appraisees, waiting


def _approve(runs: int) -> tuple[list[float], int, int]:
    from core.activity.models import Activity, ActivityState
    from core.activity.services import activities_decide

    user, appraisees, waiting = _approver()
    ids = list(
        Activity.objects.filter(approver=user.employee, state=ActivityState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    runs = min(runs, len(ids) // BULK - 1)
    if runs < 1:
        raise SystemExit(f"the busiest atasan has {len(ids)} entries waiting; {2 * BULK} needed")
    activities_decide(by=user, ids=ids[-BULK:], approve=True)  # warm-up
    times = []
    for run in range(runs):
        chosen = ids[run * BULK : (run + 1) * BULK]
        start = time.perf_counter()
        decided = activities_decide(by=user, ids=chosen, approve=True)
        times.append(time.perf_counter() - start)
        assert decided == BULK, decided
    return times, appraisees, waiting


def _log(runs: int) -> tuple[list[float], datetime.date]:
    """One activity each by RUNS + 1 employees (the first a warm-up) on the last working day
    up to today, with their attendance of that day recorded."""
    from core.accounts.models import User
    from core.activity.models import Attendance
    from core.activity.services import activity_log, calendar_current, today_local
    from core.org.models import ActivityNorm, Employee

    today = today_local()
    calendar = calendar_current(today - datetime.timedelta(days=30), today)
    day = today
    while not calendar.working(day):
        day -= datetime.timedelta(days=1)
    people = list(
        Employee.objects.filter(is_active=True, user__isnull=False)
        .exclude(derived_atasan=None)
        .order_by("nip")
        .values_list("pk", "position_id", "user_id")[: runs + 1]
    )
    for pk, _position, _user in people:
        Attendance.objects.get_or_create(
            employee_id=pk, day=day, defaults={"status": "present", "hours_present": 8}
        )
    norms = {}
    for position, norm in ActivityNorm.objects.filter(
        position_id__in=[position for _pk, position, _u in people], name__startswith="Tugas bench"
    ).values_list("position_id", "pk"):
        norms.setdefault(position, norm)
    users = User.objects.in_bulk([user for _pk, _p, user in people])
    times = []
    for n, (_pk, position, user) in enumerate(people):
        start = time.perf_counter()
        activity_log(by=users[user], day=day, norm=norms[position], quantity="1", output="Laporan")
        if n:  # the first is a warm-up
            times.append(time.perf_counter() - start)
    return times, day


def _leader_view(pemda, month: datetime.date, runs: int) -> dict:
    """(d) The leader's real-time view (core.activity.dashboard) of the largest OPD, as its
    head and as the Wali Kota, and the Wali Kota's view of the whole Pemda: RUNS GETs each
    after a warm-up, the month of the data; the statements counted once (without
    django-tenants' "SET search_path")."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from core.accounts.models import User
    from core.org.models import Employee, Unit

    with pemda:
        opd_id, staff = (
            Employee.objects.filter(is_active=True)
            .values_list("unit__opd_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        opd = Unit.objects.select_related("head__user").get(pk=opd_id)
        mayor = Client(HTTP_HOST=pemda.domain_name)
        mayor.force_login(User.objects.get(username="pimpinan"))
        head = Client(HTTP_HOST=pemda.domain_name)
        head.force_login(opd.head.user)
        page = reverse("activity:dashboard")
        query = f"bulan={month:%Y-%m}"
    results = {}
    for label, client, url in (
        (f"(d) the largest OPD ({staff:,} people), as its head", head, f"{page}?{query}"),
        ("(d) the largest OPD, as the Wali Kota", mayor, f"{page}?opd={opd.pk}&{query}"),
        ("(d) the whole Pemda, as the Wali Kota", mayor, f"{page}?{query}"),
    ):
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        statements = [q for q in queries.captured_queries if not q["sql"].startswith("SET ")]
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        results[label] = (times, len(statements))
    return results


def _ms(times: list[float]) -> str:
    return (
        f"{statistics.median(times) * 1000:8.1f} ms (min {min(times) * 1000:.1f}, "
        f"max {max(times) * 1000:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--recompute-runs", type=int, default=RUNS_RECOMPUTE)
    parser.add_argument("--employees", type=int, default=BIG[2])
    args = parser.parse_args()
    with bench_django("bench_activity") as name:
        from django.core.management import call_command
        from django.test import override_settings

        override_settings(DEBUG=False).enable()
        bench_header(name)
        call_command("migrate_schemas", "--shared", interactive=False, verbosity=0)
        call_command("build_templates", verbosity=0)
        year = datetime.date.today().year
        code, slug, _n = BIG
        pemda, imported, seeded, _seeded = bench_pemda(code, slug, args.employees, year)
        print(
            f"setup {slug}: {args.employees:,} employees imported in {imported:.1f} s; "
            f"{year}'s SKP and evaluations seeded in {seeded:.1f} s"
        )
        with pemda:
            from core.activity.services import calendar_current, today_local

            days = _month(calendar_current(), today_local())
            made = _data(days)
            print(
                f"data {days[0]:%Y-%m}: {made['attendance']:,} attendance days and "
                f"{made['entries']:,} entries ({len(days)} working days × {PER_DAY} a day) "
                f"written in {made['seconds']:.1f} s"
            )
            recompute, rows = _recompute(days[0], args.recompute_runs)
            approve, appraisees, waiting = _approve(args.runs)
            log, log_day = _log(args.runs)
            views = _leader_view(pemda, days[0], args.runs)
        _report(days, rows, recompute, approve, appraisees, waiting, log, log_day, views)


def _report(days, rows, recompute, approve, appraisees, waiting, log, log_day, views) -> None:
    print()
    print(f"{'measure':<70} | median (min, max)")
    missed = []
    label = f"(a) month_recompute {days[0]:%Y-%m}: {rows:,} people, {len(recompute)} runs"
    median = statistics.median(recompute)
    print(f"{label:<70} | {median:8.2f} s (min {min(recompute):.2f}, max {max(recompute):.2f})")
    if median > RECOMPUTE_TARGET_S:
        missed.append(label)
    label = f"(b) {BULK} of an atasan's {waiting:,} waiting entries approved, {len(approve)} runs"
    print(f"{label:<70} | {_ms(approve)}")
    print(f"    (the atasan with the most appraisees: {appraisees})")
    if statistics.median(approve) * 1000 > BULK_TARGET_MS:
        missed.append(label)
    label = f"(c) one activity logged for {log_day}, {len(log)} runs"
    print(f"{label:<70} | {_ms(log)}")
    if statistics.median(log) * 1000 > LOG_TARGET_MS:
        missed.append(label)
    for label, (times, statements) in views.items():
        print(f"{label:<70} | {_ms(times)} · {statements} statements")
        if statistics.median(times) * 1000 > VIEW_TARGET_MS and "whole Pemda" not in label:
            missed.append(label)
    print()
    print(
        f"targets (recompute ≤ {RECOMPUTE_TARGET_S} s, {BULK} approvals ≤ {BULK_TARGET_MS} ms, "
        f"one entry ≤ {LOG_TARGET_MS} ms, the largest OPD's view ≤ {VIEW_TARGET_MS} ms): "
        + ("met." if not missed else "MISSED: " + "; ".join(missed) + ".")
    )


if __name__ == "__main__":
    main()
