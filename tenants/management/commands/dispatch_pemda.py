import json
import time

from django.core.management.base import BaseCommand, CommandError

from tenants.dispatch import UnknownPemdaJob, pemda_dispatch
from tenants.models import DispatchItemStatus, DispatchRun, DispatchRunStatus, Pemda

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "Run a registered per-Pemda job for every active Pemda on the Celery workers and "
        "print the run's id (with --wait, each Pemda's outcome)."
    )

    def add_arguments(self, parser):
        parser.add_argument("job", help="registered job name, e.g. performance.period_close")
        parser.add_argument(
            "--concurrency", type=int, default=4, help="Pemda in flight at once (default 4)"
        )
        parser.add_argument(
            "--pemda",
            action="append",
            dest="slugs",
            metavar="SLUG",
            help="only this Pemda (repeatable); inactive ones are still skipped",
        )
        parser.add_argument(
            "--wait", action="store_true", help="wait for the run and print every outcome"
        )
        parser.add_argument(
            "--timeout", type=float, help="with --wait: give up waiting after these seconds"
        )

    def handle(self, *args, **options):
        pemda_ids = None
        if options["slugs"]:
            found = dict(Pemda.objects.filter(slug__in=options["slugs"]).values_list("slug", "pk"))
            missing = sorted(set(options["slugs"]) - set(found))
            if missing:
                raise CommandError(f"No Pemda has the slug: {', '.join(missing)}")
            pemda_ids = list(found.values())
        try:
            run = pemda_dispatch(
                job=options["job"], concurrency=options["concurrency"], pemda_ids=pemda_ids
            )
        except (UnknownPemdaJob, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Dispatch run {run.pk}: {run.job} for {run.total} Pemda, {run.concurrency} at a time."
        )
        if options["wait"]:
            self._wait(run, options["timeout"])

    def _wait(self, run: DispatchRun, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while run.status != DispatchRunStatus.DONE:
            if deadline is not None and time.monotonic() > deadline:
                raise CommandError(
                    f"Dispatch run {run.pk} is still running after {timeout:g} s "
                    f"({run.ok_count + run.failed_count} of {run.total} Pemda done)."
                )
            time.sleep(POLL_SECONDS)
            run.refresh_from_db()
        for item in run.items.select_related("pemda").order_by("pemda__slug"):
            if item.status == DispatchItemStatus.OK:
                outcome = json.dumps(item.result, ensure_ascii=False)
            else:
                outcome = item.error
            self.stdout.write(f"{item.pemda.slug}: {item.status} {outcome}")
        if run.failed_count:
            raise CommandError(f"{run.failed_count} of {run.total} Pemda failed.")
        self.stdout.write(f"All {run.total} Pemda succeeded.")
