"""Benchmark: one edit at a Pemda of 20,000 employees, against a full refresh.

Run from the project root:  DEBUG=1 .venv/bin/python bench/org_edit.py [--runs N]

A single edit (one employee, one unit, one atasan set by hand) must not re-derive the whole
Pemda: the services refresh only what the change can affect (core.org.tree.org_refresh).
The target is at most 100 ms per edit, through the real services, commit included.

1. A database of its own (``<name>_bench_edit``), created and dropped, as the other
   benchmarks do; a Pemda cloned from the template with the demo generator's organisation
   of Kota Surabaya at 20,000 employees, imported the admins' way.
2. Each edit is made RUNS times, alternating between two states so every run changes
   something; the median, the slowest run and the SQL statements of one run are printed,
   with the ratio of a full refresh (``org_refresh_all``) to the edit.
3. At the end a full refresh must find nothing left to change (the edits were exact).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _database import bench_django, bench_header

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

EMPLOYEES = 20_000
RUNS = 15
REGION = "35.78"  # Kota Surabaya
SLUG = "bench-edit"
TARGET_MS = 100


def _setup():
    from django.core.management import call_command

    from core.demo.org import org_generate
    from core.importing.tabular import write_xlsx
    from core.org.imports import people_import
    from tenants.models import Region
    from tenants.services import pemda_provision, pemda_request

    call_command("migrate_schemas", "--shared", interactive=False, verbosity=0)
    call_command("build_templates", verbosity=0)
    pemda = pemda_request(region_code=REGION, template_name="surabaya", slug=SLUG)
    pemda = pemda_provision(pemda_id=pemda.pk)
    org = org_generate(region=Region.objects.get(code=REGION), slug=SLUG, employees=EMPLOYEES)
    with pemda:
        for kind, (headers, rows) in org.tables().items():
            report = people_import(
                kind=kind, data=write_xlsx(headers, rows), filename=f"{kind}.xlsx"
            )
            assert report.written, report.errors[:3]
    return pemda


def _measure(label: str, edits, runs: int) -> dict:
    """Time ``edits[i % len(edits)]()`` ``runs`` times; count the SQL of the first run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for i in range(runs):
        edit = edits[i % len(edits)]
        if i == 0:
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                edit()
                times.append(time.perf_counter() - start)
            statements = len(queries)
        else:
            start = time.perf_counter()
            edit()
            times.append(time.perf_counter() - start)
    return {"label": label, "times": times, "statements": statements}


def _edits(runs: int) -> list[dict]:
    from core.accounts.models import User
    from core.org import services
    from core.org.models import Employee, Unit
    from core.org.tree import org_refresh_all

    admin = User.objects.get(username="admin")
    # A staff member (not a head) of a seksi, moved to a sibling seksi and back.
    staff = (
        Employee.objects.filter(is_active=True, position__jenis="PELAKSANA", unit__depth=2)
        .select_related("unit")
        .order_by("id")
        .first()
    )
    home = staff.unit
    sibling = Unit.objects.filter(parent=home.parent).exclude(pk=home.pk).order_by("id").first()
    # A Kepala Bidang who leaves and comes back: the bidang's head changes both times.
    kabid = Employee.objects.filter(position__jenis="ADMINISTRATOR", unit__depth=1).first()
    # A bidang moved under another OPD and back.
    bidang = Unit.objects.filter(depth=1).order_by("id").first()
    old_parent = bidang.parent
    other_opd = Unit.objects.filter(parent=None).exclude(pk=old_parent.pk).order_by("id").first()
    # An atasan set by hand and given back to the organisation.
    someone = Employee.objects.filter(is_active=True, unit__depth=2).order_by("-id").first()
    new_atasan = kabid

    def move(unit):
        return lambda: services.employee_update(
            employee=Employee.objects.get(pk=staff.pk), data={"unit": unit}, by=admin
        )

    def head(active):
        return lambda: services.employee_update(
            employee=Employee.objects.get(pk=kabid.pk), data={"is_active": active}, by=admin
        )

    def reparent(parent):
        return lambda: services.unit_update(
            unit=Unit.objects.get(pk=bidang.pk), data={"parent": parent}, by=admin
        )

    def override(atasan):
        return lambda: services.atasan_override_set(
            employee=Employee.objects.get(pk=someone.pk), atasan=atasan, reason="bench", by=admin
        )

    results = [
        _measure("full refresh (org_refresh_all)", [org_refresh_all], runs),
        _measure("edit one employee: move to a sibling unit", [move(sibling), move(home)], runs),
        _measure("edit one employee: a unit head leaves/returns", [head(False), head(True)], runs),
        _measure(
            "edit one unit: move a bidang to another OPD",
            [reparent(other_opd), reparent(old_parent)],
            runs,
        ),
        _measure("set an atasan by hand / clear it", [override(new_atasan), override(None)], runs),
    ]
    if runs % 2:  # leave the organisation as it was (each pair of runs returns to it)
        for restore in (move(home), head(True), reparent(old_parent), override(None)):
            restore()
    return results


def _exact() -> bool:
    """A full refresh after all the edits finds nothing to change."""
    from core.accounts.models import User
    from core.org.models import Employee, Unit
    from core.org.tree import org_refresh_all

    def snapshot():
        return (
            sorted(Unit.objects.values_list("id", "opd_id", "depth", "tree_path", "head_id")),
            sorted(Employee.objects.values_list("id", "derived_atasan_id")),
            sorted(User.objects.values_list("id", "role")),
        )

    before = snapshot()
    org_refresh_all()
    return snapshot() == before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    with bench_django("bench_edit") as name:
        from django.test import override_settings

        override_settings(DEBUG=False).enable()
        bench_header(name)
        start = time.perf_counter()
        pemda = _setup()
        print(f"setup: a Pemda of {EMPLOYEES:,} employees in {time.perf_counter() - start:.1f} s")
        with pemda:
            results = _edits(args.runs)
            exact = _exact()
        _report(results, args.runs, exact)


def _report(results: list[dict], runs: int, exact: bool) -> None:
    full = statistics.median(results[0]["times"])
    print()
    print(f"{runs} runs each at {EMPLOYEES:,} employees (median, slowest; SQL of one run):")
    print()
    print(f"{'change':<46} | {'median':>9} | {'slowest':>9} | {'SQL':>4} | full ÷ edit")
    for result in results:
        median = statistics.median(result["times"])
        ratio = "" if result is results[0] else f"{full / median:8.1f}×"
        print(
            f"{result['label']:<46} | {median * 1000:6.1f} ms | "
            f"{max(result['times']) * 1000:6.1f} ms | {result['statements']:>4} | {ratio}"
        )
    over = [r["label"] for r in results[1:] if statistics.median(r["times"]) * 1000 > TARGET_MS]
    print()
    print(
        f"target ≤ {TARGET_MS} ms per edit: "
        + ("met by every edit." if not over else f"MISSED by {', '.join(over)}.")
    )
    print("a full refresh afterwards found " + ("nothing to change." if exact else "CHANGES."))


if __name__ == "__main__":
    main()
