"""Load test: logged-in users over the common pages of one Pemda, against ``/healthz``.

Run from the project root, with the demo (or any Sinergi server) running on this machine:

    .venv/bin/python bench/load.py                      # 100 users, 60 s
    .venv/bin/python bench/load.py --users 50 100 --time 60s --target http://127.0.0.1:8000

The issue asks for the mixed pages' throughput as a ratio to ``/healthz`` under the same
load, and for the p95 at 100 users (target: at most 500 ms, no errors).

1. Bounded and local: at most MAX_USERS users and MAX_SECONDS per run, and the target must
   be a loopback address (the demo's passwords are public, and this is a load generator):
   anything else is refused before a request is sent.
2. One login per role (admin, pimpinan, kepala.bkpsdmd, atasan, pegawai1), through the login
   form like a browser; the users of a role share that session, as one person with many
   tabs would. Logins are not part of the figures: a password hash costs about as much as a
   hundred page views, and a person logs in once a day. The API is called with the admin's
   token (``--token``, else one made with ``manage.py tenant_command drf_create_token``,
   which reads the same ``.env`` as the demo).
3. Mixed run: every user, in a loop, asks for one of five page groups at random (equal
   weights): the home page, the employee list (pages 1-3), the unit list (pages 1-3), the
   workload (ABK) page and the API's employee list (token). The users are spread over the
   roles in turn, so each role sees its own scope (the admin and the leader the whole
   Pemda, the head of OPD the OPD, the atasan and the employee a handful of records).
   Anything but a 200 is an error (a redirect would mean a lost session).
4. ``/healthz`` run: the same number of users doing nothing but ``GET /healthz`` (by IP
   address, as a load balancer probes it: a database and a broker check, no page).
5. Think time (``--think``, default 0): the pause of each user between its requests. The
   default is none at all, a closed loop: each user asks for its next page the moment the
   last one arrives. That is the load of the issue's own baseline (50 users: 119 req/s,
   p95 988 ms; 100 users: 117 req/s, p95 1,603 ms), so the figures compare, and it is the
   harshest reading of "100 users": a person reads a page for several seconds, so 100 such
   users ask for as much as several hundred people at their desks. With ``--think T`` each
   user waits between T/2 and 3T/2 seconds (uniform) after each answer.
6. Each run spawns its users, lets them run WARMUP seconds unrecorded (connections opened,
   the workers' first requests), then records every request for ``--time``. Percentiles
   are exact (from every recorded response time), requests/s = recorded requests / window.
7. Where the CPU went (Linux): per request, the machine's, the server's (``--server-pid``,
   the gunicorn master), the database backends' (``--database``, by their process title)
   and this generator's; what is left is anything else running, and a run with more than
   a little of that (or a machine busy before it starts) was measured on a shared machine
   and reads too low. From the three known parts it prints the ceiling: cores ÷ CPU per
   request, the most this mix can reach on this machine whatever the worker settings.

The generator runs beside the server and takes CPU from it: one gevent process, 0.5–1 ms of
CPU per request (the upper figure when the server closes every connection, as gunicorn's
sync workers do). Start the server as production would (DEBUG off); which gunicorn workers
and threads is the server's business, not this script's.
"""

from __future__ import annotations

# Locust patches the standard library for gevent when imported: it must come first.
from locust import FastHttpUser, between, constant, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import ipaddress
import math
import os
import random
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import gevent
import requests
from _database import nproc

BASE_DIR = Path(__file__).resolve().parent.parent
MAX_USERS = 500
MAX_SECONDS = 600
WARMUP = 5  # seconds run before the recording starts
SETTLE = 3  # seconds between runs
ROLES = ("admin", "pimpinan", "kepala.bkpsdmd", "atasan", "pegawai1")
TARGET_P95_MS = 500
CPU_PARTS = ("machine", "server", "database", "generator")
IDLE_BEFORE = 0.15  # a machine busier than this before a run has other work on it
TOTAL = "all pages"
HEALTH = "/healthz"
PAGES = {  # group → path chooser
    "home": lambda: "/",
    "employees": lambda: f"/org/employees/?page={random.randint(1, 3)}",
    "units": lambda: f"/org/units/?page={random.randint(1, 3)}",
    "workload": lambda: "/org/workload/",
    "api employees": lambda: "/api/v1/employees/",
}
API_GROUPS = {"api employees"}


# --- Arguments and safety -------------------------------------------------------------------


def seconds_parse(text: str) -> int:
    """``90``, ``90s``, ``2m`` → seconds (1 … MAX_SECONDS)."""
    match = re.fullmatch(r"\s*(\d+)\s*([sm]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 60s or 2m)")
    value = int(match[1]) * (60 if match[2] == "m" else 1)
    if not 1 <= value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"between 1 s and {MAX_SECONDS} s, not {value} s")
    return value


def users_parse(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_USERS:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_USERS} users, not {value}")
    return value


def loopback_target(url: str) -> tuple[str, int]:
    """(host, port) of an http URL whose host resolves only to loopback addresses; anything
    else raises SystemExit before a request is sent."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit(f"refused: {url!r} is not an http://host:port URL")
    port = parts.port or 80
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port)}
    except socket.gaierror as exc:
        raise SystemExit(f"refused: {parts.hostname} does not resolve ({exc})") from None
    outside = sorted(a for a in addresses if not ipaddress.ip_address(a).is_loopback)
    if outside:
        raise SystemExit(
            f"refused: {parts.hostname} resolves to {', '.join(outside)}; this load test "
            "only runs against this machine (loopback)"
        )
    return parts.hostname, port


def database_name() -> str:
    """The database of DATABASE_URL, else the embedded server's (saas_platform.embedded_db)."""
    path = urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/")
    return path or "sinergi"


# --- Sessions and the token -----------------------------------------------------------------


def login(target: str, host: str, username: str, password: str) -> str:
    """The Cookie header of a session logged in through the login form."""
    session = requests.Session()
    headers = {"Host": host}
    url = f"{target}/accounts/login/"
    page = session.get(url, headers=headers, timeout=30)
    page.raise_for_status()
    csrf = session.cookies.get("csrftoken")
    answer = session.post(
        url,
        data={"csrfmiddlewaretoken": csrf, "username": username, "password": password},
        headers={**headers, "Referer": f"http://{host}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login as {username!r} at {host} failed ({answer.status_code})")
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def api_token(schema: str, username: str) -> str:
    """A DRF token of ``username`` (made once, then reused by drf_create_token)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "tenant_command", "drf_create_token", "--schema", schema,
         username],
        cwd=BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    match = re.search(r"token ([0-9a-f]{40})", result.stdout)
    if result.returncode or not match:
        raise SystemExit(
            f"no API token (pass --token): manage.py drf_create_token said\n{result.stderr}"
        )
    return match[1]


# --- The users --------------------------------------------------------------------------------


class Pages(FastHttpUser):
    """A logged-in user of one role, over the five page groups."""

    abstract = True
    sessions: list[str] = []  # Cookie headers, one per role (set before the run)
    host_header = ""
    token = ""
    _next_role = 0

    def on_start(self):
        cls = type(self)
        self.cookie = cls.sessions[cls._next_role % len(cls.sessions)]
        cls._next_role += 1

    @task
    def page(self):
        group = random.choice(tuple(PAGES))
        headers = {"Host": self.host_header}
        if group in API_GROUPS:
            headers["Authorization"] = f"Token {self.token}"
            headers["Accept"] = "application/json"
        else:
            headers["Cookie"] = self.cookie
        self._get(PAGES[group](), group, headers)

    def _get(self, path, group, headers):
        with self.client.get(
            path, name=group, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Health(FastHttpUser):
    abstract = True

    @task
    def health(self):
        with self.client.get(
            HEALTH, name=HEALTH, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


# --- One run --------------------------------------------------------------------------------


# --- Where the CPU went (Linux /proc; elsewhere these figures are left out) ---------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields) - idle) / TICKS, sum(fields) / TICKS


def process_tree_cpu(pid: int) -> float | None:
    """CPU seconds used so far by ``pid`` and its children (a gunicorn master and workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    total = 0.0
    for one in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return total


def database_cpu(name: str) -> dict[int, float]:
    """{pid: CPU seconds so far} of the PostgreSQL backends serving database ``name`` (their
    process title reads "postgres: … <user> <database> <client> <state>")."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres:") or f" {name} " not in title:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU used during the recorded window: the machine, the server (its master's pid, when
    given), the database's backends (its name, when given) and this generator; what is left
    is everything else running on the machine.

    Backends come and go (Django closes a connection after DB_CONN_MAX_AGE seconds), so they
    are sampled every SAMPLE seconds: one that ends counts up to its last sample.
    """

    SAMPLE = 0.5

    def __init__(self, server_pid: int | None, database: str | None):
        self.server_pid = server_pid
        self.database = database

    def start(self):
        self.backends_before = self._database()
        self.backends_seen = dict(self.backends_before)
        self.sampling = gevent.spawn(self._sample) if self.database else None
        self.begin = (machine_cpu(), self._server(), own_cpu(), time.monotonic())

    def stop(self) -> dict:
        machine, server, own, started = self.begin
        end_machine, end_server = machine_cpu(), self._server()
        result = {"generator": own_cpu() - own, "seconds": time.monotonic() - started}
        if machine and end_machine:
            result["machine"] = end_machine[0] - machine[0]
            result["capacity"] = end_machine[1] - machine[1]
        if server is not None and end_server is not None:
            result["server"] = end_server - server
        if self.sampling is not None:
            self.sampling.kill()
            self.backends_seen.update(self._database())
            # a backend that started during the window counts from zero
            result["database"] = sum(
                used - self.backends_before.get(pid, 0.0)
                for pid, used in self.backends_seen.items()
            )
        return result

    def _sample(self):
        while True:
            gevent.sleep(self.SAMPLE)
            self.backends_seen.update(self._database())

    def _server(self):
        return process_tree_cpu(self.server_pid) if self.server_pid else None

    def _database(self) -> dict[int, float]:
        return database_cpu(self.database) if self.database else {}


def machine_busy(seconds: float = 1.0) -> float | None:
    """Share of the machine's CPU in use over ``seconds`` (0–1), before a run starts."""
    before = machine_cpu()
    time.sleep(seconds)
    after = machine_cpu()
    if not (before and after) or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


class Recorder:
    """Every response time (ms) per group while ``on``, and the errors."""

    def __init__(self):
        self.on = False
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()

    def __call__(self, request_type, name, response_time, exception=None, **kwargs):
        if not self.on:
            return
        self.times[name].append(response_time)
        if exception is not None:
            self.errors[(name, str(exception)[:120])] += 1


def run(user_class, *, target: str, users: int, seconds: int, wait, meter: CpuMeter) -> dict:
    """Run ``users`` users of ``user_class`` for WARMUP + ``seconds``; the recorded figures."""
    gevent.sleep(SETTLE)  # the server answers what the last run left queued
    busy = machine_busy()
    recorder = Recorder()
    user = type(user_class.__name__, (user_class,), {"host": target, "wait_time": wait})
    environment = Environment(user_classes=[user], events=events)
    events.request.add_listener(recorder)
    runner = environment.create_local_runner()
    try:
        runner.start(users, spawn_rate=max(users / 2, 1))  # everyone within about 2 s
        gevent.sleep(2 + WARMUP)
        recorder.on = True
        meter.start()
        gevent.sleep(seconds)
        recorder.on = False
        cpu = meter.stop()
    finally:
        runner.quit()
        events.request.remove_listener(recorder)
    return {**figures(recorder, cpu["seconds"]), "cpu": cpu, "busy_before": busy}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (the value below which ``share`` of them lie)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(recorder: Recorder, window: float) -> dict:
    groups = {}
    everything = [t for times in recorder.times.values() for t in times]
    for name, times in sorted(recorder.times.items()) + [(TOTAL, everything)]:
        if not times:
            continue
        errors = sum(n for (group, _), n in recorder.errors.items() if name in (group, TOTAL))
        groups[name] = {
            "requests": len(times),
            "rps": len(times) / window,
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
            "errors": errors,
        }
    return {"groups": groups, "errors": recorder.errors, "window": window}


def table(title: str, result: dict) -> None:
    print(f"\n{title} ({result['window']:.0f} s recorded)")
    print(f"  {'group':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, row in result["groups"].items():
        print(
            f"  {name:<16}{row['requests']:>9}{row['rps']:>9.1f}{row['p50']:>9.0f}"
            f"{row['p95']:>9.0f}{row['errors']:>8}"
        )
    for (group, message), n in result["errors"].most_common(10):
        print(f"  error × {n}: {group}: {message}")
    requests = result["groups"][TOTAL]["requests"] if result["groups"] else 0
    cpu = result["cpu"]
    if requests and "machine" in cpu:
        per = {name: cpu[name] / requests * 1000 for name in CPU_PARTS if name in cpu}
        parts = [f"{name} {per[name]:.1f}" for name in CPU_PARTS[1:] if name in per]
        rest = per["machine"] - sum(per[name] for name in CPU_PARTS[1:] if name in per)
        parts.append(f"{'anything else' if 'database' in per else 'database and the rest'} "
                     f"{rest:.1f}")  # fmt: skip
        print(
            f"  CPU per request: {per['machine']:.1f} ms on the machine "
            f"({', '.join(parts)}); machine {cpu['machine'] / cpu['capacity']:.0%} busy"
        )
        if "anything else" in parts[-1] and "server" in per:
            ours = per["server"] + per["database"] + per["generator"]
            print(
                f"  ceiling: {os.cpu_count()} cores ÷ {ours:.1f} ms (server, database and "
                f"generator) = {os.cpu_count() * 1000 / ours:.0f} requests/s on an idle machine"
            )
    if result["busy_before"] is not None and result["busy_before"] > IDLE_BEFORE:
        print(
            f"  warning: the machine was {result['busy_before']:.0%} busy before this run "
            "(something else is running): these figures are too low"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users", type=users_parse, nargs="+", default=[100], help="one run per count"
    )
    parser.add_argument("--time", type=seconds_parse, default=60, help="recorded, e.g. 60s")
    parser.add_argument("--think", type=float, default=0.0, help="seconds between requests")
    parser.add_argument("--target", default="http://127.0.0.1:8000", help="loopback only")
    parser.add_argument("--pemda", default="surabaya", help="slug of a demo Pemda")
    parser.add_argument("--domain", default=os.environ.get("PLATFORM_DOMAIN", "localhost"))
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "sinergi-demo"))
    parser.add_argument("--token", default="", help="API token of the admin")
    parser.add_argument("--skip-health", action="store_true", help="only the mixed run")
    parser.add_argument(
        "--server-pid", type=int, help="gunicorn master's pid: also report the server's CPU"
    )
    parser.add_argument(
        "--database", default=database_name(), help="its backends' CPU is reported (Linux)"
    )
    args = parser.parse_args()
    if not 0 <= args.think <= 60:
        parser.error("--think: between 0 and 60 seconds")
    target = args.target.rstrip("/")
    _host, port = loopback_target(target)
    pemda_host = f"{args.pemda}.{args.domain}" + ("" if port == 80 else f":{port}")
    wait = between(args.think / 2, args.think * 1.5) if args.think else constant(0)

    Pages.sessions = [login(target, pemda_host, role, args.password) for role in ROLES]
    Pages.host_header = pemda_host
    Pages.token = args.token or api_token(args.pemda.replace("-", "_"), "admin")
    print(
        f"Load on {target} (Host: {pemda_host}); {nproc()} cores, generator beside the "
        f"server; think time {args.think:g} s; roles {', '.join(ROLES)}"
    )
    meter = CpuMeter(args.server_pid, args.database)
    summary = []
    for users in args.users:
        mixed = run(Pages, target=target, users=users, seconds=args.time, wait=wait, meter=meter)
        table(f"{users} users, mixed pages", mixed)
        total = mixed["groups"][TOTAL]
        line = (
            f"{users} users: {total['rps']:.0f} req/s, p95 {total['p95']:.0f} ms, "
            f"{total['errors']} errors"
        )
        if not args.skip_health:
            health = run(
                Health, target=target, users=users, seconds=args.time, wait=wait, meter=meter
            )
            table(f"{users} users, {HEALTH} only", health)
            ratio = total["rps"] / health["groups"][TOTAL]["rps"]
            line += f"; {ratio:.2f} × the {HEALTH} throughput"
        summary.append((users, total, line))
    print("\nSummary")
    for _users, _total, line in summary:
        print(f"  {line}")
    for users, total, _line in summary:
        if users == 100:
            verdict = "met" if total["p95"] <= TARGET_P95_MS and not total["errors"] else "missed"
            print(
                f"  p95 at 100 users: {total['p95']:.0f} ms (target ≤ {TARGET_P95_MS} ms, "
                f"0 errors: {verdict})"
            )


if __name__ == "__main__":
    main()
