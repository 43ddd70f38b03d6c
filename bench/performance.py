"""Benchmark: SKP, ratings and calibration (issue 9) at Surabaya's size.

Run from the project root:  DEBUG=1 .venv/bin/python bench/performance.py [--runs N]
(``--employees N`` for another size of the big Pemda, e.g. a quick try.)

Targets: the leader's overview of the whole Pemda and the calibration page of the largest
OPD at most 300 ms each, with the same number of queries whatever the size; one RHK pushed
down to 500 people (``services.rhk_assign_bulk``) at most 2 s.

1. A database of its own (``<name>_bench_performance``), created and dropped, as the other
   benchmarks do. Two Pemda cloned from the template "surabaya" (monthly periods): Kota
   Surabaya with the demo generator's organisation at 15,000 employees and Kota Jambi at
   2,000, imported the admins' way; each gets the demo's year of performance data
   (``core.performance.demo``) for last year, so every month and the year itself are
   rated: 13 evaluations a person, with their BerAKHLAK ratings and realisations.
2. (a) GET performance:overview as the Wali Kota for December; (b) GET
   performance:calibration of the largest OPD as its head (a head of OPD), for its last
   period still open (the one it finalises next): the same role and state at both sizes.
   Each RUNS times after one warm-up, through the whole request (middleware, template):
   median, p95 and the SQL statements of one request, at both sizes.
3. (c) The head of the largest OPD of the big Pemda pushes one RHK of their SKP of this year
   down to 500 people of the OPD who have no SKP yet (each run other people: their SKP are
   made in the same call), RUNS times.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

from _database import bench_django, bench_header, bench_pemda

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

RUNS = 10
BIG = ("35.78", "bench-perf", 15_000)  # Kota Surabaya
SMALL = ("15.71", "bench-perf-small", 2_000)  # Kota Jambi
ASSIGNED = 500
PAGE_TARGET_MS = 300
ASSIGN_TARGET_MS = 2000


def _largest_opd():
    """The largest OPD headed by a head of OPD (at 2,000 people the Setda is the largest,
    and its head, the Sekda, is a leader: another role, other queries)."""
    from django.db.models import Count

    from core.accounts.models import Role
    from core.org.models import Employee, Unit

    opd_id, _n = (
        Employee.objects.filter(is_active=True, unit__opd__head__user__role=Role.HEAD_OF_OPD)
        .values_list("unit__opd_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return Unit.objects.select_related("head__user").get(pk=opd_id)


def _pages(pemda, period: str, runs: int) -> dict:
    """(a) and (b) at one Pemda: {label: (times, statements)}."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from core.accounts.models import User
    from core.org.models import Employee
    from core.performance.models import UnitPeriod, UnitPeriodState

    with pemda:
        leader = User.objects.get(username="pimpinan")
        opd = _largest_opd()
        head = opd.head.user
        staff = Employee.objects.filter(is_active=True, unit__opd=opd).count()
        # The OPD's last period still open (the one its head finalises next), so that both
        # sizes show the page in the same state (a final one also names who finalised it).
        open_period = (
            UnitPeriod.objects.filter(
                opd=opd, state=UnitPeriodState.OPEN, period__startswith=period[:4]
            )
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        ) or period
        mayor = Client(HTTP_HOST=pemda.domain_name)
        mayor.force_login(leader)
        head_client = Client(HTTP_HOST=pemda.domain_name)
        head_client.force_login(head)
        overview = reverse("performance:overview") + f"?periode={period}"
        calibration = reverse("performance:calibration", args=[opd.pk, open_period])
    results = {}
    for label, client, url in (
        ("(a) overview of the Pemda, as the leader", mayor, overview),
        (
            f"(b) calibration of the largest OPD, {open_period} ({staff:,} people)",
            head_client,
            calibration,
        ),
    ):
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Read now (the next request empties the log), without django-tenants' "SET
        # search_path", which comes only when the connection changed schema or reconnected.
        statements = [
            q["sql"][:100] for q in queries.captured_queries if not q["sql"].startswith("SET ")
        ]
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        results[label[:3]] = (label, times, statements)
    return results


def _assign(pemda, year: int, runs: int) -> list[float]:
    """(c): RUNS assignments of one RHK to 500 people of the largest OPD, others each time."""
    from core.org.models import Employee
    from core.performance.models import Skp
    from core.performance.rules import Approach, Aspect, Perspektif, RhkKind
    from core.performance.services import rhk_assign_bulk, rhk_create, skp_get_or_create

    with pemda:
        opd = _largest_opd()
        head = opd.head
        by = head.user
        skp = skp_get_or_create(employee=head, year=year, by=by)
        source = rhk_create(
            skp=skp,
            by=by,
            kind=RhkKind.UTAMA,
            text="Meningkatnya mutu layanan pendidikan dasar",
            perspektif=Perspektif.PENERIMA_LAYANAN if skp.is_jpt else "",
            iki=[
                {
                    "text": "Persentase sekolah yang memenuhi standar pelayanan minimal",
                    "aspect": Aspect.KUALITAS,
                    "approach": Approach.KUANTITATIF,
                    "target_value": 90,
                    "target_unit": "%",
                    "target_text": "",
                },
                {
                    "text": "Jumlah laporan capaian yang disusun",
                    "aspect": Aspect.KUANTITAS,
                    "approach": Approach.KUANTITATIF,
                    "target_value": 4,
                    "target_unit": "Laporan",
                    "target_text": "",
                },
            ],
        )
        with_skp = Skp.objects.filter(year=year).values("employee_id")
        people = list(
            Employee.objects.filter(is_active=True, unit__opd=opd)
            .exclude(pk=head.pk)
            .exclude(pk__in=with_skp)
            .exclude(position__jenis__startswith="JPT")  # their RHK would need a perspektif
            .order_by("nip")
            .values_list("pk", flat=True)
        )
        if len(people) < ASSIGNED * runs:
            raise SystemExit(
                f"the largest OPD has {len(people)} people to assign to; {ASSIGNED * runs} needed"
            )
        times = []
        for run in range(runs):
            chosen = people[run * ASSIGNED : (run + 1) * ASSIGNED]
            start = time.perf_counter()
            made = rhk_assign_bulk(by=by, year=year, employees=chosen, source=source)
            times.append(time.perf_counter() - start)
            assert len(made) == ASSIGNED, len(made)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--employees", type=int, default=BIG[2], help="of the big Pemda")
    args = parser.parse_args()
    with bench_django("bench_performance") as name:
        from django.core.management import call_command
        from django.test import override_settings

        override_settings(DEBUG=False).enable()
        bench_header(name)
        call_command("migrate_schemas", "--shared", interactive=False, verbosity=0)
        call_command("build_templates", verbosity=0)
        year = datetime.date.today().year
        last_year, period = year - 1, f"{year - 1}-12"
        sizes = {}
        for code, slug, employees in ((*BIG[:2], args.employees), SMALL):
            pemda, imported, seeded, report = bench_pemda(code, slug, employees, last_year)
            print(
                f"setup {slug}: {employees:,} employees imported in {imported:.1f} s; "
                f"{last_year} seeded in {seeded:.1f} s ({report.skps:,} SKP, {report.rhk:,} "
                f"RHK, {report.iki:,} IKI, {report.evaluations:,} evaluations, "
                f"{report.behaviours:,} BerAKHLAK ratings, {report.realisations:,} "
                f"realisations, {report.unit_periods:,} OPD periods)"
            )
            sizes[employees] = (pemda, _pages(pemda, period, args.runs))
        big_pemda = sizes[args.employees][0]
        assign_times = _assign(big_pemda, year, args.runs)
        _report(sizes, assign_times, args.runs, args.employees)


def _report(sizes: dict, assign_times: list[float], runs: int, big: int) -> None:
    small = SMALL[2]
    print()
    print(
        f"{runs} runs each after a warm-up (median, p95; SQL statements of one request, "
        "without django-tenants' SET search_path):"
    )
    print()
    print(f"{'measure':<64} | {'median':>9} | {'p95':>9} | SQL at {big:,} | at {small:,}")
    missed = []
    for key, (label, times, statements) in sizes[big][1].items():
        small_statements = sizes[small][1][key][2]
        median = statistics.median(times) * 1000
        print(
            f"{label:<64} | {median:6.1f} ms | {_p95(times) * 1000:6.1f} ms | "
            f"{len(statements):>10} | {len(small_statements):>8}"
        )
        if median > PAGE_TARGET_MS:
            missed.append(label)
        if len(statements) != len(small_statements):
            missed.append(f"{label}: {len(statements)} statements, {len(small_statements)}")
            for size, listed in ((big, statements), (small, small_statements)):
                print(f"  at {size:,}:", *listed, sep="\n    ")
    median = statistics.median(assign_times) * 1000
    label = f"(c) one RHK assigned to {ASSIGNED} people (SKP made)"
    print(f"{label:<64} | {median:6.1f} ms | {_p95(assign_times) * 1000:6.1f} ms |")
    if median > ASSIGN_TARGET_MS:
        missed.append(label)
    print()
    print(
        f"targets (pages ≤ {PAGE_TARGET_MS} ms with the same SQL at both sizes, assignment "
        f"≤ {ASSIGN_TARGET_MS} ms): "
        + ("met." if not missed else "MISSED: " + "; ".join(missed) + ".")
    )


if __name__ == "__main__":
    main()
